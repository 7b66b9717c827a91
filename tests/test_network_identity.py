"""The vectorised network analyses give exactly what the per-block code before them gave.

``tests/helpers/network_before_*.py`` are frozen copies of the modules as they were
before boundary spanning, brokerage, core–periphery and the bootstrap were computed
over all blocks (relation × wave) and resamples at once. Every table must be the same:
same rows in the same order, same columns and dtypes, numbers equal to 1e-12 — on the
demo's network (tests/reference/demo_network_*.csv, both cohorts) and on random
networks with the awkward parts a real one has (three waves, a wave nobody answered,
unknown and blank groups, a group of one, ties to people off the roster, repeated
rows, self-ties).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.network import (
    bootstrap_change,
    boundary_spanning,
    brokerage_change,
    brokerage_roles,
    core_change,
    core_periphery,
    coreness,
    gould_fernandez,
    nonresponse_bounds,
)
from evaluate.network.ties import _relations, clean_ties
from tests.helpers import network_before_boundary as before_boundary
from tests.helpers import network_before_brokerage as before_brokerage
from tests.helpers import network_before_coreness as before_coreness
from tests.helpers import network_before_uncertainty as before_uncertainty

REF = Path(__file__).resolve().parent / "reference"
ATTRS = ("organisation", "sector", "place", "role")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """As the analysis runs (evaluate.analysis.analyse): small matrix work on one thread."""
    import scipy.linalg  # noqa: F401 - scipy's own BLAS, loaded so that the limit reaches it
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=1e-12, atol=1e-12)


def _demo_cohorts():
    people = pd.read_csv(REF / "demo_network_people.csv", dtype={"person": str})
    ties = pd.read_csv(REF / "demo_network_ties.csv", dtype={"source": str, "target": str})
    roster = people.rename(columns={"person": "participant"})[
        ["participant", "cohort", "organisation", "sector", "place"]]
    respondents = pd.concat([
        people.loc[people[f"answered_{w}"] == 1, ["person", "cohort"]]
        .rename(columns={"person": "participant"}).assign(wave=w) for w in ("baseline", "end")],
        ignore_index=True)
    waves = ["baseline", "end"]
    relations = _relations(ties)
    for cohort in ("c1", "c2"):
        yield (ties[ties["cohort"] == cohort].reset_index(drop=True),
               roster[roster["cohort"] == cohort].reset_index(drop=True),
               respondents[respondents["cohort"] == cohort].reset_index(drop=True),
               waves, relations)


def _random_network(seed: int):
    """A messy three-wave network: what a cohort's survey could give."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 30))
    ids = [f"p{i:03d}" for i in range(n)]
    pick = lambda values, p=None: rng.choice(np.array(values, dtype=object), size=n, p=p)  # noqa: E731
    roster = pd.DataFrame({
        "participant": ids, "cohort": "c1",
        "organisation": pick(["Trust A", "Trust B", "Council", "Charity", None, " "],
                             [0.3, 0.25, 0.2, 0.15, 0.05, 0.05]),
        "sector": pick(["health", "care", "local"]),
        "place": pick(["Luton", "Bedford", "Luton ", None, "Lone place"],
                      [0.4, 0.3, 0.1, 0.15, 0.05]),
        "role": pick([None]) if seed % 4 == 0 else pick(["lead", "manager"])})
    waves = ["baseline", "mid", "end"]
    rows = []
    for w, wave in enumerate(waves):
        if wave == "mid" and seed % 3 == 0:
            continue  # a wave nobody answered
        density = rng.uniform(0.03, 0.25) * (1 + 0.3 * w)
        for relation in ("knew_before", "worked_with", "advice"):
            m = rng.binomial(n * n, min(density, 0.9))
            src = rng.integers(0, n + 2, size=m)
            tgt = rng.integers(0, n + 2, size=m)
            name = lambda i: ids[i] if i < n else f"stranger{i}"  # noqa: E731
            rows += [(wave, name(a), name(b), relation) for a, b in zip(src, tgt, strict=True)]
    raw = pd.DataFrame(rows, columns=["wave", "source", "target", "relation"]).assign(cohort="c1")
    answered = rng.random((len(waves), n)) < rng.uniform(0.4, 1.0)
    respondents = pd.DataFrame([(wave, ids[i]) for w, wave in enumerate(waves)
                                for i in np.flatnonzero(answered[w])],
                               columns=["wave", "participant"])
    dirty = raw if seed % 2 else clean_ties(raw, roster).ties  # raw rows repeat and self-tie
    return dirty.reset_index(drop=True), roster, respondents, waves, _relations(dirty)


DEMO = {c[1]["cohort"].iloc[0]: c for c in _demo_cohorts()}


