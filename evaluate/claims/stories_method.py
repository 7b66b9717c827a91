"""How the stories of change were collected and chosen, as a claim (one paragraph).

Claim id: ``text:stories:method`` (shown in the stories section and in the data and
methods section): stories told per domain (small counts suppressed), how many were
shared with a panel, and each panel round's reading and choice.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.words import integer, join_words

__all__ = ["stories_method"]

CLAIM = "text:stories:method"


def stories_method(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The stories' method paragraph (nothing when no stories were collected)."""
    ctx = Context(results, context)
    counts = ctx.table("story_counts")
    if counts is None or not {"domain", "domain_title", "n_stories", "n_shared"} <= set(counts.columns):
        return
    f = led.figures_of(CLAIM, "story_counts", "domain=all")
    total = counts[counts["domain"] == "all"]
    told = total["n_stories"].iloc[0] if len(total) else float("nan")
    shared = total["n_shared"].iloc[0] if len(total) else float("nan")
    told_shown = f("n_stories", told, integer(told), "stories")
    shared_shown = f("n_shared", shared, integer(shared), "storytellers")
    year = f("year", 2005, "2005", "year", table="references", key="Davies & Dart 2005")
    parts = []
    for r in counts[counts["domain"] != "all"].itertuples(index=False):
        if pd.notna(r.n_stories):
            n = f("n_stories", r.n_stories, integer(r.n_stories), "stories", key=f"domain={r.domain}")
            parts.append(f"{r.domain_title} {n}")
        else:
            smallest = f("min_group_size", ctx.min_group_size, integer(ctx.min_group_size),
                         "people", table="settings", key="min_group_size")
            parts.append(f"{r.domain_title} fewer than {smallest}")
    text = (f"Participants told {told_shown} stories of the most significant change for them "
            f"(the Most Significant Change technique, Davies & Dart {year}), each filed under a "
            f"domain of change: {join_words(parts)}. {shared_shown} storytellers agreed to "
            "share their story with a selection panel; only those were read.")
    sel = ctx.table("story_selection")
    if sel is not None and {"round", "level", "panel", "decided", "selected"} <= set(sel.columns):
        rounds = []
        for rnd, block in sel.groupby("round", sort=True):
            first = block.iloc[0]
            g = led.figures_of(CLAIM, "story_selection", f"round={int(rnd)}")
            number = g("round", int(rnd), str(int(rnd)), "round")
            read = g("read", len(block), integer(len(block)), "stories")
            chose = g("selected", int(block["selected"].sum()),
                      integer(int(block["selected"].sum())), "stories")
            rounds.append(f"round {number}, {first.level} ({first.panel}, {first.decided}), "
                          f"read {read} {'story' if read == '1' else 'stories'} and chose {chose}")
        text += (" The panels read them in turn, each recording why it chose the stories it "
                 "chose: " + "; ".join(rounds) + ". Each later round read the stories the round "
                 "before it chose. A chosen story is quoted only where its storyteller agreed; "
                 "no storyteller is named.")
    else:
        text += " No panel has chosen among them yet (evaluate stories select)."
    led.add(claim_id=CLAIM, section="stories", kind="text", order=900, title="Stories of change",
            text=text, source_table="story_counts", source_key="every domain")
