"""Qualtrics: a ``.qsf`` survey file, and the Advanced-format ``.txt`` as a fallback.

In the ``.qsf`` (JSON ``SurveyEntry`` + ``SurveyElements``) every item is one
``SQ`` element whose ``Payload`` has ``QuestionID`` ``QID<position>``
(predictable), ``DataExportTag`` = the item id (row 1 of every export, in
whatever language row 2 is) and, for answers, ``Choices`` with
``RecodeValues`` = the instrument's codes (so "numeric values" exports hold
the codes). Single answers are ``MC``/``SAVR``, several answers
``MC``/``MAVR``, typed answers ``TE``, a grid about cohort members a
``Matrix``/``Likert`` question with one row per member.

The ``.txt`` uses ``[[AdvancedFormat]]``, ``[[Block:…]]``,
``[[Question:MC:SingleAnswer:Vertical]]``, ``[[Question:Matrix]]``,
``[[ID:<item id>]]``, ``[[AdvancedChoices]]``/``[[Choice:<code>]]`` (or plain
``[[Choices]]`` when a code is not a positive whole number) and
``[[AdvancedAnswers]]``/``[[Answer:<code>]]``.

The survey opens with the participant information and privacy notice (a
Text/Graphic ``DB`` question, which exports no column). Answers link to the
roster through the contact list: distributed by email or personal links,
every export's ``RecipientEmail`` holds the person's email. For an anonymous
link, the survey flow declares an embedded data field ``email`` (or
``staff_id``) first, which Qualtrics fills from the link (``…?email=…``), so
each person's own link still links their answers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evaluate.publish.form import Form, Question

__all__ = ["qsf_document", "advanced_txt", "write", "NEXT_STEPS"]

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


#: What to do with the files, printed by ``evaluate publish``.
NEXT_STEPS = (
    "In Qualtrics: Create project > Survey > From a file, and choose the .qsf (if your account "
    "refuses it, use the .txt: Tools > Import/Export > Import survey). Leave each question's "
    "export tag as it is (it is the item id). Distribute it to a contact list of the roster's "
    "emails (Distributions > Emails, or Personal links): RecipientEmail then links each person's "
    "answers before and after the programme. An anonymous link links nobody unless each person "
    "gets their own link ending ?email=their address (the embedded data field the survey flow "
    "declares). Export responses as csv or xlsx, labels or numeric values: both import."
)


def _id(prefix: str, seed: str) -> str:
    """A stable Qualtrics-style id (``SV_`` + 15 characters) derived from ``seed``."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return prefix + "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:15])


