"""Progress bars on a terminal for the long commands; nothing in pipes, CI or with --quiet.

The library reports progress by calling ``progress(message)`` before each
step; a stage that knows how many steps it will take says so first with
:func:`evaluate.progress.plan`. Here those calls drive one progress bar on
standard error, labelled with the step under way: a line redrawn in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator

__all__ = ["ProgressBar", "progress_bar", "wants_progress"]


def wants_progress(quiet: bool, stream=None) -> bool:
    """True when a bar helps: a terminal, not CI, not --quiet, and not TERM=dumb."""
    stream = stream if stream is not None else sys.stderr
    if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """A callable ``progress(message)`` that moves a bar on standard error one step on.

    ``plan(steps)`` adds steps to the bar's length (stages announce their steps
    as they start, so the length may grow; the bar never goes back).
    ``close()`` finishes the bar and ends its line. The line is redrawn in
    place (carriage return), so it suits a terminal only: see
    :func:`wants_progress`.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar("analyse", file=out, columns=60)
    >>> bar.plan(2); bar("scores"); bar("network"); bar.close()
    >>> out.getvalue().split(chr(13))[-1].rstrip()
    'analyse  [########################] 100%  done'
    """

    def __init__(self, label: str, *, file=None, width: int = 24, columns: int | None = None):
        self.label = label
        self._file = file if file is not None else sys.stderr
        self._width = width
        self._columns = columns or shutil.get_terminal_size((80, 24)).columns
        self._steps = 0
        self._done = 0
        self._shown = 0.0
        self._message = ""
        self._drawn = False

    def plan(self, steps: int) -> None:
        """Add ``steps`` steps to the bar."""
        self._steps += max(int(steps), 0)
        self._draw()

    def __call__(self, message: str) -> None:
        if self._done >= self._steps:
            self._steps += 1  # a step nobody planned: grow rather than overflow
        # the bar shows the steps finished; the message names the one under way
        self._message = str(message)
        self._draw()
        self._done += 1

    def _draw(self) -> None:
        fraction = min(self._done / self._steps, 1.0) if self._steps else 0.0
        self._shown = max(self._shown, fraction)  # never backwards when a stage adds steps
        filled = round(self._shown * self._width)
        line = (f"{self.label}  [{'#' * filled}{'-' * (self._width - filled)}] "
                f"{self._shown:4.0%}  {self._message}")
        line = line[: max(self._columns - 1, 20)]
        self._file.write("\r" + line.ljust(self._columns - 1 if self._drawn else 0))
        self._file.flush()
        self._drawn = True

    def close(self, finished: bool = True) -> None:
        """End the bar's line; filled when ``finished`` (left where it stopped otherwise)."""
        if finished:
            self._message = "done"
            self._done = self._steps = max(self._steps, self._done, 1)
            self._draw()
        if self._drawn:
            self._file.write("\n")
            self._file.flush()


@contextlib.contextmanager
def progress_bar(label: str, quiet: bool) -> Iterator[ProgressBar | None]:
    """A progress bar labelled ``label`` while the block runs, when one helps, else None.

    See :func:`wants_progress`. The bar is finished when the block ends, and
    left where it stopped (its line ended, so messages follow cleanly) when
    the block raises.
    """
    if not wants_progress(quiet):
        yield None
        return
    bar = ProgressBar(label)
    try:
        yield bar
    except BaseException:
        bar.close(finished=False)
        raise
    bar.close()
