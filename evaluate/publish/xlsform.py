"""XLSForm (ODK, KoboToolbox, Survey123): the ``survey``, ``choices`` and ``settings`` sheets.

Each item is one row of ``survey`` whose ``name`` is the item id, so ODK and
Kobo exports head each column with the id and match by construction. Each
response set is one list in ``choices`` whose choice ``name`` is the code, so
exports hold the instrument's codes. ``settings`` carries ``form_id`` (the
instrument id) and ``version`` (the instrument version).

The form opens with the participant information and privacy notice (a
``note``, which exports no column) and a required identity question named
``email`` (or ``staff_id``), which heads its export column and links each
response to the roster. For personalised links it can be filled in from the
link instead (Enketo web forms: ``?d[/data/email]=…``); it stays visible
so a respondent can correct it.

Format: xlsform.org; checked in the tests by converting with ``pyxform``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from evaluate.publish.form import Form, PublishError, Question

__all__ = ["SURVEY_COLUMNS", "survey_rows", "choice_rows", "write", "NEXT_STEPS"]

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "appearance", "constraint",
                  "constraint_message")


#: What to do with the file, printed by ``evaluate publish``.
NEXT_STEPS = (
    "Upload the .xlsx as a new form (ODK Central: New form; KoboToolbox: Deploy > Import an "
    "XLSForm). The form opens with the privacy notice and asks each person for the email the "
    "roster has for them (question \"email\"): keep it required, it is what links their "
    "answers before and after the programme (to fill it in for them, send personal Enketo links "
    "ending ?d[/data/email]=their.email@example.org). Export responses as csv with the XML "
    "values (not labels): headings are the item ids and answers the codes."
)

_EMAIL_CONSTRAINT = "regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')"


def _list_name(form: Form, q: Question) -> str:
    """The choice list of a question: its response set's id."""
    return q.answer_set or f"{q.item}_answers"


def _number_constraint(q: Question) -> tuple[str, str]:
    parts, words = [], []
    if q.minimum is not None:
        parts.append(f". >= {q.minimum:g}")
        words.append(f"at least {q.minimum:g}")
    if q.maximum is not None:
        parts.append(f". <= {q.maximum:g}")
        words.append(f"at most {q.maximum:g}")
    return " and ".join(parts), ("Enter a whole number " + " and ".join(words)) if words else ""


def survey_rows(form: Form) -> list[dict]:
    """The ``survey`` sheet as dicts keyed by :data:`SURVEY_COLUMNS`."""
    rows = []
    if form.notice:
        rows.append(dict(type="note", name="privacy_notice",
                         label="\n\n".join([f"**{form.notice_title}**", *form.notice])))
    ident = dict(type="text", name=form.identity_name, label=form.identity_label, required="yes")
    if form.link_by == "email":
        ident.update(constraint=_EMAIL_CONSTRAINT,
                     constraint_message="Enter an email address, e.g. name@example.org")
    rows.append(ident)
    rows = [{c: r.get(c, "") for c in SURVEY_COLUMNS} for r in rows]
    for q in form.questions:
        if q.roster:
            raise PublishError(
                f'{form.ref} asks about cohort members (item "{q.item}"): XLSForm exports hold '
                "choice names, not people's names, so the answers could not be matched to the "
                "roster — publish this instrument to google, qualtrics, surveymonkey or msforms"
            )
        row = dict(name=q.item, label=q.title, required="yes" if q.required else "")
        if q.kind in ("single", "scale"):
            row.update(type=f"select_one {_list_name(form, q)}",
                       appearance="likert" if q.kind == "scale" or len(q.choices) <= 7 else "")
        elif q.kind == "multi":
            row.update(type=f"select_multiple {_list_name(form, q)}", hint="Tick all that apply.")
        elif q.kind == "number":
            constraint, message = _number_constraint(q)
            row.update(type="integer", constraint=constraint, constraint_message=message)
        elif q.kind == "date":
            row.update(type="date")
        else:
            row.update(type="text", appearance="multiline")
        rows.append({c: row.get(c, "") for c in SURVEY_COLUMNS})
    return rows


def choice_rows(form: Form) -> list[dict]:
    """The ``choices`` sheet: ``list_name``, ``name`` (the code), ``label``."""
    out, done = [], set()
    for q in form.questions:
        name = _list_name(form, q)
        if not q.choices or name in done:
            continue
        done.add(name)
        out += [dict(list_name=name, name=str(code), label=label) for code, label in q.choices]
    return out


def _sheet(wb: Workbook, title: str, columns, rows: list[dict], first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(c, "") for c in columns])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    widths = {"label": 70, "name": 28, "type": 34, "constraint": 24, "constraint_message": 36}
    for i, col in enumerate(columns):
        ws.column_dimensions[chr(65 + i)].width = widths.get(col, 14)


def write(form: Form, out: Path, published: str = "") -> list[Path]:
    """Write ``<id>-v<version>-xlsform.xlsx`` into ``out``; return the paths written."""
    wb = Workbook()
    _sheet(wb, "survey", SURVEY_COLUMNS, survey_rows(form), first=True)
    _sheet(wb, "choices", ("list_name", "name", "label"), choice_rows(form))
    _sheet(wb, "settings", ("form_title", "form_id", "version"),
           [dict(form_title=form.title, form_id=form.instrument, version=str(form.version))])
    path = Path(out) / f"{form.instrument}-v{form.version}-xlsform.xlsx"
    wb.properties.creator = "evaluate"
    wb.save(path)
    return [path]
