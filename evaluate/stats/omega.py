"""McDonald's omega total from a one-factor model, with a bootstrap interval.

The factor model is fitted by maximum likelihood
(:mod:`evaluate.stats.one_factor`), for the full sample and every bootstrap
resample alike, all resamples at once — and, through :func:`omega_totals`,
those of every scale with the same number of items together, each fit
exactly as it comes out alone; the tests compare the fits with ``statsmodels`` and the omegas and
intervals with R (``lavaan`` + ``semTools``). The resamples themselves are
drawn in :mod:`evaluate.stats.omega_resamples`.
"""

from __future__ import annotations

import hashlib

import numpy as np

from evaluate.stats.omega_resamples import draw_counts, resample_covariances
from evaluate.stats.one_factor import TOLERANCE, discrepancy, fit_one_factor

__all__ = ["OMEGA_MIN_ITEMS", "OMEGA_MIN_N", "omega_total", "omega_totals"]

#: A one-factor model is identified with three or more items.
OMEGA_MIN_ITEMS = 3
#: Fewer complete responses than this and omega is not estimated.
OMEGA_MIN_N = 10
_CI_METHOD = "percentile bootstrap ({n} of {n_boot} resamples of respondents)"
#: Results by (data, settings): the bootstrap refits the model hundreds of times, so the
#: same block analysed again in one process (dashboard and tables) is not refitted.
_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 1024


