"""Results computed once: `analyse` stores them in the workspace, `report` reuses them while
nothing changes, and computes them again (saying why) when anything did or the store is damaged."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import evaluate
import evaluate.analysis
from evaluate.cli import cli
from evaluate.workspace import Workspace
from evaluate.workspace.results import load_results, results_key, store_results

SEE = "I can see the wider system that my work is part of"
PULSE = str(Path(__file__).parent / "fixtures" / "instruments")  # pulse@1: the one question SEE
ROSTER = "name,email,cohort,organisation,sector,place,role\n" + "".join(
    f"Person {i},p{i}@example.org,c1,Org {i % 3},NHS acute,Luton,Manager\n" for i in range(8))


def _export(path: Path, answers: list[str]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", SEE])
    t0, t1 = dt.datetime(2026, 3, 5, 9), dt.datetime(2026, 3, 5, 9, 10)
    for i, answer in enumerate(answers):
        sheet.append([i + 1, t0, t1, f"p{i}@example.org", f"Person {i}", answer])
    wb.save(path)
    return path


@pytest.fixture
def workspace(tmp_path):
    runner = CliRunner()
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws), "--roster", str(roster), "--instruments", PULSE]).exit_code == 0
    export = _export(tmp_path / "baseline.xlsx", ["Agree", "Disagree", "Neutral", "Agree"] * 2)
    result = runner.invoke(cli, ["ingest", str(export), "-w", str(ws), "-i", "pulse@1", "-c", "c1",
                                 "--wave", "baseline", "-q"])
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture
def counted(monkeypatch):
    """Count calls of the analysis entry point (the one the commands use)."""
    calls = []
    real = evaluate.analysis.analyse

    def analyse(ws, **kwargs):
        calls.append(ws.path)
        return real(ws, **kwargs)

    monkeypatch.setattr(evaluate.analysis, "analyse", analyse)
    return calls


def _fail(ws, **kwargs):
    raise AssertionError("the analysis ran although its results were stored")


def _report(ws: Path, out: Path):
    result = CliRunner().invoke(cli, ["report", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "dashboard.html").exists() and (out / "tables.xlsx").exists()
    return result.output


def test_report_after_analyse_reuses_the_stored_results(workspace, tmp_path, monkeypatch):
    result = CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    index = json.loads((workspace / "results" / "index.json").read_text(encoding="utf-8"))
    assert index["key"]["version"] == evaluate.__version__ and "prepost" in index["tables"]
    monkeypatch.setattr(evaluate.analysis, "analyse", _fail)
    output = _report(workspace, tmp_path / "r")
    assert "Using the results `evaluate analyse` stored" in output
    assert (tmp_path / "r" / "tables" / "prepost.csv").read_bytes() == (tmp_path / "a" / "prepost.csv").read_bytes()


def test_report_computes_again_after_a_new_import_and_says_why(workspace, tmp_path, counted):
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    assert len(counted) == 1
    export = _export(tmp_path / "end.xlsx", ["Agree strongly", "Agree", "Agree", "Neutral"] * 2)
    result = CliRunner().invoke(cli, ["ingest", str(export), "-w", str(workspace), "-i", "pulse@1",
                                      "-c", "c1", "--wave", "end", "-q"])
    assert result.exit_code == 0, result.output
    output = _report(workspace, tmp_path / "r1")
    assert "Computing the results: the workspace has changed since the results were stored" in output
    assert len(counted) == 2
    # the report stored what it computed: the next report reuses it
    output = _report(workspace, tmp_path / "r2")
    assert "Using the results" in output and len(counted) == 2
    # and undoing the import is a change too
    assert CliRunner().invoke(cli, ["undo", str(workspace)]).exit_code == 0
    assert "has changed" in _report(workspace, tmp_path / "r3") and len(counted) == 3


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete", "index"])
def test_a_damaged_store_is_never_trusted(workspace, tmp_path, counted, damage):
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    folder = workspace / "results"
    target = folder / "prepost.parquet"
    if damage == "flip":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "delete":
        target.unlink()
    else:
        (folder / "index.json").write_text('{"format": 1, "key": ', encoding="utf-8")
    output = _report(workspace, tmp_path / "r")
    assert "Computing the results: the stored results are damaged" in output
    assert len(counted) == 2
    assert (tmp_path / "r" / "tables" / "prepost.csv").read_bytes() == (tmp_path / "a" / "prepost.csv").read_bytes()


def test_another_software_version_computes_again(workspace, tmp_path, counted, monkeypatch):
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    monkeypatch.setattr(evaluate, "__version__", "99.0")
    output = _report(workspace, tmp_path / "r")
    assert f"computed by evaluate {evaluate.analysis.__version__}" in output or "computed by evaluate" in output
    assert "and this is 99.0" in output and len(counted) == 2


def test_results_are_not_stored_when_the_workspace_changes_while_they_are_computed(workspace, monkeypatch):
    real = evaluate.analysis.analyse

    def analyse_during_a_change(ws, **kwargs):
        ws.add_wave("later")  # a change lands while the analysis runs
        return real(ws, **kwargs)

    monkeypatch.setattr(evaluate.analysis, "analyse", analyse_during_a_change)
    evaluate.analysis.analyse_and_store(Workspace.open(workspace))
    assert not (workspace / "results" / "index.json").exists()
    assert evaluate.analysis.stored_results(Workspace.open(workspace)).tables is None


def test_changing_settings_or_instruments_changes_the_key(workspace):
    before = results_key(workspace)
    assert results_key(workspace) == before
    config = workspace / "evaluate.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("min_group_size: 5", "min_group_size: 3"),
                      encoding="utf-8")
    after_settings = results_key(workspace)
    assert after_settings != before
    extra = workspace / "instruments" / "codebook.yaml"
    extra.write_text("themes: []\n", encoding="utf-8")
    assert results_key(workspace) != after_settings


def test_a_table_parquet_cannot_hold_exactly_stores_nothing(tmp_path):
    key = {"workspace": "x", "version": evaluate.__version__}
    assert store_results(tmp_path, key, {"fine": pd.DataFrame({"a": [1.0]})})
    mixed = pd.DataFrame({"a": pd.Series([1, "one"], dtype=object)})
    assert not store_results(tmp_path, key, {"fine": pd.DataFrame({"a": [1.0]}), "mixed": mixed})
    assert load_results(tmp_path, key).tables is None


def test_stored_tables_are_the_computed_tables(demo_workspace, tmp_path):
    ws, _ = demo_workspace
    copy = Workspace.open(shutil.copytree(ws.path, tmp_path / "ws"))
    fresh = evaluate.analysis.analyse_and_store(copy)
    stored = evaluate.analysis.stored_results(copy)
    assert stored.tables is not None and sorted(stored.tables) == sorted(fresh)
    for name, table in fresh.items():
        pd.testing.assert_frame_equal(stored.tables[name], table.reset_index(drop=True), check_exact=True,
                                      obj=name)


def test_tables_are_read_only_when_asked_for_and_the_report_never_asks_for_some(
        workspace, tmp_path, monkeypatch):
    import evaluate.workspace.results as store

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    read = []
    real = store._read_table

    def counting(folder, name, info):
        read.append(name)
        return real(folder, name, info)

    monkeypatch.setattr(store, "_read_table", counting)
    stored = evaluate.analysis.stored_results(Workspace.open(workspace))
    assert stored.tables is not None and "scale_scores" in stored.tables
    assert read == []
    assert stored.tables.columns_of("scale_scores")[0] == "participant"
    scores = stored.tables["scale_scores"]  # asked for: read now, checked as the others
    assert list(scores.columns) == stored.tables.columns_of("scale_scores")
    assert read == ["scale_scores"] and stored.tables.loaded() == ["scale_scores"]
    read.clear()
    monkeypatch.setattr(evaluate.analysis, "analyse", _fail)
    _report(workspace, tmp_path / "r")  # the workbooks and csv tables kept: only what it draws
    listed = json.loads((workspace / "results" / "index.json").read_text())["tables"]
    assert read and "scale_scores" not in read and len(read) < len(listed)


def test_a_table_damaged_is_found_when_the_store_is_opened(workspace, tmp_path):
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    target = workspace / "results" / "scale_scores.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    stored = evaluate.analysis.stored_results(Workspace.open(workspace))
    assert stored.tables is None and "scale_scores.parquet has changed" in stored.why


def test_a_table_replaced_after_the_store_was_opened_is_refused(workspace, tmp_path):
    from evaluate.errors import WorkspaceDamaged

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"), "-q"]).exit_code == 0
    stored = evaluate.analysis.stored_results(Workspace.open(workspace))
    (workspace / "results" / "scale_scores.parquet").write_bytes(b"not parquet")
    with pytest.raises(WorkspaceDamaged, match="run `evaluate analyse` again"):
        stored.tables["scale_scores"]


def test_results_stored_by_code_with_other_tables_are_computed_again(tmp_path, monkeypatch):
    import evaluate.workspace.results as store

    key = {"workspace": "x", "version": evaluate.__version__, "layout": str(store.TABLES_LAYOUT)}
    assert store_results(tmp_path, key, {"fine": pd.DataFrame({"a": [1.0]})})
    assert load_results(tmp_path, key).tables is not None
    monkeypatch.setattr(store, "TABLES_LAYOUT", store.TABLES_LAYOUT + 1)
    newer = {**key, "layout": str(store.TABLES_LAYOUT)}
    stored = load_results(tmp_path, newer)
    assert stored.tables is None and "earlier build" in stored.why


def test_report_copies_the_workbook_analyse_wrote_which_is_the_one_it_would_write(
        workspace, tmp_path, monkeypatch):
    from evaluate.report import analysis_book

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"),
                                    "-q"]).exit_code == 0
    written = (tmp_path / "a" / "analysis.xlsx").read_bytes()
    assert (workspace / "results" / "analysis.xlsx").read_bytes() == written
    real = analysis_book.write_analysis_workbook
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr("evaluate.report.build.write_analysis_workbook", counted)
    _report(workspace, tmp_path / "r")
    assert calls == [] and (tmp_path / "r" / "analysis.xlsx").read_bytes() == written
    # without the kept copy the report writes the workbook itself: the same bytes
    (workspace / "results" / "workbook.json").unlink()
    _report(workspace, tmp_path / "r2")
    assert len(calls) == 1 and (tmp_path / "r2" / "analysis.xlsx").read_bytes() == written


def test_report_copies_the_tables_workbook_analyse_kept_which_is_the_one_it_would_write(
        workspace, tmp_path, monkeypatch):
    from evaluate.report import build
    from evaluate.workspace.results import stored_workbook

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"),
                                    "-q"]).exit_code == 0
    assert not (tmp_path / "a" / "tables.xlsx").exists()  # analyse's folder: as before
    kept = stored_workbook(workspace, results_key(workspace), "tables.xlsx")
    assert kept is not None
    real, calls = build.write_tables_workbook, []

    def counted(*args, **kwargs):
        calls.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "write_tables_workbook", counted)
    _report(workspace, tmp_path / "r")
    assert calls == [] and (tmp_path / "r" / "tables.xlsx").read_bytes() == kept.read_bytes()
    # without the kept copy the report writes tables.xlsx itself: the same bytes, kept
    (workspace / "results" / "tables-workbook.json").unlink()
    _report(workspace, tmp_path / "r2")
    assert len(calls) == 1
    assert (tmp_path / "r2" / "tables.xlsx").read_bytes() == kept.read_bytes()
    assert stored_workbook(workspace, results_key(workspace), "tables.xlsx") is not None
    # new results: neither workbook of the old tables is handed out
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "b"),
                                    "-q"]).exit_code == 0
    assert stored_workbook(workspace, results_key(workspace), "tables.xlsx") is not None
    (workspace / "results" / "tables.xlsx").write_bytes(b"damaged")
    assert stored_workbook(workspace, results_key(workspace), "tables.xlsx") is None


def test_a_workbook_kept_from_another_state_is_not_reused(workspace, tmp_path):
    from evaluate.workspace.results import stored_workbook

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"),
                                    "-q"]).exit_code == 0
    assert stored_workbook(workspace, results_key(workspace)) is not None
    export = _export(tmp_path / "end.xlsx", ["Agree strongly", "Agree", "Agree", "Neutral"] * 2)
    assert CliRunner().invoke(cli, ["ingest", str(export), "-w", str(workspace), "-i", "pulse@1",
                                    "-c", "c1", "--wave", "end", "-q"]).exit_code == 0
    assert stored_workbook(workspace, results_key(workspace)) is None
    _report(workspace, tmp_path / "r")  # computes, stores and keeps its own workbook
    assert stored_workbook(workspace, results_key(workspace)) is not None
    kept = workspace / "results" / "analysis.xlsx"
    kept.write_bytes(kept.read_bytes()[:-10])  # a damaged copy is not handed out
    assert stored_workbook(workspace, results_key(workspace)) is None


def test_stored_tables_are_durable_before_the_index_that_lists_them(tmp_path, monkeypatch):
    """Each table is flushed and renamed into place, their folder synced once, then the index."""
    import os

    import evaluate.workspace.files as files
    import evaluate.workspace.results as results

    events = []
    real_replace, real_sync = os.replace, files.fsync_dir

    def replace(src, dst):
        events.append(("rename", Path(dst).name))
        return real_replace(src, dst)

    def sync(path):
        events.append(("sync folder", Path(path).name))
        return real_sync(path)

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files, "fsync_dir", sync)
    monkeypatch.setattr(results, "fsync_dir", sync)
    tables = {"b": pd.DataFrame({"x": [1.0]}), "a": pd.DataFrame({"y": ["z"]})}
    key = {"workspace": "k", "version": evaluate.__version__}
    assert store_results(tmp_path, key, tables)
    assert events == [("rename", "a.parquet"), ("rename", "b.parquet"), ("sync folder", "results"),
                      ("rename", "index.json"), ("sync folder", "results")]
    assert load_results(tmp_path, key).tables["a"].equals(tables["a"])


def _csv_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_report_copies_the_csv_tables_analyse_kept_which_are_the_ones_it_would_write(
        workspace, tmp_path, monkeypatch):
    from evaluate.report import build
    from evaluate.workspace.results import stored_csv_tables

    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"),
                                    "-q"]).exit_code == 0
    kept = stored_csv_tables(workspace, results_key(workspace))
    assert kept and {p.name for p in kept} >= {"prepost.csv", "imports.csv", "suppression.csv"}
    real, calls = build.report_tables, []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "report_tables", counted)
    (tmp_path / "r" / "tables").mkdir(parents=True)
    (tmp_path / "r" / "tables" / "old.csv").write_text("stale")
    _report(workspace, tmp_path / "r")
    copied = _csv_files(tmp_path / "r" / "tables")
    assert calls == [] and copied == {p.name: p.read_bytes() for p in kept}  # and no stale file
    # without the kept copies the report writes the csv tables itself: the same bytes, kept
    (workspace / "results" / "tables-csv.json").unlink()
    _report(workspace, tmp_path / "r2")
    assert len(calls) == 1 and _csv_files(tmp_path / "r2" / "tables") == copied
    assert stored_csv_tables(workspace, results_key(workspace)) is not None
    # a damaged or missing kept file, or new results, and they are not handed out
    (workspace / "results" / "tables" / "prepost.csv").write_bytes(b"damaged")
    assert stored_csv_tables(workspace, results_key(workspace)) is None
    _report(workspace, tmp_path / "r3")
    assert len(calls) == 2 and _csv_files(tmp_path / "r3" / "tables") == copied
    (workspace / "results" / "tables" / "imports.csv").unlink()
    assert stored_csv_tables(workspace, results_key(workspace)) is None
    assert store_results(workspace, results_key(workspace), {"other": pd.DataFrame({"a": [1.0]})})
    assert stored_csv_tables(workspace, results_key(workspace)) is None


def test_analyse_picks_the_reports_tables_once_for_both_workbooks(workspace, tmp_path, monkeypatch):
    from evaluate.report import analysis_book

    real, calls = analysis_book.report_tables, []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_book, "report_tables", counted)
    assert CliRunner().invoke(cli, ["analyse", str(workspace), "--out", str(tmp_path / "a"),
                                    "-q"]).exit_code == 0
    assert calls == [1]


def test_analyse_on_one_core_writes_what_it_writes_with_a_second_process(workspace, tmp_path,
                                                                          monkeypatch):
    """Without a spare core the work of the second process is done here, where it would have
    been done: the same tables and workbook, byte for byte."""
    import evaluate.concurrency as concurrency

    def analysed(cores: bool, name: str) -> dict:
        monkeypatch.setattr(concurrency, "spare_core", lambda: cores)
        ws = shutil.copytree(workspace, tmp_path / f"ws-{name}")
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["analyse", str(ws), "--out", str(out), "-q"])
        assert result.exit_code == 0, result.output
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    two, one = analysed(True, "two"), analysed(False, "one")
    assert "analysis.xlsx" in two and list(one) == list(two)
    assert [n for n in two if one[n] != two[n]] == []
