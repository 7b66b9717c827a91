"""The network section's charts and tables as claims: every number a figure of its claim, with
its source row; tables cell for cell as the result tables; missing tables skipped quietly."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluate.claims.ledger import NUMBER, build_claims
from evaluate.claims.network_change_displays import ROLE_WORDS
from tests.test_report import synthetic_context, synthetic_results


def _extra() -> dict[str, pd.DataFrame]:
    """Result tables the synthetic results lack: intervals, evidence, brokerage and core."""
    key = dict(cohort="c1", wave_from="baseline", wave_to="end", relation="any")
    intervals = pd.DataFrame([
        dict(key, attribute=a, measure="share_external_change", people=12, ties_from=3,
             ties_to=5, value_from=0.0, value_to=0.4, estimate=0.4, ci95_low=lo, ci95_high=hi,
             se=0.1, n_boot=2000, n_boot_used=2000)
        for a, lo, hi in (("organisation", 0.123, 0.61), ("sector", -0.05, 0.52))])
    evidence = pd.DataFrame([dict(key, attribute="organisation", measure="share_external_change",
                                  people=12, respondents_from=12, estimate=0.4, ci95_low=0.123,
                                  ci95_high=0.61, clear=True, roster_estimate=0.38,
                                  bound_low=0.35, bound_high=0.42, reverses=False,
                                  evidence_strength="moderate", evidence_reasons="",
                                  downgrades="")])
    brokerage = pd.DataFrame(
        [dict(key, attribute="organisation", group=np.nan, members=12.0, role=r, count_from=4.0,
              count_to=9.0, change=5.0, brokers_from=2.0, brokers_to=5.0 + i, suppressed=False)
         for i, r in enumerate(ROLE_WORDS)]
        + [dict(key, attribute="organisation", group=g, members=m, role="liaison",
                count_from=c, count_to=c, change=0.0, brokers_from=c, brokers_to=c,
                suppressed=s)
           for g, m, c, s in (("Trust A", 8.0, 1.0, False), ("Council B", np.nan, np.nan, True))])
    core_groups = pd.DataFrame([
        dict(key, attribute=a, group=g, members=m, core_from=cf, core_to=ct, moved_in=mi,
             moved_out=mo, mean_coreness_from=0.1, mean_coreness_to=0.2, suppressed=False)
        for a in ("organisation", "sector")
        for g, m, cf, ct, mi, mo in ((np.nan, 12.0, 3.0, 5.0, 3.0, 1.0),
                                     ("NHS acute", 6.0, 3.0, 3.0, 1.0, 1.0))])
    core = pd.DataFrame([dict(cohort="c1", wave=w, relation="any", attribute="organisation",
                              people=12, ties=t, correlation=0.5, core_size=s, core_fit=0.5,
                              core_ties=ct, core_cross_ties=cc, core_share_cross=cc / ct,
                              share_cross=0.3)
                         for w, t, s, ct, cc in (("baseline", 3, 3, 2, 0), ("end", 5, 5, 4, 1))])
    return {"network_change_intervals": intervals, "network_evidence": evidence,
            "network_brokerage_groups": brokerage, "network_core_groups": core_groups,
            "network_core": core}


@pytest.fixture(scope="module")
def ledger():
    results = {**synthetic_results(), **_extra()}
    built = build_claims(results, None, synthetic_context())
    return results, built["claims"], built["claim_figures"]


def _mine(claims: pd.DataFrame) -> pd.DataFrame:
    return claims[claims["claim_id"].str.contains(
        r"^(?:chart|table|text):aim2:(?:network|boundary|growth|certainty|roles|core)")]


def test_every_network_display_is_a_claim(ledger):
    _, claims, _ = ledger
    ids = set(_mine(claims)["claim_id"])
    assert ids == {"chart:aim2:network:c1", "table:aim2:network:c1", "chart:aim2:boundary",
                   "table:aim2:boundary", "table:aim2:growth", "text:aim2:growth",
                   "table:aim2:growth_relation", "table:aim2:certainty", "chart:aim2:roles",
                   "table:aim2:roles", "table:aim2:roles_groups", "chart:aim2:core",
                   "table:aim2:core", "table:aim2:core_groups"}


def test_every_number_in_the_words_is_a_figure_of_its_claim_with_a_source_row(ledger):
    _, claims, figures = ledger
    mine = _mine(claims)
    for c in mine.itertuples(index=False):
        own = figures[figures["claim_id"] == c.claim_id]
        assert (own["source_table"] != "").all() and (own["source_key"] != "").all(), c.claim_id
        shown = set(own["shown"].str.lstrip("+"))
        for column in ("title", "text", "note"):
            for token in NUMBER.findall(re.sub(r"Cohort \d+", "", getattr(c, column))):
                assert token.lstrip("+") in shown, (c.claim_id, column, token)


def test_picture_claim_counts_ties_and_pairs_of_the_drawn_edges(ledger):
    results, claims, figures = ledger
    c = claims.set_index("claim_id").loc["chart:aim2:network:c1"]
    assert c["title"] == "Cohort 1: 12 people; 3 ties named at the baseline and 5 at the end"
    assert c["text"] == ("At the baseline, 3 ties were named, joining 3 pairs of people. At the "
                         "end, 5 ties were named, joining 5 pairs of people.")
    assert "sent to the 12 people on the programme's list" in c["note"]
    f = figures[figures["claim_id"] == "chart:aim2:network:c1"].set_index("figure")
    assert f.loc["ties_end", "source_table"] == "network_layout_edges"
    assert f.loc["ties_end", "source_key"].startswith("cohort=c1; wave=end")


def test_boundary_chart_states_each_change_with_its_95_percent_range(ledger):
    _, claims, figures = ledger
    c = claims.set_index("claim_id").loc["chart:aim2:boundary"]
    assert c["title"] == ("The share of the cohort's ties crossing organisations rose from 0% at "
                          "the baseline to 40% at the end")
    assert "Among the 12 people who answered the network survey both times" in c["note"]
    assert "organisation +40 points (95% range +12 to +61)" in c["note"]
    assert "sector +40 points (95% range −5 to +52)" in c["note"]
    f = figures[figures["claim_id"] == "chart:aim2:boundary"].set_index("figure")
    est = f.loc["change_organisation"]
    assert (est["ci95_low"], est["ci95_high"], est["n"]) == pytest.approx((12.3, 61.0, 12))
    assert est["source_table"] == "network_change_intervals"
    # the bars' labels are figures too
    assert f.loc["share_organisation_end", "shown"] == "40%"


def test_table_claims_hold_the_result_tables_cells(ledger):
    results, _, figures = ledger
    t = figures[(figures["claim_id"] == "table:aim2:boundary") & (figures["row"] > 0)]
    ties = t[t["figure"] == "ties"]
    b = results["network_boundary"]  # already in page order: organisation, sector; baseline, end
    assert ties["value"].tolist() == b["ties"].astype(float).tolist()
    assert all(k.endswith("column=ties") for k in ties["source_key"])
    heads = figures[(figures["claim_id"] == "table:aim2:certainty") & (figures["row"] == 0)]
    assert "Likely range: from" in set(heads["shown"])
    cells = figures[(figures["claim_id"] == "table:aim2:certainty") & (figures["row"] == 1)]
    assert cells.set_index("figure").loc["ci95_low_points", "shown"] == "+12"
    groups = figures[(figures["claim_id"] == "table:aim2:roles_groups") & (figures["row"] == 1)]
    assert set(groups.loc[groups["figure"] == "members", "shown"]) == {
        "suppressed (fewer than 5 people)"}


def test_brokerage_and_core_words(ledger):
    _, claims, _ = ledger
    c = claims.set_index("claim_id")
    assert c.loc["chart:aim2:roles", "title"] == (
        "More people link people of two other organisations: 5 of the 12 who answered both "
        "times at the end, against 2 at the baseline")
    assert c.loc["chart:aim2:roles", "note"].startswith("The 12 people who answered")
    assert c.loc["chart:aim2:core", "title"] == (
        "3 people moved from the edge of the network into its core; the share of the core's "
        "ties crossing organisations went from 0% to 25%")
    text = c.loc["text:aim2:growth", "text"]
    assert re.search(r"Among the 12 people who answered the network survey both times, 3 ties "
                     r"became 5: 2 new, 3 kept and 0 no longer named\.", text)


def test_missing_or_partial_tables_are_skipped(ledger):
    results = synthetic_results()
    results["network_boundary"] = results["network_boundary"].drop(columns="external_ties")
    del results["network_layout_edges"]
    claims = build_claims(results, None, synthetic_context())["claims"]
    ids = set(claims["claim_id"])
    assert "chart:aim2:boundary" not in ids and "chart:aim2:network:c1" not in ids
    assert "table:aim2:growth" in ids and "chart:aim2:roles" not in ids
