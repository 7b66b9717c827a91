"""Per person, between consecutive waves: degree, new cross-boundary ties and betweenness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.blocks import tie_blocks
from evaluate.network.ties import (
    ATTRIBUTES,
    TIE_COLUMNS,
    _arc_graph,
    _as_roster,
    _pairs,
    _refuse_dyad_list,
    _relations,
    _respondent_sets,
    _tie_table,
    _unique_pairs,
    wave_order,
)

__all__ = ["person_change"]


def _person_degrees(rel: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """``in_degree, out_degree, degree`` of each person of ``index`` in the ties ``rel``."""
    s = index.get_indexer(rel["source"].to_numpy(dtype=object))
    t = index.get_indexer(rel["target"].to_numpy(dtype=object))
    return pd.DataFrame(_degrees(s, t, len(index)))


def _degrees(s: np.ndarray, t: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """:func:`_person_degrees` of arcs given as positions among n people (−1: not one of them)."""
    ok = (s >= 0) & (t >= 0)
    s, t = s[ok], t[ok]
    out_deg = np.bincount(s, minlength=n)
    in_deg = np.bincount(t, minlength=n)
    lo, hi = np.minimum(s, t), np.maximum(s, t)
    pairs = _unique_pairs(lo, hi, n)
    deg = np.bincount(pairs[:, 0], minlength=n) + np.bincount(pairs[:, 1], minlength=n)
    return {"in_degree": in_deg, "out_degree": out_deg, "degree": deg}


def _betweenness(s: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    """Directed betweenness of n people over (n − 1)(n − 2), arcs as positions."""
    b = np.asarray(_arc_graph(s, t, n).betweenness(directed=True), dtype=float)
    return b / ((n - 1) * (n - 2)) if n > 2 else np.full(n, np.nan)


def _new_ties(s0, t0, s1, t1, index: pd.Index, attr: pd.DataFrame, attributes) -> tuple:
    """Per person: people tied at the later wave but not the earlier, and those across each boundary.

    Ties are unordered pairs of the tie ends' texts (ends off the roster and
    self-ties included, as reported; a self-tie counts twice for its person);
    counted at both ends, for the people of ``index``.
    """
    # the names sorted, as np.unique gives them (hashed, not sorted one by one)
    codes, names = pd.factorize(np.concatenate([s0, t0, s1, t1]).astype(object), sort=True)
    names = np.asarray(names, dtype=object)
    k = len(names)
    codes = codes.astype(np.int64)
    c_s0, c_t0, c_s1, c_t1 = np.split(codes, np.cumsum([len(s0), len(t0), len(s1)]))
    before = np.minimum(c_s0, c_t0) * k + np.maximum(c_s0, c_t0)  # names sorted: codes keep order
    after = np.minimum(c_s1, c_t1) * k + np.maximum(c_s1, c_t1)
    new = np.setdiff1d(after, before)  # distinct pairs at the later wave only
    a, b = new // k, new % k
    where = index.get_indexer(pd.Index(names, dtype=object))
    on_roster = where >= 0

    def per_person(x, y):
        counts = np.bincount(np.concatenate([x, y]), minlength=k).astype(np.int64)
        out = np.zeros(len(index), dtype=np.int64)
        out[where[on_roster]] = counts[on_roster]
        return out

    cross = {}
    for col in attributes:
        group = pd.Series(names, dtype=object).map(attr[col])
        g, _ = pd.factorize(group)  # unknown groups: -1
        across = (g[a] >= 0) & (g[b] >= 0) & (g[a] != g[b])
        cross[col] = per_person(a[across], b[across])
    return per_person(a, b), cross


def person_change(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=ATTRIBUTES,
    waves=None,
    relations=None,
    broker_quantile: float = 0.9,
) -> pd.DataFrame:
    """Per person and relation, between consecutive waves: degree, new cross-boundary ties, betweenness.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network.
    roster : DataFrame
        ``participant`` (pseudonymous ids) and the attribute columns.
    respondents : DataFrame, optional
        ``wave, participant``.
    attributes : sequence of str
        Roster columns for the ``new_cross_*`` counts.
    broker_quantile : float
        A person is a broker at a wave when their betweenness is above zero
        and at or above this quantile of everyone's betweenness at that wave.

    Returns
    -------
    DataFrame
        ``participant, relation, wave_from, wave_to, responded_from,
        responded_to, in_degree_from, in_degree_to, out_degree_from,
        out_degree_to, degree_from, degree_to, degree_change, new_ties,
        new_cross_<attribute>`` (one per attribute, e.g.
        ``new_cross_organisation``), ``betweenness_from, betweenness_to,
        betweenness_change, broker_from, broker_to, became_broker``.

    Notes
    -----
    Full-roster basis, reported ties. ``degree`` is the number of distinct
    people tied to the person in either direction; ``new_ties`` counts
    people tied at wave_to but not at wave_from (either direction), and
    ``new_cross_<attribute>`` those of them in a different group (unknown
    groups are not counted). Betweenness is directed shortest-path
    betweenness (Freeman 1977) normalised by (n − 1)(n − 2), so it is
    comparable between waves. A person who did not answer at a wave has
    out-degree 0 there: read changes with ``responded_from`` /
    ``responded_to``.

    References
    ----------
    Freeman, L. C. (1977). A set of measures of centrality based on
    betweenness. *Sociometry*, 40(1), 35–41.
    Burt, R. S. (2005). *Brokerage and Closure*. Oxford UP.
    """
    ties = _tie_table(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    index = pd.Index(sorted(roster["participant"].astype(str)))
    waves = list(wave_order(ties["wave"]) if waves is None else waves)
    resp = _respondent_sets(respondents, ties, waves)
    relations = _relations(ties, relations)
    attr = roster.set_index(roster["participant"].astype(str))
    n = len(index)
    blocks = tie_blocks(ties, index, waves, relations)
    text = {end: ties[end].astype(str).to_numpy() for end in ("source", "target")}
    check_blocks = any(c not in TIE_COLUMNS for c in ties.columns)
    frames = []
    for r, relation in enumerate(relations):
        waves_of = {}  # each wave's degrees, betweenness and tie ends: computed once per wave

        def wave(w, r=r, waves_of=waves_of):
            if w not in waves_of:
                rows = blocks.block == r * len(blocks.waves) + blocks.waves.index(w)
                lines = blocks.row[rows]
                if check_blocks:  # as a graph of this relation and wave would be checked
                    _refuse_dyad_list(ties.iloc[lines])
                s, t = blocks.src[rows], blocks.tgt[rows]
                waves_of[w] = (_degrees(s, t, n), _betweenness(s, t, n),
                               text["source"][lines], text["target"][lines])
            return waves_of[w]

        for p, (w0, w1) in enumerate(_pairs(list(waves))):
            d0, b0, s0, t0 = wave(w0)
            d1, b1, s1, t1 = wave(w1)
            frame = pd.DataFrame({
                "participant": index, "relation": relation, "wave_from": w0, "wave_to": w1,
                "responded_from": index.isin(list(resp.get(w0, ()))),
                "responded_to": index.isin(list(resp.get(w1, ()))),
                "in_degree_from": d0["in_degree"], "in_degree_to": d1["in_degree"],
                "out_degree_from": d0["out_degree"], "out_degree_to": d1["out_degree"],
                "degree_from": d0["degree"], "degree_to": d1["degree"]})
            frame["degree_change"] = frame["degree_to"] - frame["degree_from"]
            new_ties, new_cross = _new_ties(s0, t0, s1, t1, index, attr, attributes)
            frame["new_ties"] = new_ties
            for a in attributes:
                frame[f"new_cross_{a}"] = new_cross[a]
            frame["betweenness_from"] = b0
            frame["betweenness_to"] = b1
            frame["betweenness_change"] = b1 - b0
            frame["broker_from"] = _brokers(b0, broker_quantile)
            frame["broker_to"] = _brokers(b1, broker_quantile)
            frame["became_broker"] = frame["broker_to"] & ~frame["broker_from"]
            frames.append((p, frame))
    frames = [f for _, f in sorted(frames, key=lambda pf: pf[0])]  # by wave pair, then relation
    cols = ["participant", "relation", "wave_from", "wave_to", "responded_from", "responded_to",
            "in_degree_from", "in_degree_to", "out_degree_from", "out_degree_to", "degree_from",
            "degree_to", "degree_change", "new_ties", *[f"new_cross_{a}" for a in attributes],
            "betweenness_from", "betweenness_to", "betweenness_change", "broker_from",
            "broker_to", "became_broker"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def _brokers(b: np.ndarray, q: float) -> np.ndarray:
    if not len(b) or np.all(np.isnan(b)):
        return np.zeros(len(b), dtype=bool)
    cut = np.nanquantile(b, q)
    return (b > 0) & (b >= cut)
