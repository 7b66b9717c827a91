"""The impact dashboard: one self-contained HTML page organised by the programme's aims.

:func:`render_dashboard` turns the analysis tables and the report context into
the text of ``dashboard.html``:

- plotly.js is embedded once, inline; each figure's data sits in a
  ``<script type="application/json">`` block and is drawn by a few lines of
  script. A Content-Security-Policy forbids every network request, so the
  page works on a locked-down laptop with no connection;
- figure ids are fixed names and every table is sorted, so the same results
  give the same page except for the generation timestamp;
- every chart has hover text and a "Show the numbers" table beside it; titles
  state the finding; colours are the Okabe–Ito palette;
- free text is HTML-escaped, only quotes whose author agreed to be quoted are
  shown, and rows suppressed for small groups are marked as such.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs
from scipy import stats as sps

from evaluate.privacy import escape_html
from evaluate.report import figures as F
from evaluate.report.format import (
    html_table,
    integer,
    interval,
    is_missing,
    num,
    p_value,
    pct,
    wave_label,
)

__all__ = ["SECTIONS", "render_dashboard"]

#: The dashboard's sections: (anchor id, heading); aim headings take the programme's words.
SECTIONS = (
    ("overview", "Overview"),
    ("aim1", "Aim 1"),
    ("aim2", "Aim 2"),
    ("aim3", "Aim 3"),
    ("reaction", "Reaction to the sessions"),
    ("voices", "Voices"),
    ("methods", "Data and methods"),
)

_STRENGTH_TEXT = {
    "strong": "Strong evidence",
    "moderate": "Moderate evidence",
    "limited": "Limited evidence",
    "weak": "Weak evidence",
    "none": "Not enough data",
}
_PLOT_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": False,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}


# =========================================================================== page model
@dataclass
class _Page:
    """Collects the figures (in page order) while the sections are written."""

    min_group_size: int = 5
    figures: list[tuple[str, str]] = field(default_factory=list)
    progress: Callable[[str], None] | None = None

    def figure(self, fig_id: str, fig, table_html: str = "", note: str = "") -> str:
        """Register a figure; return its HTML (plot area, numbers table, note)."""
        if any(fid == fig_id for fid, _ in self.figures):
            raise F.ReportError(f"Two figures share the id {fig_id!r}.")
        spec = pio.to_json(fig, validate=False, pretty=False, engine="json")
        self.figures.append((fig_id, spec.replace("<", "\\u003c")))
        title = fig.layout.title.text or ""
        label = escape_html(re.sub(r"<[^>]+>", "", title))
        height = int(fig.layout.height or 450)
        parts = [f'<figure class="chart"><div id="{fig_id}" class="plot" role="img" '
                 f'aria-label="{label}" style="height:{height}px"></div>']
        if note:
            parts.append(f'<figcaption>{note}</figcaption>')
        if table_html:
            parts.append(f'<details class="numbers"><summary>Show the numbers</summary>'
                         f'{table_html}</details>')
        parts.append("</figure>")
        return "".join(parts)


def _get(results: dict, name: str) -> pd.DataFrame | None:
    table = results.get(name) if results else None
    if isinstance(table, pd.DataFrame) and len(table):
        return table
    return None


def _empty(text: str) -> str:
    return f'<p class="empty">{escape_html(text)}</p>'


def _p(text: str) -> str:
    return f"<p>{escape_html(text)}</p>"


def _wave_rank(context: dict, waves: Sequence) -> dict:
    order = list(context.get("waves") or [])
    for w in waves:
        if w not in order:
            order.append(w)
    return {w: i for i, w in enumerate(order)}


def _sorted_waves(context: dict, waves) -> list:
    waves = [w for w in dict.fromkeys(waves) if not is_missing(w)]
    rank = _wave_rank(context, waves)
    return sorted(waves, key=lambda w: (rank.get(w, 99), str(w)))


def _aims(context: dict, statements: pd.DataFrame | None) -> list[tuple[str, str, str]]:
    """(id, short title, full title) of each aim, from the context or the statements."""
    out = []
    for a in context.get("aims") or []:
        if isinstance(a, dict):
            out.append((str(a.get("id")), str(a.get("short") or a.get("title")), str(a.get("title"))))
        else:
            out.append((str(a.id), str(getattr(a, "short", "") or a.title), str(a.title)))
    if not out and statements is not None:
        for aim, title in statements[["aim", "aim_title"]].drop_duplicates().itertuples(index=False):
            if aim:
                out.append((str(aim), str(title), str(title)))
    known = {a[0] for a in out}
    for aim_id in ("aim1", "aim2", "aim3"):
        if aim_id not in known:
            out.append((aim_id, aim_id.replace("aim", "Aim "), aim_id.replace("aim", "Aim ")))
    return out[:3] if len(out) >= 3 else out


def _scale_aims(results: dict) -> dict[str, str]:
    statements = _get(results, "statements")
    out = {}
    if statements is not None:
        for scale, aim in statements[["scale", "aim"]].itertuples(index=False):
            if scale and aim:
                out.setdefault(str(scale), str(aim))
    out.setdefault("change_challenge", "aim3")
    return out


def _first_comparison(prepost: pd.DataFrame, context: dict) -> tuple[str, str] | None:
    """The headline pair of waves: first wave → the next wave with scale results."""
    scales = prepost[prepost["kind"] == "scale"] if "kind" in prepost.columns else prepost
    if not len(scales):
        return None
    waves = _sorted_waves(context, list(scales["wave_pre"]) + list(scales["wave_post"]))
    first = waves[0]
    later = [w for w in waves[1:] if ((scales["wave_pre"] == first) & (scales["wave_post"] == w)).any()]
    return (first, later[0]) if later else None


def _mean_ci(mean, sd, n):
    """t-interval of a mean (for drawing): mean ± t(0.975, n−1) · sd / √n."""
    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


# =========================================================================== overview
def _strength_badge(strength: str) -> str:
    key = str(strength or "none").lower()
    return (f'<span class="badge badge-{escape_html(key)}">'
            f'{escape_html(_STRENGTH_TEXT.get(key, key.capitalize()))}</span>')


def _headline_rows(statements: pd.DataFrame, aim: str, context: dict) -> pd.DataFrame:
    rows = statements[statements["aim"].astype(str) == aim]
    if not len(rows):
        return rows
    rank = _wave_rank(context, list(rows["wave_post"]))
    order = rows["wave_post"].map(lambda w: rank.get(w, 99) if w else 999)
    return rows.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")


def _network_headline(results: dict, context: dict) -> str | None:
    boundary = _get(results, "network_boundary")
    if boundary is None or not {"attribute", "relation", "wave", "ties", "external_ties"} <= set(boundary.columns):
        return None
    b = boundary[(boundary["relation"] == "any") & (boundary["attribute"] == "organisation")]
    if not len(b):
        return None
    pooled = b.groupby("wave", sort=False)[["ties", "external_ties"]].sum()
    waves = _sorted_waves(context, pooled.index)
    if len(waves) < 2:
        return None
    w0, w1 = waves[0], waves[-1]
    s0 = pooled.loc[w0, "external_ties"] / pooled.loc[w0, "ties"] if pooled.loc[w0, "ties"] else np.nan
    s1 = pooled.loc[w1, "external_ties"] / pooled.loc[w1, "ties"] if pooled.loc[w1, "ties"] else np.nan
    verb = "rose" if s1 > s0 else "fell" if s1 < s0 else "stayed the same"
    return (f"In the network survey, the share of ties that cross organisations {verb} from "
            f"{pct(s0)} at the {wave_label(w0)} to {pct(s1)} at the {wave_label(w1)} "
            f"({integer(pooled.loc[w0, 'ties'])} ties, then {integer(pooled.loc[w1, 'ties'])}).")


def _evidence_cards(results: dict, context: dict, aims) -> str:
    statements = _get(results, "statements")
    cards = []
    for aim_id, short, full in aims:
        body = [f'<h3><a href="#{escape_html(aim_id)}">{escape_html(short)}</a></h3>',
                f'<p class="aim-title">{escape_html(full)}</p>']
        rows = _headline_rows(statements, aim_id, context) if statements is not None else None
        if rows is not None and len(rows):
            top = rows.iloc[0]
            body.append(_strength_badge(top.get("evidence_strength", "none")))
            body.append(f'<p class="statement">{escape_html(top["statement"])}</p>')
            if not is_missing(top.get("g_av")) and "g = " not in str(top["statement"]):
                body.append(f'<p class="effect">Effect size g<sub>av</sub> = {num(top["g_av"])} '
                            f'(95% CI {interval(top["g_av_ci95_low"], top["g_av_ci95_high"])}), '
                            f'{integer(top["n_pairs"])} matched people.</p>')
            reasons = [r.strip() for r in str(top.get("evidence_reasons") or "").split(";") if r.strip()]
            if reasons:
                body.append('<p class="reasons-h">Why this label:</p><ul class="reasons">'
                            + "".join(f"<li>{escape_html(r)}</li>" for r in reasons) + "</ul>")
            cautions = str(top.get("cautions") or "").strip()
            if cautions:
                body.append(f'<details><summary>Cautions</summary><p>{escape_html(cautions)}</p></details>')
            others = rows.iloc[1:]
            others = others[others["wave_post"] == top["wave_post"]] if len(others) else others
            if len(others):
                body.append('<details><summary>Other measures of this aim</summary><ul class="others">'
                            + "".join(f"<li>{_strength_badge(o.evidence_strength)} "
                                      f"{escape_html(o.statement)}</li>"
                                      for o in others.itertuples(index=False)) + "</ul></details>")
        else:
            body.append(_strength_badge("none"))
            body.append(_p("No survey results evidence this aim yet."))
        if aim_id == "aim2":
            net = _network_headline(results, context)
            if net:
                body.append(f'<p class="statement network">{escape_html(net)}</p>')
        cards.append(f'<article class="card">{"".join(body)}</article>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _response_rates(page: _Page, results: dict, context: dict) -> str:
    rates = _get(results, "attrition_rates")
    if rates is None or "response_rate" not in rates.columns:
        return _empty("No response rates: the workspace has no roster or no responses yet.")
    r = rates.copy()
    cohorts = [c for c in r["cohort"].astype(str).unique() if c != "all"]
    overall = r[r["cohort"].astype(str) == "all"] if (r["cohort"].astype(str) == "all").any() else None
    waves = _sorted_waves(context, r["wave"])
    rank = {w: i for i, w in enumerate(waves)}
    r = r.assign(_w=r["wave"].map(rank)).sort_values(["_w", "cohort"], kind="stable")
    r["wave_label"] = r["wave"].map(wave_label)
    r["label"] = r["response_rate"].map(pct)
    shown = r[r["cohort"].astype(str) != "all"] if cohorts else r
    if overall is not None and len(overall):
        o = overall.assign(_w=overall["wave"].map(rank)).sort_values("_w")
        parts = [f"{pct(x.response_rate)} {wave_label(x.wave)}" for x in o.itertuples(index=False)
                 if x.wave != waves[0]]
        n = integer(o["n_roster"].max())
        title = (f"Of the {n} people on the roster, " + ", ".join(parts[:4])
                 + " answered" if parts else f"Response rates of the {n} people on the roster")
    else:
        title = "Response rates by wave"
    fig = F.grouped_bar(shown, "wave_label", "response_rate", color="cohort",
                        color_order=sorted(shown["cohort"].astype(str).unique()),
                        palette=F.OKABE_ITO, text="label", title=title,
                        y_title="share of the roster who answered", y_format=".0%",
                        y_range=(0, 1.12), hover=["n_responded", "n_roster"], height=380)
    table = html_table(r.drop(columns=["_w"]), {
        "cohort": "Cohort", "wave_label": "Wave", "n_roster": "On roster",
        "n_responded": "Answered", "response_rate": "Response rate",
        "n_retained": "Also answered the first wave", "retention_rate": "Retained",
        "n_not_on_roster": "Not on roster"},
        {"response_rate": pct, "retention_rate": pct, "n_roster": integer,
         "n_responded": integer, "n_retained": integer, "n_not_on_roster": integer},
        numeric={"n_roster", "n_responded", "response_rate", "n_retained", "retention_rate",
                 "n_not_on_roster"})
    return page.figure("fig-response-rates", fig, table)


def _overview(page: _Page, results: dict, context: dict, aims) -> str:
    programme = context.get("programme") or "The programme"
    cohorts = context.get("cohorts") or []
    waves = context.get("waves") or []
    facts = []
    if cohorts:
        facts.append(f"Cohorts: {', '.join(map(str, cohorts))}")
    if waves:
        facts.append(f"Waves: {', '.join(wave_label(w) for w in waves)}")
    facts.append(f"Groups under {page.min_group_size} people are never shown")
    intro = (
        f'<p class="lead">What is the evidence that {escape_html(programme)} achieved its aims? '
        "Each card gives the headline result for one aim, the size of the change with its 95% "
        "confidence interval, and an honest label for how far the evidence can be trusted. "
        "With surveys before and after and no comparison group, the most any result here can "
        "be is <em>moderate</em> evidence: some change might have happened anyway.</p>"
        f'<p class="facts">{" · ".join(escape_html(f) for f in facts)}</p>')
    return (intro + _evidence_cards(results, context, aims)
            + _principles(results)
            + "<h3>Who answered</h3>" + _response_rates(page, results, context))


def _principles(results: dict) -> str:
    """The programme's principles: which scales measure each, and what changed."""
    table = _get(results, "principles") if results else None
    if table is None or not len(table):
        return ""
    t = table.copy()
    verdict = {"up": "rose", "down": "fell", "no clear change": "no clear change",
               "not asked at both waves": "not asked before and after"}
    t["verdict"] = t["changed"].map(verdict).fillna("no scale measures this principle yet")
    t["change"] = [
        "" if is_missing(a) else f"{num(a, 1)} → {num(b, 1)}"
        for a, b in zip(t["mean_pre"], t["mean_post"], strict=True)]
    t["effect"] = [
        "" if is_missing(g) else f"g = {num(g)} ({interval(lo, hi)})"
        for g, lo, hi in zip(t["g_av"], t["g_av_ci95_low"], t["g_av_ci95_high"], strict=True)]
    waves = t["wave_pre"].dropna()
    span = (f"{wave_label(waves.iloc[0])} → {wave_label(t['wave_post'].dropna().iloc[0])}"
            if len(waves) else "")
    n_rose = t.loc[t["changed"] == "up", "principle"].nunique()
    n_all = t["principle"].nunique()
    body = html_table(t, {"principle_title": "Principle", "scale_title": "Measured by",
                          "change": f"Mean score ({span})", "effect": "Effect size (95% CI)",
                          "verdict": "Result"}, suppressed=None)
    return (f"<h3>The programme's principles: {n_rose} of {n_all} show a rise on at least one "
            "measure</h3>" + body
            + '<p class="small">Each principle is measured by the survey scales the instruments '
              "link to it (a scale can serve more than one). “Rose” means the change is larger "
              "than chance would explain after adjusting for the number of comparisons.</p>")


