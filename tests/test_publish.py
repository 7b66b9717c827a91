"""Publishing instruments: each platform's file, checked against its documented format."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from evaluate.cli import cli
from evaluate.instruments import load_instruments
from evaluate.privacy import new_salt
from evaluate.publish import publish
from evaluate.publish.fingerprint import load_publications, read_publication
from evaluate.publish.form import PublishError, build_form, cohort_members
from evaluate.roster import read_roster

REPO = Path(__file__).resolve().parent.parent
INSTRUMENTS = load_instruments(REPO / "instruments")
ROSTER = REPO / "sample_data" / "roster.csv"
PLAIN_REFS = sorted(ref for ref, inst in INSTRUMENTS.items()
                    if not any(i.type.startswith("roster") for i in inst.items))


@pytest.fixture(scope="module")
def members():
    return cohort_members(read_roster(ROSTER, new_salt()), "c1")


@pytest.fixture
def inst_dir(tmp_path):
    """A copy of the shipped instruments, so fingerprints are written beside the copy."""
    target = tmp_path / "instruments"
    shutil.copytree(REPO / "instruments", target)
    return target


def _copy(ref: str, inst_dir: Path):
    return load_instruments(inst_dir)[ref]


# ------------------------------------------------------------------ the form
def test_form_has_one_question_per_item_with_the_instruments_text_and_codes():
    inst = INSTRUMENTS["session_feedback@1"]
    form = build_form(inst)
    assert [q.item for q in form.questions] == inst.item_ids()
    assert [q.title for q in form.questions] == [i.text for i in inst.items]
    assert [q.qid for q in form.questions] == [f"QID{n}" for n in range(1, len(inst.items) + 1)]
    recommend = form.question("recommend")
    assert recommend.kind == "scale" and recommend.codes == tuple(range(11))
    assert form.question("module").required is True
    assert form.question("overall_rating").choices == inst.response_sets["rating5"].options


def test_questions_about_cohort_members_need_the_roster(members):
    with pytest.raises(PublishError, match=r"--roster ROSTER.csv --cohort COHORT"):
        build_form(INSTRUMENTS["network@1"])
    form = build_form(INSTRUMENTS["network@1"], members, "c1")
    assert form.question("knew_before").labels == tuple(members)
    assert form.question("trust").rows == tuple(members)
    assert form.question("trust").codes == (-1, 0, 1)
    surnames = [m.split()[-1].casefold() for m in members]
    assert surnames == sorted(surnames) and len(set(members)) == len(members)


def test_cohort_members_names_an_unknown_cohort():
    with pytest.raises(PublishError, match='nobody in cohort "c9" — cohorts on it: c1, c2'):
        cohort_members(read_roster(ROSTER, new_salt()), "c9")


# ------------------------------------------------------------------ XLSForm
@pytest.mark.parametrize("ref", PLAIN_REFS)
def test_xlsform_converts_with_pyxform_and_names_are_item_ids(ref, tmp_path):
    from pyxform.xls2xform import convert

    inst = INSTRUMENTS[ref]
    result = publish(inst, "xlsform", tmp_path, record=False)
    (path,) = result.files
    warnings: list[str] = []
    xform = convert(xlsform=str(path), warnings=warnings).xform
    assert f'id="{inst.id}"' in xform and f'version="{inst.version}"' in xform
    wb = load_workbook(path)
    survey = list(wb["survey"].iter_rows(values_only=True))
    header = survey[0]
    names = [dict(zip(header, row, strict=True))["name"] for row in survey[1:]]
    assert names == inst.item_ids()
    for row in survey[1:]:
        rec = dict(zip(header, row, strict=True))
        item = inst.item(rec["name"])
        assert rec["label"] == item.text
        if item.type == "multi":
            assert rec["type"] == f"select_multiple {item.response_set}"
        elif item.type in ("likert", "choice"):
            assert rec["type"] == f"select_one {item.response_set}"
    choices = [r for r in wb["choices"].iter_rows(values_only=True)][1:]
    for rid in {i.response_set for i in inst.items if i.response_set}:
        got = [(int(n), label) for ln, n, label in choices if ln == rid]
        assert tuple(got) == inst.response_sets[rid].options
    settings = list(wb["settings"].iter_rows(values_only=True))
    assert dict(zip(*settings, strict=True)) == {"form_title": inst.title, "form_id": inst.id,
                                    "version": str(inst.version)}


def test_xlsform_refuses_questions_about_cohort_members(members, tmp_path):
    with pytest.raises(PublishError, match="XLSForm exports hold choice names"):
        publish(INSTRUMENTS["network@1"], "xlsform", tmp_path, members=members, cohort="c1",
                record=False)


# ------------------------------------------------------------------ Qualtrics
def _sq(doc: dict) -> list[dict]:
    return [e["Payload"] for e in doc["SurveyElements"] if e["Element"] == "SQ"]


@pytest.mark.parametrize("ref", sorted(INSTRUMENTS))
def test_qsf_has_one_sq_per_item_tagged_with_the_item_id_and_recoded_to_the_codes(ref, tmp_path, members):
    inst = INSTRUMENTS[ref]
    result = publish(inst, "qualtrics", tmp_path, members=members, cohort="c1",
                     published="2026-12-01", record=False)
    qsf = next(p for p in result.files if p.suffix == ".qsf")
    doc = json.loads(qsf.read_text(encoding="utf-8"))
    assert set(doc) == {"SurveyEntry", "SurveyElements"}
    assert doc["SurveyEntry"]["SurveyName"] == inst.title
    assert re.fullmatch(r"SV_[A-Za-z0-9]{15}", doc["SurveyEntry"]["SurveyID"])
    questions = _sq(doc)
    assert [q["DataExportTag"] for q in questions] == inst.item_ids()
    assert [q["QuestionID"] for q in questions] == [f"QID{n}" for n in range(1, len(questions) + 1)]
    for q, item in zip(questions, inst.items, strict=True):
        assert q["QuestionText"] == item.text.replace("<", "&lt;").replace(">", "&gt;")
        rset = inst.response_set_of(item)
        if item.type in ("likert", "choice", "multi"):
            assert (q["QuestionType"], q["Selector"]) == ("MC", "MAVR" if item.type == "multi" else "SAVR")
            shown = [q["Choices"][c]["Display"] for c in q["ChoiceOrder"]]
            recode = [int(q["RecodeValues"][c]) for c in q["ChoiceOrder"]]
            assert list(zip(recode, shown, strict=True)) == list(rset.options)
        elif item.type == "roster_grid":
            assert (q["QuestionType"], q["Selector"]) == ("Matrix", "Likert")
            assert [q["Choices"][c]["Display"] for c in q["ChoiceOrder"]] == members
            recode = [int(q["RecodeValues"][a]) for a in q["AnswerOrder"]]
            assert recode == list(rset.codes)
        elif item.type == "roster_multi":
            assert [q["Choices"][c]["Display"] for c in q["ChoiceOrder"]] == members
        else:
            assert q["QuestionType"] == "TE"
        assert q["Validation"]["Settings"]["ForceResponse"] == ("ON" if item.required else "OFF")
    blocks = next(e["Payload"] for e in doc["SurveyElements"] if e["Element"] == "BL")
    in_block = [b["QuestionID"] for b in blocks[0]["BlockElements"]]
    assert in_block == [q["QuestionID"] for q in questions]
    flow = next(e["Payload"] for e in doc["SurveyElements"] if e["Element"] == "FL")
    assert flow["Flow"][0]["ID"] == blocks[0]["ID"]
    count = next(e for e in doc["SurveyElements"] if e["Element"] == "QC")
    assert count["SecondaryAttribute"] == str(len(questions))


def test_qsf_is_the_same_for_the_same_instrument_and_date(tmp_path):
    inst = INSTRUMENTS["baseline@1"]
    a = publish(inst, "qualtrics", tmp_path / "a", published="2026-12-01", record=False).files[0]
    b = publish(inst, "qualtrics", tmp_path / "b", published="2026-12-01", record=False).files[0]
    assert a.read_bytes() == b.read_bytes()


def test_advanced_txt_lists_every_item_with_its_id_and_coded_choices(tmp_path):
    inst = INSTRUMENTS["post@1"]
    txt = next(p for p in publish(inst, "qualtrics", tmp_path, record=False).files
               if p.suffix == ".txt").read_text(encoding="utf-8")
    assert txt.startswith("[[AdvancedFormat]]\n\n[[Block:")
    assert re.findall(r"^\[\[ID:(\w+)\]\]$", txt, flags=re.M) == inst.item_ids()
    first = txt.split("[[ID:see_the_system]]")[1].split("[[Question:")[0]
    assert "[[AdvancedChoices]]\n[[Choice:1]]\nStrongly disagree\n[[Choice:2]]\nDisagree" in first
    assert txt.count("[[Question:TE:Essay]]") == sum(i.type == "text" for i in inst.items)


def test_advanced_txt_lists_plain_answers_when_a_code_is_not_positive(tmp_path, members):
    txt = next(p for p in publish(INSTRUMENTS["network@1"], "qualtrics", tmp_path, members=members,
                                  cohort="c1", record=False).files if p.suffix == ".txt")
    trust = txt.read_text(encoding="utf-8").split("[[ID:trust]]")[1].split("[[Question:")[0]
    assert "[[Answers]]\nLow trust (−)\nNeutral\nHigh trust (+)" in trust
    assert "[[Question:Matrix]]" in txt.read_text(encoding="utf-8")


# ------------------------------------------------------------------ fingerprints
def test_publishing_records_a_fingerprint_beside_the_instrument(inst_dir, tmp_path):
    inst = _copy("baseline@2", inst_dir)
    result = publish(inst, "qualtrics", tmp_path / "out", published="2026-12-01")
    path = inst_dir / "published" / "baseline@2-qualtrics-2026-12-01.yaml"
    assert result.fingerprint_path == path
    pub = read_publication(path)
    assert pub.describe() == "baseline@2 as published to Qualtrics on 2026-12-01"
    assert pub.hash == result.publication.hash and pub.hash.startswith("sha256:")
    assert pub.questions == result.form.questions
    assert load_publications(inst) == [pub]
    assert load_publications(_copy("baseline@1", inst_dir)) == []
    # the instrument list is unchanged: fingerprints are not instruments
    assert sorted(load_instruments(inst_dir)) == sorted(INSTRUMENTS)


def test_fingerprint_hash_changes_with_any_wording_label_or_order(inst_dir, tmp_path):
    from dataclasses import replace

    from evaluate.publish.fingerprint import form_hash

    form = build_form(INSTRUMENTS["baseline@1"])
    q = form.questions[3]
    variants = [
        replace(form, questions=(*form.questions[:3], replace(q, title=q.title + "."), *form.questions[4:])),
        replace(form, questions=(*form.questions[:3], replace(q, choices=q.choices[::-1]), *form.questions[4:])),
        replace(form, questions=(*form.questions[:3], form.questions[4], q, *form.questions[5:])),
    ]
    hashes = {form_hash(f) for f in variants} | {form_hash(form)}
    assert len(hashes) == 4
    assert form_hash(build_form(INSTRUMENTS["baseline@1"])) == form_hash(form)


def test_fingerprint_keeps_no_names_of_cohort_members(inst_dir, tmp_path, members):
    inst = _copy("network@1", inst_dir)
    result = publish(inst, "qualtrics", tmp_path, members=members, cohort="c1",
                     published="2026-12-01")
    text = result.fingerprint_path.read_text(encoding="utf-8")
    assert not [m for m in members if m in text or m.split()[-1] in text]
    pub = read_publication(result.fingerprint_path)
    assert pub.members["trust"][0] == len(members)
    assert pub.cohort == "c1" and result.fingerprint_path.name.endswith("-c1.yaml")
    assert yaml.safe_load(text)["questions"][4]["cohort_members"]["count"] == len(members)


# ------------------------------------------------------------------ command line
def test_publish_command_writes_the_files_and_records_the_fingerprint(inst_dir, tmp_path):
    out = tmp_path / "forms"
    r = CliRunner().invoke(cli, ["publish", "baseline@1", "--to", "qualtrics", "--out", str(out),
                                 "--dir", str(inst_dir), "--date", "2026-12-01"])
    assert r.exit_code == 0, r.output
    assert "Wrote" in r.output and "baseline-v1-qualtrics.qsf" in r.output
    assert "Recorded baseline@1 as published to Qualtrics on 2026-12-01" in r.output
    assert "Next: In Qualtrics" in r.output
    assert (inst_dir / "published" / "baseline@1-qualtrics-2026-12-01.yaml").is_file()


@pytest.mark.parametrize("args, message", [
    (["network@1", "--to", "qualtrics"], "pass --roster ROSTER.csv --cohort COHORT"),
    (["network@1", "--to", "qualtrics", "--roster", str(ROSTER)], "--roster and --cohort go together"),
    (["network@1", "--to", "xlsform", "--roster", str(ROSTER), "--cohort", "c1"],
     "XLSForm exports hold choice names"),
    (["baseline@1", "--to", "xlsform", "--date", "1 Dec"], '"1 Dec" is not a date'),
    (["baseline@9", "--to", "xlsform"], "There is no version 9"),
])
def test_publish_command_mistakes_are_usage_errors(args, message, inst_dir, tmp_path):
    r = CliRunner().invoke(cli, ["publish", *args, "--out", str(tmp_path / "o"), "--dir", str(inst_dir)])
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output
