"""Node positions that stay put across waves, for before/after pictures that can be compared."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from evaluate.network.people import _person_degrees
from evaluate.network.ties import (
    ANY_RELATION,
    ATTRIBUTES,
    _as_roster,
    _relation_ties,
    _respondent_sets,
    _tie_table,
    directed_graph,
    distinct_rows,
    wave_order,
)

__all__ = ["network_layout", "MAX_LINES", "line_share", "one_in", "lines_per_wave"]

#: Most pairs of people drawn in one network picture before a stated share is drawn
#: (:mod:`evaluate.report.netdraw`).
MAX_LINES = 4_000


def line_share(pair_counts, max_lines: int | None = None) -> float:
    """The share of pairs each picture draws: 1 unless a picture has more than ``max_lines``
    (default :data:`MAX_LINES`).

    >>> line_share([300, 420]), line_share([48_000, 50_000], max_lines=5_000)
    (1.0, 0.1)
    """
    max_lines = MAX_LINES if max_lines is None else max_lines
    most = max((int(c) for c in pair_counts), default=0)
    return 1.0 if most <= max_lines else max_lines / most


def one_in(share: float) -> int:
    """The share as "one in k" for people (rounded to the nearest whole number).

    >>> one_in(0.08)
    12
    """
    return max(1, round(1 / share)) if share > 0 else 0


def lines_per_wave(edges: pd.DataFrame, waves) -> list[int]:
    """Lines each wave's picture would draw: pairs of people per relation, direction ignored.

    >>> e = pd.DataFrame({"wave": ["b", "b", "b"], "source": ["x", "y", "x"],
    ...                   "target": ["y", "x", "y"], "relation": ["advice", "advice", "knew"]})
    >>> lines_per_wave(e, ["b", "e"])
    [2, 0]
    """
    by_relation = "relation" in edges.columns and not edges["relation"].isna().all()
    a, b = edges["source"].astype(str).to_numpy(), edges["target"].astype(str).to_numpy()
    rel = edges["relation"].astype(str).to_numpy() if by_relation else np.full(len(edges), "any")
    lo, hi = np.where(a < b, a, b), np.where(a < b, b, a)
    out = []
    for w in waves:
        at = (edges["wave"] == w).to_numpy(dtype=bool)
        out.append(distinct_rows(lo[at], hi[at], rel[at]))
    return out


def _coarsen(values: pd.Series, min_group_size: int | None) -> pd.Series:
    """Replace groups with fewer than ``min_group_size`` people by "Other (small groups)"."""
    if not min_group_size:
        return values
    codes, _ = pd.factorize(values)  # equal values one group, as value_counts counts them
    counts = np.bincount(codes[codes >= 0], minlength=1)[np.maximum(codes, 0)]
    return values.where(values.isna() | (counts >= min_group_size), "Other (small groups)")


def _edge_flags(edges: pd.DataFrame, waves: list) -> tuple | None:
    """``mutual`` and ``is_new`` of each edge (see :func:`network_layout`) from one integer
    key per (wave, relation, source, target); None when a key is listed twice (then the
    merges of :func:`_merged_edge_flags` give each listing its rows)."""
    wave = pd.Index(pd.Series(waves, dtype=object)).get_indexer(
        edges["wave"].to_numpy(dtype=object)).astype(np.int64)
    relation = pd.factorize(edges["relation"].to_numpy(dtype=object),
                            use_na_sentinel=False)[0].astype(np.int64)
    ends = pd.factorize(np.concatenate([edges["source"].to_numpy(dtype=object),
                                        edges["target"].to_numpy(dtype=object)]),
                        use_na_sentinel=False)[0].astype(np.int64)
    source, target = ends[:len(edges)], ends[len(edges):]
    r, m = int(relation.max(initial=0)) + 1, int(ends.max(initial=0)) + 1
    block = wave * r + relation                     # (wave, relation)
    key = (block * m + source) * m + target
    if len(np.unique(key)) < len(key):
        return None
    mutual = np.isin((block * m + target) * m + source, key)
    before = key - r * m * m                        # the same tie at the wave before
    return mutual, (wave > 0) & ~np.isin(before, key)


def _merged_edge_flags(edges: pd.DataFrame, waves: list, order: dict) -> pd.DataFrame:
    """The edges with ``mutual`` and ``is_new`` by merging them with their reverses and
    with the wave before (an edge listed twice matches twice, as a merge does)."""
    rev = edges[["wave", "relation", "source", "target"]].rename(
        columns={"source": "target", "target": "source"}).assign(_rev=True)
    edges = edges.merge(rev, how="left", on=["wave", "relation", "source", "target"])
    edges["mutual"] = edges["_rev"].notna().to_numpy(dtype=bool)
    prev = edges[["wave", "relation", "source", "target"]].copy()
    prev["wave"] = prev["wave"].map({w: waves[i + 1] for w, i in order.items()
                                     if i + 1 < len(waves)}).astype(object)
    prev = prev.dropna(subset=["wave"]).assign(_before=True)
    edges = edges.merge(prev, how="left", on=["wave", "relation", "source", "target"])
    first = edges["wave"] == waves[0] if len(waves) else pd.Series(False, index=edges.index)
    edges["is_new"] = (edges["_before"].isna() & ~first).to_numpy(dtype=bool)
    return edges.drop(columns=["_rev", "_before"])


def network_layout(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    waves=None,
    respondents: pd.DataFrame | None = None,
    attributes=ATTRIBUTES,
    seed: int = 2024,
    min_group_size: int | None = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node positions that stay put across waves, and the ties to draw at each wave.

    One Fruchterman–Reingold layout is computed on the union of all ties at
    all waves (directions and relations ignored) and reused at every wave, so
    the before and after pictures can be laid side by side. The same inputs
    and seed always give the same positions.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network.
    roster : DataFrame
        ``participant`` and the attributes to colour by.
    seed : int
        Seed of the layout's random start.
    min_group_size : int or None
        Attribute values held by fewer people become "Other (small groups)"
        so that a colour cannot single anyone out. None keeps every value.

    Returns
    -------
    nodes : DataFrame
        One row per person × wave: ``participant, wave, x, y, <attributes>,
        responded, in_degree, out_degree, degree`` (positions scaled to
        [−1, 1]; degree = distinct people tied either way, any relation).
    edges : DataFrame
        One row per tie: ``wave, relation, source, target, x_source,
        y_source, x_target, y_target, mutual, is_new, frequency, trust``.
        ``is_new``: the arc was not reported for that relation at the wave
        before (False at the first wave); ``mutual``: the reverse arc is
        there too at that wave and relation.

    References
    ----------
    Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by
    force-directed placement. *Software: Practice and Experience*, 21(11),
    1129–1164.
    """
    ties = _tie_table(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    if waves is None:
        waves = wave_order(ties["wave"])
    index = pd.Index(sorted(roster["participant"].astype(str)))
    g = directed_graph(ties, index).as_undirected(mode="collapse")
    n = g.vcount()
    if n:
        from evaluate.igraph_import import igraph

        ig = igraph()

        start = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)) * np.sqrt(n)
        previous_rng = random.getstate()
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = np.asarray(g.layout_fruchterman_reingold(seed=start.tolist(), niter=500,
                                                              grid="auto").coords, dtype=float)
        finally:
            ig.set_random_number_generator(random)
            random.setstate(previous_rng)
        coords = coords - coords.mean(axis=0)
        span = np.abs(coords).max()
        coords = coords / span if span > 0 else coords
    else:
        coords = np.empty((0, 2))
    base = pd.DataFrame({"participant": index, "x": coords[:, 0], "y": coords[:, 1]})
    attr = roster.assign(participant=roster["participant"].astype(str)).set_index("participant")
    for a in attributes:
        base[a] = _coarsen(attr[a].reindex(index), min_group_size).to_numpy()
    resp = _respondent_sets(respondents, ties, waves)
    any_ties = _relation_ties(ties, ANY_RELATION)  # each arc of a wave once
    node_frames = []
    for wave in waves:
        d = _person_degrees(any_ties[any_ties["wave"] == wave], index)
        node_frames.append(base.assign(wave=wave, responded=index.isin(list(resp.get(wave, ()))),
                                       in_degree=d["in_degree"].to_numpy(),
                                       out_degree=d["out_degree"].to_numpy(),
                                       degree=d["degree"].to_numpy()))
    node_cols = ["participant", "wave", "x", "y", *attributes, "responded", "in_degree",
                 "out_degree", "degree"]
    nodes = (pd.concat(node_frames, ignore_index=True)[node_cols] if node_frames
             else pd.DataFrame(columns=node_cols))

    edges = ties[ties["wave"].isin(list(waves))][["wave", "relation", "source", "target",
                                                 "frequency", "trust"]].copy()
    for end in ("source", "target"):  # a tie end not on the roster has no position
        at = index.get_indexer(edges[end].astype(str).to_numpy())
        for axis, column in ((0, "x"), (1, "y")):
            edges[f"{column}_{end}"] = np.where(at >= 0, coords[at, axis] if len(coords)
                                                else np.nan, np.nan)
    order = {w: i for i, w in enumerate(waves)}
    flags = _edge_flags(edges, list(waves))
    if flags is not None:
        edges["mutual"], edges["is_new"] = flags
    else:  # the same tie listed twice: merged, as many times as it is listed
        edges = _merged_edge_flags(edges, list(waves), order)
    edges["_w"] = edges["wave"].map(order)
    edges = edges.sort_values(["_w", "relation", "source", "target"], kind="stable",
                              ignore_index=True)
    edge_cols = ["wave", "relation", "source", "target", "x_source", "y_source", "x_target",
                 "y_target", "mutual", "is_new", "frequency", "trust"]
    return nodes, edges[edge_cols]