def _omega_of(lam: np.ndarray, psi: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Omega total from standardized fits and the items' variances (stacked)."""
    with np.errstate(all="ignore"):
        raw = lam * np.sign(lam.sum(axis=-1, keepdims=True)) * np.sqrt(var)
        common = raw.sum(axis=-1) ** 2
        return common / (common + (psi * var).sum(axis=-1))


def _start(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The usual start: residual variances 1 − R²ᵢ = 1/(R⁻¹)ᵢᵢ, loadings √R²ᵢ signed by
    the first principal component."""
    try:
        psi = np.clip(1.0 / np.diag(np.linalg.inv(corr)), 0.05, 0.95)
    except np.linalg.LinAlgError:
        psi = np.full(corr.shape[0], 0.5)
    sign = np.sign(np.linalg.eigh(corr)[1][:, -1])
    sign = sign * (1.0 if sign.sum() >= 0 else -1.0)
    return np.where(sign == 0, 1.0, sign) * np.sqrt(1.0 - psi), psi


def _omega(cov: np.ndarray, nobs: int | None = None):
    """(omega, raw loadings, raw residual variances, (loadings, residual variances), converged).

    One covariance matrix, fitted as every bootstrap resample is (``fit_one_factor``).
    ``nobs`` is not needed (ML estimates do not depend on it) and kept for callers.
    """
    return _omegas([cov])[0]


def _omegas(covs: list[np.ndarray]) -> list[tuple]:
    """:func:`_omega` of each covariance matrix, the matrices of the same size fitted together.

    Each fit in a stack is the fit it would be alone (``groups``), so stacking
    only saves the iteration's overhead.
    """
    out: list = [None] * len(covs)
    by_size: dict[int, list[int]] = {}
    for i, cov in enumerate(covs):
        by_size.setdefault(cov.shape[0], []).append(i)
    for idx in by_size.values():
        var = [np.diag(covs[i]) for i in idx]
        sd = [np.sqrt(v) for v in var]
        corr = [covs[i] / np.outer(s, s) for i, s in zip(idx, sd, strict=True)]
        starts = [_start(r) for r in corr]
        lam, psi, ok = fit_one_factor(np.stack(corr), np.stack([s[0] for s in starts]),
                                       np.stack([s[1] for s in starts]),
                                       groups=np.arange(len(idx)))
        for j, i in enumerate(idx):
            load = -lam[j] if lam[j].sum() < 0 else lam[j]
            omega = float(_omega_of(load, psi[j], var[j]))
            out[i] = omega, load * sd[j], psi[j] * var[j], (load, psi[j]), bool(ok[j])
    return out


def _other_starts(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """One start per item with that item almost all common variance (loading 0.99, the
    others 0.6): where a fit ends at a Heywood case, each basin of the likelihood has one."""
    starts = []
    for j in range(k):
        lam = np.full(k, 0.6)
        lam[j] = 0.99
        starts.append((lam, 1.0 - lam ** 2))
    return starts


def _best_of_other_starts(corr, lam, psi, converged, tol, groups=None) -> None:
    """Refit, from ``_other_starts``, every fit with a residual variance at zero; keep the
    converged fit of lowest discrepancy (in place).

    A likelihood with a Heywood case can have several local maxima (one per item that
    takes all its variance); Newton from the full sample's solution finds the nearest, so
    those fits are started again from each basin and the best kept: the maximum
    likelihood over the starts, the rule ``tests/reference/omega_boot_semtools.R`` follows.
    Every start of every such fit is fitted in one stack (each start of each of
    ``groups`` as a group of its own, as it was fitted alone); the starts are then taken
    in turn, each kept where it beats the best so far.
    """
    again = np.flatnonzero((psi == 0.0).any(axis=1))
    if not again.size:
        return
    m, k = again.size, corr.shape[1]
    c = corr[again]
    starts = _other_starts(k)
    stacked = np.concatenate([c] * len(starts))
    group = np.zeros(m, dtype=np.int64) if groups is None else groups[again]
    span = int(group.max()) + 1
    l2, p2, ok = fit_one_factor(stacked, np.repeat([s[0] for s in starts], m, axis=0),
                                 np.repeat([s[1] for s in starts], m, axis=0), tol=tol,
                                 groups=np.concatenate([group + j * span
                                                        for j in range(len(starts))]))
    f2 = np.where(ok, discrepancy(stacked, l2, p2), np.inf)
    best = np.where(converged[again], discrepancy(c, lam[again], psi[again]), np.inf)
    for j in range(len(starts)):  # the starts in turn (a handful), every fit at once
        part = slice(j * m, (j + 1) * m)
        better = f2[part] < best - 1e-12
        rows = again[better]
        lam[rows], psi[rows], converged[rows] = l2[part][better], p2[part][better], True
        best[better] = f2[part][better]


def _omega_resamples(x: np.ndarray, counts: np.ndarray, start: tuple[np.ndarray, np.ndarray],
                     tol: float = TOLERANCE) -> tuple[np.ndarray, int]:
    """Omega of every bootstrap resample at once, and how many refits did not converge.

    Every resample's covariance matrix (``resample_covariances``) is refitted
    by ``fit_one_factor`` from the full sample's fit ``start`` (standardized
    loadings and residual variances), all
    together with batched eigen-decompositions, each until it meets the same
    tolerance as the point fit. Refits that do not converge within the step
    limit are left out and counted; resamples where an item has no spread
    cannot be fitted and are left out uncounted. ``counts`` (B × n): how often
    each row is drawn in each resample.
    """
    return _bootstraps([(x, counts, start)], tol)[0]


def _bootstraps(jobs: list[tuple], tol: float = TOLERANCE) -> list[tuple[np.ndarray, int]]:
    """:func:`_omega_resamples` of each (x, counts, start), the resamples of every block with
    the same number of items refitted together (each block a group: every fit comes out as
    in its block's own stack). ``counts`` may be ``(n_boot, seed)``: drawn when its block's
    turn comes, so memory holds one block's counts at a time (100,000 respondents: 20 MB a
    block). ``x`` may be a data frame, read into an array when its block's turn comes."""
    out: list = [None] * len(jobs)
    by_size: dict[int, list] = {}
    for i, (x, counts, start) in enumerate(jobs):
        x = _answers(x)
        # drawn here, job by job, when given as (n_boot, seed): only the small covariances of
        # each resample are kept, never every block's B × n counts at once
        if isinstance(counts, tuple):
            counts = draw_counts(x.shape[0], *counts)
        covs = resample_covariances(x, counts)
        del counts
        var = np.einsum("bii->bi", covs)
        keep = (var > 1e-12).all(axis=1)
        covs, var = covs[keep], var[keep]
        sd = np.sqrt(var)
        corr = covs / (sd[:, :, None] * sd[:, None, :])
        by_size.setdefault(x.shape[1], []).append((i, corr, var, start))
    for blocks in by_size.values():
        corr = np.concatenate([b[1] for b in blocks])
        var = np.concatenate([b[2] for b in blocks])
        sizes = [b[1].shape[0] for b in blocks]
        lam0 = np.concatenate([np.broadcast_to(b[3][0], b[1].shape[:2]) for b in blocks])
        psi0 = np.concatenate([np.broadcast_to(b[3][1], b[1].shape[:2]) for b in blocks])
        groups = np.repeat(np.arange(len(blocks)), sizes)
        lam, psi, converged = fit_one_factor(corr, lam0, psi0, tol=tol, groups=groups)
        _best_of_other_starts(corr, lam, psi, converged, tol, groups)
        omega = _omega_of(lam, psi, var)
        ok = converged & np.isfinite(omega)
        ends = np.cumsum(sizes)
        for (i, *_), end, size in zip(blocks, ends, sizes, strict=True):
            part = slice(end - size, end)
            out[i] = omega[part][ok[part]], int((~ok[part]).sum())
    return out


def omega_total(items: np.ndarray, *, n_boot: int = 200, seed: int = 2024,
                confidence: float = 0.95) -> dict:
    """McDonald's omega total of a unit-weighted scale, from a one-factor ML fit.

    Parameters
    ----------
    items : ndarray, shape (n, k)
        Complete answers (no missing values), reverse-keyed items already reversed.
    n_boot : int
        Bootstrap resamples for the interval (0: no interval).
    seed : int
        Seed of the resampling, so the interval is the same on every run.

    Returns
    -------
    dict
        ``omega_total``, ``omega_ci95_low``, ``omega_ci95_high``,
        ``omega_ci_method``, ``n_boot_used`` (resamples in the interval),
        ``n_boot_not_converged`` (refits left out), ``loadings`` (in the items' metric),
        ``residual_variances``, ``note`` (why omega is missing, or an item that
        loads against the others).

    Notes
    -----
    A congeneric one-factor model :math:`x_i = \\mu_i + \\lambda_i F + e_i`
    (:math:`\\mathrm{Var}\\,F = 1`) is fitted by maximum likelihood to the
    correlation matrix and rescaled to the covariance metric (ML estimates
    are scale-free), then

    .. math:: \\omega_t = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\theta_i}

    the share of the variance of the sum (or mean) score that the common
    factor explains, with the model-implied variance in the denominator (R
    ``semTools::compRelSEM(obs.var = FALSE)`` on a ``lavaan::cfa`` fit; the
    tests compare to it). Three or more items are needed for the model to be
    identified. Residual variances are kept at or above zero (``lavaan``'s
    ``bounds = "pos.var"``).

    The interval takes the 2.5th and 97.5th percentiles of omega over
    ``n_boot`` resamples of respondents. Every resample is refitted by the
    same Newton iteration as the point fit, all at once
    (``fit_one_factor``), from the full sample's solution, and must meet the
    same tolerance (no parameter would move by more than ``TOLERANCE`` =
    1e-9, at a minimum); a refit that does not is left out and counted
    (``n_boot_not_converged``; ``n_boot_used`` resamples make the interval,
    which is reported only when they are at least 90% of ``n_boot``).
    Resamples where an item has no spread cannot be fitted and are left out.
    On the demo the bounds agree with ``lavaan`` refits of the same resamples
    to 1e-6 (``tests/reference/omega_boot_semtools.R``).

    References
    ----------
    McDonald, R. P. (1999). Test theory: a unified treatment. Erlbaum.
    Kelley, K., & Pornprasertmanit, S. (2016). Confidence intervals for
    population reliability coefficients: evaluation of methods,
    recommendations, and software for composite measures. Psychological
    Methods, 21(1), 69–92.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=200)
    >>> x = f[:, None] * [0.8, 0.7, 0.6, 0.5] + rng.normal(size=(200, 4)) * 0.6
    >>> r = omega_total(x, n_boot=0)
    >>> round(r["omega_total"], 2)
    0.81
    """
    return omega_totals([items], n_boot=n_boot, seed=seed, confidence=confidence)[0]


def omega_totals(blocks, *, n_boot: int = 200, seed: int = 2024,
                 confidence: float = 0.95) -> list[dict]:
    """:func:`omega_total` of each block of complete answers, the blocks fitted together.

    The same results as one :func:`omega_total` call per block (every fit is
    taken matrix by matrix), in a fraction of the time: the point fits, and
    the bootstrap refits, of every block with the same number of items are
    one stack of Newton iterations.

    ``blocks``: arrays or data frames of answers (respondents × items), each
    read into an array only when its turn comes and let go after, so that
    memory holds one block's array at a time beside the blocks themselves:
    every scale of a national programme (100,000 respondents) is fitted in
    one stack, without a copy of every scale's answers.
    """
    blocks = list(blocks)
    keys = [_key(_answers(b), n_boot, seed, confidence) for b in blocks]
    found = {key: _CACHE[key] for key in keys if key in _CACHE}
    todo = {key: b for key, b in zip(keys, blocks, strict=True) if key not in found}
    for key, out in zip(todo, _omega_totals(list(todo.values()), n_boot=n_boot, seed=seed,
                                            confidence=confidence), strict=True):
        found[key] = out
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = out
    return [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in found[key].items()}
            for key in keys]


