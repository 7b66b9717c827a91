"""Python's cycle collector in an ``evaluate`` process: paused while the stack is imported.

A command imports pandas, pandera and the rest when it starts: about 160,000
objects (modules, functions, classes) that live as long as the process. Every
collection of the youngest generation walks the objects made since the last
one, so while the stack imports, each collection walks some 20,000 of these
(the threshold :func:`command_process` sets) and finds nothing to free: 8
collections, ~50 ms CPU of the ~1 s `evaluate validate` of a cohort's export
(it freed 633 objects in all). Paused while the libraries import, and what
they made then moved out of the collector's sight for good (``gc.freeze``),
no later collection walks them again either.

Only in the command's own process (:func:`command_process`, called by
:func:`evaluate.cli.main`), and once: a program that runs our commands in its
own process (a test runner through click's ``CliRunner``) keeps its collector
as it is, since frozen objects are never collected even once they are garbage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["command_process", "loading_libraries"]

#: True from :func:`command_process` until :func:`loading_libraries` has frozen the libraries.
_TO_FREEZE = False


def command_process() -> None:
    """Set the collector for a process that runs one command and ends.

    One command is one process that makes many objects and frees few:
    CPython's default (a collection every 700 new objects) collects hundreds
    of times while pandas and the rest import, about a tenth of `evaluate
    validate`'s time. Collected every 20,000 instead.
    """
    global _TO_FREEZE
    _TO_FREEZE = True
    gc.set_threshold(20_000, 20, 20)


@contextmanager
def loading_libraries() -> Iterator[None]:
    """Import the libraries a command needs inside this block: no collection runs meanwhile,
    and what exists when it ends is never walked by a collection again (see the module).

    Does nothing outside the command's own process, after its first use there, or when
    the collector is off.
    """
    global _TO_FREEZE
    if not _TO_FREEZE or not gc.isenabled():
        yield
        return
    _TO_FREEZE = False
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
