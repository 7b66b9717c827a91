"""A large sheet read column by column (fastexcel, typed Arrow), when that gives its cells exactly.

python-calamine hands over one Python object per cell, built in Rust and
then held twice (its rows, our grid): at 100,000 people that is most of an
import's reading time. fastexcel reads the same cells (calamine underneath)
into one typed Arrow column per heading, and a column becomes Python values
in one step: text as one object per distinct answer, numbers, booleans and
dates as arrays. :func:`typed_grid` returns the grid
:func:`evaluate.ingest.xlsx.read_xlsx_grid` would build from python-calamine
(same values, same types, blank cells None), or None whenever it cannot be
sure of that, and the sheet is then read cell by cell as before:

* the headings must be row 1 from column A, every cell text (a heading typed
  as a number would come back as text) and no two alike (fastexcel renames
  a repeated heading);
* every column must hold one type from row 2 down (``dtype_coercion="strict"``
  over every row): a column mixing text and numbers, as the second and third
  heading rows of a Qualtrics or SurveyMonkey export make it, is left to the
  cell-by-cell read. A glance at the first rows of the sheet's XML
  (:func:`_looks_mixed`) skips the typed read where it would fail;
* cells fastexcel could not put in their column must be ones python-calamine
  shows as blank (an Excel error, an empty string);
* columns of text, numbers, booleans and dates only; python-calamine gives a
  date at midnight as a ``date``, and a cell under one day (a date before March
  1900, or on 1 January 1904 in a workbook counting from 1904) as a ``time``:
  the first is done here, a column with the second is left to calamine.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np

from evaluate.ingest.extent import (
    _CELL_REF,
    _PREFIX,
    _column_number,
    _sheet_parts,
    sheet_xml_blocks,
)
from evaluate.ingest.files import _blank_cells

__all__ = ["typed_grid", "TYPED_BYTES"]

#: Sheets with at least this much XML are read typed (a smaller one costs milliseconds either way).
TYPED_BYTES = 4 * 1024 * 1024
_DAY_MS = 86_400_000
_MARCH_1900_MS = -2_203_891_200_000  # 1900-03-01 in ms since 1970: earlier cells may be times
_DAY_1904_MS = -2_082_844_800_000  # 1904-01-01: a time of day in a workbook counting from 1904
_LOOK_BYTES = 1 << 20  # the XML looked at before the typed read: the headings and some rows
_LOOK_ROWS = 50
_BLANK_ERROR = re.compile(r"""got '(?:Error\(\w+\)|String\(""\))'$""")
_TEXT_TYPES = (b"s", b"inlineStr", b"str")


def typed_grid(path: str | Path, sheet: str, min_bytes: int | None = None) -> np.ndarray | None:
    """The sheet's cells from ``A1`` as python-calamine gives them, blanks None; None if unsure
    (or when the sheet has less than ``min_bytes`` of XML, by default :data:`TYPED_BYTES`).

    Examples
    --------
    >>> grid = typed_grid("sample_data/c1/baseline-c1-msforms.xlsx", "Sheet1", min_bytes=0)
    >>> grid[0, :3].tolist(), type(grid[1, 0]).__name__, grid.shape
    (['ID', 'Start time', 'Completion time'], 'float', (40, 41))
    """
    least = TYPED_BYTES if min_bytes is None else min_bytes
    if _xml_bytes(path, sheet) < least or _looks_mixed(path, sheet):
        return None
    try:
        import fastexcel
        import pyarrow as pa
    except ImportError:
        return None
    quiet = logging.getLogger("fastexcel")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "could not determine dtype" for a column of errors only
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read = fastexcel.read_excel(str(path)).load_sheet(
                sheet, header_row=0, dtype_coercion="strict", schema_sample_rows=None)
            table, errors = read.to_arrow_with_errors()
            columns = read.selected_columns
            del read  # its cells as calamine holds them: freed before the grid is built
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # mixed types, a damaged part, a pyo3 panic (BaseException): the
        return None  # cell-by-cell read decides, and reports a damaged workbook as it always has
    finally:
        quiet.setLevel(level)
    if errors is not None and not all(_BLANK_ERROR.search(e.detail) for e in errors.errors):
        return None
    names = [c.name if c.column_name_from == "looked_up" else None for c in columns]
    if len(columns) != table.num_columns or _renamed(names):
        return None
    grid = np.empty((table.num_rows + 1, table.num_columns), dtype=object)
    grid[0] = names
    for j in range(table.num_columns):
        values = _column_values(table.column(j), pa)
        if values is None:
            return None
        grid[1:, j] = values
    grid[0][[not isinstance(v, str) or not v or v.isspace() for v in grid[0]]] = None
    return grid


def _xml_bytes(path: str | Path, sheet: str) -> int:
    """How much XML the sheet has (0 when its part cannot be found)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = _sheet_parts(zf).get(sheet)
            return zf.getinfo(name).file_size if name else 0
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError):
        return 0


