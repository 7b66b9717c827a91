"""Write result tables to a formatted, deterministic xlsx workbook.

One sheet per table (frozen header, sensible widths, number formats), plus a
README sheet first. Text that a spreadsheet would run as a formula is
neutralised. The same tables always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from evaluate.privacy import neutralise_frame

__all__ = ["write_tables", "sheet_name"]

_FIXED_TIME = dt.datetime(2000, 1, 1)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INVALID = re.compile(r"[\[\]\*\?/\\:]")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no []*?/\\:)."""
    base = _INVALID.sub("_", str(name))[:31] or "table"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"_{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def _number_format(series: pd.Series) -> str | None:
    name = str(series.name)
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series) or name.startswith("n_") or name in ("n", "row", "count"):
        return "0"
    if pd.api.types.is_float_dtype(series):
        if name.startswith("p_") or name in ("p_val", "p_adj", "p_holm", "p_fdr"):
            return "0.0000"
        if "share" in name or "rate" in name or name.startswith("pct"):
            return "0.0%" if series.dropna().between(0, 1).all() else "0.00"
        return "0.00"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd hh:mm"
    return None


def _cell_value(v):
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


def write_tables(tables: dict[str, pd.DataFrame], path: str | Path, *,
                 readme: list[str] | None = None, title: str = "evaluate tables") -> Path:
    """Write ``tables`` (name → DataFrame) to ``path`` with a README sheet first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    lines = list(readme or [])
    lines += ["", "Sheets in this workbook:"]
    taken = {"README"}
    names = {}
    for name in tables:
        names[name] = sheet_name(name, taken)
        taken.add(names[name])
        lines.append(f"  {names[name]}: {len(tables[name])} rows")
    for i, line in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=_cell_value(neutralise_frame(pd.DataFrame({"x": [line]}))["x"][0]))
    ws.column_dimensions["A"].width = 110

    for name, table in tables.items():
        sheet = wb.create_sheet(names[name])
        frame = neutralise_frame(table.reset_index(drop=True))
        headers = [str(c) for c in frame.columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.fill = _HEADER_FILL
            cell.font = _HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        values = frame.astype(object).to_numpy()
        for row in values:
            sheet.append([_cell_value(v) for v in row])
        sheet.freeze_panes = "A2"
        for j, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(j)
            fmt = _number_format(frame[col])
            if fmt and len(frame):
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
            sample = frame[col].astype("string").fillna("").str.len()
            longest = max([len(headers[j - 1])] + ([int(sample.max())] if len(sample) else []))
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
            if longest > 60 and len(frame):  # long text wraps inside its column
                for cell in sheet[letter][1:]:
                    cell.alignment = _WRAP
        if len(frame):
            sheet.auto_filter.ref = sheet.dimensions
        # printing: landscape, every column on one page width, header row repeated
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = "1:1"
    wb.properties.creator = "evaluate"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.properties.lastModifiedBy = "evaluate"
    wb.save(path)
    _normalise_zip(path)
    return path


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
