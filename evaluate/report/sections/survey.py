"""Survey evidence for an aim: averages before and after, sizes of change, answer shifts,
the look back, and whether cohorts and groups changed differently."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.claims.likert_displays import Statements
from evaluate.claims.survey_displays import forest_rows
from evaluate.report import figures as F
from evaluate.report.format import integer, num, p_value
from evaluate.report.page import PRINT_HEIGHT_PX, Page
from evaluate.report.sections.common import first_comparison, mean_ci, scale_aims
from evaluate.report.table import make_table
from evaluate.words import (
    count,
    join_words,
    share_of,
)

__all__ = ["scale_evidence", "likert", "then_test", "cohorts_and_groups", "largest_groups",
           "GROUPS_SHOWN"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _scales_for(page: Page, aim_id: str) -> tuple[pd.DataFrame | None, tuple | None]:
    prepost = page.table("prepost")
    if prepost is None:
        return None, None
    aims = scale_aims(page)
    scales = prepost[(prepost["kind"] == "scale")
                     & prepost["measure"].map(lambda m: aims.get(str(m)) == aim_id)]
    return scales, first_comparison(page, prepost)


def _dumbbell(page: Page, head: pd.DataFrame, aim_id: str, first: str, later: str):
    w0, w1 = page.wave(first), page.wave(later)
    lo_pre, hi_pre = mean_ci(head["mean_pre"], head["sd_pre"], head["n_pairs"])
    lo_post, hi_post = mean_ci(head["mean_post"], head["sd_post"], head["n_pairs"])
    head = head.assign(pre_low=lo_pre, pre_high=hi_pre, post_low=lo_post, post_high=hi_post,
                       change=head["mean_diff"].map(num), people=head["n_pairs"].map(integer))
    lo = float(np.nanmin(head["scale_min"])) if "scale_min" in head else 1.0
    hi = float(np.nanmax(head["scale_max"])) if "scale_max" in head else 5.0
    fig = F.dumbbell(head, "title", "mean_pre", "mean_post", start_low="pre_low",
                     start_high="pre_high", end_low="post_low", end_high="post_high",
                     start_label=w0, end_label=w1,
                     start_colour=page.colours.wave(first), end_colour=page.colours.wave(later),
                     x_title=f"average score ({num(lo, 0)} to {num(hi, 0)}), with the range it "
                             "is likely to lie in",
                     x_range=(lo - 0.1, hi + 0.1), hover=["people", "change"])
    return page.figure(f"fig-{aim_id}-prepost", fig, claim=f"chart:{aim_id}:prepost",
                       table_claim=f"table:{aim_id}:prepost", print_height=min(80 + 28 * len(head), 230))


def _forest(page: Page, ff: pd.DataFrame, aim_id: str):
    later = list(dict.fromkeys(ff["wave_post"]))
    rows = ff["title"].nunique()
    comparisons = ff["comparison_label"].nunique()
    fig = F.forest(ff.assign(people=ff["n_pairs"].map(integer), **{"in words": ff["what"]}),
                   "title", "g_av", "g_av_ci95_low", "g_av_ci95_high",
                   color="comparison_label", colours=[page.colours.wave(w) for w in later],
                   x_title="size of the change (0 = none)", hover=["people", "in words"])
    return page.figure(
        f"fig-{aim_id}-forest", fig, claim=f"chart:{aim_id}:forest",
        table_claim=f"table:{aim_id}:forest",
        print_height=max(180, min(90 + 19 * rows * max(1, comparisons), 280)))


def scale_evidence(page: Page, aim_id: str, aim_short: str) -> dict:
    """Averages before and after, and the size of each change, for the aim's scales."""
    scales, pair = _scales_for(page, aim_id)
    if scales is None:
        return {"figures": [], "empty": "No before-and-after results yet: they appear once a "
                                        "baseline and a later survey have both been imported."}
    if not len(scales) or pair is None:
        return {"figures": [], "empty": f"No survey scale measures {aim_short.lower()} at two "
                                        "waves yet."}
    first, later = pair
    figures = []
    head = scales[(scales["wave_pre"] == first) & (scales["wave_post"] == later)].copy()
    if len(head):
        figures.append(_dumbbell(page, head, aim_id, first, later))
    ff = forest_rows(page.ctx, scales, first)
    if len(ff) and page.has_claim(f"chart:{aim_id}:forest"):
        figures.append(_forest(page, ff, aim_id))
    return {"figures": figures, "empty": ""}


