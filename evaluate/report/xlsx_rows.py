"""A table's rows as worksheet XML, written in bulk for :mod:`evaluate.report.xlsx`.

openpyxl builds a cell object, looks up its style and serialises it through
lxml for every cell: at a few hundred thousand cells that is most of the time
spent writing a workbook. The rows of a table are plain — numbers, text,
booleans, a style per column — so :func:`rows_xml` writes them as text, the
way openpyxl writes them (``t="n"`` numbers printed with 16 significant
digits, ``t="b"`` booleans, text as inline strings with ``&``, ``<``, ``>``
and carriage returns escaped and ``xml:space="preserve"`` when it starts or
ends with white space), and :mod:`evaluate.report.xlsx` puts them into the
sheet's ``<sheetData>`` after openpyxl has written the rest of the workbook.
A table holding anything else (dates, or a character XML does not allow)
returns None and is written cell by cell by openpyxl, which sorts those out
or says what is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from evaluate.privacy import _FORMULA_START  # how text a spreadsheet would run starts

__all__ = ["rows_xml"]

_PLAIN = (str, bool, int, float)



def _text(value: str) -> str:
    out = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("\r", "&#13;")


def _number(value) -> str:
    return "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"


def _text_cell(value: str) -> tuple[bool, str] | None:
    """A text cell's XML after its style: (whether it starts like a formula, the XML), or None
    for text XML does not allow."""
    if value == "":  # as openpyxl writes an empty text
        return False, ' t="inlineStr"/>'
    if ILLEGAL_CHARACTERS_RE.search(value):
        return None
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return (value.startswith(_FORMULA_START),
            f' t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>')


def _cells(values: Sequence, letter: str, rows: Sequence[str], style: Sequence[str],
           quoted: Sequence[str]) -> list[str] | None:
    """One column's cells as XML (``""`` for an empty cell), or None if it holds anything else.

    Text a spreadsheet would run as a formula takes the ``quoted`` style (Excel's quote prefix).
    A column of only numbers, or only text, is written in one pass for its type (each
    distinct text escaped once, :func:`_text_cell`: columns repeat a few labels); any
    other column cell by cell.
    """
    types = set(map(type, values))
    types.discard(type(None))
    if types <= {int, float} and all(map(math.isfinite, (v for v in values if v is not None))):
        return [f'<c r="{letter}{r}"{s} t="n"><v>{v:.16g}</v></c>' if v is not None else ""
                for v, r, s in zip(values, rows, style, strict=True)]
    if types == {str}:
        texts = {v: _text_cell(v) for v in set(values) if v is not None}
        if any(t is None for t in texts.values()):
            return None
        return ["" if v is None else
                f'<c r="{letter}{r}"{q if texts[v][0] else s}{texts[v][1]}'
                for v, r, s, q in zip(values, rows, style, quoted, strict=True)]
    out = []
    texts: dict[str, tuple[bool, str] | None] = {}
    for v, r, s, q in zip(values, rows, style, quoted, strict=True):
        if isinstance(v, str):
            known = texts[v] if v in texts else texts.setdefault(v, _text_cell(v))
            if known is None:
                return None
            out.append(f'<c r="{letter}{r}"{q if known[0] else s}{known[1]}')
        elif v is None:
            out.append("")
        elif v == "":  # as openpyxl writes an empty text
            out.append(f'<c r="{letter}{r}"{s} t="inlineStr"/>')
        elif isinstance(v, bool):
            out.append(f'<c r="{letter}{r}"{s} t="b"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, float)):
            out.append(f'<c r="{letter}{r}"{s} t="n"><v>{_number(v)}</v></c>')
        else:
            return None
    return out


def _per_row(tall: np.ndarray, high: str, one: str) -> list[str]:
    """Each row's style: ``high`` on a tall row, else ``one``."""
    return np.where(tall, high, one).tolist() if tall.any() else [one] * len(tall)


def rows_xml(columns: Sequence[Sequence], heights: np.ndarray, style_one_line: Sequence[int | None],
             style_tall: Sequence[int | None], first_row: int = 2, *,
             quoted_one_line: Sequence[int | None] | None = None,
             quoted_tall: Sequence[int | None] | None = None) -> str | None:
    """The ``<row>`` elements of a table, or None when openpyxl must write it.

    Parameters
    ----------
    columns : sequence of sequences
        Each column's values as they are written (:func:`evaluate.report.xlsx.column_values`).
    heights : array
        Each row's height in points, 0 for the default.
    style_one_line, style_tall : sequence of int or None
        Each column's style id (the workbook's cell format index) on a row of
        one line and on a taller row; None for no style.
    first_row : int
        The sheet row of the first table row.
    quoted_one_line, quoted_tall : sequence of int or None, optional
        The same styles with Excel's quote prefix, for text that starts like a
        formula (default: the plain styles; the cell is text either way).

    Examples
    --------
    >>> rows_xml([["a & b", None], [1.5, True]], np.array([0, 30]), [None, 3], [None, 4])
    '<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b</t></is></c><c r="B2" s="3" t="n"><v>1.5</v></c></row><row r="3" ht="30" customHeight="1"><c r="B3" s="4" t="b"><v>1</v></c></row>'
    """
    n = len(heights)
    rows = [str(r) for r in range(first_row, first_row + n)]
    tall = np.asarray(heights) > 0
    quoted_one_line = style_one_line if quoted_one_line is None else quoted_one_line
    quoted_tall = style_tall if quoted_tall is None else quoted_tall
    cells = []
    for j, values in enumerate(columns):
        one, high, q_one, q_high = (f' s="{s}"' if s is not None else "" for s in (
            style_one_line[j], style_tall[j], quoted_one_line[j], quoted_tall[j]))
        column = _cells(values, get_column_letter(j + 1), rows, _per_row(tall, high, one),
                        _per_row(tall, q_high, q_one))
        if column is None:
            return None
        cells.append(column)
    opening = [f'<row r="{r}" ht="{h:g}" customHeight="1">' if h else f'<row r="{r}">'
               for r, h in zip(rows, np.asarray(heights).tolist(), strict=True)]
    return "".join(o + "".join(c) + "</row>" for o, *c in zip(opening, *cells, strict=True))
