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

# imported after __version__, which they record in their outputs
from evaluate.workspace import Workspace  # noqa: E402

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