def likert(page: Page, fig_id: str, s: Statements | None, claim: str, table_claim: str,
           empty_text: str) -> dict:
    """The spread of answers to each statement, disagreeing left of the line, agreeing right
    (its words and numbers: :mod:`evaluate.claims.likert_displays`)."""
    if page.table("item_distribution") is None:
        return {"figure": None,
                "empty": "The answer-by-answer counts are not in these results, so the spread "
                         "of answers is not drawn."}
    if s is None or not page.has_claim(claim):
        return {"figure": None, "empty": empty_text}
    d_ok = s.drawn
    fig = F.diverging_likert(d_ok, "statement", "label", "share", order=s.labels,
                             subrow="wave_label", neutral=s.neutral, n="n")
    # printed: each statement needs room for its wrapped label, and each wave a bar
    per_item = [max(15 * d_ok.loc[d_ok["item"] == it, "wave"].nunique(),
                    13 * (F.wrap_text(text, 54).count("<br>") + 1) + 4)
                for it, text in d_ok.groupby("item", sort=False)["statement"].first().items()]
    print_height = min(110 + sum(per_item), PRINT_HEIGHT_PX)
    return {"figure": page.figure(fig_id, fig, claim=claim, table_claim=table_claim,
                                  print_height=print_height, narrow=F.likert_narrow(fig)),
            "empty": ""}


def then_test(page: Page) -> dict:
    """Where people think they started (asked at the end) against what they said at the time."""
    then = page.table("then_test")
    if then is None:
        return {"figure": None,
                "empty": "The later surveys in this workspace do not ask people to look back at "
                         "where they started."}
    t = then[then["kind"] == "scale"] if "kind" in then.columns else then
    if not len(t):
        return {"figure": None, "empty": "No look-back results for whole scales."}
    w = page.sorted_waves(t["then_wave"])[0]
    t = t[t["then_wave"] == w]
    vs_post = t[t["comparison"].astype(str).str.startswith("then-test vs post")]
    vs_base = t[t["comparison"].astype(str).str.contains("baseline")]
    at_time = "at the time"
    looking = f"looking back from the {page.wave(w)}"
    now = f"{page.wave(w)} (now)"
    rows = []
    for r in vs_base.itertuples(index=False):
        rows.append({"scale": r.title, "measure": r.measure,
                     "point": f"{page.wave(r.wave_pre)} ({at_time})", "mean": r.mean_pre,
                     "n": r.n_pairs, "_p": 0})
        rows.append({"scale": r.title, "measure": r.measure, "point": looking,
                     "mean": r.mean_post, "n": r.n_pairs, "_p": 1})
    for r in vs_post.itertuples(index=False):
        if not any(x["measure"] == r.measure and x["_p"] == 1 for x in rows):
            rows.append({"scale": r.title, "measure": r.measure, "point": looking,
                         "mean": r.mean_pre, "n": r.n_pairs, "_p": 1})
        rows.append({"scale": r.title, "measure": r.measure, "point": now, "mean": r.mean_post,
                     "n": r.n_pairs, "_p": 2})
    if not rows:
        return {"figure": None, "empty": "No look-back results for whole scales."}
    d = pd.DataFrame(rows)
    d["people"] = d["n"].map(integer)
    order = list(dict.fromkeys(d.sort_values("_p", kind="stable")["point"]))
    lower = int((vs_base["mean_diff"] < 0).sum()) if "mean_diff" in vs_base else 0
    if len(vs_base):
        title = ("Looking back, people placed their starting point lower than they rated it at "
                 f"the time on {share_of(lower, len(vs_base), 'scale')}")
    else:
        title = "Where people think they started, and where they are now"
    first_wave = vs_base["wave_pre"].iloc[0] if len(vs_base) else None
    palette = {0: page.colours.wave(first_wave) if first_wave else F.WAVE_COLOURS[0],
               1: "#E69F00", 2: page.colours.wave(w)}
    fig = F.dot_interval(d, "scale", "mean", color="point", color_order=order,
                         palette=[palette[int(d.loc[d["point"] == p, "_p"].iloc[0])] for p in order],
                         x_title="average score", hover=["people"])
    tt = t.assign(comparison_label=t["comparison"].astype(str)
                  .str.replace("then-test", "looking back", regex=False)
                  .str.replace(" (response shift)", "", regex=False))
    table = make_table(tt, {
        "title": "Scale", "comparison_label": "Comparison", "n_pairs": "People",
        "mean_pre": "First average", "mean_post": "Second average", "mean_diff": "Difference",
        "p_adj": "p (adjusted)"}, {"p_adj": p_value, "n_pairs": integer},
        numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "p_adj"})
    by_scale = []
    for scale, block in d.groupby("scale", sort=False):
        by_scale.append(f"{scale}: " + ", ".join(f"{num(x.mean, 1)} {x.point}"
                                                   for x in block.itertuples(index=False)))
    note = ("At the end, people rated where they think they were before the programme. If they "
            "now place their start lower than they did at the time, the first survey may "
            "understate the change; if about the same, it is a fair starting point.")
    return {"figure": page.figure("fig-aim1-then-test", fig, title=title,
                                  summary="; ".join(by_scale) + ".", table=table, note=note,
                                  print_height=min(80 + 26 * d["scale"].nunique(), 220)),
            "empty": ""}


#: At most this many groups of one kind (organisations, places …) in the page's table.
GROUPS_SHOWN = 20

