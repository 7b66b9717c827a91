"""The network pictures, ties across boundaries and how the network grew, as claims (aim 2).

Each quantity has one name, as in :data:`evaluate.claims.ledger.GLOSSARY`: a *tie*
is one person naming another (any question; two people who name each other are
two ties), a *pair* is two people joined by at least one tie, a *working tie* is
a tie named in answer to "who do you work with?", a *tie crossing organisations*
joins people of two organisations. Ties are counted among everyone on the
programme's list unless a sentence says "who answered both times".

Claim ids (``COHORT`` is the cohort's id):

- ``chart:aim2:network:COHORT`` and ``table:aim2:network:COHORT`` — a cohort's
  pictures before and after (figures ``people``, ``ties_WAVE``, ``pairs_WAVE``,
  ``respondents_WAVE``), and its whole-network numbers;
- ``chart:aim2:boundary`` and ``table:aim2:boundary`` — the share of ties crossing
  each boundary, all cohorts together (the bars' labels are the figures
  ``share_ATTRIBUTE_WAVE``), with the 95% range of each change among the people
  who answered both times;
- ``table:aim2:growth``, ``text:aim2:growth`` and ``table:aim2:growth_relation`` —
  ties named before and after, new, kept and no longer named, and how the counts
  of ties, of ties among the people who answered both times and of working ties
  differ.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.network.layout import line_share, lines_per_wave, one_in
from evaluate.network.ties import distinct_rows
from evaluate.words import direction_word, integer, is_missing, num, pct

__all__ = ["network_displays", "ties_named", "pairs_joined", "boundary_shares", "signed_points",
           "ATTRIBUTE_WORDS", "RELATION_WORDS"]

SECTION = "aim2"
#: A boundary in words, in the order the page shows them.
ATTRIBUTE_WORDS = {"organisation": "organisation", "sector": "sector", "place": "place",
                   "role": "role"}
_PLURAL = {"organisation": "organisations", "sector": "sectors", "place": "places",
           "role": "roles"}
#: A relation (the network survey's question) in words, "any" first.
RELATION_WORDS = {"any": "any", "knew_before": "knew before", "worked_with": "worked with",
                  "advice": "went to for advice"}
_COUNTS = ("ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties")


def ties_named(edges: pd.DataFrame) -> int:
    """Ties: distinct (person naming, person named), any relation.

    >>> ties_named(pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "b"]}))
    2
    """
    if not len(edges):
        return 0
    return distinct_rows(edges["source"].astype(str).to_numpy(),
                         edges["target"].astype(str).to_numpy())


def pairs_joined(edges: pd.DataFrame) -> int:
    """Pairs: two people joined by at least one tie, direction ignored.

    >>> pairs_joined(pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "a", "c"]}))
    2
    """
    if not len(edges):
        return 0
    a = edges["source"].astype(str).to_numpy()
    b = edges["target"].astype(str).to_numpy()
    return distinct_rows(np.minimum(a, b), np.maximum(a, b))


def signed_points(x, sign: bool = True) -> str:
    """A change in a share as whole percentage points ("+35", "−3", "0").

    >>> signed_points(0.354), signed_points(-0.031), signed_points(0.2, sign=False)
    ('+35', '−3', '20')
    """
    if is_missing(x):
        return "–"
    v = round(float(x) * 100)
    return f"{'+' if v > 0 and sign else '−' if v < 0 else ''}{abs(v)}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _has(frame: pd.DataFrame | None, columns) -> bool:
    return frame is not None and set(columns) <= set(frame.columns)


def _cohorts(ctx: Context, values) -> list[str]:
    found = {str(v) for v in values if not is_missing(v)}
    order = [c for c in ctx.cohort_order() if c in found]
    return order + sorted(found - set(order))


# ---------------------------------------------------------------------- the pictures
_PICTURE_NOTE = (
    "Each mark is a person, in the same place in both pictures; its colour and shape show the "
    "group. A line joins two people when either named the other: solid for working together, "
    "dashed for going to each other for advice, dotted for knowing each other before (hidden at "
    "first). Thicker orange-red lines are new since the first survey. Groups too small to show "
    "safely are merged into “Other (small groups)”.")


def _thinned(led, cid: str, edges: pd.DataFrame, waves: list[str], where: str) -> str:
    """What the note says when a large network's pictures draw only some of its ties."""
    share = line_share(lines_per_wave(edges, waves))
    if share >= 1:
        return ""
    k = one_in(share)
    f = led.figures_of(cid, "network_layout_edges",
                       f"{where}column=source, target, relation (pairs per relation, the largest "
                       "picture's against the most lines a picture draws)")
    return (f" This network is too large to draw every tie, so one pair of people in "
            f"{f('one_in', k, integer(k), 'pairs')} is drawn, picked by a fixed rule that treats "
            "old and new ties alike and draws a pair in both pictures when it is in both. The "
            "counts in the title and in the numbers are of every tie.")


