"""Did the change differ between cohorts and subgroups?"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pingouin as pg

from evaluate.instruments import Instrument
from evaluate.stats.measures import MeasureValues, measure_values
from evaluate.stats.paired import _TEXT_COLUMNS, PAIRED_COLUMNS, _paired_core, _paired_frame

__all__ = ["ANOVA_COLUMNS", "SUBGROUP_ID_COLUMNS", "SUBGROUP_ATTRIBUTES", "cohort_anova", "subgroup_change"]


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
