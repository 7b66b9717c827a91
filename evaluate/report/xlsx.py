"""Write tables to a formatted, deterministic xlsx workbook.

:func:`write_workbook` writes a list of :class:`Sheet`: a frozen header row,
column widths that fit, number formats per column, long text wrapped, and a
page set-up that prints landscape on A4, one page wide, header repeated. It
is the only place we write xlsx, and it guarantees, for every workbook:

- **No formulas, and text exactly as written.** Every text cell we write —
  values, headings, titles, notes, the programme's name — is a text cell,
  never a formula, shown exactly as written (no apostrophe added, spaces
  kept). Text a spreadsheet would run as a formula (starting ``= + - @``)
  also carries Excel's "quote prefix" style, so that editing the cell does
  not turn it into one either; the csv files keep their apostrophe
  (:func:`evaluate.privacy.neutralise_formula`), since a csv has no types.
- **Excel's limits.** A sheet holds at most 1,048,576 rows and 16,384
  columns, a cell at most 32,767 characters; what does not fit is left out
  and :attr:`WorkbookWritten.left_out` (and the first sheet) says what.
- **The same bytes** for the same tables (fixed document times and zip entry
  times).
- **Numbers as they are**: a column of whole numbers (counts, degrees of
  freedom, a median of whole answers) prints without decimals.
- **A title first** when a :class:`Sheet` has one: the title in A1, any
  lines about the table under it, then the table (the Government Statistical
  Service's layout for published tables); otherwise the header is row 1.

Large tables are cheap to write: openpyxl writes the workbook in write-only mode
with each distinct cell style made once, a table's rows are written as XML in
bulk (:mod:`evaluate.report.xlsx_rows`) and put into the saved sheet, and row
heights for wrapped text come from the table's string lengths
(:func:`row_heights`), never from reading cells back.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from evaluate.privacy import neutralise_formula  # the test of what a spreadsheet runs
from evaluate.report.xlsx_columns import (  # what each column shows, read once
    EXCEL_MAX_CELL,
    P_VALUE_FORMAT,
    cell_value,
    column_values,
    column_width,
    guess_format,
    read_column,
)
from evaluate.report.xlsx_rows import rows_xml

__all__ = ["Sheet", "WorkbookWritten", "write_workbook", "write_tables", "sheet_name",
           "row_heights", "wrapped_lines", "column_values", "EXCEL_MAX_ROWS",
           "EXCEL_MAX_COLUMNS", "EXCEL_MAX_CELL", "P_VALUE_FORMAT", "looks_like_formula", "guess_format"]

#: Excel's limits (rows include the header row).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

_FIXED_TIME = dt.datetime(2000, 1, 1)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_NO_WRAP = Alignment(wrap_text=False, vertical="top")
_INVALID = re.compile(r"[\[\]\*\?/\\:]")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_FEW = 200


@dataclass
class Sheet:
    """One sheet: a table, its description for the contents, and how to show its columns.

    Parameters
    ----------
    name : str
        The sheet's tab name (made valid and unique when written).
    table : DataFrame
        The rows; its column names are the headings.
    about : str
        What the sheet shows, for a contents sheet.
    formats : mapping of column → Excel number format, optional
        Overrides the formats guessed from the column names and types.
    csv : str, optional
        Where the whole table is, if Excel cannot hold it (named in the note).
    widths : mapping of column → width in characters, optional
        Fixed widths; the text of these columns wraps.
    title : str, optional
        The table's title, written in A1 above the table.
    lines : sequence of str, optional
        Lines under the title (what the table shows, its notes), one a row.
    """

    name: str
    table: pd.DataFrame
    about: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)
    csv: str = ""
    widths: Mapping[str, float] = field(default_factory=dict)
    title: str = ""
    lines: Sequence[str] = ()


@dataclass
class WorkbookWritten:
    """What was written: the path, the sheet names used, and anything left out (sentences)."""

    path: Path
    sheets: dict[str, str]
    left_out: list[str]


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no []*?/\\:).

    >>> sheet_name("prepost", set()), sheet_name("a/b", {"a_b"})
    ('prepost', 'a_b_2')
    """
    base = _INVALID.sub("_", str(name)).strip("'")[:31] or "table"
    candidate, n = base, 2
    lower = {t.lower() for t in taken}
    while candidate.lower() in lower:
        suffix = f"_{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def looks_like_formula(value) -> bool:
    """True for text a spreadsheet would run as a formula if typed in (``=1+1``, ``-x``, ``@x``).

    >>> looks_like_formula("=HYPERLINK()"), looks_like_formula(" -10%"), looks_like_formula(3)
    (True, False, False)
    """
    return isinstance(value, str) and neutralise_formula(value) != value


