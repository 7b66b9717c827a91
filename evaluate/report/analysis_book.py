"""analysis.xlsx, the evaluator's workbook, and the tables the report writes.

:func:`report_tables` picks every table the report writes (the analysis tables
but the person-level ones, and what describes the data: imports, quarantine,
answers to open questions, quotes, instrument versions, suppression);
:func:`write_analysis_workbook` writes them to ``analysis.xlsx`` with a column
dictionary. Kept apart from the dashboard so that ``evaluate analyse``, which
writes the same workbook, loads no figure or page code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluate.privacy import PERSON_ID
from evaluate.quotes import quote_selection, selection_note
from evaluate.records import imports_table, quarantine_summary, suppression_counts
from evaluate.report.columns import column_dictionary

__all__ = ["PERSON_LEVEL_TABLES", "RECORD_TABLES", "is_person_level", "from_results", "report_tables", "workbook_tables",
           "quotes_note", "analysis_readme", "write_analysis_workbook"]

#: Result tables with one row per person (pseudonymous ids): kept out of the report's
#: tables, which commissioners receive; ``evaluate analyse`` writes them for evaluators.
PERSON_LEVEL_TABLES = ("scale_scores", "network_people", "network_layout_nodes",
                       "network_layout_edges")
#: The tables :func:`report_tables` adds from the records (the context), after the analysis's.
RECORD_TABLES = ("imports", "quarantine", "quarantine_summary", "voices_counts", "quotes",
                 "instrument_versions", "suppression")
_PERSON_COLUMNS = {"participant", "response_id"}
_TIE_COLUMNS = ("source", "target")
_PERSON_ID = rf"^{PERSON_ID}$"


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


def from_results(tables: dict[str, pd.DataFrame], results: dict[str, pd.DataFrame]) -> list[str]:
    """The names of :func:`report_tables`' tables that are analysis tables as they are (the
    rows of ``results[name]``): their csv file is the one ``evaluate analyse`` writes.

    >>> from_results({"prepost": None, "imports": None}, {"prepost": None, "imports": None})
    ['prepost']
    """
    return [name for name in tables if name in results and name not in RECORD_TABLES]


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
    from evaluate.report.xlsx import write_tables, written_names  # openpyxl: only to write

    programme = (context or {}).get("programme") or "evaluate"
    # the column dictionary first: every column of every sheet (itself included)
    names = dict(zip(["columns", *safe], written_names({"columns": None, **safe}), strict=True))
    placeholder = pd.DataFrame(columns=["sheet", "column", "meaning", "unit", "how_computed"])
    dictionary = column_dictionary({"columns": placeholder, **safe}, names)
    return write_tables({"columns": dictionary, **safe}, path,
                        readme=analysis_readme(context, left, safe.get("quotes")),
                        title=f"{programme} — analysis tables")
