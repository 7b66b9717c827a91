"""The overview: evidence cards per aim, the principles, and who answered."""

from __future__ import annotations

import pandas as pd

from evaluate.claims.ledger import SEP
from evaluate.report import figures as F
from evaluate.report.format import integer, pct
from evaluate.report.page import Page
from evaluate.report.sections.common import aims
from evaluate.report.table import make_table
from evaluate.words import join_words, strength_label

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
    """The headline over the cohorts surveyed at each wave, and the per-wave totals.

    A cohort that has not answered a wave yet is left out of that wave's rate,
    so one surveyed cohort is not diluted by another still to come.
    """
    r = rates[rates["cohort"].astype(str) != "all"]
    if not len(r):
        r = rates
    surveyed = r[r["n_responded"].fillna(0) > 0]
    totals = (surveyed.groupby("wave", sort=False)
              .agg(n_roster=("n_roster", "sum"), n_responded=("n_responded", "sum"),
                   cohorts=("cohort", lambda s: tuple(sorted(map(str, s))))).reset_index())
    totals["response_rate"] = totals["n_responded"] / totals["n_roster"].where(totals["n_roster"] > 0)
    order = page.sorted_waves(totals["wave"])
    totals = totals.set_index("wave").loc[order].reset_index()
    all_cohorts = tuple(sorted({c for cs in totals["cohorts"] for c in cs}))
    n_people = r[r["cohort"].astype(str).isin(all_cohorts)].groupby("cohort")["n_roster"].max().sum()
    parts = []
    for t in totals.iloc[1:].itertuples(index=False):
        only = (f" ({page.cohorts_phrase(t.cohorts)} only, the others not surveyed yet)"
                if t.cohorts != all_cohorts else "")
        parts.append(f"{pct(t.response_rate)} at {page.the_wave(t.wave)}{only}")
    who = (f"the {integer(n_people)} people in {page.cohorts_phrase(all_cohorts)}"
           if len(all_cohorts) > 1 else f"the {integer(n_people)} people in "
           f"{page.cohorts_phrase(all_cohorts)}")
    if parts:
        title = f"Of {who}, {join_words(parts[:4])} answered"
    elif len(totals):
        title = f"Of {who}, {pct(totals['response_rate'].iloc[0])} answered at {page.the_wave(totals['wave'].iloc[0])}"
    else:
        title = "No one has answered a survey yet"
    return title, totals


def _response_rates(page: Page):
    rates = page.table("attrition_rates")
    if rates is None or "response_rate" not in rates.columns:
        return None, "No response rates: the workspace has no roster or no responses yet."
    title, totals = response_rate_headline(page, rates)
    r = rates[rates["cohort"].astype(str) != "all"].copy()
    if not len(r):
        r = rates.copy()
    r = r[r["n_responded"].fillna(0) > 0]
    order = page.sorted_waves(r["wave"])
    cohorts = [c for c in page.cohort_order() if c in set(r["cohort"].astype(str))]
    cohorts += sorted(set(r["cohort"].astype(str)) - set(cohorts))
    r = r.assign(_w=r["wave"].map({w: i for i, w in enumerate(order)}),
                 _c=r["cohort"].astype(str).map({c: i for i, c in enumerate(cohorts)}))
    r = r.sort_values(["_w", "_c"], kind="stable")
    r["wave_label"] = r["wave"].map(page.wave)
    r["cohort_label"] = r["cohort"].map(page.cohort)
    r["label"] = r["response_rate"].map(pct)
    r["answered"] = r["n_responded"].map(integer)
    r["on the programme"] = r["n_roster"].map(integer)
    labels = [page.cohort(c) for c in cohorts]
    fig = F.grouped_bar(r, "wave_label", "response_rate", color="cohort_label",
                        color_order=labels,
                        palette=[page.colours.cohort(c) for c in cohorts],
                        patterns=[page.colours.cohort_pattern(c) for c in cohorts],
                        text="label", y_title="share who answered", y_format=".0%",
                        y_range=(0, 1.15), hover=["answered", "on the programme"], height=360)
    table = make_table(r, {
        "cohort_label": "Cohort", "wave_label": "Survey", "n_roster": "On the programme",
        "n_responded": "Answered", "response_rate": "Share who answered",
        "n_retained": "Also answered the first survey", "retention_rate": "Share still answering"},
        {"response_rate": pct, "retention_rate": pct, "n_roster": integer,
         "n_responded": integer, "n_retained": integer},
        numeric={"n_roster", "n_responded", "response_rate", "n_retained", "retention_rate"})
    summary = "; ".join(
        f"{page.wave(w)}: " + ", ".join(f"{page.cohort(x.cohort)} {pct(x.response_rate)} "
                                        f"({integer(x.n_responded)} of {integer(x.n_roster)})"
                                        for x in block.itertuples(index=False))
        for w, block in r.groupby("wave", sort=False)) + "."
    not_yet = [w for w in page.sorted_waves(rates["wave"]) if w not in set(r["wave"])]
    note = ("Each bar is the share of a cohort's people who answered that survey. Cohorts not "
            "surveyed yet at a wave have no bar.")
    if not_yet:
        note += f" Not surveyed yet: {join_words(page.the_wave(w) for w in not_yet)}."
    fig_obj = page.figure("fig-response-rates", fig, title=title, summary=summary, table=table,
                          note=note, print_height=220)
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