def wrapped_lines(values: Sequence, width: float) -> np.ndarray:
    """How many lines each value takes when wrapped in a column ``width`` characters wide.

    Text breaks at its line breaks and then every ``int(width * 1.1)`` characters
    (about what Excel shows in its default font); anything but text takes no lines.

    >>> wrapped_lines(["short", "x" * 70, "one\\ntwo", None, 3.5], 60).tolist()
    [1, 2, 2, 0, 0]
    """
    per_line = max(int(width * 1.1), 1)
    if len(values) <= _FEW:  # a header or a short table: the same sum without pandas' overhead
        return np.array([sum(-(-max(len(part), 1) // per_line) for part in v.split("\n"))
                         if isinstance(v, str) else 0 for v in values], dtype="int64")
    text = pd.Series([v if isinstance(v, str) else None for v in values], dtype="string")
    lengths = text.str.len()
    lines = (lengths.clip(lower=1) + per_line - 1) // per_line
    breaks = text.str.contains("\n", regex=False, na=False)
    if breaks.any():
        parts = text[breaks].str.split("\n").explode()
        lines[breaks] = ((parts.str.len().clip(lower=1) + per_line - 1) // per_line
                         ).groupby(level=0).sum()
    return lines.fillna(0).to_numpy(dtype="int64")


def row_heights(columns: Sequence[Sequence], widths: Sequence[float], wrap: Sequence[bool]
                ) -> np.ndarray:
    """Each row's height in points for its wrapped text, 0 for a row of one line.

    ``columns`` holds each column's values as written, ``widths`` their widths
    and ``wrap`` whether the column wraps its text. A row gets 15 points per
    line of its tallest wrapped cell (Excel sizes rows on opening; other
    readers, and printing from a file never opened, do not), at most 409.
    """
    n = len(columns[0]) if len(columns) else 0
    lines = np.ones(n, dtype="int64")
    for values, width, wraps in zip(columns, widths, wrap, strict=True):
        if wraps and n:
            lines = np.maximum(lines, wrapped_lines(values, width))
    return np.where(lines > 1, np.minimum(15 * lines, 409), 0)


class _Styles:
    """The workbook's cell styles, each registered once; cells are made with a copy of one.

    Setting a style on a cell looks it up in the workbook's style lists (hashing
    it); for a table that is the same few styles over and over, so each is made
    once on a model cell and every cell is created with its style array, as
    openpyxl's own worksheet copier does. The styles made, and their index in the
    workbook, are found again by the identity of what was asked for: hashing an
    openpyxl font, fill or alignment hashes every one of its fields, a few times
    per column of every sheet.
    """

    def __init__(self, ws):
        self._ws = ws
        # (number format, ids of alignment, font, fill, quote) -> (style, the objects)
        self._made: dict[tuple, tuple] = {}
        self._quoted_of: dict[int, object] = {}
        self._ids: dict[int, tuple] = {}  # id(style) -> (style, its index in the workbook)

    def __call__(self, *, number_format: str | None = None, alignment: Alignment | None = None,
                 font: Font | None = None, fill: PatternFill | None = None, quote: bool = False):
        if not (number_format or alignment or font or fill or quote):
            return None
        # the objects are kept with their style, so their ids stay theirs while it is kept
        key = (number_format, id(alignment), id(font), id(fill), quote)
        if key not in self._made:
            model = Cell(self._ws, row=1, column=1)
            if number_format:
                model.number_format = number_format
            if alignment is not None:
                model.alignment = alignment
            if font is not None:
                model.font = font
            if fill is not None:
                model.fill = fill
            if quote:
                model._style = copy(model._style) if model._style else StyleArray()
                model._style.quotePrefix = 1
            self._made[key] = model._style, (alignment, font, fill)
        return self._made[key][0]

    def style_id(self, style) -> int | None:
        """The workbook's index of a style made here (None for no style)."""
        if style is None:
            return None
        if id(style) not in self._ids:
            self._ids[id(style)] = style, Cell(self._ws, row=1, column=1,
                                               style_array=style).style_id
        return self._ids[id(style)][1]

    def quoted(self, style):
        """``style`` with Excel's quote prefix (text that must stay text when edited)."""
        if style is None:
            return self(quote=True)
        if id(style) not in self._quoted_of:
            found = [(k, objects) for k, (v, objects) in self._made.items() if v is style]
            (number_format, *_), (alignment, font, fill) = found[0]
            self._quoted_of[id(style)] = self(number_format=number_format, alignment=alignment,
                                              font=font, fill=fill, quote=True)
        return self._quoted_of[id(style)]

    def cells(self, values: Sequence, styles: Sequence) -> list:
        """One row: values with a style become cells, the others stay values (None: no cell).

        Text that looks like a formula becomes a text cell with the quote prefix.
        """
        out = []
        for v, style in zip(values, styles, strict=True):
            if looks_like_formula(v):
                cell = Cell(self._ws, row=1, column=1, value=v, style_array=self.quoted(style))
                cell.data_type = "s"  # text, never a formula
                out.append(cell)
            elif style is None or v is None:
                out.append(v)
            else:
                out.append(Cell(self._ws, row=1, column=1, value=v, style_array=style))
        return out


class _SheetInMemory(WorksheetWriter):
    """openpyxl's writer of a write-only sheet, into memory: its own opens a temporary
    file per sheet (and removes it on saving), ~5 ms a sheet on a busy disk."""

    def __init__(self, ws):
        super().__init__(ws, out=BytesIO())

    def cleanup(self) -> None:
        """Nothing to remove."""


def _start(ws) -> None:
    """Begin a write-only sheet's XML in memory, once its columns, panes and page set-up
    are set (openpyxl writes them before the first row)."""
    ws._writer = _SheetInMemory(ws)
    ws._writer.write_top()


class _Parts:
    """The files of a workbook as openpyxl saves them (name → bytes, in order), kept in
    memory so that the zip is compressed once, by :func:`_write_zip`, with fixed times."""

    def __init__(self):
        self.parts: dict[str, bytes] = {}

    def writestr(self, name: str, data) -> None:
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def write(self, source: BytesIO, name: str) -> None:
        """A write-only sheet's XML (:class:`_SheetInMemory`)."""
        self.parts[name] = source.getvalue()

    def namelist(self) -> list[str]:
        return list(self.parts)

    def close(self) -> None:
        """Nothing to close: :func:`_write_zip` writes the parts."""


def _header_row(ws, styles: _Styles, headers: Sequence[str]) -> None:
    style = styles(alignment=_WRAP, font=_HEADER_FONT, fill=_HEADER_FILL)
    ws.append(styles.cells([cell_value(h) for h in headers], [style] * len(headers)))


def _fit(ws, row: int, height: float) -> None:
    if height:
        ws.row_dimensions[row].height = height


def _header_height(header: Sequence[str], widths: Sequence[float]) -> float:
    """The header row's height (its cells wrap); 0 for one line."""
    if not header:
        return 0
    return row_heights([[h] for h in header], widths, [True] * len(header))[0]


def _cut(frame: pd.DataFrame, title: str, csv: str, *, max_rows: int, max_columns: int
         ) -> tuple[pd.DataFrame, list[str]]:
    """The part of ``frame`` Excel holds and a sentence for each thing left out."""
    left_out = []
    where = f"; the whole table is in {csv}" if csv else ""
    if frame.shape[1] > max_columns:
        left_out.append(f"Sheet “{title}”: only the first {max_columns:,} of "
                        f"{frame.shape[1]:,} columns fit in Excel{where}.")
        frame = frame.iloc[:, :max_columns]
    if len(frame) > max_rows - 1:
        left_out.append(f"Sheet “{title}”: only the first {max_rows - 1:,} of {len(frame):,} "
                        f"rows fit in Excel{where}.")
        frame = frame.head(max_rows - 1)
    return frame, left_out


def _write_sheet(ws, sheet: Sheet, *, max_rows: int, max_columns: int,
                 bulk: dict[str, str] | None = None) -> list[str]:
    """One table on a write-only sheet: header row, then the rows, styled per column.

    With ``bulk``, the rows go there as XML (by sheet title) when
    :func:`evaluate.report.xlsx_rows.rows_xml` can write them, for
    :func:`write_workbook` to put into the saved sheet.
    """
    above = ([sheet.title] if sheet.title else []) + list(sheet.lines)
    frame, left_out = _cut(sheet.table.reset_index(drop=True), ws.title, sheet.csv,
                           max_rows=max_rows - len(above), max_columns=max_columns)
    headers = [str(c) for c in frame.columns]
    styles = _Styles(ws)
    columns, widths, wrap, formats = [], [], [], []
    long_cells = 0
    for (col, series), heading in zip(frame.items(), headers, strict=True):
        values, lengths = read_column(series)
        columns.append(values)
        if lengths is not None:
            long_cells += int((lengths > EXCEL_MAX_CELL).sum())
        width, wraps = column_width(heading, lengths)
        if col in sheet.widths:
            width, wraps = sheet.widths[col], True
        widths.append(width)
        wrap.append(wraps)
        formats.append(sheet.formats.get(col) or guess_format(series))
    if long_cells:
        left_out.append(f"Sheet “{ws.title}”: {long_cells:,} cells were longer than Excel's "
                        f"{EXCEL_MAX_CELL:,} characters and end with “…”.")
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    head = len(above) + 1  # the header's row: under the title and its lines
    ws.freeze_panes = f"A{head + 1}"
    if len(frame):
        ws.auto_filter.ref = (f"A{head}:{get_column_letter(max(len(headers), 1))}"
                              f"{len(frame) + head}")
    _print_setup(ws, repeat_header=True, header_row=head)
    _start(ws)
    if sheet.title:  # A1: the title; under it, what the table shows (not wrapped: they run on)
        ws.append(styles.cells([cell_value(sheet.title)], [styles(font=_TITLE_FONT)]))
    for line in sheet.lines:
        ws.append(styles.cells([cell_value(line)], [styles(alignment=_NO_WRAP)]))
    header = [cell_value(h) for h in headers]
    _fit(ws, head, _header_height(header, widths))
    _header_row(ws, styles, headers)
    heights = row_heights(columns, widths, wrap)
    # wrapped columns wrap on every row; on a row of several lines every cell sits at the top
    one_line = [styles(number_format=f, alignment=_WRAP if w else None)
                for f, w in zip(formats, wrap, strict=True)]
    tall = [styles(number_format=f, alignment=_WRAP if w else _TOP)
            for f, w in zip(formats, wrap, strict=True)]
    if bulk is not None:
        xml = rows_xml(columns, heights, [styles.style_id(x) for x in one_line],
                       [styles.style_id(x) for x in tall], first_row=head + 1,
                       quoted_one_line=[styles.style_id(styles.quoted(x)) for x in one_line],
                       quoted_tall=[styles.style_id(styles.quoted(x)) for x in tall])
        if xml is not None:
            bulk[ws.title] = xml
            return left_out
    for i, row in enumerate(zip(*columns, strict=True)):
        if heights[i]:
            ws.row_dimensions[i + head + 1].height = heights[i]
            ws.append(styles.cells(row, tall))
        else:
            ws.append(styles.cells(row, one_line))
    return left_out


def _print_setup(ws, *, repeat_header: bool, header_row: int = 1) -> None:
    """Landscape A4, every column on one page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = False
    if repeat_header:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _write_front(ws, title: str, notes: Sequence[str], blocks: Sequence[tuple[str, pd.DataFrame]],
                 ) -> None:
    """A title, notes, then headed blocks of rows (the Summary or README sheet)."""
    widths: dict[int, int] = {}
    for _heading, table in blocks:
        if table is None:
            continue
        for j, col in enumerate(table.columns, start=1):
            longest = int(table[col].astype("string").fillna("").str.len().max() or 0)
            widths[j] = max(widths.get(j, 12), min(max(len(str(col)), longest) + 2, 100))
    if not widths:
        widths[1] = 110
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = w
    _print_setup(ws, repeat_header=False)
    _start(ws)
    styles = _Styles(ws)
    ws.append(styles.cells([cell_value(title)], [styles(font=_TITLE_FONT)]))
    # the title and notes run across the columns: wrapping them in column A would be narrow
    note = styles(alignment=Alignment(wrap_text=False, vertical="top"))
    for line in notes:
        ws.append(styles.cells([cell_value(line)], [note]))
    row = 1 + len(notes)
    bold, wrapped = styles(font=_BOLD), styles(alignment=_WRAP)
    for heading, table in blocks:
        ws.append([])
        ws.append(styles.cells([cell_value(heading)], [bold]))
        row += 2
        if table is None or not len(table.columns):
            continue
        header = [cell_value(c) for c in table.columns]
        column_widths = [widths.get(j, 13) for j in range(1, len(header) + 1)]
        _fit(ws, row + 1, _header_height(header, column_widths))
        _header_row(ws, styles, [str(c) for c in table.columns])
        columns = [column_values(table[c]) for c in table.columns]
        heights = row_heights(columns, column_widths, [True] * len(header))
        for i, values in enumerate(zip(*columns, strict=True)):
            _fit(ws, row + 2 + i, heights[i])
            ws.append(styles.cells(values, [wrapped] * len(values)))
        row += 1 + len(table)


def write_workbook(
    path: str | Path,
    sheets: Sequence[Sheet],
    *,
    title: str,
    notes: Sequence[str] = (),
    front_name: str = "README",
    front_blocks: Sequence[tuple[str, pd.DataFrame]] = (),
    contents: bool = True,
    contents_name: str = "Contents",
    max_rows: int = EXCEL_MAX_ROWS,
    max_columns: int = EXCEL_MAX_COLUMNS,
) -> WorkbookWritten:
    """Write ``sheets`` after a front sheet (and a contents sheet listing each sheet).

    Parameters
    ----------
    path : path
        The xlsx file to write (its folder is created).
    sheets : sequence of Sheet
        The tables, in the order they appear.
    title, notes : str, sequence of str
        The front sheet's title and lines under it.
    front_name : str
        The front sheet's tab name ("Summary", "README").
    front_blocks : sequence of (heading, DataFrame)
        Tables shown on the front sheet under a heading each.
    contents : bool
        Add a sheet (second) listing every sheet, what it shows and its rows.
    max_rows, max_columns : int
        Excel's limits (smaller values are for tests).

    Returns
    -------
    WorkbookWritten
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)  # rows stream to the file: no cell kept, none looked up
    front = wb.create_sheet(sheet_name(front_name, set()))
    taken = {front.title}
    names = []
    for s in sheets:
        names.append(sheet_name(s.name, taken | ({contents_name} if contents else set())))
        taken.add(names[-1])
    contents_ws = wb.create_sheet(sheet_name(contents_name, taken)) if contents else None
    left_out, bulk = [], {}
    for s, name in zip(sheets, names, strict=True):
        left_out += _write_sheet(wb.create_sheet(name), s, max_rows=max_rows,
                                 max_columns=max_columns, bulk=bulk)
    notes = list(notes) + ([""] + ["Left out:"] + left_out if left_out else [])
    _write_front(front, title, notes, front_blocks)
    if contents_ws is not None:
        listing = pd.DataFrame({"Sheet": names, "What it shows": [s.about for s in sheets],
                                "Rows": [len(s.table) for s in sheets]})
        titled = any(s.title for s in sheets)  # then the contents has a title too
        _write_sheet(contents_ws, Sheet(
            contents_name, listing, formats={"Rows": "0"}, widths={"What it shows": 90},
            title=contents_name if titled else "",
            lines=["This worksheet contains one table: every sheet after this one, what it "
                   "shows and its rows."] if titled else ()),
            max_rows=max_rows, max_columns=max_columns, bulk=bulk)
    wb.properties.creator = "evaluate"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.properties.lastModifiedBy = "evaluate"
    # written aside and renamed: a full disk or a crash never leaves half a workbook
    staged = Path(path).with_name(f".{Path(path).name}.partial")
    parts = _Parts()
    ExcelWriter(wb, parts).save()  # what openpyxl's save writes, uncompressed, in memory
    try:
        _write_zip(staged, parts.parts, {f"xl/worksheets/sheet{i}.xml": bulk[ws.title]
                                         for i, ws in enumerate(wb.worksheets, start=1)
                                         if bulk.get(ws.title)})
        staged.replace(path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return WorkbookWritten(path, dict(zip([s.name for s in sheets], names, strict=True)), left_out)


def write_tables(tables: dict[str, pd.DataFrame], path: str | Path, *,
                 readme: list[str] | None = None, title: str = "evaluate tables",
                 max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write ``tables`` (name → DataFrame), one sheet each, after a README sheet.

    The sheets keep the tables' own (snake_case) names and columns: the
    evaluator's layout. See :func:`write_workbook` for the guarantees.
    """
    names = written_names(tables)
    sheets = [Sheet(name, table, csv=f"{key}.csv")
              for name, (key, table) in zip(names, tables.items(), strict=True)]
    listing = pd.DataFrame({"sheet": names, "rows": [len(t) for t in tables.values()]})
    written = write_workbook(path, sheets, title=title, notes=list(readme or []),
                             front_name="README", contents=False, max_rows=max_rows,
                             front_blocks=[("Sheets in this workbook", listing)] if tables else [])
    return written.path


def written_names(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """The sheet names :func:`write_tables` gives the tables, in order."""
    taken = {"README"}
    out = []
    for name in tables:
        out.append(sheet_name(name, taken))
        taken.add(out[-1])
    return out


def _write_zip(path: Path, parts: Mapping[str, bytes], rows: Mapping[str, str] | None = None
               ) -> None:
    """Write the xlsx zip of ``parts`` (name → bytes) with fixed entry times so identical
    tables give identical bytes, adding ``rows`` (worksheet file → ``<row>`` elements) at
    the end of those sheets' data."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            if name == "docProps/core.xml":
                # the document's times, whatever openpyxl was given: fixed
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            if (rows or {}).get(name):
                data = data.replace(b"</sheetData>", rows[name].encode("utf-8")
                                    + b"</sheetData>", 1)
            fixed = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            zout.writestr(fixed, data)
