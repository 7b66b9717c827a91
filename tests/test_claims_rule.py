"""The evidence rule: the design sets the start, each downgrade toggled on and off."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evaluate.claims.rule import (
    DOWNGRADES,
    LEVELS,
    RULE_IN_WORDS,
    RuleInputs,
    biggest,
    evidence_rule,
)

# a comparison group of 30 who started alike, 62 of 78 answering again, a clear difference
CLEAN = RuleInputs(n_pairs=62, n_first=78, estimate=0.58, ci95_low=0.26, ci95_high=0.89,
                   design="comparison", comparison_n=30, groups_alike=True)


def _steps(level: str) -> int:
    return LEVELS.index(level)


def test_a_clean_comparison_is_strong_with_no_downgrades():
    v = evidence_rule(CLEAN)
    assert (v.level, v.downgrades, v.design_level) == ("strong", {}, 3)
    assert v.may_say_real and v.counts_as_evidence
    assert v.label == "Strong evidence"
    assert v.reasons == [v.design_reason]


# each downgrade: the inputs that raise it, the steps it costs, words its reason must contain
TOGGLES = {
    "imprecision (interval includes no change)":
        ("imprecision", dict(estimate=0.24, ci95_low=-0.06, ci95_high=0.53), 1, "includes no change"),
    "imprecision (interval nearly reaches no change)":
        ("imprecision", dict(estimate=0.35, ci95_low=0.01, ci95_high=0.68), 1, "nearly reaches"),
    "imprecision (fewer than 30 people)":
        ("imprecision", dict(n_pairs=25, n_first=30), 1, "fewer than 30"),
    "imprecision (fewer than 10 people)":
        ("imprecision", dict(n_pairs=8, n_first=9), 2, "only 8 people"),
    "measurement change between the waves":
        ("measurement_change", dict(reliability_shift=True), 1, "hung together differently"),
    "rough measure":
        ("rough_measure", dict(rough_measure=True), 1, "hung together poorly"),
    "attrition bias":
        ("attrition_bias", dict(dropouts_differ=True), 1, "drop-out bias"),
    "groups did not start alike (regression to the mean)":
        ("groups_not_alike", dict(groups_alike=False), 1, "moving back towards"),
    "low response (under 70%)":
        ("low_response", dict(n_first=100), 1, "only 62%"),
    "low response (under 50%)":
        ("low_response", dict(n_first=130), 2, "only 48%"),
}


@pytest.mark.parametrize("case", list(TOGGLES))
def test_each_downgrade_toggled_on_and_off(case):
    code, change, steps, words = TOGGLES[case]
    off = evidence_rule(CLEAN)
    on = evidence_rule(replace(CLEAN, **change))
    assert code not in off.downgrades
    assert list(on.downgrades) == [code], on.downgrades
    assert _steps(on.level) - _steps(off.level) == steps
    assert words in on.downgrades[code]
    # every downgrade is among the reasons shown under the label
    assert on.downgrades[code] in on.reasons
    # and it is one of the documented codes
    assert code in DOWNGRADES


def test_downgrades_add_up_and_stop_at_weak():
    v = evidence_rule(replace(CLEAN, reliability_shift=True, rough_measure=True,
                              dropouts_differ=True, groups_alike=False, n_first=200))
    assert set(v.downgrades) == {"measurement_change", "rough_measure", "attrition_bias",
                                 "groups_not_alike", "low_response"}
    assert v.level == "weak" and len(v.reasons) == 6


def test_design_before_and_after_only_is_at_most_moderate():
    v = evidence_rule(replace(CLEAN, design="before_after", comparison_n=None, groups_alike=None))
    assert v.level == "moderate" and v.design_level == 1 and not v.downgrades
    assert "no comparison group" in v.design_reason and "at most moderate" in v.design_reason
    # the comparison group's start does not apply without one
    assert "groups_not_alike" not in evidence_rule(replace(
        CLEAN, design="before_after", groups_alike=False)).downgrades


def test_a_small_comparison_group_counts_as_before_and_after():
    v = evidence_rule(replace(CLEAN, comparison_n=8))
    assert v.level == "moderate" and "small (8 people)" in v.design_reason


def test_random_allocation_starts_strong_and_groups_alike_is_not_asked():
    v = evidence_rule(replace(CLEAN, design="random", comparison_n=None, groups_alike=None))
    assert (v.level, v.design_level) == ("strong", 5)


def test_fewer_than_three_people_is_not_enough_data():
    v = evidence_rule(RuleInputs(n_pairs=2))
    assert v.level == "none" and v.label == "Not enough data" and not v.may_say_real


def test_real_only_when_the_rule_allows():
    assert evidence_rule(CLEAN).may_say_real
    # limited by two downgrades: the change is clear but may not be called real
    limited = evidence_rule(replace(CLEAN, dropouts_differ=True, groups_alike=False))
    assert limited.level == "limited" and limited.clear and not limited.may_say_real
    assert limited.counts_as_evidence  # still evidence, so planning may use it
    # imprecise at moderate: not real either
    imprecise = evidence_rule(replace(CLEAN, estimate=0.35, ci95_low=0.01, ci95_high=0.68))
    assert imprecise.level == "moderate" and not imprecise.may_say_real
    # a change that could be chance is not evidence for planning
    chance = evidence_rule(replace(CLEAN, estimate=0.1, ci95_low=-0.2, ci95_high=0.4))
    assert not chance.clear and not chance.counts_as_evidence
    weak = evidence_rule(replace(CLEAN, reliability_shift=True, rough_measure=True,
                                 dropouts_differ=True))
    assert weak.level == "weak" and weak.clear and not weak.counts_as_evidence


def test_biggest_only_when_its_interval_clears_every_other():
    assert biggest([0.9, 0.3, 0.2], [0.6, 0.1, 0.0], [1.2, 0.5, 0.4]) == 0
    assert biggest([0.9, 0.5], [0.4, 0.2], [1.2, 0.8]) is None  # overlapping
    assert biggest([0.9], [0.4], [1.2]) is None  # nothing to compare with
    assert biggest([0.9, float("nan")], [0.6, 0.0], [1.2, 0.4]) is None


def test_the_rule_in_words_has_no_codes():
    text = " ".join(RULE_IN_WORDS)
    for code in DOWNGRADES:
        if "_" in code:
            assert code not in text
    assert "regression to the mean" in text and "at random" in text
