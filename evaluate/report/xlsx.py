"""Write tables to a formatted, deterministic xlsx workbook.

:func:`write_workbook` writes a list of :class:`Sheet`: a frozen header row,
column widths that fit, number formats per column, long text wrapped, and a
page set-up that prints landscape on A4, one page wide, header repeated. It
is the only place we write xlsx, and it guarantees, for every workbook:

- **No formulas.** Every cell we write — values, headings, titles, notes, the
  programme's name — goes through
  :func:`evaluate.privacy.neutralise_formula`: text a spreadsheet would run
  as a formula starts with an apostrophe.
- **Excel's limits.** A sheet holds at most 1,048,576 rows and 16,384
  columns, a cell at most 32,767 characters; what does not fit is left out
  and :attr:`WorkbookWritten.left_out` (and the first sheet) says what.
- **The same bytes** for the same tables (fixed document times and zip entry
  times).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from evaluate.privacy import neutralise_formula

__all__ = ["Sheet", "WorkbookWritten", "write_workbook", "write_tables", "sheet_name",
           "EXCEL_MAX_ROWS", "EXCEL_MAX_COLUMNS", "EXCEL_MAX_CELL", "P_VALUE_FORMAT"]

#: Excel's limits (rows include the header row).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL = 32_767
#: p-values as people print them: "<0.001", else three decimals; the value stays exact.
P_VALUE_FORMAT = '[<0.001]"<0.001";0.000'

_FIXED_TIME = dt.datetime(2000, 1, 1)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_INVALID = re.compile(r"[\[\]\*\?/\\:]")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_MAX_WIDTH = 60


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
    """

    name: str
    table: pd.DataFrame
    about: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)
    csv: str = ""


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


def guess_format(series: pd.Series) -> str | None:
    """An Excel number format from a column's name and type (p-values, shares, counts …)."""
    name = str(series.name).lower()
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd hh:mm"
    if not pd.api.types.is_numeric_dtype(series):
        return None
    if name in ("p", "p_val") or name.startswith(("p_", "p (")):
        return P_VALUE_FORMAT
    if pd.api.types.is_integer_dtype(series) or name.startswith("n_") or name in ("n", "row", "rows"):
        return "0"
    if "share" in name or "rate" in name or name.startswith("pct"):
        return "0.0%" if series.dropna().between(0, 1).all() else "0.00"
    return "0.00"


def cell_value(v):
    """A value as openpyxl should store it: formulas neutralised, numpy unwrapped, NaN empty,
    text cut to Excel's 32,767 characters."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (dt.datetime, dt.date, int)):
        return v
    text = neutralise_formula(str(v))
    if len(text) > EXCEL_MAX_CELL:
        text = text[: EXCEL_MAX_CELL - 1] + "…"
    return text


def _write_sheet(ws, sheet: Sheet, *, max_rows: int, max_columns: int) -> list[str]:
    left_out = []
    frame = sheet.table.reset_index(drop=True)
    if frame.shape[1] > max_columns:
        left_out.append(f"Sheet “{ws.title}”: only the first {max_columns:,} of "
                        f"{frame.shape[1]:,} columns fit in Excel"
                        + (f"; the whole table is in {sheet.csv}" if sheet.csv else "") + ".")
        frame = frame.iloc[:, :max_columns]
    if len(frame) > max_rows - 1:
        left_out.append(f"Sheet “{ws.title}”: only the first {max_rows - 1:,} of {len(frame):,} "
                        "rows fit in Excel"
                        + (f"; the whole table is in {sheet.csv}" if sheet.csv else "") + ".")
        frame = frame.head(max_rows - 1)
    headers = [str(c) for c in frame.columns]
    ws.append([cell_value(h) for h in headers])
    for cell in ws[1]:
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = _WRAP
    values = frame.astype(object).to_numpy()
    long_cells = 0
    for row in values:
        ws.append([cell_value(v) for v in row])
        long_cells += sum(isinstance(v, str) and len(v) > EXCEL_MAX_CELL for v in row)
    if long_cells:
        left_out.append(f"Sheet “{ws.title}”: {long_cells:,} cells were longer than Excel's "
                        f"{EXCEL_MAX_CELL:,} characters and end with “…”.")
    ws.freeze_panes = "A2"
    for j, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        fmt = sheet.formats.get(col) or guess_format(frame[col])
        if fmt and len(frame):
            for cell in ws[letter][1:]:
                cell.number_format = fmt
        head = max((len(w) for w in headers[j - 1].split()), default=0)
        if pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col]):
            longest = 9  # numbers print rounded by their format, not at full precision
        else:
            lengths = frame[col].astype("string").fillna("").str.len()
            longest = int(lengths.max()) if len(lengths) else 0
        width = min(max(8, head + 2, min(longest, _MAX_WIDTH) + 2), _MAX_WIDTH)
        ws.column_dimensions[letter].width = width
        if longest > _MAX_WIDTH and len(frame):  # long text wraps inside its column
            for cell in ws[letter][1:]:
                cell.alignment = _WRAP
    _fit_row_heights(ws, start=1)
    if len(frame):
        ws.auto_filter.ref = ws.dimensions
    _print_setup(ws, repeat_header=True)
    return left_out


def _fit_row_heights(ws, start: int = 1) -> None:
    """Row heights for wrapped text (Excel does this on opening; other readers and printing
    from a file that was never opened do not)."""
    widths = {get_column_letter(j): (ws.column_dimensions[get_column_letter(j)].width or 10)
              for j in range(1, ws.max_column + 1)}
    for row in ws.iter_rows(min_row=start):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment is not None and cell.alignment.wrap_text:
                per_line = max(int(widths[cell.column_letter] * 1.1), 1)
                lines = max(lines, sum(-(-max(len(part), 1) // per_line)
                                       for part in cell.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(15 * lines, 409)
            for cell in row:  # the row's other cells line up with the top of the wrapped text
                cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")


def _print_setup(ws, *, repeat_header: bool) -> None:
    """Landscape A4, every column on one page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = False
    if repeat_header:
        ws.print_title_rows = "1:1"


