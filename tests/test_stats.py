"""Pre/post statistics checked against independently computed values.

Sources are named next to each expected value: R outputs (``t.test``,
``wilcox.test``, ``p.adjust``, ``effsize``, ``effectsize``) on published
datasets, or numpy/scipy hand calculations written out in the test.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import optimize, stats

from evaluate.errors import AnalysisError
from evaluate.instruments import (
    Aim,
    Instrument,
    Item,
    Programme,
    ResponseSet,
    Scale,
    load_instruments,
    load_programme,
)
from evaluate.stats import (
    COMPARISON_THEN_BASELINE,
    COMPARISON_THEN_POST,
    PAIRED_COLUMNS,
    adjust_pvalues,
    aim_statements,
    analyse_workspace,
    cohort_anova,
    group_difference,
    item_rest_correlations,
    measure_values,
    paired_change,
    prepost_table,
    response_rates,
    scale_reliability,
    session_reaction,
    subgroup_change,
    then_test,
    wave_order,
)

# R's `sleep` data (Cushny & Peebles 1905, as in Student 1908): extra hours of sleep
# for the same 10 patients on two drugs.
SLEEP_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])


def _long(pre, post):
    n = len(pre)
    return pd.DataFrame({"participant": list(range(n)) * 2, "wave": ["pre"] * n + ["post"] * n,
                         "score": np.concatenate([pre, post])})


def _row(pre, post, **kw):
    return paired_change(_long(pre, post), "score", "wave", "participant", "pre", "post",
                         **kw).iloc[0]


# --------------------------------------------------------------------------- paired t
def test_sleep_paired_t_matches_r():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)
    #   t = -4.0621, df = 9, p-value = 0.002833
    #   95 percent CI: -2.4598858 -0.7001142; mean difference -1.58
    # (group 1 - group 2; we report post - pre with pre = group 1, so signs flip)
    r = _row(SLEEP_1, SLEEP_2)
    assert r["n_pairs"] == 10
    assert r["t"] == pytest.approx(4.0621, abs=5e-5)
    assert r["dof"] == 9
    assert r["p_val"] == pytest.approx(0.002833, abs=5e-7)
    assert r["mean_diff"] == pytest.approx(1.58)
    assert r["ci95_low"] == pytest.approx(0.7001142, abs=5e-8)
    assert r["ci95_high"] == pytest.approx(2.4598858, abs=5e-8)


def test_reference_paired_t_matches_r():
    # REFERENCES.md, R t.test(a, b, paired = TRUE): t = -2.44451, df = 5, p = 0.05833,
    # CI [-7.18, 0.18] for a - b.
    a = np.array([4, 7, 8, 6, 3, 2], dtype=float)
    b = np.array([6, 8, 7, 10, 11, 9], dtype=float)
    r = _row(b, a)  # post - pre = a - b
    assert r["t"] == pytest.approx(-2.44451, abs=5e-6)
    assert r["dof"] == 5
    assert r["p_val"] == pytest.approx(0.05833, abs=5e-6)
    assert r["ci95_low"] == pytest.approx(-7.18, abs=5e-3)
    assert r["ci95_high"] == pytest.approx(0.18, abs=5e-3)


def test_t_agrees_with_pingouin_and_cohen_d_there_is_not_dz():
    rng = np.random.default_rng(3)
    x = rng.normal(3, 1, 40)
    y = x + rng.normal(0.4, 0.8, 40)
    r = _row(x, y)
    ref = pg.ttest(y, x, paired=True)
    assert r["t"] == pytest.approx(ref["T"].iloc[0], rel=1e-10)
    assert r["p_val"] == pytest.approx(ref["p_val"].iloc[0], rel=1e-8)
    d = y - x
    # hand formulas (Lakens 2013): d_z = mean(d)/sd(d); d_av = mean(d)/((sd_x+sd_y)/2)
    dz = d.mean() / d.std(ddof=1)
    d_av = d.mean() / ((x.std(ddof=1) + y.std(ddof=1)) / 2)
    g_av = d_av * (1 - 3 / (4 * (40 - 1) - 1))
    assert r["dz"] == pytest.approx(dz, rel=1e-12)
    assert r["d_av"] == pytest.approx(d_av, rel=1e-12)
    assert r["g_av"] == pytest.approx(g_av, rel=1e-12)
    # pingouin's paired `cohen_d` uses the root-mean-square of the two SDs: a d_av-type
    # value, clearly not d_z, which is why we never report it under that name.
    rms = d.mean() / np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
    assert ref["cohen_d"].iloc[0] == pytest.approx(abs(rms), rel=1e-6)
    assert abs(ref["cohen_d"].iloc[0] - r["dz"]) > 0.1


def _nct_limits(t_obs, df, conf=0.95):
    """Noncentrality limits by plain bisection on scipy.stats.nct.cdf (independent of the module)."""
    def solve(q):
        return optimize.bisect(lambda nc: stats.nct.cdf(t_obs, df, nc) - q, t_obs - 20, t_obs + 20,
                               xtol=1e-12)
    return solve(1 - (1 - conf) / 2), solve((1 - conf) / 2)


def test_dz_ci_noncentral_t_matches_effectsize_on_sleep():
    # R effectsize documentation: cohens_d(Pair(extra[group == 1], extra[group == 2]) ~ 1,
    # data = sleep) -> d = -1.28, 95% CI [-2.12, -0.41]  (signs flip: post - pre here)
    r = _row(SLEEP_1, SLEEP_2)
    assert r["dz"] == pytest.approx(1.28, abs=5e-3)
    assert r["dz_ci95_low"] == pytest.approx(0.41, abs=5e-3)
    assert r["dz_ci95_high"] == pytest.approx(2.12, abs=5e-3)
    assert r["dz_ci_method"] == "noncentral t"
    lo, hi = _nct_limits(r["t"], 9)
    assert r["dz_ci95_low"] == pytest.approx(lo / np.sqrt(10), abs=1e-9)
    assert r["dz_ci95_high"] == pytest.approx(hi / np.sqrt(10), abs=1e-9)


def test_g_av_ci_is_the_dz_interval_rescaled():
    # Algina & Keselman (2003) approximation: CI(d_z) × J × sd_diff / sd_av
    rng = np.random.default_rng(11)
    x = rng.normal(3, 1, 25)
    y = 0.6 * x + rng.normal(1.6, 0.7, 25)
    r = _row(x, y)
    d = y - x
    n = 25
    t_obs = d.mean() / (d.std(ddof=1) / np.sqrt(n))
    lo, hi = _nct_limits(t_obs, n - 1)
    j = 1 - 3 / (4 * (n - 1) - 1)
    k = j * d.std(ddof=1) / ((x.std(ddof=1) + y.std(ddof=1)) / 2)
    assert r["g_av_ci95_low"] == pytest.approx(lo / np.sqrt(n) * k, abs=1e-9)
    assert r["g_av_ci95_high"] == pytest.approx(hi / np.sqrt(n) * k, abs=1e-9)
    assert r["g_av_ci95_low"] < r["g_av"] < r["g_av_ci95_high"]


# --------------------------------------------------------------------------- Wilcoxon
def test_sleep_wilcoxon_matches_r():
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE)
    #   V = 0, p-value = 0.009091 (normal approximation: one zero and ties)
    # With post - pre = group 2 - group 1, V (sum of positive ranks) = 1 + ... + 9 = 45.
    r = _row(SLEEP_1, SLEEP_2)
    assert r["w_stat"] == 45
    assert r["p_wilcoxon"] == pytest.approx(0.009091, abs=5e-7)
    assert r["rank_biserial"] == 1.0
    assert r["wilcoxon_method"].startswith("normal approximation")


def test_wilcoxon_paths_agree_with_pingouin_where_both_run():
    rng = np.random.default_rng(5)
    # ties and zeros (Likert codes) -> normal approximation
    x = rng.integers(1, 6, 60).astype(float)
    y = np.clip(x + rng.integers(-1, 3, 60), 1, 5).astype(float)
    r = _row(x, y, ordinal=True)
    ref = pg.wilcoxon(y, x, correction=True, method="asymptotic")
    assert r["p_wilcoxon"] == pytest.approx(ref["p_val"].iloc[0], rel=1e-9)
    assert r["rank_biserial"] == pytest.approx(ref["RBC"].iloc[0], rel=1e-12)
    # pingouin/scipy report min(R+, R-); we report R+ (R's V): they must add to n'(n'+1)/2
    m = int(np.sum(y != x))
    assert min(r["w_stat"], m * (m + 1) / 2 - r["w_stat"]) == ref["W_val"].iloc[0]
    # continuous, no ties, n < 50 -> exact
    x = rng.normal(size=20)
    y = x + rng.normal(0.5, 1, 20)
    r = _row(x, y)
    ref = pg.wilcoxon(y, x)
    assert r["wilcoxon_method"] == "exact"
    assert r["p_wilcoxon"] == pytest.approx(ref["p_val"].iloc[0], rel=1e-12)
    assert r["rank_biserial"] == pytest.approx(ref["RBC"].iloc[0], rel=1e-12)


def test_large_n_wilcoxon_matches_scipy_and_needs_no_matrix():
    rng = np.random.default_rng(9)
    n = 100_000
    x = rng.integers(1, 6, n).astype(float)
    y = np.clip(x + rng.integers(-1, 2, n), 1, 5).astype(float)
    start = time.perf_counter()
    r = _row(x, y, ordinal=True)
    elapsed = time.perf_counter() - start
    d = (y - x)[y != x]
    ref = stats.wilcoxon(d, correction=True, method="asymptotic")
    assert r["p_wilcoxon"] == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300)
    ranks = stats.rankdata(np.abs(d))
    assert r["rank_biserial"] == pytest.approx(
        (ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum(), rel=1e-12)
    assert elapsed < 2.0  # pingouin 0.7 builds a 100,000 × 100,000 matrix here and fails


def test_headline_follows_the_data_and_is_stated():
    r = _row(SLEEP_1, SLEEP_2, ordinal=True)
    assert r["headline_test"] == "Wilcoxon signed-rank"
    assert "ordinal" in r["headline_reason"]
    assert r["p_headline"] == r["p_wilcoxon"]
    r = _row(SLEEP_1, SLEEP_2)
    assert r["headline_test"] == "paired t" and r["p_headline"] == r["p_val"]


def test_share_improved_same_declined_respects_direction():
    pre = np.array([3, 3, 3, 3, 3.0])
    post = np.array([4, 4, 3, 2, 5.0])
    r = _row(pre, post)
    assert (r["share_improved"], r["share_same"], r["share_declined"]) == pytest.approx((0.6, 0.2, 0.2))
    r = _row(pre, post, higher_is_better=False)  # a reverse-worded item analysed as asked
    assert (r["share_improved"], r["share_declined"]) == pytest.approx((0.2, 0.6))


def test_columns_are_fixed():
    assert list(_row(SLEEP_1, SLEEP_2).index) == PAIRED_COLUMNS


# --------------------------------------------------------------------------- edge cases
def test_fewer_than_three_pairs_gives_a_note_not_a_crash():
    r = _row(np.array([3.0, 4.0]), np.array([4.0, 5.0]))
    assert r["n_pairs"] == 2 and np.isnan(r["t"]) and np.isnan(r["p_headline"])
    assert "at least 3" in r["note"]
    r = _row(np.array([np.nan, 4.0]), np.array([4.0, np.nan]))
    assert r["n_pairs"] == 0 and "nothing to compare" in r["note"]


def test_zero_variance_differences_are_explained():
    pre = np.array([1, 2, 3, 4.0])
    r = _row(pre, pre + 1)
    assert np.isnan(r["t"]) and np.isnan(r["dz"]) and "no spread" in r["note"]
    assert r["mean_diff"] == 1 and r["share_improved"] == 1
    r = _row(pre, pre)
    assert np.isnan(r["p_wilcoxon"]) and "no one's answer changed" in r["note"]


def test_duplicate_responses_are_refused_with_a_fix():
    data = pd.concat([_long(SLEEP_1, SLEEP_2), _long(SLEEP_1, SLEEP_2).iloc[:1]])
    with pytest.raises(AnalysisError, match="keep one response per participant and wave"):
        paired_change(data, "score", "wave", "participant", "pre", "post")
    with pytest.raises(AnalysisError, match='no column "nope"'):
        paired_change(data, "nope", "wave", "participant", "pre", "post")


# --------------------------------------------------------------------------- adjustment
def test_holm_and_bh_match_r_p_adjust():
    p = [0.52, 0.12, 0.0001, 0.03, 0.14]
    # R p.adjust(p, "holm") -> 0.52 0.36 0.0005 0.12 0.36 (REFERENCES.md)
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), [0.52, 0.36, 0.0005, 0.12, 0.36])
    # BH by hand: sorted 0.0001, 0.03, 0.12, 0.14, 0.52 -> p*m/rank = 0.0005, 0.075, 0.2, 0.175,
    # 0.52; cumulative minimum from the top -> 0.0005, 0.075, 0.175, 0.175, 0.52
    # (R p.adjust(p, "BH") -> 0.520 0.175 0.0005 0.075 0.175)
    np.testing.assert_allclose(adjust_pvalues(p, "fdr_bh"), [0.52, 0.175, 0.0005, 0.075, 0.175])
    out = adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(out[1]) and out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.04)
    with pytest.raises(AnalysisError, match="use holm or fdr_bh"):
        adjust_pvalues(p, "magic")


def test_adjustments_agree_with_pingouin_multicomp_with_ties():
    rng = np.random.default_rng(12)
    p = np.round(rng.uniform(0, 0.3, 40), 2)  # rounded: many ties
    for ours, theirs in (("holm", "holm"), ("fdr_bh", "fdr_bh"), ("bonferroni", "bonf")):
        _, ref = pg.multicomp(p, method=theirs)
        np.testing.assert_allclose(adjust_pvalues(p, ours), ref, rtol=1e-14, atol=0)
    # R p.adjust(c(0.01, 0.02, 0.2), "bonferroni") -> 0.03 0.06 0.60
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.02, 0.2], "bonferroni"), [0.03, 0.06, 0.6])


# --------------------------------------------------------------------------- two groups
def test_group_difference_hedges_g_matches_r_effsize():
    # REFERENCES.md, R effsize::cohen.d(a, b, hedges.correction = TRUE): g = 0.9254296
    a = [3.2, 6.4, 1.8, 2.4, 5.8, 6.5]
    b = [2.4, 3.2, 3.2, 1.4, 2.8, 3.5]
    data = pd.DataFrame({"x": a + b, "g": ["a"] * 6 + ["b"] * 6})
    r = group_difference(data, "x", "g", "a", "b").iloc[0]
    assert r["hedges_g"] == pytest.approx(0.9254296, abs=5e-8)
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert r["t"] == pytest.approx(welch.statistic) and r["p_val"] == pytest.approx(welch.pvalue)
    mw = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert r["u_stat"] == mw.statistic and r["p_mannwhitney"] == pytest.approx(mw.pvalue)
    assert r["rank_biserial"] == pytest.approx(2 * mw.statistic / 36 - 1)
    se = np.sqrt(12 / 36 + r["hedges_g"] ** 2 / 24)  # Hedges & Olkin large-sample SE
    assert r["g_ci95_low"] == pytest.approx(r["hedges_g"] - 1.959963984540054 * se)


# --------------------------------------------------------------------------- waves
def test_wave_order_uses_declared_then_known_names():
    assert wave_order(["follow_up", "end", "baseline"]) == ["baseline", "end", "follow_up"]
    assert wave_order(["b", "a", "end"], declared=["b", "a"]) == ["b", "a", "end"]


# --------------------------------------------------------------------------- synthetic workspace
AGREE5 = ResponseSet("agree5", tuple((i, str(i)) for i in range(1, 6)))
NPS11 = ResponseSet("nps11", tuple((i, str(i)) for i in range(0, 11)))
MODULES = ResponseSet("modules", ((1, "Day 1"), (2, "Day 2")), ordered=False,
                      aliases=(("day1", 1), ("day2", 2)))


def _survey(inst_id: str, wave: str, then: bool = False, version: int = 1,
            reworded: bool = False) -> Instrument:
    items = [Item(f"{s}{k}", f"{s} item {k}", "likert", "agree5", reverse=(k == 3))
             for s in ("grow", "flat") for k in (1, 2, 3)]
    items.append(Item("single", "A single item", "likert", "agree5"))
    if reworded:
        items[0] = Item("grow1", "grow item 1, reworded", "likert", "agree5")
    scales = [Scale("growth", "Confidence in system leadership", ("grow1", "grow2", "grow3"),
                    min_items=2, aim="aim1"),
              Scale("flatline", "Flat scale", ("flat1", "flat2", "flat3"), min_items=2, aim="aim2")]
    if then:
        items += [Item(f"then_grow{k}", f"then grow {k}", "likert", "agree5",
                       then_of=f"grow{k}", reverse=(k == 3)) for k in (1, 2, 3)]
        scales.append(Scale("then_growth", "Growth (then)", ("then_grow1", "then_grow2", "then_grow3"),
                            min_items=2, aim="aim1", then_of="growth"))
    return Instrument(id=inst_id, version=version, title=inst_id, wave=wave, items=tuple(items),
                      response_sets={"agree5": AGREE5}, scales=tuple(scales))


def _feedback() -> Instrument:
    return Instrument(
        id="feedback", version=1, title="Feedback", wave="day1",
        items=(Item("module", "Which day?", "choice", "modules"),
               Item("overall_rating", "Overall", "likert", "agree5"),
               Item("useful_a", "Session A", "likert", "agree5", module="day1"),
               Item("recommend", "Recommend", "likert", "nps11")),
        response_sets={"agree5": AGREE5, "nps11": NPS11, "modules": MODULES},
    )


PROGRAMME = Programme(name="P", aims=(Aim("aim1", "System leadership"), Aim("aim2", "Network"),
                                      Aim("aim3", "Innovation")),
                      principles=(), modules=(Aim("day1", "Day 1"), Aim("day2", "Day 2")))


def _make(n=120, seed=0, effect=0.6, cohorts=("c1", "c2"), keep=(1.0, 0.8, 0.6), shift=0.0):
    """Baseline/end/follow-up answers with a known effect on `growth` and none on `flatline`."""
    rng = np.random.default_rng(seed)
    instruments = {"base@1": _survey("base", "baseline"), "post@1": _survey("post", "end", then=True),
                   "fu@1": _survey("fu", "follow_up"), "feedback@1": _feedback()}
    pid = np.array([f"P-{i:010x}" for i in range(n)])
    cohort = np.array(cohorts)[np.arange(n) % len(cohorts)]
    trait_g, trait_f = rng.normal(0, 0.8, n), rng.normal(0, 0.8, n)
    frames = []
    for (wave, ref, kept, eff) in (("baseline", "base@1", keep[0], 0.0),
                                   ("end", "post@1", keep[1], effect),
                                   ("follow_up", "fu@1", keep[2], effect)):
        inst = instruments[ref]
        sel = rng.random(n) < kept
        m = int(sel.sum())
        d = {"participant": pid[sel], "matched": True, "cohort": cohort[sel], "wave": wave,
             "instrument": inst.id, "instrument_version": inst.version,
             "response_id": [f"{wave}-{i}" for i in range(m)], "started": pd.NaT,
             "completed": pd.Timestamp("2025-01-01"), "source_row": np.arange(m) + 2}
        for it in inst.items:
            base_id = it.then_of or it.id
            trait = trait_g if base_id.startswith("grow") else trait_f
            e = eff if base_id.startswith("grow") and not it.then_of else (shift if it.then_of else 0.0)
            lat = 3 + trait[sel] + e + rng.normal(0, 0.6, m)
            if it.reverse:
                lat = 6 - lat
            d[it.id] = np.clip(np.round(lat), 1, 5)
        frames.append(pd.DataFrame(d))
    fb = instruments["feedback@1"]
    sel = rng.random(n) < 0.9
    m = int(sel.sum())
    frames.append(pd.DataFrame({
        "participant": pid[sel], "matched": True, "cohort": cohort[sel], "wave": "day1",
        "instrument": fb.id, "instrument_version": 1, "response_id": [f"f{i}" for i in range(m)],
        "started": pd.NaT, "completed": pd.NaT, "source_row": np.arange(m) + 2,
        "module": 1.0, "overall_rating": rng.integers(3, 6, m).astype(float),
        "useful_a": rng.integers(1, 6, m).astype(float),
        "recommend": rng.integers(5, 11, m).astype(float)}))
    roster = pd.DataFrame({"participant": pid, "cohort": cohort,
                           "organisation": np.where(np.arange(n) < 3, "tiny org", "big org"),
                           "sector": np.array(["NHS", "Council", "VCS"])[np.arange(n) % 3],
                           "place": "Luton", "role": ""})
    return pd.concat(frames, ignore_index=True), roster, instruments


class FakeWorkspace:
    """The slice of the Workspace API analyse_workspace uses."""

    def __init__(self, responses, roster, instruments, programme=PROGRAMME, min_group_size=5):
        self._responses, self._roster, self._instruments = responses, roster, instruments
        self._programme = programme
        self.min_group_size = min_group_size
        self.waves = ["baseline", "day1", "end", "follow_up"]

    def responses(self, instrument=None, wave=None, cohort=None):
        return self._responses.copy()

    def roster(self):
        return self._roster.copy()

    def instruments(self):
        return dict(self._instruments)

    def instrument(self, ref):
        return self._instruments[ref]

    def programme(self):
        return self._programme

    def manifest(self):
        return {}


@pytest.fixture(scope="module")
def synthetic():
    responses, roster, instruments = _make()
    return responses, roster, instruments, analyse_workspace(
        FakeWorkspace(responses, roster, instruments))


def test_analyse_workspace_returns_every_table(synthetic):
    *_, out = synthetic
    assert set(out) == {"scale_scores", "prepost", "then_test", "reliability", "item_rest",
                        "attrition_rates", "attrition_bias", "cohort_anova", "subgroups",
                        "reaction", "reaction_distribution", "statements", "principles",
                        "planning", "comparison"}
    for name, table in out.items():
        assert isinstance(table, pd.DataFrame), name
        assert all(c == c.lower() and " " not in c for c in table.columns), name


def test_known_effect_recovered_and_null_scale_not_significant(synthetic):
    *_, out = synthetic
    pp = out["prepost"]
    g = pp[(pp["measure"] == "growth") & (pp["comparison"] == "baseline → end")].iloc[0]
    f = pp[(pp["measure"] == "flatline") & (pp["comparison"] == "baseline → end")].iloc[0]
    assert g["p_adj"] < 0.001 and g["mean_diff"] > 0.3
    assert g["dz_ci95_low"] > 0 and g["g_av_ci95_low"] > 0
    assert f["p_adj"] > 0.05
    assert g["headline_test"] == "paired t"
    single = pp[(pp["measure"] == "single") & (pp["kind"] == "item")].iloc[0]
    assert single["headline_test"] == "Wilcoxon signed-rank"
    assert set(pp["p_adj_method"]) == {"holm"}
    assert {"scale, baseline → end", "item, end → follow_up"} <= set(pp["family"])
    # p_adj is Holm within each family, checked by hand for one family
    fam = pp[pp["family"] == "scale, baseline → end"]
    p = np.sort(fam["p_headline"].to_numpy())
    holm = np.minimum(1, np.maximum.accumulate(p * (len(p) - np.arange(len(p)))))
    np.testing.assert_allclose(np.sort(fam["p_adj"].to_numpy()), holm)


def test_prepost_numbers_are_the_paired_statistics_of_the_scores(synthetic):
    responses, _, instruments, out = synthetic
    scores = out["scale_scores"]
    growth = scores[scores["scale"] == "growth"].pivot(index="participant", columns="wave",
                                                       values="score")
    both = growth[["baseline", "follow_up"]].dropna()
    ref = stats.ttest_rel(both["follow_up"], both["baseline"])
    row = out["prepost"].query("measure == 'growth' and comparison == 'baseline → follow_up'").iloc[0]
    assert row["n_pairs"] == len(both)
    assert row["t"] == pytest.approx(ref.statistic) and row["p_val"] == pytest.approx(ref.pvalue)


def test_fdr_selectable(synthetic):
    responses, _, instruments, _ = synthetic
    table = prepost_table(responses, instruments, p_adjust="fdr_bh")
    assert set(table["p_adj_method"]) == {"fdr_bh"}


def test_then_test_labels_and_response_shift():
    responses, _, instruments = _make(seed=2, shift=-0.8, keep=(1.0, 1.0, 1.0))
    t = then_test(responses, instruments)
    assert set(t["comparison"]) == {COMPARISON_THEN_POST, COMPARISON_THEN_BASELINE}
    rs = t[(t["comparison"] == COMPARISON_THEN_BASELINE) & (t["kind"] == "scale")].iloc[0]
    assert rs["measure"] == "growth" and rs["wave_pre"] == "baseline" and rs["wave_post"] == "end"
    assert rs["mean_diff"] < -0.4 and rs["p_adj"] < 0.001  # then ratings lower than baseline
    tp = t[(t["comparison"] == COMPARISON_THEN_POST) & (t["kind"] == "scale")].iloc[0]
    assert tp["mean_diff"] > 1.0  # perceived change = effect 0.6 + shift 0.8


def test_version_change_is_not_paired():
    responses, _, instruments = _make(seed=4)
    instruments["base@1"] = _survey("base", "baseline", reworded=True)
    mv = measure_values(responses, instruments)
    pp = prepost_table(mv)
    base_end = pp[pp["comparison"] == "baseline → end"]
    # grow1 was reworded at baseline: neither the item nor the growth scale pair with end
    assert "grow1" not in set(base_end["measure"]) and "growth" not in set(base_end["measure"])
    assert "grow2" in set(base_end["measure"]) and "flatline" in set(base_end["measure"])


def test_all_missing_item_and_a_wave_with_no_matches_give_rows_with_notes():
    responses, _, instruments = _make(seed=5)
    responses.loc[responses["wave"] == "end", "grow2"] = np.nan
    pp = prepost_table(responses, instruments)
    row = pp.query("measure == 'grow2' and comparison == 'baseline → end'").iloc[0]
    assert row["n_pairs"] == 0 and "nothing to compare" in row["note"]
    # follow-up answered by people who never answered the end survey
    ends = set(responses.loc[responses["wave"] == "end", "participant"])
    responses = responses[~((responses["wave"] == "follow_up") & responses["participant"].isin(ends))]
    pp = prepost_table(responses, instruments)
    rows = pp[pp["comparison"] == "end → follow_up"]
    assert len(rows) and (rows["n_pairs"] == 0).all()
    assert rows["note"].str.contains("no matches").all()


# --------------------------------------------------------------------------- reliability
def test_alpha_and_feldt_ci_by_hand(synthetic):
    responses, _, instruments, out = synthetic
    rel = out["reliability"]
    row = rel[(rel["scale"] == "growth") & (rel["wave"] == "baseline")].iloc[0]
    base = responses[responses["wave"] == "baseline"]
    items = base[["grow1", "grow2", "grow3"]].copy()
    items["grow3"] = 6 - items["grow3"]  # reverse keyed on 1-5
    x = items.dropna().to_numpy()
    n, k = x.shape
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    lo = 1 - (1 - alpha) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - alpha) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
    assert row["n"] == n and row["alpha"] == pytest.approx(alpha, rel=1e-12)
    assert row["alpha_ci95_low"] == pytest.approx(lo, rel=1e-10)
    assert row["alpha_ci95_high"] == pytest.approx(hi, rel=1e-10)
    # pingouin's interval is rounded to 3 decimals; ours agrees to that precision
    ref_alpha, ci = pg.cronbach_alpha(items, nan_policy="listwise")
    assert row["alpha"] == pytest.approx(ref_alpha, rel=1e-12)
    assert row["alpha_ci95_low"] == pytest.approx(ci[0], abs=5e-4)
    assert row["alpha_below_0_7"] == (alpha < 0.7)


def test_alpha_flag_and_edge_notes():
    rng = np.random.default_rng(1)
    inst = _survey("base", "baseline")
    noise = pd.DataFrame({"participant": [f"p{i}" for i in range(50)], "wave": "baseline",
                          "instrument": "base", "instrument_version": 1,
                          **{f"grow{k}": rng.integers(1, 6, 50).astype(float) for k in (1, 2, 3)}})
    rel = scale_reliability(noise, [inst])
    growth = rel[rel["scale"] == "growth"].iloc[0]
    assert growth["alpha_below_0_7"] and "below 0.7" in growth["note"]
    flat = rel[rel["scale"] == "flatline"].iloc[0]  # items all missing
    assert np.isnan(flat["alpha"]) and "only 0 complete responses" in flat["note"]


# R lavaan::cfa + semTools::compRelSEM(obs.var = FALSE) on the demo's keyed answers:
# tests/reference/omega_semtools.R reading demo_keyed_items.csv (tests/reference/demo_data.py).
# instrument | wave | scale | n | omega total
OMEGA_SEMTOOLS = """\
baseline@1|baseline|system_leadership|62|0.795774599168637
baseline@1|baseline|coach_approach|69|0.757857719325358
baseline@1|baseline|peer_network|69|0.738700762662537
baseline@1|baseline|system_innovation|64|0.631339090308292
baseline@1|baseline|courage_to_innovate|68|0.693758271068846
baseline@1|baseline|community_voice|66|0.678683078317615
baseline@1|baseline|adaptive_leadership|70|0.572124635620748
follow_up@1|follow_up|system_leadership|49|0.883981956070241
follow_up@1|follow_up|coach_approach|46|0.827258928798055
follow_up@1|follow_up|peer_network|44|0.824812495578761
follow_up@1|follow_up|system_innovation|42|0.844661084781568
follow_up@1|follow_up|courage_to_innovate|48|0.813339311548271
follow_up@1|follow_up|community_voice|46|0.781707246687029
follow_up@1|follow_up|adaptive_leadership|45|0.756949440779042
follow_up@1|follow_up|change_challenge|52|0.691181164703113
post@1|end|system_leadership|51|0.898390492842783
post@1|end|coach_approach|56|0.833652862304889
post@1|end|peer_network|58|0.827298185746643
post@1|end|system_innovation|57|0.852869496659533
post@1|end|courage_to_innovate|55|0.852798226879578
post@1|end|community_voice|56|0.873794146606501
post@1|end|adaptive_leadership|57|0.83867508957816
post@1|end|then_system_leadership|51|0.828301694929224
post@1|end|then_coach_approach|57|0.745644221133893
post@1|end|then_peer_network|58|0.813019073894376
post@1|end|then_system_innovation|55|0.708162525126341
post@1|end|change_challenge|56|0.662939938231579
"""


def test_omega_matches_semtools_on_the_demo(sample_results):
    rel = sample_results["reliability"]
    lines = OMEGA_SEMTOOLS.strip().splitlines()
    assert len(lines) == 27
    worst = 0.0
    for line in lines:
        inst, wave, scale, n, omega = line.split("|")
        row = rel[(rel["instrument"] == inst) & (rel["wave"] == wave) & (rel["scale"] == scale)]
        assert len(row) == 1, line
        row = row.iloc[0]
        assert row["n"] == int(n)
        worst = max(worst, abs(row["omega_total"] - float(omega)))
        assert row["omega_ci95_low"] < row["omega_total"] < row["omega_ci95_high"], line
        assert row["omega_ci_method"].startswith("percentile bootstrap (")
    assert worst < 1e-6, worst
    two = rel[rel["scale"] == "story_for_change"]  # a two-item scale has no omega, and says why
    assert two["omega_total"].isna().all() and two["note"].str.contains("2-item scale").all()


# R lavaan::cfa (bounds = "pos.var") + semTools::compRelSEM(obs.var = FALSE) refitting each
# of the analysis's own 200 resamples per scale and wave (demo_omega_resamples.csv.gz), the
# best of one start per item where a fit is a Heywood case:
# tests/reference/omega_boot_semtools.R. instrument | wave | scale | converged | low | high
OMEGA_BOOT_SEMTOOLS = """\
baseline@1|baseline|system_leadership|200|0.65116577220545|0.861759395822181
baseline@1|baseline|coach_approach|200|0.66409073431626|0.843058941586421
baseline@1|baseline|peer_network|200|0.647791670242366|0.813826179708552
baseline@1|baseline|system_innovation|200|0.514649415005911|0.732384785773011
baseline@1|baseline|courage_to_innovate|200|0.601873480799718|0.791173316506671
baseline@1|baseline|community_voice|200|0.565200972861376|0.810754678676343
baseline@1|baseline|adaptive_leadership|200|0.430927596411692|0.701730942085982
follow_up@1|follow_up|system_leadership|200|0.825968345127723|0.926454847886152
follow_up@1|follow_up|coach_approach|200|0.736889184702341|0.893539411205524
follow_up@1|follow_up|peer_network|200|0.6747397509734|0.898524500659872
follow_up@1|follow_up|system_innovation|200|0.740758669575232|0.915130243149344
follow_up@1|follow_up|courage_to_innovate|200|0.707086917979224|0.893914563248673
follow_up@1|follow_up|community_voice|200|0.614824070143793|0.878008809107353
follow_up@1|follow_up|adaptive_leadership|200|0.611976248470298|0.846826215784596
follow_up@1|follow_up|change_challenge|200|0.576700283865032|0.813194053823508
post@1|end|system_leadership|200|0.852462816752138|0.931307935755794
post@1|end|coach_approach|200|0.71973788385579|0.9008714017349
post@1|end|peer_network|200|0.714370506971096|0.886321212205881
post@1|end|system_innovation|200|0.763551979549737|0.907396462697046
post@1|end|courage_to_innovate|200|0.795515382069917|0.903340772964496
post@1|end|community_voice|200|0.787997303746697|0.923699714604587
post@1|end|adaptive_leadership|200|0.766134845904094|0.886587199532415
post@1|end|then_system_leadership|200|0.720101952243877|0.894575412400768
post@1|end|then_coach_approach|200|0.626659900753925|0.83991639081493
post@1|end|then_peer_network|200|0.751995251294687|0.865629089891777
post@1|end|then_system_innovation|200|0.463081476041287|0.839886269871498
post@1|end|change_challenge|200|0.505330612211114|0.797037112623951
"""


def test_omega_interval_matches_semtools_refits_of_the_same_resamples(sample_results):
    rel = sample_results["reliability"]
    lines = OMEGA_BOOT_SEMTOOLS.strip().splitlines()
    assert len(lines) == 27
    worst = 0.0
    for line in lines:
        inst, wave, scale, used, low, high = line.split("|")
        row = rel[(rel["instrument"] == inst) & (rel["wave"] == wave) & (rel["scale"] == scale)]
        assert len(row) == 1, line
        row = row.iloc[0]
        assert row["omega_n_boot_used"] == int(used), line
        assert row["omega_ci_method"] == f"percentile bootstrap ({used} of 200 resamples of respondents)"
        worst = max(worst, abs(row["omega_ci95_low"] - float(low)),
                    abs(row["omega_ci95_high"] - float(high)))
    assert worst < 1e-6, worst


def test_omega_handles_reverse_keying_and_flags_a_shift():
    from evaluate.stats.omega import omega_total

    rng = np.random.default_rng(3)
    n = 150
    f = rng.normal(size=n)
    strong = f[:, None] * [0.9, 0.8, 0.8] + rng.normal(size=(n, 3)) * 0.5
    weak = f[:, None] * [0.5, 0.4, 0.4] + rng.normal(size=(n, 3)) * 0.9
    codes = lambda x: np.clip(np.round(3 + x), 1, 5)  # noqa: E731
    inst = _survey("base", "baseline")  # grow3 is reverse keyed
    rows = []
    for wave, latent in (("baseline", weak), ("end", strong)):
        c = codes(latent)
        rows.append(pd.DataFrame({"participant": [f"p{i}" for i in range(n)], "wave": wave,
                                  "instrument": "base", "instrument_version": 1,
                                  "grow1": c[:, 0], "grow2": c[:, 1], "grow3": 6 - c[:, 2]}))
    rel = scale_reliability(pd.concat(rows, ignore_index=True), [inst], n_boot=50)
    growth = rel[rel["scale"] == "growth"].set_index("wave")
    # stored reversed, keyed back: the same omega as the unreversed codes
    direct = omega_total(codes(strong), n_boot=0)["omega_total"]
    assert growth.loc["end", "omega_total"] == pytest.approx(direct, abs=1e-9)
    assert growth.loc["baseline", "omega_total"] < growth.loc["end", "omega_total"] - 0.1
    assert not growth.loc["baseline", "reliability_shift"]
    assert growth.loc["end", "reliability_shift"]
    assert growth.loc["end", "omega_change"] == pytest.approx(
        growth.loc["end", "omega_total"] - growth.loc["baseline", "omega_total"])
    assert "read its pre/post change with care" in growth.loc["end", "note"]
    # not keyed, the reversed item loads against the others, and the note says so
    raw = codes(strong) * [1, 1, -1]
    assert "loads against the others" in omega_total(raw, n_boot=0)["note"]
    again = scale_reliability(pd.concat(rows, ignore_index=True), [inst], n_boot=50)
    pd.testing.assert_frame_equal(rel, again)  # the bootstrap interval is the same every run


# R pwr::pwr.t.test(type = "paired") for the demo's observed d_z: tests/reference/power_pwr.R.
# d_z | share of it | power | n   — then   power | n | d | power
PWR_PAIRED = """\
0.80333648696513882|1.0|0.8|14.2019431596
0.72967362398519897|1.0|0.8|16.7635631471
0.60781261116238372|1.0|0.8|23.2393617465
0.42500442726544707|1.0|0.8|45.4111854700
0.29596447146563243|1.0|0.8|91.5433161209
-0.12477647191208754|1.0|0.8|506.0525412711
0.67267173823455984|1.0|0.8|19.3544314133
0.42872476070196741|1.0|0.8|44.6609201968
0.87144551552390659|1.0|0.8|12.3920764024
0.40085348642302548|1.0|0.8|50.8009127343
0.45930256972092287|1.0|0.8|39.1697916041
0.52527635361322444|1.0|0.8|30.4232450837
0.36166008126624|1.0|0.8|61.9556685466
-0.10131820403263062|1.0|0.8|766.5182835083
0.51898701388204038|1.0|0.8|31.1156421436
0.4123760997910435|1.0|0.8|48.1111721152
0.80333648696513882|1.0|0.9|18.3109385480
0.72967362398519897|1.0|0.9|21.7471309914
0.60781261116238372|1.0|0.9|30.4277159812
0.42500442726544707|1.0|0.9|60.1250364997
0.29596447146563243|1.0|0.9|121.8915645550
-0.12477647191208754|1.0|0.9|676.8100375232
0.67267173823455984|1.0|0.9|25.2209356545
0.42872476070196741|1.0|0.9|59.1203940739
0.87144551552390659|1.0|0.9|15.8818513157
0.40085348642302548|1.0|0.9|67.3421427345
0.45930256972092287|1.0|0.9|51.7669294621
0.52527635361322444|1.0|0.9|40.0523082969
0.36166008126624|1.0|0.9|82.2779667442
-0.10131820403263062|1.0|0.9|1025.5010307980
0.51898701388204038|1.0|0.9|40.9797713435
0.4123760997910435|1.0|0.9|63.7405218877
0.80333648696513882|0.5|0.8|50.6030799062
0.72967362398519897|0.5|0.8|60.9156845864
0.60781261116238372|0.5|0.8|86.9223391845
0.42500442726544707|0.5|0.8|175.7423700910
0.29596447146563243|0.5|0.8|360.3414943652
-0.12477647191208754|0.5|0.8|2018.4353850104
0.67267173823455984|0.5|0.8|71.3287152315
0.42872476070196741|0.5|0.8|172.7390668238
0.87144551552390659|0.5|0.8|43.3014939795
0.40085348642302548|0.5|0.8|197.3161673570
0.45930256972092287|0.5|0.8|150.7545940755
0.52527635361322444|0.5|0.8|115.7219643258
0.36166008126624|0.5|0.8|241.9577144860
-0.10131820403263062|0.5|0.8|3060.3026326114
0.51898701388204038|0.5|0.8|118.4961732679
0.4123760997910435|0.5|0.8|186.5502167707
0.80333648696513882|0.5|0.9|67.0772376438
0.72967362398519897|0.5|0.9|80.8855086135
0.60781261116238372|0.5|0.9|115.7049199485
0.42500442726544707|0.5|0.9|234.6145665308
0.29596447146563243|0.5|0.9|481.7432432073
-0.12477647191208754|0.5|0.9|2701.4670154097
0.67267173823455984|0.5|0.9|94.8274826933
0.42872476070196741|0.5|0.9|230.5938982245
0.87144551552390659|0.5|0.9|57.2999526002
0.40085348642302548|0.5|0.9|263.4963022473
0.45930256972092287|0.5|0.9|201.1621988308
0.52527635361322444|0.5|0.9|154.2617689382
0.36166008126624|0.5|0.9|323.2595357989
-0.10131820403263062|0.5|0.9|4096.2347109902
0.51898701388204038|0.5|0.9|157.9758151474
0.4123760997910435|0.5|0.9|249.0835128771
power|10|0.2|0.0876571540293024
power|10|0.5|0.293175606514385
power|10|0.8|0.616232763475035
power|34|0.2|0.204962729303426
power|34|0.5|0.80777750127944
power|34|0.8|0.994845314624635
power|61|0.2|0.33642126303074
power|61|0.5|0.970077052942347
power|61|0.8|0.999985792394139
"""


def test_planning_matches_pwr(sample_results):
    from evaluate.stats import paired_power

    plan = sample_results["planning"]
    worst_n = worst_p = 0.0
    checked = 0
    for line in PWR_PAIRED.strip().splitlines():
        parts = line.split("|")
        if parts[0] == "power":
            worst_p = max(worst_p, abs(paired_power(float(parts[2]), int(parts[1]))
                                       - float(parts[3])))
            continue
        dz, share, power, n = (float(x) for x in parts)
        rows = plan[np.isclose(plan["dz"], dz, rtol=0, atol=1e-12)
                    & np.isclose(plan["target_dz"], dz * share) & (plan["power"] == power)]
        assert len(rows) == 1, line
        row = rows.iloc[0]
        worst_n = max(worst_n, abs(row["n_exact"] - n))
        assert row["n_completers"] == np.ceil(n), line
        assert row["n_invited"] >= row["n_completers"]
        checked += 1
    assert checked == 64
    assert worst_n < 1e-3 and worst_p < 1e-10, (worst_n, worst_p)
    row = plan[(plan["measure"] == "system_leadership") & (plan["wave_post"] == "end")
               & (plan["target"] == "observed change") & (plan["power"] == 0.8)].iloc[0]
    # 62 of the 78 people on the roster answered both: invitations scale by 78 / 62
    assert row["completion_rate"] == pytest.approx(row["n_pairs"] / 78)
    assert row["n_invited"] == np.ceil(row["n_completers"] / row["completion_rate"])
    assert row["statement"].startswith("Confidence in system leadership: to detect a change as "
                                       "large as this one") or "8 times in 10" in row["statement"]


def test_item_rest_correlation_by_hand(synthetic):
    responses, _, instruments, out = synthetic
    ir = out["item_rest"]
    row = ir[(ir["scale"] == "growth") & (ir["wave"] == "end") & (ir["item"] == "grow1")].iloc[0]
    end = responses[responses["wave"] == "end"][["grow1", "grow2", "grow3"]].dropna()
    rest = end["grow2"] + (6 - end["grow3"])
    assert row["item_rest_r"] == pytest.approx(np.corrcoef(end["grow1"], rest)[0, 1], rel=1e-12)


# --------------------------------------------------------------------------- attrition
def test_response_rates_by_hand(synthetic):
    responses, roster, _, out = synthetic
    rates = out["attrition_rates"]
    row = rates[(rates["cohort"] == "c1") & (rates["wave"] == "end")].iloc[0]
    c1 = set(roster.loc[roster["cohort"] == "c1", "participant"])
    end = set(responses.loc[responses["wave"] == "end", "participant"]) & c1
    base = set(responses.loc[responses["wave"] == "baseline", "participant"]) & c1
    assert row["n_roster"] == len(c1) and row["n_responded"] == len(end)
    assert row["response_rate"] == pytest.approx(len(end) / len(c1))
    assert row["retention_rate"] == pytest.approx(len(end & base) / len(base))
    assert "all" in set(rates["cohort"])


def test_attrition_bias_detects_dropouts_who_started_low():
    responses, roster, instruments = _make(seed=6, keep=(1.0, 1.0, 1.0))
    # those with the lowest baseline growth scores do not answer the end survey
    base = responses[responses["wave"] == "baseline"].set_index("participant")
    low = base.index[(base["grow1"] + base["grow2"]) <= base["grow1"].add(base["grow2"]).quantile(0.3)]
    responses = responses[~((responses["wave"] == "end") & responses["participant"].isin(low))]
    mv = measure_values(responses, instruments)
    from evaluate.stats import attrition_bias

    bias = attrition_bias(mv, responses=responses)
    row = bias[(bias["scale"] == "growth") & (bias["wave"] == "end")].iloc[0]
    assert row["differs"] and row["mean_diff"] > 0
    assert "started with higher" in row["warning"]
    # Welch t by hand on the same baseline scores
    scores = mv.frame("baseline")
    key = [k for k in scores.columns if k.startswith("scale:growth")][0]
    stayed = scores.index.isin(responses.loc[responses["wave"] == "end", "participant"])
    ref = stats.ttest_ind(scores.loc[stayed, key].dropna(), scores.loc[~stayed, key].dropna(),
                          equal_var=False)
    assert row["t"] == pytest.approx(ref.statistic) and row["p_val"] == pytest.approx(ref.pvalue)


# --------------------------------------------------------------------------- cohorts
def test_mixed_anova_matches_oneway_anovas_on_differences_and_means(synthetic):
    responses, _, instruments, out = synthetic
    aov = out["cohort_anova"]
    rows = aov[(aov["scale"] == "growth") & (aov["comparison"] == "baseline → end")]
    scores = out["scale_scores"]
    g = scores[scores["scale"] == "growth"].pivot(index="participant", columns="wave", values="score")
    both = g[["baseline", "end"]].dropna()
    coh = responses.drop_duplicates("participant").set_index("participant")["cohort"]
    groups = coh.reindex(both.index)
    diff = both["end"] - both["baseline"]
    mean = both.mean(axis=1)
    # With two waves: interaction F = one-way ANOVA of the differences across cohorts;
    # cohort F = one-way ANOVA of each person's mean over the two waves.
    f_int = stats.f_oneway(*[diff[groups == c] for c in sorted(groups.unique())])
    f_coh = stats.f_oneway(*[mean[groups == c] for c in sorted(groups.unique())])
    inter = rows[rows["source"] == "time × cohort"].iloc[0]
    between = rows[rows["source"] == "cohort"].iloc[0]
    assert inter["f"] == pytest.approx(f_int.statistic, rel=1e-9)
    assert inter["p_val"] == pytest.approx(f_int.pvalue, rel=1e-7)
    assert between["f"] == pytest.approx(f_coh.statistic, rel=1e-9)
    assert inter["n_participants"] == len(both)


def test_type_ii_matches_pingouin_and_type_iii_differs_only_in_time(synthetic):
    responses, _, instruments, _ = synthetic
    # unequal cohorts: drop a third of c2 so the weighted and unweighted means differ
    keep = ~((responses["cohort"] == "c2") & (responses["participant"].str[-1].isin(list("0123"))))
    mv = measure_values(responses[keep], instruments)
    t2 = cohort_anova(mv, ss_type=2)
    t3 = cohort_anova(mv)
    assert set(t3["ss_type"]) == {"III"} and set(t2["ss_type"]) == {"II"}
    key = next(k for k in mv.meta.index if mv.info(k)["measure"] == "growth"
               and mv.info(k)["then_of_key"] == "")
    both = pd.concat([mv.frame("baseline")[key], mv.frame("end")[key]], axis=1,
                     keys=["pre", "post"]).dropna()
    long = pd.DataFrame({"participant": np.tile(both.index, 2),
                         "wave": np.repeat(["pre", "post"], len(both)),
                         "cohort": np.tile(mv.cohort.reindex(both.index).to_numpy(), 2),
                         "score": np.concatenate([both["pre"], both["post"]])})
    ref = pg.mixed_anova(data=long, dv="score", within="wave", subject="participant",
                         between="cohort").set_index("Source")
    pick = lambda t, src: t[(t["scale"] == "growth") & (t["comparison"] == "baseline → end")  # noqa: E731
                            & (t["source"] == src)].iloc[0]
    for src, name in (("cohort", "cohort"), ("time", "wave"), ("time × cohort", "Interaction")):
        assert pick(t2, src)["ss"] == pytest.approx(ref.loc[name, "SS"], rel=1e-10)
        assert pick(t2, src)["f"] == pytest.approx(ref.loc[name, "F"], rel=1e-10)
    for src in ("cohort", "time × cohort"):
        assert pick(t3, src)["f"] == pytest.approx(pick(t2, src)["f"], rel=1e-12)
    assert abs(pick(t3, "time")["ss"] - pick(t2, "time")["ss"]) > 1e-6
    with pytest.raises(AnalysisError, match="ss_type must be 2 or 3"):
        cohort_anova(mv, ss_type=1)


# R afex::aov_ez(type = 3) on the demo's matched scale scores: tests/reference/anova_afex.R
# reading demo_prepost_scores.csv (written by tests/reference/demo_data.py).
# key | source | Sum Sq | F | p | den df
AFEX_TYPE_III = """\
system_leadership|baseline → end|cohort|1.78674580435426|2.13972571884245|0.148746381794717|60
system_leadership|baseline → end|time|12.0841865540837|39.4092401406865|4.20347032355663e-08|60
system_leadership|baseline → end|cohort:time|0.0157994573094687|0.0515255705805834|0.821201252622962|60
coach_approach|baseline → end|cohort|0.217485516868445|0.346714172114262|0.558226806128603|59
coach_approach|baseline → end|time|8.79297151021057|31.7401245280198|5.19330149432434e-07|59
coach_approach|baseline → end|cohort:time|0.14565821330711|0.525784693323295|0.471250668594885|59
peer_network|baseline → end|cohort|0.589078067587621|0.718808008302348|0.399961595527411|59
peer_network|baseline → end|time|4.89468073073693|21.9735706966353|1.67682246664347e-05|59
peer_network|baseline → end|cohort:time|0.0463200749992152|0.207943581749297|0.650058093373895|59
system_innovation|baseline → end|cohort|1.15339880311704|2.37825176121351|0.128382104116846|59
system_innovation|baseline → end|time|4.74351148339367|11.9004213697278|0.00104249687982496|59
system_innovation|baseline → end|cohort:time|0.783812029841744|1.96641105696346|0.166069116003001|59
courage_to_innovate|baseline → end|cohort|3.51868429472082|4.06298124662692|0.0483948370286771|59
courage_to_innovate|baseline → end|time|1.5420496612179|5.29681677670628|0.024913432427702|59
courage_to_innovate|baseline → end|cohort:time|0.0147272568463035|0.0505869448307863|0.822822252546218|59
community_voice|baseline → end|cohort|0.0372657329692925|0.0430592752098437|0.836316397881504|60
community_voice|baseline → end|time|0.187503745276271|0.840322220468354|0.362974608134103|60
community_voice|baseline → end|cohort:time|0.216177580401719|0.968827711206459|0.328925313497082|60
story_for_change|baseline → end|cohort|0.0276992651215375|0.0326176480543363|0.857297697934509|59
story_for_change|baseline → end|time|7.82116485302426|26.9773155279418|2.67773103056188e-06|59
story_for_change|baseline → end|cohort:time|0.0178861644997171|0.0616942248835172|0.804700436013372|59
adaptive_leadership|baseline → end|cohort|0.051488419605771|0.0798462546713181|0.778478391993039|60
adaptive_leadership|baseline → end|time|3.27946900409356|11.7754705506961|0.00109240439610704|60
adaptive_leadership|baseline → end|cohort:time|0.270508430616885|0.971304822356318|0.328312680551282|60
system_leadership|baseline → follow_up|cohort|0.524854736467238|0.690790156282941|0.409847304422694|50
system_leadership|baseline → follow_up|time|10.2400231125356|40.0137639683094|6.80716809144385e-08|50
system_leadership|baseline → follow_up|cohort:time|0.280600035612537|1.09646857932912|0.30007805821995|50
coach_approach|baseline → follow_up|cohort|0.580294792655908|1.24802641894105|0.26926928537006|50
coach_approach|baseline → follow_up|time|2.4553185343463|8.17125833154586|0.00619024451066032|50
coach_approach|baseline → follow_up|cohort:time|0.000457423235200987|0.0015222967486269|0.969032509355195|50
peer_network|baseline → follow_up|cohort|0.146755698005699|0.161338617611229|0.689638808371915|50
peer_network|baseline → follow_up|time|2.26971549540996|10.809492939751|0.00185235941201837|50
peer_network|baseline → follow_up|cohort:time|0.0114355808800252|0.0544618173663463|0.816426476718418|50
system_innovation|baseline → follow_up|cohort|0.0156143351989628|0.0301234349898051|0.862955820577418|47
system_innovation|baseline → follow_up|time|4.28157646140957|13.0148324713145|0.000746480540292194|47
system_innovation|baseline → follow_up|cohort:time|0.262018638280286|0.79646567387406|0.376698854135888|47
courage_to_innovate|baseline → follow_up|cohort|3.60173621585386|4.98378151267265|0.0301887187695753|49
courage_to_innovate|baseline → follow_up|time|1.51886039886042|6.51909970477632|0.0138359804863465|49
courage_to_innovate|baseline → follow_up|cohort:time|0.0657013574660641|0.281996752553283|0.597794407670077|49
community_voice|baseline → follow_up|cohort|1.35897477794537|2.40676786311325|0.127247090874329|49
community_voice|baseline → follow_up|time|0.130920479302833|0.495449178319775|0.484838239437076|49
community_voice|baseline → follow_up|cohort:time|0.810659041394336|3.06781916851438|0.0861138905308247|49
story_for_change|baseline → follow_up|cohort|0.0225000000000009|0.031736702909199|0.859356500952737|48
story_for_change|baseline → follow_up|time|3.42250000000001|13.3236009732361|0.000645860500910976|48
story_for_change|baseline → follow_up|cohort:time|0.1225|0.476885644768858|0.493162361191852|48
adaptive_leadership|baseline → follow_up|cohort|0.160056980056978|0.294627582973481|0.589681739257268|50
adaptive_leadership|baseline → follow_up|time|2.80399018676797|8.77626124625654|0.00466125131188668|50
adaptive_leadership|baseline → follow_up|cohort:time|0.0518534346312123|0.162297033344384|0.688767851125136|50
system_leadership|end → follow_up|cohort|0.223944449476653|0.210285075639912|0.648703360410465|46
system_leadership|end → follow_up|time|0.00812923208534604|0.0421699518402495|0.838202211410306|46
system_leadership|end → follow_up|cohort:time|0.662157009863124|3.43490368136327|0.0702524768838589|46
coach_approach|end → follow_up|cohort|0.982089875201291|1.07375145405066|0.3055163882228|46
coach_approach|end → follow_up|time|1.3633836553945|7.35124834074413|0.00939070508144639|46
coach_approach|end → follow_up|cohort:time|0.014714673913043|0.0793402662264927|0.779456780726124|46
peer_network|end → follow_up|cohort|0.571256573988422|0.53815592825164|0.467002879121207|45
peer_network|end → follow_up|time|0.260820313838349|1.51566087083001|0.224673093889832|45
peer_network|end → follow_up|cohort:time|0.0527824887792511|0.306725928400337|0.582437989676896|45
system_innovation|end → follow_up|cohort|0.85252490942029|0.806803196547748|0.373956165409926|44
system_innovation|end → follow_up|time|0.0994369647562572|0.597023324756953|0.443846965441312|44
system_innovation|end → follow_up|cohort:time|1.28150218214756|7.69418792442459|0.00809734021381385|44
courage_to_innovate|end → follow_up|cohort|2.76250452898552|2.70419757620556|0.106902376983528|46
courage_to_innovate|end → follow_up|time|0.263048007246375|1.22211803065122|0.274693948909433|46
courage_to_innovate|end → follow_up|cohort:time|0.112585044283414|0.523068827020442|0.473197221151674|46
community_voice|end → follow_up|cohort|4.09280298163566|4.97797370245831|0.030699498264698|45
community_voice|end → follow_up|time|0.346914401103228|1.62437910699024|0.209024539467852|45
community_voice|end → follow_up|cohort:time|0.0478600275807724|0.224098015576616|0.638223528074838|45
story_for_change|end → follow_up|cohort|0.0342798913043468|0.0441024916095129|0.834590447519574|46
story_for_change|end → follow_up|time|0.61667119565216|2.6271970886687|0.111882780789019|46
story_for_change|end → follow_up|cohort:time|0.241671195652175|1.02958897076589|0.315562755102166|46
adaptive_leadership|end → follow_up|cohort|1.32881692834138|1.55662112218326|0.218474897636914|46
adaptive_leadership|end → follow_up|time|0.0493000201288204|0.213879150226724|0.645924008865467|46
adaptive_leadership|end → follow_up|cohort:time|0.709022242351047|3.07596374787761|0.0861183529264838|46
change_challenge|end → follow_up|cohort|0.0289855072463759|0.0613060861839165|0.805545282727041|46
change_challenge|end → follow_up|time|0.0058695652173915|0.0271289608574101|0.869894924203599|46
change_challenge|end → follow_up|cohort:time|0.0429066022544282|0.198313076007041|0.658174673497431|46
"""


def test_cohort_anova_type_iii_matches_afex_on_the_demo(sample_results):
    aov = sample_results["cohort_anova"]
    names = {"cohort": "cohort", "time": "time", "cohort:time": "time × cohort"}
    worst = 0.0
    lines = AFEX_TYPE_III.strip().splitlines()
    assert len(lines) == 75
    for line in lines:
        scale, comparison, source, ss, f, p, df2 = line.split("|")
        row = aov[(aov["scale"] == scale) & (aov["comparison"] == comparison)
                  & (aov["source"] == names[source])]
        assert len(row) == 1, line
        row = row.iloc[0]
        assert row["ss_type"] == "III" and row["df2"] == float(df2)
        for ours, theirs in ((row["ss"], ss), (row["f"], f), (row["p_val"], p)):
            worst = max(worst, abs(ours - float(theirs)))
    assert worst < 1e-6, worst


def test_wilcoxon_ranks_float_noise_as_ties():
    # tests/reference/wilcoxon_ties.R: R wilcox.test on the integer sums (exact ties) and on
    # the means with digits.rank = 7 both give V = 66.5, p = 0.0304388015605906.
    pre_sums = np.array([13, 12, 8, 9, 9, 10, 9, 6, 11, 9, 9, 14, 10, 10, 11, 6])
    post_sums = np.array([11, 14, 12, 10, 9, 10, 8, 8, 12, 11, 10, 15, 12, 12, 11, 6])

    def means(sums):  # the mean of three whole answers, as the scorer computes it
        a, r = sums // 3, sums % 3
        items = np.stack([a + (r > 0), a + (r > 1), a], axis=1).astype(float)
        return items.mean(axis=1)

    pre, post = means(pre_sums), means(post_sums)
    d = post - pre
    # float noise: 6 distinct |differences| where exact arithmetic has 4
    assert np.unique(np.abs(d[d != 0])).size > np.unique(np.abs(post_sums - pre_sums)[d != 0]).size
    r = _row(pre, post, ordinal=True)
    assert r["w_stat"] == 66.5
    assert r["p_wilcoxon"] == pytest.approx(0.0304388015605906, abs=1e-12)


def test_single_cohort_gives_a_note():
    responses, _, instruments = _make(seed=7, cohorts=("only",))
    aov = cohort_anova(responses, instruments)
    assert len(aov) and aov["f"].isna().all()
    assert aov["note"].str.contains("only one cohort").all()


def test_subgroups_suppress_small_groups_and_their_complement(synthetic):
    *_, out = synthetic
    sg = out["subgroups"]
    org = sg[(sg["attribute"] == "organisation") & (sg["scale"] == "growth")
             & (sg["comparison"] == "baseline → end")]
    tiny = org[org["group"] == "tiny org"].iloc[0]
    assert tiny["suppressed"] and np.isnan(tiny["n_pairs"]) and np.isnan(tiny["mean_diff"])
    assert "fewer than 5" in tiny["suppression_reason"]
    big = org[org["group"] == "big org"].iloc[0]
    # only one other group: hidden too, or the tiny one is total minus big
    assert big["suppressed"] and "subtraction" in big["suppression_reason"]
    sector = sg[(sg["attribute"] == "sector") & ~sg["suppressed"]]
    assert len(sector) and (sector["n_pairs"] >= 5).all()



def test_subgroups_of_every_attribute_at_once_are_each_attribute_alone(synthetic):
    # the attributes' groups are fitted in one call: each group's numbers must be its own
    responses, roster, instruments, out = synthetic
    mv = measure_values(responses, instruments)
    together = subgroup_change(mv, roster, min_group_size=5)
    alone = pd.concat([subgroup_change(mv, roster, min_group_size=5, attributes=(a,))
                       for a in ("cohort", "sector", "organisation", "place")])
    key = ["comparison", "attribute", "group", "scale"]
    pd.testing.assert_frame_equal(together.sort_values(key, kind="stable").reset_index(drop=True),
                                  alone.sort_values(key, kind="stable").reset_index(drop=True),
                                  check_exact=True)
    assert set(together["attribute"]) >= {"cohort", "sector", "organisation"}


def test_subgroups_in_batches_of_attributes_are_the_same_table(synthetic, monkeypatch):
    # a national programme fits one attribute at a time (memory): the same table, in order
    import evaluate.stats.cohorts as cohorts

    responses, roster, instruments, out = synthetic
    mv = measure_values(responses, instruments)
    together = subgroup_change(mv, roster, min_group_size=5)
    monkeypatch.setattr(cohorts, "_SUBGROUP_BATCH_CELLS", 1)
    one_by_one = subgroup_change(mv, roster, min_group_size=5)
    pd.testing.assert_frame_equal(together, one_by_one, check_exact=True)
    assert together["attribute"].nunique() >= 3


# --------------------------------------------------------------------------- reaction
def test_reaction_nps_and_mean_by_hand(synthetic):
    responses, _, instruments, out = synthetic
    reaction = out["reaction"]
    fb = responses[responses["instrument"] == "feedback"]
    rec = fb["recommend"].dropna().to_numpy()
    row = reaction[(reaction["item"] == "recommend") & (reaction["module"] == "day1")].iloc[0]
    promoters, detractors = np.mean(rec >= 9) * 100, np.mean(rec <= 6) * 100
    assert row["nps"] == pytest.approx(promoters - detractors)
    assert row["pct_passives"] == pytest.approx(100 - promoters - detractors)
    ov = reaction[(reaction["item"] == "overall_rating")].iloc[0]
    v = fb["overall_rating"].to_numpy()
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    assert ov["mean"] == pytest.approx(v.mean()) and ov["ci95_high"] == pytest.approx(v.mean() + half)
    assert ov["module_title"] == "Day 1"
    dist = out["reaction_distribution"]
    d = dist[(dist["item"] == "overall_rating")]
    assert d["n"].sum() == len(v) and d["share"].sum() == pytest.approx(1)


def test_reaction_suppresses_small_modules():
    responses, _, instruments = _make(n=30, seed=8)
    fb = responses[responses["instrument"] == "feedback"].head(3)
    summary, dist = session_reaction(fb, instruments, PROGRAMME, min_group_size=5)
    assert summary["suppressed"].all() and summary["mean"].isna().all()
    assert dist["n"].isna().all()


# --------------------------------------------------------------------------- statements
def test_statement_sentence_and_cautions():
    prepost = pd.DataFrame([dict(
        kind="scale", measure="growth", title="Confidence in system leadership",
        wave_pre="baseline", wave_post="end", n_pairs=34, mean_pre=3.1, mean_post=3.9,
        mean_diff=0.8, g_av=0.92, g_av_ci95_low=0.55, g_av_ci95_high=1.28, p_adj=0.0001,
        scale_max=5.0)])
    out = aim_statements(prepost, PROGRAMME, first_wave_n={("growth", "baseline"): 60},
                         scale_aims={"growth": "aim1"})
    row = out[out["scale"] == "growth"].iloc[0]
    assert row["statement"] == (
        "Confidence in system leadership rose from 3.1 to 3.9 out of 5 among the 34 people who "
        "answered both the baseline and end surveys — a large change (g = 0.92, 95% CI 0.55 to 1.28).")
    assert "No comparison group" in row["cautions"]
    assert "Regression to the mean" in row["cautions"]
    assert "only 34 of the 60 people" in row["cautions"]
    # 34 pairs (>= 30) but 57% retained: one step down from moderate
    assert row["evidence_strength"] == "limited"
    assert "no comparison group" in row["evidence_reasons"]
    # aims without a scale are said, not dropped
    assert set(out["aim"]) == {"aim1", "aim2", "aim3"}
    assert out[out["aim"] == "aim3"]["evidence_strength"].iloc[0] == "none"



def test_statement_cautions_read_the_scale_s_own_rows_of_each_table():
    prepost = pd.DataFrame([dict(
        kind="scale", measure="growth", title="Growth", wave_pre="baseline", wave_post="end",
        n_pairs=40, mean_pre=3.1, mean_post=3.5, mean_diff=0.4, g_av=0.5, g_av_ci95_low=0.2,
        g_av_ci95_high=0.8, p_adj=0.01, scale_max=5.0)])
    # another scale's rows come first in every table, and a wave the comparison does not use
    reliability = pd.DataFrame({
        "scale": ["other", "growth", "growth", "growth"],
        "wave": ["baseline", "baseline", "end", "follow_up"],
        "alpha": [0.1, 0.64, 0.64, 0.2], "omega_total": [0.5, 0.82, 0.61, 0.3],
        "reliability_shift": [True, False, True, True]})
    attrition = pd.DataFrame({"scale": ["other", "growth", "growth"],
                              "wave": ["end", "follow_up", "end"],
                              "differs": [True, True, True],
                              "warning": ["not this", "nor this", "Drop-outs differed."]})
    then = pd.DataFrame({"comparison": [COMPARISON_THEN_BASELINE] * 2, "kind": ["scale"] * 2,
                         "measure": ["other", "growth"], "wave_post": ["end", "end"],
                         "p_adj": [0.001, 0.01], "mean_diff": [0.5, -0.4],
                         "mean_pre": [3.0, 3.1], "mean_post": [3.5, 2.7]})
    out = aim_statements(prepost, None, reliability=reliability, attrition=attrition, then=then,
                         scale_aims={"growth": "aim1"})
    row = out[out["scale"] == "growth"].iloc[0]
    cautions = row["cautions"]
    assert "omega) moved from 0.82 at the baseline survey to 0.61 at the end survey" in cautions
    # the lowest alpha of the two waves compared, the first where two are equal
    assert "Cronbach's alpha was 0.64 at the baseline survey" in cautions
    assert "Drop-outs differed." in cautions and "nor this" not in cautions
    assert "people rated where they started lower than they did at the time (2.7 vs 3.1)" in cautions
    assert row[["reliability_shift", "rough_measure", "dropouts_differ", "response_shift"]].all()

def test_statement_for_a_non_significant_change_and_too_few_pairs():
    prepost = pd.DataFrame([
        dict(kind="scale", measure="a", title="A", wave_pre="baseline", wave_post="end",
             n_pairs=12, mean_pre=3.0, mean_post=3.1, mean_diff=0.1, g_av=0.1,
             g_av_ci95_low=-0.3, g_av_ci95_high=0.5, p_adj=0.6, scale_max=5.0),
        dict(kind="scale", measure="b", title="B", wave_pre="baseline", wave_post="end",
             n_pairs=2, mean_pre=3.0, mean_post=3.5, mean_diff=0.5, g_av=np.nan,
             g_av_ci95_low=np.nan, g_av_ci95_high=np.nan, p_adj=np.nan, scale_max=5.0)])
    out = aim_statements(prepost, None, scale_aims={"a": "aim1", "b": "aim1"})
    a, b = out.iloc[0], out.iloc[1]
    assert "could be chance" in a["statement"] and "adjusted p = 0.60" in a["statement"]
    assert a["evidence_strength"] == "limited"
    assert b["statement"].startswith("Too few people") and b["evidence_strength"] == "none"


def test_statements_from_workspace(synthetic):
    *_, out = synthetic
    st = out["statements"]
    row = st[(st["scale"] == "growth") & (st["wave_post"] == "end")].iloc[0]
    assert row["aim"] == "aim1" and row["statement"].startswith("Confidence in system leadership rose")
    assert row["evidence_strength"] in {"moderate", "limited", "weak"}


# --------------------------------------------------------------------------- shipped instruments
def test_shipped_instruments_run_end_to_end():
    instruments = load_instruments()
    rng = np.random.default_rng(12)
    n = 40
    frames = []
    for wave, ref in (("baseline", "baseline@1"), ("end", "post@1"), ("follow_up", "follow_up@1")):
        inst = instruments[ref]
        d = {"participant": [f"P-{i:010x}" for i in range(n)], "matched": True, "cohort": "A",
             "wave": wave, "instrument": inst.id, "instrument_version": inst.version,
             "response_id": [f"{wave}{i}" for i in range(n)], "started": pd.NaT,
             "completed": pd.NaT, "source_row": np.arange(n) + 2}
        for it in inst.items:
            if it.type == "likert":
                d[it.id] = rng.integers(1, 6, n).astype(float)
        frames.append(pd.DataFrame(d))
    responses = pd.concat(frames, ignore_index=True)
    roster = pd.DataFrame({"participant": [f"P-{i:010x}" for i in range(n)], "cohort": "A",
                           "organisation": "o", "sector": "s", "place": "p", "role": ""})
    out = analyse_workspace(FakeWorkspace(responses, roster, instruments,
                                          programme=load_programme()))
    pp = out["prepost"]
    assert {"system_leadership", "peer_network", "change_challenge"} <= set(pp["measure"])
    assert "then-test vs post" in set(out["then_test"]["comparison"])
    assert out["cohort_anova"]["note"].str.contains("only one cohort").all()
    assert len(out["statements"]) >= 3


def test_response_rates_without_roster():
    responses, _, _ = _make(n=20, seed=3)
    rates = response_rates(responses, None)
    assert rates["response_rate"].isna().all() and (rates["n_responded"] > 0).all()


def test_item_rest_and_subgroup_accept_plain_inputs():
    responses, roster, instruments = _make(n=40, seed=13)
    assert len(item_rest_correlations(responses, instruments))
    assert len(subgroup_change(responses, roster, instruments, min_group_size=5))


# --------------------------------------------------------------------------- sample data
@pytest.fixture(scope="module")
def sample_results(demo_workspace):
    ws, _ = demo_workspace
    return analyse_workspace(ws)


def _effects():
    import yaml

    from tests.conftest import SAMPLE

    return yaml.safe_load((SAMPLE / "effects.yaml").read_text(encoding="utf-8"))


def test_sample_data_matches_the_generators_own_pairing(sample_results):
    # effects.yaml "observed" is computed by sample_data/generate.py from the answers it
    # wrote, independently of the import and of this module.
    pp = sample_results["prepost"]
    for wave, scales in _effects()["observed"].items():
        if wave not in ("end", "follow_up"):
            continue
        for scale, obs in scales.items():
            row = pp.query(f"measure == '{scale}' and comparison == 'baseline → {wave}'").iloc[0]
            assert row["n_pairs"] == obs["n_pairs"], (wave, scale)
            assert row["mean_diff"] == pytest.approx(obs["mean_diff"], abs=5e-5), (wave, scale)
            assert row["sd_diff"] == pytest.approx(obs["sd_diff"], abs=5e-5), (wave, scale)


def test_sample_data_effects_recovered_within_their_intervals(sample_results):
    effects = _effects()
    pp = sample_results["prepost"]
    for scale, spec in effects["scales"].items():
        for wave, key in (("end", "change_end"), ("follow_up", "change_follow_up")):
            row = pp.query(f"measure == '{scale}' and comparison == 'baseline → {wave}'").iloc[0]
            assert row["ci95_low"] <= spec[key] <= row["ci95_high"], (scale, wave)
            if spec["zero_effect"]:
                assert row["p_adj"] > 0.05, (scale, wave)
            elif spec[key] >= 0.45:
                assert row["p_adj"] < 0.05, (scale, wave)
    shift = effects["then_test"]["response_shift"]
    then = sample_results["then_test"]
    for scale in effects["then_test"]["scales"]:
        row = then[(then["comparison"] == COMPARISON_THEN_BASELINE) & (then["kind"] == "scale")
                   & (then["measure"] == scale)].iloc[0]
        obs = effects["observed"]["then_test"][scale]
        assert row["n_pairs"] == obs["n_pairs"]
        assert row["mean_diff"] == pytest.approx(obs["mean_then_minus_baseline"], abs=5e-5)
        # the generator's own observed shift is matched exactly above; against the latent
        # shift (-0.3) we ask only for the direction and that it is detected (peer_network's
        # observed -0.45 sits just outside a CI around -0.3: sampling, not the method)
        assert shift < 0 and row["ci95_high"] < 0 and row["p_adj"] < 0.05, scale


def test_sample_data_cohort_split_and_statements(sample_results):
    sg = sample_results["subgroups"]
    obs = _effects()["observed"]["end_by_cohort"]["system_leadership"]
    for cohort, spec in obs.items():
        row = sg.query("attribute == 'cohort' and scale == 'system_leadership' and "
                       f"comparison == 'baseline → end' and group == '{cohort}'").iloc[0]
        assert row["n_pairs"] == spec["n_pairs"]
        assert row["mean_diff"] == pytest.approx(spec["mean_diff"], abs=5e-4)
    st = sample_results["statements"]
    assert set(st["aim"]) >= {"aim1", "aim2", "aim3"}
    assert st["statement"].str.len().gt(40).all()
    rates = sample_results["attrition_rates"]
    assert rates.query("cohort == 'all' and wave == 'baseline'")["n_roster"].iloc[0] == 78


def test_principle_evidence_links_scales_and_reports_gaps():
    from evaluate.instruments import Aim, Instrument, Item, Programme, ResponseSet, Scale
    from evaluate.stats import principle_evidence

    rs = ResponseSet(id="a5", options=tuple((i, str(i)) for i in range(1, 6)))
    items = tuple(Item(id=f"q{i}", text=f"Q{i}", type="likert", response_set="a5") for i in range(3))
    inst = Instrument(id="base", version=1, title="t", wave="baseline", items=items,
                      response_sets={"a5": rs},
                      scales=(Scale(id="s1", title="One", items=("q0", "q1"), principles=("p1", "p2")),
                              Scale(id="s2", title="Two", items=("q2",), principles=("p2",))))
    programme = Programme(name="P", aims=(), principles=(Aim("p1", "First"), Aim("p2", "Second"),
                                                         Aim("p3", "Third")))
    prepost = pd.DataFrame({
        "kind": ["scale", "scale"], "measure": ["s1", "s2"], "title": ["One", "Two"],
        "wave_pre": ["baseline"] * 2, "wave_post": ["end"] * 2, "n_pairs": [30, 30],
        "mean_pre": [3.0, 3.0], "mean_post": [3.5, 2.9], "mean_diff": [0.5, -0.1],
        "g_av": [0.6, -0.1], "g_av_ci95_low": [0.3, -0.4], "g_av_ci95_high": [0.9, 0.2],
        "p_adj": [0.001, 0.6]})
    out = principle_evidence(prepost, {"base@1": inst}, programme)
    # p1 ← s1 (up); p2 ← s1 (up) and s2 (p 0.6: no clear change); p3 measured by nothing
    got = list(zip(out["principle"], out["scale"].fillna(""), out["changed"].fillna(""), strict=True))
    assert got == [("p1", "s1", "up"), ("p2", "s1", "up"), ("p2", "s2", "no clear change"),
                   ("p3", "", "")]


# --------------------------------------------------------------------------- comparison group
# R on the demo's programme and wait-list groups: tests/reference/comparison_did.R reading
# demo_comparison_scores.csv. scale | comparison | n_programme | n_comparison | did | did CI low |
# did CI high | Welch p | d_ppc2 | d_ppc2 CI low | d_ppc2 CI high | baseline Welch p
R_COMPARISON = """\
system_leadership|baseline → end|62|30|0.575860215053763|0.264465754354979|0.887254675752548|0.000451333759971335|0.926538436166064|0.484115112015955|1.36896176031617|0.341268140101557
coach_approach|baseline → end|61|30|0.479872495446266|0.126720979421858|0.833024011470674|0.0086766086005977|0.81078240081895|0.30603050407733|1.31553429756057|0.198675615059932
peer_network|baseline → end|61|30|0.303005464480874|0.0432946765123771|0.562716252449371|0.0228741960942523|0.502097480857188|0.0960379561284628|0.908157005585913|0.280680771130006
system_innovation|baseline → end|61|30|0.346402550091075|0.00925081690271867|0.683554283279431|0.044187417626413|0.597424141381095|0.0501194109626537|1.14472887179954|0.337580187607974
courage_to_innovate|baseline → end|61|30|0.374043715846995|0.0695198535382294|0.67856757815576|0.0168354603758312|0.554161864234491|0.124610382692245|0.983713345776737|0.600043471932534
community_voice|baseline → end|62|30|-0.188888888888889|-0.457824710453156|0.0800469326753786|0.165514735372954|-0.272893441516545|-0.666383528856601|0.120596645823511|0.603905560306673
story_for_change|baseline → end|61|30|0.374863387978142|0.0210304741636381|0.728696301792646|0.0382598014103155|0.517784771168365|0.0793339929607176|0.956235549376012|0.759511974302826
adaptive_leadership|baseline → end|62|30|0.236559139784946|-0.0589469270792123|0.532065206649105|0.114801576206487|0.408589076378405|-0.0504737072244816|0.867651859981292|0.887448792755663
system_leadership|baseline → follow_up|52|29|0.563693633952255|0.258718707657343|0.868668560247167|0.00045868907574643|0.909274400590153|0.460722461813736|1.35782633936657|0.57944419197011
coach_approach|baseline → follow_up|52|29|0.230106100795756|-0.135771722497027|0.595983924088539|0.212947810068529|0.394122843812083|-0.165498452167932|0.953744139792098|0.071003219569306
peer_network|baseline → follow_up|52|29|0.418435013262599|0.118514084870221|0.718355941654978|0.00707591177021477|0.679921539383161|0.228015552411649|1.13182752635467|0.76458099979864
system_innovation|baseline → follow_up|49|29|0.313101102509969|-0.0345142294361943|0.660716434456133|0.0766950935772302|0.541193886902732|-0.0169087336531791|1.09929650745864|0.110264351798837
courage_to_innovate|baseline → follow_up|51|29|0.446247464503043|0.090787293025482|0.801707635980603|0.0149051933373303|0.670207948955256|0.183609064712068|1.15680683319845|0.904017923830763
community_voice|baseline → follow_up|51|29|-0.14412891593419|-0.49397195570932|0.205714123840941|0.412866568513189|-0.223703526083611|-0.718738726428185|0.271331674260963|0.822013591586601
story_for_change|baseline → follow_up|50|29|0.301034482758621|-0.102134705591007|0.704203671108248|0.139766332899312|0.404259782140216|-0.098961629601202|0.907481193881634|0.99526714889978
adaptive_leadership|baseline → follow_up|52|29|0.263704686118479|-0.110030478068272|0.637439850305231|0.163106222496506|0.466099397499174|-0.069386488090434|1.00158528308878|0.48140410860849
"""


def test_comparison_matches_r_on_the_demo(sample_results):
    comp = sample_results["comparison"]
    lines = R_COMPARISON.strip().splitlines()
    assert len(lines) == 16 and len(comp) == 16
    worst = 0.0
    for line in lines:
        scale, comparison, nt, nc, *values = line.split("|")
        row = comp[(comp["scale"] == scale) & (comp["comparison"] == comparison)].iloc[0]
        assert (row["n_programme"], row["n_comparison"]) == (int(nt), int(nc))
        ours = row[["did", "did_ci95_low", "did_ci95_high", "did_p", "d_ppc2", "d_ppc2_ci95_low",
                    "d_ppc2_ci95_high", "baseline_p"]].to_numpy(dtype=float)
        worst = max(worst, float(np.max(np.abs(ours - np.array(values, dtype=float)))))
    assert worst < 1e-9, worst


def test_comparison_recovers_the_built_in_effect(sample_results):
    spec = _effects()["comparison_group"]
    comp = sample_results["comparison"]
    assert set(comp["comparison_group"]) == {spec["kind"]}
    for scale, truth in spec["true_did"].items():
        for wave in ("end", "follow_up"):
            row = comp[(comp["scale"] == scale) & (comp["wave_post"] == wave)].iloc[0]
            obs = spec["observed"][wave][scale]
            # the generator's own pairing of the answers it wrote, independently of the import
            assert (row["n_programme"], row["n_comparison"]) == (obs["n_programme"],
                                                                 obs["n_comparison"])
            assert row["did"] == pytest.approx(obs["did"], abs=5e-5)
            assert row["did_ci95_low"] <= truth[wave] <= row["did_ci95_high"], (scale, wave)
            d = spec["true_d_ppc2"][scale][wave]
            assert row["d_ppc2_ci95_low"] <= d <= row["d_ppc2_ci95_high"], (scale, wave)
            assert row["baseline_check"] in ("alike", "a small difference, allowed for",
                                             "not alike")


def test_statements_say_compared_with_and_may_rise_above_moderate(sample_results):
    st = sample_results["statements"]
    scored = st[st["scale"] != ""]
    assert (scored["compared_with"] == "wait-list").all()
    assert scored["statement"].str.contains("Compared with a wait-list group of").all()
    top = scored[(scored["scale"] == "system_leadership") & (scored["wave_post"] == "end")].iloc[0]
    # the comparison lets the label start at strong; the questions hanging together differently
    # at the two surveys (the reliability shift the tool reports) takes it one step down
    assert "so at most strong" in top["evidence_reasons"]
    assert top["downgrades"] == "measurement_change" and top["evidence_strength"] == "moderate"
    assert top["did_ci95_low"] > 0
    # the comparison group is not in the programme's own results
    assert sample_results["attrition_rates"].query(
        "cohort == 'all' and wave == 'baseline'")["n_roster"].iloc[0] == 78
    assert "c3" not in set(sample_results["subgroups"]["group"])


def test_without_a_comparison_group_strength_stops_at_moderate(synthetic):
    *_, out = synthetic
    assert out["comparison"].empty
    st = out["statements"]
    assert not st["evidence_strength"].isin(["strong"]).any()
    assert (st["compared_with"] == "").all()
    assert st.loc[st["scale"] != "", "cautions"].str.contains("No comparison group").all()


def _statsmodels_omega(cov):
    """Omega from an independent fit: statsmodels' ML factor analysis (BFGS on ψ = s²)."""
    import warnings

    from statsmodels.multivariate.factor import Factor

    sd = np.sqrt(np.diag(cov))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(endog=None, corr=cov / np.outer(sd, sd), nobs=100, n_factor=1,
                     method="ml").fit(rng=0, opt={"gtol": 1e-12, "maxiter": 5000})
    lam = res.loadings[:, 0] * sd
    common = lam.sum() ** 2
    return common / (common + (res.uniqueness * sd * sd).sum())


