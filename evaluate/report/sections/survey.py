"""Survey evidence for an aim: averages before and after, sizes of change, answer shifts,
the look back, and whether cohorts and groups changed differently."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.claims.likert_displays import Statements
from evaluate.claims.survey_displays import forest_rows, prepost_key
from evaluate.claims.then_test_displays import look_back
from evaluate.report import figures as F
from evaluate.report.format import integer, num
from evaluate.report.page import PRINT_HEIGHT_PX, Page
from evaluate.report.sections.common import first_comparison, scale_aims

__all__ = ["scale_evidence", "likert", "then_test", "cohorts_and_groups"]


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


def _ranges(page: Page, claim_id: str, figure: str, keys) -> tuple[np.ndarray, np.ndarray]:
    """The ledger's 95% ranges of one figure of a chart claim, for the rows ``keys`` name
    (NaN where it gives none): the whiskers drawn are the ranges the words state."""
    given = page.figure_intervals(claim_id, figure)
    nan = (float("nan"), float("nan"))
    low, high = zip(*(given.get(k, nan) for k in keys), strict=True) if len(keys) else ((), ())
    return np.array(low, dtype=float), np.array(high, dtype=float)


def _dumbbell(page: Page, head: pd.DataFrame, aim_id: str, first: str, later: str):
    w0, w1 = page.wave(first), page.wave(later)
    keys = [prepost_key(m, first, later) for m in head["measure"]]
    lo_pre, hi_pre = _ranges(page, f"chart:{aim_id}:prepost", "mean_pre", keys)
    lo_post, hi_post = _ranges(page, f"chart:{aim_id}:prepost", "mean_post", keys)
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
        narrow=F.key_above(fig, "size of the change", top=110, extra=40 * comparisons),
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
    """Where people think they started (asked at the end) against what they said at the time
    (its words and numbers: :mod:`evaluate.claims.then_test_displays`)."""
    if page.table("then_test") is None:
        return {"figure": None,
                "empty": "The later surveys in this workspace do not ask people to look back at "
                         "where they started."}
    aim_id = page.ctx.aim("aim1")[0]
    lb = look_back(page.ctx, lambda keys: _ranges(page, f"chart:{aim_id}:then-test", "mean",
                                                  list(keys)))
    if lb is None or not page.has_claim(f"chart:{aim_id}:then-test"):
        return {"figure": None, "empty": "No look-back results for whole scales."}
    d = lb.points.assign(people=lb.points["n"].map(integer))
    order = lb.order
    first_wave = lb.vs_base["wave_pre"].iloc[0] if len(lb.vs_base) else None
    palette = {0: page.colours.wave(first_wave) if first_wave else F.WAVE_COLOURS[0],
               1: "#E69F00", 2: page.colours.wave(lb.wave)}
    fig = F.dot_interval(d, "scale", "mean", low="low", high="high", color="point",
                         color_order=order,
                         palette=[palette[int(d.loc[d["point"] == p, "_p"].iloc[0])] for p in order],
                         x_title="average score, with the range it is likely to lie in",
                         x_range=(float(np.nanmin(d[["low", "mean"]].to_numpy())) - 0.15,
                                  float(np.nanmax(d[["high", "mean"]].to_numpy())) + 0.15),
                         hover=["people"], grouped=True)
    return {"figure": page.figure("fig-aim1-then-test", fig, claim=f"chart:{aim_id}:then-test",
                                  table_claim=f"table:{aim_id}:then-test",
                                  narrow=F.key_above(fig, "average score", top=85),
                                  print_height=min(80 + 30 * d["scale"].nunique(), 240)),
            "empty": ""}


def cohorts_and_groups(page: Page, aim_id: str) -> dict:
    """Did the cohorts change differently (in words, numbers one click away); change by group
    (their words and numbers: :mod:`evaluate.claims.group_displays`)."""
    out = {"cohorts": None, "groups": None}
    if page.has_claim(f"note:{aim_id}:cohorts"):
        out["cohorts"] = {"text": page.claim(f"note:{aim_id}:cohorts")["text"],
                          "table": page.claim_table(f"table:{aim_id}:cohorts")}
    if page.has_claim(f"note:{aim_id}:groups"):
        words = page.claim(f"note:{aim_id}:groups")
        out["groups"] = {"summary": words["title"], "note": words["text"],
                         "table": page.claim_table(f"table:{aim_id}:groups")}
    return out
