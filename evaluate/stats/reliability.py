"""Scale reliability per wave: Cronbach's alpha with its CI, item-rest correlations."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.instruments import Instrument
from evaluate.scoring import keyed_items, scales_to_score
from evaluate.stats.base import (
    _TOL,
    _as_instrument_map,
    _is_reaction,
    _ordered_numeric,
    _responses_by_instrument,
    wave_order,
)
from evaluate.stats.distributions import f_isf, f_ppf
from evaluate.stats.omega import omega_totals

__all__ = ["RELIABILITY_COLUMNS", "ITEM_REST_COLUMNS", "omega_blocks", "reliability_blocks",
           "scale_reliability", "item_rest_correlations"]


RELIABILITY_COLUMNS = [
    "instrument", "wave", "scale", "title", "n_items", "n", "alpha", "alpha_ci95_low",
    "alpha_ci95_high", "alpha_below_0_7", "omega_total", "omega_ci95_low", "omega_ci95_high",
    "omega_ci_method", "omega_n_boot_used", "omega_change", "reliability_shift", "note",
]
#: Omega moving this much from the scale's first wave flags a measurement change.
SHIFT = 0.10
ITEM_REST_COLUMNS = ["instrument", "wave", "scale", "item", "n", "mean", "sd", "item_rest_r",
                     "alpha_if_deleted"]


def _alpha_ci(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt (1965) F-based interval for Cronbach's alpha (what pingouin uses, unrounded)."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    q = (1 - confidence) / 2
    lo = 1 - (1 - alpha) * f_isf(q, df1, df2)
    hi = 1 - (1 - alpha) * f_ppf(q, df1, df2)
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
        waves = None  # the instrument's rows by wave, found once for all its scales
        for scale in scales_to_score(inst):
            if any(not _ordered_numeric(inst, inst.item(i)) for i in scale.items):
                continue
            if waves is None:
                waves = rows.groupby(rows["wave"].astype("string"), sort=True).groups
            keyed = keyed_items(rows, inst, scale.items)
            for wave, idx in waves.items():
                yield inst, wave, scale, keyed.loc[idx]


def reliability_blocks(responses: pd.DataFrame,
                       instruments: Mapping[str, Instrument] | Iterable[Instrument]) -> list:
    """(instrument, wave, scale, keyed item frame) of every multi-item scale at every wave,
    to give :func:`scale_reliability` and :func:`item_rest_correlations` (read once)."""
    return list(_reliability_blocks(responses, instruments))


def scale_reliability(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    threshold: float = 0.7,
    n_boot: int = 200,
    waves: Iterable[str] | None = None,
    blocks: list | None = None,
    omegas: list[dict] | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha and McDonald's omega total, with 95% CIs, for every scale at every wave.

    Returns
    -------
    DataFrame
        Columns ``instrument`` (ref), ``wave``, ``scale``, ``title``,
        ``n_items``, ``n`` (complete responses used), ``alpha``,
        ``alpha_ci95_low``, ``alpha_ci95_high``, ``alpha_below_0_7`` (True when
        alpha is under ``threshold``), ``omega_total``, ``omega_ci95_low``,
        ``omega_ci95_high``, ``omega_ci_method``, ``omega_n_boot_used``
        (bootstrap refits that converged and make the interval), ``omega_change``,
        ``reliability_shift``, ``note``.

    ``blocks``: :func:`reliability_blocks` of the same responses and instruments, when
    the caller has them already. ``omegas``: :func:`evaluate.stats.omega.omega_totals` of
    :func:`omega_blocks` of those blocks (with ``n_boot``), when the caller fitted them
    already (``evaluate.stats.analyse`` fits them beside its other analyses).

    Notes
    -----
    Alpha as ``pingouin.cronbach_alpha`` computes it (the tests compare), on
    reverse keyed items, listwise (complete responses only):
    :math:`\\alpha = \\frac{k}{k-1}(1 - \\sum s_i^2 / s_T^2)`.
    CI by Feldt's F method: :math:`1 - (1-\\alpha) F_{q}(n-1, (n-1)(k-1))`
    (pingouin rounds its interval to 3 decimals; we compute it unrounded).
    Omega is computed from the same keyed, complete responses: the factor
    model is fitted by maximum likelihood (``evaluate.stats.omega``) and omega
    and its bootstrap interval are derived from the fits; checked against R
    ``semTools::compRelSEM`` in the tests, the interval against ``lavaan``
    refits of the same resamples. Scales of two items have no omega
    (a one-factor model needs three).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. Psychometrika, 16, 297–334.
    Feldt, L. S. (1965). The approximate sampling distribution of
    Kuder-Richardson reliability coefficient twenty. Psychometrika, 30, 357–370.
    """
    rows = []
    if blocks is None:
        blocks = _reliability_blocks(responses, instruments)
    blocks = [(inst, wave, scale, keyed.dropna()) for inst, wave, scale, keyed in blocks]
    if omegas is None:  # every scale's omega in one stack of fits
        omegas = omega_totals([c for *_, c in blocks if c.shape[1] >= 2], n_boot=n_boot)
    omegas = iter(omegas)
    for inst, wave, scale, complete in blocks:
        k = complete.shape[1]
        n = len(complete)
        row = dict(instrument=inst.ref, wave=wave, scale=scale.id, title=scale.title,
                   n_items=k, n=n, alpha=np.nan, alpha_ci95_low=np.nan, alpha_ci95_high=np.nan,
                   alpha_below_0_7=False, note="")
        notes = []
        om = next(omegas) if k >= 2 else {}
        row.update({c: om.get(c, np.nan) for c in ("omega_total", "omega_ci95_low",
                                                   "omega_ci95_high")})
        row["omega_ci_method"] = om.get("omega_ci_method", "")
        row["omega_n_boot_used"] = om.get("n_boot_used", 0)
        if k < 2:
            row["note"] = "one-item scale: alpha needs two or more items"
        elif n < 3:
            row["note"] = f"only {n} complete response{'s' if n != 1 else ''}: alpha needs at least 3"
        elif complete.sum(axis=1).var(ddof=1) <= _TOL or (complete.var(ddof=1) <= _TOL).all():
            row["note"] = "everyone gave the same answers: alpha is undefined"
        else:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                alpha = _alpha(complete.to_numpy(dtype="float64"))
            row["alpha"] = float(alpha)
            row["alpha_ci95_low"], row["alpha_ci95_high"] = _alpha_ci(float(alpha), n, k)
            row["alpha_below_0_7"] = bool(alpha < threshold)
            if alpha < threshold:
                row["note"] = f"alpha below {threshold:g}: the items may not measure one thing well enough"
        if om.get("note") and n >= 3 and k >= 2:
            notes.append(om["note"])
        row["note"] = "; ".join(x for x in [row["note"], *notes] if x)
        rows.append(row)
    out = pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)
    out["alpha_below_0_7"] = out["alpha_below_0_7"].astype(bool)
    return _flag_shifts(out, waves)


