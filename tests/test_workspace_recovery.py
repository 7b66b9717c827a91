"""Recovery never loses a committed import.

A kill (SIGKILL) before every write step of the first import, of a replacing
import, of ``undo``, ``remove``, ``restore`` and of ``repair`` itself; the
manifest, its previous copy and the event log deleted or truncated, alone and
together. After each, ``repair`` then ``check`` leave a consistent workspace
that holds every import that had been committed, with the same data (the
files' SHA-256), and ``status`` works.

The kills run in a forked copy of the test process (no new interpreter to
start), so each costs a few milliseconds more than the change itself.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import WorkspaceError
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace
from tests.test_workspace_faults import PULSE, _export

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills need fork (POSIX)")


@pytest.fixture
def made(tmp_path, monkeypatch):
    # Reading and checking an export writes nothing, so each export is read once and the
    # forked children reuse it: the kills fall on the writes, and each costs milliseconds.
    from evaluate.ingest import pipeline

    read, real = {}, pipeline.ingest_file

    def read_once(path, *args, **kwargs):
        key = (str(path), kwargs.get("cohort"), kwargs.get("wave"))
        if key not in read:
            read[key] = real(path, *args, **kwargs)
        return read[key]

    monkeypatch.setattr(pipeline, "ingest_file", read_once)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"Person {i},p{i}@example.org,c1\n" for i in range(6)), encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws", roster=roster, instruments_dir=PULSE)
    return ws, _export(tmp_path / "first.csv", 0), _export(tmp_path / "second.csv", 1)


def _import(ws, export, *, wave="baseline", replace=False):
    _, outcome = ingest_into(ws, export, "pulse@1", cohort="c1", wave=wave, replace=replace)
    return outcome


# ---------------------------------------------------------------- how a kill is made
_WRITES = ((os, "replace"), (os, "rename"), (os, "fsync"), (pd.DataFrame, "to_parquet"))


def _killed_at(step: int, action) -> bool:
    """Run ``action`` in a forked child killed just before its ``step``-th write step.

    Returns True when the action finished before that step came (so there
    are no more steps to try).
    """
    pid = os.fork()
    if pid == 0:  # the child: count write steps, die at the chosen one
        seen = [0]
        for owner, name in _WRITES:
            original = getattr(owner, name)

            def wrapped(*args, _original=original, **kwargs):
                seen[0] += 1
                if seen[0] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                return _original(*args, **kwargs)

            setattr(owner, name, wrapped)
        try:
            action()
        except BaseException:  # noqa: BLE001 - the parent sees the exit code
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return False
    assert os.WEXITSTATUS(status) == 0, "the change failed instead of being killed"
    return True


# ---------------------------------------------------------------- what must hold
def _committed(ws: Workspace) -> dict[str, tuple[str, dict]]:
    """Every import the manifest holds: id -> (state, {kind: sha256})."""
    return {r["id"]: (r["state"], {k: v["sha256"] for k, v in r["files"].items()})
            for r in ws.manifest()["history"]}


def _hashes_on_disk(ws: Workspace, committed: dict) -> dict[str, dict]:
    return {i: {k: hashlib.sha256((ws.path / "imports" / i / f"{k}.parquet").read_bytes())
                .hexdigest() for k in files} for i, (_, files) in committed.items()}


def _recovered(ws: Workspace) -> dict[str, tuple[str, dict]]:
    """Repair, then check and status: all must work and leave nothing damaged."""
    repaired = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert repaired.exit_code == 0, repaired.output
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 0, repaired.output + check.output
    assert "DAMAGED" not in check.output
    status = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert status.exit_code == 0 and "damaged" not in status.output, status.output
    state = _committed(ws)
    assert _hashes_on_disk(ws, state) == {i: files for i, (_, files) in state.items()}
    return state


def _kill_everywhere(ws: Workspace, action, before: dict, after: dict) -> list[bool]:
    """Kill ``action`` at every write step; each time, recover and compare with before/after.

    Every import committed before the change must still be there with the
    same data; the state is the one before the change or the one after it
    (as ``before``/``after``, id -> (state, hashes)). Returns, per step,
    whether the change had committed.
    """
    pristine = ws.path.parent / "pristine"
    shutil.copytree(ws.path, pristine)
    outcomes = []
    for step in range(1, 100):
        finished = _killed_at(step, action)
        if finished:
            break
        state = _recovered(ws)
        assert state in (before, after), (step, state, before, after)
        for import_id, (_, files) in before.items():  # nothing committed is lost
            assert state[import_id][1] == files
        outcomes.append(state == after and state != before)
        shutil.rmtree(ws.path)
        shutil.copytree(pristine, ws.path)
    else:
        pytest.fail("the change never finished")
    assert len(outcomes) >= 3
    assert not outcomes[0]  # killed at its first write step: nothing had changed
    return outcomes


def _after(ws: Workspace, action) -> dict:
    """The state ``action`` leads to, found on a copy of the workspace."""
    copy = ws.path.parent / "probe"
    shutil.copytree(ws.path, copy)
    try:
        action(Workspace.open(copy))
        return _committed(Workspace.open(copy))
    finally:
        shutil.rmtree(copy)


# ---------------------------------------------------------------- kills
@needs_fork
def test_a_kill_around_the_first_import_never_strands_the_workspace(made):
    ws, first, _ = made
    after = _after(ws, lambda w: _import(w, first))
    outcomes = _kill_everywhere(ws, lambda: _import(Workspace.open(ws.path), first), {}, after)
    assert outcomes[-1]  # killed after the manifest was written: the import is there


@needs_fork
def test_a_kill_around_a_replacing_import(made):
    ws, first, second = made
    _import(ws, first)
    before = _committed(ws)
    after = _after(ws, lambda w: _import(w, second, replace=True))
    outcomes = _kill_everywhere(
        ws, lambda: _import(Workspace.open(ws.path), second, replace=True), before, after)
    first_new = outcomes.index(True)
    assert all(outcomes[first_new:]) and not any(outcomes[:first_new])  # one commit point


@needs_fork
@pytest.mark.parametrize("change", ["undo", "remove", "restore"])
def test_a_kill_around_undo_remove_and_restore(made, change):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, replace=True)
    act = {"undo": lambda w: w.undo(), "remove": lambda w: w.remove("0002"),
           "restore": lambda w: w.restore("0001")}[change]
    before = _committed(ws)
    after = _after(ws, act)
    assert after != before
    outcomes = _kill_everywhere(ws, lambda: act(Workspace.open(ws.path)), before, after)
    assert outcomes[-1]


@needs_fork
@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_a_kill_during_repair_itself(made, damage):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, wave="end")
    committed = _committed(ws)
    manifest = ws.path / "manifest.json"
    if damage == "truncate":
        manifest.write_bytes(manifest.read_bytes()[:40])
    else:
        manifest.unlink()
    (ws.path / "manifest.prev.json").unlink()
    _kill_everywhere(ws, lambda: Workspace.open(ws.path).repair(), committed, committed)


# ---------------------------------------------------------------- damaged manifests
@pytest.mark.parametrize("lost", [
    ("manifest.json",), ("manifest.prev.json",), ("manifest.json", "manifest.prev.json"),
    ("manifest.json", "manifest.prev.json", "events.jsonl"),
])
@pytest.mark.parametrize("how", ["delete", "truncate"])
def test_a_lost_manifest_is_rebuilt_with_every_committed_import(made, lost, how):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, wave="end")
    committed = _committed(ws)
    for name in lost:
        path = ws.path / name
        if how == "delete":
            path.unlink()
        else:
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])
    assert _recovered(ws) == committed
    assert sorted(p.name for p in (ws.path / "imports").iterdir()) == ["0001", "0002"]
    assert len(Workspace.open(ws.path).responses()) == 12


def test_repair_keeps_the_second_of_two_imports_when_the_manifest_is_truncated(made):
    """The case that used to lose data: repair went back to manifest.prev.json and deleted 0002."""
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, wave="end")
    manifest = ws.path / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    result = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert "import 0001 (first.csv: cohort c1, wave baseline, pulse@1) — in use" in result.output
    assert "import 0002 (second.csv: cohort c1, wave end, pulse@1) — in use" in result.output
    assert sorted(p.name for p in (ws.path / "imports").iterdir()) == ["0001", "0002"]
    assert sorted(ws.imports()["id"]) == ["0001", "0002"]


def test_repair_sets_unclaimed_folders_aside_and_says_so(made):
    ws, first, _ = made
    _import(ws, first)
    stray = ws.path / "imports" / "0009"
    shutil.copytree(ws.path / "imports" / "0001", stray)  # its sealed record names 0001
    (ws.path / "imports" / ".staging-abc").mkdir()
    result = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert "Moved imports/0009 to lost+found/imports-0009" in result.output
    assert "Nothing was deleted" in result.output
    assert (ws.path / "lost+found" / "imports-0009" / "responses.parquet").is_file()
    assert not (ws.path / "imports" / ".staging-abc").exists()
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 0 and "set aside lost+found/imports-0009" in check.output
    status = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert "1 item set aside in lost+found/" in status.output


# ---------------------------------------------------------------- history that checks
@pytest.mark.parametrize("change", ["undo", "restore"])
def test_bringing_back_an_import_whose_file_is_gone_is_refused(made, change):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, replace=True)
    (ws.path / "imports" / "0001" / "responses.parquet").unlink()
    manifest = (ws.path / "manifest.json").read_bytes()
    args = ["undo", str(ws.path)] if change == "undo" else ["restore", str(ws.path), "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0 and "internal error" not in result.output
    assert "import 0001 (first.csv)" in result.output
    assert "Import first.csv again" in result.output and "Nothing was changed" in result.output
    assert (ws.path / "manifest.json").read_bytes() == manifest
    assert list(ws.imports()["id"]) == ["0002"]


def test_check_covers_the_history_and_restore_never_revives_a_damaged_import(made):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, replace=True)
    (ws.path / "imports" / "0001" / "responses.parquet").write_bytes(b"not the stored data")
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 1
    assert "import 0001 (first.csv), kept in the history (replaced)" in check.output
    repaired = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert "kept in the history, is damaged and can no longer be restored" in repaired.output
    assert CliRunner().invoke(cli, ["check", str(ws.path)]).exit_code == 0
    with pytest.raises(WorkspaceError, match="was found damaged by `evaluate repair`"):
        ws.restore("0001")
    assert list(ws.imports()["id"]) == ["0002"]


def test_check_and_repair_name_a_lost_salt(made):
    ws, first, _ = made
    _import(ws, first)
    (ws.path / ".salt").unlink()
    check = CliRunner().invoke(cli, ["check", str(ws.path)])
    assert check.exit_code == 1 and "the .salt file is missing" in check.output
    assert "restore .salt from a backup" in check.output
    repaired = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert "Not repaired: the .salt file is missing" in repaired.output


# ---------------------------------------------------------------- a no-op is a no-op
def _every_byte(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_reimporting_an_unchanged_export_writes_nothing(made, monkeypatch):
    ws, first, second = made
    _import(ws, first)
    _import(ws, second, replace=True)  # so that manifest.prev.json differs from manifest.json
    before = _every_byte(ws.path)
    assert "manifest.prev.json" in before and "events.jsonl" in before

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    for owner, name in _WRITES:  # a full disk: any write would fail
        monkeypatch.setattr(owner, name, full)
    result = CliRunner().invoke(cli, ["ingest", str(second), "-w", str(ws.path), "-i", "pulse@1",
                                      "-c", "c1", "--wave", "baseline", "--replace"])
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert _every_byte(ws.path) == before


def test_a_rebuilt_manifest_keeps_the_reviewed_corrections_and_what_undo_did(made):
    from evaluate.workspace.corrections import add_correction, list_corrections

    ws, first, second = made
    _import(ws, first)
    add_correction(ws, kind="answer", cohort="c1", wave="baseline", instrument="pulse@1",
                   key=("see_the_system", "agre"), decision=4, label="Agree")
    _import(ws, second, replace=True)
    ws.undo()  # marks the replacement's event undone: an earlier event changed
    before = ws.manifest()
    corrections = list_corrections(ws)
    for name in ("manifest.json", "manifest.prev.json"):
        (ws.path / name).unlink()
    assert CliRunner().invoke(cli, ["repair", str(ws.path)]).exit_code == 0
    after = ws.manifest()
    assert after["history"] == before["history"]
    assert [e for e in after["events"] if e["action"] != "repair"] == before["events"]
    assert list_corrections(ws) == corrections


def test_removing_an_import_whose_files_are_gone_says_it_cannot_come_back(made):
    ws, first, _ = made
    _import(ws, first)
    (ws.path / "imports" / "0001" / "responses.parquet").unlink()
    said = ws.remove("1")
    assert "its responses are missing" in said and "cannot be brought back" in said
    assert "evaluate undo" not in said


def test_repair_of_a_manifest_in_the_first_format_migrates_it(tmp_path):
    """A manifest as evaluate 0.1 wrote it (`{"imports": []}`) over a workspace: repair
    migrates it as any change does, and answers plainly (it stopped on KeyError: 'records')."""
    from click.testing import CliRunner

    from evaluate.cli import cli
    from evaluate.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    (ws.path / "manifest.json").write_text('{"imports":[]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["repair", str(ws.path)])
    assert "internal error" not in result.output, result.output
    assert result.exit_code == 0, result.output
    assert Workspace.open(ws.path).manifest()["history"] == []
