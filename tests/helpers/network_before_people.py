# Frozen copy of evaluate/network/people.py as of 360e55d, before the vectorised rewrite:
# the reference tests/test_network_identity.py compares the new code with. Do not edit.
# ruff: noqa
"""Per person, between consecutive waves: degree, new cross-boundary ties and betweenness."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.ties import (
    ATTRIBUTES,
    _as_roster,
    _as_ties,
    _pairs,
    _relation_ties,
    _relations,
    _respondent_sets,
    directed_graph,
    wave_order,
)

__all__ = ["person_change"]


def _person_degrees(rel: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    n = len(index)
    s = index.get_indexer(rel["source"].to_numpy(dtype=object))
    t = index.get_indexer(rel["target"].to_numpy(dtype=object))
    ok = (s >= 0) & (t >= 0)
    s, t = s[ok], t[ok]
    out_deg = np.bincount(s, minlength=n)
    in_deg = np.bincount(t, minlength=n)
    lo, hi = np.minimum(s, t), np.maximum(s, t)
    pairs = np.unique(np.column_stack([lo, hi]), axis=0) if len(lo) else np.empty((0, 2), int)
    deg = np.bincount(pairs[:, 0], minlength=n) + np.bincount(pairs[:, 1], minlength=n)
    return pd.DataFrame({"in_degree": in_deg, "out_degree": out_deg, "degree": deg})


def _betweenness(rel: pd.DataFrame, index: pd.Index) -> np.ndarray:
    g = directed_graph(rel, index)
    n = g.vcount()
    b = np.asarray(g.betweenness(directed=True), dtype=float)
    return b / ((n - 1) * (n - 2)) if n > 2 else np.full(n, np.nan)


def _undirected_pairs(rel: pd.DataFrame) -> pd.DataFrame:
    s = rel["source"].astype(str).to_numpy()
    t = rel["target"].astype(str).to_numpy()
    return pd.DataFrame({"a": np.minimum(s, t), "b": np.maximum(s, t)}).drop_duplicates()


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
    ties = _as_ties(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    index = pd.Index(sorted(roster["participant"].astype(str)))
    if waves is None:
        waves = wave_order(ties["wave"])
    resp = _respondent_sets(respondents, ties, waves)
    relations = _relations(ties, relations)
    attr = roster.set_index(roster["participant"].astype(str))
    frames = []
    for w0, w1 in _pairs(list(waves)):
        for relation in relations:
            rel = _relation_ties(ties, relation)
            r0, r1 = rel[rel["wave"] == w0], rel[rel["wave"] == w1]
            d0, d1 = _person_degrees(r0, index), _person_degrees(r1, index)
            b0, b1 = _betweenness(r0, index), _betweenness(r1, index)
            frame = pd.DataFrame({
                "participant": index, "relation": relation, "wave_from": w0, "wave_to": w1,
                "responded_from": index.isin(list(resp.get(w0, ()))),
                "responded_to": index.isin(list(resp.get(w1, ()))),
                "in_degree_from": d0["in_degree"], "in_degree_to": d1["in_degree"],
                "out_degree_from": d0["out_degree"], "out_degree_to": d1["out_degree"],
                "degree_from": d0["degree"], "degree_to": d1["degree"]})
            frame["degree_change"] = frame["degree_to"] - frame["degree_from"]
            p0, p1 = _undirected_pairs(r0), _undirected_pairs(r1)
            new = p1.merge(p0, how="left", on=["a", "b"], indicator=True)
            new = new[new["_merge"] == "left_only"][["a", "b"]]
            ends = pd.concat([new.rename(columns={"a": "person", "b": "other"}),
                              new.rename(columns={"b": "person", "a": "other"})],
                             ignore_index=True)
            frame["new_ties"] = ends["person"].value_counts().reindex(index, fill_value=0).to_numpy()
            for a in attributes:
                ga = ends["person"].map(attr[a])
                gb = ends["other"].map(attr[a])
                cross = ga.notna() & gb.notna() & (ga != gb)
                frame[f"new_cross_{a}"] = (ends.loc[cross, "person"].value_counts()
                                           .reindex(index, fill_value=0).to_numpy())
            frame["betweenness_from"] = b0
            frame["betweenness_to"] = b1
            frame["betweenness_change"] = b1 - b0
            frame["broker_from"] = _brokers(b0, broker_quantile)
            frame["broker_to"] = _brokers(b1, broker_quantile)
            frame["became_broker"] = frame["broker_to"] & ~frame["broker_from"]
            frames.append(frame)
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
