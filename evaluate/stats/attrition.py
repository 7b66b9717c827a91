"""Who answered each wave, and whether those who left started differently."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.instruments import Instrument
from evaluate.stats.base import _isin, _wave_label, wave_order
from evaluate.stats.groups import _group_core
from evaluate.stats.measures import MeasureValues, measure_values

__all__ = ["RATE_COLUMNS", "BIAS_COLUMNS", "response_rates", "attrition_bias"]


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
    unmatched_ids = (responses.loc[matched == False, "participant"].astype("string").unique()  # noqa: E712
                     if matched is not None else [])
    r["unmatched"] = r["participant"].isin(unmatched_ids)
    order = wave_order(r["wave"].unique(), waves)
    first = order[0]
    roster_n = (roster.astype({"cohort": "string"}).groupby("cohort")["participant"].nunique()
                if roster is not None and len(roster) else pd.Series(dtype="int64"))
    everyone = r.drop_duplicates(["participant", "wave"]).assign(cohort="all")
    rows = []
    for frame in (r.dropna(subset=["cohort"]), everyone):
        # people counted by cohort and wave, all at once: responded, not on the roster, and
        # also at the first wave (retained)
        at_first = frame.loc[frame["wave"] == first, ["cohort", "participant"]]
        frame = frame.assign(retained=_also_at(frame, frame["wave"] == first))
        groups = frame.groupby(["cohort", "wave"])
        sizes = groups.size()
        n_base = at_first.groupby("cohort").size()
        # (cohort, wave) → (n, unmatched, retained): looked up per cell, not with .loc
        cells = dict(zip(sizes.index, zip(sizes.tolist(), groups["unmatched"].sum().tolist(),
                                      groups["retained"].sum().tolist(), strict=True),
                         strict=True))
        for cohort_name in sorted(frame["cohort"].unique(), key=str):
            n_roster = (float(roster_n.sum()) if cohort_name == "all" else
                        float(roster_n.get(cohort_name, np.nan))) if len(roster_n) else np.nan
            base = int(n_base.get(cohort_name, 0))
            for w in order:
                c = cells.get((cohort_name, w))
                if c is None and cohort_name == "all":
                    continue
                n, unmatched, retained = (0, 0, 0) if c is None else (int(v) for v in c)
                n_resp = n - unmatched
                rows.append(dict(cohort=cohort_name, wave=w, n_roster=n_roster, n_responded=n,
                                 response_rate=(n_resp / n_roster) if n_roster and n_roster > 0 else np.nan,
                                 n_not_on_roster=unmatched, n_first_wave=base, n_retained=retained,
                                 retention_rate=retained / base if base else np.nan))
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


BIAS_COLUMNS = ["scale", "title", "wave_first", "wave", "n_completers", "n_dropouts",
                "mean_completers", "sd_completers", "mean_dropouts", "sd_dropouts", "mean_diff",
                "t", "dof", "p_val", "u_stat", "p_mannwhitney", "rank_biserial", "hedges_g",
                "g_ci95_low", "g_ci95_high", "differs", "warning", "note"]


def _also_at(frame: pd.DataFrame, rows: pd.Series) -> np.ndarray:
    """Whether each row's (cohort, participant) is also that of a row in ``rows`` (a mask):
    ``MultiIndex.isin`` of the pairs, from integer numbers of the pairs (building the two
    MultiIndexes hashed every pair as Python objects)."""
    pair = frame.groupby(["cohort", "participant"], sort=False, dropna=False).ngroup().to_numpy()
    return np.isin(pair, pair[rows.to_numpy(dtype=bool, na_value=False)])


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
        later = answered.loc[answered["wave"] == w, "participant"].dropna().unique()
        if not len(later):
            continue
        stayed = _isin(base.index, later)
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
