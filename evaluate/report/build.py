"""Write the report: ``dashboard.html``, ``tables.xlsx``, ``analysis.xlsx``, one csv per
table and, on request, the board paper ``evidence.pdf``.

:func:`build_report` is the one entry point the command line calls
(``evaluate report WORKSPACE --out DIR`` and ``evaluate demo``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from evaluate.csv_tables import write_csv
from evaluate.privacy import neutralise_frame
from evaluate.quotes import quote_selection, selection_note
from evaluate.records import imports_table, quarantine_summary, suppression_counts
from evaluate.report.columns import column_dictionary
from evaluate.report.dashboard import draw_dashboard
from evaluate.report.page import Page
from evaluate.report.workbooks import summary_notes, tables_sheets
from evaluate.report.xlsx import write_tables, write_workbook, written_names
from evaluate.workspace.files import atomic_write_text

__all__ = ["PERSON_LEVEL_TABLES", "is_person_level", "report_tables", "workbook_tables",
           "quotes_note", "build_report", "write_analysis_workbook", "write_tables_workbook",
           "analysis_readme"]

#: Result tables with one row per person (pseudonymous ids): kept out of the report's
#: tables, which commissioners receive; ``evaluate analyse`` writes them for evaluators.
PERSON_LEVEL_TABLES = ("scale_scores", "network_people", "network_layout_nodes",
                       "network_layout_edges")
_PERSON_COLUMNS = {"participant", "response_id"}
_TIE_COLUMNS = ("source", "target")
_PERSON_ID = r"^[PU]-[0-9a-f]{10}$"


def is_person_level(name: str, table: pd.DataFrame) -> bool:
    """True for a table with one row per person: listed, or carrying participant ids.

    A ``source`` column is a person only when it holds participant ids (ties);
    the cohort ANOVA's ``source`` (cohort, time, time × cohort) is not.

    >>> is_person_level("cohort_anova", pd.DataFrame({"source": ["cohort", "time"]}))
    False
    >>> is_person_level("ties", pd.DataFrame({"source": ["P-0123456789"], "target": ["P-abcdefabcd"]}))
    True
    """
    if name in PERSON_LEVEL_TABLES:
        return True
    columns = set(map(str, table.columns))
    if _PERSON_COLUMNS & columns:
        return True
    for c in _TIE_COLUMNS:
        if c in columns and table[c].astype("string").str.match(_PERSON_ID, na=False).any():
            return True
    return False
_QUARANTINE_COLUMNS = ["cohort", "wave", "instrument", "file", "sheet", "row", "column", "value",
                       "rule", "message", "fix", "severity"]


def _sorted(frame: pd.DataFrame, keys) -> pd.DataFrame:
    keys = [k for k in keys if k in frame.columns]
    if not keys:
        return frame.reset_index(drop=True)
    tmp = frame.assign(**{f"_k{i}": frame[k].astype("string").fillna("") for i, k in enumerate(keys)})
    tmp = tmp.sort_values([f"_k{i}" for i in range(len(keys))], kind="stable")
    return tmp.drop(columns=[f"_k{i}" for i in range(len(keys))]).reset_index(drop=True)


def report_tables(results: dict[str, pd.DataFrame], context: dict) -> dict[str, pd.DataFrame]:
    """Every table the report writes, by name, in a fixed order.

    The analysis tables (except person-level ones, see
    :data:`PERSON_LEVEL_TABLES`, and any with a participant id column), then
    ``imports`` (the manifest without import times), ``quarantine`` (every
    record, values as stored: personal values already hidden),
    ``quarantine_summary``, ``voices_counts`` (answers per open question),
    ``quotes`` (only answers whose author agreed to be quoted),
    ``instrument_versions`` and ``suppression``.
    """
    out: dict[str, pd.DataFrame] = {}
    for name in sorted(results or {}):
        if name in PERSON_LEVEL_TABLES:
            continue  # before reading it: a stored one is read only when asked for
        table = results[name]
        if not isinstance(table, pd.DataFrame) or is_person_level(name, table):
            continue
        out[name] = table.reset_index(drop=True)
    imports = context.get("imports")
    if isinstance(imports, pd.DataFrame) and len(imports.columns):
        out["imports"] = imports_table(imports)
    q = context.get("quarantine")
    if isinstance(q, pd.DataFrame) and len(q.columns):
        cols = [c for c in _QUARANTINE_COLUMNS if c in q.columns]
        q = q[cols].copy()
        if "row" in q.columns:
            q["row"] = pd.to_numeric(q["row"], errors="coerce").astype("Int64")
        out["quarantine"] = _sorted(q, ["cohort", "wave", "instrument", "file", "sheet", "row",
                                        "column", "rule"])
        if len(q):
            out["quarantine_summary"] = quarantine_summary(q)
    voices = context.get("voices")
    if isinstance(voices, pd.DataFrame) and len(voices.columns):
        v = voices.copy()
        v["quotable"] = v["quotable"].fillna(False).astype(bool) if "quotable" in v else False
        keys = [c for c in ("instrument", "item", "prompt") if c in v.columns]
        counts = (v.groupby(keys, sort=True, dropna=False)
                  .agg(answers=("quotable", "size"), quotable=("quotable", "sum")).reset_index()
                  if keys else pd.DataFrame(columns=["answers", "quotable"]))
        counts["answers"] = counts["answers"].astype("int64")
        counts["quotable"] = counts["quotable"].astype("int64")
        out["voices_counts"] = counts
        out["quotes"] = _quotes(v)
    versions = context.get("instrument_versions")
    if versions:
        out["instrument_versions"] = _sorted(pd.DataFrame(list(versions)), ["ref"])
    out["suppression"] = suppression_counts(results or {})
    return out


def _quotes(voices: pd.DataFrame) -> pd.DataFrame:
    """Every answer whose author agreed to be quoted (``voices`` with a bool ``quotable``)."""
    qcols = [c for c in ("instrument", "wave", "item", "prompt", "text") if c in voices.columns]
    return _sorted(voices.loc[voices["quotable"], qcols], ["instrument", "item", "wave", "text"])


def workbook_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as the workbooks hold them: ``quotes`` becomes a selection
    (:func:`evaluate.quotes.quote_selection`); the csv files keep every quote."""
    if "quotes" not in tables:
        return tables
    return {**tables, "quotes": quote_selection(tables["quotes"])}


