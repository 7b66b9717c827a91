"""Tests for evaluate.ingest.readers: platform detection, layouts, encodings, bad files.

Fixtures are built to the documented export layouts (REFERENCES.md, "Export
layouts") by tests/fixtures/readers/make_fixtures.py.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from evaluate.errors import ReadError
from evaluate.ingest import PLATFORMS, ROLES, ExportColumn, RawExport, detect_platform, read_export
from evaluate.ingest.readers import column_letter

FIX = Path(__file__).parent / "fixtures" / "readers"
ROOT = Path(__file__).resolve().parents[1]


def roles(raw: RawExport) -> dict[str, str]:
    return {c.heading: c.role for c in raw.columns if c.role}


def by_heading(raw: RawExport, heading: str) -> ExportColumn:
    (col,) = [c for c in raw.columns if c.heading == heading]
    return col


def check_invariants(raw: RawExport) -> None:
    """What every RawExport promises, whatever the file."""
    assert raw.platform in PLATFORMS
    assert raw.header_rows in (1, 2, 3)
    assert raw.rows_read == len(raw.frame) == len(raw.row_numbers)
    assert list(raw.frame.columns) == [c.key for c in raw.columns]
    assert len({c.key for c in raw.columns}) == len(raw.columns)
    assert all(c.role is None or c.role in ROLES for c in raw.columns)
    assert all(c.letter == column_letter(c.position) for c in raw.columns)
    positions = [c.position for c in raw.columns]
    assert positions == sorted(set(positions))
    assert all(d.kind == "O" for d in raw.frame.dtypes)
    assert np.all(np.diff(raw.row_numbers) > 0)
    if raw.rows_read:
        assert raw.row_numbers[0] > raw.header_rows
        # no fully blank row survives, and blanks are None, never ""
        values = raw.frame.to_numpy(dtype=object)
        assert (values != None).any(axis=1).all()  # noqa: E711
        assert not (values == "").any()
        assert not any(isinstance(v, str) and v.isspace() for v in values.ravel())


# --------------------------------------------------------------------------- layouts


def test_microsoft_forms_xlsx():
    raw = read_export(FIX / "microsoft_forms.xlsx")
    check_invariants(raw)
    assert raw.platform == "microsoft_forms"
    assert raw.sheet == "Form1"  # the first sheet with data; "Notes" is not read
    assert raw.header_rows == 1
    assert raw.encoding is None
    assert raw.multi_separator == ";"
    assert roles(raw) == {
        "ID": "respondent_id",
        "Start time": "started",
        "Completion time": "completed",
        "Email": "email",
        "Name": "name",
        "Last modified time": "modified",
        "Total points": "other_meta",
        "Quiz feedback": "other_meta",
        "Points - I can see the wider system": "other_meta",
        "Feedback - I can see the wider system": "other_meta",
    }
    assert by_heading(raw, "I can see the wider system").role is None
    # row 4 is blank and rows/columns of whitespace at the end are dropped
    assert raw.row_numbers.tolist() == [2, 3, 5]
    assert [c.letter for c in raw.columns][-1] == "L"
    email = raw.frame[by_heading(raw, "Email").key].tolist()
    assert email == ["jo.smith@nhs.net", "anonymous", "sam@council.gov.uk"]  # data, as is
    started = raw.frame[by_heading(raw, "Start time").key].tolist()
    assert started[0] == dt.datetime(2026, 7, 27, 19, 6, 23)
    assert raw.frame[by_heading(raw, "Which sessions did you attend?").key][0] == (
        "Session 1;Session 2;"
    )
    assert raw.frame[by_heading(raw, "Last modified time").key].tolist()[:2] == [None, None]
    assert any("row 4" in n for n in raw.notes)


@pytest.mark.parametrize("name", ["google_forms.csv", "google_forms.xlsx"])
def test_google_forms(name):
    raw = read_export(FIX / name)
    check_invariants(raw)
    assert raw.platform == "google_forms"
    assert raw.multi_separator == ", "
    assert roles(raw) == {"Timestamp": "completed", "Email Address": "email", "Score": "score"}
    grid = by_heading(raw, "Rate the session [Pace]")
    assert (grid.parent, grid.sub_label, grid.label) == (
        "Rate the session",
        "Pace",
        "Rate the session [Pace]",
    )
    assert by_heading(raw, "Any other comments?").parent is None
    assert raw.row_numbers.tolist() == [2, 3]
    assert raw.frame[by_heading(raw, "Which topics were new to you?").key][0] == (
        "System mapping, Coaching"
    )
    assert raw.frame[by_heading(raw, "Any other comments?").key][1] is None


def test_google_sheet_form_responses_1_is_the_default():
    raw = read_export(FIX / "google_forms.xlsx")
    assert raw.sheet == "Form Responses 1"  # although "Summary" comes first


@pytest.mark.parametrize("name", ["qualtrics.csv", "qualtrics.xlsx"])
def test_qualtrics_three_header_rows(name):
    raw = read_export(FIX / name)
    check_invariants(raw)
    assert raw.platform == "qualtrics"
    assert raw.header_rows == 3
    assert raw.multi_separator == ","
    assert raw.row_numbers.tolist() == [4, 5]  # first data row is spreadsheet row 4
    start = raw.columns[0]
    assert (start.heading, start.short_name, start.label, start.import_id, start.role) == (
        "StartDate",
        "StartDate",
        "Anfangsdatum",  # question text in the survey's language
        "startDate",
        "started",
    )
    rid = by_heading(raw, "ResponseId")
    assert (rid.import_id, rid.role) == ("_recordId", "respondent_id")
    assert raw.frame[rid.key].tolist() == ["R_1a2B3c4D5e6F7g8", "R_9z8Y7x6W5v4U3t2"]
    matrix = by_heading(raw, "Q10_1")
    assert matrix.import_id == "QID10_1"
    assert matrix.parent == "Wie sehr stimmen Sie zu?"
    assert matrix.sub_label == "Ich sehe das größere System"
    assert matrix.role is None
    other = by_heading(raw, "Q4_11_TEXT")
    assert other.import_id == "QID4_11_TEXT"
    q1 = by_heading(raw, "Q1")
    assert (q1.label, q1.import_id, q1.parent, q1.sub_label) == (
        "Welche Organisation?",
        "QID1",
        None,
        None,
    )
    assert roles(raw)["EndDate"] == "completed"
    assert roles(raw)["Status"] == "status"
    assert roles(raw)["Finished"] == "finished"
    assert roles(raw)["Progress"] == "progress"
    assert roles(raw)["RecipientEmail"] == "recipient_email"
    assert roles(raw)["ExternalReference"] == "external_reference"
    assert roles(raw)["SC0"] == "score"
    assert raw.frame[by_heading(raw, "Status").key][1] == "Survey Preview"


def test_qualtrics_csv_has_bom():
    raw = read_export(FIX / "qualtrics.csv")
    assert raw.encoding == "utf-8-sig"
    assert raw.columns[0].heading == "StartDate"  # the BOM is not part of the heading


def test_qualtrics_legacy_two_header_rows():
    raw = read_export(FIX / "qualtrics_legacy.csv")
    check_invariants(raw)
    assert raw.platform == "qualtrics"
    assert raw.header_rows == 2
    assert raw.row_numbers.tolist() == [3, 4]
    assert all(c.import_id is None for c in raw.columns)
    assert by_heading(raw, "Q10_2").label == "Wie sehr stimmen Sie zu? - Ich baue Beziehungen auf"
    assert by_heading(raw, "Q10_2").sub_label == "Ich baue Beziehungen auf"
    assert by_heading(raw, "ResponseId").role == "respondent_id"


def test_qualtrics_very_old_v_columns(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1\n"
        "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,"
        "StartDate,EndDate,Finished,How useful?\n"
        "R_abc,Default Response Set,,,jo@x.org,192.0.2.1,0,2014-01-02 10:00:00,"
        "2014-01-02 10:05:00,1,Very\n",
        encoding="utf-8",
    )
    raw = read_export(path)
    assert (raw.platform, raw.header_rows) == ("qualtrics", 2)
    assert roles(raw)["V1"] == "respondent_id"
    assert roles(raw)["V8"] == "started"
    assert roles(raw)["V5"] == "recipient_email"
    assert by_heading(raw, "Q1").label == "How useful?"
    assert raw.row_numbers.tolist() == [3]


def test_qualtrics_row_two_holding_data_is_not_a_heading(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,EndDate,Status,ResponseId,Q1\n"
        "2026-07-27 19:06:23,2026-07-27 19:10:00,IP Address,R_1,Yes\n",
        encoding="utf-8",
    )
    raw = read_export(path)
    assert (raw.platform, raw.header_rows, raw.row_numbers.tolist()) == ("qualtrics", 1, [2])


@pytest.mark.parametrize("name", ["surveymonkey.xlsx", "surveymonkey.csv"])
def test_surveymonkey(name):
    raw = read_export(FIX / name)
    check_invariants(raw)
    assert raw.platform == "surveymonkey"
    assert raw.header_rows == 2
    assert raw.multi_separator is None
    assert raw.row_numbers.tolist() == [3, 4]  # data from spreadsheet row 3
    assert roles(raw) == {
        "Respondent ID": "respondent_id",
        "Collector ID": "collector_id",
        "Start Date": "started",
        "End Date": "completed",
        "IP Address": "ip_address",
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Custom Data 1": "other_meta",
    }
    q = "Which sessions did you attend?"
    opts = [c for c in raw.columns if c.label == q]
    assert [c.sub_label for c in opts] == [
        "Session 1",
        "Session 2",
        "Session 3",
        "Other (please specify)",
    ]
    assert all(c.parent == q for c in opts)
    assert opts[1].heading == f"{q} — Session 2"
    assert [c.letter for c in opts] == ["J", "K", "L", "M"]
    single = by_heading(raw, "Overall, how useful was the programme?")
    assert (single.sub_label, single.parent, single.role) == ("Response", None, None)
    open_ended = by_heading(raw, "What will you do differently?")
    assert open_ended.sub_label == "Open-Ended Response"
    matrix = by_heading(raw, "How far do you agree? — I build relationships across boundaries")
    assert matrix.parent == "How far do you agree?"
    assert raw.frame[opts[0].key].tolist() == ["Session 1", None]
    assert raw.frame[opts[3].key].tolist() == [None, "A site visit"]


def test_plain_cp1252_blank_heading_duplicates_blank_rows():
    raw = read_export(FIX / "plain_cp1252.csv")
    check_invariants(raw)
    assert raw.platform == "plain"
    assert raw.encoding == "cp1252"
    assert raw.multi_separator is None
    headings = [c.heading for c in raw.columns]
    assert headings == [
        "Name",
        "Email",
        "Where did you meet – if anywhere?",
        "(column D)",  # blank heading with data under it
        "Comments",
        "Comments",  # duplicate headings kept as the user sees them
    ]
    assert raw.columns[4].key != raw.columns[5].key
    assert roles(raw) == {"Name": "name", "Email": "email"}
    assert raw.row_numbers.tolist() == [2, 4]  # row 3 blank; trailing rows dropped
    assert raw.frame.iloc[0, 0] == "Zoë Café"
    assert raw.frame.iloc[0, 2] == "At the café – in town"
    assert raw.frame.iloc[1, 3] is None
    assert any("Comments" in n and "E, F" in n for n in raw.notes)


def test_plain_semicolon_with_bom():
    raw = read_export(FIX / "plain_semicolon.csv")
    check_invariants(raw)
    assert (raw.platform, raw.encoding) == ("plain", "utf-8-sig")
    assert [c.heading for c in raw.columns] == ["Date submitted", "Your name", "Rating"]
    assert roles(raw) == {"Date submitted": "completed", "Your name": "name"}
    assert raw.frame.iloc[0, 2] == "4,5"  # decimal comma stays one value


def test_plain_tab_separated_with_quoted_newline():
    raw = read_export(FIX / "plain.tsv")
    check_invariants(raw)
    assert roles(raw) == {"First name": "first_name", "Surname": "last_name"}
    assert raw.frame.iloc[0, 2] == 'Lots, "really"'
    assert raw.frame.iloc[1, 2] == "Line one\nline two"
    # a cell spanning two lines is still one spreadsheet row
    assert raw.row_numbers.tolist() == [2, 3, 4]


def test_title_row_above_headings_is_skipped():
    raw = read_export(FIX / "plain_title.xlsx")
    check_invariants(raw)
    assert [c.heading for c in raw.columns][:2] == ["Name", "Email"]
    assert raw.row_numbers.tolist() == [4, 5]
    assert any("title" in n and "row 1" in n for n in raw.notes)
    assert raw.frame.iloc[1, 3] == 5


def test_header_only_file_is_not_an_error():
    raw = read_export(FIX / "header_only.csv")
    check_invariants(raw)
    assert raw.rows_read == 0
    assert raw.frame.empty
    assert [c.heading for c in raw.columns] == ["Name", "Email", "How useful?"]
    assert list(raw.frame.columns) == ["c0000", "c0001", "c0002"]
    assert raw.row_numbers.dtype.kind == "i"
    assert any("no responses" in n for n in raw.notes)


def test_platform_override():
    raw = read_export(FIX / "google_forms.csv", platform="plain")
    assert raw.platform == "plain"
    assert raw.multi_separator is None
    assert by_heading(raw, "Timestamp").role == "completed"  # a plain heading role too
    with pytest.raises(ReadError, match=r"google_forms\.csv: unknown platform 'excel'"):
        read_export(FIX / "google_forms.csv", platform="excel")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_override_reads_every_fixture(platform):
    for path in sorted(FIX.glob("*.*")):
        if path.suffix in (".csv", ".xlsx", ".tsv"):
            raw = read_export(path, platform=platform)
            check_invariants(raw)
            assert raw.platform == platform


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["ID", "Start time", "Completion time", "Email", "Name", "Q1"]], "microsoft_forms"),
        ([["Timestamp", "Q1"]], "google_forms"),
        ([["Marca temporal", "Pregunta"]], "google_forms"),
        (
            [["StartDate", "EndDate", "Status", "Q1"], ["Start Date", "End Date", "Type", "Q"]],
            "qualtrics",
        ),
        ([["a", "b"], ["c", "d"], ['{"ImportId":"QID1"}', '{"ImportId":"QID2"}']], "qualtrics"),
        (
            [["Respondent ID", "Collector ID", "Start Date", "Q"], [None, None, None, "Response"]],
            "surveymonkey",
        ),
        ([["Name", "Email", "How useful?"]], "plain"),
        ([["Email", "Timestamp"]], "plain"),  # Timestamp not first
        ([], "plain"),
    ],
)
def test_detect_platform(rows, expected):
    assert detect_platform(rows) == expected


# --------------------------------------------------------------------------- sheets


def test_sheet_selection_and_missing_sheet():
    raw = read_export(FIX / "microsoft_forms.xlsx", sheet="Notes")
    assert raw.sheet == "Notes"
    assert raw.platform == "plain"
    assert [c.heading for c in raw.columns] == ["exported by hand"]
    assert read_export(FIX / "microsoft_forms.xlsx", sheet="form1").sheet == "Form1"
    with pytest.raises(
        ReadError,
        match=r'microsoft_forms\.xlsx: has no sheet called "Answers"'
        r' — the sheets are: "Form1", "Notes"',
    ):
        read_export(FIX / "microsoft_forms.xlsx", sheet="Answers")


def test_sheet_argument_ignored_for_csv():
    raw = read_export(FIX / "google_forms.csv", sheet="Form Responses 1")
    assert raw.sheet is None
    assert any("no sheets" in n for n in raw.notes)


def test_empty_sheets(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = Workbook()
    wb.active.title = "Blank"
    wb.create_sheet("Data").append(["Name", "Q1"])
    wb["Data"].append(["Jo", 3])
    wb.save(path)
    raw = read_export(path)
    assert raw.sheet == "Data"  # the first sheet with data
    with pytest.raises(ReadError, match=r'two\.xlsx, sheet "Blank": is empty'):
        read_export(path, sheet="Blank")
    wb = Workbook()
    wb.worksheets[0].title = "Secret"
    wb.create_chartsheet("Chart", 0)
    wb["Secret"].append(["kept out of sight"])
    wb["Secret"].sheet_state = "hidden"
    wb.create_sheet("Visible").append(["Name", "Q1"])
    wb["Visible"].append(["Jo", 3])
    wb.save(path)
    assert read_export(path).sheet == "Visible"  # not the chart, not the hidden sheet
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    with pytest.raises(ReadError, match=r"empty\.xlsx: has no data in any sheet"):
        read_export(empty)


# --------------------------------------------------------------------------- encodings


def test_encodings(tmp_path):
    text = "Name,Where?\r\nZoë,At the café – in town\r\n"
    cases = {
        "utf8.csv": (text.encode("utf-8"), "utf-8"),
        "bom.csv": (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        "win.csv": (text.encode("cp1252"), "cp1252"),
        "uni.txt": (text.encode("utf-16"), "utf-16"),
    }
    for name, (data, encoding) in cases.items():
        (tmp_path / name).write_bytes(data)
        raw = read_export(tmp_path / name)
        assert raw.encoding == encoding, name
        assert raw.columns[0].heading == "Name", name
        assert raw.frame.iloc[0].tolist() == ["Zoë", "At the café – in town"], name


def test_excel_sep_line(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nName;Q1\nJo;Yes\n", encoding="utf-8")
    raw = read_export(path)
    assert [c.heading for c in raw.columns] == ["Name", "Q1"]
    assert raw.row_numbers.tolist() == [2]


def test_whitespace_cells_are_blank(tmp_path):
    path = tmp_path / "ws.csv"
    path.write_text('Name,Q1,Q2\nJo,  ," "\n , ,\t\nSam, Yes ,\u00a0\n', encoding="utf-8")
    raw = read_export(path)
    assert raw.frame.to_numpy(dtype=object).tolist() == [
        ["Jo", None, None],
        ["Sam", " Yes ", None],
    ]
    assert raw.row_numbers.tolist() == [2, 4]
    # found by fuzzing: a space then a no-break space, after a bare carriage return
    path.write_bytes("Name,Q1\r1,\r \u00a0,x\r".encode())
    raw = read_export(path)
    assert raw.frame.to_numpy(dtype=object).tolist() == [["1", None], [None, "x"]]
    tsv = tmp_path / "ws.tsv"
    tsv.write_text('Name\tQ1\nJo\t"\t"\nSam\t \n', encoding="utf-8")
    assert read_export(tsv).frame.to_numpy(dtype=object).tolist() == [["Jo", None], ["Sam", None]]


def _whitespace_scan_rule(data: bytes, delimiter: str) -> bool:
    """The scan's rule, cell start by cell start (the reference for the block-wise scan)."""
    def at(i):
        return data[i] if i < len(data) else 10

    d = ord(delimiter)
    spaces = {32, 9, 11, 12, 28, 29, 30, 31} - {d}
    wide = {0xC2, 0xE1, 0xE2, 0xE3}
    ends = {d, 10, 13, 34} | spaces | wide
    starts = [0] + [i + 1 for i, b in enumerate(data) if b in (d, 10, 13)]
    for i in starts:
        quoted = at(i) == 34
        c = at(i + quoted)
        if (c in spaces and at(i + quoted + 1) in ends) or c in wide \
                or (quoted and c in (9, 10, 13)):
            return True
    return False


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # set anew each example
@given(st.lists(st.sampled_from([b" ", b"\t", b",", b";", b"\n", b"\r", b'"', b"a", b"\xc2",
                                 b"\xa0", b"\xe2", b"\x80", b"\x0b", b"\x1c", b"\x1f", b"!",
                                 b"\xe1", b"\xe3", b"\xe4"]), max_size=40),
       st.sampled_from([",", "\t", ";"]), st.sampled_from([1, 2, 3, 7, 1 << 18]))
