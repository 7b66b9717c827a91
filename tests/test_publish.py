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
    # the privacy notice (a note: no column), then the required identity question, then the items
    assert names == ["privacy_notice", "email", *inst.item_ids()]
    notice, ident = (dict(zip(header, row, strict=True)) for row in survey[1:3])
    assert notice["type"] == "note" and "groups of at least 5 people" in notice["label"]
    assert (ident["type"], ident["required"]) == ("text", "yes") and "regex(" in ident["constraint"]
    for row in survey[3:]:
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
    notice, *questions = _sq(doc)
    assert (notice["DataExportTag"], notice["QuestionType"]) == ("privacy_notice", "DB")
    assert notice["QuestionID"] == f"QID{len(questions) + 1}"
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
    assert in_block == [notice["QuestionID"], *(q["QuestionID"] for q in questions)]
    flow = next(e["Payload"] for e in doc["SurveyElements"] if e["Element"] == "FL")
    embedded, block = flow["Flow"]
    assert block["ID"] == blocks[0]["ID"]
    assert [f["Field"] for f in embedded["EmbeddedData"]] == ["email"]  # filled from ?email=
    count = next(e for e in doc["SurveyElements"] if e["Element"] == "QC")
    assert count["SecondaryAttribute"] == str(len(questions) + 1)


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
    assert re.findall(r"^\[\[ID:(\w+)\]\]$", txt, flags=re.M) == ["privacy_notice", *inst.item_ids()]
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


# ------------------------------------------------------------------ Google Forms
# A stand-in for FormApp that records what the script builds: every builder
# method returns the item, as FormApp's do, so chained calls work unchanged.
FORMAPP_STUB = r"""
const fs = require("fs");
const built = {title: null, collectEmail: null, items: []};
function item(kind) {
  const it = {kind: kind, required: null};
  const proxy = new Proxy(it, {get(target, name) {
    if (name in target && typeof target[name] !== "function") return target[name];
    return (...args) => { target[name] = args.length === 1 ? args[0] : args; return proxy; };
  }});
  built.items.push(it);
  return proxy;
}
const form = {
  setCollectEmail(v) { built.collectEmail = v; return form; },
  setDescription(v) { built.description = v; return form; },
  getEditUrl() { return "edit"; }, getPublishedUrl() { return "share"; },
};
for (const k of ["MultipleChoice", "Scale", "Checkbox", "Grid", "ParagraphText", "Text", "Date"]) {
  form["add" + k + "Item"] = () => item(k);
}
global.FormApp = {
  create(title) { built.title = title; return form; },
  createTextValidation() {
    const v = {};
    const b = new Proxy(v, {get(t, n) { return n === "build" ? () => v
      : (...a) => { v[n] = a; return b; }; }});
    return b;
  },
};
global.Logger = {log() {}};
eval(fs.readFileSync(process.argv[1], "utf8") + "\ncreateForm();");
process.stdout.write(JSON.stringify(built));
"""

NODE = shutil.which("node")


def _run_apps_script(path: Path) -> dict:
    import subprocess

    out = subprocess.run([NODE, "-e", FORMAPP_STUB, str(path)], capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout)


