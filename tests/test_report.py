"""The report: chart functions, the dashboard page, the tables, privacy and determinism.

Most tests build a report from a small hand-made set of result tables (with
the column names of evaluate.stats and evaluate.network) so that each
property can be checked exactly; one test builds the demo and scans every
output for the roster's names and emails.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluate.report import figures as F
from evaluate.report import network_figures as NF
from evaluate.report.build import PERSON_LEVEL_TABLES, build_report, report_tables
from evaluate.report.dashboard import render_dashboard
from evaluate.report.format import interval, num, p_value, pct, wave_label
from evaluate.report.page import render_table
from evaluate.report.table import make_table

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
SECRET = "Only for the evaluator: my manager is the problem"
MIN_GROUP = 5


# --------------------------------------------------------------------------- synthetic results
def _paired(measure, title, pre, post, w0="baseline", w1="end", n=30, kind="scale", g=None):
    sd = 0.6
    diff = post - pre
    g = diff / sd if g is None else g
    return dict(kind=kind, measure=measure, title=title, wave_pre=w0, wave_post=w1,
                comparison=f"{w0} → {w1}", instrument_pre="baseline@1", instrument_post="post@1",
                scale_min=1.0, scale_max=5.0, higher_is_better=True, n_pairs=n, mean_pre=pre,
                sd_pre=sd, mean_post=post, sd_post=sd, mean_diff=diff, sd_diff=0.5,
                ci95_low=diff - 0.2, ci95_high=diff + 0.2, t=3.0, dof=n - 1, p_val=0.004,
                dz=diff / 0.5, g_av=g, g_av_ci95_low=g - 0.3, g_av_ci95_high=g + 0.3,
                headline_test="paired t", share_improved=0.6, share_same=0.1,
                share_declined=0.3, p_adj=0.01)


def synthetic_results() -> dict[str, pd.DataFrame]:
    prepost = pd.DataFrame([
        _paired("system_leadership", "System leadership", 2.9, 3.5),
        _paired("coach_approach", "Coach approach", 3.1, 3.7),
        _paired("peer_network", "Network, trust and peer support", 2.9, 3.3),
        _paired("system_innovation", "System innovation", 2.6, 3.0),
        _paired("system_leadership", "System leadership", 2.9, 3.4, w1="follow_up", n=25),
        _paired("change_challenge", "Change challenge progress", 3.7, 3.8, w0="end",
                w1="follow_up", n=20),
    ])
    statements = pd.DataFrame([
        dict(aim="aim1", aim_title="Develop your capacity for system leadership",
             scale="system_leadership", scale_title="System leadership", wave_pre="baseline",
             wave_post="end", n_pairs=30, mean_pre=2.9, mean_post=3.5, g_av=1.0,
             g_av_ci95_low=0.7, g_av_ci95_high=1.3, p_adj=0.01,
             statement="System leadership rose from 2.9 to 3.5 out of 5 among the 30 people.",
             cautions="No comparison group.", evidence_strength="moderate",
             evidence_reasons="no comparison group (pre/post only), so at most moderate"),
        dict(aim="aim1", aim_title="Develop your capacity for system leadership",
             scale="coach_approach", scale_title="Coach approach", wave_pre="baseline",
             wave_post="end", n_pairs=30, mean_pre=3.1, mean_post=3.7, g_av=1.0,
             g_av_ci95_low=0.7, g_av_ci95_high=1.3, p_adj=0.01,
             statement="Coach approach rose.", cautions="", evidence_strength="limited",
             evidence_reasons="no comparison group; 30 matched people"),
        dict(aim="aim2", aim_title="Build a network", scale="peer_network",
             scale_title="Network", wave_pre="baseline", wave_post="end", n_pairs=8,
             mean_pre=2.9, mean_post=3.3, g_av=0.6, g_av_ci95_low=-0.1, g_av_ci95_high=1.3,
             p_adj=0.2, statement="Network rose, but could be chance.", cautions="",
             evidence_strength="weak", evidence_reasons="only 8 matched people"),
        dict(aim="aim3", aim_title="System innovation", scale="system_innovation",
             scale_title="System innovation", wave_pre="baseline", wave_post="end",
             n_pairs=30, mean_pre=2.6, mean_post=3.0, g_av=0.66, g_av_ci95_low=0.3,
             g_av_ci95_high=1.0, p_adj=0.02, statement="System innovation rose.",
             cautions="", evidence_strength="limited", evidence_reasons="alpha under 0.7"),
    ])
    subgroups = pd.DataFrame([
        dict(attribute="sector", group="NHS acute", scale="system_leadership",
             title="System leadership", wave_pre="baseline", wave_post="end",
             comparison="baseline → end", n_pairs=12.0, mean_pre=2.8, mean_post=3.4,
             mean_diff=0.6, g_av=0.9, suppressed=False, suppression_reason=""),
        dict(attribute="sector", group="Fire and rescue", scale="system_leadership",
             title="System leadership", wave_pre="baseline", wave_post="end",
             comparison="baseline → end", n_pairs=np.nan, mean_pre=np.nan, mean_post=np.nan,
             mean_diff=np.nan, g_av=np.nan, suppressed=True,
             suppression_reason="fewer than 5 people"),
    ])
    rates = pd.DataFrame([
        dict(cohort=c, wave=w, n_roster=40.0, n_responded=n, response_rate=n / 40,
             n_not_on_roster=0, n_first_wave=40, n_retained=n, retention_rate=n / 40)
        for c in ("c1", "all") for w, n in (("baseline", 40), ("end", 33), ("follow_up", 27))])
    labels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
              "Strongly agree"]
    dist_rows = []
    for item, text, scale in (("see_the_system", "I can see the wider system", "system_leadership"),
                              ("cc_progress", "I have made progress on my change challenge",
                               "change_challenge")):
        for wave, counts in (("baseline", [2, 8, 10, 8, 2]), ("end", [1, 3, 6, 14, 6]),
                             ("follow_up", [1, 2, 7, 12, 8])):
            for code, (label, n) in enumerate(zip(labels, counts, strict=True), start=1):
                dist_rows.append(dict(instrument="post@1", wave=wave, item=item, item_text=text,
                                      scale=scale, aim="aim1", reverse=False, then_of="",
                                      code=float(code), label=label, n=float(n),
                                      n_answered=30.0, share=n / 30, suppressed=False))
    then = pd.DataFrame([
        dict(_paired("system_leadership", "System leadership", 2.9, 2.6, n=28),
             comparison="then-test vs baseline (response shift)", then_wave="end"),
        dict(_paired("system_leadership", "System leadership", 2.6, 3.5, w0="end", n=29),
             comparison="then-test vs post", then_wave="end"),
    ])
    reaction = pd.DataFrame([
        dict(module="day1", module_title="Day 1", item="overall_rating",
             item_text="Overall, how would you rate today?", kind="rating", n_responses=30.0,
             mean=4.0, sd=0.7, ci95_low=3.8, ci95_high=4.2, median=4.0, scale_min=1.0,
             scale_max=5.0, pct_promoters=np.nan, pct_passives=np.nan, pct_detractors=np.nan,
             nps=np.nan, suppressed=False),
        dict(module="day1", module_title="Day 1", item="useful_visiting_speaker",
             item_text="How useful was the session: Visiting Speaker?", kind="rating",
             n_responses=30.0, mean=4.2, sd=0.7, ci95_low=4.0, ci95_high=4.4, median=4.0,
             scale_min=1.0, scale_max=5.0, pct_promoters=np.nan, pct_passives=np.nan,
             pct_detractors=np.nan, nps=np.nan, suppressed=False),
        dict(module="day2", module_title="Day 2", item="useful_meet_als",
             item_text="How useful was the session: Meet your ALS?", kind="rating",
             n_responses=np.nan, mean=np.nan, sd=np.nan, ci95_low=np.nan, ci95_high=np.nan,
             median=np.nan, scale_min=1.0, scale_max=5.0, pct_promoters=np.nan,
             pct_passives=np.nan, pct_detractors=np.nan, nps=np.nan, suppressed=True),
        dict(module="day1", module_title="Day 1", item="recommend",
             item_text="How likely are you to recommend?", kind="recommend", n_responses=30.0,
             mean=8.5, sd=1.2, ci95_low=8.1, ci95_high=8.9, median=9.0, scale_min=0.0,
             scale_max=10.0, pct_promoters=50.0, pct_passives=40.0, pct_detractors=10.0,
             nps=40.0, suppressed=False),
    ])
    people = [f"P-{i:010x}" for i in range(12)]
    sectors = ["NHS acute"] * 6 + ["Local authority"] * 6
    rng = np.random.default_rng(1)
    xy = rng.uniform(-1, 1, size=(12, 2))
    nodes = pd.DataFrame([
        dict(cohort="c1", participant=p, wave=w, x=xy[i, 0], y=xy[i, 1], organisation="Other (small groups)",
             sector=sectors[i], place="Luton", role="Other (small groups)", responded=True,
             in_degree=1, out_degree=1, degree=i % 4)
        for w in ("baseline", "end") for i, p in enumerate(people)])
    pairs = {"baseline": [(0, 1), (1, 2), (6, 7)], "end": [(0, 1), (1, 2), (6, 7), (2, 8), (3, 9)]}
    edges = pd.DataFrame([
        dict(cohort="c1", wave=w, relation="worked_with", source=people[a], target=people[b],
             x_source=xy[a, 0], y_source=xy[a, 1], x_target=xy[b, 0], y_target=xy[b, 1],
             mutual=False, is_new=False, frequency=np.nan, trust=np.nan)
        for w, ps in pairs.items() for a, b in ps])
    boundary = pd.DataFrame([
        dict(cohort="c1", wave=w, relation="any", attribute=a, groups=2, ties=t,
             internal_ties=t - e, external_ties=e, share_external=e / t, ei_index=(2 * e - t) / t,
             group_pairs=1, group_pairs_connected=1 if e else 0, share_group_pairs_connected=1.0,
             new_ties=np.nan, new_internal_ties=np.nan, new_external_ties=np.nan,
             new_share_external=np.nan, new_ei_index=np.nan, new_group_pairs_connected=np.nan)
        for a in ("organisation", "sector") for w, t, e in (("baseline", 3, 0), ("end", 5, 2))])
    growth = pd.DataFrame([dict(cohort="c1", wave_from="baseline", wave_to="end", relation="any",
                                basis="respondents", respondents_from=12, respondents_to=12,
                                respondents_both=12, ties_from=3, ties_to=5, new_ties=2,
                                kept_ties=3, lost_ties=0, jaccard=0.6)])
    metrics = pd.DataFrame([dict(cohort="c1", wave=w, relation="any", basis="roster",
                                 respondents=12, roster_size=12, response_rate=1.0, ties=t,
                                 density=t / 132, mean_out_degree=t / 12, isolates=12 - 2 * t,
                                 largest_weak_component=3)
                            for w, t in (("baseline", 3), ("end", 5))])
    return {
        "prepost": prepost, "statements": statements, "subgroups": subgroups,
        "attrition_rates": rates, "item_distribution": pd.DataFrame(dist_rows),
        "then_test": then, "reaction": reaction,
        "network_layout_nodes": nodes, "network_layout_edges": edges,
        "network_boundary": boundary, "network_growth": growth, "network_metrics": metrics,
        "scale_scores": pd.DataFrame({"participant": people[:2], "scale": "x", "score": [3.0, 4.0]}),
    }


def synthetic_context(generated_at: str = "2026-01-01 09:00 UTC") -> dict:
    voices = pd.DataFrame([
        dict(instrument="post", wave="end", cohort="c1", item="most_valuable",
             prompt="What has been the most valuable part?", text=SCRIPT, quotable=True),
        dict(instrument="post", wave="end", cohort="c1", item="most_valuable",
             prompt="What has been the most valuable part?", text=FORMULA, quotable=True),
        dict(instrument="post", wave="end", cohort="c1", item="most_valuable",
             prompt="What has been the most valuable part?", text=SECRET, quotable=False),
    ])
    imports = pd.DataFrame([dict(file="post-c1.xlsx", sheet="Sheet1", instrument="post@1",
                                 cohort="c1", wave="end", platform="microsoft_forms", read=35,
                                 accepted=33, quarantined=1, excluded=1, warnings=0, ties=0,
                                 sha256="ab" * 32, software_version="0.1.0",
                                 stored_at=generated_at, options={"a": 1})])
    quarantine = pd.DataFrame([dict(cohort="c1", wave="end", instrument="post@1",
                                    file="post-c1.xlsx", sheet="Sheet1", row=14,
                                    column="I can see the wider system", value=FORMULA,
                                    rule="allowed_answers", message="not an answer",
                                    fix="use one of: Strongly disagree … Strongly agree",
                                    severity="error")])
    return {
        "programme": "Leading Beyond Boundaries",
        "aims": [dict(id="aim1", title="Develop your capacity for system leadership",
                      short="System leadership"),
                 dict(id="aim2", title="Build a network", short="Network and trust"),
                 dict(id="aim3", title="System innovation", short="System innovation")],
        "cohorts": ["c1"], "waves": ["baseline", "day1", "end", "follow_up"],
        "min_group_size": MIN_GROUP, "imports": imports, "quarantine": quarantine,
        "instrument_versions": [dict(ref="post@1", title="End of programme survey", wave="end")],
        "software_version": "0.1.0", "generated_at": generated_at, "voices": voices,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    messages = []
    paths = build_report(synthetic_results(), synthetic_context(), out, progress=messages.append)
    return out, paths, messages


@pytest.fixture(scope="module")
def html(built) -> str:
    return built[1]["dashboard"].read_text(encoding="utf-8")


# --------------------------------------------------------------------------- formatting
def test_formatting_rounds_only_for_people():
    assert num(0.78884, 2) == "0.79"
    assert num(-0.2, 2) == "−0.20"
    assert num(-0.0001, 2) == "0.00"
    assert num(np.nan) == "—"
    assert pct(0.8205) == "82%"
    assert p_value(0.0004) == "< 0.001"
    assert p_value(0.0312) == "0.03"
    assert p_value(0.004) == "0.004"
    assert interval(0.51, 1.06) == "0.51 to 1.06"
    assert wave_label("follow_up") == "follow-up"


def test_html_table_escapes_and_marks_suppressed_rows():
    t = pd.DataFrame({"group": [SCRIPT, "small"], "n": [12.0, np.nan], "suppressed": [False, True]})
    out = render_table(make_table(t, {"group": "Group", "n": "People"}, min_group_size=5))
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert ('<tr class="suppressed"><td>small</td><td class="num">suppressed (fewer than 5 '
            'people)</td></tr>') in out


# --------------------------------------------------------------------------- figures
def _hover_ok(fig) -> None:
    """Every trace a reader can point at has hover text; at least one trace has."""
    pointable = [t for t in fig.data if t.get("hoverinfo") != "skip"]
    assert pointable, "no trace with hover text"
    for t in pointable:
        assert "%{" in t.get("hovertemplate", ""), f"trace {t.get('name')!r} has no hover text"


def test_dumbbell_draws_two_points_per_row_with_intervals():
    d = synthetic_results()["prepost"].head(3)
    d = d.assign(lo=d["mean_pre"] - 0.1, hi=d["mean_pre"] + 0.1)
    fig = F.dumbbell(d, "title", "mean_pre", "mean_post", start_low="lo", start_high="hi",
                     start_label="baseline", end_label="end", title="Three scales rose",
                     hover=["n_pairs"])
    assert fig.layout["title"]["text"] == "Three scales rose"
    names = [t["name"] for t in fig.data if t.get("showlegend") is not False]
    assert names == ["baseline", "end"]
    base = next(t for t in fig.data if t["name"] == "baseline")
    assert list(base["x"]) == pytest.approx([2.9, 3.1, 2.9])
    assert list(base["error_x"]["array"]) == pytest.approx([0.1, 0.1, 0.1])
    assert "n_pairs: %{customdata[2]}" in base["hovertemplate"]
    _hover_ok(fig)


def test_forest_has_reference_line_and_one_trace_per_comparison():
    d = synthetic_results()["prepost"]
    fig = F.forest(d, "title", "g_av", "g_av_ci95_low", "g_av_ci95_high", color="comparison",
                   title="Largest change: coach approach")
    assert {t["name"] for t in fig.data} == set(d["comparison"])
    assert fig.layout["shapes"][0]["x0"] == 0
    assert fig.layout["scattermode"] == "group"
    _hover_ok(fig)


def test_diverging_likert_puts_disagreement_left_of_zero():
    dist = synthetic_results()["item_distribution"]
    d = dist[(dist["item"] == "see_the_system") & dist["wave"].isin(["baseline", "end"])]
    order = list(d.sort_values("code")["label"].unique())
    fig = F.diverging_likert(d, "item_text", "label", "share", order=order, subrow="wave",
                             neutral=order[2], n="n", title="More agreed at the end")
    by_name = {}
    for t in fig.data:
        by_name.setdefault(t["name"], []).append(t)
    assert all(x <= 0 for x in by_name["Disagree"][0]["x"])
    assert all(x >= 0 for x in by_name["Agree"][0]["x"])
    neutral = by_name[order[2]]
    assert len(neutral) == 2  # split across zero
    assert sum(abs(v) for t in neutral for v in t["x"]) == pytest.approx(10 / 30 + 6 / 30)
    assert fig.layout["yaxis"]["type"] == "multicategory"
    # stacking: plotly stacks each side in trace order, from the zero line outwards, so the
    # middle answer sits against zero and the strongest answers are outermost
    left = [t["name"] for t in fig.data if all(x <= 0 for x in t["x"])]
    right = [t["name"] for t in fig.data if all(x >= 0 for x in t["x"])]
    assert left == [order[2], "Disagree", "Strongly disagree"]
    assert right == [order[2], "Agree", "Strongly agree"]
    # the key reads from most negative to most positive, whatever the stacking order
    legend = sorted((t for t in fig.data if t.get("showlegend")), key=lambda t: t["legendrank"])
    assert [t["name"] for t in legend] == order
    _hover_ok(fig)


def test_network_pictures_keep_people_in_place_and_hide_ids():
    r = synthetic_results()
    fig = NF.network_pictures(r["network_layout_nodes"], r["network_layout_edges"],
                             waves=["baseline", "end"], title="More ties at the end")
    nodes = [t for t in fig.data if t["mode"] == "markers" and t.get("visible") is not False]
    def places(axis: str) -> list:
        return sorted((x, y) for t in nodes if t["xaxis"] == axis
                      for x, y in zip(t["x"], t["y"], strict=True))

    base, end = places("x"), places("x2")
    assert base == end and len(base) == 12
    new = [t for t in fig.data if t["mode"] == "lines" and t["line"]["color"] == "#D55E00"]
    # two new ties at the end
    assert sum(1 for t in new for v in t["x"] if v is None or v != v) == 2
    text = fig.to_json()
    assert "P-0000000000" not in text
    assert len(fig.layout["updatemenus"][0]["buttons"]) == 3
    _hover_ok(fig)


def test_missing_column_names_the_columns_there_are():
    with pytest.raises(F.ReportError, match=r"no column 'mean_post'; it has: a, b"):
        F.dumbbell(pd.DataFrame({"a": [1], "b": [2]}), "a", "b", "mean_post")


def test_okabe_ito_palette_is_used():
    assert F.OKABE_ITO[0] == "#0072B2"
    assert set(F.colour_map(["b", "a", None])) == {"a", "b"}


# --------------------------------------------------------------------------- the page
def test_page_is_self_contained(html):
    assert html.count("* plotly.js v") == 1, "plotly.js must be embedded exactly once"
    markup = re.sub(r"(<script[^>]*>).*?</script>", r"\1</script>", html, flags=re.S)
    assert not re.search(r"<script[^>]+src=", markup)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", markup)
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?\s*(https?:)?//""", markup)
    assert "@import" not in markup
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "mathjax" not in html.lower().split("* plotly.js v")[0]


