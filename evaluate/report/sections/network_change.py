"""Aim 2, continued: how sure the network change is, who links organisations, who moved
into the core.

Three blocks of the network section; their words, numbers and tables are claims of
the ledger (:mod:`evaluate.claims.network_change_displays`), drawn here:

- :func:`certainty_block`: each cohort's change in ties across organisations with the
  range it is likely to lie in and what it would be whatever the ties of the people
  who did not answer;
- :func:`roles_block`: how many people linked others across organisations, by kind of
  link, before and after (the headline: people linking two *other* organisations);
- :func:`core_block`: who moved from the edge of the network into its core, per group,
  and how far the core's own ties cross organisations.
"""

from __future__ import annotations

from evaluate.claims.network_change_displays import ROLE_WORDS, core_rows, roles_long
from evaluate.report import figures as F
from evaluate.report.page import Page

__all__ = ["ROLE_WORDS", "ROLE_AXIS", "certainty_block", "roles_block", "core_block"]

#: Each role of :data:`ROLE_WORDS`, broken into lines for the chart's axis.
ROLE_AXIS = {
    "liaison": "Linking people of<br>two other organisations",
    "representative": "Passing their organisation's<br>contacts out",
    "gatekeeper": "Bringing outside contacts<br>into their organisation",
    "itinerant": "Linking two people<br>of another organisation",
    "coordinator": "Linking colleagues<br>inside their organisation",
}


def _claimed(page: Page, claim_id: str) -> bool:
    """Whether the ledger has the claim (results stored by older code may lack it)."""
    try:
        page.claim(claim_id)
    except KeyError:
        return False
    return True


def certainty_block(page: Page) -> dict:
    """How sure the change in ties across organisations is, per cohort and for all together."""
    out = {"text": [], "table": page.claim_table("table:aim2:certainty")}
    if out["table"] is None:
        return out
    # the headline is the network claim of the ledger (the same words as the evidence card)
    claims = page.claims("overview")
    net = claims[claims["role"] == "network"]
    text = net["text"].iloc[0] if len(net) else ""
    out["text"] = [text] if text else []
    return out


def roles_block(page: Page) -> dict:
    """People linking others across organisations, by kind of link, before and after."""
    out = {"figure": None, "empty": "No results on who links people across organisations yet "
                                    "(they need the network survey at two waves).",
           "groups": None}
    cid = "chart:aim2:roles"
    g = page.table("network_brokerage_groups")
    if g is None or not _claimed(page, cid):
        return out
    g = g[(g["relation"] == "any") & (g["attribute"] == "organisation")]
    long, _, w0, w1 = roles_long(g, page)
    shown = page.figures_shown(cid)
    long["role_axis"] = long["role"].map(ROLE_AXIS)
    long["wave_label"] = long["wave"].map(page.wave)
    long["label"] = [shown.get(f"people_{r}_{w}", "")
                     for r, w in zip(long["role"], long["wave"], strict=True)]
    fig = F.grouped_bar(long, "role_axis", "people", color="wave_label",
                        color_order=[page.wave(w0), page.wave(w1)],
                        palette=[page.colours.wave(w0), page.colours.wave(w1)], text="label",
                        y_title="people", height=380)
    out["figure"] = page.figure("fig-aim2-roles", fig, claim=cid, table_claim="table:aim2:roles",
                                print_height=260)
    out["empty"] = ""
    out["groups"] = page.claim_table("table:aim2:roles_groups")
    return out


def core_block(page: Page) -> dict:
    """Who moved from the edge into the core, and how far the core's ties cross organisations."""
    out = {"figure": None, "groups": None,
           "empty": "No results on the core of the network yet (they need the network survey "
                    "at two waves)."}
    cid = "chart:aim2:core"
    groups, whole = page.table("network_core_groups"), page.table("network_core")
    if groups is None or whole is None or not _claimed(page, cid):
        return out
    g = groups[groups["relation"] == "any"]
    w = whole[(whole["relation"] == "any") & (whole["attribute"] == "organisation")]
    w0, w1 = g["wave_from"].iloc[0], g["wave_to"].iloc[0]
    d = core_rows(page, g, w)
    shown = page.figures_shown(cid)
    d["cohort_label"] = d["cohort"].map(page.cohort)
    d["wave_label"] = d["wave"].map(page.wave)
    d["label"] = [shown.get(f"core_cross_{c}_{x}", "")
                  for c, x in zip(d["cohort"], d["wave"], strict=True)]
    fig = F.grouped_bar(d, "cohort_label", "core_cross", color="wave_label",
                        color_order=[page.wave(w0), page.wave(w1)],
                        palette=[page.colours.wave(w0), page.colours.wave(w1)], text="label",
                        y_title="share of the core's ties crossing", y_format=".0%",
                        y_range=(0, 1.12), height=340)
    out["figure"] = page.figure("fig-aim2-core", fig, claim=cid, table_claim="table:aim2:core",
                                print_height=240)
    out["empty"] = ""
    out["groups"] = page.claim_table("table:aim2:core_groups")
    return out