def test_whitespace_scan_follows_its_rule(monkeypatch, parts, delimiter, block):
    from evaluate.ingest import delimited

    monkeypatch.setattr(delimited, "_SCAN_BLOCK", block)
    data = b"".join(parts)
    assert delimited._whitespace_cells_possible(data, delimiter) == \
        _whitespace_scan_rule(data, delimiter)


def test_ragged_rows_keep_their_cells(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Name,Q1\nJo,Yes\nSam,No,extra\n", encoding="utf-8")
    raw = read_export(path)
    assert [c.heading for c in raw.columns] == ["Name", "Q1", "(column C)"]
    assert raw.frame.iloc[1].tolist() == ["Sam", "No", "extra"]
    assert raw.frame.iloc[0].tolist() == ["Jo", "Yes", None]


# --------------------------------------------------------------------------- malformed


def _xlsx_bytes(tmp_path) -> bytes:
    return (FIX / "microsoft_forms.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", r"empty\.csv: is empty \(0 bytes\)"),
        ("empty.xlsx", b"", r"empty\.xlsx: is empty \(0 bytes\)"),
        ("blank.csv", b"\r\n\r\n  \n\n", r"blank\.csv: has no data \(only blank lines\)"),
        ("blank2.csv", b",,,\n,,\n", r"blank2\.csv: has no data \(only blank cells\)"),
        (
            "report.pdf",
            b"%PDF-1.4",
            r"report\.pdf: is a \.pdf file; exports are read from "
            r"\.xlsx, \.xlsm, \.csv, \.tsv, \.txt",
        ),
        ("notes.docx", b"PK\x03\x04", r"notes\.docx: is a \.docx file"),
        ("data.json", b"{}", r"data\.json: is a \.json file"),
        ("noext", b"a,b", r"noext: is a file without an extension"),
        (
            "renamed.xlsx",
            b"Name,Email\nJo,jo@x.org\n",
            r"renamed\.xlsx: is a text \(CSV\) file with an Excel name — rename it",
        ),
        ("binary.xlsx", bytes(range(256)) * 4, r"binary\.xlsx: is not an Excel workbook"),
        ("fake.xlsx", b"%PDF-1.7 something", r"fake\.xlsx: is a PDF"),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 100
            + "EncryptedPackage".encode("utf-16-le"),
            r"locked\.xlsx: is password-protected or encrypted — remove the password in Excel "
            r"\(File › Info › Protect Workbook\) and export again",
        ),
        (
            "legacy.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200,
            r"legacy\.xlsx: is an old-format Excel workbook \(\.xls\).*Save As",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200,
            r"old\.xls: is an old-format Excel workbook \(\.xls\) — open it in Excel.*\.xlsx",
        ),
        ("bad.csv", b"Name,Q1\n\x81\x8d\x8f,x\n", r"bad\.csv: cannot be read as text"),
        ("nul.csv", b"Name,Q1\nJo\x00,x\n", r"nul\.csv: contains binary data"),
        ("wb.csv", b"PK\x03\x04rest", r"wb\.csv: is an Excel workbook with a text-file name"),
        (
            "quote.csv",
            b'Name,Q1\nJo,"never closed\n',
            r"quote\.csv: has a quote mark \(\"\) "
            r"that is never closed",
        ),
    ],
)
def test_malformed_files_raise_read_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_export(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ReadError, match=r"nowhere\.xlsx: file not found"):
        read_export(tmp_path / "nowhere.xlsx")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"folder\.csv: is a folder"):
        read_export(folder)


