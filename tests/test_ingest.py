"""Ingestion end to end: every quarantine rule, row conservation, ties, privacy, idempotence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluate.errors import ImportRefused
from evaluate.ingest.pipeline import ingest_file, ingest_into
from evaluate.ingest.problems import format_problems
from evaluate.instruments import load_instruments
from evaluate.roster import read_roster
from evaluate.workspace import Workspace

INSTRUMENTS = load_instruments()
BASELINE = INSTRUMENTS["baseline@1"]
NETWORK = INSTRUMENTS["network@1"]
SALT = "test-salt"
PULSE = Path(__file__).parent / "fixtures" / "instruments"  # pulse@1: SEE and YEARS only
PULSE_INST = load_instruments(PULSE)["pulse@1"]

ROSTER = """name,email,staff_id,cohort,organisation,sector,place,role
Jo Smith,Jo.Smith@example.nhs.uk,S001,c1,Trust A,NHS acute,Luton,Manager
Ann Lee,ann.lee@example.gov.uk,S002,c1,Council B,Local authority,Bedford,Lead
Zoë Ó Briain,zoe@example.org.uk,S003,c1,Charity C,Voluntary sector,Luton,Director
Sam Patel,sam.patel@example.nhs.uk,S004,c2,Trust A,NHS acute,Bedford,Nurse
"""
SEE = "I can see the wider system that my work is part of"
YEARS = "How many years have you been in your current role?"


@pytest.fixture
def roster_file(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(ROSTER, encoding="utf-8")
    return p


@pytest.fixture
def roster(roster_file):
    return read_roster(roster_file, SALT)


def ms_forms(path: Path, rows: list[list], headings=None, sheet="Form1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headings or ["ID", "Start time", "Completion time", "Email", "Name", f"1. {SEE} *", YEARS])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


T0 = dt.datetime(2026, 3, 5, 9, 0)
T1 = dt.datetime(2026, 3, 5, 9, 12)


def test_good_rows_kept_and_every_rule_reported(tmp_path, roster):
    path = ms_forms(tmp_path / "baseline.xlsx", [
        [1, T0, T1, "jo.smith@example.nhs.uk", "Jo Smith", "Agree", 3],            # row 2 ok
        [2, T0, T1, "anonymous", "Lee, Ann", "Agree strongy", 4],                  # row 3 label
        [3, T0, T1, "zoe@example.org.uk", "Zoe O Briain", "Strongly agree", 100],  # row 4 range
        [4, T1, T0, "ann.lee@example.gov.uk", "Ann Lee", "4", 2],                  # row 5 time
        [5, T0, T1, "x@elsewhere.org", "Not Listed", "Prefer not to say", "ten"],  # row 6 number
        [6, T0, T1, "JO.SMITH@example.nhs.uk ", "Jo Smith", "Agree strongly", 1],  # row 7 dup of 2
    ])
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    p = result.problems
    by_row = {(int(r), rule) for r, rule in zip(p["row"].dropna(), p.loc[p["row"].notna(), "rule"], strict=True)}
    assert (3, "allowed_answers") in by_row
    assert (4, "in_range") in by_row
    assert (5, "completed_after_started") in by_row
    assert (6, "number") in by_row
    assert (6, "not_on_roster") in by_row
    assert (2, "field_uniqueness") in by_row  # the earlier of two responses from Jo
    label = p[p["rule"] == "allowed_answers"].iloc[0]
    assert label["column"] == f"1. {SEE} *"
    assert label["value"] == "Agree strongy"
    assert "Strongly disagree … Strongly agree" in label["fix"]
    # kept: row 7 (Jo's later answer); quarantined: 2, 3, 4, 5, 6
    assert sorted(result.responses["source_row"]) == [7]
    assert result.counts["read"] == 6
    assert result.counts["accepted"] + result.counts["quarantined"] + result.counts["excluded"] == result.counts["read"]
    kept = result.responses.iloc[0]
    assert kept["see_the_system"] == 5.0  # "Agree strongly" is an alias of code 5
    assert kept["matched"]
    assert kept["participant"].startswith("P-")


def test_prefer_not_to_say_is_missing_not_an_error(tmp_path, roster):
    path = ms_forms(tmp_path / "b.xlsx", [[1, T0, T1, "ann.lee@example.gov.uk", "", "Prefer not to say", ""]])
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    assert result.counts["accepted"] == 1
    assert np.isnan(result.responses.loc[0, "see_the_system"])
    assert not (result.problems["severity"] == "error").any()


def test_respondents_matched_by_name_in_any_order_and_case(tmp_path, roster):
    path = ms_forms(tmp_path / "b.xlsx", [
        [1, T0, T1, "anonymous", "  SMITH,   jo ", "Agree", 1],
        [2, T0, T1, "anonymous", "zoe o'briain", "Agree", 1],
    ])
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    # "zoe o'briain" differs from "Zoë Ó Briain" in token split, so only Jo matches
    matched = result.responses.set_index("source_row")["matched"]
    assert bool(matched[2]) is True
    jo = roster.frame.loc[roster.frame["name_key"] == "jo smith", "participant"].iloc[0]
    assert result.responses.loc[result.responses["source_row"] == 2, "participant"].iloc[0] == jo


def test_missing_required_column_is_a_file_problem_rows_kept(tmp_path, roster):
    fb = INSTRUMENTS["session_feedback@1"]
    required = [i for i in fb.items if i.required][0]
    other = [i for i in fb.items if i.type == "likert" and not i.required][0]
    path = ms_forms(tmp_path / "fb.xlsx", [[1, T0, T1, "zoe@example.org.uk", "", "Agree"]],
                    headings=["ID", "Start time", "Completion time", "Email", "Name", other.text])
    result = ingest_file(path, fb, cohort="c1", wave="day1", roster=roster, salt=SALT)
    missing = result.problems[result.problems["rule"] == "missing_column"]
    assert len(missing) == 1 and missing.iloc[0]["column"] == required.text
    assert missing.iloc[0]["severity"] == "file"
    assert result.has_problems


def test_qualtrics_preview_and_unfinished_left_out_unless_asked(tmp_path, roster):
    head1 = ["StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate", "ResponseId",
             "RecipientEmail", "Q1"]
    head2 = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Recorded Date",
             "Response ID", "Recipient Email", SEE]
    head3 = ['{"ImportId":"startDate","timeZone":"Europe/London"}', '{"ImportId":"endDate","timeZone":"Europe/London"}',
             '{"ImportId":"status"}', '{"ImportId":"progress"}', '{"ImportId":"finished"}',
             '{"ImportId":"recordedDate","timeZone":"Europe/London"}', '{"ImportId":"_recordId"}',
             '{"ImportId":"recipientEmail"}', '{"ImportId":"QID1"}']
    rows = [
        ["2026-03-05 09:00:00", "2026-03-05 09:10:00", "IP Address", "100", "True", "2026-03-05 09:10:00", "R_1", "jo.smith@example.nhs.uk", "Agree"],
        ["2026-03-05 09:00:00", "2026-03-05 09:10:00", "Survey Preview", "100", "True", "2026-03-05 09:10:00", "R_2", "", "Agree"],
        ["2026-03-05 09:00:00", "2026-03-05 09:10:00", "IP Address", "40", "False", "2026-03-05 09:10:00", "R_3", "ann.lee@example.gov.uk", "Disagree"],
    ]
    path = tmp_path / "q.csv"
    pd.DataFrame([head1, head2, head3, *rows]).to_csv(path, header=False, index=False)
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    assert result.raw.platform == "qualtrics"
    assert list(result.responses["source_row"]) == [4]
    rules = dict(zip(result.problems["row"].dropna().astype(int), result.problems.loc[result.problems["row"].notna(), "rule"], strict=True))
    assert rules[5] == "survey_preview" and rules[6] == "unfinished"
    assert result.counts["excluded"] == 2 and result.counts["quarantined"] == 0
    kept = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT,
                       keep_preview=True, keep_incomplete=True)
    assert sorted(kept.responses["source_row"]) == [4, 5, 6]


def network_export(path: Path) -> Path:
    """Google Forms csv: checkbox names joined with ", ", a frequency grid per person."""
    freq = "How often do you work with each of these people?"
    header = ["Timestamp", "Email Address", "Who in the cohort did you know before the programme?",
              "Who have you worked with in the last 3 months?", f"{freq} [Ann Lee]",
              f"{freq} [Jo Smith]", f"{freq} [Zoe O Briain]"]
    rows = [
        ["05/03/2026 09:10:00", "jo.smith@example.nhs.uk", "Ann Lee, Zoë Ó Briain", "Ann Lee, Jo Smith",
         "Weekly", "", "Never"],
        ["05/03/2026 09:11:00", "ann.lee@example.gov.uk", "Jo Smith, Jon Smyth", "", "", "Daily", "Monthly"],
    ]
    pd.DataFrame([header, *rows]).to_csv(path, header=False, index=False)
    return path


def test_network_names_become_ties_unknown_names_reported(tmp_path, roster):
    result = ingest_file(network_export(tmp_path / "net.csv"), NETWORK, cohort="c1", wave="baseline",
                         roster=roster, salt=SALT)
    ids = roster.frame.set_index("name_key")["participant"]
    jo, ann, zoe = ids["jo smith"], ids["ann lee"], ids["briain o zoe"]
    ties = result.ties
    got = set(zip(ties["source"], ties["target"], ties["relation"], strict=True))
    assert (jo, ann, "knew_before") in got and (jo, zoe, "knew_before") in got
    assert (jo, ann, "worked_with") in got
    assert (ann, jo, "knew_before") in got
    # grid-only contact "Daily" makes a worked_with tie; "Never" does not
    assert (ann, jo, "worked_with") in got and (ann, zoe, "worked_with") in got
    assert (jo, zoe, "worked_with") not in got
    freq = ties.set_index(["source", "target", "relation"])["frequency"]
    assert freq[(jo, ann, "worked_with")] == 4.0  # Weekly
    # Jo named himself: ignored and reported; "Jon Smyth" is not on the roster: suggestion given
    rules = result.problems.set_index("rule")
    assert "self_tie" in rules.index
    unknown = result.with_suggestions(result.problems)
    unknown = unknown[unknown["rule"] == "unknown_name"].iloc[0]
    assert unknown["value"] == "Jon Smyth" and "did you mean Jo Smith" in unknown["fix"]
    assert unknown["row"] == 3
    masked = result.stored_problems()
    assert "Jon Smyth" not in masked.to_csv() and "Jo Smith" not in masked.to_csv()


def test_workspace_ingest_idempotent_replace_and_no_personal_data(tmp_path, roster_file):
    ws = Workspace.init(tmp_path / "ws", roster=roster_file, instruments_dir=PULSE)
    path = ms_forms(tmp_path / "baseline.xlsx", [
        [1, T0, T1, "jo.smith@example.nhs.uk", "Jo Smith", "Agree", 3],
        [2, T0, T1, "ann.lee@example.gov.uk", "Ann Lee", "Agree strongy", 4],
    ])
    _, first = ingest_into(ws, path, "pulse@1", cohort="c1", wave="baseline")
    assert first.status == "new"
    before = {p: p.read_bytes() for p in (tmp_path / "ws").rglob("*.parquet")}
    _, again = ingest_into(ws, path, "pulse@1", cohort="c1", wave="baseline")
    assert again.status == "unchanged"
    assert {p: p.read_bytes() for p in (tmp_path / "ws").rglob("*.parquet")} == before
    assert len(ws.manifest()["imports"]) == 1
    # a corrected file replaces the wave
    ms_forms(path, [
        [1, T0, T1, "jo.smith@example.nhs.uk", "Jo Smith", "Agree", 3],
        [2, T0, T1, "ann.lee@example.gov.uk", "Ann Lee", "Agree strongly", 4],
    ])
    with pytest.raises(ImportRefused, match=r"would change it: 1 person added\. Nothing was "
                       r"imported — if this export is the corrected one, add --replace"):
        ingest_into(ws, path, "pulse@1", cohort="c1", wave="baseline")
    assert len(ws.responses(wave="baseline")) == 1
    _, replaced = ingest_into(ws, path, "pulse@1", cohort="c1", wave="baseline", replace=True)
    assert replaced.status == "replaced" and "replaces import 0001" in replaced.message
    assert len(ws.responses(wave="baseline")) == 2
    entry = ws.manifest()["imports"][0]
    assert entry["read"] == entry["accepted"] + entry["quarantined"] + entry["excluded"] == 2
    # nothing personal anywhere in the workspace
    ws_files = [p for p in (tmp_path / "ws").rglob("*") if p.is_file()]
    roster_frame = pd.read_csv(roster_file)
    needles = [*roster_frame["name"], *roster_frame["email"], *roster_frame["email"].str.lower(),
               "Jo Smith", "jo.smith"]
    for f in ws_files:
        if f.suffix == ".parquet":
            text = pd.read_parquet(f).to_csv()
        else:
            text = f.read_text(encoding="utf-8", errors="ignore")
        for needle in needles:
            assert needle not in text, f"{needle!r} found in {f.name}"


READER_FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures" / "readers").iterdir()
                         if p.suffix in (".csv", ".tsv", ".txt", ".xlsx"))


@pytest.mark.parametrize("fixture", READER_FIXTURES, ids=lambda p: p.name)
def test_row_conservation_on_every_reader_fixture(fixture, roster):
    for inst in (BASELINE, NETWORK):
        result = ingest_file(fixture, inst, cohort="c1", wave="baseline", roster=roster, salt=SALT)
        c = result.counts
        assert c["read"] == c["accepted"] + c["quarantined"] + c["excluded"], fixture.name
        assert c["read"] == result.raw.rows_read


def test_unreadable_timestamps_are_reported_and_answers_kept(tmp_path, roster):
    path = tmp_path / "g.csv"
    path.write_text(f"Timestamp,Email Address,{SEE}\n01,jo.smith@example.nhs.uk,Agree\n"
                    f"05/03/2026 09:10:00,ann.lee@example.gov.uk,Agree\n", encoding="utf-8")
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    assert result.counts["accepted"] == 2
    warn = result.problems[result.problems["rule"] == "date"].iloc[0]
    assert warn["row"] == 2 and warn["value"] == "01" and warn["severity"] == "warning"
    assert result.responses.loc[1, "completed"] == pd.Timestamp("2026-03-05 09:10:00")


def _qualtrics_numeric(path: Path, cells: list[str]) -> Path:
    """A Qualtrics "numeric values" export of the priorities question, one response per cell."""
    head1 = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId",
             "RecipientEmail", "Q7"]
    head2 = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID",
             "Recipient Email", BASELINE.item("priorities").text]
    head3 = ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"status"}',
             '{"ImportId":"progress"}', '{"ImportId":"finished"}', '{"ImportId":"_recordId"}',
             '{"ImportId":"recipientEmail"}', '{"ImportId":"QID7"}']
    rows = [["2026-03-05 09:00:00", "2026-03-05 09:10:00", "0", "100", "1", f"R_{i}",
             "", cell] for i, cell in enumerate(cells)]
    pd.DataFrame([head1, head2, head3, *rows]).to_csv(path, header=False, index=False)
    return path


def test_qualtrics_numeric_multi_select_keeps_every_code(tmp_path):
    """Numeric-values exports join a multi-select's codes with commas: 2,3,7 is three ticks."""
    path = _qualtrics_numeric(tmp_path / "q.csv", ["2,3,7", "1", "4,6", "", "2,9"])
    result = ingest_file(path, BASELINE, cohort="c1", wave="baseline", salt=SALT)
    stored = result.responses.set_index("source_row")["priorities"]
    assert stored.loc[[4, 5, 6]].tolist() == ["2|3|7", "1", "4|6"]
    assert pd.isna(stored.loc[7]) and 8 not in stored.index  # row 8 holds a code that is no option
    bad = result.problems[result.problems["rule"] == "allowed_answers"]
    assert bad[["row", "value"]].values.tolist() == [[8, "9"]]  # only the unknown code is wrong


