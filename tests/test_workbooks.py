"""The workbooks a report writer and an evaluator open, and the numbers tables on the page.

tables.xlsx follows the Government Statistical Service's guidance on releasing
statistics in spreadsheets (cover, contents, notes, one titled table per
sheet, no merged cells, [c] for hidden cells); quotes are text exactly as
written; analysis.xlsx describes every column it holds.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluate.report.xlsx import Sheet, write_workbook

NEW_SHEETS = ["Comparison group", "Evidence by level", "Planning", "Brokerage roles",
              "Brokerage by group", "Core and periphery", "Core by group"]


@pytest.fixture(scope="module")
def tables_wb(demo_outputs):
    return load_workbook(demo_outputs["tables"])


def _header_row(ws) -> int:
    """The table's header row: the row above the frozen panes."""
    return int(re.sub(r"\D", "", ws.freeze_panes)) - 1


def test_tables_workbook_is_laid_out_as_the_gss_asks(tables_wb):
    wb = tables_wb
    assert wb.sheetnames[:4] == ["Cover", "Contents", "Notes", "Summary"]
    for name in NEW_SHEETS:
        assert name in wb.sheetnames, f"tables.xlsx has no sheet {name!r}"
    contents = wb["Contents"]
    listed = [r[0] for r in contents.iter_rows(min_row=_header_row(contents) + 1, values_only=True)]
    assert listed == wb.sheetnames[2:], "Contents does not list every sheet after it"
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, f"{ws.title}: merged cells"
        assert isinstance(ws["A1"].value, str) and ws["A1"].value.strip(), f"{ws.title}: no title in A1"
        if ws.title == "Cover":
            continue
        head = _header_row(ws)
        headings = [c.value for c in ws[head]]
        assert all(isinstance(h, str) and h for h in headings), (ws.title, headings)
        assert len(set(headings)) == len(headings), f"{ws.title}: two columns share a heading"
        # nothing between the title lines and the table, nothing beside the title
        assert all(ws.cell(r, 2).value is None for r in range(1, head)), ws.title
        assert ws.auto_filter.ref is None or ws.auto_filter.ref.startswith(f"A{head}:")
    notes = " ".join(str(c.value) for row in wb["Notes"].iter_rows() for c in row if c.value)
    assert "[c]" in notes and "[note 1]" in notes


def test_hidden_cells_read_c_and_the_sheet_points_to_the_note(tables_wb):
    ws = tables_wb["Change by group"]
    head = _header_row(ws)
    headings = [c.value for c in ws[head]]
    hidden = headings.index("Hidden (small group)")
    people = headings.index("People")
    rows = list(ws.iter_rows(min_row=head + 1, values_only=True))
    suppressed = [r for r in rows if r[hidden] is True]
    assert suppressed, "the demo hides no small group: is the test right?"
    assert all(r[people] == "[c]" for r in suppressed)
    assert all(isinstance(r[people], int | float) for r in rows if r[hidden] is False)
    assert any("[note 1]" in str(ws.cell(r, 1).value) for r in range(2, head))


def test_units_in_headings_and_whole_numbers_without_decimals(tables_wb):
    ws = tables_wb["Cohorts compared"]
    head = _header_row(ws)
    formats = {c.value: ws.cell(head + 1, c.column).number_format for c in ws[head]}
    assert formats["df1"] == "0" and formats["df2"] == "0"
    ws = tables_wb["Change before and after"]
    headings = [c.value for c in ws[_header_row(ws)]]
    assert "Change (points)" in headings and "Average before (score)" in headings
    ws = tables_wb["Who answered"]
    head = _header_row(ws)
    formats = {c.value: ws.cell(head + 1, c.column).number_format for c in ws[head]}
    assert formats["Share who answered (%)"] == "0.0%"


