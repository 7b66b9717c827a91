"""Aim 2, continued: how sure the network change is, who links organisations, who moved
into the core.

Three blocks of the network section, in plain words (the statistician's names —
brokerage roles, coreness, bootstrap — are in "Data and methods"):

- :func:`certainty_block`: each cohort's change in ties across organisations with the
  range it is likely to lie in and what it would be whatever the ties of the people
  who did not answer;
- :func:`roles_block`: how many people linked others across organisations, by kind of
  link, before and after (the headline: people linking two *other* organisations);
- :func:`core_block`: who moved from the edge of the network into its core, per group,
  and how far the core's own ties cross organisations.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report import figures as F
from evaluate.report.format import integer, pct
from evaluate.report.page import Page
from evaluate.report.table import make_table
from evaluate.words import count, direction_word, is_missing

__all__ = ["ROLE_WORDS", "ROLE_AXIS", "certainty_block", "roles_block", "core_block", "points"]

#: Each brokerage role in plain words (grouping by organisation), the headline first.
ROLE_WORDS = {
    "liaison": "Linking people of two other organisations",
    "representative": "Passing their organisation's contacts out",
    "gatekeeper": "Bringing outside contacts into their organisation",
    "itinerant": "Linking two people of another organisation",
    "coordinator": "Linking colleagues inside their organisation",
}
#: The same, broken into lines for the chart's axis.
ROLE_AXIS = {
    "liaison": "Linking people of<br>two other organisations",
    "representative": "Passing their organisation's<br>contacts out",
    "gatekeeper": "Bringing outside contacts<br>into their organisation",
    "itinerant": "Linking two people<br>of another organisation",
    "coordinator": "Linking colleagues<br>inside their organisation",
}
_GROUPING = {"organisation": "Organisation", "sector": "Sector", "place": "Place"}


def points(x) -> str:
    """A change in a share as percentage points ("+55 points", "−3 points")."""
    if is_missing(x):
        return "–"
    v = round(float(x) * 100)
    return f"{'+' if v > 0 else '−' if v < 0 else ''}{abs(v)} points"


def _span(low, high) -> str:
    if is_missing(low) or is_missing(high):
        return "–"
    return f"{points(low)} to {points(high)}".replace(" points to", " to")


def _between(low, high) -> str:
    """"between +24 and +46 points"."""
    if is_missing(low) or is_missing(high):
        return "in an unknown range"
    return f"between {points(low).replace(' points', '')} and {points(high)}"


def _cohorts(page: Page, values) -> list[str]:
    found = [str(v) for v in pd.unique(pd.Series(list(values), dtype=object).dropna())]
    order = [c for c in page.cohort_order() if c in found]
    return order + sorted(c for c in found if c not in order and c != "all") + (
        ["all"] if "all" in found else [])


def _cohort_label(page: Page, cohort: str) -> str:
    return "All cohorts" if cohort == "all" else page.cohort(cohort)


def certainty_block(page: Page) -> dict:
    """How sure the change in ties across organisations is, per cohort and for all together."""
    ev = page.table("network_evidence")
    out = {"text": [], "table": None}
    if ev is None or not len(ev):
        return out
    e = ev[(ev["relation"] == "any") & (ev["measure"] == "share_external_change")
           & (ev["attribute"] == "organisation")]
    if not len(e):
        return out
    rows = []
    for c in _cohorts(page, e["cohort"]):
        r = e[e["cohort"].astype(str) == c].iloc[0]
        sure = ("a rise larger than chance would explain" if r["ci95_low"] > 0
                else "a fall larger than chance would explain" if r["ci95_high"] < 0
                else "could be chance")
        rows.append({"cohort": _cohort_label(page, c), "people": r["people"],
                     "change": points(r["estimate"]), "likely": _span(r["ci95_low"], r["ci95_high"]),
                     "sure": sure, "everyone": points(r["roster_estimate"]),
                     "whatever": _span(r["bound_low"], r["bound_high"])})
    t = pd.DataFrame(rows)
    w0, w1 = page.wave(e["wave_from"].iloc[0]), page.wave(e["wave_to"].iloc[0])
    out["table"] = make_table(
        t, {"cohort": "Cohort", "people": "Answered both times",
            "change": "Change in the share of ties crossing organisations",
            "likely": "Likely range", "sure": "What it means",
            "everyone": "Counting everyone on the programme",
            "whatever": "Range if those who did not answer named the people who named them"},
        {"people": integer}, numeric={"people"}, suppressed=None,
        caption=f"From the {w0} to the {w1}, in percentage points")
    # the headline is the network claim of the ledger (the same words as the evidence card)
    claims = page.claims("overview")
    net = claims[claims["role"] == "network"]
    text = net["text"].iloc[0] if len(net) else ""
    out["text"] = [text] if text else []
    return out


def _pooled_everyone(t: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The everyone rows (group empty) of a per-cohort group table, summed over cohorts."""
    everyone = t[t["group"].isna() | (t["group"].astype(str).isin(["", "nan"]))]
    return everyone.groupby([c for c in ("role", "wave_from", "wave_to") if c in t.columns],
                            sort=False)[columns].sum().reset_index()


