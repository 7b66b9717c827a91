"""The cells of one sheet of an xlsx workbook (python-calamine), blank cells as None.

Which sheet: the one asked for, else ``"Form Responses 1"``, else the first
that holds data. Before a sheet is read its size is checked against the memory
budget (:mod:`evaluate.ingest.extent`), and the cells a reader shows as blank
that are not (Excel errors, unsaved formulas) are found (:mod:`evaluate.ingest.formulas`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import ReadError
from evaluate.ingest.extent import check_sheet_extent
from evaluate.ingest.files import (
    _ENCRYPTED_FIX,
    _ENCRYPTED_STREAM,
    DEFAULT_SHEET,
    _blank_cells,
    _fail,
    _looks_like_text,
    _sniff_kind,
)
from evaluate.ingest.formulas import HiddenCellFinder, hidden_cells
from evaluate.ingest.typed import typed_grid

__all__ = ["read_xlsx_grid"]

def read_xlsx_grid(
    path: Path, head: bytes, sheet: str | None
) -> tuple[np.ndarray, str, list[str], list]:
    import python_calamine

    notes: list[str] = []
    kind = _sniff_kind(head)
    if kind == "ole2":
        raw = path.read_bytes()
        if _ENCRYPTED_STREAM in raw:
            raise _fail(path, _ENCRYPTED_FIX + ".")
        raise _fail(
            path,
            "is an old-format Excel workbook (.xls) with an .xlsx name — open it in Excel, "
            "choose File › Save As › Excel Workbook (.xlsx), and use that file.",
        )
    if kind != "zip":
        if kind == "pdf":
            what = "is a PDF, not an Excel workbook"
        elif _looks_like_text(head):
            what = (
                "is a text (CSV) file with an Excel name — rename it to end in .csv, "
                "or open it in Excel and save as .xlsx"
            )
            raise _fail(path, what + ".")
        else:
            what = "is not an Excel workbook (it may be another kind of file renamed to .xlsx)"
        raise _fail(path, what + " — export the responses again as .xlsx or .csv.")

    def guarded(call, sheet_name: str | None = None):
        """Run a calamine call; any failure of the parser means a damaged workbook."""
        try:
            return call()
        except python_calamine.PasswordError as exc:
            raise _fail(path, _ENCRYPTED_FIX + ".") from exc
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # parser errors, and pyo3 panics (BaseException)
            raise _damaged(path, sheet_name) from exc

    wb = guarded(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    names = list(guarded(lambda: wb.sheet_names))
    if not names:
        raise _fail(path, "has no sheets — export the responses again.")
    hidden = {
        m.name
        for m in guarded(lambda: wb.sheets_metadata)
        if m.visible != python_calamine.SheetVisibleEnum.Visible
    }

    hidden_of: dict[str, list] = {}  # the error and formula cells of each sheet read

    def load(name: str) -> np.ndarray:
        finder = HiddenCellFinder()  # fed by the memory check's scan, if it scans
        check_sheet_extent(path, name, on_block=finder)  # before the reader allocates the sheet
        grid = typed_grid(path, name)
        if grid is None:
            grid = _grid(guarded(lambda: _sheet_rows(wb.get_sheet_by_name(name)), name))
        hidden_of[name] = finder.found if finder.done else hidden_cells(path, name)
        return grid

    listed = ", ".join(f'"{n}"' for n in names)
    if sheet is not None:
        chosen = sheet if sheet in names else None
        if chosen is None:
            folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
            if len(folded) == 1:
                chosen = folded[0]
        if chosen is None:
            raise _fail(path, f'has no sheet called "{sheet}" — the sheets are: {listed}.')
        grid = load(chosen)
        if not _any_value(grid):
            raise _fail(
                path,
                "is empty — choose the sheet that holds the responses "
                f"(the sheets are: {listed}).",
                chosen,
            )
    else:
        # "Form Responses 1" first, then visible sheets, then hidden ones
        order = sorted(names, key=lambda n: (n != DEFAULT_SHEET, n in hidden))
        chosen = None
        for name in order:
            grid = load(name)
            if _any_value(grid):
                chosen = name
                break
        if chosen is None:
            raise _fail(path, f"has no data in any sheet ({listed}) — export the responses again.")
        if len(names) > 1:
            notes.append(
                f'Read sheet "{chosen}" (the workbook has {len(names)} sheets: {listed}).'
            )
    return grid, chosen, notes, hidden_of.get(chosen, [])


def _grid(rows: list[list[object]]) -> np.ndarray:
    """python-calamine's rows as one grid of cells, blank cells None."""
    width = max((len(r) for r in rows), default=0)
    try:
        grid = np.array(rows, dtype=object)
        if grid.ndim != 2:
            raise ValueError
    except ValueError:
        grid = pd.DataFrame(rows, columns=range(width), dtype=object).to_numpy(dtype=object)
    blank = _share_text(grid)
    grid[blank] = None
    return grid


