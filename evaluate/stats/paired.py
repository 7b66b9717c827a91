"""Matched change between two waves: paired t, d_z, d_av/g_av, Wilcoxon signed-rank."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from evaluate.errors import AnalysisError
from evaluate.stats.base import _TOL
from evaluate.stats.distributions import norm_ppf, norm_sf, t_ppf, t_sf
from evaluate.stats.ranktests import signed_rank_exact_p

__all__ = ["PAIRED_COLUMNS", "paired_change"]


PAIRED_COLUMNS = [
    "n_pairs", "mean_pre", "sd_pre", "mean_post", "sd_post", "mean_diff", "sd_diff",
    "ci95_low", "ci95_high", "t", "dof", "p_val",
    "dz", "dz_ci95_low", "dz_ci95_high", "dz_ci_method",
    "d_av", "g_av", "g_av_ci95_low", "g_av_ci95_high",
    "w_stat", "p_wilcoxon", "wilcoxon_method", "rank_biserial",
    "share_improved", "share_same", "share_declined",
    "headline_test", "headline_reason", "p_headline", "note",
]
_TEXT_COLUMNS = {"dz_ci_method", "wilcoxon_method", "headline_test", "headline_reason", "note"}

_T = "paired t"
_W = "Wilcoxon signed-rank"
_REASON_T = "multi-item scale score: treated as interval, so the paired t-test is the headline"
_REASON_W = "single ordinal item: treated as ordinal, so the Wilcoxon signed-rank test is the headline"
_REASON_NUM = "numeric item: treated as interval, so the paired t-test is the headline"


# =========================================================================== core: two waves
def _nct_noncentrality(t_obs: float, df: int, q: float) -> float:
    """The noncentrality λ with P(T(df, λ) ≤ t_obs) = q.

    Started from CDFLIB's inverse (``scipy.special.nctdtrinc``) and polished
    with Brent's method on ``scipy.special.nctdtr`` to full precision.
    """
    def f(nc):
        return special.nctdtr(df, nc, t_obs) - q

    guess = float(special.nctdtrinc(df, q, t_obs))
    if not np.isfinite(guess):
        guess = t_obs
    for width in (1e-3 * (1 + abs(guess)), 0.1 * (1 + abs(guess)), 10.0 * (1 + abs(guess))):
        lo, hi = guess - width, guess + width
        flo, fhi = f(lo), f(hi)
        if np.isfinite(flo) and np.isfinite(fhi) and flo > 0 > fhi:
            return optimize.brentq(f, lo, hi, xtol=1e-13, rtol=1e-13)
    raise ValueError("noncentral t inversion did not bracket")


def _dz_ci(t_obs: float, n: int, confidence: float) -> tuple[float, float, str]:
    """CI of d_z by inverting the noncentral t (Steiger & Fouladi); normal approximation fallback."""
    df = n - 1
    lower_q, upper_q = 1 - (1 - confidence) / 2, (1 - confidence) / 2
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lo = _nct_noncentrality(t_obs, df, lower_q)
            hi = _nct_noncentrality(t_obs, df, upper_q)
        if np.isfinite(lo) and np.isfinite(hi) and lo <= hi:
            return lo / math.sqrt(n), hi / math.sqrt(n), "noncentral t"
    except (ValueError, RuntimeError, ArithmeticError):
        pass
    dz = t_obs / math.sqrt(n)
    se = math.sqrt(1.0 / n + dz * dz / (2.0 * n))
    z = norm_ppf(lower_q)
    return dz - z * se, dz + z * se, "normal approximation"


def _tied_ranks(a: np.ndarray, tol: float = _TOL) -> tuple[np.ndarray, np.ndarray]:
    """Average ranks of ``a`` (1-D, no NaN) with values that differ by no more than ``tol``
    tied, and the size of each tie in rank order.

    Scale scores are means of items, so two differences that are equal in
    exact arithmetic (4/3 − 1 and 1/3) can differ in the last bits; ranked
    as they are, they would be ranked apart instead of tied. Sorted values
    whose gap to the previous one is at most ``tol`` are one tie, taking the average
    of its positions (i + 1 + j) / 2 for sorted positions i … j − 1: the ranks of
    the values with every tie made equal to its smallest one, as
    :func:`~evaluate.stats.ranktests.average_ranks` gives them. One sort.
    """
    order = np.argsort(a, kind="stable")
    s = a[order]
    new = np.concatenate([[True], np.diff(s) > tol])
    tie = np.cumsum(new)  # 1-based tie of each sorted value
    edges = np.concatenate([np.flatnonzero(new), [a.size]])  # start of each tie, then n
    ranks = np.empty(a.size, dtype=np.float64)
    ranks[order] = 0.5 * (edges[tie - 1] + 1 + edges[tie])
    return ranks, np.diff(edges)


def _wilcoxon(d: np.ndarray) -> tuple[float, float, str, float]:
    """Signed-rank test on differences ``d`` (zeros dropped) without any n × n matrix.

    Returns (V = sum of ranks of positive differences, p, method, matched-pairs
    rank-biserial). Differences within ``_TOL`` (1e-9) of zero count as zero,
    and absolute differences within ``_TOL`` of each other as ties
    (:func:`_tied_ranks`), so float noise in scale means never splits a tie.
    Exact (:func:`~evaluate.stats.ranktests.signed_rank_exact_p`, scipy's
    ``wilcoxon(method="exact")``) when fewer than 50 non-zero differences
    and no ties or zeros; otherwise the normal approximation with tie and
    continuity corrections, computed from the ranks: the rule and formula of
    R's ``wilcox.test``.
    """
    nz = d[np.abs(d) > _TOL]
    m = nz.size
    if m == 0:
        return np.nan, np.nan, "", np.nan
    ranks, tie_counts = _tied_ranks(np.abs(nz))
    w_plus = float(ranks[nz > 0].sum())
    w_minus = float(ranks[nz < 0].sum())
    rbc = (w_plus - w_minus) / (w_plus + w_minus)
    ties = bool((tie_counts > 1).any())
    if m < 50 and not ties and m == d.size:
        p = signed_rank_exact_p(w_plus, m)  # no ties: these ranks are scipy's
        return w_plus, p, "exact", rbc
    mean = m * (m + 1) / 4.0
    var = m * (m + 1) * (2 * m + 1) / 24.0 - float(np.sum(tie_counts**3 - tie_counts)) / 48.0
    if var <= 0:
        return w_plus, np.nan, "", rbc
    diff = w_plus - mean
    z = (diff - 0.5 * np.sign(diff)) / math.sqrt(var)
    p = float(min(1.0, 2.0 * norm_sf(abs(z))))
    return w_plus, p, "normal approximation (continuity and tie corrected)", rbc


def _paired_core(pre, post, *, ordinal: bool, higher_is_better: bool = True,
                 reason: str | None = None, confidence: float = 0.95) -> dict:
    """Every paired statistic for one comparison, as a dict keyed by PAIRED_COLUMNS."""
    pre = np.asarray(pre, dtype="float64")
    post = np.asarray(post, dtype="float64")
    keep = ~(np.isnan(pre) | np.isnan(post))
    pre, post = pre[keep], post[keep]
    n = int(pre.size)
    out: dict = {c: np.nan for c in PAIRED_COLUMNS}
    for c in _TEXT_COLUMNS:
        out[c] = ""
    out["n_pairs"] = n
    out["headline_test"] = _W if ordinal else _T
    out["headline_reason"] = reason or (_REASON_W if ordinal else _REASON_T)
    notes: list[str] = []
    if n == 0:
        out["note"] = "no one answered this at both waves, so there is nothing to compare"
        return out
    d = post - pre
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["mean_pre"], out["mean_post"] = float(pre.mean()), float(post.mean())
        out["mean_diff"] = float(d.mean())
        if n >= 2:
            out["sd_pre"], out["sd_post"] = float(pre.std(ddof=1)), float(post.std(ddof=1))
            out["sd_diff"] = float(d.std(ddof=1))
    signed = d if higher_is_better else -d
    out["share_improved"] = float(np.mean(signed > _TOL))
    out["share_declined"] = float(np.mean(signed < -_TOL))
    out["share_same"] = 1.0 - out["share_improved"] - out["share_declined"]
    if n < 3:
        out["note"] = f"only {n} pair{'s' if n != 1 else ''}: at least 3 are needed for a test or an effect size"
        return out

    dof = n - 1
    sd_diff = out["sd_diff"]
    se = sd_diff / math.sqrt(n)
    tcrit = t_ppf(1 - (1 - confidence) / 2, dof)
    out["ci95_low"], out["ci95_high"] = out["mean_diff"] - tcrit * se, out["mean_diff"] + tcrit * se
    out["dof"] = float(dof)
    sd_av = (out["sd_pre"] + out["sd_post"]) / 2.0
    if sd_diff > _TOL:
        t_obs = out["mean_diff"] / se
        out["t"] = t_obs
        out["p_val"] = float(2.0 * t_sf(abs(t_obs), dof))
        out["dz"] = out["mean_diff"] / sd_diff
        lo, hi, method = _dz_ci(t_obs, n, confidence)
        out["dz_ci95_low"], out["dz_ci95_high"], out["dz_ci_method"] = lo, hi, method
    else:
        notes.append("every pair changed by exactly the same amount, so the differences have "
                     "no spread: t, its p-value and d_z are undefined")
    if sd_av > _TOL:
        j = 1.0 - 3.0 / (4.0 * dof - 1.0)
        out["d_av"] = out["mean_diff"] / sd_av
        out["g_av"] = out["d_av"] * j
        if np.isfinite(out["dz_ci95_low"]):
            scale = sd_diff / sd_av * j
            out["g_av_ci95_low"] = out["dz_ci95_low"] * scale
            out["g_av_ci95_high"] = out["dz_ci95_high"] * scale
    else:
        notes.append("no spread at either wave: d_av and g_av are undefined")
    w, p_w, w_method, rbc = _wilcoxon(d)
    if np.isnan(w):
        notes.append("no one's answer changed: the Wilcoxon test is undefined")
        out["w_stat"], out["rank_biserial"] = np.nan, np.nan
    else:
        out["w_stat"], out["p_wilcoxon"], out["wilcoxon_method"] = w, p_w, w_method
        out["rank_biserial"] = rbc
    out["p_headline"] = out["p_wilcoxon"] if ordinal else out["p_val"]
    out["note"] = "; ".join(notes)
    return out


def _paired_frame(rows: list[dict], id_columns: list[str]) -> pd.DataFrame:
    columns = [*id_columns, *PAIRED_COLUMNS]
    out = pd.DataFrame(rows, columns=columns)
    for c in PAIRED_COLUMNS:
        if c not in _TEXT_COLUMNS and out[c].dtype != np.float64:  # most are already
            out[c] = out[c].astype("float64")
    out["n_pairs"] = out["n_pairs"].astype("int64") if len(out) else out["n_pairs"]
    return out


def paired_change(
    data: pd.DataFrame,
    dv: str,
    within: str,
    subject: str,
    pre,
    post,
    *,
    ordinal: bool = False,
    higher_is_better: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Matched change in ``dv`` between two waves, with tests and named effect sizes.

    Parameters
    ----------
    data : DataFrame
        Long format: one row per subject and wave.
    dv : str
        Column holding the score (item code or scale score).
    within : str
        Column naming the wave.
    subject : str
        Column identifying the participant; only subjects with a value at both
        waves are used (complete pairs).
    pre, post : str
        The two values of ``within`` to compare; differences are ``post - pre``.
    ordinal : bool
        ``True`` for a single ordinal item (headline test Wilcoxon signed-rank),
        ``False`` for a multi-item scale score (headline test paired t).
    higher_is_better : bool
        Direction for ``share_improved`` / ``share_declined`` (``False`` for a
        reverse-worded item analysed as asked).
    confidence : float
        Level of the intervals (default 0.95; the column names keep ``ci95``).

    Returns
    -------
    DataFrame
        One row, columns :data:`PAIRED_COLUMNS`:

        ``n_pairs``; ``mean_pre, sd_pre, mean_post, sd_post``; ``mean_diff,
        sd_diff`` (post − pre); ``ci95_low, ci95_high`` (t-interval of the
        mean difference); ``t, dof, p_val`` (paired t, two-sided); ``dz,
        dz_ci95_low, dz_ci95_high, dz_ci_method``; ``d_av, g_av, g_av_ci95_low,
        g_av_ci95_high``; ``w_stat`` (V: sum of the ranks of positive
        differences, as R reports it), ``p_wilcoxon, wilcoxon_method,
        rank_biserial`` (matched-pairs); ``share_improved, share_same,
        share_declined``; ``headline_test, headline_reason, p_headline``;
        ``note`` (why a figure is missing, else empty).

    Notes
    -----
    With differences :math:`d_i = y_i - x_i`, :math:`n` pairs, mean
    :math:`\\bar d` and SD :math:`s_d`:

    - :math:`t = \\bar d / (s_d/\\sqrt n)`, :math:`n-1` df; CI
      :math:`\\bar d \\pm t_{.975,n-1} s_d/\\sqrt n`.
    - :math:`d_z = \\bar d / s_d`. Its CI inverts the noncentral t: the
      noncentrality values :math:`\\lambda` with
      :math:`P(T_{n-1,\\lambda} \\le t) = .975, .025`, divided by
      :math:`\\sqrt n` (Steiger & Fouladi, 1997; as R ``effectsize``).
      Where that fails numerically, :math:`d_z \\pm z\\sqrt{1/n + d_z^2/2n}`
      is used and ``dz_ci_method`` says so.
    - :math:`d_{av} = \\bar d / ((s_x+s_y)/2)`; :math:`g_{av} = d_{av} J`,
      :math:`J = 1 - 3/(4(n-1)-1)` (Lakens, 2013). Its CI is the d_z interval
      rescaled into the d_av metric, :math:`\\times J s_d/((s_x+s_y)/2)`
      (the approximate method of Algina & Keselman, 2003).
    - Wilcoxon signed-rank on the non-zero differences (zeros dropped,
      Wilcoxon's convention; differences within 1e-9 of each other are
      ranked as ties, and within 1e-9 of zero as zeros): exact when fewer
      than 50 and no ties or zeros,
      else the normal approximation with tie and continuity corrections, as R
      ``wilcox.test``; computed from ranks (no n × n matrix). Matched-pairs
      rank-biserial :math:`r = (R^+ - R^-)/(R^+ + R^-)` (Kerby, 2014).
    - Fewer than 3 pairs: descriptives only, with a note. Zero spread in the
      differences: t and d_z are undefined (NaN, with a note).

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science. Frontiers in Psychology, 4, 863.
    Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for
    effect sizes. Educational and Psychological Measurement, 63(4), 537–553.
    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation
    and the evaluation of statistical models. In What if there were no
    significance tests? Erlbaum.
    Kerby, D. S. (2014). The simple difference formula: an approach to
    teaching nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.

    Examples
    --------
    >>> import pandas as pd
    >>> sleep = pd.DataFrame({
    ...     "participant": list(range(10)) * 2,
    ...     "wave": ["a"] * 10 + ["b"] * 10,
    ...     "extra": [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0,
    ...               1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]})
    >>> r = paired_change(sleep, "extra", "wave", "participant", "a", "b")
    >>> round(float(r["t"].iloc[0]), 4), round(float(r["p_val"].iloc[0]), 6)
    (4.0621, 0.002833)
    """
    for col in (dv, within, subject):
        if col not in data.columns:
            raise AnalysisError(f'paired_change: no column "{col}" — columns are: '
                                + ", ".join(map(str, data.columns)))
    sub = data.loc[data[within].isin([pre, post]), [subject, within, dv]]
    if sub.duplicated([subject, within]).any():
        raise AnalysisError(
            f"paired_change: some {subject} values have more than one {dv} at the same wave — "
            "keep one response per participant and wave first"
        )
    wide = sub.pivot(index=subject, columns=within, values=dv)
    x = wide[pre].to_numpy(dtype="float64") if pre in wide else np.array([])
    y = wide[post].to_numpy(dtype="float64") if post in wide else np.array([])
    if x.size != y.size:
        x = y = np.array([])
    row = _paired_core(x, y, ordinal=ordinal, higher_is_better=higher_is_better,
                       confidence=confidence)
    return _paired_frame([row], [])