def _renamed(names: list[str | None]) -> bool:
    """Whether fastexcel may have renamed a repeated heading (``A``, ``A`` → ``A``, ``A_1``)."""
    given = {n for n in names if n is not None}
    for name in given:
        base, sep, number = name.rpartition("_")
        if sep and number.isdigit() and base in given:
            return True
    return False


def _column_values(column, pa) -> np.ndarray | None:
    """One Arrow column as the Python values python-calamine gives, blank cells None."""
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    valid = column.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = column.dictionary_encode()
        words = np.array(encoded.dictionary.to_pylist() + [None], dtype=object)
        words[_blank_cells(words, check_all=True)] = None  # the last: missing cells
        return words[pc.fill_null(encoded.indices, len(words) - 1).to_numpy()]
    if pa.types.is_null(kind):
        return np.full(len(column), None, dtype=object)
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        values = np.asarray(column.fill_null(False if pa.types.is_boolean(kind) else 0)
                            .to_numpy(zero_copy_only=False)).astype(object)
    elif pa.types.is_timestamp(kind) and kind.unit == "ms" and kind.tz is None:
        ms = column.cast(pa.int64()).fill_null(0).to_numpy()
        shown = ms[valid]
        if ((shown < _MARCH_1900_MS) | ((shown >= _DAY_1904_MS) & (shown < _DAY_1904_MS + _DAY_MS))).any():
            return None  # python-calamine gives a cell under one day as a time of day
        stamps = ms.astype("datetime64[ms]")
        values = stamps.astype(object)  # datetime.datetime
        midnight = valid & (ms % _DAY_MS == 0)
        values[midnight] = stamps[midnight].astype("datetime64[D]").astype(object)  # datetime.date
    else:
        return None
    values[~valid] = None
    return values


def _looks_mixed(path: str | Path, sheet: str) -> bool:
    """Whether the first rows of the sheet's XML already show the typed read cannot be used.

    True when row 1 is not the headings from ``A1`` in text, or when a column
    holds text in one of the first rows and a number in another (the extra
    heading rows of Qualtrics and SurveyMonkey). Cheap: at most the first
    megabyte of XML.
    """
    data = b""
    for block in sheet_xml_blocks(path, sheet):
        data += block
        if len(data) >= _LOOK_BYTES:
            break
    m = _PREFIX.search(data[:65536])
    prefix = re.escape((m.group(1) or b"") if m else b"")
    row_tag = re.compile(rb"<" + prefix + rb"row\b[^>]*?(/?)>")
    cell_tag = re.compile(rb"<" + prefix + rb"c\b([^>]*?)(/?)>")
    type_attr = re.compile(rb'\bt\s*=\s*"([^"]*)"')
    formula = re.compile(rb"<" + prefix + rb"f\b")
    rows = list(row_tag.finditer(data))
    if not rows:
        return True
    seen: dict[int, set[bool]] = {}
    first = True  # the first cell of row 1 that holds something
    for i, row in enumerate(rows[:_LOOK_ROWS]):
        if row.group(1):
            continue  # <row/>: nothing in it
        end = rows[i + 1].start() if i + 1 < len(rows) else len(data)
        cells = list(cell_tag.finditer(data, row.end(), end))
        if i + 1 == len(rows) and len(rows) > 1:
            break  # the last row seen may be cut off
        for k, cell in enumerate(cells):
            if cell.group(2):
                continue  # <c r="B2" s="1"/>: formatting only
            ref = _CELL_REF.search(cell.group(1))
            if ref is None:
                return True  # cells without addresses: the cell-by-cell read
            stop = cells[k + 1].start() if k + 1 < len(cells) else end
            kind = type_attr.search(cell.group(1))
            text = kind is not None and kind.group(1) in _TEXT_TYPES
            if i == 0:
                if int(ref.group(2)) != 1 or (first and ref.group(1).upper() != b"A"):
                    return True  # the headings are not row 1 from A1
                first = False
                if not text or formula.search(data, cell.end(), stop):
                    return True  # a heading that is not plain text
                continue
            if kind is not None and kind.group(1) == b"e":
                continue  # an error reads as blank in any column
            seen.setdefault(_column_number(ref.group(1)), set()).add(text)
    return any(len(kinds) > 1 for kinds in seen.values())
