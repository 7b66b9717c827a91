"""Evidence at each level, compared with what, and planning the next cohort.

Three short sections for commissioners, in plain words: the logic model's
evidence matrix (aims × Kirkpatrick levels), the programme group's change set
beside a comparison group's, and how many people the next cohort needs.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report.format import num
from evaluate.report.page import Page
from evaluate.report.table import make_table
from evaluate.words import count, is_missing

__all__ = ["build_evidence", "build_comparison", "build_planning"]

_LEVEL_HEADINGS = {1: "Reaction: did they value it?", 2: "Learning: did they gain?",
                   3: "Behaviour: do they act differently?", 4: "Results: did things change?"}
_STRENGTH_WORDS = {"strong": "strong evidence", "moderate": "moderate evidence",
                   "limited": "limited evidence", "weak": "weak evidence",
                   "none": "not enough data"}


def _plain_result(row) -> str:
    """The matrix's result in plain words (no wave ids, no arrows)."""
    text = str(row["result"])
    for wave in ("follow_up", "baseline", "end"):
        text = text.replace(wave, Page.wave(wave))
    return text.replace(" → ", " to the ")


def build_evidence(page: Page) -> dict:
    """Values for ``sections/evidence.html``: one row per aim, one cell per level."""
    m = page.table("evidence_matrix")
    out = {"rows": [], "levels": list(_LEVEL_HEADINGS.values()),
           "missing": "The programme has no logic model yet: add one to programme.yaml to see "
                      "which aims have evidence at which level."}
    if m is None or not len(m):
        return out
    out["missing"] = ""
    names = {}
    for aim, title in m[["aim", "aim_title"]].drop_duplicates().itertuples(index=False):
        names[aim] = title
    for aim, block in m.groupby("aim", sort=False):
        cells = []
        for level in _LEVEL_HEADINGS:
            part = block[block["level"] == level]
            items = []
            for r in part.itertuples(index=False):
                if r.status == "measured":
                    strength = _STRENGTH_WORDS.get(str(r.strength), "")
                    items.append({"what": r.measure_title,
                                  "result": _plain_result(r._asdict()),
                                  "strength": str(r.strength) if strength else "",
                                  "strength_text": strength})
                elif r.status in ("not asked", "asked, no results yet") and r.indicator_title:
                    items.append({"what": r.indicator_title,
                                  "result": ("planned, but no survey asks it yet"
                                             if r.status == "not asked" else "no results yet"),
                                  "strength": "", "strength_text": ""})
            cells.append({"entries": items, "empty": "Not measured" if not items else ""})
        out["rows"].append({"aim": names.get(aim, aim), "cells": cells})
    return out


def build_comparison(page: Page) -> dict:
    """Values for ``sections/comparison.html``."""
    c = page.table("comparison")
    out = {"intro": "", "rows_table": None, "notes": [],
           "missing": ("There was no comparison group: no group of people outside the "
                       "programme answered the same surveys, so some of the changes shown may "
                       "have happened anyway.")}
    if c is None or not len(c):
        return out
    out["missing"] = ""
    kind = str(c["comparison_group"].iloc[0])
    shown = c[~c["suppressed"].astype(bool)]
    first = shown[shown["wave_post"] == "end"] if (shown["wave_post"] == "end").any() else shown
    n_c = int(first["n_comparison"].max()) if len(first) else 0
    out["intro"] = (f"A {kind} group of {count(n_c, 'person', 'people')} who were not on the "
                    "programme answered the same surveys at the same times. Each measure's "
                    "change in the programme group is set beside theirs: the difference is the "
                    "part of the change the programme most likely made.")
    d = first.copy()
    d["programme"] = d["change_programme"].map(lambda v: _signed(v))
    d["others"] = d["change_comparison"].map(lambda v: _signed(v))
    d["difference"] = [f"{_signed(v)} (likely between {num(lo, 2)} and {num(hi, 2)})"
                       for v, lo, hi in zip(d["did"], d["did_ci95_low"], d["did_ci95_high"],
                                            strict=True)]
    d["sure"] = [("the programme group gained more" if lo > 0 else
                  "the programme group gained less" if hi < 0 else "could be chance")
                 for lo, hi in zip(d["did_ci95_low"], d["did_ci95_high"], strict=True)]
    d["alike"] = d["baseline_check"].map({"alike": "yes", "a small difference, allowed for":
                                          "nearly (allowed for)", "not alike": "no"})
    out["rows_table"] = make_table(d, {"title": "Measure", "programme": "Programme group's change",
                                  "others": f"{kind.capitalize()} group's change",
                                  "difference": "Difference", "sure": "What it means",
                                  "alike": "Started alike?"},
                              min_group_size=page.min_group_size,
                              caption=f"Change from the {page.wave(d['wave_pre'].iloc[0])} to "
                                      f"the {page.wave(d['wave_post'].iloc[0])}, in points on "
                                      "each measure's scale" if len(d) else None)
    out["notes"] = ["People were not put into the two groups at random, so other differences "
                    "between them may explain part of a difference."]
    if (shown["baseline_check"] == "not alike").any():
        out["notes"].append("Where the groups did not start alike, read the difference with "
                            "more care.")
    return out


def _signed(v) -> str:
    if is_missing(v):
        return ""
    return ("+" if v > 0 else "−" if v < 0 else "") + num(abs(v), 2)


def _pick(block: pd.DataFrame, target: str, power: float):
    r = block[(block["target"] == target) & (block["power"] == power)]
    return r.iloc[0] if len(r) else None


def build_planning(page: Page) -> dict:
    """Values for ``sections/planning.html``."""
    p = page.table("planning")
    out = {"intro": "", "rows_table": None, "missing": "No matched results yet to plan from."}
    if p is None or not len(p):
        return out
    out["missing"] = ""
    end = p[p["wave_post"] == "end"] if (p["wave_post"] == "end").any() else p
    rows = []
    for (_, title), block in end.groupby(["measure", "title"], sort=False):
        full = _pick(block, "observed change", 0.8)
        half = _pick(block, "half the observed change", 0.8)
        if full is None or is_missing(full["n_completers"]):
            continue
        rows.append({"title": title, "seen": _signed(full["mean_diff"]),
                     "people": int(full["n_completers"]),
                     "invite": "" if is_missing(full["n_invited"]) else int(full["n_invited"]),
                     "people_half": "" if half is None else int(half["n_completers"]),
                     "invite_half": "" if half is None or is_missing(half["n_invited"])
                     else int(half["n_invited"])})
    if not rows:
        return out
    t = pd.DataFrame(rows)
    rate = end["completion_rate"].dropna()
    share = f"{rate.median():.0%}" if len(rate) else "some"
    out["intro"] = ("How many people the next cohort needs for its surveys to show a change like "
                    f"this one 8 times in 10. This time about {share} of those invited answered "
                    "both the first and the end survey, so more must be invited than are needed; "
                    "a smaller change needs many more people. The tables workbook has the "
                    "numbers for 9 times in 10.")
    out["rows_table"] = make_table(t, {"title": "Measure", "seen": "Change seen (points)",
                                  "people": "People answering both surveys",
                                  "invite": "People to invite",
                                  "people_half": "For half that change: people answering",
                                  "invite_half": "… and to invite"},
                              numeric={"people", "invite", "people_half", "invite_half"})
    return out