def test_a_survey_has_one_name_in_every_sheet(tables_wb, demo_outputs):
    titles = set(pd.read_csv(demo_outputs["tables"].parent / "tables" / "instrument_versions.csv")
                 ["title"])
    seen = set()
    for ws in tables_wb.worksheets[2:]:
        head = _header_row(ws)
        headings = [c.value for c in ws[head]]
        if "Questionnaire" not in headings or ws.title == "Questionnaires":
            continue
        j = headings.index("Questionnaire")
        seen |= {r[j] for r in ws.iter_rows(min_row=head + 1, values_only=True)}
        assert "Instrument" not in headings
    assert seen and seen <= titles, seen - titles


def test_quotes_are_text_exactly_as_written(tables_wb):
    ws = tables_wb["Quotes"]
    cells = [c for row in ws.iter_rows(min_row=_header_row(ws) + 1) for c in row
             if isinstance(c.value, str)]
    assert not [c.value for c in cells if c.value.startswith("'")], "an apostrophe was added"
    formula = [c for c in cells if c.value.startswith("=")]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)


@pytest.mark.parametrize("text", ["  -10% less admin, more time ", "=1+1", "@mention", "+44 7700",
                                  "'already quoted", "plain"])
def test_any_text_comes_back_exactly(tmp_path, text):
    written = write_workbook(tmp_path / "t.xlsx", [Sheet("Quotes", pd.DataFrame({"Answer": [text]}),
                                                         title="Quotes", lines=["One table."])],
                             title="t")
    ws = load_workbook(written.path)["Quotes"]
    cell = ws["A4"]
    assert cell.value == text and cell.data_type == "s"
    assert bool(cell.quotePrefix) == text.startswith(("=", "+", "-", "@"))


def test_analysis_workbook_describes_every_column_of_every_sheet(demo_outputs):
    wb = load_workbook(demo_outputs["analysis"], read_only=True)
    assert wb.sheetnames[:2] == ["README", "columns"]
    rows = list(wb["columns"].iter_rows(values_only=True))
    assert rows[0] == ("sheet", "column", "meaning", "unit", "how_computed")
    described = {(r[0], r[1]): r[2:] for r in rows[1:]}
    missing = []
    for ws in wb.worksheets[1:]:
        headings = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
        for h in headings:
            meaning, unit, how = described.get((ws.title, h), (None, None, None))
            if not (meaning and unit and how) or meaning == "not described":
                missing.append(f"{ws.title}.{h}")
    assert missing == [], f"columns analysis.xlsx does not describe: {missing}"


def test_likert_numbers_have_one_row_per_statement_and_survey(demo_outputs):
    page = demo_outputs["dashboard"].read_text(encoding="utf-8")
    block = page[page.index('id="fig-aim1-likert-figure"'):]
    block = block[:block.index("</figure>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", block.split("<tbody>", 1)[1], flags=re.S)
    firsts = [re.search(r"<td[^>]*>(.*?)</td>", r).group(1) for r in rows]
    statements = {f.rsplit(" — ", 1)[0] for f in firsts}
    surveys = {f.rsplit(" — ", 1)[1] for f in firsts}
    assert len(firsts) == len(set(firsts)) == len(statements) * len(surveys)
    assert len(rows) == 28  # 14 statements at the baseline and the end (issue 19)
    assert "<caption>" in block and "11 of 14 statements" in block


def test_naming_by_distinct_values_is_mapping_each_value():
    from evaluate.report.workbooks import _map_each
    from evaluate.words import wave_name

    waves = ["baseline", "end", "follow_up", "day1"] * 40
    for values in (pd.Series(waves, dtype="str", name="wave"),
                   pd.Series(waves, dtype="string", index=range(5, 165)),
                   pd.Series(waves[:-1] + [None], dtype="str"),
                   pd.Series(waves, dtype=object), pd.Series(waves[:8], dtype="str")):
        for func in (wave_name, lambda v: len(str(v)), lambda v: None if v == "end" else str(v)):
            expected, got = values.map(func), _map_each(values, func)
            pd.testing.assert_series_equal(got, expected, check_exact=True)
