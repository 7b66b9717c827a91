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
    "WorkspaceBusy",
    "WorkspaceDamaged",
    "ImportRefused",
    "RosterError",
    "AnalysisError",
    "ReportError",
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


class WorkspaceBusy(EvaluateError):
    """Another change to the same workspace is under way (an import, an undo ...)."""


class WorkspaceDamaged(EvaluateError):
    """A workspace file is damaged or does not agree with the manifest (`evaluate check`)."""


class ImportRefused(EvaluateError):
    """An import would damage the workspace (an undeclared cohort, a replacement not asked
    for ...): nothing was stored."""


class RosterError(EvaluateError):
    """The cohort roster cannot be read or has a problem that blocks matching."""


class AnalysisError(EvaluateError):
    """An analysis cannot run on the data given (say why and what is needed)."""


class ReportError(EvaluateError):
    """A report cannot be written from what was given (says what is missing and what to do)."""