@pytest.mark.parametrize("ref", sorted(INSTRUMENTS))
def test_apps_script_builds_every_item_in_order_with_its_answers(ref, tmp_path, members):
    inst = INSTRUMENTS[ref]
    (path,) = publish(inst, "google", tmp_path, members=members, cohort="c1", record=False).files
    source = path.read_text(encoding="utf-8")
    # by content (no node needed): every title, in order, once
    positions = [source.index(json.dumps(i.text, ensure_ascii=False)) for i in inst.items]
    assert positions == sorted(positions)
    if NODE is None:
        pytest.skip("node is not installed: the script was checked by content only")
    import subprocess

    subprocess.run([NODE, "--check"], input=source, text=True, check=True, capture_output=True,
                   timeout=60)  # from stdin: node knows no .gs files
    built = _run_apps_script(path)
    assert built["title"] == inst.title and built["collectEmail"] is True
    assert built["description"].startswith("About this survey and your privacy\n")
    assert [it["setTitle"] for it in built["items"]] == [i.text for i in inst.items]
    expected_kind = {"likert": "MultipleChoice", "choice": "MultipleChoice", "multi": "Checkbox",
                     "text": "ParagraphText", "number": "Text", "roster_multi": "Checkbox",
                     "roster_grid": "Grid"}
    for it, item in zip(built["items"], inst.items, strict=True):
        rset = inst.response_set_of(item)
        assert it["setRequired"] is item.required
        if rset is not None and rset.id == "nps11":
            assert it["kind"] == "Scale" and it["setBounds"] == [0, 10]
            assert it["setLabels"] == ["Not at all likely", "Extremely likely"]
            continue
        assert it["kind"] == expected_kind[item.type]
        if item.type in ("likert", "choice", "multi"):
            assert it["setChoiceValues"] == list(rset.labels)
        elif item.type == "roster_multi":
            assert it["setChoiceValues"] == members
        elif item.type == "roster_grid":
            assert it["setRows"] == members and it["setColumns"] == list(rset.labels)
        elif item.type == "number":
            assert it["setValidation"]["requireNumberBetween"] == [item.minimum, item.maximum]


def test_apps_script_keeps_quotes_and_line_breaks_in_titles_as_text(tmp_path):
    from dataclasses import replace

    from evaluate.publish.google import apps_script

    form = build_form(INSTRUMENTS["connections@1"])
    odd = 'It\'s "new"\u2028</script>\\ ok'
    form = replace(form, questions=(replace(form.questions[0], title=odd), *form.questions[1:]))
    path = tmp_path / "odd.gs"
    path.write_text(apps_script(form, "2026-12-01"), encoding="utf-8")
    if NODE is None:
        pytest.skip("node is not installed")
    assert _run_apps_script(path)["items"][0]["setTitle"] == odd


# ------------------------------------------------------------------ Microsoft Forms
def _docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    from docx import Document

    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs if p.text]


@pytest.mark.parametrize("ref", sorted(INSTRUMENTS))
def test_msforms_docx_numbers_each_question_with_its_answers_listed_beneath(ref, tmp_path, members):
    inst = INSTRUMENTS[ref]
    docx_path, check = publish(inst, "msforms", tmp_path, members=members, cohort="c1",
                               record=False).files
    paras = _docx_paragraphs(docx_path)
    assert paras[0] == ("Title", inst.title)
    assert paras[1] == ("Normal", "About this survey and your privacy")
    paras = [paras[0]] + [p for p in paras[1:] if p[0] != "Normal"]  # the notice, then questions
    expected = []
    for item in inst.items:
        rset = inst.response_set_of(item)
        if item.type == "roster_grid":
            for m in members:
                expected += [("List Number", f"{item.text} [{m}]")]
                expected += [("List Bullet 2", label) for label in rset.labels]
            continue
        expected.append(("List Number", item.text))
        labels = members if item.type == "roster_multi" else (rset.labels if rset else ())
        expected += [("List Bullet 2", label) for label in labels]
    assert paras[1:] == expected
    text = check.read_text(encoding="utf-8")
    n = sum(1 for style, _ in expected if style == "List Number")
    assert f"The form has exactly {n} questions" in text
    assert "Record\n    name ON" in text and "Form description: paste this notice" in text
    for item in inst.items:
        if item.type in ("multi", "roster_multi"):
            assert f"{item.text}\n      type: Choice with Multiple answers ON" in text
        if item.required:
            assert f"{item.text}\n      type: Choice (one answer); Required: ON" in text