def roles_block(page: Page) -> dict:
    """People linking others across organisations, by kind of link, before and after."""
    g = page.table("network_brokerage_groups")
    out = {"figure": None, "empty": "No results on who links people across organisations yet "
                                    "(they need the network survey at two waves).",
           "groups": None}
    if g is None or not len(g):
        return out
    g = g[(g["relation"] == "any") & (g["attribute"] == "organisation")]
    if not len(g):
        return out
    pooled = _pooled_everyone(g, ["members", "count_from", "count_to", "brokers_from",
                                  "brokers_to"])
    pooled = pooled[pooled["role"].isin(ROLE_WORDS)]
    if not len(pooled):
        return out
    members = int(g[g["group"].isna()].drop_duplicates("cohort")["members"].sum())
    w0, w1 = g["wave_from"].iloc[0], g["wave_to"].iloc[0]
    rank = {r: i for i, r in enumerate(ROLE_WORDS)}
    pooled = pooled.assign(_r=pooled["role"].map(rank)).sort_values("_r")
    long = pd.concat([
        pooled.assign(wave=w, wave_label=page.wave(w), people=pooled[f"brokers_{end}"],
                      times=pooled[f"count_{end}"])
        for w, end in ((w0, "from"), (w1, "to"))], ignore_index=True)
    long["role_label"] = long["role"].map(ROLE_WORDS)
    long["role_axis"] = long["role"].map(ROLE_AXIS)
    long["share"] = long["people"] / members if members else float("nan")
    long["label"] = long["people"].map(integer)
    long["of everyone"] = long["share"].map(pct)
    top = pooled.iloc[0]
    title = (f"{direction_word(top['brokers_to'] - top['brokers_from'], up='More', down='Fewer', same='As many')} "
             f"people link people of two other organisations: {integer(top['brokers_to'])} of "
             f"the {integer(members)} who answered both times at the {page.wave(w1)}, against "
             f"{integer(top['brokers_from'])} at the {page.wave(w0)}")
    fig = F.grouped_bar(long, "role_axis", "people", color="wave_label",
                        color_order=[page.wave(w0), page.wave(w1)],
                        palette=[page.colours.wave(w0), page.colours.wave(w1)], text="label",
                        y_title="people", hover=["of everyone"], height=380)
    table = make_table(long, {"role_label": "Kind of link", "wave_label": "Survey",
                              "people": "People who did it", "share": "Share of those who answered both times",
                              "times": "Pairs of people they linked"},
                       {"people": integer, "times": integer, "share": pct},
                       numeric={"people", "times", "share"}, suppressed=None)
    summary = "; ".join(
        f"{ROLE_WORDS[r.role].lower()}: {integer(r.brokers_from)} people at the {page.wave(w0)}, "
        f"{integer(r.brokers_to)} at the {page.wave(w1)}" for r in pooled.itertuples(index=False)) + "."
    note = ("Among the people who answered the network survey both times, all cohorts together, "
            "ties of any kind. Someone links two people when one names them and they name the "
            "other, but the two do not name each other: they pass things on between them.")
    out["figure"] = page.figure("fig-aim2-roles", fig, title=title, summary=summary.capitalize(),
                                table=table, note=note, print_height=260)
    out["empty"] = ""
    out["groups"] = _group_table(page, g[g["role"] == "liaison"], "roles")
    return out


def _group_table(page: Page, t: pd.DataFrame, kind: str):
    """Per cohort and group, small groups hidden."""
    t = t[t["group"].notna() & ~t["group"].astype(str).isin(["", "nan"])]
    if not len(t):
        return None
    t = t.assign(cohort_label=t["cohort"].map(page.cohort),
                 grouping=t["attribute"].map(lambda a: _GROUPING.get(a, str(a))))
    t = t.sort_values(["cohort", "group"], kind="stable")
    if kind == "roles":
        w0, w1 = page.wave(t["wave_from"].iloc[0]), page.wave(t["wave_to"].iloc[0])
        return make_table(t, {"cohort_label": "Cohort", "group": "Organisation",
                              "members": "Answered both times",
                              "brokers_from": f"Linking two other organisations at the {w0}",
                              "brokers_to": f"… at the {w1}"},
                          {c: integer for c in ("members", "brokers_from", "brokers_to")},
                          numeric={"members", "brokers_from", "brokers_to"},
                          min_group_size=page.min_group_size)
    w0, w1 = page.wave(t["wave_from"].iloc[0]), page.wave(t["wave_to"].iloc[0])
    return make_table(t, {"cohort_label": "Cohort", "group": "Sector", "members": "People",
                          "core_from": f"In the core at the {w0}",
                          "core_to": f"In the core at the {w1}", "moved_in": "Moved into it",
                          "moved_out": "Moved out"},
                      {c: integer for c in ("members", "core_from", "core_to", "moved_in",
                                            "moved_out")},
                      numeric={"members", "core_from", "core_to", "moved_in", "moved_out"},
                      min_group_size=page.min_group_size)


