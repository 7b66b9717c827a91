"""The bundled sample programme imports cleanly; each broken export shows its one problem."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.ingest.pipeline import ingest_file, ingest_into
from evaluate.instruments import load_instruments
from evaluate.roster import read_roster

from .conftest import SAMPLE

MANIFEST = yaml.safe_load((SAMPLE / "manifest.yaml").read_text(encoding="utf-8"))
RULES = {"misspelt_label": "allowed_answers", "duplicate_respondent": "field_uniqueness",
         "missing_column": "missing_column", "not_on_roster": "not_on_roster"}


@pytest.mark.parametrize("entry", MANIFEST["broken"], ids=lambda e: e["path"])
def test_each_broken_export_reports_its_problem_and_keeps_good_rows(entry):
    inst = load_instruments()[entry["instrument"]]
    roster = read_roster(SAMPLE / "roster.csv", "salt")
    result = ingest_file(SAMPLE / entry["path"], inst, cohort=entry["cohort"], wave=entry["wave"],
                         roster=roster, salt="salt")
    problems = result.problems
    rule = RULES[entry["problem"]]
    hits = problems[problems["rule"] == rule]
    assert len(hits) >= 1, problems
    if "row" in entry:
        assert int(hits.iloc[0]["row"]) == entry["row"]
    if "rows" in entry:
        assert int(hits.iloc[0]["row"]) in entry["rows"]
    assert hits.iloc[0]["column"] == entry["column"]
    assert hits.iloc[0]["fix"]
    c = result.counts
    assert c["read"] == c["accepted"] + c["quarantined"] + c["excluded"]
    # only the one bad row (if any) is left out; every good row is kept
    assert c["quarantined"] <= 1
    assert result.has_problems


def test_broken_export_exits_1_under_strict():
    entry = MANIFEST["broken"][0]
    result = CliRunner().invoke(cli, [
        "validate", str(SAMPLE / entry["path"]), "-i", entry["instrument"], "-c", entry["cohort"],
        "--wave", entry["wave"], "--roster", str(SAMPLE / "roster.csv"), "--strict"])
    assert result.exit_code == 1
    assert f"row {entry['row']}" in result.output and "Agree strongy" in result.output


def test_every_sample_export_accounted_for(demo_workspace):
    ws, outcomes = demo_workspace
    imports = ws.imports()
    assert len(imports) == len(MANIFEST["exports"])
    assert (imports["read"] == imports["accepted"] + imports["quarantined"]
            + imports["excluded"]).all()
    for entry, result, _ in outcomes:
        assert result.raw.platform == entry["platform"], entry["path"]
        # every question of the instrument that the export carries was recognised
        unmatched = result.problems[result.problems["rule"].isin(["unmatched_column", "ambiguous_column"])]
        assert unmatched.empty, (entry["path"], unmatched[["column", "rule"]])
    assert len(ws.responses()) == imports["accepted"].sum()


def test_no_personal_data_anywhere_in_the_workspace(demo_workspace):
    ws, _ = demo_workspace
    roster = pd.read_csv(SAMPLE / "roster.csv")
    needles = set(roster["name"]) | set(roster["email"]) | set(roster["email"].str.lower())
    needles |= {n.split()[-1] for n in roster["name"] if len(n.split()[-1]) > 5}  # distinctive surnames
    for f in sorted(p for p in ws.path.rglob("*") if p.is_file()):
        text = pd.read_parquet(f).to_csv() if f.suffix == ".parquet" else f.read_text(errors="ignore")
        found = [n for n in needles if n in text]
        assert not found, f"{f.relative_to(ws.path)} contains {found[:3]}"


def test_reimporting_a_sample_export_changes_nothing(demo_workspace):
    ws, outcomes = demo_workspace
    entry, _, _ = outcomes[0]
    before = (ws.path / "manifest.json").read_text()
    _, outcome = ingest_into(ws, SAMPLE / entry["path"], entry["instrument"], cohort=entry["cohort"],
                             wave=entry["wave"], sheet=entry.get("sheet"), platform=entry.get("platform"))
    assert outcome.status == "unchanged"
    assert (ws.path / "manifest.json").read_text() == before
