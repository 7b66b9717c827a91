"""Pre/post evidence: matched change, effect sizes, reliability, attrition, cohorts, reaction.

Every function returns a tidy DataFrame with fixed snake_case columns (listed
in its docstring) at full precision; rounding belongs to ``evaluate.report``.
:func:`analyse_workspace` runs them all over a workspace and returns a dict of
tables.

Which test is the headline follows the data: a scale of two or more items is
treated as interval (paired t); a single ordinal item as ordinal (Wilcoxon
signed-rank). Both tests are always reported; ``headline_test`` and
``headline_reason`` say which one carries the p-value that is adjusted for
multiple comparisons (``p_headline`` → ``p_adj``).

Effect sizes are named for what they are: ``dz`` is the mean difference over
the SD of the differences; ``d_av`` / ``g_av`` use the average of the two
waves' SDs (Lakens, 2013). pingouin's paired ``ttest`` reports a d_av-type
value under ``cohen_d`` (with the root-mean-square SD); it is not d_z.

Comparisons across instrument versions are made only on items (and scales)
whose definition is the same in both (wording, answers, reverse keying, and
for scales the items and scoring rule): an item reworded in a new version is
a different measure and is not paired with the old one.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import optimize, special, stats

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument, Item, Programme, Scale
from evaluate.normalise import normalise_label
from evaluate.scoring import item_range, keyed_items, scales_to_score, score_scales

__all__ = [
    "PAIRED_COLUMNS",
    "COMPARISON_THEN_POST",
    "COMPARISON_THEN_BASELINE",
    "paired_change",
    "group_difference",
    "adjust_pvalues",
    "wave_order",
    "measure_values",
    "prepost_table",
    "then_test",
    "scale_reliability",
    "item_rest_correlations",
    "response_rates",
    "attrition_bias",
    "cohort_anova",
    "subgroup_change",
    "session_reaction",
    "aim_statements",
    "principle_evidence",
    "analyse_workspace",
]

#: Columns of :func:`paired_change` (and of every pre/post table after its id columns).
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

COMPARISON_THEN_POST = "then-test vs post"
COMPARISON_THEN_BASELINE = "then-test vs baseline (response shift)"

_T = "paired t"
_W = "Wilcoxon signed-rank"
_REASON_T = "multi-item scale score: treated as interval, so the paired t-test is the headline"
_REASON_W = "single ordinal item: treated as ordinal, so the Wilcoxon signed-rank test is the headline"
_REASON_NUM = "numeric item: treated as interval, so the paired t-test is the headline"
_TOL = 1e-9
_P_METHODS = {"holm": "holm", "fdr": "fdr_bh", "fdr_bh": "fdr_bh", "bh": "fdr_bh",
              "bonferroni": "bonf", "bonf": "bonf", "none": "none"}
_KNOWN_WAVES = {"baseline": 0, "pre": 0, "start": 0, "day1": 1, "day2": 2, "mid": 3,
                "midpoint": 3, "session": 3, "end": 4, "post": 4, "follow_up": 5,
                "follow-up": 5, "followup": 5}


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
    z = stats.norm.ppf(lower_q)
    return dz - z * se, dz + z * se, "normal approximation"


def _wilcoxon(d: np.ndarray) -> tuple[float, float, str, float]:
    """Signed-rank test on differences ``d`` (zeros dropped) without any n × n matrix.

    Returns (V = sum of ranks of positive differences, p, method, matched-pairs
    rank-biserial). Exact (``scipy.stats.wilcoxon``) when fewer than 50
    non-zero differences and no ties or zeros; otherwise the normal
    approximation with tie and continuity corrections, computed from the
    ranks: the rule and formula of R's ``wilcox.test``.
    """
    nz = d[np.abs(d) > _TOL]
    m = nz.size
    if m == 0:
        return np.nan, np.nan, "", np.nan
    ranks = stats.rankdata(np.abs(nz))
    w_plus = float(ranks[nz > 0].sum())
    w_minus = float(ranks[nz < 0].sum())
    rbc = (w_plus - w_minus) / (w_plus + w_minus)
    _, tie_counts = np.unique(ranks, return_counts=True)
    ties = bool((tie_counts > 1).any())
    if m < 50 and not ties and m == d.size:
        p = float(stats.wilcoxon(nz, zero_method="wilcox", method="exact").pvalue)
        return w_plus, p, "exact", rbc
    mean = m * (m + 1) / 4.0
    var = m * (m + 1) * (2 * m + 1) / 24.0 - float(np.sum(tie_counts**3 - tie_counts)) / 48.0
    if var <= 0:
        return w_plus, np.nan, "", rbc
    diff = w_plus - mean
    z = (diff - 0.5 * np.sign(diff)) / math.sqrt(var)
    p = float(min(1.0, 2.0 * stats.norm.sf(abs(z))))
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
    tcrit = stats.t.ppf(1 - (1 - confidence) / 2, dof)
    out["ci95_low"], out["ci95_high"] = out["mean_diff"] - tcrit * se, out["mean_diff"] + tcrit * se
    out["dof"] = float(dof)
    sd_av = (out["sd_pre"] + out["sd_post"]) / 2.0
    if sd_diff > _TOL:
        t_obs = out["mean_diff"] / se
        out["t"] = t_obs
        out["p_val"] = float(2.0 * stats.t.sf(abs(t_obs), dof))
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
        if c not in _TEXT_COLUMNS:
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
      Wilcoxon's convention): exact when fewer than 50 and no ties or zeros,
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


# =========================================================================== two groups
GROUP_COLUMNS = [
    "n_a", "n_b", "mean_a", "sd_a", "mean_b", "sd_b", "mean_diff",
    "t", "dof", "p_val", "u_stat", "p_mannwhitney", "rank_biserial",
    "hedges_g", "g_ci95_low", "g_ci95_high", "note",
]


def _group_core(a, b) -> dict:
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    na, nb = int(a.size), int(b.size)
    out: dict = {c: np.nan for c in GROUP_COLUMNS}
    out.update(n_a=na, n_b=nb, note="")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if na:
            out["mean_a"] = float(a.mean())
        if nb:
            out["mean_b"] = float(b.mean())
        if na >= 2:
            out["sd_a"] = float(a.std(ddof=1))
        if nb >= 2:
            out["sd_b"] = float(b.std(ddof=1))
    out["mean_diff"] = out["mean_a"] - out["mean_b"]
    if na < 2 or nb < 2:
        out["note"] = "each group needs at least 2 people for a comparison"
        return out
    va, vb = out["sd_a"] ** 2, out["sd_b"] ** 2
    se = math.sqrt(va / na + vb / nb)
    if se > _TOL:
        out["t"] = out["mean_diff"] / se
        out["dof"] = (va / na + vb / nb) ** 2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
        out["p_val"] = float(2.0 * stats.t.sf(abs(out["t"]), out["dof"]))
    else:
        out["note"] = "no spread in either group: the tests are undefined"
        return out
    u = stats.mannwhitneyu(a, b, alternative="two-sided", use_continuity=True)
    out["u_stat"], out["p_mannwhitney"] = float(u.statistic), float(u.pvalue)
    out["rank_biserial"] = 2.0 * out["u_stat"] / (na * nb) - 1.0
    sp = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    if sp > _TOL:
        d = out["mean_diff"] / sp
        j = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0)
        g = d * j
        se_g = math.sqrt((na + nb) / (na * nb) + g * g / (2.0 * (na + nb)))
        z = stats.norm.ppf(0.975)
        out["hedges_g"], out["g_ci95_low"], out["g_ci95_high"] = g, g - z * se_g, g + z * se_g
    return out


def group_difference(data: pd.DataFrame, dv: str, between: str, a, b) -> pd.DataFrame:
    """Difference in ``dv`` between two independent groups (``a`` minus ``b``).

    Returns
    -------
    DataFrame
        One row, columns ``n_a, n_b, mean_a, sd_a, mean_b, sd_b, mean_diff,
        t, dof, p_val`` (Welch), ``u_stat, p_mannwhitney`` (U of group a,
        continuity corrected), ``rank_biserial`` (:math:`2U/(n_a n_b) - 1`),
        ``hedges_g, g_ci95_low, g_ci95_high``, ``note``.

    Notes
    -----
    Welch: :math:`t = (\\bar a - \\bar b)/\\sqrt{s_a^2/n_a + s_b^2/n_b}` with
    Welch–Satterthwaite df. :math:`g = J (\\bar a - \\bar b)/s_p`,
    :math:`J = 1 - 3/(4(n_a+n_b)-9)` (as R ``effsize::cohen.d(hedges.correction=TRUE)``);
    CI :math:`g \\pm 1.96\\sqrt{(n_a+n_b)/(n_a n_b) + g^2/(2(n_a+n_b))}`
    (Hedges & Olkin, 1985).

    References
    ----------
    Hedges, L. V., & Olkin, I. (1985). Statistical methods for meta-analysis.
    Academic Press.
    """
    for col in (dv, between):
        if col not in data.columns:
            raise AnalysisError(f'group_difference: no column "{col}"')
    x = data.loc[data[between] == a, dv]
    y = data.loc[data[between] == b, dv]
    return pd.DataFrame([_group_core(x, y)], columns=GROUP_COLUMNS)


# =========================================================================== helpers
def adjust_pvalues(pvals, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (NaN stays NaN and is not counted).

    ``method``: ``"holm"`` (default), ``"fdr_bh"`` (Benjamini–Hochberg; ``"fdr"``
    and ``"bh"`` accepted), ``"bonferroni"`` or ``"none"``. Uses
    ``pingouin.multicomp``.
    """
    key = _P_METHODS.get(str(method).lower())
    if key is None:
        raise AnalysisError(f'Unknown p-value adjustment "{method}" — use holm or fdr_bh')
    p = np.asarray(pvals, dtype="float64")
    if key == "none" or p.size == 0:
        return p.copy()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        _, adj = pg.multicomp(p[ok], method=key)
        out[ok] = adj
    return out


