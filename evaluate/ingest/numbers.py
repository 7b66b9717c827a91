"""Numbers in exports, read the way the file writes them — never guessed.

``2,500`` is two thousand five hundred where a comma groups thousands (UK and
US accounts) and two and a half where the comma is the decimal mark (much of
Europe); ``2.500`` the other way round. Like the order of dates
(:mod:`evaluate.ingest.dates`), the decimal mark is decided for the whole file
at once (:func:`read_number_format`): cells that read only one way (``1,5``,
``12,345,678``, ``2.500,75``) settle it. When nothing in the file settles it,
a cell that reads two ways is reported, never guessed; numbers typed with no
separator, and real spreadsheet numbers, are never ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluate.ingest.cells import text_cells

__all__ = ["NumberReading", "read_number_format", "parse_numbers", "readings_of"]

_SIGN = r"[+-]?"
_PLAIN = re.compile(rf"^{_SIGN}\d+$")
_POINT = re.compile(rf"^{_SIGN}\d*\.\d+$")  # 1.5 .5
_COMMA = re.compile(rf"^{_SIGN}\d*,\d+$")  # 1,5 ,5
_ONE_GROUP = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}[.,]\d{{3}}$")  # 2,500 2.500: either way
_COMMA_GROUPS = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?$")  # 1,234,567.5
_POINT_GROUPS = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}(?:\.\d{{3}})+(?:,\d+)?$")  # 1.234.567,5
_SPACE_GROUPS = re.compile(rf"^{_SIGN}[1-9]\d{{0,2}}(?:[ \u00a0\u202f']\d{{3}})+(?:([.,])\d+)?$")


def readings_of(cell: str) -> dict[str, float]:
    """The values a typed number can mean, by decimal mark (``"."`` or ``","``).

    >>> readings_of("2,500")
    {',': 2.5, '.': 2500.0}
    >>> readings_of("1,5"), readings_of("1,234,567"), readings_of("7")
    ({',': 1.5}, {'.': 1234567.0}, {',': 7.0, '.': 7.0})
    >>> readings_of("2.500,75"), readings_of("1 234,5"), readings_of("five")
    ({',': 2500.75}, {',': 1234.5}, {})
    """
    s = cell.strip()
    out: dict[str, float] = {}
    if _PLAIN.match(s):
        return {",": float(s), ".": float(s)}
    if _POINT.match(s):
        out["."] = float(s)
    if _COMMA.match(s):
        out[","] = float(s.replace(",", "."))
    if _ONE_GROUP.match(s) or _COMMA_GROUPS.match(s) or _POINT_GROUPS.match(s):
        if _COMMA_GROUPS.match(s):
            out["."] = float(s.replace(",", ""))
        if _POINT_GROUPS.match(s):
            out[","] = float(s.replace(".", "").replace(",", "."))
    m = _SPACE_GROUPS.match(s)
    if m:
        digits = re.sub(r"[ \u00a0\u202f']", "", s)
        mark = m.group(1)
        if mark in (None, "."):
            out["."] = float(digits)
        if mark in (None, ","):
            out[","] = float(digits.replace(",", "."))
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class NumberReading:
    """How the typed numbers of one file are read.

    Attributes
    ----------
    decimal : str or None
        ``"."`` or ``","`` when the file settles it, else None.
    decided_by : str
        ``"file"`` (some cells read only one way), ``"not needed"`` (no cell
        reads two ways), ``"ambiguous"`` (cells read two ways and nothing
        settles it: each is reported) or ``"mixed"`` (the file uses both marks:
        each cell is read its own way, and one that reads two ways is reported).
    example : str or None
        A cell that shows the decision, for the note.
    """

    decimal: str | None
    decided_by: str
    example: str | None = None

    def note(self) -> str | None:
        """A plain sentence on how numbers were read, or None when there was nothing to decide."""
        if self.decided_by != "file":
            return None
        name = "a point" if self.decimal == "." else "a comma"
        other = "comma" if self.decimal == "." else "point"
        return (f'Numbers were read with {name} as the decimal mark (and any {other} as a '
                f'thousands separator), because some only read that way (e.g. "{self.example}").')


def read_number_format(columns: list[pd.Series]) -> NumberReading:
    """Decide the decimal mark of a file from the typed numbers of its number questions.

    >>> read_number_format([pd.Series(["2,500", "1,5"])])
    NumberReading(decimal=',', decided_by='file', example='1,5')
    >>> read_number_format([pd.Series(["2,500", "12"])]).decided_by
    'ambiguous'
    >>> read_number_format([pd.Series([2500.0, "3"])]).decided_by
    'not needed'
    """
    cells = _typed(columns)
    only: dict[str, list[str]] = {".": [], ",": []}
    ambiguous = False
    for cell in cells:
        found = readings_of(cell)
        if len(found) == 1:
            only[next(iter(found))].append(cell)
        elif len(found) == 2 and found["."] != found[","]:
            ambiguous = True
    if only["."] and only[","]:
        return NumberReading(None, "mixed", only[","][0])
    for mark in (".", ","):
        if only[mark]:
            return NumberReading(mark, "file", only[mark][0])
    return NumberReading(None, "ambiguous" if ambiguous else "not needed")


def _of_type(values: pd.Series, kinds, but=()) -> pd.Series:
    """``values.map(lambda v: isinstance(v, kinds) and not isinstance(v, but))``, as a bool Series.

    A column of text (every cell a string or missing, as a csv gives) is
    settled by one look at the column and a look at each missing cell (a
    missing number, NaN, is a float), not a call per cell.

    >>> _of_type(pd.Series(["1", None, float("nan"), 2.0, True], dtype=object),
    ...          (int, float), bool).tolist()
    [False, False, True, True, False]
    """
    def each(v) -> bool:
        return isinstance(v, kinds) and not isinstance(v, but)

    cells = values.to_numpy(dtype=object)
    if values.dtype != object or pd.api.types.infer_dtype(cells, skipna=True) not in ("string",
                                                                                     "empty"):
        return values.map(each).astype(bool)
    out = np.full(len(cells), each(""))
    missing = np.flatnonzero(pd.isna(cells))
    out[missing] = [each(v) for v in cells[missing]]
    return pd.Series(out, index=values.index, name=values.name, dtype=bool)


def _typed(columns: list[pd.Series]) -> list[str]:
    """Distinct text cells (spreadsheet numbers are numbers already, never text)."""
    texts = [text_cells(c[_of_type(c, str)]) for c in columns]
    if not texts:
        return []
    return pd.concat(texts).dropna().drop_duplicates().tolist()


def parse_numbers(values: pd.Series, reading: NumberReading) -> tuple[pd.Series, pd.Series,
                                                                         pd.Series]:
    """Cells as numbers, read the file's way.

    Returns ``(numbers, ambiguous, bad)``: float64 (NaN when blank, ambiguous
    or not a number), and boolean masks of cells that read two ways with
    nothing to settle them, and of cells that are not numbers at all.

    >>> reading = NumberReading(",", "file", "1,5")
    >>> n, amb, bad = parse_numbers(pd.Series(["2,500", "1.234,5", 7.0, None, "x"]), reading)
    >>> n.tolist()[:3], amb.tolist(), bad.tolist()
    ([2.5, 1234.5, 7.0], [False, False, False, False, False], [False, False, False, False, True])
    """
    index = values.index
    numeric = _of_type(values, (int, float, np.integer, np.floating), bool)
    out = pd.Series(np.nan, index=index, dtype="float64")
    if numeric.any():
        out[numeric] = pd.to_numeric(values[numeric], errors="coerce").astype("float64")
    text = text_cells(values.where(~numeric))
    value_of: dict[str, float] = {}
    two_ways: set[str] = set()
    for cell in text.dropna().unique():
        found = readings_of(cell)
        if reading.decimal in found:
            value_of[cell] = found[reading.decimal]
        elif len(set(found.values())) == 1:
            value_of[cell] = next(iter(found.values()))
        elif len(found) == 2:
            two_ways.add(cell)
    read = text.map(value_of).astype("float64")
    out = out.fillna(read)
    ambiguous = text.isin(two_ways).fillna(False).astype(bool)
    bad = (text.notna() & read.isna() & ~ambiguous).fillna(False).astype(bool)
    return out, ambiguous, bad