def _picture_waves(ctx: Context, nodes: pd.DataFrame) -> list[str]:
    waves = ctx.sorted_waves(nodes["wave"])
    return [waves[0], waves[-1]] if len(waves) > 2 else waves


def _pictures(led, ctx: Context) -> None:
    nodes, edges = ctx.table("network_layout_nodes"), ctx.results.get("network_layout_edges")
    if not _has(nodes, {"wave"}) or not _has(edges, {"source", "target", "wave"}):
        return
    metrics = ctx.table("network_metrics")
    by_cohort = "cohort" in nodes.columns
    for cohort in (_cohorts(ctx, nodes["cohort"]) if by_cohort else [""]):
        n = nodes[nodes["cohort"].astype(str) == cohort] if cohort else nodes
        e = edges[edges["cohort"].astype(str) == cohort] if cohort and "cohort" in edges else edges
        waves = _picture_waves(ctx, n)
        if not waves:
            continue
        suffix = f":{cohort}" if cohort else ""
        cid = f"chart:{SECTION}:network{suffix}"
        where = f"cohort={cohort}; " if cohort else ""
        people = int(n["participant"].nunique()) if "participant" in n.columns else len(n) // len(waves)
        f = led.figures_of(cid, "network_layout_nodes", f"{where}column=participant (distinct)")
        p = f("people", people, integer(people), "people")
        ties, pairs, n_pairs = {}, {}, {}
        for w in waves:
            ew = e[e["wave"] == w]
            g = led.figures_of(cid, "network_layout_edges",
                               f"{where}wave={w}; column=source, target (distinct)")
            n_ties, n_pairs[w] = ties_named(ew), pairs_joined(ew)
            ties[w] = g(f"ties_{w}", n_ties, integer(n_ties), "ties")
            pairs[w] = g(f"pairs_{w}", n_pairs[w], integer(n_pairs[w]), "pairs")
        name = ctx.cohort(cohort) if cohort else "The cohort"
        whom = "person" if p == "1" else "people"
        if len(waves) == 2:
            w0, w1 = waves
            title = (f"{name}: {p} {whom}; {ties[w0]} ties named at {ctx.the_wave(w0)} and "
                     f"{ties[w1]} at {ctx.the_wave(w1)}")
        else:
            title = f"{name}: {p} {whom}; {ties[waves[0]]} ties named"
        text = " ".join(f"At {ctx.the_wave(w)}, {ties[w]} ties were named, joining {pairs[w]} "
                        "pairs of people." for w in waves)
        answered = ""
        m = None
        if _has(metrics, {"relation", "basis", "wave", "respondents", "roster_size"}):
            m = metrics[(metrics["relation"] == "any") & (metrics["basis"] == "roster")]
            if cohort and "cohort" in m.columns:
                m = m[m["cohort"].astype(str) == cohort]
            m = m[m["wave"].isin(waves)]
        if m is not None and len(m) == len(waves):
            parts = []
            for r in m.itertuples(index=False):
                h = led.figures_of(cid, "network_metrics",
                                   f"{where}wave={r.wave}; relation=any; basis=roster")
                parts.append(f"{h(f'respondents_{r.wave}', r.respondents, integer(r.respondents), 'people')} "
                             f"at {ctx.the_wave(r.wave)}")
            size = m["roster_size"].iloc[0]
            h = led.figures_of(cid, "network_metrics", f"{where}relation=any; basis=roster")
            answered = (f" The network survey was sent to the {h('roster_size', size, integer(size), 'people')} "
                        f"people on the programme's list and answered by {' and '.join(parts)}. A "
                        "person who did not answer still has the ties others named with them.")
        add_chart(led, cid, section=SECTION, aim=SECTION, title=title, text=text,
                  note=_PICTURE_NOTE + answered + " Two people who name each other are two ties "
                       "but one pair." + _thinned(led, cid, e, waves, where),
                  source_table="network_layout_edges", source_key=where.rstrip("; "), n=people)
        if m is not None and len(m):
            m = m.assign(wave_label=m["wave"].map(ctx.wave),
                         pairs=m["wave"].map(n_pairs))
            m = m.set_index("wave").loc[[w for w in waves if w in set(m["wave"])]].reset_index()
            add_table(led, f"table:{SECTION}:network{suffix}", section=SECTION, aim=SECTION,
                      frame=m, source_table="network_metrics",
                      key=["cohort", "wave", "relation", "basis"],
                      columns={"wave_label": "Survey", "roster_size": "People",
                               "respondents": "Answered", "response_rate": "Share who answered",
                               "ties": "Ties named", "pairs": "Pairs",
                               "mean_out_degree": "People named, on average",
                               "isolates": "People with no ties",
                               "largest_weak_component": "Largest connected group"},
                      formats={"response_rate": pct, "roster_size": integer,
                               "respondents": integer, "ties": integer, "pairs": integer,
                               "isolates": integer, "largest_weak_component": integer,
                               "mean_out_degree": lambda v: num(v, 1)},
                      units={"roster_size": "people", "respondents": "people",
                             "response_rate": "percent", "ties": "ties", "pairs": "pairs",
                             "mean_out_degree": "people", "isolates": "people",
                             "largest_weak_component": "people"},
                      numeric={"roster_size", "respondents", "response_rate", "ties", "pairs",
                               "mean_out_degree", "isolates", "largest_weak_component"},
                      sources={"pairs": ("network_layout_edges", "source, target (distinct pairs)"),
                               "wave_label": ("network_metrics", "wave")},
                      min_group_size=ctx.min_group_size)