def test_omega_bootstrap_replicates_are_the_maximum_likelihood_fits():
    """All resamples refitted at once = one statsmodels fit each (an independent optimiser)."""
    from evaluate.stats.omega import _omega, _omega_resamples
    from evaluate.stats.omega_resamples import counts_of as _counts

    rng = np.random.default_rng(7)
    f = rng.normal(size=150)
    x = np.round(np.clip(3 + f[:, None] * [0.9, 0.7, 0.6, 0.4] + rng.normal(size=(150, 4)) * 0.8,
                         1, 5))
    cov = np.cov(x, rowvar=False)
    omega, _, _, standardized, converged = _omega(cov, 150)
    assert converged and abs(omega - _statsmodels_omega(cov)) < 1e-7
    draws = rng.integers(0, 150, size=(40, 150))
    fast, failed = _omega_resamples(x, _counts(draws, 40, 150), start=standardized)
    slow = np.array([_statsmodels_omega(np.cov(x[d], rowvar=False)) for d in draws])
    assert failed == 0 and fast.shape == slow.shape
    assert np.abs(fast - slow).max() < 1e-7


def test_omega_refits_meet_the_point_fits_tolerance_or_are_left_out(monkeypatch):
    """Every refit stops at a minimum with no parameter left to move by 1e-9 — the rule of
    the point fit — or is counted as not converged and left out of the interval."""
    from evaluate.stats import omega as om
    from evaluate.stats import one_factor
    from evaluate.stats.omega_resamples import counts_of, resample_covariances

    rng = np.random.default_rng(21)
    f = rng.normal(size=90)
    x = np.round(np.clip(3 + f[:, None] * [0.8, 0.5, 0.3] + rng.normal(size=(90, 3)), 1, 5))
    cov = np.cov(x, rowvar=False)
    _, _, _, standardized, _ = om._omega(cov, 90)
    counts = counts_of(rng.integers(0, 90, size=(200, 90)), 200, 90)
    covs = resample_covariances(x, counts)
    sd = np.sqrt(np.einsum("bii->bi", covs))
    corr = covs / (sd[:, :, None] * sd[:, None, :])
    lam, psi, converged = one_factor.fit_one_factor(corr, *standardized)
    assert converged.all() and (psi >= 0).all()
    assert (psi == 0).any()  # a three-item scale: Heywood resamples, held at zero
    grad, hess = one_factor.gradient_hessian(corr, lam, psi)
    free = np.concatenate([np.ones_like(psi, bool), psi > 0], axis=1)
    assert np.abs(np.where(free, grad, 0)).max() < 1e-8  # a stationary point of the free …
    assert (grad[:, 3:][psi == 0] > 0).all()  # … with the bound holding only where it binds
    # a refit stopped early is counted and left out, never used unconverged
    full = om.omega_total(x, n_boot=200, seed=5)
    assert full["n_boot_used"] == 200 and full["n_boot_not_converged"] == 0
    fit = om.fit_one_factor
    stopped = iter(range(10**6))

    def few_steps(corr, lam, psi, tol=one_factor.TOLERANCE, max_steps=one_factor.MAX_STEPS,
                  groups=None):
        out = fit(corr, lam, psi, tol, max_steps if corr.shape[0] == 1 else 3, groups)
        next(stopped)
        return out

    monkeypatch.setattr(om, "fit_one_factor", few_steps)
    om._CACHE.clear()
    short = om.omega_total(x, n_boot=200, seed=5)
    assert 0 < short["n_boot_not_converged"] == 200 - short["n_boot_used"]
    if short["n_boot_used"] >= 180:
        assert f"{short['n_boot_not_converged']} refits did not converge" in short["omega_ci_method"]
    else:
        assert np.isnan(short["omega_ci95_low"]) and short["omega_ci_method"] == ""
    om._CACHE.clear()


