"""`evaluate analyse`: every table written, byte-identical on a second run, nothing personal."""

from __future__ import annotations

import hashlib

import pandas as pd
from click.testing import CliRunner

import evaluate.analysis
from evaluate.analysis import analyse, report_context, voices
from evaluate.cli import cli
from evaluate.report.results_files import write_results


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_workspace_gives_byte_identical_tables(demo_workspace, tmp_path, monkeypatch):
    ws, _ = demo_workspace
    write_results(analyse(ws), tmp_path / "one")
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return voices(*args, **kwargs)

    monkeypatch.setattr(evaluate.analysis, "voices", counted)
    write_results(analyse(ws), tmp_path / "two")
    assert len(calls) == 1  # the free text is gathered once, for the themes and the claims
    one, two = _digests(tmp_path / "one"), _digests(tmp_path / "two")
    assert one == two
    assert "analysis.xlsx" in one and "prepost.csv" in one and "network_metrics.csv" in one


def test_report_context_takes_the_voices_already_gathered(demo_workspace):
    ws, _ = demo_workspace
    responses = ws.responses()
    gathered = voices(ws, responses=responses)
    assert len(gathered)
    assert report_context(ws, responses=responses, voices_table=gathered)["voices"] is gathered
    # on its own, the report reads only the columns the free text needs: the same table
    pd.testing.assert_frame_equal(report_context(ws)["voices"], gathered, check_dtype=True,
                                  check_exact=True)


def test_responses_read_in_part_are_those_columns_of_all_of_them(demo_workspace):
    ws, _ = demo_workspace
    full = ws.responses()
    some = ["participant", "instrument", "hopes", "cc_story", "quote_consent", "no_such_column"]
    part = ws.responses(only=some)
    assert list(part.columns) == [c for c in full.columns if c in some]
    pd.testing.assert_frame_equal(part, full[list(part.columns)], check_exact=True)


def test_analyse_command_prints_headlines(demo_workspace, tmp_path):
    ws, _ = demo_workspace
    result = CliRunner().invoke(cli, ["analyse", str(ws.path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Headlines:" in result.output and "System leadership rose" in result.output
    assert (tmp_path / "out" / "analysis.xlsx").exists()


def test_export_network_command(demo_workspace, tmp_path):
    ws, _ = demo_workspace
    for fmt, expected in (("kumu", "network-kumu.xlsx"), ("polinode", "network-polinode.xlsx"),
                          ("csv", "network-edges.csv")):
        result = CliRunner().invoke(cli, ["export-network", str(ws.path), "--format", fmt,
                                          "--out", str(tmp_path / fmt)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / fmt / expected).exists()
