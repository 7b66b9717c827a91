# Frozen copy of evaluate/network/boundary.py as of f63f166, before the vectorised rewrite:
# the reference tests/test_network_identity.py compares the new code with. Do not edit.
# ruff: noqa
"""Ties across boundaries: organisations, sectors, places and roles.

:func:`ei_index` is the Krackhardt–Stern E-I index of a set of ties, whole
network and per group; :func:`boundary_spanning` measures every wave and the
ties new since the wave before, with small groups suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.network.ties import (
    ATTRIBUTES,
    _as_roster,
    _as_ties,
    _refuse_dyad_list,
    _relation_ties,
    _relations,
    wave_order,
)
from evaluate.privacy import suppress_small

__all__ = ["ei_index", "boundary_spanning"]


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