def test_truncated_and_corrupted_xlsx(tmp_path):
    data = (FIX / "microsoft_forms.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match=r"cut\.xlsx: is damaged or incomplete"):
        read_export(cut)
    # a valid zip whose sheet XML is garbage
    bad = tmp_path / "garbage.xlsx"
    with zipfile.ZipFile(FIX / "microsoft_forms.xlsx") as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99"
            dst.writestr(item, body)
    with pytest.raises(ReadError, match=r"garbage\.xlsx.*damaged or incomplete"):
        read_export(bad)
    # a zip that is not a workbook at all
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError, match=r"other\.xlsx: is damaged or incomplete"):
        read_export(other)


# --------------------------------------------------------------------------- wide files


def test_ten_thousand_columns_csv(tmp_path):
    n = 10_000
    path = tmp_path / "wide.csv"
    head = ",".join(f"Q{i}" for i in range(n))
    rows = [",".join(str((r * i) % 5) for i in range(n)) for r in range(1, 4)]
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    raw = read_export(path)
    assert raw.frame.shape == (3, n)
    assert raw.columns[-1].heading == f"Q{n - 1}"
    assert raw.columns[-1].letter == column_letter(n - 1) == "NTP"
    assert raw.frame.iloc[2, -1] == str((3 * (n - 1)) % 5)


