"""Cohort and wave labels as a person types them: trimmed, and checked before any use.

A label names folders and rows of a workspace, so it is held to letters,
digits, ``_``, ``-`` and ``.``. Its own small module, so that a command that
only checks an export (``evaluate validate``) checks its labels without
loading the workspace's storage code.
"""

from __future__ import annotations

import re

from evaluate.errors import WorkspaceError

__all__ = ["safe_label"]

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def safe_label(value: str, what: str) -> str:
    """A cohort or wave label as typed, trimmed and checked (it names folders and rows).

    >>> safe_label(" c1 ", "Cohort")
    'c1'
    """
    text = str(value).strip()
    if not _SAFE.match(text):
        raise WorkspaceError(
            f'{what} "{text}" cannot be used: use up to 64 letters, digits, "_", "-" or "." '
            "(e.g. c1, end, follow_up)")
    return text
