"""Brokerage change: the Gould–Fernandez roles between consecutive waves, per person and group.

Measured among the people who answered the network survey at both waves (the
ties among them), so that a role is not lost or gained only because someone
did not answer one of the surveys. The roles are counted and standardised as
in :mod:`~evaluate.network.brokerage`, for every relation and grouping from one
listing of each wave's two-paths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.blocks import tie_blocks
from evaluate.network.brokerage import (
    _ALL,
    BROKERAGE_ATTRIBUTES,
    _block_paths,
    _classify,
    _node_groups,
    _scores,
)
from evaluate.network.ties import _groups_of, _pairs, _setup
from evaluate.privacy import suppress_small

__all__ = ["brokerage_change"]

_CHANGE_COLUMNS = ["participant", "relation", "attribute", "group", "wave_from", "wave_to", "role",
                   "count_from", "count_to", "change", "z_from", "z_to"]
_GROUP_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "group", "members", "role",
                  "count_from", "count_to", "change", "brokers_from", "brokers_to", "suppressed"]


def brokerage_change(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=BROKERAGE_ATTRIBUTES,
    waves=None,
    relations=None,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Brokerage roles between consecutive waves, per person and per group.

    Measured in the network of the people who answered the network survey at
    *both* waves (the ties among them), so that a role is not lost or gained
    only because someone did not answer one of the surveys.

    Parameters
    ----------
    ties, roster, respondents, attributes, waves, relations
        As :func:`brokerage_roles`.
    min_group_size : int
        Groups with fewer members (who answered both times) are suppressed in
        the group table.

    Returns
    -------
    people : DataFrame
        One row per person who answered both times × relation × grouping ×
        role (the five roles and ``total``): ``participant, relation,
        attribute, group, wave_from, wave_to, role, count_from, count_to,
        change, z_from, z_to``.
    groups : DataFrame
        ``wave_from, wave_to, relation, attribute, group, members, role,
        count_from, count_to, change, brokers_from, brokers_to,
        suppressed``: the summed counts of a group's members (``group``
        empty: everyone) and how many of them held the role at all
        (``brokers_*``). Groups under ``min_group_size`` members are blank,
        with one more blanked where only one would be, so totals cannot
        reveal them.
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    people_parts, group_parts = [], []
    for w0, w1 in _pairs(list(s.waves)):
        both = sorted(set(map(str, s.responded.get(w0, set()) & s.responded.get(w1, set())))
                      & set(s.roster["participant"]))
        if len(both) < 3 or not s.attributes:
            continue
        index = pd.Index(pd.unique(np.asarray(both, dtype=object)))
        blocks = tie_blocks(s.ties, index, [w0, w1], s.relations)
        paths = _block_paths(blocks, len(index))
        for attribute in s.attributes:
            codes, uniques, label = _node_groups(_groups_of(s.roster, attribute), index)
            for r, relation in enumerate(s.relations):
                (p0, n0), (p1, n1) = paths[2 * r], paths[2 * r + 1]
                c0 = _scores(_classify(p0, codes), codes, len(uniques), n0)
                c1 = _scores(_classify(p1, codes), codes, len(uniques), n1)
                key = (relation, attribute, w0, w1)
                people_parts.append(_person_change(index, label, key, c0, c1))
                group_parts.append(_group_change(codes, uniques, key, c0[0], c1[0]))
    people = _concat_people(people_parts)
    group_frames = [_concat_rows(group_parts)] if group_parts else []
    if not group_frames:
        return people, pd.DataFrame(columns=_GROUP_COLUMNS)
    per_group = pd.concat(group_frames, ignore_index=True)
    block = (per_group["wave_from"].astype(str) + "\x1f" + per_group["wave_to"].astype(str)
             + "\x1f" + per_group["relation"].astype(str) + "\x1f"
             + per_group["attribute"].astype(str) + "\x1f" + per_group["role"].astype(str))
    everyone = per_group["group"].isna()
    parts = suppress_small(per_group[~everyone].assign(_block=block[~everyone].to_numpy()),
                           "members", min_group_size,
                           value_columns=["count_from", "count_to", "change", "brokers_from",
                                          "brokers_to"],
                           complementary_within="_block").drop(columns="_block")
    whole = per_group[everyone].assign(suppressed=False)
    out = pd.concat([whole, parts])
    out = out.sort_index(kind="stable").reset_index(drop=True)
    return people, out[_GROUP_COLUMNS]


def _person_change(index: pd.Index, label: np.ndarray, key: tuple, s0: tuple, s1: tuple) -> dict:
    """One row per person × role (roles in order) of one block: counts and z at both waves."""
    n, k = len(index), len(_ALL)
    (c0, z0, _), (c1, z1, _) = s0, s1
    relation, attribute, w0, w1 = key
    return {"participant": np.repeat(index.to_numpy(dtype=object), k), "relation": relation,
            "attribute": attribute, "group": np.repeat(label, k), "wave_from": w0, "wave_to": w1,
            "role": np.tile(np.array(_ALL, dtype=object), n),
            "count_from": c0.astype("int64").reshape(-1), "count_to": c1.astype("int64").reshape(-1),
            "change": (c1.astype("int64") - c0.astype("int64")).reshape(-1),
            "z_from": z0.reshape(-1), "z_to": z1.reshape(-1)}


def _concat_people(parts: list[dict]) -> pd.DataFrame:
    """The person table from :func:`_person_change`'s blocks, one frame built once.

    Each block's group column is typed on its own, as a frame per block would be.
    """
    if not parts:
        return pd.DataFrame(columns=_CHANGE_COLUMNS)
    sizes = [len(p["participant"]) for p in parts]
    columns = {}
    for c in _CHANGE_COLUMNS:
        if c == "group":
            columns[c] = pd.concat([pd.Series(p[c]) for p in parts], ignore_index=True)
        elif isinstance(parts[0][c], np.ndarray):
            columns[c] = np.concatenate([p[c] for p in parts])
        else:
            columns[c] = [p[c] for p, n in zip(parts, sizes, strict=True) for _ in range(n)]
    return pd.DataFrame(columns)


def _group_change(codes: np.ndarray, uniques: list, key: tuple, c0: np.ndarray,
                  c1: np.ndarray) -> dict:
    """Summed counts per role: everyone (group NaN), then each group in the order of its text."""
    k = len(uniques)
    known = codes >= 0
    order = np.array(sorted(range(k), key=lambda g: str(uniques[g])), dtype=np.int64)
    members = np.bincount(codes[known], minlength=k).astype("float64")

    def per_role(x: np.ndarray) -> np.ndarray:
        """role × (everyone, groups…) sums of a person × role array, flattened by role."""
        groups = np.stack([np.bincount(codes[known], weights=x[known, j], minlength=k)
                           for j in range(len(_ALL))]).reshape(len(_ALL), k)
        return np.column_stack([x.sum(axis=0), groups[:, order]]).astype("float64").reshape(-1)

    relation, attribute, w0, w1 = key
    rows = len(_ALL) * (k + 1)
    count_from, count_to = per_role(c0), per_role(c1)
    return {"wave_from": [w0] * rows, "wave_to": [w1] * rows, "relation": [relation] * rows,
            "attribute": [attribute] * rows,
            "group": [np.nan, *(uniques[g] for g in order)] * len(_ALL),
            "members": np.tile(np.concatenate([[len(codes)], members[order]]), len(_ALL)),
            "role": [r for r in _ALL for _ in range(k + 1)],
            "count_from": count_from, "count_to": count_to, "change": count_to - count_from,
            "brokers_from": per_role((c0 > 0).astype(np.int64)),
            "brokers_to": per_role((c1 > 0).astype(np.int64))}


def _concat_rows(parts: list[dict]) -> pd.DataFrame:
    """One frame from column dicts of lists and arrays (the group column kept as objects)."""
    columns = {}
    for c in parts[0]:
        values = [p[c] for p in parts]
        if c == "group":
            columns[c] = pd.Series([v for p in values for v in p], dtype=object)
        elif isinstance(values[0], list):
            columns[c] = [v for p in values for v in p]
        else:
            columns[c] = np.concatenate(values)
    return pd.DataFrame(columns)[[c for c in _GROUP_COLUMNS if c != "suppressed"]]
