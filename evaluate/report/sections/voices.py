"""Voices: how many answered each open question, the themes, and consented quotes.

Each question shows at most :data:`evaluate.quotes.QUOTES_PER_QUESTION`
different answers, chosen as the workbooks choose them (written by most people
first, then a fixed random choice), and says how many others are in
``tables/quotes.csv``. The counts around the quotes are claims
(:mod:`evaluate.claims.voices_displays`); the quotes are the participants' own words.
"""

from __future__ import annotations

from evaluate.claims.voices_displays import (
    COUNTS,
    QUOTES_SHOWN,
    THEMES,
    THEMES_NOTE,
    answers,
    group_id,
    quote_groups,
    said_id,
)
from evaluate.claims.voices_displays import survey_titles as _titles
from evaluate.quotes import QUOTES_PER_QUESTION
from evaluate.report.page import Page

__all__ = ["build_voices", "survey_titles"]


def survey_titles(page: Page) -> dict[str, str]:
    """instrument id → its title for people, without the programme's name in front."""
    return _titles(page.context)


def _claim(page: Page, claim_id: str) -> dict:
    try:
        return page.claim(claim_id)
    except KeyError:
        return {}


def build_voices(page: Page) -> dict:
    """Values for ``sections/voices.html``."""
    out = {"missing": "", "counts": None, "themes": None, "groups": [], "no_quotes": ""}
    v = answers(page.context.get("voices"))
    if v is None:
        out["missing"] = "No free-text answers in this workspace yet."
        return out
    out["counts"] = page.claim_table(COUNTS)
    themes = page.claim_table(THEMES, classes=["themes"])
    if themes is not None:
        out["themes"] = {"table": themes, "note": _claim(page, THEMES_NOTE).get("text", "")}
    groups = quote_groups(v)
    if not groups:
        out["no_quotes"] = "No one agreed to be quoted, so no quotes are shown."
        return out
    for (inst, item, prompt), block in groups:
        group = _claim(page, group_id(inst, item))
        items = [{"text": t, "said": _claim(page, said_id(inst, item, rank)).get("text", "")}
                 for rank, t in enumerate(block["text"].head(QUOTES_PER_QUESTION))]
        out["groups"].append({
            "prompt": prompt, "about": group.get("text", ""),
            "shown": items[:QUOTES_SHOWN], "more": items[QUOTES_SHOWN:],
            "n_more": page.figures_shown(group_id(inst, item)).get("n_more", ""),
            "left": group.get("note", "")})
    return out