# =========================================================================== survey evidence per aim
def _scale_evidence(page: _Page, results: dict, context: dict, aim_id: str, aim_short: str) -> str:
    prepost = _get(results, "prepost")
    if prepost is None:
        return _empty("No pre/post results: the survey evidence appears once a baseline and a "
                      "later survey have both been imported.")
    aims = _scale_aims(results)
    scales = prepost[(prepost["kind"] == "scale") & prepost["measure"].map(lambda m: aims.get(str(m)) == aim_id)]
    pair = _first_comparison(prepost, context)
    if not len(scales) or pair is None:
        return _empty(f"No survey scale measures {aim_short} at two waves yet.")
    first, later = pair
    parts = []
    head = scales[(scales["wave_pre"] == first) & (scales["wave_post"] == later)].copy()
    if len(head):
        lo_pre, hi_pre = _mean_ci(head["mean_pre"], head["sd_pre"], head["n_pairs"])
        lo_post, hi_post = _mean_ci(head["mean_post"], head["sd_post"], head["n_pairs"])
        head = head.assign(pre_low=lo_pre, pre_high=hi_pre, post_low=lo_post, post_high=hi_post,
                           change=head["mean_diff"].map(lambda v: num(v)),
                           n=head["n_pairs"].map(integer),
                           p=head["p_adj"].map(p_value))
        up = int((head["mean_diff"] > 0).sum())
        sig = int(((head["mean_diff"] > 0) & (head["p_adj"] < 0.05)).sum())
        k = len(head)
        if k == 1:
            h = head.iloc[0]
            verb = "rose" if h.mean_diff > 0 else "fell" if h.mean_diff < 0 else "did not change"
            title = (f"{h.title} {verb} from {num(h.mean_pre, 1)} to {num(h.mean_post, 1)} "
                     f"between {wave_label(first)} and {wave_label(later)}")
        else:
            title = (f"{up} of {k} {aim_short.lower()} scales were higher at the {wave_label(later)} "
                     f"than at {wave_label(first)}; {sig} by more than chance would explain")
        lo = float(np.nanmin(head[["scale_min"]].to_numpy())) if "scale_min" in head else 1.0
        hi = float(np.nanmax(head[["scale_max"]].to_numpy())) if "scale_max" in head else 5.0
        fig = F.dumbbell(head, "title", "mean_pre", "mean_post", start_low="pre_low",
                         start_high="pre_high", end_low="post_low", end_high="post_high",
                         start_label=wave_label(first), end_label=wave_label(later), title=title,
                         x_title=f"mean score ({num(lo, 0)} to {num(hi, 0)}), dots with 95% CIs",
                         x_range=(lo - 0.1, hi + 0.1), hover=["n", "change", "p"])
        table = html_table(head, {
            "title": "Scale", "n_pairs": "Matched people", "mean_pre": f"Mean {wave_label(first)}",
            "mean_post": f"Mean {wave_label(later)}", "mean_diff": "Change",
            "ci95_low": "95% CI low", "ci95_high": "95% CI high", "headline_test": "Test",
            "p_val": "p", "p_adj": "p (adjusted)"},
            {"p_val": p_value, "p_adj": p_value, "n_pairs": integer},
            numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "ci95_low", "ci95_high",
                     "p_val", "p_adj"})
        parts.append(page.figure(f"fig-{aim_id}-prepost", fig, table,
                                 note="Means of the people who answered both surveys; the line "
                                      "joins the two waves. Hover for the numbers."))
    ff = scales[scales["wave_pre"] == first].copy()
    ff = ff[ff["g_av"].notna()] if "g_av" in ff.columns else ff.iloc[0:0]
    if len(ff):
        rank = _wave_rank(context, ff["wave_post"])
        ff = ff.assign(_o=ff["wave_post"].map(rank)).sort_values(["_o"], kind="stable")
        ff["comparison_label"] = ff["wave_pre"].map(wave_label) + " → " + ff["wave_post"].map(wave_label)
        ff["n"] = ff["n_pairs"].map(integer)
        ff["p"] = ff["p_adj"].map(p_value)
        best = ff.loc[ff["g_av"].abs().idxmax()]
        excl = int(((ff["g_av_ci95_low"] > 0) | (ff["g_av_ci95_high"] < 0)).sum())
        title = (f"Largest change: {best.title} (g = {num(best.g_av)}, {wave_label(best.wave_pre)} "
                 f"→ {wave_label(best.wave_post)}); {excl} of {len(ff)} intervals exclude no change")
        fig = F.forest(ff, "title", "g_av", "g_av_ci95_low", "g_av_ci95_high",
                       color="comparison_label", title=title,
                       x_title="effect size Hedges' g_av (0 = no change)", hover=["n", "p"])
        table = html_table(ff, {
            "title": "Scale", "comparison_label": "Comparison", "n_pairs": "Matched people",
            "g_av": "g_av", "g_av_ci95_low": "95% CI low", "g_av_ci95_high": "95% CI high",
            "dz": "d_z", "p_adj": "p (adjusted)", "share_improved": "Improved",
            "share_declined": "Declined"},
            {"p_adj": p_value, "share_improved": pct, "share_declined": pct, "n_pairs": integer},
            numeric={"n_pairs", "g_av", "g_av_ci95_low", "g_av_ci95_high", "dz", "p_adj",
                     "share_improved", "share_declined"})
        parts.append(page.figure(
            f"fig-{aim_id}-forest", fig, table,
            note="Hedges' g<sub>av</sub>: the change in standard deviations (average of the two "
                 "waves). Dotted lines mark Cohen's small (0.2), medium (0.5) and large (0.8)."))
    return "".join(parts)


