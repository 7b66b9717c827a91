"""The workspace refuses mistakes, keeps every import, and changes all-or-nothing.

Each test here is one of the ordinary slips that used to corrupt a workspace
and exit 0 (a cohort or wave that does not exist, another cohort's file, the
wrong instrument, a replacement nobody asked for), or one of the promises
that make it safe to keep a year of evidence in it (history, undo, analyses
reading exactly what the manifest lists, one writer at a time).
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import ImportRefused, WorkspaceDamaged, WorkspaceError
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace
from tests.conftest import SAMPLE

ROSTER = SAMPLE / "roster.csv"
BASELINE_C1 = SAMPLE / "c1" / "baseline-c1-msforms.xlsx"
POST_C1 = SAMPLE / "c1" / "post-c1-surveymonkey.xlsx"
PULSE = Path(__file__).parent / "fixtures" / "instruments"
SEE = "I can see the wider system that my work is part of"


@pytest.fixture
def ws(tmp_path):
    return Workspace.init(tmp_path / "ws", roster=ROSTER)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _stored(ws: Workspace) -> int:
    return len(ws.responses())


# ---------------------------------------------------------------- mistakes refused
def test_an_undeclared_cohort_is_refused_and_nothing_stored(ws):
    # the sample roster declares c1, c2 and c3 (its wait-list comparison group)
    result = run("ingest", BASELINE_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c9",
                 "--wave", "baseline")
    assert result.exit_code == 1
    assert 'Cohort "c9" is not one of this workspace\'s cohorts (c1, c2, c3)' in result.output
    assert "--new-cohort" in result.output
    assert _stored(ws) == 0 and Workspace.open(ws.path).cohorts == ["c1", "c2", "c3"]


def test_a_misspelt_wave_is_refused_with_the_likely_one(ws):
    result = run("ingest", BASELINE_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c1",
                 "--wave", "basline")
    assert result.exit_code == 1
    assert 'Wave "basline" is not one of this workspace\'s waves' in result.output
    assert "Did you mean baseline?" in result.output
    assert "basline" not in Workspace.open(ws.path).waves and _stored(ws) == 0


def test_a_new_wave_is_added_only_on_purpose(ws):
    result = run("ingest", BASELINE_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c1",
                 "--wave", "induction", "--new-wave")
    assert result.exit_code == 0, result.output
    assert "induction" in Workspace.open(ws.path).waves and _stored(ws) == 39


def test_another_cohorts_export_is_refused(ws):
    """-c c2 on cohort 1's file used to replace cohort 2's baseline with cohort 1's people."""
    result = run("ingest", BASELINE_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c2",
                 "--wave", "baseline")
    assert result.exit_code == 1
    assert "are in cohort c1, not c2, so nothing was imported" in result.output
    assert "use -c c1" in result.output
    assert _stored(ws) == 0


