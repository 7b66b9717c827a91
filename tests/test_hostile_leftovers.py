"""The last hostile inputs that failed: each gets a plain answer and loses nothing.

One test per failure: analyse and report of an empty workspace, a row-3 cell
nested thousands deep, a cohort typed in the wrong case, an empty roster, a
0.1 workspace holding data its manifest does not list, and more below.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

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


def test_a_name_not_on_the_roster_in_a_grid_heading_is_hidden_everywhere(tmp_path):
    network = SAMPLE / "c2" / "network-baseline-c2-google.csv"
    with open(network, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    column = next(n for n, h in enumerate(rows[0]) if h.endswith("]"))
    rows[0][column] = "How often do you work with each of these people? [Pat Example]"
    export = tmp_path / "network.csv"
    with open(export, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    shown = run("ingest", export, "-w", ws.path, "-i", "network@1", "-c", "c2", "--wave",
                "baseline")
    assert shown.exit_code == 0, shown.output
    assert "names someone who is not on the roster" in shown.output  # reported …
    assert "Pat Example" not in shown.output  # … and hidden
    problems = ws.problems()
    assert (problems["rule"] == "unknown_name").any()
    assert not problems.astype(str).apply(lambda c: c.str.contains("Pat Example")).any().any()
    for path in ws.path.rglob("*"):
        if path.is_file():
            assert b"Pat Example" not in path.read_bytes(), path


def _titled(tmp_path):
    with open(SAMPLE / "c3" / "baseline-c3-google.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / "titled.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Baseline survey export"], ["Downloaded 1 May"], *rows])
    return path, "baseline@1", "c3", "baseline"


def _surveymonkey_without(row: int):
    def make(tmp_path):
        import openpyxl

        book = openpyxl.load_workbook(POST_C1)
        book.active.delete_rows(row, 1)
        path = tmp_path / f"post-without-row-{row}.xlsx"
        book.save(path)
        return path, "post@1", "c1", "end"
    return make


def _legacy_qualtrics_shuffled(tmp_path):
    with open(SAMPLE / "c2" / "follow-up-c2-qualtrics-legacy.csv", encoding="utf-8-sig",
              newline="") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / "legacy-shuffled.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:  # question row below a response
        csv.writer(fh).writerows([rows[0], rows[2], rows[1], *rows[3:]])
    return path, "follow_up@1", "c2", "follow_up"


@pytest.mark.parametrize("make, seen", [
    (_legacy_qualtrics_shuffled, 'row 1 reads "V1", "V2", "V3", but 40 of the headings '
                                 "follow_up@1 expects are on row 3"),
    (_titled, 'row 1 reads "Baseline survey export", but 35 of the headings baseline@1 expects '
              "are on row 3"),
    (_surveymonkey_without(1), "8 of the 60 columns have no heading"),
    (_surveymonkey_without(2), "SurveyMonkey exports have two heading rows"),
])
def test_damaged_heading_rows_are_refused_as_such_and_first(tmp_path, make, seen):
    path, instrument, cohort, wave = make(tmp_path)
    result = run("validate", path, "-i", instrument, "-c", cohort, "--wave", wave,
                 "--roster", ROSTER)
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert "the heading rows look damaged" in problems[0] and seen in problems[0], problems[0]
    assert "the instrument is right" in problems[0]
    assert "check that -i names the instrument" not in result.output


def _small_workspace(tmp_path) -> Workspace:
    pulse = Path(__file__).parent / "fixtures" / "instruments"
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"Person {i},p{i}@example.org,c1\n" for i in range(6)), encoding="utf-8")
    export = tmp_path / "pulse.csv"
    export.write_text("Email,I can see the wider system that my work is part of\n" + "".join(
        f"p{i}@example.org,Agree\n" for i in range(6)), encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws", roster=roster, instruments_dir=pulse)
    ingest_into(ws, export, "pulse@1", cohort="c1", wave="baseline")
    return ws


def test_a_full_disk_during_report_names_the_file_and_leaves_no_half_dashboard(tmp_path,
                                                                            monkeypatch):
    import errno

    ws = _small_workspace(tmp_path)
    real = Path.write_bytes

    def full(self, data):
        if self.name.startswith(".dashboard.html"):
            with open(self, "wb") as fh:
                fh.write(data[: len(data) // 2])  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "report"
    result = run("report", ws.path, "--out", out)
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.output and "dashboard.html" in result.output
    assert "(a file)" not in result.output and "workspace" not in result.output
    assert not (out / "dashboard.html").exists()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_while_writing_a_workbook_leaves_no_half_workbook(tmp_path, monkeypatch):
    import errno

    from evaluate.report import xlsx

    ws = _small_workspace(tmp_path)
    real = xlsx._write_zip  # where a workbook's bytes reach the disk

    def full(path, *args, **kwargs):
        real(path, *args, **kwargs)
        with open(path, "r+b") as fh:
            fh.truncate(100)  # half written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsx, "_write_zip", full)
    out = tmp_path / "report"
    result = run("report", ws.path, "--out", out)
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert f"the disk is full (a file in {out})" in result.output, result.output
    assert "workspace" not in result.output
    assert not list(out.glob("*.xlsx")) and not list(out.glob(".*"))
