"""The survey charts' words and "Show the numbers" tables, as claims (aims 1 and 3).

Each chart of an aim's survey evidence is a ``chart`` claim (its finding, its
data in words, how to read it, with n and the intervals drawn) and a ``table``
claim (its numbers); the report draws the chart and renders these.
Claim ids: ``chart:AIM:prepost`` and ``table:AIM:prepost`` (averages before and
after), ``chart:AIM:forest`` and ``table:AIM:forest`` (the size of each change
from the first survey, with its 95% range).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table, rows_of
from evaluate.claims.rule import biggest
from evaluate.stats.base import mean_ci
from evaluate.words import (
    change_phrase,
    direction_word,
    integer,
    is_clear_change,
    join_words,
    num,
    p_value,
    pct,
    share_of,
    the_wave,
)

__all__ = ["survey_displays", "forest_rows", "prepost_key", "share_figures", "level_figure",
           "p_floor_figure", "CHANGE_UNITS", "CHANGE_FORMATS"]

#: A table of changes in averages: the units and formats of its numeric columns.
CHANGE_UNITS = {"n_pairs": "people", "mean_pre": "points", "mean_post": "points",
                "mean_diff": "points", "ci95_low": "points", "ci95_high": "points",
                "p_adj": "p-value"}
CHANGE_FORMATS = {"p_adj": p_value, "n_pairs": integer}

#: Cohen's benchmarks for the size of a change, as the forest chart's guide lines draw them.
SIZE_BENCHMARKS = ((0.2, "small"), (0.5, "medium-sized"), (0.8, "large"))


#: The prepost columns the survey charts' words need.
_NEEDED = {"kind", "measure", "title", "wave_pre", "wave_post", "n_pairs", "mean_pre",
           "mean_post", "mean_diff", "g_av", "g_av_ci95_low", "g_av_ci95_high", "p_adj"}


def level_figure(led, claim_id: str) -> str:
    """"95%", the level of every interval drawn, as a figure of ``claim_id`` (the glossary's
    likely range)."""
    return led.fig(claim_id, "interval_level", 0.95, "95%", "percent", source_table="methods",
                   source_key="the likely range: a 95% confidence interval (glossary)")


def p_floor_figure(led, claim_id: str, p_values) -> None:
    """When a table prints a p-value as "< 0.001", its 0.001 (the smallest p-value printed
    as a number) as a figure of ``claim_id``."""
    p = pd.to_numeric(pd.Series(list(p_values), dtype=object), errors="coerce")
    if (p < 0.001).any():
        led.fig(claim_id, "p_printed_below", 0.001, "0.001", "p-value", source_table="methods",
                source_key="p-values under 0.001 are printed as < 0.001")


def share_figures(f, k: int, n: int, noun: str, part: str, whole: str) -> str:
    """:func:`~evaluate.words.share_of`'s words ("all 4 scales", "2 of 5 scales"), each number
    in them a figure (``part`` the count of ``k``, ``whole`` of ``n``) made with ``f``
    (:meth:`~evaluate.claims.ledger.Ledger.figures_of`).

    >>> share_figures(lambda name, value, shown, unit: shown, 2, 5, "scale", "k", "n")
    '2 of 5 scales'
    """
    words = share_of(k, n, noun)
    if n == 1 or (n == 2 and k == 2):
        return words
    many = noun + "s"
    if k == n:
        return f"all {f(whole, n, integer(n), many)} {many}"
    if k == 0:
        return f"none of the {f(whole, n, integer(n), many)} {many}"
    return f"{f(part, k, integer(k), many)} of {f(whole, n, integer(n), many)} {many}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _aim_scales(ctx: Context, aim_id: str) -> pd.DataFrame | None:
    prepost = ctx.table("prepost")
    if prepost is None:
        return None
    if not set(prepost.columns) >= _NEEDED:
        return None
    aims = ctx.scale_aims()
    return prepost[(prepost["kind"] == "scale")
                   & prepost["measure"].map(lambda m: aims.get(str(m)) == aim_id)]


#: The columns a change is worded from (``change_phrase``).
_PHRASED = ["mean_diff", "g_av", "p_adj", "g_av_ci95_low", "g_av_ci95_high"]


def prepost_key(measure, first: str, later: str) -> str:
    """The ``source_key`` of one scale's averages in the dumbbell chart's claim."""
    return f"kind=scale; measure={measure}; wave_pre={first}; wave_post={later}"


def _prepost(led, ctx: Context, head: pd.DataFrame, aim_id: str, aim_short: str, first: str,
             later: str) -> None:
    """Averages before and after of the aim's scales (the dumbbell chart), each with the
    95% range its whiskers draw."""
    cid = f"chart:{aim_id}:prepost"
    w0, w1 = ctx.wave(first), ctx.wave(later)
    nan = pd.Series(float("nan"), index=head.index)
    lo_pre, hi_pre = mean_ci(head["mean_pre"], head.get("sd_pre", nan), head["n_pairs"])
    lo_post, hi_post = mean_ci(head["mean_post"], head.get("sd_post", nan), head["n_pairs"])
    phrases = [change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low, r.g_av_ci95_high)
               for r in rows_of(head, _PHRASED)]
    k = len(head)
    # figures of the aim's scales together (their count, their people)
    of_aim = led.figures_of(cid, "prepost", f"kind=scale; aim={aim_id}; wave_pre={first}; "
                                            f"wave_post={later}")
    summary = []
    for i, r in enumerate(rows_of(head, ["measure", "title", "mean_pre", "mean_post", "n_pairs"])):
        f = led.figures_of(cid, "prepost", prepost_key(r.measure, first, later))
        a = f("mean_pre", r.mean_pre, num(r.mean_pre, 1), "points", n=r.n_pairs,
              low=lo_pre[i], high=hi_pre[i])
        b = f("mean_post", r.mean_post, num(r.mean_post, 1), "points", n=r.n_pairs,
              low=lo_post[i], high=hi_post[i])
        n = f("n_pairs", r.n_pairs, integer(r.n_pairs), "people")
        summary.append(f"{r.title}: {a} at the {w0}, {b} at the {w1} ({n} "
                       f"{'person' if n == '1' else 'people'})")
    if k == 1:
        h = head.iloc[0]
        verb = direction_word(h.mean_diff, up="rose", down="fell", same="did not change")
        title = (f"{h.title} {verb} from {num(h.mean_pre, 1)} to {num(h.mean_post, 1)} between "
                 f"the {w0} and the {w1}: " + (phrases[0] if phrases[0] != "no clear change"
                                               else "a change this size could be chance"))
    else:
        up = int((head["mean_diff"] > 0).sum())
        clear = sum(p.endswith("rise") for p in phrases)
        noun = f"{aim_short.lower()} scale"
        f = of_aim
        f("scales", k, integer(k), "scales")
        if clear == k:
            title = (f"{_cap(share_of(k, k, noun))} rose between the {w0} and the {w1}, "
                     "each by more than chance would explain")
        else:
            f("scales_higher", up, integer(up), "scales")
            f("scales_clear", clear, integer(clear), "scales")
            title = (f"{_cap(share_of(up, k, noun))} were higher at the {w1} than at the "
                     f"{w0}; {'none' if clear == 0 else clear} of them by more than chance "
                     "would explain")
    lo = head["n_pairs"].min()
    hi = head["n_pairs"].max()
    f = of_aim
    people = (f("n_min", lo, integer(lo), "people") if lo == hi else
              f"{f('n_min', lo, integer(lo), 'people')} to {f('n_max', hi, integer(hi), 'people')}")
    level = level_figure(led, cid)
    add_chart(led, cid, section=aim_id, aim=aim_id, title=title, text="; ".join(summary) + ".",
              note=(f"Averages of the {people} people who answered both surveys; the grey line "
                    f"joins the two surveys, the whiskers show the {level} range each average is "
                    "likely to lie in."), source_table="prepost")
    p_floor_figure(led, f"table:{aim_id}:prepost", head["p_adj"])
    add_table(led, f"table:{aim_id}:prepost", section=aim_id, aim=aim_id, source_table="prepost",
              key=["kind", "measure", "wave_pre", "wave_post"],
              caption=(f"Each scale's average at the {w0} and the {w1}, of the people who "
                       "answered both, and the change with its "
                       f"{level_figure(led, f'table:{aim_id}:prepost')} range"),
              frame=head.assign(what=phrases),
              columns={"title": "Scale", "n_pairs": "People who answered both",
                       "mean_pre": f"Average, {w0}", "mean_post": f"Average, {w1}",
                       "mean_diff": "Change", "ci95_low": "Change: 95% range from",
                       "ci95_high": "to", "p_adj": "p (adjusted)", "what": "In words"},
              formats=CHANGE_FORMATS, units=CHANGE_UNITS, numeric=set(CHANGE_UNITS),
              sources={"what": ("prepost", "mean_diff, g_av, p_adj, g_av_ci95_low, g_av_ci95_high")})


def forest_rows(ctx: Context, scales: pd.DataFrame, first: str) -> pd.DataFrame:
    """The changes the forest chart draws: every scale from ``first`` to each later wave with
    an effect size, in wave order, with the comparison in words (``comparison_label``) and
    the change in words (``what``)."""
    ff = scales[scales["wave_pre"] == first]
    ff = ff[ff["g_av"].notna()] if "g_av" in ff.columns else ff.iloc[0:0]
    if not len(ff):
        return ff
    rank = {w: i for i, w in enumerate(ctx.wave_order(ff["wave_post"]))}
    ff = ff.assign(_o=ff["wave_post"].map(rank)).sort_values("_o", kind="stable")
    return ff.assign(
        comparison_label=("from the " + ff["wave_pre"].map(ctx.wave) + " to the "
                          + ff["wave_post"].map(ctx.wave)),
        what=[change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low, r.g_av_ci95_high)
              for r in rows_of(ff, _PHRASED)]).drop(columns="_o")


def _forest(led, ff: pd.DataFrame, aim_id: str, first: str) -> None:
    """The size of each change from the first survey, with its 95% range (the forest chart)."""
    cid = f"chart:{aim_id}:forest"
    base = f"kind=scale; aim={aim_id}; wave_pre={first}"
    f = led.figures_of(cid, "prepost", base)
    clear = sum(is_clear_change(r.p_adj, r.g_av_ci95_low, r.g_av_ci95_high)
                for r in rows_of(ff, ["p_adj", "g_av_ci95_low", "g_av_ci95_high"]))
    n = len(ff)
    if clear == n:
        if n > 1:
            f("changes", n, integer(n), "changes")
            tail = f"{share_of(n, n, 'change')} shown are larger than chance would explain"
        else:
            tail = "larger than chance would explain"
    else:
        tail = (f"{f('changes_clear', clear, integer(clear), 'changes')} of the "
                f"{f('changes', n, integer(n), 'changes')} changes shown are larger than chance "
                "would explain")
    # "biggest" only where the evidence rule allows it: its interval clear of every other's
    lows, highs = ff["g_av_ci95_low"].tolist(), ff["g_av_ci95_high"].tolist()
    top = biggest(list(ff["g_av"].abs()),
                  [min(abs(lo), abs(hi)) if lo * hi > 0 else 0.0 for lo, hi in zip(lows, highs, strict=True)],
                  [max(abs(lo), abs(hi)) for lo, hi in zip(lows, highs, strict=True)])
    if top is not None:
        best = ff.iloc[top]
        title = (f"The biggest change was in {best.title} {best.comparison_label}: {best.what}; "
                 f"{tail}")
    else:
        title = (f"How big each change was, with the range it is likely to lie in: {tail}; "
                 "no one change is clearly bigger than the others")
    summary = []
    for r in rows_of(ff, ["measure", "title", "wave_pre", "wave_post", "comparison_label", "what",
                          "n_pairs", "g_av", "g_av_ci95_low", "g_av_ci95_high"]):
        g = led.figures_of(cid, "prepost", f"kind=scale; measure={r.measure}; "
                                           f"wave_pre={r.wave_pre}; wave_post={r.wave_post}")
        size = g("g_av", r.g_av, num(r.g_av), "standardised difference", n=r.n_pairs,
                 low=r.g_av_ci95_low, high=r.g_av_ci95_high)
        lo = g("g_av_ci95_low", r.g_av_ci95_low, num(r.g_av_ci95_low), "standardised difference")
        hi = g("g_av_ci95_high", r.g_av_ci95_high, num(r.g_av_ci95_high),
               "standardised difference")
        people = g("n_pairs", r.n_pairs, integer(r.n_pairs), "people")
        summary.append(f"{r.title}, {r.comparison_label}: {r.what} (size {size}, likely "
                       f"between {lo} and {hi}; {people} "
                       f"{'person' if people == '1' else 'people'})")
    comparisons = list(dict.fromkeys(ff["comparison_label"]))
    k = f("comparisons", len(comparisons), integer(len(comparisons)), "comparisons")
    bench = led.figures_of(cid, "methods", "Cohen's benchmarks for a standardised difference")
    marks = ", ".join(
        bench("benchmark_" + word.split("-")[0], value, num(value, 1), "standardised difference")
        + (" is " if i == 0 else " ") + word for i, (value, word) in enumerate(SIZE_BENCHMARKS))
    lo, hi = ff["n_pairs"].min(), ff["n_pairs"].max()
    people = (f("n_min", lo, integer(lo), "people") if lo == hi else
              f"{f('n_min', lo, integer(lo), 'people')} to {f('n_max', hi, integer(hi), 'people')}")
    add_chart(led, cid, section=aim_id, aim=aim_id, order=1, title=title,
              text="; ".join(summary) + ".",
              note=("Each mark is the size of a change in a form that can be compared across "
                    f"scales ({marks}); the bar is the {level_figure(led, cid)} range the true "
                    "size is likely to lie "
                    "in. A bar that crosses the zero line could be chance. Each change rests on "
                    f"the {people} people who answered both surveys. "
                    f"{k} {'comparison' if k == '1' else 'comparisons'}: "
                    + join_words(comparisons) + "."),
              source_table="prepost")
    p_floor_figure(led, f"table:{aim_id}:forest", ff["p_adj"])
    add_table(led, f"table:{aim_id}:forest", section=aim_id, aim=aim_id, order=1,
              source_table="prepost", key=["kind", "measure", "wave_pre", "wave_post"],
              caption=(f"The size of each scale's change from {the_wave(first)}, as an "
                       f"effect size with its {level_figure(led, f'table:{aim_id}:forest')} "
                       "range, and the shares of people who improved and declined"),
              frame=ff,
              columns={"title": "Scale", "comparison_label": "Between", "n_pairs": "People",
                       "g_av": "Effect size (Hedges' g)", "g_av_ci95_low": "95% range from",
                       "g_av_ci95_high": "to", "p_adj": "p (adjusted)",
                       "share_improved": "Improved", "share_declined": "Declined",
                       "what": "In words"},
              formats={"p_adj": p_value, "share_improved": pct, "share_declined": pct,
                       "n_pairs": integer},
              units={"n_pairs": "people", "g_av": "standardised difference",
                     "g_av_ci95_low": "standardised difference",
                     "g_av_ci95_high": "standardised difference", "p_adj": "p-value",
                     "share_improved": "percent", "share_declined": "percent"},
              numeric={"n_pairs", "g_av", "g_av_ci95_low", "g_av_ci95_high", "p_adj",
                       "share_improved", "share_declined"},
              sources={"comparison_label": ("prepost", "wave_pre, wave_post"),
                       "what": ("prepost", "mean_diff, g_av, p_adj, g_av_ci95_low, g_av_ci95_high")})


def survey_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The survey charts and tables of every aim with survey scales."""
    ctx = Context(results, context)
    pair = ctx.first_comparison()
    if pair is None:
        return
    first, later = pair
    for aim_id, short, _ in ctx.aims():
        scales = _aim_scales(ctx, aim_id)
        if scales is None or not len(scales):
            continue
        head = scales[(scales["wave_pre"] == first) & (scales["wave_post"] == later)]
        if len(head):
            _prepost(led, ctx, head, aim_id, short, first, later)
        ff = forest_rows(ctx, scales, first)
        if len(ff):
            _forest(led, ff, aim_id, first)