def test_page_has_every_section_and_figure_with_numbers(html):
    for sid in ("overview", "aim1", "aim2", "aim3", "reaction", "voices", "methods"):
        assert re.search(f'<section class="page[^"]*" id="{sid}"', html)
    ids = re.findall(r'<div id="(fig-[^"]+)" class="plot"', html)
    assert ids == sorted(set(ids), key=ids.index)  # unique
    assert {"fig-response-rates", "fig-aim1-prepost", "fig-aim1-forest", "fig-aim1-likert",
            "fig-aim1-then-test", "fig-aim2-network-c1", "fig-aim2-boundary",
            "fig-aim3-change-challenge", "fig-reaction"} <= set(ids)
    for fid in ids:
        assert f'data-figure="{fid}"' in html
    # every figure has its finding, a text summary and its table of numbers
    for fid in ids:
        block = html[html.index(f'<figure class="chart" id="{fid}-figure"'):]
        block = block[:block.index("</figure>")]
        assert f'<figcaption class="chart-title" id="{fid}-title">' in block
        assert f'<p class="summary" id="{fid}-summary">' in block
        assert "<summary>Show the numbers" in block and "<table>" in block


def test_titles_state_findings(html):
    assert "4 of 4" not in html  # only two aim-1 scales here
    assert ("Both system leadership scales rose between the baseline and the end, each by "
            "more than chance would explain") in html
    assert "Looking back, people placed their starting point lower" in html
    assert ("The share of the cohort&#39;s ties crossing organisations rose from 0% at the "
            "baseline to 40% at the end") in html


