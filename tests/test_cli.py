"""The `evaluate` command through click's runner, and once as a real subprocess."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from evaluate import __version__
from evaluate.cli import cli

ROSTER = """name,email,cohort,organisation,sector,place,role
Jo Smith,jo.smith@example.nhs.uk,c1,Trust A,NHS acute,Luton,Manager
Ann Lee,ann.lee@example.gov.uk,c1,Council B,Local authority,Bedford,Lead
"""
SEE = "I can see the wider system that my work is part of"
PULSE = str(Path(__file__).parent / "fixtures" / "instruments")  # pulse@1: the one question SEE


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def files(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", SEE])
    t0, t1 = dt.datetime(2026, 3, 5, 9), dt.datetime(2026, 3, 5, 9, 10)
    ws.append([1, t0, t1, "jo.smith@example.nhs.uk", "Jo Smith", "Agree"])
    ws.append([2, t0, t1, "ann.lee@example.gov.uk", "Ann Lee", "Agree strongy"])
    export = tmp_path / "baseline.xlsx"
    wb.save(export)
    return roster, export


def all_commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def test_every_command_is_documented_with_an_example():
    for path, cmd in all_commands(cli):
        doc = cmd.help or ""
        assert doc.strip(), f"{' '.join(path)} has no help"
        assert "Example: evaluate" in doc, f"{' '.join(path)} help has no example"


def test_version_and_help(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "evaluate demo" in result.output


def test_instruments_list_show_diff(runner):
    out = runner.invoke(cli, ["instruments", "list"]).output
    assert "baseline@1" in out and "network@1" in out
    show = runner.invoke(cli, ["instruments", "show", "baseline@1"])
    assert show.exit_code == 0 and "see_the_system" in show.output
    diff = runner.invoke(cli, ["instruments", "diff", "baseline@1", "baseline@2"])
    assert diff.exit_code == 0 and "changed" in diff.output


def test_unknown_instrument_is_a_usage_error(runner, files):
    _, export = files
    result = runner.invoke(cli, ["validate", str(export), "-i", "nosuch@1", "-c", "c1", "--wave", "baseline"])
    assert result.exit_code == 2
    assert 'There is no instrument "nosuch@1"' in result.output
    assert "Traceback" not in result.output


def test_validate_lists_problems_and_strict_exits_1(runner, files, tmp_path):
    roster, export = files
    args = ["validate", str(export), "-i", "pulse@1", "-c", "c1", "--wave", "baseline",
            "--roster", str(roster), "--instruments", PULSE]
    relaxed = runner.invoke(cli, args)
    assert relaxed.exit_code == 0, relaxed.output
    assert 'row 3, column "I can see the wider system that my work is part of": "Agree strongy" is not one of the answers' in relaxed.output
    assert "2 responses read: 1 accepted, 1 held back with problems" in relaxed.output
    strict = runner.invoke(cli, [*args, "--strict", "--report", str(tmp_path / "problems.csv")])
    assert strict.exit_code == 1
    report = (tmp_path / "problems.csv").read_text(encoding="utf-8")
    assert "Agree strongy" in report and "allowed_answers" in report


def test_init_ingest_status_idempotent(runner, files, tmp_path):
    roster, export = files
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws), "--roster", str(roster), "--instruments", PULSE]).exit_code == 0
    args = ["ingest", str(export), "-w", str(ws), "-i", "pulse@1", "-c", "c1", "--wave", "baseline"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Stored 1 responses" in first.output
    again = runner.invoke(cli, args)
    assert "already imported" in again.output and "nothing changed" in again.output
    status = runner.invoke(cli, ["status", str(ws)])
    assert "2 read = 1 accepted + 1 held back with problems + 0 left out" in status.output
    assert "! import 0001 (baseline.xlsx): 1 held back with problems" in status.output
    # a second init on the same folder is refused plainly
    twice = runner.invoke(cli, ["init", str(ws)])
    assert twice.exit_code == 2 and "already a workspace" in twice.output


def test_not_a_workspace_says_how_to_make_one(runner, files, tmp_path):
    _, export = files
    result = runner.invoke(cli, ["ingest", str(export), "-w", str(tmp_path / "nowhere"), "-i",
                                 "baseline@1", "-c", "c1", "--wave", "baseline"])
    assert result.exit_code == 2
    assert "is not an evaluate workspace" in result.output and "evaluate init" in result.output


def _bad_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    pdf = tmp_path / "renamed.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    corrupt = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(corrupt, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    corrupt.write_bytes(corrupt.read_bytes()[:40])
    header_only = tmp_path / "header.csv"
    header_only.write_text(f"Email,{SEE}\n", encoding="utf-8")
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"col{i}" for i in range(10_000)) + "\n" + ",".join("x" for _ in range(10_000)) + "\n",
                    encoding="utf-8")
    docx = tmp_path / "notes.docx"
    docx.write_bytes(b"PK\x03\x04junk")
    return [empty, pdf, encrypted, corrupt, header_only, wide, docx]


def test_malformed_files_never_give_a_traceback(runner, tmp_path):
    for bad in _bad_files(tmp_path):
        result = runner.invoke(cli, ["validate", str(bad), "-i", "baseline@1", "-c", "c1", "--wave", "baseline"])
        assert "Traceback" not in result.output, bad.name
        assert result.exception is None or isinstance(result.exception, SystemExit), (bad.name, result.exception)
        assert bad.name in result.output, (bad.name, result.output)


def test_real_subprocess(files, tmp_path):
    roster, export = files
    cmd = [sys.executable, "-m", "evaluate.cli", "validate", str(export), "-i", "baseline@1",
           "-c", "c1", "--wave", "baseline", "--roster", str(roster), "--strict"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Agree strongy" in proc.stdout
    assert "Traceback" not in proc.stderr
    # personal data is hidden unless asked for
    assert "jo.smith@example.nhs.uk" not in proc.stdout + proc.stderr


def test_wrong_instrument_gets_a_suggestion(runner):
    from tests.conftest import SAMPLE

    result = runner.invoke(cli, ["validate", str(SAMPLE / "c2" / "network-end-c2-google.csv"),
                                 "-i", "baseline@1", "-c", "c2", "--wave", "end", "-q"])
    assert result.exit_code == 1
    assert "none of the 34 questions of baseline@1 are in this export" in result.output
    assert "this export looks like network@1" in result.output and "use -i network@1" in result.output
    said = runner.invoke(cli, ["validate", str(SAMPLE / "c2" / "network-end-c2-google.csv"),
                               "-i", "baseline@1", "-c", "c2", "--wave", "end"]).output
    assert "None of the 34 questions of baseline@1 found." in said
    said = runner.invoke(cli, ["validate", str(SAMPLE / "c2" / "network-end-c2-google.csv"),
                               "-i", "network@1", "-c", "c2", "--wave", "end"]).output
    assert "All " in said and " questions of network@1 found." in said, said


def test_report_pdf_without_a_browser_says_what_to_install(runner, files, tmp_path, monkeypatch):
    roster, export = files
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws), "--roster", str(roster), "--instruments", PULSE]).exit_code == 0
    assert runner.invoke(cli, ["ingest", str(export), "-w", str(ws), "-i", "pulse@1", "-c", "c1",
                               "--wave", "baseline"]).exit_code == 0
    monkeypatch.setenv("EVALUATE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "report"
    result = runner.invoke(cli, ["report", str(ws), "--out", str(out), "--pdf", "--quiet"])
    assert result.exit_code == 1, result.output
    assert "EVALUATE_CHROMIUM names" in result.output and "Traceback" not in result.output
    assert (out / "dashboard.html").exists() and (out / "tables.xlsx").exists()
    assert not (out / "evidence.pdf").exists()
