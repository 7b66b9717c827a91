"""Word tables written in bulk (evaluate.report.word_table): the same XML as cell by cell."""

from __future__ import annotations

import pytest
from docx import Document
from docx.shared import Cm, Pt

from evaluate.report.word_table import add_table, remember_style_ids, set_run_text

HEADINGS = ["Name", "What", "Note"]
ROWS = [["a", "plain text", ""],
        [" leading space", "trailing space ", "tab\there"],
        ["line\nbreak", "carriage\r\nreturn", "<&> \"quoted\""],
        ["", "", "x"]]
WIDTHS = [Cm(3.2), Cm(9.1), Cm(4.7)]


def _cell_by_cell(doc) -> None:
    """The table as python-docx makes it one cell at a time (what add_table replaces)."""
    table = doc.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, HEADINGS, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(9)
    for values in ROWS:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(value).font.size = Pt(9)
    for n, column in enumerate(table.columns):
        column.width = WIDTHS[n]
        for cell in column.cells:
            cell.width = WIDTHS[n]


def _xml(doc) -> bytes:
    from lxml import etree

    return etree.tostring(doc.element)


def test_add_table_writes_what_python_docx_writes_cell_by_cell():
    slow, fast = Document(), Document()
    _cell_by_cell(slow)
    table = add_table(fast, HEADINGS, ROWS, WIDTHS, size=Pt(9))
    assert _xml(fast) == _xml(slow)
    assert [c.text for c in table.rows[3].cells] == ["line\nbreak", "carriage\n\nreturn",
                                                      "<&> \"quoted\""]
    assert len(table.rows) == 1 + len(ROWS)


def test_add_table_with_no_rows_has_its_header_only():
    doc = Document()
    table = add_table(doc, HEADINGS, [], WIDTHS, size=Pt(9))
    assert [c.text for c in table.rows[0].cells] == HEADINGS and len(table.rows) == 1


@pytest.mark.parametrize("text", ["", "plain", " padded ", "a\tb", "two\nlines", "\r", "a  b"])
def test_set_run_text_is_run_text(text):
    doc = Document()
    by_docx, mine = doc.add_paragraph().add_run(), doc.add_paragraph().add_run()
    by_docx.text = text
    set_run_text(mine._r, text)
    from lxml import etree

    assert etree.tostring(mine._r) == etree.tostring(by_docx._r)


def test_remembered_style_ids_style_as_before_and_still_refuse_unknown_names():
    plain, remembered = Document(), Document()
    remember_style_ids(remembered)
    for doc in (plain, remembered):
        for _ in range(2):
            doc.add_heading("A heading", level=2)
            doc.add_paragraph("A point", style="List Bullet")
            doc.add_table(rows=1, cols=1).style = "Table Grid"
    assert _xml(remembered) == _xml(plain)
    with pytest.raises(KeyError):
        remembered.add_paragraph("x", style="No such style")