def test_an_export_of_another_instrument_is_refused(ws):
    """-i baseline@1 on the post survey: the post repeats the baseline items and adds more."""
    result = run("ingest", POST_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c1", "--wave", "end")
    assert result.exit_code == 1
    assert "questions of baseline@1 are in this export, so nothing was imported" in result.output
    assert "this export looks like post@1" in result.output and "use -i post@1" in result.output
    assert _stored(ws) == 0


def test_replacing_needs_replace_and_says_what_would_change(ws, tmp_path):
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    changed = tmp_path / "baseline-c1-corrected.xlsx"
    wb = openpyxl.load_workbook(BASELINE_C1)
    sheet = wb.active
    headings = [c.value for c in sheet[1]]
    col = headings.index(SEE) + 1
    sheet.cell(row=2, column=col).value = "Strongly disagree"  # one answer corrected
    sheet.delete_rows(3)  # one response dropped
    wb.save(changed)
    refused = run("ingest", changed, "-w", ws.path, "-i", "baseline@1", "-c", "c1",
                  "--wave", "baseline")
    assert refused.exit_code == 1
    assert "already holds import 0001" in refused.output
    assert "1 person removed, 1 answer changed for 1 person" in refused.output
    assert "add --replace" in refused.output
    replaced = run("ingest", changed, "-w", ws.path, "-i", "baseline@1", "-c", "c1",
                   "--wave", "baseline", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "replaces import 0001" in replaced.output
    assert _stored(Workspace.open(ws.path)) == 38


# ---------------------------------------------------------------- nothing lost
def test_history_undo_remove_restore(ws, tmp_path):
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    second = tmp_path / "again.xlsx"
    wb = openpyxl.load_workbook(BASELINE_C1)
    wb.active.delete_rows(2, 5)
    wb.save(second)
    _, outcome = ingest_into(ws, second, "baseline@1", cohort="c1", wave="baseline", replace=True)
    assert outcome.status == "replaced" and _stored(ws) == 34
    history = run("history", ws.path)
    assert "0001" in history.output and "replaced by 0002" in history.output
    assert "import 0002 replaced 0001" in history.output
    said = run("undo", ws.path)
    assert said.exit_code == 0 and "import 0001" in said.output and _stored(ws) == 39
    # the undone import is still in the history, and can be restored
    assert {r["id"]: r["state"] for r in ws.manifest()["history"]} == {"0001": "active",
                                                                        "0002": "removed"}
    assert run("restore", ws.path, "2").exit_code == 0 and _stored(ws) == 34
    assert run("remove", ws.path, "0002").exit_code == 0 and _stored(ws) == 0
    assert run("undo", ws.path).exit_code == 0 and _stored(ws) == 34
    missing = run("remove", ws.path, "9")
    assert missing.exit_code == 2 and 'There is no import "9"' in missing.output


def test_status_tells_the_truth(ws):
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    out = run("status", ws.path).output
    assert "Imports in use (1):" in out
    assert "baseline-c1-msforms.xlsx" in out
    entry = ws.manifest()["imports"][0]
    if entry["quarantined"] or entry["warnings"] or entry["file_problems"]:
        assert "needs attention" in out and "! import 0001" in out
    total = f"Total: {entry['read']} read = {entry['accepted']} accepted + {entry['quarantined']}"
    assert total in out


def test_analyses_read_only_what_the_manifest_lists(ws):
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    before = ws.responses()
    # a stray folder of data (a crash before the commit, a copy by hand) is not read
    stray = ws.path / "imports" / "0099"
    shutil.copytree(ws.path / "imports" / "0001", stray)
    (ws.path / "responses" / "c1" / "end").mkdir(parents=True)
    shutil.copy(stray / "responses.parquet", ws.path / "responses" / "c1" / "end" / "post.parquet")
    pd.testing.assert_frame_equal(ws.responses(), before)
    # the next change clears the stray folder, which no manifest ever listed
    _, outcome = ingest_into(ws, POST_C1, "post@1", cohort="c1", wave="end")
    assert outcome.entry["id"] == "0002" and not stray.exists()


def test_a_damaged_manifest_is_named_with_the_fix(ws):
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    (ws.path / "manifest.json").write_text('{"format": 2, "records": [', encoding="utf-8")
    with pytest.raises(WorkspaceDamaged, match=r"manifest.json: the manifest is damaged .* "
                                               r"`evaluate repair"):
        ws.responses()
    out = run("status", ws.path)
    assert out.exit_code == 1 and "evaluate repair" in out.output and "internal error" not in out.output


def test_a_failed_init_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("name,email,cohort\nJo Smith,jo@example.org,c1\nJo Smyth,jo@example.org,c1\n",
                   encoding="utf-8")
    target = tmp_path / "new-ws"
    result = run("init", target, "--roster", bad)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert not target.exists()
    bad.write_text("name,email,cohort\nJo Smith,jo@example.org,c1\nJo Smyth,jo.s@example.org,c1\n",
                   encoding="utf-8")
    again = run("init", target, "--roster", bad)
    assert again.exit_code == 0, again.output


def test_a_workspace_from_version_0_1_is_migrated_on_its_next_change(ws, tmp_path):
    """Written by evaluate 0.1: responses/COHORT/WAVE/ID.parquet and a manifest of imports."""
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    record = ws.manifest()["imports"][0]
    old = {k: v for k, v in record.items() if k not in ("id", "state", "files")}
    for kind, folder in (("responses", "responses"), ("problems", "quarantine")):
        if kind not in record["files"]:
            continue
        target = ws.path / folder / "c1" / "baseline" / "baseline.parquet"
        target.parent.mkdir(parents=True)
        shutil.copy(ws.path / record["files"][kind]["path"], target)
    shutil.rmtree(ws.path / "imports")
    (ws.path / "manifest.json").write_text(json.dumps({"imports": [old]}), encoding="utf-8")
    (ws.path / "manifest.prev.json").unlink(missing_ok=True)
    assert _stored(ws) == 39  # read as it is
    _, post = ingest_into(ws, POST_C1, "post@1", cohort="c1", wave="end")
    manifest = ws.manifest()
    assert [r["id"] for r in manifest["imports"]] == ["0001", "0002"]
    assert manifest["imports"][0]["migrated_from"] == "evaluate 0.1"
    assert not (ws.path / "responses").exists()
    assert _stored(ws) == 39 + post.entry["accepted"]


def _import_one(args):
    root, n = args
    path = Path(root) / f"pulse-{n}.csv"
    ws = Workspace.open(Path(root) / "ws")
    try:
        _, outcome = ingest_into(ws, path, "pulse@1", cohort="c1", wave=f"w{n}", new_wave=True)
        return outcome.status
    except WorkspaceError as exc:  # refused plainly is acceptable; corruption is not
        return f"refused: {exc}"


@pytest.mark.parametrize("writers", [2, 4, 8])
def test_concurrent_imports_all_land_or_are_refused_plainly(tmp_path, writers):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"Person {i},p{i}@example.org,c1\n" for i in range(6)), encoding="utf-8")
    Workspace.init(tmp_path / "ws", roster=roster, instruments_dir=PULSE)
    for n in range(writers):
        (tmp_path / f"pulse-{n}.csv").write_text(
            f"Email,{SEE}\n" + "".join(f"p{i}@example.org,Agree\n" for i in range(6)),
            encoding="utf-8")
    with multiprocessing.get_context("spawn").Pool(writers) as pool:
        statuses = pool.map(_import_one, [(str(tmp_path), n) for n in range(writers)])
    ws = Workspace.open(tmp_path / "ws")
    landed = [s for s in statuses if s == "new"]
    assert len(landed) + sum(s.startswith("refused") for s in statuses) == writers
    assert len(landed) == writers  # the lock queues them: none needs refusing at this size
    imports = ws.imports()
    assert sorted(imports["wave"]) == sorted(f"w{n}" for n in range(writers))
    assert len(ws.responses()) == 6 * writers
    assert set(ws.waves) >= {f"w{n}" for n in range(writers)}
    on_disk = sorted(p.name for p in (ws.path / "imports").iterdir())
    assert on_disk == sorted(imports["id"])  # no orphan folders


