"""Ties across boundaries: organisations, sectors, places and roles.

:func:`ei_index` is the Krackhardt–Stern E-I index of a set of ties, whole
network and per group; :func:`boundary_spanning` measures every wave and the
ties new since the wave before, with small groups suppressed. It counts every
relation × wave and group at once with ``np.bincount`` over the tie blocks of
:mod:`~evaluate.network.blocks`, and builds each table once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.network.blocks import TieBlocks, group_codes, tie_blocks
from evaluate.network.ties import (
    ATTRIBUTES,
    _as_roster,
    _refuse_dyad_list,
    _relation_ties,
    _relations,
    _tie_table,
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
    ties = _tie_table(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    if waves is None:
        waves = wave_order(ties["wave"])
    relations = _relations(ties, relations)
    nodes = pd.Index(pd.Series(roster["participant"].to_numpy(), dtype=object))
    blocks = tie_blocks(ties, nodes, waves, relations)
    if attributes:
        _refuse_unmatched_blocks(ties, blocks, nodes)
    parts = [_attribute_counts(blocks, *group_codes(roster[a].to_numpy())) for a in attributes]
    whole = _whole_table(blocks, attributes, parts)
    per_group = _suppress_groups(_group_table(blocks, attributes, parts), min_group_size)
    return whole, per_group


_WHOLE_COLUMNS = [
    "wave", "relation", "attribute", "groups", "ties", "internal_ties", "external_ties",
    "share_external", "ei_index", "group_pairs", "group_pairs_connected",
    "share_group_pairs_connected", "new_ties", "new_internal_ties", "new_external_ties",
    "new_share_external", "new_ei_index", "new_group_pairs_connected"]
_GROUP_COLUMNS = ["wave", "relation", "attribute", "group", "members", "internal_ties",
                  "external_ties", "ei_index", "new_internal_ties", "new_external_ties",
                  "new_ei_index"]


def _refuse_unmatched_blocks(ties: pd.DataFrame, blocks: TieBlocks, nodes: pd.Index) -> None:
    """:func:`ei_index`'s check of id kinds, for each block none of whose tie ends is a person."""
    if not len(nodes):
        return
    found = np.bincount(blocks.block, weights=(blocks.src >= 0) | (blocks.tgt >= 0),
                        minlength=blocks.n_blocks)
    rows = np.bincount(blocks.block, minlength=blocks.n_blocks)
    if ((rows > 0) & (found == 0)).any():
        groups = pd.Series(np.nan, index=nodes)
        for b in np.flatnonzero((rows > 0) & (found == 0)):
            relation = blocks.relations[b // len(blocks.waves)]
            wave = blocks.waves[b % len(blocks.waves)]
            rel = _relation_ties(ties, relation)
            _refuse_mismatched_ids(rel[rel["wave"] == wave], groups)


def _ei(external: np.ndarray, internal: np.ndarray) -> np.ndarray:
    """(E − I) / (E + I), NaN where there are no ties."""
    total = (external + internal).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (external - internal) / np.where(total > 0, total, 1), np.nan)