_KINDS = {"organisation": "organisations", "place": "places", "sector": "sectors",
          "cohort": "cohorts", "role": "roles"}


def largest_groups(sub: pd.DataFrame, shown: int = GROUPS_SHOWN) -> tuple[pd.DataFrame, str]:
    """The rows of the ``shown`` largest groups of each kind (most people who answered both
    surveys, then by name), and a sentence on the groups left out ('' if none).

    >>> sub = pd.DataFrame({"attribute": "place", "group": list("abc"), "n_pairs": [9.0, 30.0, 12.0]})
    >>> rows, cut = largest_groups(sub, shown=2)
    >>> rows["group"].tolist(), cut
    (['b', 'c'], ' Only the 2 largest of the 3 places are shown here; tables.xlsx (Change by group) has every group.')
    """
    size = (sub.groupby(["attribute", "group"], sort=False)["n_pairs"].max().fillna(-1)
            .rename("size").reset_index())
    size = size.sort_values(["attribute", "size", "group"], ascending=[True, False, True],
                            kind="stable")
    size["rank"] = size.groupby("attribute").cumcount()
    counts = size.groupby("attribute", sort=True).size()
    too_many = counts[counts > shown]
    if too_many.empty:
        return sub, ""
    keep = size.loc[size["rank"] < shown, ["attribute", "group"]]
    rows = sub.merge(keep, on=["attribute", "group"], how="inner")
    kinds = [f"{n:,} {_KINDS.get(str(a), str(a))}" for a, n in too_many.items()]
    return rows, (f" Only the {shown} largest of the " + " and of the ".join(kinds)
                  + " are shown here; tables.xlsx (Change by group) has every group.")


def cohorts_and_groups(page: Page, aim_id: str) -> dict:
    """Did the cohorts change differently (in words, numbers one click away); change by group."""
    aims = scale_aims(page)
    out = {"cohorts": None, "groups": None}
    anova = page.table("cohort_anova")
    prepost = page.table("prepost")
    pair = first_comparison(page, prepost) if prepost is not None else None
    if anova is not None and "source" in anova.columns:
        a = anova[anova["scale"].map(lambda s: aims.get(str(s)) == aim_id)
                  & anova["source"].astype(str).str.contains("×")]
        if pair is not None:
            a = a[(a["wave_pre"] == pair[0]) & (a["wave_post"] == pair[1])]
        if len(a):
            differ = a[a["p_val"] < 0.05]
            k = len(a)
            if len(differ):
                text = (f"The cohorts' changes differed by more than chance on "
                        f"{share_of(len(differ), k, 'scale')}: "
                        + join_words(differ["title"].astype(str)) + ".")
            else:
                text = (f"The cohorts changed alike: on {share_of(0, k, 'scale')} did their "
                        "changes differ by more than chance.")
            table = make_table(a.assign(comparison_label="from the " + a["wave_pre"].map(page.wave)
                                        + " to the " + a["wave_post"].map(page.wave)), {
                "title": "Scale", "comparison_label": "Between", "f": "F", "df1": "df1",
                "df2": "df2", "p_val": "p", "np2": "Partial eta squared",
                "n_participants": "People", "n_cohorts": "Cohorts"},
                {"p_val": p_value, "df1": lambda v: num(v, 0), "df2": lambda v: num(v, 0),
                 "n_participants": integer, "n_cohorts": integer},
                numeric={"f", "df1", "df2", "p_val", "np2", "n_participants", "n_cohorts"})
            out["cohorts"] = {"text": text, "table": table}
    sub = page.table("subgroups")
    if sub is not None and "scale" in sub.columns:
        s = sub[sub["scale"].map(lambda m: aims.get(str(m)) == aim_id)]
        if pair is not None:
            s = s[(s["wave_pre"] == pair[0]) & (s["wave_post"] == pair[1])]
        if len(s):
            n_supp = int(s["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in s else 0
            s, cut = largest_groups(s)
            s = s.sort_values(["attribute", "group", "scale"], kind="stable")
            s = s.assign(group_label=np.where(s["attribute"] == "cohort",
                                              s["group"].map(page.cohort), s["group"]))
            table = make_table(s, {
                "attribute": "Grouped by", "group_label": "Group", "title": "Scale",
                "n_pairs": "People", "mean_pre": "Average before", "mean_post": "Average after",
                "mean_diff": "Change"},
                {"n_pairs": integer}, min_group_size=page.min_group_size,
                numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff"})
            out["groups"] = {
                "summary": ("Change by cohort, sector, place and organisation (a first look "
                            f"only; {count(n_supp, 'group')} too small to show)"),
                "table": table,
                "note": ("These results are a first look: they are not adjusted for the number "
                         "of comparisons. Groups smaller than the threshold are hidden, and where "
                         "hiding one group of a set would let it be worked out from a total, a "
                         "second one is hidden too." + cut)}
    return out

