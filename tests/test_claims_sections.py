"""Who answered, the evidence matrix, reaction, voices and stories render from the claims ledger.

Each claim of these sections words its own numbers: every number in its title,
text or note is one of its own figures (with a source table and row), a table
claim's cells are its result table's values, and comparative words appear only
when the evidence rule allows them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluate.claims.ledger import NUMBER, build_claims
from evaluate.claims.rule import biggest
from evaluate.report.page import Page
from evaluate.report.sections.evidence import build_evidence
from evaluate.report.sections.reaction import build_reaction
from evaluate.report.sections.stories import build_stories
from evaluate.report.sections.voices import build_voices
from tests.test_report import synthetic_context, synthetic_results

SECTIONS = ("reaction", "voices", "stories", "evidence")
#: Words that are names, not findings ("Cohort 1", "day 2").
NAMES = re.compile(r"Cohort \d+|[Dd]ay \d+")


def _stories() -> dict[str, pd.DataFrame]:
    counts = pd.DataFrame({"domain": ["aim1", "other", "all"],
                           "domain_title": ["System leadership", "Something else", "All domains"],
                           "n_stories": [7.0, np.nan, 9.0], "n_shared": [7.0, np.nan, 8.0],
                           "n_quotable": [6.0, np.nan, 6.0], "suppressed": [False, True, False]})
    sel = pd.DataFrame({"round": [1, 1, 2], "level": ["Cohort teams"] * 2 + ["Board"],
                        "panel": ["Programme team"] * 2 + ["Trust board"],
                        "decided": ["2025-12-09", "2025-12-09", "2026-01-13"],
                        "story": ["S-1", "S-2", "S-1"], "domain": ["aim1"] * 3,
                        "domain_title": ["System leadership"] * 3,
                        "selected": [True, False, True], "reasons": ["Clear change"] * 3,
                        "verification": [""] * 3, "quotable": [True] * 3,
                        "title": ["A story"] * 3, "text": ["We cut waits by 12 days"] * 3,
                        "significance": [""] * 3})
    return {"story_counts": counts, "story_selection": sel}


def _matrix(results) -> pd.DataFrame:
    rows = [dict(aim="aim1", aim_title="Develop your capacity for system leadership", level=1,
                 level_name="reaction", measure="reaction:overall_rating", status="measured",
                 indicator="rated", indicator_title="Rated the days"),
            dict(aim="aim1", aim_title="Develop your capacity for system leadership", level=2,
                 level_name="learning", measure="scale:system_leadership", status="measured",
                 indicator="sl", indicator_title="System leadership"),
            dict(aim="aim1", aim_title="Develop your capacity for system leadership", level=4,
                 level_name="results", measure="", status="not asked",
                 indicator="outcomes", indicator_title="Outcomes for residents")]
    m = pd.DataFrame(rows)
    for c in ("outcome", "outcome_title", "measure_title", "result", "strength", "statement"):
        m[c] = ""
    m.loc[1, "strength"] = "moderate"
    return m


@pytest.fixture(scope="module")
def page() -> Page:
    results = {**synthetic_results(), **_stories()}
    results["evidence_matrix"] = _matrix(results)
    context = synthetic_context()
    results.update(build_claims(results, None, context))
    return Page(results, context)


def _mine(page: Page) -> pd.DataFrame:
    claims = page.claims()
    return claims[claims["section"].isin(SECTIONS)
                  | claims["claim_id"].str.contains(":overview:response_rates")]


def test_each_section_has_its_claims(page):
    ids = set(_mine(page)["claim_id"])
    assert {"chart:overview:response_rates", "table:overview:response_rates",
            "chart:reaction:ratings", "table:reaction:ratings", "table:reaction:recommend",
            "note:reaction:nps", "note:reaction:suppressed", "table:voices:counts",
            "quotes:voices:post:most_valuable", "text:stories:method", "table:stories:counts",
            "round:stories:1", "round:stories:2"} <= ids
    assert any(i.startswith("evidence:aim1:2:") for i in ids)


def test_every_number_a_claim_prints_is_one_of_its_own_figures(page):
    figures = page.__dict__["_claims"][1]
    for c in _mine(page).itertuples(index=False):
        mine = figures[figures["claim_id"] == c.claim_id]
        assert (mine["source_table"] != "").all() and (mine["source_key"] != "").all(), c.claim_id
        shown = set(mine["shown"].str.lstrip("+"))
        words = NAMES.sub(" ", " ".join((c.title, c.text, c.note)))
        missing = [t for t in NUMBER.findall(words) if t.lstrip("+") not in shown]
        assert not missing, (c.claim_id, missing, words)


def test_response_table_cells_are_the_result_tables(page):
    rates = page.table("attrition_rates")
    rates = rates[rates["cohort"].astype(str) != "all"]
    table = page.claim_table("table:overview:response_rates")
    assert table.column("Answered") == [f"{int(n):,}" for n in rates["n_responded"]]
    assert table.column("Share who answered") == [f"{round(r * 100):.0f}%" for r in rates["response_rate"]]
    chart = page.claim("chart:overview:response_rates")
    # how many people the chart rests on is said beside it
    assert re.search(r"\(\d+ people on the programme", chart["note"])


def test_reaction_chart_says_most_useful_only_when_the_rule_allows(page):
    title = page.claim("chart:reaction:ratings")["title"]
    r = page.table("reaction")
    s = r[(r["kind"] == "rating") & (r["item"] != "overall_rating") & ~r["suppressed"]]
    # the synthetic data have one session: no "most useful" from one
    assert biggest(list(s["mean"]), list(s["ci95_low"]), list(s["ci95_high"])) is None
    assert "most useful" not in title
    assert "95% range" in page.claim("chart:reaction:ratings")["note"]
    lonely = r.copy()
    extra = s.iloc[0].to_dict() | dict(item="useful_other", item_text="How useful was the "
                                       "session: Other?", mean=3.0, ci95_low=2.8, ci95_high=3.2)
    for low, high, said in ((2.8, 3.2, True), (3.9, 4.3, False)):
        extra |= dict(ci95_low=low, ci95_high=high)
        results = {"reaction": pd.concat([lonely, pd.DataFrame([extra])], ignore_index=True)}
        claims = build_claims(results, None, {})["claims"]
        title = claims.loc[claims["claim_id"] == "chart:reaction:ratings", "title"].iloc[0]
        assert ("the most useful session: Visiting Speaker (4.2)" in title) is said, title
        assert ("no one session stands out" in title) is not said


def test_reaction_renders_from_the_ledger(page):
    out = build_reaction(page)
    assert out["chart"].title == page.claim("chart:reaction:ratings")["title"]
    assert out["recommend"].column("Net promoter score") == ["40"]
    assert out["nps"].startswith("Net promoter score: the percentage who would recommend it (9 or 10")
    assert out["suppressed"] == "1 result with fewer than 5 answers not shown."


def test_voices_counts_come_from_the_ledger_and_quotes_stay_out_of_it(page):
    out = build_voices(page)
    assert out["counts"].column("Answers") == ["3"] and out["counts"].column("May be quoted") == ["2"]
    assert out["groups"][0]["about"] == "End of programme survey · 2 may be quoted"
    figures = page.__dict__["_claims"][1]
    texts = set(page.context["voices"]["text"])
    assert not texts & set(figures["shown"]) and not texts & set(page.claims()["text"])


def test_a_number_in_a_quote_is_marked_as_the_participants_words(tmp_path):
    from evaluate.report.build import build_report

    context = synthetic_context()
    context["voices"] = pd.concat([context["voices"], pd.DataFrame([dict(
        instrument="post", wave="end", cohort="c1", item="most_valuable",
        prompt="What has been the most valuable part?", text="-10% less admin, 37 hours back",
        quotable=True)] * 2)], ignore_index=True)
    html = build_report(synthetic_results(), context, tmp_path)["dashboard"].read_text(encoding="utf-8")
    assert ('<blockquote><span data-quote>-10% less admin, 37 hours back</span>'
            '<span class="said">written by 2 people</span></blockquote>') in html


def test_stories_method_and_counts_are_claims(page):
    out = build_stories(page)
    method = page.claim("text:stories:method")["text"]
    assert out["method"] == method
    assert ("Participants told 9 stories" in method and "System leadership 7" in method
            and "Something else fewer than 5" in method and "9 December 2025" in method
            and "read 2 stories and chose 1" in method)
    assert out["counts"].column("Stories told") == ["7", "—", "9"]
    reasons = out["aims"][0]["stories"][0]["reasons"]
    assert [who for who, _ in reasons] == ["Cohort teams (round 1)", "Board (round 2)"]


def test_evidence_matrix_entries_are_claims_with_the_rules_strength(page):
    out = build_evidence(page)
    row = out["rows"][0]
    reaction, learning, _, results = (c["entries"] for c in row["cells"])
    assert reaction[0]["result"] == "rated 4.0 out of 5 on average (30 ratings)"
    survey = page.claim("survey:system_leadership:baseline:end")
    assert learning[0]["strength"] == survey["level"]  # the rule's level, as on the card
    assert learning[0]["result"].endswith("points, baseline to the end")
    assert results[0]["result"] == "planned, but no survey asks it yet"
    assert row["cells"][2]["empty"] == "Not measured"