def _attribute_counts(blocks: TieBlocks, codes: np.ndarray, labels: list) -> dict:
    """Every count of one grouping, for all blocks at once (arrays by block, or block × group).

    Ties with an end whose group is unknown are left out, as in :func:`ei_index`.
    """
    k, nb = len(labels), blocks.n_blocks
    gs = np.where(blocks.src >= 0, codes[blocks.src], -1) if len(codes) else blocks.src * 0 - 1
    gt = np.where(blocks.tgt >= 0, codes[blocks.tgt], -1) if len(codes) else blocks.tgt * 0 - 1
    known = (gs >= 0) & (gt >= 0)
    inside, across = known & (gs == gt), known & (gs != gt)
    lo, hi = np.minimum(gs, gt), np.maximum(gs, gt)
    out = {"labels": labels, "members": np.bincount(codes[codes >= 0], minlength=k)}
    for prefix, rows in (("", np.ones(len(gs), bool)), ("new_", blocks.new)):
        i, e = inside & rows, across & rows
        pairs = np.unique((blocks.block[e] * k + lo[e]) * max(k, 1) + hi[e])
        out |= {
            f"{prefix}internal": np.bincount(blocks.block[i], minlength=nb),
            f"{prefix}external": np.bincount(blocks.block[e], minlength=nb),
            f"{prefix}pairs": np.bincount(pairs // max(k * k, 1), minlength=nb),
            f"{prefix}group_internal": np.bincount(blocks.block[i] * k + gs[i],
                                                   minlength=nb * k).reshape(nb, k),
            f"{prefix}group_external": (
                np.bincount(blocks.block[e] * k + gs[e], minlength=nb * k)
                + np.bincount(blocks.block[e] * k + gt[e], minlength=nb * k)).reshape(nb, k),
        }
    return out


def _block_keys(blocks: TieBlocks, attributes: list, repeat=None) -> dict[str, list]:
    """wave, relation and attribute of each row: attribute, then relation, then wave order."""
    w, r = len(blocks.waves), len(blocks.relations)
    per_block = [(wave, relation, a) for a in attributes for relation in blocks.relations
                 for wave in blocks.waves]
    times = [1] * len(per_block) if repeat is None else [n for n in repeat for _ in range(r * w)]
    return {key: [row[j] for row, n in zip(per_block, times, strict=True) for _ in range(n)]
            for j, key in enumerate(("wave", "relation", "attribute"))}


def _whole_table(blocks: TieBlocks, attributes: list, parts: list[dict]) -> pd.DataFrame:
    """One row per attribute × relation × wave; the new-tie columns NaN at the first wave."""
    if not parts or not blocks.n_blocks:
        whole = pd.DataFrame([], columns=_WHOLE_COLUMNS)
    else:
        first = np.tile(np.arange(blocks.n_blocks) % len(blocks.waves) == 0, len(parts))
        cat = lambda key: np.concatenate([p[key] for p in parts])  # noqa: E731
        later = lambda x: np.where(first, np.nan, x)  # noqa: E731
        k = np.repeat([len(p["labels"]) for p in parts], blocks.n_blocks)
        internal, external = cat("internal"), cat("external")
        new_internal, new_external = cat("new_internal"), cat("new_external")
        whole = pd.DataFrame(_block_keys(blocks, attributes) | {
            "groups": k, "ties": internal + external, "internal_ties": internal,
            "external_ties": external, "share_external": np.nan, "ei_index": _ei(external, internal),
            "group_pairs": k * (k - 1) // 2, "group_pairs_connected": cat("pairs"),
            "share_group_pairs_connected": np.nan,
            "new_ties": later(new_internal + new_external), "new_internal_ties": later(new_internal),
            "new_external_ties": later(new_external), "new_share_external": np.nan,
            "new_ei_index": later(_ei(new_external, new_internal)),
            "new_group_pairs_connected": later(cat("new_pairs"))}, columns=_WHOLE_COLUMNS)
    whole["share_external"] = whole["external_ties"] / whole["ties"].where(whole["ties"] > 0)
    whole["share_group_pairs_connected"] = (
        whole["group_pairs_connected"] / whole["group_pairs"].where(whole["group_pairs"] > 0))
    whole["new_share_external"] = (
        whole["new_external_ties"] / whole["new_ties"].where(whole["new_ties"] > 0))
    return whole


def _group_table(blocks: TieBlocks, attributes: list, parts: list[dict]) -> pd.DataFrame:
    """One row per attribute × relation × wave × group (groups in the order of their text)."""
    nb = blocks.n_blocks
    if not nb or not parts:
        return pd.DataFrame(columns=_GROUP_COLUMNS)
    first = np.arange(nb) % len(blocks.waves) == 0
    cols: dict[str, list] = {c: [] for c in _GROUP_COLUMNS[3:]}
    for p in parts:
        k = len(p["labels"])
        later = np.repeat(first, k)
        new_internal = p["new_group_internal"].reshape(-1).astype("float64")
        new_external = p["new_group_external"].reshape(-1).astype("float64")
        new_ei = _ei(p["new_group_external"], p["new_group_internal"]).reshape(-1)
        cols["group"] += list(p["labels"]) * nb
        cols["members"].append(np.tile(p["members"], nb).astype("int64"))
        cols["internal_ties"].append(p["group_internal"].reshape(-1).astype("int64"))
        cols["external_ties"].append(p["group_external"].reshape(-1).astype("int64"))
        cols["ei_index"].append(_ei(p["group_external"], p["group_internal"]).reshape(-1))
        cols["new_internal_ties"].append(np.where(later, np.nan, new_internal))
        cols["new_external_ties"].append(np.where(later, np.nan, new_external))
        cols["new_ei_index"].append(np.where(later, np.nan, new_ei))
    values = {c: (pd.Series(v, dtype=object) if c == "group" else np.concatenate(v))
              for c, v in cols.items()}
    if not len(values["group"]):  # no group anywhere: the keys typed as their values would be
        return pd.DataFrame(values).assign(wave=blocks.waves[0], relation=blocks.relations[0],
                                           attribute=attributes[0])[_GROUP_COLUMNS]
    keys = _block_keys(blocks, attributes, repeat=[len(p["labels"]) for p in parts])
    return pd.DataFrame(keys | values, columns=_GROUP_COLUMNS)


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
