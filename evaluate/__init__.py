"""evaluate — what's the evidence? Evaluation toolkit for leadership programmes.

The names below are imported when first used (PEP 562), so that ``import
evaluate`` and the ``evaluate --help`` command stay quick: pandas and the rest
of the stack load only when a command needs them.
"""

from __future__ import annotations

import importlib

from evaluate.errors import (
    EvaluateError,
    InstrumentError,
    ReadError,
    ValidationFailed,
    WorkspaceError,
)

__version__ = "0.1.0"

#: Public names loaded on first use, and the module each comes from.
_LAZY = {
    "Instrument": "evaluate.instruments",
    "load_instrument": "evaluate.instruments",
    "load_instruments": "evaluate.instruments",
    "resolve": "evaluate.instruments",
    "Workspace": "evaluate.workspace",
}

__all__ = [
    "__version__",
    "EvaluateError",
    "InstrumentError",
    "ReadError",
    "ValidationFailed",
    "WorkspaceError",
    "Instrument",
    "load_instrument",
    "load_instruments",
    "resolve",
    "Workspace",
]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evaluate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
