"""Reaction to the sessions: ratings of each day and session, and whether people would
recommend the programme.

The words and numbers are claims (:mod:`evaluate.claims.reaction_displays`); this
section draws the chart and places them.
"""

from __future__ import annotations

from evaluate.claims.reaction_displays import (
    CHART,
    NPS,
    RECOMMEND,
    SUPPRESSED,
    TABLE,
    ratings_shown,
)
from evaluate.report import figures as F
from evaluate.report.page import Page
from evaluate.words import integer

__all__ = ["build_reaction"]


def _text(page: Page, claim_id: str) -> str:
    try:
        return str(page.claim(claim_id)["text"])
    except KeyError:
        return ""


def build_reaction(page: Page) -> dict:
    """Values for ``sections/reaction.html``."""
    r = page.table("reaction")
    out = {"chart": None, "recommend": None, "suppressed": "", "nps": "",
           "missing": "No session feedback in this workspace yet."}
    if r is None:
        return out
    out["missing"] = ""
    d = ratings_shown(r)
    if len(d) and CHART in set(page.claims()["claim_id"]):
        d["answers"] = d["n_responses"].map(integer)  # the hover's count, as the table prints it
        scale = page.figures_shown(CHART)
        lo = float(d["scale_min"].min()) if "scale_min" in d else 1.0
        hi = float(d["scale_max"].max()) if "scale_max" in d else 5.0
        modules = list(dict.fromkeys(d["module"].astype(str)))
        labels = [d.loc[d["module"].astype(str) == m, "module_label"].iloc[0] for m in modules]
        waves = set(page.wave_order())
        palette = [page.colours.wave(m) if m in waves else F.OKABE_ITO[i % len(F.OKABE_ITO)]
                   for i, m in enumerate(modules)]
        fig = F.dot_interval(d, "label", "mean", low="ci95_low", high="ci95_high",
                             color="module_label", color_order=labels, palette=palette,
                             x_title=f"average rating ({scale.get('scale_min', '')} to "
                                     f"{scale.get('scale_max', '')}), with the range it is "
                                     "likely to lie in",
                             x_range=(lo - 0.1, hi + 0.1), hover=["answers"])
        out["chart"] = page.figure("fig-reaction", fig, claim=CHART, table_claim=TABLE,
                                   print_height=min(80 + 15 * d["label"].nunique(), 320))
    out["recommend"] = page.claim_table(RECOMMEND)
    out["nps"] = _text(page, NPS)
    out["suppressed"] = _text(page, SUPPRESSED)
    return out