def test_omega_of_many_blocks_at_once_is_each_block_alone_to_the_bit():
    """omega_totals stacks the fits of every block (and every start of a Heywood refit):
    each fit must come out exactly as when its block is analysed alone."""
    from evaluate.stats import omega as om

    rng = np.random.default_rng(11)
    blocks = []
    for n, load, noise in ((60, [0.9, 0.8, 0.2], 1.0), (45, [0.7, 0.6, 0.6, 0.5], 0.8),
                           (90, [0.8, 0.5, 0.3], 1.1), (30, [0.6, 0.6, 0.5, 0.4], 0.9),
                           (20, [0.8, 0.7, 0.6], 0.7), (70, [0.5, 0.5], 1.0)):
        f = rng.normal(size=n)
        blocks.append(np.round(np.clip(3 + f[:, None] * load + rng.normal(size=(n, len(load)))
                                       * noise, 1, 5)))
    om._CACHE.clear()
    alone = [om.omega_total(x, n_boot=200) for x in blocks]
    om._CACHE.clear()
    together = om.omega_totals(blocks, n_boot=200)
    om._CACHE.clear()
    for a, b in zip(alone, together, strict=True):
        assert a.keys() == b.keys()
        for key, value in a.items():
            if isinstance(value, str):
                assert value == b[key]
            else:
                assert np.array_equal(value, b[key], equal_nan=True), key