def _html(text: str) -> str:
    """Question and choice texts are HTML in Qualtrics: keep < and > from becoming tags."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _choices(labels) -> tuple[dict, list[str]]:
    ids = [str(k) for k in range(1, len(labels) + 1)]
    return {i: {"Display": _html(label)} for i, label in zip(ids, labels, strict=True)}, ids


def _validation(q: Question) -> dict:
    settings = {"ForceResponse": "ON" if q.required else "OFF", "ForceResponseType": "ON",
                "Type": "None"}
    if q.kind == "number":
        settings.update(Type="ContentType", ContentType="ValidNumber",
                        ValidNumber={"Min": "" if q.minimum is None else f"{q.minimum:g}",
                                     "Max": "" if q.maximum is None else f"{q.maximum:g}",
                                     "NumDecimals": "0"})
    return {"Settings": settings}


def _payload(q: Question) -> dict:
    payload = {
        "QuestionText": _html(q.title),
        "DefaultChoices": False,
        "DataExportTag": q.tag,
        "QuestionID": q.qid,
        "Configuration": {"QuestionDescriptionOption": "UseText"},
        "QuestionDescription": q.title,
        "Validation": _validation(q),
        "Language": [],
        "DataVisibility": {"Private": False, "Hidden": False},
    }
    if q.kind in ("single", "scale", "multi"):
        choices, order = _choices(q.labels)
        payload.update(QuestionType="MC", Selector="MAVR" if q.kind == "multi" else "SAVR",
                       SubSelector="TX", Choices=choices, ChoiceOrder=order,
                       NextChoiceId=len(order) + 1, NextAnswerId=1)
        if not q.roster:
            payload["RecodeValues"] = {i: str(code) for i, code in zip(order, q.codes, strict=True)}
    elif q.kind == "grid":
        rows, row_order = _choices(q.rows)
        answers, answer_order = _choices(q.labels)
        payload.update(QuestionType="Matrix", Selector="Likert", SubSelector="SingleAnswer",
                       Choices=rows, ChoiceOrder=row_order, Answers=answers,
                       AnswerOrder=answer_order, ChoiceDataExportTags=False,
                       RecodeValues={i: str(c) for i, c in zip(answer_order, q.codes, strict=True)},
                       NextChoiceId=len(row_order) + 1, NextAnswerId=len(answer_order) + 1)
        payload["Configuration"].update(TextPosition="inline", ChoiceColumnWidth=25,
                                        RepeatHeaders="none", WhiteSpace="OFF", MobileFirst=True)
    else:  # text, number, date
        payload.update(QuestionType="TE", Selector="ESTB" if q.kind == "text" else "SL",
                       Choices={}, NextChoiceId=1, NextAnswerId=1)
    return payload


def qsf_document(form: Form, created: str) -> dict:
    """The ``.qsf`` content as a dict (``created`` is ``YYYY-MM-DD HH:MM:SS``)."""
    survey_id = _id("SV_", form.ref + (form.cohort or ""))
    block_id, trash_id = _id("BL_", survey_id + "block"), _id("BL_", survey_id + "trash")
    response_set = _id("RS_", survey_id)

    def element(kind: str, primary, secondary, payload, tertiary=None) -> dict:
        return {"SurveyID": survey_id, "Element": kind, "PrimaryAttribute": primary,
                "SecondaryAttribute": secondary, "TertiaryAttribute": tertiary, "Payload": payload}

    notice_qid = f"QID{len(form.questions) + 1}"  # the next free id; exports no column
    opening = [{"Type": "Question", "QuestionID": notice_qid}] if form.notice else []
    blocks = [
        {"Type": "Default", "Description": form.title[:100], "ID": block_id,
         "BlockElements": opening + [{"Type": "Question", "QuestionID": q.qid}
                                     for q in form.questions]},
        {"Type": "Trash", "Description": "Trash / Unused Questions", "ID": trash_id,
         "BlockElements": []},
    ]
    identity = {"Type": "EmbeddedData", "FlowID": "FL_3",
                "EmbeddedData": [{"Description": form.identity_name, "Type": "Custom",
                                  "Field": form.identity_name, "VariableType": "String",
                                  "DataVisibility": [], "AnalyzeText": False}]}
    flow = {"Type": "Root", "FlowID": "FL_1", "Properties": {"Count": 3},
            "Flow": [identity, {"Type": "Block", "ID": block_id, "FlowID": "FL_2"}]}
    options = {"BackButton": "true", "SaveAndContinue": "true", "SurveyProtection": "PublicSurvey",
               "BallotBoxStuffingPrevention": "false", "NoIndex": "Yes",
               "SecureResponseFiles": "true", "SurveyExpiration": "None",
               "SurveyTermination": "DefaultMessage", "Header": "", "Footer": "",
               "ProgressBarDisplay": "None", "PartialData": "+1 week", "ValidationMessage": "",
               "PreviousButton": "", "NextButton": "", "SurveyTitle": form.title,
               "NewScoring": 1}
    elements = [
        element("BL", "Survey Blocks", None, blocks),
        element("FL", "Survey Flow", None, flow),
        element("SO", "Survey Options", None, options),
        element("PROJ", "CORE", None, {"ProjectCategory": "CORE", "SchemaVersion": "1.1.0"},
                tertiary="1.1.0"),
        element("STAT", "Survey Statistics", None,
                {"MobileCompatible": True, "ID": "Survey Statistics"}),
        element("QC", "Survey Question Count", str(len(form.questions) + len(opening)), None),
        element("RS", response_set, "Default Response Set", None),
    ]
    if form.notice:
        text = "".join(f"<p>{_html(p)}</p>" for p in [form.notice_title, *form.notice])
        elements.append(element("SQ", notice_qid, form.notice_title, {
            "QuestionText": text, "DefaultChoices": False, "DataExportTag": "privacy_notice",
            "QuestionType": "DB", "Selector": "TB", "QuestionID": notice_qid,
            "Configuration": {"QuestionDescriptionOption": "UseText"},
            "QuestionDescription": form.notice_title, "ChoiceOrder": [],
            "Validation": {"Settings": {"Type": "None"}}, "Language": [],
            "DataVisibility": {"Private": False, "Hidden": False}}))
    elements += [element("SQ", q.qid, q.title[:99], _payload(q)) for q in form.questions]
    never = "0000-00-00 00:00:00"
    entry = {"SurveyID": survey_id, "SurveyName": form.title,
             "SurveyDescription": form.description or None, "SurveyOwnerID": "",
             "SurveyBrandID": "", "DivisionID": None, "SurveyLanguage": "EN",
             "SurveyActiveResponseSet": response_set, "SurveyStatus": "Inactive",
             "SurveyStartDate": never, "SurveyExpirationDate": never,
             "SurveyCreationDate": created, "CreatorID": "", "LastModified": created,
             "LastAccessed": never, "LastActivated": never, "Deleted": None}
    return {"SurveyEntry": entry, "SurveyElements": elements}


def _txt_choices(lines: list[str], labels, codes, advanced: str, plain: str, one: str) -> None:
    if all(isinstance(c, int) and c > 0 for c in codes):
        lines.append(f"[[{advanced}]]")
        for code, label in zip(codes, labels, strict=True):
            lines += [f"[[{one}:{code}]]", label]
    else:
        lines.append(f"[[{plain}]]")
        lines += list(labels)


def advanced_txt(form: Form) -> str:
    """The Advanced-format ``.txt`` text."""
    lines = ["[[AdvancedFormat]]", "", f"[[Block:{form.title}]]", ""]
    if form.notice:
        lines += ["[[Question:Text]]", "[[ID:privacy_notice]]",
                  "<br><br>".join([form.notice_title, *form.notice]), ""]
    for q in form.questions:
        if q.kind in ("single", "scale", "multi"):
            answer = "MultipleAnswer" if q.kind == "multi" else "SingleAnswer"
            lines += [f"[[Question:MC:{answer}:Vertical]]", f"[[ID:{q.tag}]]", q.title, ""]
            _txt_choices(lines, q.labels, q.codes, "AdvancedChoices", "Choices", "Choice")
        elif q.kind == "grid":
            lines += ["[[Question:Matrix]]", f"[[ID:{q.tag}]]", q.title, "", "[[Choices]]"]
            lines += list(q.rows)
            lines.append("")
            _txt_choices(lines, q.labels, q.codes, "AdvancedAnswers", "Answers", "Answer")
        else:
            kind = "Essay" if q.kind == "text" else "SingleLine"
            lines += [f"[[Question:TE:{kind}]]", f"[[ID:{q.tag}]]", q.title]
        lines.append("")
    return "\n".join(lines)


def write(form: Form, out: Path, published: str) -> list[Path]:
    """Write ``<id>-v<version>-qualtrics.qsf`` and ``…-qualtrics.txt``; return their paths."""
    stem = Path(out) / f"{form.instrument}-v{form.version}-qualtrics"
    qsf, txt = stem.with_suffix(".qsf"), stem.with_suffix(".txt")
    qsf.write_text(json.dumps(qsf_document(form, f"{published} 00:00:00"), indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    txt.write_text(advanced_txt(form), encoding="utf-8", newline="\n")
    return [qsf, txt]
