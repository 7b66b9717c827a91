"""Work done for many columns at once gives what each column gets alone.

An import of a cohort's export is mostly fixed costs per column, so some
steps read, code or scrub all the columns together (:class:`FrameText`,
:func:`code_block`, :meth:`PersonalData.scrub_frame`). These tests hold
them to the column-by-column results, cell for cell, on every sample export
and on cells chosen to be awkward.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.ingest.cells import FrameText, text_cells
from evaluate.ingest.codes import code_block, code_values
from evaluate.ingest.readers import read_export
from evaluate.instruments import ResponseSet

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("c*/*.*"))
AGREE = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")),
                    missing=("Prefer not to say",))
#: cells that look alike as text but are not alike as values, and cells that are blank
AWKWARD = [" Agree ", "Agree", 1, 1.0, True, "1", "1.0", 2.5, None, np.nan, "", "   ", "N/A",
           "nan", dt.datetime(2026, 3, 1, 9, 30), pd.Timestamp("2026-03-01"), "Prefer not to say",
           "Yes", -3.0, "3"]


def _awkward_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    cells = np.array(AWKWARD, dtype=object)
    return pd.DataFrame({
        "a": cells[rng.integers(0, len(cells), rows)],
        "b": cells[rng.integers(0, len(cells), rows)],
        "n": rng.choice([1.0, 2.0, np.nan, 3.5], rows),  # not Python objects: read alone
        "c": pd.Series([None] * rows, dtype=object),
    })


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_frame_text_is_text_cells_on_every_sample(path):
    frame = read_export(path).frame
    text = FrameText(frame)
    for key in frame.columns:
        pd.testing.assert_series_equal(text(key), text_cells(frame[key]))


@pytest.mark.parametrize("rows", [0, 1, 60, 1_500])
def test_frame_text_is_text_cells_on_awkward_cells(rows):
    frame = _awkward_frame(rows)
    text = FrameText(frame)
    for key in frame.columns:
        pd.testing.assert_series_equal(text(key), text_cells(frame[key]))
    if rows >= 60:  # 1 and True read apart, as each column alone reads them
        assert {"1", "True", "2.5", "Agree"} <= set(text("a").dropna()) | set(text("b").dropna())


@pytest.mark.parametrize("rows", [0, 1, 60, 1_500])
@pytest.mark.parametrize("keys", [["a", "n", "b", "c", "a"], ["b", "a"], ["n"]],
                         ids=["mixed", "objects", "numbers"])
def test_code_block_is_code_values_column_by_column(rows, keys):
    frame = _awkward_frame(rows)
    block = code_block(frame, keys, AGREE)
    assert block.keys == tuple(dict.fromkeys(keys))  # in the order given, each once
    assert block.codes.shape == block.bad.shape == (rows, len(block.keys))
    for j, key in enumerate(block.keys):
        codes, bad = code_values(frame[key], AGREE)
        np.testing.assert_array_equal(block.codes[:, j], codes.to_numpy())
        np.testing.assert_array_equal(block.bad[:, j], bad.to_numpy())
    codes, bad = block.columns(block.keys[::-1])
    np.testing.assert_array_equal(codes, block.codes[:, ::-1])
    np.testing.assert_array_equal(bad, block.bad[:, ::-1])
    if rows >= 60 and keys != ["n"]:
        assert block.bad.any() and np.isnan(block.codes).any() and (block.codes == 3).any()


def test_roster_grid_reports_each_wrong_cell_and_unknown_column(tmp_path):
    """A grid coded as one block still reports each wrong answer where it is, quoting it."""
    from evaluate.ingest.pipeline import ingest_file
    from evaluate.instruments import load_instruments
    from evaluate.roster import read_roster

    sample = SAMPLES[0].parents[1]
    frame = pd.read_csv(sample / "c2" / "network-baseline-c2-google.csv", dtype=object)
    freq = [c for c in frame.columns if c.startswith("How often")]
    trust = [c for c in frame.columns if c.startswith("How much do you trust")]
    frame.loc[0, freq[3]] = " Hourly "
    frame.loc[4, trust[5]] = "Maybe"
    frame = frame.rename(columns={freq[7]: "How often do you work with each of these people? "
                                           "[Nobody Atall]"})
    path = tmp_path / "net.csv"
    frame.to_csv(path, index=False)
    roster = read_roster(sample / "roster.csv", "salt")
    result = ingest_file(path, load_instruments()["network@1"], cohort="c2", wave="baseline",
                         roster=roster, salt="salt")
    p = result.problems
    wrong = p[p["rule"] == "allowed_answers"]
    assert wrong[["row", "column", "value"]].values.tolist() == [
        [2, freq[3], "Hourly"], [6, trust[5], "Maybe"]]
    unknown = p[(p["rule"] == "unknown_name") & p["row"].isna()]
    assert unknown["column"].tolist() == [
        "How often do you work with each of these people? [Nobody Atall]"]
    assert set(result.quarantined_rows) == {2, 6}
