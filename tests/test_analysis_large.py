"""`evaluate analyse` on a workspace whose person-level table is larger than a worksheet can hold."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.report.xlsx import EXCEL_MAX_ROWS

LABELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
ITEMS = [f"q{i}" for i in range(4)]
#: every pair of the four items is a scale: 6 scales, so one row per response per scale
SCALES = list(itertools.combinations(ITEMS, 2)) + [tuple(ITEMS[:3]), tuple(ITEMS[1:])]
RESPONSES = EXCEL_MAX_ROWS // len(SCALES) + 1_000


def _instrument(folder):
    lines = ["id: wide", "version: 1", "title: Many scales", "wave: baseline",
             "identity:", '  email: ["Email"]',
             "response_sets:", "  agree5:", "    options:"]
    lines += [f'      {i}: "{label}"' for i, label in enumerate(LABELS, start=1)]
    lines += ["items:"]
    lines += [f'  - {{id: {q}, type: likert, response_set: agree5, text: "Statement {q}"}}' for q in ITEMS]
    lines += ["scales:"]
    for n, items in enumerate(SCALES):
        lines += [f"  - id: s{n}", f'    title: "Scale {n}"', f"    items: [{', '.join(items)}]",
                  f"    min_items: {len(items)}"]
    folder.mkdir()
    (folder / "wide-v1.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_analyse_finishes_on_more_person_level_rows_than_excel_holds(tmp_path):
    rng = np.random.default_rng(5)
    export = pd.DataFrame({"ID": np.arange(1, RESPONSES + 1),
                           "Email": [f"r{i}@example.org" for i in range(RESPONSES)]})
    for q in ITEMS:
        export[f"Statement {q}"] = np.array(LABELS)[rng.integers(0, 5, RESPONSES)]
    path = tmp_path / "wide.csv"
    export.to_csv(path, index=False)
    ws, out = tmp_path / "ws", tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(ws), "--instruments", str(_instrument(tmp_path / "inst")),
                                 "--cohort", "c1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["ingest", str(path), "-w", str(ws), "-i", "wide@1", "-c", "c1",
                                 "--wave", "baseline", "-q"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["analyse", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out / "scale_scores.csv", encoding="utf-8") as fh:
        rows = sum(1 for _ in fh) - 1
    assert rows == RESPONSES * len(SCALES) > EXCEL_MAX_ROWS
    assert (out / "analysis.xlsx").exists() and (out / "reliability.csv").exists()
    assert f"scale_scores ({RESPONSES * len(SCALES):,} rows, one per person): only in scale_scores.csv" in result.output
