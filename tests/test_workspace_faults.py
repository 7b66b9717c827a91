"""Faults injected into imports: a full disk, an unwritable folder, damaged files.

After each, ``evaluate check`` finds nothing damaged and the workspace holds
either the state before the import or the whole of the state after it. Kills
at every write step are in ``tests/test_workspace_recovery.py``.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
PULSE = ROOT / "tests" / "fixtures" / "instruments"
SEE = "I can see the wider system that my work is part of"
ANSWERS = ["Agree", "Disagree", "Strongly agree", "Neither agree nor disagree"]


def _export(path: Path, shift: int) -> Path:
    path.write_text(f"Email,{SEE}\n" + "".join(
        f"p{i}@example.org,{ANSWERS[(i + shift) % 4]}\n" for i in range(6)), encoding="utf-8")
    return path


@pytest.fixture
def setup(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"Person {i},p{i}@example.org,c1\n" for i in range(6)), encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws", roster=roster, instruments_dir=PULSE)
    ingest_into(ws, _export(tmp_path / "first.csv", 0), "pulse@1", cohort="c1", wave="baseline")
    return ws, _export(tmp_path / "second.csv", 1)


def _state(ws: Workspace) -> pd.DataFrame:
    return ws.responses()[["participant", "see_the_system"]].sort_values("participant",
                                                                         ignore_index=True)


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "imports/.staging/responses.parquet")


def test_a_full_disk_is_named_and_leaves_nothing_behind(setup, monkeypatch):
    ws, second = setup
    before = _state(ws)
    listing = sorted(p.relative_to(ws.path) for p in ws.path.rglob("*"))
    monkeypatch.setattr(pyarrow.parquet, "write_table", _disk_full)  # where parquet meets the disk
    result = CliRunner().invoke(cli, ["ingest", str(second), "-w", str(ws.path), "-i", "pulse@1",
                                      "-c", "c1", "--wave", "baseline", "--replace"])
    assert result.exit_code == 1
    assert "the disk is full" in result.output and "free some space" in result.output
    assert "internal error" not in result.output
    monkeypatch.undo()
    assert _state(ws).equals(before)
    assert sorted(p.relative_to(ws.path) for p in ws.path.rglob("*")
                  if p.name != ".lock") == [p for p in listing if p.name != ".lock"]


def test_permission_denied_is_named(setup, monkeypatch):
    ws, second = setup
    real_replace = os.replace

    def refuse(src, dst, *a, **k):
        if str(dst).endswith("manifest.json"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", refuse)
    result = CliRunner().invoke(cli, ["ingest", str(second), "-w", str(ws.path), "-i", "pulse@1",
                                      "-c", "c1", "--wave", "baseline", "--replace"])
    monkeypatch.undo()
    assert result.exit_code == 1 and "permission denied for" in result.output
    assert "manifest.json" in result.output
    assert ws.check().clean and len(ws.history()) == 1


def test_out_under_a_file_is_named(setup, tmp_path):
    ws, _ = setup
    blocker = tmp_path / "report.txt"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyse", str(ws.path), "--out", str(blocker / "out")])
    assert result.exit_code == 1, result.output
    assert "is a file, not a folder" in result.output or "does not exist" in result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("damage, expect", [
    ("truncate", "the manifest is damaged"),
    ("list", "the manifest should be a JSON object, not a list"),
    ("delete", "the manifest is missing but the workspace holds imported data"),
])
def test_a_damaged_manifest_is_named_and_repair_restores_it(setup, damage, expect):
    ws, second = setup
    ingest_into(ws, second, "pulse@1", cohort="c1", wave="baseline", replace=True)
    good = _state(ws)
    manifest = ws.path / "manifest.json"
    if damage == "truncate":
        manifest.write_text(manifest.read_text(encoding="utf-8")[:50], encoding="utf-8")
    elif damage == "list":
        manifest.write_text("[]", encoding="utf-8")
    else:
        manifest.unlink()
    for command in ("status", "analyse"):
        args = [command, str(ws.path)] + (["--out", str(ws.path.parent / "out")]
                                          if command == "analyse" else [])
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and expect in result.output, result.output
        assert "evaluate repair" in result.output
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 1 and "DAMAGED manifest.json" in check.output
    repaired = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert repaired.exit_code == 0 and "Rebuilt the manifest" in repaired.output
    assert "import 0002 (second.csv: cohort c1, wave baseline, pulse@1) — in use" in repaired.output
    # the last committed state, not the one before it: nothing committed is lost
    assert _state(ws).equals(good)
    assert CliRunner().invoke(cli, ["check", str(ws.path)]).exit_code == 0


def test_a_changed_data_file_is_found_and_repair_stops_using_it(setup):
    ws, _ = setup
    record = ws.manifest()["imports"][0]
    path = ws.path / record["files"]["responses"]["path"]
    path.write_bytes(b"PAR1 not really parquet")
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 1 and "have changed since they were stored" in check.output
    analyse = CliRunner().invoke(cli, ["analyse", str(ws.path), "--out", str(ws.path.parent / "o")])
    assert analyse.exit_code == 1 and "internal error" not in analyse.output
    repaired = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert "is damaged and is no longer used: import first.csv again" in repaired.output
    assert CliRunner().invoke(cli, ["check", str(ws.path)]).exit_code == 0


@pytest.mark.parametrize("settings, expect", [
    ("min_group_size: five\n", "min_group_size is 'five'"),
    ("programme: [unclosed\n", "not valid YAML"),
    (b"\xff\xfe\x00bad", "not a UTF-8 text file"),
])
def test_damaged_settings_are_named_with_the_fix(setup, settings, expect):
    ws, _ = setup
    target = ws.path / "evaluate.yaml"
    if isinstance(settings, bytes):
        target.write_bytes(settings)
    else:
        target.write_text(settings, encoding="utf-8")
    result = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert result.exit_code == 1 and expect in result.output, result.output
    assert "internal error" not in result.output


def test_a_settings_file_built_to_explode_is_refused_quickly(setup):
    ws, _ = setup
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join('*' + p for _ in range(9))}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    (ws.path / "evaluate.yaml").write_text(laughs + "programme: x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert result.exit_code == 1 and "evaluate.yaml" in result.output
    assert "internal error" not in result.output
