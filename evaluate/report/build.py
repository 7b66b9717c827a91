"""Write the report: ``dashboard.html``, ``tables.xlsx``, ``analysis.xlsx``, one csv per
table and, on request, the board paper ``evidence.pdf``.

:func:`build_report` writes them from results and their context (``evaluate demo``);
:func:`report_workspace` writes a workspace's report from its stored results, copying
what was written from them before (``evaluate report WORKSPACE --out DIR`` and the
app's Report screen).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from evaluate.csv_tables import write_csv
from evaluate.privacy import neutralise_frame
from evaluate.report.analysis_book import (
    PERSON_LEVEL_TABLES,
    analysis_readme,
    is_person_level,
    quotes_note,
    report_tables,
    workbook_tables,
    write_analysis_workbook,
)
from evaluate.report.dashboard import draw_dashboard
from evaluate.report.page import Page
from evaluate.workspace.files import atomic_write_text

__all__ = ["PERSON_LEVEL_TABLES", "is_person_level", "report_tables", "workbook_tables",
           "quotes_note", "build_report", "write_analysis_workbook", "write_tables_workbook",
           "write_csv_tables", "analysis_readme", "report_workspace"]

def write_tables_workbook(results: dict[str, pd.DataFrame], context: dict,
                          tables: dict[str, pd.DataFrame], path: str | Path, *,
                          page: Page | None = None) -> Path:
    """tables.xlsx: Cover, Contents, Notes, Summary, then the tables with the dashboard's
    headings (see :mod:`evaluate.report.workbooks`).

    ``page``: the dashboard's page of the same results and context, whose claims are
    already read (made here when not given)."""
    from evaluate.report.workbooks import summary_notes, tables_sheets
    from evaluate.report.xlsx import write_workbook  # openpyxl: only when a workbook is written

    page = page if page is not None else Page(results=results, context=context)
    written = write_workbook(
        path, tables_sheets(page, tables),
        title=f"{context.get('programme') or 'The programme'} — what's the evidence?",
        notes=summary_notes(context), front_name="Cover", contents=True)
    return written.path


def write_csv_tables(tables: dict[str, pd.DataFrame], folder: str | Path,
                     kept: list[Path] | None = None,
                     written: Mapping[str, Path] | None = None) -> list[Path]:
    """One csv per table in ``folder`` (personal values neutralised), and no other csv file.

    ``kept``: the same files written earlier from the same tables (kept with the
    stored results), copied instead of written again; ``tables`` is then not used.
    ``written``: table name → a csv file already written from that table's rows
    (``evaluate analyse`` writes every analysis table), copied instead of written.
    """
    import shutil

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written_paths = []
    if kept is not None:
        for path in kept:
            written_paths.append(Path(shutil.copyfile(path, folder / path.name)))
    else:
        for name, table in tables.items():
            if written and name in written:
                written_paths.append(Path(shutil.copyfile(written[name], folder / f"{name}.csv")))
            else:
                written_paths.append(write_csv(neutralise_frame(table), folder / f"{name}.csv"))
    names = {p.name for p in written_paths}
    for stale in folder.glob("*.csv"):
        if stale.name not in names:
            stale.unlink()
    return written_paths


def build_report(
    results: dict[str, pd.DataFrame],
    context: dict,
    out_dir: str | Path,
    *,
    pdf: bool = False,
    docx: bool = False,
    progress: Callable[[str], None] | None = None,
    analysis_workbook: str | Path | None = None,
    tables_workbook: str | Path | None = None,
    csv_tables: list[Path] | None = None,
    camera=None,
) -> dict[str, Path]:
    """Write the dashboard, the tables workbook and the csv tables into ``out_dir``.

    Parameters
    ----------
    results : dict of str to DataFrame
        The analysis tables: ``evaluate.stats.analyse_workspace`` (scale_scores,
        prepost, then_test, reliability, item_rest, attrition_rates,
        attrition_bias, cohort_anova, subgroups, reaction,
        reaction_distribution, statements), ``evaluate.network.analyse_workspace``
        (network_checks, network_metrics, network_metric_change,
        network_growth, network_boundary, network_boundary_groups,
        network_people, network_layout_nodes, network_layout_edges,
        network_stakeholders) and, when present, ``item_distribution``
        (:func:`evaluate.stats.answers.item_distribution`, for the Likert
        charts) and ``themes`` (free-text themes: any table, shown as is).
        Every table is optional: a section without its data says so.
    context : dict
        Everything else the report shows; every key is optional:

        - ``programme`` (str): programme name, the page title.
        - ``aims`` (list of objects or dicts with ``id``, ``title``, ``short``):
          the programme's aims, in order (``Programme.aims``).
        - ``principles``, ``modules``: as ``Programme`` (not shown yet).
        - ``cohorts`` (list of str), ``waves`` (list of str, programme order).
        - ``min_group_size`` (int, default 5): the suppression threshold.
        - ``imports`` (DataFrame): the manifest, one row per import — file,
          sheet, instrument, cohort, wave, platform, read, accepted,
          quarantined, excluded, sha256 (import times are dropped).
        - ``quarantine`` (DataFrame): cohort, wave, instrument, file, sheet,
          row, column, value, rule, message, fix, severity (personal values
          already hidden). The dashboard shows counts and fixes, never values;
          tables.xlsx carries the records.
        - ``instrument_versions`` (list of dicts with ``ref``, ``title``, ``wave``).
        - ``software_version`` (str), ``generated_at`` (str): shown on the page;
          the timestamp is the only thing that differs between two runs.
        - ``voices`` (DataFrame): instrument, wave, item, prompt, text,
          quotable (bool). Only quotable texts are shown or written; the
          others are only counted.
    out_dir : path
        Folder to write into (created if needed).
    pdf : bool
        Also print the board paper, ``evidence.pdf``, with headless Chromium
        (:func:`evaluate.report.pdf.write_board_paper`); everything else is
        written first, so a missing Chromium loses nothing.
    docx : bool
        Also write the editable evaluation report, ``evaluation-report.docx``
        (:func:`evaluate.report.word.write_evaluation_report`); its charts are
        pictures only where Chromium can draw them.
    progress : callable, optional
        Called with a short message before each step (the CLI shows them on
        a terminal and stays quiet in pipes).
    analysis_workbook : path, optional
        ``analysis.xlsx`` already written from these results and context
        (by ``evaluate analyse``, kept in the workspace): copied instead of
        written again.
    tables_workbook : path, optional
        ``tables.xlsx`` already written from these results and context (kept in the
        workspace with them): copied instead of written again.
    csv_tables : list of path, optional
        The csv tables already written from these results and context (kept in
        the workspace with them): copied instead of written again. With both
        workbooks and the csv tables kept, only the tables the dashboard draws
        from are read.
    camera : Camera, optional
        With ``docx``: a :class:`evaluate.report.chart_images.Camera` the caller
        opened earlier, so Chromium is ready when the dashboard is drawn; without
        one, one is opened here, before the dashboard is drawn.

    Returns
    -------
    dict of str to Path
        ``dashboard`` (dashboard.html), ``tables`` (tables.xlsx, for report
        writers), ``analysis`` (analysis.xlsx, for evaluators), ``csv`` (the
        tables/ folder, one csv per table) and, with ``pdf``, ``pdf``
        (evidence.pdf); with ``docx``, ``docx`` (evaluation-report.docx).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> paths = build_report({}, {"programme": "Example"}, tempfile.mkdtemp())
    >>> sorted(paths)
    ['analysis', 'csv', 'dashboard', 'tables']
    """
    with contextlib.ExitStack() as stack:
        if docx and camera is None:  # Chromium starts while the dashboard is drawn
            from evaluate.report.chart_images import Camera

            camera = stack.enter_context(Camera())
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        from evaluate.workspace.results import StoredTables

        if not isinstance(results, StoredTables):  # stored tables: each read only when asked for
            results = {k: v for k, v in (results or {}).items() if isinstance(v, pd.DataFrame)}
        context = dict(context or {})

        def step(message: str) -> None:
            if progress is not None:
                progress(message)

        from evaluate.progress import plan

        plan(progress, 3 + bool(pdf) + bool(docx))
        step("Drawing the dashboard")
        html, page = draw_dashboard(results, context, progress=progress)
        dashboard = out / "dashboard.html"
        atomic_write_text(dashboard, html)  # all or nothing: never half a dashboard

        pictures = None
        if docx:  # Chromium photographs the charts while the workbooks are written
            import shutil
            import tempfile

            shots = Path(tempfile.mkdtemp(prefix="evaluate-charts-"))
            pictures = camera.photograph(dashboard, [f.id for f in page.figures], shots)

        step("Writing tables.xlsx and analysis.xlsx")
        writing_books = tables_workbook is None or analysis_workbook is None
        # every table the report writes: not needed (nor read) when all of them were kept
        tables = report_tables(results, context) if writing_books or csv_tables is None else {}
        books = workbook_tables(tables) if writing_books else {}
        if tables_workbook is not None:  # written once, from these results
            import shutil

            xlsx = out / "tables.xlsx"
            shutil.copyfile(tables_workbook, xlsx)
        else:
            xlsx = write_tables_workbook(results, context, books, out / "tables.xlsx", page=page)
        if analysis_workbook is not None:  # written once, by `evaluate analyse`
            import shutil

            analysis = out / "analysis.xlsx"
            shutil.copyfile(analysis_workbook, analysis)
        else:
            analysis = write_analysis_workbook(books, out / "analysis.xlsx", context)

        step("Writing the csv tables")
        csv_dir = out / "tables"
        write_csv_tables(tables, csv_dir, kept=csv_tables)
        paths = {"dashboard": dashboard, "tables": xlsx, "analysis": analysis, "csv": csv_dir}
        if docx:
            from evaluate.report.word import REPORT_NAME, write_evaluation_report

            step("Writing the Word report (evaluation-report.docx)")
            images, why_none = pictures.result()
            if not images:
                shutil.rmtree(shots, ignore_errors=True)
            paths["docx"] = write_evaluation_report(results, context, out / REPORT_NAME, page=page,
                                                    dashboard=dashboard, images=images,
                                                    why_none=why_none)
        if pdf:
            from evaluate.report.pdf import write_board_paper

            step("Printing the board paper (evidence.pdf)")
            paths["pdf"] = write_board_paper(
                dashboard, out / "evidence.pdf", programme=context.get("programme") or "",
                generated=context.get("generated_at") or "",
                version=context.get("software_version") or "")
        return paths


def report_workspace(ws, out_dir: str | Path, stored=None, *, pdf: bool = False,
                     docx: bool = False, progress: Callable[[str], None] | None = None
                     ) -> tuple[dict[str, Path], dict[str, pd.DataFrame], dict]:
    """Write a workspace's report, computing its results only when none are stored.

    ``stored``: :func:`evaluate.analysis.stored_results` of ``ws``, when the caller has
    already read it (to say why the results are computed again). Stored results come
    with the tables.xlsx, analysis.xlsx and csv tables written from them, which are
    copied, not written again; whatever had to be written is kept with the results for
    the next report. Returns the paths :func:`build_report` wrote, the results and the
    context.
    """
    from evaluate.analysis import (
        analyse_and_store_beside,
        keep_report_files,
        kept_report_files,
        report_context,
        stored_results,
    )
    from evaluate.workspace.results import results_key

    key = results_key(ws.path)
    stored = stored if stored is not None else stored_results(ws)
    results = stored.tables if stored.tables is not None else analyse_and_store_beside(
        ws, progress=progress)
    context = report_context(ws)
    kept = kept_report_files(ws, key) if stored.tables is not None else {}
    paths = build_report(results, context, out_dir, pdf=pdf, docx=docx, progress=progress,
                         **kept)
    keep_report_files(ws, paths, kept, key)  # the next report copies them
    return paths, results, context
