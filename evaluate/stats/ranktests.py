"""Rank tests and Welch's t-test in numpy, giving the very values ``scipy.stats`` gives.

The analysis needs four things from ``scipy.stats``: average ranks, the exact
p-value of Wilcoxon's signed-rank test, the Mann–Whitney U test and the
p-value of Welch's t-test. Importing ``scipy.stats`` costs 0.5–1 s on every
``evaluate analyse`` (it imports ``scipy.spatial``, ``scipy.interpolate``,
hundreds of distribution classes and their docstrings) — more than all four
computations together at cohort size. Each function here follows scipy's own
code path (scipy 1.11–1.17) for the arguments the analysis passes: the same
choice of method, the same null distributions built by the same recurrences,
and the same order of floating-point operations, so the p-values are the same
bits; ``tests/test_ranktests.py`` checks each against ``scipy.stats`` on many
random cases. Only ``scipy.special`` (``ndtr``, ``stdtr``, ``binom``) is used.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special

__all__ = ["average_ranks", "mann_whitney_u", "signed_rank_exact_p", "welch_t_p"]


def _ranks_and_ties(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks of ``a`` (1-D) and the size of each group of equal values."""
    order = np.argsort(a, kind="mergesort")
    s = a[order]
    new = np.concatenate([[True], s[1:] != s[:-1]])
    dense = np.cumsum(new)  # 1-based group of each sorted value
    edges = np.concatenate([np.flatnonzero(new), [a.size]])  # start of each group, then n
    # a group occupying sorted positions i … j − 1 (0-based) has average rank (i + 1 + j) / 2
    ranks = np.empty(a.size, dtype=np.float64)
    ranks[order] = 0.5 * (edges[dense - 1] + 1 + edges[dense])
    return ranks, np.diff(edges)


