"""The t, normal and F distribution functions the statistics use, from ``scipy.special``.

``scipy.stats``' distribution methods (``t.ppf``, ``t.sf``, ``f.sf``, …) call
these same ``scipy.special`` functions after checking their arguments and
handling the edges of the support (and scale a quantile by 1 and add 0, which
turns −0 into 0, as done here); each call costs tens of microseconds in
those checks, and the planning tables make thousands, and importing
``scipy.stats`` at all costs 0.5–1 s. Here the special function is called
directly wherever every argument is inside the support; anything else (a
probability of 0 or 1, a statistic at or beyond the support's edge, degrees of
freedom not above 0, NaN) gets what ``scipy.stats``' generic methods
(``rv_continuous.sf``, ``.ppf``, ``.isf``) give there: the support's end, 1 or
0, or NaN. Every value, edges included, is the one ``scipy.stats`` gives, to the
bit (``tests/test_stats_distributions.py``).
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


def _tail(sf, x, args: tuple, valid, lower: float):
    """``rv_continuous.sf`` at any ``x``: ``sf`` inside the support (``lower``, ∞), 1 at or
    below ``lower``, 0 at ∞, NaN where ``x`` is NaN or the arguments are not ``valid``."""
    x, *args = np.broadcast_arrays(x, *args)
    good = np.broadcast_to(valid(*args), x.shape)
    out = np.zeros(x.shape)
    out[~good | np.isnan(x)] = np.nan
    out[good & (x <= lower)] = 1.0
    inside = good & (x > lower) & (x < np.inf)
    if inside.any():
        out[inside] = sf(x[inside], *(a[inside] for a in args))
    return out[()] if out.ndim == 0 else out


def _quantile(quantile, q, args: tuple, valid, at0: float, at1: float):
    """``rv_continuous.ppf`` (or ``.isf``) at any ``q``: ``quantile`` for 0 < q < 1, ``at0``
    and ``at1`` at q = 0 and 1, NaN elsewhere or where the arguments are not ``valid``."""
    q, *args = np.broadcast_arrays(q, *args)
    good = np.broadcast_to(valid(*args), q.shape)
    out = np.full(q.shape, np.nan)
    out[good & (q == 0)] = at0
    out[good & (q == 1)] = at1
    inside = good & (q > 0) & (q < 1)
    if inside.any():
        out[inside] = quantile(q[inside], *(a[inside] for a in args)) * 1.0 + 0.0
    return out[()] if out.ndim == 0 else out


def _positive(*dfs):
    with np.errstate(invalid="ignore"):
        return np.logical_and.reduce([df > 0 for df in dfs]) if dfs else True


def t_ppf(q, df):
    """``scipy.stats.t.ppf(q, df)``."""
    q, df = _prob(q), _prob(df)
    if _inside(q > 0, q < 1, df > 0):
        return special.stdtrit(df, q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _quantile(lambda q, df: special.stdtrit(df, q), q, (df,), _positive,
                     -np.inf, np.inf)


def t_isf(q, df):
    """``scipy.stats.t.isf(q, df)``."""
    q, df = _prob(q), _prob(df)
    if _inside(q > 0, q < 1, df > 0):
        return (-special.stdtrit(df, q)) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _quantile(lambda q, df: -special.stdtrit(df, q), q, (df,), _positive,
                     np.inf, -np.inf)


def t_sf(x, df):
    """``scipy.stats.t.sf(x, df)``."""
    x, df = _prob(x), _prob(df)
    if _inside(np.isfinite(x), df > 0):
        return special.stdtr(df, -x)
    return _tail(lambda x, df: special.stdtr(df, -x), x, (df,), _positive, -np.inf)


def norm_ppf(q):
    """``scipy.stats.norm.ppf(q)``."""
    q = _prob(q)
    if _inside(q > 0, q < 1):
        return special.ndtri(q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _quantile(special.ndtri, q, (), _positive, -np.inf, np.inf)


def norm_sf(x):
    """``scipy.stats.norm.sf(x)``."""
    x = _prob(x)
    if _inside(np.isfinite(x)):
        return special.ndtr(-x)
    return _tail(lambda x: special.ndtr(-x), x, (), _positive, -np.inf)


def f_sf(x, dfn, dfd):
    """``scipy.stats.f.sf(x, dfn, dfd)``."""
    x, dfn, dfd = _prob(x), _prob(dfn), _prob(dfd)
    if _inside(x > 0, np.isfinite(x), dfn > 0, dfd > 0):
        return special.fdtrc(dfn, dfd, x)
    return _tail(lambda x, m, n: special.fdtrc(m, n, x), x, (dfn, dfd), _positive, 0.0)


def f_ppf(q, dfn, dfd):
    """``scipy.stats.f.ppf(q, dfn, dfd)``."""
    q, dfn, dfd = _prob(q), _prob(dfn), _prob(dfd)
    if _inside(q > 0, q < 1, dfn > 0, dfd > 0):
        return special.fdtri(dfn, dfd, q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _quantile(lambda q, m, n: special.fdtri(m, n, q), q, (dfn, dfd), _positive,
                     0.0, np.inf)


def f_isf(q, dfn, dfd):
    """``scipy.stats.f.isf(q, dfn, dfd)``."""
    q, dfn, dfd = _prob(q), _prob(dfn), _prob(dfd)
    if _inside(q > 0, q < 1, dfn > 0, dfd > 0):
        return special.fdtri(dfn, dfd, 1.0 - q) * 1.0 + 0.0  # as scipy.stats: scale 1, loc 0 (−0 → 0)
    return _quantile(lambda q, m, n: special.fdtri(m, n, 1.0 - q), q, (dfn, dfd), _positive,
                     np.inf, 0.0)
