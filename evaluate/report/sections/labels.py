"""Why each label: every strength of evidence the report gives, with every reason for it.

The cards give their reasons beside them; the comparison table and the evidence
at each level print only a label. This appendix lists every label once, with
the evidence rule's reasons (the design and every downgrade) and the cautions
noted, all rendered from the claims: the survey measures and the network (the
overview's findings) and the single statements of the evidence matrix.
"""

from __future__ import annotations

import pandas as pd

from evaluate.claims.ledger import SEP
from evaluate.report.page import Page
from evaluate.report.table import make_table

__all__ = ["build_labels"]


def _labelled(claims: pd.DataFrame) -> pd.DataFrame:
    has = claims["label"].fillna("").astype(str).str.strip().ne("")
    return claims[has & claims["reasons"].fillna("").astype(str).str.strip().ne("")]


def build_labels(page: Page) -> dict:
    """Values for ``sections/labels.html``: one row per labelled finding."""
    out = {"intro": "", "rows_table": None,
           "missing": "No result has a strength of evidence yet."}
    found = _labelled(page.claims("overview"))
    statements = _labelled(page.claims("evidence"))
    statements = statements[statements["measure"].astype(str).str.startswith("item:")]
    rows = pd.concat([found, statements], ignore_index=True)
    if not len(rows):
        return out
    between = [f"{page.wave(a)} → {page.wave(b)}" if str(a) and str(b) else ""
               for a, b in zip(rows["wave_pre"].fillna(""), rows["wave_post"].fillna(""),
                               strict=True)]
    frame = pd.DataFrame({
        "title": rows["title"].astype(str), "between": between,
        # the evidence matrix words its labels in lower case ("weak evidence"); a column starts
        # each with a capital, as the cards do
        "label": [str(x)[:1].upper() + str(x)[1:] for x in rows["label"]],
        "why": ["; ".join(x for x in str(r).split(SEP) if x.strip()) for r in rows["reasons"]]})
    out["missing"] = ""
    out["intro"] = ("Each strength of evidence in this report, once, with every reason the "
                    "evidence rule gave it: the design first, then each problem that lowered it "
                    "(Appendix C states the rule).")
    out["rows_table"] = make_table(frame, {"title": "Measure", "between": "Between",
                                           "label": "Strength of evidence",
                                           "why": "Why this label"},
                                   suppressed=None, caption="Every label and its reasons",
                                   classes=["breakable"])  # longer than a page: rows stay whole
    return out