# ---------------------------------------------------------------------- ties across boundaries
def boundary_shares(ctx: Context, b: pd.DataFrame) -> pd.DataFrame:
    """The share of ties crossing each boundary per wave, all cohorts summed, in page order."""
    waves = ctx.sorted_waves(b["wave"])
    pooled = (b.groupby(["attribute", "wave"], sort=False)[["ties", "external_ties"]]
              .sum().reset_index())
    pooled["share_external"] = pooled["external_ties"] / pooled["ties"].where(pooled["ties"] > 0)
    attrs = [a for a in ATTRIBUTE_WORDS if a in set(pooled["attribute"])]
    attrs += sorted(set(pooled["attribute"]) - set(attrs))
    rank = {w: i for i, w in enumerate(waves)}
    pooled = pooled.assign(_a=pooled["attribute"].map({a: i for i, a in enumerate(attrs)}),
                           _w=pooled["wave"].map(rank)).sort_values(["_a", "_w"])
    pooled["boundary"] = pooled["attribute"].map(lambda a: ATTRIBUTE_WORDS.get(a, str(a)))
    return pooled.drop(columns=["_a", "_w"]).reset_index(drop=True)


def _any_relation(b: pd.DataFrame) -> pd.DataFrame:
    return b[b["relation"] == "any"] if (b["relation"] == "any").any() else b