def test_omega_refits_that_reach_a_singular_model_are_left_out_not_an_error():
    """Twelve people, six items: a few resamples drive residual variances to zero until
    the model's covariance matrix is exactly singular. Those refits cannot go on; they are
    counted as not converged (the whole analysis used to stop with LinAlgError)."""
    from evaluate.stats import omega as om

    x = np.array([[3, 3, 3, 3, 3, 3], [2, 3, 4, 5, 3, 4], [3, 3, 4, 3, 3, 3],
                  [3, 3, 2, 3, 3, 3], [3, 3, 4, 3, 4, 2], [3, 2, 2, 2, 2, 3],
                  [4, 3, 3, 2, 3, 4], [3, 3, 4, 4, 4, 3], [3, 3, 3, 2, 3, 3],
                  [2, 4, 4, 5, 4, 4], [3, 2, 2, 1, 3, 2], [4, 3, 3, 2, 3, 3]], dtype=float)
    om._CACHE.clear()
    out = om.omega_total(x, n_boot=200)
    om._CACHE.clear()
    assert out["n_boot_not_converged"] > 0 and out["n_boot_used"] >= 180
    assert out["omega_ci95_low"] < out["omega_total"] < out["omega_ci95_high"]


def test_resampled_covariances_are_each_resamples_covariance():
    from evaluate.stats.omega_resamples import counts_of as _counts
    from evaluate.stats.omega_resamples import resample_covariances as _resample_covariances

    rng = np.random.default_rng(3)
    for x in (np.round(rng.normal(3, 1, size=(60, 4))),  # repeated answer patterns: pooled
              rng.normal(3, 1, size=(60, 4))):  # every row its own pattern
        draws = rng.integers(0, 60, size=(25, 60))
        direct = np.array([np.cov(x[d], rowvar=False) for d in draws])
        assert np.abs(_resample_covariances(x, _counts(draws, 25, 60)) - direct).max() < 1e-12


