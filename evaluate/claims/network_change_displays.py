"""How sure the network change is, who links organisations, who moved into the core, as claims.

Three blocks of aim 2 after the growth table, in plain words (the statistician's
names — brokerage roles, coreness, bootstrap — are in "Data and methods"); the
report draws the charts (:mod:`evaluate.report.sections.network_change`).

Claim ids:

- ``table:aim2:certainty`` — each cohort's change in the share of ties crossing
  organisations among the people who answered both times, its 95% range, and what
  it would be counting everyone on the programme (with the range if those who did
  not answer named the people who named them); the paragraph above it is the
  overview's network claim;
- ``chart:aim2:roles``, ``table:aim2:roles`` and ``table:aim2:roles_groups`` —
  people linking others across organisations by kind of link, before and after,
  all cohorts together (the bars' labels are the figures ``people_ROLE_WAVE``),
  and per organisation;
- ``chart:aim2:core``, ``table:aim2:core`` and ``table:aim2:core_groups`` — who
  moved from the edge of the network into its core and how far the core's ties
  cross organisations (bars ``core_cross_COHORT_WAVE``), and per sector.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.claims.network_displays import signed_points
from evaluate.words import direction_word, integer, is_missing, pct

__all__ = ["network_change_displays", "ROLE_WORDS", "roles_long", "core_rows"]

SECTION = "aim2"
#: Each brokerage role in plain words (grouping by organisation), the headline first.
ROLE_WORDS = {
    "liaison": "Linking people of two other organisations",
    "representative": "Passing their organisation's contacts out",
    "gatekeeper": "Bringing outside contacts into their organisation",
    "itinerant": "Linking two people of another organisation",
    "coordinator": "Linking colleagues inside their organisation",
}
_GROUPING = {"organisation": "Organisation", "sector": "Sector", "place": "Place"}


def _has(frame, columns) -> bool:
    return frame is not None and set(columns) <= set(frame.columns)


def _cohorts(ctx: Context, values) -> list[str]:
    found = [str(v) for v in pd.unique(pd.Series(list(values), dtype=object).dropna())]
    order = [c for c in ctx.cohort_order() if c in found]
    return order + sorted(c for c in found if c not in order and c != "all") + (
        ["all"] if "all" in found else [])


def _cohort_label(ctx: Context, cohort: str) -> str:
    return "All cohorts" if cohort == "all" else ctx.cohort(cohort)


def _everyone(t: pd.DataFrame) -> pd.Series:
    return t["group"].isna() | t["group"].astype(str).isin(["", "nan"])


# ---------------------------------------------------------------------- how sure
def _certainty(led, ctx: Context) -> None:
    ev = ctx.table("network_evidence")
    need = {"relation", "measure", "attribute", "cohort", "people", "estimate", "ci95_low",
            "ci95_high", "roster_estimate", "bound_low", "bound_high", "wave_from", "wave_to"}
    if not _has(ev, need):
        return
    e = ev[(ev["relation"] == "any") & (ev["measure"] == "share_external_change")
           & (ev["attribute"] == "organisation")]
    if not len(e):
        return
    order = {c: i for i, c in enumerate(_cohorts(ctx, e["cohort"]))}
    t = e.assign(_o=e["cohort"].astype(str).map(order)).sort_values("_o", kind="stable")
    t = t.assign(
        cohort_label=t["cohort"].astype(str).map(lambda c: _cohort_label(ctx, c)),
        sure=np.where(t["ci95_low"] > 0, "a rise larger than chance would explain",
                      np.where(t["ci95_high"] < 0, "a fall larger than chance would explain",
                               "could be chance")),
        **{c + "_points": t[c] * 100 for c in ("estimate", "ci95_low", "ci95_high",
                                               "roster_estimate", "bound_low", "bound_high")})
    w0, w1 = ctx.wave(e["wave_from"].iloc[0]), ctx.wave(e["wave_to"].iloc[0])
    signed = lambda v: signed_points(v / 100) if not is_missing(v) else "–"  # noqa: E731
    cols = ("estimate", "ci95_low", "ci95_high", "roster_estimate", "bound_low", "bound_high")
    add_table(led, f"table:{SECTION}:certainty", section=SECTION, aim=SECTION, frame=t,
              source_table="network_evidence",
              key=["cohort", "wave_from", "wave_to", "relation", "attribute", "measure"],
              columns={"cohort_label": "Cohort", "people": "Answered both times",
                       "estimate_points": "Change in the share of ties crossing organisations",
                       "ci95_low_points": "Likely range: from", "ci95_high_points": "to",
                       "sure": "What it means",
                       "roster_estimate_points": "Counting everyone on the programme",
                       "bound_low_points": "If those who did not answer named the people who "
                                           "named them: from",
                       "bound_high_points": "to"},
              formats={"people": integer, **{c + "_points": signed for c in cols}},
              units={"people": "people", **{c + "_points": "percentage points" for c in cols}},
              numeric={"people", *(c + "_points" for c in cols)}, suppressed=None,
              sources={"cohort_label": ("network_evidence", "cohort"),
                       "sure": ("network_evidence", "ci95_low, ci95_high"),
                       **{c + "_points": ("network_evidence", c) for c in cols}},
              caption=f"From the {w0} to the {w1}, in percentage points")


# ---------------------------------------------------------------------- who links organisations
def roles_long(g: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, int, str, str]:
    """People in each role before and after, all cohorts summed (everyone rows), headline first;
    the number who answered both times; the two waves."""
    everyone = g[_everyone(g)]
    pooled = everyone.groupby("role", sort=False)[["members", "count_from", "count_to",
                                                   "brokers_from", "brokers_to"]].sum().reset_index()
    pooled = pooled[pooled["role"].isin(ROLE_WORDS)]
    members = int(everyone.drop_duplicates("cohort")["members"].sum()) if "cohort" in everyone \
        else int(everyone["members"].iloc[0]) if len(everyone) else 0
    w0, w1 = str(g["wave_from"].iloc[0]), str(g["wave_to"].iloc[0])
    rank = {r: i for i, r in enumerate(ROLE_WORDS)}
    pooled = pooled.assign(_r=pooled["role"].map(rank)).sort_values("_r")
    long = pd.concat([
        pooled.assign(wave=w, people=pooled[f"brokers_{end}"], times=pooled[f"count_{end}"])
        for w, end in ((w0, "from"), (w1, "to"))], ignore_index=True)
    long["share"] = long["people"] / members if members else np.nan
    return long.drop(columns="_r"), members, w0, w1


def _roles(led, ctx: Context) -> None:
    g = ctx.table("network_brokerage_groups")
    need = {"relation", "attribute", "group", "members", "role", "count_from", "count_to",
            "brokers_from", "brokers_to", "wave_from", "wave_to"}
    if not _has(g, need):
        return
    g = g[(g["relation"] == "any") & (g["attribute"] == "organisation")]
    if not len(g) or not _everyone(g).any():
        return
    long, members, w0, w1 = roles_long(g, ctx)
    if not len(long):
        return
    cid = f"chart:{SECTION}:roles"
    src = "cohort=all cohorts summed; group=(everyone); relation=any; attribute=organisation"
    f = led.figures_of(cid, "network_brokerage_groups", src)
    m = f("members", members, integer(members), "people")
    shown = {}
    for r in long.itertuples(index=False):
        column = "brokers_from" if r.wave == w0 else "brokers_to"
        shown[(r.role, r.wave)] = f(f"people_{r.role}_{r.wave}", r.people, integer(r.people),
                                    "people", n=members, key=f"{src}; role={r.role}; column={column}")
    top = long["role"].iloc[0]
    before, after = long[long["wave"] == w0].iloc[0], long[long["wave"] == w1].iloc[0]
    word = direction_word(after["people"] - before["people"], up="More", down="Fewer",
                          same="As many")
    title = (f"{word} people link people of two other organisations: {shown[(top, w1)]} of the "
             f"{m} who answered both times at {ctx.the_wave(w1)}, against {shown[(top, w0)]} at "
             f"{ctx.the_wave(w0)}")
    roles = list(dict.fromkeys(long["role"]))
    text = "; ".join(
        f"{ROLE_WORDS[r].lower()}: {shown[(r, w0)]} people at {ctx.the_wave(w0)}, "
        f"{shown[(r, w1)]} at {ctx.the_wave(w1)}" for r in roles) + "."
    note = (f"The {m} people who answered the network survey both times, all cohorts together, "
            "ties of any kind. Someone links two people when one names them and they name the "
            "other, but the two do not name each other: they pass things on between them. The "
            "bars count people; no likely range is computed for these counts.")
    add_chart(led, cid, section=SECTION, aim=SECTION, title=title, text=text[:1].upper() + text[1:],
              note=note, source_table="network_brokerage_groups", source_key=src, n=members)
    long = long.assign(cohort="all cohorts summed", group="(everyone)",
                       role_label=long["role"].map(ROLE_WORDS), wave_label=long["wave"].map(ctx.wave))
    add_table(led, f"table:{SECTION}:roles", section=SECTION, aim=SECTION, frame=long,
              source_table="network_brokerage_groups", key=["cohort", "group", "role", "wave"],
              columns={"role_label": "Kind of link", "wave_label": "Survey",
                       "people": "People who did it",
                       "share": "Share of those who answered both times",
                       "times": "Times they linked two people"},
              formats={"people": integer, "times": integer, "share": pct},
              units={"people": "people", "times": "pairs", "share": "percent"},
              numeric={"people", "times", "share"}, suppressed=None,
              sources={"people": ("network_brokerage_groups", "brokers_from or brokers_to"),
                       "times": ("network_brokerage_groups", "count_from or count_to"),
                       "share": ("network_brokerage_groups", "brokers / members"),
                       "role_label": ("network_brokerage_groups", "role"),
                       "wave_label": ("network_brokerage_groups", "wave_from or wave_to")})
    groups = g[(g["role"] == "liaison") & ~_everyone(g)]
    if len(groups):
        groups = groups.assign(cohort_label=groups["cohort"].map(ctx.cohort))
        groups = groups.sort_values(["cohort", "group"], kind="stable")
        add_table(led, f"table:{SECTION}:roles_groups", section=SECTION, aim=SECTION,
                  frame=groups, source_table="network_brokerage_groups",
                  key=["cohort", "relation", "attribute", "group", "role"],
                  columns={"cohort_label": "Cohort", "group": "Organisation",
                           "members": "Answered both times",
                           "brokers_from": "Linking two other organisations at the "
                                           f"{ctx.wave(w0)}",
                           "brokers_to": f"… at the {ctx.wave(w1)}"},
                  formats={c: integer for c in ("members", "brokers_from", "brokers_to")},
                  units={c: "people" for c in ("members", "brokers_from", "brokers_to")},
                  numeric={"members", "brokers_from", "brokers_to"},
                  sources={"cohort_label": ("network_brokerage_groups", "cohort")},
                  min_group_size=ctx.min_group_size)


# ---------------------------------------------------------------------- the core
def core_rows(ctx: Context, g: pd.DataFrame, w: pd.DataFrame) -> pd.DataFrame:
    """Per cohort and wave: people, in the core, the core's ties and those crossing organisations."""
    w0, w1 = str(g["wave_from"].iloc[0]), str(g["wave_to"].iloc[0])
    every = g[_everyone(g) & (g["attribute"] == g["attribute"].iloc[0])]
    rows = []
    for c in _cohorts(ctx, every["cohort"]):
        e = every[every["cohort"].astype(str) == c].iloc[0]
        for wave, end in ((w0, "from"), (w1, "to")):
            x = w[(w["cohort"].astype(str) == c) & (w["wave"] == wave)]
            rows.append({"cohort": c, "wave": wave, "attribute": e["attribute"],
                         "in_core": e[f"core_{end}"], "people": e["members"],
                         "core_ties": x["core_ties"].iloc[0] if len(x) else 0,
                         "core_cross_ties": x["core_cross_ties"].iloc[0] if len(x) else 0,
                         "core_cross": x["core_share_cross"].iloc[0] if len(x) else np.nan,
                         "all_cross": x["share_cross"].iloc[0] if len(x) else np.nan,
                         "moved_in": e["moved_in"], "moved_out": e["moved_out"]})
    return pd.DataFrame(rows)


