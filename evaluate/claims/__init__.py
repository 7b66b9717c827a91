"""Claims: every finding a reader is told, with its figures, sources, label and cautions.

:mod:`evaluate.claims.rule` is the evidence rule; :mod:`evaluate.claims.ledger`
builds the claims table from the analysis results. The analysis builds the
claims; the report only renders them.
"""

from evaluate.claims.rule import RuleInputs, Verdict, evidence_rule

__all__ = ["RuleInputs", "Verdict", "evidence_rule"]
