"""Aim 2 (network and trust): what people said, who is connected to whom, ties across
boundaries, and how the network grew.

Every count of ties on the page is the same count: ties *named* (one person naming
another; two people who name each other are two ties) between people on the
programme's list, any relation. The pictures draw one line per pair of people and
relation, and say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.report import figures as F
from evaluate.report import netdraw
from evaluate.report.format import integer, pct
from evaluate.report.page import Page
from evaluate.report.sections.aims import aim_full_title
from evaluate.report.sections.common import aim, safe_id
from evaluate.report.sections.network_change import certainty_block, core_block, roles_block
from evaluate.report.sections.survey import scale_evidence
from evaluate.report.table import make_table
from evaluate.words import count, direction_word, join_words

__all__ = ["build_aim2", "ties_named", "growth_counts"]

_ATTRIBUTE_WORDS = {"organisation": "organisation", "sector": "sector", "place": "place",
                    "role": "role"}


def ties_named(edges: pd.DataFrame) -> int:
    """Ties named: distinct (person naming, person named) pairs, any relation."""
    if not len(edges):
        return 0
    return int(len(edges[["source", "target"]].astype(str).drop_duplicates()))


def _pairs(edges: pd.DataFrame) -> int:
    if not len(edges):
        return 0
    a = edges["source"].astype(str).to_numpy()
    b = edges["target"].astype(str).to_numpy()
    return int(len(set(zip(np.minimum(a, b), np.maximum(a, b), strict=True))))


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
    metrics = page.table("network_metrics")
    figures = []
    for cohort in cohorts:
        n = nodes[nodes["cohort"].astype(str) == cohort] if cohort else nodes
        e = (edges[edges["cohort"].astype(str) == cohort]
             if cohort and "cohort" in edges.columns else edges)
        waves = page.sorted_waves(n["wave"])
        if len(waves) > 2:
            waves = [waves[0], waves[-1]]
        named = [ties_named(e[e["wave"] == w]) for w in waves]
        pairs = [_pairs(e[e["wave"] == w]) for w in waves]
        people = (n["participant"].nunique() if "participant" in n.columns
                  else len(n) // max(len(waves), 1))
        name = page.cohort(cohort) if cohort else "The cohort"
        if len(waves) == 2:
            title = (f"{name}: {count(people, 'person', 'people')}; {integer(named[0])} ties "
                     f"named at the {page.wave(waves[0])} and {integer(named[1])} at the "
                     f"{page.wave(waves[1])}")
        else:
            title = f"{name}: {count(people, 'person', 'people')}; {integer(named[0] if named else 0)} ties named"
        share = F.network_line_share(e, waves)
        fig = F.network_pictures(
            n, e, waves=waves, colour_by=attributes or ("sector",), line_share=share,
            wave_titles=[f"{page.wave(w)}: {integer(c)} ties" for w, c in zip(waves, named, strict=True)],
            wave_names=[page.wave(w) for w in waves], colours=page.colours)
        table = None
        if metrics is not None:
            m = metrics[(metrics["relation"] == "any") & (metrics["basis"] == "roster")]
            if "cohort" in m.columns and cohort:
                m = m[m["cohort"].astype(str) == cohort]
            m = m[m["wave"].isin(waves)]
            m = m.assign(wave_label=m["wave"].map(page.wave),
                         pairs=m["wave"].map(dict(zip(waves, pairs, strict=True))))
            table = make_table(m, {
                "wave_label": "Survey", "roster_size": "People", "respondents": "Answered",
                "response_rate": "Share who answered", "ties": "Ties named",
                "pairs": "Pairs of people connected", "mean_out_degree": "People named, on average",
                "isolates": "People with no ties", "largest_weak_component": "Largest connected group"},
                {"response_rate": pct, "roster_size": integer, "respondents": integer,
                 "ties": integer, "pairs": integer, "isolates": integer,
                 "largest_weak_component": integer, "mean_out_degree": lambda v: f"{v:.1f}"},
                numeric={"roster_size", "respondents", "response_rate", "ties", "pairs",
                         "mean_out_degree", "isolates", "largest_weak_component"})
        summary = " ".join(
            f"At the {page.wave(w)}, {integer(t)} ties were named, joining {integer(p)} pairs "
            "of people." for w, t, p in zip(waves, named, pairs, strict=True))
        fid = "fig-aim2-network-" + safe_id(cohort) if cohort else "fig-aim2-network"
        figures.append(page.figure(
            fid, fig, title=title, summary=summary, table=table, print_height=265,
            print_layout={"legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0,
                                     "yanchor": "top", "font": {"size": 9}},
                          "margin": {"l": 10, "r": 10, "t": 30, "b": 10}},
            note="Each mark is a person, in the same place in both pictures; its colour and "
                 "shape show the group. A line joins two people when either named the other: "
                 "solid for working together, dashed for going to each other for advice, dotted "
                 "for knowing each other before (hidden at first). "
                 "Thicker orange-red lines are new since the first survey. Groups too small to "
                 "show safely are merged into “Other (small groups)”." + _thinned(share),
            screen_note="The “Ties shown” buttons above the picture show or hide each kind of "
                        "tie."))
    return figures, ""


def _thinned(share: float) -> str:
    """What the page says when a large network's pictures draw only some of its ties."""
    if share >= 1:
        return ""
    return (f" This network is too large to draw every tie, so one pair of people in "
            f"{netdraw.one_in(share)} is drawn, picked by a fixed rule that treats old and new "
            "ties alike and draws a pair in both pictures when it is in both. The counts in the "
            "title and in the numbers are of every tie.")


