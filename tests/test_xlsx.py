"""evaluate.report.xlsx: row heights from the tables, styles per column, Excel's limits."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluate.report.xlsx import Sheet, row_heights, wrapped_lines, write_workbook


def heights_read_from_cells(ws) -> dict[int, float]:
    """Row heights worked out cell by cell from the styles of a written sheet.

    This is how the writer sized rows before it worked from the tables (kept
    here as the reference): for each row, the tallest string in a cell that
    wraps, split at line breaks, ``int(width * 1.1)`` characters a line, 15
    points a line, at most 409.
    """
    widths = {}
    out = {}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                letter = cell.column_letter
                if letter not in widths:
                    widths[letter] = ws.column_dimensions[letter].width or 10
                per_line = max(int(widths[letter] * 1.1), 1)
                lines = max(lines, sum(-(-max(len(part), 1) // per_line)
                                       for part in cell.value.split("\n")))
        if lines > 1:
            out[row[0].row] = min(15 * lines, 409)
    return out


def heights_written(ws) -> dict[int, float]:
    return {r: d.height for r, d in ws.row_dimensions.items() if d.height}


def test_lines_follow_width_and_line_breaks():
    assert wrapped_lines(["x" * 66, "x" * 67, "", "a\n\nb" + "x" * 70], 60).tolist() == [1, 2, 1, 4]
    assert wrapped_lines([1.5, None, True], 60).tolist() == [0, 0, 0]
    heights = row_heights([["short", "x" * 200], [None, "y"]], [60, 10], [True, False])
    assert heights.tolist() == [0, 60]
    assert row_heights([["x" * 100_000]], [60], [True]).tolist() == [409]


def test_rows_are_as_tall_as_their_wrapped_text(tmp_path):
    long = "A long answer that runs on and on " * 4
    table = pd.DataFrame({
        "question": ["Short", long, "two\nlines", "=cmd " + "z" * 61, None],
        "n": [1, 2, 3, 4, 5],
        "note": ["x" * 10, "y" * 30, None, "w", "v" * 130],
    })
    written = write_workbook(tmp_path / "t.xlsx", [Sheet("Answers", table)], title="t",
                             notes=["A note longer than the first column " * 3],
                             front_blocks=[("Block", pd.DataFrame({"a": [long, "b"], "n": [1, 2]}))])
    wb = load_workbook(written.path)
    for ws in wb:
        expected = heights_read_from_cells(ws)
        assert heights_written(ws) == expected, ws.title
    sheet = wb["Answers"]
    assert heights_written(sheet)  # some rows wrap
    assert sheet["A5"].value.startswith("=cmd") and sheet["A5"].data_type == "s"
    assert sheet["A5"].quotePrefix
    tall = [r for r in heights_written(sheet) if r > 1]
    assert all(sheet.cell(row=r, column=2).alignment.vertical == "top" for r in tall)
    assert sheet["B2"].number_format == "0" and not sheet["B2"].alignment.wrap_text


@pytest.mark.slow
def test_demo_workbooks_rows_sized_as_read_from_their_cells(demo_outputs):
    for key in ("tables", "analysis"):
        wb = load_workbook(demo_outputs[key])
        for ws in wb:
            assert heights_written(ws) == heights_read_from_cells(ws), (key, ws.title)


def test_same_tables_same_bytes(tmp_path):
    table = pd.DataFrame({"text": ["a " * 50, "b"], "p_val": [0.0001, 0.5]})
    a = write_workbook(tmp_path / "a.xlsx", [Sheet("T", table)], title="t").path.read_bytes()
    b = write_workbook(tmp_path / "b.xlsx", [Sheet("T", table)], title="t").path.read_bytes()
    assert a == b


def test_short_and_long_columns_count_lines_alike(monkeypatch):
    from evaluate.report import xlsx

    values = ["x" * 66, "x" * 67, "", "a\n\nb" + "x" * 70, None, 2.0, "é" * 200] * 40
    long = wrapped_lines(values, 60)
    monkeypatch.setattr(xlsx, "_FEW", 10**6)
    assert wrapped_lines(values, 60).tolist() == long.tolist()


def _cells(path):
    wb = load_workbook(path)
    return {ws.title: ([(c.coordinate, c.value, c.data_type, c.number_format,
                         bool(c.alignment.wrap_text), c.alignment.vertical, c.font.b,
                         c.quotePrefix)
                        for row in ws.iter_rows() for c in row if c.value is not None],
                       heights_written(ws), ws.freeze_panes, ws.auto_filter.ref)
            for ws in wb}


def test_rows_written_in_bulk_read_back_as_openpyxl_writes_them(tmp_path, monkeypatch):
    from evaluate.report import xlsx

    table = pd.DataFrame({
        "text": ["a & b <c> \"d\"", " spaced ", "", None, "line\r\nbreak " + "w" * 70, "=1+1"],
        "p_val": [1e-9, 0.5, float("nan"), float("inf"), 0.1 + 0.2, 12345678901234567.0],
        "n": [1, 2, 3, 4, 5, 12345678901234567], "flag": [True, False] * 3,
        "share": [0.1, 0.2, 0.3, 0.4, 0.5, 1.0],
        # columns of one type, written in one pass: numbers with gaps, text with gaps, nothing
        "score": [0.5, float("nan"), 1.25, -0.0, float("nan"), 3.0],
        "label": pd.Series(["a", "b", None, "=x", "a", " b "], dtype="str"),
        "none": [None] * 6})
    sheets = [Sheet("T", table, about="A table"), Sheet("Empty", table.iloc[0:0])]
    bulk = write_workbook(tmp_path / "bulk.xlsx", sheets, title="t").path
    monkeypatch.setattr(xlsx, "rows_xml", lambda *a, **k: None)  # openpyxl writes every cell
    cell_by_cell = write_workbook(tmp_path / "cells.xlsx", sheets, title="t").path
    assert _cells(bulk) == _cells(cell_by_cell)
    assert bulk.read_bytes() != cell_by_cell.read_bytes()  # the bulk path was taken


def test_text_xml_cannot_hold_goes_through_openpyxl(tmp_path):
    from openpyxl.utils.exceptions import IllegalCharacterError

    with pytest.raises(IllegalCharacterError):
        write_workbook(tmp_path / "t.xlsx", [Sheet("T", pd.DataFrame({"a": ["bell\x07"]}))],
                       title="t")


def test_workbook_saved_in_memory_is_the_bytes_of_openpyxls_own_save(tmp_path, monkeypatch):
    """Sheets written into memory and the zip compressed once give the bytes of openpyxl's
    route (a temporary file per sheet, its compressed save, then rewritten with fixed times)."""
    import io
    import zipfile

    from openpyxl.worksheet import _writer

    from evaluate.report import xlsx

    table = pd.DataFrame({"text": ["a & b", "=1+1", "w " * 60, None], "p_val": [1e-9, 0.5, 0.2, None],
                          "n": [1, 2, 3, 4], "when": pd.to_datetime(["2026-01-02"] * 4)})
    sheets = [Sheet("T", table, about="A table"), Sheet("Empty", table.iloc[0:0], title="E",
                                                       lines=["a line"])]

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("a temporary file was opened")

    monkeypatch.setattr(_writer, "create_temporary_file", no_temporary_file)
    ours = write_workbook(tmp_path / "ours.xlsx", sheets, title="t", notes=["n"],
                          front_blocks=[("Block", table.head(2))]).path.read_bytes()
    monkeypatch.undo()

    class OpenpyxlSave:
        def __init__(self, wb, parts):
            self.wb, self.parts = wb, parts

        def save(self):
            saved = io.BytesIO()
            self.wb.save(saved)
            with zipfile.ZipFile(saved) as z:
                for info in z.infolist():
                    self.parts.writestr(info.filename, z.read(info.filename))

    monkeypatch.setattr(xlsx, "_start", lambda ws: None)  # openpyxl's temporary files
    monkeypatch.setattr(xlsx, "ExcelWriter", OpenpyxlSave)
    theirs = write_workbook(tmp_path / "theirs.xlsx", sheets, title="t", notes=["n"],
                            front_blocks=[("Block", table.head(2))]).path.read_bytes()
    assert ours == theirs


def test_styles_are_found_again_without_hashing_openpyxls_style_objects(tmp_path, monkeypatch):
    """A column's styles (and their index in the workbook) are found by what was asked for,
    not by hashing openpyxl's fonts, fills and alignments a few times per column: the
    hashes stay a few per style, however many columns share it."""
    from openpyxl.descriptors.serialisable import Serialisable

    hashed = []
    plain = Serialisable.__hash__
    monkeypatch.setattr(Serialisable, "__hash__", lambda self: hashed.append(1) or plain(self))
    wide = pd.DataFrame({f"share {j}": [0.25, 0.5] for j in range(60)} |
                        {f"text {j}": ["a", "=b"] for j in range(60)})
    written = write_workbook(tmp_path / "w.xlsx", [Sheet("Wide", wide)], title="t")
    monkeypatch.undo()
    assert len(hashed) < 250  # 157; before, 473
    sheet = load_workbook(written.path)["Wide"]
    assert sheet["A2"].number_format == "0.0%" and sheet["BJ3"].quotePrefix
    assert sheet["BJ3"].value == "=b" and sheet["BJ3"].data_type == "s"