def test_ten_thousand_columns_xlsx(tmp_path):
    n = 10_000
    path = tmp_path / "wide.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Wide")
    ws.append([f"Q{i}" for i in range(n)])
    ws.append(list(range(n)))
    wb.save(path)
    raw = read_export(path)
    assert raw.frame.shape == (1, n)
    assert raw.columns[9_999].heading == "Q9999"
    assert raw.frame.iloc[0, -1] == 9999


# --------------------------------------------------------------------------- fuzz


def _read_or_read_error(path: Path) -> None:
    try:
        raw = read_export(path)
    except ReadError as exc:
        assert path.name in str(exc)
    else:
        check_invariants(raw)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".tsv"]))
def test_fuzz_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    _read_or_read_error(path)


_cells = st.text(
    alphabet=st.sampled_from(list('ab ,;\t"\r\n\u00e9\u2013\u00a0\u2003\x0bx1')), max_size=8
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_cells, max_size=5), max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_fuzz_small_csv_texts(tmp_path, rows, encoding):
    path = tmp_path / "fuzz.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding, errors="replace"))
    _read_or_read_error(path)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(0.05, 0.98))
def test_fuzz_truncated_workbooks(tmp_path, cut):
    data = (FIX / "qualtrics.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * cut)])
    _read_or_read_error(path)


# --------------------------------------------------------------------------- contract


def test_contract_constants():
    assert PLATFORMS == ("microsoft_forms", "google_forms", "qualtrics", "surveymonkey", "plain")
    assert ROLES[0] == "respondent_id" and ROLES[-1] == "other_meta"
    assert len(ROLES) == 19


def test_values_keep_their_types(tmp_path):
    path = tmp_path / "types.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "When", "Score", "Ok"])
    ws.append(["Jo", dt.datetime(2026, 1, 2, 3, 4, 5), 4.5, True])
    wb.save(path)
    raw = read_export(path)
    assert raw.frame.iloc[0].tolist() == ["Jo", dt.datetime(2026, 1, 2, 3, 4, 5), 4.5, True]
    assert isinstance(raw.frame, pd.DataFrame)
    assert json.dumps([c.heading for c in raw.columns])


# --------------------------------------------------------------------------- sample data

SAMPLE = ROOT / "sample_data"
MANIFEST = SAMPLE / "manifest.yaml"


def _manifest_entries() -> list:
    if not MANIFEST.exists():
        return []
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return [
        pytest.param(entry, id=entry["path"])
        for section in ("exports", "broken")
        for entry in manifest.get(section) or []
    ]


def test_sample_data_has_a_manifest():
    exports = (
        [p for p in SAMPLE.rglob("*") if p.suffix in (".xlsx", ".csv")] if SAMPLE.exists() else []
    )
    if exports:
        assert MANIFEST.exists(), "sample_data holds exports but no manifest.yaml lists them"
        assert _manifest_entries()


@pytest.mark.parametrize("entry", _manifest_entries())
def test_sample_exports_read_as_their_platform(entry):
    raw = read_export(SAMPLE / entry["path"])
    check_invariants(raw)
    assert raw.platform == entry["platform"]
    if "sheet" in entry:
        assert raw.sheet == entry["sheet"]
    assert raw.rows_read > 0
    letters = {c.letter: c.heading for c in raw.columns}
    if "column_letter" in entry:
        assert letters[entry["column_letter"]] == entry["column"]
    for row in entry.get("rows") or [entry.get("row")] * ("row" in entry):
        assert row in raw.row_numbers


def test_table_not_starting_at_a1(tmp_path):
    path = tmp_path / "offset.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["C3"], ws["D3"], ws["E3"] = "Name", "Email", "Q1"
    ws["C4"], ws["D4"], ws["E4"] = "Jo", "jo@x.org", "Yes"
    ws["C6"], ws["E6"] = "Sam", "No"
    wb.save(path)
    raw = read_export(path)
    check_invariants(raw)
    assert [(c.heading, c.letter, c.position) for c in raw.columns] == [
        ("Name", "C", 2),
        ("Email", "D", 3),
        ("Q1", "E", 4),
    ]
    assert raw.row_numbers.tolist() == [4, 6]
    assert any("start on row 3" in n for n in raw.notes)


_XLSX_CELLS = st.one_of(
    st.none(), st.just(""), st.sampled_from([" ", "\t", "\u00a0", " \n ", "Agree", "agree", "1", "True"]),
    st.text(max_size=3), st.integers(-2, 2), st.floats(allow_nan=True, width=32), st.booleans(),
    st.just(dt.datetime(2026, 3, 2, 9, 0)), st.just(dt.date(2026, 3, 2)), st.just(dt.time(9, 0)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_XLSX_CELLS, min_size=3, max_size=3), min_size=1, max_size=12))