def test_evidence_cards_show_label_and_reasons(html):
    assert "Moderate evidence" in html
    assert "Weak evidence" in html
    # every downgrade of the evidence rule is listed under the label
    assert "only 8 people answered both times" in html and "imprecision: " in html


def test_every_other_measure_of_an_aim_shows_why_its_label(html):
    """A supporting measure's statement ends "(see why)": its reasons are listed under it."""
    from html import escape

    from evaluate.claims.ledger import SEP, build_claims

    claims = build_claims(synthetic_results(), None, synthetic_context())["claims"]
    others = claims[(claims["section"] == "overview") & (claims["role"] == "supporting")]
    assert len(others) and (others["reasons"] != "").all()
    for _, claim in others.iterrows():
        start = html.index(escape(claim["text"]))
        item = html[start:html.index("</ul>", start)]  # the statement and its reasons
        for reason in claim["reasons"].split(SEP):
            assert f"<li>{escape(reason)}</li>" in item, (claim["claim_id"], reason)


def test_free_text_is_escaped_and_only_quotable_text_appears(html, built):
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    out = built[0]
    for path in [out / "dashboard.html", *sorted((out / "tables").glob("*.csv"))]:
        data = path.read_bytes()
        assert SECRET.encode() not in data, f"non-quotable text in {path.name}"
    for name in ("tables.xlsx", "analysis.xlsx"):
        book = load_workbook(out / name)
        cells = [c.value for ws in book for row in ws.iter_rows() for c in row]
        assert SECRET not in cells, f"non-quotable text in {name}"
    wb = load_workbook(out / "analysis.xlsx")
    texts = [c.value for row in wb["quotes"].iter_rows(min_row=2) for c in row]
    assert SECRET not in texts


