"""How library stages report progress, so that the command line can draw a bar.

A stage takes ``progress=None`` or a callable, and calls ``progress(message)``
as each step starts. A stage that knows how many steps it will take says so
first with :func:`plan`; a plain callable (``messages.append``) ignores that.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["plan", "step"]


def plan(progress: Callable[[str], None] | None, steps: int) -> None:
    """Tell ``progress`` that ``steps`` more steps are coming (if it wants to know).

    >>> plan(None, 3)  # no progress wanted: nothing happens
    """
    announce = getattr(progress, "plan", None)
    if announce is not None:
        announce(steps)


def step(progress: Callable[[str], None] | None, message: str) -> None:
    """Report that the step ``message`` is starting (if anyone listens)."""
    if progress is not None:
        progress(message)
