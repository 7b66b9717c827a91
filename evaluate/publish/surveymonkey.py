"""SurveyMonkey: the survey as an API v3 payload (``POST /v3/surveys`` with pages).

Why the API payload and not a text list for the paste-questions or "Build it
for me" feature: the API's question format is documented (``family`` and
``subtype`` per question, answers in order, required flags, number
validation), so the survey it creates has exactly the instrument's titles and
answers; the paste feature's layout is not documented and guesses types, so
what it builds could not be checked. The payload is sent once with the
programme's own access token (a paid plan is needed to create surveys by API).

Families used: ``single_choice``/``vertical`` (one answer; ``horiz`` for a
0–10 scale), ``multiple_choice``/``vertical`` (several answers),
``matrix``/``single`` (one answer per cohort member), ``open_ended``/``essay``
(free text), ``open_ended``/``single`` with ``integer`` validation (numbers)
and ``datetime``/``date_only`` (dates). SurveyMonkey exports put the question
title in heading row 1 and the answer, option or row text in row 2; no item
id is kept, so exports match by exact title.

The page opens with the participant information and privacy notice (a
``presentation``/``descriptive_text`` question, which exports no column).
Answers are linked to the roster by sending the survey through an **email
invitation collector**: SurveyMonkey then fills the export's ``Email
Address``, ``First Name`` and ``Last Name`` columns. A web-link collector
leaves them empty, so the next steps say to use invitations (or a custom
variable ``email`` added to each person's link, ``?email=…``).
"""

from __future__ import annotations

import json
from pathlib import Path

from evaluate.publish.form import Form, Question

__all__ = ["survey_payload", "write", "NEXT_STEPS"]

#: What to do with the file, printed by ``evaluate publish``.
NEXT_STEPS = (
    "Create the survey by sending the .json to SurveyMonkey's API once, with your access token "
    "(SurveyMonkey developer settings; creating surveys needs a paid plan): see the "
    "-send.sh file beside it. Send it with an Email Invitation collector (Collect responses > "
    "Send by email, to the roster's emails): the export's Email Address then links each "
    "person's answers before and after the programme; a web link leaves it empty (if you must "
    "use one, add a custom variable \"email\" and give each person their own link ending "
    "?email=their address). Keep question titles as they are; export responses as xlsx or csv "
    "(All responses data, Expanded) and import that file."
)

_REQUIRED = "This question requires an answer."


def _choices(labels) -> list[dict]:
    return [{"text": label, "position": k} for k, label in enumerate(labels, start=1)]


def _question(q: Question, position: int) -> dict:
    out: dict = {"headings": [{"heading": q.title}], "position": position}
    if q.kind in ("single", "scale"):
        out.update(family="single_choice", subtype="horiz" if q.kind == "scale" else "vertical",
                   answers={"choices": _choices(q.labels)})
    elif q.kind == "multi":
        out.update(family="multiple_choice", subtype="vertical",
                   answers={"choices": _choices(q.labels)})
    elif q.kind == "grid":
        out.update(family="matrix", subtype="single", forced_ranking=False,
                   answers={"rows": _choices(q.rows), "choices": _choices(q.labels)})
    elif q.kind == "number":
        out.update(family="open_ended", subtype="single",
                   validation={"type": "integer", "text": "Please enter a whole number.",
                               "min": None if q.minimum is None else int(q.minimum),
                               "max": None if q.maximum is None else int(q.maximum)})
    elif q.kind == "date":
        out.update(family="datetime", subtype="date_only",
                   answers={"rows": [{"text": "Date", "position": 1}]})
    else:
        out.update(family="open_ended", subtype="essay")
    if q.required:
        out["required"] = ({"text": _REQUIRED, "type": "all", "amount": "0"} if q.kind == "grid"
                           else {"text": _REQUIRED})
    return out


def survey_payload(form: Form) -> dict:
    """The request body for ``POST /v3/surveys``: title and one page of questions."""
    questions = [_question(q, k) for k, q in enumerate(form.questions, start=1)]
    if form.notice:
        text = "".join(f"<p>{_html(p)}</p>" for p in [form.notice_title, *form.notice])
        questions = [{"headings": [{"heading": text}], "position": 1, "family": "presentation",
                      "subtype": "descriptive_text"}] + [
            {**q, "position": q["position"] + 1} for q in questions]
    return {
        "title": form.title,
        "language": "en",
        "pages": [{"title": form.title, "questions": questions}],
    }


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SEND = """#!/bin/sh
# Creates the SurveyMonkey survey for {ref} from {name}, once.
# Usage: SURVEYMONKEY_TOKEN=your-access-token sh {script}
set -eu
: "${{SURVEYMONKEY_TOKEN:?set SURVEYMONKEY_TOKEN to your SurveyMonkey access token}}"
curl --fail -sS -X POST "https://api.surveymonkey.com/v3/surveys" \\
  -H "Authorization: Bearer $SURVEYMONKEY_TOKEN" \\
  -H "Content-Type: application/json" \\
  --data-binary "@$(dirname "$0")/{name}"
echo
"""


def write(form: Form, out: Path, published: str) -> list[Path]:
    """Write ``<id>-v<version>-surveymonkey.json`` and the ``…-send.sh`` that posts it."""
    stem = Path(out) / f"{form.instrument}-v{form.version}-surveymonkey"
    payload, script = stem.with_suffix(".json"), Path(f"{stem}-send.sh")
    payload.write_text(json.dumps(survey_payload(form), indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    script.write_text(_SEND.format(ref=form.ref, name=payload.name, script=script.name),
                      encoding="utf-8", newline="\n")
    return [payload, script]