def _write_front(ws, title: str, notes: Sequence[str], blocks: Sequence[tuple[str, pd.DataFrame]],
                 ) -> None:
    """A title, notes, then headed blocks of rows (the Summary or README sheet)."""
    ws.append([cell_value(title)])
    ws["A1"].font = _TITLE_FONT
    for line in notes:
        ws.append([cell_value(line)])
    widths: dict[int, int] = {}
    for heading, table in blocks:
        ws.append([])
        ws.append([cell_value(heading)])
        ws.cell(row=ws.max_row, column=1).font = _BOLD
        if table is None or not len(table.columns):
            continue
        ws.append([cell_value(c) for c in table.columns])
        for cell in ws[ws.max_row]:
            cell.fill = _HEADER_FILL
            cell.font = _HEADER_FONT
            cell.alignment = _WRAP
        for row in table.astype(object).to_numpy():
            ws.append([cell_value(v) for v in row])
            for cell in ws[ws.max_row]:
                cell.alignment = _WRAP
        for j, col in enumerate(table.columns, start=1):
            longest = int(table[col].astype("string").fillna("").str.len().max() or 0)
            widths[j] = max(widths.get(j, 12), min(max(len(str(col)), longest) + 2, 100))
    for j, w in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = w
    # the title and notes run across the columns: wrapping them in column A would be narrow
    for row in ws.iter_rows(min_row=2, max_row=1 + len(notes)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    if not widths:
        ws.column_dimensions["A"].width = 110
    _fit_row_heights(ws, start=2 + len(notes))
    _print_setup(ws, repeat_header=False)


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
    wb = Workbook()
    front = wb.active
    front.title = sheet_name(front_name, set())
    taken = {front.title}
    names = []
    for s in sheets:
        names.append(sheet_name(s.name, taken | ({contents_name} if contents else set())))
        taken.add(names[-1])
    contents_ws = wb.create_sheet(sheet_name(contents_name, taken)) if contents else None
    left_out = []
    for s, name in zip(sheets, names, strict=True):
        left_out += _write_sheet(wb.create_sheet(name), s, max_rows=max_rows,
                                 max_columns=max_columns)
    notes = list(notes) + ([""] + ["Left out:"] + left_out if left_out else [])
    _write_front(front, title, notes, front_blocks)
    if contents_ws is not None:
        listing = pd.DataFrame({"Sheet": names, "What it shows": [s.about for s in sheets],
                                "Rows": [len(s.table) for s in sheets]})
        _write_sheet(contents_ws, Sheet(contents_name, listing, formats={"Rows": "0"}),
                     max_rows=max_rows, max_columns=max_columns)
        for cell in contents_ws["B"][1:]:
            cell.alignment = _WRAP
        contents_ws.column_dimensions["B"].width = 90
    wb.properties.creator = "evaluate"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.properties.lastModifiedBy = "evaluate"
    wb.save(path)
    _normalise_zip(path)
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


def _normalise_zip(path: Path) -> None:
    """Rewrite the xlsx zip with fixed entry times so identical tables give identical bytes."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into "modified" whatever we set: fix it
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            zout.writestr(fixed, data)
    tmp.replace(path)
