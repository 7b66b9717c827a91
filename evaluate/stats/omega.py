"""McDonald's omega total from a one-factor model, with a bootstrap interval.

The factor model is fitted by maximum likelihood with ``statsmodels``
(``statsmodels.multivariate.factor.Factor``, a dependency of pingouin that is
already installed); this module only turns the fitted loadings and
uniquenesses into omega and resamples respondents for its interval.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
from statsmodels.multivariate.factor import Factor

__all__ = ["OMEGA_MIN_ITEMS", "OMEGA_MIN_N", "omega_total"]

#: A one-factor model is identified with three or more items.
OMEGA_MIN_ITEMS = 3
#: Fewer complete responses than this and omega is not estimated.
OMEGA_MIN_N = 10
_CI_METHOD = "percentile bootstrap ({n} resamples of respondents)"
#: Results by (data, settings): the bootstrap refits the model hundreds of times, so the
#: same block analysed again in one process (dashboard and tables) is not refitted.
_CACHE: dict[tuple, dict] = {}
_CACHE_SIZE = 1024


def _fit(corr: np.ndarray, nobs: int, start=None, gtol: float = 1e-10):
    """Loadings and uniquenesses of a one-factor ML fit to a correlation matrix."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        model = Factor(endog=None, corr=corr, nobs=nobs, n_factor=1, method="ml")
        res = model.fit(start=start, rng=0, opt={"gtol": gtol, "maxiter": 500})
    return np.asarray(res.loadings[:, 0], dtype="float64"), np.asarray(res.uniqueness, "float64")


def _omega(cov: np.ndarray, nobs: int, start=None, gtol: float = 1e-10):
    """(omega, raw loadings, raw residual variances, standardized fit) for one covariance matrix."""
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    load, uniq = _fit(corr, nobs, start, gtol)
    if load.sum() < 0:
        load = -load
    lam = load * sd  # back to the items' own metric: ML is scale-free
    theta = uniq * sd * sd
    common = lam.sum() ** 2
    return common / (common + theta.sum()), lam, theta, (load, uniq)


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


def _omega_resamples(x: np.ndarray, counts: np.ndarray, start: np.ndarray,
                     tol: float = 1e-7, max_iter: int = 1000) -> np.ndarray:
    """Omega of every bootstrap resample at once, by the ML fixed point of a one-factor model.

    At a maximum-likelihood solution the standardized uniquenesses Ψ satisfy
    λ = Ψ^½ v √(θ − 1) with θ, v the largest eigenvalue and vector of
    Ψ^-½ R Ψ^-½, and Ψ = 1 − λ² (Lawley & Maxwell 1971, ch. 2); iterating
    these two equations from the full sample's solution, for all resamples
    at once with batched eigen-decompositions, replaces one optimiser run per
    resample. Uniquenesses are kept at or above 0.005, as statsmodels does.
    Each resample stops when its own uniquenesses move by less than ``tol``
    (the others go on without it; a few slow ones no longer keep every
    resample iterating: three times faster on the demo, intervals within
    1e-6 of iterating all until the slowest stops there, 1e-5 on scales with
    almost no common factor), or after ``max_iter``.
    Resamples where an item has no spread are dropped. ``counts`` (B × n): how
    often each row is drawn in each resample.
    """
    covs = _resample_covariances(x, counts)
    var = np.einsum("bii->bi", covs)
    keep = (var > 1e-12).all(axis=1)
    covs, var = covs[keep], var[keep]
    sd = np.sqrt(var)
    corr = covs / (sd[:, :, None] * sd[:, None, :])
    psi = np.broadcast_to(np.clip(start, 0.005, 1.0), var.shape).copy()
    lam = np.zeros_like(psi)
    live = np.arange(psi.shape[0])  # resamples still moving
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            if not live.size:
                break
            root = np.sqrt(psi[live])
            scaled = corr[live] / (root[:, :, None] * root[:, None, :])
            values, vectors = np.linalg.eigh(scaled)
            top, v = values[:, -1], vectors[:, :, -1]
            step = root * v * np.sqrt(np.clip(top - 1.0, 0.0, None))[:, None]
            new = np.clip(1.0 - step ** 2, 0.005, 1.0)
            done = np.abs(new - psi[live]).max(axis=1) < tol
            psi[live], lam[live] = new, step
            live = live[~done]
        lam = lam * np.sign(lam.sum(axis=1, keepdims=True))
        raw = lam * sd
        common = raw.sum(axis=1) ** 2
        omega = common / (common + (psi * var).sum(axis=1))
    return omega[np.isfinite(omega)]


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
        ``omega_ci_method``, ``loadings`` (in the items' metric),
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
    identified. The interval takes the 2.5th and 97.5th percentiles of omega
    over ``n_boot`` resamples of respondents, all refitted together by the
    maximum-likelihood fixed point from the full sample's solution, each
    until its uniquenesses move by less than 1e-7 (see ``_omega_resamples``;
    on the demo each replicate agrees with a statsmodels refit to 1e-6);
    resamples where the model cannot be fitted (an item without spread) are
    skipped.

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
               omega_ci_method="", loadings=np.full(k, np.nan),
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
    omega, lam, theta, _ = _omega(cov, n)
    out.update(omega_total=float(omega), loadings=lam, residual_variances=theta)
    if (lam < 0).any():
        worst = int(np.argmin(lam))
        out["note"] = (f"item {worst + 1} of the scale loads against the others: check its "
                       "wording and reverse keying")
    if n_boot > 0:
        counts = _draw_counts(n, n_boot, seed)
        reps = _omega_resamples(x, counts, start=theta / np.diag(cov))
        if reps.size >= 0.9 * n_boot:
            q = (1 - confidence) / 2
            out["omega_ci95_low"], out["omega_ci95_high"] = (
                float(v) for v in np.quantile(reps, [q, 1 - q]))
            out["omega_ci_method"] = _CI_METHOD.format(n=reps.size)
    return out
