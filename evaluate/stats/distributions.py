"""The t, normal and F distribution functions the statistics use, from ``scipy.special``.

``scipy.stats``' distribution methods (``t.ppf``, ``t.sf``, ``f.sf``, …) call
these same ``scipy.special`` functions after checking their arguments and
handling the edges of the support (and scale a quantile by 1 and add 0, which
turns −0 into 0, as done here); each call costs tens of microseconds in
those checks, and the planning tables make thousands. Here the special
function is called directly wherever every argument is inside the support (the
values are then the same bits: ``tests/test_stats_distributions.py``); anything
else (a probability of 0 or 1, a statistic at or beyond the support's edge,
degrees of freedom not above 0, NaN) goes to ``scipy.stats`` itself, so every
value is the one ``scipy.stats`` gives.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["f_isf", "f_ppf", "f_sf", "norm_ppf", "norm_sf", "t_isf", "t_ppf", "t_sf"]


def _inside(*conditions) -> bool:
    with np.errstate(invalid="ignore"):
        return all(bool(np.all(c)) for c in conditions)


def _prob(q) -> np.ndarray:
    return np.asarray(q, dtype=float)


def _stats():
    from scipy import stats

    return stats


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``."""
    q, df = _prob(q), _prob(df)
    if _inside(q > 0, q < 1, df > 0):
        return special.stdtrit(df, q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _stats().t.ppf(q, df)


def t_isf(q, df):
    """``scipy.stats.t.isf(q, df)``."""
    q, df = _prob(q), _prob(df)
    if _inside(q > 0, q < 1, df > 0):
        return (-special.stdtrit(df, q)) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _stats().t.isf(q, df)


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``."""
    x, df = _prob(x), _prob(df)
    if _inside(np.isfinite(x), df > 0):
        return special.stdtr(df, -x)
    return _stats().t.sf(x, df)


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    q = _prob(q)
    if _inside(q > 0, q < 1):
        return special.ndtri(q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _stats().norm.ppf(q)


def norm_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    x = _prob(x)
    if _inside(np.isfinite(x)):
        return special.ndtr(-x)
    return _stats().norm.sf(x)


def f_sf(x, dfn, dfd):
    """``scipy.stats.f.sf(x, dfn, dfd)``."""
    x, dfn, dfd = _prob(x), _prob(dfn), _prob(dfd)
    if _inside(x > 0, np.isfinite(x), dfn > 0, dfd > 0):
        return special.fdtrc(dfn, dfd, x)
    return _stats().f.sf(x, dfn, dfd)


def f_ppf(q, dfn, dfd):
    """``scipy.stats.f.ppf(q, dfn, dfd)``."""
    q, dfn, dfd = _prob(q), _prob(dfn), _prob(dfd)
    if _inside(q > 0, q < 1, dfn > 0, dfd > 0):
        return special.fdtri(dfn, dfd, q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _stats().f.ppf(q, dfn, dfd)


def f_isf(q, dfn, dfd):
    """``scipy.stats.f.isf(q, dfn, dfd)``."""
    q, dfn, dfd = _prob(q), _prob(dfn), _prob(dfd)
    if _inside(q > 0, q < 1, dfn > 0, dfd > 0):
        return special.fdtri(dfn, dfd, 1.0 - q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _stats().f.isf(q, dfn, dfd)
