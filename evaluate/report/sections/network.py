"""Aim 2 (network and trust): what people said, who is connected to whom, ties across
boundaries, and how the network grew.

Every count of ties on the page is the same count: ties *named* (one person naming
another; two people who name each other are two ties) between people on the
programme's list, any relation. The pictures draw one line per pair of people and
relation, and say so.

The words, numbers and tables are claims of the ledger
(:mod:`evaluate.claims.network_displays`); this module draws the charts and puts
each claim in its place.
"""

from __future__ import annotations

import pandas as pd

from evaluate.claims.ledger import SEP
from evaluate.claims.network_displays import boundary_shares
from evaluate.report import figures as F
from evaluate.report import network_figures as NF
from evaluate.report.page import Page
from evaluate.report.sections.aims import aim_full_title
from evaluate.report.sections.common import aim, safe_id
from evaluate.report.sections.network_change import (
    _claimed,
    certainty_block,
    core_block,
    roles_block,
)
from evaluate.report.sections.survey import scale_evidence
from evaluate.words import join_words

__all__ = ["build_aim2"]


def _pictures(page: Page) -> tuple[list, str]:
    nodes = page.table("network_layout_nodes")
    edges = page.results.get("network_layout_edges") if page.results else None
    if nodes is None or not isinstance(edges, pd.DataFrame):
        checks = page.table("network_checks")
        msg = ("No network survey results yet: import the network survey at two waves to see "
               "how the cohort's ties grew.")
        if checks is not None and "message" in checks.columns:
            extra = [m for m in checks["message"].astype(str) if m and m != "nan"]
            if extra:
                msg += " " + extra[0]
        return [], msg
    attributes = [a for a in ("sector", "organisation", "place") if a in nodes.columns]
    for a in attributes:  # one colour per group across every cohort's picture
        page.colours.add_groups(a, nodes[a].astype(object).where(nodes[a].notna(), "unknown"))
    cohorts = ([c for c in page.cohort_order() if c in set(nodes["cohort"].astype(str))]
               + sorted(set(nodes["cohort"].astype(str)) - set(page.cohort_order()))
               if "cohort" in nodes.columns else [""])
    figures = []
    for cohort in cohorts:
        n = nodes[nodes["cohort"].astype(str) == cohort] if cohort else nodes
        e = (edges[edges["cohort"].astype(str) == cohort]
             if cohort and "cohort" in edges.columns else edges)
        waves = page.sorted_waves(n["wave"])
        if len(waves) > 2:
            waves = [waves[0], waves[-1]]
        cid = f"chart:aim2:network:{cohort}" if cohort else "chart:aim2:network"
        claimed = _claimed(page, cid)
        shown = page.figures_shown(cid) if claimed else {}
        share = NF.network_line_share(e, waves)
        fig = NF.network_pictures(
            n, e, waves=waves, colour_by=attributes or ("sector",), line_share=share,
            wave_titles=[f"{page.wave(w)}: {shown[f'ties_{w}']} ties" if f"ties_{w}" in shown
                         else page.wave(w) for w in waves],
            wave_names=[page.wave(w) for w in waves], colours=page.colours)
        fid = "fig-aim2-network-" + safe_id(cohort) if cohort else "fig-aim2-network"
        figures.append(page.figure(
            fid, fig, claim=cid if claimed else "", table_claim=cid.replace("chart:", "table:"),
            print_height=265,
            print_layout={"legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0,
                                     "yanchor": "top", "font": {"size": 9}},
                          "margin": {"l": 10, "r": 10, "t": 30, "b": 10}},
            screen_note="The “Ties shown” buttons above the picture show or hide each kind of "
                        "tie."))
    return figures, ""


def _boundary(page: Page):
    b = page.table("network_boundary")
    cid = "chart:aim2:boundary"
    if b is None or not _claimed(page, cid):
        return None, ("No results on ties across boundaries yet (they need the network survey "
                      "and a list of participants with organisation, sector or place).")
    b = b[b["relation"] == "any"] if (b["relation"] == "any").any() else b
    waves = page.sorted_waves(b["wave"])
    shown = page.figures_shown(cid)
    pooled = boundary_shares(page, b)
    pooled["wave_label"] = pooled["wave"].map(page.wave)
    pooled["label"] = [shown.get(f"share_{a}_{w}", "")
                       for a, w in zip(pooled["attribute"], pooled["wave"], strict=True)]
    pooled = pooled.rename(columns={"external_ties": "ties crossing", "ties": "ties named"})
    fig = F.grouped_bar(pooled, "boundary", "share_external", color="wave_label",
                        color_order=[page.wave(w) for w in waves],
                        palette=[page.colours.wave(w) for w in waves], text="label",
                        y_title="share of ties crossing", y_format=".0%",
                        y_range=(0, 1.12), hover=["ties crossing", "ties named"], height=380)
    return page.figure("fig-aim2-boundary", fig, claim=cid, table_claim="table:aim2:boundary",
                       print_height=230), ""


def _growth(page: Page) -> dict:
    if page.table("network_growth") is None or not _claimed(page, "table:aim2:growth"):
        return {"empty": "No network growth results yet: the network survey is needed at two "
                         "waves."}
    text = (page.claim("text:aim2:growth")["text"].split(SEP)
            if _claimed(page, "text:aim2:growth") else [])
    return {"table": page.claim_table("table:aim2:growth"), "text": text,
            "detail": page.claim_table("table:aim2:growth_relation"), "empty": ""}


def build_aim2(page: Page) -> dict:
    """Values for ``sections/aim2.html``."""
    aim_id, short, _ = aim(page, "aim2")
    pictures, pictures_empty = _pictures(page)
    boundary, boundary_empty = _boundary(page)
    return {
        "aim_title": aim_full_title(page, aim_id),
        "evidence": scale_evidence(page, aim_id, short),
        "pictures": pictures,
        "pictures_empty": pictures_empty,
        "boundary": boundary,
        "boundary_empty": boundary_empty,
        "growth": _growth(page),
        "certainty": certainty_block(page),
        "roles": roles_block(page),
        "core": core_block(page),
        "cohorts_named": join_words(page.cohort(c) for c in page.cohort_order()),
    }