def average_ranks(a) -> np.ndarray:
    """Ranks 1 … n of the values of ``a``, tied values sharing their average rank.

    ``scipy.stats.rankdata(a)`` (``method="average"``) for a 1-D array: every
    rank is a multiple of 1/2, so the values are exact and equal to scipy's. A
    NaN anywhere makes every rank NaN, as scipy's default ``nan_policy``.

    Examples
    --------
    >>> average_ranks([10.0, 30.0, 20.0, 20.0]).tolist()
    [1.0, 4.0, 2.5, 2.5]
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    if np.isnan(a).any():
        return np.full(a.size, np.nan)
    return _ranks_and_ties(a)[0]


@lru_cache(maxsize=64)
def _signed_rank_pmf(n: int) -> np.ndarray:
    """P(R+ = r), r = 0 … n(n+1)/2, for n untied non-zero differences under the null.

    Each of the ranks 1 … n is in R+ with probability 1/2 independently, so the
    distribution for k ranks is the one for k − 1 shifted by 0 or by k, each
    half the time (scipy's ``_get_wilcoxon_distr``, the same recurrence). For
    n < 53 every probability and every partial sum is a multiple of 2^-n, so
    all of them are exact in float64.
    """
    c = np.ones(1, dtype=np.float64)
    for k in range(1, n + 1):
        prev = c
        c = np.zeros(k * (k + 1) // 2 + 1, dtype=np.float64)
        m = len(prev)
        c[:m] = prev * 0.5
        c[-m:] += prev * 0.5
    c.flags.writeable = False
    return c


def signed_rank_exact_p(r_plus: float, n: int) -> float:
    """Two-sided exact p-value of Wilcoxon's signed-rank statistic.

    Parameters
    ----------
    r_plus : float
        Sum of the ranks of the positive differences.
    n : int
        Number of differences, none zero and no two tied in absolute value
        (the exact null distribution holds only then).

    Returns
    -------
    float
        ``scipy.stats.wilcoxon(d, zero_method="wilcox", method="exact").pvalue``.

    Notes
    -----
    As scipy: :math:`p = \\min(1, 2\\min(P(R^+ \\ge \\lfloor r \\rfloor),
    P(R^+ \\le \\lceil r \\rceil)))`, each tail summed from the side nearer its
    end (a tail beyond the mean n(n+1)/4 is one minus the other tail).

    References
    ----------
    Wilcoxon, F. (1945). Individual comparisons by ranking methods.
    *Biometrics Bulletin*, 1(6), 80–83.

    Examples
    --------
    >>> signed_rank_exact_p(0.0, 5)  # all five differences negative: 2 × 1/32
    0.0625
    """
    pmf = _signed_rank_pmf(int(n))
    mean = n * (n + 1) / 4
    lo, hi = int(math.floor(r_plus)), int(math.ceil(r_plus))
    upper = pmf[lo:].sum() if lo <= mean else 1 - pmf[:lo].sum()  # P(R+ ≥ lo)
    lower = pmf[:hi + 1].sum() if hi <= mean else 1 - pmf[hi + 1:].sum()  # P(R+ ≤ hi)
    return float(np.clip(2 * np.minimum(upper, lower), 0, 1))


def _mann_whitney_exact_sf(u: int, n1: int, n2: int) -> float:
    """P(U ≥ u) under the null, for ``u`` at or above the mean n1·n2/2.

    scipy's ``_MWU.sf`` (Löffler's recurrence for the number of arrangements
    with each U, in unsigned 64-bit integers until they outgrow them), kept
    step for step so the float64 results are the same.
    """
    n1, n2 = min(n1, n2), max(n1, n2)
    k = n1 * n2 - u  # P(U ≥ u) = P(U ≤ n1·n2 − u) by symmetry
    if u < k:
        raise ValueError("u must be at least the mean n1 * n2 / 2")
    sigma = np.zeros(k + 1, dtype=int)
    for d in np.arange(1, n1 + 1):
        sigma[np.arange(d, k + 1, d)] += d
    for d in np.arange(n2 + 1, n2 + n1 + 1):
        sigma[np.arange(d, k + 1, d)] -= d
    sigma = sigma[1:]
    configurations = np.zeros(k + 1, dtype=np.uint64)
    is_uint, uint_max = True, np.iinfo(np.uint64).max
    configurations[0] = 1
    for v in np.arange(1, k + 1):
        new_val = np.dot(configurations[:v], sigma[v - 1::-1]) / v
        if new_val > uint_max and is_uint:
            configurations = configurations.astype(float)
            is_uint = False
        configurations[v] = new_val
    pmf = configurations / special.binom(n1 + n2, n1)
    return float(np.cumsum(pmf)[k])


def mann_whitney_u(x, y) -> tuple[float, float]:
    """Mann–Whitney U of ``x`` and its two-sided p-value, as ``scipy.stats.mannwhitneyu``.

    ``scipy.stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided")``
    (``method="auto"``) for 1-D samples without NaN, each of at least one value.

    Returns
    -------
    (u, p) : (float, float)
        :math:`U_1 = R_1 - n_1(n_1+1)/2` (:math:`R_1` the sum of x's ranks in
        the pooled sample) and the p-value.

    Notes
    -----
    scipy's choice of method: exact when either sample has at most 8 values
    and no value is tied (Löffler's recurrence for the null distribution of
    U); otherwise the normal approximation with the tie-corrected variance
    :math:`\\frac{n_1 n_2}{12}\\left((n+1) - \\frac{\\sum (t^3 - t)}{n(n-1)}\\right)`
    and continuity correction: :math:`z = (\\max(U_1, U_2) - n_1 n_2/2 - 1/2)/\\sigma`,
    :math:`p = 2\\,\\Phi(-z)`, at most 1.

    References
    ----------
    Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two
    random variables is stochastically larger than the other. *Annals of
    Mathematical Statistics*, 18, 50–60.

    Examples
    --------
    >>> u, p = mann_whitney_u([19, 22, 16, 29, 24], [20, 11, 17, 12])  # scipy's example
    >>> u, round(p, 4)
    (17.0, 0.1111)
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("`x` and `y` must not contain NaNs.")
    if not x.size or not y.size:
        raise ValueError("`x` and `y` must be of nonzero size.")
    n1, n2 = x.size, y.size
    ranks, ties = _ranks_and_ties(np.concatenate([x, y]))
    u1 = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    u = max(u1, n1 * n2 - u1)
    if (n1 > 8 and n2 > 8) or (ties > 1).any():
        n = n1 + n2
        tie_term = np.sum(ties.astype(np.float64) ** 3 - ties)
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (u - n1 * n2 / 2 - 0.5) / s
        p = special.ndtr(-z) * 2
    else:
        p = _mann_whitney_exact_sf(int(u), n1, n2) * 2
    return float(u1), float(np.clip(p, 0.0, 1.0))


def welch_t_p(a, b) -> float:
    """Two-sided p-value of Welch's t-test of ``a`` against ``b``.

    ``scipy.stats.ttest_ind(a, b, equal_var=False).pvalue`` for 1-D samples,
    with scipy's arithmetic: each variance as the mean squared deviation times
    n/(n − 1), Welch–Satterthwaite degrees of freedom (1 where they are
    undefined), :math:`p = 2 F_t(-|t|; \\nu)`. NaN in a sample gives NaN.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several
    different population variances are involved. *Biometrika*, 34(1–2), 28–35.

    Examples
    --------
    >>> round(welch_t_p([1.0, 2, 3, 4], [2.0, 4, 6, 8, 10]), 4)
    0.0691
    """
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    n1, n2 = a.size, b.size
    if not n1 or not n2:
        return math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        vn1 = _variance(a) / n1
        vn2 = _variance(b) / n2
        df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1))
        df = 1.0 if np.isnan(df) else df
        t = np.divide(a.mean() - b.mean(), np.sqrt(vn1 + vn2))
    return float(2 * special.stdtr(df, -np.abs(t)))


def _variance(a: np.ndarray) -> np.float64:
    """Sample variance as scipy computes it: mean squared deviation × n/(n − 1)."""
    n = np.float64(a.size)
    return np.mean((a - np.mean(a, keepdims=True)) ** 2) * (n / (n - 1))
