"""Paired statistics for many groups at once (evaluate.stats.paired_groups).

Each group's row must be what the one-comparison core (``_paired_core``, itself
checked against R in test_stats.py) gives for that group alone, and the
vectorised numbers are checked against R directly (tests/reference/paired_groups.R).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.stats.paired import _TEXT_COLUMNS, PAIRED_COLUMNS, _paired_core
from evaluate.stats.paired_groups import paired_by_group

A_PRE = [3, 4, 2, 5, 3, 3, 4, 2, 3, 4, 5, 1]
A_POST = [4, 4, 3, 5, 5, 4, 4, 3, 2, 5, 5, 3]
B_PRE = np.array([2.1, 3.4, 1.9, 4.2, 3.3, 2.8, 3.9, 2.5])
B_POST = B_PRE + np.array([0.8, -0.2, 0.7, 1.1, 0.15, 0.25, 0.6, 1.35])


def _three_groups():
    pre = np.concatenate([A_PRE, B_PRE, [2.0, 3.0]])
    post = np.concatenate([A_POST, B_POST, [3.0, 3.0]])
    codes = np.repeat([0, 1, 2], [12, 8, 2])
    return pre, post, codes


def test_groups_match_r():
    # tests/reference/paired_groups.R (t.test, wilcox.test, effectsize::cohens_d on the
    # differences), output in tests/reference/paired_groups.out. effectsize finds its
    # noncentral-t limits by uniroot to about 1e-7, hence the looser tolerance there.
    pre, post, codes = _three_groups()
    t = paired_by_group(pre, post, codes, 3, ordinal=False)
    a, b, c = t.iloc[0], t.iloc[1], t.iloc[2]
    assert a["t"] == pytest.approx(2.60177454235196, abs=1e-12)
    assert a["dof"] == 11
    assert a["p_val"] == pytest.approx(0.0246159780155096, abs=1e-12)
    assert (a["ci95_low"], a["ci95_high"]) == pytest.approx((0.102696416294913, 1.23063691703842), abs=1e-12)
    assert a["w_stat"] == 32.5
    assert a["p_wilcoxon"] == pytest.approx(0.0400667965381699, abs=1e-12)
    assert a["wilcoxon_method"].startswith("normal approximation")
    assert a["dz"] == pytest.approx(0.751067616198811, abs=1e-12)
    assert (a["dz_ci95_low"], a["dz_ci95_high"]) == pytest.approx((0.0929421793744372, 1.38330435640863),
                                                                  abs=1e-6)
    assert b["t"] == pytest.approx(3.28704824483072, abs=1e-12)
    assert b["p_val"] == pytest.approx(0.0133567185069358, abs=1e-12)
    assert (b["ci95_low"], b["ci95_high"]) == pytest.approx((0.166620385583427, 1.02087961441657), abs=1e-12)
    assert b["w_stat"] == 34 and b["wilcoxon_method"] == "exact"
    assert b["p_wilcoxon"] == pytest.approx(0.0234375, abs=1e-12)
    assert b["dz"] == pytest.approx(1.16214705200357, abs=1e-12)
    assert (b["dz_ci95_low"], b["dz_ci95_high"]) == pytest.approx((0.225187514319502, 2.0538841439214),
                                                                  abs=1e-6)
    assert c["n_pairs"] == 2 and np.isnan(c["t"]) and "at least 3" in c["note"]
    assert c["mean_diff"] == pytest.approx(0.5)


def _assert_same_as_core(pre, post, codes, k, **kw):
    table = paired_by_group(pre, post, codes, k, **kw)
    assert list(table.columns) == PAIRED_COLUMNS and len(table) == k
    for g in range(k):
        one = _paired_core(pre[codes == g], post[codes == g], **kw)
        row = table.iloc[g]
        for col in PAIRED_COLUMNS:
            if col in _TEXT_COLUMNS:
                assert row[col] == one[col], (g, col)
            elif np.isnan(one[col]):
                assert np.isnan(row[col]), (g, col)
            else:
                assert row[col] == pytest.approx(one[col], rel=1e-11, abs=1e-12), (g, col)


@pytest.mark.parametrize("ordinal", [False, True])
def test_every_group_is_what_the_single_comparison_gives(ordinal):
    rng = np.random.default_rng(4)
    n, k = 4000, 120
    codes = np.minimum(rng.geometric(0.03, n), k) - 1  # groups of 1 to a few hundred, some empty
    pre_items = rng.integers(1, 6, (n, 3))
    post_items = np.clip(pre_items + rng.integers(-1, 3, (n, 3)), 1, 5)
    pre, post = pre_items.mean(axis=1), post_items.mean(axis=1)  # thirds: float-noise ties
    pre[rng.random(n) < 0.05] = np.nan
    post[codes == k - 2] = pre[codes == k - 2] + 1  # everyone changed by the same amount
    post[codes == k - 3] = pre[codes == k - 3]  # no one changed
    _assert_same_as_core(pre, post, codes, k, ordinal=ordinal, higher_is_better=not ordinal,
                         reason="stated" if ordinal else None)


def test_continuous_scores_take_the_exact_wilcoxon_and_other_levels():
    rng = np.random.default_rng(8)
    n, k = 1500, 60
    codes = rng.integers(0, k, n)
    pre = rng.normal(size=n)
    post = pre + rng.normal(0.3, 1.0, n)
    _assert_same_as_core(pre, post, codes, k, ordinal=False, confidence=0.9)
    table = paired_by_group(pre, post, codes, k, ordinal=False)
    assert (table["wilcoxon_method"] == "exact").all()


def test_no_pairs_at_all():
    table = paired_by_group(np.array([np.nan, 1.0]), np.array([2.0, np.nan]), np.array([0, 1]), 3,
                            ordinal=True)
    assert table["n_pairs"].tolist() == [0, 0, 0]
    assert table["note"].str.startswith("no one answered").all()
    assert isinstance(table, pd.DataFrame)


def test_measures_stacked_in_one_call_are_each_measure_alone_to_the_bit():
    """subgroup_change puts the measures with the same headline test in one call of
    paired_by_group, each measure's groups numbered after the last one's: every row must be
    exactly what the measure's own call gives (missing answers, ties, tiny groups, a mix of
    tests included)."""
    from evaluate.stats.cohorts import _paired_block

    rng = np.random.default_rng(5)
    n, groups = 90, 5
    codes = rng.integers(0, groups, size=n)
    codes[codes == 4] = 3  # group 4 has no one: a row without pairs
    codes[:2] = 4  # … and then two people
    a = np.round(rng.normal(3, 1, size=(n, 4)) * 2) / 2
    b = a + np.round(rng.normal(0.3, 0.8, size=(n, 4)) * 2) / 2
    a[rng.random((n, 4)) < 0.1] = np.nan
    b[:, 3] = a[:, 3]  # no change at all in the last measure
    info = [dict(ordinal=True, reason=None), dict(ordinal=False, reason="a reason"),
            dict(ordinal=True, reason=None), dict(ordinal=False, reason="a reason")]
    block, group_of, key_of = _paired_block(a, b, codes, groups, info, 0.95)
    assert len(block) == groups * len(info)
    assert (np.lexsort((key_of, group_of)) == np.arange(len(block))).all()  # group, then measure
    for j, m in enumerate(info):
        alone = paired_by_group(a[:, j], b[:, j], codes, groups, ordinal=m["ordinal"],
                                higher_is_better=True, reason=m["reason"])
        got = block[key_of == j].reset_index(drop=True)
        assert (group_of[key_of == j] == np.arange(groups)).all()
        pd.testing.assert_frame_equal(got, alone, check_exact=True)


def test_noncentrality_of_each_element_is_what_it_gets_alone():
    """Brackets are tried only where none is found yet: each element's λ is the one it gets
    solved on its own, to the bit, also where the first bracket widths fail."""
    from evaluate.stats.paired_groups import _nct_noncentrality_many

    rng = np.random.default_rng(5)
    t_obs = np.concatenate([rng.normal(0, 3, 40), [0.0, 40.0, -60.0, 1e-9, np.inf, np.nan]])
    df = np.concatenate([rng.integers(1, 400, 40), [5, 3, 2, 1000, 9, 9]]).astype(float)
    for q in (0.975, 0.025):
        many = _nct_noncentrality_many(t_obs, df, q)
        alone = [_nct_noncentrality_many(t_obs[i:i + 1], df[i:i + 1], q)[0]
                 for i in range(t_obs.size)]
        np.testing.assert_array_equal(many, alone)
        assert np.isfinite(many[:40]).all()


def test_tied_ranks_are_the_ranks_of_the_values_with_near_ties_made_equal():
    """_tied_ranks: values within 1e-9 of the previous sorted one tied (chained), average
    ranks as scipy gives them for the values each tie's smallest, and each tie's size."""
    from scipy.stats import rankdata

    from evaluate.stats.paired import _TOL, _tied_ranks

    rng = np.random.default_rng(9)
    thirds = rng.integers(1, 13, 500) / 3.0
    noisy = thirds + rng.choice([0.0, 4e-10, -4e-10, 2e-9], 500)  # last-bit and chained ties
    for a in (thirds, noisy, rng.random(50), np.array([2.0]), np.array([1.0, 1.0 + 5e-10])):
        s = np.sort(a)
        smallest, current = [], s[0]
        for prev, v in zip(np.concatenate([[s[0]], s[:-1]]), s, strict=True):
            current = current if v - prev <= _TOL else v
            smallest.append(current)
        tied = np.asarray(smallest)[np.argsort(np.argsort(a, kind="stable"), kind="stable")]
        ranks, sizes = _tied_ranks(a)
        np.testing.assert_array_equal(ranks, rankdata(tied))
        np.testing.assert_array_equal(sizes, np.unique(tied, return_counts=True)[1])
