"""Network growth: who is connected to whom, across which boundaries, and how that changed.

Aim 2 of the programme ("build a network — break down barriers, build trust,
relationships and peer support") is evidenced by the network survey, asked at
two or more waves. Ingest turns the roster questions into directed, typed ties
(``Workspace.ties``); this module measures them:

- :func:`clean_ties` drops self-ties, merges duplicate ties and separates ties
  to people who are not on the cohort roster — each counted, never silent;
- :func:`network_metrics` gives one row of whole-network measures per wave,
  relation and basis (respondents only, or the full roster);
- :func:`boundary_spanning` and :func:`ei_index` measure ties across
  organisations, sectors, places and roles (Krackhardt–Stern E-I index);
- :func:`tie_growth`, :func:`metric_change` and :func:`person_change` compare
  waves: ties new, kept and lost, Jaccard similarity, the change in every
  measure, and per person the change in degree, new cross-boundary ties and
  betweenness (who became a broker);
- :func:`network_layout` gives node positions that stay put across waves, for
  before/after pictures that can be compared;
- :func:`analyse_workspace` runs all of it on a workspace.

The graph library is igraph (C core); weak transitivity uses a scipy sparse
matrix product. ``benchmarks/bench_network.py`` holds the measurements behind
that choice.

Every function takes and returns tidy DataFrames with fixed snake_case columns
at full precision. Person-level tables carry pseudonymous participant ids only;
group-level tables suppress groups smaller than the workspace threshold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import pandas as pd
from scipy import sparse

from evaluate.errors import AnalysisError
from evaluate.privacy import suppress_small
from evaluate.roster import split_by_group

__all__ = [
    "RELATIONS",
    "ATTRIBUTES",
    "ANY_RELATION",
    "CleanTies",
    "clean_ties",
    "directed_graph",
    "density",
    "dyadic_reciprocity",
    "arc_reciprocity",
    "weak_transitivity",
    "degree_centralisation",
    "whole_network_measures",
    "network_metrics",
    "ei_index",
    "boundary_spanning",
    "tie_growth",
    "metric_change",
    "person_change",
    "network_layout",
    "stakeholder_summary",
    "analyse_workspace",
]

#: Relations the network instrument asks about, in the order tables show them.
RELATIONS = ("knew_before", "worked_with", "advice")
#: Name of the union of all relations ("tied in any way") in result tables.
ANY_RELATION = "any"
#: Roster attributes whose boundaries are measured.
ATTRIBUTES = ("organisation", "sector", "place", "role")

TIE_COLUMNS = ["cohort", "wave", "instrument", "source", "target", "relation", "frequency",
               "trust", "source_row"]
_METRIC_COLUMNS = [
    "nodes", "respondents", "roster_size", "response_rate", "ties", "density",
    "dyadic_reciprocity", "arc_reciprocity", "mean_in_degree", "mean_out_degree",
    "sd_in_degree", "sd_out_degree", "in_degree_centralisation", "out_degree_centralisation",
    "all_degree_centralisation", "weak_transitivity", "clustering_undirected", "isolates",
    "weak_components", "strong_components", "largest_weak_component",
    "largest_strong_component", "avg_path_length_undirected", "avg_path_length_directed",
]
Basis = Literal["respondents", "roster"]
Rule = Literal["reported", "reconstructed"]


# --------------------------------------------------------------------------- cleaning
@dataclass(frozen=True)
class CleanTies:
    """What :func:`clean_ties` gives back.

    Attributes
    ----------
    ties : DataFrame
        The ties to analyse: one row per distinct (cohort, wave, relation,
        source, target), both ends on the cohort roster, no self-ties. Columns
        as ``Workspace.ties``.
    off_roster : DataFrame
        Ties set aside because an end is not on the cohort's roster: the tie
        columns plus ``reason`` (``source not on roster``, ``target not on
        roster``, ``target in another cohort``).
    checks : DataFrame
        One row per cohort × wave × relation: ``cohort, wave, relation,
        ties_read, self_ties, duplicate_ties, off_roster_ties, ties_used,
        message``.
    """

    ties: pd.DataFrame
    off_roster: pd.DataFrame
    checks: pd.DataFrame


def _empty_ties() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("frequency", "trust") else "object")
                         for c in TIE_COLUMNS})


_DYAD_HINT = ("tie", "value", "weight", "present", "edge", "link", "connected", "x")


def _refuse_dyad_list(ties: pd.DataFrame) -> None:
    """Refuse a 0/1 dyad list: a row per pair with a column saying whether there is a tie.

    Every row of a tie table is a tie, so such a list would be read as ties
    between everyone (density 1.0). Raises AnalysisError naming the column.
    """
    extra = [c for c in ties.columns if c not in TIE_COLUMNS]
    extra.sort(key=lambda c: (str(c).strip().lower() not in _DYAD_HINT, str(c)))
    for col in extra:
        flags = ties[col].dropna().astype("string").str.strip().str.lower()
        zero_one = flags.isin(["0", "1", "0.0", "1.0", "false", "true"])
        if len(flags) and zero_one.all() and flags.isin(["0", "0.0", "false"]).any():
            n0 = int(flags.isin(["0", "0.0", "false"]).sum())
            raise AnalysisError(
                f'The tie table has a column "{col}" holding 0 or 1 for every pair ({n0} of '
                f"{len(ties)} rows are 0): that is a dyad list, where 0 means no tie, but every "
                "row of a tie table is read as a tie (everyone would be tied to everyone: "
                f'density 1.0). Keep only the ties — ties[ties["{col}"] == 1] — and drop the '
                "column."
            )


def _as_ties(ties: pd.DataFrame) -> pd.DataFrame:
    """Check the tie columns are there and give a working copy with every column."""
    missing = [c for c in ("wave", "source", "target", "relation") if c not in ties.columns]
    if missing:
        raise AnalysisError(
            f"The tie table lacks the column(s) {', '.join(missing)}; it has "
            f"{', '.join(map(str, ties.columns)) or 'no columns'}. Ties come from "
            "Workspace.ties() with columns " + ", ".join(TIE_COLUMNS) + "."
        )
    _refuse_dyad_list(ties)
    out = ties.copy()
    for c in TIE_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan if c in ("frequency", "trust", "source_row") else pd.NA
    out["frequency"] = pd.to_numeric(out["frequency"], errors="coerce").astype("float64")
    out["trust"] = pd.to_numeric(out["trust"], errors="coerce").astype("float64")
    for c in ("cohort", "wave", "instrument", "source", "target", "relation"):
        out[c] = out[c].astype("object").where(out[c].notna(), None)
    return out[TIE_COLUMNS + [c for c in out.columns if c not in TIE_COLUMNS]]


def clean_ties(ties: pd.DataFrame, roster: pd.DataFrame) -> CleanTies:
    """Drop self-ties, merge duplicates and set aside ties to people off the roster.

    Parameters
    ----------
    ties : DataFrame
        ``cohort, wave, instrument, source, target, relation, frequency,
        trust, source_row`` as ``Workspace.ties()`` gives them.
    roster : DataFrame
        ``participant, cohort`` and the attributes.

    Returns
    -------
    CleanTies
        ``ties``, ``off_roster`` and ``checks`` (see :class:`CleanTies`).

    Notes
    -----
    - A self-tie (source = target) is dropped and counted.
    - Duplicates (the same respondent naming the same person for the same
      relation twice at one wave, e.g. in a multi-select list and again in a
      grid) become one tie: ``frequency`` takes the highest value given,
      ``trust`` the mean of the values given (so + and − make 0, neutral),
      ``source_row`` the first row.
    - A tie whose source or target is not on the roster, or whose target is on
      another cohort's roster, is moved to ``off_roster`` and counted.
      Ties without a cohort take the cohort of their source on the roster.
    """
    ties = _as_ties(ties)
    roster = _as_roster(roster)
    cohort_of = pd.Series(roster["cohort"].to_numpy(), index=roster["participant"].to_numpy())
    cohort_of = cohort_of[~cohort_of.index.duplicated()]
    no_cohort = ties["cohort"].isna()
    if no_cohort.any():
        ties.loc[no_cohort, "cohort"] = ties.loc[no_cohort, "source"].map(cohort_of)
    ties["cohort"] = ties["cohort"].fillna("")
    key = ["cohort", "wave", "relation"]
    read = ties.groupby(key, sort=False, dropna=False).size().rename("ties_read")

    is_self = ties["source"] == ties["target"]
    self_counts = ties[is_self].groupby(key, sort=False).size().rename("self_ties")
    ties = ties[~is_self]

    src_cohort = ties["source"].map(cohort_of)
    tgt_cohort = ties["target"].map(cohort_of)
    reason = pd.Series(None, index=ties.index, dtype="object")
    reason[tgt_cohort.notna() & (tgt_cohort != ties["cohort"])] = "target in another cohort"
    reason[tgt_cohort.isna()] = "target not on roster"
    reason[src_cohort.isna()] = "source not on roster"
    off = ties[reason.notna()].assign(reason=reason[reason.notna()])
    off_counts = off.groupby(key, sort=False).size().rename("off_roster_ties")
    ties = ties[reason.isna()]

    pair = key + ["source", "target"]
    dup_counts = (ties.groupby(key, sort=False).size()
                  - ties.drop_duplicates(pair).groupby(key, sort=False).size()).rename("duplicate_ties")
    merged = (ties.groupby(pair, sort=False, dropna=False)
              .agg(instrument=("instrument", "first"), frequency=("frequency", "max"),
                   trust=("trust", "mean"), source_row=("source_row", "first"))
              .reset_index())
    merged = merged[TIE_COLUMNS].reset_index(drop=True)
    used = merged.groupby(key, sort=False).size().rename("ties_used")

    checks = pd.concat([read, self_counts, dup_counts, off_counts, used], axis=1)
    checks = checks.fillna(0).astype("int64").reset_index()
    checks.columns = [*key, "ties_read", "self_ties", "duplicate_ties", "off_roster_ties",
                      "ties_used"]
    checks["message"] = _check_messages(checks)
    return CleanTies(ties=merged, off_roster=off.reset_index(drop=True), checks=checks)


def _check_messages(checks: pd.DataFrame) -> pd.Series:
    parts = []
    for col, text in (("self_ties", "self-tie(s) ignored (a person naming themselves)"),
                      ("duplicate_ties", "duplicate tie(s) merged into one"),
                      ("off_roster_ties", "tie(s) to people not on this cohort's roster set "
                                          "aside (see off_roster)")):
        n = checks[col]
        parts.append(np.where(n > 0, n.astype(str) + " " + text, ""))
    joined = ["; ".join(p for p in row if p) for row in zip(*parts, strict=True)] if len(checks) else []
    return pd.Series(joined, index=checks.index, dtype="object")


def _as_roster(roster: pd.DataFrame) -> pd.DataFrame:
    if "participant" not in roster.columns:
        raise AnalysisError(
            "The roster lacks the column participant; it has "
            f"{', '.join(map(str, roster.columns)) or 'no columns'}."
        )
    out = roster.copy()
    if "cohort" not in out.columns:
        out["cohort"] = ""
    out["cohort"] = out["cohort"].astype("object").fillna("")
    return out.drop_duplicates("participant").reset_index(drop=True)


# --------------------------------------------------------------------------- graph measures
def directed_graph(ties: pd.DataFrame, nodes) -> ig.Graph:
    """A simple directed igraph graph over ``nodes`` with the (source, target) arcs of ``ties``.

    Vertex ``i`` is ``nodes[i]`` (kept in the ``name`` attribute). Arcs whose
    ends are not in ``nodes``, self-ties and repeated arcs are left out. A 0/1
    dyad list (a column saying whether each pair is tied) is refused.
    """
    _refuse_dyad_list(ties)
    index = pd.Index(pd.unique(np.asarray(nodes, dtype=object)))
    src = index.get_indexer(ties["source"].to_numpy(dtype=object)) if len(ties) else np.array([], int)
    tgt = index.get_indexer(ties["target"].to_numpy(dtype=object)) if len(ties) else np.array([], int)
    keep = (src >= 0) & (tgt >= 0) & (src != tgt)
    arcs = np.unique(np.column_stack([src[keep], tgt[keep]]), axis=0) if keep.any() else np.empty((0, 2), int)
    g = ig.Graph(n=len(index), edges=arcs.tolist(), directed=True)
    g.vs["name"] = list(index)
    return g


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
        return out | {k: np.nan for k in _METRIC_COLUMNS if k not in out and k not in
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


# --------------------------------------------------------------------------- per wave
def wave_order(waves, order=None) -> list:
    """The waves in ``waves`` in programme order (``order``), unknown ones after, as found."""
    seen = list(pd.unique(pd.Series(list(waves) if not isinstance(waves, pd.Series) else waves,
                                    dtype=object).dropna()))
    if not order:
        return seen
    rank = {w: i for i, w in enumerate(order)}
    return sorted(seen, key=lambda w: (rank.get(w, len(rank)), seen.index(w)))


def _respondent_sets(respondents: pd.DataFrame | None, ties: pd.DataFrame, waves) -> dict:
    """wave → set of respondents (people who answered, plus anyone who named someone)."""
    sets = {w: set() for w in waves}
    if respondents is not None and len(respondents):
        if not {"wave", "participant"} <= set(respondents.columns):
            raise AnalysisError("The respondents table needs the columns wave and participant; it has "
                                f"{', '.join(map(str, respondents.columns))}.")
        for w, grp in respondents.groupby("wave", sort=False):
            sets.setdefault(w, set()).update(grp["participant"].dropna())
    for w, grp in ties.groupby("wave", sort=False):
        sets.setdefault(w, set()).update(grp["source"].dropna())
    return sets


def _waves_and_respondents(ties: pd.DataFrame, respondents, waves) -> tuple[list, dict]:
    """The waves to analyse (given, or every wave seen) and who responded at each."""
    if waves is None:
        found = list(ties["wave"]) + (list(respondents["wave"]) if respondents is not None
                                      and "wave" in respondents.columns else [])
        waves = wave_order(found)
    return waves, _respondent_sets(respondents, ties, waves)


def _relations(ties: pd.DataFrame, relations=None) -> list[str]:
    if relations is not None:
        return list(relations)
    found = [r for r in pd.unique(ties["relation"].dropna())]
    ordered = [r for r in RELATIONS if r in found] + sorted(r for r in found if r not in RELATIONS)
    ordered = ordered or list(RELATIONS)
    return ordered + [ANY_RELATION] if len(ordered) > 1 else ordered


def _relation_ties(ties: pd.DataFrame, relation: str) -> pd.DataFrame:
    if relation == ANY_RELATION:
        return ties.drop_duplicates(["wave", "source", "target"])
    return ties[ties["relation"] == relation]


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
    ties = _as_ties(ties)
    roster_nodes = sorted(pd.unique(np.asarray(list(nodes), dtype=object)))
    waves, resp = _waves_and_respondents(ties, respondents, waves)
    relations = _relations(ties, relations)
    rows = []
    for wave in waves:
        wave_ties = ties[ties["wave"] == wave]
        who = sorted(resp.get(wave, set()) & set(roster_nodes))
        for relation in relations:
            rel = _relation_ties(wave_ties, relation)
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
                    g = directed_graph(rel, who)
                else:
                    arcs = rel
                    if rule == "reconstructed":
                        outsider = ~rel["target"].isin(who)
                        back = rel[outsider].rename(columns={"source": "target", "target": "source"})
                        arcs = pd.concat([rel, back], ignore_index=True)
                    g = directed_graph(arcs, roster_nodes)
                rows.append(base | whole_network_measures(g, path_sample=path_sample))
    cols = ["wave", "relation", "basis", *_METRIC_COLUMNS, "rule", "note"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- boundaries
def ei_index(ties: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Krackhardt–Stern E-I index of a set of ties, whole network and per group.

    Parameters
    ----------
    ties : DataFrame
        ``source, target`` (arcs).
    groups : Series
        Group of each participant (index participant id, value group label).
        Arcs with an end whose group is unknown are left out.

    Returns
    -------
    DataFrame
        One row for the whole network (``group`` = None) then one per group:
        ``group, members, internal_ties, external_ties, ei_index``.

    Notes
    -----
    Whole network: E = arcs between people in different groups, I = arcs
    within a group, EI = (E − I) / (E + I), from −1 (all ties inside groups)
    to +1 (all ties across). Group g: I_g = arcs with both ends in g, E_g =
    arcs with exactly one end in g, sent or received. Arcs are counted, so a
    mutual pair counts twice. NaN when there are no ties. ``members`` is the
    number of people in the group (all of ``groups`` for the whole network).

    References
    ----------
    Krackhardt, D. & Stern, R. N. (1988). Informal networks and
    organizational crises: an experimental simulation. *Social Psychology
    Quarterly*, 51(2), 123–140.

    Raises
    ------
    AnalysisError
        A 0/1 dyad list instead of ties, or tie ends and group ids of
        different types (numbers against text) so that no tie finds its group.
    """
    _refuse_dyad_list(ties)
    _refuse_mismatched_ids(ties, groups)
    groups = groups.dropna()
    groups = groups[~groups.index.duplicated()]
    gs = ties["source"].map(groups)
    gt = ties["target"].map(groups)
    known = gs.notna() & gt.notna()
    gs, gt = gs[known], gt[known]
    internal = gs == gt
    members = groups.value_counts()
    labels = sorted(members.index, key=str)
    i_g = gs[internal].value_counts().reindex(labels, fill_value=0)
    e_g = (gs[~internal].value_counts().reindex(labels, fill_value=0)
           + gt[~internal].value_counts().reindex(labels, fill_value=0))
    whole = pd.DataFrame({"group": [None], "members": [len(groups)],
                          "internal_ties": [int(internal.sum())],
                          "external_ties": [int((~internal).sum())]})
    per = pd.DataFrame({"group": labels, "members": members.reindex(labels).to_numpy(),
                        "internal_ties": i_g.to_numpy(), "external_ties": e_g.to_numpy()})
    out = pd.concat([whole, per], ignore_index=True)
    total = out["internal_ties"] + out["external_ties"]
    out["ei_index"] = ((out["external_ties"] - out["internal_ties"]) / total.where(total > 0)
                       ).astype("float64")
    return out