def _boundary_intervals(led, ctx: Context, cid: str, cohorts: list[str]) -> str:
    """"Among the 63 people who answered both times, … +35 points (95% range +23 to +46) …"."""
    iv = ctx.table("network_change_intervals")
    if not _has(iv, {"relation", "attribute", "measure", "estimate", "ci95_low", "ci95_high",
                     "people", "cohort"}):
        return ""
    whole = "all" if len(cohorts) > 1 else (cohorts[0] if cohorts else "all")
    iv = iv[(iv["relation"] == "any") & (iv["measure"] == "share_external_change")
            & (iv["cohort"].astype(str) == whole)]
    order = {a: i for i, a in enumerate(ATTRIBUTE_WORDS)}
    iv = iv.assign(_a=iv["attribute"].map(lambda a: order.get(a, 9))).sort_values("_a")
    if not len(iv):
        return ""
    parts = []
    for r in iv.itertuples(index=False):
        key = (f"cohort={r.cohort}; wave_from={r.wave_from}; wave_to={r.wave_to}; relation=any; "
               f"attribute={r.attribute}; measure=share_external_change")
        f = led.figures_of(cid, "network_change_intervals", key)
        est = f(f"change_{r.attribute}", r.estimate * 100, signed_points(r.estimate),
                "percentage points", n=r.people, low=r.ci95_low * 100, high=r.ci95_high * 100)
        lo = f(f"change_{r.attribute}_low", r.ci95_low * 100, signed_points(r.ci95_low),
               "percentage points")
        hi = f(f"change_{r.attribute}_high", r.ci95_high * 100, signed_points(r.ci95_high),
               "percentage points")
        parts.append(f"{ATTRIBUTE_WORDS.get(r.attribute, r.attribute)} {est} points "
                     f"(95% range {lo} to {hi})")
    r = iv.iloc[0]

    def f_key(r) -> str:
        return (f"cohort={r.cohort}; wave_from={r.wave_from}; wave_to={r.wave_to}; relation=any; "
                "measure=share_external_change")

    f = led.figures_of(cid, "network_change_intervals", f_key(r))
    level = f("confidence_level", 95, "95%", "percent",
              key=f"{f_key(r)}; column=ci95_low, ci95_high (bootstrap percentile interval)")
    people = f("people_both", r.people, integer(r.people), "people")
    t0 = f("ties_both_from", r.ties_from, integer(r.ties_from), "ties")
    t1 = f("ties_both_to", r.ties_to, integer(r.ties_to), "ties")
    return (f" Among the {people} people who answered the network survey both times "
            f"({t0} ties named at {ctx.the_wave(r.wave_from)}, {t1} at "
            f"{ctx.the_wave(r.wave_to)}), the share of ties crossing each boundary changed by: "
            + "; ".join(parts) + f". The {level} range is the range the change is likely to lie "
            "in (from resampling those people); one that includes no change could be chance.")


def _boundary(led, ctx: Context) -> None:
    b = ctx.table("network_boundary")
    if not _has(b, {"relation", "attribute", "wave", "ties", "external_ties"}):
        return
    b = _any_relation(b)
    pooled = boundary_shares(ctx, b)
    waves = ctx.sorted_waves(b["wave"])
    cohorts = _cohorts(ctx, b["cohort"]) if "cohort" in b.columns else []
    summed = "all cohorts summed" if len(cohorts) > 1 else f"cohort={cohorts[0]}" if cohorts else ""
    cid = f"chart:{SECTION}:boundary"
    shown = {}
    for r in pooled.itertuples(index=False):
        f = led.figures_of(cid, "network_boundary",
                           f"cohort={summed}; wave={r.wave}; relation=any; attribute={r.attribute}")
        shown[(r.attribute, r.wave)] = f(f"share_{r.attribute}_{r.wave}", r.share_external,
                                         pct(r.share_external), "percent", n=r.ties)
    attrs = list(dict.fromkeys(pooled["attribute"]))
    whose = "the cohorts'" if len(cohorts) > 1 else "the cohort's"
    first = attrs[0] if attrs else ""
    if len(waves) >= 2 and (first, waves[0]) in shown and (first, waves[-1]) in shown:
        s = pooled.set_index(["attribute", "wave"])["share_external"]
        word = direction_word(s[(first, waves[-1])] - s[(first, waves[0])], up="rose",
                              down="fell", same="stayed the same")
        title = (f"The share of {whose} ties crossing {_PLURAL.get(first, first)} {word} from "
                 f"{shown[(first, waves[0])]} at {ctx.the_wave(waves[0])} to "
                 f"{shown[(first, waves[-1])]} at {ctx.the_wave(waves[-1])}")
    else:
        title = "Share of ties that cross boundaries"
    text = "; ".join(
        f"{ATTRIBUTE_WORDS.get(a, a)}: " + ", ".join(f"{shown[(a, w)]} at {ctx.the_wave(w)}"
                                                    for w in waves if (a, w) in shown)
        for a in attrs) + "."
    totals = pooled.drop_duplicates("wave").set_index("wave")["ties"]
    f = led.figures_of(cid, "network_boundary", f"cohort={summed}; relation=any")
    counted = " and ".join(f"{f(f'ties_{w}', totals[w], integer(totals[w]), 'ties')} at "
                           f"{ctx.the_wave(w)}" for w in waves if w in totals.index)
    note = (f"Each bar is the share of all ties named by people on the programme's list "
            f"({counted}), any question, "
            + ("all cohorts together" if len(cohorts) > 1 else "one cohort")
            + ". A tie crosses a boundary when the two people are in different organisations "
              "(or sectors, places, roles)." + _boundary_intervals(led, ctx, cid, cohorts))
    add_chart(led, cid, section=SECTION, aim=SECTION, title=title, text=text, note=note,
              source_table="network_boundary", source_key=f"cohort={summed}; relation=any",
              n=float(totals.iloc[-1]) if len(totals) else np.nan)
    ranks = {"_c": {c: i for i, c in enumerate(cohorts)}, "_w": {w: i for i, w in enumerate(waves)},
             "_a": {a: i for i, a in enumerate(attrs)}}
    detail = b.assign(wave_label=b["wave"].map(ctx.wave),
                      cohort_label=b["cohort"].map(ctx.cohort) if "cohort" in b else "",
                      boundary=b["attribute"].map(lambda a: ATTRIBUTE_WORDS.get(a, str(a))),
                      _c=b["cohort"].astype(str).map(ranks["_c"]) if "cohort" in b else 0,
                      _a=b["attribute"].map(ranks["_a"]), _w=b["wave"].map(ranks["_w"]))
    detail = detail.sort_values(["_c", "_a", "_w"], kind="stable")  # as the chart: page order
    add_table(led, f"table:{SECTION}:boundary", section=SECTION, aim=SECTION, frame=detail,
              source_table="network_boundary", key=["cohort", "wave", "relation", "attribute"],
              columns={"cohort_label": "Cohort", "boundary": "Boundary", "wave_label": "Survey",
                       "ties": "Ties named", "external_ties": "Ties crossing",
                       "share_external": "Share of ties crossing",
                       "new_share_external": "Share of new ties crossing"},
              formats={"share_external": pct, "new_share_external": pct, "ties": integer,
                       "external_ties": integer},
              units={"ties": "ties", "external_ties": "ties", "share_external": "percent",
                     "new_share_external": "percent"},
              numeric={"ties", "external_ties", "share_external", "new_share_external"},
              sources={"cohort_label": ("network_boundary", "cohort"),
                       "wave_label": ("network_boundary", "wave"),
                       "boundary": ("network_boundary", "attribute")},
              min_group_size=ctx.min_group_size)