def _boundary(page: Page):
    b = page.table("network_boundary")
    if b is None:
        return None, ("No results on ties across boundaries yet (they need the network survey "
                      "and a list of participants with organisation, sector or place).")
    b = b[b["relation"] == "any"] if (b["relation"] == "any").any() else b
    waves = page.sorted_waves(b["wave"])
    pooled = (b.groupby(["attribute", "wave"], sort=False)[["ties", "external_ties"]]
              .sum().reset_index())
    pooled["share_external"] = pooled["external_ties"] / pooled["ties"].where(pooled["ties"] > 0)
    attr_order = [a for a in ("organisation", "sector", "place", "role")
                  if a in set(pooled["attribute"])]
    attr_order += sorted(set(pooled["attribute"]) - set(attr_order))
    rank = {w: i for i, w in enumerate(waves)}
    pooled = pooled.assign(_a=pooled["attribute"].map({a: i for i, a in enumerate(attr_order)}),
                           _w=pooled["wave"].map(rank)).sort_values(["_a", "_w"])
    pooled["wave_label"] = pooled["wave"].map(page.wave)
    pooled["label"] = pooled["share_external"].map(pct)
    pooled["ties named"] = pooled["ties"].map(integer)
    pooled["crossing"] = pooled["external_ties"].map(integer)
    pooled["boundary"] = pooled["attribute"].map(lambda a: _ATTRIBUTE_WORDS.get(a, str(a)))
    org = pooled[pooled["attribute"] == attr_order[0]] if attr_order else pooled
    cohorts = sorted(set(b["cohort"].astype(str))) if "cohort" in b.columns else []
    whose = "the cohorts'" if len(cohorts) > 1 else "the cohort's"
    if len(waves) >= 2 and len(org) >= 2:
        s0, s1 = org.iloc[0]["share_external"], org.iloc[-1]["share_external"]
        word = direction_word(s1 - s0, up="More", down="Fewer", same="The same share")
        title = (f"{word} of {whose} ties cross {attr_order[0]} boundaries at the "
                 f"{page.wave(waves[-1])}: {pct(s1)}, against {pct(s0)} at the "
                 f"{page.wave(waves[0])}")
    else:
        title = "Share of ties that cross boundaries"
    fig = F.grouped_bar(pooled, "boundary", "share_external", color="wave_label",
                        color_order=[page.wave(w) for w in waves],
                        palette=[page.colours.wave(w) for w in waves], text="label",
                        y_title="share crossing", y_format=".0%",
                        y_range=(0, 1.12), hover=["crossing", "ties named"], height=380)
    detail = b.assign(wave_label=b["wave"].map(page.wave),
                      cohort_label=b["cohort"].map(page.cohort) if "cohort" in b else "")
    detail = detail.sort_values([c for c in ("cohort", "attribute", "wave") if c in detail],
                                kind="stable")
    table = make_table(detail, {
        "cohort_label": "Cohort", "attribute": "Boundary", "wave_label": "Survey",
        "ties": "Ties named", "external_ties": "Crossing", "share_external": "Share crossing",
        "new_share_external": "Share of new ties crossing"},
        {"share_external": pct, "new_share_external": pct, "ties": integer,
         "external_ties": integer},
        numeric={"ties", "external_ties", "share_external", "new_share_external"})
    summary = "; ".join(
        f"{a}: " + ", ".join(f"{x.label} at the {x.wave_label}" for x in block.itertuples(index=False))
        for a, block in pooled.groupby("boundary", sort=False)) + "."
    note = ("Ties of any kind named between people on the programme, "
            + ("all cohorts together" if len(cohorts) > 1 else "one cohort")
            + ". A tie crosses a boundary when the two people are in different organisations "
              "(or sectors, places, roles).")
    return page.figure("fig-aim2-boundary", fig, title=title, summary=summary, table=table,
                       note=note, print_height=230), ""