def _cases(cohorts=("c1", "c2"), seeds=range(2)) -> list:
    """Demo cohorts and random networks as test parameters (fewer where the old code is slow)."""
    return ([pytest.param(DEMO[c], id=f"demo-{c}") for c in cohorts]
            + [pytest.param(_random_network(s), id=f"random-{s}") for s in seeds])



@pytest.mark.parametrize("case", _cases(seeds=range(2)))
def test_boundary_spanning_is_unchanged(case):
    ties, roster, _, waves, relations = case
    for min_group in (1, 5) if roster["participant"].iloc[0] == "1" else (5,):  # c1: both
        new = boundary_spanning(ties, roster, waves=waves, relations=relations,
                                min_group_size=min_group)
        old = before_boundary.boundary_spanning(ties, roster, waves=waves, relations=relations,
                                                min_group_size=min_group)
        _same(new[0], old[0])
        _same(new[1], old[1])


def test_boundary_spanning_without_groups_or_ties_is_unchanged():
    ties, roster, _, waves, relations = _random_network(1)
    for t, r, attrs in ((ties.iloc[:0], roster, ATTRS), (ties, roster, ()),
                        (ties, roster.assign(organisation=None), ("organisation",))):
        new = boundary_spanning(t, r, attributes=attrs, waves=waves, relations=relations)
        old = before_boundary.boundary_spanning(t, r, attributes=attrs, waves=waves,
                                                relations=relations)
        _same(new[0], old[0])
        _same(new[1], old[1])


@pytest.mark.parametrize("case", _cases(cohorts=("c2",), seeds=(0, 1)))
def test_brokerage_roles_and_change_are_unchanged(case):
    ties, roster, respondents, waves, relations = case
    attrs = ("organisation", "sector", "place", "role")
    kw = dict(attributes=attrs, waves=waves, relations=relations)
    for new, old in zip(brokerage_roles(ties, roster, respondents, **kw),
                        before_brokerage.brokerage_roles(ties, roster, respondents, **kw),
                        strict=True):
        _same(new, old)
    for new, old in zip(brokerage_change(ties, roster, respondents, **kw),
                        before_brokerage.brokerage_change(ties, roster, respondents, **kw),
                        strict=True):
        _same(new, old)


def test_gould_fernandez_is_unchanged():
    ties, roster, _, _, _ = _random_network(7)
    groups = roster.set_index("participant")["organisation"]
    for new, old in zip(gould_fernandez(ties, groups),
                        before_brokerage.gould_fernandez(ties, groups), strict=True):
        _same(new, old)


def _all_cohorts():
    """Both demo cohorts as one table: resampled within each cohort (strata)."""
    cases = list(_demo_cohorts())
    return tuple(pd.concat([c[i] for c in cases], ignore_index=True) for i in range(3)) + (
        cases[0][3], cases[0][4])


@pytest.mark.parametrize("case", [*_cases(cohorts=("c1",), seeds=(0, 1)),
                                  pytest.param(_all_cohorts(), id="demo-all")])
def test_bootstrap_intervals_and_bounds_are_unchanged(case):
    ties, roster, respondents, waves, relations = case
    kw = dict(attributes=("organisation", "sector", "place", "role"), waves=waves,
              relations=relations)
    new = bootstrap_change(ties, roster, respondents, n_boot=200, seed=11, **kw)
    old = before_uncertainty.bootstrap_change(ties, roster, respondents, n_boot=200, seed=11, **kw)
    _same(new, old)
    bounds = nonresponse_bounds(ties, roster, respondents, **kw)
    _same(bounds, before_uncertainty.nonresponse_bounds(ties, roster, respondents, **kw))


@pytest.mark.parametrize("case", _cases(cohorts=("c1",), seeds=(0, 2)))
def test_core_periphery_and_core_change_are_unchanged(case):
    ties, roster, respondents, waves, relations = case
    kw = dict(attributes=("organisation", "sector", "place", "role"), waves=waves)
    new = core_periphery(ties, roster, respondents, relations=relations, **kw)
    old = before_coreness.core_periphery(ties, roster, respondents, relations=relations, **kw)
    _same(new[0], old[0])
    _same(new[1], old[1])
    for a, b in zip(core_change(new[0], roster, min_group_size=3, **kw),
                    before_coreness.core_change(old[0], roster, min_group_size=3, **kw),
                    strict=True):
        _same(a, b)
    one = ties[ties["wave"] == waves[-1]]
    (people, fit), (people_before, fit_before) = (
        coreness(one, roster["participant"]), before_coreness.coreness(one, roster["participant"]))
    _same(people, people_before)
    pd.testing.assert_series_equal(pd.Series(fit), pd.Series(fit_before), rtol=1e-12, atol=1e-12)
