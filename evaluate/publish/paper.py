"""A printable paper form with item codes, and the sheet to type the answers into.

For workshops without devices. The Word document prints each question with
its item id beside it and the code beside each answer box; the data-entry
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


def _question(doc, q: Question) -> None:
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph()
    para.paragraph_format.keep_with_next = True
    para.paragraph_format.space_before = Pt(10)
    para.add_run(f"{q.number}. {q.title}").bold = True
    code = para.add_run(f"   [{q.item}]")
    code.font.size = Pt(8)
    code.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    if horizontal(q):
        table = doc.add_table(rows=1, cols=len(q.choices))
        table.style = "Table Grid"
        for cell, (c, label) in zip(table.rows[0].cells, q.choices, strict=True):
            cell.text = f"{_BOX}\n{label}\n({c})"
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    elif q.kind in ("single", "scale", "multi"):
        if q.kind == "multi":
            doc.add_paragraph("Tick all that apply.").runs[0].italic = True
        for c, label in q.choices:
            shown = f"{_BOX}  {label}" + ("" if c is None or q.kind == "multi" else f"   ({c})")
            doc.add_paragraph(shown).paragraph_format.left_indent = Pt(18)
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
    elif q.kind == "text":
        for _ in range(3):
            doc.add_paragraph("_" * 80)
    else:
        doc.add_paragraph("_" * 20)


def _write_docx(form: Form, path: Path, entry_name: str) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = form.title
    doc.core_properties.author = "evaluate"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(form.title, level=1)
    doc.add_paragraph(f"Name: {'_' * 30}   Email: {'_' * 30}")
    doc.add_paragraph("Tick one box for each question unless it says \"tick all that apply\". "
                      "The small codes are for whoever types up the answers.").runs[0].italic = True
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
    ws.append([*IDENTITY_COLUMNS, *(heading for heading, _, _ in columns)])
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
    codes.append(["item", "question", "code", "answer"])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for q in form.questions:
        for c, label in q.choices:
            codes.append([q.item, q.title, 1 if c is None else c, label if c is not None else f"{label} (ticked)"])
        if not q.choices:
            codes.append([q.item, q.title, None, q.kind])
    for letter, width in (("A", 28), ("B", 70), ("C", 8), ("D", 40)):
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