def growth_counts(growth: pd.DataFrame, basis: str = "roster") -> pd.DataFrame:
    """Ties named before and after, new, kept and no longer named, per cohort (any relation)."""
    g = growth[(growth["relation"] == "any") & (growth["basis"] == basis)]
    cols = ["cohort", "wave_from", "wave_to", "respondents_both", "ties_from", "ties_to",
            "new_ties", "kept_ties", "lost_ties"]
    return g[[c for c in cols if c in g.columns]].reset_index(drop=True)


def _growth(page: Page) -> dict:
    g = page.table("network_growth")
    if g is None:
        return {"empty": "No network growth results yet: the network survey is needed at two "
                         "waves."}
    basis = "roster" if (g["basis"] == "roster").any() else str(g["basis"].iloc[0])
    main = growth_counts(g, basis)
    if not len(main):
        return {"empty": "No network growth results yet."}
    w0, w1 = page.wave(main["wave_from"].iloc[0]), page.wave(main["wave_to"].iloc[0])
    main = main.assign(cohort_label=main["cohort"].map(page.cohort))
    if len(main) > 1:
        total = main[["ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties"]].sum()
        main = pd.concat([main, pd.DataFrame([{**total.to_dict(), "cohort_label": "All cohorts"}])],
                         ignore_index=True)
    table = make_table(main, {
        "cohort_label": "Cohort", "ties_from": f"Ties named at the {w0}",
        "ties_to": f"Ties named at the {w1}", "new_ties": "New", "kept_ties": "Kept",
        "lost_ties": "No longer named"}, {c: integer for c in
                                          ("ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties")},
        numeric={"ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties"}, suppressed=None)
    both = growth_counts(g, "respondents")
    text = [f"New ties and kept ties add up to the ties named at the {w1}; kept ties and those no "
            f"longer named add up to the ties named at the {w0}."]
    if len(both):
        t = both[["respondents_both", "ties_from", "ties_to", "new_ties", "kept_ties",
                  "lost_ties"]].sum()
        text.append(
            f"Some ties are no longer named only because someone did not answer the second time. "
            f"Among the {integer(t['respondents_both'])} people who answered the network survey "
            f"both times, {integer(t['ties_from'])} ties became {integer(t['ties_to'])}: "
            f"{integer(t['new_ties'])} new, {integer(t['kept_ties'])} kept and "
            f"{integer(t['lost_ties'])} no longer named.")
    by_relation = g[g["basis"] == basis].assign(
        cohort_label=lambda x: x["cohort"].map(page.cohort),
        relation_label=lambda x: x["relation"].map({"any": "any", "knew_before": "knew before",
                                                    "worked_with": "worked with",
                                                    "advice": "went to for advice"})
        .fillna(x["relation"].astype(str).str.replace("_", " ")))
    rel_order = {"any": 0, "knew_before": 1, "worked_with": 2, "advice": 3}
    by_relation = by_relation.assign(_r=by_relation["relation"].map(lambda r: rel_order.get(r, 9)))
    by_relation = by_relation.sort_values(["cohort", "_r"], kind="stable")
    detail = make_table(by_relation, {
        "cohort_label": "Cohort", "relation_label": "Relation", "ties_from": f"At the {w0}",
        "ties_to": f"At the {w1}", "new_ties": "New", "kept_ties": "Kept",
        "lost_ties": "No longer named"},
        {c: integer for c in ("ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties")},
        numeric={"ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties"})
    return {"table": table, "text": text, "detail": detail, "empty": ""}


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
