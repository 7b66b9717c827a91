"""CPU time of each writer of the report, from a workspace's stored results, in one process.

Run from the repository root on a workspace where ``evaluate analyse`` (or
``evaluate demo``) has stored its results::

    python benchmarks/bench_report_writers.py WORKSPACE [--rounds 3] [--out DIR]

Times (CPU of this process, median over ``--rounds``) what ``build_report``
does: the dashboard, the report's tables, tables.xlsx, analysis.xlsx, the csv
tables and evaluation-report.docx. The Word report's chart pictures are taken
once by Chromium before the rounds (when it is there) and reused, so Chromium's
time is not counted; the page timestamp is fixed, so two checkouts write the
same files into ``--out`` for comparison. To compare two versions, run it from
each checkout in turn, interleaved.

Measured on the demo workspace (issue 23; 2 cores shared with other engineers'
work, load 3.8-4.5), the version before this work (2c653f2) and this one run
alternately, three times, each the median of 3 rounds; medians of the three:

- dashboard 0.83 -> 0.60 s, tables.xlsx 0.50 -> 0.34 s, analysis.xlsx 0.73 ->
  0.49 s, csv tables 0.22 -> 0.19 s (unchanged code: the noise), Word report
  0.74 -> 0.32 s; all the writers 3.17 -> 2.07 s (-35%).
- In a fresh process, one build_report as ``evaluate demo`` runs it (imports of
  openpyxl and python-docx included, Chromium drawing meanwhile, load 5-6.7):
  3.23 -> 2.55 s of the main thread's CPU (-21%).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds timed (median)")
    parser.add_argument("--out", type=Path, help="folder for the files (default: temp)")
    parser.add_argument("workspace", type=Path, help="a workspace with stored results")
    return parser.parse_args()


def main() -> None:
    args = _arguments()

    from evaluate.analysis import report_context, stored_results
    from evaluate.report.build import (
        report_tables,
        workbook_tables,
        write_analysis_workbook,
        write_csv_tables,
        write_tables_workbook,
    )
    from evaluate.report.chart_images import chart_images
    from evaluate.report.dashboard import draw_dashboard
    from evaluate.report.word import write_evaluation_report
    from evaluate.workspace import Workspace

    ws = Workspace.open(args.workspace)
    stored = stored_results(ws)
    if stored.tables is None:
        sys.exit(f"No stored results to reuse ({stored.why}): run evaluate analyse first.")
    results = {name: stored.tables[name] for name in stored.tables}
    context = report_context(ws)
    context["generated_at"] = "2000-01-01 00:00 UTC"  # the same page from every checkout
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-writers-"))
    out.mkdir(parents=True, exist_ok=True)
    shots = Path(tempfile.mkdtemp(prefix="bench-writers-charts-"))
    took: dict[str, list[float]] = {}

    def timed(step, write, *args, **kwargs):
        started = time.process_time()
        made = write(*args, **kwargs)
        took.setdefault(step, []).append(time.process_time() - started)
        return made

    pictures, why_none = None, ""
    for _ in range(args.rounds):
        html, page = timed("dashboard", draw_dashboard, results, context)
        (out / "dashboard.html").write_text(html, encoding="utf-8")
        if pictures is None:  # once, and not timed: Chromium's work
            pictures, why_none = chart_images(out / "dashboard.html",
                                              [f.id for f in page.figures], shots)
        tables = timed("report tables", report_tables, results, context)
        books = timed("workbook tables", workbook_tables, tables)
        timed("tables.xlsx", write_tables_workbook, results, context, books,
              out / "tables.xlsx", page=page)
        timed("analysis.xlsx", write_analysis_workbook, books, out / "analysis.xlsx", context)
        timed("csv tables", write_csv_tables, tables, out / "tables")
        copies = Path(tempfile.mkdtemp(prefix="bench-writers-copies-"))  # the writer removes them
        images = {k: Path(shutil.copy(p, copies / p.name)) for k, p in pictures.items()}
        timed("Word report", write_evaluation_report, results, context,
              out / "evaluation-report.docx", page=page, images=images, why_none=why_none)
    shutil.rmtree(shots, ignore_errors=True)
    medians = {step: statistics.median(times) for step, times in took.items()}
    print(", ".join(f"{step} {s:.3f} s" for step, s in medians.items()))
    print(f"all the writers {sum(medians.values()):.3f} s CPU (median of {args.rounds} rounds), "
          f"load {os.getloadavg()[0]:.1f}; files in {out}")


if __name__ == "__main__":
    main()
