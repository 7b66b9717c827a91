"""The last hostile inputs that failed: each gets a plain answer and loses nothing.

One test per failure: analyse and report of an empty workspace, a row-3 cell
nested thousands deep, a cohort typed in the wrong case, an empty roster, a
0.1 workspace holding data its manifest does not list, and more below.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace
from tests.conftest import SAMPLE

ROSTER = SAMPLE / "roster.csv"
QUALTRICS = SAMPLE / "c2" / "baseline-c2-qualtrics.csv"
BASELINE_C1 = SAMPLE / "c1" / "baseline-c1-msforms.xlsx"
POST_C1 = SAMPLE / "c1" / "post-c1-surveymonkey.xlsx"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("command", ["analyse", "report"])
def test_analyse_and_report_of_an_empty_workspace_say_nothing_is_imported(tmp_path, command):
    Workspace.init(tmp_path / "ws")
    result = run(command, tmp_path / "ws", "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "Nothing imported yet" in result.output and "evaluate ingest" in result.output
    assert "internal error" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_row_3_cell_nested_thousands_deep_is_bounded(tmp_path):
    with open(QUALTRICS, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[2][-1] = '{"ImportId":' + "[" * 5000 + "]" * 5000 + "}"
    hostile = tmp_path / "deep.csv"
    with open(hostile, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = run("validate", hostile, "-i", "baseline@1", "-c", "c2", "--wave", "baseline",
                 "--roster", ROSTER)
    assert "internal error" not in result.output and "RecursionError" not in result.output
    assert result.exit_code in (0, 1), result.output


def test_a_cohort_in_the_wrong_case_is_suggested(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\nAsha Patel,asha@example.org,C1\n", encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws", roster=roster)
    result = run("ingest", BASELINE_C1, "-w", ws.path, "-i", "baseline@1", "-c", "c1",
                 "--wave", "baseline")
    assert result.exit_code != 0
    assert "Did you mean C1?" in result.output


@pytest.mark.parametrize("text", ["name,email,cohort\n", "name,email,cohort,comparison group\n"])
def test_an_empty_roster_is_refused_as_empty(tmp_path, text):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    result = run("init", tmp_path / "ws", "--roster", roster)
    assert result.exit_code != 0
    assert "the roster lists no one" in result.output
    assert "comparison group" not in result.output and "0 people" not in result.output
    assert not (tmp_path / "ws").exists()


def test_migrating_a_0_1_workspace_moves_unlisted_data_to_lost_and_found(tmp_path):
    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    ingest_into(ws, BASELINE_C1, "baseline@1", cohort="c1", wave="baseline")
    record = ws.manifest()["imports"][0]
    old = {k: v for k, v in record.items() if k not in ("id", "state", "files")}
    listed = ws.path / "responses" / "c1" / "baseline" / "baseline.parquet"
    unlisted = ws.path / "responses" / "c1" / "end" / "post.parquet"
    for target in (listed, unlisted):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ws.path / record["files"]["responses"]["path"], target)
    for name in ("imports", "manifest.prev.json", "events.jsonl"):
        path = ws.path / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    (ws.path / "manifest.json").write_text(json.dumps({"imports": [old]}), encoding="utf-8")
    _, outcome = ingest_into(ws, POST_C1, "post@1", cohort="c1", wave="end")
    moved = ws.path / "lost+found" / "responses-c1-end-post.parquet"
    assert moved.is_file()
    assert "lost+found/responses-c1-end-post.parquet" in outcome.message
    assert "nothing was deleted" in outcome.message
    assert not (ws.path / "responses").exists()
    assert [r["id"] for r in ws.manifest()["imports"]] == ["0001", "0002"]


def test_a_microsoft_forms_other_answer_in_a_multi_select_is_kept_with_its_words(tmp_path):
    import openpyxl

    export = tmp_path / "baseline-msforms.xlsx"
    book = openpyxl.load_workbook(BASELINE_C1)
    sheet = book.active
    column = next(c.column for c in sheet[1] if str(c.value).startswith("Which system priorities"))
    sheet.cell(row=2, column=column, value="Workforce;Climate resilience;")
    book.save(export)
    result, _ = ingest_into(Workspace.init(tmp_path / "ws", roster=ROSTER), export, "baseline@1",
                            cohort="c1", wave="baseline")
    first = result.responses.loc[result.responses["source_row"] == 2].iloc[0]
    assert first["priorities"] == "4|7"  # Workforce and Other
    assert first["priorities_other"] == "Climate resilience"
    held = result.stored_problems()
    assert not (held["row"].astype(str) == "2").any(), held  # the response was not held back