def omega_blocks(blocks: list) -> list[pd.DataFrame]:
    """The complete answers of each scale of two or more items, in the order
    :func:`scale_reliability` takes their omegas: what it gives
    :func:`evaluate.stats.omega.omega_totals` (which reads one at a time).

    New frames (complete rows only), so that they can be fitted in a thread
    of their own while other analyses read the responses.
    """
    complete = (keyed.dropna() for *_, keyed in blocks)
    return [c for c in complete if c.shape[1] >= 2]


def _flag_shifts(table: pd.DataFrame, waves: Iterable[str] | None) -> pd.DataFrame:
    """``omega_change`` from each scale's first wave, and ``reliability_shift`` at 0.10 or more."""
    table["omega_change"] = np.nan
    table["reliability_shift"] = False
    if not len(table):
        return table
    order = {w: i for i, w in enumerate(wave_order(table["wave"].unique(), waves))}
    rank = table["wave"].map(order)
    first = (table.assign(_r=rank).dropna(subset=["omega_total"]).sort_values("_r", kind="stable")
             .drop_duplicates("scale").set_index("scale")["omega_total"])
    table["omega_change"] = table["omega_total"] - table["scale"].map(first)
    shifted = table["omega_change"].abs() >= SHIFT - 1e-12
    table["reliability_shift"] = shifted.fillna(False).astype(bool)
    for i in table.index[table["reliability_shift"]]:
        r = table.loc[i]
        start = first[r["scale"]]
        msg = (f"omega moved from {start:.2f} at the first wave to {r['omega_total']:.2f}: the "
               "scale may measure differently now — read its pre/post change with care")
        table.loc[i, "note"] = "; ".join(x for x in [r["note"], msg] if x)
    return table


def item_rest_correlations(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    blocks: list | None = None,
) -> pd.DataFrame:
    """Each item's correlation with the rest of its scale, per wave.

    Returns
    -------
    DataFrame
        Columns ``instrument, wave, scale, item, n`` (complete responses),
        ``mean, sd`` (reverse keyed), ``item_rest_r`` (Pearson r of the item
        with the sum of the other items), ``alpha_if_deleted``.

    ``blocks``: as for :func:`scale_reliability`.
    """
    rows = []
    if blocks is None:
        blocks = _reliability_blocks(responses, instruments)
    for inst, wave, scale, keyed in blocks:
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
