"""Uncertainty on network change: the vertex bootstrap and bounds under non-response.

Reference values come from tests/reference/bootstrap_network.R (R 4, package boot):

- "exact": a 6-person network whose bootstrap distribution R enumerates in full (all
  6^6 resamples, each resampled network built as Y[idx, idx]); our vectorised sums over
  the same 46656 resamples must give the same distribution;
- "boot": boot::boot (20000 resamples) on the demo's cohort c1; our run differs only by
  Monte Carlo error.

The sample generator writes the change it built into the demo's networks
(sample_data/effects.yaml, network.built_in); the intervals must cover it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluate.claims.rule import RuleInputs, evidence_rule
from evaluate.network import bootstrap_change, network_evidence, nonresponse_bounds
from evaluate.network import uncertainty as U

REF = Path(__file__).resolve().parent / "reference"
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"

# tests/reference/bootstrap_network.out, "exact" rows: measure → (point, defined resamples,
# mean, sd, type-1 quantiles at 0.025 and 0.975)
EXACT = {
    "density_change": (0.166666666667, 46650, 0.166666666667, 0.145754148347,
                       -0.136363636364, 0.5),
    "share_external_change": (0.378787878788, 43808, 0.353762710554, 0.285101223674,
                              -0.333333333333, 0.888888888889),
    "new_ei_index": (0.428571428571, 44472, 0.427553258638, 0.490522505535, -1.0, 1.0),
}
# "boot" rows: measure → (people, estimate, resamples defined, se, 2.5% and 97.5% percentiles)
R_BOOT = {
    "density_change": (33, 0.108901515152, 20000, 0.0260690121675, 0.0607836301851,
                       0.163086458965),
    "share_external_change": (33, 0.464061096137, 19999, 0.128982048212, 0.204998184019,
                              0.716697936242),
    "new_ei_index": (33, 0.676923076923, 20000, 0.152592517702, 0.328464429676,
                     0.925925925926),
}

ORG = {"1": "A", "2": "A", "3": "A", "4": "B", "5": "B", "6": "B"}
ARCS0 = [(1, 2), (2, 1), (2, 3), (3, 4), (4, 5), (5, 6)]
ARCS1 = [(1, 2), (2, 3), (3, 4), (1, 4), (2, 5), (4, 1), (6, 3), (5, 6), (6, 2), (1, 3), (6, 4)]


def _tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    ties = pd.DataFrame(
        [("baseline", str(a), str(b), "worked_with") for a, b in ARCS0]
        + [("end", str(a), str(b), "worked_with") for a, b in ARCS1],
        columns=["wave", "source", "target", "relation"])
    roster = pd.DataFrame({"participant": list(ORG), "organisation": list(ORG.values())})
    return ties, roster


def _figure(figs: dict, measure: str) -> np.ndarray:
    if measure == "density_change":
        return figs["density_to"] - figs["density_from"]
    if measure == "share_external_change":
        return figs["share_to_0"] - figs["share_from_0"]
    return figs["new_ei_0"]


def test_vectorised_sums_give_rs_exact_bootstrap_distribution():
    n = 6
    draws = np.array(list(itertools.product(range(n), repeat=n)))
    counts = np.zeros((len(draws), n))
    np.add.at(counts, (np.repeat(np.arange(len(draws)), n), draws.ravel()), 1)
    a0 = np.unique(np.array(ARCS0) - 1, axis=0)
    a1 = np.unique(np.array(ARCS1) - 1, axis=0)
    arcs, in0, in1 = U._union(a0, a1, n)
    ind = U._indicators(arcs, in0, in1, [np.array([0, 0, 0, 1, 1, 1])])
    figs = U._boot_figures(counts, arcs, ind, np.zeros(n, dtype=int), 1)
    for measure, (_, defined, mean, sd, q_low, q_high) in EXACT.items():
        v = _figure(figs, measure)
        v = v[np.isfinite(v)]
        assert len(v) == defined, measure
        assert v.mean() == pytest.approx(mean, abs=1e-10), measure
        assert v.std(ddof=1) == pytest.approx(sd, abs=1e-10), measure
        got = np.quantile(v, [0.025, 0.975], method="inverted_cdf")
        assert got == pytest.approx([q_low, q_high], abs=1e-10), measure


def test_point_estimates_on_the_tiny_network_equal_rs():
    ties, roster = _tiny()
    everyone = pd.DataFrame({"wave": ["baseline"] * 6 + ["end"] * 6, "participant": [*ORG, *ORG]})
    out = bootstrap_change(ties, roster, everyone, waves=["baseline", "end"], n_boot=200)
    for measure, (point, *_rest) in EXACT.items():
        row = out[out["measure"] == measure].iloc[0]
        assert row["estimate"] == pytest.approx(point, abs=1e-10), measure
        assert row["ci95_low"] <= row["estimate"] <= row["ci95_high"], measure
    # by hand: 11 ties against 6 among 30 ordered pairs; 5 of 7 new ties cross
    dens = out[out["measure"] == "density_change"].iloc[0]
    assert (dens["value_from"], dens["value_to"]) == pytest.approx((6 / 30, 11 / 30))
    ei = out[out["measure"] == "new_ei_index"].iloc[0]
    assert ei["estimate"] == pytest.approx((5 - 2) / 7)


def _demo_reference():
    people = pd.read_csv(REF / "demo_network_people.csv", dtype={"person": str})
    ties = pd.read_csv(REF / "demo_network_ties.csv", dtype={"source": str, "target": str})
    roster = people.rename(columns={"person": "participant"})
    answered = pd.concat([
        people.loc[people["answered_baseline"] == 1, ["person"]].assign(wave="baseline"),
        people.loc[people["answered_end"] == 1, ["person"]].assign(wave="end")])
    return ties, roster, answered.rename(columns={"person": "participant"})


def test_bootstrap_agrees_with_r_boot_on_the_demo():
    ties, roster, answered = _demo_reference()
    c1 = roster[roster["cohort"] == "c1"]
    t = ties[(ties["cohort"] == "c1") & (ties["relation"] == "worked_with")]
    out = bootstrap_change(t, c1, answered, attributes=["organisation"],
                           waves=["baseline", "end"], n_boot=20000, seed=7)
    for measure, (people, est, defined, se, low, high) in R_BOOT.items():
        row = out[out["measure"] == measure].iloc[0]
        assert row["people"] == people
        assert row["estimate"] == pytest.approx(est, abs=1e-10), measure
        assert abs(row["n_boot_used"] - defined) <= 20, measure
        # Monte Carlo error only: 20000 resamples each side
        assert row["se"] == pytest.approx(se, rel=0.05), measure
        assert abs(row["ci95_low"] - low) < 0.1 * se, measure
        assert abs(row["ci95_high"] - high) < 0.1 * se, measure


def test_same_seed_same_intervals_and_vectorised_chunks_agree():
    ties, roster, answered = _demo_reference()
    t = ties[ties["cohort"] == "c2"]
    c2 = roster[roster["cohort"] == "c2"]
    a = bootstrap_change(t, c2, answered, waves=["baseline", "end"], n_boot=300, seed=3)
    b = bootstrap_change(t, c2, answered, waves=["baseline", "end"], n_boot=300, seed=3)
    pd.testing.assert_frame_equal(a, b)
    c = bootstrap_change(t, c2, answered, waves=["baseline", "end"], n_boot=300, seed=4)
    assert not np.allclose(a["ci95_low"], c["ci95_low"], equal_nan=True)


@pytest.fixture(scope="module")
def demo_uncertainty(demo_workspace):
    from evaluate.network import analyse_workspace

    ws, _ = demo_workspace
    return analyse_workspace(ws)


def test_intervals_cover_the_change_built_into_the_sample(demo_uncertainty):
    built = yaml.safe_load((SAMPLE / "effects.yaml").read_text())["network"]["built_in"]
    boot = demo_uncertainty["network_change_intervals"]
    boot = boot[boot["relation"] == built["relation"]]
    checked = 0
    for cohort in ("c1", "c2"):
        truth = built[cohort]
        rows = boot[boot["cohort"] == cohort]
        d = rows[rows["measure"] == "density_change"].iloc[0]
        assert d["ci95_low"] <= truth["density_change"] <= d["ci95_high"], (cohort, d.to_dict())
        checked += 1
        for attribute in ("organisation", "sector", "place"):
            for measure in ("share_external_change", "new_ei_index"):
                r = rows[(rows["measure"] == measure) & (rows["attribute"] == attribute)].iloc[0]
                value = truth[attribute][measure]
                assert r["ci95_low"] <= value <= r["ci95_high"], (cohort, attribute, measure)
                checked += 1
    assert checked == 14
    # and the change is clear where the generator built a large one
    org = boot[(boot["measure"] == "share_external_change") & (boot["attribute"] == "organisation")]
    assert (org["ci95_low"] > 0).all()


def test_bounds_bracket_the_point_estimate(demo_uncertainty):
    bounds = demo_uncertainty["network_nonresponse_bounds"]
    assert len(bounds) and set(bounds["cohort"]) >= {"c1", "c2", "all"}
    ok = bounds.dropna(subset=["estimate"])
    assert (ok["bound_low"] <= ok["estimate"] + 1e-12).all()
    assert (ok["estimate"] <= ok["bound_high"] + 1e-12).all()
    assert (ok["bound_low"] <= ok["if_present"] + 1e-12).all()
    assert (ok["if_present"] <= ok["bound_high"] + 1e-12).all()
    # the estimate is the reported network: the boundary table's share crossing
    boundary = demo_uncertainty["network_boundary"]
    for cohort in ("c1", "c2"):
        b = boundary[(boundary["cohort"] == cohort) & (boundary["relation"] == "any")
                     & (boundary["attribute"] == "organisation")].set_index("wave")
        r = bounds[(bounds["cohort"] == cohort) & (bounds["relation"] == "any")
                   & (bounds["attribute"] == "organisation")
                   & (bounds["measure"] == "share_external_change")].iloc[0]
        assert r["estimate"] == pytest.approx(b.loc["end", "share_external"]
                                              - b.loc["baseline", "share_external"])


def test_bounds_by_hand_with_one_non_respondent():
    ties, roster = _tiny()
    # person 6 did not answer at the end: their ties 6→3, 6→2, 6→4 were never named
    ties = ties[~((ties["wave"] == "end") & (ties["source"] == "6"))]
    answered = pd.DataFrame({"wave": ["baseline"] * 6 + ["end"] * 5,
                             "participant": [*ORG, "1", "2", "3", "4", "5"]})
    out = nonresponse_bounds(ties, roster, answered, waves=["baseline", "end"])
    d = out[out["measure"] == "density_change"].iloc[0]
    # end: 8 ties named; "present" adds 6→5 (5 named 6): 9 of 30 pairs
    assert d["value_to_absent"] == pytest.approx(8 / 30)
    assert d["value_to_present"] == pytest.approx(9 / 30)
    assert d["estimate"] == pytest.approx(8 / 30 - 6 / 30)
    assert (d["bound_low"], d["bound_high"]) == pytest.approx((2 / 30, 3 / 30))
    s = out[out["measure"] == "share_external_change"].iloc[0]
    # end absent: crossing 3→4, 1→4, 2→5, 4→1 of 8; present adds 6→5 (inside B)
    assert s["value_to_absent"] == pytest.approx(4 / 8)
    assert s["value_to_present"] == pytest.approx(4 / 9)


def test_vertex_bootstrap_is_not_too_narrow_on_simulated_networks():
    """95% intervals from networks drawn from a known model cover the model's change."""
    rng = np.random.default_rng(11)
    n, reps = 30, 60
    group = np.arange(n) % 5
    same = group[:, None] == group[None, :]
    p0 = np.where(same, 0.5, 0.04)
    p_new = np.where(same, 0.1, 0.12)
    off = ~np.eye(n, dtype=bool)
    e0, e1 = p0, 0.8 * p0 + (1 - p0) * p_new
    new = (1 - p0) * p_new
    truth = [(e1[off].sum() - e0[off].sum()) / (n * (n - 1)),
             (e1 * ~same)[off].sum() / e1[off].sum() - (e0 * ~same)[off].sum() / e0[off].sum(),
             ((new * ~same)[off].sum() - (new * same)[off].sum()) / new[off].sum()]
    covered = np.zeros(3)
    for r in range(reps):
        y0 = (rng.random((n, n)) < p0) & off
        y1 = np.where(y0, rng.random((n, n)) < 0.8, rng.random((n, n)) < p_new) & off
        arcs, in0, in1 = U._union(np.argwhere(y0), np.argwhere(y1), n)
        ind = U._indicators(arcs, in0, in1, [group])
        layer = np.zeros(n, dtype=int)
        point = U._boot_figures(np.ones((1, n)), arcs, ind, layer, 1)
        boot = U._run(arcs, ind, layer, 1, 400, r)
        for k, keys in enumerate((("density_from", "density_to"), ("share_from_0", "share_to_0"),
                                  (None, "new_ei_0"))):
            iv = U._interval(point, boot, *keys)
            covered[k] += iv["ci95_low"] <= truth[k] <= iv["ci95_high"]
    assert (covered / reps >= 0.88).all(), covered / reps