def _method_name(method: str) -> str:
    key = _P_METHODS.get(str(method).lower())
    if key is None:
        raise AnalysisError(f'Unknown p-value adjustment "{method}" — use holm or fdr_bh')
    return {"bonf": "bonferroni"}.get(key, key)


def wave_order(waves: Iterable[str], declared: Iterable[str] | None = None) -> list[str]:
    """Waves in time order: as ``declared`` (the workspace's list) where listed, then by
    known names (baseline < day1 < day2 < end < follow_up), then alphabetically."""
    declared = list(declared or [])
    waves = list(dict.fromkeys(w for w in waves if isinstance(w, str) or not pd.isna(w)))

    def key(w):
        if w in declared:
            return (0, declared.index(w), "")
        return (1, _KNOWN_WAVES.get(str(w).lower(), 99), str(w))

    return sorted(waves, key=key)


def _wave_label(wave: str) -> str:
    return str(wave).replace("_", "-")


def _sig(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:8]


def _is_reaction(inst: Instrument) -> bool:
    """Session feedback: items tied to modules, or a module question."""
    return any(i.module for i in inst.items) or any(
        i.type == "choice" and "module" in i.id for i in inst.items)


def _ordered_numeric(inst: Instrument, item: Item) -> bool:
    if item.type == "number":
        return True
    if item.type != "likert":
        return False
    rset = inst.response_set_of(item)
    return rset is None or rset.ordered


def _ref_of(instrument_value, version_value) -> str:
    s = str(instrument_value)
    if "@" in s:
        return s
    try:
        return f"{s}@{int(version_value)}"
    except (TypeError, ValueError):
        return s


def _lookup_instrument(ref: str, instruments: Mapping[str, Instrument]) -> Instrument | None:
    if ref in instruments:
        return instruments[ref]
    base = ref.partition("@")[0]
    same = sorted((i for i in instruments.values() if i.id == base), key=lambda i: i.version)
    return same[-1] if same else None


def _responses_by_instrument(responses: pd.DataFrame, instruments: Mapping[str, Instrument]):
    """Yield (instrument, rows) for each instrument the responses hold."""
    if not len(responses):
        return
    if "instrument" not in responses.columns:
        raise AnalysisError("responses have no instrument column — pass Workspace.responses() output")
    refs = _refs_fast(responses)
    for ref, rows in responses.groupby(refs, sort=True):
        inst = _lookup_instrument(str(ref), instruments)
        if inst is None:
            raise AnalysisError(
                f'responses use instrument "{ref}", which is not among the instruments given '
                f"({', '.join(sorted(instruments)) or 'none'}) — add its YAML to the instruments folder"
            )
        yield inst, rows


def _refs_fast(responses: pd.DataFrame) -> pd.Series:
    inst = responses["instrument"].astype("string")
    if "instrument_version" not in responses.columns:
        return inst
    pairs = pd.DataFrame({"i": inst, "v": responses["instrument_version"]})
    uniq = pairs.drop_duplicates()
    mapping = {(r.i, r.v): _ref_of(r.i, r.v) for r in uniq.itertuples(index=False)}
    return pd.Series([mapping[k] for k in zip(pairs["i"], pairs["v"], strict=True)],
                     index=responses.index)


# =========================================================================== measures
_META_COLUMNS = ["key", "kind", "measure", "title", "ordinal", "scale_min", "scale_max",
                 "higher_is_better", "n_items", "aim", "then_of_key", "reason"]


class MeasureValues:
    """Scale scores and item codes per wave and participant, from several instruments.

    Attributes
    ----------
    values : DataFrame
        Index (wave, participant); one float column per measure key.
    meta : DataFrame
        One row per measure key: ``key, kind`` (scale / item), ``measure``
        (its id), ``title, ordinal, scale_min, scale_max, higher_is_better,
        n_items, aim, then_of_key`` (for then-test measures: the key of the
        measure they look back on), ``reason`` (why t or Wilcoxon is the headline).
    sources : dict
        (wave, key) → sorted list of instrument refs that supplied it.
    cohort : Series
        participant → cohort (from the latest response).
    waves : list
        Waves in time order.
    """

    def __init__(self, values, meta, sources, cohort, waves, defined=None):
        self.values, self.meta, self.sources, self.cohort, self.waves = (
            values, meta, sources, cohort, waves)
        self.defined = defined or {}

        self._frames: dict[str, pd.DataFrame] = {}
        self._present: dict[str, list[str]] = {}

    def frame(self, wave: str) -> pd.DataFrame:
        """Values at one wave, indexed by participant."""
        if wave not in self._frames:
            if wave in self.values.index.get_level_values(0):
                self._frames[wave] = self.values.xs(wave, level=0)
            else:
                self._frames[wave] = self.values.iloc[0:0].droplevel(0)
        return self._frames[wave]

    def keys_at(self, wave: str) -> list[str]:
        """Measure keys with at least one value at this wave."""
        if wave not in self._present:
            f = self.frame(wave)
            have = f.notna().any(axis=0).to_numpy() if len(f) else np.zeros(f.shape[1], bool)
            self._present[wave] = list(f.columns[have])
        return self._present[wave]

    def info(self, key: str) -> dict:
        """The meta row of a key as a dict (cached: looked up in inner loops)."""
        if not hasattr(self, "_info"):
            self._info = self.meta.to_dict("index")
        return self._info[key]

    def keys_defined(self, wave: str) -> list[str]:
        """Measure keys asked at this wave by an instrument with responses (answered or not)."""
        return self.defined.get(wave, self.keys_at(wave))

    def refs(self, wave: str, key: str) -> str:
        return ", ".join(self.sources.get((wave, key), []))


def measure_values(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    waves: Iterable[str] | None = None,
) -> MeasureValues:
    """Collect scale scores and item codes from every pre/post instrument the responses use.

    Session feedback instruments (items tied to modules) and instruments with no
    likert or number items are left out. A measure's key carries a signature
    of its definition, so the same id defined differently in two instrument
    versions gives two keys that are never paired. Where a participant has
    more than one response at a wave, the latest (by ``completed``) non-missing
    value of each measure is used.
    """
    instruments = _as_instrument_map(instruments)
    blocks, meta_rows, sources, defined = [], {}, defaultdict(set), defaultdict(set)
    for inst, rows in _responses_by_instrument(responses, instruments):
        if _is_reaction(inst):
            continue
        cols, keys_meta = _instrument_measures(rows, inst)
        if not cols:
            continue
        meta_rows.update(keys_meta)
        block = pd.DataFrame(cols, index=rows.index)
        block.insert(0, "participant", rows["participant"].astype("string").to_numpy())
        block.insert(1, "wave", rows["wave"].astype("string").to_numpy())
        completed = rows["completed"] if "completed" in rows.columns else pd.Series(pd.NaT, index=rows.index)
        block.insert(2, "_completed", pd.to_datetime(completed, errors="coerce").to_numpy())
        counts = block.groupby("wave")[list(cols)].count()
        for wave, row in counts.iterrows():
            for key in row.index:
                defined[wave].add(key)
                if row[key] > 0:
                    sources[(wave, key)].add(inst.ref)
        blocks.append(block)
    if blocks:
        allv = pd.concat(blocks, ignore_index=True, sort=False)
        allv = allv.sort_values("_completed", na_position="first", kind="stable")
        cohort = (responses.assign(_c=pd.to_datetime(responses.get("completed"), errors="coerce"))
                  .sort_values("_c", na_position="first", kind="stable")
                  .drop_duplicates("participant", keep="last")
                  .set_index("participant")["cohort"].astype("string")
                  if "cohort" in responses.columns else pd.Series(dtype="string"))
        values = allv.drop(columns="_completed").groupby(["wave", "participant"], sort=True).last()
        values = values.astype("float64")
    else:
        values = pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["wave", "participant"]))
        cohort = pd.Series(dtype="string")
    meta = pd.DataFrame(list(meta_rows.values()), columns=_META_COLUMNS)
    order = wave_order(values.index.get_level_values(0).unique(), waves)
    # a key defined at a wave is a column even when no one answered it there
    missing = [k for k in meta["key"] if k not in values.columns]
    for k in missing:
        values[k] = np.nan
    return MeasureValues(values, meta.set_index("key", drop=False),
                         {k: sorted(v) for k, v in sources.items()}, cohort, order,
                         {w: sorted(v) for w, v in defined.items()})