def _kinds(values) -> set[str]:
    """'number' / 'text' / other type names of the values (NA ignored)."""
    out = set()
    for v in pd.unique(pd.Series(list(values), dtype=object).dropna()):
        if isinstance(v, (bool, np.bool_)):
            out.add("true/false")
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out.add("number")
        elif isinstance(v, str):
            out.add("text")
        else:
            out.add(type(v).__name__)
    return out


def _refuse_mismatched_ids(ties: pd.DataFrame, groups: pd.Series) -> None:
    """Tie ends and group ids must be the same kind of value, or nothing matches."""
    if not len(ties) or not len(groups):
        return
    ends = pd.concat([ties["source"], ties["target"]], ignore_index=True)
    if ends.isin(groups.index).any():
        return
    tie_kinds, group_kinds = _kinds(ends.head(1000)), _kinds(groups.index[:1000])
    if tie_kinds and group_kinds and not tie_kinds & group_kinds:
        example_tie = ends.dropna().tolist()[0]
        example_group = groups.index.tolist()[0]
        raise AnalysisError(
            f"The tie ends are {' and '.join(sorted(tie_kinds))} (e.g. {example_tie!r}) but the "
            f"groups are indexed by {' and '.join(sorted(group_kinds))} (e.g. {example_group!r}), "
            "so no tie finds its group and the E-I index would be empty. Use the same ids in "
            'both, e.g. ties["source"].astype(str) and ties["target"].astype(str).'
        )


