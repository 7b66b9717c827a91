"""Work run beside the caller's: in a thread of its own, or in a second process.

Python runs one thread's bytecode at a time; numpy lets go of that lock inside
its loops over large arrays. So a long computation on large arrays (omega's
bootstrap refits of a national programme's answers) can run in a second
thread while the caller goes on with other work, and both advance on a
machine's two cores. On small arrays the two threads only take turns, and
cost more than one: :func:`beside` runs the work in the caller's own thread
unless asked otherwise.

Work made of many small pandas and Python steps (a cohort's network
analyses) never lets go of that lock, and even omega's refits hold it often
enough to slow the caller's thread; :func:`beside_process` runs such work in
a second Python process instead, started afresh (nothing of the caller's
state is copied, so it is safe beside threads and on every platform). Starting
one costs about what importing pandas does, on the other core; it pays for
work that takes a second or more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress

__all__ = ["ProcessTraceback", "beside", "beside_process", "by_name", "later", "one_blas_thread",
           "spare_core", "warm"]


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


@contextmanager
def beside_process(in_process: bool) -> Iterator[Callable[..., Future]]:
    """``run(fn, *args, **kwargs)``: a :class:`~concurrent.futures.Future` of ``fn``'s result.

    With ``in_process``, one second Python process serves the block: it starts
    at the first ``run`` (so call it as early as the work is known: the
    process's imports then overlap the caller's) and does the work it is given
    in order, while the caller goes on; ``result()`` waits for an answer.
    Leaving the block ends the process (at once if an answer was never read).
    ``fn`` must be a module-level function; it and its arguments are pickled
    when ``run`` is called (so the caller may change them afterwards), and so
    is its result (pass a path rather than an open object). Without
    ``in_process``, ``fn`` runs in the caller's thread when ``result()`` is
    first asked for, where it would have run had it been called there.
    Either way its exceptions come out of ``result()``.

    The process runs ``python -c`` with the caller's ``sys.path``, never the
    caller's main script (which :mod:`multiprocessing` would run again, and
    which a script without an ``if __name__ == "__main__"`` guard cannot
    survive).

    >>> with beside_process(True) as run:
    ...     square = run(pow, 12, 2)
    ...     cube = run(pow, 12, 3)
    ...     square.result(), cube.result()
    (144, 1728)
    """
    if not in_process:
        yield later
        return
    worker: _Worker | None = None

    def run(fn: Callable, /, *args, **kwargs) -> Future:
        nonlocal worker
        worker = worker or _Worker()
        return worker.submit(fn, args, kwargs)

    try:
        yield run
    finally:
        if worker is not None:
            worker.end()


def one_blas_thread(fn: Callable, /, *args, **kwargs):
    """``fn(*args, **kwargs)`` with BLAS on one thread, as :func:`evaluate.analysis.analyse`
    runs every analysis: work handed to a second process gives the same bits there (two
    BLAS threads sum in another order, and a bootstrap refit on the edge of converging
    can then go the other way)."""
    import scipy.linalg  # noqa: F401 - scipy's own BLAS: loaded now, so the limit reaches it
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return fn(*args, **kwargs)


def spare_core() -> bool:
    """Whether this process may run on more than one core: a second process only pays then.

    >>> isinstance(spare_core(), bool)
    True
    """
    import os

    if hasattr(os, "sched_getaffinity"):  # the cores this process may use, not the machine's
        return len(os.sched_getaffinity(0)) > 1
    return (os.cpu_count() or 1) > 1


def warm(*modules: str) -> None:
    """Import ``modules``: work for :func:`beside_process` while it would wait for the next
    (so that work finds them loaded)."""
    import importlib

    for module in modules:
        importlib.import_module(module)


def by_name(name: str, /, *args, **kwargs):
    """Call the function named ``package.module.function``, importing its module first.

    For :func:`beside_process`: ``run(by_name, "evaluate.analysis.network_tables", path)``
    starts the process before the caller has imported that module (and pandas).

    >>> by_name("os.path.join", "a", "b")
    'a/b'
    """
    import importlib

    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(module), function)(*args, **kwargs)


def _now(fn: Callable, /, *args, **kwargs) -> Future:
    done: Future = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - handed to result(), as a thread would
        done.set_exception(exc)
    return done


class _Deferred(Future):
    """A future whose work is done in the caller's thread at the first ``result()``."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict):
        super().__init__()
        self._work: tuple | None = (fn, args, kwargs)

    def result(self, timeout=None):
        if self._work is not None:
            fn, args, kwargs = self._work
            self._work = None
            try:
                self.set_result(fn(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - raised by result(), as a process would
                self.set_exception(exc)
        return super().result(timeout)


def later(fn: Callable, /, *args, **kwargs) -> Future:
    """A :class:`~concurrent.futures.Future` of ``fn(*args, **kwargs)``, computed in the
    caller's thread when its ``result()`` is first asked for: the ``run`` of
    ``beside_process(False)``.

    >>> answer = later(pow, 12, 2)
    >>> answer.done(), answer.result()
    (False, 144)
    """
    return _Deferred(fn, args, kwargs)


#: What the second process runs: the caller's import path, then :func:`_serve`.
_BOOT = ("import pickle, sys; sys.path[:] = pickle.loads(sys.stdin.buffer.read("
         "int.from_bytes(sys.stdin.buffer.read(8), 'little'))); "
         "from evaluate.concurrency import _serve; _serve()")


class ProcessTraceback(Exception):
    """The traceback of an error raised in the second process (its ``__cause__``)."""


class _Worker:
    """A second Python process, given work through its stdin and answering on its stdout.

    Each message is its length (8 bytes) and a pickle. Work is written by a
    thread of its own, so that a large piece of work never blocks the caller
    while the process is writing a large answer nobody has read yet.
    """

    def __init__(self):
        import pickle
        import subprocess
        import sys
        from collections import deque

        self._process = subprocess.Popen([sys.executable, "-c", _BOOT],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evaluate-process")
        self._waiting: deque[_Answer] = deque()
        self._send(pickle.dumps(list(sys.path)))

    def submit(self, fn: Callable, args: tuple, kwargs: dict) -> Future:
        import pickle

        self._send(pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
        self._waiting.append(_Answer(self))
        return self._waiting[-1]

    def _send(self, data: bytes) -> None:
        self._writer.submit(_write, self._process.stdin, data)

    def read_until(self, answer: Future) -> None:
        """Read answers, in the order the work was given, until ``answer``'s has come."""
        import pickle

        while not answer.done():
            first = self._waiting.popleft()
            data = _read(self._process.stdout)
            if data is None:
                code = self._process.wait()
                first.set_exception(RuntimeError(
                    f"the second process ended (exit code {code}) without an answer"))
                continue
            ok, value, trace = pickle.loads(data)
            if ok:
                first.set_result(value)
            else:
                value.__cause__ = ProcessTraceback(trace)
                first.set_exception(value)

    def end(self) -> None:
        """Let the process finish (no more work) or, if an answer was never read (the caller
        gave up), stop it."""
        unread = [answer for answer in self._waiting if not answer.done()]
        if unread:
            self._process.kill()
        self._writer.submit(_close, self._process.stdin)
        self._writer.shutdown(wait=True)
        self._process.stdout.close()
        self._process.wait()
        for answer in unread:
            answer.set_exception(RuntimeError(
                "the second process was stopped when its block ended, before its answer was read"))
        self._waiting.clear()


class _Answer(Future):
    """The answer to one piece of work given to a :class:`_Worker`."""

    def __init__(self, worker: _Worker):
        super().__init__()
        self._worker = worker

    def result(self, timeout=None):
        if not self.done():
            self._worker.read_until(self)
        return super().result(timeout)


def _write(stream, data: bytes) -> None:
    with suppress(BrokenPipeError, ValueError):  # the process ended or was stopped: no reader
        stream.write(len(data).to_bytes(8, "little"))
        stream.write(data)
        stream.flush()


def _close(stream) -> None:
    with suppress(BrokenPipeError):  # the process was stopped with work still unwritten
        stream.close()


def _read(stream) -> bytes | None:
    """One message, or None at the end of the stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    return data if len(data) == size else None


def _serve() -> None:
    """The second process: do each piece of work read from stdin, in order, and write
    ``(ok, value, traceback)`` for each to stdout."""
    import os
    import pickle
    import sys
    import traceback

    sys.stdout.flush()
    jobs, answers = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the work prints, even from C, goes to stderr, not into the answers
    sys.stdout = sys.stderr
    while (data := _read(jobs)) is not None:
        try:
            fn, args, kwargs = pickle.loads(data)
            answer = (True, fn(*args, **kwargs), "")
        except BaseException as exc:  # noqa: BLE001 - every error goes back to the caller
            answer = (False, exc, traceback.format_exc())
        try:
            reply = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an error that cannot be pickled goes back as text
            reply = pickle.dumps((False, RuntimeError(answer[2] or repr(answer[1])), answer[2]))
        _write(answers, reply)
