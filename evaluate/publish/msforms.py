"""Microsoft Forms: a Word file for Quick Import, and a checklist to verify by hand.

Microsoft Forms has no import API; its "Quick Import" turns a Word or PDF
document into a form, reading numbered questions with their answers listed
beneath them. The document written here has the form title, then each item
as a numbered paragraph (Word's own numbering, so the number is not part of
the title) with its answers as a bulleted list beneath. A question about
several cohort members becomes one question per member titled
``<question> [<member>]``, the layout a Google grid exports, which evaluate
reads as one question per member.

Quick Import guesses question types, so the checklist lists, question by
question, what to check in the editor afterwards: the exact title, the type,
"Multiple answers" where several may be chosen, the answers in order, and
"Required". Microsoft Forms exports head each column with the question title,
so exports match by exact title. The checklist starts with what links answers
to the roster ("Only people in my organisation can respond" with "Record
name" on, which fills the export's ``Email`` and ``Name`` columns) and the
participant information and privacy notice, to paste as the form's
description (the Word file opens with it too).
"""

from __future__ import annotations

from pathlib import Path

from evaluate.publish.form import Form, Question

__all__ = ["questions", "checklist", "write", "NEXT_STEPS"]

#: What to do with the files, printed by ``evaluate publish``.
NEXT_STEPS = (
    "In Microsoft Forms choose Quick import (next to New Form) and upload the .docx; then work "
    "through the checklist .txt in the form editor before sharing the form (it starts with "
    "Record name, which links each person's answers, and the privacy notice). Export responses "
    "with Open in Excel (or Responses > Download) and import that file."
)

_KIND_WORDS = {"single": "Choice (one answer)", "scale": "Choice (one answer)",
               "multi": "Choice with Multiple answers ON", "text": "Text, Long answer ON",
               "number": "Text, Restrictions: Number", "date": "Date"}


def questions(form: Form) -> list[tuple[Question, str, tuple[str, ...]]]:
    """The questions as Microsoft Forms will hold them: (question, title, answers).

    A grid about cohort members becomes one choice question per member.
    """
    out = []
    for q in form.questions:
        if q.kind == "grid":
            out += [(q, f"{q.title} [{member}]", q.labels) for member in q.rows]
        else:
            out.append((q, q.title, q.labels))
    return out


def checklist(form: Form) -> str:
    """The checklist to work through in the form editor after Quick Import."""
    qs = questions(form)
    cohort = f" (cohort {form.cohort})" if form.cohort else ""
    lines = [
        f"Check the Microsoft Form for {form.ref}{cohort}: {form.title}",
        "",
        "Quick Import guesses question types, so check each point in the form editor before",
        "sharing the form. Exports are matched to the instrument by the exact question title:",
        "change no wording, add no question, and keep the answers in the order given.",
        "",
        "[ ] Settings > Who can fill out this form: Only people in my organisation, with Record",
        "    name ON. The export then has each person's Email and Name, which link their answers",
        "    before and after the programme. (If people outside your organisation must answer,",
        "    add a first question titled exactly \"Email\" (Text, Required ON) instead.)",
        *(["[ ] Form description: paste this notice (it is at the top of the Word file too):", ""]
          + [f"    {p}" for p in [form.notice_title, *form.notice]] + [""] if form.notice else []),
        f"[ ] The form has exactly {len(qs)} questions, in the order below.",
        "[ ] If a title starts with its number (\"1.\"), delete the number.",
        "",
    ]
    for n, (q, title, answers) in enumerate(qs, start=1):
        kind = "Choice (one answer)" if q.kind == "grid" else _KIND_WORDS[q.kind]
        lines.append(f"[ ] {n}. {title}")
        lines.append(f"      type: {kind}; Required: {'ON' if q.required else 'off'}")
        if q.roster:
            lines.append("      subtitle (... > Add subtitle): Leave out your own name.")
        if q.kind == "number" and (q.minimum is not None or q.maximum is not None):
            lo = "any" if q.minimum is None else f"{q.minimum:g}"
            hi = "any" if q.maximum is None else f"{q.maximum:g}"
            lines.append(f"      number from {lo} to {hi}")
        if answers:
            lines.append(f"      {len(answers)} answers, in this order: " + " | ".join(answers))
    lines.append("")
    return "\n".join(lines)


def write(form: Form, out: Path, published: str) -> list[Path]:
    """Write ``<id>-v<version>-msforms.docx`` and ``…-msforms-checklist.txt``."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = form.title
    doc.core_properties.author = "evaluate"
    doc.add_heading(form.title, level=0)
    if form.notice:
        doc.add_paragraph(form.notice_title).runs[0].bold = True
        for para in form.notice:
            doc.add_paragraph(para)
    for _q, title, answers in questions(form):
        doc.add_paragraph(title, style="List Number")
        for label in answers:
            doc.add_paragraph(label, style="List Bullet 2")
    stem = Path(out) / f"{form.instrument}-v{form.version}-msforms"
    docx_path, check_path = stem.with_suffix(".docx"), Path(f"{stem}-checklist.txt")
    doc.save(docx_path)
    check_path.write_text(checklist(form), encoding="utf-8", newline="\n")
    return [docx_path, check_path]
