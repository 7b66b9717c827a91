"""Tables and charts as claims: every cell and every chart sentence a reader sees, with its source row.

A "Show the numbers" table, a workbook's summary table or a chart's heading is
a claim like any finding: :func:`add_table` writes one claim of kind
``table`` (its caption as ``title``, a note on rows left out as ``note``) and
one figure per heading and per cell, each naming the result table and row it
comes from; :func:`add_chart` writes a claim of kind ``chart`` (the finding
as ``title``, the text alternative that states the chart's data as ``text``,
how to read it as ``note``) whose figures the caller adds with
:meth:`~evaluate.claims.ledger.Ledger.figures_of`, one per number in those words.
The report draws them (:meth:`evaluate.report.page.Page.claim_table`,
:meth:`~evaluate.report.page.Page.chart_claim`); it words and rounds nothing of
its own.

In ``claim_figures`` a table's cells have ``row`` 1, 2, … and ``figure`` the
column's key; its headings have ``row`` 0; every other figure has ``row`` −1.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from evaluate.words import MISSING, integer, is_missing, num

__all__ = ["add_table", "add_chart", "default_format", "row_key", "rows_of", "NOT_A_CELL", "HEADING_ROW",
           "WORDS"]

#: ``row`` of a figure that is not a table cell.
NOT_A_CELL = -1
#: ``row`` of a table's headings.
HEADING_ROW = 0
#: The unit of a cell or heading that is words, not a number.
WORDS = "words"


def default_format(series: pd.Series) -> tuple[Callable, bool]:
    """How a column's values are printed by default, and whether it holds numbers.

    >>> f, numeric = default_format(pd.Series([1.5, 2.0]))
    >>> f(1.5), numeric
    ('1.50', True)
    """
    if pd.api.types.is_bool_dtype(series):
        return (lambda v: "yes" if v is True or v == 1 else ("no" if not is_missing(v) else MISSING)), False
    if pd.api.types.is_integer_dtype(series):
        return integer, True
    if pd.api.types.is_float_dtype(series):
        return num, True
    return (lambda v: MISSING if is_missing(v) else str(v)), False


def row_key(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Each row's key as ``col=value; col=value`` (the row number when ``key`` is empty).

    >>> row_key(pd.DataFrame({"scale": ["a", "b"], "wave": ["end", "end"]}), ["scale", "wave"])
    ['scale=a; wave=end', 'scale=b; wave=end']
    """
    cols = [c for c in key if c in frame.columns]
    if not cols:
        return [f"row={i + 1}" for i in range(len(frame))]
    # a displayed table's rows (tens, not thousands): plain lists beat pandas' string columns
    columns = [[f"{c}={'' if is_missing(v) else v}" for v in frame[c].tolist()] for c in cols]
    return ["; ".join(parts) for parts in zip(*columns, strict=True)]


def rows_of(frame: pd.DataFrame, columns: Sequence[str]):
    """``frame.itertuples(index=False)`` over only ``columns``: the same rows, field by field.

    ``itertuples`` makes a Series of every column first; a result table has forty-odd
    columns, so on a display's few rows that cost more than the rows' own work.

    >>> [r.b for r in rows_of(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), ["b"])]
    ['x', 'y']
    """
    row = namedtuple("Pandas", columns, rename=True)  # the name itertuples gives its rows
    return map(row._make, zip(*(frame[c] for c in columns), strict=True))


def _value(v) -> float:
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    try:
        return float(v) if not is_missing(v) else math.nan
    except (TypeError, ValueError):
        return math.nan


