"""evaluate.ingest.formulas: Excel errors and unsaved formulas found in a sheet's XML."""

from __future__ import annotations

import pytest

from evaluate.ingest.formulas import HiddenCell, HiddenCellFinder

CELLS = (
    '<c r="A2" t="e"><v>#N/A</v></c>'  # an error
    '<c r="B2"><f>A2*2</f></c>'  # a formula never calculated
    '<c r="C2"><f>A2</f><v>3</v></c>'  # calculated: the reader shows its value
    '<c r="D2"><f t="shared" si="0"/></c>'  # a shared formula, no value
    '<c r="E2" t="inlineStr"><is><t>&lt;f x</t></is></c>'  # text that looks like a formula
    '<c r="F2"><font/></c>'  # an element whose name starts with f
    '<c r="G2"><f\n>x&amp;y</f></c>'
    '<c r="H2" t="e"><v>#DIV/0!</v></c>'
)
FOUND = [HiddenCell(2, 1, "error", "#N/A"), HiddenCell(2, 2, "formula", "=A2*2"),
         HiddenCell(2, 4, "formula", "(a formula)"), HiddenCell(2, 7, "formula", "=x&y"),
         HiddenCell(2, 8, "error", "#DIV/0!")]  # the last cell is read when the sheet ends


def found(xml: bytes, size: int) -> list[HiddenCell]:
    finder = HiddenCellFinder()
    head = xml.index(b"sheetData>") + 10  # the first block holds the opening tags, as a sheet's does
    finder(xml[:head])
    for start in range(head, len(xml), size):
        finder(xml[start:start + size])
    finder(b"")
    return finder.found


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_errors_and_unsaved_formulas_are_found_whatever_the_blocks(prefix):
    cells = CELLS.replace("</", "\0").replace("<", "<" + prefix).replace("\0", "</" + prefix)
    xml = f'<{prefix}worksheet><{prefix}sheetData><{prefix}row r="2">{cells}'.encode()
    assert found(xml, len(xml)) == FOUND
    for size in (1, 2, 5, 17, 64):  # a block may end anywhere, even inside a cell
        assert sorted(found(xml, size), key=repr) == sorted(FOUND, key=repr)
