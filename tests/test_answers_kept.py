"""Answers never changed silently (issue 9, item 11).

``2,500`` is read the file's way or reported, never guessed; Excel error cells
and formulas with no saved value are reported per cell, never stored as
answers; a free-text answer that is literally ``None`` or ``nan`` is kept; an
"Other: …" choice keeps the Other option ticked and its words; and an unknown
choice holds back only its answer where the instrument says so.
"""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import InstrumentError
from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instrument

INSTRUMENT = textwrap.dedent("""\
    id: kept
    version: 1
    identity:
      email: ["Email"]
    response_sets:
      priorities:
        options: {1: "Health inequalities", 4: "Workforce", 6: "Prevention", 7: "Other"}
        ordered: false
    items:
      - id: count
        text: "How many people do you manage?"
        type: number
      - id: hopes
        text: "What do you hope to get from the programme?"
        type: text
      - id: priorities
        text: "Which priorities?"
        type: multi
        response_set: priorities
    """)
LENIENT = """\
  - id: lenient
    text: "Which priorities, again?"
    type: multi
    response_set: priorities
    unknown_choice: answer
"""
HEAD = ["Email", "How many people do you manage?", "What do you hope to get from the programme?",
        "Which priorities?", "Which priorities, again?"]


@pytest.fixture
def kept(tmp_path):
    path = tmp_path / "kept-v1.yaml"
    path.write_text(INSTRUMENT, encoding="utf-8")
    return load_instrument(path)


@pytest.fixture
def lenient(tmp_path):
    path = tmp_path / "lenient" / "kept-v1.yaml"
    path.parent.mkdir()
    path.write_text(INSTRUMENT + LENIENT, encoding="utf-8")
    return load_instrument(path)


def csv_file(tmp_path: Path, rows: list[list[str]], name: str = "export.csv") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEAD)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def ingest(path: Path, instrument):
    return ingest_file(path, instrument, cohort="c1", wave="baseline", salt="s")


def answers(result, item: str) -> dict[int, object]:
    r = result.responses
    return dict(zip(r["source_row"].tolist(), r[item].tolist(), strict=True))


def problems(result, rule: str) -> pd.DataFrame:
    return result.problems[result.problems["rule"] == rule].reset_index(drop=True)


# ------------------------------------------------------------------ thousands separators
def test_2500_in_a_file_that_groups_thousands_with_commas_is_two_thousand_five_hundred(tmp_path,
                                                                                         kept):
    path = csv_file(tmp_path, [["a@x.org", "2,500", "", "", ""],
                               ["b@x.org", "1,234,567", "", "", ""],
                               ["c@x.org", "12", "", "", ""]])
    result = ingest(path, kept)
    assert answers(result, "count") == {2: 2500.0, 3: 1234567.0, 4: 12.0}
    assert any(n.startswith("Numbers were read with a point as the decimal mark") and "1,234,567"
               in n for n in result.notes)


def test_2500_in_a_file_with_decimal_commas_is_two_and_a_half(tmp_path, kept):
    path = csv_file(tmp_path, [["a@x.org", "2,500", "", "", ""], ["b@x.org", "1,5", "", "", ""],
                               ["c@x.org", "1.234,5", "", "", ""]])
    result = ingest(path, kept)
    assert answers(result, "count") == {2: 2.5, 3: 1.5, 4: 1234.5}
    assert any("a comma as the decimal mark" in n and '"1,5"' in n for n in result.notes)


def test_a_number_that_reads_two_ways_is_reported_not_guessed(tmp_path, kept):
    path = csv_file(tmp_path, [["a@x.org", "2,500", "", "", ""], ["b@x.org", "12", "", "", ""],
                               ["c@x.org", "2.500", "", "", ""]])
    result = ingest(path, kept)
    assert answers(result, "count") == {3: 12.0}  # the two ambiguous rows are held back
    found = problems(result, "number_two_ways")
    assert found[["row", "column", "value"]].values.tolist() == [
        [2, "How many people do you manage?", "2,500"],
        [4, "How many people do you manage?", "2.500"]]
    assert found.loc[0, "message"].startswith(
        "reads two ways: 2500 if the comma separates thousands, 2.5 if the comma is the "
        "decimal mark, and nothing in this file says which")
    assert "type it without a thousands separator (2500)" in found.loc[0, "fix"]
    assert set(found["severity"]) == {"error"}


def test_spreadsheet_numbers_are_never_ambiguous(tmp_path, kept):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["a@x.org", 2500, None, None, None])
    ws.append(["b@x.org", 1.234, None, None, None])
    wb.save(tmp_path / "numbers.xlsx")
    result = ingest(tmp_path / "numbers.xlsx", kept)
    assert answers(result, "count") == {2: 2500.0, 3: 1.234}
    assert problems(result, "number_two_ways").empty


