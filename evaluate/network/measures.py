"""Whole-network measures of one graph, and per wave, relation and basis.

Density, reciprocity (two definitions), weak transitivity, Freeman degree
centralisation, components and path lengths, each checked against R ``sna``;
:func:`network_metrics` gives one row of them per wave × relation × basis
(respondents only, or the full roster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.network.blocks import tie_blocks
from evaluate.network.ties import (
    TIE_COLUMNS,
    Rule,
    _arc_graph,
    _refuse_dyad_list,
    _relations,
    _tie_table,
    _waves_and_respondents,
)

if TYPE_CHECKING:
    import igraph as ig
    from scipy import sparse

__all__ = [
    "METRIC_COLUMNS",
    "density",
    "dyadic_reciprocity",
    "arc_reciprocity",
    "weak_transitivity",
    "degree_centralisation",
    "whole_network_measures",
    "network_metrics",
]

#: The measures of :func:`network_metrics`, in column order.
METRIC_COLUMNS = [
    "nodes", "respondents", "roster_size", "response_rate", "ties", "density",
    "dyadic_reciprocity", "arc_reciprocity", "mean_in_degree", "mean_out_degree",
    "sd_in_degree", "sd_out_degree", "in_degree_centralisation", "out_degree_centralisation",
    "all_degree_centralisation", "weak_transitivity", "clustering_undirected", "isolates",
    "weak_components", "strong_components", "largest_weak_component",
    "largest_strong_component", "avg_path_length_undirected", "avg_path_length_directed",
]


def density(g: ig.Graph) -> float:
    """Share of possible arcs present: L / (n (n − 1)) (NaN when n < 2)."""
    n = g.vcount()
    return g.ecount() / (n * (n - 1)) if n > 1 else np.nan


def dyadic_reciprocity(g: ig.Graph) -> float:
    """Mutual dyads over non-null dyads, M / (M + A) — R sna ``grecip(measure="dyadic.nonnull")``.

    NaN when there are no ties. See :func:`arc_reciprocity` for the other
    common definition.
    """
    return g.reciprocity(ignore_loops=True, mode="ratio") if g.ecount() else np.nan


def arc_reciprocity(g: ig.Graph) -> float:
    """Share of arcs that are returned, 2M / L — R sna ``grecip(measure="edgewise")``."""
    return g.reciprocity(ignore_loops=True, mode="default") if g.ecount() else np.nan


def _adjacency(g: ig.Graph) -> sparse.csr_matrix:
    from scipy import sparse

    n = g.vcount()
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return sparse.csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))


def weak_transitivity(g: ig.Graph) -> float:
    """Share of two-paths i→j→k (i ≠ k) closed by an arc i→k — R sna ``gtrans(measure="weak")``.

    Computed as Σ (A² ∘ A) / (Σ A² − tr A²) with a sparse adjacency matrix A.
    NaN when there is no two-path.
    """
    a = _adjacency(g)
    a2 = a @ a
    paths = a2.sum() - a2.diagonal().sum()
    return float(a2.multiply(a).sum() / paths) if paths > 0 else np.nan


def degree_centralisation(g: ig.Graph, mode: Literal["in", "out", "all"] = "all") -> float:
    """Freeman degree centralisation: Σ (max d − dᵢ) over its largest possible value.

    ``in`` / ``out`` use in- or out-degree, largest possible (n − 1)²
    (Wasserman & Faust 1994, p. 199); ``all`` uses total degree (in + out,
    sna's ``cmode="freeman"``), largest possible 2 (n − 1)(n − 2), reached by
    a star whose centre is tied both ways to everyone else. NaN when n < 3.
    """
    n = g.vcount()
    if n < 3:
        return np.nan
    mode_ig = {"in": "in", "out": "out", "all": "all"}.get(mode)
    if mode_ig is None:
        raise AnalysisError(f'degree_centralisation mode "{mode}" is not one of in, out, all.')
    deg = np.asarray(g.degree(mode=mode_ig, loops=False), dtype=float)
    most = (n - 1) ** 2 if mode in ("in", "out") else 2 * (n - 1) * (n - 2)
    return float((deg.max() - deg).sum() / most)


def _mean_distance(g: ig.Graph, directed: bool, path_sample: int | None, seed: int) -> float:
    """Mean shortest-path length over ordered pairs of a connected graph.

    Exact (igraph all-pairs BFS) unless ``path_sample`` is set and the graph
    has more nodes: then the mean over ``path_sample`` sources drawn with a
    fixed seed (an unbiased estimate; every target is used).
    """
    n = g.vcount()
    if n < 2:
        return np.nan
    if path_sample is None or n <= path_sample:
        return g.average_path_length(directed=directed)
    sources = np.sort(np.random.default_rng(seed).choice(n, size=path_sample, replace=False))
    d = np.asarray(g.distances(source=sources.tolist(), mode="out" if directed else "all"),
                   dtype=float)
    return float(d.sum() / (path_sample * (n - 1)))


def whole_network_measures(g: ig.Graph, *, path_sample: int | None = None,
                           seed: int = 2024) -> dict[str, float]:
    """Every whole-network measure of one directed graph, as a dict.

    Keys: ``nodes, ties, density, dyadic_reciprocity, arc_reciprocity,
    mean_in_degree, mean_out_degree, sd_in_degree, sd_out_degree,
    in_degree_centralisation, out_degree_centralisation,
    all_degree_centralisation, weak_transitivity, clustering_undirected,
    isolates, weak_components, strong_components, largest_weak_component,
    largest_strong_component, avg_path_length_undirected,
    avg_path_length_directed``. See :func:`network_metrics` for definitions
    and ``path_sample``.
    """
    n = g.vcount()
    out = {"nodes": n, "ties": g.ecount()}
    if n == 0:
        return out | {k: np.nan for k in METRIC_COLUMNS if k not in out and k not in
                      ("respondents", "roster_size", "response_rate")}
    indeg = np.asarray(g.indegree(), dtype=float)
    outdeg = np.asarray(g.outdegree(), dtype=float)
    und = g.as_undirected(mode="collapse")
    weak = g.connected_components(mode="weak")
    strong = g.connected_components(mode="strong")
    weak_sizes, strong_sizes = weak.sizes(), strong.sizes()
    giant_weak = weak.giant() if n else None
    giant_strong = strong.giant() if n else None
    out |= {
        "density": density(g),
        "dyadic_reciprocity": dyadic_reciprocity(g),
        "arc_reciprocity": arc_reciprocity(g),
        "mean_in_degree": float(indeg.mean()),
        "mean_out_degree": float(outdeg.mean()),
        "sd_in_degree": float(indeg.std(ddof=1)) if n > 1 else np.nan,
        "sd_out_degree": float(outdeg.std(ddof=1)) if n > 1 else np.nan,
        "in_degree_centralisation": degree_centralisation(g, "in"),
        "out_degree_centralisation": degree_centralisation(g, "out"),
        "all_degree_centralisation": degree_centralisation(g, "all"),
        "weak_transitivity": weak_transitivity(g),
        "clustering_undirected": und.transitivity_undirected() if und.ecount() else np.nan,
        "isolates": int(((indeg + outdeg) == 0).sum()),
        "weak_components": len(weak_sizes),
        "strong_components": len(strong_sizes),
        "largest_weak_component": max(weak_sizes),
        "largest_strong_component": max(strong_sizes),
        "avg_path_length_undirected": _mean_distance(
            giant_weak.as_undirected(mode="collapse"), False, path_sample, seed),
        "avg_path_length_directed": _mean_distance(giant_strong, True, path_sample, seed),
    }
    return out

def network_metrics(
    ties: pd.DataFrame,
    nodes,
    respondents: pd.DataFrame | None = None,
    *,
    waves=None,
    relations=None,
    rule: Rule = "reported",
    path_sample: int | None = None,
) -> pd.DataFrame:
    """Whole-network measures per wave × relation × basis, one row each.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network (:func:`clean_ties`): ``wave, source,
        target, relation``.
    nodes : sequence
        The cohort roster (participant ids): the node set of the full network.
    respondents : DataFrame, optional
        ``wave, participant``: who answered the network survey at each wave.
        Anyone who named someone counts as a respondent too.
    waves : sequence, optional
        The waves to report, in order. A wave listed here with no network
        answers gets rows with ``respondents`` 0, measures NaN and a note.
        Default: the waves in ``respondents`` and ``ties``.
    relations : sequence, optional
        Default: the relations found, in the order of :data:`RELATIONS`, then
        ``any`` (tied by any relation) when there is more than one.
    rule : {"reported", "reconstructed"}
        How the full-roster basis treats non-respondents: ``reported`` takes
        every reported tie as present and a non-respondent's own ties as
        absent (they have out-degree 0); ``reconstructed`` also adds the
        reverse of each tie a respondent reported to a non-respondent
        (Stork & Richards 1992), sensible for symmetric relations such as
        knew_before.
    path_sample : int, optional
        For very large networks: estimate the average path lengths from this
        many source people (fixed seed) when a component is larger. Default
        None: exact. A cohort never needs it; at 5,000 people exact all-pairs
        takes about 2 s per graph.

    Returns
    -------
    DataFrame
        ``wave, relation, basis, nodes, respondents, roster_size,
        response_rate, ties, density, dyadic_reciprocity, arc_reciprocity,
        mean_in_degree, mean_out_degree, sd_in_degree, sd_out_degree,
        in_degree_centralisation, out_degree_centralisation,
        all_degree_centralisation, weak_transitivity, clustering_undirected,
        isolates, weak_components, strong_components, largest_weak_component,
        largest_strong_component, avg_path_length_undirected,
        avg_path_length_directed, rule, note``.

    Notes
    -----
    ``basis`` is ``respondents`` (the subgraph of people who answered at that
    wave and the ties among them) or ``roster`` (everyone on the roster, ties
    by ``rule``). ``response_rate`` = respondents / roster_size is the same on
    both rows, so it sits beside every measure. With n nodes, L arcs, M mutual
    and A asymmetric dyads:

    - density = L / (n(n − 1));
    - dyadic_reciprocity = M / (M + A), mutual dyads over non-null dyads
      (R sna ``grecip(measure="dyadic.nonnull")``); arc_reciprocity = 2M / L,
      the share of arcs returned (sna ``"edgewise"``, igraph's default);
    - mean_in_degree = mean_out_degree = L / n (every arc has one sender and
      one receiver); their standard deviations (n − 1 denominator) differ;
    - in/out_degree_centralisation: Freeman, Σ (max dᵢ − dᵢ) / (n − 1)²;
      all_degree_centralisation on total degree (in + out), over
      2(n − 1)(n − 2) (sna ``centralization(g, degree, cmode="freeman")``);
    - weak_transitivity: share of two-paths i→j→k (i ≠ k) closed by i→k
      (sna ``gtrans``); clustering_undirected: global clustering coefficient
      of the graph with directions ignored (3 × triangles / connected triples);
    - components count isolates as components of one; largest_*_component is
      a number of people;
    - avg_path_length_undirected: mean shortest-path length over all pairs in
      the largest weak component, directions ignored;
      avg_path_length_directed: mean directed shortest-path length over all
      ordered pairs in the largest strong component (every pair is reachable
      there). With ``path_sample`` these are estimated from sampled sources.

    References
    ----------
    Wasserman, S. & Faust, K. (1994). *Social Network Analysis*. Cambridge UP.
    Freeman, L. C. (1979). Centrality in social networks: conceptual
    clarification. *Social Networks*, 1, 215–239.
    Butts, C. T. (2008). Social network analysis with sna. *Journal of
    Statistical Software*, 24(6).
    Stork, D. & Richards, W. D. (1992). Nonrespondents in communication
    network studies. *Group & Organization Management*, 17(2), 193–209.
    """
    if rule not in ("reported", "reconstructed"):
        raise AnalysisError(f'rule "{rule}" is not one of reported, reconstructed.')
    ties = _tie_table(ties)
    roster_nodes = sorted(pd.unique(np.asarray(list(nodes), dtype=object)))
    waves, resp = _waves_and_respondents(ties, respondents, waves)
    relations = _relations(ties, relations)
    index = pd.Index(pd.unique(np.asarray(roster_nodes, dtype=object)))
    blocks = tie_blocks(ties, index, pd.unique(pd.Series(waves, dtype=object)), relations)
    check_blocks = any(c not in TIE_COLUMNS for c in ties.columns)
    n = len(index)
    rows = []
    for wave in waves:
        who = sorted(resp.get(wave, set()) & set(roster_nodes))
        among_who = np.full(n + 1, -1)  # a person's position among who (−1 not; last: off roster)
        among_who[index.get_indexer(pd.Index(pd.Series(who, dtype=object)))] = np.arange(len(who))
        for r, relation in enumerate(relations):
            in_block = blocks.block == r * len(blocks.waves) + blocks.waves.index(wave)
            if check_blocks and who:  # as each graph of this relation and wave would be checked
                _refuse_dyad_list(ties.iloc[blocks.row[in_block]])
            src, tgt = blocks.src[in_block], blocks.tgt[in_block]
            for basis in ("respondents", "roster"):
                base = {"wave": wave, "relation": relation, "basis": basis,
                        "respondents": len(who), "roster_size": len(roster_nodes),
                        "response_rate": len(who) / len(roster_nodes) if roster_nodes else np.nan,
                        "rule": rule if basis == "roster" else "", "note": ""}
                if not who:
                    base |= {"nodes": len(roster_nodes) if basis == "roster" else 0, "ties": 0,
                             "note": "no network answers at this wave: measures not computed"}
                    rows.append(base)
                    continue
                if basis == "respondents":
                    g = _arc_graph(among_who[src], among_who[tgt], len(who))
                elif rule == "reconstructed":  # and the reverse of each tie to a non-respondent
                    outsider = among_who[tgt] < 0
                    g = _arc_graph(np.concatenate([src, tgt[outsider]]),
                                   np.concatenate([tgt, src[outsider]]), n)
                else:
                    g = _arc_graph(src, tgt, n)
                rows.append(base | whole_network_measures(g, path_sample=path_sample))
    cols = ["wave", "relation", "basis", *METRIC_COLUMNS, "rule", "note"]
    return pd.DataFrame(rows, columns=cols)
