"""Problems found while importing, as records a person can act on.

Each problem names the file, sheet, spreadsheet row (as Excel shows it),
column heading, the value, the rule it broke, and the fix. ``severity`` says
what happened to the data:

- ``error``: the row was quarantined (left out of the workspace);
- ``warning``: the row was kept, but part of it needs attention (an unknown
  person named in a network answer, a respondent not on the roster …);
- ``excluded``: the row was left out on purpose (a survey preview, an
  unfinished response) and is counted with the quarantined rows;
- ``file``: a problem with the file as a whole (a missing column).

``personal`` marks records whose value or fix holds a name or email: they are
shown to the person running the import, and masked before anything is stored
or written (:func:`mask_personal`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.privacy import HIDDEN

__all__ = [
    "PROBLEM_COLUMNS", "problem_records", "problem_frame", "mask_personal", "add_suggestions", "format_problem",
    "format_problems",
]

PROBLEM_COLUMNS = [
    "file", "sheet", "row", "column", "value", "rule", "message", "fix", "severity", "personal",
]


def problem_records(rows: np.ndarray, column: str, values, rule: str, message: str, fix: str,
                    severity: str = "error", personal: bool = False) -> list[dict]:
    """One problem record per row of ``rows`` (spreadsheet rows), with its value."""
    values = list(values)
    return [dict(row=int(r), column=column, value=None if v is None else str(v), rule=rule,
                 message=message, fix=fix, severity=severity, personal=personal)
            for r, v in zip(rows, values, strict=True)]


def problem_frame(records: list[dict] | pd.DataFrame | None = None) -> pd.DataFrame:
    """A problems table with the fixed columns (empty if no records)."""
    if records is None:
        records = []
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(records)
    for col in PROBLEM_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA
    frame = frame[PROBLEM_COLUMNS].copy()
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    frame["personal"] = frame["personal"].fillna(False).astype(bool)
    for col in PROBLEM_COLUMNS:
        if col not in ("row", "personal"):
            frame[col] = frame[col].astype("string")
    return frame


def mask_personal(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems safe to store or write: personal values and suggestions hidden."""
    out = problems.copy()
    personal = out["personal"].to_numpy(dtype=bool)
    out.loc[personal & out["value"].notna().to_numpy(), "value"] = HIDDEN
    out.loc[personal, "fix"] = out.loc[personal, "fix"].str.replace(
        r"(?s)— did you mean.*$|did you mean.*$", "", regex=True
    ).str.strip()
    return out


def add_suggestions(problems: pd.DataFrame, suggest) -> pd.DataFrame:
    """``problems`` with the nearest roster names added to the fix of each unknown name.

    ``suggest(name) -> list[str]`` is called once per distinct unknown name in
    ``problems``, so pass only the problems that will be shown. The result
    holds names: for the screen of the person running the import, never to
    be stored or written.

    >>> p = problem_frame([dict(row=3, value="Jon Smyth", rule="unknown_name",
    ...                         fix="check the spelling", personal=True)])
    >>> add_suggestions(p, lambda name: ["Jo Smith"]).loc[0, "fix"]
    'check the spelling — did you mean Jo Smith?'
    """
    unknown = ((problems["rule"] == "unknown_name") & problems["value"].notna()).to_numpy(bool)
    if suggest is None or not unknown.any():
        return problems
    out = problems.copy()
    values = out.loc[unknown, "value"]
    near = {v: suggest(v) for v in values.unique()}
    out.loc[unknown, "fix"] = [
        (f"{fix} — did you mean " + " or ".join(near[v]) + "?") if near[v] else fix
        for fix, v in zip(out.loc[unknown, "fix"], values, strict=True)]
    return out


def format_problem(p) -> str:
    """One line in the house style:

    ``post.xlsx, sheet "Form1", row 14, column "I can see …": "Agree strongy" is
    not one of the answers for agree5 — use one of: Strongly disagree … Strongly agree.``
    """
    where = [str(p["file"])]
    if _present(p["sheet"]):
        where.append(f'sheet "{p["sheet"]}"')
    if _present(p["row"]):
        where.append(f"row {int(p['row'])}")
    if _present(p["column"]):
        where.append(f'column "{p["column"]}"')
    value = ""
    if _present(p["value"]):
        v = str(p["value"])
        value = v if v == HIDDEN else f'"{v}" '
        if v == HIDDEN:
            value = f"{v} "
    fix = f" — {p['fix']}" if _present(p["fix"]) else ""
    return f"{', '.join(where)}: {value}{p['message']}{fix}"


def format_problems(problems: pd.DataFrame, limit: int | None = None) -> list[str]:
    rows = problems.to_dict("records")
    if limit is not None:
        rows = rows[:limit]
    return [format_problem(r) for r in rows]


def _present(value) -> bool:
    if value is None:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        pass
    return str(value) != ""
