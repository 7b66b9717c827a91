"""How a network picture stays quick and small at organisational scale, and exact at cohort size.

A cohort of 40 people names a few hundred ties, and every one is drawn. A
network survey of a whole organisation (5,000 people, 50,000 ties a wave)
would put 100,000 lines and 30,000 markers on the page: 14 MB that take
10 s to draw. Above :data:`MAX_LINES` pairs in a picture, the pictures draw
one pair in *k*, chosen by a fixed rule that the page states:

- the same share in every picture, so "before" and "after" compare;
- old and new ties alike, so the picture does not exaggerate growth;
- by a hash of the pair (and relation), so a pair that is in both waves is
  drawn in both, and the same data always give the same picture.

Counts in titles, summaries and tables are always of every tie. Above
:data:`LARGE_PICTURE` people, positions are stored as 32-bit numbers (a
thousandth of a pixel on the page) and markers carry no per-person hover
details, which keeps the page within its budget.

>>> line_share([300, 420])
1.0
>>> line_share([48_000, 50_000], max_lines=5_000)
0.1
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# the rule the page states (how many lines, one in k) is worded in the claims, so it lives
# with the layout
from evaluate.network.layout import MAX_LINES, line_share, one_in

__all__ = ["MAX_LINES", "LARGE_PICTURE", "line_share", "drawn", "compact", "one_in"]

#: People in a picture above which positions are stored compactly and hover is per group.
LARGE_PICTURE = 1_000


def drawn(pairs: pd.DataFrame, share: float, key: Sequence[str] = ("_a", "_b", "_rel")) -> np.ndarray:
    """True for the pairs to draw: all when ``share`` is 1, else a fixed share chosen by hash.

    The hash of a pair's key (``pandas.util.hash_pandas_object``, which does
    not change between runs) mapped to [0, 1) is compared with ``share``, so a
    pair is drawn in every picture it appears in, or in none.
    """
    if share >= 1 or not len(pairs):
        return np.ones(len(pairs), dtype=bool)
    h = pd.util.hash_pandas_object(pairs[list(key)].astype(str), index=False).to_numpy()
    return (h / np.float64(2**64)) < share


def compact(values, large: bool):
    """Positions as 32-bit numbers in a large picture (half the bytes on the page), else as they are."""
    arr = np.asarray(values, dtype=float)
    return arr.astype(np.float32) if large else arr
