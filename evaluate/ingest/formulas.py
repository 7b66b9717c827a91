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
import zipfile
from dataclasses import dataclass
from pathlib import Path

from evaluate.ingest.extent import (
    _CELL_REF,
    _PREFIX,
    _column_number,
    _sheet_parts,
    sheet_xml_blocks,
)

__all__ = ["EXCEL_ERRORS", "HiddenCell", "HiddenCellFinder", "hidden_cells"]

#: The error values Excel shows in a cell (and writes into a csv saved from it).
EXCEL_ERRORS = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!",
})
_MAX_FOUND = 10_000
_ALWAYS_SEARCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class HiddenCell:
    """One cell the reader shows as blank. ``row`` and ``column`` count from 1."""

    row: int
    column: int
    kind: str  # "error" or "formula"
    text: str  # "#DIV/0!" or "=A2/B2"


def hidden_cells(path: str | Path, sheet: str) -> list[HiddenCell]:
    """Excel error cells and formulas without a saved value in ``sheet``.

    A large sheet (over 64 MB of XML) is searched only when the workbook has
    formulas (Excel lists them in ``xl/calcChain.xml``): a big export that
    Excel saved with no formula in it can hold an error only where one was
    typed by hand, and reading it all again would cost a second or more.
    (When the memory check scans a sheet, the search rides on that scan and
    is always made: see :class:`HiddenCellFinder`.)

    Examples
    --------
    >>> hidden_cells("sample_data/c1/baseline-c1-msforms.xlsx", "Form1")
    []
    """
    if not _worth_searching(path, sheet):
        return []
    finder = HiddenCellFinder()
    for block in sheet_xml_blocks(path, sheet):
        finder(block)
    finder(b"")
    return finder.found


def _worth_searching(path: str | Path, sheet: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            name = _sheet_parts(zf).get(sheet)
            if name is None or "xl/calcChain.xml" in zf.namelist():
                return True
            return zf.getinfo(name).file_size <= _ALWAYS_SEARCH_BYTES
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return True


class HiddenCellFinder:
    """Fed a sheet's XML block by block (``b""`` ends it, None starts again): the hidden cells.

    The same blocks can feed the memory check's scan
    (:func:`evaluate.ingest.extent.check_sheet_extent`), so a sheet is
    decompressed once for both; ``done`` says whether the whole sheet was seen.
    """

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.found: list[HiddenCell] = []
        self.done = False
        self._carry = b""
        self._patterns: _Patterns | None = None

    def __call__(self, block: bytes | None) -> None:
        if block is None:
            self.reset()
            return
        if not block:
            if self._carry and self._patterns is not None:
                _look(self._carry, self._patterns, self.found)
            self._carry, self.done = b"", True
            return
        data = self._carry + block
        if self._patterns is None:
            m = _PREFIX.search(data[:65536])
            self._patterns = _Patterns(re.escape((m.group(1) or b"") if m else b""))
        if len(self.found) >= _MAX_FOUND:
            return
        cut = data.rfind(self._patterns.cell_start)  # never split a cell between blocks
        if cut <= 0:
            self._carry = data
            return
        self._carry = data[cut:]
        _look(data, self._patterns, self.found, cut)  # the cells before the cut, not copied


class _Patterns:
    def __init__(self, prefix: bytes):
        self.cell_start = b"<" + re.sub(rb"\\(.)", rb"\1", prefix) + b"c "
        self.cell = re.compile(rb"<" + prefix + rb"c\b([^>]*?)(/?)>")
        # <f> or <f t="shared" …/>, not another element whose name starts with f
        self.formula_start = re.compile(rb"<" + prefix + rb"f[ >/\n\t\r]")
        self.formula_text = re.compile(rb"<" + prefix + rb"f\b[^>]*?(?:/>|>(.*?)</" + prefix + rb"f>)",
                                       re.DOTALL)
        self.value = re.compile(rb"<" + prefix + rb"v>([^<]*)</" + prefix + rb"v>")
        self.end = b"</" + re.sub(rb"\\(.)", rb"\1", prefix) + b"c>"


def _cell_at(data: bytes, pos: int, p: _Patterns, limit: int) -> tuple[int, int, bytes] | None:
    """The cell that holds ``pos``: (row, column, its XML), or None; ``data`` read up to ``limit``."""
    start = data.rfind(p.cell_start, 0, pos + 1)
    if start < 0:
        return None
    tag = p.cell.match(data, start, limit)
    if tag is None:
        return None
    ref = _CELL_REF.search(tag.group(1))
    if ref is None:
        return None
    end = tag.end() if tag.group(2) else data.find(p.end, tag.end(), limit)
    end = limit if end < 0 else end
    return int(ref.group(2)), _column_number(ref.group(1)), data[start:end]


def _look(data: bytes, p: _Patterns, found: list[HiddenCell], limit: int | None = None) -> None:
    """The hidden cells of ``data[:limit]`` (searched in place: a block is not copied)."""
    limit = len(data) if limit is None else limit
    seen: set[tuple[int, int]] = set()
    pos = data.find(b't="e"', 0, limit)
    while pos >= 0:
        cell = _cell_at(data, pos, p, limit)
        if cell is not None and (cell[0], cell[1]) not in seen:
            value = p.value.search(cell[2])
            text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else "#N/A"
            found.append(HiddenCell(cell[0], cell[1], "error", text or "#N/A"))
            seen.add((cell[0], cell[1]))
        pos = data.find(b't="e"', pos + 5, limit)
    for at in p.formula_start.finditer(data, 0, limit):
        cell = _cell_at(data, at.start(), p, limit)
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
