"""Two independent groups: Welch t, Mann–Whitney U, Hedges' g."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.stats.base import _TOL
from evaluate.stats.distributions import norm_ppf, t_sf
from evaluate.stats.ranktests import mann_whitney_u

__all__ = ["GROUP_COLUMNS", "group_difference"]


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
        out["p_val"] = float(2.0 * t_sf(abs(out["t"]), out["dof"]))
    else:
        out["note"] = "no spread in either group: the tests are undefined"
        return out
    out["u_stat"], out["p_mannwhitney"] = mann_whitney_u(a, b)
    out["rank_biserial"] = 2.0 * out["u_stat"] / (na * nb) - 1.0
    sp = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2))
    if sp > _TOL:
        d = out["mean_diff"] / sp
        j = 1.0 - 3.0 / (4.0 * (na + nb) - 9.0)
        g = d * j
        se_g = math.sqrt((na + nb) / (na * nb) + g * g / (2.0 * (na + nb)))
        z = norm_ppf(0.975)
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
