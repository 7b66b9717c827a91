"""Reaction to the sessions: the ratings chart's words and the reaction tables, as claims.

The session ratings chart is a ``chart`` claim: its finding (how the days
were rated overall and, only when the evidence rule allows it — the top
session's interval lies wholly above every other's,
:func:`evaluate.claims.rule.biggest` — which session was most useful), its
data in words (each day's overall rating and its range of sessions) and how
to read it (the scale, the answers it rests on, what the bars are). Its
numbers and the "would they recommend it?" numbers are ``table`` claims.

Claim ids: ``chart:reaction:ratings``, ``table:reaction:ratings``,
``table:reaction:recommend``, ``note:reaction:nps`` (what the net promoter
score is) and ``note:reaction:suppressed`` (results not shown). In the chart
claim the figures ``scale_min`` and ``scale_max`` are the rating scale's ends.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.claims.rule import biggest
from evaluate.words import count, integer, num, pct

__all__ = ["reaction_displays", "ratings_shown", "CHART", "TABLE", "RECOMMEND", "NPS",
           "SUPPRESSED"]

CHART = "chart:reaction:ratings"
TABLE = "table:reaction:ratings"
RECOMMEND = "table:reaction:recommend"
NPS = "note:reaction:nps"
SUPPRESSED = "note:reaction:suppressed"
_NEEDED = {"module", "item", "item_text", "n_responses", "mean"}


def _ratings(r: pd.DataFrame) -> pd.DataFrame:
    return r[r["kind"] == "rating"] if "kind" in r.columns else r


def ratings_shown(reaction: pd.DataFrame) -> pd.DataFrame:
    """The ratings drawn (not suppressed), sorted by day and question, with ``label`` (the
    session's name) and ``module_label`` (the day's)."""
    ratings = _ratings(reaction)
    if "suppressed" in ratings:
        ratings = ratings[~ratings["suppressed"].fillna(False).astype(bool)]
    d = ratings.copy()
    d["label"] = (d["item_text"].astype(str)
                  .str.replace(r"^How useful was the session:\s*", "", regex=True)
                  .str.rstrip("?"))
    title = d["module_title"] if "module_title" in d else pd.Series(pd.NA, index=d.index)
    d["module_label"] = title.fillna(d["module"]).astype(str)
    return d.sort_values(["module", "item"], kind="stable")


def _key(r) -> str:
    return f"kind=rating; module={r['module']}; item={r['item']}"


def _title(led, d: pd.DataFrame, top_of: str) -> str:
    """The chart's finding: the days' overall ratings and, only when the rule allows, the top
    session."""
    overall = d[d["item"] == "overall_rating"]
    sessions = d[d["item"] != "overall_rating"]
    top = None
    if len(sessions) >= 2 and {"ci95_low", "ci95_high"} <= set(sessions.columns):
        i = biggest(list(sessions["mean"]), list(sessions["ci95_low"]), list(sessions["ci95_high"]))
        top = None if i is None else sessions.iloc[i]
    f = led.figures_of(CHART, "reaction", "kind=rating; item=overall_rating")

    def top_mean() -> str:
        return f("top_session_mean", top["mean"], num(top["mean"], 1), "points", n=top["n_responses"],
                 low=top.get("ci95_low"), high=top.get("ci95_high"), key=_key(top))

    if len(overall):
        lo_r, hi_r = overall.loc[overall["mean"].idxmin()], overall.loc[overall["mean"].idxmax()]
        low = f("overall_lowest", lo_r["mean"], num(lo_r["mean"], 1), "points", key=_key(lo_r),
                n=lo_r["n_responses"])
        high = f("overall_highest", hi_r["mean"], num(hi_r["mean"], 1), "points", key=_key(hi_r),
                 n=hi_r["n_responses"])
        if len(overall) == 1:
            title = f"The day was rated {low} out of {top_of} overall"
        elif low == high:
            title = f"Every day was rated {low} out of {top_of} overall"
        else:
            title = f"Days were rated {low} to {high} out of {top_of} overall"
        if top is not None:
            title += f"; the most useful session: {top['label']} ({top_mean()})"
        elif len(sessions) > 1:
            title += "; no one session stands out from the others"
        return title
    if top is not None:
        return f"The most useful session: {top['label']} ({top_mean()} out of {top_of})"
    return "How participants rated the sessions"


def _chart(led, d: pd.DataFrame) -> None:
    f = led.figures_of(CHART, "reaction", "kind=rating; column=scale_min, scale_max")
    lo = float(d["scale_min"].min()) if "scale_min" in d else 1.0
    hi = float(d["scale_max"].max()) if "scale_max" in d else 5.0
    low = f("scale_min", lo, num(lo, 0), "points")
    top_of = f("scale_max", hi, num(hi, 0), "points")
    title = _title(led, d, top_of)
    parts = []
    for label, block in d.groupby("module_label", sort=False):
        over = block[block["item"] == "overall_rating"]
        rest = block[block["item"] != "overall_rating"]
        text = f"{label}: "
        if len(over):
            o = over.iloc[0]
            text += (led.fig(CHART, f"overall:{o['module']}", o["mean"], num(o["mean"], 1), "points",
                             n=o["n_responses"], source_table="reaction", source_key=_key(o))
                     + " overall")
        if len(rest):
            lo_r, hi_r = rest.loc[rest["mean"].idxmin()], rest.loc[rest["mean"].idxmax()]
            a = led.fig(CHART, f"lowest:{lo_r['module']}", lo_r["mean"], num(lo_r["mean"], 1),
                        "points", n=lo_r["n_responses"], source_table="reaction",
                        source_key=_key(lo_r))
            b = led.fig(CHART, f"highest:{hi_r['module']}", hi_r["mean"], num(hi_r["mean"], 1),
                        "points", n=hi_r["n_responses"], source_table="reaction",
                        source_key=_key(hi_r))
            text += ((", " if len(over) else "") + f"sessions from {a} ({lo_r['label']}) to "
                     f"{b} ({hi_r['label']})")
        parts.append(text)
    n_lo, n_hi = d["n_responses"].min(), d["n_responses"].max()
    g = led.figures_of(CHART, "reaction", "kind=rating; column=n_responses (fewest, most)")
    answers = (g("n_min", n_lo, integer(n_lo), "answers") if n_lo == n_hi else
               f"{g('n_min', n_lo, integer(n_lo), 'answers')} to {g('n_max', n_hi, integer(n_hi), 'answers')}")
    level = led.fig(CHART, "interval_level", 0.95, "95%", "percent", source_table="reaction",
                    source_key="column=ci95_low, ci95_high (a 95% confidence interval)")
    note = (f"Average rating of each session, from {low} to {top_of}, of the {answers} people who "
            f"rated it; the bar is the {level} range the average is likely to lie in.")
    add_chart(led, CHART, section="reaction", title=title, text="; ".join(parts) + ".", note=note,
              source_table="reaction", source_key="kind=rating")


def reaction_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The reaction section's chart, tables and notes (skipped without session feedback)."""
    ctx = Context(results, context)
    r = ctx.table("reaction")
    if r is None or not set(r.columns) >= _NEEDED:
        return
    d = ratings_shown(r)
    if len(d):
        _chart(led, d)
    ratings = _ratings(r)
    if len(ratings):
        title = ratings["module_title"] if "module_title" in ratings else pd.Series(pd.NA, index=ratings.index)
        add_table(led, TABLE, section="reaction", source_table="reaction",
                  key=["kind", "module", "item"] if "kind" in ratings else ["module", "item"],
                  frame=ratings.assign(module_label=title.fillna(ratings["module"])),
                  caption="Average rating of each session, with its 95% range",
                  columns={"module_label": "Day", "item_text": "Question",
                           "n_responses": "Answers", "mean": "Average",
                           "ci95_low": "95% range from", "ci95_high": "to",
                           "median": "Middle answer"},
                  formats={"n_responses": integer}, min_group_size=ctx.min_group_size,
                  units={"n_responses": "answers", "mean": "points", "ci95_low": "points",
                         "ci95_high": "points", "median": "points"},
                  numeric={"n_responses", "mean", "ci95_low", "ci95_high", "median"},
                  sources={"module_label": ("reaction", "module_title")})
        led.fig(TABLE, "interval_level", 0.95, "95%", "percent", source_table="reaction",
                source_key="column=ci95_low, ci95_high (a 95% confidence interval)")
    rec = r[r["kind"] == "recommend"] if "kind" in r.columns else r.iloc[0:0]
    if len(rec) and {"pct_promoters", "pct_passives", "pct_detractors", "nps"} <= set(rec.columns):
        title = rec["module_title"] if "module_title" in rec else pd.Series(pd.NA, index=rec.index)
        rec = rec.assign(module_label=title.fillna(rec["module"]),
                         promoters=rec["pct_promoters"] / 100, passives=rec["pct_passives"] / 100,
                         detractors=rec["pct_detractors"] / 100)
        add_table(led, RECOMMEND, section="reaction", source_table="reaction",
                  key=["kind", "module", "item"] if "item" in rec else ["kind", "module"],
                  frame=rec, caption="Would they recommend it? Answers by day",
                  columns={"module_label": "Day", "n_responses": "Answers",
                           "mean": "Average (0 to 10)", "promoters": "Would recommend (9–10)",
                           "passives": "Neutral (7–8)", "detractors": "Would not (0–6)",
                           "nps": "Net promoter score"},
                  formats={"n_responses": integer, "promoters": pct, "passives": pct,
                           "detractors": pct, "nps": lambda v: num(v, 0)},
                  units={"n_responses": "answers", "mean": "points out of 10",
                         "promoters": "percent", "passives": "percent", "detractors": "percent",
                         "nps": "net promoter score"},
                  min_group_size=ctx.min_group_size,
                  numeric={"n_responses", "mean", "promoters", "passives", "detractors", "nps"},
                  sources={"module_label": ("reaction", "module_title"),
                           "promoters": ("reaction", "pct_promoters"),
                           "passives": ("reaction", "pct_passives"),
                           "detractors": ("reaction", "pct_detractors")})
        f = led.figures_of(NPS, "reaction", "kind=recommend; the net promoter score's definition")
        text = (f"Net promoter score: the percentage who would recommend it "
                f"({f('promoter_low', 9, '9', 'points')} or {f('top', 10, '10', 'points')} out of "
                f"10) minus the percentage who would not ({f('bottom', 0, '0', 'points')} to "
                f"{f('detractor_high', 6, '6', 'points')}), from {f('nps_min', -100, '−100', 'net promoter score')} "
                f"to {f('nps_max', 100, '+100', 'net promoter score')}; those answering "
                f"{f('passive_low', 7, '7', 'points')} or {f('passive_high', 8, '8', 'points')} "
                "count as neutral.")
        led.add(claim_id=NPS, section="reaction", kind="note", title="Would they recommend it?",
                text=text, source_table="reaction", source_key="kind=recommend")
    n_supp = int(r["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in r else 0
    if n_supp:
        f = led.figures_of(SUPPRESSED, "reaction", "column=suppressed (rows where true)")
        k = f("suppressed", n_supp, integer(n_supp), "results")
        m = f("min_group_size", ctx.min_group_size, integer(ctx.min_group_size), "answers",
              table="settings", key="min_group_size")
        words = count(n_supp, "result").replace(integer(n_supp), k, 1)
        led.add(claim_id=SUPPRESSED, section="reaction", kind="note", title="Results not shown",
                text=f"{words} with fewer than {m} answers not shown.", source_table="reaction",
                source_key="column=suppressed")