def _likert(page: _Page, results: dict, context: dict, fig_id: str, items_filter, waves_pick,
            title_subject: str, empty_text: str) -> str:
    dist = _get(results, "item_distribution")
    if dist is None:
        return _empty("Answer-by-answer distributions are not in these results "
                      "(the table item_distribution), so the spread of answers is not drawn.")
    d = dist[dist.apply(items_filter, axis=1)] if len(dist) else dist
    if "then_of" in d.columns:
        d = d[d["then_of"].fillna("") == ""]
    if not len(d):
        return _empty(empty_text)
    waves = waves_pick(_sorted_waves(context, d["wave"]))
    d = d[d["wave"].isin(waves)]
    if not len(d) or not len(waves):
        return _empty(empty_text)
    rank = {w: i for i, w in enumerate(waves)}
    item_order = list(dict.fromkeys(d["item"]))
    d = d.assign(_i=d["item"].map({it: i for i, it in enumerate(item_order)}),
                 _w=d["wave"].map(rank)).sort_values(["_i", "_w", "code"], kind="stable")
    text = d["item_text"].astype(str)
    rev = d["reverse"].fillna(False).astype(bool) if "reverse" in d.columns else False
    text = text.where(~rev, text + " (reverse-worded)")
    d = d.assign(statement=text, wave_label=d["wave"].map(wave_label),
                 row=text + " — " + d["wave"].map(wave_label))
    supp = d[d["suppressed"].fillna(False).astype(bool)] if "suppressed" in d.columns else d.iloc[0:0]
    d_ok = d.drop(supp.index)
    labels = list(dict.fromkeys(d.sort_values("code")["label"].astype(str)))
    neutral = labels[len(labels) // 2] if len(labels) % 2 else None
    # headline: share agreeing (top two answers) on items worded so that agreeing is good
    top = set(labels[-2:])
    pos = d_ok[~d_ok["reverse"].fillna(False).astype(bool)] if "reverse" in d_ok else d_ok
    agree = pos[pos["label"].astype(str).isin(top)].groupby("wave")["n"].sum()
    total = pos.groupby("wave")["n"].sum()
    share = (agree / total.where(total > 0)).reindex(waves)
    if len(waves) >= 2 and share.notna().all():
        title = (f"{pct(share.iloc[-1])} of answers to the {title_subject} agreed at the "
                 f"{wave_label(waves[-1])}, against {pct(share.iloc[0])} at the {wave_label(waves[0])}")
    elif share.notna().any():
        title = f"{pct(share.dropna().iloc[-1])} of answers to the {title_subject} agreed"
    else:
        title = f"How people answered the {title_subject}"
    fig = F.diverging_likert(d_ok, "statement", "label", "share", order=labels,
                             subrow="wave_label", neutral=neutral, n="n", title=title)
    wide = d.pivot_table(index=["_i", "_w", "row"], columns="label", values="share",
                         aggfunc="first", dropna=False, sort=True).reset_index()
    wide = wide.merge(d.groupby("row", sort=False)[["n_answered", "suppressed"]].first().reset_index(),
                      on="row", how="left")
    cols = {"row": "Statement — wave", "n_answered": "Answered"} | {c: c for c in labels}
    table = html_table(wide, cols, {c: pct for c in labels} | {"n_answered": integer},
                       min_group_size=page.min_group_size,
                       numeric=set(labels) | {"n_answered"})
    note = ("Each bar is 100% of the people who answered that statement at that wave; "
            "disagreeing answers are to the left of the line, agreeing to the right, and the "
            "middle answer is split across it.")
    if len(supp):
        note += f" {supp['row'].nunique()} statement(s) answered by fewer than {page.min_group_size} people are not drawn."
    return page.figure(fig_id, fig, table, note=note)


def _then_test(page: _Page, results: dict, context: dict) -> str:
    then = _get(results, "then_test")
    if then is None:
        return _empty("No retrospective (then-test) results: the later surveys in this workspace "
                      "do not ask people to look back at where they started.")
    t = then[then["kind"] == "scale"] if "kind" in then.columns else then
    if not len(t):
        return _empty("No retrospective (then-test) scale results.")
    then_waves = _sorted_waves(context, t["then_wave"])
    w = then_waves[0]
    t = t[t["then_wave"] == w]
    vs_post = t[t["comparison"].astype(str).str.startswith("then-test vs post")]
    vs_base = t[t["comparison"].astype(str).str.contains("baseline")]
    rows = []
    for r in vs_base.itertuples(index=False):
        rows.append({"scale": r.title, "measure": r.measure, "point": f"{wave_label(r.wave_pre)} (at the time)",
                     "mean": r.mean_pre, "n": r.n_pairs})
        rows.append({"scale": r.title, "measure": r.measure, "point": f"looking back from the {wave_label(w)}",
                     "mean": r.mean_post, "n": r.n_pairs})
    for r in vs_post.itertuples(index=False):
        if not any(x["measure"] == r.measure and x["point"].startswith("looking back") for x in rows):
            rows.append({"scale": r.title, "measure": r.measure,
                         "point": f"looking back from the {wave_label(w)}", "mean": r.mean_pre,
                         "n": r.n_pairs})
        rows.append({"scale": r.title, "measure": r.measure, "point": f"{wave_label(w)} (now)",
                     "mean": r.mean_post, "n": r.n_pairs})
    if not rows:
        return _empty("No retrospective (then-test) scale results.")
    d = pd.DataFrame(rows)
    d["n"] = d["n"].map(integer)
    points = list(dict.fromkeys(d["point"]))
    order = sorted(points, key=lambda p: 0 if "at the time" in p else 1 if "looking back" in p else 2)
    lower = int((vs_base["mean_diff"] < 0).sum()) if "mean_diff" in vs_base else 0
    if len(vs_base):
        title = (f"Looking back, people placed their starting point lower than they rated it at "
                 f"the time on {lower} of {len(vs_base)} scales")
    else:
        title = "Where people think they started, and where they are now"
    fig = F.dot_interval(d, "scale", "mean", color="point", color_order=order,
                         palette=[F.WAVE_COLOURS[0], F.OKABE_ITO[1], F.WAVE_COLOURS[1]],
                         title=title, x_title="mean score", hover=["n"])
    tt = t.assign(comparison_label=t["comparison"].astype(str))
    table = html_table(tt, {
        "title": "Scale", "comparison_label": "Comparison", "n_pairs": "People",
        "mean_pre": "First mean", "mean_post": "Second mean", "mean_diff": "Difference",
        "g_av": "g_av", "p_adj": "p (adjusted)"}, {"p_adj": p_value, "n_pairs": integer},
        numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "g_av", "p_adj"})
    note = ("The then-test asks people at the end to rate where they think they were before the "
            "programme. If they now rate their start lower than they did at the time, the "
            "baseline survey may understate the change (response shift); if the same, the "
            "baseline is a fair starting point.")
    return page.figure("fig-aim1-then-test", fig, table, note=note)


