"""Reliability, as claims: which scales' questions hung together poorly, and the full table.

A scale's alpha counts as under 0.70 when it *prints* under 0.70 (an alpha of
0.698 prints 0.70 and is not listed), as in the evidence rule; the table's notes
follow the same reading, so the sentence and the table cannot disagree.
Claim ids: ``text:methods:reliability`` and ``table:methods:reliability``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.words import integer, is_missing, join_words, num, rounded

__all__ = ["reliability_displays", "ALPHA_STANDARD", "alpha_under_standard"]

#: Cronbach's alpha under this (as printed, two decimals) is flagged.
ALPHA_STANDARD = 0.70
_KEY = ["instrument", "wave", "scale"]
_NEEDED = {"instrument", "wave", "scale", "title", "n_items", "n", "alpha"}


def alpha_under_standard(alpha: pd.Series) -> pd.Series:
    """Whether each alpha prints under 0.70 (missing alphas are not under it).

    >>> alpha_under_standard(pd.Series([0.698, 0.694, None])).tolist()
    [False, True, False]
    """
    return alpha.map(lambda a: not is_missing(a) and rounded(a, 2) < ALPHA_STANDARD).astype(bool)


def _note(r, low: bool) -> str:
    """The row's note in plain words: why alpha or omega is missing or flagged."""
    parts = []
    for part in (p.strip() for p in str(r.note if not is_missing(r.note) else "").split(";")):
        if not part or part.startswith(("alpha below", "omega moved from")):
            continue  # worded below from the table's own columns
        if part.startswith("one-item scale"):
            part = "one question only: alpha needs two or more"
        elif part.startswith("only ") and "alpha" in part:
            part = "too few complete answers for alpha (it needs three or more)"
        elif part.startswith("only ") and "omega" in part:
            part = "too few complete answers for omega"
        elif "-item scale: omega" in part:
            part = "two questions: no omega (its model needs three or more)"
        parts.append(part)
    if low:
        parts.insert(0, "alpha under 0.70: the questions may not measure one thing well")
    if bool(getattr(r, "reliability_shift", False)):
        parts.append("omega moved by 0.10 or more since the first survey: the scale may be "
                     "read differently now")
    return "; ".join(parts)


def reliability_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The sentence listing scales under 0.70, and the reliability table."""
    ctx = Context(results, context)
    rel = ctx.table_with("reliability", _NEEDED)
    if rel is None:
        return
    low = alpha_under_standard(rel["alpha"])
    cid = "text:methods:reliability"
    f = led.figures_of(cid, "reliability", "every scale and wave")
    k = f("scales_under", int(low.sum()), integer(int(low.sum())), "scale × wave results")
    of = f("scales", len(rel), integer(len(rel)), "scale × wave results")
    standard = f("standard", ALPHA_STANDARD, num(ALPHA_STANDARD), "alpha",
                 key="the standard the evidence rule uses")
    listed = []
    for r in rel[low].itertuples(index=False):
        key = f"instrument={r.instrument}; wave={r.wave}; scale={r.scale}"
        listed.append(f"{r.title} ({ctx.wave(r.wave)}, "
                      f"{f('alpha', r.alpha, num(r.alpha), 'alpha', key=key, n=r.n)})")
    text = (f"{k} of the {of} scale results (one per scale and survey) have questions that hung "
            f"together less well than the usual standard, Cronbach's alpha under {standard} "
            "as printed" + (": " + join_words(listed) if listed else "") + ".")
    led.add(claim_id=cid, section="methods", kind="text", order=60, title="Reliability",
            text=text, source_table="reliability", source_key="every scale and wave")
    shown = rel.assign(wave_label=rel["wave"].map(ctx.wave),
                       note_words=[_note(r, bool(x)) for r, x in
                                   zip(rel.itertuples(index=False), low, strict=True)])
    if "omega_n_boot_used" in shown.columns:  # no interval, no resamples to count
        used = pd.to_numeric(shown["omega_n_boot_used"], errors="coerce")
        no_ci = (shown["omega_ci95_low"].isna() if "omega_ci95_low" in shown.columns
                 else pd.Series(True, index=shown.index))
        shown["omega_n_boot_used"] = used.where(~no_ci & (used > 0), np.nan).astype("Float64")
    integers = {"n_items": integer, "n": integer, "omega_n_boot_used": integer}
    add_table(led, "table:methods:reliability", section="methods", order=61, frame=shown,
              source_table="reliability", key=_KEY,
              caption="Cronbach's alpha and McDonald's omega per scale and survey",
              columns={"wave_label": "Wave", "title": "Scale",
                       "n_items": "Questions", "n": "People", "alpha": "Alpha",
                       "alpha_ci95_low": "Alpha 95% CI from", "alpha_ci95_high": "Alpha 95% CI to",
                       "omega_total": "Omega total",
                       "omega_ci95_low": "Omega 95% CI from", "omega_ci95_high": "Omega 95% CI to",
                       "omega_n_boot_used": "Omega CI: resamples used",
                       "note_words": "Note"},
              formats=integers,
              units={"n_items": "questions", "n": "people", "omega_n_boot_used": "resamples",
                     **{c: "alpha" for c in ("alpha", "alpha_ci95_low", "alpha_ci95_high")},
                     **{c: "omega" for c in ("omega_total", "omega_ci95_low", "omega_ci95_high")}},
              sources={"wave_label": ("reliability", "wave"),
                       "note_words": ("reliability", "note, alpha, reliability_shift")})
