"""The loop from form to evidence, as a programme lead runs it from the command line.

``publish -w`` records the fingerprint where ``validate -w`` and ``ingest``
look; a question reworded on the live form is refused until the person
accepts it (``--accept-drift``, stored with the import and undone with it);
an export imported with the wrong instrument is refused, naming the right
one (``--instrument-anyway`` imports it all the same, recorded); publishing
from the package's own instruments never writes into the package.
"""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import evaluate.resources as resources
from evaluate.cli import cli
from evaluate.ingest.fit import fit_instruments, propose_instrument
from evaluate.ingest.pipeline import ingest_file
from evaluate.ingest.readers import read_export
from evaluate.instruments import load_instruments
from evaluate.publish import publish
from evaluate.publish.fingerprint import load_publications
from evaluate.workspace import Workspace
from tests.test_publish_roundtrip import _records, export_google, people  # noqa: F401 - fixture

REPO = Path(__file__).resolve().parent.parent
ROSTER = REPO / "sample_data" / "roster.csv"
BASELINE = REPO / "sample_data" / "c1" / "baseline-c1-msforms.xlsx"
INSTRUMENTS = load_instruments(REPO / "instruments")
REWORDED = "I can see the wider system my work is a part of"


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture()
def workspace(tmp_path):
    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    r = _run("publish", "baseline@1", "--to", "google", "-w", ws.path, "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert "instruments/published/baseline@1-google-2026-12-01.yaml" in r.output
    return Workspace.open(ws.path)


def _google_export(ws, people, path, reword: str | None = None) -> Path:  # noqa: F811
    inst = ws.instruments()["baseline@1"]
    (pub,) = load_publications(inst, ws)
    rows, _, write = export_google(inst, pub, _records(pub, people, []), [], path)
    if reword:
        rows = copy.deepcopy(rows)
        title = next(q.title for q in pub.questions if q.item == "see_the_system")
        rows[0][rows[0].index(title)] = reword
    write(rows)
    return path


def test_publish_into_the_workspace_then_validate_says_it_matches(workspace, people, tmp_path):  # noqa: F811
    path = _google_export(workspace, people, tmp_path / "baseline.csv")
    r = _run("validate", path, "-w", workspace.path, "-i", "baseline@1", "-c", "c1",
             "--wave", "baseline")
    assert r.exit_code == 0, r.output
    assert ("Matches baseline@1 as published to Google Forms on 2026-12-01: every question, "
            "answer and heading as published.") in r.output
    assert "12 accepted, 0 held back" in r.output and " problem" not in r.output.replace("with problems", "")


def test_a_reworded_question_is_refused_until_accepted_and_the_decision_is_undone_with_the_import(
        workspace, people, tmp_path):  # noqa: F811
    path = _google_export(workspace, people, tmp_path / "baseline.csv", reword=REWORDED)
    args = ["ingest", path, "-w", workspace.path, "-i", "baseline@1", "-c", "c1", "--wave", "baseline"]
    r = _run(*args)
    assert r.exit_code == 1, r.output
    assert ('question 4 (see_the_system) was published with the wording "I can see the wider '
            f'system that my work is part of" but reads "{REWORDED}" on the live form, so nothing '
            "was imported") in r.output
    assert "--accept-drift see_the_system" in r.output
    assert not (workspace.path / "imports").exists() or not any((workspace.path / "imports").iterdir())

    r = _run(*args, "--accept-drift", "see_the_system")
    assert r.exit_code == 0, r.output
    assert "imported as see_the_system, as you asked (--accept-drift see_the_system)" in r.output
    ws = Workspace.open(workspace.path)
    responses = ws.responses()
    assert responses["see_the_system"].notna().sum() == 12
    assert responses["participant"].isin(ws.roster()["participant"]).sum() == 12  # all linked
    manifest = json.loads((ws.path / "manifest.json").read_text())
    assert '"accept_drift": ["see_the_system"]' in json.dumps(manifest)

    r = _run("undo", ws.path)
    assert r.exit_code == 0, r.output
    assert Workspace.open(ws.path).responses().empty
    # the decision went with the import: the same file without it is refused again
    assert _run(*args).exit_code == 1


def test_a_baseline_export_named_as_post_or_follow_up_is_refused_naming_baseline():
    for wrong in ("post@1", "follow_up@1"):
        inst = INSTRUMENTS[wrong]
        result = ingest_file(BASELINE, inst, cohort="c1", wave="baseline", instruments=INSTRUMENTS)
        assert result.refused
        (refusal,) = result.refusals().to_dict("records")
        assert refusal["rule"] == "other_instrument_fits"
        assert "use -i baseline@1" in refusal["fix"]
        assert "this export looks like baseline@1, 34 of 34 questions" in refusal["fix"]
        assert f"{wrong} matches 29 of {len(inst.items)}" in refusal["fix"]
        anyway = ingest_file(BASELINE, inst, cohort="c1", wave="baseline",
                             instruments=INSTRUMENTS, instrument_anyway=True)
        assert not anyway.refused
        assert "other_instrument_fits" in set(anyway.problems["rule"])


def test_the_cli_refuses_the_wrong_instrument_and_records_instrument_anyway(tmp_path):
    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    args = ["ingest", BASELINE, "-w", ws.path, "-i", "post@1", "-c", "c1", "--wave", "baseline"]
    r = _run(*args)
    assert r.exit_code == 1 and "use -i baseline@1" in r.output, r.output
    r = _run(*args, "--instrument-anyway")
    assert r.exit_code == 0, r.output
    assert '"instrument_anyway": true' in (ws.path / "manifest.json").read_text()


def test_the_best_fitting_instrument_is_a_library_function():
    raw = read_export(BASELINE)
    fits = fit_instruments(raw, INSTRUMENTS)
    assert fits[0].describe() == "baseline@1, 34 of 34 questions"
    assert propose_instrument(raw, INSTRUMENTS, wave="baseline").ref == "baseline@1"
    post = next(f for f in fits if f.ref == "post@1")
    assert (post.found, post.asked) == (29, 52)


def test_an_instrument_for_another_wave_is_refused_when_the_waves_own_fits_as_well():
    result = ingest_file(BASELINE, INSTRUMENTS["baseline@1"], cohort="c1", wave="end",
                         instruments=INSTRUMENTS)
    assert not result.refused  # no instrument made for "end" fits as well: nothing to refuse
    for_end = replace(INSTRUMENTS["baseline@1"], version=9, wave="end")
    result = ingest_file(BASELINE, INSTRUMENTS["baseline@1"], cohort="c1", wave="end",
                         instruments={**INSTRUMENTS, "baseline@9": for_end})
    (refusal,) = result.refusals().to_dict("records")
    assert refusal["rule"] == "instrument_for_another_wave"
    assert refusal["message"].startswith("baseline@1 is made for the baseline wave, not end, and "
                                         "baseline@9 (made for end) fits this export as well")
    assert refusal["fix"].startswith("use -i baseline@9, or check --wave")
    network = REPO / "sample_data" / "c1" / "network-end-c1-qualtrics.xlsx"
    result = ingest_file(network, INSTRUMENTS["network@1"], cohort="c1", wave="end",
                         instruments=INSTRUMENTS)
    assert not result.refused  # the network survey is asked at every wave


def test_publishing_the_installed_packages_own_instruments_never_writes_into_the_package(
        tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "evaluate"
    shipped = package / "shipped" / "instruments"
    shutil.copytree(REPO / "instruments", shipped, ignore=shutil.ignore_patterns("published"))
    monkeypatch.setattr(resources, "_PACKAGE", package)
    before = sorted(p.relative_to(package) for p in package.rglob("*"))
    inst = load_instruments(shipped)["baseline@1"]
    result = publish(inst, "google", tmp_path / "forms", published="2026-12-01")
    assert sorted(p.relative_to(package) for p in package.rglob("*")) == before
    assert result.fingerprint_path.parent == tmp_path / "forms"
    # and a workspace made from them keeps its fingerprints to itself
    ws = Workspace.init(tmp_path / "ws", instruments_dir=shipped)
    r = _run("publish", "baseline@1", "--to", "xlsform", "-w", ws.path, "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert sorted(p.relative_to(package) for p in package.rglob("*")) == before
    assert [p.name for p in (ws.path / "instruments" / "published").iterdir()] == [
        "baseline@1-xlsform-2026-12-01.yaml"]
    assert pd.notna(result.publication.hash)
