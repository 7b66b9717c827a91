"""evaluate.cli.allocator: what ``evaluate analyse`` asks glibc's allocator, seen from the process."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"),
                                reason="only glibc's allocator is asked")

PROBE = r"""
import resource
import numpy as np
from evaluate.cli.allocator import return_freed_memory

def resident():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()

def faults(size, times):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(times):
        a = np.ones(size // 8)
        del a
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

assert return_freed_memory()
small = faults(800_000, 50)  # a column of 100,000 people, made and freed again and again
start = resident()
for _ in range(3):
    a = np.ones(2**24 // 8)  # a column of two million rows
    del a
print(small, resident() - start)
"""


def test_analyse_reuses_small_arrays_and_returns_large_ones():
    """Small arrays freed are reused, not paged in afresh each time (glibc's default
    threshold made each a mapping of its own: ~200 page faults per array); large ones go
    back to the system when freed, so the peak does not keep them."""
    small, kept = map(int, subprocess.run([sys.executable, "-c", PROBE], capture_output=True,
                                          text=True, check=True).stdout.split())
    assert small < 2_000
    assert kept < 4 * 2**20


def test_analyse_takes_arrow_buffers_from_glibc_too():
    """Arrow's own allocator kept what it freed; once glibc agreed, Arrow asks glibc."""
    probe = ("import pyarrow as pa\nfrom evaluate.cli.allocator import return_freed_memory\n"
             "assert return_freed_memory()\nprint(pa.default_memory_pool().backend_name)")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.strip() == "system"
