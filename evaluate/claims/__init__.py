"""Claims: every finding a reader is told, with its figures, sources, label and cautions.

:mod:`evaluate.claims.rule` is the evidence rule; :mod:`evaluate.claims.ledger`
builds the claims table from the analysis results, and each builder in
:data:`DISPLAYS` adds the claims of a part of the page's charts and tables
(:mod:`evaluate.claims.displays`). The analysis builds the claims; the report
only renders them.
"""

from evaluate.claims.attrition_displays import attrition_displays
from evaluate.claims.cohort_displays import cohort_displays
from evaluate.claims.data_displays import data_displays
from evaluate.claims.methods_text import methods_text
from evaluate.claims.network_method_displays import network_method_displays
from evaluate.claims.privacy_displays import privacy_displays
from evaluate.claims.reliability_displays import reliability_displays
from evaluate.claims.rule import RuleInputs, Verdict, evidence_rule
from evaluate.claims.stories_method import stories_method
from evaluate.claims.survey_displays import survey_displays

__all__ = ["DISPLAYS", "RuleInputs", "Verdict", "evidence_rule"]

#: Builders ``f(ledger, results, context)`` of the charts' and tables' claims, in page order.
DISPLAYS = [
    survey_displays,
    stories_method,
    # data and methods
    data_displays,
    attrition_displays,
    network_method_displays,
    reliability_displays,
    cohort_displays,
    methods_text,
    privacy_displays,
]