def _as_instrument_map(instruments) -> dict[str, Instrument]:
    if isinstance(instruments, Mapping):
        return dict(instruments)
    if isinstance(instruments, Instrument):
        return {instruments.ref: instruments}
    return {i.ref: i for i in instruments}


def _item_sig(inst: Instrument, item: Item) -> str:
    rset = inst.response_set_of(item)
    codes = rset.codes if rset is not None else (item.minimum, item.maximum)
    return _sig(normalise_label(item.text), item.type, codes, bool(item.reverse))


def _scale_sig(inst: Instrument, scale: Scale) -> str:
    return _sig(scale.scoring, scale.min_items,
                tuple(sorted(_item_sig(inst, inst.item(i)) for i in scale.items)))


def _instrument_measures(rows: pd.DataFrame, inst: Instrument):
    """Columns (key → values) and meta rows for one instrument's responses."""
    cols: dict[str, np.ndarray] = {}
    meta: dict[str, dict] = {}
    scales = scales_to_score(inst)
    by_id = {s.id: s for s in scales}
    scored = score_scales(rows, inst, wide=True) if scales else None
    for s in scales:
        base = by_id.get(s.then_of) if s.then_of else s
        if base is None or any(not _ordered_numeric(inst, inst.item(i)) for i in base.items):
            continue
        base_key = f"scale:{base.id}:{_scale_sig(inst, base)}"
        key = f"then:{base_key}" if s.then_of else base_key
        lows, highs = zip(*(item_range(inst, i) for i in base.items), strict=True)
        k = len(base.items)
        mult = k if base.scoring == "sum" else 1
        single_likert = k == 1 and inst.item(base.items[0]).type == "likert"
        cols[key] = scored[s.id].to_numpy(dtype="float64")
        meta[key] = dict(
            key=key, kind="scale", measure=base.id, title=base.title, ordinal=single_likert,
            scale_min=min(lows) * mult, scale_max=max(highs) * mult, higher_is_better=True,
            n_items=k, aim=base.aim or "", then_of_key=base_key if s.then_of else "",
            reason=_REASON_W.replace("single ordinal item", "one-item scale") if single_likert else _REASON_T,
        )
    for item in inst.items:
        base = inst.item(item.then_of) if item.then_of else item
        if not _ordered_numeric(inst, base) or not _ordered_numeric(inst, item):
            continue
        base_key = f"item:{base.id}:{_item_sig(inst, base)}"
        key = f"then:{base_key}" if item.then_of else base_key
        low, high = item_range(inst, base) if (inst.response_set_of(base) or base.minimum is not None) else (np.nan, np.nan)
        if item.id in rows.columns:
            values = pd.to_numeric(rows[item.id], errors="coerce").to_numpy(dtype="float64")
        else:
            values = np.full(len(rows), np.nan)
        cols[key] = values
        likert = base.type == "likert"
        meta[key] = dict(
            key=key, kind="item", measure=base.id, title=base.text, ordinal=likert,
            scale_min=low, scale_max=high, higher_is_better=not base.reverse, n_items=1,
            aim="", then_of_key=base_key if item.then_of else "",
            reason=_REASON_W if likert else _REASON_NUM,
        )
    return cols, meta


# =========================================================================== pre/post
PREPOST_ID_COLUMNS = [
    "kind", "measure", "title", "wave_pre", "wave_post", "comparison",
    "instrument_pre", "instrument_post", "scale_min", "scale_max", "higher_is_better",
]


def _pairs_for(mv: MeasureValues, wave_a: str, wave_b: str, keys: list[str],
               confidence: float, pre_keys: list[str] | None = None) -> list[dict]:
    """Paired results for each key between wave_a (pre) and wave_b (post)."""
    fa, fb = mv.frame(wave_a), mv.frame(wave_b)
    common = fa.index.intersection(fb.index)
    pre_keys = pre_keys or keys
    a = fa.reindex(index=common, columns=pre_keys).to_numpy(dtype="float64")
    b = fb.reindex(index=common, columns=keys).to_numpy(dtype="float64")
    out = []
    for j, key in enumerate(keys):
        m = mv.info(key)
        row = _paired_core(a[:, j], b[:, j], ordinal=bool(m["ordinal"]),
                           higher_is_better=bool(m["higher_is_better"]), reason=m["reason"],
                           confidence=confidence)
        if len(common) == 0:
            row["note"] = "no participant answered both waves (no matches)"
        out.append(row)
    return out


def _add_adjustment(table: pd.DataFrame, family_cols: list[str], method: str) -> pd.DataFrame:
    name = _method_name(method)
    table["p_adj"] = np.nan
    if len(table):
        fam = table[family_cols].astype(str).agg(", ".join, axis=1)
        table["family"] = fam
        for _, idx in table.groupby("family", sort=False).groups.items():
            table.loc[idx, "p_adj"] = adjust_pvalues(table.loc[idx, "p_headline"], name)
    else:
        table["family"] = pd.Series(dtype="object")
    table["p_adj_method"] = name
    return table