# ------------------------------------------------------------------ error cells and formulas
def test_excel_errors_and_unsaved_formulas_are_reported_per_cell(tmp_path, kept):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(HEAD)
    ws.append(["a@x.org", 3, "To learn", "Workforce", None])
    ws.append(["b@x.org", "=1/0", "#N/A", "Workforce", None])  # a formula never calculated
    ws.append(["c@x.org", "#DIV/0!", "More time", "Prevention", None])
    wb.save(tmp_path / "errors.xlsx")
    result = ingest(tmp_path / "errors.xlsx", kept)
    assert answers(result, "count") == {2: 3.0}
    assert answers(result, "hopes") == {2: "To learn"}
    shown = result.problems[result.problems["rule"].isin(["excel_error", "formula_without_value"])]
    got = shown[["sheet", "row", "column", "value", "rule"]].values.tolist()
    assert got == [
        ["Responses", 3, "How many people do you manage?", "=1/0 (a formula with no saved value)",
         "formula_without_value"],
        ["Responses", 3, "What do you hope to get from the programme?", "#N/A", "excel_error"],
        ["Responses", 4, "How many people do you manage?", "#DIV/0!", "excel_error"]]
    assert set(shown["severity"]) == {"error"}
    assert all(f.startswith("fix the formula or type the value, save") and "export again" in f
               for f in shown["fix"])
    assert sorted(result.quarantined_rows.tolist()) == [3, 4]


def test_error_values_in_a_csv_saved_from_excel_are_reported(tmp_path, kept):
    path = csv_file(tmp_path, [["a@x.org", "#VALUE!", "#REF!", "Workforce", ""],
                               ["b@x.org", "4", "ok", "Workforce", ""]])
    result = ingest(path, kept)
    assert answers(result, "count") == {3: 4.0}
    found = problems(result, "excel_error")
    assert found[["row", "value"]].values.tolist() == [[2, "#VALUE!"], [2, "#REF!"]]


def test_an_error_row_that_is_otherwise_blank_is_still_counted(tmp_path, kept):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["a@x.org", 3, None, None, None])
    ws.append([None, "#N/A", None, None, None])
    wb.save(tmp_path / "row.xlsx")
    result = ingest(tmp_path / "row.xlsx", kept)
    c = result.counts
    assert c["read"] == 2 and c["accepted"] + c["quarantined"] + c["excluded"] == 2
    assert problems(result, "excel_error")["row"].tolist() == [3]


# ------------------------------------------------------------------ literal None / nan in text
@pytest.mark.parametrize("typed", ["None", "nan", "NA", "N/A", "NaN", "null"])
def test_a_free_text_answer_that_looks_like_a_missing_value_is_kept(tmp_path, kept, typed):
    path = csv_file(tmp_path, [["a@x.org", "", typed, "", ""], ["b@x.org", "", "", "", ""]])
    result = ingest(path, kept)
    got = answers(result, "hopes")
    assert got[2] == typed
    assert pd.isna(got[3])  # a blank cell is still missing


def test_none_typed_in_an_xlsx_text_answer_is_kept(tmp_path, kept):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(["a@x.org", None, "None", None, None])
    wb.save(tmp_path / "none.xlsx")
    assert answers(ingest(tmp_path / "none.xlsx", kept), "hopes") == {2: "None"}


# ------------------------------------------------------------------ Other, and unknown choices
def test_other_with_words_keeps_the_tick_and_the_words(tmp_path, kept):
    path = csv_file(tmp_path, [
        ["a@x.org", "", "", "Workforce, Other: climate, and heat", ""],
        ["b@x.org", "", "", "Other (please specify)", ""],
        ["c@x.org", "", "", "Prevention", ""],
    ])
    result = ingest(path, kept)
    assert result.counts["quarantined"] == 0
    assert answers(result, "priorities") == {2: "4|7", 3: "7", 4: "6"}
    other = answers(result, "priorities_other")
    assert other[2] == "climate, and heat"
    assert pd.isna(other[3]) and pd.isna(other[4])
    assert problems(result, "allowed_answers").empty


def test_an_other_column_keeps_the_words(tmp_path, kept):
    # SurveyMonkey: one column per option, the last one "Other (please specify)"
    rows = [["Respondent ID", "Collector ID", "Email Address", "Which priorities?", ""],
            ["", "", "", "Workforce", "Other (please specify)"],
            ["11", "1", "a@x.org", "Workforce", "Coaching networks"],
            ["12", "1", "b@x.org", "Workforce", ""]]
    path = tmp_path / "columns.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = ingest(path, kept)
    assert answers(result, "priorities") == {3: "4|7", 4: "4"}
    other = answers(result, "priorities_other")
    assert other[3] == "Coaching networks" and pd.isna(other[4])
    assert problems(result, "unknown_option_column").empty


