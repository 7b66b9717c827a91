"""Exceptions raised by evaluate, all from one root.

Every message is written for the person who has to act on it: it names the
file (and sheet, row and column where there is one), what was found, what was
expected and what to do next.
"""

from __future__ import annotations

__all__ = [
    "EvaluateError",
    "InstrumentError",
    "ReadError",
    "ValidationFailed",
    "WorkspaceError",
    "RosterError",
    "AnalysisError",
]


class EvaluateError(Exception):
    """Root of every error evaluate raises on purpose.

    The CLI turns these into a plain message and exit code, never a traceback.
    """


class InstrumentError(EvaluateError):
    """An instrument file is malformed or an instrument reference cannot be resolved."""


class ReadError(EvaluateError):
    """An export cannot be read at all (not a spreadsheet, empty, encrypted ...)."""


class ValidationFailed(EvaluateError):
    """Rows failed validation. ``failures`` holds the quarantine table."""

    def __init__(self, message: str, failures=None):
        super().__init__(message)
        self.failures = failures


class WorkspaceError(EvaluateError):
    """A workspace is missing, malformed, or asked for something it does not hold."""


class RosterError(EvaluateError):
    """The cohort roster cannot be read or has a problem that blocks matching."""


class AnalysisError(EvaluateError):
    """An analysis cannot run on the data given (say why and what is needed)."""
