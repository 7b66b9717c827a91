"""Plain-English statements per aim, and the evidence for each programme principle."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.rule import RuleInputs, evidence_rule
from evaluate.instruments import Programme
from evaluate.stats.base import _as_instrument_map, _wave_label
from evaluate.stats.change import COMPARISON_THEN_BASELINE
from evaluate.words import effect_size_word, rounded

__all__ = ["STATEMENT_COLUMNS", "aim_statements", "principle_evidence"]


STATEMENT_COLUMNS = ["aim", "aim_title", "scale", "scale_title", "wave_pre", "wave_post",
                     "n_pairs", "mean_pre", "mean_post", "g_av", "g_av_ci95_low",
                     "g_av_ci95_high", "p_adj", "statement", "cautions", "evidence_strength",
                     "evidence_reasons", "compared_with", "did", "did_ci95_low",
                     "did_ci95_high", "n_first", "n_comparison", "groups_alike",
                     "reliability_shift", "rough_measure", "dropouts_differ", "response_shift",
                     "downgrades"]


def _size_word(g: float) -> str:
    # the words follow the value as printed (0.796 prints 0.80: large), see evaluate.words
    return effect_size_word(g)


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


def _comparison_index(comparison: pd.DataFrame | None) -> dict[tuple, dict]:
    """The first comparison-group row not suppressed of each (scale, wave_pre, wave_post),
    in the table's order (found once for every statement)."""
    if comparison is None or not len(comparison):
        return {}
    usable = comparison[~comparison["suppressed"]]
    index: dict[tuple, dict] = {}
    keys = zip(usable["scale"], usable["wave_pre"], usable["wave_post"], strict=True)
    for i, key in enumerate(keys):
        if not any(pd.isna(k) for k in key) and key not in index:  # NA never matches
            index[key] = usable.iloc[i].to_dict()
    return index


def _records_by(table: pd.DataFrame | None, column: str) -> dict[object, list[dict]]:
    """``table``'s rows as dicts, in its order, by their value of ``column``: read once for
    every statement instead of a filter of the whole table per statement."""
    out: dict[object, list[dict]] = {}
    for row in table.to_dict("records") if table is not None else []:
        out.setdefault(row[column], []).append(row)
    return out


def _comparison_row(index: dict[tuple, dict], r) -> dict | None:
    """The comparison-group row for this scale and pair of waves, if one was compared."""
    return index.get((r.measure, r.wave_pre, r.wave_post))


def _versus_columns(index: dict[tuple, dict], r) -> dict:
    v = _comparison_row(index, r)
    if v is None:
        return dict(compared_with="", did=np.nan, did_ci95_low=np.nan, did_ci95_high=np.nan)
    return dict(compared_with=v["comparison_group"], did=v["did"],
                did_ci95_low=v["did_ci95_low"], did_ci95_high=v["did_ci95_high"])


