"""Contribution analysis: every link with its evidence, every alternative explanation with what the data say."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from evaluate.contribution import (
    ALTERNATIVES,
    NO_EVIDENCE,
    alternative_explanations,
    contribution_tables,
)
from evaluate.instruments import Item, load_instruments, load_programme

PROGRAMME = load_programme()
INSTRUMENTS = load_instruments()


def comparison(rows):
    cols = ["scale", "title", "wave_pre", "wave_post", "comparison_group", "did", "did_ci95_low",
            "did_ci95_high", "baseline_check", "suppressed"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols)


@pytest.fixture
def results():
    """Two aim-1 scales compared with a wait-list group; no then-test; an attrition check."""
    return {
        "comparison": comparison([
            ("system_leadership", "System leadership", "baseline", "end", "wait-list", 0.5, 0.2,
             0.8, "alike", False),
            ("coach_approach", "Coach approach", "baseline", "end", "wait-list", 0.1, -0.2, 0.4,
             "not alike", False),
            # a later wave and a suppressed row are not the first comparison after the programme
            ("system_leadership", "System leadership", "baseline", "follow_up", "wait-list", 0.9,
             0.1, 1.7, "alike", False),
            ("peer_network", "Network, trust and peer support", "baseline", "end", "wait-list",
             0.4, 0.1, 0.7, "alike", True),
        ]),
        "attrition_bias": pd.DataFrame({
            "scale": ["system_leadership", "coach_approach"],
            "title": ["System leadership", "Coach approach"], "wave_first": "baseline",
            "wave": "end", "n_completers": [40, 40], "n_dropouts": [8, 8],
            "differs": [False, True]}),
    }


def test_every_aim_has_every_alternative_with_its_evidence_or_no_evidence(results):
    alt = alternative_explanations(PROGRAMME, results, INSTRUMENTS)
    assert len(alt) == len(PROGRAMME.aims) * len(ALTERNATIVES)
    for aim in PROGRAMME.aims:
        assert alt.loc[alt["aim"] == aim.id, "alternative"].tolist() == list(ALTERNATIVES)
    a1 = alt[alt["aim"] == "aim1"].set_index("alternative")
    assert a1.loc["secular_trend", "evidence"] == (
        "compared with the wait-list group on 2 measure(s): the programme group changed clearly "
        "more on 1 (by 0.50 points more)")
    assert a1.loc["secular_trend", "verdict"] == "ruled out for some measures"
    assert (a1.loc["secular_trend", "n_measures"], a1.loc["secular_trend", "n_addressed"]) == (2, 1)
    assert a1.loc["regression_to_mean", "evidence"] == (
        "the programme and comparison groups started alike, or close enough to allow for, on 1 "
        "of 2 measure(s); not alike on Coach approach")
    assert a1.loc["selection_attrition", "evidence"] == (
        "starting scores of those who answered later and those who left compared on 2 "
        "measure(s): they differed on 1 (Coach approach)")
    assert a1.loc["selection_attrition", "verdict"] == "a risk for some measures"
    # no then-test and no question on other programmes: said, never left out
    for key in ("response_shift", "other_programmes"):
        assert a1.loc[key, "verdict"] == NO_EVIDENCE
        assert a1.loc[key, "evidence"].startswith(f"{NO_EVIDENCE}: nothing in the workspace")
    assert "a then-test" in a1.loc["response_shift", "evidence"]
    # aim 2's only comparison is suppressed: no evidence on any alternative
    a2 = alt[alt["aim"] == "aim2"]
    assert set(a2["verdict"]) == {NO_EVIDENCE}


def test_then_test_and_a_question_on_other_programmes_count_as_evidence(results):
    results["then_test"] = pd.DataFrame({
        "comparison": ["then-test vs baseline (response shift)"] * 2, "kind": "scale",
        "measure": ["system_leadership", "coach_approach"], "n_pairs": [30, 30],
        "mean_diff": [-0.3, 0.05], "p_adj": [0.01, 0.6]})
    follow_up = INSTRUMENTS["follow_up@1"]
    asked = replace(follow_up, items=follow_up.items + (Item(
        "other_programmes", "Which other development programmes did you take part in this year?",
        "text"),))
    alt = alternative_explanations(PROGRAMME, results, {**INSTRUMENTS, "follow_up@1": asked})
    a1 = alt[alt["aim"] == "aim1"].set_index("alternative")
    assert a1.loc["response_shift", "evidence"].startswith(
        "then-test on 2 measure(s): looking back, people rated their starting point lower than "
        "they had at the time on 1")
    assert a1.loc["response_shift", "verdict"].startswith("examined: response shift found")
    assert a1.loc["other_programmes", "verdict"] == "examined: asked"
    assert "Which other development programmes" in a1.loc["other_programmes", "evidence"]


def test_links_list_every_indicator_and_say_where_there_is_no_evidence(results):
    tables = contribution_tables(PROGRAMME, results, INSTRUMENTS)
    links = tables["contribution_links"]
    model_indicators = {ind.id for _, _, ind in PROGRAMME.logic_model.rows() if ind}
    assert model_indicators <= set(links["indicator"])
    # no statements were given, so no survey link has evidence, and each says so
    survey = links[links["source"] == "survey change"]
    assert len(survey) and (survey["status"] == NO_EVIDENCE).all()
    assert survey["evidence"].str.startswith(f"{NO_EVIDENCE}: ").all()
    # an outcome the logic model gives no indicator is a gap, not left out
    roles = links[links["outcome"] == "system_roles"]
    assert roles["status"].tolist() == [NO_EVIDENCE]
    assert "no indicator" in roles["evidence"].iloc[0]
    # with no stories, each aim says so
    stories = links[links["source"] == "stories"]
    assert len(stories) == len(PROGRAMME.aims)
    assert (stories["evidence"] == f"{NO_EVIDENCE}: no story of change in this domain").all()
    claims = tables["contribution_claims"].set_index("aim")
    assert claims.loc["aim1", "claim"].startswith("No evidence yet that the programme contributed")
    assert claims.loc["aim1", "n_gaps"] == claims.loc["aim1", "n_links"]


def test_the_demo_contribution_tables(demo_outputs):
    from evaluate.analysis import stored_results
    from evaluate.workspace import Workspace

    tables = stored_results(Workspace.open(demo_outputs["workspace"])).tables
    alt = tables["contribution_alternatives"]
    assert len(alt) == 3 * len(ALTERNATIVES)
    sec = alt[alt["alternative"] == "secular_trend"].set_index("aim")
    assert sec.loc["aim2", "evidence"].startswith("compared with the wait-list group on 1 measure")
    assert (alt.loc[alt["alternative"] == "other_programmes", "verdict"] == NO_EVIDENCE).all()
    claims = tables["contribution_claims"].set_index("aim")
    assert claims.loc["aim1", "claim"].startswith(
        "The evidence is consistent with the programme contributing to")
    assert "Alumni step into system leadership roles" in claims.loc["aim1", "gaps"]
    links = tables["contribution_links"]
    stories = links[links["source"] == "stories"].set_index("aim")
    assert stories.loc["aim1", "evidence"] == "1 story chosen by the Programme board (round 2)"
