"""Google Forms: an Apps Script file that builds the form when run once.

A programme lead pastes the script into script.google.com (New project), runs
``createForm`` once and allows it to manage their forms. Every item becomes
one form item whose title is exactly the item's text, because a Google Forms
export heads each column with the item title (``Title [Row]`` for a grid):

* answers with labels → ``addMultipleChoiceItem`` (``setChoiceValues``);
* answers that are just numbers (0–10) → ``addScaleItem`` (``setBounds``),
  exported as the number, which is the code;
* several answers → ``addCheckboxItem``; cohort members' grid → ``addGridItem``
  (``setRows`` members, ``setColumns`` answers);
* free text → ``addParagraphTextItem``; numbers → ``addTextItem`` with
  ``requireNumberBetween``; dates → ``addDateItem``.

Required questions call ``setRequired(true)``. Google Forms keeps no item id
in its export, so exports match by exact title. The form's description is
the participant information and privacy notice; ``setCollectEmail(true)``
puts each respondent's email in the export's ``Email Address`` column,
which links answers to the roster (a form linked by staff ID asks a
required ``Staff ID`` question first instead).
"""

from __future__ import annotations

import json
from pathlib import Path

from evaluate import __version__
from evaluate.publish.form import Form, Question

__all__ = ["apps_script", "write", "NEXT_STEPS"]

#: What to do with the file, printed by ``evaluate publish``.
NEXT_STEPS = (
    "Open script.google.com > New project, paste the whole .gs file over the sample code, "
    "save, choose createForm and press Run (allow it to manage your forms). The log shows the "
    "form's edit and share links. New forms may start unpublished: open the edit link and "
    "press Publish. Keep Settings > Responses > Collect email addresses on (the script turns it "
    "on): the email links each person's answers before and after the programme. Keep question "
    "titles as they are; download responses as csv (Responses > Download) and import that."
)


def _js(value) -> str:
    """A JavaScript literal (JSON is valid JavaScript; line separators escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _item(q: Question) -> list[str]:
    title = f"  // {q.number}. {q.item}"
    req = f".setRequired({'true' if q.required else 'false'});"
    if q.kind == "single":
        body = f"form.addMultipleChoiceItem().setTitle({_js(q.title)}).setChoiceValues({_js(list(q.labels))})"
    elif q.kind == "scale":
        body = (f"form.addScaleItem().setTitle({_js(q.title)}).setBounds({q.codes[0]}, {q.codes[-1]})"
                + (f".setLabels({_js(q.ends[0])}, {_js(q.ends[1])})" if q.ends else ""))
    elif q.kind == "multi":
        body = f"form.addCheckboxItem().setTitle({_js(q.title)}).setChoiceValues({_js(list(q.labels))})"
    elif q.kind == "grid":
        body = (f"form.addGridItem().setTitle({_js(q.title)}).setRows({_js(list(q.rows))})"
                f".setColumns({_js(list(q.labels))})")
    elif q.kind == "number":
        lo = -1e9 if q.minimum is None else q.minimum
        hi = 1e9 if q.maximum is None else q.maximum
        check = (f"FormApp.createTextValidation().setHelpText({_js(f'Enter a number from {lo:g} to {hi:g}')})"
                 f".requireNumberBetween({lo:g}, {hi:g}).build()")
        body = f"form.addTextItem().setTitle({_js(q.title)}).setValidation({check})"
    elif q.kind == "date":
        body = f"form.addDateItem().setTitle({_js(q.title)})"
    else:
        body = f"form.addParagraphTextItem().setTitle({_js(q.title)})"
    if q.roster:  # no piping in Google Forms: ask people to leave themselves out
        body += f".setHelpText({_js('Leave out your own name.')})"
    return [title, f"  {body}{req}"]


def apps_script(form: Form, published: str) -> str:
    """The Apps Script source that creates the form."""
    cohort = f" for cohort {form.cohort}" if form.cohort else ""
    lines = [
        f"// {form.ref}{cohort}: {form.title}",
        f"// Written by evaluate {__version__} on {published} (evaluate publish {form.ref} --to google).",
        "// Run createForm once from script.google.com; it creates a new Google Form.",
        "// Do not change question titles in the form: exports are matched by exact title.",
        "",
        "function createForm() {",
        f"  var form = FormApp.create({_js(form.title)});",
    ]
    if form.notice:
        lines.append(f"  form.setDescription({_js(chr(10).join([form.notice_title, *form.notice]))});")
    lines.append("  form.setCollectEmail(true);  // the email links answers to the roster")
    if form.link_by == "staff_id":
        lines.append(f"  form.addTextItem().setTitle({_js('Staff ID')})"
                     f".setHelpText({_js(form.identity_label)}).setRequired(true);")
    for q in form.questions:
        lines += _item(q)
    lines += [
        '  Logger.log("Edit the form: " + form.getEditUrl());',
        '  Logger.log("Share this link: " + form.getPublishedUrl());',
        "  return form;",
        "}",
        "",
    ]
    return "\n".join(lines)


def write(form: Form, out: Path, published: str) -> list[Path]:
    """Write ``<id>-v<version>-google.gs``; return its path."""
    path = Path(out) / f"{form.instrument}-v{form.version}-google.gs"
    path.write_text(apps_script(form, published), encoding="utf-8", newline="\n")
    return [path]
