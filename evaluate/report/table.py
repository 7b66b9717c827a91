"""Tables for the page: a DataFrame becomes a :class:`Table` of formatted text cells.

The page's templates draw a :class:`Table` (``macros.html``, ``table``), so
every cell is escaped by the template engine; nothing here writes HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluate.claims.displays import HEADING_ROW, WORDS, default_format
from evaluate.report.format import is_missing

__all__ = ["Column", "Row", "Table", "make_table", "table_from_claim"]


@dataclass(frozen=True)
class Column:
    """One column: its heading and whether it holds numbers (right-aligned)."""

    key: str
    heading: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    """One row of formatted cells; ``suppressed`` rows are marked as such."""

    cells: tuple[str, ...]
    suppressed: bool = False


@dataclass
class Table:
    """A table ready to draw: columns, rows of text, caption and a note on rows left out."""

    columns: list[Column]
    rows: list[Row]
    caption: str = ""
    more: str = ""
    classes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, heading: str) -> list[str]:
        """The cells under a heading (for tests and text summaries)."""
        j = [c.heading for c in self.columns].index(heading)
        return [r.cells[j] for r in self.rows]


def make_table(
    data: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Callable] | None = None,
    *,
    suppressed: str | None = "suppressed",
    min_group_size: int | None = None,
    caption: str | None = None,
    numeric: set[str] | None = None,
    limit: int | None = None,
    more_where: str = "tables.xlsx and the csv files",
    classes: list[str] | None = None,
) -> Table:
    """A :class:`Table` of ``data``.

    Parameters
    ----------
    columns : mapping of column → heading, optional
        Which columns to show, in order, and their headings (default: all,
        headings as the column names). Columns not in ``data`` are skipped.
    formats : mapping of column → function(value) → str, optional
        Formatting per column; default ``num`` for floats, ``integer`` for
        integers, ``str`` otherwise.
    suppressed : str or None
        Boolean column marking suppressed rows: their missing numbers read
        "suppressed (fewer than N people)" and the row is marked.
    min_group_size : int, optional
        Named in the suppressed rows' text.
    numeric : set of str, optional
        Columns to right-align besides those with a numeric dtype.
    limit : int, optional
        Show at most this many rows and say how many were left out.

    Examples
    --------
    >>> t = make_table(pd.DataFrame({"group": ["a", "b"], "n": [12.0, np.nan],
    ...                              "suppressed": [False, True]}),
    ...                {"group": "Group", "n": "People"}, min_group_size=5)
    >>> [r.cells for r in t.rows]
    [('a', '12.00'), ('b', 'suppressed (fewer than 5 people)')]
    """
    columns = dict(columns) if columns else {c: str(c) for c in data.columns}
    columns = {c: h for c, h in columns.items() if c in data.columns}
    formats = dict(formats or {})
    numeric = set(numeric or ())
    for c in columns:
        if c not in formats:
            formats[c], is_num = default_format(data[c])
            if is_num:
                numeric.add(c)
    marks = (data[suppressed].fillna(False).astype(bool).to_numpy()
             if suppressed and suppressed in data.columns else np.zeros(len(data), dtype=bool))
    note = (f"suppressed (fewer than {min_group_size} people)" if min_group_size
            else "suppressed (group too small to report)")
    rows = data.reset_index(drop=True)
    shown = rows if limit is None else rows.head(limit)
    keys = list(columns)
    values = {c: shown[c].tolist() for c in keys}
    out = []
    for i in range(len(shown)):
        cells = tuple(note if marks[i] and c in numeric and is_missing(values[c][i])
                      else formats[c](values[c][i]) for c in keys)
        out.append(Row(cells, bool(marks[i])))
    more = ""
    if limit is not None and len(rows) > limit:
        more = f"{len(rows) - limit:,} more rows are in {more_where}."
    return Table([Column(c, h, c in numeric) for c, h in columns.items()], out,
                 caption=caption or "", more=more, classes=list(classes or []))


def table_from_claim(claim: Mapping, figures: pd.DataFrame,
                     classes: list[str] | None = None) -> Table:
    """The :class:`Table` a table claim describes (:func:`evaluate.claims.displays.add_table`):
    its headings, its cells exactly as the ledger shows them, its caption and note."""
    # a displayed table (tens of rows): plain lists, not a pandas pivot (nor a filtered copy
    # of the figures: a take of every column) per table
    claim_id = claim["claim_id"]
    heads: dict[str, str] = {}
    grid: dict[int, dict[str, str]] = {}
    numeric = set()
    for cid, figure, shown, unit, row in zip(*(figures[c].tolist() for c in (
            "claim_id", "figure", "shown", "unit", "row")), strict=True):
        # another claim's figure, or not a cell; a missing id or row compares as not True
        if (cid == claim_id) is not True or (row >= HEADING_ROW) is not True:
            continue
        if row == HEADING_ROW:
            heads[figure] = shown
            continue
        grid.setdefault(row, {})[figure] = shown
        if unit != WORDS:
            numeric.add(figure)
    keys = list(heads)
    rows = []
    for row in sorted(grid):
        cells = tuple(grid[row].get(k, "") for k in keys)
        rows.append(Row(cells, any(c.startswith("suppressed (") for c in cells)))
    return Table([Column(k, heads[k], k in numeric) for k in keys],
                 rows, caption=str(claim.get("title") or ""), more=str(claim.get("note") or ""),
                 classes=list(classes or []))