def test_refusal_raises_in_the_library_too(ws):
    with pytest.raises(ImportRefused, match="not one of this workspace's waves"):
        ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="basline")


def test_a_reader_during_the_first_import_sees_the_manifest_before_it(tmp_path):
    """The first import's folder is renamed into place before the manifest that
    lists it is written; a reader in between (another process reading outside
    the lock) must see the empty manifest, not a workspace it calls damaged."""
    from evaluate.workspace.store import read_manifest

    ws = Workspace.init(tmp_path / "ws", instruments_dir=PULSE)
    assert read_manifest(ws.path)["records"] == []
    with ws.transaction("an import") as tx:
        tx.stage_import({"responses": pd.DataFrame({"a": [1]})},
                        {"state": "active", "cohort": "c1", "wave": "baseline",
                         "instrument": "pulse@1", "file": "x.csv"})
        assert (ws.path / "imports").is_dir()
        assert read_manifest(ws.path)["records"] == []  # before: no damage reported
    assert len(read_manifest(ws.path)["records"]) == 1  # after


def test_an_older_workspace_refuses_two_people_whose_short_ids_clash(tmp_path):
    """Workspaces made before the ``2:`` salts keep 10-digit ids; two people whose ids would
    be one are refused with the fix (a new workspace), never merged, and nothing is stored."""
    from tests.test_analysis_large import LABELS, _instrument
    from tests.test_privacy import CLASHING, OLD_SALT

    runner = CliRunner()
    ws = tmp_path / "ws"
    made = runner.invoke(cli, ["init", str(ws), "--instruments", str(_instrument(tmp_path / "inst")),
                               "--cohort", "c1"])
    assert made.exit_code == 0, made.output
    (ws / ".salt").write_text(OLD_SALT + "\n", encoding="utf-8")  # as an older version made it
    emails = [k.removeprefix("email:") for k in CLASHING] + ["someone@example.org"]
    export = pd.DataFrame({"ID": [1, 2, 3], "Email": emails,
                           **{f"Statement q{i}": [LABELS[3]] * 3 for i in range(4)}})
    export.to_csv(tmp_path / "wide.csv", index=False)
    args = ["ingest", str(tmp_path / "wide.csv"), "-w", str(ws), "-i", "wide@1", "-c", "c1",
            "--wave", "baseline"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert "same pseudonymous id" in refused.output and "evaluate init" in refused.output
    assert "wide.csv, rows 2, 3:" in refused.output  # the two people's rows, not the third's
    assert Workspace.open(ws).manifest()["imports"] == []
    # a workspace made by this version gives them ids of their own
    fresh = tmp_path / "fresh"
    runner.invoke(cli, ["init", str(fresh), "--instruments", str(tmp_path / "inst"), "--cohort", "c1"])
    accepted = runner.invoke(cli, [*args[:3], str(fresh), *args[4:]])
    assert accepted.exit_code == 0, accepted.output
    stored = pd.read_parquet(next((fresh / "imports").glob("*/responses.parquet")))
    assert stored["participant"].nunique() == 3
