"""The survey charts' words and "Show the numbers" tables, as claims (aims 1 and 3).

Each chart of an aim's survey evidence is a ``chart`` claim (its finding, its
data in words, how to read it, with n and the intervals drawn) and a ``table``
claim (its numbers); the report draws the chart and renders these.
Claim ids: ``chart:AIM:prepost`` and ``table:AIM:prepost``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.words import (
    change_phrase,
    direction_word,
    integer,
    num,
    p_value,
    share_of,
)

__all__ = ["survey_displays"]


#: The prepost columns the survey charts' words need.
_NEEDED = {"kind", "measure", "title", "wave_pre", "wave_post", "n_pairs", "mean_pre",
           "mean_post", "mean_diff", "g_av", "g_av_ci95_low", "g_av_ci95_high", "p_adj"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _aim_scales(ctx: Context, aim_id: str) -> pd.DataFrame | None:
    prepost = ctx.table("prepost")
    if prepost is None:
        return None
    if not _NEEDED <= set(prepost.columns):
        return None
    aims = ctx.scale_aims()
    return prepost[(prepost["kind"] == "scale")
                   & prepost["measure"].map(lambda m: aims.get(str(m)) == aim_id)]


def _prepost(led, ctx: Context, head: pd.DataFrame, aim_id: str, aim_short: str, first: str,
             later: str) -> None:
    """Averages before and after of the aim's scales (the dumbbell chart)."""
    cid = f"chart:{aim_id}:prepost"
    w0, w1 = ctx.wave(first), ctx.wave(later)
    phrases = [change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low, r.g_av_ci95_high)
               for r in head.itertuples(index=False)]
    k = len(head)
    summary = []
    for r in head.itertuples(index=False):
        key = f"kind=scale; measure={r.measure}; wave_pre={first}; wave_post={later}"
        f = led.figures_of(cid, "prepost", key)
        a = f("mean_pre", r.mean_pre, num(r.mean_pre, 1), "points", n=r.n_pairs)
        b = f("mean_post", r.mean_post, num(r.mean_post, 1), "points", n=r.n_pairs)
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
        f = led.figures_of(cid, "prepost", f"kind=scale; aim={aim_id}; wave_pre={first}; "
                                           f"wave_post={later}")
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
    f = led.figures_of(cid, "prepost", f"kind=scale; aim={aim_id}; wave_pre={first}; "
                                       f"wave_post={later}")
    people = (f("n_min", lo, integer(lo), "people") if lo == hi else
              f"{f('n_min', lo, integer(lo), 'people')} to {f('n_max', hi, integer(hi), 'people')}")
    add_chart(led, cid, section=aim_id, aim=aim_id, title=title, text="; ".join(summary) + ".",
              note=(f"Averages of the {people} people who answered both surveys; the grey line "
                    "joins the two surveys, the whiskers show the 95% range each average is "
                    "likely to lie in."), source_table="prepost")
    add_table(led, f"table:{aim_id}:prepost", section=aim_id, aim=aim_id, source_table="prepost",
              key=["kind", "measure", "wave_pre", "wave_post"],
              frame=head.assign(what=phrases),
              columns={"title": "Scale", "n_pairs": "People who answered both",
                       "mean_pre": f"Average, {w0}", "mean_post": f"Average, {w1}",
                       "mean_diff": "Change", "ci95_low": "Change: 95% range from",
                       "ci95_high": "to", "p_adj": "p (adjusted)", "what": "In words"},
              formats={"p_adj": p_value, "n_pairs": integer},
              units={"n_pairs": "people", "mean_pre": "points", "mean_post": "points",
                     "mean_diff": "points", "ci95_low": "points", "ci95_high": "points",
                     "p_adj": "p-value"},
              numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "ci95_low", "ci95_high",
                       "p_adj"},
              sources={"what": ("prepost", "mean_diff, g_av, p_adj, g_av_ci95_low, g_av_ci95_high")})


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