def core_block(page: Page) -> dict:
    """Who moved from the edge into the core, and how far the core's ties cross organisations."""
    groups = page.table("network_core_groups")
    whole = page.table("network_core")
    out = {"figure": None, "groups": None,
           "empty": "No results on the core of the network yet (they need the network survey "
                    "at two waves)."}
    if groups is None or whole is None or not len(groups) or not len(whole):
        return out
    g = groups[groups["relation"] == "any"]
    w = whole[(whole["relation"] == "any") & (whole["attribute"] == "organisation")]
    if not len(g) or not len(w):
        return out
    w0, w1 = g["wave_from"].iloc[0], g["wave_to"].iloc[0]
    every = g[g["group"].isna() & (g["attribute"] == g["attribute"].iloc[0])]
    cohorts = _cohorts(page, every["cohort"])
    rows = []
    for c in cohorts:
        e = every[every["cohort"].astype(str) == c].iloc[0]
        for wave, end in ((w0, "from"), (w1, "to")):
            x = w[(w["cohort"].astype(str) == c) & (w["wave"] == wave)]
            rows.append({"cohort_label": page.cohort(c), "wave_label": page.wave(wave),
                         "in_core": e[f"core_{end}"], "people": e["members"],
                         "core_ties": x["core_ties"].iloc[0] if len(x) else 0,
                         "core_cross_ties": x["core_cross_ties"].iloc[0] if len(x) else 0,
                         "core_cross": x["core_share_cross"].iloc[0] if len(x) else float("nan"),
                         "all_cross": x["share_cross"].iloc[0] if len(x) else float("nan"),
                         "moved_in": e["moved_in"], "moved_out": e["moved_out"]})
    d = pd.DataFrame(rows)
    d["label"] = d["core_cross"].map(pct)
    moved_in = int(every["moved_in"].sum())
    moved_out = int(every["moved_out"].sum())
    first = d[d["wave_label"] == page.wave(w0)]
    last = d[d["wave_label"] == page.wave(w1)]
    title = (f"{count(moved_in, 'person', 'people')} moved from the edge of the network into its "
             f"core; the core's ties crossing organisations went from "
             f"{pct(_weighted(first))} to {pct(_weighted(last))}")
    fig = F.grouped_bar(d, "cohort_label", "core_cross", color="wave_label",
                        color_order=[page.wave(w0), page.wave(w1)],
                        palette=[page.colours.wave(w0), page.colours.wave(w1)], text="label",
                        y_title="core ties crossing", y_format=".0%", y_range=(0, 1.12),
                        height=340)
    table = make_table(d, {"cohort_label": "Cohort", "wave_label": "Survey",
                           "people": "People", "in_core": "In the core",
                           "core_cross": "Core's ties crossing organisations",
                           "all_cross": "All ties crossing organisations",
                           "moved_in": "Moved into the core", "moved_out": "Moved out"},
                       {"people": integer, "in_core": integer, "core_cross": pct,
                        "all_cross": pct, "moved_in": integer, "moved_out": integer},
                       numeric={"people", "in_core", "core_cross", "all_cross", "moved_in",
                                "moved_out"}, suppressed=None)
    summary = " ".join(
        f"{r.cohort_label}: {integer(r.in_core)} of {integer(r.people)} people in the core at the "
        f"{r.wave_label}, {pct(r.core_cross)} of their ties with each other crossing organisations."
        for r in d.itertuples(index=False)) + (f" {count(moved_out, 'person', 'people')} moved "
                                               "out of the core.")
    note = ("The core is the group of people most tied to each other and to everyone else; the "
            "others are at the edge. Everyone on the programme, ties of any kind; a person who "
            "did not answer still counts the ties others named with them.")
    out["figure"] = page.figure("fig-aim2-core", fig, title=title, summary=summary, table=table,
                                note=note, print_height=240)
    out["empty"] = ""
    sector = g[g["attribute"] == "sector"]
    out["groups"] = _group_table(page, sector if len(sector) else g, "core")
    return out


def _weighted(rows: pd.DataFrame) -> float:
    """The share of the core's ties crossing organisations, all cohorts together."""
    total = rows["core_ties"].sum()
    return float(rows["core_cross_ties"].sum() / total) if total else float("nan")
