"""The array helpers the network analyses share, each against the plain pandas/numpy way
it replaces (the same values, order and dtypes)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.analyse import _with_cohort
from evaluate.network.blocks import tie_blocks
from evaluate.network.coreness import _group_sums, _key_codes
from evaluate.network.growth import _long_metrics
from evaluate.network.layout import _edge_flags, _merged_edge_flags
from evaluate.network.ties import _as_ties, _relation_ties, _unique_pairs, distinct_rows
from evaluate.network.uncertainty import _block_arcs


def test_unique_pairs_are_numpys_unique_rows():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 7, 60), rng.integers(0, 7, 60)
    got = _unique_pairs(a, b, 7)
    want = np.unique(np.column_stack([a, b]), axis=0)
    assert got.dtype == np.int64 and np.array_equal(got, want)
    assert _unique_pairs(np.array([], int), np.array([], int), 7).shape == (0, 2)
    assert _unique_pairs([2, 0, 2], [1, 3, 1], 4).tolist() == [[0, 3], [2, 1]]


def _ties():
    return _as_ties(pd.DataFrame({
        "wave": ["w1", "w1", "w1", "w2", "w2", "w2", "w3", None],
        "source": ["a", "a", "b", "a", "c", "x", "a", "a"],
        "target": ["b", "b", "a", "b", "a", "a", "c", "b"],
        "relation": ["advice", "worked_with", "advice", "advice", "advice", "advice",
                     "advice", "advice"]}))


def test_block_arcs_are_each_relation_and_waves_arcs_among_the_people():
    ties = _ties()
    index = pd.Index(["a", "b", "c"])
    found = _block_arcs(ties, index, ["advice", "worked_with", "any"], ["w1", "w2", "w9"])
    for relation in ("advice", "worked_with", "any"):
        rel = _relation_ties(ties, relation)
        for w in ("w1", "w2", "w9"):
            r = rel[rel["wave"] == w]
            s, t = index.get_indexer(r["source"]), index.get_indexer(r["target"])
            keep = (s >= 0) & (t >= 0) & (s != t)
            want = (np.unique(np.column_stack([s[keep], t[keep]]), axis=0) if keep.any()
                    else np.empty((0, 2), np.int64))
            assert np.array_equal(found[(relation, w)], want), (relation, w)
    assert found[("any", "w2")].tolist() == [[0, 1], [2, 0]]  # x is not one of the people


def test_tie_blocks_any_keeps_the_first_row_of_each_wave_and_pair():
    ties = _ties()
    blocks = tie_blocks(ties, pd.Index(["a", "b", "c"]), ["w1", "w2"], ["advice", "any"])
    any_rows = blocks.block >= 2
    # any at w1: a→b once (the worked_with repeat dropped), b→a; at w2: a→b, c→a, x→a
    assert blocks.src[any_rows].tolist() == [0, 1, 0, 2, -1]
    assert blocks.tgt[any_rows].tolist() == [1, 0, 1, 0, 0]
    assert blocks.new[any_rows].tolist() == [False, False, False, True, True]
    assert blocks.block[~any_rows].tolist() == [0, 0, 1, 1, 1]


def test_long_metrics_is_melt_with_numbers():
    m = pd.DataFrame({"wave": ["w1", "w2"], "relation": ["advice"] * 2, "basis": ["roster"] * 2,
                      "nodes": [3, 4], "density": [0.5, np.nan]})
    want = m.melt(id_vars=["wave", "relation", "basis"], value_vars=["nodes", "density"],
                  var_name="metric", value_name="value")
    want["value"] = want["value"].astype("float64")
    pd.testing.assert_frame_equal(_long_metrics(m, ["wave", "relation", "basis"],
                                                ["nodes", "density"]), want, check_exact=True)


def test_with_cohort_is_each_frame_labelled_then_stacked():
    frames = [("c1", pd.DataFrame({"x": [1, 2], "y": ["a", "b"]})),
              ("c2", pd.DataFrame({"x": pd.Series([], dtype="int64"),
                                   "y": pd.Series([], dtype=object)})),
              ("all", pd.DataFrame({"x": [3], "y": ["c"]})),
              ("c3", pd.DataFrame({"x": [4], "z": [1.5]}))]  # another column: NaN elsewhere
    want = pd.concat([f.assign(cohort=c)[["cohort", *f.columns]] for c, f in frames],
                     ignore_index=True)
    pd.testing.assert_frame_equal(_with_cohort(frames), want, check_exact=True)
    only_empty = [("c1", pd.DataFrame()), ("c2", pd.DataFrame())]
    pd.testing.assert_frame_equal(
        _with_cohort(only_empty),
        pd.concat([f.assign(cohort=c)[["cohort", *f.columns]] for c, f in only_empty],
                  ignore_index=True), check_exact=True)


def test_edge_flags_are_the_merges_with_reverses_and_the_wave_before():
    rng = np.random.default_rng(5)
    people = np.array(["a", "b", "c", "d", None], dtype=object)
    waves = ["w1", "w2", "w3"]
    edges = pd.DataFrame({"wave": rng.choice(waves, 80), "relation": rng.choice(["k", "w"], 80),
                          "source": rng.choice(people, 80), "target": rng.choice(people, 80)})
    edges = edges.drop_duplicates(ignore_index=True)
    order = {w: i for i, w in enumerate(waves)}
    mutual, is_new = _edge_flags(edges, waves)
    merged = _merged_edge_flags(edges, waves, order)
    assert mutual.any() and is_new.any() and not is_new.all()
    assert np.array_equal(mutual, merged["mutual"].to_numpy())
    assert np.array_equal(is_new, merged["is_new"].to_numpy())
    assert _edge_flags(pd.concat([edges, edges.head(1)], ignore_index=True), waves) is None


def test_group_sums_by_key_codes_are_the_grouping_by_the_key_columns():
    rng = np.random.default_rng(7)
    n = 60
    frame = pd.DataFrame({"relation": rng.choice(["k", "w", "a"], n),
                          "group": rng.choice(["x", "y", "z", "q"], n),
                          "core_from": rng.random(n) < 0.3, "core_to": rng.random(n) < 0.4,
                          "moved_in": rng.random(n) < 0.2, "moved_out": rng.random(n) < 0.2,
                          "coreness_from": rng.random(n), "coreness_to": rng.random(n)})
    key = ["relation", "group"]
    assert _key_codes(frame, key, sort=True) is not None
    for sort in (True, False):
        by = frame.groupby(key, sort=sort)
        want = pd.concat([by.size().rename("members"),
                          by[["core_from", "core_to", "moved_in", "moved_out"]].sum(),
                          by[["coreness_from", "coreness_to"]].mean().set_axis(
                              ["mean_coreness_from", "mean_coreness_to"], axis=1)], axis=1)
        pd.testing.assert_frame_equal(_group_sums(frame, key, sort=sort), want, check_exact=True)
    assert _key_codes(frame.assign(group=frame["group"].where(frame.index > 0)), key,
                      sort=True) is None  # a missing key: grouped by the columns


def test_distinct_rows_counts_as_drop_duplicates_does():
    rng = np.random.default_rng(3)
    names = np.array(["ann", "bo", "cy", None, "dee"], dtype=object)
    for size in (0, 1, 7, 200):
        a, b = names[rng.integers(0, 5, size)], names[rng.integers(0, 5, size)]
        r = rng.integers(0, 3, size)
        frame = pd.DataFrame({"a": a, "b": b, "r": r})
        assert distinct_rows(a, b, r) == len(frame.drop_duplicates())
        assert distinct_rows(a) == len(frame[["a"]].drop_duplicates())