def test_an_unknown_choice_holds_back_the_whole_response_by_default(tmp_path, kept):
    path = csv_file(tmp_path, [["a@x.org", "5", "Hope", "Workforce, Spaceflight", ""],
                               ["b@x.org", "6", "", "Workforce", ""]])
    result = ingest(path, kept)
    assert result.quarantined_rows.tolist() == [2]
    found = problems(result, "allowed_answers")
    assert found[["row", "value", "severity"]].values.tolist() == [[2, "Spaceflight", "error"]]


def test_an_unknown_choice_holds_back_only_its_answer_where_the_instrument_says_so(tmp_path,
                                                                                    lenient):
    path = csv_file(tmp_path, [["a@x.org", "5", "Hope", "", "Workforce, Spaceflight"],
                               ["b@x.org", "6", "", "", "Workforce"]])
    result = ingest(path, lenient)
    assert result.quarantined_rows.tolist() == []
    assert answers(result, "count") == {2: 5.0, 3: 6.0}
    lenient = answers(result, "lenient")
    assert pd.isna(lenient[2]) and lenient[3] == "4"
    found = problems(result, "allowed_answers")
    assert found[["row", "column", "value", "severity"]].values.tolist() == [
        [2, "Which priorities, again?", "Spaceflight", "warning"]]
    assert "the rest of the response was kept" in found.loc[0, "message"]


@pytest.mark.parametrize("spec, message", [
    (["type: text", "unknown_choice: answer"], "unknown_choice applies to multi-select"),
    (["type: multi", "response_set: p", "unknown_choice: maybe"],
     'unknown_choice "maybe" is not known'),
])
def test_unknown_choice_is_checked_in_the_instrument(tmp_path, spec, message):
    path = tmp_path / "bad-v1.yaml"
    lines = ["id: bad", "version: 1", "response_sets:", "  p: {options: {1: A, 2: B}}", "items:",
             "  - id: q", "    text: Q"] + ["    " + line for line in spec]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=message):
        load_instrument(path)


def test_the_number_note_reaches_the_person(tmp_path, kept):
    path = csv_file(tmp_path, [["a@x.org", "2,500", "", "", ""], ["b@x.org", "1,5", "", "", ""]])
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "kept-v1.yaml").write_text(INSTRUMENT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "-i", "kept@1", "-c", "c1", "--wave",
                                      "baseline", "--instruments", str(folder)])
    assert "Note: Numbers were read with a comma as the decimal mark" in result.output


def test_a_scanned_sheet_is_decompressed_once_for_both_checks(tmp_path, kept, monkeypatch):
    """The memory check's scan feeds the search for error cells: one pass over the XML."""
    from evaluate.ingest import extent

    wb = openpyxl.Workbook(write_only=True)  # writes no <dimension>, so the sheet is scanned
    ws = wb.create_sheet("Responses")
    ws.append(HEAD)
    ws.append(["a@x.org", "#DIV/0!", "Hope", None, None])
    ws.append(["b@x.org", 4, "=1/0", None, None])
    wb.save(tmp_path / "once.xlsx")
    calls = []
    inflate = extent._inflate
    monkeypatch.setattr(extent, "_inflate", lambda *a: calls.append(a) or inflate(*a))
    result = ingest(tmp_path / "once.xlsx", kept)
    assert len(calls) == 1
    got = result.problems[result.problems["rule"].isin(["excel_error", "formula_without_value"])]
    assert got[["row", "value"]].values.tolist() == [
        [2, "#DIV/0!"], [3, "=1/0 (a formula with no saved value)"]]


def test_a_large_sheet_without_formulas_is_not_searched_twice(tmp_path, monkeypatch):
    """Over 64 MB of XML and no calcChain.xml (no formula anywhere): no second pass; with
    formulas listed in calcChain.xml, the search is made."""
    import zipfile

    from evaluate.ingest import formulas

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(HEAD)
    ws.append(["a@x.org", "#N/A", None, None, None])
    path = tmp_path / "big.xlsx"
    wb.save(path)
    assert [h.text for h in formulas.hidden_cells(path, "Responses")] == ["#N/A"]
    monkeypatch.setattr(formulas, "_ALWAYS_SEARCH_BYTES", 0)  # treat the sheet as large
    assert formulas.hidden_cells(path, "Responses") == []
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/calcChain.xml", '<calcChain><c r="B2" i="1"/></calcChain>')
    assert [h.text for h in formulas.hidden_cells(path, "Responses")] == ["#N/A"]
