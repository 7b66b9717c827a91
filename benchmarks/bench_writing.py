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

Measured at 100,000 people x 2 waves (issue 11; one 2-core machine shared with
other test suites, load average 4 to 6), the version before and this one run
alternately on the same stored results:

- ``write_results``: 80-95 s before (analysis.xlsx 43-70 s, of which reading cell
  styles back to size rows 36-55 s; scale_scores.csv 13 s); now about 20 s
  (analysis.xlsx streamed, rows sized from the tables; csv 6 s).
- ``build_report``: about 95 s before (the 214,474 quotes through openpyxl, twice);
  now about 15 s (25 different answers per question and survey in the workbooks,
  every quote in tables/quotes.csv); dashboard.html 6.30 MB before, 5.28 MB now.
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

    from evaluate.analysis import report_context, stored_results, write_results
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
