"""Claims: every finding a reader is told, with its figures, sources, label and cautions.

:mod:`evaluate.claims.rule` is the evidence rule and
:mod:`evaluate.claims.verdict_words` words its verdicts; :mod:`evaluate.claims.ledger`
builds the claims table from the analysis results (the findings in
:mod:`evaluate.claims.findings` and :mod:`evaluate.claims.finding_rows`), and each builder in
:data:`DISPLAYS` adds the claims of a part of the page's charts and tables
(:mod:`evaluate.claims.displays`). The analysis builds the claims; the report
only renders them.
"""

from evaluate.claims.attrition_displays import attrition_displays
from evaluate.claims.cohort_displays import cohort_displays
from evaluate.claims.data_displays import data_displays
from evaluate.claims.evidence_displays import evidence_displays
from evaluate.claims.group_displays import group_displays
from evaluate.claims.likert_displays import likert_displays
from evaluate.claims.methods_text import methods_text
from evaluate.claims.network_change_displays import network_change_displays
from evaluate.claims.network_displays import network_displays
from evaluate.claims.network_method_displays import network_method_displays
from evaluate.claims.privacy_displays import privacy_displays
from evaluate.claims.ratings_displays import ratings_displays
from evaluate.claims.reaction_displays import reaction_displays
from evaluate.claims.reliability_displays import reliability_displays
from evaluate.claims.response_displays import response_displays
from evaluate.claims.rule import RuleInputs, Verdict, evidence_rule
from evaluate.claims.stories_displays import stories_displays
from evaluate.claims.survey_displays import survey_displays
from evaluate.claims.then_test_displays import then_test_displays
from evaluate.claims.voices_displays import voices_displays

__all__ = ["DISPLAYS", "RuleInputs", "Verdict", "evidence_rule"]

#: Builders ``f(ledger, results, context)`` of the charts' and tables' claims, in page order.
DISPLAYS = [
    response_displays,
    survey_displays,
    then_test_displays,
    likert_displays,
    ratings_displays,
    group_displays,
    network_displays,
    network_change_displays,
    evidence_displays,
    reaction_displays,
    voices_displays,
    stories_displays,
    # data and methods
    data_displays,
    attrition_displays,
    network_method_displays,
    reliability_displays,
    cohort_displays,
    methods_text,
    privacy_displays,
]
