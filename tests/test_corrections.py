"""Reviewed corrections: stored with who and when, applied by `evaluate ingest`, undoable,
listed by `evaluate corrections`, and holding no names or emails."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import WorkspaceError
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace
from evaluate.workspace.corrections import (
    NOT_ON_PROGRAMME,
    add_correction,
    list_corrections,
    name_key,
    slot_corrections,
    undo_correction,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
ROSTER = SAMPLE / "roster.csv"
NOT_ON_ROSTER = SAMPLE / "broken" / "not-on-roster.csv"


@pytest.fixture()
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALUATE_USER", "Programme lead")
    return Workspace.init(tmp_path / "ws", roster=ROSTER)


def _ingest(ws, path=NOT_ON_ROSTER, ref="connections@1", cohort="c2", replace=False, **kw):
    return ingest_into(ws, path, ref, cohort=cohort, wave="baseline", replace=replace, **kw)


def _unmatched(result) -> str:
    row = int(result.problems.loc[result.problems["rule"] == "not_on_roster", "row"].iloc[0])
    return str(result.responses.loc[result.responses["source_row"] == row, "participant"].iloc[0])


def test_a_respondent_matched_by_a_correction_is_linked_by_the_command_line(ws, tmp_path):
    result, _ = _ingest(ws)
    uid = _unmatched(result)
    person = ws.roster().query("cohort == 'c2'")["participant"].iloc[0]
    record = add_correction(ws, kind="respondent", cohort="c2", wave="baseline",
                            instrument="connections@1", key=uid, decision=person,
                            file="not-on-roster.csv")
    assert record["id"] == "C001" and record["by"] == "Programme lead" and record["at"]
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(NOT_ON_ROSTER), "-w", str(ws.path), "-i",
                               "connections@1", "-c", "c2", "--wave", "baseline", "--replace"])
    assert done.exit_code == 0, done.output
    assert "replaces import 0001" in done.output and "not on the roster" not in done.output
    stored = ws.responses(instrument="connections", wave="baseline", cohort="c2")
    assert person in set(stored["participant"]) and uid not in set(stored["participant"])
    entry = ws.manifest()["imports"][0]
    assert entry["options"]["corrections"] == ["C001"]
    listed = runner.invoke(cli, ["corrections", str(ws.path)])
    assert listed.exit_code == 0
    assert "C001" in listed.output and "in use" in listed.output and person in listed.output
    assert "by Programme lead" in listed.output


def test_not_on_the_programme_leaves_the_response_out_and_says_so(ws):
    result, _ = _ingest(ws)
    uid = _unmatched(result)
    add_correction(ws, kind="respondent", cohort="c2", wave="baseline",
                   instrument="connections@1", key=uid, decision=NOT_ON_PROGRAMME)
    result, outcome = _ingest(ws, replace=True)
    assert result.counts["accepted"] == 4 and result.counts["excluded"] == 1
    assert outcome.status == "replaced"
    assert list(result.problems["rule"]) == ["not_on_programme"]
    # only for that cohort's wave of that instrument
    assert not slot_corrections(ws, "c1", "baseline", "connections")
    assert slot_corrections(ws, "c2", "baseline", "connections@1").respondents == {
        uid: NOT_ON_PROGRAMME}


def test_a_misspelt_answer_mapped_to_an_option(ws):
    broken = SAMPLE / "broken" / "misspelt-label.csv"
    result, _ = _ingest(ws, broken, "baseline@1", "c1", dates="day-first")
    assert result.counts["quarantined"] == 1
    add_correction(ws, kind="answer", cohort="c1", wave="baseline", instrument="baseline@1",
                   key=("peer_support", "agree strongy"), decision=5, label="Strongly agree")
    result, _ = _ingest(ws, broken, "baseline@1", "c1", dates="day-first", replace=True)
    assert result.counts["quarantined"] == 0 and result.counts["accepted"] == 5
    row = result.responses.loc[result.responses["source_row"] == 4, "peer_support"]
    assert row.tolist() == [5.0]
    assert broken.read_text(encoding="utf-8").count("Agree strongy") == 1  # file untouched


def test_a_misspelt_name_in_a_network_answer(ws, tmp_path):
    source = SAMPLE / "c2" / "network-end-c2-google.csv"
    rows = list(csv.reader(source.open(encoding="utf-8-sig")))
    names = set(ws.roster().pipe(lambda r: r)["participant"])  # ids only; names from the file
    roster_names = [r["name"] for r in csv.DictReader(ROSTER.open(encoding="utf-8"))]
    cell, name = next((j, n) for j, v in enumerate(rows[1]) for n in roster_names
                      if n in v and len(n) > 6)
    typo = name[:-1]  # "Lucy Morga"
    rows[1][cell] = rows[1][cell].replace(name, typo, 1)
    export = tmp_path / "network-end-c2.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result, _ = ingest_into(ws, export, "network@1", cohort="c2", wave="end")
    unknown = result.problems[result.problems["rule"] == "unknown_name"]
    assert unknown["value"].tolist() == [typo]
    ties = result.counts["ties"]
    key = name_key(unknown["value"].astype("string"), ws.salt).iloc[0]
    person = ws.roster()["participant"].iloc[0]
    assert person in names
    add_correction(ws, kind="name", cohort="c2", wave="end", instrument="network", key=key,
                   decision=person)
    result, _ = ingest_into(ws, export, "network@1", cohort="c2", wave="end", replace=True)
    assert (result.problems["rule"] != "unknown_name").all()
    assert result.counts["ties"] == ties + 1
    add_correction(ws, kind="name", cohort="c2", wave="end", instrument="network", key=key,
                   decision=NOT_ON_PROGRAMME)
    result, _ = ingest_into(ws, export, "network@1", cohort="c2", wave="end", replace=True)
    assert (result.problems["rule"] != "unknown_name").all() and result.counts["ties"] == ties
    # the later decision took the earlier one's place; undoing it brings that one back
    said = undo_correction(ws)
    assert "C002" in said and "C001 is used again" in said
    manifest = (ws.path / "manifest.json").read_text(encoding="utf-8")
    assert typo not in manifest and name not in manifest  # names are never stored


def test_evaluate_undo_undoes_the_latest_correction_and_nothing_personal_is_kept(ws):
    result, _ = _ingest(ws)
    uid = _unmatched(result)
    add_correction(ws, kind="respondent", cohort="c2", wave="baseline",
                   instrument="connections@1", key=uid, decision=NOT_ON_PROGRAMME)
    said = ws.undo()
    assert said.startswith("Undid correction C001")
    assert [c["state"] for c in list_corrections(ws)] == ["undone"]
    assert not slot_corrections(ws, "c2", "baseline", "connections")
    said = ws.undo()  # then the import before it
    assert said.startswith("Undid import 0001")
    manifest = json.loads((ws.path / "manifest.json").read_text(encoding="utf-8"))
    text = json.dumps(manifest)
    assert "morgan" not in text.lower() and "@example" not in text
    with pytest.raises(WorkspaceError, match="not in use already"):
        undo_correction(ws, "C001")
    with pytest.raises(WorkspaceError, match="no correction C009"):
        undo_correction(ws, "C009")


def test_a_decision_must_be_someone_on_the_roster(ws):
    with pytest.raises(WorkspaceError, match="not on this workspace's roster"):
        add_correction(ws, kind="respondent", cohort="c2", wave="baseline",
                       instrument="connections", key="U-0000000000", decision="P-nobody")
    with pytest.raises(WorkspaceError, match="is about one of"):
        add_correction(ws, kind="colour", cohort="c2", wave="baseline",
                       instrument="connections", key="x", decision=NOT_ON_PROGRAMME)


def test_corrections_command_with_none_and_undo(ws):
    runner = CliRunner()
    done = runner.invoke(cli, ["corrections", str(ws.path)])
    assert done.exit_code == 0 and "No corrections yet" in done.output
    done = runner.invoke(cli, ["corrections", str(ws.path), "--undo", "C001"])
    assert done.exit_code == 2 and "no correction C001" in done.output
    assert "Traceback" not in done.output


def test_corrections_survive_a_rebuilt_manifest(ws):
    result, _ = _ingest(ws)
    uid = _unmatched(result)
    add_correction(ws, kind="respondent", cohort="c2", wave="baseline",
                   instrument="connections@1", key=uid, decision=NOT_ON_PROGRAMME)
    add_correction(ws, kind="answer", cohort="c1", wave="baseline", instrument="baseline",
                   key=("peer_support", "agree strongy"), decision=5)
    undo_correction(ws, "C002")
    before = list_corrections(ws)
    (ws.path / "manifest.json").write_text("{ damaged", encoding="utf-8")
    (ws.path / "manifest.prev.json").unlink(missing_ok=True)
    ws.repair()
    assert list_corrections(ws) == before
    assert [c["state"] for c in before] == ["active", "undone"]
