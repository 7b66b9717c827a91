"""The data-and-methods section's claims: its sentences and tables, worded once in the ledger.

Built from small hand-made results (no demo): each sentence's numbers are figures
of its claim with the source row, each table claim's cells are the result table's
values as printed, and the methods page's wording fixes hold (an alpha that prints
0.70 is not "under 0.70"; a large drop-out difference that could be chance is not
read as the drop-outs having started differently; no rule codes are printed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.claims.ledger import NUMBER, build_claims
from evaluate.report.page import Page
from evaluate.report.sections.methods import build_methods


def _reliability():
    rows = [dict(instrument="baseline@1", wave="baseline", scale="growth", title="Growth",
                 n_items=4, n=60, alpha=0.694, alpha_ci95_low=0.55, alpha_ci95_high=0.79,
                 alpha_below_0_7=True, omega_total=0.71, omega_ci95_low=0.6, omega_ci95_high=0.8,
                 omega_n_boot_used=197, omega_change=0.0, reliability_shift=False,
                 note="alpha below 0.7: the items may not measure one thing well enough"),
            dict(instrument="post@1", wave="end", scale="growth", title="Growth", n_items=4,
                 n=55, alpha=0.698, alpha_ci95_low=0.56, alpha_ci95_high=0.80,
                 alpha_below_0_7=True, omega_total=0.83, omega_ci95_low=0.7, omega_ci95_high=0.9,
                 omega_n_boot_used=200, omega_change=0.12, reliability_shift=True,
                 note="alpha below 0.7: the items may not measure one thing well enough; "
                      "omega moved from 0.71 at the first wave to 0.83: the scale may measure "
                      "differently now — read its pre/post change with care"),
            dict(instrument="post@1", wave="end", scale="pair", title="Pair scale", n_items=2,
                 n=55, alpha=0.81, alpha_ci95_low=0.7, alpha_ci95_high=0.88,
                 alpha_below_0_7=False, omega_total=np.nan, omega_ci95_low=np.nan,
                 omega_ci95_high=np.nan, omega_n_boot_used=0, omega_change=np.nan,
                 reliability_shift=False,
                 note="2-item scale: omega needs a one-factor model, which needs at least 3 items")]
    return pd.DataFrame(rows)


def _attrition():
    base = dict(wave_first="baseline", sd_completers=0.6, sd_dropouts=0.6, t=1.0, dof=20.0,
                u_stat=100.0, rank_biserial=0.2, g_ci95_low=-0.1, g_ci95_high=1.2, note="",
                warning="")
    return pd.DataFrame([
        dict(base, scale="coach", title="Coach approach", wave="end", n_completers=62,
             n_dropouts=12, mean_completers=3.11, mean_dropouts=2.75, mean_diff=0.36,
             hedges_g=0.61, p_val=0.10, p_mannwhitney=0.08, differs=True),
        dict(base, scale="coach", title="Coach approach", wave="follow_up", n_completers=52,
             n_dropouts=22, mean_completers=3.16, mean_dropouts=2.81, mean_diff=0.35,
             hedges_g=0.58, p_val=0.01, p_mannwhitney=0.02, differs=True),
        dict(base, scale="voice", title="Community voice", wave="end", n_completers=63,
             n_dropouts=11, mean_completers=3.16, mean_dropouts=3.23, mean_diff=-0.07,
             hedges_g=-0.11, p_val=0.64, p_mannwhitney=0.81, differs=False),
    ])


def _context():
    imports = pd.DataFrame([
        dict(file="post-c1.xlsx", sheet="Sheet1", instrument="post@1", cohort="c1", wave="end",
             read=35, accepted=31, quarantined=2, excluded=2, sha256="ab" * 32),
        dict(file="base-c1.csv", sheet="", instrument="baseline@1", cohort="c1",
             wave="baseline", read=40, accepted=40, quarantined=0, excluded=0, sha256="cd" * 32)])
    quarantine = pd.DataFrame([
        dict(file="post-c1.xlsx", column="Name", rule="not_on_roster", severity="warning",
             fix="check the spelling"),
        dict(file="post-c1.xlsx", column="Status", rule="survey_preview", severity="excluded",
             fix="nothing to do"),
        dict(file="post-c1.xlsx", column="Status", rule="survey_preview", severity="excluded",
             fix="nothing to do")])
    return {"waves": ["baseline", "end", "follow_up"], "cohorts": ["c1"], "min_group_size": 5,
            "imports": imports, "quarantine": quarantine,
            "instrument_versions": [dict(ref="post@1", title="End survey", wave="end"),
                                    dict(ref="baseline@1", title="Baseline survey",
                                         wave="baseline")]}


@pytest.fixture(scope="module")
def built():
    results = {"reliability": _reliability(), "attrition_bias": _attrition(),
               "network_boundary": pd.DataFrame([dict(
                   cohort="c1", wave="end", relation="any", attribute="organisation", ties=290,
                   ei_index=0.28, new_ei_index=0.75, group_pairs_connected=32, group_pairs=36)]),
               "network_checks": pd.DataFrame([dict(
                   cohort="c1", wave="end", relation="worked_with", ties_read=75, self_ties=1,
                   duplicate_ties=2, off_roster_ties=0, ties_used=72, message="")])}
    context = _context()
    out = build_claims(results, None, context)
    return results, context, out["claims"], out["claim_figures"]


def _claim(claims, cid):
    hit = claims[claims["claim_id"] == cid]
    assert len(hit) == 1, cid
    return hit.iloc[0]


def _figures(figures, cid):
    return figures[figures["claim_id"] == cid]


def test_an_alpha_that_prints_070_is_not_listed_as_under_070(built):
    _, _, claims, figures = built
    text = _claim(claims, "text:methods:reliability")["text"]
    assert "1 of the 3 scale results" in text and "Growth (baseline, 0.69)" in text
    assert "0.70)" not in text  # the end alpha 0.698 prints 0.70: not under 0.70
    f = _figures(figures, "text:methods:reliability")
    alpha = f[f["figure"] == "alpha"].iloc[0]
    assert alpha["source_table"] == "reliability"
    assert alpha["source_key"] == "instrument=baseline@1; wave=baseline; scale=growth"
    assert alpha["value"] == pytest.approx(0.694) and alpha["n"] == 60
    # the table says the same, cell by cell
    t = _figures(figures, "table:methods:reliability")
    notes = t[(t["figure"] == "note_words") & (t["row"] > 0)].sort_values("row")["shown"].tolist()
    assert notes[0].startswith("alpha under 0.70") and "alpha under" not in notes[1]
    assert "omega moved by 0.10 or more" in notes[1] and "no omega" in notes[2]


def test_the_reliability_table_shows_each_result_cell_with_its_row(built):
    results, _, _, figures = built
    t = _figures(figures, "table:methods:reliability")
    heads = t[t["row"] == 0].set_index("figure")["shown"]
    assert heads["omega_n_boot_used"] == "Omega CI: resamples used"
    assert heads["alpha_ci95_low"] == "Alpha 95% CI from"
    cells = t[t["row"] > 0]
    alpha = cells[cells["figure"] == "alpha"].sort_values("row")
    assert alpha["shown"].tolist() == ["0.69", "0.70", "0.81"]
    assert np.allclose(alpha["value"], results["reliability"]["alpha"])
    assert alpha["source_key"].iloc[2] == "instrument=post@1; wave=end; scale=pair; column=alpha"
    used = cells[cells["figure"] == "omega_n_boot_used"].sort_values("row")["shown"].tolist()
    assert used == ["197", "200", "—"]  # no interval (two items): no resamples to count


def test_a_large_dropout_difference_that_could_be_chance_is_not_read_as_a_finding(built):
    _, _, claims, figures = built
    maybe = _claim(claims, "item:methods:attrition:coach:end")["text"]
    assert "g = 0.61, Welch p = 0.10" in maybe
    assert "could be chance" in maybe and "does not show that they started differently" in maybe
    assert "started lower" not in maybe
    clear = _claim(claims, "item:methods:attrition:coach:follow_up")["text"]
    assert "more than chance would explain" in clear and "the people lost started lower" in clear
    assert "item:methods:attrition:voice:end" not in set(claims["claim_id"])
    intro = _claim(claims, "text:methods:attrition")["text"]
    assert intro.startswith("On 2 comparisons")
    f = _figures(figures, "item:methods:attrition:coach:end").set_index("figure")
    assert f.loc["hedges_g", "shown"] == "0.61" and f.loc["n_dropouts", "shown"] == "12"
    assert f.loc["hedges_g", "source_key"] == "scale=coach; wave=end"
    t = _figures(figures, "table:methods:attrition")
    flags = t[(t["figure"] == "flag") & (t["row"] > 0)].sort_values("row")["shown"].tolist()
    assert flags == ["yes", "yes", "no"]


def test_a_p_value_just_under_005_is_not_printed_as_005():
    bias = _attrition().assign(p_val=[0.10, 0.0497, 0.64])
    out = build_claims({"attrition_bias": bias}, None, _context())
    text = _claim(out["claims"], "item:methods:attrition:coach:follow_up")["text"]
    assert "Welch p = 0.050" in text and "more than chance" in text


def test_no_dropout_difference_says_so():
    bias = _attrition().assign(differs=False)
    out = build_claims({"attrition_bias": bias}, None, _context())
    text = _claim(out["claims"], "text:methods:attrition")["text"]
    assert text.startswith("People who left after the baseline did not start differently")
    assert not out["claims"]["claim_id"].str.startswith("item:methods:attrition").any()


def test_imports_problems_and_surveys_are_worded_once_with_figures(built):
    _, _, claims, figures = built
    imports = _claim(claims, "text:methods:imports")["text"]
    assert "75 rows read = 71 accepted + 2 quarantined + 2 excluded, from 2 files." in imports
    f = _figures(figures, "text:methods:imports").set_index("figure")
    assert f.loc["read", "value"] == 75 and f.loc["read", "source_table"] == "imports"
    problems = _claim(claims, "text:methods:problems")["text"]
    assert problems.startswith("3 problem records in 1 file: 1 × not on the roster, "
                               "2 × survey previews.")
    pf = _figures(figures, "text:methods:problems")
    assert pf.loc[pf["figure"] == "rows", "source_key"].tolist() == [
        "rule=not_on_roster", "rule=survey_preview"]
    # no rule code reaches a reader, in words or in the table
    shown = " ".join(figures.loc[figures["claim_id"].str.contains(":methods:"), "shown"])
    assert "not_on_roster" not in shown and "survey_preview" not in shown
    surveys = _claim(claims, "text:methods:surveys")["text"]
    assert surveys == ("The surveys used: End survey (end, version 1) and Baseline survey "
                       "(baseline, version 1).")
    t = _figures(figures, "table:methods:imports")
    assert set(t.loc[(t["figure"] == "read") & (t["row"] > 0), "shown"]) == {"35", "40"}
    assert set(t.loc[(t["figure"] == "wave_label") & (t["row"] > 0), "shown"]) == {"end",
                                                                                    "baseline"}


def test_the_privacy_paragraph_takes_the_threshold_from_the_settings(built):
    _, _, claims, figures = built
    assert "fewer than 5 people" in _claim(claims, "text:methods:privacy")["text"]
    f = _figures(figures, "text:methods:privacy").iloc[0]
    assert (f["shown"], f["source_table"], f["source_key"]) == ("5", "settings", "min_group_size")


def test_every_figure_of_the_methods_claims_names_its_source(built):
    _, _, _, figures = built
    mine = figures[figures["claim_id"].str.contains(":methods:|^method:")]
    assert len(mine) > 50
    assert (mine["source_table"] != "").all() and (mine["source_key"] != "").all()


def test_the_methods_section_renders_the_claims_and_says_what_is_missing(built):
    results, context, claims, figures = built
    page = Page(results={**results, "claims": claims, "claim_figures": figures}, context=context)
    values = build_methods(page)
    assert values["reliability"]["text"] == _claim(claims, "text:methods:reliability")["text"]
    assert values["attrition"]["warnings"][0].startswith("Coach approach, end survey")
    assert values["instruments"].caption.startswith("Surveys and the versions")
    assert len(values["tests"]) > 10 and values["tests"][0][0] == "Matched pre/post"
    assert values["rule"] and all("rule" not in t[:5] for t in values["rule"])
    empty = build_methods(Page(results={}, context={}))
    assert empty["reliability"]["missing"] == "No reliability results."
    assert empty["attrition"]["missing"].startswith("No attrition results")
    assert empty["imports"]["missing"] == "No import manifest given."
    assert empty["instruments"] is None and empty["instruments_text"] == ""


def test_every_number_a_methods_claim_prints_is_one_of_its_own_figures(built):
    _, _, claims, figures = built
    bias = _attrition().assign(p_val=[0.10, 0.0002, 0.64])
    out = build_claims({"attrition_bias": bias, "reliability": _reliability()}, None, _context())
    assert "Welch p < 0.001" in _claim(out["claims"], "item:methods:attrition:coach:follow_up")["text"]
    for c_all, f_all in ((claims, figures), (out["claims"], out["claim_figures"])):
        mine = c_all[c_all["claim_id"].str.contains(":methods:")]
        assert len(mine) >= 10
        for c in mine.itertuples(index=False):
            shown = set(f_all.loc[f_all["claim_id"] == c.claim_id, "shown"])
            words = " ".join((c.title, c.text, c.note))
            missing = [t for t in NUMBER.findall(words) if t not in shown]
            assert not missing, (c.claim_id, missing, words)


def test_network_checks_are_worded_from_their_counts(built):
    _, _, claims, figures = built
    text = _claim(claims, "item:methods:network_check:c1:end:worked_with")["text"]
    assert text == ("Cohort 1, end, worked with: 1 self-tie ignored (a person naming themselves); "
                    "2 duplicate ties merged into one; 72 used.")
    ei = _figures(figures, "table:methods:ei")
    assert ei.loc[(ei["figure"] == "ei_index") & (ei["row"] == 1), "shown"].tolist() == ["0.28"]
