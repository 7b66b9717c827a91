"""Evidence at each level, compared with what, and planning the next cohort.

Three short sections for commissioners, in plain words: the logic model's
evidence matrix (aims × Kirkpatrick levels), the programme group's change set
beside a comparison group's, and how many people the next cohort needs.
"""

from __future__ import annotations

import pandas as pd

from evaluate.claims.evidence_displays import entry_id
from evaluate.claims.ledger import SEP
from evaluate.report.page import Page
from evaluate.report.table import make_table

__all__ = ["build_evidence", "build_comparison", "build_planning"]

_LEVEL_HEADINGS = {1: "Reaction: did they value it?", 2: "Learning: did they gain?",
                   3: "Behaviour: do they act differently?", 4: "Results: did things change?"}


def build_evidence(page: Page) -> dict:
    """Values for ``sections/evidence.html``: one row per aim, one cell per level, each entry
    rendered from its claim (:mod:`evaluate.claims.evidence_displays`)."""
    m = page.table("evidence_matrix")
    out = {"rows": [], "levels": list(_LEVEL_HEADINGS.values()),
           "missing": "The programme has no logic model yet: add one to programme.yaml to see "
                      "which aims have evidence at which level."}
    if m is None or not len(m):
        return out
    out["missing"] = ""
    claims = page.claims("evidence").set_index("claim_id")
    names = dict(m[["aim", "aim_title"]].drop_duplicates().itertuples(index=False))
    m = m.assign(_row=range(len(m)))
    for aim, block in m.groupby("aim", sort=False):
        cells = []
        for level in _LEVEL_HEADINGS:
            items = []
            for row in block.loc[block["level"] == level, "_row"]:
                cid = entry_id(aim, level, row)
                if cid not in claims.index:
                    continue
                c = claims.loc[cid]
                items.append({"what": c["title"], "result": c["text"],
                              "strength": c["level"] if c["label"] else "",
                              "strength_text": c["label"]})
            cells.append({"entries": items, "empty": "Not measured" if not items else ""})
        out["rows"].append({"aim": names.get(aim, aim), "cells": cells})
    return out


def build_comparison(page: Page) -> dict:
    """Values for ``sections/comparison.html``, rendered from the comparison claims."""
    rows = page.claims("comparison")
    out = {"intro": "", "rows_table": None, "notes": [],
           "missing": ("There was no comparison group: no group of people outside the "
                       "programme answered the same surveys, so some of the changes shown may "
                       "have happened anyway.")}
    if not len(rows):
        return out
    out["missing"] = ""
    intro = rows[rows["kind"] == "intro"]
    rows = rows[rows["kind"] != "intro"]
    kind = str(rows["compared_with"].iloc[0])
    shown = [page.figures_shown(cid) for cid in rows["claim_id"]]
    out["intro"] = intro["text"].iloc[0] if len(intro) else ""
    d = pd.DataFrame([{
        "title": title,
        "programme": f"{s.get('change_programme', '')} ({s.get('n_programme', '')} people)",
        "others": f"{s.get('change_comparison', '')} ({s.get('n_comparison', '')} people)",
        "difference": f"{s.get('did', '')} (likely between {s.get('did_ci95_low', '')} and "
                      f"{s.get('did_ci95_high', '')})",
        "sure": s.get("means", ""), "alike": s.get("started_alike", ""), "label": label}
        for title, s, label in zip(rows["title"], shown, rows["label"], strict=True)])
    w0, w1 = rows["wave_pre"].iloc[0], rows["wave_post"].iloc[0]
    out["rows_table"] = make_table(d, {"title": "Measure", "programme": "Programme group's change",
                                       "others": f"{kind.capitalize()} group's change",
                                       "difference": "Difference", "sure": "What it means",
                                       "alike": "Started alike?", "label": "Strength of evidence"},
                                   min_group_size=page.min_group_size, suppressed=None,
                                   caption=f"Change from the {page.wave(w0)} to the "
                                           f"{page.wave(w1)}, in points on each measure's scale")
    notes = list(dict.fromkeys(x for c in rows["cautions"] for x in str(c).split(SEP) if x.strip()))
    out["notes"] = notes
    return out


def build_planning(page: Page) -> dict:
    """Values for ``sections/planning.html``: only changes the evidence rule counts as evidence."""
    rows = page.claims("planning")
    out = {"intro": "", "rows_table": None, "not_planned": [],
           "missing": "No matched results yet to plan from."}
    if not len(rows):
        return out
    out["missing"] = ""
    intro = rows[rows["kind"] == "intro"]
    rows = rows[rows["kind"] != "intro"]
    planned = rows[rows["counts_as_evidence"].astype(bool)]
    out["not_planned"] = list(rows.loc[~rows["counts_as_evidence"].astype(bool), "text"])
    if not len(planned):
        out["intro"] = ("No change is yet strong enough evidence to plan the next cohort's "
                        "numbers around.")
        return out
    shown = [page.figures_shown(cid) for cid in planned["claim_id"]]
    t = pd.DataFrame([{"title": title, "seen": s.get("mean_diff", ""),
                       "people": s.get("n_completers", ""), "invite": s.get("n_invited", ""),
                       "people_half": s.get("n_completers_half", ""),
                       "invite_half": s.get("n_invited_half", "")}
                      for title, s in zip(planned["title"], shown, strict=True)])
    out["intro"] = intro["text"].iloc[0] if len(intro) else ""
    out["rows_table"] = make_table(t, {"title": "Measure", "seen": "Change seen (points)",
                                       "people": "People answering both surveys",
                                       "invite": "People to invite",
                                       "people_half": "For half that change: people answering",
                                       "invite_half": "… and to invite"},
                                   numeric={"people", "invite", "people_half", "invite_half"},
                                   suppressed=None)
    return out
