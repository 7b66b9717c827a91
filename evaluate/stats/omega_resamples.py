"""The bootstrap resamples of omega: which rows each draws, and each resample's covariances.

Everything is counted with ``np.bincount`` over whole blocks of resamples at
once (never a resample at a time), in blocks of about a million cells so that
memory stays small at 100,000 respondents.
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_counts", "counts_of", "resample_covariances"]

#: Cells (resamples × rows) counted at once.
_BLOCK = 1 << 20
#: The last resample counts drawn: (n, n_boot, seed) → B × n counts. Every scale of a wave
#: with the same number of complete answers resamples the same rows, so they are drawn once.
_DRAWN: dict[tuple, np.ndarray] = {}


def _rows_per_block(n: int) -> int:
    return max(1, _BLOCK // max(int(n), 1))


def _tally(draws: np.ndarray, n: int) -> np.ndarray:
    """B × n: how often each row number 0 … n − 1 appears in each row of ``draws`` (int64)."""
    b = draws.shape[0]
    cells = (np.arange(b, dtype=np.int64)[:, None] * n + draws).ravel()
    return np.bincount(cells, minlength=b * n).reshape(b, n)


def _small(part: np.ndarray) -> np.ndarray:
    """A block's counts in one byte each, unless a row is drawn more than 255 times in a
    resample (then four). Made small block by block: the B × n counts never exist as int64
    (160 MB at 100,000 respondents)."""
    big = part.size and part.max() > np.iinfo(np.uint8).max
    return part.astype(np.uint32 if big else np.uint8)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The blocks' counts as one array: one byte each unless any block needed four."""
    return np.concatenate(parts, dtype=np.result_type(*parts)) if parts else \
        np.zeros((0, 0), dtype=np.uint8)


def counts_of(draws, n_boot: int, n: int) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each of ``n_boot`` resamples (rows of row numbers).

    B × n small integers (one byte each unless a row is drawn more than 255 times).
    """
    draws = np.asarray(draws, dtype=np.int64).reshape(n_boot, n)
    step = _rows_per_block(n)
    return _joined([_small(_tally(draws[i:i + step], n)) for i in range(0, n_boot, step)])


def draw_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    """The counts of ``default_rng(seed).integers(0, n, size=(n_boot, n))``, drawn in blocks of rows.

    Drawn in blocks gives the same numbers as the whole array at once (the
    tests check it) without holding the B × n array of row numbers.
    """
    key = (int(n), int(n_boot), int(seed))
    if key not in _DRAWN:
        rng = np.random.default_rng(seed)
        step = _rows_per_block(n)
        parts = [_small(_tally(rng.integers(0, n, size=(min(step, n_boot - i), n)), n))
                 for i in range(0, n_boot, step)]
        _DRAWN.clear()
        _DRAWN[key] = _joined(parts)
    return _DRAWN[key]


def _numbered(column: np.ndarray) -> tuple[int, np.ndarray]:
    """(how many distinct values, each value's number in sorted order), as
    ``np.unique(column, return_inverse=True)`` numbers them.

    Answer codes are small whole numbers: those are numbered by counting, not
    by a sort of the column (five times quicker at 100,000 rows).
    """
    low, high = column.min(), column.max()
    if high - low < 4096 and (column == np.floor(column)).all():
        offset = (column - low).astype(np.int64)
        present = np.bincount(offset) > 0
        return int(present.sum()), (np.cumsum(present) - 1)[offset]
    values, codes = np.unique(column, return_inverse=True)
    return values.size, codes


def _patterns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with the same values: (a row of each pattern, each row's pattern number).

    Each column's values are numbered, the numbers combined into one integer
    per row, and those numbered: one-dimensional sorts instead of a sort of
    whole rows (``np.unique(axis=0)``, ten times slower at 100,000 rows).
    """
    key = np.zeros(x.shape[0], dtype=np.int64)
    size = 1
    for column in x.T:
        count, codes = _numbered(column)
        if size * count >= 2**62:  # too many combinations for one integer
            _, first, inverse = np.unique(x, axis=0, return_index=True, return_inverse=True)
            return first, inverse.ravel()
        key = key * count + codes
        size *= count
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse


def _pattern_weights(counts: np.ndarray, inverse: np.ndarray, p: int) -> np.ndarray:
    """B × p: each resample's draws of each pattern (the counts of its rows, summed).

    Counted a block of resamples at a time, each by one bincount. Every block has
    the same cells (a full block's, or their start), and each block's counts are
    copied into one buffer of weights: no arrays of a block's size (8 MB each at
    100,000 respondents) made and freed block after block, which the system pages
    in afresh each time.
    """
    b, n = counts.shape
    out = np.empty((b, p))
    step = min(_rows_per_block(n), b)
    cells = (np.arange(step, dtype=np.int64)[:, None] * p + inverse).ravel()
    weights = np.empty(cells.size)
    for i in range(0, b, step):
        part = counts[i:i + step]
        m = part.shape[0]
        np.copyto(weights[:m * n], part.ravel())
        out[i:i + m] = np.bincount(cells[:m * n], weights=weights[:m * n],
                                   minlength=m * p).reshape(m, p)
    return out


def resample_covariances(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Covariance matrices of ``x`` over each resample, given how often each row is drawn.

    With y = x − x̄ and counts c, the covariance is
    (Σ c_i y_i y_iᵀ − n ȳ_c ȳ_cᵀ) / (n − 1), ȳ_c = Σ c_i y_i / n: two matrix
    products, never the B × n × k resampled array. Rows with the same answers
    (a five-item scale on a five-point scale has at most 3,125 patterns) are
    one row whose count is the sum of theirs, so at 100,000 people the
    products are over a few thousand patterns instead of every person.
    """
    n, k = x.shape
    first, inverse = _patterns(x)
    if first.size < n:
        patterns = x[first]
        weights = _pattern_weights(counts, inverse, first.size)
    else:
        patterns, weights = x, counts.astype(np.float64)
    y = patterns - x.mean(axis=0)
    p = y.shape[0]
    means = weights @ y / n
    second = (weights @ (y[:, :, None] * y[:, None, :]).reshape(p, k * k)).reshape(-1, k, k)
    return (second - n * means[:, :, None] * means[:, None, :]) / (n - 1)
