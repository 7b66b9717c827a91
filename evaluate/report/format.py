"""Rounding and formatting for people: the only place numbers are rounded.

Every function takes a value that may be missing (None, NaN, pd.NA) and
returns text; a missing value reads as an em dash. Minus signs are real minus
signs (U+2212), as in typeset reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd

from evaluate.privacy import escape_html

__all__ = [
    "MISSING",
    "is_missing",
    "num",
    "integer",
    "pct",
    "p_value",
    "interval",
    "wave_label",
    "html_table",
]

#: What a missing value reads as.
MISSING = "—"


def is_missing(x) -> bool:
    """True for None, NaN, NaT and pd.NA."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _minus(text: str) -> str:
    return text.replace("-", "−")


def num(x, digits: int = 2) -> str:
    """A number with ``digits`` decimals ("3.14", "−0.20")."""
    if is_missing(x):
        return MISSING
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return _minus(text)


def integer(x) -> str:
    """A count with thousands separators ("1,234")."""
    if is_missing(x):
        return MISSING
    try:
        return f"{int(round(float(x))):,}"
    except (TypeError, ValueError):
        return str(x)


def pct(x, digits: int = 0) -> str:
    """A share (0–1) as a percentage ("82%")."""
    if is_missing(x):
        return MISSING
    return _minus(f"{float(x) * 100:.{digits}f}%")


def p_value(p) -> str:
    """A p-value as journals print it: "< 0.001", "0.03", "0.21"."""
    if is_missing(p):
        return MISSING
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.2f}"


def interval(low, high, digits: int = 2) -> str:
    """An interval as "0.51 to 1.06"."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{num(low, digits)} to {num(high, digits)}"


def wave_label(wave) -> str:
    """A wave id as people write it ("follow_up" → "follow-up")."""
    if is_missing(wave):
        return MISSING
    return str(wave).replace("_", "-")


def html_table(
    data: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Callable] | None = None,
    *,
    suppressed: str | None = "suppressed",
    min_group_size: int | None = None,
    caption: str | None = None,
    numeric: set[str] | None = None,
    limit: int | None = None,
) -> str:
    """An HTML table of ``data``, every cell escaped.

    Parameters
    ----------
    columns : mapping of column → heading, optional
        Which columns to show, in order, and their headings (default: all,
        headings as the column names).
    formats : mapping of column → function(value) → str, optional
        Formatting per column; default ``num`` for floats, ``integer`` for
        integers, ``str`` otherwise.
    suppressed : str or None
        Boolean column marking suppressed rows: their cells read
        "suppressed" and the row gets the class ``suppressed``.
    min_group_size : int, optional
        Named in the suppressed rows' text ("fewer than 5 people").
    limit : int, optional
        Show at most this many rows and say how many were left out.
    """
    columns = dict(columns) if columns else {c: str(c) for c in data.columns}
    columns = {c: h for c, h in columns.items() if c in data.columns}
    formats = dict(formats or {})
    numeric = set(numeric or ())
    for c in columns:
        if c in formats:
            continue
        s = data[c]
        if pd.api.types.is_bool_dtype(s):
            formats[c] = lambda v: "yes" if v is True or v == 1 else ("no" if not is_missing(v) else MISSING)
        elif pd.api.types.is_integer_dtype(s):
            formats[c] = integer
            numeric.add(c)
        elif pd.api.types.is_float_dtype(s):
            formats[c] = num
            numeric.add(c)
        else:
            formats[c] = lambda v: MISSING if is_missing(v) else str(v)
    marks = (data[suppressed].fillna(False).astype(bool).to_numpy()
             if suppressed and suppressed in data.columns else [False] * len(data))
    note = (f"suppressed (fewer than {min_group_size} people)" if min_group_size
            else "suppressed (group too small to report)")
    head = "".join(f'<th scope="col"{" class=num" if c in numeric else ""}>{escape_html(h)}</th>'
                   for c, h in columns.items())
    body = []
    rows = data.reset_index(drop=True)
    shown = rows if limit is None else rows.head(limit)
    for i, row in enumerate(shown.itertuples(index=False, name=None)):
        record = dict(zip(rows.columns, row, strict=True))
        cells = []
        for c in columns:
            value = record[c]
            text = note if marks[i] and c in numeric and is_missing(value) else formats[c](value)
            cls = ' class="num"' if c in numeric else ""
            cells.append(f"<td{cls}>{escape_html(text)}</td>")
        body.append(f'<tr{" class=suppressed" if marks[i] else ""}>{"".join(cells)}</tr>')
    more = ""
    if limit is not None and len(rows) > limit:
        more = (f'<p class="more">{len(rows) - limit:,} more rows are in tables.xlsx '
                "and the csv files.</p>")
    cap = f"<caption>{escape_html(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{more}')
