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

from evaluate.network.ties import _relation_ties

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
    """

    relations: list
    waves: list
    src: np.ndarray
    tgt: np.ndarray
    block: np.ndarray
    new: np.ndarray

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
    values, as when the tie tables of two waves are merged on them.
    """
    waves, relations = list(waves), list(relations)
    ties = ties.reset_index(drop=True)  # row labels are positions from here on
    wave_at = pd.Index(pd.Series(waves, dtype=object))
    ends = pd.concat([ties["source"], ties["target"]], ignore_index=True).to_numpy(dtype=object)
    pair_ids = pd.factorize(ends, use_na_sentinel=False)[0].astype(np.int64)
    m = max(int(pair_ids.max()) + 1, 1) if len(pair_ids) else 1
    pair_of = pair_ids[:len(ties)] * m + pair_ids[len(ties):]
    src, tgt, block, new = [], [], [], []
    for r, relation in enumerate(relations):
        rel = _relation_ties(ties, relation)
        w = wave_at.get_indexer(rel["wave"].to_numpy(dtype=object)).astype(np.int64)
        keep = w >= 0
        w = w[keep]
        rows = rel[keep]
        pair = pair_of[rows.index.to_numpy(dtype=np.int64)]
        key = w * (m * m) + pair
        before = (w + 1) * (m * m) + pair          # the same pair one wave later
        src.append(nodes.get_indexer(rows["source"].to_numpy(dtype=object)))
        tgt.append(nodes.get_indexer(rows["target"].to_numpy(dtype=object)))
        block.append(r * len(waves) + w)
        new.append((w > 0) & ~np.isin(key, before))
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts  # noqa: E731
           else np.empty(0, dtype))
    return TieBlocks(relations=relations, waves=waves, src=cat(src, np.int64),
                     tgt=cat(tgt, np.int64), block=cat(block, np.int64), new=cat(new, bool))


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
