"""The synthetic sample data: reproducible, complete, and in real platform layouts.

The generator runs once into a temporary folder; its output must equal the
committed files byte for byte (so the committed data is never stale), and the
committed exports must follow the layouts in docs / REFERENCES.md.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from evaluate.instruments import load_instruments
from evaluate.normalise import normalise_heading, normalise_name

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
PLATFORMS = {"microsoft_forms", "google_forms", "qualtrics", "surveymonkey", "plain"}
WAVES = {"baseline", "day1", "day2", "end", "follow_up"}
ROSTER_COLUMNS = ["name", "email", "staff_id", "cohort", "organisation", "sector", "place", "role",
                  "comparison"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    subprocess.run(
        [sys.executable, str(SAMPLE / "generate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=tmp_path_factory.getbasetemp(),  # works from any folder
    )
    return out


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((SAMPLE / "manifest.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def effects() -> dict:
    return yaml.safe_load((SAMPLE / "effects.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def roster() -> list[dict]:
    with (SAMPLE / "roster.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def instruments():
    return load_instruments(ROOT / "instruments")


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


def _xlsx_rows(path: Path, sheet: str) -> list[list]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def _export(manifest: dict, instrument: str, cohort: str, wave: str) -> dict:
    hits = [
        e
        for e in manifest["exports"]
        if e["instrument"] == instrument and e["cohort"] == cohort and e["wave"] == wave
    ]
    assert len(hits) == 1, (instrument, cohort, wave)
    return hits[0]


# --------------------------------------------------------------------------- reproducible
def test_generator_reproduces_committed_files_byte_for_byte(generated):
    made = sorted(p.relative_to(generated) for p in generated.rglob("*") if p.is_file())
    assert made, "the generator wrote nothing"
    for rel in made:
        committed = SAMPLE / rel
        assert committed.exists(), f"{rel} is generated but not committed"
        assert (generated / rel).read_bytes() == committed.read_bytes(), (
            f"{rel} differs: run `python sample_data/generate.py` and commit the result"
        )


def test_generated_csv_files_cover_every_export(generated, manifest):
    for entry in manifest["exports"] + manifest["broken"]:
        assert (generated / entry["path"]).is_file(), entry["path"]


def test_xlsx_have_fixed_properties_and_timestamps():
    for path in SAMPLE.rglob("*.xlsx"):
        wb = openpyxl.load_workbook(path, read_only=True)
        props = wb.properties
        wb.close()
        assert props.created == props.modified, path.name
        with zipfile.ZipFile(path) as zf:
            stamps = {info.date_time for info in zf.infolist()}
        assert len(stamps) == 1, path.name


# --------------------------------------------------------------------------- manifest
def test_manifest_entries_exist_and_resolve(manifest, instruments):
    assert manifest["exports"]
    for entry in manifest["exports"] + manifest["broken"]:
        assert (SAMPLE / entry["path"]).is_file(), entry["path"]
        assert entry["instrument"] in instruments, entry
        assert entry["cohort"] in {"c1", "c2", "c3"}, entry  # c3: the wait-list comparison group
        assert entry["wave"] in WAVES, entry
        assert entry["platform"] in PLATFORMS, entry
        if entry["path"].endswith(".xlsx"):
            assert entry.get("sheet"), entry


def test_manifest_has_every_instrument_at_every_wave(manifest):
    expected = [
        ("baseline@1", "baseline"),
        ("connections@1", "baseline"),
        ("network@1", "baseline"),
        ("session_feedback@1", "day1"),
        ("session_feedback@1", "day2"),
        ("network@1", "end"),
        ("post@1", "end"),
        ("follow_up@1", "follow_up"),
        ("stories@1", "follow_up"),
    ]
    for cohort in ("c1", "c2"):
        for ref, wave in expected:
            _export(manifest, ref, cohort, wave)
    # the wait-list comparison group answers the surveys with scales, at the same waves
    for ref, wave in (("baseline@1", "baseline"), ("post@1", "end"), ("follow_up@1", "follow_up")):
        _export(manifest, ref, "c3", wave)
    assert len(manifest["exports"]) == 2 * len(expected) + 3
    assert {e["platform"] for e in manifest["exports"]} == PLATFORMS


def test_broken_files_are_listed_and_documented(manifest):
    problems = {b["problem"] for b in manifest["broken"]}
    assert problems == {
        "misspelt_label",
        "duplicate_respondent",
        "missing_column",
        "not_on_roster",
    }
    readme = (SAMPLE / "broken" / "README.md").read_text(encoding="utf-8")
    for entry in manifest["broken"]:
        assert Path(entry["path"]).name in readme


def test_misspelt_label_is_where_the_manifest_says(manifest):
    entry = next(b for b in manifest["broken"] if b["problem"] == "misspelt_label")
    rows = _csv_rows(SAMPLE / entry["path"])
    col = rows[0].index(entry["column"])
    assert rows[entry["row"] - 1][col] == entry["value"] == "Agree strongy"


def test_duplicate_rows_are_the_same_person(manifest):
    entry = next(b for b in manifest["broken"] if b["problem"] == "duplicate_respondent")
    rows = _csv_rows(SAMPLE / entry["path"])
    col = rows[0].index("Email Address")
    first, second = (rows[r - 1][col] for r in entry["rows"])
    assert first != second and first.casefold() == second.casefold()


def test_missing_column_is_really_missing(manifest, instruments):
    entry = next(b for b in manifest["broken"] if b["problem"] == "missing_column")
    heads = {normalise_heading(h) for h in _csv_rows(SAMPLE / entry["path"])[0]}
    item = instruments[entry["instrument"]].item("module")
    assert item.required
    assert not heads & set(item.headings())


def test_not_on_roster_email_is_not_on_roster(manifest, roster):
    entry = next(b for b in manifest["broken"] if b["problem"] == "not_on_roster")
    rows = _csv_rows(SAMPLE / entry["path"])
    col = rows[0].index(entry["column"])
    assert rows[entry["row"] - 1][col] == entry["value"]
    assert entry["value"] not in {p["email"] for p in roster}


# --------------------------------------------------------------------------- roster
def test_roster_has_two_cohorts_of_about_forty(roster):
    assert list(roster[0]) == ROSTER_COLUMNS
    sizes = {c: sum(p["cohort"] == c for p in roster) for c in ("c1", "c2")}
    assert set(p["cohort"] for p in roster) == {"c1", "c2", "c3"}
    assert all(35 <= n <= 45 for n in sizes.values()), sizes
    # c3 is the comparison group (a wait-list), marked in the comparison column
    assert {p["comparison"] for p in roster if p["cohort"] == "c3"} == {"wait-list"}
    assert {p["comparison"] for p in roster if p["cohort"] != "c3"} == {""}


def test_roster_people_are_distinct_and_varied(roster):
    for key in ("email", "staff_id"):
        values = [p[key] for p in roster]
        assert len(set(values)) == len(values), key
    assert len({normalise_name(p["name"]) for p in roster}) == len(roster)
    names = " ".join(p["name"] for p in roster)
    assert "Zoë" in names and "Siobhán" in names and "O'Neill" in names
    domains = {p["email"].split("@")[1] for p in roster}
    assert domains == {"example.nhs.uk", "example.gov.uk", "example.org.uk"}
    assert 8 <= len({p["organisation"] for p in roster}) <= 10
    assert {p["place"] for p in roster} == {
        "Bedford",
        "Luton",
        "Milton Keynes",
        "Central Bedfordshire",
    }
    assert len({p["sector"] for p in roster}) >= 6


def test_roster_sectors_are_answers_of_the_baseline_sector_question(roster, instruments):
    labels = set(instruments["baseline@1"].response_sets["sector"].labels)
    assert {p["sector"] for p in roster} <= labels


# --------------------------------------------------------------------------- layouts
def test_qualtrics_csv_has_three_header_rows_with_import_ids(manifest):
    entry = _export(manifest, "baseline@1", "c2", "baseline")
    rows = _csv_rows(SAMPLE / entry["path"])
    short, labels, ids = rows[0], rows[1], rows[2]
    assert short[:3] == ["StartDate", "EndDate", "Status"]
    assert "RecipientEmail" in short and short[-1].startswith("Q")
    assert labels[short.index("ResponseId")] == "Response ID"
    for cell in ids:
        assert "ImportId" in json.loads(cell)
    assert json.loads(ids[short.index("ResponseId")]) == {"ImportId": "_recordId"}
    assert "timeZone" in json.loads(ids[0])
    data = rows[3:]
    status = [r[short.index("Status")] for r in data]
    finished = [r[short.index("Finished")] for r in data]
    assert status.count("Survey Preview") == 1
    assert finished.count("0") == 1
    assert all(r[short.index("ResponseId")].startswith("R_") for r in data)
    # short names are Q-numbers whose row 2 is the question text, not item ids
    q1 = short.index("Q1")
    assert labels[q1] == "Which sector do you work in?"


def test_qualtrics_numeric_export_holds_codes(manifest, instruments):
    entry = _export(manifest, "post@1", "c2", "end")
    rows = _csv_rows(SAMPLE / entry["path"])
    short, labels = rows[0], rows[1]
    matrix = [i for i, s in enumerate(short) if s.startswith("Q1_")]
    assert len(matrix) == 28
    assert all(" - " in labels[i] for i in matrix)
    values = {r[i] for r in rows[3:] for i in matrix} - {""}
    assert values <= {"1", "2", "3", "4", "5"}
    then = [i for i, lab in enumerate(labels) if lab.startswith("Looking back")]
    then_texts = {normalise_heading(labels[i]) for i in then}
    post = instruments["post@1"]
    assert then_texts == {normalise_heading(i.text) for i in post.items if i.then_of}


def test_qualtrics_legacy_layout(manifest):
    entry = _export(manifest, "follow_up@1", "c2", "follow_up")
    rows = _csv_rows(SAMPLE / entry["path"])
    assert rows[0][:10] == [f"V{i}" for i in range(1, 11)]
    assert rows[1][:3] == ["ResponseID", "ResponseSet", "Name"]
    assert rows[0][10] == "Q1"
    assert not rows[2][0].startswith("{")  # no ImportId row: data starts on row 3
    assert ", " in rows[2][2]  # "Surname, First"


def test_qualtrics_network_xlsx_grid_labels_name_cohort_members(manifest, roster):
    entry = _export(manifest, "network@1", "c1", "baseline")
    rows = _xlsx_rows(SAMPLE / entry["path"], entry["sheet"])
    short, labels, ids = rows[0], rows[1], rows[2]
    assert all("ImportId" in json.loads(c) for c in ids)
    c1 = {p["name"] for p in roster if p["cohort"] == "c1"}
    grid = [i for i, s in enumerate(short) if s and s.startswith("Q4_")]
    assert len(grid) == len(c1)
    assert {labels[i].rpartition(" - ")[2] for i in grid} == c1
    picked = {
        name
        for r in rows[3:]
        for name in (r[short.index("Q2")] or "").split(",")
        if name  # worked with
    }
    assert picked and picked <= c1


def test_microsoft_forms_layout(manifest):
    entry = _export(manifest, "baseline@1", "c1", "baseline")
    rows = _xlsx_rows(SAMPLE / entry["path"], entry["sheet"])
    head = rows[0]
    assert head[:6] == [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
    ]
    multi = head.index(
        "Which system priorities does your change challenge relate to? (tick all that apply)"
    )
    answers = [r[multi] for r in rows[1:] if r[multi]]
    assert answers and all(a.endswith(";") for a in answers)
    emails = [r[3] for r in rows[1:]]
    anonymous = [r for r in rows[1:] if r[3] == "anonymous"]
    assert anonymous and all(r[4] is None and r[head.index("Your name")] for r in anonymous)
    assert len(emails) > len(anonymous)


def test_surveymonkey_layout(manifest):
    entry = _export(manifest, "post@1", "c1", "end")
    rows = _xlsx_rows(SAMPLE / entry["path"], entry["sheet"])
    r1, r2 = rows[0], rows[1]
    assert r1[:9] == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    assert all(v is None for v in r2[:9])
    start = r1.index("To what extent do you agree with the following statements?")
    assert r1[start + 1] is None and r2[start] and r2[start + 1]
    assert "Open-Ended Response" in r2 and "Response" in r2
    assert isinstance(rows[2][0], int)


def test_google_forms_layouts(manifest, roster):
    conn = _csv_rows(SAMPLE / _export(manifest, "connections@1", "c1", "baseline")["path"])
    assert conn[0][:2] == ["Timestamp", "Email Address"]
    net = _csv_rows(SAMPLE / _export(manifest, "network@1", "c2", "end")["path"])
    c2 = {p["name"] for p in roster if p["cohort"] == "c2"}
    grid = [
        h for h in net[0] if h.startswith("How often do you work with each of these people? [")
    ]
    assert {h[h.index("[") + 1 : -1] for h in grid} == c2
    col = net[0].index("Who have you worked with in the last 3 months?")
    lists = [r[col] for r in net[1:] if r[col]]
    assert any(", " in v for v in lists)
    fb = _export(manifest, "session_feedback@1", "c1", "day1")
    assert fb["sheet"] == "Form Responses 1"
    rows = _xlsx_rows(SAMPLE / fb["path"], fb["sheet"])
    assert rows[0][0] == "Timestamp" and "Email Address" not in rows[0]
    assert any(h.startswith("How useful were today's sessions? [") for h in rows[0])


def test_encodings(manifest):
    cp = SAMPLE / _export(manifest, "follow_up@1", "c1", "follow_up")["path"]
    raw = cp.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp1252").startswith("Date submitted,Name,Staff ID,1. ")
    bom = SAMPLE / _export(manifest, "connections@1", "c2", "baseline")["path"]
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    plain = SAMPLE / _export(manifest, "connections@1", "c1", "baseline")["path"]
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")


def test_headings_match_instrument_items(manifest, instruments):
    """Every question heading of the single-row csv exports is an item text or alias."""
    meta = {
        "timestamp",
        "email address",
        "full name",
        "name",
        "your name",
        "staff id",
        "date submitted",
    }
    for entry in manifest["exports"]:
        if entry["platform"] not in ("google_forms", "plain") or not entry["path"].endswith("csv"):
            continue
        inst = instruments[entry["instrument"]]
        keys = {k for item in inst.items for k in item.headings()}
        encoding = "cp1252" if "follow-up-c1" in entry["path"] else "utf-8-sig"
        for heading in _csv_rows(SAMPLE / entry["path"], encoding)[0]:
            key = normalise_heading(heading)
            if key in meta:
                continue
            grid = heading.endswith("]") and "[" in heading
            if grid:
                parent = normalise_heading(heading[: heading.rindex("[")])
                assert key in keys or parent in keys, (entry["path"], heading)
            else:
                assert key in keys, (entry["path"], heading)


def test_planted_strings_for_later_neutralising():
    qualtrics = (SAMPLE / "c2" / "baseline-c2-qualtrics.csv").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" in qualtrics
    google = (SAMPLE / "c1" / "connections-c1-google.csv").read_text(encoding="utf-8")
    assert '=HYPERLINK(""http://x"",""y"")' in google  # csv-quoted


# --------------------------------------------------------------------------- effects
def test_effects_cover_every_baseline_scale(effects, instruments):
    base = instruments["baseline@1"]
    assert set(effects["scales"]) == {s.id for s in base.scales}
    zero = effects["zero_effect_scales"]
    assert zero and all(effects["scales"][s]["change_end"] == 0 for s in zero)
    assert effects["scales"]["system_leadership"]["change_end"] >= 0.5
    assert effects["cohort_difference"]["scale"] in effects["scales"]
    assert effects["then_test"]["response_shift"] < 0


def test_observed_changes_recover_the_true_ones(effects):
    for wave, key in (("end", "change_end"), ("follow_up", "change_follow_up")):
        for scale, obs in effects["observed"][wave].items():
            true = effects["scales"][scale][key]
            assert obs["n_pairs"] >= 45, (wave, scale)
            assert abs(obs["mean_diff"] - true) < 0.3, (wave, scale, obs, true)
    sl = effects["observed"]["end"]["system_leadership"]
    cv = effects["observed"]["end"]["community_voice"]
    assert sl["mean_diff"] > 0.4 and abs(cv["mean_diff"]) < 0.15


def test_network_grows_across_boundaries(effects):
    net = effects["network"]
    assert net["end"]["worked_with_ties"] > net["baseline"]["worked_with_ties"]
    assert net["baseline"]["cross_organisation_share"] < 0.35
    assert (
        net["end"]["cross_organisation_share"] > net["baseline"]["cross_organisation_share"] + 0.3
    )
