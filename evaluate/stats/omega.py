"""McDonald's omega total from a one-factor model, with a bootstrap interval.

The factor model is fitted by maximum likelihood with Newton's method on the
exact Hessian, for the full sample and every bootstrap resample alike, all
resamples at once; the tests compare the fits with ``statsmodels`` and the
omegas and intervals with R (``lavaan`` + ``semTools``).
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["OMEGA_MIN_ITEMS", "OMEGA_MIN_N", "omega_total"]

#: A one-factor model is identified with three or more items.
OMEGA_MIN_ITEMS = 3
#: Fewer complete responses than this and omega is not estimated.
OMEGA_MIN_N = 10
_CI_METHOD = "percentile bootstrap ({n} of {n_boot} resamples of respondents)"
#: Results by (data, settings): the bootstrap refits the model hundreds of times, so the
#: same block analysed again in one process (dashboard and tables) is not refitted.
_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 1024


#: A fit has converged when Newton's next step would move no parameter (standardized
#: loadings and residual variances) by more than this, at a minimum of the discrepancy
#: (the point fit and every bootstrap refit alike).
TOLERANCE = 1e-9
_MAX_STEPS = 100
_HALVINGS = 30


def _implied(lam: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """Σ = λλᵀ + diag(ψ) for stacks of loadings and residual variances."""
    sigma = lam[:, :, None] * lam[:, None, :]
    k = lam.shape[1]
    sigma[:, np.arange(k), np.arange(k)] += psi
    return sigma


def _discrepancy(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """ML discrepancy log|Σ| + tr(RΣ⁻¹) (up to a constant); infinite where Σ is not positive."""
    values, vectors = np.linalg.eigh(_implied(lam, psi))
    with np.errstate(all="ignore"):
        spread = np.einsum("bji,bjk,bki->bi", vectors, corr, vectors)  # vᵢᵀ R vᵢ
        value = np.log(values).sum(axis=1) + (spread / values).sum(axis=1)
    # (numerically) singular Σ: the discrepancy is infinite there, whatever rounding says
    sound = values[:, 0] > 1e-10 * np.abs(values[:, -1])
    return np.where(sound & np.isfinite(value), value, np.inf)


def _gradient_hessian(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray):
    """Exact gradient and Hessian of the discrepancy in (λ, ψ), for a stack of fits.

    With P = Σ⁻¹, G = P − PRP and Σₐ = ∂Σ/∂θₐ: gₐ = tr(G Σₐ) and
    Hₐ_c = tr(G Σₐ_c) − tr(PΣₐPΣ_c) + tr(PΣₐ PRP Σ_c) + tr(PRP Σₐ PΣ_c).
    """
    b, k = lam.shape
    inv = np.linalg.inv(_implied(lam, psi))
    outer = inv @ corr @ inv
    g_mat = inv - outer
    eye = np.eye(k)
    d = np.zeros((b, 2 * k, k, k))
    d[:, :k] = (eye[None, :, :, None] * lam[:, None, None, :]
                + lam[:, None, :, None] * eye[None, :, None, :])
    d[:, k:] = eye[:, :, None] * eye[:, None, :]
    grad = np.einsum("bij,baji->ba", g_mat, d)
    a_mat, c_mat = inv[:, None] @ d, outer[:, None] @ d
    hess = (np.einsum("baij,bcji->bac", c_mat, a_mat) * 2
            - np.einsum("baij,bcji->bac", a_mat, a_mat))
    hess = (hess + hess.transpose(0, 2, 1)) / 2
    hess[:, :k, :k] += 2 * g_mat
    return grad, hess


def _fit_one_factor(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray,
                    tol: float = TOLERANCE, max_steps: int = _MAX_STEPS):
    """One-factor maximum-likelihood fits of a stack of correlation matrices, all at once.

    Minimizes the ML discrepancy log|Σ| + tr(RΣ⁻¹), Σ = λλᵀ + diag(ψ), by
    Newton's method with the exact Hessian (``_gradient_hessian``; shifted to
    positive definite where it is not) and step halving until the
    discrepancy falls, every fit in the stack at once. Residual variances
    are kept at or above zero (``lavaan``'s ``bounds = "pos.var"``, which the
    tests compare; statsmodels' parametrization ψ = s² does the same): a
    resample where an item would explain more than all of its own variance
    (a Heywood case, common in resamples of three-item scales) is fitted
    with that residual variance at zero, held there while the gradient
    pushes it below (projected Newton). A fit stops on its own when Newton's
    step moves no free parameter by more than ``tol`` and the Hessian is
    positive definite; fits still moving after ``max_steps`` are reported
    as not converged.

    Parameters
    ----------
    corr : ndarray, shape (B, k, k)
    lam, psi : ndarray, shape (B, k) or (k,)
        Starting loadings and residual variances (standardized metric).

    Returns
    -------
    lam, psi : ndarray, shape (B, k)
    converged : ndarray of bool, shape (B,)
    """
    b, k = corr.shape[:2]
    lam = np.broadcast_to(lam, (b, k)).astype("float64")
    psi = np.broadcast_to(psi, (b, k)).astype("float64")
    converged = np.zeros(b, dtype=bool)
    live = np.arange(b)
    with np.errstate(all="ignore"):
        for _ in range(max_steps + 1):
            if not live.size:
                break
            c, lv, pv = corr[live], lam[live], psi[live]
            grad, hess = _gradient_hessian(c, lv, pv)
            # residual variances at zero that the discrepancy would take below it stay there
            held = np.zeros((live.size, 2 * k), dtype=bool)
            held[:, k:] = (pv <= tol) & (grad[:, k:] > 0.0)
            if held.any():  # within the tolerance of zero and pushed below it: at zero
                pv = np.where(held[:, k:], 0.0, pv)
                psi[live] = pv
                grad, hess = _gradient_hessian(c, lv, pv)
            free = ~held
            hess = np.where(free[:, :, None] & free[:, None, :], hess, np.eye(2 * k))
            grad_free = np.where(free, grad, 0.0)
            sound = np.isfinite(hess).all(axis=(1, 2)) & np.isfinite(grad).all(axis=1)
            hess[~sound], grad_free[~sound] = np.eye(2 * k), 0.0
            values, vectors = np.linalg.eigh(hess)
            # Newton where the Hessian is positive definite; elsewhere its eigenvalues'
            # absolute values (kept off zero), a descent direction all the same
            convex = values[:, 0] > 1e-8
            floor = 1e-4 * np.abs(values).max(axis=1, keepdims=True)
            values = np.where(convex[:, None], values, np.maximum(np.abs(values), floor))
            step = -np.einsum("bij,bj,bkj,bk->bi", vectors, 1.0 / values, vectors, grad_free)
            done = (np.abs(step).max(axis=1) <= tol) & convex & sound
            converged[live[done]] = True
            go = ~done
            live, c, lv, pv = live[go], c[go], lv[go], pv[go]
            step, grad_free = step[go], grad_free[go]
            if not live.size or _ == max_steps:
                break
            before = _discrepancy(c, lv, pv)
            slope = (grad_free * step).sum(axis=1)
            size = np.ones(live.size)
            pending = np.ones(live.size, dtype=bool)
            for _h in range(_HALVINGS):  # largest step (1, ½, ¼ …) that lowers the discrepancy
                idx = np.flatnonzero(pending)
                trial = _discrepancy(c[idx], lv[idx] + size[idx, None] * step[idx, :k],
                                     np.clip(pv[idx] + size[idx, None] * step[idx, k:], 0.0, None))
                # Armijo's rule, allowing for rounding: near the minimum a Newton step
                # lowers the discrepancy by less than its last digit
                ok = trial <= (before[idx] + 1e-4 * size[idx] * np.minimum(slope[idx], 0.0)
                               + 1e-13 * np.abs(before[idx]))
                pending[idx[ok]] = False
                size[idx[~ok]] /= 2
                if not pending.any():
                    break
            lam[live] = lv + size[:, None] * step[:, :k]
            psi[live] = np.clip(pv + size[:, None] * step[:, k:], 0.0, None)
            live = live[~pending]  # no step lowers the discrepancy: stuck, not converged
    return lam, psi, converged


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

    One covariance matrix, fitted as every bootstrap resample is (``_fit_one_factor``).
    ``nobs`` is not needed (ML estimates do not depend on it) and kept for callers.
    """
    var = np.diag(cov)
    sd = np.sqrt(var)
    corr = cov / np.outer(sd, sd)
    lam, psi, ok = _fit_one_factor(corr[None], *_start(corr))
    lam, psi = lam[0], psi[0]
    load = -lam if lam.sum() < 0 else lam
    omega = float(_omega_of(load, psi, var))
    return omega, load * sd, psi * var, (load, psi), bool(ok[0])


def _counts(draws, n_boot: int, n: int) -> np.ndarray:
    """How often each of ``n`` rows is drawn in each of ``n_boot`` resamples (rows of row numbers).

    B × n small integers (one byte each unless a row is drawn more than 255 times).
    """
    counts = np.zeros((n_boot, n), dtype=np.uint8)
    for b, row in enumerate(draws):  # one bincount per resample, not per person
        c = np.bincount(row, minlength=n)
        if c.max() > np.iinfo(counts.dtype).max:
            counts = counts.astype(np.uint32)
        counts[b] = c
    return counts


#: The last resample counts drawn: (n, n_boot, seed) → B × n counts. Every scale of a wave
#: with the same number of complete answers resamples the same rows, so they are drawn once.
_DRAWN: dict[tuple, np.ndarray] = {}


def _draw_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    """The counts of ``default_rng(seed).integers(0, n, size=(n_boot, n))``, drawn a row at a time.

    A row at a time gives the same numbers as the whole array at once (the
    tests check it) without holding the B × n array of row numbers.
    """
    key = (int(n), int(n_boot), int(seed))
    if key not in _DRAWN:
        rng = np.random.default_rng(seed)
        counts = _counts((rng.integers(0, n, size=n) for _ in range(n_boot)), n_boot, n)
        _DRAWN.clear()
        _DRAWN[key] = counts
    return _DRAWN[key]


def _patterns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with the same values: (a row of each pattern, each row's pattern number).

    Each column's values are numbered, the numbers combined into one integer
    per row, and those numbered: one-dimensional sorts instead of a sort of
    whole rows (``np.unique(axis=0)``, ten times slower at 100,000 rows).
    """
    key = np.zeros(x.shape[0], dtype=np.int64)
    size = 1
    for column in x.T:
        values, codes = np.unique(column, return_inverse=True)
        if size * values.size >= 2**62:  # too many combinations for one integer
            _, first, inverse = np.unique(x, axis=0, return_index=True, return_inverse=True)
            return first, inverse.ravel()
        key = key * values.size + codes
        size *= values.size
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse


def _resample_covariances(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
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
        weights = np.empty((counts.shape[0], first.size))
        for b, row in enumerate(counts):  # one weighted bincount per resample
            weights[b] = np.bincount(inverse, weights=row, minlength=first.size)
    else:
        patterns, weights = x, counts.astype(np.float64)
    y = patterns - x.mean(axis=0)
    p = y.shape[0]
    means = weights @ y / n
    second = (weights @ (y[:, :, None] * y[:, None, :]).reshape(p, k * k)).reshape(-1, k, k)
    return (second - n * means[:, :, None] * means[:, None, :]) / (n - 1)


def _other_starts(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """One start per item with that item almost all common variance (loading 0.99, the
    others 0.6): where a fit ends at a Heywood case, each basin of the likelihood has one."""
    starts = []
    for j in range(k):
        lam = np.full(k, 0.6)
        lam[j] = 0.99
        starts.append((lam, 1.0 - lam ** 2))
    return starts


def _best_of_other_starts(corr, lam, psi, converged, tol) -> None:
    """Refit, from ``_other_starts``, every fit with a residual variance at zero; keep the
    converged fit of lowest discrepancy (in place).

    A likelihood with a Heywood case can have several local maxima (one per item that
    takes all its variance); Newton from the full sample's solution finds the nearest, so
    those fits are started again from each basin and the best kept: the maximum
    likelihood over the starts, the rule ``tests/reference/omega_boot_semtools.R`` follows.
    """
    again = np.flatnonzero((psi == 0.0).any(axis=1))
    if not again.size:
        return
    c = corr[again]
    best = np.where(converged[again], _discrepancy(c, lam[again], psi[again]), np.inf)
    for start in _other_starts(corr.shape[1]):
        l2, p2, ok = _fit_one_factor(c, *start, tol=tol)
        f2 = np.where(ok, _discrepancy(c, l2, p2), np.inf)
        better = f2 < best - 1e-12
        rows = again[better]
        lam[rows], psi[rows], converged[rows], best[better] = l2[better], p2[better], True, \
            f2[better]


def _omega_resamples(x: np.ndarray, counts: np.ndarray, start: tuple[np.ndarray, np.ndarray],
                     tol: float = TOLERANCE) -> tuple[np.ndarray, int]:
    """Omega of every bootstrap resample at once, and how many refits did not converge.

    Every resample's covariance matrix (``_resample_covariances``) is refitted
    by ``_fit_one_factor`` from the full sample's fit ``start`` (standardized
    loadings and residual variances), all
    together with batched eigen-decompositions, each until it meets the same
    tolerance as the point fit. Refits that do not converge within the step
    limit are left out and counted; resamples where an item has no spread
    cannot be fitted and are left out uncounted. ``counts`` (B × n): how often
    each row is drawn in each resample.
    """
    covs = _resample_covariances(x, counts)
    var = np.einsum("bii->bi", covs)
    keep = (var > 1e-12).all(axis=1)
    covs, var = covs[keep], var[keep]
    sd = np.sqrt(var)
    corr = covs / (sd[:, :, None] * sd[:, None, :])
    lam, psi, converged = _fit_one_factor(corr, *start, tol=tol)
    _best_of_other_starts(corr, lam, psi, converged, tol)
    omega = _omega_of(lam, psi, var)
    ok = converged & np.isfinite(omega)
    return omega[ok], int((~ok).sum())


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
    (``_fit_one_factor``), from the full sample's solution, and must meet the
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
    x = np.ascontiguousarray(items, dtype="float64")
    key = (hashlib.sha1(x.tobytes()).hexdigest(), x.shape, int(n_boot), int(seed), float(confidence))
    if key in _CACHE:
        return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in _CACHE[key].items()}
    out = _omega_total(x, n_boot=n_boot, seed=seed, confidence=confidence)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = out
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in out.items()}


def _omega_total(x: np.ndarray, *, n_boot: int, seed: int, confidence: float) -> dict:
    n, k = x.shape
    out = dict(omega_total=np.nan, omega_ci95_low=np.nan, omega_ci95_high=np.nan,
               omega_ci_method="", n_boot_used=0, n_boot_not_converged=0,
               loadings=np.full(k, np.nan),
               residual_variances=np.full(k, np.nan), note="")
    if k < OMEGA_MIN_ITEMS:
        out["note"] = (f"{k}-item scale: omega needs a one-factor model, which needs at least "
                       f"{OMEGA_MIN_ITEMS} items")
        return out
    if n < OMEGA_MIN_N:
        out["note"] = f"only {n} complete responses: omega needs at least {OMEGA_MIN_N}"
        return out
    cov = np.cov(x, rowvar=False)
    if (np.diag(cov) <= 1e-12).any():
        out["note"] = "an item has the same answer from everyone: omega cannot be estimated"
        return out
    omega, lam, theta, standardized, converged = _omega(cov, n)
    if not converged:
        out["note"] = ("the one-factor model did not converge: omega cannot be estimated "
                       "reliably")
        return out
    out.update(omega_total=float(omega), loadings=lam, residual_variances=theta)
    if (lam < 0).any():
        worst = int(np.argmin(lam))
        out["note"] = (f"item {worst + 1} of the scale loads against the others: check its "
                       "wording and reverse keying")
    if n_boot > 0:
        counts = _draw_counts(n, n_boot, seed)
        reps, failed = _omega_resamples(x, counts, start=standardized)
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
    return out