def test_resample_counts_drawn_in_blocks_of_rows_are_the_whole_draw(monkeypatch):
    from evaluate.stats import omega_resamples as orr

    for n in (37, 1000):
        whole = np.random.default_rng(2024).integers(0, n, size=(30, n))
        counts = orr.counts_of(whole, 30, n)
        assert counts.dtype == np.uint8 and counts.sum() == 30 * n
        assert np.array_equal(counts[3], np.bincount(whole[3], minlength=n))
        assert np.array_equal(orr.draw_counts(n, 30, 2024), counts)
        monkeypatch.setattr(orr, "_BLOCK", 2 * n + 1)  # blocks of two resamples
        orr._DRAWN.clear()
        assert np.array_equal(orr.draw_counts(n, 30, 2024), counts)
        assert np.array_equal(orr.counts_of(whole, 30, n), counts)
        monkeypatch.undo()
        orr._DRAWN.clear()


def test_omega_bootstrap_draws_each_blocks_counts_in_its_turn_with_the_same_result():
    """_bootstraps takes (n_boot, seed) for a block's counts and draws them when the block's
    turn comes (memory holds one block's B × n counts, not every block's): the same refits."""
    from evaluate.stats import omega as om
    from evaluate.stats.omega_resamples import draw_counts

    rng = np.random.default_rng(5)
    jobs = []
    for n in (80, 81):
        f = rng.normal(size=n)
        x = np.round(np.clip(3 + f[:, None] * [0.8, 0.7, 0.6] + rng.normal(size=(n, 3)), 1, 5))
        start = om._omegas([np.cov(x, rowvar=False)])[0][3]
        jobs.append((x, start))
    eager = om._bootstraps([(x, draw_counts(x.shape[0], 200, 9), s) for x, s in jobs])
    lazy = om._bootstraps([(x, (200, 9), s) for x, s in jobs])
    for (a, fa), (b, fb) in zip(eager, lazy, strict=True):
        assert fa == fb and np.array_equal(a, b)