def test_multi_select_labels_that_hold_the_separator(tmp_path):
    inst_dir = tmp_path / "inst"
    inst_dir.mkdir()
    (inst_dir / "sep-v1.yaml").write_text(
        "id: sep\nversion: 1\nresponse_sets:\n  r:\n    ordered: false\n    options:\n"
        '      1: "Yes, definitely"\n      2: "No"\n      3: "Not sure, maybe later"\n'
        "items:\n  - {id: pick, type: multi, response_set: r, text: Pick all that apply}\n",
        encoding="utf-8")
    inst = load_instruments(inst_dir)["sep@1"]
    path = tmp_path / "g.csv"
    path.write_text('Timestamp,Pick all that apply\n2026-03-05 09:00:00,"Yes, definitely, No"\n'
                    '2026-03-05 09:01:00,"Not sure, maybe later"\n'
                    '2026-03-05 09:02:00,"No, Yes, definitely, Not sure, maybe later"\n',
                    encoding="utf-8")
    result = ingest_file(path, inst, cohort="c1", wave="baseline", salt=SALT)
    assert result.responses["pick"].tolist() == ["1|2", "3", "1|2|3"]
    assert result.counts["quarantined"] == 0


def test_mixed_type_cells_and_blank_rows_keep_their_values_and_spreadsheet_rows(tmp_path, roster):
    """What any faster workbook reader must keep: a cell's own type in a column of mixed
    types, and the row number Excel shows (blank rows above, between and below)."""
    path = tmp_path / "mixed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form1"
    ws.append([])  # row 1 blank
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", SEE, YEARS])  # row 2
    ws.append([1, T0, T1, "jo.smith@example.nhs.uk", "Jo Smith", "Agree", 3])  # row 3
    ws.append([])  # row 4 blank
    ws.append([2, T0, T1, "ann.lee@example.gov.uk", "Ann Lee", 5, "2.5"])  # row 5: a code, text
    ws.append([3, T0, T1, "zoe@example.org.uk", "Zoë Ó Briain", True, 7])  # row 6: TRUE
    ws.append([])  # row 7 blank
    ws.append([4, T0, T1, "sam.patel@example.nhs.uk", "Sam Patel", T0, 1])  # row 8: a date
    ws.append([5, T0, T1, "x@example.org", "Kim Park", "Agree strongly", 4.0])  # row 9: an alias
    ws.append([6, T0, T1, "y@example.org", "Lou Rees", "4", "2,5"])  # row 10: text code, comma
    ws.append([])
    wb.save(path)
    result = ingest_file(path, PULSE_INST, cohort="c1", wave="baseline", roster=roster, salt=SALT)
    ok = result.responses.set_index("source_row")
    assert ok.index.tolist() == [3, 5, 9, 10]
    assert ok["see_the_system"].tolist() == [4.0, 5.0, 5.0, 4.0]
    assert ok["years_in_role"].tolist() == [3.0, 2.5, 4.0, 2.5]
    assert result.quarantined_rows.tolist() == [6, 8]
    lines = [line for line in format_problems(result.stored_problems().assign(personal=False))
             if "allowed_answers" in line or "is not one of the answers" in line]
    fix = "use one of: Strongly disagree … Strongly agree (or the codes 1–5)"
    assert lines == [
        f'mixed.xlsx, sheet "Form1", row 6, column "{SEE}": "True" is not one of the answers for '
        f"agree5 — {fix}",
        f'mixed.xlsx, sheet "Form1", row 8, column "{SEE}": "2026-03-05 09:00:00" is not one of '
        f"the answers for agree5 — {fix}"]