def test_xlsx_text_shared_and_blanks_found_as_cell_by_cell(rows):
    """What the reader gives (plain Python values): each cell blank exactly when the per-cell
    check says so, and the same value of the same type after equal text is shared."""
    from evaluate.ingest.files import _blank_cells
    from evaluate.ingest.xlsx import _share_text

    grid = np.empty((len(rows), 3), dtype=object)
    grid[:] = rows
    before = grid.copy()
    blank = _share_text(grid)
    assert (blank == _blank_cells(before, check_all=True)).all()
    for new, old in zip(grid.ravel(), before.ravel(), strict=True):
        assert new.__class__ is old.__class__
        assert new is old or new == old
    for j in range(3):  # equal text in a column is one object
        seen = {}
        for v in grid[:, j]:
            if v.__class__ is str:
                assert seen.setdefault(v, v) is v


@pytest.mark.parametrize("first", ["A1", "A4", "D1", "C3"])
def test_xlsx_rows_read_one_by_one_are_the_whole_sheet_read_at_once(tmp_path, first):
    """The reader's rows from A1 (empty columns left of the first cell used put back), each
    cell the same value and class as ``to_python(skip_empty_area=False)`` gives; equal text
    of a column one object."""
    import python_calamine
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from evaluate.ingest.xlsx import _sheet_rows

    letter, top = coordinate_from_string(first)
    left = column_index_from_string(letter)
    wb = Workbook()
    ws = wb.active
    values = [["Agree", 1, dt.datetime(2026, 3, 2, 9, 0)], [None, "Agree", True],
              ["Agree", "=1+1", "#N/A"], ["agree", 2.5, ""]]
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            ws.cell(row=top + i, column=left + j, value=v)
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    whole = book.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
    rows = _sheet_rows(book.get_sheet_by_name(ws.title))
    assert len(rows) == len(whole) == top - 1 + len(values)
    for new, old in zip(rows, whole, strict=True):
        assert len(new) == len(old) == left - 1 + 3
        for a, b in zip(new, old, strict=True):
            assert a.__class__ is b.__class__ and a == b
    for j in range(len(rows[0])):
        seen = {}
        for row in rows:
            if row[j].__class__ is str:
                assert seen.setdefault(row[j], row[j]) is row[j]
