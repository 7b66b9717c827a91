"""Time writing the tables and the report from a workspace's stored results.

Run from the repository root on a workspace where ``evaluate analyse`` has stored
its results (e.g. the 100,000-person workspace ``benchmarks/bench_national.py``
builds)::

    python benchmarks/bench_writing.py WORKSPACE [--runs 2]

Loads the stored results and the report's context once, then times, per run,
``write_results`` (what ``evaluate analyse`` writes: one csv per table and
analysis.xlsx) and ``build_report`` (dashboard.html, tables.xlsx, analysis.xlsx,
tables/*.csv), and prints the size of each file written and the load average.
To compare two versions, run it from each checkout in turn, interleaved.

Measured at 100,000 people x 2 waves (issue 11; a 2-core machine shared with
other engineers' test suites), the version before issue 11's writing work
(commit cf4a707) and this one run alternately on the same stored results, two
rounds:

- ``write_results``: 21.5 s and 19.7 s before (analysis.xlsx: openpyxl cell by
  cell, rows sized by reading every cell's style back; scale_scores.csv, 2.1
  million rows, through pandas); now 4.2 s and 3.9 s (load 3.7 and 2.5). With the
  machine busier (load 4.5 to 5.8) the same comparison gave 41 s and 73 s before.
- ``build_report``: 64.3 s and 64.6 s before (the 214,474 quotes through openpyxl
  into both workbooks); now 4.3 s and 4.1 s (load 2.3 to 2.9).
  dashboard.html 6.30 MB before, 5.28 MB now (the change-by-group tables show the
  20 largest of the 800 organisations and 42 places and say so); drawn in
  Chromium in 2.6 s at load 5. tables.xlsx 3.56 MB -> 0.54 MB, analysis.xlsx
  6.23 MB -> 2.59 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    from evaluate.analysis import report_context, stored_results
    try:
        from evaluate.report.results_files import write_results
    except ImportError:  # a tree from before write_results moved to the report stage
        from evaluate.analysis import write_results
    from evaluate.report.build import build_report
    from evaluate.workspace import Workspace

    ws = Workspace.open(args.workspace)
    stored = stored_results(ws)
    if stored.tables is None:
        sys.exit(f"No stored results to reuse ({stored.why}): run evaluate analyse first.")
    results, context = stored.tables, report_context(ws)
    out = Path(tempfile.mkdtemp(prefix="bench-writing-"))
    try:
        for run in range(1, args.runs + 1):
            for step, write in (("write_results", lambda d: write_results(results, d, context=context)),
                                ("build_report", lambda d: build_report(results, context, d))):
                folder = out / f"{step}-{run}"
                started = time.perf_counter()
                write(folder)
                took = time.perf_counter() - started
                sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB"
                                  for p in sorted(folder.iterdir()) if p.suffix in (".xlsx", ".html"))
                print(f"run {run} {step}: {took:.1f} s (load {os.getloadavg()[0]:.1f}); {sizes}",
                      flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
