"""The aims' survey charts and tables are claims: their words from the ledger, every number a
figure of its claim with the result table and row it comes from."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaluate.claims.ledger import NUMBER, build_claims
from evaluate.report import figures as F
from evaluate.report.dashboard import render_dashboard
from evaluate.words import num, pct
from tests.test_report import synthetic_context, synthetic_results

#: Numbers in words that are names, not findings (as in the trace test).
NAMES = re.compile(r"Cohort \d+|day \d+|Aim \d+")

MINE = ["chart:aim1:forest", "table:aim1:forest", "chart:aim1:likert", "table:aim1:likert",
        "chart:aim1:then-test", "table:aim1:then-test", "chart:aim3:change-challenge",
        "table:aim3:change-challenge", "table:aim3:ratings", "note:aim1:cohorts",
        "table:aim1:cohorts", "note:aim1:groups", "table:aim1:groups"]


def _anova() -> pd.DataFrame:
    return pd.DataFrame({
        "scale": ["system_leadership", "system_leadership", "coach_approach"],
        "title": ["System leadership", "System leadership", "Coach approach"],
        "wave_pre": "baseline", "wave_post": "end", "comparison": "baseline → end",
        "source": ["time", "time × cohort", "time × cohort"], "f": [40.0, 5.2, 0.3],
        "df1": 1.0, "df2": 58.0, "p_val": [1e-7, 0.026, 0.6], "np2": [0.4, 0.08, 0.005],
        "n_participants": 60, "n_cohorts": 2})


@pytest.fixture(scope="module")
def ledger():
    results = synthetic_results()
    results["cohort_anova"] = _anova()
    return results, build_claims(results, None, synthetic_context())


def _figures(ledger, claim_id):
    f = ledger[1]["claim_figures"]
    return f[f["claim_id"] == claim_id]


def test_each_chart_and_table_of_the_aims_is_a_claim(ledger):
    ids = set(ledger[1]["claims"]["claim_id"])
    assert [c for c in MINE if c not in ids] == []


def test_every_number_in_their_words_is_a_figure_of_that_claim_with_its_source(ledger):
    claims, figures = ledger[1]["claims"], ledger[1]["claim_figures"]
    untraced = []
    for c in claims[claims["claim_id"].isin(MINE)].itertuples(index=False):
        mine = figures[figures["claim_id"] == c.claim_id]
        assert (mine["source_key"] != "").all()
        # a result table's row, or a constant of the methods or the workspace's settings
        assert set(mine["source_table"]) <= set(ledger[0]) | {"methods", "settings"}, c.claim_id
        shown = set(mine["shown"])
        for words in (c.title, c.text, c.note):
            untraced += [(c.claim_id, t) for t in NUMBER.findall(NAMES.sub(" ", words))
                         if t not in shown]
    assert untraced == []


def test_a_p_value_printed_as_under_0_001_shows_its_bound_as_a_figure(ledger):
    figs = _figures(ledger, "table:aim1:cohorts")
    assert "< 0.001" not in set(figs["shown"])  # no p under 0.001 in this table: no bound
    assert "p_printed_below" not in set(figs["figure"])
    results = synthetic_results()
    results["cohort_anova"] = _anova().assign(p_val=[1e-9, 1e-5, 0.6])
    out = build_claims(results, None, synthetic_context())["claim_figures"]
    mine = out[out["claim_id"] == "table:aim1:cohorts"]
    assert "< 0.001" in set(mine["shown"])
    assert mine.loc[mine["figure"] == "p_printed_below", "shown"].tolist() == ["0.001"]


def test_the_cohorts_sentence_counts_the_scales_whose_change_differed(ledger):
    claims = ledger[1]["claims"].set_index("claim_id")
    assert claims.loc["note:aim1:cohorts", "text"] == (
        "The cohorts' changes differed by more than chance on 1 of 2 scales: System leadership.")
    cells = _figures(ledger, "table:aim1:cohorts")
    cells = cells[cells["row"] > 0]
    assert set(cells.loc[cells["figure"] == "p_val", "shown"]) == {"0.03", "0.60"}
    assert (cells.loc[cells["row"] > 0, "source_key"].str.contains("source=time × cohort")).all()


def test_the_look_back_states_each_average_with_its_95_percent_range(ledger):
    results = ledger[0]
    then = results["then_test"]
    row = then[then["comparison"].str.contains("baseline")].iloc[0]
    half = stats.t.ppf(0.975, row.n_pairs - 1) * row.sd_pre / np.sqrt(row.n_pairs)
    figs = _figures(ledger, "chart:aim1:then-test")
    lows = figs[(figs["figure"] == "mean_ci95_low")
                & figs["source_key"].str.contains("comparison=then-test vs baseline")
                & figs["source_key"].str.endswith("column=mean_pre")]
    assert lows["value"].tolist() == pytest.approx([row.mean_pre - half])
    text = ledger[1]["claims"].set_index("claim_id").loc["chart:aim1:then-test", "text"]
    assert f"{num(row.mean_pre, 1)} at the baseline (95% range {num(row.mean_pre - half, 1)} to" in text
    # the table gives the difference's range, as the result table has it
    cells = _figures(ledger, "table:aim1:then-test")
    cells = cells[cells["row"] > 0]
    assert sorted(cells.loc[cells["figure"] == "ci95_low", "shown"]) == sorted(
        num(v) for v in then["ci95_low"])


def test_the_likert_share_counts_the_statements_where_agreeing_is_good():
    results = synthetic_results()
    dist = results["item_distribution"]
    sl = dist[dist["item"] == "see_the_system"]
    worse = sl.assign(item="focus_on_own", item_text="I focus on my own organisation",
                      reverse=True)
    other = sl.assign(item="map_stakeholders", item_text="I can map the stakeholders",
                      n=sl["n"][::-1].to_numpy(), share=sl["share"][::-1].to_numpy())
    results["item_distribution"] = pd.concat([dist, worse, other], ignore_index=True)
    claims = build_claims(results, None, synthetic_context())
    table = claims["claims"].set_index("claim_id").loc["table:aim1:likert"]
    assert table["title"].endswith(
        "(6 rows); the share agreeing above counts 2 of 3 statements, those where agreeing is good")
    chart = claims["claims"].set_index("claim_id").loc["chart:aim1:likert"]
    # agreeing (the top two answers) at the end, on the two statements where agreeing is good
    end = pd.concat([sl, other])
    end = end[end["wave"] == "end"]
    share = end.loc[end["label"].isin(["Agree", "Strongly agree"]), "n"].sum() / end["n"].sum()
    assert chart["title"].startswith(f"{pct(share)} of answers to the system leadership statements "
                                     "agreed at the end")
    assert "on 2 of 3 statements, those where agreeing is good." in chart["note"]
    cells = claims["claim_figures"]
    cells = cells[(cells["claim_id"] == "table:aim1:likert") & (cells["row"] > 0)]
    assert cells["row"].nunique() == 6  # one row per statement and survey
    agree = cells[(cells["figure"] == "Agree")
                  & cells["source_key"].str.startswith("item=focus_on_own; wave=end")]
    assert agree["shown"].tolist() == [pct(worse.loc[(worse["wave"] == "end")
                                                     & (worse["label"] == "Agree"), "share"].iloc[0])]


def test_the_groups_note_says_which_groups_are_left_out():
    results = synthetic_results()
    base = results["subgroups"].iloc[0].to_dict()
    orgs = pd.DataFrame([{**base, "attribute": "organisation", "group": f"Org {i:02d}",
                          "n_pairs": float(10 + i)} for i in range(30)])
    results["subgroups"] = pd.concat([results["subgroups"], orgs], ignore_index=True)
    out = build_claims(results, None, synthetic_context())
    note = out["claims"].set_index("claim_id").loc["note:aim1:groups"]
    assert note["text"].endswith("Only the 20 largest of the 30 organisations are shown here; "
                                 "tables.xlsx (Change by group) has every group.")
    figs = out["claim_figures"]
    counted = figs[(figs["claim_id"] == "note:aim1:groups")
                   & (figs["figure"] == "groups_organisation")]
    assert counted["value"].tolist() == [30.0]
    assert counted["source_key"].str.contains("attribute=organisation").all()


def test_the_forest_summary_states_each_size_and_range(ledger):
    prepost = ledger[0]["prepost"]
    r = prepost[(prepost["measure"] == "system_leadership") & (prepost["wave_post"] == "end")].iloc[0]
    text = ledger[1]["claims"].set_index("claim_id").loc["chart:aim1:forest", "text"]
    assert (f"System leadership, from the baseline to the end: a large rise (size {num(r.g_av)}, "
            f"likely between {num(r.g_av_ci95_low)} and {num(r.g_av_ci95_high)}; 30 people)") in text


def test_the_page_draws_these_claims_and_says_what_is_missing():
    results = synthetic_results()
    html = render_dashboard(results, synthetic_context())
    claims = build_claims(results, None, synthetic_context())["claims"].set_index("claim_id")
    for cid in ("chart:aim1:forest", "chart:aim1:then-test", "chart:aim3:change-challenge"):
        assert claims.loc[cid, "title"].replace("'", "&#39;") in html
    del results["then_test"]
    html = render_dashboard(results, synthetic_context())
    assert "do not ask people to look back at where they started" in html


def test_likert_statements_are_wrapped_short_on_a_phone():
    d = pd.DataFrame({"statement": ["I can explain our system's priorities in a way that "
                                    "motivates others"] * 2, "wave": ["baseline", "end"],
                      "label": "Agree", "share": [0.4, 0.6]})
    fig = F.diverging_likert(d, "statement", "label", "share", order=["Agree"], subrow="wave")
    narrow = F.likert_narrow(fig)
    assert narrow["y"][1] == ["baseline", "end"]
    assert all(len(line) <= 22 for label in narrow["y"][0] for line in label.split("<br>"))
    assert narrow["height"] >= 230
