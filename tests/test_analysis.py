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


def _voice_rows(keys, seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for k, key in enumerate(keys):
        n = int(rng.integers(0, 40))
        rows.append((key, f"Prompt {k} — ünï", pd.DataFrame({
            "wave": pd.array(rng.choice(["end", "baseline", None], n), dtype="string"),
            "cohort": pd.array(rng.choice(["c2", "c1", None], n), dtype="string"),
            "text": pd.array(rng.choice(["b", "a", "Ä", "", None], n), dtype="string"),
            "quotable": rng.random(n) < 0.5})))
    return rows


def test_sorted_voices_are_every_row_sorted_by_all_five_keys():
    """Each item sorted on its own (or all together when an item is in two versions): the
    table of sorting all the rows by instrument, item, wave, cohort and text, to the pickle."""
    import pickle

    from evaluate.analysis import _sorted_voices

    columns = ["instrument", "wave", "cohort", "item", "prompt", "text", "quotable"]
    for keys in ([("post", "z_item"), ("baseline", "wish"), ("post", "Élan"), ("post", "a")],
                 [("post", "wish"), ("baseline", "wish"), ("post", "wish")]):
        rows = _voice_rows(keys, seed=len(keys))
        want = pd.concat([pd.DataFrame({"instrument": key[0], "wave": part["wave"],
                                        "cohort": part["cohort"], "item": key[1],
                                        "prompt": prompt, "text": part["text"],
                                        "quotable": part["quotable"]})
                          for key, prompt, part in rows], ignore_index=True)
        want = want.sort_values(["instrument", "item", "wave", "cohort", "text"],
                                ignore_index=True)
        got = _sorted_voices(rows)
        assert rows == []  # let go of as read
        pd.testing.assert_frame_equal(got[columns], want, check_exact=True)
        assert pickle.dumps(got) == pickle.dumps(want)