def _subgroups_and_cohorts(results: dict, context: dict, aim_id: str, min_group: int) -> str:
    aims = _scale_aims(results)
    out = []
    anova = _get(results, "cohort_anova")
    if anova is not None and "source" in anova.columns:
        a = anova[anova["scale"].map(lambda s: aims.get(str(s)) == aim_id)
                  & (anova["source"].astype(str).str.contains("×"))]
        if len(a):
            out.append("<details><summary>Did the cohorts change differently? (time × cohort "
                       "mixed ANOVA)</summary>" + html_table(a, {
                           "title": "Scale", "comparison": "Comparison", "f": "F",
                           "df1": "df1", "df2": "df2", "p_val": "p", "np2": "partial η²",
                           "n_participants": "People", "n_cohorts": "Cohorts", "note": "Note"},
                           {"p_val": p_value, "df1": lambda v: num(v, 0),
                            "df2": lambda v: num(v, 0)}) + "</details>")
    sub = _get(results, "subgroups")
    if sub is not None and "scale" in sub.columns:
        pair = None
        prepost = _get(results, "prepost")
        if prepost is not None:
            pair = _first_comparison(prepost, context)
        s = sub[sub["scale"].map(lambda m: aims.get(str(m)) == aim_id)]
        if pair is not None:
            s = s[(s["wave_pre"] == pair[0]) & (s["wave_post"] == pair[1])]
        if len(s):
            s = s.sort_values(["attribute", "group", "scale"], kind="stable")
            n_supp = int(s["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in s else 0
            out.append(f"<details><summary>Change by sector, place and other groups "
                       f"(exploratory; {n_supp} group result(s) suppressed)</summary>"
                       + html_table(s, {
                           "attribute": "Grouped by", "group": "Group", "title": "Scale",
                           "n_pairs": "People", "mean_pre": "Mean before", "mean_post": "Mean after",
                           "mean_diff": "Change", "g_av": "g_av"},
                           {"n_pairs": integer}, min_group_size=min_group,
                           numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "g_av"})
                       + "<p class=\"small\">Subgroup results are exploratory and not adjusted for "
                         "multiple comparisons. Groups smaller than the threshold are suppressed, "
                         "and where only one group of a set would be hidden a second one is too, "
                         "so a hidden value cannot be worked out from a total.</p></details>")
    return "".join(out)


def _aim_title(full: str, aim_id: str) -> str:
    if full == aim_id.replace("aim", "Aim "):
        return ""
    return f'<p class="aim-title">{escape_html(full)}</p>'


def _aim1(page: _Page, results: dict, context: dict, aim) -> str:
    aim_id, short, full = aim
    aims = _scale_aims(results)
    parts = [_aim_title(full, aim_id),
             _scale_evidence(page, results, context, aim_id, short)]
    scale_ids = {s for s, a in aims.items() if a == aim_id}
    prepost = _get(results, "prepost")
    pair = _first_comparison(prepost, context) if prepost is not None else None
    parts.append("<h3>How the answers shifted, statement by statement</h3>")
    parts.append(_likert(
        page, results, context, "fig-aim1-likert",
        lambda r: str(r.get("scale", "")) in scale_ids,
        (lambda ws: [w for w in ws if w in pair]) if pair else (lambda ws: ws[:2]),
        f"{short.lower()} statements",
        f"No answer distributions for the {short.lower()} statements."))
    parts.append("<h3>Looking back: the then-test</h3>")
    parts.append(_then_test(page, results, context))
    parts.append(_subgroups_and_cohorts(results, context, aim_id, page.min_group_size))
    return "".join(parts)


# =========================================================================== aim 2: network
def _network(page: _Page, results: dict, context: dict) -> str:
    nodes = _get(results, "network_layout_nodes")
    edges = results.get("network_layout_edges")
    if nodes is None or edges is None:
        checks = _get(results, "network_checks")
        msg = "No network survey results: import the network survey at two waves to see how the cohort's ties grew."
        if checks is not None and "message" in checks.columns:
            extra = [m for m in checks["message"].astype(str) if m]
            if extra:
                msg += " " + extra[0]
        return _empty(msg)
    parts = []
    cohorts = sorted(nodes["cohort"].astype(str).unique()) if "cohort" in nodes.columns else [""]
    for cohort in cohorts:
        n = nodes[nodes["cohort"].astype(str) == cohort] if cohort else nodes
        e = edges[edges["cohort"].astype(str) == cohort] if cohort and "cohort" in edges.columns else edges
        waves = _sorted_waves(context, n["wave"])
        if len(waves) > 2:
            waves = [waves[0], waves[-1]]
        counts = []
        for w in waves:
            ew = e[e["wave"] == w]
            a = ew["source"].astype(str).to_numpy()
            b = ew["target"].astype(str).to_numpy()
            counts.append(len(set(zip(np.minimum(a, b), np.maximum(a, b), strict=True))) if len(ew) else 0)
        people = n["participant"].nunique() if "participant" in n.columns else len(n) // max(len(waves), 1)
        if len(waves) == 2:
            title = (f"Cohort {cohort}: {people} people, {counts[0]} pairs connected at the "
                     f"{wave_label(waves[0])} and {counts[1]} at the {wave_label(waves[1])}")
        else:
            title = f"Cohort {cohort}: {people} people, {counts[0] if counts else 0} pairs connected"
        fig = F.network_pictures(
            n, e, waves=waves, wave_titles=[f"{wave_label(w)} ({c} pairs)" for w, c in zip(waves, counts, strict=True)],
            title=title)
        # numbers: ties between and within groups, by sector (no person-level rows)
        table = _network_numbers(results, cohort, waves)
        fid = "fig-aim2-network-" + re.sub(r"[^a-z0-9]+", "-", cohort.lower()).strip("-") if cohort else "fig-aim2-network"
        parts.append(page.figure(
            fid, fig, table,
            note="Each dot is a person, in the same place in both pictures. Solid lines join "
                 "people who work together, dashed lines people who go to each other for "
                 "advice; dotted lines (people who knew each other before) appear when you click "
                 "“knew before” in the key. Vermillion lines are new since the first wave. "
                 "Colours show the group; groups too small to show safely are merged into "
                 "“Other (small groups)”. Use the buttons to colour by sector, organisation or "
                 "place."))
    return "".join(parts)


def _network_numbers(results: dict, cohort: str, waves) -> str:
    metrics = _get(results, "network_metrics")
    if metrics is None:
        return ""
    m = metrics[(metrics["relation"] == "any") & (metrics["basis"] == "roster")]
    if "cohort" in m.columns and cohort:
        m = m[m["cohort"].astype(str) == cohort]
    m = m[m["wave"].isin(waves)]
    return html_table(m.assign(wave_label=m["wave"].map(wave_label)), {
        "wave_label": "Wave", "roster_size": "People", "respondents": "Answered",
        "response_rate": "Response rate", "ties": "Ties reported", "density": "Density",
        "mean_out_degree": "Mean people named", "isolates": "People with no ties",
        "largest_weak_component": "Largest connected group"},
        {"response_rate": pct, "density": lambda v: num(v, 3), "roster_size": integer,
         "respondents": integer, "ties": integer, "isolates": integer,
         "largest_weak_component": integer})


def _boundary(page: _Page, results: dict, context: dict) -> str:
    b = _get(results, "network_boundary")
    if b is None:
        return _empty("No boundary-spanning results (needs the network survey and a roster with "
                      "organisation, sector or place).")
    b = b[b["relation"] == "any"] if (b["relation"] == "any").any() else b
    waves = _sorted_waves(context, b["wave"])
    pooled = (b.groupby(["attribute", "wave"], sort=False)[["ties", "external_ties", "internal_ties"]]
              .sum().reset_index())
    pooled["share_external"] = pooled["external_ties"] / pooled["ties"].where(pooled["ties"] > 0)
    pooled["ei_index"] = ((pooled["external_ties"] - pooled["internal_ties"])
                          / pooled["ties"].where(pooled["ties"] > 0))
    attr_order = [a for a in ("organisation", "sector", "place", "role") if a in set(pooled["attribute"])]
    attr_order += sorted(set(pooled["attribute"]) - set(attr_order))
    rank = {w: i for i, w in enumerate(waves)}
    pooled = pooled.assign(_a=pooled["attribute"].map({a: i for i, a in enumerate(attr_order)}),
                           _w=pooled["wave"].map(rank)).sort_values(["_a", "_w"])
    pooled["wave_label"] = pooled["wave"].map(wave_label)
    pooled["label"] = pooled["share_external"].map(pct)
    pooled["E-I index"] = pooled["ei_index"].map(num)
    pooled["ties reported"] = pooled["ties"].map(integer)
    org = pooled[pooled["attribute"] == attr_order[0]] if attr_order else pooled
    if len(waves) >= 2 and len(org) >= 2:
        s0, s1 = org.iloc[0]["share_external"], org.iloc[-1]["share_external"]
        verb = "More" if s1 > s0 else "Fewer" if s1 < s0 else "The same share of"
        title = (f"{verb} of the cohort's ties cross {attr_order[0]} boundaries at the "
                 f"{wave_label(waves[-1])}: {pct(s1)}, against {pct(s0)} at the {wave_label(waves[0])}")
    else:
        title = "Share of ties that cross boundaries"
    fig = F.grouped_bar(pooled, "attribute", "share_external", color="wave_label",
                        color_order=[wave_label(w) for w in waves], text="label", title=title,
                        y_title="share of ties crossing the boundary", y_format=".0%",
                        y_range=(0, 1.1), hover=["E-I index", "ties reported"], height=400)
    detail = b.assign(wave_label=b["wave"].map(wave_label))
    sort_cols = [c for c in ("cohort", "attribute", "wave") if c in detail.columns]
    detail = detail.sort_values(sort_cols, kind="stable")
    table = html_table(detail, {
        "cohort": "Cohort", "attribute": "Boundary", "wave_label": "Wave", "ties": "Ties",
        "external_ties": "Crossing", "share_external": "Share crossing", "ei_index": "E-I index",
        "group_pairs_connected": "Group pairs connected", "group_pairs": "Group pairs",
        "new_share_external": "Share of new ties crossing"},
        {"share_external": pct, "new_share_external": pct, "ties": integer,
         "external_ties": integer, "group_pairs_connected": integer, "group_pairs": integer},
        numeric={"ties", "external_ties", "share_external", "ei_index", "group_pairs_connected",
                 "group_pairs", "new_share_external"})
    note = ("Ties of any kind between people on the roster, all cohorts together. The E-I index "
            "(Krackhardt and Stern, 1988) runs from −1 (all ties inside groups) to +1 (all ties "
            "across groups).")
    return page.figure("fig-aim2-boundary", fig, table, note=note)


def _growth(results: dict, context: dict) -> str:
    g = _get(results, "network_growth")
    if g is None:
        return _empty("No network growth results: the network survey is needed at two waves.")
    g = g[g["basis"] == "respondents"] if (g["basis"] == "respondents").any() else g
    rel_order = {"any": 0, "knew_before": 1, "worked_with": 2, "advice": 3}
    g = g.assign(_r=g["relation"].map(lambda r: rel_order.get(r, 9)),
                 relation_label=g["relation"].astype(str).str.replace("_", " "),
                 waves=g["wave_from"].map(wave_label) + " → " + g["wave_to"].map(wave_label))
    g = g.sort_values([c for c in ("cohort", "_r") if c in g.columns], kind="stable")
    return ("<p>Ties between people who answered the network survey at both waves (so a tie is "
            "not counted as lost because someone did not answer the second time).</p>"
            + html_table(g, {
                "cohort": "Cohort", "waves": "Waves", "relation_label": "Relation",
                "respondents_both": "Answered both", "ties_from": "Ties before",
                "ties_to": "Ties after", "new_ties": "New", "kept_ties": "Kept",
                "lost_ties": "Lost", "jaccard": "Overlap (Jaccard)"},
                {"respondents_both": integer, "ties_from": integer, "ties_to": integer,
                 "new_ties": integer, "kept_ties": integer, "lost_ties": integer},
                numeric={"respondents_both", "ties_from", "ties_to", "new_ties", "kept_ties",
                         "lost_ties", "jaccard"}))


def _aim2(page: _Page, results: dict, context: dict, aim) -> str:
    aim_id, short, full = aim
    return "".join([
        _aim_title(full, aim_id),
        "<h3>What participants said about their network</h3>",
        _scale_evidence(page, results, context, aim_id, short),
        "<h3>Who is connected to whom: before and after</h3>",
        _network(page, results, context),
        "<h3>Ties across boundaries</h3>",
        _boundary(page, results, context),
        "<h3>How the network grew</h3>",
        _growth(results, context),
    ])


# =========================================================================== aim 3
def _aim3(page: _Page, results: dict, context: dict, aim) -> str:
    aim_id, short, full = aim
    parts = [_aim_title(full, aim_id),
             _scale_evidence(page, results, context, aim_id, short),
             "<h3>Change challenges: progress and collaboration</h3>"]
    dist = _get(results, "item_distribution")
    cc_items = None
    if dist is not None:
        cc = dist[(dist["scale"].astype(str) == "change_challenge")
                  | dist["item"].astype(str).str.startswith("cc_")]
        cc_items = set(cc["item"]) if len(cc) else None
    if cc_items:
        parts.append(_likert(page, results, context, "fig-aim3-change-challenge",
                             lambda r: r["item"] in cc_items, lambda ws: ws[-2:] if len(ws) > 1 else ws,
                             "change-challenge statements",
                             "No answers to the change-challenge questions yet."))
    else:
        parts.append(_empty("No change-challenge answer distributions in these results."))
    prepost = _get(results, "prepost")
    if prepost is not None:
        cc = prepost[prepost["measure"].astype(str).isin(["change_challenge", *sorted(cc_items or [])])]
        if len(cc):
            cc = cc.assign(comparison_label=cc["wave_pre"].map(wave_label) + " → " + cc["wave_post"].map(wave_label))
            parts.append("<details><summary>Change-challenge ratings between waves</summary>"
                         + html_table(cc, {
                             "title": "Measure", "comparison_label": "Waves",
                             "n_pairs": "People", "mean_pre": "Mean before", "mean_post": "Mean after",
                             "mean_diff": "Change", "p_adj": "p (adjusted)",
                             "share_improved": "Improved", "share_declined": "Declined"},
                             {"n_pairs": integer, "p_adj": p_value, "share_improved": pct,
                              "share_declined": pct},
                             numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "p_adj",
                                      "share_improved", "share_declined"}) + "</details>")
    return "".join(parts)


