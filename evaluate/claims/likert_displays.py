"""The spread of answers to each statement (the Likert charts), as claims (aims 1 and 3).

An aim's statements (aim 1) and the change-challenge questions (aim 3) each get
a ``chart`` claim (the share of answers agreeing, in each survey; the data in
words; how to read it, with how many people answered and which statements the
share counts) and a ``table`` claim (each answer's share, one row per
statement and survey, captioned with what the headline share counts).

Claim ids: ``chart:aim1:likert`` and ``table:aim1:likert`` (the aim's
statements; ``aim1`` is the aim's id), ``chart:aim3:change-challenge`` and
``table:aim3:change-challenge``.

:func:`aim_statements` and :func:`challenge_statements` choose the rows the
report draws, so chart and words rest on the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.words import integer, join_words, pct

__all__ = ["likert_displays", "aim_statements", "challenge_statements", "challenge_items",
           "Statements", "REVERSED"]

#: Added to a statement where agreeing is the worse answer.
REVERSED = " (agreeing is worse)"
_NEEDED = {"item", "item_text", "wave", "code", "label", "n", "n_answered", "share"}


class Statements:
    """The answers a Likert chart draws: ``rows`` (one per statement, survey and answer, in
    drawing order, with ``statement``, ``wave_label`` and ``row``), ``waves`` in order,
    ``labels`` from most negative to most positive, and which rows are ``drawn`` (not
    suppressed)."""

    def __init__(self, ctx: Context, d: pd.DataFrame, waves: list[str]):
        rank = {w: i for i, w in enumerate(waves)}
        item_order = list(dict.fromkeys(d["item"]))
        d = d.assign(_i=d["item"].map({it: i for i, it in enumerate(item_order)}),
                     _w=d["wave"].map(rank)).sort_values(["_i", "_w", "code"], kind="stable")
        text = d["item_text"].astype(str)
        rev = (d["reverse"].fillna(False).astype(bool) if "reverse" in d.columns
               else pd.Series(False, index=d.index))
        text = text.where(~rev, text + REVERSED)
        supp = (d["suppressed"].fillna(False).astype(bool) if "suppressed" in d.columns
                else pd.Series(False, index=d.index))
        self.rows = d.assign(statement=text, wave_label=d["wave"].map(ctx.wave),
                             row=text + " — " + d["wave"].map(ctx.wave), reverse=rev,
                             suppressed=supp)
        self.waves = waves
        self.labels = list(dict.fromkeys(self.rows.sort_values("code")["label"].astype(str)))
        self.drawn = self.rows[~supp]

    @property
    def neutral(self) -> str | None:
        """The middle answer (split across the line), if the answers have one."""
        return self.labels[len(self.labels) // 2] if len(self.labels) % 2 else None


def _statements(ctx: Context, keep: Callable[[pd.DataFrame], pd.Series],
                pick: Callable[[list[str]], list[str]]) -> Statements | None:
    dist = ctx.table("item_distribution")
    if dist is None or not set(dist.columns) >= _NEEDED:
        return None
    d = dist[keep(dist).to_numpy(dtype=bool)]
    if "then_of" in d.columns:
        d = d[d["then_of"].fillna("") == ""]
    if not len(d):
        return None
    waves = pick(ctx.sorted_waves(d["wave"]))
    d = d[d["wave"].isin(waves)]
    if not len(d) or not len(waves):
        return None
    return Statements(ctx, d, waves)


def aim_statements(ctx: Context, aim_id: str) -> Statements | None:
    """The answers to the statements of the aim's scales, at the headline pair of surveys
    (the first two surveys when there is no pair)."""
    scales = {s for s, a in ctx.scale_aims().items() if a == aim_id}
    pair = ctx.first_comparison()
    return _statements(
        ctx, lambda t: t["scale"].astype(str).isin(scales) if "scale" in t.columns
        else pd.Series(False, index=t.index),
        (lambda ws: [w for w in ws if w in pair]) if pair else (lambda ws: ws[:2]))


def challenge_items(ctx: Context) -> set[str]:
    """The change-challenge questions answered (scale ``change_challenge`` or ids ``cc_…``)."""
    dist = ctx.table("item_distribution")
    if dist is None or "item" not in dist.columns:
        return set()
    scale = dist["scale"].astype(str) if "scale" in dist.columns else pd.Series("", index=dist.index)
    cc = dist[(scale == "change_challenge") | dist["item"].astype(str).str.startswith("cc_")]
    return set(cc["item"])


def challenge_statements(ctx: Context) -> Statements | None:
    """The answers to the change-challenge questions at the last two surveys that asked them."""
    items = challenge_items(ctx)
    if not items:
        return None
    return _statements(ctx, lambda t: t["item"].isin(items),
                       lambda ws: ws[-2:] if len(ws) > 1 else ws)


def _likert(led, ctx: Context, s: Statements, aim_id: str, what: str, subject: str) -> None:
    cid, tid = f"chart:{aim_id}:{what}", f"table:{aim_id}:{what}"
    d, waves, labels = s.rows, s.waves, s.labels
    base = f"aim={aim_id}; statements={what}"
    # the headline: the share of answers agreeing (top two answers), on statements where
    # agreeing is good
    top = labels[-2:]
    pos = s.drawn[~s.drawn["reverse"]]
    agree = pos[pos["label"].astype(str).isin(top)].groupby("wave")["n"].sum()
    total = pos.groupby("wave")["n"].sum()
    share = (agree / total.where(total > 0)).reindex(waves)
    answers = total.reindex(waves)

    def shares_of(claim_id: str):
        shown = {}
        for w in waves:
            if share[w] == share[w]:
                f = led.figures_of(claim_id, "item_distribution",
                                   f"{base}; wave={w}; reverse=False; label={'|'.join(top)}")
                shown[w] = f("share_agreeing", share[w], pct(share[w]), "percent",
                             n=answers[w])
        return shown

    agreed = shares_of(cid)
    if len(waves) >= 2 and len(agreed) == len(waves):
        title = (f"{agreed[waves[-1]]} of answers to the {subject} agreed at "
                 f"{ctx.the_wave(waves[-1])}, against {agreed[waves[0]]} at "
                 f"{ctx.the_wave(waves[0])}")
    elif agreed:
        title = f"{list(agreed.values())[-1]} of answers to the {subject} agreed"
    else:
        title = f"How people answered the {subject}"
    n_items, n_good = d["item"].nunique(), pos["item"].nunique()

    def counted(claim_id: str) -> str:
        f = led.figures_of(claim_id, "item_distribution", base)
        if n_items == 1:
            return "the one statement"
        if n_good == n_items:
            return f"all {f('statements', n_items, integer(n_items), 'statements')} statements"
        return (f"{f('statements_counted', n_good, integer(n_good), 'statements')} of "
                f"{f('statements', n_items, integer(n_items), 'statements')} statements, those "
                "where agreeing is good")

    f = led.figures_of(cid, "item_distribution", base)
    k = f("statements", n_items, integer(n_items), "statements")
    surveys = join_words(ctx.the_wave(w) for w in waves)
    in_all = int((d.groupby("item")["wave"].nunique() == len(waves)).sum())
    if in_all == n_items or len(waves) == 1:
        asked_at = f"{'asked' if n_items == 1 else 'each asked'} at {surveys}"
    else:
        asked_at = (f"{f('statements_every_survey', in_all, integer(in_all), 'statements')} of "
                    f"them asked at {surveys}, "
                    + ("the other" if n_items - in_all == 1 else "the others")
                    + " at only some of these surveys")
    text = (f"{k} {'statement' if k == '1' else 'statements'}, {asked_at}. "
            + " ".join(f"At {ctx.the_wave(w)}, {agreed[w]} of answers agreed." for w in agreed))
    asked = s.drawn.groupby("row", sort=False)["n_answered"].first()
    note = ("Each bar is everyone who answered that statement in that survey")
    if len(asked):
        lo, hi = asked.min(), asked.max()
        g = led.figures_of(cid, "item_distribution", f"{base}; column=n_answered")
        note += (f" ({g('n_answered_min', lo, integer(lo), 'people')} people)" if lo == hi else
                 f" ({g('n_answered_min', lo, integer(lo), 'people')} to "
                 f"{g('n_answered_max', hi, integer(hi), 'people')} people)")
    note += ("; disagreeing answers are left of the line, agreeing answers right, and the "
             "middle answer is split across it.")
    if agreed:
        note += (f" The share agreeing counts the top two answers ({join_words(top)}) on "
                 f"{counted(cid)}.")
    n_supp = d.loc[d["suppressed"], "row"].nunique()
    if n_supp:
        m = led.figures_of(cid, "settings", "min_group_size")
        g = led.figures_of(cid, "item_distribution", f"{base}; suppressed=True")
        note += (f" {g('rows_suppressed', n_supp, integer(n_supp), 'statements')} "
                 f"{'statement' if n_supp == 1 else 'statements'} answered by fewer than "
                 f"{m('min_group_size', ctx.min_group_size, integer(ctx.min_group_size), 'people')}"
                 f" people {'is' if n_supp == 1 else 'are'} not drawn.")
    add_chart(led, cid, section=aim_id, aim=aim_id, order=3, title=title, text=text, note=note,
              source_table="item_distribution", source_key=base)
    # one row per statement and survey that was asked (never the cross product of the
    # statements, surveys and answers: a pivot with dropna=False made 784 rows out of 28)
    wide = (d.assign(label=d["label"].astype(str))
            .groupby(["_i", "_w", "row", "label"], sort=True, observed=True)["share"].first()
            .unstack("label").reindex(columns=labels).reset_index())
    wide = wide.merge(d.groupby("row", sort=False)[["item", "wave", "n_answered", "suppressed"]]
                      .first().reset_index(), on="row", how="left")
    f = led.figures_of(tid, "item_distribution", base)
    caption = (f"Each answer's share of those who answered, per statement and survey "
               f"({f('rows', len(wide), integer(len(wide)), 'rows')} "
               f"{'row' if len(wide) == 1 else 'rows'})")
    if agreed:
        caption += f"; the share agreeing above counts {counted(tid)}"
    add_table(led, tid, section=aim_id, aim=aim_id, order=4, source_table="item_distribution",
              key=["item", "wave"], frame=wide,
              columns={"row": "Statement — survey", "n_answered": "Answered"}
              | {c: c for c in labels},
              formats={c: pct for c in labels} | {"n_answered": integer},
              units={c: "percent" for c in labels} | {"n_answered": "people"},
              numeric=set(labels) | {"n_answered"}, caption=caption,
              min_group_size=ctx.min_group_size,
              sources={"row": ("item_distribution", "item_text, wave")}
              | {c: ("item_distribution", f"share; label={c}") for c in labels})


def likert_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The Likert charts of aim 1's statements and aim 3's change challenges."""
    ctx = Context(results, context)
    aim_id, short, _ = ctx.aim("aim1")
    s = aim_statements(ctx, aim_id)
    if s is not None:
        _likert(led, ctx, s, aim_id, "likert", f"{short.lower()} statements")
    s = challenge_statements(ctx)
    if s is not None:
        _likert(led, ctx, s, ctx.aim("aim3")[0], "change-challenge",
                "change-challenge statements")
