"""The paired statistics of :func:`evaluate.stats.paired.paired_change` for many groups at once.

``paired_by_group`` computes, for every group of people, exactly the columns
``_paired_core`` computes for one: group sums (``np.bincount``), one sort for
the signed ranks of all groups, and a vectorised root search for the d_z
intervals. No loop over groups except the exact Wilcoxon p-value
(:func:`~evaluate.stats.ranktests.signed_rank_exact_p`), which is only asked for
where a group has fewer than 50 differences.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from evaluate.stats.base import _TOL
from evaluate.stats.distributions import norm_ppf, norm_sf, t_ppf, t_sf
from evaluate.stats.paired import (
    _REASON_T,
    _REASON_W,
    _T,
    _TEXT_COLUMNS,
    _W,
    PAIRED_COLUMNS,
)
from evaluate.stats.ranktests import signed_rank_exact_p

__all__ = ["paired_by_group"]

_NOTE_NO_SPREAD = ("every pair changed by exactly the same amount, so the differences have "
                   "no spread: t, its p-value and d_z are undefined")
_NOTE_NO_SD = "no spread at either wave: d_av and g_av are undefined"
_NOTE_NO_CHANGE = "no one's answer changed: the Wilcoxon test is undefined"
_NORMAL = "normal approximation (continuity and tie corrected)"


def _sums(codes: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(codes, weights=values, minlength=k)


def _nct_noncentrality_many(t_obs: np.ndarray, df: np.ndarray, q: float) -> np.ndarray:
    """λ with P(T(df, λ) ≤ t_obs) = q for every element; NaN where no bracket is found.

    The vectorised twin of :func:`evaluate.stats.paired._nct_noncentrality`: the
    same start (CDFLIB's inverse), the same three bracket widths, then the
    Illinois variant of false position on the bracket to 1e-13, all elements at once.
    """
    def f(nc, at=slice(None)):
        return special.nctdtr(df[at], nc, t_obs[at]) - q

    guess = special.nctdtrinc(df, np.full_like(t_obs, q), t_obs)
    guess = np.where(np.isfinite(guess), guess, t_obs)
    # each bracket's ends and their f, tried only where no bracket is found yet (the f of
    # an element is the same whichever others are computed with it)
    lo, hi, f_lo, f_hi = (np.full_like(t_obs, np.nan) for _ in range(4))
    found = np.zeros(t_obs.shape, dtype=bool)
    for scale in (1e-3, 0.1, 10.0):
        todo = np.flatnonzero(~found)
        width = scale * (1 + np.abs(guess[todo]))
        a, b = guess[todo] - width, guess[todo] + width
        fa, fb = f(a, todo), f(b, todo)
        ok = np.isfinite(fa) & np.isfinite(fb) & (fa > 0) & (fb < 0)
        now = todo[ok]
        lo[now], hi[now], f_lo[now], f_hi[now] = a[ok], b[ok], fa[ok], fb[ok]
        found[now] = True
    out = np.full_like(t_obs, np.nan)
    at = np.flatnonzero(found)
    a, b, fa, fb = lo[at], hi[at], f_lo[at], f_hi[at]
    side = np.zeros(a.shape, dtype=int)
    for _ in range(200):
        if not at.size:
            break
        x = (a * fb - b * fa) / (fb - fa)
        bad = ~np.isfinite(x) | (x <= a) | (x >= b)
        x = np.where(bad, (a + b) / 2, x)
        fx = f(x, at)
        left = fx > 0  # the root lies between x and b: x becomes a
        fb = np.where(left & (side == 1), fb / 2, fb)
        fa = np.where(~left & (side == -1), fa / 2, fa)
        a, fa = np.where(left, x, a), np.where(left, fx, fa)
        b, fb = np.where(left, b, x), np.where(left, fb, fx)
        side = np.where(left, 1, -1)
        done = (b - a <= 1e-13 + 1e-13 * np.abs(x)) | (fx == 0)
        out[at[done]] = x[done]
        keep = ~done
        at, a, b, fa, fb, side = at[keep], a[keep], b[keep], fa[keep], fb[keep], side[keep]
    return out


def _dz_ci_many(t_obs: np.ndarray, n: np.ndarray, confidence: float):
    """(low, high, method) of d_z for every group, as ``_dz_ci`` computes them one at a time."""
    df = (n - 1).astype("float64")
    lower_q, upper_q = 1 - (1 - confidence) / 2, (1 - confidence) / 2
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lo = _nct_noncentrality_many(t_obs, df, lower_q)
        hi = _nct_noncentrality_many(t_obs, df, upper_q)
    ok = np.isfinite(lo) & np.isfinite(hi) & (lo <= hi)
    root = np.sqrt(n)
    dz = t_obs / root
    se = np.sqrt(1.0 / n + dz * dz / (2.0 * n))
    z = norm_ppf(lower_q)
    low = np.where(ok, lo / root, dz - z * se)
    high = np.where(ok, hi / root, dz + z * se)
    method = np.where(ok, "noncentral t", "normal approximation").astype(object)
    return low, high, method


def _wilcoxon_many(d: np.ndarray, codes: np.ndarray, k: int, n: np.ndarray):
    """Signed-rank statistics of every group, as ``_wilcoxon`` computes them one at a time.

    Differences within ``_TOL`` of zero are dropped and absolute differences
    chained within ``_TOL`` of each other are ties, both within each group; one
    lexicographic sort ranks every group.
    """
    w_plus = np.full(k, np.nan)
    p = np.full(k, np.nan)
    method = np.full(k, "", dtype=object)
    rbc = np.full(k, np.nan)
    nz = np.abs(d) > _TOL
    dn, gn = d[nz], codes[nz]
    m = np.bincount(gn, minlength=k)
    if not dn.size:
        return w_plus, p, method, rbc
    a = np.abs(dn)
    order = np.lexsort((a, gn))
    a_s, g_s, pos_s = a[order], gn[order], dn[order] > 0
    start = np.concatenate([[0], np.cumsum(m)[:-1]])
    new_group = np.concatenate([[True], g_s[1:] != g_s[:-1]])
    new_tie = new_group | np.concatenate([[True], np.diff(a_s) > _TOL])
    tie_id = np.cumsum(new_tie) - 1
    local = np.arange(a_s.size) - start[g_s] + 1.0  # 1-based position within its group
    tie_first = np.flatnonzero(new_tie)
    tie_size = np.diff(np.concatenate([tie_first, [a_s.size]]))
    tie_rank = local[tie_first] + (tie_size - 1) / 2.0  # average rank of each tie block
    ranks = tie_rank[tie_id]
    has = m > 0
    w_plus[has] = _sums(g_s, np.where(pos_s, ranks, 0.0), k)[has]
    w_minus = _sums(g_s, np.where(pos_s, 0.0, ranks), k)
    with np.errstate(all="ignore"):
        rbc[has] = ((w_plus - w_minus) / (w_plus + w_minus))[has]
    tie_group = g_s[tie_first]
    any_ties = np.bincount(tie_group, weights=(tie_size > 1).astype(float), minlength=k) > 0
    t3 = np.bincount(tie_group, weights=tie_size.astype(float) ** 3 - tie_size, minlength=k)
    exact = has & (m < 50) & ~any_ties & (m == n)
    for g in np.flatnonzero(exact):  # only groups with fewer than 50 differences, none tied
        p[g] = signed_rank_exact_p(w_plus[g], int(m[g]))
        method[g] = "exact"
    normal = has & ~exact
    mm = m.astype("float64")
    mean = mm * (mm + 1) / 4.0
    var = mm * (mm + 1) * (2 * mm + 1) / 24.0 - t3 / 48.0
    with np.errstate(all="ignore"):
        diff = w_plus - mean
        zval = (diff - 0.5 * np.sign(diff)) / np.sqrt(var)
        pn = np.minimum(1.0, 2.0 * norm_sf(np.abs(zval)))
    use = normal & (var > 0)
    p[use] = pn[use]
    method[use] = _NORMAL
    return w_plus, p, method, rbc


def paired_by_group(pre, post, codes, n_groups: int, *, ordinal: bool,
                    higher_is_better: bool = True, reason: str | None = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Every paired statistic for each group: one row per group, columns :data:`PAIRED_COLUMNS`.

    Parameters
    ----------
    pre, post : array of float
        One value per person at each wave; pairs with a missing value are left out.
    codes : array of int
        Each person's group, ``0 … n_groups - 1``.
    n_groups : int
        Number of groups (rows returned, including groups without pairs).
    ordinal, higher_is_better, reason, confidence
        As for ``_paired_core``.

    Returns
    -------
    DataFrame
        Row ``g`` holds what ``_paired_core(pre[codes == g], post[codes == g])``
        returns (to floating-point rounding: group sums are added in another
        order), including its notes. Checked against ``_paired_core`` group
        by group and against R (``t.test``, ``wilcox.test``, ``effectsize``)
        in the tests.

    Examples
    --------
    >>> t = paired_by_group([1., 2, 3, 4, 2, 3], [2., 2, 5, 4, 4, 6], [0, 0, 0, 1, 1, 1], 2,
    ...                     ordinal=False)
    >>> t["n_pairs"].tolist(), t["mean_diff"].round(3).tolist()
    ([3, 3], [1.0, 1.667])
    """
    pre = np.asarray(pre, dtype="float64")
    post = np.asarray(post, dtype="float64")
    codes = np.asarray(codes, dtype=np.intp)
    k = int(n_groups)
    keep = ~(np.isnan(pre) | np.isnan(post))
    pre, post, codes = pre[keep], post[keep], codes[keep]
    n_int = np.bincount(codes, minlength=k)
    n = n_int.astype("float64")
    out: dict = {c: np.full(k, np.nan) for c in PAIRED_COLUMNS if c not in _TEXT_COLUMNS}
    for c in _TEXT_COLUMNS:
        out[c] = np.full(k, "", dtype=object)
    out["n_pairs"] = n_int.astype("int64")
    out["headline_test"][:] = _W if ordinal else _T
    out["headline_reason"][:] = reason or (_REASON_W if ordinal else _REASON_T)
    d = post - pre
    with np.errstate(all="ignore"):
        mean_pre, mean_post, mean_d = (_sums(codes, v, k) / n for v in (pre, post, d))

        def sd(v, mu):
            return np.sqrt(_sums(codes, (v - mu[codes]) ** 2, k) / (n - 1))

        sd_pre, sd_post, sd_d = sd(pre, mean_pre), sd(post, mean_post), sd(d, mean_d)
    some, two, three = n >= 1, n >= 2, n >= 3
    out["mean_pre"][some], out["mean_post"][some] = mean_pre[some], mean_post[some]
    out["mean_diff"][some] = mean_d[some]
    out["sd_pre"][two], out["sd_post"][two], out["sd_diff"][two] = sd_pre[two], sd_post[two], sd_d[two]
    signed = d if higher_is_better else -d
    with np.errstate(all="ignore"):
        improved = _sums(codes, (signed > _TOL).astype(float), k) / n
        declined = _sums(codes, (signed < -_TOL).astype(float), k) / n
    out["share_improved"][some], out["share_declined"][some] = improved[some], declined[some]
    out["share_same"][some] = 1.0 - improved[some] - declined[some]
    out["note"][~some] = "no one answered this at both waves, so there is nothing to compare"
    for g in np.flatnonzero(some & ~three):
        c = int(n_int[g])
        out["note"][g] = (f"only {c} pair{'s' if c != 1 else ''}: at least 3 are needed for a test "
                          "or an effect size")
    if not three.any():
        return _frame(out)

    idx = np.flatnonzero(three)
    nn, dof = n[idx], n[idx] - 1
    sdd, md = sd_d[idx], mean_d[idx]
    se = sdd / np.sqrt(nn)
    tcrit = t_ppf(1 - (1 - confidence) / 2, dof)
    out["ci95_low"][idx], out["ci95_high"][idx] = md - tcrit * se, md + tcrit * se
    out["dof"][idx] = dof
    sd_av = (sd_pre[idx] + sd_post[idx]) / 2.0
    notes = [[] for _ in idx]
    spread = sdd > _TOL
    if spread.any():
        s = idx[spread]
        t_obs = md[spread] / se[spread]
        out["t"][s] = t_obs
        out["p_val"][s] = 2.0 * t_sf(np.abs(t_obs), dof[spread])
        out["dz"][s] = md[spread] / sdd[spread]
        lo, hi, method = _dz_ci_many(t_obs, nn[spread], confidence)
        out["dz_ci95_low"][s], out["dz_ci95_high"][s], out["dz_ci_method"][s] = lo, hi, method
    for i in np.flatnonzero(~spread):
        notes[i].append(_NOTE_NO_SPREAD)
    has_sd = sd_av > _TOL
    j = 1.0 - 3.0 / (4.0 * dof - 1.0)
    with np.errstate(all="ignore"):
        d_av = md / sd_av
        scale = sdd / sd_av * j
    s = idx[has_sd]
    out["d_av"][s] = d_av[has_sd]
    out["g_av"][s] = (d_av * j)[has_sd]
    ci = has_sd & np.isfinite(out["dz_ci95_low"][idx])
    s = idx[ci]
    out["g_av_ci95_low"][s] = out["dz_ci95_low"][s] * scale[ci]
    out["g_av_ci95_high"][s] = out["dz_ci95_high"][s] * scale[ci]
    for i in np.flatnonzero(~has_sd):
        notes[i].append(_NOTE_NO_SD)
    sel = three[codes]
    w, p_w, w_method, rbc = _wilcoxon_many(d[sel], codes[sel], k, n_int)
    undefined = np.isnan(w[idx])
    ok = idx[~undefined]
    out["w_stat"][ok], out["p_wilcoxon"][ok] = w[ok], p_w[ok]
    out["wilcoxon_method"][ok], out["rank_biserial"][ok] = w_method[ok], rbc[ok]
    for i in np.flatnonzero(undefined):
        notes[i].append(_NOTE_NO_CHANGE)
    out["p_headline"][idx] = out["p_wilcoxon"][idx] if ordinal else out["p_val"][idx]
    for i, g in enumerate(idx):
        out["note"][g] = "; ".join(notes[i])
    return _frame(out)


def _frame(out: dict) -> pd.DataFrame:
    return pd.DataFrame({c: out[c] for c in PAIRED_COLUMNS})
