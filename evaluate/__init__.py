"""evaluate — what's the evidence? Evaluation toolkit for leadership programmes."""

from evaluate.errors import (
    EvaluateError,
    InstrumentError,
    ReadError,
    ValidationFailed,
    WorkspaceError,
)
from evaluate.instruments import Instrument, load_instrument, load_instruments, resolve

__version__ = "0.1.0"

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
]
