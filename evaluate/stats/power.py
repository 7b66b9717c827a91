"""Next-cohort planning: how many people to invite to detect a change like this one.

From the matched change of each headline measure (its d_z) and the response
and retention rates seen this time, :func:`cohort_planning` says how many
completers — and so how many invitations — a paired t-test needs to detect
the observed change, and half of it, with 80% and 90% power.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, special

from evaluate.errors import AnalysisError
from evaluate.stats.base import _wave_label
from evaluate.stats.distributions import t_isf

__all__ = ["PLANNING_COLUMNS", "paired_power", "paired_sample_size", "cohort_planning"]

PLANNING_COLUMNS = [
    "measure", "title", "wave_pre", "wave_post", "n_pairs", "mean_diff", "sd_diff", "dz",
    "r_pre_post", "target", "target_diff", "target_dz", "power", "alpha", "n_exact",
    "n_completers", "n_invited_now", "completion_rate", "n_invited", "statement",
]
TARGETS = {"observed change": 1.0, "half the observed change": 0.5}


def paired_power(dz: float, n: float, alpha: float = 0.05) -> float:
    """Power of a two-sided paired t-test with ``n`` pairs for standardized change ``dz``.

    Notes
    -----
    With :math:`\\nu = n - 1`, :math:`t_c = t_{1-\\alpha/2,\\nu}` and noncentrality
    :math:`\\lambda = d_z\\sqrt n`: power :math:`= P(T_{\\nu,\\lambda} > t_c) +
    P(T_{\\nu,\\lambda} < -t_c)`, as R ``pwr::pwr.t.test(type = "paired")``.

    Examples
    --------
    >>> round(paired_power(0.5, 34), 4)
    0.8078
    """
    df = n - 1.0
    tc = t_isf(alpha / 2, df)
    ncp = dz * math.sqrt(n)
    return float(1.0 - special.nctdtr(df, ncp, tc) + special.nctdtr(df, ncp, -tc))


def paired_sample_size(dz: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """Pairs (fractional, as ``pwr`` reports it) a paired t-test needs for ``power``.

    Solves :func:`paired_power` = ``power`` for ``n`` (Brent's method, to 1e-10).
    Round up for the number of people. NaN when ``dz`` is 0 or not finite.

    Examples
    --------
    >>> math.ceil(paired_sample_size(0.5, 0.8))
    34
    """
    dz = abs(float(dz))
    if not np.isfinite(dz) or dz < 1e-12:
        return np.nan
    if not 0 < power < 1:
        raise AnalysisError(f"power must be between 0 and 1, not {power}")

    def gap(n):
        return paired_power(dz, n, alpha) - power

    hi = 4.0
    while gap(hi) < 0:
        hi *= 2
        if hi > 1e9:
            return np.inf
    return float(optimize.brentq(gap, 2.0 + 1e-10, hi, xtol=1e-10, rtol=1e-12))


def cohort_planning(
    prepost: pd.DataFrame,
    attrition_rates: pd.DataFrame | None = None,
    *,
    powers: tuple[float, ...] = (0.8, 0.9),
    alpha: float = 0.05,
    kinds: tuple[str, ...] = ("scale",),
) -> pd.DataFrame:
    """Completers and invitations the next cohort needs, per headline measure.

    Uses the scale rows of :func:`evaluate.stats.prepost_table` that start at
    the first wave (baseline → end, baseline → follow-up).

    Parameters
    ----------
    prepost : DataFrame
        The pre/post table.
    attrition_rates : DataFrame, optional
        :func:`evaluate.stats.response_rates` (the ``cohort == "all"`` rows
        give how many were invited: the roster).
    powers : tuple of float
        Default 80% and 90%.

    Returns
    -------
    DataFrame
        One row per measure, comparison, target and power: ``measure, title,
        wave_pre, wave_post, n_pairs, mean_diff, sd_diff, dz, r_pre_post``
        (correlation of the two waves' scores), ``target`` ("observed change"
        or "half the observed change"), ``target_diff`` (scale points),
        ``target_dz``, ``power``, ``alpha``, ``n_exact`` (fractional n as R
        ``pwr`` reports it), ``n_completers`` (rounded up: people who must
        answer both surveys), ``n_invited_now`` (people on the roster this
        time), ``completion_rate`` (n_pairs / n_invited_now: the share of
        those invited who gave both answers), ``n_invited`` (n_completers /
        completion_rate, rounded up), ``statement`` (plain English).

    Notes
    -----
    The sample size is for a two-sided paired t-test at ``alpha`` (see
    :func:`paired_power`), from :math:`d_z = \\bar d / s_d`. The pre/post
    correlation is what makes d_z larger than the between-person effect:
    with equal SDs, :math:`d_z = d_{av} / \\sqrt{2(1 - r)}`. The observed d_z
    is an estimate: a study planned on it is only as good as this cohort is
    like the next (Lakens, 2022, recommends planning on the smallest change
    worth detecting; "half the observed change" is a cautious stand-in).

    References
    ----------
    Cohen, J. (1988). Statistical power analysis for the behavioral sciences
    (2nd ed.). Erlbaum.
    Lakens, D. (2022). Sample size justification. Collabra: Psychology, 8(1), 33267.
    """
    rows = []
    if prepost is None or not len(prepost):
        return pd.DataFrame(columns=PLANNING_COLUMNS)
    pp = prepost[prepost["kind"].isin(kinds)]
    order = list(dict.fromkeys([*pp["wave_pre"], *pp["wave_post"]]))
    first = order[0] if order else None
    pp = pp[pp["wave_pre"] == first]
    invited = np.nan
    if attrition_rates is not None and len(attrition_rates):
        allrow = attrition_rates[(attrition_rates["cohort"] == "all")
                                 & (attrition_rates["wave"] == first)]
        if len(allrow):
            invited = float(allrow["n_roster"].iloc[0])
    for r in pp.itertuples(index=False):
        if not (np.isfinite(r.dz) and r.n_pairs >= 3):
            continue
        sd_pre, sd_post, sd_d = r.sd_pre, r.sd_post, r.sd_diff
        corr = ((sd_pre ** 2 + sd_post ** 2 - sd_d ** 2) / (2 * sd_pre * sd_post)
                if sd_pre > 0 and sd_post > 0 else np.nan)
        rate = r.n_pairs / invited if invited and invited > 0 else np.nan
        for target, share in TARGETS.items():
            tdz = r.dz * share
            for pw in powers:
                n_exact = paired_sample_size(tdz, pw, alpha)
                n_comp = math.ceil(n_exact - 1e-9) if np.isfinite(n_exact) else np.nan
                n_inv = (math.ceil(n_comp / rate - 1e-9)
                         if np.isfinite(n_comp) and np.isfinite(rate) and rate > 0 else np.nan)
                rows.append(dict(
                    measure=r.measure, title=r.title, wave_pre=r.wave_pre, wave_post=r.wave_post,
                    n_pairs=int(r.n_pairs), mean_diff=r.mean_diff, sd_diff=sd_d, dz=r.dz,
                    r_pre_post=corr, target=target, target_diff=r.mean_diff * share,
                    target_dz=tdz, power=pw, alpha=alpha, n_exact=n_exact, n_completers=n_comp,
                    n_invited_now=invited, completion_rate=rate, n_invited=n_inv,
                    statement=_sentence(r, target, share, pw, n_comp, n_inv, rate)))
    out = pd.DataFrame(rows, columns=PLANNING_COLUMNS)
    for c in ("n_completers", "n_invited", "n_invited_now"):
        out[c] = out[c].astype("float64")
    return out


def _sentence(r, target: str, share: float, power: float, n_comp, n_inv, rate) -> str:
    size = f"{abs(r.mean_diff) * share:.2f} points"
    times = "8 times in 10" if power == 0.8 else "9 times in 10" if power == 0.9 else f"{power:.0%} of the time"
    what = ("a change as large as this one" if share == 1.0
            else "a change half as large as this one")
    if not np.isfinite(n_comp):
        return f"{r.title}: no change was seen, so there is no size to plan for."
    text = (f"{r.title}: to detect {what} ({size} on the scale) {times}, the next cohort needs "
            f"{n_comp} people who answer both the {_wave_label(r.wave_pre)} and "
            f"{_wave_label(r.wave_post)} surveys")
    if np.isfinite(n_inv):
        text += (f"; this time {rate:.0%} of those invited did, so invite about {n_inv}")
    return text + "."
