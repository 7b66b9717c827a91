"""The overview: evidence cards per aim, the principles, and who answered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.report import figures as F
from evaluate.report.format import integer, num, pct
from evaluate.report.page import Page
from evaluate.report.sections.common import aims, plain_caution, plain_reason, split_sentences
from evaluate.report.table import make_table
from evaluate.words import (
    certainty_phrase,
    change_phrase,
    count,
    direction_word,
    is_missing,
    join_words,
    share_of,
    strength_label,
)

__all__ = ["build_overview", "cards", "card_statement", "principle_rows", "network_headline",
           "network_evidence", "response_rate_headline"]


def _scale_max(page: Page, scale: str, wave_pre: str, wave_post: str) -> float:
    prepost = page.table("prepost")
    if prepost is None or "scale_max" not in prepost.columns:
        return np.nan
    rows = prepost[(prepost["measure"] == scale) & (prepost["wave_pre"] == wave_pre)
                   & (prepost["wave_post"] == wave_post)]
    return float(rows["scale_max"].iloc[0]) if len(rows) else np.nan


def card_statement(page: Page, row) -> str:
    """One headline result in plain words, from the numbers (never from jargon).

    "System leadership rose from 2.9 to 3.5 out of 5 between the baseline and the end:
    a large rise, and we can be confident it is real (62 people answered both surveys)."
    """
    title = str(row["scale_title"] or row["scale"])
    n = row["n_pairs"]
    if not str(row.get("scale") or ""):
        return str(row["statement"])
    w0, w1 = page.wave(row["wave_pre"]), page.wave(row["wave_post"])
    if is_missing(n) or int(n) < 3 or is_missing(row["g_av"]):
        return (f"Too few people answered both the {w0} and the {w1} surveys to say whether "
                f"{title} changed.")
    top = _scale_max(page, row["scale"], row["wave_pre"], row["wave_post"])
    out_of = f" out of {num(top, 0)}" if not is_missing(top) else ""
    diff = float(row["mean_post"]) - float(row["mean_pre"])
    verb = direction_word(diff, up="rose", down="fell", same="stayed")
    people = f"({count(n, 'person', 'people')} answered both surveys)"
    if num(row["mean_pre"], 1) == num(row["mean_post"], 1):
        return (f"{title} stayed at {num(row['mean_pre'], 1)}{out_of} between the {w0} and the "
                f"{w1} {people}.")
    phrase = change_phrase(diff, row["g_av"], row["p_adj"], row["g_av_ci95_low"],
                           row["g_av_ci95_high"])
    sure = certainty_phrase(row["p_adj"], row["g_av_ci95_low"], row["g_av_ci95_high"], n=n)
    start = (f"{title} {verb} from {num(row['mean_pre'], 1)} to {num(row['mean_post'], 1)}"
             f"{out_of} between the {w0} and the {w1}")
    if phrase == "no clear change":
        return f"{start}, but a change this size could be chance {people}." + _versus(row)
    return f"{start}: {phrase}, and {sure} {people}." + _versus(row)


def _versus(row) -> str:
    """The comparison group's part of a card, in plain words (empty without one)."""
    kind = str(row.get("compared_with") or "")
    if not kind or is_missing(row.get("did")):
        return ""
    lo, hi = row.get("did_ci95_low"), row.get("did_ci95_high")
    way = "more" if row["did"] > 0 else "less"
    text = (f" Compared with a {kind} group who were not on the programme, it changed "
            f"{num(abs(row['did']), 2)} points {way}")
    if is_missing(lo) or is_missing(hi):
        return text + "."
    if lo > 0 or hi < 0:
        return text + f" (likely between {num(lo, 2)} and {num(hi, 2)})."
    return text + f", but that difference could be chance (likely between {num(lo, 2)} and {num(hi, 2)})."


def network_headline(page: Page) -> tuple[str, dict] | None:
    """The share of ties crossing organisations, first and last wave, all cohorts together."""
    boundary = page.table("network_boundary")
    need = {"attribute", "relation", "wave", "ties", "external_ties"}
    if boundary is None or not need <= set(boundary.columns):
        return None
    b = boundary[(boundary["relation"] == "any") & (boundary["attribute"] == "organisation")]
    if not len(b):
        return None
    pooled = b.groupby("wave", sort=False)[["ties", "external_ties"]].sum()
    waves = page.sorted_waves(pooled.index)
    if len(waves) < 2:
        return None
    w0, w1 = waves[0], waves[-1]
    t0, t1 = pooled.loc[w0, "ties"], pooled.loc[w1, "ties"]
    s0 = pooled.loc[w0, "external_ties"] / t0 if t0 else np.nan
    s1 = pooled.loc[w1, "external_ties"] / t1 if t1 else np.nan
    verb = direction_word(s1 - s0, up="rose", down="fell", same="stayed the same")
    text = (f"In the network survey, the share of ties that cross organisations {verb} from "
            f"{pct(s0)} at the {page.wave(w0)} to {pct(s1)} at the {page.wave(w1)} "
            f"({integer(t0)} ties named, then {integer(t1)}).")
    return text, {"ties_first": int(t0), "ties_last": int(t1), "wave_first": w0, "wave_last": w1}


