"""The C allocator of an ``evaluate`` process keeps the memory it frees, to use again.

A command reads a whole export into arrays of tens of megabytes, frees them and
makes the next ones, step after step. By default glibc returns such memory to
the system at once (each large array its own mapping, the heap trimmed as soon
as 128 KB at its top are free), and every new array is then paged in afresh:
at 100,000 people an import spent about a third of its CPU time in the kernel
doing that. Kept instead, the memory is reused (the peak grows by a few tens of
megabytes). Only glibc is asked, through ``mallopt``; anywhere else nothing
changes. Asked by ``evaluate ingest`` of a text export only: an xlsx import
(its cells Python objects from the start) took no less CPU time and its peak at
100,000 people went from about 1.0 GB to as much as 1.13 GB; ``evaluate
analyse`` at 100,000 people spent less time in the kernel (19 s -> 10 s) but
no less in all, and its peak grew by 160 MB.

``evaluate analyse`` asks the opposite for large arrays (:func:`return_freed_memory`):
by default glibc raises its threshold for a mapping of its own each time such a
mapping is freed (up to 32 MB), so most of analyse's arrays came from the heap,
and the heap, with a few live objects scattered through it, kept the freed
ones: at 100,000 people that was ~150 MB of its ~1.03 GB peak. Arrays of 2 MB
or more (columns of the tables with millions of rows) are therefore mappings of
their own, returned when freed; smaller ones (a column of 100,000 people)
reuse the heap, trimmed once 32 MB at its top are free. With glibc's 128 KB
threshold held instead, every such column was paged in afresh: ~7 s of kernel
time at 100,000 people, against ~2 s now. Arrow's buffers are then taken from
glibc as well, so that they too go back to the system when freed.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["keep_freed_memory", "return_freed_memory"]

# glibc's malloc.h
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3

_SETTINGS = (
    (_M_MMAP_THRESHOLD, 32 * 2**20),  # arrays up to 32 MB from the heap (glibc's largest)
    (_M_TRIM_THRESHOLD, 2**30),  # free memory at the heap's top kept up to 1 GB
    (_M_TOP_PAD, 256 * 2**20),  # the heap grows 256 MB at a time (paged in only when used)
)


#: An array of 2 MB or more is a mapping of its own, returned when freed (a national table's
#: columns of millions of rows); smaller ones (a column of 100,000 people: 800 KB) come from
#: the heap and reuse its memory, which is trimmed once 32 MB at its top are free.
_RETURN_SETTINGS = (
    (_M_MMAP_THRESHOLD, 2 * 2**20),
    (_M_TRIM_THRESHOLD, 32 * 2**20),
)


def keep_freed_memory() -> bool:
    """Ask glibc's allocator to keep and reuse freed memory; True when it agreed.

    Call at the start of a command of ours (the command line), never from the
    library: it changes the whole process.
    """
    return _ask(_SETTINGS)


def return_freed_memory() -> bool:
    """Ask glibc's allocator to return freed large arrays to the system at once; True when it
    agreed.

    Its thresholds held fixed (setting them stops glibc raising them). When glibc
    agreed, Arrow's buffers come from it too (:func:`_arrow_from_glibc`).
    Call at the start of a command of ours, as :func:`keep_freed_memory`.
    """
    if not _ask(_RETURN_SETTINGS):
        return False
    _arrow_from_glibc()
    return True


def _arrow_from_glibc() -> None:
    """Arrow's buffers (parquet reads, text columns) from the C library's allocator instead
    of Arrow's own (mimalloc), which keeps what is freed for Arrow's next buffers: at
    100,000 people analyse's peak came when the csv writer joined a text column's chunks
    (968 MB in one run), with it 892 MB and no more CPU time."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def _ask(settings) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask, or one without mallopt
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all([mallopt(param, value) == 1 for param, value in settings])