def test_relations_of_one_panel_share_their_resamples():
    """Drawn once for every relation, the resamples give each relation's figures exactly as
    drawn for it alone, in chunks too (many people: a chunk holds fewer than n_boot draws)."""
    rng = np.random.default_rng(5)
    for n, n_boot in ((30, 300), (9000, 1000)):
        layer = rng.integers(0, 2, n)
        group = rng.integers(0, 3, n)
        networks = []
        for p in (0.1, 0.3):
            y0 = rng.random((n, 40)) < p
            y1 = rng.random((n, 40)) < p
            a0 = np.argwhere(y0) % n
            a1 = np.argwhere(y1) % n
            a0, a1 = (np.unique(a[a[:, 0] != a[:, 1]], axis=0) for a in (a0, a1))
            arcs, in0, in1 = U._union(a0, a1, n)
            networks.append((arcs, U._indicators(arcs, in0, in1, [group])))
        together = U._run_many(networks, layer, 1, n_boot, 11)
        for (arcs, ind), shared in zip(networks, together, strict=True):
            alone = U._run(arcs, ind, layer, 1, n_boot, 11)
            assert alone.keys() == shared.keys()
            for k in alone:
                np.testing.assert_array_equal(alone[k], shared[k])
        assert not np.array_equal(together[0]["density_to"], together[1]["density_to"])