def network_evidence(page: Page) -> dict:
    """The network headline's strength label, reasons and likely range (empty without them).

    Uses the change in the share of ties crossing organisations among the people who
    answered the network survey both times, every cohort together; labelled by the
    same rule as the survey evidence (:func:`evaluate.words.evidence_strength`).
    """
    ev = page.table("network_evidence")
    if ev is None:
        return {}
    e = ev[(ev["relation"] == "any") & (ev["attribute"] == "organisation")
           & (ev["measure"] == "share_external_change")]
    if "cohort" in e.columns and (e["cohort"].astype(str) == "all").any():
        e = e[e["cohort"].astype(str) == "all"]
    if len(e) != 1:
        return {}
    r = e.iloc[0]
    strength = str(r["evidence_strength"] or "none")
    text = ""
    if not is_missing(r["ci95_low"]):
        way = direction_word(r["estimate"], up="rose", down="fell", same="did not change")
        size = f" by {num(abs(r['estimate']) * 100, 0)} percentage points" if way != "did not change" else ""
        text = (f"Among the {integer(r['people'])} people who answered it both times, the "
                f"share {way}{size}; likely between {num(r['ci95_low'] * 100, 0)} and "
                f"{num(r['ci95_high'] * 100, 0)} points"
                + (", so the change is real." if r["clear"] else ", so it could be chance."))
    return {"network_strength": strength, "network_strength_label": strength_label(strength),
            "network_range": text,
            "network_reasons": [plain_reason(x) for x in str(r["evidence_reasons"]).split(";")
                                if x.strip()]}


def _headline_rows(page: Page, statements: pd.DataFrame, aim_id: str) -> pd.DataFrame:
    rows = statements[statements["aim"].astype(str) == aim_id]
    if not len(rows):
        return rows
    order = page.wave_order(rows["wave_post"])
    rank = rows["wave_post"].map(lambda w: order.index(w) if w in order else 999)
    return rows.assign(_o=rank).sort_values("_o", kind="stable").drop(columns="_o")


def cards(page: Page) -> list[dict]:
    """The evidence card of each aim: label, statement in words, reasons, cautions."""
    statements = page.table("statements")
    cards = []
    for aim_id, short, full in aims(page):
        card = {"id": aim_id, "short": short, "title": full, "strength": "none",
                "strength_label": strength_label("none"), "reasons": [], "cautions": [],
                "others": [], "network": "", "network_strength": "",
                "network_strength_label": "", "network_range": "", "network_reasons": [],
                "statement": "No survey results evidence this aim yet."}
        rows = _headline_rows(page, statements, aim_id) if statements is not None else None
        if rows is not None and len(rows):
            top = rows.iloc[0]
            strength = str(top.get("evidence_strength") or "none")
            card.update(strength=strength, strength_label=strength_label(strength),
                        statement=card_statement(page, top))
            card["reasons"] = [plain_reason(r) for r in str(top.get("evidence_reasons") or "")
                               .split(";") if r.strip()]
            card["cautions"] = [plain_caution(c) for c in split_sentences(top.get("cautions"))]
            others = rows.iloc[1:]
            others = others[others["wave_post"] == top["wave_post"]] if len(others) else others
            card["others"] = [{"strength": str(o["evidence_strength"]),
                               "strength_label": strength_label(o["evidence_strength"]),
                               "statement": card_statement(page, o)}
                              for _, o in others.iterrows()]
        if aim_id == "aim2":
            net = network_headline(page)
            if net:
                card["network"] = net[0]
                card.update(network_evidence(page))
        cards.append(card)
    return cards


def principle_rows(page: Page) -> tuple[str, pd.DataFrame] | None:
    """The principles' heading and one row per principle: what measures it, what changed."""
    t = page.table("principles")
    if t is None:
        return None
    rows = []
    for pid, block in t.groupby("principle", sort=False):
        title = str(block["principle_title"].iloc[0])
        measures, rose, fell = [], False, False
        for r in block.itertuples(index=False):
            if is_missing(r.scale) or not str(r.scale):
                continue
            if is_missing(r.mean_pre) or is_missing(r.mean_post):
                measures.append(f"{r.scale_title}: not asked before and after")
                continue
            phrase = change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low,
                                   r.g_av_ci95_high)
            rose |= phrase.endswith("rise")
            fell |= phrase.endswith("fall")
            measures.append(f"{r.scale_title}: {num(r.mean_pre, 1)} → {num(r.mean_post, 1)}, "
                            f"{phrase}")
        if not measures:
            result = "not measured yet"
        elif rose:
            result = "rose" + (" on one measure, fell on another" if fell else "")
        elif fell:
            result = "fell"
        elif all(m.endswith("not asked before and after") for m in measures):
            result = "not measured before and after"
        else:
            result = "no clear change"
        rows.append({"principle": pid, "title": title, "result": result,
                     "measures": "; ".join(measures) or "no survey scale measures it yet",
                     "rose": rose})
    frame = pd.DataFrame(rows)
    n_rose = int(frame["rose"].sum())
    heading = (f"The programme's principles: {share_of(n_rose, len(frame), 'principle')} "
               "rose on at least one measure")
    return heading, frame


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
    return {"heading": heading, "table": table,
            "note": "Each principle is measured by the survey scales linked to it (a scale can "
                    "serve more than one). “Rose” means the rise is larger than chance would "
                    "explain, allowing for the number of comparisons made."}


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
        "programme": programme,
        "compared_with": (str(comparison["comparison_group"].iloc[0])
                          if comparison is not None and len(comparison) else ""),
        "cards": cards(page),
        "principles": _principles(page),
        "response_rates": figure,
        "response_rates_missing": missing,
    }