# ---------------------------------------------------------------------- how the network grew
def growth_counts(growth: pd.DataFrame, basis: str = "roster", relation: str = "any") -> pd.DataFrame:
    """Ties before and after, new, kept and no longer named, per cohort, of one relation."""
    g = growth[(growth["relation"] == relation) & (growth["basis"] == basis)]
    cols = ["cohort", "wave_from", "wave_to", "relation", "basis", "respondents_both",
            *_COUNTS]
    return g[[c for c in cols if c in g.columns]].reset_index(drop=True)


def _sum_phrase(led, cid: str, rows: pd.DataFrame, key: str, prefix: str) -> dict[str, str]:
    """The summed counts of ``rows`` as figures ``PREFIX_COLUMN``."""
    t = rows[[c for c in ("respondents_both", *_COUNTS) if c in rows.columns]].sum()
    f = led.figures_of(cid, "network_growth", key)
    return {c: f(f"{prefix}_{c}", t[c], integer(t[c]), "people" if c == "respondents_both" else "ties")
            for c in t.index}


def _growth(led, ctx: Context) -> None:
    g = ctx.table("network_growth")
    if not _has(g, {"relation", "basis", "wave_from", "wave_to", *_COUNTS}):
        return
    basis = "roster" if (g["basis"] == "roster").any() else str(g["basis"].iloc[0])
    main = growth_counts(g, basis)
    if not len(main):
        return
    wf, wt = str(main["wave_from"].iloc[0]), str(main["wave_to"].iloc[0])
    w0, w1 = ctx.wave(wf), ctx.wave(wt)
    main = main.assign(cohort_label=main["cohort"].map(ctx.cohort) if "cohort" in main else "")
    if len(main) > 1:
        total = main[list(_COUNTS)].sum()
        main = pd.concat([main, pd.DataFrame([{**total.to_dict(), "cohort": "all cohorts summed",
                                               "wave_from": wf, "wave_to": wt, "relation": "any",
                                               "basis": basis, "cohort_label": "All cohorts"}])],
                         ignore_index=True)
    add_table(led, f"table:{SECTION}:growth", section=SECTION, aim=SECTION, frame=main,
              source_table="network_growth",
              key=["cohort", "wave_from", "wave_to", "relation", "basis"],
              columns={"cohort_label": "Cohort", "ties_from": f"Ties named at the {w0}",
                       "ties_to": f"Ties named at the {w1}", "new_ties": "New ties",
                       "kept_ties": "Kept ties", "lost_ties": "Ties no longer named"},
              formats={c: integer for c in _COUNTS}, units={c: "ties" for c in _COUNTS},
              numeric=set(_COUNTS), suppressed=None,
              sources={"cohort_label": ("network_growth", "cohort")})
    cid = f"text:{SECTION}:growth"
    key = f"cohort=all cohorts summed; wave_from={wf}; wave_to={wt}"
    text = [f"New ties and kept ties add up to the ties named at the {w1}; kept ties and those no "
            f"longer named add up to the ties named at the {w0}."]
    both = growth_counts(g, "respondents")
    both = both if "respondents_both" in both.columns else both.iloc[:0]
    if len(both):
        t = _sum_phrase(led, cid, both, f"{key}; relation=any; basis=respondents", "both")
        text.append(
            "Some ties are no longer named only because someone did not answer the second time. "
            f"Among the {t['respondents_both']} people who answered the network survey both "
            f"times, {t['ties_from']} ties became {t['ties_to']}: {t['new_ties']} new, "
            f"{t['kept_ties']} kept and {t['lost_ties']} no longer named.")
    work = growth_counts(g, basis, "worked_with")
    if len(work):
        everyone = _sum_phrase(led, cid, growth_counts(g, basis),
                               f"{key}; relation=any; basis={basis}", "all")
        wk = _sum_phrase(led, cid, work, f"{key}; relation=worked_with; basis={basis}", "working")
        text.append(
            f"Three counts of ties, three quantities: all ties ({everyone['ties_from']} → "
            f"{everyone['ties_to']}) are every tie named by anyone on the programme's list, in "
            "answer to any question of the network survey"
            + (f"; ties among those who answered both times ({t['ties_from']} → {t['ties_to']}) "
               "leave out the people who answered once" if len(both) else "")
            + f"; working ties ({wk['ties_from']} → {wk['ties_to']}) are the ties named in answer "
            "to “who do you work with?”, a subset of all ties. A pair is two people joined by at "
            "least one tie: two people who name each other are two ties but one pair.")
    led.add(claim_id=cid, section=SECTION, kind="text", aim=SECTION, order=0,
            title="How the network grew", text=" | ".join(text), note="",
            source_table="network_growth", source_key=key)
    rel_order = {r: i for i, r in enumerate(RELATION_WORDS)}
    by_relation = g[g["basis"] == basis]
    by_relation = by_relation.assign(
        cohort_label=by_relation["cohort"].map(ctx.cohort) if "cohort" in by_relation else "",
        relation_label=by_relation["relation"].map(
            lambda r: RELATION_WORDS.get(r, str(r).replace("_", " "))),
        _r=by_relation["relation"].map(lambda r: rel_order.get(r, 9)))
    by_relation = by_relation.sort_values([c for c in ("cohort", "_r") if c in by_relation],
                                          kind="stable")
    add_table(led, f"table:{SECTION}:growth_relation", section=SECTION, aim=SECTION,
              frame=by_relation, source_table="network_growth",
              key=["cohort", "wave_from", "wave_to", "relation", "basis"],
              columns={"cohort_label": "Cohort", "relation_label": "Ties named (question)",
                       "ties_from": f"At the {w0}", "ties_to": f"At the {w1}",
                       "new_ties": "New ties", "kept_ties": "Kept ties",
                       "lost_ties": "Ties no longer named"},
              formats={c: integer for c in _COUNTS}, units={c: "ties" for c in _COUNTS},
              numeric=set(_COUNTS),
              sources={"cohort_label": ("network_growth", "cohort"),
                       "relation_label": ("network_growth", "relation")},
              min_group_size=ctx.min_group_size)


def network_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The network pictures, ties across boundaries and growth of aim 2."""
    ctx = Context(results, context)
    _pictures(led, ctx)
    _boundary(led, ctx)
    _growth(led, ctx)