def _answers(block) -> np.ndarray:
    """A block of answers (array or data frame) as a C-ordered float64 array."""
    return np.ascontiguousarray(block, dtype="float64")


def _key(x: np.ndarray, n_boot: int, seed: int, confidence: float) -> tuple:
    """The cache key of a block's answers and the bootstrap's settings."""
    return (hashlib.sha1(x.tobytes()).hexdigest(), x.shape, int(n_boot), int(seed),
            float(confidence))


def _omega_totals(blocks: list, *, n_boot: int, seed: int, confidence: float) -> list[dict]:
    outs, fitted = [], []
    for block in blocks:
        x = _answers(block)
        n, k = x.shape
        out = dict(omega_total=np.nan, omega_ci95_low=np.nan, omega_ci95_high=np.nan,
                   omega_ci_method="", n_boot_used=0, n_boot_not_converged=0,
                   loadings=np.full(k, np.nan),
                   residual_variances=np.full(k, np.nan), note="")
        outs.append(out)
        if k < OMEGA_MIN_ITEMS:
            out["note"] = (f"{k}-item scale: omega needs a one-factor model, which needs at "
                           f"least {OMEGA_MIN_ITEMS} items")
            continue
        if n < OMEGA_MIN_N:
            out["note"] = f"only {n} complete responses: omega needs at least {OMEGA_MIN_N}"
            continue
        cov = np.cov(x, rowvar=False)
        if (np.diag(cov) <= 1e-12).any():
            out["note"] = "an item has the same answer from everyone: omega cannot be estimated"
            continue
        fitted.append((out, block, cov))
    jobs, boot = [], []
    for (out, block, _), fit in zip(fitted, _omegas([f[2] for f in fitted]), strict=True):
        omega, lam, theta, standardized, converged = fit
        if not converged:
            out["note"] = ("the one-factor model did not converge: omega cannot be estimated "
                           "reliably")
            continue
        out.update(omega_total=float(omega), loadings=lam, residual_variances=theta)
        if (lam < 0).any():
            worst = int(np.argmin(lam))
            out["note"] = (f"item {worst + 1} of the scale loads against the others: check its "
                           "wording and reverse keying")
        if n_boot > 0:
            jobs.append((block, (n_boot, seed), standardized))
            boot.append(out)
    for out, (reps, failed) in zip(boot, _bootstraps(jobs), strict=True):
        out["n_boot_used"] = int(reps.size)
        out["n_boot_not_converged"] = failed
        if reps.size >= 0.9 * n_boot:
            q = (1 - confidence) / 2
            out["omega_ci95_low"], out["omega_ci95_high"] = (
                float(v) for v in np.quantile(reps, [q, 1 - q]))
            out["omega_ci_method"] = _CI_METHOD.format(n=reps.size, n_boot=n_boot)
            if failed:
                out["omega_ci_method"] += (f"; {failed} refit{'s' if failed != 1 else ''} "
                                           "did not converge and were left out")
    return outs