# ------------------------------------------------------------------ SurveyMonkey
@pytest.mark.parametrize("ref", sorted(INSTRUMENTS))
def test_surveymonkey_payload_uses_the_documented_families(ref, tmp_path, members):
    inst = INSTRUMENTS[ref]
    payload_path, send = publish(inst, "surveymonkey", tmp_path, members=members, cohort="c1",
                                 record=False).files
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    assert payload["title"] == inst.title and len(payload["pages"]) == 1
    notice, *questions = payload["pages"][0]["questions"]
    assert (notice["family"], notice["subtype"], notice["position"]) == (
        "presentation", "descriptive_text", 1)
    assert [q["headings"][0]["heading"] for q in questions] == [i.text for i in inst.items]
    assert [q["position"] for q in questions] == list(range(2, len(questions) + 2))
    families = {"single_choice": {"vertical", "horiz"}, "multiple_choice": {"vertical"},
                "matrix": {"single"}, "open_ended": {"single", "essay"}, "datetime": {"date_only"}}
    for q, item in zip(questions, inst.items, strict=True):
        assert q["subtype"] in families[q["family"]]
        rset = inst.response_set_of(item)
        if item.type in ("likert", "choice", "multi"):
            assert [c["text"] for c in q["answers"]["choices"]] == list(rset.labels)
            assert q["family"] == ("multiple_choice" if item.type == "multi" else "single_choice")
        elif item.type == "roster_grid":
            assert [r["text"] for r in q["answers"]["rows"]] == members
            assert q["required"] if item.required else "required" not in q
        elif item.type == "number":
            assert q["validation"]["type"] == "integer"
            assert (q["validation"]["min"], q["validation"]["max"]) == (item.minimum, item.maximum)
        assert ("required" in q) is item.required
    script = send.read_text(encoding="utf-8")
    assert "POST" in script and payload_path.name in script and "SURVEYMONKEY_TOKEN" in script


# ------------------------------------------------------------------ paper
@pytest.mark.parametrize("ref", sorted(INSTRUMENTS))
def test_paper_form_prints_no_item_ids_and_the_entry_sheet_heads_columns_with_ids(ref, tmp_path, members):
    from docx import Document

    inst = INSTRUMENTS[ref]
    docx_path, entry = publish(inst, "paper", tmp_path, members=members, cohort="c1",
                               record=False).files
    doc = Document(str(docx_path))
    assert (doc.sections[0].page_width.mm, doc.sections[0].page_height.mm) == pytest.approx((210, 297), abs=0.05)

    def cells_of(tables):
        for t in tables:
            for row in t.rows:
                for c in row.cells:
                    yield c
                    yield from cells_of(c.tables)

    all_cells = list(cells_of(doc.tables))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [p.text for c in all_cells for p in c.paragraphs])
    assert "About this survey and your privacy" in text and "Email: ___" in text
    for n, item in enumerate(inst.items, start=1):
        assert f"{n}. {item.text}" in text
        assert f"[{item.id}]" not in text  # respondents read it: no item ids
    from evaluate.publish.paper import horizontal

    cells = {c.text for c in all_cells}
    form = build_form(inst, members, "c1")
    for q in form.questions:
        if horizontal(q):
            assert {f"\u2610\n{label}\n({code})" for code, label in q.choices} <= cells
        elif q.kind in ("single", "scale"):
            assert all(f"\u2610  {label}   ({code})" in text for code, label in q.choices)
    wb = load_workbook(entry)
    assert wb.sheetnames == ["Responses", "Codes"]
    headings = [c.value for c in wb["Responses"][1]]
    expected = ["Name", "Email"]
    for item in inst.items:
        rset = inst.response_set_of(item)
        if item.type == "multi":
            expected += [f"{item.id} [{label}]" for label in rset.labels]
        elif item.type.startswith("roster"):
            expected += [f"{item.id} [{m}]" for m in members]
        else:
            expected.append(item.id)
    assert headings == expected
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
             for dv in wb["Responses"].data_validations.dataValidation if dv.type == "list"}
    from openpyxl.utils import get_column_letter

    for item in inst.items:
        if item.type in ("likert", "choice"):
            col = get_column_letter(expected.index(item.id) + 1)
            assert lists[col] == '"' + ",".join(map(str, inst.response_set_of(item).codes)) + '"'