def quotes_note(context: dict) -> str:
    """What the workbooks leave out of the quotes, in a sentence ('' when nothing)."""
    voices = context.get("voices")
    if not isinstance(voices, pd.DataFrame) or "quotable" not in voices.columns:
        return ""
    return selection_note(quote_selection(_quotes(
        voices.assign(quotable=voices["quotable"].fillna(False).astype(bool)))))


def analysis_readme(context: dict | None, left_out: dict[str, str] | None = None,
                    quotes: pd.DataFrame | None = None) -> list[str]:
    """The README lines of analysis.xlsx (the evaluator's workbook)."""
    context = context or {}
    lines = [
        f"Made with evaluate {context.get('software_version') or 'unknown version'}; the same "
        "workspace and version give the same tables, byte for byte.",
        "Every table of the analysis at full precision, one sheet each, with its snake_case "
        "columns (listed in the docstring of the function that makes it). Report writers: "
        "tables.xlsx has the same results with plain headings.",
        f"Groups smaller than {context.get('min_group_size') or 5} people are suppressed: their "
        "numbers are blank and the column 'suppressed' is TRUE.",
        "No names or emails appear here, and no table with one row per person ("
        + ", ".join(PERSON_LEVEL_TABLES) + "): evaluate analyse writes those as csv files.",
        "quotes holds only free-text answers whose authors agreed to be quoted, each "
        "different answer once with how many people wrote it (n_people) and how many "
        "answers to that question and survey may be quoted (n_quotable).",
        "Text is as written: text that a spreadsheet would run as a formula is stored as "
        "text, never as a formula (the csv files start it with an apostrophe).",
        "The sheet columns describes every column of every sheet: its meaning, unit and how "
        "it was computed.",
    ]
    if quotes is not None and (note := selection_note(quotes)):
        lines.append(note)
    for name, where in (left_out or {}).items():
        lines.append(f"Left out: {name} (one row per person) — in {where}.")
    return lines


def write_analysis_workbook(tables: dict[str, pd.DataFrame], path: str | Path,
                            context: dict | None = None,
                            left_out: dict[str, str] | None = None) -> Path:
    """analysis.xlsx: ``tables`` as they are, never a person-level one (see :func:`is_person_level`)."""
    safe = {k: v for k, v in tables.items() if not is_person_level(k, v)}
    left = dict(left_out or {})
    for k in tables:
        if k not in safe:
            left.setdefault(k, f"{k}.csv")
    programme = (context or {}).get("programme") or "evaluate"
    # the column dictionary first: every column of every sheet (itself included)
    names = dict(zip(["columns", *safe], written_names({"columns": None, **safe}), strict=True))
    placeholder = pd.DataFrame(columns=["sheet", "column", "meaning", "unit", "how_computed"])
    dictionary = column_dictionary({"columns": placeholder, **safe}, names)
    return write_tables({"columns": dictionary, **safe}, path,
                        readme=analysis_readme(context, left, safe.get("quotes")),
                        title=f"{programme} — analysis tables")


def write_tables_workbook(results: dict[str, pd.DataFrame], context: dict,
                          tables: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """tables.xlsx: Cover, Contents, Notes, Summary, then the tables with the dashboard's
    headings (see :mod:`evaluate.report.workbooks`)."""
    page = Page(results=results, context=context)
    written = write_workbook(
        path, tables_sheets(page, tables),
        title=f"{context.get('programme') or 'The programme'} — what's the evidence?",
        notes=summary_notes(context), front_name="Cover", contents=True)
    return written.path


def build_report(
    results: dict[str, pd.DataFrame],
    context: dict,
    out_dir: str | Path,
    *,
    pdf: bool = False,
    docx: bool = False,
    progress: Callable[[str], None] | None = None,
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

        from evaluate.report.chart_images import start_chart_images

        shots = Path(tempfile.mkdtemp(prefix="evaluate-charts-"))
        pictures = start_chart_images(dashboard, [f.id for f in page.figures], shots)

    step("Writing tables.xlsx and analysis.xlsx")
    tables = report_tables(results, context)
    books = workbook_tables(tables)
    xlsx = write_tables_workbook(results, context, books, out / "tables.xlsx")
    analysis = write_analysis_workbook(books, out / "analysis.xlsx", context)

    step("Writing the csv tables")
    csv_dir = out / "tables"
    csv_dir.mkdir(exist_ok=True)
    written = set()
    for name, table in tables.items():
        path = csv_dir / f"{name}.csv"
        write_csv(neutralise_frame(table), path)
        written.add(path.name)
    for stale in csv_dir.glob("*.csv"):
        if stale.name not in written:
            stale.unlink()
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