def test_evidence_labels_follow_the_survey_rule():
    intervals = pd.DataFrame({
        "wave_from": "baseline", "wave_to": "end", "relation": "any", "attribute": "organisation",
        "measure": ["share_external_change"] * 3, "people": [63, 25, 12],
        "estimate": [0.5, 0.5, 0.5], "ci95_low": [0.3, -0.1, 0.2], "ci95_high": [0.7, 0.9, 0.8]})
    intervals["cohort"] = ["a", "b", "c"]
    bounds = intervals[["wave_from", "wave_to", "relation", "attribute", "measure"]].assign(
        respondents_from=[70, 60, 13], estimate=[0.5, 0.5, 0.5], bound_low=[0.4, -0.05, 0.3],
        bound_high=[0.6, 0.6, 0.7])
    rows = [network_evidence(intervals.iloc[[i]], bounds.iloc[[i]]).iloc[0] for i in range(3)]
    assert [r["evidence_strength"] for r in rows] == ["moderate", "weak", "limited"]
    assert rows[0]["clear"] and not rows[1]["clear"]
    assert rows[1]["reverses"] and U.REVERSES in rows[1]["evidence_reasons"]
    # the same rule as a survey scale with those numbers
    assert evidence_rule(RuleInputs(25, 60, 0.5, -0.1, 0.9, dropouts_differ=True)).level == "weak"
    assert evidence_rule(RuleInputs(12, 13, 0.5, 0.2, 0.8)).level == "limited"
    assert evidence_rule(RuleInputs(8, 9, 0.5, 0.2, 0.8)).level == "weak"
    assert set(rows[1]["downgrades"].split(";")) == {"imprecision", "low_response", "attrition_bias"}


def test_bootstrap_is_vectorised_over_resamples():
    """No graph per resample: 2,000 resamples of a 2,000-person network stay quick in memory."""
    rng = np.random.default_rng(1)
    n = 2000
    people = [f"p{i}" for i in range(n)]
    src = rng.integers(0, n, 20000)
    tgt = rng.integers(0, n, 20000)
    ties = pd.DataFrame({"wave": np.where(np.arange(20000) < 10000, "a", "b"),
                         "source": [people[i] for i in src], "target": [people[i] for i in tgt],
                         "relation": "worked_with"})
    roster = pd.DataFrame({"participant": people, "organisation": [f"o{i % 40}" for i in range(n)]})
    out = bootstrap_change(ties, roster, attributes=["organisation"], waves=["a", "b"],
                           n_boot=2000)
    assert (out["n_boot_used"] == 2000).all()
