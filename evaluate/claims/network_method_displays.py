"""The network's method notes, as claims: ties set aside when read, and the E-I index table.

Claim ids: ``item:methods:network_check:COHORT:WAVE:RELATION`` (one sentence per
cohort, survey and question whose ties needed cleaning: self-ties, duplicates, names
not on the roster) and ``table:methods:ei`` (the E-I index of ties across each
boundary, any relation, per cohort and survey).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.words import integer

__all__ = ["network_method_displays"]

#: A question of the network survey in words.
_RELATION = {"any": "any question", "worked_with": "worked with",
             "advice": "goes to for advice", "knew_before": "knew before"}
#: Each kind of tie set aside: (column, one, many).
_CLEANED = (("self_ties", "self-tie ignored (a person naming themselves)",
             "self-ties ignored (people naming themselves)"),
            ("duplicate_ties", "duplicate tie merged into one", "duplicate ties merged into one"),
            ("off_roster_ties", "tie to someone not on this cohort's roster set aside",
             "ties to people not on this cohort's roster set aside"))


def _checks(led, ctx: Context, checks: pd.DataFrame) -> None:
    cols = [c for c, _, _ in _CLEANED if c in checks.columns]
    if not cols or not {"cohort", "wave"} <= set(checks.columns):
        return
    counts = checks[cols].apply(pd.to_numeric, errors="coerce").fillna(0)
    cleaned = checks[(counts > 0).any(axis=1)]
    for order, r in enumerate(cleaned.itertuples(index=False)):
        relation = str(getattr(r, "relation", "any"))
        key = f"cohort={r.cohort}; wave={r.wave}; relation={relation}"
        cid = f"item:methods:network_check:{r.cohort}:{r.wave}:{relation}"
        f = led.figures_of(cid, "network_checks", key)
        parts = []
        for col, one, many in _CLEANED:
            n = getattr(r, col, 0)
            if col in cols and n and n > 0:
                shown = f(col, n, integer(n), "ties")
                parts.append(f"{shown} {one if shown == '1' else many}")
        used = getattr(r, "ties_used", None)
        if used is not None:
            parts.append(f"{f('ties_used', used, integer(used), 'ties')} used")
        led.add(claim_id=cid, section="methods", kind="text", order=50 + order,
                title="Network data checks",
                text=(f"{ctx.cohort(r.cohort)}, {ctx.wave(r.wave)}, "
                      f"{_RELATION.get(relation, relation.replace('_', ' '))}: "
                      + "; ".join(parts) + "."),
                source_table="network_checks", source_key=key)


def _ei(led, ctx: Context, b: pd.DataFrame) -> None:
    if not {"cohort", "wave", "attribute", "ei_index"} <= set(b.columns):
        return
    if "relation" in b.columns and (b["relation"] == "any").any():
        b = b[b["relation"] == "any"]
    b = b.reset_index(drop=True)
    counts = ("ties", "group_pairs_connected", "group_pairs")
    f = led.figures_of("table:methods:ei", "network_boundary", "the E-I index's range")
    lowest, highest = f("ei_min", -1, "−1", "E-I index"), f("ei_max", 1, "1", "E-I index")
    add_table(led, "table:methods:ei", section="methods", order=85,
              frame=b.assign(cohort_label=b["cohort"].map(ctx.cohort),
                             wave_label=b["wave"].map(ctx.wave)),
              source_table="network_boundary", key=["cohort", "wave", "relation", "attribute"],
              caption=(f"E-I index of ties across boundaries, per cohort ({lowest}: all ties "
                       f"within groups; +{highest}: all ties across them)"),
              columns={"cohort_label": "Cohort", "attribute": "Boundary", "wave_label": "Wave",
                       "ties": "Ties", "ei_index": "E-I index", "new_ei_index": "E-I of new ties",
                       "group_pairs_connected": "Pairs of groups joined by a tie",
                       "group_pairs": "Pairs of groups"},
              formats={c: integer for c in counts},
              units={"ties": "ties", "group_pairs_connected": "pairs of groups",
                     "group_pairs": "pairs of groups", "ei_index": "E-I index",
                     "new_ei_index": "E-I index"},
              sources={"cohort_label": ("network_boundary", "cohort"),
                       "wave_label": ("network_boundary", "wave")})


def network_method_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The network data checks and the E-I table."""
    ctx = Context(results, context)
    checks = ctx.table("network_checks")
    if checks is not None:
        _checks(led, ctx, checks)
    boundary = ctx.table("network_boundary")
    if boundary is not None:
        _ei(led, ctx, boundary)