def test_omegas_of_data_frames_read_one_at_a_time_are_the_omegas_of_arrays(monkeypatch):
    """Reliability gives omega_totals its data frames, every scale at once (a national
    programme's too): each is read into an array when its turn comes — once for the cache
    key, once for the point fit, once for the resamples, never all held at once — and its
    omega is that of its array alone."""
    from evaluate.stats import omega as om

    rng = np.random.default_rng(3)
    frames = []
    for n, k in ((60, 3), (50, 4), (70, 3), (40, 4), (65, 3), (30, 2)):
        f = rng.normal(size=n)
        frames.append(pd.DataFrame(np.round(np.clip(
            3 + f[:, None] * 0.7 + rng.normal(size=(n, k)), 1, 5))))
    om._CACHE.clear()
    alone = [om.omega_total(b.to_numpy(dtype="float64"), n_boot=200) for b in frames]
    read = []
    answers = om._answers

    def reading(block):
        read.append(id(block))
        return answers(block)

    monkeypatch.setattr(om, "_answers", reading)
    om._CACHE.clear()
    together = om.omega_totals(frames, n_boot=200)
    om._CACHE.clear()
    fitted = [id(b) for b in frames if b.shape[1] >= 3]
    assert read == [id(b) for b in frames] * 2 + fitted  # keys, point fits, then resamples
    for a, b in zip(alone, together, strict=True):
        for key, value in a.items():
            assert (value == b[key]) if isinstance(value, str) else \
                np.array_equal(value, b[key], equal_nan=True), key


