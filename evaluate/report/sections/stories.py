"""Stories of change: the stories the panels chose, per aim, with their reasons; how they were chosen.

Words are shown only for a story that a panel chose and whose storyteller
agreed to share and to be quoted (``story_selection`` carries them only
then); a chosen story without consent to quote is shown by its domain and
the panel's reasons alone. No output names a storyteller.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report.format import integer
from evaluate.report.page import Page
from evaluate.report.table import make_table

__all__ = ["build_stories", "chosen_by_aim", "stories_method", "story_counts_table"]


def chosen_by_aim(page: Page) -> list[dict]:
    """Per domain (the programme's aims first): the stories chosen in the latest round that chose any.

    Each story: ``title, text, significance`` (None when it may not be
    quoted), ``quoted`` (bool), ``reasons`` (list of (round label, reasons)),
    ``verification`` (the notes, joined).
    """
    sel = page.table("story_selection")
    if sel is None:
        return []
    chosen = sel[sel["selected"].astype(bool)]
    if not len(chosen):
        return []
    aims = [a.id for a in page.context.get("aims") or []]
    order = {a: n for n, a in enumerate(aims)}
    out = []
    for domain, block in sorted(chosen.groupby("domain", sort=False),
                                key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        top = block[block["round"] == block["round"].max()]
        stories = []
        for story in top.sort_values("story").itertuples(index=False):
            history = block[block["story"] == story.story].sort_values("round")
            quoted = bool(story.quotable) and pd.notna(story.text)
            stories.append({
                "title": str(story.title) if quoted and pd.notna(story.title) else None,
                "text": str(story.text) if quoted else None,
                "significance": (str(story.significance) if quoted and pd.notna(story.significance)
                                 else None),
                "quoted": quoted,
                "reasons": [(f"{h.level} (round {int(h.round)})", str(h.reasons))
                            for h in history.itertuples(index=False) if str(h.reasons)],
                "verification": " ".join(str(v) for v in history["verification"] if str(v)),
            })
        out.append({"domain": domain, "title": str(top["domain_title"].iloc[0]),
                    "level": str(top["level"].iloc[0]), "stories": stories})
    return out


def story_counts_table(page: Page):
    """Stories told, shared with the panel and quotable, per domain (small counts suppressed)."""
    counts = page.table("story_counts")
    if counts is None:
        return None
    return make_table(counts, {"domain_title": "Domain of change", "n_stories": "Stories told",
                               "n_shared": "Shared with the panel", "n_quotable": "May be quoted"},
                      {"n_stories": integer, "n_shared": integer, "n_quotable": integer},
                      numeric={"n_stories", "n_shared", "n_quotable"}, suppressed=None)


def stories_method(page: Page) -> str:
    """How many stories were collected, by domain, and how they were chosen (one paragraph,
    the ledger's ``text:stories:method``; "" when there are no stories)."""
    try:
        return str(page.claim("text:stories:method")["text"])
    except KeyError:
        return ""


def build_stories(page: Page) -> dict:
    """Values for ``sections/stories.html``."""
    if page.table("story_counts") is None:
        return {"missing": "No stories of change yet: import a stories export (stories@1) to "
                           "collect them, then run a selection round (evaluate stories select)."}
    return {"missing": "", "aims": chosen_by_aim(page), "method": stories_method(page),
            "counts": story_counts_table(page)}
