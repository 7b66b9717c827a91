"""Ties: from the workspace's tie table to clean arcs, graphs, waves and relations.

:func:`clean_ties` drops self-ties, merges duplicate ties and separates ties to
people who are not on the cohort roster — each counted, never silent.
:func:`directed_graph` turns arcs into an igraph graph over a fixed node set;
the helpers here pick the waves, relations and respondents every other module
of :mod:`evaluate.network` works on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError

if TYPE_CHECKING:
    import igraph as ig

__all__ = [
    "RELATIONS",
    "ANY_RELATION",
    "ATTRIBUTES",
    "TIE_COLUMNS",
    "CleanTies",
    "clean_ties",
    "directed_graph",
    "distinct_rows",
    "wave_order",
]

#: Relations the network instrument asks about, in the order tables show them.
RELATIONS = ("knew_before", "worked_with", "advice")
#: Name of the union of all relations ("tied in any way") in result tables.
ANY_RELATION = "any"
#: Roster attributes whose boundaries are measured.
ATTRIBUTES = ("organisation", "sector", "place", "role")

TIE_COLUMNS = ["cohort", "wave", "instrument", "source", "target", "relation", "frequency",
               "trust", "source_row"]

Basis = Literal["respondents", "roster"]
Rule = Literal["reported", "reconstructed"]

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
            f"The tie table lacks {'the column' if len(missing) == 1 else 'the columns'} "
            f"{', '.join(missing)}; it has "
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
    for col, one, many in (
            ("self_ties", "self-tie ignored (a person naming themselves)",
             "self-ties ignored (people naming themselves)"),
            ("duplicate_ties", "duplicate tie merged into one", "duplicate ties merged into one"),
            ("off_roster_ties", "tie to someone not on this cohort's roster set aside (see off_roster)",
             "ties to people not on this cohort's roster set aside (see off_roster)")):
        n = checks[col]
        parts.append(np.where(n > 0, n.astype(str) + " " + np.where(n == 1, one, many), ""))
    joined = ["; ".join(p for p in row if p) for row in zip(*parts, strict=True)] if len(checks) else []
    return pd.Series(joined, index=checks.index, dtype="object")


def _as_roster(roster: pd.DataFrame) -> pd.DataFrame:
    """The roster checked: one row per participant, cohort as text ("" when missing);
    shared inside :func:`shared_checks` (never change it)."""
    return _shared("roster", (roster,), None, lambda: _checked_roster(roster))


def _checked_roster(roster: pd.DataFrame) -> pd.DataFrame:
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
def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """The distinct pairs (a_i, b_i) of positions in 0..n−1, sorted by a then b: (k, 2) int64.

    What ``np.unique(np.column_stack([a, b]), axis=0)`` gives, from one integer
    key a·n + b per pair (a fraction of the time: no row-wise sort of records).
    """
    key = np.unique(np.asarray(a, dtype=np.int64) * n + np.asarray(b, dtype=np.int64))
    return np.column_stack([key // n, key % n])


def distinct_rows(*columns) -> int:
    """How many distinct rows the columns (arrays of one length) make, missing values equal to
    one another (as ``drop_duplicates`` counts them).

    Each column's values are numbered and the numbers combined into one integer per row:
    one sort of integers instead of a frame of text.

    >>> distinct_rows(np.array(["a", "a", "b", None], dtype=object), np.array([1, 1, 2, 3]))
    3
    """
    if not columns or not len(columns[0]):
        return 0
    codes = [pd.factorize(c, use_na_sentinel=False) for c in columns]
    if np.prod([float(len(u)) for _, u in codes]) >= 2.0**62:  # too many for one integer
        return int(len(np.unique(np.column_stack([c for c, _ in codes]), axis=0)))
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for c, uniques in codes:
        key = key * len(uniques) + c
    return int(np.unique(key).size)


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
    g = _arc_graph(src, tgt, len(index))
    g.vs["name"] = list(index)
    return g


def _arc_graph(src: np.ndarray, tgt: np.ndarray, n: int) -> ig.Graph:
    """:func:`directed_graph` of arcs given as positions among n people (−1: not one of
    them), without names: for measures that need only the graph."""
    from evaluate.igraph_import import igraph

    keep = (src >= 0) & (tgt >= 0) & (src != tgt)
    return igraph().Graph(n=n, edges=_unique_pairs(src[keep], tgt[keep], n).tolist(),
                          directed=True)

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
    """wave → set of respondents (people who answered, plus anyone who named someone);
    shared inside :func:`shared_checks` (never change it)."""
    return _shared("respondents", (respondents, ties), tuple(waves),
                   lambda: _find_respondents(respondents, ties, waves))


def _find_respondents(respondents: pd.DataFrame | None, ties: pd.DataFrame, waves) -> dict:
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


@dataclass(frozen=True)
class _Setup:
    """Checked inputs of a per-wave analysis (see :func:`_setup`)."""

    ties: pd.DataFrame
    roster: pd.DataFrame
    attributes: list
    waves: list
    relations: list
    responded: dict


#: ``memo``, inside :func:`shared_checks`: what the analyses made of the frames they were
#: given, by the frames' ids (None outside: every call does its own work). Per thread: the
#: app may analyse two workspaces at once.
_SHARED = threading.local()


@contextmanager
def shared_checks() -> Iterator[None]:
    """Within this block, analyses given the very same frames share the work done on them.

    A network's analyses each begin by checking the same frames (a copy of the
    ties with every column, the roster's ids as text, who answered at each
    wave) and cutting the ties into relations and waves: for a cohort, a dozen
    times the same work. Inside the block each is done once per frame and
    kept, with the frames themselves (so an id stands for one frame), until
    the block ends: open one block per network, so what is kept is one
    network's (small at 100,000 people). The caller must not change the frames
    inside the block (:func:`evaluate.network.analyse.analyse_workspace` never
    does); the analyses never change what they are given or what is shared.
    """
    outer = getattr(_SHARED, "memo", None)
    _SHARED.memo = {}
    try:
        yield
    finally:
        _SHARED.memo = outer


def _shared(name: str, frames: tuple, args, make):
    """``make()``, done once for the same frames (by identity) and ``args`` inside
    :func:`shared_checks`; outside, every time. The result must not be changed."""
    memo = getattr(_SHARED, "memo", None)
    if memo is None:
        return make()
    key = (name, tuple(map(id, frames)), args)
    if key not in memo:  # the frames held with the result, so no other frame takes an id
        memo[key] = (frames, make())
    return memo[key][1]


def _tie_table(ties: pd.DataFrame) -> pd.DataFrame:
    """:func:`_as_ties` of ``ties``, shared inside :func:`shared_checks` (never change it)."""
    return _shared("ties", (ties,), None, lambda: _as_ties(ties))


def _checked(ties, roster, respondents, waves) -> tuple:
    """(checked ties, roster with text ids, waves, who responded at each): see :func:`_setup`."""
    def make():
        checked_ties = _tie_table(ties)
        checked_roster = _as_roster(roster)
        checked_roster = checked_roster.assign(
            participant=checked_roster["participant"].astype(str))
        found = list(wave_order(checked_ties["wave"]) if waves is None else waves)
        return (checked_ties, checked_roster, found,
                _respondent_sets(respondents, checked_ties, found))

    return _shared("checked", (ties, roster, respondents),
                   None if waves is None else tuple(waves), make)


def _setup(ties, roster, respondents=None, *, attributes=(), waves=None, relations=None) -> _Setup:
    """Check ties and roster (participant ids as text) and settle the attributes, waves and relations.

    Inside :func:`shared_checks`, the checks of the same frames are shared.
    """
    ties, roster, waves, responded = _checked(ties, roster, respondents, waves)
    return _Setup(ties=ties, roster=roster,
                  attributes=[a for a in attributes if a in roster.columns], waves=list(waves),
                  relations=_relations(ties, relations), responded=responded)


def _groups_of(roster: pd.DataFrame, attribute: str) -> pd.Series:
    """Each person's group (by participant), blank ones missing; shared inside
    :func:`shared_checks` (never change it)."""
    def make():
        g = pd.Series(roster[attribute].to_numpy(dtype=object),
                      index=roster["participant"].to_numpy())
        return g.where(g.notna() & (g.astype(str).str.strip() != ""))

    return _shared("groups", (roster,), attribute, make)


def _relations(ties: pd.DataFrame, relations=None) -> list[str]:
    if relations is not None:
        return list(relations)
    found = [r for r in pd.unique(ties["relation"].dropna())]
    ordered = [r for r in RELATIONS if r in found] + sorted(r for r in found if r not in RELATIONS)
    ordered = ordered or list(RELATIONS)
    return ordered + [ANY_RELATION] if len(ordered) > 1 else ordered


def _relation_ties(ties: pd.DataFrame, relation: str) -> pd.DataFrame:
    """The ties of one relation (``any``: each arc of a wave once), shared inside
    :func:`shared_checks` (never change it)."""
    def make():
        if relation == ANY_RELATION:
            return ties.drop_duplicates(["wave", "source", "target"])
        return ties[ties["relation"] == relation]

    return _shared("relation", (ties,), relation, make)

def _pairs(waves) -> list[tuple]:
    return list(zip(waves[:-1], waves[1:], strict=True))