def _weighted(rows: pd.DataFrame) -> float:
    """The share of the core's ties crossing organisations, all cohorts together."""
    total = rows["core_ties"].sum()
    return float(rows["core_cross_ties"].sum() / total) if total else float("nan")


def _core(led, ctx: Context) -> None:
    groups, whole = ctx.table("network_core_groups"), ctx.table("network_core")
    if not _has(groups, {"relation", "attribute", "group", "members", "core_from", "core_to",
                         "moved_in", "moved_out", "wave_from", "wave_to", "cohort"}) \
            or not _has(whole, {"relation", "attribute", "cohort", "wave", "core_ties",
                                "core_cross_ties", "core_share_cross", "share_cross"}):
        return
    g = groups[groups["relation"] == "any"]
    w = whole[(whole["relation"] == "any") & (whole["attribute"] == "organisation")]
    if not len(g) or not len(w) or not _everyone(g).any():
        return
    w0, w1 = str(g["wave_from"].iloc[0]), str(g["wave_to"].iloc[0])
    d = core_rows(ctx, g, w)
    cid = f"chart:{SECTION}:core"
    every = g[_everyone(g) & (g["attribute"] == g["attribute"].iloc[0])]
    gkey = f"cohort=all cohorts summed; group=(everyone); relation=any; attribute={every['attribute'].iloc[0]}"
    f = led.figures_of(cid, "network_core_groups", gkey)
    moved_in, moved_out = int(every["moved_in"].sum()), int(every["moved_out"].sum())
    mi = f("moved_in", moved_in, integer(moved_in), "people", key=f"{gkey}; column=moved_in")
    mo = f("moved_out", moved_out, integer(moved_out), "people", key=f"{gkey}; column=moved_out")
    h = led.figures_of(cid, "network_core", "cohort=all cohorts summed; relation=any; "
                                            "attribute=organisation")
    share0, share1 = _weighted(d[d["wave"] == w0]), _weighted(d[d["wave"] == w1])
    s0 = h("core_cross_first", share0, pct(share0), "percent", key=f"cohort=all cohorts summed; "
           f"wave={w0}; relation=any; attribute=organisation; column=core_cross_ties / core_ties")
    s1 = h("core_cross_last", share1, pct(share1), "percent", key=f"cohort=all cohorts summed; "
           f"wave={w1}; relation=any; attribute=organisation; column=core_cross_ties / core_ties")
    title = (f"{mi} {'person' if mi == '1' else 'people'} moved from the edge of the network into "
             f"its core; the share of the core's ties crossing organisations went from {s0} to {s1}")
    parts, everyone = [], []
    for r in d.itertuples(index=False):
        k = led.figures_of(cid, "network_core",
                           f"cohort={r.cohort}; wave={r.wave}; relation=any; attribute=organisation")
        cross = k(f"core_cross_{r.cohort}_{r.wave}", r.core_cross, pct(r.core_cross), "percent",
                  n=r.core_ties)
        j = led.figures_of(cid, "network_core_groups",
                           f"cohort={r.cohort}; group=(everyone); relation=any; "
                           f"attribute={r.attribute}")
        core = j(f"in_core_{r.cohort}_{r.wave}", r.in_core, integer(r.in_core), "people")
        ppl = j(f"people_{r.cohort}", r.people, integer(r.people), "people")
        if r.wave == w0:
            everyone.append(f"{ppl} in {ctx.cohort(r.cohort)}")
        parts.append(f"{ctx.cohort(r.cohort)}: {core} of {ppl} people in the core at "
                     f"{ctx.the_wave(r.wave)}, {cross} of their ties with each other crossing "
                     "organisations.")
    text = " ".join(parts) + f" {mo} {'person' if mo == '1' else 'people'} moved out of the core."
    note = ("The core is the group of people most tied to each other and to everyone else; the "
            f"others are at the edge. Everyone on the programme ({' and '.join(everyone)}), ties "
            "of any kind; a person who did not answer still counts the ties others named with "
            "them. Each bar is a share of the core's ties; no likely range is computed for it.")
    add_chart(led, cid, section=SECTION, aim=SECTION, title=title, text=text, note=note,
              source_table="network_core", source_key="relation=any; attribute=organisation",
              n=float(d.drop_duplicates("cohort")["people"].sum()))
    d = d.assign(cohort_label=d["cohort"].map(ctx.cohort), wave_label=d["wave"].map(ctx.wave),
                 relation="any")
    add_table(led, f"table:{SECTION}:core", section=SECTION, aim=SECTION, frame=d,
              source_table="network_core", key=["cohort", "wave", "relation", "attribute"],
              columns={"cohort_label": "Cohort", "wave_label": "Survey", "people": "People",
                       "in_core": "In the core",
                       "core_cross": "Share of the core's ties crossing organisations",
                       "all_cross": "Share of all ties crossing organisations",
                       "moved_in": "Moved into the core", "moved_out": "Moved out"},
              formats={"people": integer, "in_core": integer, "core_cross": pct,
                       "all_cross": pct, "moved_in": integer, "moved_out": integer},
              units={"people": "people", "in_core": "people", "core_cross": "percent",
                     "all_cross": "percent", "moved_in": "people", "moved_out": "people"},
              numeric={"people", "in_core", "core_cross", "all_cross", "moved_in", "moved_out"},
              suppressed=None,
              sources={"people": ("network_core_groups", "members"),
                       "in_core": ("network_core_groups", "core_from or core_to"),
                       "moved_in": ("network_core_groups", "moved_in"),
                       "moved_out": ("network_core_groups", "moved_out"),
                       "core_cross": ("network_core", "core_share_cross"),
                       "all_cross": ("network_core", "share_cross"),
                       "cohort_label": ("network_core", "cohort"),
                       "wave_label": ("network_core", "wave")})
    sector = g[(g["attribute"] == "sector") & ~_everyone(g)]
    t = sector if len(sector) else g[~_everyone(g)]
    if len(t):
        t = t.assign(cohort_label=t["cohort"].map(ctx.cohort)).sort_values(["cohort", "group"],
                                                                            kind="stable")
        counts = ("members", "core_from", "core_to", "moved_in", "moved_out")
        add_table(led, f"table:{SECTION}:core_groups", section=SECTION, aim=SECTION, frame=t,
                  source_table="network_core_groups",
                  key=["cohort", "relation", "attribute", "group"],
                  columns={"cohort_label": "Cohort",
                           "group": _GROUPING.get(str(t["attribute"].iloc[0]), "Group"),
                           "members": "People", "core_from": f"In the core at the {ctx.wave(w0)}",
                           "core_to": f"In the core at the {ctx.wave(w1)}",
                           "moved_in": "Moved into it", "moved_out": "Moved out"},
                  formats={c: integer for c in counts}, units={c: "people" for c in counts},
                  numeric=set(counts), sources={"cohort_label": ("network_core_groups", "cohort")},
                  min_group_size=ctx.min_group_size)


def network_change_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """How sure the change is, who links organisations and who moved into the core (aim 2)."""
    ctx = Context(results, context)
    _certainty(led, ctx)
    _roles(led, ctx)
    _core(led, ctx)
