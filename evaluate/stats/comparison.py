"""Compared with what? The programme's change against a comparison group's.

People marked in the roster's ``comparison`` column (a wait-list, the next
cohort, colleagues not on the programme) answer the same surveys at the same
waves. :func:`comparison_change` sets the programme group's matched change
beside theirs: the difference in differences with its interval, Morris's
pretest-posttest-control effect size d_ppc2 with its interval, and a check
that the two groups started alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from evaluate.stats.distributions import norm_ppf, t_ppf, t_sf
from evaluate.stats.measures import MeasureValues
from evaluate.stats.ranktests import welch_t_p

__all__ = ["COMPARISON_COLUMNS", "BASELINE_ALIKE", "BASELINE_NOT_ALIKE", "morris_d_ppc2",
           "comparison_change"]

COMPARISON_COLUMNS = [
    "scale", "title", "wave_pre", "wave_post", "comparison", "comparison_group",
    "n_programme", "n_comparison",
    "mean_pre_programme", "mean_post_programme", "change_programme",
    "mean_pre_comparison", "mean_post_comparison", "change_comparison",
    "did", "did_se", "did_dof", "did_t", "did_p", "did_ci95_low", "did_ci95_high",
    "d_ppc2", "d_ppc2_ci95_low", "d_ppc2_ci95_high", "r_pre_post",
    "baseline_diff", "baseline_g", "baseline_p", "baseline_check",
    "suppressed", "note", "statement",
]
#: What Works Clearinghouse (2022) baseline equivalence: |g| ≤ 0.05 alike,
#: ≤ 0.25 a difference the analysis must adjust for (a difference in differences
#: does), above 0.25 not alike.
BASELINE_ALIKE = 0.05
BASELINE_NOT_ALIKE = 0.25


def morris_d_ppc2(pre_t, post_t, pre_c, post_c, confidence: float = 0.95) -> dict:
    """Morris's (2008) d_ppc2 with its interval, and the pooled pre/post correlation.

    Parameters
    ----------
    pre_t, post_t : array-like
        Matched scores of the programme (treatment) group.
    pre_c, post_c : array-like
        Matched scores of the comparison group.

    Returns
    -------
    dict
        ``d_ppc2``, ``ci_low``, ``ci_high``, ``r_pre_post``, ``sd_pre_pooled``.

    Notes
    -----
    .. math::

        d_{ppc2} = c_p \\frac{(\\bar y_{T} - \\bar x_{T}) - (\\bar y_{C} - \\bar x_{C})}{s_{pre}},
        \\quad s_{pre} = \\sqrt{\\frac{(n_T-1)s^2_{x,T} + (n_C-1)s^2_{x,C}}{n_T+n_C-2}},
        \\quad c_p = 1 - \\frac{3}{4(n_T+n_C-2)-1}

    with variance (Morris, 2008, eq. 25), :math:`N = n_T + n_C`,
    :math:`m = N/(n_T n_C)`:

    .. math::

        \\sigma^2 = 2c_p^2(1-\\rho)\\, m \\frac{N-2}{N-4}
        \\left(1 + \\frac{\\delta^2}{2(1-\\rho)m}\\right) - \\delta^2

    estimated with :math:`\\delta = d_{ppc2}` and :math:`\\rho` the pooled
    within-group correlation of pre and post scores; the interval is
    :math:`d \\pm z_{.975}\\sigma`.

    References
    ----------
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control
    group designs. Organizational Research Methods, 11(2), 364–386.

    Examples
    --------
    >>> r = morris_d_ppc2([3, 4, 5, 4], [4, 5, 5, 5], [3, 4, 4, 5], [3, 4, 5, 5])
    >>> round(r["d_ppc2"], 3)
    0.532
    """
    xt, yt = np.asarray(pre_t, "float64"), np.asarray(post_t, "float64")
    xc, yc = np.asarray(pre_c, "float64"), np.asarray(post_c, "float64")
    nt, nc = xt.size, xc.size
    n = nt + nc
    out = dict(d_ppc2=np.nan, ci_low=np.nan, ci_high=np.nan, r_pre_post=np.nan,
               sd_pre_pooled=np.nan)
    if nt < 2 or nc < 2 or n <= 4:
        return out
    sd_pre = math.sqrt(((nt - 1) * xt.var(ddof=1) + (nc - 1) * xc.var(ddof=1)) / (n - 2))
    ssx = (nt - 1) * xt.var(ddof=1) + (nc - 1) * xc.var(ddof=1)
    ssy = (nt - 1) * yt.var(ddof=1) + (nc - 1) * yc.var(ddof=1)
    sxy = (nt - 1) * np.cov(xt, yt)[0, 1] + (nc - 1) * np.cov(xc, yc)[0, 1]
    rho = sxy / math.sqrt(ssx * ssy) if ssx > 0 and ssy > 0 else np.nan
    out.update(r_pre_post=float(rho), sd_pre_pooled=sd_pre)
    if sd_pre <= 0:
        return out
    cp = 1.0 - 3.0 / (4.0 * (n - 2) - 1.0)
    d = cp * ((yt.mean() - xt.mean()) - (yc.mean() - xc.mean())) / sd_pre
    m = n / (nt * nc)
    var = (2 * cp * cp * (1 - rho) * m * (n - 2) / (n - 4)
           * (1 + d * d / (2 * (1 - rho) * m)) - d * d) if rho < 1 else np.nan
    out["d_ppc2"] = float(d)
    if np.isfinite(var) and var > 0:
        z = norm_ppf(1 - (1 - confidence) / 2)
        out["ci_low"], out["ci_high"] = float(d - z * math.sqrt(var)), float(d + z * math.sqrt(var))
    return out


def _welch(dt: np.ndarray, dc: np.ndarray, confidence: float) -> dict:
    vt, vc = dt.var(ddof=1) / dt.size, dc.var(ddof=1) / dc.size
    se = math.sqrt(vt + vc)
    did = float(dt.mean() - dc.mean())
    out = dict(did=did, did_se=se, did_dof=np.nan, did_t=np.nan, did_p=np.nan,
               did_ci95_low=np.nan, did_ci95_high=np.nan)
    if se <= 0:
        return out
    dof = (vt + vc) ** 2 / (vt ** 2 / (dt.size - 1) + vc ** 2 / (dc.size - 1))
    t = did / se
    half = t_ppf(1 - (1 - confidence) / 2, dof) * se
    out.update(did_dof=dof, did_t=t, did_p=float(2 * t_sf(abs(t), dof)),
               did_ci95_low=did - half, did_ci95_high=did + half)
    return out


def _hedges_g(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Hedges' g of a − b (pooled SD) and the Welch p-value."""
    na, nb = a.size, b.size
    sp = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    g = (a.mean() - b.mean()) / sp * (1 - 3 / (4 * (na + nb) - 9)) if sp > 0 else np.nan
    p = welch_t_p(a, b) if sp > 0 else np.nan
    return float(g), p


