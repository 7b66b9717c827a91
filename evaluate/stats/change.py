"""Pre/post tables: every scale and item between every pair of waves; the then-test."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.instruments import Instrument
from evaluate.stats.base import _method_name, adjust_pvalues
from evaluate.stats.measures import MeasureValues, measure_values
from evaluate.stats.paired import _paired_core, _paired_frame

__all__ = ["COMPARISON_THEN_POST", "COMPARISON_THEN_BASELINE", "PREPOST_ID_COLUMNS", "THEN_ID_COLUMNS", "prepost_table", "then_test"]


COMPARISON_THEN_POST = "then-test vs post"
COMPARISON_THEN_BASELINE = "then-test vs baseline (response shift)"


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
        parts = [table[c].astype(str) for c in family_cols]
        fam = parts[0]
        for part in parts[1:]:  # joined column by column, not row by row
            fam = fam + ", " + part
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
        # the people at the first wave and this one: the same for every then-test measure
        fa = mv.frame(first) if first is not None and first != w else None
        idx = fa.index.intersection(f.index) if fa is not None else None
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
            if fa is not None and base_key in at_first:
                res = _paired_core(fa[base_key].reindex(idx).to_numpy(),
                                   f[then_key].reindex(idx).to_numpy(),
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
