"""A printable paper form with item codes, and the sheet to type the answers into.

For workshops without devices. The Word document is A4; it opens with the
participant information and privacy notice and lines for the name and email
that link the answers to the roster, then prints each question numbered,
with the code beside each answer box (no item ids: respondents read it).
Each question sits in one table row that may not break across pages, so no
question is ever split between two pages (Word and LibreOffice both keep
such a row whole). The data-entry
workbook has one column per item headed with the item id (one column per
answer for "tick all that apply" questions and one per cohort member for
questions about members, headed ``<item id> [<answer or member>]``). Whoever
types up the forms writes the printed code of each ticked answer (1 under
each ticked answer of a "tick all" question), and the sheet then imports as
a plain export whose columns match by item id.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from evaluate.publish.form import Form, Question

__all__ = ["entry_columns", "horizontal", "write", "NEXT_STEPS", "IDENTITY_COLUMNS"]

#: What to do with the files, printed by ``evaluate publish``.
NEXT_STEPS = (
    "Print the .docx. Type each returned form into one row of the -entry.xlsx (the code "
    "printed beside each ticked answer; 1 under each ticked answer of a 'tick all' question), "
    "then validate and import the workbook like any export."
)

#: Columns that identify the respondent, first in the data-entry sheet.
IDENTITY_COLUMNS = ("Name", "Email")
_BOX = "\u2610"
_LONG_LIST = 12  # more answers than this print in three columns


def entry_columns(form: Form) -> list[tuple[str, Question, str | None]]:
    """The data-entry sheet's question columns: (heading, question, answer or member)."""
    out = []
    for q in form.questions:
        if q.kind == "multi":
            out += [(f"{q.item} [{label}]", q, label) for label in q.labels]
        elif q.kind == "grid":
            out += [(f"{q.item} [{member}]", q, member) for member in q.rows]
        else:
            out.append((q.item, q, None))
    return out


def _shade(cell, colour: str = "F2F2F2") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def horizontal(q: Question) -> bool:
    """Answers printed side by side in one row: up to 7, or short labels such as 0 … 10."""
    return q.kind in ("single", "scale") and (
        len(q.choices) <= 7 or (len(q.choices) <= 11 and max(len(label) for label in q.labels) <= 3))


def _unsplittable(table) -> None:
    """Rows of ``table`` may not break across pages (``w:cantSplit``)."""
    from docx.oxml import OxmlElement

    for row in table.rows:
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
    _no_borders(table)


def _compact(table, size) -> None:
    """Small type and no space between paragraphs, so a long list of names fits one page."""
    from docx.shared import Pt

    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(0)
                para.paragraph_format.space_before = Pt(0)
                para.paragraph_format.line_spacing = 1.0
                for run in para.runs:
                    run.font.size = size


