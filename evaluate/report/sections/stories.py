"""Stories of change: the stories the panels chose, per aim, with their reasons; how they were chosen.

Words are shown only for a story that a panel chose and whose storyteller
agreed to share and to be quoted (``story_selection`` carries them only
then); a chosen story without consent to quote is shown by its domain and
the panel's reasons alone. No output names a storyteller. The numbers around
the stories are claims (:mod:`evaluate.claims.stories_displays`).
"""

from __future__ import annotations

import pandas as pd

from evaluate.claims.stories_displays import COUNTS, METHOD, round_id
from evaluate.report.page import Page

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
    aims = [a[0] for a in page.ctx.aims()]
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
                "reasons": [(_text(page, round_id(h.round)) or str(h.level), str(h.reasons))
                            for h in history.itertuples(index=False) if str(h.reasons)],
                "verification": " ".join(str(v) for v in history["verification"] if str(v)),
            })
        out.append({"domain": domain, "title": str(top["domain_title"].iloc[0]),
                    "level": str(top["level"].iloc[0]), "stories": stories})
    return out


def story_counts_table(page: Page):
    """Stories told, shared with the panel and quotable, per domain (from the ledger)."""
    if page.table("story_counts") is None:
        return None
    return page.claim_table(COUNTS)


def stories_method(page: Page) -> str:
    """How many stories were collected, by domain, and how they were chosen (one paragraph,
    from the ledger)."""
    return _text(page, METHOD) if page.table("story_counts") is not None else ""


def _text(page: Page, claim_id: str) -> str:
    try:
        return str(page.claim(claim_id)["text"])
    except KeyError:
        return ""


def build_stories(page: Page) -> dict:
    """Values for ``sections/stories.html``."""
    if page.table("story_counts") is None:
        return {"missing": "No stories of change yet: import a stories export (stories@1) to "
                           "collect them, then run a selection round (evaluate stories select)."}
    return {"missing": "", "aims": chosen_by_aim(page), "method": stories_method(page),
            "counts": story_counts_table(page)}
