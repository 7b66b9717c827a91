"""A one-factor model fitted by maximum likelihood, for stacks of correlation matrices at once.

Newton's method on the exact Hessian, with step halving and residual
variances held at zero where the likelihood would take them below it. Omega
(:mod:`evaluate.stats.omega`) fits the full sample and every bootstrap
resample of every scale with it; the tests compare the fits with
``statsmodels`` and, through omega, with R (``lavaan`` + ``semTools``).
"""

from __future__ import annotations

import contextlib

import numpy as np

__all__ = ["MAX_STEPS", "TOLERANCE", "discrepancy", "fit_one_factor", "gradient_hessian"]

#: A fit has converged when Newton's next step would move no parameter (standardized
#: loadings and residual variances) by more than this, at a minimum of the discrepancy
#: (the point fit and every bootstrap refit alike).
TOLERANCE = 1e-9
MAX_STEPS = 100
_HALVINGS = 30
#: Step sizes tried at once in a line search, shared among the fits still searching.
_AHEAD = 32


def _implied(lam: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """Σ = λλᵀ + diag(ψ) for stacks of loadings and residual variances."""
    sigma = lam[:, :, None] * lam[:, None, :]
    k = lam.shape[1]
    sigma[:, np.arange(k), np.arange(k)] += psi
    return sigma


def discrepancy(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray) -> np.ndarray:
    """ML discrepancy log|Σ| + tr(RΣ⁻¹) (up to a constant); infinite where Σ is not positive."""
    values, vectors = np.linalg.eigh(_implied(lam, psi))
    with np.errstate(all="ignore"):
        spread = np.einsum("bji,bjk,bki->bi", vectors, corr, vectors)  # vᵢᵀ R vᵢ
        value = np.log(values).sum(axis=1) + (spread / values).sum(axis=1)
    # (numerically) singular Σ: the discrepancy is infinite there, whatever rounding says
    sound = values[:, 0] > 1e-10 * np.abs(values[:, -1])
    return np.where(sound & np.isfinite(value), value, np.inf)


def _inverse(sigma: np.ndarray) -> np.ndarray:
    """Σ⁻¹ of a stack; NaN for a Σ that is exactly singular (its fit cannot go on, and is
    left out as not converged) instead of an error for the whole stack."""
    try:
        return np.linalg.inv(sigma)
    except np.linalg.LinAlgError:  # rare: a resample with residual variances held at zero
        out = np.full_like(sigma, np.nan)
        for i in range(sigma.shape[0]):  # only on this path: which matrices are singular
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.inv(sigma[i:i + 1])[0]
        return out


def _gradient(g_mat: np.ndarray, d: np.ndarray, alone: np.ndarray | None) -> np.ndarray:
    """gₐ = tr(G Σₐ) for a stack of fits, each summed as in a stack of its own kind.

    ``np.einsum`` adds the terms in another order for a stack of one matrix
    than for a stack of several (the last digit can differ), so a fit's
    gradient depended on whether it was the only one left in its stack. To
    keep that exactly when stacks of several groups (scales, starts) are fitted
    together, fits ``alone`` (the only one left of their group) are summed on
    their own and the others as in a stack of several.
    """
    if alone is None:
        return np.einsum("bij,baji->ba", g_mat, d)
    if g_mat.shape[0] == 1 and not alone[0]:  # one of several: summed as in a stack of two
        return np.einsum("bij,baji->ba", np.concatenate([g_mat] * 2),
                         np.concatenate([d] * 2))[:1]
    grad = np.einsum("bij,baji->ba", g_mat, d)
    for i in np.flatnonzero(alone) if g_mat.shape[0] > 1 else ():  # a few: one per group
        grad[i] = np.einsum("bij,baji->ba", g_mat[i:i + 1], d[i:i + 1])[0]
    return grad


def gradient_hessian(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray,
                      alone: np.ndarray | None = None):
    """Exact gradient and Hessian of the discrepancy in (λ, ψ), for a stack of fits.

    With P = Σ⁻¹, G = P − PRP and Σₐ = ∂Σ/∂θₐ: gₐ = tr(G Σₐ) and
    Hₐ_c = tr(G Σₐ_c) − tr(PΣₐPΣ_c) + tr(PΣₐ PRP Σ_c) + tr(PRP Σₐ PΣ_c).
    ``alone``: see :func:`_gradient` (None: the stack is one group).
    """
    b, k = lam.shape
    inv = _inverse(_implied(lam, psi))
    outer = inv @ corr @ inv
    g_mat = inv - outer
    eye = np.eye(k)
    d = np.zeros((b, 2 * k, k, k))
    d[:, :k] = (eye[None, :, :, None] * lam[:, None, None, :]
                + lam[:, None, :, None] * eye[None, :, None, :])
    d[:, k:] = eye[:, :, None] * eye[:, None, :]
    grad = _gradient(g_mat, d, alone)
    a_mat, c_mat = inv[:, None] @ d, outer[:, None] @ d
    hess = (np.einsum("baij,bcji->bac", c_mat, a_mat) * 2
            - np.einsum("baij,bcji->bac", a_mat, a_mat))
    hess = (hess + hess.transpose(0, 2, 1)) / 2
    hess[:, :k, :k] += 2 * g_mat
    return grad, hess


def _step_sizes(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray, step: np.ndarray,
                before: np.ndarray, slope: np.ndarray):
    """The largest step (1, ½, ¼ … over ``_HALVINGS`` halvings) along which each fit's
    discrepancy falls enough: (size, the discrepancy reached, still pending).

    Armijo's rule, allowing for rounding (near the minimum a Newton step lowers
    the discrepancy by less than its last digit). The sizes are tried in turn,
    but a few at a time once few fits are left (``_AHEAD`` trials a round): a
    stack of one or two fits costs as much as one of dozens, and a fit that
    halves once tends to halve many times. Each trial is computed as it would
    be alone (the discrepancy of a fit does not depend on its stack), and each
    fit takes its first size that passes, so the sizes are those of trying one
    at a time. A fit that passes none keeps the last size halved (``pending``).
    """
    n, k = lam.shape
    size = np.ones(n)
    reached = np.full(n, np.nan)
    pending = np.ones(n, dtype=bool)
    idx = np.arange(n)
    tried = 0
    while idx.size and tried < _HALVINGS:
        ahead = min(_HALVINGS - tried, max(1, _AHEAD // idx.size))
        at = np.repeat(idx, ahead)
        # each fit's next sizes: its size, halved once, twice … (powers of two, exact)
        sizes = (size[idx, None] * 0.5 ** np.arange(ahead)).ravel()
        trial = discrepancy(corr[at], lam[at] + sizes[:, None] * step[at, :k],
                            np.clip(psi[at] + sizes[:, None] * step[at, k:], 0.0, None))
        ok = (trial <= (before[at] + 1e-4 * sizes * np.minimum(slope[at], 0.0)
                        + 1e-13 * np.abs(before[at]))).reshape(-1, ahead)
        hit = ok.any(axis=1)
        first = np.flatnonzero(hit) * ahead + ok[hit].argmax(axis=1)
        pending[idx[hit]] = False
        reached[idx[hit]] = trial[first]
        size[idx[hit]] = sizes[first]
        size[idx[~hit]] *= 0.5 ** ahead
        idx = idx[~hit]
        tried += ahead
    return size, reached, pending


def fit_one_factor(corr: np.ndarray, lam: np.ndarray, psi: np.ndarray,
                    tol: float = TOLERANCE, max_steps: int = MAX_STEPS,
                    groups: np.ndarray | None = None):
    """One-factor maximum-likelihood fits of a stack of correlation matrices, all at once.

    Minimizes the ML discrepancy log|Σ| + tr(RΣ⁻¹), Σ = λλᵀ + diag(ψ), by
    Newton's method with the exact Hessian (``gradient_hessian``; shifted to
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
    groups : ndarray of int, shape (B,), optional
        Stacks fitted together (scales, starts): each fit comes out exactly
        as in a stack of its group alone (see :func:`_gradient`).

    Returns
    -------
    lam, psi : ndarray, shape (B, k)
    converged : ndarray of bool, shape (B,)
    """
    b, k = corr.shape[:2]
    lam = np.broadcast_to(lam, (b, k)).astype("float64")
    psi = np.broadcast_to(psi, (b, k)).astype("float64")
    converged = np.zeros(b, dtype=bool)
    # each fit's discrepancy at its current parameters, once known (NaN: not yet)
    value = np.full(b, np.nan)
    live = np.arange(b)
    with np.errstate(all="ignore"):
        for _ in range(max_steps + 1):
            if not live.size:
                break
            c, lv, pv = corr[live], lam[live], psi[live]
            # fits that are the only one left of their group (see _gradient)
            alone = (np.full(live.size, live.size == 1) if groups is None
                     else np.bincount(groups[live])[groups[live]] == 1)
            grad, hess = gradient_hessian(c, lv, pv, alone)
            # residual variances at zero that the discrepancy would take below it stay there
            held = np.zeros((live.size, 2 * k), dtype=bool)
            held[:, k:] = (pv <= tol) & (grad[:, k:] > 0.0)
            if held.any():  # within the tolerance of zero and pushed below it: at zero
                moved = (held[:, k:] & (pv != 0.0)).any(axis=1)
                pv = np.where(held[:, k:], 0.0, pv)
                psi[live] = pv
                if moved.any():  # only fits whose parameters changed need it again
                    value[live[moved]] = np.nan
                    grad[moved], hess[moved] = gradient_hessian(c[moved], lv[moved],
                                                                 pv[moved], alone[moved])
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
            before = value[live]  # the discrepancy the last step reached, where it did
            unknown = np.flatnonzero(np.isnan(before))
            before[unknown] = discrepancy(c[unknown], lv[unknown], pv[unknown])
            slope = (grad_free * step).sum(axis=1)
            size, reached, pending = _step_sizes(c, lv, pv, step, before, slope)
            lam[live] = lv + size[:, None] * step[:, :k]
            psi[live] = np.clip(pv + size[:, None] * step[:, k:], 0.0, None)
            value[live] = reached
            live = live[~pending]  # no step lowers the discrepancy: stuck, not converged
    return lam, psi, converged
