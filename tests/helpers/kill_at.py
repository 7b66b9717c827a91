"""Run one import and kill this process with SIGKILL just before its N-th write step.

Used by ``tests/test_workspace_faults.py``: ``python -m tests.helpers.kill_at N WORKSPACE
EXPORT`` prints ``completed STEPS`` when the import finished before step N came. The write
steps are every call that puts bytes on disk or moves them into place: writing a parquet
file, flushing a file to disk, renaming.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pandas as pd

steps = 0
kill_at = 0


def _step() -> None:
    global steps
    steps += 1
    if steps == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def _wrap(owner, name):
    original = getattr(owner, name)

    def wrapped(*args, **kwargs):
        _step()
        return original(*args, **kwargs)

    setattr(owner, name, wrapped)


def main() -> None:
    global kill_at
    kill_at = int(sys.argv[1])
    for owner, name in ((os, "replace"), (os, "rename"), (os, "fsync"),
                        (pd.DataFrame, "to_parquet")):
        _wrap(owner, name)

    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import Workspace

    ws = Workspace.open(Path(sys.argv[2]))
    ingest_into(ws, Path(sys.argv[3]), "pulse@1", cohort="c1", wave="baseline", replace=True)
    print(f"completed {steps}")


if __name__ == "__main__":
    main()
