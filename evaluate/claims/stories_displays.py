"""Stories of change: how many were told, shared and chosen, and how, as claims.

The stories' own words (and the panels' reasons) are the storytellers' and the
panels', shown as written and never in the ledger; every number around them
is a figure with its source row: the method paragraph (``text:stories:method``:
stories told per domain, shared with a panel, each round's stories read and
chosen and the day it decided), each round's name as the reasons cite it
(``round:stories:N``, "Cohort teams (round 1)") and the counts table
(``table:stories:counts``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.words import count, integer, is_missing, join_words

__all__ = ["stories_displays", "METHOD", "COUNTS", "round_id"]

METHOD = "text:stories:method"
COUNTS = "table:stories:counts"
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def round_id(rnd) -> str:
    return f"round:stories:{int(rnd)}"


def _day(f, name: str, value, key: str) -> str:
    """A date as words ("9 December 2025"), its day and year figures; the text as given when
    it is not a date."""
    when = pd.to_datetime(value, errors="coerce")
    if pd.isna(when):
        return str(value)
    d = f(f"{name}_day", when.day, str(when.day), "day of the month", key=key)
    y = f(f"{name}_year", when.year, str(when.year), "year", key=key)
    return f"{d} {_MONTHS[when.month - 1]} {y}"


def _method(led, ctx: Context, counts: pd.DataFrame) -> None:
    f = led.figures_of(METHOD, "story_counts", "domain=all")
    total = counts[counts["domain"] == "all"]
    told = total["n_stories"].iloc[0] if len(total) else float("nan")
    shared = total["n_shared"].iloc[0] if len(total) else float("nan")
    parts = []
    for r in counts[counts["domain"] != "all"].itertuples(index=False):
        key = f"domain={r.domain}"
        if is_missing(r.n_stories):
            m = f("min_group_size", ctx.min_group_size, integer(ctx.min_group_size), "people",
                  table="settings", key="min_group_size")
            parts.append(f"{r.domain_title} fewer than {m}")
        else:
            parts.append(f"{r.domain_title} "
                         f"{f(f'n_stories:{r.domain}', r.n_stories, integer(r.n_stories), 'stories', key=key)}")
    year = f("davies_dart", 2005, "2005", "year", table="references",
             key="Davies, R. and Dart, J. (2005) The 'Most Significant Change' technique")
    text = (f"Participants told {f('n_stories', told, integer(told), 'stories')} stories of the "
            f"most significant change for them (the Most Significant Change technique, Davies & "
            f"Dart {year}), each filed under a domain of change: {join_words(parts)}. "
            f"{f('n_shared', shared, integer(shared), 'people')} storytellers agreed to share "
            "their story with a selection panel; only those were read.")
    sel = ctx.table("story_selection")
    if sel is not None and {"round", "level", "panel", "decided", "selected"} <= set(sel.columns):
        rounds = []
        for rnd, block in sel.groupby("round", sort=True):
            first = block.iloc[0]
            key = f"round={int(rnd)}"
            g = led.figures_of(METHOD, "story_selection", key)
            n = g(f"round:{int(rnd)}", int(rnd), str(int(rnd)), "round")
            read = count(len(block), "story", "stories").replace(
                f"{len(block):,}", g(f"read:{int(rnd)}", len(block), integer(len(block)), "stories"), 1)
            chosen = int(block["selected"].astype(bool).sum())
            rounds.append(f"round {n}, {first.level} ({first.panel}, "
                          f"{_day(g, f'decided:{int(rnd)}', first.decided, key)}), read {read} "
                          f"and chose {g(f'chosen:{int(rnd)}', chosen, integer(chosen), 'stories')}")
            h = led.figures_of(round_id(rnd), "story_selection", key)
            led.add(claim_id=round_id(rnd), section="stories", kind="note", title=str(first.level),
                    text=f"{first.level} (round {h('round', int(rnd), str(int(rnd)), 'round')})",
                    source_table="story_selection", source_key=key)
        text += (" The panels read them in turn, each recording why it chose the stories it "
                 "chose: " + "; ".join(rounds) + ". Each later round read the stories the round "
                 "before it chose. A chosen story is quoted only where its storyteller agreed; "
                 "no storyteller is named.")
    else:
        text += " No panel has chosen among them yet (evaluate stories select)."
    led.add(claim_id=METHOD, section="stories", kind="intro", title="Stories of change",
            text=text, source_table="story_counts", source_key="domain=all")


def stories_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The stories section's method paragraph, rounds and counts (skipped without stories)."""
    ctx = Context(results, context)
    counts = ctx.table("story_counts")
    if counts is None or not {"domain", "domain_title", "n_stories", "n_shared"} <= set(counts.columns):
        return
    _method(led, ctx, counts)
    add_table(led, COUNTS, section="stories", source_table="story_counts", key=["domain"],
              frame=counts, caption="Stories told in each domain of change",
              columns={"domain_title": "Domain of change", "n_stories": "Stories told",
                       "n_shared": "Shared with the panel", "n_quotable": "May be quoted"},
              formats={"n_stories": integer, "n_shared": integer, "n_quotable": integer},
              units={"n_stories": "stories", "n_shared": "stories", "n_quotable": "stories"},
              numeric={"n_stories", "n_shared", "n_quotable"}, suppressed=None)
