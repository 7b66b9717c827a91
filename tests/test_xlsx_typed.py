"""The typed read of a large sheet (evaluate.ingest.typed) gives python-calamine's cells exactly.

Every check reads the same sheet both ways, cell by cell (value and type), with
the size limit lifted so that small workbooks take the typed path too; where
the typed read cannot be sure it must say so (None), and ``read_export`` then
gives what it always gave.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

import evaluate.ingest.typed as typed
from evaluate.ingest.readers import read_export
from evaluate.ingest.typed import _renamed, typed_grid
from evaluate.ingest.xlsx import _grid, _sheet_rows

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-exports"
WORKBOOKS = sorted([*(ROOT / "sample_data").rglob("*.xlsx"),
                    *(ROOT / "tests" / "fixtures").rglob("*.xlsx"),
                    *(REAL.rglob("*.xlsx") if REAL.is_dir() else [])])
T0 = dt.datetime(2026, 3, 5, 9, 30, 15, 250000)


def calamine_grid(path: Path, sheet: str) -> np.ndarray:
    import python_calamine

    return _grid(_sheet_rows(python_calamine.CalamineWorkbook.from_path(str(path))
                             .get_sheet_by_name(sheet)))


def assert_same_cells(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    for (i, j), value in np.ndenumerate(want):
        cell = got[i, j]
        assert type(cell) is type(value) and cell == value, (i, j, cell, value)


def sheet_names(path: Path) -> list[str]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names


def workbook(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Form1"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_every_sample_and_real_workbook_reads_the_same_cells_typed():
    read = 0
    for path in WORKBOOKS:
        for sheet in sheet_names(path):
            got = typed_grid(path, sheet, min_bytes=0)
            if got is not None:
                assert_same_cells(got, calamine_grid(path, sheet))
                read += 1
    assert read >= 15  # most are read typed (the Qualtrics network exports are not)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_read_export_gives_the_same_export_either_way(monkeypatch, path):
    before = read_export(path)
    monkeypatch.setattr(typed, "TYPED_BYTES", 0)
    after = read_export(path)
    assert_same_cells(after.frame.to_numpy(), before.frame.to_numpy())
    assert list(after.frame.columns) == list(before.frame.columns)
    assert after.columns == before.columns and after.notes == before.notes
    assert after.hidden == before.hidden and after.platform == before.platform
    assert after.row_numbers.tolist() == before.row_numbers.tolist()


def test_awkward_cells_of_one_type_per_column_read_typed(tmp_path):
    midnight = dt.datetime(2026, 3, 5)
    rows = [
        ["ID", "When", "Day", "Agree", "Sure", "Years", "Note", "Empty", "Error"],
        [1, T0, midnight, "Agree", True, 2**40, "  ", None, "#N/A"],
        [],
        [2, midnight, dt.date(2026, 3, 6), " Agree", False, 0.1, "", None, "x"],
        [3, None, None, None, None, None, "a\nb", None, None],
        [4.5, T0, midnight, "Agree", True, -1e300, "é", None, "#DIV/0!"],
    ]
    path = workbook(tmp_path / "awkward.xlsx", rows)
    got = typed_grid(path, "Form1", min_bytes=0)
    assert got is not None
    assert_same_cells(got, calamine_grid(path, "Form1"))
    assert type(got[1, 2]) is dt.date and type(got[1, 1]) is dt.datetime
    assert got[0, 7] == "Empty" and got[1, 6] is None  # whitespace is blank


def test_errors_in_a_number_column_read_blank(tmp_path):
    path = workbook(tmp_path / "errors.xlsx", [["ID", "Score"], [1, 2.5], [2, "#N/A"], [3, 4]])
    got = typed_grid(path, "Form1", min_bytes=0)
    assert got is not None and got[2, 1] is None
    assert_same_cells(got, calamine_grid(path, "Form1"))


@pytest.mark.parametrize("rows", [
    [["ID", "Time"], [1, dt.time(9, 30)]],  # a time of day
    [["ID", "Took"], [1, dt.timedelta(hours=30)]],  # a duration
    [["ID", "Born"], [1, dt.datetime(1900, 1, 1)]],  # before March 1900
    [["ID", 2026], [1, 2]],  # a heading typed as a number
    [["ID", "Q", "Q"], [1, 2, 3]],  # a repeated heading fastexcel renames
    [[], ["ID", "Q"], [1, 2]],  # headings on row 2
    [[None, "ID", "Q"], [None, 1, 2]],  # headings from column B
    [["ID", "Q"], ["Your id", "The question"], [1, 2]],  # a second heading row over numbers
    [["ID", "Q"], *[[i, i] for i in range(80)], [81, "eighty-one"]],  # mixed past the glance
])
def test_unsure_reads_are_left_to_calamine(tmp_path, monkeypatch, rows):
    path = workbook(tmp_path / "unsure.xlsx", rows)
    assert typed_grid(path, "Form1", min_bytes=0) is None
    before = read_export(path)
    monkeypatch.setattr(typed, "TYPED_BYTES", 0)
    assert_same_cells(read_export(path).frame.to_numpy(), before.frame.to_numpy())


def test_small_sheets_are_left_to_calamine():
    path = ROOT / "sample_data" / "c1" / "baseline-c1-msforms.xlsx"
    assert typed_grid(path, "Sheet1") is None
    assert typed_grid(path, "Sheet1", min_bytes=0) is not None


def test_unsaved_formula_still_reported_when_read_typed(tmp_path, monkeypatch):
    path = workbook(tmp_path / "formula.xlsx", [["ID", "Score"], [1, 2], [2, "=A3*2"], [3, 4]])
    before = read_export(path)
    monkeypatch.setattr(typed, "TYPED_BYTES", 0)
    after = read_export(path)
    assert after.hidden == before.hidden and len(after.hidden) == 1
    assert_same_cells(after.frame.to_numpy(), before.frame.to_numpy())


def test_renamed_headings_are_recognised():
    assert _renamed(["A", "A_1"]) and _renamed(["A_1", "A", "A_1_1"])
    assert not _renamed(["Q1_1", "Q1_2", None]) and not _renamed(["A", "B_1"])


@pytest.mark.parametrize("extra", [[], [dt.time(12, 0)]])
def test_a_workbook_counting_dates_from_1904_reads_the_same_dates(tmp_path, extra):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.epoch = CALENDAR_MAC_1904  # Excel for Mac's old date system
    ws = wb.active
    ws.title = "Form1"
    ws.append(["ID", "When", "Day"] + ["Time"] * bool(extra))
    ws.append([1, T0, dt.datetime(2026, 3, 5)] + extra)
    ws.append([2, dt.datetime(1905, 1, 1, 12), dt.datetime(1904, 1, 2)] + extra)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    got = typed_grid(path, "Form1", min_bytes=0)
    if not extra:
        assert got is not None
    if got is not None:
        assert_same_cells(got, calamine_grid(path, "Form1"))


def test_cells_beyond_the_headings_and_empty_text_at_the_end_read_the_same(tmp_path):
    rows = [["ID", "Q"], [1, "a", "no heading"], [2, "b", None, 7.5], [3, "", ""], [None, ""]]
    path = workbook(tmp_path / "beyond.xlsx", rows)
    got = typed_grid(path, "Form1", min_bytes=0)
    assert got is not None and got[0, 2] is None and got[1, 2] == "no heading"
    assert_same_cells(got, calamine_grid(path, "Form1"))


def shared_string_workbook(path: Path, rows: list[list[str]], strings: list[str]) -> Path:
    """A workbook written by hand, text in the shared-strings part as Excel and the platforms
    write it (openpyxl writes text inline). A cell is "s3" (shared string 3), "n2.5" or ""."""
    import zipfile

    def cell(ref: str, value: str) -> str:
        kind, text = value[:1], value[1:]
        return (f'<c r="{ref}" t="s"><v>{text}</v></c>' if kind == "s"
                else f'<c r="{ref}"><v>{text}</v></c>')

    body = "".join(
        f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row) if v)
        + "</row>" for i, row in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                            '<sheet name="Form1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>',
        "xl/sharedStrings.xml": (f'<sst xmlns="{main}">' + "".join(f"<si>{s}</si>" for s in strings)
                                 + "</sst>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return path


def test_shared_strings_read_the_same_typed(tmp_path):
    strings = ["<t>ID</t>", "<t>Agree</t>", "<t></t>", '<t xml:space="preserve">  </t>',
               '<r><t xml:space="preserve">Rich </t></r><r><rPr><b/></rPr><t>text</t></r>',
               "<t>a &amp; b_x000D_</t>", "<t>Score</t>", "<t>Note</t>",
               '<t xml:space="preserve"> Agree </t>']
    rows = [["s0", "s6", "s1", "s7"], ["n1", "n2.5", "s1", "s4"], ["n2", "", "s2", "s5"],
            ["n3", "n4", "s3", "s8"], ["", "", "", "s2"]]
    path = shared_string_workbook(tmp_path / "shared.xlsx", rows, strings)
    got = typed_grid(path, "Form1", min_bytes=0)
    want = calamine_grid(path, "Form1")
    assert want[1, 3] == "Rich text" and want[2, 3] == "a & b\r" and want[3, 3] == " Agree "
    assert got is not None
    assert_same_cells(got, want)


def test_empty_text_among_numbers_is_left_to_calamine(tmp_path):
    strings = ["<t>ID</t>", "<t>Score</t>", "<t></t>"]
    rows = [["s0", "s1"], ["n1", "n2.5"], ["n2", "s2"], ["n3", "n4"]]
    path = shared_string_workbook(tmp_path / "empty.xlsx", rows, strings)
    assert typed_grid(path, "Form1", min_bytes=0) is None  # the glance cannot tell "" from text
    assert calamine_grid(path, "Form1")[2, 1] is None


def test_a_failure_inside_fastexcel_leaves_the_sheet_to_calamine(tmp_path, monkeypatch):
    import fastexcel

    path = workbook(tmp_path / "fine.xlsx", [["ID", "Q"], [1, "a"]])
    panic = type("PanicException", (BaseException,), {})  # what pyo3 raises on a Rust panic

    def read_excel(_):
        raise panic("boom")

    monkeypatch.setattr(fastexcel, "read_excel", read_excel)
    assert typed_grid(path, "Form1", min_bytes=0) is None
    monkeypatch.setattr(typed, "TYPED_BYTES", 0)
    assert read_export(path).frame.iloc[0].tolist() == [1.0, "a"]