def _sheet_rows(sheet) -> list[list[object]]:
    """The sheet's cells from A1, as ``sheet.to_python(skip_empty_area=False)`` gives them,
    with equal text of a column one object from the start.

    Read row by row, each text cell shared as it comes: the reader's own copy of
    the sheet and an object for every cell were held at once (at 100,000
    people, 5.7 million cells: the import's ~1 GB peak, ~200 MB less this way;
    0.2 s more CPU). ``iter_rows`` leaves out the empty columns left of the
    first cell used (not the empty rows above it): they are put back as the
    reader's empty cells, ``""``.
    """
    start = sheet.start
    left = [""] * (start[1] if start else 0)
    shared: list[dict] = []
    rows = []
    for row in sheet.iter_rows():
        shared += [{} for _ in range(len(row) - len(shared))]
        rows.append(left + [v if v.__class__ is not str else s.setdefault(v, v)
                            for v, s in zip(row, shared, strict=False)])  # shared: as many or more
    return rows


def _share_text(grid: np.ndarray) -> np.ndarray:
    """Make equal text cells of a column one object; return the blank cells, as
    ``_blank_cells(grid, check_all=True)`` finds them.

    The reader gives every cell its own Python object, so each later step that
    hashes or compares a column's text (coding answers, finding Excel errors,
    splitting multi-selects) works through every cell's characters; a
    column of shared strings is compared by identity. Each column is
    factorized once, and whether a cell is blank is worked out once per
    distinct value on the way. Only text is shared: a cell equal to text is
    text (the reader gives plain ``str``, never a subclass), while numbers,
    booleans and dates that compare equal (``1``, ``1.0``, ``True``) keep
    their own objects. Missing cells (None, NaN) are looked at one by one.
    """
    blank = np.zeros(grid.shape, dtype=bool)
    for j in range(grid.shape[1]):
        column = grid[:, j]
        codes, uniques = pd.factorize(column)
        text = np.fromiter((u.__class__ is str for u in uniques), dtype=bool, count=len(uniques))
        empty = _blank_cells(uniques, check_all=True) if len(uniques) else text
        blank[:, j] = np.append(empty, False)[codes]
        missing = np.flatnonzero(codes < 0)
        blank[missing, j] = [v is None for v in column[missing]]
        shared = np.append(text, False)[codes]
        column[shared] = uniques[codes[shared]]
    return blank


def _damaged(path: Path, sheet: str | None) -> ReadError:
    return _fail(
        path,
        "is damaged or incomplete and cannot be opened as a workbook — download or "
        "export it again (if it opens in Excel, save it again as .xlsx).",
        sheet,
    )


def _any_value(grid: np.ndarray) -> bool:
    """Whether a grid (blank cells None) holds anything (its first row settles it, as a rule)."""
    return bool(np.not_equal(grid[:1], None).any() or np.not_equal(grid, None).any())