def test_formulas_are_inert_in_xlsx_and_csv(built):
    out = built[0]
    wb = load_workbook(out / "analysis.xlsx")
    # in a workbook: a text cell, exactly as written, with Excel's quote prefix (no apostrophe)
    quotes = [c for row in wb["quotes"].iter_rows(min_row=2) for c in row]
    assert any(c.value == FORMULA and c.data_type == "s" and c.quotePrefix for c in quotes)
    cell = next(c for row in wb["quarantine"].iter_rows(min_row=2) for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value == FORMULA and cell.quotePrefix
    # in a csv, which has no types, the apostrophe stays
    with open(out / "tables" / "quotes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert "'" + FORMULA in [r["text"] for r in rows]


def test_suppressed_rows_are_marked(html, built):
    assert "suppressed (fewer than 5 people)" in html
    assert '<tr class="suppressed">' in html
    wb = load_workbook(built[0] / "analysis.xlsx")
    sheet = wb["subgroups"]
    header = [c.value for c in sheet[1]]
    flags = [row[header.index("suppressed")].value for row in sheet.iter_rows(min_row=2)]
    assert flags == [False, True]
    supp = pd.read_csv(built[0] / "tables" / "suppression.csv")
    assert supp.set_index("table").loc["subgroups", "suppressed"] == 1


def test_tables_leave_out_person_level_and_import_times(built):
    out = built[0]
    names = {p.stem for p in (out / "tables").glob("*.csv")}
    assert not names & set(PERSON_LEVEL_TABLES)
    assert {"prepost", "statements", "imports", "quarantine", "quotes", "voices_counts"} <= names
    imports = pd.read_csv(out / "tables" / "imports.csv")
    assert "stored_at" not in imports.columns and "options" not in imports.columns
    assert imports["sha256"].iloc[0] == "ab" * 32
    wb = load_workbook(out / "analysis.xlsx")
    assert wb.sheetnames[:2] == ["README", "columns"]  # the column dictionary first
    assert set(wb.sheetnames[2:]) == names


def test_progress_is_reported(built):
    messages = built[2]
    assert messages[0] == "Drawing the dashboard"
    assert any("section 12/12" in m for m in messages)
    assert messages[-1] == "Writing the csv tables"


def test_two_builds_differ_only_in_the_timestamp(tmp_path):
    a = build_report(synthetic_results(), synthetic_context("2026-01-01 09:00 UTC"), tmp_path / "a")
    b = build_report(synthetic_results(), synthetic_context("2027-06-30 17:45 UTC"), tmp_path / "b")
    assert a["tables"].read_bytes() == b["tables"].read_bytes()
    csv_a = sorted(p.name for p in a["csv"].glob("*.csv"))
    assert csv_a == sorted(p.name for p in b["csv"].glob("*.csv"))
    for name in csv_a:
        assert (a["csv"] / name).read_bytes() == (b["csv"] / name).read_bytes(), name
    ha = a["dashboard"].read_text(encoding="utf-8")
    hb = b["dashboard"].read_text(encoding="utf-8")
    assert ha != hb
    assert ha.replace("2026-01-01 09:00 UTC", "2027-06-30 17:45 UTC") == hb


def test_the_report_of_stored_results_draws_intervals_without_scipy(demo_outputs, tmp_path):
    """Every whisker the dashboard draws is a range the analysis stored in the claims ledger:
    the report of stored results computes none, so it does not load scipy; once its
    workbooks are kept with the results, it copies them without loading openpyxl."""
    import json
    import subprocess
    import sys

    def report(out: str) -> list[str]:
        probe = ("import json, sys\nfrom evaluate.cli import cli\n"
                 f"cli(['report', {str(demo_outputs['workspace'])!r}, '--out', "
                 f"{str(tmp_path / out)!r}, '-q'], standalone_mode=False)\n"
                 "print(json.dumps(sorted(m for m in ('scipy', 'pingouin', 'openpyxl')\n"
                 "                        if m in sys.modules)))")
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert report("first") in (["openpyxl"], [])  # writes and keeps the workbooks if need be
    assert report("again") == []
    assert (tmp_path / "again" / "tables.xlsx").read_bytes() == Path(
        demo_outputs["tables"]).read_bytes()
    figures = pd.read_csv(Path(demo_outputs["csv"]) / "claim_figures.csv")
    drawn = figures[figures["claim_id"].str.endswith((":prepost", ":then-test"))
                    & figures["figure"].isin(["mean_pre", "mean_post", "mean"])
                    & figures["claim_id"].str.startswith("chart:")]
    assert len(drawn) and drawn[["ci95_low", "ci95_high"]].notna().all().all()
    assert (drawn["ci95_low"] < drawn["value"]).all() and (drawn["value"] < drawn["ci95_high"]).all()


def test_stale_csv_files_are_removed(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "old_table.csv").write_text("x\n1\n")
    build_report({}, {}, tmp_path)
    assert not (tmp_path / "tables" / "old_table.csv").exists()


def test_no_results_gives_a_page_that_says_what_is_missing(tmp_path):
    paths = build_report({}, {}, tmp_path)
    page = paths["dashboard"].read_text(encoding="utf-8")
    assert "No before-and-after results yet" in page
    assert "No network survey results" in page
    assert "No session feedback" in page
    assert "No free-text answers" in page
    assert page.count("* plotly.js v") == 1
    assert set(report_tables({}, {})) == {"suppression"}


def test_report_without_item_distribution_says_so():
    r = synthetic_results()
    del r["item_distribution"]
    page = render_dashboard(r, synthetic_context())
    assert "The answer-by-answer counts are not in these results" in page and "not drawn" in page


# --------------------------------------------------------------------------- item distribution
def test_item_distribution_counts_every_answer_and_suppresses_small_groups():
    from evaluate.instruments import resolve
    from evaluate.stats.answers import item_distribution

    inst = resolve("post@1")
    big = pd.DataFrame({"instrument": "post", "instrument_version": 1, "wave": "end",
                        "see_the_system": [1, 2, 2, 4, 5, 5, np.nan]})
    small = pd.DataFrame({"instrument": "post", "instrument_version": 1, "wave": "follow_up",
                          "see_the_system": [3.0, 4.0]})
    d = item_distribution(pd.concat([big, small]), {inst.ref: inst}, min_group_size=5)
    end = d[(d["item"] == "see_the_system") & (d["wave"] == "end")].set_index("code")
    assert end["n"].tolist() == [1, 2, 0, 1, 2]
    assert end["n_answered"].iloc[0] == 6
    assert end["share"].sum() == pytest.approx(1.0)
    assert end["label"].iloc[0] == "Strongly disagree"
    assert end["scale"].iloc[0] == "system_leadership"
    fu = d[(d["item"] == "see_the_system") & (d["wave"] == "follow_up")]
    assert fu["suppressed"].all() and fu["n"].isna().all()


# --------------------------------------------------------------------------- the demo
@pytest.mark.slow
def test_demo_outputs_carry_no_roster_name_or_email(demo_outputs):
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    paths = demo_outputs
    roster = pd.read_csv(sample / "roster.csv")
    needles = set()
    for col in ("name", "email", "first_name", "last_name"):
        if col in roster.columns:
            needles |= {str(v).strip() for v in roster[col].dropna() if len(str(v).strip()) > 3}
    outputs = [Path(paths["dashboard"]), Path(paths["tables"]), *Path(paths["csv"]).glob("*.csv")]
    for path in outputs:
        if path.suffix == ".xlsx":
            wb = load_workbook(path)
            text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                             if c.value is not None)
        else:
            text = path.read_text(encoding="utf-8")
        low = text.lower()
        hits = sorted(n for n in needles if n.lower() in low)
        assert not hits, f"{path.name} contains roster names or emails: {hits[:5]}"
    page = Path(paths["dashboard"]).read_text(encoding="utf-8")
    assert page.count("* plotly.js v") == 1
    assert Path(paths["dashboard"]).stat().st_size < 6_000_000
    assert "fig-aim1-likert" in page, "the demo dashboard lacks the answer-shift (Likert) chart"
    assert "<h3>Themes</h3>" in page and "Connections and relationships across the system" in page
    # the sample exports carry a script tag and a formula in consented free text: both inert
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    wb = load_workbook(paths["tables"])
    formulas = [c for ws in wb for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert formulas and all(c.data_type == "s" and c.value.startswith("=") and c.quotePrefix
                            for c in formulas)


def test_principles_table_counts_principles_that_rose(tmp_path):
    r = synthetic_results()
    r["principles"] = pd.DataFrame({
        "principle": ["p1", "p2", "p3"], "principle_title": ["Partnership", "Courage", "Voice"],
        "scale": ["s1", "s2", None], "scale_title": ["System", "Innovation", None],
        "wave_pre": ["baseline", "baseline", None], "wave_post": ["end", "end", None],
        "n_pairs": [30, 30, None], "mean_pre": [3.0, 3.1, None], "mean_post": [3.6, 3.0, None],
        "mean_diff": [0.6, -0.1, None], "g_av": [0.8, -0.1, None],
        "g_av_ci95_low": [0.4, -0.4, None], "g_av_ci95_high": [1.2, 0.2, None],
        "p_adj": [0.001, 0.5, None], "changed": ["up", "no clear change", None]})
    page = build_report(r, synthetic_context(), tmp_path)["dashboard"].read_text(encoding="utf-8")
    assert "principles: 1 of 3 principles rose on at least one measure" in page
    assert "not measured yet" in page and "System: 3.0 → 3.6, a large rise" in page


# --------------------------------------------------------------------------- issue 10 fixes
def test_report_tables_keep_the_cohort_anova_and_drop_ties():
    r = synthetic_results()
    r["cohort_anova"] = pd.DataFrame({
        "scale": ["system_leadership"] * 3, "title": ["System leadership"] * 3,
        "wave_pre": ["baseline"] * 3, "wave_post": ["end"] * 3,
        "comparison": ["baseline → end"] * 3, "source": ["cohort", "time", "time × cohort"],
        "f": [2.1, 40.0, 0.3], "p_val": [0.15, 1e-7, 0.6]})
    r["ties"] = pd.DataFrame({"source": ["P-0123456789"], "target": ["P-abcdefabcd"]})
    tables = report_tables(r, synthetic_context())
    assert "cohort_anova" in tables and len(tables["cohort_anova"]) == 3
    assert "ties" not in tables and "scale_scores" not in tables


def test_import_counts_add_up_under_the_disjoint_rule():
    from evaluate.records import import_totals, imports_table

    disjoint = pd.DataFrame({"file": ["a.csv", "b.xlsx"], "read": [40, 30],
                             "accepted": [37, 30], "quarantined": [1, 0], "excluded": [2, 0]})
    legacy = disjoint.assign(quarantined=[3, 0])  # excluded rows once counted as quarantined
    for frame in (disjoint, legacy):
        im = imports_table(frame)
        assert (im["accepted"] + im["quarantined"] + im["excluded"] == im["read"]).all()
        assert import_totals(frame) == {"read": 70, "accepted": 67, "quarantined": 1,
                                        "excluded": 2}
    page = render_dashboard({}, {**synthetic_context(), "imports": disjoint})
    assert "70 rows read = 67 accepted + 1 quarantined + 2 excluded" in page



def test_quarantine_summary_counts_records_by_file_column_and_rule():
    from evaluate.records import quarantine_summary

    q = pd.DataFrame({"file": ["b.csv", "a.csv", "a.csv", "a.csv"],
                      "column": ["Q1", "Q2", "Q1", "Q1"],
                      "rule": ["not_a_code", "not_a_code", "not_a_code", "not_a_code"],
                      "severity": ["error"] * 4, "fix": [None, "use 1-5", "use 1 to 5", "x"]})
    out = quarantine_summary(q)
    # by file, then most records first; the first fix given in each group
    assert out[["file", "column", "rows", "fix"]].values.tolist() == [
        ["a.csv", "Q1", 2, "use 1 to 5"], ["a.csv", "Q2", 1, "use 1-5"], ["b.csv", "Q1", 1, ""]]
    assert str(out["rows"].dtype) == "Int64"  # counted on a text column, as before
    assert quarantine_summary(q.iloc[0:0]).empty

def test_one_colour_and_shape_per_group_in_every_network_picture():
    from evaluate.report.colours import NEW_TIE_COLOUR, Colours

    r = synthetic_results()
    nodes, edges = r["network_layout_nodes"], r["network_layout_edges"]
    # a second cohort where "Local authority" is the only group: drawn alone it would take
    # the first colour; with the page's colours it keeps the one it has in the first picture
    other = nodes.assign(cohort="c2", sector="Local authority")
    colours = Colours(waves=["baseline", "end"], cohorts=["c1", "c2"])
    seen = {}
    for n in (nodes, other):
        fig = NF.network_pictures(n, edges, waves=["baseline", "end"], colours=colours,
                                 colour_by=("sector",))
        for t in fig.data:
            if t["mode"] == "markers" and len(t["x"]):
                marker = t["marker"]
                seen.setdefault(t["name"], set()).add((marker["color"], marker["symbol"]))
                assert t["marker"]["color"] != NEW_TIE_COLOUR
    assert all(len(v) == 1 for v in seen.values()), seen
    assert len({next(iter(v)) for v in seen.values()}) == len(seen)


def test_effect_words_follow_the_printed_number():
    from evaluate.words import change_phrase, effect_size_word

    assert num(0.796) == "0.80" and effect_size_word(0.796) == "large"
    assert num(0.794) == "0.79" and effect_size_word(0.794) == "medium-sized"
    assert change_phrase(0.5, 0.796, 0.001, 0.5, 1.1) == "a large rise"
    assert change_phrase(0.5, 0.796, 0.2, -0.1, 1.1) == "no clear change"


def test_templates_ship_in_the_wheel():
    import fnmatch

    repo = Path(__file__).resolve().parent.parent
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    block = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    globs = re.findall(r'"([^"]+)"', block.split("evaluate = [", 1)[1].split("]", 1)[0])
    files = [p.relative_to(repo / "evaluate").as_posix()
             for p in (repo / "evaluate" / "report" / "templates").rglob("*") if p.is_file()]
    assert files
    missing = [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == [], f"templates not in [tool.setuptools.package-data]: {missing}"


def test_demo_dashboard_has_evidence_levels_comparison_and_planning(demo_outputs):
    html = Path(demo_outputs["dashboard"]).read_text(encoding="utf-8")
    for sid, heading in (("evidence", "Evidence at each level"),
                         ("comparison", "Compared with what?"),
                         ("planning", "Planning the next cohort")):
        # on screen and in the board paper: the evidence, not a trimmed dashboard
        assert re.search(f'<section class="page[^"]*" id="{sid}"', html), sid
        assert not re.search(f'<section class="page[^"]* screen-only" id="{sid}"', html), sid
        assert heading in html
    matrix = html[html.index('<table class="evidence-matrix">'):]
    matrix = matrix[:matrix.index("</table>")]
    # three aims × four levels, gaps said in words
    assert matrix.count('<th scope="row">') == 3
    assert "Results: did things change?" in matrix and "Not measured" in matrix
    assert "planned, but no survey asks it yet" in matrix
    assert "more than the wait-list group" in matrix
    assert "A wait-list group of 30 people who were not on the programme" in html
    assert "People to invite" in html and "9 times in 10" in html
    # the cards set the change beside the comparison group's; the design lets labels reach
    # strong, and the rule's downgrades say why none does on the demo
    assert "Compared with a wait-list group of 30 people who were not on the programme, it changed" in html
    assert "so at most strong" in html
    assert "and so did a\nwait-list group who were not on it" in html
    # the comparison group is not one of the programme's cohorts in the page header
    header = html[html.index("<header"):html.index("</header>")]
    text = re.sub(r"<[^>]+>", "", header)
    assert "c3" not in text and "ohort 3" not in text and "ohort 1" in text
    for jargon in ("d_ppc2", "omega", "did_ci95", "scale:", "network:", "item:"):
        assert jargon not in matrix, jargon


# --------------------------------------------------------------------------- workbooks
def test_tables_workbook_is_for_report_writers(built):
    out = built[0]
    wb = load_workbook(out / "tables.xlsx")
    assert wb.sheetnames[:4] == ["Cover", "Contents", "Notes", "Summary"]
    assert "Change before and after" in wb.sheetnames
    summary = [[c for c in row if c is not None] for row in wb["Summary"].iter_rows(values_only=True)]
    flat = " ".join(str(c) for row in summary for c in row)
    assert "Moderate evidence" in flat and "Why this label" in flat
    assert "a large rise" in flat  # the dashboard's words
    # every sheet after Cover: its title in A1, lines about it, then the table
    contents = {row[0]: row[1] for row in wb["Contents"].iter_rows(min_row=4, values_only=True)}
    assert set(contents) == set(wb.sheetnames[2:])
    assert all(len(str(about)) > 20 for about in contents.values())
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        head = int(ws.freeze_panes[1:]) - 1
        headings = [c.value for c in ws[head]]
        snake = [h for h in headings if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(h))]
        assert not snake, f"sheet {name!r} has code-like headings {snake}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows.replace("$", "") == f"{head}:{head}"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    change = wb["Change before and after"]
    head = int(change.freeze_panes[1:]) - 1
    headings = [c.value for c in change[head]]
    p_col = headings.index("p (adjusted)") + 1
    assert change.cell(row=head + 1, column=p_col).number_format == '[<0.001]"<0.001";0.000'
    names = [str(c.value) for ws in wb for c in ws["A"]]
    assert not any(str(v).startswith("P-") for v in names)


def test_analysis_workbook_is_for_evaluators(built):
    wb = load_workbook(built[0] / "analysis.xlsx")
    assert wb.sheetnames[0] == "README"
    assert "prepost" in wb.sheetnames and "scale_scores" not in wb.sheetnames
    header = [c.value for c in wb["prepost"][1]]
    assert {"mean_diff", "g_av", "p_adj"} <= set(header)
    row = [c.value for c in wb["prepost"][2]]
    assert row[header.index("p_adj")] == pytest.approx(0.01)  # full precision, not rounded
    readme = " ".join(str(c.value) for c in wb["README"]["A"] if c.value)
    assert "scale_scores" in readme  # says what was left out


def test_every_cell_we_write_is_inert(tmp_path):
    ctx = {**synthetic_context(), "programme": "=1+1"}
    paths = build_report(synthetic_results(), ctx, tmp_path)
    for key in ("tables", "analysis"):
        wb = load_workbook(paths[key])
        cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
        formulas = [c.coordinate for c in cells if c.data_type == "f"
                    or (isinstance(c.value, str) and c.value.startswith("=") and not c.quotePrefix)]
        assert formulas == [], f"{key}: formulas in {formulas[:5]}"
        assert any(c.value.startswith("=1+1") and c.data_type == "s" and c.quotePrefix
                   for c in cells if isinstance(c.value, str))
        assert not any(isinstance(c.value, str) and c.value.startswith("'") for c in cells)


def test_workbook_says_what_excel_cannot_hold(tmp_path):
    from evaluate.report.xlsx import Sheet, write_workbook

    big = pd.DataFrame({"x": range(10), "y": ["=cmd"] * 10})
    written = write_workbook(tmp_path / "t.xlsx", [Sheet("Big", big, csv="big.csv")],
                             title="t", max_rows=5)
    assert written.left_out == ["Sheet “Big”: only the first 4 of 10 rows fit in Excel; the "
                                "whole table is in big.csv."]
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb["Big"].max_row == 5
    front = " ".join(str(c.value) for c in wb.worksheets[0]["A"] if c.value)
    assert "only the first 4 of 10 rows" in front


def test_analyse_keeps_person_level_tables_out_of_the_workbook(tmp_path):
    from evaluate.report.results_files import write_results

    r = synthetic_results()
    paths = write_results(r, tmp_path, context=synthetic_context())
    assert (tmp_path / "scale_scores.csv").exists()
    wb = load_workbook(tmp_path / "analysis.xlsx")
    assert "scale_scores" not in wb.sheetnames and "network_layout_nodes" not in wb.sheetnames
    assert tmp_path / "analysis.xlsx" in paths and not (tmp_path / "tables.xlsx").exists()


@pytest.mark.slow
def test_every_count_on_the_demo_page_adds_up(demo_outputs):
    import html as html_lib

    page = html_lib.unescape(re.sub(r"<[^>]+>", " ", Path(demo_outputs["dashboard"]).read_text(
        encoding="utf-8").split("<script")[0]))
    page = re.sub(r"\s+", " ", page).replace(",", "")
    # rows read = accepted + quarantined + excluded
    read, acc, quar, exc = map(int, re.search(
        r"(\d+) rows read = (\d+) accepted \+ (\d+) quarantined \+ (\d+) excluded", page).groups())
    assert read == acc + quar + exc
    # ties: the card, the pictures and the growth table count the same ties
    first, last = map(int, re.search(r"\(of (\d+) ties named then (\d+)\)", page).groups())
    titles = " | ".join(re.findall(r'class="chart-title"[^>]*>([^<]*)<', Path(
        demo_outputs["dashboard"]).read_text(encoding="utf-8"))).replace(",", "")
    pictures = re.findall(r"(\d+) ties named at the baseline and (\d+) at the end", titles)
    assert len(pictures) >= 2
    assert sum(int(a) for a, _ in pictures) == first and sum(int(b) for _, b in pictures) == last
    block = Path(demo_outputs["dashboard"]).read_text(encoding="utf-8").split(
        "<h3>How the network grew</h3>")[1].split("</table>")[0]
    rows = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)).replace(",", "").strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block, flags=re.S)]
    growth = pd.DataFrame(rows[1:], columns=rows[0])
    before = [c for c in growth.columns if c.startswith("Ties named at the baseline")][0]
    after = [c for c in growth.columns if c.startswith("Ties named at the end")][0]
    for c in (before, after, "New ties", "Kept ties", "Ties no longer named"):
        growth[c] = growth[c].astype(int)
    total = growth[growth["Cohort"] == "All cohorts"].iloc[0]
    assert (total[before], total[after]) == (first, last)
    for _, row in growth.iterrows():
        assert row["New ties"] + row["Kept ties"] == row[after]
        assert row["Kept ties"] + row["Ties no longer named"] == row[before]
    # the response-rate headline counts the cohorts surveyed: 78 people in both cohorts
    n, = map(int, re.search(r"Of the (\d+) people in Cohort 1 and Cohort 2", page).groups())
    assert n == 78


def test_page_shows_the_largest_groups_and_says_where_the_others_are():
    results = synthetic_results()
    base = results["subgroups"].iloc[0].to_dict()
    orgs = pd.DataFrame([{**base, "attribute": "organisation", "group": f"Org {i:02d}",
                          "n_pairs": float(10 + i)} for i in range(30)])
    results["subgroups"] = pd.concat([results["subgroups"], orgs], ignore_index=True)
    page = render_dashboard(results, synthetic_context())
    block = page.split("Change by cohort, sector, place and organisation", 1)[1].split("</details>")[0]
    shown = sorted(set(re.findall(r"Org \d\d", block)))
    assert shown == [f"Org {i:02d}" for i in range(10, 30)]  # the 20 largest
    assert "NHS acute" in block  # kinds with few groups are shown whole
    assert ("Only the 20 largest of the 30 organisations are shown here; tables.xlsx (Change "
            "by group) has every group.") in block
