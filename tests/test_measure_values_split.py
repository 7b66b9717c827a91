"""measure_values_and_everyone gives what two measure_values calls give, each instrument scored once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from evaluate.stats.measures import measure_values, measure_values_and_everyone
from tests.test_stats import _make, _survey


def _same(a, b) -> None:
    assert_frame_equal(a.values, b.values, check_exact=True)
    assert_frame_equal(a.meta, b.meta, check_exact=True)
    assert_series_equal(a.cohort, b.cohort, check_exact=True)
    assert a.sources == b.sources
    assert a.defined == b.defined
    assert a.waves == b.waves


def _split(responses, members):
    inside = responses["participant"].isin(members).to_numpy()
    return responses[~inside], responses[inside]


@pytest.mark.parametrize("case", ["plain", "comparison_only_instrument", "shared_labels",
                                  "missing_participant", "later_answer_wins"])
def test_the_same_values_as_two_calls(case):
    responses, _, instruments = _make(n=40, seed=3)
    members = set(responses["participant"].drop_duplicates().iloc[::3])
    if case == "comparison_only_instrument":  # a wave the programme never answered
        instruments = instruments | {"extra@1": _survey("extra", "extra")}
        extra = responses[(responses["wave"] == "baseline")
                          & responses["participant"].isin(members)].copy()
        extra[["wave", "instrument"]] = ["extra", "extra"]
        responses = pd.concat([responses, extra], ignore_index=True)
    if case == "shared_labels":  # index labels that repeat between the two frames
        responses = responses.set_axis(np.arange(len(responses)) % 7)
    if case == "missing_participant":
        responses = responses.copy()
        responses.loc[responses.index[:3], "participant"] = pd.NA
    if case == "later_answer_wins":  # two answers at a wave: the later one's values
        again = responses[responses["wave"] == "end"].copy()
        again["completed"] = pd.Timestamp("2025-02-01")
        again["grow1"] = 5.0 - again["grow1"].fillna(1)
        responses = pd.concat([responses, again.iloc[::2]], ignore_index=True)
    programme, comparison = _split(responses, members)
    waves = ["baseline", "end", "follow_up", "extra"]
    mv, everyone = measure_values_and_everyone(programme, comparison, instruments, waves=waves)
    _same(mv, measure_values(programme, instruments, waves=waves))
    _same(everyone, measure_values(pd.concat([programme, comparison]), instruments, waves=waves))
    if case == "comparison_only_instrument":
        assert any(k.startswith("scale:growth") for k in everyone.keys_at("extra"))
        assert "extra" not in mv.waves


@pytest.mark.parametrize("dtype", ["string", "str"])
@pytest.mark.parametrize("twice", [False, True])
def test_latest_is_the_last_value_after_sorting_by_completion(dtype, twice):
    """_latest sorts by completion only when someone answered a wave twice: the same frame
    as sorting and taking each (wave, participant)'s last values, to the pickle (one layout
    of the values in memory), rows without a wave or participant left out."""
    import pickle

    from evaluate.stats.measures import _latest

    rng = np.random.default_rng(4)
    n = 400
    people = np.array([f"P-{i:03d}" for i in rng.permutation(n)], dtype=object)
    waves = rng.choice(["baseline", "end"], n).astype(object)
    if twice:
        people[:50], waves[:50] = people[50:100], waves[50:100]
    people[rng.random(n) < 0.05] = None
    waves[rng.random(n) < 0.05] = None
    allv = pd.DataFrame({
        "participant": pd.array(people, dtype=dtype), "wave": pd.array(waves, dtype=dtype),
        "_completed": pd.to_datetime(rng.integers(0, 10**9, n), unit="s").where(rng.random(n) > .1),
        "m1": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)), "m2": rng.random(n),
        "m3": rng.random(n)})
    want = (allv.sort_values("_completed", na_position="first", kind="stable")
            .drop(columns="_completed").groupby(["wave", "participant"], sort=True).last())
    got = _latest(allv)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert pickle.dumps(got.astype("float64")) == pickle.dumps(want.astype("float64"))


def test_as_text_is_the_text_read_back_from_objects():
    from evaluate.stats.measures import _as_text

    for column in (pd.Series(["a", None, "b"], dtype="string"), pd.Series(["a", None], dtype=object),
                   pd.Series(["x", "y"], dtype="str")):
        want = pd.DataFrame({"c": column.astype("string").to_numpy()})
        pd.testing.assert_frame_equal(pd.DataFrame({"c": _as_text(column)}), want, check_exact=True)