@pytest.mark.parametrize("index_dtype", ["string[pyarrow]", "str", "string[python]", object])
@pytest.mark.parametrize("values", [
    pd.array(["P-2", "P-9", None], dtype="string[pyarrow]"),
    pd.array(["P-2", "P-3"], dtype="str"),
    pd.array([], dtype="string[pyarrow]"),
    pd.Series(["P-1", "P-3"], dtype="string[pyarrow]"),
    pd.Index(["P-3"], dtype="string[pyarrow]"),
    np.array(["P-1", None], dtype=object),
])
def test_isin_is_index_isin(index_dtype, values):
    """Arrow text on both sides is looked up by Arrow: the same booleans as pandas gives,
    missing values included."""
    from evaluate.stats.base import _isin

    index = pd.Index(pd.array(["P-1", "P-2", None, "P-3", "P-2"], dtype=index_dtype))
    got = _isin(index, values)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, index.isin(values))


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", "string[python]"])
def test_sorted_groups_are_np_unique(dtype):
    from evaluate.stats.cohorts import _sorted_groups

    rng = np.random.default_rng(2)
    names = np.array(["b", "B", "a", "", "(not recorded)", "Zürich", "zebra", "ä", "a b", "10",
                      "9"], dtype=object)
    for labels in (names[rng.integers(0, names.size, 300)], names[:0], names[:1]):
        groups, codes = _sorted_groups(pd.Series(pd.array(labels, dtype=dtype)))
        want_groups, want_codes = np.unique(labels.astype(object), return_inverse=True)
        assert groups.dtype == object and codes.dtype == want_codes.dtype
        np.testing.assert_array_equal(groups, want_groups)
        np.testing.assert_array_equal(codes, want_codes)


