"""The analysis tables as files: one csv each, and analysis.xlsx for evaluators.

``evaluate analyse`` computes the tables (:mod:`evaluate.analysis`) and writes
them here; person-level tables stay out of the workbook, and
:func:`left_out_of_workbook` says what it does not hold.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluate.progress import plan, step
from evaluate.words import count

__all__ = ["left_out_of_workbook", "write_results"]


def left_out_of_workbook(results: dict[str, pd.DataFrame]) -> list[str]:
    """What :func:`write_results` keeps out of analysis.xlsx, one sentence per table.

    Person-level tables never go into the workbook; any other table longer
    than a worksheet holds goes in cut to Excel's limit. Either way the whole
    table is in its csv file.

    >>> left_out_of_workbook({"scale_scores": pd.DataFrame({"participant": ["P-0123456789"]})})
    ['scale_scores (1 row, one per person): only in scale_scores.csv']
    """
    from evaluate.report.analysis_book import is_person_level
    from evaluate.report.xlsx import EXCEL_MAX_ROWS

    out = []
    for name, table in sorted(results.items()):
        rows = count(len(table), "row")
        if is_person_level(name, table):
            out.append(f"{name} ({rows}, one per person): only in {name}.csv")
        elif len(table) > EXCEL_MAX_ROWS - 1:
            out.append(f"{name} ({rows}): the first {EXCEL_MAX_ROWS - 1:,} rows, the most a "
                       f"worksheet holds; all of them in {name}.csv")
    return out


def write_results(results: dict[str, pd.DataFrame], out_dir: str | Path, *,
                  context: dict | None = None, progress=None,
                  books: dict[str, pd.DataFrame] | None = None, workbook: bool = True
                  ) -> list[Path]:
    """Write each table to ``out_dir/NAME.csv`` and all but the person-level ones to
    ``out_dir/analysis.xlsx``.

    Tables with one row per person (pseudonymous ids) stay out of the workbook,
    which is easily passed on; their csv files are for the evaluator only.
    ``analysis.xlsx`` is the one ``evaluate report`` writes from the same
    results and ``context`` (:func:`evaluate.report.analysis_book.report_tables`),
    so the report can reuse it instead of writing it again. ``books``: those tables as
    the workbooks hold them (``workbook_tables(report_tables(results, context))``), when
    the caller has them already (``evaluate analyse`` also writes the report's tables.xlsx).
    ``workbook=False``: only the csv tables (the caller writes analysis.xlsx, with
    :func:`~evaluate.report.analysis_book.write_analysis_workbook`, elsewhere meanwhile).
    """
    from evaluate.csv_tables import write_csv
    from evaluate.privacy import neutralise_frame
    from evaluate.report.analysis_book import (
        report_tables,
        workbook_tables,
        write_analysis_workbook,
    )

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan(progress, 1 + workbook)
    step(progress, "Writing the csv tables")
    written = []
    for name, table in sorted(results.items()):
        path = out / f"{name}.csv"
        write_csv(neutralise_frame(table), path)
        written.append(path)
    if not workbook:
        return written
    step(progress, "Writing analysis.xlsx")
    if books is None:
        books = workbook_tables(report_tables(results, context or {}))
    written.append(write_analysis_workbook(books, out / "analysis.xlsx", context))
    return written