# =========================================================================== reaction
def _reaction(page: _Page, results: dict, context: dict) -> str:
    r = _get(results, "reaction")
    if r is None:
        return _empty("No session feedback in this workspace yet.")
    parts = []
    ratings = r[r["kind"] == "rating"] if "kind" in r.columns else r
    shown = ratings[~ratings["suppressed"].fillna(False).astype(bool)] if "suppressed" in ratings else ratings
    if len(shown):
        d = shown.copy()
        d["label"] = d["item_text"].astype(str).str.replace(r"^How useful was the session:\s*", "",
                                                            regex=True).str.rstrip("?")
        d["module_label"] = d["module_title"].fillna(d["module"]).astype(str)
        d["n"] = d["n_responses"].map(integer)
        d = d.sort_values(["module", "item"], kind="stable")
        overall = d[d["item"] == "overall_rating"]
        sessions = d[d["item"] != "overall_rating"]
        top = sessions.loc[sessions["mean"].idxmax()] if len(sessions) else None
        scale_max = num(d["scale_max"].max(), 0) if "scale_max" in d else "5"
        if len(overall):
            low, high = num(overall["mean"].min(), 1), num(overall["mean"].max(), 1)
            if len(overall) == 1:
                title = f"The day was rated {low} out of {scale_max} overall"
            elif low == high:
                title = f"Every day was rated {low} out of {scale_max} overall"
            else:
                title = f"Days were rated {low} to {high} out of {scale_max} overall"
            if top is not None:
                title += f"; most useful session: {top['label']} ({num(top['mean'], 1)})"
        elif top is not None:
            title = f"Most useful session: {top['label']} ({num(top['mean'], 1)} out of {scale_max})"
        else:
            title = "How participants rated the sessions"
        lo = float(d["scale_min"].min()) if "scale_min" in d else 1.0
        hi = float(d["scale_max"].max()) if "scale_max" in d else 5.0
        modules = list(dict.fromkeys(d["module_label"]))
        fig = F.dot_interval(d, "label", "mean", low="ci95_low", high="ci95_high",
                             color="module_label", color_order=modules, palette=F.OKABE_ITO,
                             title=title, x_title=f"mean rating ({num(lo, 0)} to {num(hi, 0)}) with 95% CI",
                             x_range=(lo - 0.1, hi + 0.1), hover=["n"])
        table = html_table(ratings.assign(module_label=ratings["module_title"].fillna(ratings["module"])), {
            "module_label": "Module", "item_text": "Question", "n_responses": "Answers",
            "mean": "Mean", "ci95_low": "95% CI low", "ci95_high": "95% CI high",
            "median": "Median"}, {"n_responses": integer}, min_group_size=page.min_group_size,
            numeric={"n_responses", "mean", "ci95_low", "ci95_high", "median"})
        parts.append(page.figure("fig-reaction", fig, table))
    rec = r[r["kind"] == "recommend"] if "kind" in r.columns else r.iloc[0:0]
    if len(rec):
        parts.append("<h3>Would they recommend it?</h3>")
        rec = rec.assign(module_label=rec["module_title"].fillna(rec["module"]),
                         promoters=rec["pct_promoters"] / 100, passives=rec["pct_passives"] / 100,
                         detractors=rec["pct_detractors"] / 100)
        parts.append(html_table(rec, {
            "module_label": "Module", "n_responses": "Answers", "mean": "Mean (0–10)",
            "promoters": "Promoters (9–10)", "passives": "Passives (7–8)",
            "detractors": "Detractors (0–6)", "nps": "Net promoter score"},
            {"n_responses": integer, "promoters": pct, "passives": pct, "detractors": pct,
             "nps": lambda v: num(v, 0)}, min_group_size=page.min_group_size,
            numeric={"n_responses", "mean", "promoters", "passives", "detractors", "nps"}))
        parts.append('<p class="small">Net promoter score = % promoters − % detractors '
                     "(Reichheld, 2003), from −100 to +100.</p>")
    n_supp = int(r["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in r else 0
    if n_supp:
        parts.append(_p(f"{n_supp} result(s) with fewer than {page.min_group_size} answers are suppressed."))
    return "".join(parts)


# =========================================================================== voices
def _themes_table(themes: pd.DataFrame, page_min: int) -> str:
    """Prompts down, themes across: the share of answers touching each theme."""
    t = themes.copy()
    suppressed = t["suppressed"].fillna(False).astype(bool) if "suppressed" in t else False

    def cell(row) -> str:
        if bool(row["_supp"]):
            return f"<{page_min}"
        if pd.isna(row["n_mentions"]) or row["n_mentions"] == 0:
            return "–"
        return f"{pct(row['share'])} ({integer(row['n_mentions'])})"

    t["_supp"] = suppressed
    t["cell"] = t.apply(cell, axis=1)  # a few hundred rows at most: prompts × themes
    wide = t.pivot_table(index=["prompt", "instrument", "n_answers"], columns="label", values="cell",
                         aggfunc="first", sort=True).reset_index()
    wide = wide.rename(columns={"prompt": "Question", "instrument": "Survey", "n_answers": "Answers"})
    table = html_table(wide, None, {"Answers": integer}, suppressed=None, numeric={"Answers"})
    return (table + '<p class="small">Share of answers to each question that touch each theme '
            "(number of answers in brackets), from the codebook in instruments/codebook.yaml; "
            f"an answer can touch several themes. Counts under {page_min} are not shown.</p>")


def _voices(results: dict, context: dict) -> str:
    voices = context.get("voices")
    if not isinstance(voices, pd.DataFrame) or not len(voices):
        return _empty("No free-text answers in this workspace yet.")
    v = voices.copy()
    for c in ("instrument", "wave", "item", "prompt", "text"):
        if c not in v.columns:
            v[c] = ""
    v["quotable"] = v["quotable"].fillna(False).astype(bool) if "quotable" in v.columns else False
    v["text"] = v["text"].astype("string")
    v = v[v["text"].notna() & (v["text"].str.strip() != "")]
    counts = (v.groupby(["instrument", "item", "prompt"], sort=True, dropna=False)
              .agg(answers=("text", "size"), quotable=("quotable", "sum"),
                   waves=("wave", lambda s: ", ".join(wave_label(w) for w in _sorted_waves(context, s))))
              .reset_index())
    parts = ["<p>How many people answered each open question, and what those who agreed to be "
             "quoted said. Quotes are shown exactly as written (with no names); answers from "
             "people who did not agree to be quoted are counted but never shown.</p>",
             html_table(counts, {"prompt": "Question", "instrument": "Survey", "waves": "Waves",
                                 "answers": "Answers", "quotable": "May be quoted"},
                        {"answers": integer, "quotable": integer},
                        numeric={"answers", "quotable"})]
    themes = _get(results, "themes") if results else None
    if themes is not None and len(themes):
        parts.append("<h3>Themes</h3>" + _themes_table(themes, page_min=context.get("min_group_size", 5)))
    quotes = v[v["quotable"]].sort_values(["instrument", "item", "text"], kind="stable")
    if not len(quotes):
        parts.append(_p("No one agreed to be quoted, so no quotes are shown."))
        return "".join(parts)
    parts.append("<h3>In their own words</h3>")
    for (inst, _item, prompt), block in quotes.groupby(["instrument", "item", "prompt"], sort=True, dropna=False):
        same = block["text"].astype(str).str.strip().value_counts()
        same = same.rename_axis("text").reset_index(name="n").sort_values(
            ["n", "text"], ascending=[False, True], kind="stable")
        shown = [_quote(t, n) for t, n in same.itertuples(index=False)]
        more = (f"<details><summary>{len(shown) - 3} more</summary>{''.join(shown[3:])}</details>"
                if len(shown) > 3 else "")
        parts.append(f'<section class="quotes"><h4>{escape_html(prompt)}</h4>'
                     f'<p class="small">{escape_html(inst)} · {len(block)} quotable answer(s)</p>'
                     f"{''.join(shown[:3])}{more}</section>")
    return "".join(parts)


def _quote(text: str, n: int) -> str:
    said = f'<span class="said">written by {n} people</span>' if n > 1 else ""
    return f"<blockquote>{escape_html(text)}{said}</blockquote>"


# =========================================================================== methods
_TESTS_TEXT = [
    ("Matched pre/post", "Each comparison uses only the people who answered at both waves, so "
     "a change cannot come from different people answering. Multi-item scale scores are treated "
     "as interval and tested with the paired t-test; single ordinal items with the Wilcoxon "
     "signed-rank test (with the matched-pairs rank-biserial correlation). Both are always "
     "computed; the tables say which one is the headline."),
    ("Effect sizes", "Hedges' g_av (mean change over the average of the two waves' standard "
     "deviations, small-sample corrected; Lakens, 2013) with a 95% interval from the noncentral t "
     "distribution; d_z (change over the SD of the changes) is reported under its own name."),
    ("Many comparisons", "p-values are adjusted within each family (all scales for one pair of "
     "waves) by Holm's method unless stated otherwise; both raw and adjusted are in the tables."),
    ("Then-test", "Where the end survey asks people to look back at where they started, the "
     "retrospective rating is compared with the end rating and with the original baseline "
     "(response shift; Howard, 1980)."),
    ("Reliability", "Cronbach's alpha per scale and wave with Feldt's 95% interval; scales under "
     "0.7 are flagged and lower the strength-of-evidence label."),
    ("Attrition", "People who answered the baseline but not a later survey are compared with "
     "those who did (Welch t-test and Mann–Whitney U); a difference is flagged because the "
     "people who stayed may not represent the cohort."),
    ("Cohorts", "Where there are two or more cohorts, a time × cohort mixed ANOVA asks whether "
     "they changed differently."),
    ("Network", "Whole-network measures per wave (density, reciprocity, transitivity, "
     "components), the E-I index of ties across organisations, sectors and places (Krackhardt "
     "and Stern, 1988), and ties new, kept and lost between waves with their Jaccard overlap."),
    ("Strength of evidence", "Each headline starts at 'moderate' — the most a before-and-after "
     "design without a comparison group supports — and drops a step for fewer than 30 matched "
     "people (two under 10), losing over 30% of first-wave respondents (two over 50%), "
     "Cronbach's alpha under 0.7, or a baseline difference between those who stayed and those "
     "who left."),
]


def _methods(results: dict, context: dict, min_group: int) -> str:
    parts = []
    versions = context.get("instrument_versions")
    parts.append("<h3>Instruments</h3>")
    if versions:
        vt = pd.DataFrame(list(versions))
        parts.append(html_table(vt, {"ref": "Instrument (id@version)", "title": "Title",
                                     "wave": "Wave"}))
    else:
        parts.append(_empty("No instrument versions recorded."))
    parts.append("<h3>Files imported</h3>")
    imports = context.get("imports")
    if isinstance(imports, pd.DataFrame) and len(imports):
        im = imports_table(imports)
        totals = {c: im[c].sum() for c in ("read", "accepted", "quarantined", "excluded") if c in im}
        parts.append(_p("Every row read from an export ends up accepted, quarantined (with the "
                        "reason and how to fix it) or excluded (test and incomplete responses): "
                        + ", ".join(f"{integer(v)} {k}" for k, v in totals.items()) + "."))
        parts.append(html_table(im.assign(sha=im["sha256"].astype(str).str[:12] + "…") if "sha256" in im else im, {
            "file": "File", "instrument": "Instrument", "cohort": "Cohort", "wave": "Wave",
            "platform": "Platform", "read": "Rows read", "accepted": "Accepted",
            "quarantined": "Quarantined", "excluded": "Excluded", "sha": "SHA-256 (start)"},
            {c: integer for c in ("read", "accepted", "quarantined", "excluded")},
            numeric={"read", "accepted", "quarantined", "excluded"}))
        parts.append('<p class="small">The full SHA-256 of every input file is in tables.xlsx '
                     "(sheet imports), so anyone can check the report was made from the same files.</p>")
    else:
        parts.append(_empty("No import manifest given."))
    parts.append("<h3>Problems found in the exports</h3>")
    q = context.get("quarantine")
    if isinstance(q, pd.DataFrame) and len(q):
        qs = quarantine_summary(q)
        by_rule = qs.groupby("rule", sort=True)["rows"].sum()
        parts.append(_p(f"{integer(len(q))} problem record(s) in {integer(qs['file'].nunique())} "
                        "file(s): " + ", ".join(f"{integer(n)} × {r}" for r, n in by_rule.items())
                        + ". Each record says which row and column, and how to fix it."))
        parts.append("<details><summary>Problems by file, column and rule</summary>"
                     + html_table(qs, {"file": "File", "column": "Column", "rule": "Rule",
                                       "severity": "Severity", "rows": "Rows", "fix": "How to fix"},
                                  {"rows": integer}, numeric={"rows"}, limit=60)
                     + "</details>")
    elif isinstance(q, pd.DataFrame):
        parts.append(_p("No rows were quarantined."))
    else:
        parts.append(_empty("No quarantine records given."))
    parts.append("<h3>Matching, attrition and network checks</h3>")
    bias = _get(results, "attrition_bias")
    if bias is not None and "warning" in bias.columns:
        warn = [w for w in dict.fromkeys(bias["warning"].astype(str)) if w and w != "nan"]
        if warn:
            parts.append(_p(f"On {len(warn)} comparison(s), the people who left after the "
                            "baseline started differently from those who stayed, so the results "
                            "describe the people who stayed:"))
            parts.append("<details><summary>Where those who left differed</summary><ul>"
                         + "".join(f"<li>{escape_html(w)}</li>" for w in warn) + "</ul></details>")
        else:
            parts.append(_p("People who left after the baseline did not start differently from those "
                            "who stayed, on any scale."))
        parts.append("<details><summary>Attrition comparisons</summary>" + html_table(bias, {
            "title": "Scale", "wave": "Later wave", "n_completers": "Stayed",
            "n_dropouts": "Left", "mean_completers": "Baseline mean (stayed)",
            "mean_dropouts": "Baseline mean (left)", "hedges_g": "g", "p_val": "p (Welch)",
            "p_mannwhitney": "p (Mann–Whitney)"},
            {"n_completers": integer, "n_dropouts": integer, "p_val": p_value,
             "p_mannwhitney": p_value},
            numeric={"n_completers", "n_dropouts", "mean_completers", "mean_dropouts",
                     "hedges_g", "p_val", "p_mannwhitney"}) + "</details>")
    elif bias is None:
        parts.append(_empty("No attrition results: they need a baseline and a later survey."))
    checks = _get(results, "network_checks")
    if checks is not None and "message" in checks.columns:
        msgs = [m for m in dict.fromkeys(checks["message"].astype(str)) if m and m != "nan"]
        if msgs:
            parts.append("<details><summary>Network data checks</summary><ul>"
                         + "".join(f"<li>{escape_html(m)}</li>" for m in msgs) + "</ul></details>")
    rel = _get(results, "reliability")
    parts.append("<h3>Reliability</h3>")
    if rel is not None:
        low = rel[rel["alpha_below_0_7"].fillna(False).astype(bool)] if "alpha_below_0_7" in rel else rel.iloc[0:0]
        parts.append(_p(f"{len(low)} of {len(rel)} scale × wave alphas are under 0.7."
                        if len(rel) else "No reliability results."))
        parts.append("<details><summary>Cronbach's alpha per scale and wave</summary>" + html_table(
            rel.assign(wave_label=rel["wave"].map(wave_label)), {
                "instrument": "Instrument", "wave_label": "Wave", "title": "Scale",
                "n_items": "Items", "n": "People", "alpha": "Alpha",
                "alpha_ci95_low": "95% CI low", "alpha_ci95_high": "95% CI high",
                "alpha_below_0_7": "Under 0.7", "note": "Note"},
            {"n_items": integer, "n": integer},
            numeric={"n_items", "n", "alpha", "alpha_ci95_low", "alpha_ci95_high"}) + "</details>")
    else:
        parts.append(_empty("No reliability results."))
    parts.append("<h3>Tests used and why</h3><dl class=\"methods\">"
                 + "".join(f"<dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd>" for k, v in _TESTS_TEXT)
                 + "</dl>")
    parts.append("<h3>Privacy and suppression</h3>")
    supp = suppression_counts(results)
    parts.append(_p(
        f"Names and emails were replaced by pseudonymous ids when the data was imported and "
        f"appear nowhere in this report. Any group of fewer than {min_group} people is suppressed "
        "in every table and chart, with a second group hidden where one could otherwise be worked "
        "out from a total. Free text is shown only from people who agreed to be quoted."))
    if len(supp):
        parts.append(html_table(supp, {"table": "Table", "rows": "Rows", "suppressed": "Suppressed"},
                                {"rows": integer, "suppressed": integer},
                                numeric={"rows", "suppressed"}, suppressed=None))
    parts.append("<h3>Software</h3>")
    parts.append(_p(f"Made with evaluate {context.get('software_version') or 'unknown version'}. "
                    "Same workspace and same version give the same tables, byte for byte."))
    return "".join(parts)


def imports_table(imports: pd.DataFrame) -> pd.DataFrame:
    """The manifest's import rows as a report table (fixed columns, sorted, no import times)."""
    cols = [c for c in ("file", "sheet", "instrument", "cohort", "wave", "platform", "read",
                        "accepted", "quarantined", "excluded", "warnings", "ties", "sha256",
                        "software_version") if c in imports.columns]
    im = imports[cols].copy()
    for c in ("read", "accepted", "quarantined", "excluded", "warnings", "ties"):
        if c in im:
            im[c] = pd.to_numeric(im[c], errors="coerce").fillna(0).astype("int64")
    keys = [c for c in ("cohort", "wave", "instrument", "file") if c in im]
    return im.sort_values(keys, kind="stable").reset_index(drop=True) if keys else im


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantine records counted by file, column and rule, with the first suggested fix.

    Values are left out: the dashboard says what went wrong and how to fix it,
    not what the person wrote.
    """
    q = quarantine.copy()
    for c in ("file", "column", "rule", "severity", "fix"):
        if c not in q.columns:
            q[c] = ""
        q[c] = q[c].astype("string").fillna("")
    keys = ["file", "column", "rule", "severity"]
    out = (q.groupby(keys, sort=True).agg(rows=("rule", "size"), fix=("fix", "first"))
           .reset_index())
    return out.sort_values(["file", "rows", "column"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


def suppression_counts(results: dict) -> pd.DataFrame:
    """Rows and suppressed rows of every result table that has a ``suppressed`` column."""
    rows = []
    for name in sorted(results or {}):
        t = results[name]
        if isinstance(t, pd.DataFrame) and "suppressed" in t.columns:
            rows.append({"table": name, "rows": len(t),
                         "suppressed": int(t["suppressed"].fillna(False).astype(bool).sum())})
    return pd.DataFrame(rows, columns=["table", "rows", "suppressed"])


# =========================================================================== page
_CSS = """
:root{--ink:#1d1d1f;--muted:#555;--line:#ddd;--accent:#0072B2;--bg:#f6f7f9}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:var(--ink);background:var(--bg);line-height:1.5;font-size:16px}
header.top{background:#0b3a5b;color:#fff;padding:18px 24px 10px}
header.top h1{margin:0;font-size:1.7rem}
header.top p{margin:4px 0 0;color:#d8e6f0}
nav.sections{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid var(--line);
 padding:6px 24px;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:.95rem}
nav.sections a{color:var(--accent);text-decoration:none;padding:4px 0}
nav.sections a:hover,nav.sections a:focus{text-decoration:underline}
main{max-width:1080px;margin:0 auto;padding:8px 20px 40px}
section.page{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 24px 20px;
 margin:18px 0;scroll-margin-top:48px}
section.page>h2{font-size:1.45rem;margin:14px 0 4px;border-bottom:3px solid var(--accent);
 padding-bottom:4px}
h3{font-size:1.15rem;margin:26px 0 6px}
h4{margin:14px 0 4px;font-size:1rem}
.lead{font-size:1.05rem}
.facts,.small,.aim-title{color:var(--muted);font-size:.92rem}
.aim-title{font-style:italic}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(290px,1fr));gap:14px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;background:#fbfcfd}
.card h3{margin:6px 0 0}
.card h3 a{color:var(--ink)}
.statement{font-size:1rem;font-weight:500}
.statement.network{border-top:1px dashed var(--line);padding-top:8px;font-weight:400}
.effect{font-size:.92rem}
.reasons-h{margin:6px 0 0;font-size:.88rem;color:var(--muted)}
ul.reasons{margin:2px 0 6px;padding-left:20px;font-size:.88rem;color:var(--muted)}
ul.others{padding-left:18px;font-size:.9rem}
.badge{display:inline-block;font-size:.8rem;font-weight:600;border-radius:12px;padding:1px 10px;
 border:1.5px solid currentColor;margin:6px 0 2px}
.badge-strong{color:#00603f}.badge-moderate{color:#005a8c}.badge-limited{color:#8a5a00}
.badge-weak{color:#a33c00}.badge-none{color:#555}
figure.chart{margin:10px 0 22px}
.plot{width:100%;min-height:260px}
figcaption{font-size:.9rem;color:var(--muted);margin:2px 0 4px}
details{margin:6px 0}
details>summary{cursor:pointer;color:var(--accent);font-size:.95rem}
.table-wrap{overflow-x:auto;margin:6px 0}
table{border-collapse:collapse;font-size:.86rem;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.suppressed td{color:#777;background:#f4f4f4;font-style:italic}
p.empty{background:#f4f6f8;border-left:4px solid #999;padding:8px 12px;color:#444}
.said{display:block;font-size:.8rem;color:var(--muted);font-style:italic}
blockquote{margin:8px 0;padding:6px 12px;border-left:4px solid #56B4E9;background:#f6fafd;
 white-space:pre-wrap;overflow-wrap:anywhere}
dl.methods dt{font-weight:600;margin-top:8px}
dl.methods dd{margin:2px 0 0 0}
footer{color:var(--muted);font-size:.85rem;text-align:center;padding:10px 0 30px}
@media (max-width:700px){main{padding:4px 8px}section.page{padding:6px 12px}}
@page{size:A4 landscape;margin:12mm}
@media print{
 body{background:#fff;font-size:11pt}
 nav.sections{display:none}
 header.top{background:#fff;color:#000;padding:0 0 6px;border-bottom:2px solid #000}
 header.top p{color:#333}
 main{max-width:none;padding:0}
 section.page{border:none;padding:0;margin:0;break-before:page}
 section.page:first-of-type{break-before:auto}
 figure.chart,.card,blockquote,tr{break-inside:avoid}
 h2,h3,h4{break-after:avoid;page-break-after:avoid}
 details>summary{display:none}
 details:not([open])>*:not(summary){display:none}
}
"""

_RENDER_JS = """
(function(){
  var config = %s;
  function draw(){
    var started = performance.now();
    var blocks = document.querySelectorAll('script[type="application/json"][data-figure]');
    var jobs = [];
    for (var i = 0; i < blocks.length; i++) {
      var id = blocks[i].getAttribute('data-figure');
      var el = document.getElementById(id);
      if (!el) continue;
      var spec = JSON.parse(blocks[i].textContent);
      jobs.push(Plotly.newPlot(el, spec.data, spec.layout, config));
    }
    Promise.all(jobs).then(function(){
      window.evaluateRenderMs = performance.now() - started;
      window.evaluateRenderedAt = performance.now();
      document.body.setAttribute('data-rendered', String(jobs.length));
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else { draw(); }
})();
"""

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")


def render_dashboard(results: dict[str, pd.DataFrame], context: dict, *,
                     progress: Callable[[str], None] | None = None) -> str:
    """The text of the self-contained dashboard page.

    Parameters
    ----------
    results : dict of str to DataFrame
        The analysis tables (see :func:`evaluate.report.build.build_report`).
    context : dict
        What the report knows besides the tables (see ``build_report``).
    progress : callable, optional
        Called with a short message as each section is drawn.

    Returns
    -------
    str
        The complete HTML document.
    """
    results = results or {}
    context = context or {}
    min_group = int(context.get("min_group_size") or 5)
    page = _Page(min_group_size=min_group, progress=progress)
    aims = _aims(context, _get(results, "statements"))
    aim_by_id = {a[0]: a for a in aims}
    builders = [
        ("overview", "Overview", lambda: _overview(page, results, context, aims)),
        ("aim1", None, lambda: _aim1(page, results, context, aim_by_id.get("aim1", ("aim1", "Aim 1", "Aim 1")))),
        ("aim2", None, lambda: _aim2(page, results, context, aim_by_id.get("aim2", ("aim2", "Aim 2", "Aim 2")))),
        ("aim3", None, lambda: _aim3(page, results, context, aim_by_id.get("aim3", ("aim3", "Aim 3", "Aim 3")))),
        ("reaction", "Reaction to the sessions", lambda: _reaction(page, results, context)),
        ("voices", "Voices", lambda: _voices(results, context)),
        ("methods", "Data and methods", lambda: _methods(results, context, min_group)),
    ]
    sections, nav = [], []
    for n, (sid, heading, build) in enumerate(builders, start=1):
        if heading is None:
            a = aim_by_id.get(sid)
            heading = (f"Aim {sid[-1]} — {a[1]}" if a and a[1] != f"Aim {sid[-1]}"
                       else f"Aim {sid[-1]}")
        if progress:
            progress(f"Dashboard section {n}/{len(builders)}: {heading}")
        body = build()
        sections.append(f'<section class="page" id="{sid}" aria-labelledby="{sid}-h">'
                        f'<h2 id="{sid}-h">{escape_html(heading)}</h2>{body}</section>')
        nav.append(f'<a href="#{sid}">{escape_html(heading)}</a>')
    programme = context.get("programme") or "Programme evaluation"
    generated = context.get("generated_at") or ""
    version = context.get("software_version") or ""
    sub = " · ".join(x for x in (
        "What's the evidence?",
        f"generated {generated}" if generated else "",
        f"evaluate {version}" if version else "") if x)
    data_blocks = "".join(
        f'<script type="application/json" data-figure="{fid}">{spec}</script>'
        for fid, spec in page.figures)
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape_html(programme)} — impact dashboard</title>",
        f"<style>{_CSS}</style></head><body>",
        f'<header class="top"><h1>{escape_html(programme)}</h1>'
        f'<p>{escape_html(sub)}</p></header>',
        f'<nav class="sections" aria-label="Sections">{"".join(nav)}</nav>',
        f"<main>{''.join(sections)}</main>",
        f"<footer>{escape_html(programme)} · {escape_html(sub)} · no personal data; groups under "
        f"{min_group} suppressed</footer>",
        f"<script>{get_plotlyjs()}</script>",
        data_blocks,
        f"<script>{_RENDER_JS % json.dumps(_PLOT_CONFIG, sort_keys=True)}</script>",
        "</body></html>\n",
    ])

