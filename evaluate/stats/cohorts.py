"""Did the change differ between cohorts and subgroups?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument
from evaluate.stats.distributions import f_sf
from evaluate.stats.measures import MeasureValues, measure_values
from evaluate.stats.paired import _TEXT_COLUMNS, PAIRED_COLUMNS, _paired_frame
from evaluate.stats.paired_groups import paired_by_group

__all__ = ["ANOVA_COLUMNS", "SUBGROUP_ID_COLUMNS", "SUBGROUP_ATTRIBUTES", "cohort_anova", "subgroup_change"]


ANOVA_COLUMNS = ["scale", "title", "wave_pre", "wave_post", "comparison", "source", "ss", "df1",
                 "df2", "ms", "f", "p_val", "np2", "ss_type", "n_participants", "n_cohorts", "note"]


def _two_wave_mixed_anova(pre: np.ndarray, post: np.ndarray, groups: np.ndarray,
                          ss_type: int = 3) -> list[dict]:
    """Rows (source, ss, df1, df2, ms, f, p_val, np2) of a group × time mixed ANOVA, two waves.

    Closed form on each person's difference ``d = post - pre`` and mean
    ``m = (pre + post) / 2``; vectorised with ``np.bincount`` (no loop over people).
    """
    labels, g = np.unique(groups, return_inverse=True)
    k, n = labels.size, pre.size
    n_j = np.bincount(g, minlength=k).astype("float64")
    d = post - pre
    m = (pre + post) / 2.0
    d_j = np.bincount(g, weights=d, minlength=k) / n_j
    m_j = np.bincount(g, weights=m, minlength=k) / n_j
    df_err = float(n - k)
    # between subjects: one-way ANOVA of the person means (× 2 waves)
    ss_between = 2.0 * float(np.sum(n_j * (m_j - m.mean()) ** 2))
    ss_err_between = 2.0 * float(np.sum((m - m_j[g]) ** 2))
    # within subjects: the difference scores (÷ 2 puts them on the scale of the scores)
    ss_err_within = float(np.sum((d - d_j[g]) ** 2)) / 2.0
    if ss_type == 3:  # unweighted mean of the cohort means (sum-to-zero contrasts)
        mu = float(d_j.mean())
        ss_time = mu * mu / (float(np.sum(1.0 / n_j)) / (k * k)) / 2.0
    else:  # type II: the weighted (grand) mean of the differences
        ss_time = n * float(d.mean()) ** 2 / 2.0
    ss_inter = float(np.sum(n_j * (d_j - d.mean()) ** 2)) / 2.0
    rows = []
    for source, ss, df1, ss_err in (("cohort", ss_between, k - 1.0, ss_err_between),
                                    ("time", ss_time, 1.0, ss_err_within),
                                    ("time × cohort", ss_inter, k - 1.0, ss_err_within)):
        ms = ss / df1
        ms_err = ss_err / df_err
        f = ms / ms_err if ms_err > 0 else np.nan
        p = float(f_sf(f, df1, df_err)) if np.isfinite(f) else np.nan
        np2 = ss / (ss + ss_err) if ss + ss_err > 0 else np.nan
        rows.append(dict(source=source, ss=ss, df1=df1, df2=df_err, ms=ms, f=f, p_val=p, np2=np2))
    return rows


def cohort_anova(
    data: pd.DataFrame | MeasureValues,
    instruments: Mapping[str, Instrument] | Iterable[Instrument] | None = None,
    *,
    waves: Iterable[str] | None = None,
    cohort: pd.Series | None = None,
    ss_type: int = 3,
) -> pd.DataFrame:
    """Time × cohort mixed ANOVA for each scale and pair of waves.

    Answers "did the change differ between cohorts?" (the ``time × cohort``
    row) on participants with both waves.

    Parameters
    ----------
    ss_type : {3, 2}
        Sums of squares. Type III (default) is what SPSS and R ``afex`` report;
        with unequal cohorts it tests the time effect on the unweighted mean
        of the cohorts' changes. Type II (pingouin's ``mixed_anova``) weights
        each cohort by its size. The two differ only in the ``time`` row.

    Returns
    -------
    DataFrame
        Columns ``scale, title, wave_pre, wave_post, comparison, source``
        (cohort / time / time × cohort), ``ss, df1, df2, ms, f, p_val, np2``
        (partial eta squared), ``ss_type`` ("III" or "II"),
        ``n_participants, n_cohorts, note``. With fewer than two cohorts one
        row per scale and comparison with a note and no numbers.

    Notes
    -----
    With two waves, per person :math:`d = y_{post} - y_{pre}` and
    :math:`m = (y_{pre} + y_{post})/2`; cohorts :math:`j = 1..k` of size
    :math:`n_j`, :math:`N = \\sum n_j`:

    - cohort: a one-way ANOVA of :math:`m`, SS doubled (two scores per person);
    - time × cohort: :math:`\\sum_j n_j(\\bar d_j - \\bar d)^2 / 2` over the
      within error :math:`\\sum (d - \\bar d_j)^2 / 2`, df :math:`k-1, N-k`;
    - time, type III: :math:`\\hat\\mu^2 / (\\sum_j n_j^{-1}/k^2) / 2` with
      :math:`\\hat\\mu = \\frac1k\\sum_j \\bar d_j`; type II: :math:`N\\bar d^2/2`.

    Checked against R ``afex::aov_ez(type = 3)`` and ``pingouin.mixed_anova``
    (type II) in the tests.

    References
    ----------
    Maxwell, S. E., Delaney, H. D., & Kelley, K. (2018). Designing experiments
    and analyzing data (3rd ed.), ch. 12 and 14. Routledge.
    Singmann, H., et al. (2024). afex: Analysis of factorial experiments. R package.
    """
    if ss_type not in (2, 3):
        raise AnalysisError(f"cohort_anova: ss_type must be 2 or 3, not {ss_type!r}")
    type_name = "III" if ss_type == 3 else "II"
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
            ks = [k for k in keys if k in fa.columns and k in fb.columns
                  and fa[k].notna().any() and fb[k].notna().any()]
            if not ks:
                continue
            # the pair of waves read once: every scale's people are taken from these arrays
            a = fa.reindex(index=common, columns=ks).to_numpy(dtype="float64")
            b = fb.reindex(index=common, columns=ks).to_numpy(dtype="float64")
            labels = cohort.reindex(_ids_as(common, cohort.index))
            has_cohort = labels.notna().to_numpy()
            # each person's cohort as its number among the cohorts sorted by name: the
            # ANOVA numbers them so itself (np.unique), from integers as from the names
            names, codes = _sorted_groups(labels.astype("string").fillna(""))
            for j, key in enumerate(ks):
                m = mv.info(key)
                ok = ~np.isnan(a[:, j]) & ~np.isnan(b[:, j]) & has_cohort
                coh = codes[ok]
                counts = np.bincount(coh, minlength=names.size)
                sizes = counts[counts > 0]
                n_cohorts = int((sizes >= 2).sum())
                ident = dict(scale=m["measure"], title=m["title"], wave_pre=wa, wave_post=wb,
                             comparison=f"{wa} → {wb}", n_participants=int(ok.sum()),
                             n_cohorts=int(sizes.size), ss_type=type_name)
                if n_cohorts < 2:
                    rows.append(dict(ident, source="", **empty,
                                     note="only one cohort (with two or more matched people): "
                                          "a time × cohort comparison needs at least two"))
                    continue
                keep = counts[coh] >= 2
                ident["n_participants"] = int(keep.sum())
                ident["n_cohorts"] = n_cohorts
                for res in _two_wave_mixed_anova(a[ok, j][keep], b[ok, j][keep], coh[keep],
                                                 ss_type):
                    rows.append(dict(ident, **res, note=""))
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


def _paired_block(a: np.ndarray, b: np.ndarray, codes: np.ndarray, n_groups: int,
                  info: list[dict], confidence: float) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """:func:`paired_by_group` of each column of ``a`` and ``b`` (one per measure, ``info``
    its :meth:`MeasureValues.info`), as one table: group by group, then measure by measure
    within a group (groups without pairs included), with each row's group and measure.

    Measures with the same headline test are one call, each measure's groups numbered
    after the previous measure's: every group's statistics are its own (sums over its
    rows, in their order), so each is what a call of its measure alone gives. The rows
    are put in order once, by position: a frame per measure with its group and measure
    inserted as columns cost a third of :func:`subgroup_change` in pandas' ``insert``.

    Returns
    -------
    (DataFrame, ndarray, ndarray)
        The rows (columns :data:`PAIRED_COLUMNS`), each row's group (0 … n_groups − 1)
        and each row's measure (position in ``info``).
    """
    settings: dict[tuple, list[int]] = {}
    for j, m in enumerate(info):
        settings.setdefault((bool(m["ordinal"]), m["reason"]), []).append(j)
    frames, group_of, key_of = [], [], []
    for (ordinal, reason), js in settings.items():
        stacked = (np.arange(len(js))[:, None] * n_groups + codes[None, :]).ravel()
        frames.append(paired_by_group(a[:, js].T.ravel(), b[:, js].T.ravel(), stacked,
                                      len(js) * n_groups, ordinal=ordinal,
                                      higher_is_better=True, reason=reason,
                                      confidence=confidence))
        group_of.append(np.tile(np.arange(n_groups), len(js)))
        key_of.append(np.repeat(js, n_groups))
    group_of, key_of = np.concatenate(group_of), np.concatenate(key_of)
    order = np.lexsort((key_of, group_of))  # by group, then by measure
    block = pd.concat(frames, ignore_index=True).take(order).reset_index(drop=True)
    return block, group_of[order], key_of[order]


def _groupings(mv: MeasureValues, attrs: pd.DataFrame, attributes, people: pd.Index) -> list:
    """(attribute, its groups sorted, each person's group number) of every attribute the
    people have (cohort from their responses, else the roster; the others from the roster)."""
    # the roster's attributes looked up together, by ids of the roster index's own text type
    # (ids of another text type were compared as Python strings, attribute after attribute)
    roster = attrs[[a for a in attributes if a in attrs.columns]].reindex(
        _ids_as(people, attrs.index))
    out = []
    for attr in attributes:
        if attr == "cohort":
            labels = mv.cohort.reindex(_ids_as(people, mv.cohort.index))
            if labels.isna().all() and "cohort" in attrs.columns:
                labels = roster["cohort"]
        elif attr in attrs.columns:
            labels = roster[attr]
        else:
            continue
        out.append((attr, *_sorted_groups(labels.astype("string").fillna("(not recorded)"))))
    return out


def _ids_as(people: pd.Index, index: pd.Index) -> pd.Index:
    """``people`` in the text type of ``index`` when both are pandas text (the same ids)."""
    if (isinstance(people.dtype, pd.StringDtype) and isinstance(index.dtype, pd.StringDtype)
            and people.dtype != index.dtype):
        return people.astype(index.dtype)
    return people


def _sorted_groups(labels: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(labels, return_inverse=True)`` of text labels (no missing ones): the
    groups sorted (an object array) and each label's group number. Only the distinct labels
    are sorted as Python strings (np.unique sorted every person's)."""
    codes, uniques = pd.factorize(labels)
    uniques = np.asarray(uniques, dtype=object)
    order = np.argsort(uniques)
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    return uniques[order], rank[codes]


#: Answers (people × scales × attributes) whose subgroup changes are fitted in one call:
#: every attribute of a cohort at once, one attribute at a time for a national programme.
_SUBGROUP_BATCH_CELLS = 1_000_000


def _subgroup_rows(a: np.ndarray, b: np.ndarray, grouped: list, info: list[dict],
                   confidence: float, wa: str, wb: str) -> pd.DataFrame:
    """The paired change of every group of the attributes ``grouped`` (:func:`_groupings`),
    in one call: each attribute's groups numbered after the previous one's (each group's
    statistics are its own); rows by attribute, group, then scale; groups without pairs
    left out."""
    names = np.concatenate([groups for _, groups, _ in grouped])
    attr_of = np.repeat([attr for attr, _, _ in grouped], [groups.size for _, groups, _ in grouped])
    starts = np.cumsum([0] + [groups.size for _, groups, _ in grouped[:-1]])
    codes = np.concatenate([c + start for (_, _, c), start in zip(grouped, starts, strict=True)])
    block, group_of, key_of = _paired_block(
        np.concatenate([a] * len(grouped)), np.concatenate([b] * len(grouped)), codes,
        names.size, info, confidence)
    has = (block["n_pairs"] > 0).to_numpy()
    block, group_of, key_of = block[has], group_of[has], key_of[has]
    ids = pd.DataFrame({
        "attribute": attr_of[group_of], "group": names[group_of],
        "scale": [info[j]["measure"] for j in key_of],
        "title": [info[j]["title"] for j in key_of],
        "wave_pre": wa, "wave_post": wb, "comparison": f"{wa} → {wb}"},
        index=block.index)
    return pd.concat([ids, block], axis=1)


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
    frames = []
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
            grouped = _groupings(mv, attrs, attributes, common)
            info = [mv.info(k) for k in ks]
            # attributes fitted together while their answers stay under the budget (a
            # national programme's go one at a time: the stacked rows are copied per attribute)
            per_attribute = max(a.size, 1)
            step = max(1, _SUBGROUP_BATCH_CELLS // per_attribute)
            for start in range(0, len(grouped), step):
                frames.append(_subgroup_rows(a, b, grouped[start:start + step], info,
                                             confidence, wa, wb))
    table = _paired_frame([], SUBGROUP_ID_COLUMNS)
    if frames:
        table = pd.concat(frames, ignore_index=True)[[*SUBGROUP_ID_COLUMNS, *PAIRED_COLUMNS]]
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
