"""Work run beside the caller's, in a thread of its own, when it is large enough to pay.

Python runs one thread's bytecode at a time; numpy lets go of that lock inside
its loops over large arrays. So a long computation on large arrays (omega's
bootstrap refits of a national programme's answers) can run in a second
thread while the caller goes on with other work, and both advance on a
machine's two cores. On small arrays the two threads only take turns, and
cost more than one: :func:`beside` runs the work in the caller's own thread
unless asked otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

__all__ = ["beside"]


@contextmanager
def beside(in_thread: bool) -> Iterator[Callable[..., Future]]:
    """``run(fn, *args, **kwargs)``: a :class:`~concurrent.futures.Future` of ``fn``'s result.

    With ``in_thread``, ``fn`` runs in a thread of its own, and leaving the
    block waits for it (an error in the block does not leave it running);
    without, it runs at once in the caller's thread. Either way its
    exceptions come out of ``result()``. What ``fn`` reads must not be
    changed by the caller meanwhile: give it objects of its own.

    >>> with beside(True) as run:
    ...     square = run(pow, 12, 2)
    ...     other = sum(range(10))
    >>> square.result(), other
    (144, 45)
    """
    if not in_thread:
        yield _now
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evaluate-beside") as pool:
        yield pool.submit


def _now(fn: Callable, /, *args, **kwargs) -> Future:
    done: Future = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - handed to result(), as a thread would
        done.set_exception(exc)
    return done