def _no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _question(doc, q: Question) -> None:
    """One question in one unsplittable row of a borderless one-cell table."""
    from docx.shared import Pt

    holder = doc.add_table(rows=1, cols=1)
    _unsplittable(holder)
    cell = holder.rows[0].cells[0]
    para = cell.paragraphs[0]
    para.paragraph_format.space_before = Pt(8)
    para.add_run(f"{q.number}. {q.title}").bold = True
    if q.roster:
        cell.add_paragraph("Leave out your own name.").runs[0].italic = True
    _answers(cell, q)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def _answers(doc, q: Question) -> None:
    from docx.shared import Pt

    if horizontal(q):
        table = doc.add_table(rows=1, cols=len(q.choices))
        table.autofit = True
        table.style = "Table Grid"
        for cell, (c, label) in zip(table.rows[0].cells, q.choices, strict=True):
            cell.text = f"{_BOX}\n{label}\n({c})"
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    elif q.kind in ("single", "scale", "multi"):
        if q.kind == "multi":
            doc.add_paragraph("Tick all that apply.").runs[0].italic = True
        shown = [f"{_BOX}  {label}" + ("" if c is None or q.kind == "multi" else f"   ({c})")
                 for c, label in q.choices]
        if len(shown) > _LONG_LIST:  # many names: three columns, so the question fits a page
            per = -(-len(shown) // 3)
            table = doc.add_table(rows=per, cols=3)
            _no_borders(table)
            for k, text in enumerate(shown):
                table.rows[k % per].cells[k // per].text = text
            _compact(table, Pt(9))
        else:
            for text in shown:
                doc.add_paragraph(text).paragraph_format.left_indent = Pt(18)
    elif q.kind == "grid":
        table = doc.add_table(rows=len(q.rows) + 1, cols=len(q.choices) + 1)
        table.style = "Table Grid"
        for cell, (c, label) in zip(table.rows[0].cells[1:], q.choices, strict=True):
            cell.text = f"{label} ({c})"
            _shade(cell)
        for row, member in zip(table.rows[1:], q.rows, strict=True):
            row.cells[0].text = member
            for cell in row.cells[1:]:
                cell.text = _BOX
        _compact(table, Pt(8) if len(q.rows) > _LONG_LIST else Pt(9))
    elif q.kind == "text":
        for _ in range(3):
            doc.add_paragraph("_" * 80)
    else:
        doc.add_paragraph("_" * 20)


def _write_docx(form: Form, path: Path, entry_name: str) -> None:
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    for section in doc.sections:  # A4, as printed in the UK
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(18)
        section.top_margin = section.bottom_margin = Mm(18)
    doc.core_properties.title = form.title
    doc.core_properties.author = "evaluate"
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)
    doc.add_heading(form.title, level=1)
    if form.notice:
        doc.add_paragraph(form.notice_title).runs[0].bold = True
        for para in form.notice:
            doc.add_paragraph(para).paragraph_format.space_after = Pt(3)
    ident = "Email" if form.link_by == "email" else "Staff ID"
    doc.add_paragraph(f"Name: {'_' * 30}   {ident}: {'_' * 30}")
    doc.add_paragraph("Tick one box for each question unless it says \"tick all that apply\". "
                      "The small numbers are for whoever types up the answers.").runs[0].italic = True
    for q in form.questions:
        _question(doc, q)
    doc.add_paragraph()
    doc.add_paragraph(f"{form.ref}" + (f", cohort {form.cohort}" if form.cohort else "")
                      + f". Typing up: use {entry_name}, one row per form.").runs[0].italic = True
    doc.save(path)


def _write_entry(form: Form, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    columns = entry_columns(form)
    ident = IDENTITY_COLUMNS if form.link_by == "email" else ("Name", "Staff ID")
    ws.append([*ident, *(heading for heading, _, _ in columns)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C2"
    for k in range(1, len(IDENTITY_COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(k)].width = 24
    for k, (_heading, q, _part) in enumerate(columns, start=len(IDENTITY_COLUMNS) + 1):
        letter = get_column_letter(k)
        ws.column_dimensions[letter].width = 16
        allowed = None
        if q.kind == "multi":
            allowed = "1"
        elif q.kind in ("single", "scale", "grid"):
            allowed = ",".join(str(c) for c in q.codes)
        elif q.kind == "number":
            lo = -1e9 if q.minimum is None else q.minimum
            hi = 1e9 if q.maximum is None else q.maximum
            dv = DataValidation(type="whole", operator="between", formula1=f"{lo:g}",
                                formula2=f"{hi:g}", showErrorMessage=True,
                                error=f"Type a whole number from {lo:g} to {hi:g}.")
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
        if allowed is not None:
            dv = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True,
                                showErrorMessage=True,
                                error=f"Type one of the codes printed on the form: {allowed}.")
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
    codes = wb.create_sheet("Codes")
    codes.append(["item", "number on the form", "question", "code", "answer"])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for q in form.questions:
        for c, label in q.choices:
            codes.append([q.item, q.number, q.title, 1 if c is None else c,
                          label if c is not None else f"{label} (ticked)"])
        if not q.choices:
            codes.append([q.item, q.number, q.title, None, q.kind])
    for letter, width in (("A", 28), ("B", 10), ("C", 70), ("D", 8), ("E", 40)):
        codes.column_dimensions[letter].width = width
    wb.properties.creator = "evaluate"
    wb.save(path)


def write(form: Form, out: Path, published: str) -> list[Path]:
    """Write ``<id>-v<version>-paper.docx`` and ``…-paper-entry.xlsx``."""
    stem = Path(out) / f"{form.instrument}-v{form.version}-paper"
    docx_path, entry_path = stem.with_suffix(".docx"), Path(f"{stem}-entry.xlsx")
    _write_entry(form, entry_path)
    _write_docx(form, docx_path, entry_path.name)
    return [docx_path, entry_path]