def test_groupings_read_the_roster_by_ids_of_another_text_type():
    """Looking the people up by ids of the roster's own text type finds the same rows as
    reindexing each attribute by the ids as given (missing people: not recorded)."""
    from evaluate.stats.cohorts import _groupings, _sorted_groups

    attrs = pd.DataFrame({"sector": ["x", "y", None], "place": ["p", "q", "q"]},
                         index=pd.Index(["P-1", "P-2", "P-3"], dtype="string", name="participant"))
    attrs = attrs.astype("string")
    people = pd.Index(["P-3", "P-9", "P-1"], dtype="str")
    mv = type("MV", (), {"cohort": pd.Series(["c1", "c2"], dtype="string",
                                             index=pd.Index(["P-1", "P-3"], dtype="string"))})()
    got = _groupings(mv, attrs, ("cohort", "sector", "place", "role"), people)
    assert [g[0] for g in got] == ["cohort", "sector", "place"]
    for (_attr, groups, codes), source in zip(got, [mv.cohort, attrs["sector"], attrs["place"]],
                                             strict=True):
        want = _sorted_groups(source.reindex(people).astype("string").fillna("(not recorded)"))
        np.testing.assert_array_equal(groups, want[0])
        np.testing.assert_array_equal(codes, want[1])
    assert list(got[1][1][got[1][2]]) == ["(not recorded)", "(not recorded)", "x"]


@pytest.mark.parametrize("dtype", ["string", "str", object])
def test_also_at_is_multiindex_isin(dtype):
    """response_rates' retained people: pairs numbered by groupby give MultiIndex.isin's
    answer, missing cohorts and ids included."""
    from evaluate.stats.attrition import _also_at

    rng = np.random.default_rng(3)
    for _ in range(10):
        f = pd.DataFrame({"cohort": rng.choice(["a", "b", None], 300),
                          "participant": rng.choice(["p1", "p2", "p3", None, "p5"], 300),
                          "wave": rng.choice(["w0", "w1"], 300)}).astype(dtype)
        at_first = f.loc[f["wave"] == "w0", ["cohort", "participant"]]
        want = pd.MultiIndex.from_frame(f[["cohort", "participant"]]).isin(
            pd.MultiIndex.from_frame(at_first))
        np.testing.assert_array_equal(_also_at(f, f["wave"] == "w0"), want)


def test_mixed_anova_of_cohort_numbers_is_that_of_cohort_names():
    """cohort_anova passes each person's cohort as its number among the sorted names: the
    ANOVA numbers the cohorts itself, so every row is the one the names give, to the bit."""
    from evaluate.stats.cohorts import _sorted_groups, _two_wave_mixed_anova

    rng = np.random.default_rng(6)
    names = np.array(["Zürich", "alpha", "Alpha", "b", "ä", "10", "9"], dtype=object)
    labels = names[rng.integers(0, names.size, 400)]
    pre, post = rng.integers(1, 6, 400) / 1.0, rng.integers(1, 6, 400) / 3.0
    _, codes = _sorted_groups(pd.Series(labels, dtype="string"))
    for ss_type in (2, 3):
        assert (_two_wave_mixed_anova(pre, post, codes, ss_type)
                == _two_wave_mixed_anova(pre, post, labels.astype(str), ss_type))


def test_step_sizes_tried_a_few_at_a_time_are_those_tried_one_at_a_time(monkeypatch):
    """The line search tries several halvings at once when few fits are left; every fit
    still takes the first size that passes, the same size and discrepancy as trying the
    sizes one at a time, and a fit that passes none ends halved as often as allowed."""
    from evaluate.stats import one_factor

    rng = np.random.default_rng(11)
    b, k = 40, 4
    f = rng.normal(size=(b, 60))
    x = f[:, :, None] * rng.uniform(0.2, 0.9, (b, 1, k)) + rng.normal(size=(b, 60, k))
    corr = np.array([np.corrcoef(m, rowvar=False) for m in x])
    lam, psi = np.full((b, k), 0.5), np.full((b, k), 0.75)
    grad, _ = one_factor.gradient_hessian(corr, lam, psi)
    step = -grad * rng.uniform(0.1, 50, (b, 1))  # from short to far too long
    step[:3] = -step[:3]  # uphill: no size passes
    before = one_factor.discrepancy(corr, lam, psi)
    slope = (grad * step).sum(axis=1)

    def one_at_a_time():
        size, reached, pending = np.ones(b), np.full(b, np.nan), np.ones(b, dtype=bool)
        for _ in range(one_factor._HALVINGS):
            idx = np.flatnonzero(pending)
            trial = one_factor.discrepancy(
                corr[idx], lam[idx] + size[idx, None] * step[idx, :k],
                np.clip(psi[idx] + size[idx, None] * step[idx, k:], 0.0, None))
            ok = trial <= (before[idx] + 1e-4 * size[idx] * np.minimum(slope[idx], 0.0)
                           + 1e-13 * np.abs(before[idx]))
            pending[idx[ok]] = False
            reached[idx[ok]] = trial[ok]
            size[idx[~ok]] /= 2
        return size, reached, pending

    expected = one_at_a_time()
    assert expected[2][:3].all() and not expected[2][3:].all() and (expected[0] < 1).sum() > 5
    assert (expected[0][:3] == 2.0 ** -one_factor._HALVINGS).all()
    for ahead in (1, 4, 32, 1000):
        monkeypatch.setattr(one_factor, "_AHEAD", ahead)
        got = one_factor._step_sizes(corr, lam, psi, step, before, slope)
        for g, e in zip(got, expected, strict=True):
            assert np.array_equal(g, e, equal_nan=True), ahead


def test_answer_codes_are_numbered_as_np_unique_numbers_them():
    """_numbered counts small whole numbers instead of sorting them; any column gets the
    numbers np.unique gives (negative codes, a signed zero, gaps, fractions, infinities)."""
    from evaluate.stats.omega_resamples import _numbered, _patterns

    rng = np.random.default_rng(5)
    columns = [rng.integers(1, 6, 500).astype(float), np.array([-0.0, 0.0, 1.0, -3.0, 2.0]),
               rng.integers(-3000, 3000, 300).astype(float), np.array([1.0, 1.0, 1.5]),
               rng.normal(size=40), np.array([np.inf, 1.0, 1.0]), np.array([7.0]),
               np.array([0.0, 5000.0, 5000.0])]
    for column in columns:
        count, codes = _numbered(column)
        values, expected = np.unique(column, return_inverse=True)
        assert count == values.size and np.array_equal(codes, expected)
        assert codes.dtype == expected.dtype
    x = rng.integers(1, 6, (400, 4)).astype(float)
    first, inverse = _patterns(x)
    rows, expected_first, expected_inverse = np.unique(x, axis=0, return_index=True,
                                                       return_inverse=True)
    assert np.array_equal(x[first], rows) and np.array_equal(first, expected_first)
    assert np.array_equal(inverse, expected_inverse.ravel())


def test_pattern_weights_counted_block_by_block_are_the_counts_summed_by_pattern(monkeypatch):
    """_pattern_weights counts a few resamples at a time into buffers made once (the last
    block shorter): each resample's draws of each pattern, whatever the blocks."""
    from evaluate.stats import omega_resamples as orr

    rng = np.random.default_rng(8)
    n, b, p = 50, 23, 7
    counts = rng.integers(0, 4, (b, n)).astype(np.uint8)
    inverse = rng.integers(0, p, n)
    expected = np.stack([np.bincount(inverse, weights=row, minlength=p) for row in counts])
    for cells in (1 << 20, 5 * n, 3 * n + 1, n):  # one block; blocks of 5, of 3, of 1 resample
        monkeypatch.setattr(orr, "_BLOCK", cells)
        assert np.array_equal(orr._pattern_weights(counts, inverse, p), expected), cells