def comparison_change(
    mv: MeasureValues,
    groups: pd.Series,
    *,
    min_group_size: int = 5,
    confidence: float = 0.95,
    waves: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The programme group's matched change beside a comparison group's, per scale.

    Parameters
    ----------
    mv : MeasureValues
        Scores of *everyone* (programme and comparison), from
        :func:`evaluate.stats.measure_values`.
    groups : Series
        participant → kind of comparison group, for the comparison group's
        members only (:func:`evaluate.roster.comparison_groups`); everyone
        else is in the programme group.
    min_group_size : int
        A group with fewer matched people is suppressed (no numbers).

    Returns
    -------
    DataFrame
        One row per scale and pair of waves starting at the first wave:
        ``scale, title, wave_pre, wave_post, comparison`` ("baseline → end"),
        ``comparison_group`` (its kind, e.g. "wait-list"), ``n_programme,
        n_comparison`` (matched people), ``mean_pre_*, mean_post_*,
        change_*`` for each group, ``did`` (change in the programme group
        minus change in the comparison group), ``did_se, did_dof, did_t,
        did_p, did_ci95_low, did_ci95_high`` (Welch), ``d_ppc2,
        d_ppc2_ci95_low, d_ppc2_ci95_high`` (:func:`morris_d_ppc2`),
        ``r_pre_post``, ``baseline_diff`` (programme − comparison at the
        first wave, matched people), ``baseline_g`` (Hedges), ``baseline_p``
        (Welch), ``baseline_check`` ("alike", "a small difference, allowed
        for" or "not alike"), ``suppressed``, ``note``, ``statement`` (plain
        English). Empty when there is no comparison group.

    Notes
    -----
    The difference in differences is a Welch two-sample comparison of the
    two groups' change scores :math:`d = y - x`: :math:`\\bar d_T - \\bar d_C`
    with standard error :math:`\\sqrt{s^2_{d,T}/n_T + s^2_{d,C}/n_C}` and
    Welch–Satterthwaite df (as R ``t.test(dT, dC)``). It removes a baseline
    difference between the groups, but not one in how they would have
    changed anyway: the groups were not assigned at random. The baseline
    check follows the What Works Clearinghouse standard (|g| ≤ 0.05 alike;
    up to 0.25 acceptable with an adjustment such as this one; above 0.25
    not alike).

    References
    ----------
    Morris, S. B. (2008). Estimating effect sizes from pretest-posttest-control
    group designs. Organizational Research Methods, 11(2), 364–386.
    What Works Clearinghouse (2022). Procedures and Standards Handbook,
    version 5.0. U.S. Department of Education.
    """
    if groups is None or not len(groups) or not mv.waves:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    first = mv.waves[0]
    kind = ", ".join(sorted(set(groups.astype(str))))
    keys = [k for k in mv.meta.index if mv.info(k)["kind"] == "scale"
            and mv.info(k)["then_of_key"] == ""]
    fa = mv.frame(first)
    rows = []
    for wb in mv.waves[1:]:
        fb = mv.frame(wb)
        common = fa.index.intersection(fb.index)
        is_comp = common.isin(groups.index)
        for key in keys:
            if key not in fa.columns or key not in fb.columns or not fb[key].notna().any():
                continue
            m = mv.info(key)
            x = fa[key].reindex(common).to_numpy("float64")  # the column alone, not the frame
            y = fb[key].reindex(common).to_numpy("float64")
            ok = ~(np.isnan(x) | np.isnan(y))
            t, c = ok & ~is_comp, ok & is_comp
            row = dict.fromkeys(COMPARISON_COLUMNS, np.nan)
            row.update(scale=m["measure"], title=m["title"], wave_pre=first, wave_post=wb,
                       comparison=f"{first} → {wb}", comparison_group=kind,
                       n_programme=int(t.sum()), n_comparison=int(c.sum()), suppressed=False,
                       note="", statement="", baseline_check="")
            if row["n_comparison"] == 0:
                continue
            if min(row["n_programme"], row["n_comparison"]) < max(min_group_size, 3):
                row.update(suppressed=True, note=f"fewer than {max(min_group_size, 3)} matched "
                                                 "people in a group: not compared")
                rows.append(row)
                continue
            xt, yt, xc, yc = x[t], y[t], x[c], y[c]
            row.update(mean_pre_programme=xt.mean(), mean_post_programme=yt.mean(),
                       change_programme=(yt - xt).mean(), mean_pre_comparison=xc.mean(),
                       mean_post_comparison=yc.mean(), change_comparison=(yc - xc).mean())
            row.update(_welch(yt - xt, yc - xc, confidence))
            mo = morris_d_ppc2(xt, yt, xc, yc, confidence)
            row.update(d_ppc2=mo["d_ppc2"], d_ppc2_ci95_low=mo["ci_low"],
                       d_ppc2_ci95_high=mo["ci_high"], r_pre_post=mo["r_pre_post"])
            g, p = _hedges_g(xt, xc)
            row.update(baseline_diff=xt.mean() - xc.mean(), baseline_g=g, baseline_p=p,
                       baseline_check=("alike" if abs(g) <= BASELINE_ALIKE
                                       else "a small difference, allowed for"
                                       if abs(g) <= BASELINE_NOT_ALIKE else "not alike"))
            row["statement"] = _statement(row)
            rows.append(row)
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def _points(x: float) -> str:
    return f"{abs(x):.2f} point{'s' if round(abs(x), 2) != 1 else ''}"


def _num(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _statement(r: dict) -> str:
    """One plain sentence: the two groups' changes and the difference between them."""
    def moved(v: float) -> str:
        return f"rose by {_points(v)}" if v > 0 else f"fell by {_points(v)}" if v < 0 else "did not move"

    own = "rise" if r["change_programme"] > 0 else "fall" if r["change_programme"] < 0 else "change"
    text = (f"Compared with a {r['comparison_group']} group of {r['n_comparison']} people who "
            f"answered the same surveys, whose scores {moved(r['change_comparison'])}, the "
            f"programme group's {own} of {_points(r['change_programme'])} was "
            f"{_points(r['did'])} {'larger' if r['did'] > 0 else 'smaller'}")
    lo, hi = r["did_ci95_low"], r["did_ci95_high"]
    if np.isfinite(lo) and (lo > 0 or hi < 0):
        text += f" (95% interval {_num(lo)} to {_num(hi)})."
    elif np.isfinite(lo):
        text += (f", but a difference this size could be chance (95% interval {_num(lo)} to "
                 f"{_num(hi)}).")
    else:
        text += "."
    if r["baseline_check"] == "not alike":
        text += " The two groups did not start alike, so the comparison is less sure than it looks."
    return text