def aim_statements(
    prepost: pd.DataFrame,
    programme: Programme | None,
    *,
    reliability: pd.DataFrame | None = None,
    attrition: pd.DataFrame | None = None,
    then: pd.DataFrame | None = None,
    first_wave_n: Mapping[tuple[str, str], int] | None = None,
    scale_aims: Mapping[str, str] | None = None,
    comparison: pd.DataFrame | None = None,
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
        ending in a full stop), ``evidence_strength`` (strong / moderate /
        limited / weak / none), ``evidence_reasons``, ``compared_with`` (the
        comparison group's kind, empty without one), ``did``,
        ``did_ci95_low``, ``did_ci95_high`` (difference in differences, see
        :func:`evaluate.stats.comparison.comparison_change`).

    Notes
    -----
    Size words follow Cohen's benchmarks on |g_av|: under 0.2 very small, 0.2
    small, 0.5 medium-sized, 0.8 large. A change is called a change when its
    adjusted p-value is under 0.05; otherwise the sentence says it could be
    chance. The strength label is the evidence rule's
    (:func:`evaluate.claims.rule.evidence_rule`): the design sets where it
    starts, and every problem found here (imprecision, a reliability shift, a
    rough measure, drop-out bias, groups that did not start alike, low
    response) takes it down, each listed in ``evidence_reasons``.
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
    compared_rows = _comparison_index(comparison)
    # each table's rows split by scale once, not filtered whole for every statement
    rel_of = _records_by(reliability, "scale")
    bias_of = _records_by(attrition[attrition["differs"].eq(True)]
                          if attrition is not None and len(attrition) else None, "scale")
    shift_of = _records_by(then[(then["comparison"] == COMPARISON_THEN_BASELINE)
                                & (then["kind"] == "scale")]
                           if then is not None and len(then) else None, "measure")
    for r in scales.itertuples(index=False):
        aim = scale_aims.get(r.measure, "")
        covered.add(aim)
        cautions = []
        compared, rough, dropouts_differ, shifted_any, response_shift = None, False, False, False, False
        n_first = (first_wave_n or {}).get((r.measure, r.wave_pre))
        n = int(r.n_pairs)
        pre_w, post_w = _wave_label(r.wave_pre), _wave_label(r.wave_post)
        out_of = f" out of {r.scale_max:g}" if np.isfinite(r.scale_max) else ""
        if n < 3 or not np.isfinite(r.g_av):
            statement = (f"Too few people answered both the {pre_w} and {post_w} surveys ({n}) "
                         f"to say whether {r.title} changed.")
            verdict = evidence_rule(RuleInputs(n_pairs=n))
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
            versus = _comparison_row(compared_rows, r)
            if versus is None:
                cautions.append("No comparison group: some or all of the change may have happened "
                                "without the programme.")
            else:
                statement += " " + versus["statement"]
                cautions.append(
                    f"Compared with a {versus['comparison_group']} group who answered the same "
                    "surveys at the same times; people were not assigned to the groups at random, "
                    "so other differences between them may explain part of the result.")
                compared = {"kind": versus["comparison_group"], "n": versus["n_comparison"],
                            "alike": versus["baseline_check"] != "not alike",
                            "did": versus["did"], "did_ci95_low": versus["did_ci95_low"],
                            "did_ci95_high": versus["did_ci95_high"]}
            # a comparison group that started alike allows for regression to the mean
            if r.mean_diff > 0 and (versus is None or versus["baseline_check"] == "not alike"):
                cautions.append("Regression to the mean: people who start low tend to score higher "
                                "the next time whatever happens, so part of a rise may not be real change.")
            if n_first:
                kept = n / n_first
                if kept < 0.8:
                    cautions.append(f"Attrition: only {n} of the {n_first} people who answered the "
                                    f"{pre_w} survey also answered the {post_w} survey.")
            if reliability is not None and len(reliability):
                rel = [x for x in rel_of.get(r.measure, []) if x["wave"] in (r.wave_pre, r.wave_post)]
                if any(x.get("reliability_shift", False) for x in rel):
                    shifted_any = True
                    om = pd.DataFrame(rel).set_index("wave")["omega_total"]
                    cautions.append(
                        f"Measurement: the scale's reliability (omega) moved from "
                        f"{om.get(r.wave_pre, np.nan):.2f} at the {pre_w} survey to "
                        f"{om.get(r.wave_post, np.nan):.2f} at the {post_w} survey, so people may "
                        "have read the questions differently; part of the change may reflect that.")
                # "under 0.7" as printed: an alpha of 0.698 prints 0.70 and is not called rough
                low = [x for x in rel if rounded(x["alpha"], 2) < 0.7]
                if low:
                    rough = True
                    worst = min(low, key=lambda x: x["alpha"])  # the first of the lowest
                    cautions.append(f"Reliability: Cronbach's alpha was {worst['alpha']:.2f} at "
                                    f"the {_wave_label(worst['wave'])} "
                                    "survey, below 0.7, so the scale is a rough measure.")
            if attrition is not None and len(attrition):
                bias = [x for x in bias_of.get(r.measure, []) if x["wave"] == r.wave_post]
                if bias:
                    dropouts_differ = True
                    cautions.append(bias[0]["warning"])
            if then is not None and len(then):
                shift = [x for x in shift_of.get(r.measure, []) if x["wave_post"] == r.wave_post]
                if shift and np.isfinite(shift[0]["p_adj"]) and shift[0]["p_adj"] < 0.05:
                    s = shift[0]
                    response_shift = True
                    way = "lower" if s["mean_diff"] < 0 else "higher"
                    cautions.append(
                        f"Response shift: looking back at the {post_w} survey, people rated where they "
                        f"started {way} than they did at the time ({_fmt(s['mean_post'], 1)} vs "
                        f"{_fmt(s['mean_pre'], 1)}), so the baseline may {'under' if way == 'higher' else 'over'}state "
                        "where they began.")
            if compared is None:
                inputs = RuleInputs(n_pairs=n, n_first=n_first, estimate=r.g_av,
                                    ci95_low=r.g_av_ci95_low, ci95_high=r.g_av_ci95_high,
                                    reliability_shift=shifted_any, rough_measure=rough,
                                    dropouts_differ=dropouts_differ)
            else:
                inputs = RuleInputs(n_pairs=n, n_first=n_first, estimate=compared["did"],
                                    ci95_low=compared["did_ci95_low"],
                                    ci95_high=compared["did_ci95_high"], design="comparison",
                                    comparison_n=int(compared["n"]), groups_alike=compared["alike"],
                                    reliability_shift=shifted_any, rough_measure=rough,
                                    dropouts_differ=dropouts_differ)
            verdict = evidence_rule(inputs)
        rows.append(dict(aim=aim, aim_title=aim_titles.get(aim, aim), scale=r.measure,
                         scale_title=r.title, wave_pre=r.wave_pre, wave_post=r.wave_post,
                         n_pairs=n, mean_pre=r.mean_pre, mean_post=r.mean_post, g_av=r.g_av,
                         g_av_ci95_low=r.g_av_ci95_low, g_av_ci95_high=r.g_av_ci95_high,
                         p_adj=r.p_adj, statement=statement, cautions=" ".join(cautions),
                         evidence_strength=verdict.level,
                         evidence_reasons="; ".join(verdict.reasons),
                         **_versus_columns(compared_rows, r),
                         n_first=n_first if n_first else np.nan,
                         n_comparison=compared["n"] if compared else np.nan,
                         groups_alike=compared["alike"] if compared else pd.NA,
                         reliability_shift=shifted_any, rough_measure=rough,
                         dropouts_differ=dropouts_differ, response_shift=response_shift,
                         downgrades=";".join(verdict.downgrades)))
    for a in aims:
        if a.id not in covered:
            rows.append(dict(aim=a.id, aim_title=a.title, scale="", scale_title="", wave_pre="",
                             wave_post="", n_pairs=0, mean_pre=np.nan, mean_post=np.nan,
                             g_av=np.nan, g_av_ci95_low=np.nan, g_av_ci95_high=np.nan,
                             p_adj=np.nan,
                             statement=f"No survey scale with matched answers evidences “{a.title}” "
                                       "yet; see the network and other results.",
                             cautions="", evidence_strength="none",
                             evidence_reasons="no matched survey data for this aim",
                             n_first=np.nan, n_comparison=np.nan, groups_alike=pd.NA,
                             reliability_shift=False, rough_measure=False, dropouts_differ=False,
                             response_shift=False, downgrades=""))
    out = pd.DataFrame(rows, columns=STATEMENT_COLUMNS)
    out["compared_with"] = out["compared_with"].astype(object).fillna("")
    out["groups_alike"] = out["groups_alike"].astype("boolean")
    for c in ("reliability_shift", "rough_measure", "dropouts_differ", "response_shift"):
        out[c] = out[c].astype(bool)
    aim_rank = {a.id: i for i, a in enumerate(aims)}
    out = out.sort_values("aim", kind="stable", key=lambda s: s.map(lambda v: aim_rank.get(v, 99)))
    return out.reset_index(drop=True)



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
