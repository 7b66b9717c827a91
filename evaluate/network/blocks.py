"""The ties of one network as integer arrays, one block per relation × wave.

Boundary spanning, brokerage and core–periphery measure every relation at
every wave. Rather than cut the tie table into one DataFrame per relation ×
wave (and build a result frame for each), :func:`tie_blocks` reads it once
into position arrays: each tie row's source and target as positions among the
network's people, the block (relation × wave) it belongs to, and whether it is
new since the wave before. The analyses then count with ``np.bincount`` over
all blocks at once and build one DataFrame per table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluate.network.ties import ANY_RELATION, _shared

__all__ = ["TieBlocks", "tie_blocks", "group_codes"]


@dataclass(frozen=True)
class TieBlocks:
    """Tie rows of one network as arrays (see :func:`tie_blocks`).

    Attributes
    ----------
    relations, waves : list
        The blocks are ``relation × len(waves) + wave`` in this order.
    src, tgt : ndarray of int64
        Position of each tie row's ends among the people (−1: not one of them).
    block : ndarray of int64
        The block (relation and wave) of each tie row.
    new : ndarray of bool
        The row's (source, target) is not among the same relation's rows at
        the wave before (False at the first wave).
    row : ndarray of int64
        Position of each entry's row in the tie table (to read its other columns).
    """

    relations: list
    waves: list
    src: np.ndarray
    tgt: np.ndarray
    block: np.ndarray
    new: np.ndarray
    row: np.ndarray

    @property
    def n_blocks(self) -> int:
        """Relations × waves."""
        return len(self.relations) * len(self.waves)

    def arcs(self, b: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct arcs of block ``b`` among the ``n`` people (no self-ties), sorted."""
        ok = (self.block == b) & (self.src >= 0) & (self.tgt >= 0) & (self.src != self.tgt)
        codes = np.unique(self.src[ok] * n + self.tgt[ok])
        return codes // n, codes % n


def tie_blocks(ties: pd.DataFrame, nodes: pd.Index, waves, relations) -> TieBlocks:
    """Every tie row of every relation and wave, as positions among ``nodes``.

    Parameters
    ----------
    ties : DataFrame
        Checked ties (``wave, source, target, relation``).
    nodes : Index
        The people (unique); a tie end that is not one of them gets −1.
    waves, relations : sequence
        The waves (unique, in order) and relations (``any`` is the union,
        as :func:`~evaluate.network.ties._relation_ties`).

    Returns
    -------
    TieBlocks
        One entry per tie row whose wave is one of ``waves``, a row counted
        once per relation it belongs to (rows repeated in ``ties`` are kept,
        as counting the rows of each relation and wave would).

    Notes
    -----
    Two rows are the same pair when their source and their target are equal
    values, as when the tie tables of two waves are merged on them. Inside
    :func:`~evaluate.network.ties.shared_checks` the blocks of the same ties,
    people, waves and relations are made once (never change them).
    """
    waves, relations = list(waves), list(relations)
    return _shared("blocks", (ties,), (tuple(nodes), tuple(waves), tuple(relations)),
                   lambda: _tie_blocks(ties, nodes, waves, relations))


def _tie_blocks(ties: pd.DataFrame, nodes: pd.Index, waves: list, relations: list) -> TieBlocks:
    """:func:`tie_blocks`, each relation's rows picked by a mask over the arrays of all rows
    (``any``: the first row of each wave and pair, as ``_relation_ties`` keeps)."""
    wave_at = pd.Index(pd.Series(waves, dtype=object))
    ends = pd.concat([ties["source"], ties["target"]], ignore_index=True).to_numpy(dtype=object)
    pair_ids = pd.factorize(ends, use_na_sentinel=False)[0].astype(np.int64)
    m = max(int(pair_ids.max()) + 1, 1) if len(pair_ids) else 1
    pair_of = pair_ids[:len(ties)] * m + pair_ids[len(ties):]
    wave_of = wave_at.get_indexer(ties["wave"].to_numpy(dtype=object)).astype(np.int64)
    key_of = wave_of * (m * m) + pair_of
    in_waves = wave_of >= 0
    first = np.zeros(len(ties), bool)  # rows of a wave in ``waves``, first of their pair there
    first[np.flatnonzero(in_waves)[np.unique(key_of[in_waves], return_index=True)[1]]] = True
    relation_of = ties["relation"].to_numpy(dtype=object)
    src_of = nodes.get_indexer(ties["source"].to_numpy(dtype=object))
    tgt_of = nodes.get_indexer(ties["target"].to_numpy(dtype=object))
    src, tgt, block, new, row = [], [], [], [], []
    for r, relation in enumerate(relations):
        rows = first if relation == ANY_RELATION else in_waves & (relation_of == relation)
        w, key = wave_of[rows], key_of[rows]
        before = key + m * m                      # the same pair one wave later
        src.append(src_of[rows])
        tgt.append(tgt_of[rows])
        block.append(r * len(waves) + w)
        new.append((w > 0) & ~np.isin(key, before))
        row.append(np.flatnonzero(rows))
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts  # noqa: E731
           else np.empty(0, dtype))
    return TieBlocks(relations=relations, waves=waves, src=cat(src, np.int64),
                     tgt=cat(tgt, np.int64), block=cat(block, np.int64), new=cat(new, bool),
                     row=cat(row, np.int64))


def group_codes(values: np.ndarray) -> tuple[np.ndarray, list]:
    """Each value's group as a code into the groups sorted by their text (−1: none).

    A value is no group when it is missing or blank. Equal values share a
    group, as they would in ``value_counts``.
    """
    s = pd.Series(values, dtype=object)
    s = s.where(s.notna() & (s.astype(str).str.strip() != ""))
    labels = sorted(s.dropna().value_counts().index, key=str)
    if not labels:
        return np.full(len(s), -1, np.int64), []
    codes = pd.Index(pd.Series(labels, dtype=object)).get_indexer(s.to_numpy(dtype=object))
    return codes.astype(np.int64), labels