def _new_ties(ties: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Ties in ``ties`` whose (source, target) is not in ``previous``."""
    if not len(previous):
        return ties
    merged = ties.merge(previous[["source", "target"]].drop_duplicates(), how="left",
                        on=["source", "target"], indicator=True)
    return ties[(merged["_merge"] == "left_only").to_numpy()]


def _pairs_connected(ties: pd.DataFrame, groups: pd.Series) -> int:
    gs = ties["source"].map(groups)
    gt = ties["target"].map(groups)
    ok = gs.notna() & gt.notna() & (gs != gt)
    if not ok.any():
        return 0
    a = np.where(gs[ok].astype(str) < gt[ok].astype(str), gs[ok], gt[ok])
    b = np.where(gs[ok].astype(str) < gt[ok].astype(str), gt[ok], gs[ok])
    return int(pd.DataFrame({"a": a, "b": b}).drop_duplicates().shape[0])


def boundary_spanning(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    attributes=ATTRIBUTES,
    waves=None,
    relations=None,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ties across organisations, sectors, places and roles, at each wave and for new ties.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network: ``wave, source, target, relation``.
    roster : DataFrame
        ``participant`` and the attribute columns (the full-roster basis: all
        reported ties between people on the roster are used).
    attributes : sequence of str
        Roster columns to measure; those missing from the roster are skipped.
    waves, relations : sequence, optional
        As :func:`network_metrics`. New ties at a wave are those not present
        at the wave before it (same relation); at the first wave the new-tie
        columns are NaN.
    min_group_size : int
        Groups with fewer members are suppressed in the per-group table.

    Returns
    -------
    whole : DataFrame
        ``wave, relation, attribute, groups, ties, internal_ties,
        external_ties, share_external, ei_index, group_pairs,
        group_pairs_connected, share_group_pairs_connected, new_ties,
        new_internal_ties, new_external_ties, new_share_external,
        new_ei_index, new_group_pairs_connected``.
    groups : DataFrame
        ``wave, relation, attribute, group, members, internal_ties,
        external_ties, ei_index, new_internal_ties, new_external_ties,
        new_ei_index, suppressed``; counts and indices of groups under
        ``min_group_size`` members are blank (NaN), with one more group
        blanked in a table where only one would be, so totals cannot reveal it.

    Notes
    -----
    ``ties`` counts arcs with a known attribute at both ends; share_external =
    E / (E + I); ei_index as :func:`ei_index`. ``group_pairs`` = k(k − 1)/2
    for the k groups on the roster; ``group_pairs_connected`` counts
    unordered pairs of different groups joined by at least one arc either way.
    """
    ties = _as_ties(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    if waves is None:
        waves = wave_order(ties["wave"])
    relations = _relations(ties, relations)
    whole_rows, group_frames = [], []
    for attribute in attributes:
        groups = pd.Series(roster[attribute].to_numpy(), index=roster["participant"].to_numpy())
        groups = groups.where(groups.notna() & (groups.astype(str).str.strip() != ""))
        k = int(groups.nunique())
        for relation in relations:
            rel = _relation_ties(ties, relation)
            previous = None
            for wave in waves:
                now = rel[rel["wave"] == wave]
                ei = ei_index(now, groups)
                w = ei.iloc[0]
                row = {"wave": wave, "relation": relation, "attribute": attribute, "groups": k,
                       "ties": int(w.internal_ties + w.external_ties),
                       "internal_ties": int(w.internal_ties),
                       "external_ties": int(w.external_ties),
                       "ei_index": w.ei_index, "group_pairs": k * (k - 1) // 2,
                       "group_pairs_connected": _pairs_connected(now, groups)}
                per = ei.iloc[1:].reset_index(drop=True)
                if previous is not None:
                    new = _new_ties(now, previous)
                    ei_new = ei_index(new, groups)
                    wn = ei_new.iloc[0]
                    row |= {"new_ties": int(wn.internal_ties + wn.external_ties),
                            "new_internal_ties": int(wn.internal_ties),
                            "new_external_ties": int(wn.external_ties),
                            "new_ei_index": wn.ei_index,
                            "new_group_pairs_connected": _pairs_connected(new, groups)}
                    pn = ei_new.iloc[1:].reset_index(drop=True)
                    per["new_internal_ties"] = pn["internal_ties"].astype("float64")
                    per["new_external_ties"] = pn["external_ties"].astype("float64")
                    per["new_ei_index"] = pn["ei_index"]
                else:
                    per["new_internal_ties"] = np.nan
                    per["new_external_ties"] = np.nan
                    per["new_ei_index"] = np.nan
                whole_rows.append(row)
                group_frames.append(per.assign(wave=wave, relation=relation, attribute=attribute))
                previous = now
    whole = pd.DataFrame(whole_rows, columns=[
        "wave", "relation", "attribute", "groups", "ties", "internal_ties", "external_ties",
        "share_external", "ei_index", "group_pairs", "group_pairs_connected",
        "share_group_pairs_connected", "new_ties", "new_internal_ties", "new_external_ties",
        "new_share_external", "new_ei_index", "new_group_pairs_connected"])
    whole["share_external"] = whole["external_ties"] / whole["ties"].where(whole["ties"] > 0)
    whole["share_group_pairs_connected"] = (
        whole["group_pairs_connected"] / whole["group_pairs"].where(whole["group_pairs"] > 0))
    whole["new_share_external"] = (
        whole["new_external_ties"] / whole["new_ties"].where(whole["new_ties"] > 0))
    group_cols = ["wave", "relation", "attribute", "group", "members", "internal_ties",
                  "external_ties", "ei_index", "new_internal_ties", "new_external_ties",
                  "new_ei_index"]
    if group_frames:
        per_group = pd.concat(group_frames, ignore_index=True)[group_cols]
    else:
        per_group = pd.DataFrame(columns=group_cols)
    per_group = _suppress_groups(per_group, min_group_size)
    return whole, per_group


def _suppress_groups(per_group: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    values = ["internal_ties", "external_ties", "ei_index", "new_internal_ties",
              "new_external_ties", "new_ei_index"]
    if not len(per_group):
        return per_group.assign(suppressed=pd.Series(dtype=bool))
    block = (per_group["wave"].astype(str) + "\x1f" + per_group["relation"].astype(str) + "\x1f"
             + per_group["attribute"].astype(str))
    out = suppress_small(per_group.assign(_block=block.to_numpy()), "members", min_group_size,
                         value_columns=values, complementary_within="_block")
    return out.drop(columns="_block")


# --------------------------------------------------------------------------- growth
def _pairs(waves) -> list[tuple]:
    return list(zip(waves[:-1], waves[1:], strict=True))


def tie_growth(
    ties: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    waves=None,
    relations=None,
) -> pd.DataFrame:
    """Ties new, kept and lost between consecutive waves, and the Jaccard similarity.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network: ``wave, source, target, relation``.
    respondents : DataFrame, optional
        ``wave, participant``: who answered at each wave.
    waves, relations : sequence, optional
        As :func:`network_metrics`.

    Returns
    -------
    DataFrame
        ``wave_from, wave_to, relation, basis, respondents_from,
        respondents_to, respondents_both, ties_from, ties_to, new_ties,
        kept_ties, lost_ties, jaccard``.

    Notes
    -----
    Ties are arcs (source, target). kept = in both waves, new = only in the
    later wave, lost = only in the earlier; jaccard = kept / (new + kept +
    lost) (NaN with no ties at either wave). Basis ``respondents`` keeps only
    arcs between people who answered at *both* waves, so a tie is not counted
    as lost because someone did not answer the second time; basis ``roster``
    uses every reported arc.

    References
    ----------
    Jaccard, P. (1901). Étude comparative de la distribution florale dans une
    portion des Alpes et des Jura. *Bulletin de la Société Vaudoise des
    Sciences Naturelles*, 37, 547–579.
    """
    ties = _as_ties(ties)
    waves, resp = _waves_and_respondents(ties, respondents, waves)
    relations = _relations(ties, relations)
    rows = []
    for w0, w1 in _pairs(list(waves)):
        both = resp.get(w0, set()) & resp.get(w1, set())
        for relation in relations:
            rel = _relation_ties(ties, relation)
            a = rel.loc[rel["wave"] == w0, ["source", "target"]].drop_duplicates()
            b = rel.loc[rel["wave"] == w1, ["source", "target"]].drop_duplicates()
            for basis in ("respondents", "roster"):
                if basis == "respondents":
                    a_ = a[a["source"].isin(both) & a["target"].isin(both)]
                    b_ = b[b["source"].isin(both) & b["target"].isin(both)]
                else:
                    a_, b_ = a, b
                m = a_.merge(b_, how="outer", on=["source", "target"], indicator=True)
                kept = int((m["_merge"] == "both").sum())
                lost = int((m["_merge"] == "left_only").sum())
                new = int((m["_merge"] == "right_only").sum())
                union = kept + lost + new
                rows.append({"wave_from": w0, "wave_to": w1, "relation": relation,
                             "basis": basis, "respondents_from": len(resp.get(w0, ())),
                             "respondents_to": len(resp.get(w1, ())),
                             "respondents_both": len(both), "ties_from": len(a_),
                             "ties_to": len(b_), "new_ties": new, "kept_ties": kept,
                             "lost_ties": lost, "jaccard": kept / union if union else np.nan})
    return pd.DataFrame(rows, columns=[
        "wave_from", "wave_to", "relation", "basis", "respondents_from", "respondents_to",
        "respondents_both", "ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties",
        "jaccard"])


def metric_change(metrics: pd.DataFrame, *, waves=None) -> pd.DataFrame:
    """The change in every measure of :func:`network_metrics` between consecutive waves.

    Returns
    -------
    DataFrame
        ``wave_from, wave_to, relation, basis, metric, value_from, value_to,
        change`` (change = value_to − value_from), one row per measure.
    """
    if waves is None:
        waves = wave_order(metrics["wave"])
    key = ["relation", "basis"]
    value_cols = [c for c in _METRIC_COLUMNS if c in metrics.columns]
    long = metrics.melt(id_vars=["wave", *key], value_vars=value_cols, var_name="metric",
                        value_name="value")
    frames = []
    for w0, w1 in _pairs(list(waves)):
        a = long[long["wave"] == w0].drop(columns="wave")
        b = long[long["wave"] == w1].drop(columns="wave")
        m = a.merge(b, on=[*key, "metric"], how="outer", suffixes=("_from", "_to"), sort=False)
        m.insert(0, "wave_to", w1)
        m.insert(0, "wave_from", w0)
        frames.append(m)
    cols = ["wave_from", "wave_to", "relation", "basis", "metric", "value_from", "value_to",
            "change"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["value_from"] = pd.to_numeric(out["value_from"], errors="coerce").astype("float64")
    out["value_to"] = pd.to_numeric(out["value_to"], errors="coerce").astype("float64")
    out["change"] = out["value_to"] - out["value_from"]
    return out[cols]


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


# --------------------------------------------------------------------------- layout
def _coarsen(values: pd.Series, min_group_size: int | None) -> pd.Series:
    """Replace groups with fewer than ``min_group_size`` people by "Other (small groups)"."""
    if not min_group_size:
        return values
    counts = values.map(values.value_counts())
    return values.where(values.isna() | (counts >= min_group_size), "Other (small groups)")


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
    ties = _as_ties(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    if waves is None:
        waves = wave_order(ties["wave"])
    index = pd.Index(sorted(roster["participant"].astype(str)))
    g = directed_graph(ties, index).as_undirected(mode="collapse")
    n = g.vcount()
    if n:
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
    any_ties = ties.drop_duplicates(["wave", "source", "target"])
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
    pos = base.set_index("participant")
    edges["x_source"] = edges["source"].astype(str).map(pos["x"])
    edges["y_source"] = edges["source"].astype(str).map(pos["y"])
    edges["x_target"] = edges["target"].astype(str).map(pos["x"])
    edges["y_target"] = edges["target"].astype(str).map(pos["y"])
    rev = edges[["wave", "relation", "source", "target"]].rename(
        columns={"source": "target", "target": "source"}).assign(_rev=True)
    edges = edges.merge(rev, how="left", on=["wave", "relation", "source", "target"])
    edges["mutual"] = edges["_rev"].notna().to_numpy(dtype=bool)
    order = {w: i for i, w in enumerate(waves)}
    prev = edges[["wave", "relation", "source", "target"]].copy()
    prev["wave"] = prev["wave"].map({w: waves[i + 1] for w, i in order.items()
                                     if i + 1 < len(waves)}).astype(object)
    prev = prev.dropna(subset=["wave"]).assign(_before=True)
    edges = edges.merge(prev, how="left", on=["wave", "relation", "source", "target"])
    first = edges["wave"] == waves[0] if len(waves) else pd.Series(False, index=edges.index)
    edges["is_new"] = (edges["_before"].isna() & ~first).to_numpy(dtype=bool)
    edges["_w"] = edges["wave"].map(order)
    edges = edges.sort_values(["_w", "relation", "source", "target"], kind="stable",
                              ignore_index=True)
    edge_cols = ["wave", "relation", "source", "target", "x_source", "y_source", "x_target",
                 "y_target", "mutual", "is_new", "frequency", "trust"]
    return nodes, edges[edge_cols]


# --------------------------------------------------------------------------- stakeholders
def stakeholder_summary(stakeholders: pd.DataFrame, *, waves=None) -> pd.DataFrame:
    """Counts from the external layer (people outside the cohort named in free text).

    The names themselves are never reported. Returns ``cohort, wave,
    respondents_naming, mentions, distinct_stakeholders``.
    """
    cols = ["cohort", "wave", "respondents_naming", "mentions", "distinct_stakeholders"]
    if stakeholders is None or not len(stakeholders):
        return pd.DataFrame(columns=cols)
    s = stakeholders.dropna(subset=["stakeholder"])
    s = s.assign(cohort=s["cohort"].fillna("") if "cohort" in s.columns else "",
                 stakeholder=s["stakeholder"].astype(str).str.strip().str.casefold())
    s = s[s["stakeholder"] != ""]
    out = (s.groupby(["cohort", "wave"], sort=False)
           .agg(respondents_naming=("source", "nunique"), mentions=("stakeholder", "size"),
                distinct_stakeholders=("stakeholder", "nunique")).reset_index())
    if waves:
        rank = {w: i for i, w in enumerate(waves)}
        out = out.sort_values(["cohort", "wave"], key=lambda c: c.map(rank) if c.name == "wave"
                              else c, ignore_index=True)
    return out[cols]


# --------------------------------------------------------------------------- workspace
def _network_waves(ws, ties: pd.DataFrame, responses: pd.DataFrame) -> list:
    found = list(ties["wave"].dropna()) + list(responses.get("wave", pd.Series(dtype=object)).dropna())
    imports = getattr(ws, "imports", None)
    if callable(imports):
        try:
            table = imports()
        except Exception:  # noqa: BLE001 - the import log is optional here
            table = None
        if table is not None and len(table) and {"wave", "instrument"} <= set(table.columns):
            is_network = table["instrument"].astype(str).str.split("@").str[0] == "network"
            found += list(table.loc[is_network, "wave"])
    return wave_order(found, getattr(ws, "waves", None))


def analyse_workspace(ws, *, rule: Rule = "reported", seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Run every network analysis on a workspace, one network per cohort.

    People in a comparison group (the roster's ``comparison`` column) are left
    out: their ties count as ties to people off the programme's roster.

    Uses only ``ws.roster()``, ``ws.ties()``, ``ws.responses(instrument="network")``,
    ``ws.stakeholders()``, ``ws.min_group_size`` and, when present,
    ``ws.waves`` (programme order) and ``ws.imports()`` (to notice a network
    wave that was imported but has no answers).

    Returns
    -------
    dict of str to DataFrame
        ``network_checks`` (:func:`clean_ties` checks plus one row per
        problem such as a wave with no answers: ``cohort, wave, relation,
        ties_read, self_ties, duplicate_ties, off_roster_ties, ties_used,
        message``), ``network_metrics``, ``network_metric_change``,
        ``network_growth``, ``network_boundary``, ``network_boundary_groups``,
        ``network_people``, ``network_layout_nodes``, ``network_layout_edges``,
        ``network_stakeholders``. Each table (except stakeholders) starts
        with a ``cohort`` column; the other columns are those of the function
        that makes it.
    """
    full_roster = ws.roster()
    # comparison-group members (evaluate.roster) are not part of the programme's network
    programme, _ = split_by_group(full_roster, full_roster)
    roster = _as_roster(programme.drop(columns=["comparison"], errors="ignore"))
    raw_ties = ws.ties()
    responses, _ = split_by_group(ws.responses(instrument="network"), full_roster)
    min_group = int(getattr(ws, "min_group_size", 5))
    cleaned = clean_ties(raw_ties if len(raw_ties) else _empty_ties(), roster)
    ties = cleaned.ties
    if len(responses) and "participant" in responses.columns:
        respondents = responses[["wave", "participant"]].copy()
        if "cohort" in responses.columns:
            respondents["cohort"] = responses["cohort"].astype("object").fillna("")
        else:
            respondents["cohort"] = respondents["participant"].map(
                roster.set_index("participant")["cohort"])
    else:
        respondents = pd.DataFrame({"wave": [], "participant": [], "cohort": []}, dtype=object)
    waves = _network_waves(ws, ties, respondents)
    cohorts = list(dict.fromkeys(list(roster["cohort"]) + list(ties["cohort"])))
    extra_checks = []
    if not waves:
        extra_checks.append({"cohort": "", "wave": "", "relation": "", "message":
                             "No network survey answers in this workspace: import the network "
                             "survey (instrument network) to get network results."})
    out: dict[str, list] = {k: [] for k in (
        "network_metrics", "network_metric_change", "network_growth", "network_boundary",
        "network_boundary_groups", "network_people", "network_layout_nodes",
        "network_layout_edges")}
    for cohort in cohorts if waves else []:
        members = roster[roster["cohort"] == cohort]
        if not len(members):
            continue
        t = ties[ties["cohort"] == cohort]
        r = respondents[respondents["cohort"] == cohort]
        answered = set(r["wave"]) | set(t["wave"])
        for w in waves:
            if w not in answered:
                extra_checks.append({"cohort": cohort, "wave": w, "relation": "", "message":
                                     f"No network answers from cohort {cohort} at wave {w}: "
                                     "its network measures are left blank."})
        relations = _relations(ties)
        metrics = network_metrics(t, members["participant"], r, waves=waves,
                                  relations=relations, rule=rule)
        whole, groups = boundary_spanning(t, members, waves=waves, relations=relations,
                                          min_group_size=min_group)
        nodes, edges = network_layout(t, members, waves=waves, respondents=r, seed=seed,
                                      min_group_size=min_group)
        parts = {
            "network_metrics": metrics,
            "network_metric_change": metric_change(metrics, waves=waves),
            "network_growth": tie_growth(t, r, waves=waves, relations=relations),
            "network_boundary": whole,
            "network_boundary_groups": groups,
            "network_people": person_change(t, members, r, waves=waves, relations=relations),
            "network_layout_nodes": nodes,
            "network_layout_edges": edges,
        }
        for name, frame in parts.items():
            out[name].append(frame.assign(cohort=cohort)[["cohort", *frame.columns]])
    result = {}
    checks = cleaned.checks
    if extra_checks:
        extra = pd.DataFrame(extra_checks)
        for c in ("ties_read", "self_ties", "duplicate_ties", "off_roster_ties", "ties_used"):
            extra[c] = 0
        checks = pd.concat([checks, extra[checks.columns]], ignore_index=True)
    result["network_checks"] = checks
    for name, frames in out.items():
        result[name] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result["network_stakeholders"] = stakeholder_summary(ws.stakeholders(), waves=waves)
    return result