def add_table(led, claim_id: str, *, section: str, frame: pd.DataFrame,
              columns: Mapping[str, str], source_table: str, key: Sequence[str] = (),
              formats: Mapping[str, Callable] | None = None,
              units: Mapping[str, str] | None = None, numeric: set[str] | None = None,
              caption: str = "", aim: str = "", order: int = 0,
              suppressed: str | None = "suppressed", min_group_size: int | None = None,
              limit: int | None = None, more_where: str = "tables.xlsx and the csv files",
              sources: Mapping[str, tuple[str, str]] | None = None) -> str:
    """Write ``frame`` as a table claim: its headings and every cell shown, each a figure.

    Parameters
    ----------
    led : Ledger
        The ledger being written.
    claim_id, section, aim, order
        The claim's key and place.
    frame : DataFrame
        The rows to show, in order (already chosen and sorted).
    columns : mapping of column → heading
        The columns shown, in order; columns not in ``frame`` are skipped.
    source_table : str
        The result table the rows come from.
    key : sequence of str
        Columns of ``frame`` that identify a row of ``source_table``.
    formats : mapping of column → function(value) → str, optional
        Default: :func:`default_format`.
    units : mapping of column → unit, optional
        A cell's unit (default ``"words"`` for text columns, ``""`` for numbers).
    numeric : set of str, optional
        Columns drawn right-aligned besides those with a numeric dtype.
    caption : str
        What the table counts, shown above it.
    suppressed : str or None
        Boolean column marking suppressed rows: their missing numbers read
        "suppressed (fewer than N people)".
    limit : int, optional
        Show at most this many rows; the note says how many more are where.
    sources : mapping of column → (table, column), optional
        Cells whose value comes from another table (same row key) or column.

    Returns
    -------
    str
        ``claim_id``.
    """
    # each shown column read once, as a list of its first rows: never a copy of the frame
    series = {c: frame[c] for c in columns if c in frame.columns}
    columns = {c: h for c, h in columns.items() if c in series}
    formats = dict(formats or {})
    units = dict(units or {})
    numeric = set(numeric or ())
    for c in columns:
        fmt, is_num = default_format(series[c])
        formats.setdefault(c, fmt)
        if is_num:
            numeric.add(c)
        units.setdefault(c, "" if c in numeric else WORDS)
    n_rows = len(frame)
    n_shown = n_rows if limit is None else min(max(limit, 0), n_rows)
    keys = row_key(frame if n_shown == n_rows else frame.head(n_shown), key)
    marks = (frame[suppressed].fillna(False).astype(bool).to_numpy()[:n_shown]
             if suppressed and suppressed in frame.columns else np.zeros(n_shown, dtype=bool))
    hidden = (f"suppressed (fewer than {min_group_size} people)" if min_group_size
              else "suppressed (group too small to report)")
    more = ""
    if limit is not None and n_rows > limit:
        more = f"{n_rows - limit:,} more rows are in {more_where}."
    led.add(claim_id=claim_id, section=section, kind="table", aim=aim, order=order,
            title=caption, text="", note=more, source_table=source_table, source_key="")
    for c, heading in columns.items():
        led.fig(claim_id, c, math.nan, heading, WORDS, source_table=source_table,
                source_key="heading", row=HEADING_ROW)
    if more:
        led.fig(claim_id, "rows_not_shown", n_rows - limit, f"{n_rows - limit:,}", "rows",
                source_table=source_table, source_key="rows not shown")
    for c in columns:
        table, column = (sources or {}).get(c, (source_table, c))
        values = (series[c] if n_shown == n_rows else series[c].head(n_shown)).tolist()
        for i, v in enumerate(values):
            text = hidden if marks[i] and c in numeric and is_missing(v) else formats[c](v)
            led.fig(claim_id, c, _value(v) if c in numeric else math.nan, text, units[c],
                    source_table=table, source_key=f"{keys[i]}; column={column}", row=i + 1)
    return claim_id


def add_chart(led, claim_id: str, *, section: str, title: str, text: str, note: str = "",
              aim: str = "", order: int = 0, source_table: str = "", source_key: str = "",
              n=np.nan) -> str:
    """Write a chart's claim: ``title`` (its finding), ``text`` (its data in words, the text
    alternative printed with it) and ``note`` (how to read it, with its n and what its
    intervals are).

    Every number in those words must be a figure of the claim, added (before or after)
    with ``f = led.figures_of(claim_id, table, key)`` and
    ``f(figure, value, shown, unit, table=..., key=..., n=..., low=..., high=...)``, which
    returns the text to put in the words.
    """
    led.add(claim_id=claim_id, section=section, kind="chart", aim=aim, order=order, title=title,
            text=text, note=note, source_table=source_table, source_key=source_key, n=n)
    return claim_id
