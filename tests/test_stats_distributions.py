"""evaluate.stats.distributions gives the very values scipy.stats gives (same bits), edges included."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from evaluate.stats import distributions as d

DF = np.array([-1, 0, 0.5, 1, 1.5, 2, 2.5, 3, 7, 10, 29, 100, 1e6, 1e30, np.inf, np.nan])
Q = np.array([-0.1, 0, 1e-300, 1e-10, 0.0125, 0.025, 0.05, 0.1, 0.5, 0.8, 0.9, 0.975, 0.995,
              1 - 1e-12, 1, 1.1, np.nan])
X = np.array([-np.inf, -40, -3, -1e-300, -0.0, 0.0, 1e-300, 0.7, 1.96, 3, 40, 1e300, np.inf,
              np.nan])


def _bits(new, old):
    new, old = np.asarray(new), np.asarray(old)
    assert new.dtype == old.dtype == np.float64 and new.shape == old.shape
    assert new.tobytes() == old.tobytes()  # NaN and the sign of zero included


def _cases(values, *dfs):
    """Every value with every degrees-of-freedom combination, one at a time and as arrays."""
    grids = np.meshgrid(values, *dfs, indexing="ij")
    singles = [tuple(float(g[i]) for g in grids) for i in np.ndindex(grids[0].shape)]
    return singles, [g.ravel() for g in grids]


@pytest.mark.parametrize(("new", "old"), [(d.t_ppf, stats.t.ppf), (d.t_isf, stats.t.isf),
                                          (d.t_sf, stats.t.sf)])
def test_t_distribution_is_scipy_stats(new, old):
    values = Q if new is not d.t_sf else X
    singles, arrays = _cases(values, DF)
    for args in singles:
        _bits(new(*args), old(*args))
    _bits(new(*arrays), old(*arrays))
    inside = (arrays[0] > 0.01) & (arrays[0] < 0.99) & (arrays[1] > 0) if new is not d.t_sf else \
        np.isfinite(arrays[0]) & (arrays[1] > 0)
    _bits(new(*(a[inside] for a in arrays)), old(*(a[inside] for a in arrays)))


@pytest.mark.parametrize(("new", "old", "values"), [(d.norm_ppf, stats.norm.ppf, Q),
                                                    (d.norm_sf, stats.norm.sf, X)])
def test_normal_distribution_is_scipy_stats(new, old, values):
    for v in values:
        _bits(new(float(v)), old(float(v)))
    _bits(new(values), old(values))
    _bits(new(values[np.isfinite(values)][2:-2]), old(values[np.isfinite(values)][2:-2]))


@pytest.mark.parametrize(("new", "old"), [(d.f_sf, stats.f.sf), (d.f_ppf, stats.f.ppf),
                                          (d.f_isf, stats.f.isf)])
def test_f_distribution_is_scipy_stats(new, old):
    values = X if new is d.f_sf else Q
    singles, arrays = _cases(values, DF, DF)
    for args in singles:
        _bits(new(*args), old(*args))
    _bits(new(*arrays), old(*arrays))
    ok = (arrays[1] > 0) & (arrays[2] > 0)
    inside = ok & ((arrays[0] > 0) & np.isfinite(arrays[0]) if new is d.f_sf
                   else (arrays[0] > 0.01) & (arrays[0] < 0.99))
    _bits(new(*(a[inside] for a in arrays)), old(*(a[inside] for a in arrays)))
