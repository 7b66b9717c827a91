"""The claims ledger: built from the results, every printed number a figure with its source."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.claims.ledger import CLAIM_COLUMNS, FIGURE_COLUMNS, NUMBER, build_claims


def _statement(**over):
    row = dict(aim="aim1", aim_title="System leadership", scale="growth", scale_title="Growth",
               wave_pre="baseline", wave_post="end", n_pairs=40, mean_pre=2.9, mean_post=3.5,
               g_av=0.8, g_av_ci95_low=0.5, g_av_ci95_high=1.1, p_adj=0.0001, statement="",
               cautions="No comparison group: some or all of the change may have happened "
                        "without the programme.",
               evidence_strength="moderate", evidence_reasons="", compared_with="", did=np.nan,
               did_ci95_low=np.nan, did_ci95_high=np.nan, n_first=50, n_comparison=np.nan,
               groups_alike=pd.NA, reliability_shift=False, rough_measure=False,
               dropouts_differ=False, response_shift=False, downgrades="")
    row.update(over)
    return row


def _results(*rows):
    prepost = pd.DataFrame([dict(kind="scale", measure=r["scale"], wave_pre=r["wave_pre"],
                                 wave_post=r["wave_post"], scale_max=5.0) for r in rows])
    return {"statements": pd.DataFrame(list(rows)), "prepost": prepost}


def _claim(out, claim_id):
    c = out["claims"]
    return c[c["claim_id"] == claim_id].iloc[0]


def test_columns_are_the_documented_ones():
    out = build_claims(_results(_statement()))
    assert list(out["claims"].columns) == CLAIM_COLUMNS
    assert list(out["claim_figures"].columns) == FIGURE_COLUMNS
    import evaluate.claims.ledger as ledger

    for column in CLAIM_COLUMNS + FIGURE_COLUMNS:
        assert f"``{column}" in ledger.__doc__ or f" {column}" in ledger.__doc__, column


def test_a_clear_rise_without_comparison_may_be_called_real():
    out = build_claims(_results(_statement()))
    c = _claim(out, "survey:growth:baseline:end")
    assert c["label"] == "Moderate evidence of a rise" and c["level"] == "moderate"
    assert c["text"] == ("Growth rose from 2.9 to 3.5 out of 5 between the baseline and the end: "
                         "a large rise, and we can be confident it is real (effect size 0.80, "
                         "likely between 0.50 and 1.10; 40 people answered both surveys).")
    assert c["role"] == "headline" and c["may_say_real"]
    assert "no comparison group" in c["reasons"]


def test_a_downgraded_rise_is_not_called_real_and_lists_why():
    out = build_claims(_results(_statement(reliability_shift=True, rough_measure=True,
                                           cautions="Measurement: the scale's reliability (omega) "
                                           "moved from 0.62 at the baseline survey to 0.85 at the "
                                           "end survey, so people may have read the questions "
                                           "differently; part of the change may reflect that.")))
    c = _claim(out, "survey:growth:baseline:end")
    assert c["level"] == "weak" and not c["may_say_real"]
    assert "real" not in c["text"] and "the evidence is weak (see why)" in c["text"]
    assert c["downgrades"] == "measurement_change;rough_measure"
    # the caution the reader sees is covered by a reason under the label
    assert "hung together differently" in c["cautions"] and "hung together differently" in c["reasons"]


def test_a_caution_without_a_downgrade_still_reaches_the_reasons():
    out = build_claims(_results(_statement(
        cautions="Attrition: only 40 of the 50 people who answered the baseline survey also "
                 "answered the end survey.")))
    c = _claim(out, "survey:growth:baseline:end")
    assert "low_response" not in c["downgrades"]  # 80% answered again
    assert "Drop-out (noted, not rated down): only 40 of the 50 people" in c["reasons"]


def test_a_change_that_could_be_chance_is_labelled_as_such_and_not_planned():
    row = _statement(mean_post=2.95, g_av=0.05, g_av_ci95_low=-0.2, g_av_ci95_high=0.3, p_adj=0.6)
    res = _results(row)
    res["planning"] = pd.DataFrame([dict(measure="growth", title="Growth", wave_pre="baseline",
                                         wave_post="end", target="observed change", power=0.8,
                                         n_pairs=40, mean_diff=0.05, n_completers=500.0,
                                         n_invited=600.0)])
    out = build_claims(res)
    c = _claim(out, "survey:growth:baseline:end")
    assert c["label"] == "Limited evidence: no clear change"
    assert "could be chance" in c["text"]
    p = _claim(out, "planning:growth:baseline:end")
    assert not p["counts_as_evidence"] and "500" not in p["text"]
    assert p["text"] == "Growth: not planned for, because its change could be chance."


def test_every_number_in_a_claim_is_one_of_its_figures():
    res = _results(_statement(), _statement(scale="care", scale_title="Care", mean_pre=3.1,
                                            mean_post=3.2, g_av=0.1, g_av_ci95_low=-0.1,
                                            g_av_ci95_high=0.3, p_adj=0.4))
    out = build_claims(res)
    figures = out["claim_figures"]
    for c in out["claims"].itertuples(index=False):
        shown = set(figures.loc[figures["claim_id"] == c.claim_id, "shown"])
        for column in ("text", "label", "reasons", "cautions"):
            for token in NUMBER.findall(getattr(c, column)):
                assert token in shown, (c.claim_id, column, token)
    assert (figures["source_table"] != "").all() and (figures["source_key"] != "").all()


def test_a_label_against_a_comparison_group_says_so_even_without_a_clear_change():
    row = _statement(compared_with="wait-list", did=0.05, did_ci95_low=-0.2, did_ci95_high=0.3,
                     n_comparison=30, groups_alike=True, p_adj=0.6)
    c = _claim(build_claims(_results(row)), "survey:growth:baseline:end")
    assert c["label"].endswith(": no clear change beyond the wait-list group's"), c["label"]
    plain = _claim(build_claims(_results(_statement(p_adj=0.6, g_av_ci95_low=-0.1))),
                   "survey:growth:baseline:end")
    assert plain["label"].endswith(": no clear change"), plain["label"]


def test_glossary_defines_each_network_word_once():
    out = build_claims({})
    g = out["claims"][out["claims"]["section"] == "glossary"]
    assert g["title"].is_unique
    assert {"Tie", "Pair", "Working tie"} <= set(g["title"])


@pytest.fixture(scope="module")
def demo(demo_outputs):
    return demo_outputs


def test_demo_claims_are_stored_and_written(demo):
    tables = Path(demo["dashboard"]).parent / "tables"
    claims = pd.read_csv(tables / "claims.csv", keep_default_na=False)
    figures = pd.read_csv(tables / "claim_figures.csv", keep_default_na=False)
    assert list(claims.columns) == CLAIM_COLUMNS and list(figures.columns) == FIGURE_COLUMNS
    from openpyxl import load_workbook

    wb = load_workbook(Path(demo["dashboard"]).parent / "analysis.xlsx", read_only=True)
    assert "claims" in wb.sheetnames and "claim_figures" in wb.sheetnames
    # the labels are the statements table's: one rule, applied once
    statements = pd.read_csv(tables / "statements.csv", keep_default_na=False)
    survey = claims[claims["claim_id"].str.startswith("survey:") & (claims["measure"] != "")]
    merged = survey.merge(statements, left_on=["measure", "wave_pre", "wave_post"],
                          right_on=["scale", "wave_pre", "wave_post"])
    assert len(merged) == len(survey) > 0
    assert (merged["level"] == merged["evidence_strength"]).all()
    # every number in every claim's words (charts' and tables' too) is one of its own figures
    # (names with a number in them — "Cohort 1", "day 2" — are names, as in the trace test)
    from tests.test_claims_trace import ALLOWED, _norm

    # and so are the names the tables show as words (a session called "Systemcraft – Part 1")
    names = sorted({w for w in figures.loc[figures["unit"] == "words", "shown"]
                    if re.search(r"\d", w) and len(w) > 3}, key=len, reverse=True)
    shown = figures.assign(shown=figures["shown"].map(_norm)).groupby("claim_id")["shown"].agg(set)
    for c in claims.itertuples(index=False):
        for column in ("title", "text", "note", "label"):
            words = str(getattr(c, column))
            for name in names:
                words = words.replace(name, " ")
            for pattern in ALLOWED:
                words = pattern.sub(" ", words)
            for token in NUMBER.findall(words):
                assert _norm(token) in shown.get(c.claim_id, set()), (c.claim_id, column, token)
    # each figure's source row exists in its source table
    for f in figures.drop_duplicates(["source_table", "source_key"]).itertuples(index=False):
        # constants, not rows: the rule's own (10 people, 0.70 …), the methods' (2,000
        # resamples …), the workspace's settings (the suppression threshold), a reference's year
        if f.source_table in ("evidence_rule", "methods", "settings", "references"):
            continue
        if f.source_table == "voices":  # the free-text answers themselves: counted, not written
            continue
        # a table with one row per person is stored with the results, never written out
        stored = tables.parent / "workspace" / "results" / f"{f.source_table}.parquet"
        assert (tables / f"{f.source_table}.csv").exists() or stored.exists(), f.source_table
