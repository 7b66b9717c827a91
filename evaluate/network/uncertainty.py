"""Uncertainty on network change: bootstrap intervals, and bounds under non-response.

Before a network change is claimed as the programme's, two questions need an answer:

- *Could it be chance?* :func:`bootstrap_change` resamples the people who
  answered the network survey at both waves (a vertex bootstrap, Snijders &
  Borgatti 1999) and gives a 95% percentile interval for the change in density,
  the change in the share of ties that cross a boundary (organisation, sector,
  place), and the Krackhardt–Stern E-I index of the new ties.
- *Could it be who did not answer?* :func:`nonresponse_bounds` computes the same
  figures over everyone on the roster with every non-respondent's own ties
  *absent* (what was reported) and *present* wherever someone else reported a
  tie with them (reconstruction, Stork & Richards 1992), and gives the lowest
  and highest figure over the four combinations of the two waves.

The bootstrap is vectorised: a resample is a vector of how many times each
person was drawn, an arc i → j then counts c_i · c_j times, and every statistic
of every resample comes from one matrix product over the arcs — no graph is
built per resample, and the work grows with resamples × ties, not with the
square of the number of people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.claims.rule import RuleInputs, evidence_rule
from evaluate.network.ties import ANY_RELATION, _groups_of, _pairs, _setup, _unique_pairs

__all__ = ["BOOTSTRAP_MEASURES", "BOOTSTRAP_ATTRIBUTES", "REVERSES", "bootstrap_change",
           "nonresponse_bounds", "network_evidence"]

#: The figures given an interval, in the order tables list them.
BOOTSTRAP_MEASURES = ("density_change", "share_external_change", "new_ei_index")
#: Boundaries measured by default.
BOOTSTRAP_ATTRIBUTES = ("organisation", "sector", "place")

_BOOT_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "measure", "people",
                 "ties_from", "ties_to", "value_from", "value_to", "estimate", "ci95_low",
                 "ci95_high", "se", "n_boot", "n_boot_used"]
_BOUND_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "measure", "roster_size",
                  "respondents_from", "respondents_to", "estimate", "if_present", "bound_low",
                  "bound_high", "value_from_absent", "value_from_present", "value_to_absent",
                  "value_to_present"]


# --------------------------------------------------------------------------- arcs and groups
def _codes(roster: pd.DataFrame, attribute: str, index: pd.Index) -> np.ndarray:
    """Group of each person in ``index`` as an integer code (−1 unknown)."""
    g = _groups_of(roster, attribute)
    g = g[~g.index.duplicated()]
    codes, _ = pd.factorize(g.reindex(index), use_na_sentinel=True)
    return codes


def _layer(roster: pd.DataFrame, strata: str | None, index: pd.Index) -> np.ndarray:
    """The stratum (e.g. cohort) of each person in ``index`` as an integer code."""
    if not strata or strata not in roster.columns:
        return np.zeros(len(index), dtype=np.int64)
    of = roster.set_index("participant")[strata].astype(str)
    return pd.factorize(of.reindex(index).fillna(""))[0]


def _measure_rows(key: dict, attributes, summarise) -> list[dict]:
    """One row per measure: density, then each boundary's share and new ties' E-I.

    ``summarise(key_from, key_to)`` gives the row's figures (key_from None for
    the E-I index of new ties, a figure of one wave pair rather than a change).
    """
    rows = [key | {"attribute": "", "measure": "density_change"}
            | summarise("density_from", "density_to")]
    rows += [key | {"attribute": a, "measure": "share_external_change"}
             | summarise(f"share_from_{i}", f"share_to_{i}") for i, a in enumerate(attributes)]
    rows += [key | {"attribute": a, "measure": "new_ei_index"} | summarise(None, f"new_ei_{i}")
             for i, a in enumerate(attributes)]
    return rows


def _block_arcs(ties: pd.DataFrame, index: pd.Index, relations, waves) -> dict:
    """(relation, wave) → the distinct arcs (source, target) among ``index`` of that
    relation's ties at that wave, as an (L, 2) array of positions; every one from one
    lookup of the tie ends in ``index``.

    ``any`` takes every tie row of the wave: the arcs are distinct, so the rows a
    relation repeats for the same pair make no difference.
    """
    n = len(index)
    if len(ties):
        s = index.get_indexer(ties["source"].astype(str).to_numpy())
        t = index.get_indexer(ties["target"].astype(str).to_numpy())
        ok = (s >= 0) & (t >= 0) & (s != t)
    else:
        s = t = np.empty(0, np.int64)
        ok = np.zeros(0, bool)
    relation_of = ties["relation"].to_numpy(dtype=object)
    wave_of = ties["wave"].to_numpy(dtype=object)
    out = {}
    for relation in relations:
        rows = ok if relation == ANY_RELATION else ok & (relation_of == relation)
        for w in waves:
            keep = rows & (wave_of == w)
            out[(relation, w)] = _unique_pairs(s[keep], t[keep], n)
    return out


def _union(a0: np.ndarray, a1: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arcs of either wave, and whether each is in the first and in the second."""
    k0 = a0[:, 0] * n + a0[:, 1]
    k1 = a1[:, 0] * n + a1[:, 1]
    keys = np.union1d(k0, k1)
    return np.column_stack([keys // n, keys % n]), np.isin(keys, k0), np.isin(keys, k1)


def _indicators(arcs, in0, in1, codes: list[np.ndarray]) -> np.ndarray:
    """Arc × column 0/1 matrix: the arcs each sum of :func:`_sums` adds up.

    Columns: ties at the first wave, at the second; then per attribute: first
    wave crossing, first wave known (both groups known), second crossing,
    second known, new crossing, new inside a group.
    """
    new = in1 & ~in0
    cols = [in0, in1]
    for c in codes:
        gs, gt = c[arcs[:, 0]], c[arcs[:, 1]]
        known = (gs >= 0) & (gt >= 0)
        cross = known & (gs != gt)
        cols += [in0 & cross, in0 & known, in1 & cross, in1 & known, new & cross,
                 new & known & ~cross]
    return np.column_stack(cols).astype(np.float64) if cols else np.empty((len(arcs), 0))


def _figures(sums: np.ndarray, pairs: np.ndarray, n_attributes: int) -> dict[str, np.ndarray]:
    """Every figure from the weighted sums of :func:`_indicators` columns (one row per resample)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = pairs > 0
        out = {"density_from": np.where(ok, sums[:, 0] / np.where(ok, pairs, 1), np.nan),
               "density_to": np.where(ok, sums[:, 1] / np.where(ok, pairs, 1), np.nan)}
        for a in range(n_attributes):
            e0, k0, e1, k1, ne, ni = (sums[:, 2 + 6 * a + j] for j in range(6))
            out[f"share_from_{a}"] = np.where(k0 > 0, e0 / np.where(k0 > 0, k0, 1), np.nan)
            out[f"share_to_{a}"] = np.where(k1 > 0, e1 / np.where(k1 > 0, k1, 1), np.nan)
            tot = ne + ni
            out[f"new_ei_{a}"] = np.where(tot > 0, (ne - ni) / np.where(tot > 0, tot, 1), np.nan)
    return out


def _sums(counts: np.ndarray, arcs: np.ndarray, indicators: np.ndarray) -> np.ndarray:
    """Σ over the arcs of each indicator column of c_i · c_j, per resample (row of ``counts``).

    One product per arc and resample, then one matrix product with the
    indicators: the work is resamples × ties (no n² term, no graph). The
    counts are whole numbers, so every sum is exact whatever the order of
    adding.
    """
    if not indicators.shape[1]:
        return np.zeros((len(counts), 0))
    out = np.empty((len(counts), indicators.shape[1]))
    step = max(1, 4_000_000 // max(len(arcs), 1))  # arcs × resamples held at once
    for lo in range(0, len(counts), step):
        c = counts[lo:lo + step]
        out[lo:lo + step] = (c[:, arcs[:, 0]] * c[:, arcs[:, 1]]) @ indicators
    return out


def _pairs_of(counts: np.ndarray, strata: np.ndarray) -> np.ndarray:
    """Ordered pairs of distinct people in each resample: Σ_strata (n_s² − Σ c_i²)."""
    total = np.zeros(len(counts))
    for s in np.unique(strata):
        c = counts[:, strata == s]
        total += c.sum(axis=1) ** 2 - (c**2).sum(axis=1)
    return total


def _resample_counts(rng: np.random.Generator, strata: np.ndarray, size: int) -> np.ndarray:
    """``size`` resamples: how many times each person is drawn, n_s draws within each stratum."""
    counts = np.zeros((size, len(strata)), dtype=np.float64)
    for s in np.unique(strata):
        where = np.flatnonzero(strata == s)
        counts[:, where] = rng.multinomial(len(where), np.full(len(where), 1 / len(where)),
                                           size=size)
    return counts


def _boot_figures(counts, arcs, indicators, strata, n_attributes) -> dict[str, np.ndarray]:
    """Every figure for each resample (row of ``counts``)."""
    return _figures(_sums(counts, arcs, indicators), _pairs_of(counts, strata), n_attributes)


# --------------------------------------------------------------------------- bootstrap
def bootstrap_change(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=BOOTSTRAP_ATTRIBUTES,
    waves=None,
    relations=None,
    strata: str | None = "cohort",
    n_boot: int = 2000,
    seed: int = 2024,
) -> pd.DataFrame:
    """Bootstrap intervals for network change between consecutive waves.

    Parameters
    ----------
    ties : DataFrame
        Clean ties (:func:`~evaluate.network.clean_ties`): ``wave, source,
        target, relation``; of one cohort, or of several (see ``strata``).
    roster : DataFrame
        ``participant`` and the attribute columns (and ``strata``).
    respondents : DataFrame, optional
        ``wave, participant``: who answered the network survey at each wave.
        Anyone who named someone counts as having answered.
    attributes : sequence of str
        Roster columns whose boundaries are measured; missing ones are skipped.
    waves, relations : sequence, optional
        As :func:`~evaluate.network.network_metrics`.
    strata : str or None
        Roster column whose groups are resampled separately (default
        ``cohort``: each cohort is its own network, so a resample keeps each
        cohort's size). None: one stratum.
    n_boot : int
        Resamples (default 2,000).
    seed : int
        Seed of the random generator, so the intervals are reproducible.

    Returns
    -------
    DataFrame
        One row per wave pair × relation × measure (× attribute):
        ``wave_from, wave_to, relation, attribute`` (empty for density),
        ``measure`` (``density_change``, ``share_external_change``,
        ``new_ei_index``), ``people`` (who answered at both waves),
        ``ties_from, ties_to`` (ties among them), ``value_from, value_to``
        (the figure at each wave; for ``new_ei_index`` value_from is NaN and
        value_to the index), ``estimate`` (value_to − value_from, or the
        index), ``ci95_low, ci95_high`` (2.5th and 97.5th percentiles of the
        resampled estimates), ``se`` (their standard deviation), ``n_boot``
        and ``n_boot_used`` (resamples in which the figure is defined).

    Notes
    -----
    Scheme: the units are the people who answered the network survey at
    both waves, and the ties among them (a like-for-like panel). A resample
    draws as many people with replacement from each stratum; each drawn
    person keeps their groups and their ties, at both waves, with the other
    drawn people (the same resample for both waves, so the change is paired).
    With c_i the number of times person i is drawn, arc i → j appears
    c_i · c_j times; pairs made of two copies of one person are left out
    (nobody is tied to themselves), so the number of ordered pairs is
    Σ_s (n_s² − Σ c_i²). Then, for each resample,

    - density = Σ_arcs c_i c_j / Σ_s (n_s² − Σ c_i²);
    - share crossing = Σ_crossing arcs c_i c_j / Σ_arcs with known groups c_i c_j;
    - new ties are the arcs at the second wave that were not there at the
      first; their E-I index = (E − I) / (E + I) with E and I the weighted
      sums of new arcs across and inside groups.

    The interval is the percentile interval of the resampled estimates;
    resamples where a figure is undefined (no ties) are left out of it and
    counted in ``n_boot_used``. The point estimate is the same formula with
    every c_i = 1. This is the vertex bootstrap of Snijders & Borgatti
    (1999) without their random filling of the pairs of copies of one
    person.

    References
    ----------
    Snijders, T. A. B. & Borgatti, S. P. (1999). Non-parametric standard
    errors and tests for network statistics. *Connections*, 22(2), 161–170.
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*.
    Chapman & Hall.
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    roster = s.roster
    rows = []
    for w0, w1 in _pairs(list(s.waves)):
        both = sorted(set(map(str, s.responded.get(w0, set()) & s.responded.get(w1, set())))
                      & set(roster["participant"]))
        index = pd.Index(both)
        if len(index) < 2:
            continue
        layer = _layer(roster, strata, index)
        codes = [_codes(roster, a, index) for a in s.attributes]
        networks = []
        found = _block_arcs(s.ties, index, s.relations, [w0, w1])
        for relation in s.relations:
            arcs, in0, in1 = _union(found[(relation, w0)], found[(relation, w1)], len(index))
            networks.append((relation, arcs, in0, in1, _indicators(arcs, in0, in1, codes)))
        boots = _run_many([(arcs, ind) for _, arcs, _, _, ind in networks], layer, len(codes),
                          n_boot, seed)
        for (relation, arcs, in0, in1, ind), boot in zip(networks, boots, strict=True):
            point = _boot_figures(np.ones((1, len(index))), arcs, ind, layer, len(codes))
            key = {"wave_from": w0, "wave_to": w1, "relation": relation,
                   "people": len(index), "ties_from": int(in0.sum()), "ties_to": int(in1.sum()),
                   "n_boot": n_boot}
            rows += _measure_rows(key, s.attributes,
                                  lambda frm, to: _interval(point, boot, frm, to))  # noqa: B023
    return pd.DataFrame(rows, columns=_BOOT_COLUMNS)


def _run(arcs, ind, layer, n_attributes, n_boot, seed) -> dict[str, np.ndarray]:
    """Every figure for ``n_boot`` resamples of one network (see :func:`_run_many`)."""
    return _run_many([(arcs, ind)], layer, n_attributes, n_boot, seed)[0]


def _run_many(networks, layer, n_attributes, n_boot, seed) -> list[dict[str, np.ndarray]]:
    """Every figure for ``n_boot`` resamples of each network (``(arcs, indicators)``, the
    relations of one panel), in chunks that keep memory small.

    Every network gets the same resamples, those of ``seed``: each chunk of
    counts is drawn once and used for all of them, so the draws (the slow part
    with many people) are not repeated per relation, and each network's figures
    are those it would get alone.
    """
    rng = np.random.default_rng(seed)
    n = len(layer)
    chunk = max(1, min(n_boot, 4_000_000 // max(n, 1)))  # also fixes the order of the draws
    parts: list[list[dict]] = [[] for _ in networks]
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        counts = _resample_counts(rng, layer, size)
        pairs = _pairs_of(counts, layer)  # the same for every network of the panel
        for part, (arcs, ind) in zip(parts, networks, strict=True):
            part.append(_figures(_sums(counts, arcs, ind), pairs, n_attributes))
        done += size
    return [{k: np.concatenate([p[k] for p in part]) for k in part[0]} if part else {}
            for part in parts]


def _interval(point: dict, boot: dict, key_from: str | None, key_to: str) -> dict:
    """Estimate, percentile interval and standard error of a change (or of one figure)."""
    to = point[key_to][0]
    frm = point[key_from][0] if key_from else np.nan
    est = to - frm if key_from else to
    draws = boot[key_to] - boot[key_from] if key_from else boot[key_to]
    draws = draws[np.isfinite(draws)]
    if len(draws) >= 2 and np.isfinite(est):
        low, high = np.quantile(draws, [0.025, 0.975])
        se = float(draws.std(ddof=1))
    else:
        low = high = se = np.nan
    return {"value_from": frm, "value_to": to, "estimate": est, "ci95_low": float(low),
            "ci95_high": float(high), "se": se, "n_boot_used": len(draws)}


# --------------------------------------------------------------------------- non-response
def nonresponse_bounds(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=BOOTSTRAP_ATTRIBUTES,
    waves=None,
    relations=None,
    strata: str | None = "cohort",
) -> pd.DataFrame:
    """Network change over the whole roster, if non-respondents' ties were absent or present.

    Parameters
    ----------
    ties, roster, respondents, attributes, waves, relations, strata
        As :func:`bootstrap_change`; with several cohorts, density counts the
        pairs within each cohort only.

    Returns
    -------
    DataFrame
        One row per wave pair × relation × measure (× attribute):
        ``wave_from, wave_to, relation, attribute, measure`` (as
        :func:`bootstrap_change`), ``roster_size, respondents_from,
        respondents_to``, ``estimate`` (non-respondents' own ties absent at
        both waves: the reported network, as the other network tables
        count it), ``if_present`` (present at both waves), ``bound_low,
        bound_high`` (the lowest and highest over the four combinations of
        absent and present at the two waves), and the figure at each wave
        under each rule: ``value_from_absent, value_from_present,
        value_to_absent, value_to_present`` (NaN for ``new_ei_index``).

    Notes
    -----
    Someone who did not answer at a wave named nobody, so their own ties are
    unknown. *Absent* takes them to have none (the reported network);
    *present* adds the reverse of every tie a respondent reported with
    them — the tie as reported by the other person (Stork & Richards 1992).
    These are bounds on what the non-respondents could have reported if they
    named the same people who named them, not on every conceivable answer.
    Density is over every ordered pair on the roster; shares and E-I as
    :func:`bootstrap_change` with every c_i = 1.

    References
    ----------
    Stork, D. & Richards, W. D. (1992). Nonrespondents in communication
    network studies. *Group & Organization Management*, 17(2), 193–209.
    Manski, C. F. (2003). *Partial Identification of Probability
    Distributions*. Springer.
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    roster = s.roster
    index = pd.Index(sorted(set(roster["participant"])))
    n = len(index)
    codes = [_codes(roster, a, index) for a in s.attributes]
    ones = np.ones((1, n))
    layer = _layer(roster, strata, index)
    rows = []
    found = _block_arcs(s.ties, index, s.relations, s.waves)
    for w0, w1 in _pairs(list(s.waves)):
        answered = {w: index.isin(list(map(str, s.responded.get(w, set())))) for w in (w0, w1)}
        for relation in s.relations:
            arcs = {(w, rule): _with_rule(found[(relation, w)], answered[w], rule)
                    for w in (w0, w1) for rule in ("absent", "present")}
            figs = {}
            for r0 in ("absent", "present"):
                for r1 in ("absent", "present"):
                    u, in0, in1 = _union(arcs[(w0, r0)], arcs[(w1, r1)], n)
                    figs[(r0, r1)] = _boot_figures(ones, u, _indicators(u, in0, in1, codes),
                                                   layer, len(codes))
            key = {"wave_from": w0, "wave_to": w1, "relation": relation, "roster_size": n,
                   "respondents_from": int(answered[w0].sum()),
                   "respondents_to": int(answered[w1].sum())}
            rows += _measure_rows(key, s.attributes,
                                  lambda frm, to: _bounds(figs, frm, to))  # noqa: B023
    return pd.DataFrame(rows, columns=_BOUND_COLUMNS)


def _with_rule(arcs: np.ndarray, answered: np.ndarray, rule: str) -> np.ndarray:
    """The arcs of a wave, with the reverse of each arc to a non-respondent when ``present``."""
    if rule == "absent" or not len(arcs):
        return arcs
    back = arcs[~answered[arcs[:, 1]]][:, ::-1]
    both = np.concatenate([arcs, back])
    return _unique_pairs(both[:, 0], both[:, 1], len(answered))


def _bounds(figs: dict, key_from: str | None, key_to: str) -> dict:
    def value(r0, r1):
        f = figs[(r0, r1)]
        return f[key_to][0] - f[key_from][0] if key_from else f[key_to][0]

    combos = [value(r0, r1) for r0 in ("absent", "present") for r1 in ("absent", "present")]
    finite = [v for v in combos if np.isfinite(v)]
    out = {"estimate": value("absent", "absent"), "if_present": value("present", "present"),
           "bound_low": min(finite) if finite else np.nan,
           "bound_high": max(finite) if finite else np.nan}
    for w, key in (("from", key_from), ("to", key_to)):
        for rule in ("absent", "present"):
            # the figure at one wave depends on that wave's rule only
            combo = (rule, "absent") if w == "from" else ("absent", rule)
            out[f"value_{w}_{rule}"] = figs[combo][key][0] if key_from else np.nan
    return out


# --------------------------------------------------------------------------- evidence
_EVIDENCE_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "measure", "people",
                     "respondents_from", "estimate", "ci95_low", "ci95_high", "clear",
                     "roster_estimate", "bound_low", "bound_high", "reverses",
                     "evidence_strength", "evidence_reasons", "downgrades"]
#: The reason given when the ties of people who did not answer could reverse a change.
REVERSES = "the change could reverse, depending on the ties of people who did not answer"


def network_evidence(intervals: pd.DataFrame, bounds: pd.DataFrame) -> pd.DataFrame:
    """Each network change with its interval, its bounds and a strength-of-evidence label.

    Parameters
    ----------
    intervals : DataFrame
        :func:`bootstrap_change` of one network.
    bounds : DataFrame
        :func:`nonresponse_bounds` of the same network.

    Returns
    -------
    DataFrame
        ``wave_from, wave_to, relation, attribute, measure, people,
        respondents_from`` (who answered the network survey at the first
        wave), ``estimate, ci95_low, ci95_high`` (among those who answered
        both times), ``clear`` (the interval excludes zero), ``roster_estimate,
        bound_low, bound_high`` (everyone on the roster,
        :func:`nonresponse_bounds`), ``reverses`` (the bounds lie on both
        sides of zero), ``evidence_strength, evidence_reasons``, ``downgrades``
        (the evidence rule's codes, joined by ";").

    Notes
    -----
    The label is the evidence rule's (:func:`evaluate.claims.rule.evidence_rule`),
    as for the survey evidence: at most "moderate" without a comparison group
    (the network survey has none: a comparison group's ties are not the
    programme's network), then down for imprecision (the interval, or fewer
    than 30 people who answered both times), low response (under 70% of the
    first wave's respondents answering again), and drop-out bias when the
    ties of non-respondents could reverse the change.
    """
    key = ["wave_from", "wave_to", "relation", "attribute", "measure"]
    if not len(intervals):
        return pd.DataFrame(columns=_EVIDENCE_COLUMNS)
    b = bounds[[*key, "respondents_from", "estimate", "bound_low", "bound_high"]].rename(
        columns={"estimate": "roster_estimate"})
    out = intervals[[*key, "people", "estimate", "ci95_low", "ci95_high"]].merge(
        b, on=key, how="left")
    out["clear"] = (out["ci95_low"] > 0) | (out["ci95_high"] < 0)
    out["reverses"] = (out["bound_low"] < 0) & (out["bound_high"] > 0)
    verdicts = [evidence_rule(RuleInputs(
        n_pairs=r.people, n_first=None if pd.isna(r.respondents_from) else int(r.respondents_from),
        estimate=r.estimate, ci95_low=r.ci95_low, ci95_high=r.ci95_high,
        dropouts_differ=bool(r.reverses), attrition_reason=REVERSES))
        for r in out.itertuples(index=False)]
    out["evidence_strength"] = [v.level for v in verdicts]
    out["evidence_reasons"] = ["; ".join(v.reasons) for v in verdicts]
    out["downgrades"] = [";".join(v.downgrades) for v in verdicts]
    return out[_EVIDENCE_COLUMNS]
