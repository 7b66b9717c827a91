"""Cells a spreadsheet reader shows as blank that are not: Excel errors, unsaved formulas.

python-calamine hands over an error cell (``#N/A``, ``#DIV/0!``) and a formula
whose result was never saved (a file written by a program that does not
calculate, or saved with calculation off) as an empty string, exactly like a
blank answer. :func:`hidden_cells` finds them in the sheet's XML (``t="e"``
cells, and ``<f>`` cells with no saved ``<v>``) so that each is reported at its
row and column instead of becoming a silent blank; in csv exports the error
shows as its text, and :data:`EXCEL_ERRORS` names them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from evaluate.ingest.extent import _CELL_REF, _column_number, sheet_xml_blocks

__all__ = ["EXCEL_ERRORS", "HiddenCell", "hidden_cells"]

#: The error values Excel shows in a cell (and writes into a csv saved from it).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
})
_PREFIX = re.compile(rb"<([\w.-]+:)?worksheet\b")
_MAX_FOUND = 10_000


@dataclass(frozen=True)
class HiddenCell:
    """One cell the reader shows as blank. ``row`` and ``column`` count from 1."""

    row: int
    column: int
    kind: str  # "error" or "formula"
    text: str  # "#DIV/0!" or "=A2/B2"


def hidden_cells(path: str | Path, sheet: str) -> list[HiddenCell]:
    """Excel error cells and formulas without a saved value in ``sheet``.

    Examples
    --------
    >>> hidden_cells("sample_data/c1/baseline-c1-msforms.xlsx", "Form1")
    []
    """
    found: list[HiddenCell] = []
    carry = b""
    pattern = None
    for block in sheet_xml_blocks(path, sheet):
        data = carry + block
        if pattern is None:
            m = _PREFIX.search(data[:65536])
            prefix = re.escape((m.group(1) or b"") if m else b"")
            pattern = _Patterns(prefix)
        cut = data.rfind(pattern.cell_start)  # never split a cell between blocks
        if cut <= 0:
            carry = data
            continue
        data, carry = data[:cut], data[cut:]
        _look(data, pattern, found)
        if len(found) >= _MAX_FOUND:
            return found
    if carry and pattern is not None:
        _look(carry, pattern, found)
    return found


class _Patterns:
    def __init__(self, prefix: bytes):
        self.cell_start = b"<" + re.sub(rb"\\(.)", rb"\1", prefix) + b"c "
        self.cell = re.compile(rb"<" + prefix + rb"c\b([^>]*?)(/?)>")
        self.formula = re.compile(rb"<" + prefix + rb"f[\s>/]")
        self.formula_text = re.compile(rb"<" + prefix + rb"f\b[^>]*?(?:/>|>(.*?)</" + prefix + rb"f>)",
                                       re.DOTALL)
        self.value = re.compile(rb"<" + prefix + rb"v>([^<]*)</" + prefix + rb"v>")
        self.end = b"</" + re.sub(rb"\\(.)", rb"\1", prefix) + b"c>"


def _cell_at(data: bytes, pos: int, p: _Patterns) -> tuple[int, int, bytes] | None:
    """The cell that holds ``pos``: (row, column, its XML), or None."""
    start = data.rfind(p.cell_start, 0, pos + 1)
    if start < 0:
        return None
    tag = p.cell.match(data, start)
    if tag is None:
        return None
    ref = _CELL_REF.search(tag.group(1))
    if ref is None:
        return None
    end = tag.end() if tag.group(2) else data.find(p.end, tag.end())
    end = len(data) if end < 0 else end
    return int(ref.group(2)), _column_number(ref.group(1)), data[start:end]


def _look(data: bytes, p: _Patterns, found: list[HiddenCell]) -> None:
    seen: set[tuple[int, int]] = set()
    pos = data.find(b't="e"')
    while pos >= 0:
        cell = _cell_at(data, pos, p)
        if cell is not None and (cell[0], cell[1]) not in seen:
            value = p.value.search(cell[2])
            text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
            found.append(HiddenCell(cell[0], cell[1], "error", text or "#N/A"))
            seen.add((cell[0], cell[1]))
        pos = data.find(b't="e"', pos + 5)
    for m in p.formula.finditer(data):
        cell = _cell_at(data, m.start(), p)
        if cell is None or (cell[0], cell[1]) in seen:
            continue
        value = p.value.search(cell[2])
        if value is not None and value.group(1).strip():
            continue  # the formula's result was saved: the reader shows it
        formula = p.formula_text.search(cell[2])
        text = formula.group(1) if formula and formula.group(1) else b""
        shown = "=" + html.unescape(text.decode("utf-8", "replace")) if text else "(a formula)"
        found.append(HiddenCell(cell[0], cell[1], "formula", shown))
        seen.add((cell[0], cell[1]))
