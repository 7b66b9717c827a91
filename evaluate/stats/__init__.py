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
"""

from evaluate.stats.analyse import analyse_workspace
from evaluate.stats.attrition import BIAS_COLUMNS, RATE_COLUMNS, attrition_bias, response_rates
from evaluate.stats.base import adjust_pvalues, wave_order
from evaluate.stats.change import (
    COMPARISON_THEN_BASELINE,
    COMPARISON_THEN_POST,
    PREPOST_ID_COLUMNS,
    THEN_ID_COLUMNS,
    prepost_table,
    then_test,
)
from evaluate.stats.cohorts import (
    ANOVA_COLUMNS,
    SUBGROUP_ATTRIBUTES,
    SUBGROUP_ID_COLUMNS,
    cohort_anova,
    subgroup_change,
)
from evaluate.stats.groups import GROUP_COLUMNS, group_difference
from evaluate.stats.measures import MeasureValues, measure_values
from evaluate.stats.paired import PAIRED_COLUMNS, paired_change
from evaluate.stats.power import (
    PLANNING_COLUMNS,
    cohort_planning,
    paired_power,
    paired_sample_size,
)
from evaluate.stats.reaction import DISTRIBUTION_COLUMNS, REACTION_COLUMNS, session_reaction
from evaluate.stats.reliability import (
    ITEM_REST_COLUMNS,
    RELIABILITY_COLUMNS,
    item_rest_correlations,
    scale_reliability,
)
from evaluate.stats.statements import STATEMENT_COLUMNS, aim_statements, principle_evidence

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
