"""Evidence at each level: each entry of the logic model's evidence matrix, as a claim.

One claim per entry of the ``evidence_matrix`` table (an aim's measure at a
Kirkpatrick level), ``evidence:AIM:LEVEL:ROW`` (``ROW`` its row in that
table): ``title`` the measure (or the planned indicator), ``text`` its result
in words (:func:`evaluate.logic.measure_result`, every number a figure with
its source row), ``level`` and ``label`` the strength of evidence shown beside
it ("moderate evidence"). A survey scale's strength is the evidence rule's
label for the same scale and waves (its ``survey:…`` claim), so the matrix
and the evidence cards never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.ledger import SEP
from evaluate.logic import Fig, Wave, measure_result, result_text

__all__ = ["evidence_displays", "entry_id", "STRENGTH_WORDS"]

#: The strength of evidence as the matrix says it.
STRENGTH_WORDS = {"strong": "strong evidence", "moderate": "moderate evidence",
                  "limited": "limited evidence", "weak": "weak evidence",
                  "none": "not enough data"}
_NEEDED = {"aim", "level", "measure", "status", "strength"}


def entry_id(aim, level, row: int) -> str:
    return f"evidence:{aim}:{int(level)}:{int(row)}"


def _rule_verdict(led, parts, measure: str) -> dict:
    """The evidence rule's level, downgrades and reasons for a scale's result (its survey
    claim); empty when there is none."""
    kind, _, scale = measure.partition(":")
    waves = [p.id for p in parts if isinstance(p, Wave)]
    if kind != "scale" or len(waves) < 2:
        return {}
    cid = f"survey:{scale}:{waves[0]}:{waves[1]}"
    for c in led.claims:
        if c.get("claim_id") == cid:
            return {"level": str(c.get("level") or ""), "downgrades": c.get("downgrades") or "",
                    "reasons": c.get("reasons") or ""}
    return {}


def evidence_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The evidence matrix's entries (skipped without a logic model)."""
    ctx = Context(results, context)
    m = ctx.table("evidence_matrix")
    if m is None or not set(m.columns) >= _NEEDED:
        return
    for row, r in enumerate(m.to_dict("records")):
        cid = entry_id(r["aim"], r["level"], row)
        if r["status"] == "measured":
            got = measure_result(r["measure"], results)
            if got is None:
                continue
            title, parts = got.title, got.parts
            rule = _rule_verdict(led, parts, str(r["measure"]))
            strength = rule.get("level") or str(got.strength or "")
            downgrades, reasons = ((rule["downgrades"], rule["reasons"]) if rule else
                                   (got.downgrades, SEP.join(got.reasons)))
            waves = [p.id for p in parts if isinstance(p, Wave)]
            for p in parts:
                if isinstance(p, Fig):
                    led.fig(cid, p.name, p.value, p.shown, p.unit, source_table=p.table,
                            source_key=p.key)
            text = result_text(parts, ctx.wave).replace(" → ", " to the ")
            words = STRENGTH_WORDS.get(strength, "")
            led.add(claim_id=cid, section="evidence", kind="row", aim=str(r["aim"]),
                    measure=str(r["measure"]), order=row, title=str(title), text=text,
                    level=strength if words else "", label=words,
                    downgrades=downgrades if words else "", reasons=reasons if words else "",
                    wave_pre=waves[0] if len(waves) > 1 else "",
                    wave_post=waves[-1] if len(waves) > 1 else "",
                    source_table="evidence_matrix",
                    source_key=f"aim={r['aim']}; level={r['level']}; measure={r['measure']}")
        elif r["status"] in ("not asked", "asked, no results yet") and str(r.get("indicator_title") or ""):
            led.add(claim_id=cid, section="evidence", kind="row", aim=str(r["aim"]),
                    measure=str(r["measure"]), order=row, title=str(r["indicator_title"]),
                    text=("planned, but no survey asks it yet" if r["status"] == "not asked"
                          else "no results yet"),
                    source_table="evidence_matrix",
                    source_key=f"aim={r['aim']}; level={r['level']}; indicator={r.get('indicator', '')}")
