"""Pre/post evidence: matched change, effect sizes, reliability, attrition, cohorts, reaction.

Every function returns a tidy DataFrame with fixed snake_case columns (listed
in its docstring) at full precision; rounding belongs to ``evaluate.report``.
:func:`analyse_workspace` runs them all over a workspace and returns a dict of
tables.

Which test is the headline follows the data: a scale of two or more items is
treated as interval (paired t); a single ordinal item as ordinal (Wilcoxon
signed-rank). Both tests are always reported; ``headline_test`` and
``headline_reason`` say which one carries the p-value that is adjusted for
multiple comparisons (``p_headline`` → ``p_adj``).

Effect sizes are named for what they are: ``dz`` is the mean difference over
the SD of the differences; ``d_av`` / ``g_av`` use the average of the two
waves' SDs (Lakens, 2013). pingouin's paired ``ttest`` reports a d_av-type
value under ``cohen_d`` (with the root-mean-square SD); it is not d_z.

Comparisons across instrument versions are made only on items (and scales)
whose definition is the same in both (wording, answers, reverse keying, and
for scales the items and scoring rule): an item reworded in a new version is
a different measure and is not paired with the old one.

The package is split by concept; every public name is importable from
``evaluate.stats`` as before:

- :mod:`~evaluate.stats.paired` — one matched comparison (:func:`paired_change`);
- :mod:`~evaluate.stats.groups` — two independent groups (:func:`group_difference`);
- :mod:`~evaluate.stats.measures` — scale scores and item codes per wave;
- :mod:`~evaluate.stats.change` — pre/post tables and the then-test;
- :mod:`~evaluate.stats.reliability` — alpha and item-rest correlations;
- :mod:`~evaluate.stats.attrition` — response rates and attrition bias;
- :mod:`~evaluate.stats.cohorts` — cohort × time ANOVA and subgroups;
- :mod:`~evaluate.stats.omega` — omega total from a one-factor fit;
- :mod:`~evaluate.stats.power` — next-cohort planning (completers and invitations);
- :mod:`~evaluate.stats.reaction` — session feedback;
- :mod:`~evaluate.stats.statements` — statements per aim, evidence per principle;
- :mod:`~evaluate.stats.analyse` — all of it over a workspace.

Importing the package imports none of these modules: each name is imported from
its module the first time it is asked for (PEP 562), so a step that needs only
part of the statistics, such as the report reading stored results through
:mod:`evaluate.stats.base`, does not import scipy's statistics (about a second).
"""

from __future__ import annotations

import importlib

#: Each public name → the module that defines it (imported on first use).
_WHERE = {
    "analyse_workspace": "evaluate.stats.analyse",
    "BIAS_COLUMNS": "evaluate.stats.attrition",
    "RATE_COLUMNS": "evaluate.stats.attrition",
    "attrition_bias": "evaluate.stats.attrition",
    "response_rates": "evaluate.stats.attrition",
    "adjust_pvalues": "evaluate.stats.base",
    "wave_order": "evaluate.stats.base",
    "COMPARISON_THEN_BASELINE": "evaluate.stats.change",
    "COMPARISON_THEN_POST": "evaluate.stats.change",
    "PREPOST_ID_COLUMNS": "evaluate.stats.change",
    "THEN_ID_COLUMNS": "evaluate.stats.change",
    "prepost_table": "evaluate.stats.change",
    "then_test": "evaluate.stats.change",
    "ANOVA_COLUMNS": "evaluate.stats.cohorts",
    "SUBGROUP_ATTRIBUTES": "evaluate.stats.cohorts",
    "SUBGROUP_ID_COLUMNS": "evaluate.stats.cohorts",
    "cohort_anova": "evaluate.stats.cohorts",
    "subgroup_change": "evaluate.stats.cohorts",
    "GROUP_COLUMNS": "evaluate.stats.groups",
    "group_difference": "evaluate.stats.groups",
    "MeasureValues": "evaluate.stats.measures",
    "measure_values": "evaluate.stats.measures",
    "PAIRED_COLUMNS": "evaluate.stats.paired",
    "paired_change": "evaluate.stats.paired",
    "PLANNING_COLUMNS": "evaluate.stats.power",
    "cohort_planning": "evaluate.stats.power",
    "paired_power": "evaluate.stats.power",
    "paired_sample_size": "evaluate.stats.power",
    "DISTRIBUTION_COLUMNS": "evaluate.stats.reaction",
    "REACTION_COLUMNS": "evaluate.stats.reaction",
    "session_reaction": "evaluate.stats.reaction",
    "ITEM_REST_COLUMNS": "evaluate.stats.reliability",
    "RELIABILITY_COLUMNS": "evaluate.stats.reliability",
    "item_rest_correlations": "evaluate.stats.reliability",
    "scale_reliability": "evaluate.stats.reliability",
    "STATEMENT_COLUMNS": "evaluate.stats.statements",
    "aim_statements": "evaluate.stats.statements",
    "principle_evidence": "evaluate.stats.statements",
}

__all__ = [
    "PAIRED_COLUMNS",
    "COMPARISON_THEN_POST",
    "COMPARISON_THEN_BASELINE",
    "paired_change",
    "group_difference",
    "adjust_pvalues",
    "wave_order",
    "measure_values",
    "prepost_table",
    "then_test",
    "scale_reliability",
    "item_rest_correlations",
    "response_rates",
    "attrition_bias",
    "cohort_anova",
    "subgroup_change",
    "session_reaction",
    "aim_statements",
    "principle_evidence",
    "analyse_workspace",
    "cohort_planning",
    "paired_power",
    "paired_sample_size",
    "PLANNING_COLUMNS",
    "BIAS_COLUMNS",
    "RATE_COLUMNS",
    "PREPOST_ID_COLUMNS",
    "THEN_ID_COLUMNS",
    "ANOVA_COLUMNS",
    "SUBGROUP_ATTRIBUTES",
    "SUBGROUP_ID_COLUMNS",
    "GROUP_COLUMNS",
    "MeasureValues",
    "DISTRIBUTION_COLUMNS",
    "REACTION_COLUMNS",
    "ITEM_REST_COLUMNS",
    "RELIABILITY_COLUMNS",
    "STATEMENT_COLUMNS",
]


def __getattr__(name: str):
    """``evaluate.stats.NAME``: imported from its module the first time it is asked for."""
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evaluate.stats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))

