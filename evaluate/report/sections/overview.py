"""The overview: evidence cards per aim, the principles, and who answered."""

from __future__ import annotations

import pandas as pd

from evaluate.claims.ledger import SEP
from evaluate.claims.response_displays import CHART as RESPONSE_CHART
from evaluate.claims.response_displays import TABLE as RESPONSE_TABLE
from evaluate.claims.response_displays import rates_shown, wave_totals
from evaluate.report import figures as F
from evaluate.report.page import Page
from evaluate.report.sections.common import aims
from evaluate.report.table import make_table
from evaluate.words import strength_label

__all__ = ["build_overview", "cards", "principle_rows", "response_rate_headline"]


def _split(text) -> list[str]:
    return [x for x in str(text or "").split(SEP) if x.strip()]


def _card_claim(c) -> dict:
    return {"strength": c["level"] or "none", "strength_label": c["label"] or strength_label("none"),
            "statement": c["text"], "reasons": _split(c["reasons"]), "cautions": _split(c["cautions"])}


def cards(page: Page) -> list[dict]:
    """The evidence card of each aim, rendered from its claims: label, finding, reasons, cautions."""
    claims = page.claims("overview")
    cards = []
    for aim_id, short, full in aims(page):
        card = {"id": aim_id, "short": short, "title": full, "strength": "none",
                "strength_label": strength_label("none"), "reasons": [], "cautions": [],
                "others": [], "network": "", "network_strength": "",
                "network_strength_label": "", "network_range": "", "network_reasons": [],
                "statement": "No survey results evidence this aim yet."}
        mine = claims[claims["aim"] == aim_id]
        head = mine[mine["role"] == "headline"]
        if len(head):
            card.update(_card_claim(head.iloc[0]))
        card["others"] = [_card_claim(o) for _, o in mine[mine["role"] == "supporting"].iterrows()]
        net = mine[mine["role"] == "network"]
        if len(net):
            n = net.iloc[0]
            card.update(network=n["text"], network_strength=n["level"],
                        network_strength_label=n["label"], network_reasons=_split(n["reasons"]))
        cards.append(card)
    return cards


def principle_rows(page: Page) -> tuple[str, pd.DataFrame] | None:
    """The principles' heading and one row per principle (title, result, measures), from the claims."""
    claims = page.claims("principles")
    rows = claims[claims["kind"] == "row"]
    if not len(rows):
        return None
    heading = claims.loc[claims["kind"] == "heading", "text"]
    frame = pd.DataFrame({"principle": rows["claim_id"].str.removeprefix("principle:"),
                          "title": rows["title"], "result": rows["label"],
                          "measures": rows["text"]}).reset_index(drop=True)
    return (heading.iloc[0] if len(heading) else ""), frame


def _principles(page: Page) -> dict | None:
    found = principle_rows(page)
    if found is None:
        return None
    heading, frame = found
    t = page.table("principles")
    waves = t["wave_pre"].dropna()
    span = (f"{page.wave(waves.iloc[0])} → {page.wave(t['wave_post'].dropna().iloc[0])}"
            if len(waves) else "")
    table = make_table(frame, {"title": "Principle", "result": "Result",
                               "measures": f"Measured by (average score, {span})"},
                       suppressed=None, classes=["principles"])
    note = page.claims("principles")
    note = note.loc[note["kind"] == "note", "text"]
    return {"heading": heading, "table": table, "note": note.iloc[0] if len(note) else ""}


def response_rate_headline(page: Page, rates: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The headline over the cohorts surveyed at each wave (from the ledger), and the per-wave
    totals (:func:`evaluate.claims.response_displays.wave_totals`)."""
    try:
        title = str(page.claim(RESPONSE_CHART)["title"])
    except KeyError:
        title = "No one has answered a survey yet"
    return title, wave_totals(page.ctx, rates)


def _response_rates(page: Page):
    rates = page.table("attrition_rates")
    try:
        page.claim(RESPONSE_CHART)
    except KeyError:
        rates = None
    if rates is None or "response_rate" not in rates.columns:
        return None, "No response rates: the workspace has no roster or no responses yet."
    r = rates_shown(page.ctx, rates)
    shown = page.figures_shown(RESPONSE_CHART)
    r["label"] = [shown.get(f"share:{c}:{w}", "") for c, w in zip(r["cohort"], r["wave"], strict=True)]
    r["answered"] = [shown.get(f"answered:{c}:{w}", "") for c, w in zip(r["cohort"], r["wave"], strict=True)]
    r["on the programme"] = [shown.get(f"roster:{c}:{w}", "") for c, w in zip(r["cohort"], r["wave"], strict=True)]
    cohorts = list(dict.fromkeys(r["cohort"].astype(str)))
    labels = [page.cohort(c) for c in cohorts]
    fig = F.grouped_bar(r, "wave_label", "response_rate", color="cohort_label",
                        color_order=labels,
                        palette=[page.colours.cohort(c) for c in cohorts],
                        patterns=[page.colours.cohort_pattern(c) for c in cohorts],
                        text="label", y_title="share who answered", y_format=".0%",
                        y_range=(0, 1.15), hover=["answered", "on the programme"], height=360)
    fig_obj = page.figure("fig-response-rates", fig, claim=RESPONSE_CHART,
                          table_claim=RESPONSE_TABLE, print_height=220)
    return fig_obj, ""


def build_overview(page: Page) -> dict:
    """Values for ``sections/overview.html``."""
    programme = page.context.get("programme") or "the programme"
    figure, missing = _response_rates(page)
    comparison = page.table("comparison")
    return {
        "glossary": glossary(page),
        "programme": programme,
        "compared_with": (str(comparison["comparison_group"].iloc[0])
                          if comparison is not None and len(comparison) else ""),
        "cards": cards(page),
        "principles": _principles(page),
        "response_rates": figure,
        "response_rates_missing": missing,
    }


def glossary(page: Page) -> list[dict]:
    """The glossary's terms and definitions (one name and one meaning per quantity)."""
    return [{"term": g["title"], "definition": g["text"]}
            for _, g in page.claims("glossary").iterrows()]
