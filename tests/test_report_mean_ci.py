"""The t-interval of a mean the charts' claims state (and the report draws), without scipy.stats."""

import numpy as np
from scipy import stats

from evaluate.stats.base import mean_ci


def test_mean_ci_is_the_t_interval_scipy_stats_gives():
    n = np.array([0, 1, 2, 3, 5, 12, 40, 78, 1000, 100_000], dtype=float)
    mean = np.linspace(1.0, 5.0, len(n))
    sd = np.linspace(0.3, 1.4, len(n))
    low, high = mean_ci(mean, sd, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    np.testing.assert_array_equal(low, mean - half)  # bit for bit
    np.testing.assert_array_equal(high, mean + half)
    assert np.isnan(low[:2]).all() and not np.isnan(low[2:]).any()