def prepost_table(
    data: pd.DataFrame | MeasureValues,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    waves: Iterable[str] | None = None,
    p_adjust: str = "holm",
    kinds: tuple[str, ...] = ("scale", "item"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Matched change for every scale and item between every pair of waves.

    Parameters
    ----------
    data : DataFrame or MeasureValues
        ``Workspace.responses()`` output (with ``instruments``), or the result
        of :func:`measure_values`.
    instruments : mapping or list of Instrument
        The instruments the responses use.
    waves : list of str, optional
        The workspace's waves in time order (known names are ordered anyway).
    p_adjust : str
        ``"holm"`` (default) or ``"fdr_bh"``.
    kinds : tuple
        ``("scale", "item")`` by default.

    Returns
    -------
    DataFrame
        One row per measure and pair of waves (earlier → later, e.g.
        baseline → end, baseline → follow_up, end → follow_up), columns
        ``kind`` (scale / item), ``measure`` (id), ``title``, ``wave_pre``,
        ``wave_post``, ``comparison`` ("baseline → end"), ``instrument_pre``,
        ``instrument_post`` (refs), ``scale_min, scale_max``,
        ``higher_is_better`` (False for a reverse-worded item, analysed as
        asked; scale scores are reverse keyed so always True), then
        :data:`PAIRED_COLUMNS`, then ``family`` (the comparisons adjusted
        together: kind and pair of waves), ``p_adj`` (of ``p_headline``) and
        ``p_adj_method``.

    Notes
    -----
    Each comparison uses the participants with a value at both waves. The
    family for adjustment is all measures of one kind for one pair of waves.
    """
    mv = data if isinstance(data, MeasureValues) else measure_values(
        data, instruments or {}, waves=waves)
    rows, ids = [], []
    order = mv.waves
    main = mv.meta[(mv.meta["then_of_key"] == "") & mv.meta["kind"].isin(kinds)]
    for i, wa in enumerate(order):
        have_a = set(mv.keys_defined(wa))
        for wb in order[i + 1:]:
            have_b = set(mv.keys_defined(wb))
            keys = [k for k in main.index if k in have_a and k in have_b]
            if not keys:
                continue
            results = _pairs_for(mv, wa, wb, keys, confidence)
            for key, res in zip(keys, results, strict=True):
                m = mv.info(key)
                ids.append(dict(kind=m["kind"], measure=m["measure"], title=m["title"],
                                wave_pre=wa, wave_post=wb,
                                comparison=f"{wa} → {wb}",
                                instrument_pre=mv.refs(wa, key), instrument_post=mv.refs(wb, key),
                                scale_min=m["scale_min"], scale_max=m["scale_max"],
                                higher_is_better=bool(m["higher_is_better"])))
                rows.append(res)
    table = _paired_frame([{**a, **b} for a, b in zip(ids, rows, strict=True)], PREPOST_ID_COLUMNS)
    table = _add_adjustment(table, ["kind", "comparison"], p_adjust)
    kind_order = {"scale": 0, "item": 1}
    table = table.sort_values(["kind", "wave_pre", "wave_post"], kind="stable",
                              key=lambda s: s.map(kind_order) if s.name == "kind"
                              else s.map({w: i for i, w in enumerate(order)}))
    return table.reset_index(drop=True)


THEN_ID_COLUMNS = ["comparison", "kind", "measure", "title", "then_wave", "wave_pre", "wave_post",
                   "instrument_pre", "instrument_post", "scale_min", "scale_max", "higher_is_better"]


def then_test(
    data: pd.DataFrame | MeasureValues,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    waves: Iterable[str] | None = None,
    p_adjust: str = "holm",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Retrospective pretest ("then-test") comparisons.

    For each wave whose instrument asks "looking back, before the programme"
    items (``then_of``): ``comparison`` = ``"then-test vs post"`` (the same
    people's then rating → their current rating at that wave: perceived
    change) and ``"then-test vs baseline (response shift)"`` (the rating
    given at the first wave → the retrospective rating of that time: a
    negative ``mean_diff`` means people now judge their starting point lower
    than they rated it then).

    Returns
    -------
    DataFrame
        Columns ``comparison, kind, measure, title, then_wave, wave_pre,
        wave_post, instrument_pre, instrument_post, scale_min, scale_max,
        higher_is_better``, :data:`PAIRED_COLUMNS`, ``family, p_adj,
        p_adj_method``. ``wave_pre`` / ``wave_post`` name the waves each side
        comes from (for "then-test vs post" both are the then wave, with the
        then rating as "pre").

    References
    ----------
    Howard, G. S. (1980). Response-shift bias: a problem in evaluating
    interventions with pre/post self-reports. Evaluation Review, 4(1), 93–106.
    """
    mv = data if isinstance(data, MeasureValues) else measure_values(
        data, instruments or {}, waves=waves)
    then_meta = mv.meta[mv.meta["then_of_key"] != ""]
    rows, ids = [], []
    first = mv.waves[0] if mv.waves else None
    at_first = set(mv.keys_at(first)) if first is not None else set()
    for w in mv.waves:
        present = set(mv.keys_at(w))
        pairs = [(t, then_meta.loc[t, "then_of_key"]) for t in then_meta.index if t in present]
        if not pairs:
            continue
        f = mv.frame(w)
        for then_key, base_key in pairs:
            m = mv.info(base_key) if base_key in mv.meta.index else mv.info(then_key)
            common = dict(kind=m["kind"], measure=m["measure"], title=m["title"], then_wave=w,
                          scale_min=m["scale_min"], scale_max=m["scale_max"],
                          higher_is_better=bool(m["higher_is_better"]))
            if base_key in f.columns and f[base_key].notna().any():
                res = _paired_core(f[then_key].to_numpy(), f[base_key].to_numpy(),
                                   ordinal=bool(m["ordinal"]),
                                   higher_is_better=bool(m["higher_is_better"]),
                                   reason=m["reason"], confidence=confidence)
                ids.append(dict(common, comparison=COMPARISON_THEN_POST, wave_pre=w, wave_post=w,
                                instrument_pre=mv.refs(w, then_key),
                                instrument_post=mv.refs(w, base_key)))
                rows.append(res)
            if first is not None and first != w and base_key in at_first:
                fa = mv.frame(first)
                idx = fa.index.intersection(f.index)
                res = _paired_core(fa.reindex(idx)[base_key].to_numpy(),
                                   f.reindex(idx)[then_key].to_numpy(),
                                   ordinal=bool(m["ordinal"]),
                                   higher_is_better=bool(m["higher_is_better"]),
                                   reason=m["reason"], confidence=confidence)
                if len(idx) == 0:
                    res["note"] = "no participant answered both waves (no matches)"
                ids.append(dict(common, comparison=COMPARISON_THEN_BASELINE, wave_pre=first,
                                wave_post=w, instrument_pre=mv.refs(first, base_key),
                                instrument_post=mv.refs(w, then_key)))
                rows.append(res)
    table = _paired_frame([{**a, **b} for a, b in zip(ids, rows, strict=True)], THEN_ID_COLUMNS)
    return _add_adjustment(table, ["comparison", "kind", "then_wave"], p_adjust)


# =========================================================================== reliability
RELIABILITY_COLUMNS = [
    "instrument", "wave", "scale", "title", "n_items", "n", "alpha", "alpha_ci95_low",
    "alpha_ci95_high", "alpha_below_0_7", "note",
]
ITEM_REST_COLUMNS = ["instrument", "wave", "scale", "item", "n", "mean", "sd", "item_rest_r",
                     "alpha_if_deleted"]


def _alpha_ci(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt (1965) F-based interval for Cronbach's alpha (what pingouin uses, unrounded)."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    q = (1 - confidence) / 2
    lo = 1 - (1 - alpha) * stats.f.isf(q, df1, df2)
    hi = 1 - (1 - alpha) * stats.f.ppf(q, df1, df2)
    return float(lo), float(hi)


def _alpha(block: np.ndarray) -> float:
    k = block.shape[1]
    total_var = block.sum(axis=1).var(ddof=1)
    if total_var <= _TOL:
        return np.nan
    return k / (k - 1) * (1 - block.var(axis=0, ddof=1).sum() / total_var)


def _reliability_blocks(responses, instruments):
    """Yield (instrument, wave, scale, keyed item frame) for multi-item non-then-of scales."""
    for inst, rows in _responses_by_instrument(responses, _as_instrument_map(instruments)):
        if _is_reaction(inst):
            continue
        for scale in scales_to_score(inst):
            if any(not _ordered_numeric(inst, inst.item(i)) for i in scale.items):
                continue
            keyed = keyed_items(rows, inst, scale.items)
            for wave, idx in rows.groupby(rows["wave"].astype("string"), sort=True).groups.items():
                yield inst, wave, scale, keyed.loc[idx]


def scale_reliability(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    threshold: float = 0.7,
) -> pd.DataFrame:
    """Cronbach's alpha with its 95% CI for every scale at every wave.

    Returns
    -------
    DataFrame
        Columns ``instrument`` (ref), ``wave``, ``scale``, ``title``,
        ``n_items``, ``n`` (complete responses used), ``alpha``,
        ``alpha_ci95_low``, ``alpha_ci95_high``, ``alpha_below_0_7`` (True when
        alpha is under ``threshold``), ``note``.

    Notes
    -----
    Alpha from ``pingouin.cronbach_alpha`` on reverse keyed items, listwise
    (complete responses only): :math:`\\alpha = \\frac{k}{k-1}(1 - \\sum s_i^2 / s_T^2)`.
    CI by Feldt's F method: :math:`1 - (1-\\alpha) F_{q}(n-1, (n-1)(k-1))`
    (pingouin rounds its interval to 3 decimals; we compute it unrounded).
    McDonald's omega is not reported: no maintained Python library we use
    provides it (pingouin has alpha only), and a hand-rolled factor model
    would be unchecked.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. Psychometrika, 16, 297–334.
    Feldt, L. S. (1965). The approximate sampling distribution of
    Kuder-Richardson reliability coefficient twenty. Psychometrika, 30, 357–370.
    """
    rows = []
    for inst, wave, scale, keyed in _reliability_blocks(responses, instruments):
        k = keyed.shape[1]
        complete = keyed.dropna()
        n = len(complete)
        row = dict(instrument=inst.ref, wave=wave, scale=scale.id, title=scale.title,
                   n_items=k, n=n, alpha=np.nan, alpha_ci95_low=np.nan, alpha_ci95_high=np.nan,
                   alpha_below_0_7=False, note="")
        if k < 2:
            row["note"] = "one-item scale: alpha needs two or more items"
        elif n < 3:
            row["note"] = f"only {n} complete response{'s' if n != 1 else ''}: alpha needs at least 3"
        elif complete.sum(axis=1).var(ddof=1) <= _TOL or (complete.var(ddof=1) <= _TOL).all():
            row["note"] = "everyone gave the same answers: alpha is undefined"
        else:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                alpha, _ = pg.cronbach_alpha(data=complete, nan_policy="listwise")
            row["alpha"] = float(alpha)
            row["alpha_ci95_low"], row["alpha_ci95_high"] = _alpha_ci(float(alpha), n, k)
            row["alpha_below_0_7"] = bool(alpha < threshold)
            if alpha < threshold:
                row["note"] = f"alpha below {threshold:g}: the items may not measure one thing well enough"
        rows.append(row)
    out = pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)
    out["alpha_below_0_7"] = out["alpha_below_0_7"].astype(bool)
    return out


def item_rest_correlations(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
) -> pd.DataFrame:
    """Each item's correlation with the rest of its scale, per wave.

    Returns
    -------
    DataFrame
        Columns ``instrument, wave, scale, item, n`` (complete responses),
        ``mean, sd`` (reverse keyed), ``item_rest_r`` (Pearson r of the item
        with the sum of the other items), ``alpha_if_deleted``.
    """
    rows = []
    for inst, wave, scale, keyed in _reliability_blocks(responses, instruments):
        k = keyed.shape[1]
        if k < 2:
            continue
        complete = keyed.dropna()
        block = complete.to_numpy(dtype="float64")
        n = block.shape[0]
        total = block.sum(axis=1)
        for j, item in enumerate(scale.items):
            rest = total - block[:, j]
            r = np.nan
            if n >= 3 and block[:, j].std() > _TOL and rest.std() > _TOL:
                r = float(np.corrcoef(block[:, j], rest)[0, 1])
            a_del = np.nan
            if k >= 3 and n >= 3:
                a_del = _alpha(np.delete(block, j, axis=1))
            rows.append(dict(instrument=inst.ref, wave=wave, scale=scale.id, item=item, n=n,
                             mean=float(block[:, j].mean()) if n else np.nan,
                             sd=float(block[:, j].std(ddof=1)) if n >= 2 else np.nan,
                             item_rest_r=r, alpha_if_deleted=a_del))
    return pd.DataFrame(rows, columns=ITEM_REST_COLUMNS)


# =========================================================================== attrition
RATE_COLUMNS = ["cohort", "wave", "n_roster", "n_responded", "response_rate", "n_not_on_roster",
                "n_first_wave", "n_retained", "retention_rate"]


def response_rates(
    responses: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    *,
    waves: Iterable[str] | None = None,
) -> pd.DataFrame:
    """How many answered each wave, per cohort and overall (``cohort`` = "all").

    Returns
    -------
    DataFrame
        Columns ``cohort, wave, n_roster`` (people on the roster), ``n_responded``
        (distinct participants with a response), ``response_rate``
        (n_responded / n_roster, NaN without a roster), ``n_not_on_roster``
        (respondents who could not be matched to the roster), ``n_first_wave``
        (answered the first wave), ``n_retained`` (answered both the first wave
        and this one), ``retention_rate`` (n_retained / n_first_wave).
    """
    if not len(responses):
        return pd.DataFrame(columns=RATE_COLUMNS)
    r = responses[["participant", "cohort", "wave"]].astype("string").drop_duplicates()
    matched = responses.get("matched")
    unmatched_ids = set(responses.loc[matched == False, "participant"].astype("string")) \
        if matched is not None else set()  # noqa: E712 - pandas mask
    order = wave_order(r["wave"].unique(), waves)
    first = order[0]
    roster_n = (roster.astype({"cohort": "string"}).groupby("cohort")["participant"].nunique()
                if roster is not None and len(roster) else pd.Series(dtype="int64"))
    rows = []
    for cohort_name, sub in [*sorted(r.groupby("cohort"), key=lambda x: str(x[0])), ("all", r)]:
        base = set(sub.loc[sub["wave"] == first, "participant"])
        n_roster = (float(roster_n.sum()) if cohort_name == "all" else
                    float(roster_n.get(cohort_name, np.nan))) if len(roster_n) else np.nan
        for w in order:
            people = set(sub.loc[sub["wave"] == w, "participant"])
            if not people and cohort_name == "all":
                continue
            n_resp = len(people - unmatched_ids)
            retained = len(people & base)
            rows.append(dict(cohort=cohort_name, wave=w, n_roster=n_roster, n_responded=len(people),
                             response_rate=(n_resp / n_roster) if n_roster and n_roster > 0 else np.nan,
                             n_not_on_roster=len(people & unmatched_ids), n_first_wave=len(base),
                             n_retained=retained,
                             retention_rate=retained / len(base) if base else np.nan))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


BIAS_COLUMNS = ["scale", "title", "wave_first", "wave", "n_completers", "n_dropouts",
                "mean_completers", "sd_completers", "mean_dropouts", "sd_dropouts", "mean_diff",
                "t", "dof", "p_val", "u_stat", "p_mannwhitney", "rank_biserial", "hedges_g",
                "g_ci95_low", "g_ci95_high", "differs", "warning", "note"]


def attrition_bias(
    data: pd.DataFrame | MeasureValues,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    responses: pd.DataFrame | None = None,
    waves: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Did those who answered a later wave start out differently from those who did not?

    Compares first-wave scale scores of completers (answered the later wave)
    and dropouts (did not).

    Returns
    -------
    DataFrame
        Columns ``scale, title, wave_first, wave`` (the later wave),
        ``n_completers, n_dropouts, mean_completers, sd_completers,
        mean_dropouts, sd_dropouts, mean_diff`` (completers − dropouts),
        ``t, dof, p_val`` (Welch), ``u_stat, p_mannwhitney, rank_biserial``,
        ``hedges_g, g_ci95_low, g_ci95_high`` (see :func:`group_difference`),
        ``differs`` (p < 0.05 on either test, or |g| ≥ 0.5 however few left),
        ``warning``
        (plain English, empty when no difference is seen), ``note``.
    """
    if isinstance(data, MeasureValues):
        mv = data
    else:
        mv = measure_values(data, instruments or {}, waves=waves)
        responses = data if responses is None else responses
    if not mv.waves:
        return pd.DataFrame(columns=BIAS_COLUMNS)
    first = mv.waves[0]
    base = mv.frame(first)
    answered = (responses[["participant", "wave"]].astype("string").drop_duplicates()
                if responses is not None and len(responses)
                else mv.values.index.to_frame(index=False).astype("string"))
    at_first = set(mv.keys_at(first))
    scale_keys = [k for k in mv.meta.index if mv.info(k)["kind"] == "scale"
                  and mv.info(k)["then_of_key"] == "" and k in at_first]
    rows = []
    for w in mv.waves[1:]:
        later = set(answered.loc[answered["wave"] == w, "participant"])
        if not later:
            continue
        stayed = base.index.isin(list(later))
        for key in scale_keys:
            m = mv.info(key)
            res = _group_core(base.loc[stayed, key], base.loc[~stayed, key])
            differs = bool(
                (np.nan_to_num(res["p_val"], nan=1) < 0.05)
                or (np.nan_to_num(res["p_mannwhitney"], nan=1) < 0.05)
                or abs(np.nan_to_num(res["hedges_g"])) >= 0.5)
            warning = ""
            if differs and res["n_a"] >= 2 and res["n_b"] >= 2:
                direction = "higher" if res["mean_diff"] > 0 else "lower"
                other = "lower" if direction == "higher" else "higher"
                warning = (
                    f"People who went on to answer the {_wave_label(w)} survey started with {direction} "
                    f"{m['title']} scores than those who did not ({res['mean_a']:.2f} vs "
                    f"{res['mean_b']:.2f}; g = {res['hedges_g']:.2f}, Welch p = {res['p_val']:.2f}). "
                    "Change measured only on "
                    f"those who stayed may not hold for everyone: the people lost started {other}."
                )
            rows.append(dict(scale=m["measure"], title=m["title"], wave_first=first, wave=w,
                             n_completers=res["n_a"], n_dropouts=res["n_b"],
                             mean_completers=res["mean_a"], sd_completers=res["sd_a"],
                             mean_dropouts=res["mean_b"], sd_dropouts=res["sd_b"],
                             mean_diff=res["mean_diff"], t=res["t"], dof=res["dof"],
                             p_val=res["p_val"], u_stat=res["u_stat"],
                             p_mannwhitney=res["p_mannwhitney"],
                             rank_biserial=res["rank_biserial"], hedges_g=res["hedges_g"],
                             g_ci95_low=res["g_ci95_low"], g_ci95_high=res["g_ci95_high"],
                             differs=differs, warning=warning,
                             note=res["note"] or ("no one dropped out" if res["n_b"] == 0 else "")))
    return pd.DataFrame(rows, columns=BIAS_COLUMNS)


# =========================================================================== cohorts and subgroups
ANOVA_COLUMNS = ["scale", "title", "wave_pre", "wave_post", "comparison", "source", "ss", "df1",
                 "df2", "ms", "f", "p_val", "np2", "n_participants", "n_cohorts", "note"]


def cohort_anova(
    data: pd.DataFrame | MeasureValues,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    waves: Iterable[str] | None = None,
    cohort: pd.Series | None = None,
) -> pd.DataFrame:
    """Time × cohort mixed ANOVA for each scale and pair of waves.

    Answers "did the change differ between cohorts?" (the ``time × cohort``
    row) using ``pingouin.mixed_anova`` on participants with both waves.

    Returns
    -------
    DataFrame
        Columns ``scale, title, wave_pre, wave_post, comparison, source``
        (cohort / time / time × cohort), ``ss, df1, df2, ms, f, p_val, np2``
        (partial eta squared), ``n_participants, n_cohorts, note``. With fewer
        than two cohorts one row per scale and comparison with a note and no
        numbers.

    Notes
    -----
    With two waves the time × cohort F equals a one-way ANOVA of the
    difference scores across cohorts, and the cohort F a one-way ANOVA of
    each person's mean of the two waves.
    """
    mv = data if isinstance(data, MeasureValues) else measure_values(
        data, instruments or {}, waves=waves)
    cohort = mv.cohort if cohort is None else cohort.astype("string")
    rows = []
    keys = [k for k in mv.meta.index if mv.info(k)["kind"] == "scale"
            and mv.info(k)["then_of_key"] == ""]
    empty = dict(ss=np.nan, df1=np.nan, df2=np.nan, ms=np.nan, f=np.nan, p_val=np.nan, np2=np.nan)
    for i, wa in enumerate(mv.waves):
        fa = mv.frame(wa)
        for wb in mv.waves[i + 1:]:
            fb = mv.frame(wb)
            common = fa.index.intersection(fb.index)
            for key in keys:
                if key not in fa.columns or key not in fb.columns:
                    continue
                if not (fa[key].notna().any() and fb[key].notna().any()):
                    continue
                m = mv.info(key)
                x = fa.reindex(common)[key]
                y = fb.reindex(common)[key]
                ok = x.notna() & y.notna()
                people = common[ok.to_numpy()]
                coh = cohort.reindex(people)
                coh_ok = coh.notna().to_numpy()
                people = people[coh_ok]
                coh = coh[coh_ok]
                sizes = coh.value_counts()
                n_cohorts = int((sizes >= 2).sum())
                ident = dict(scale=m["measure"], title=m["title"], wave_pre=wa, wave_post=wb,
                             comparison=f"{wa} → {wb}", n_participants=len(people),
                             n_cohorts=int(sizes.size))
                if n_cohorts < 2:
                    rows.append(dict(ident, source="", **empty,
                                     note="only one cohort (with two or more matched people): "
                                          "a time × cohort comparison needs at least two"))
                    continue
                keep = coh.isin(sizes.index[sizes >= 2]).to_numpy()
                people, coh = people[keep], coh[keep]
                long = pd.DataFrame({
                    "participant": np.concatenate([people, people]),
                    "wave": np.repeat(["pre", "post"], len(people)),
                    "cohort": np.concatenate([coh.to_numpy(), coh.to_numpy()]),
                    "score": np.concatenate([x.reindex(people).to_numpy(),
                                             y.reindex(people).to_numpy()]),
                })
                try:
                    with warnings.catch_warnings(), np.errstate(all="ignore"):
                        warnings.simplefilter("ignore")
                        aov = pg.mixed_anova(data=long, dv="score", within="wave",
                                             subject="participant", between="cohort")
                except Exception as exc:  # noqa: BLE001 - report, do not crash
                    rows.append(dict(ident, source="", **empty,
                                     note=f"mixed ANOVA could not be computed: {exc}"))
                    continue
                p_col = "p_unc" if "p_unc" in aov.columns else "p-unc"
                names = {"cohort": "cohort", "wave": "time", "Interaction": "time × cohort"}
                ident["n_participants"] = len(people)
                ident["n_cohorts"] = int(coh.nunique())
                for r in aov.itertuples(index=False):
                    rd = r._asdict()
                    rows.append(dict(ident, source=names.get(rd["Source"], rd["Source"]),
                                     ss=rd["SS"], df1=rd["DF1"], df2=rd["DF2"], ms=rd["MS"],
                                     f=rd["F"], p_val=rd.get(p_col, getattr(r, p_col, np.nan)),
                                     np2=rd.get("np2", np.nan), note=""))
    out = pd.DataFrame(rows, columns=ANOVA_COLUMNS)
    for c in ("ss", "df1", "df2", "ms", "f", "p_val", "np2"):
        out[c] = out[c].astype("float64")
    return out


SUBGROUP_ID_COLUMNS = ["attribute", "group", "scale", "title", "wave_pre", "wave_post",
                       "comparison"]
SUBGROUP_ATTRIBUTES = ("cohort", "sector", "organisation", "place")


def _small_cells(counts: np.ndarray, blocks: np.ndarray, threshold: int):
    """Primary (1 … threshold-1) and complementary suppression masks.

    Where exactly one row of a block is small, the smallest other row of that
    block is hidden too (complementary suppression).
    """
    counts = np.asarray(counts, dtype="float64")
    small = (counts > 0) & (counts < threshold)
    partner = np.zeros_like(small)
    frame = pd.DataFrame({"b": blocks, "n": counts, "small": small})
    n_small = frame.groupby("b", sort=False)["small"].transform("sum").to_numpy()
    cand = frame[(n_small == 1) & ~small]
    if len(cand):
        idx = cand.sort_values("n", kind="stable").drop_duplicates("b").index
        partner[np.asarray(idx)] = True
    return small, partner


def subgroup_change(
    data: pd.DataFrame | MeasureValues,
    roster: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    min_group_size: int = 5,
    attributes: tuple[str, ...] = SUBGROUP_ATTRIBUTES,
    waves: Iterable[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Pre/post change of each scale within subgroups (cohort, sector, organisation, place).

    Groups with fewer than ``min_group_size`` matched pairs are kept as rows
    with ``suppressed=True`` and no numbers; where exactly one group of a block
    (attribute × scale × comparison) is suppressed, the next smallest is too,
    so the hidden one cannot be recovered by subtraction from the whole-group
    result.

    Returns
    -------
    DataFrame
        Columns ``attribute, group, scale, title, wave_pre, wave_post,
        comparison``, :data:`PAIRED_COLUMNS` (NaN when suppressed),
        ``suppressed``, ``suppression_reason``. Subgroup results are
        exploratory and not adjusted for multiple comparisons.
    """
    mv = data if isinstance(data, MeasureValues) else measure_values(
        data, instruments or {}, waves=waves)
    attrs = pd.DataFrame(index=pd.Index([], name="participant"))
    if roster is not None and len(roster):
        attrs = roster.drop_duplicates("participant").set_index("participant")
        attrs.index = attrs.index.astype("string")
    keys = [k for k in mv.meta.index if mv.info(k)["kind"] == "scale"
            and mv.info(k)["then_of_key"] == ""]
    rows, ids = [], []
    for i, wa in enumerate(mv.waves):
        fa = mv.frame(wa)
        for wb in mv.waves[i + 1:]:
            fb = mv.frame(wb)
            common = fa.index.intersection(fb.index)
            ks = [k for k in keys if k in fa.columns and k in fb.columns
                  and fa[k].notna().any() and fb[k].notna().any()]
            if not ks or not len(common):
                continue
            a = fa.reindex(index=common, columns=ks).to_numpy(dtype="float64")
            b = fb.reindex(index=common, columns=ks).to_numpy(dtype="float64")
            for attr in attributes:
                if attr == "cohort":
                    labels = mv.cohort.reindex(common)
                    if labels.isna().all() and "cohort" in attrs.columns:
                        labels = attrs["cohort"].reindex(common)
                elif attr in attrs.columns:
                    labels = attrs[attr].reindex(common)
                else:
                    continue
                labels = labels.astype("string").fillna("(not recorded)").to_numpy()
                for group in sorted(set(labels)):
                    sel = labels == group
                    for j, key in enumerate(ks):
                        m = mv.info(key)
                        res = _paired_core(a[sel, j], b[sel, j], ordinal=bool(m["ordinal"]),
                                           higher_is_better=True, reason=m["reason"],
                                           confidence=confidence)
                        if res["n_pairs"] == 0:
                            continue
                        ids.append(dict(attribute=attr, group=group, scale=m["measure"],
                                        title=m["title"], wave_pre=wa, wave_post=wb,
                                        comparison=f"{wa} → {wb}"))
                        rows.append(res)
    table = _paired_frame([{**x, **y} for x, y in zip(ids, rows, strict=True)], SUBGROUP_ID_COLUMNS)
    table["n_pairs"] = table["n_pairs"].astype("float64")
    if not len(table):
        table["suppressed"] = pd.Series(dtype=bool)
        table["suppression_reason"] = pd.Series(dtype="object")
        return table
    block = (table["attribute"] + "|" + table["scale"] + "|" + table["comparison"]).to_numpy()
    small, partner = _small_cells(table["n_pairs"].to_numpy(), block, min_group_size)
    hide = small | partner
    numeric = [c for c in PAIRED_COLUMNS if c not in _TEXT_COLUMNS]
    table.loc[hide, numeric] = np.nan
    table.loc[hide, sorted(_TEXT_COLUMNS)] = ""
    table["suppressed"] = hide
    table["suppression_reason"] = np.where(
        small, f"fewer than {min_group_size} matched people",
        np.where(partner, "hidden too, so a smaller hidden group cannot be worked out by "
                          "subtraction from the whole-group result", ""))
    for c in _TEXT_COLUMNS:
        table[c] = table[c].fillna("")
    return table


# =========================================================================== reaction
REACTION_COLUMNS = ["module", "module_title", "item", "item_text", "kind", "n_responses", "mean",
                    "sd", "ci95_low", "ci95_high", "median", "scale_min", "scale_max",
                    "pct_promoters", "pct_passives", "pct_detractors", "nps", "suppressed"]
DISTRIBUTION_COLUMNS = ["module", "item", "code", "label", "n", "share", "suppressed"]


def _module_of(rows: pd.DataFrame, inst: Instrument, programme: Programme | None) -> pd.Series:
    """Module id of each response: from its module question, else its wave."""
    wave = rows["wave"].astype("string") if "wave" in rows.columns else pd.Series("", index=rows.index)
    q = next((i for i in inst.items if i.type == "choice" and "module" in i.id), None)
    if q is None or q.id not in rows.columns:
        return wave
    rset = inst.response_set_of(q)
    lookup = rset.lookup() if rset else {}
    code_to_module: dict[float, str] = {}
    if rset is not None:
        for code, label in rset.options:
            code_to_module[float(code)] = label
        if programme is not None:
            for mod in programme.modules:
                for key in (mod.id, mod.title):
                    code = lookup.get(normalise_label(key))
                    if code is not None:
                        code_to_module[float(code)] = mod.id
    codes = pd.to_numeric(rows[q.id], errors="coerce")
    mapped = codes.map(code_to_module).astype("string")
    return mapped.fillna(wave)


def session_reaction(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    programme: Programme | None = None,
    *,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Session feedback per module (Kirkpatrick level 1).

    Returns
    -------
    (summary, distribution) : tuple of DataFrames
        ``summary``: one row per module and rated item, columns ``module,
        module_title, item, item_text, kind`` (rating / recommend),
        ``n_responses, mean, sd, ci95_low, ci95_high`` (t-interval),
        ``median, scale_min, scale_max``, and for a 0–10 recommend item
        ``pct_promoters`` (9–10), ``pct_passives`` (7–8), ``pct_detractors``
        (0–6), ``nps`` (% promoters − % detractors, −100 to 100);
        ``suppressed`` (fewer than ``min_group_size`` answers: no numbers).
        ``distribution``: ``module, item, code, label, n, share, suppressed``.

    Notes
    -----
    The module of a response is its answer to the module question mapped to
    the programme's module ids, else its wave. Items that belong to one module
    (``module:`` in the instrument) are summarised under that module only.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard
    Business Review, 81(12), 46–54.
    Kirkpatrick, D. L., & Kirkpatrick, J. D. (2006). Evaluating training
    programs: the four levels (3rd ed.). Berrett-Koehler.
    """
    instruments = _as_instrument_map(instruments)
    titles = {m.id: m.title for m in programme.modules} if programme is not None else {}
    summary, dist = [], []
    for inst, rows in _responses_by_instrument(responses, instruments):
        if not _is_reaction(inst):
            continue
        module = _module_of(rows, inst, programme)
        for item in inst.items:
            if item.type not in ("likert", "number") or item.id not in rows.columns:
                continue
            try:
                low, high = item_range(inst, item)
            except AnalysisError:
                low, high = np.nan, np.nan
            recommend = low == 0 and high == 10
            values = pd.to_numeric(rows[item.id], errors="coerce")
            groups = ({item.module: values} if item.module else
                      {m: values[module == m] for m in sorted(module.dropna().unique())})
            rset = inst.response_set_of(item)
            for mod, v in groups.items():
                v = v.dropna().to_numpy(dtype="float64")
                n = int(v.size)
                if n == 0:
                    continue
                hidden = n < min_group_size
                row = dict(module=mod, module_title=titles.get(mod, mod), item=item.id,
                           item_text=item.text, kind="recommend" if recommend else "rating",
                           n_responses=float(n), scale_min=low, scale_max=high, suppressed=hidden,
                           **{c: np.nan for c in ("mean", "sd", "ci95_low", "ci95_high", "median",
                                                  "pct_promoters", "pct_passives",
                                                  "pct_detractors", "nps")})
                if not hidden:
                    row["mean"], row["median"] = float(v.mean()), float(np.median(v))
                    if n >= 2:
                        sd = float(v.std(ddof=1))
                        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
                        row.update(sd=sd, ci95_low=row["mean"] - half, ci95_high=row["mean"] + half)
                    if recommend:
                        pro, det = 100 * np.mean(v >= 9), 100 * np.mean(v <= 6)
                        row.update(pct_promoters=pro, pct_detractors=det,
                                   pct_passives=100 - pro - det, nps=pro - det)
                else:
                    row["n_responses"] = np.nan
                summary.append(row)
                codes = list(rset.codes) if rset is not None else sorted(set(v.tolist()))
                for code in codes:
                    count = int(np.sum(v == code))
                    dist.append(dict(module=mod, item=item.id, code=float(code),
                                     label=rset.label_of(code) if rset is not None else str(code),
                                     n=np.nan if hidden else float(count),
                                     share=np.nan if hidden else count / n, suppressed=hidden))
    return (pd.DataFrame(summary, columns=REACTION_COLUMNS),
            pd.DataFrame(dist, columns=DISTRIBUTION_COLUMNS))


# =========================================================================== statements
STATEMENT_COLUMNS = ["aim", "aim_title", "scale", "scale_title", "wave_pre", "wave_post",
                     "n_pairs", "mean_pre", "mean_post", "g_av", "g_av_ci95_low",
                     "g_av_ci95_high", "p_adj", "statement", "cautions", "evidence_strength",
                     "evidence_reasons"]
_STRENGTH = {3: "moderate", 2: "limited", 1: "weak", 0: "weak"}


def _size_word(g: float) -> str:
    g = abs(g)
    if g < 0.2:
        return "very small"
    if g < 0.5:
        return "small"
    if g < 0.8:
        return "medium-sized"
    return "large"


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


def aim_statements(
    prepost: pd.DataFrame,
    programme: Programme | None,
    *,
    reliability: pd.DataFrame | None = None,
    attrition: pd.DataFrame | None = None,
    then: pd.DataFrame | None = None,
    first_wave_n: Mapping[tuple[str, str], int] | None = None,
    scale_aims: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A plain-English sentence per aim and scale, with cautions and a strength-of-evidence label.

    Uses the scale rows of :func:`prepost_table` that start at the first wave
    (baseline → end, baseline → follow_up).

    Returns
    -------
    DataFrame
        Columns ``aim, aim_title, scale, scale_title, wave_pre, wave_post,
        n_pairs, mean_pre, mean_post, g_av, g_av_ci95_low, g_av_ci95_high,
        p_adj``, ``statement`` (one sentence), ``cautions`` (sentences, each
        ending in a full stop), ``evidence_strength`` (moderate / limited /
        weak / none) and ``evidence_reasons``.

    Notes
    -----
    Size words follow Cohen's benchmarks on |g_av|: under 0.2 very small, 0.2
    small, 0.5 medium-sized, 0.8 large. A change is called a change when its
    adjusted p-value is under 0.05; otherwise the sentence says it could be
    chance. The strength label starts at "moderate" (the most a design with
    no comparison group supports) and drops one step for each of: fewer than
    30 pairs (two under 10), under 70% of first-wave respondents retained (two
    under 50%), alpha under 0.7, a baseline difference between those who
    stayed and those who left.
    """
    scale_aims = dict(scale_aims or {})
    aims = list(programme.aims) if programme is not None else []
    aim_titles = {a.id: a.title for a in aims}
    rows = []
    scales = prepost[prepost["kind"] == "scale"] if len(prepost) else prepost
    first = None
    if len(scales):
        first = scales["wave_pre"].iloc[0]
        order = list(dict.fromkeys([*scales["wave_pre"], *scales["wave_post"]]))
        first = order[0]
        scales = scales[scales["wave_pre"] == first]
    covered = set()
    for r in scales.itertuples(index=False):
        aim = scale_aims.get(r.measure, "")
        covered.add(aim)
        cautions, reasons = [], ["no comparison group (pre/post only), so at most moderate"]
        score = 3
        n = int(r.n_pairs)
        pre_w, post_w = _wave_label(r.wave_pre), _wave_label(r.wave_post)
        out_of = f" out of {r.scale_max:g}" if np.isfinite(r.scale_max) else ""
        if n < 3 or not np.isfinite(r.g_av):
            statement = (f"Too few people answered both the {pre_w} and {post_w} surveys ({n}) "
                         f"to say whether {r.title} changed.")
            strength, reasons = "none", ["fewer than 3 matched people"]
        else:
            sig = np.isfinite(r.p_adj) and r.p_adj < 0.05
            verb = "rose" if r.mean_diff > 0 else "fell" if r.mean_diff < 0 else "stayed"
            g_txt = (f"g = {_fmt(r.g_av, 2)}, 95% CI {_fmt(r.g_av_ci95_low, 2)} to "
                     f"{_fmt(r.g_av_ci95_high, 2)}")
            who = f"among the {n} people who answered both the {pre_w} and {post_w} surveys"
            if verb == "stayed":
                statement = f"{r.title} stayed at {_fmt(r.mean_pre, 1)}{out_of} {who} ({g_txt})."
            elif sig:
                statement = (f"{r.title} {verb} from {_fmt(r.mean_pre, 1)} to {_fmt(r.mean_post, 1)}"
                             f"{out_of} {who} — a {_size_word(r.g_av)} change ({g_txt}).")
            else:
                statement = (f"{r.title} {verb} from {_fmt(r.mean_pre, 1)} to {_fmt(r.mean_post, 1)}"
                             f"{out_of} {who}, but a change this size could be chance ({g_txt}; "
                             f"adjusted p = {r.p_adj:.2f}).")
            cautions.append("No comparison group: some or all of the change may have happened "
                            "without the programme.")
            if r.mean_diff > 0:
                cautions.append("Regression to the mean: people who start low tend to score higher "
                                "the next time whatever happens, so part of a rise may not be real change.")
            if n < 10:
                score -= 2
                reasons.append(f"only {n} matched people")
            elif n < 30:
                score -= 1
                reasons.append(f"{n} matched people (under 30)")
            n_first = (first_wave_n or {}).get((r.measure, r.wave_pre))
            if n_first:
                kept = n / n_first
                if kept < 0.5:
                    score -= 2
                elif kept < 0.7:
                    score -= 1
                if kept < 0.7:
                    reasons.append(f"{kept:.0%} of first-wave respondents matched")
                if kept < 0.8:
                    cautions.append(f"Attrition: only {n} of the {n_first} people who answered the "
                                    f"{pre_w} survey also answered the {post_w} survey.")
            if reliability is not None and len(reliability):
                rel = reliability[(reliability["scale"] == r.measure)
                                  & reliability["wave"].isin([r.wave_pre, r.wave_post])]
                low = rel[rel["alpha_below_0_7"]]
                if len(low):
                    score -= 1
                    reasons.append("Cronbach's alpha under 0.7")
                    cautions.append(f"Reliability: Cronbach's alpha was {low['alpha'].min():.2f} at "
                                    f"the {_wave_label(low.loc[low['alpha'].idxmin(), 'wave'])} "
                                    "survey, below 0.7, so the scale is a rough measure.")
            if attrition is not None and len(attrition):
                bias = attrition[(attrition["scale"] == r.measure)
                                 & (attrition["wave"] == r.wave_post) & attrition["differs"]]
                if len(bias):
                    score -= 1
                    reasons.append("those who left started differently")
                    cautions.append(bias["warning"].iloc[0])
            if then is not None and len(then):
                shift = then[(then["comparison"] == COMPARISON_THEN_BASELINE)
                             & (then["kind"] == "scale") & (then["measure"] == r.measure)
                             & (then["wave_post"] == r.wave_post)]
                if len(shift) and np.isfinite(shift["p_adj"].iloc[0]) and shift["p_adj"].iloc[0] < 0.05:
                    s = shift.iloc[0]
                    way = "lower" if s["mean_diff"] < 0 else "higher"
                    cautions.append(
                        f"Response shift: looking back at the {post_w} survey, people rated where they "
                        f"started {way} than they did at the time ({_fmt(s['mean_post'], 1)} vs "
                        f"{_fmt(s['mean_pre'], 1)}), so the baseline may {'under' if way == 'higher' else 'over'}state "
                        "where they began.")
            strength = _STRENGTH[max(score, 0)]
        rows.append(dict(aim=aim, aim_title=aim_titles.get(aim, aim), scale=r.measure,
                         scale_title=r.title, wave_pre=r.wave_pre, wave_post=r.wave_post,
                         n_pairs=n, mean_pre=r.mean_pre, mean_post=r.mean_post, g_av=r.g_av,
                         g_av_ci95_low=r.g_av_ci95_low, g_av_ci95_high=r.g_av_ci95_high,
                         p_adj=r.p_adj, statement=statement, cautions=" ".join(cautions),
                         evidence_strength=strength, evidence_reasons="; ".join(reasons)))
    for a in aims:
        if a.id not in covered:
            rows.append(dict(aim=a.id, aim_title=a.title, scale="", scale_title="", wave_pre="",
                             wave_post="", n_pairs=0, mean_pre=np.nan, mean_post=np.nan,
                             g_av=np.nan, g_av_ci95_low=np.nan, g_av_ci95_high=np.nan,
                             p_adj=np.nan,
                             statement=f"No survey scale with matched answers evidences “{a.title}” "
                                       "yet; see the network and other results.",
                             cautions="", evidence_strength="none",
                             evidence_reasons="no matched survey data for this aim"))
    out = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    aim_rank = {a.id: i for i, a in enumerate(aims)}
    out = out.sort_values("aim", kind="stable", key=lambda s: s.map(lambda v: aim_rank.get(v, 99)))
    return out.reset_index(drop=True)


# =========================================================================== workspace
def analyse_workspace(ws, *, p_adjust: str = "holm") -> dict[str, pd.DataFrame]:
    """Run every pre/post analysis on a workspace.

    Uses only ``ws.responses()``, ``ws.roster()``, ``ws.instruments()``,
    ``ws.programme()``, ``ws.min_group_size`` and (if present) ``ws.waves``.

    Returns
    -------
    dict of str → DataFrame
        ``scale_scores`` (:func:`evaluate.scoring.score_scales`, long, all
        instruments except session feedback), ``prepost``, ``then_test``,
        ``reliability``, ``item_rest``, ``attrition_rates``, ``attrition_bias``,
        ``cohort_anova``, ``subgroups``, ``reaction``,
        ``reaction_distribution``, ``statements``.
    """
    responses = ws.responses()
    instruments = ws.instruments()
    try:
        programme = ws.programme()
    except Exception:  # noqa: BLE001 - statements still work without aims
        programme = None
    roster = ws.roster()
    min_group = int(getattr(ws, "min_group_size", 5) or 5)
    declared = getattr(ws, "waves", None)
    declared = declared() if callable(declared) else declared
    mv = measure_values(responses, instruments, waves=declared)

    score_frames = []
    for inst, rows in _responses_by_instrument(responses, _as_instrument_map(instruments)):
        if inst.scales and not _is_reaction(inst):
            score_frames.append(score_scales(rows, inst))
    scale_scores = (pd.concat(score_frames, ignore_index=True) if score_frames
                    else score_scales(responses.iloc[0:0], _empty_instrument()))

    prepost = prepost_table(mv, p_adjust=p_adjust)
    then = then_test(mv, p_adjust=p_adjust)
    reliability = scale_reliability(responses, instruments)
    bias = attrition_bias(mv, responses=responses)
    reaction, distribution = session_reaction(responses, instruments, programme,
                                              min_group_size=min_group)
    scale_aims = {}
    for inst in _as_instrument_map(instruments).values():
        for s in inst.scales:
            if s.aim and not s.then_of:
                scale_aims.setdefault(s.id, s.aim)
    first_n = {}
    if mv.waves:
        f0 = mv.frame(mv.waves[0])
        for key in mv.meta.index:
            if (key in f0.columns and mv.info(key)["kind"] == "scale"
                    and mv.info(key)["then_of_key"] == "" and f0[key].notna().any()):
                first_n[(mv.info(key)["measure"], mv.waves[0])] = int(f0[key].notna().sum())
    statements = aim_statements(prepost, programme, reliability=reliability, attrition=bias,
                                then=then, first_wave_n=first_n, scale_aims=scale_aims)
    return {
        "scale_scores": scale_scores,
        "prepost": prepost,
        "then_test": then,
        "reliability": reliability,
        "item_rest": item_rest_correlations(responses, instruments),
        "attrition_rates": response_rates(responses, roster, waves=declared),
        "attrition_bias": bias,
        "cohort_anova": cohort_anova(mv),
        "subgroups": subgroup_change(mv, roster, min_group_size=min_group),
        "reaction": reaction,
        "reaction_distribution": distribution,
        "statements": statements,
        "principles": principle_evidence(prepost, instruments, programme),
    }


def principle_evidence(prepost: pd.DataFrame, instruments, programme: Programme | None,
                       *, wave_pre: str = "baseline", wave_post: str = "end") -> pd.DataFrame:
    """The evidence for each programme principle: the scales that measure it, and their change.

    A scale evidences a principle when the instrument lists the principle in
    the scale's ``principles``. Then-test scales are left out.

    Returns
    -------
    DataFrame
        One row per principle and scale, with columns ``principle,
        principle_title, scale, scale_title, wave_pre, wave_post, n_pairs,
        mean_pre, mean_post, mean_diff, g_av, g_av_ci95_low, g_av_ci95_high,
        p_adj, changed`` (``changed`` is "up", "down" or "no clear change":
        the adjusted p-value under 0.05 decides; "not asked at both waves"
        for a scale with no pre/post pair). A principle that no scale
        measures has one row with the scale columns empty, so a gap in the
        instruments is visible.
    """
    principles = list(programme.principles) if programme is not None else []
    titles = {p.id: p.title for p in principles}
    links: dict[str, list[str]] = {}
    scale_titles: dict[str, str] = {}
    for inst in _as_instrument_map(instruments).values():
        for scale in inst.scales:
            if scale.then_of:
                continue
            scale_titles.setdefault(scale.id, scale.title)
            for pid in scale.principles:
                if scale.id not in links.setdefault(pid, []):
                    links[pid].append(scale.id)
    columns = ["principle", "principle_title", "scale", "scale_title", "wave_pre", "wave_post",
               "n_pairs", "mean_pre", "mean_post", "mean_diff", "g_av", "g_av_ci95_low",
               "g_av_ci95_high", "p_adj", "changed"]
    pp = prepost[(prepost["kind"] == "scale") & (prepost["wave_pre"] == wave_pre)
                 & (prepost["wave_post"] == wave_post)] if len(prepost) else prepost
    by_scale = pp.set_index("measure") if len(pp) else None
    rows = []
    for pid in [p.id for p in principles] + sorted(set(links) - set(titles)):
        scales = links.get(pid, [])
        if not scales:
            rows.append({"principle": pid, "principle_title": titles.get(pid, pid)})
            continue
        for sid in scales:
            row = {"principle": pid, "principle_title": titles.get(pid, pid), "scale": sid,
                   "scale_title": scale_titles.get(sid, sid), "wave_pre": wave_pre,
                   "wave_post": wave_post, "changed": "not asked at both waves"}
            if by_scale is not None and sid in by_scale.index:
                r = by_scale.loc[sid]
                r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
                row.update({c: r[c] for c in ("n_pairs", "mean_pre", "mean_post", "mean_diff", "g_av",
                                              "g_av_ci95_low", "g_av_ci95_high", "p_adj")})
                p_adj = r["p_adj"]
                row["changed"] = ("no clear change" if not (p_adj < 0.05)
                                  else "up" if r["mean_diff"] > 0 else "down")
            rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _empty_instrument() -> Instrument:
    return Instrument(id="none", version=1, title="none", wave="", items=())
