"""Cohorts compared, as a claim: the time × cohort mixed ANOVA of every scale, as a table.

Claim id: ``table:methods:cohort_anova`` (one row per scale, pair of surveys and
effect; each cell a figure of ``cohort_anova``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.words import integer, p_value

__all__ = ["cohort_displays"]

_NEEDED = {"scale", "title", "wave_pre", "wave_post", "source", "f", "df1", "df2", "p_val", "np2"}


def cohort_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The time × cohort ANOVA table (nothing when there is one cohort)."""
    ctx = Context(results, context)
    anova = ctx.table_with("cohort_anova", _NEEDED)
    if anova is None:
        return
    a = anova[anova["source"].astype(str).str.len() > 0].reset_index(drop=True)
    if not len(a):
        return
    a = a.assign(comparison_label=a["wave_pre"].map(ctx.wave) + " → " + a["wave_post"].map(ctx.wave))
    add_table(led, "table:methods:cohort_anova", section="methods", order=80, frame=a,
              source_table="cohort_anova", key=["scale", "wave_pre", "wave_post", "source"],
              caption="Did the cohorts change differently? Time × cohort mixed ANOVA, every scale",
              columns={"title": "Scale", "comparison_label": "Surveys", "source": "Effect",
                       "f": "F", "df1": "df (effect)", "df2": "df (error)", "p_val": "p",
                       "np2": "partial η²", "ss_type": "Sums of squares (type)",
                       "n_participants": "People"},
              formats={"p_val": p_value, "df1": integer, "df2": integer,
                       "n_participants": integer},
              units={"f": "F ratio", "df1": "degrees of freedom", "df2": "degrees of freedom",
                     "p_val": "p-value", "np2": "share of variance", "n_participants": "people"},
              sources={"comparison_label": ("cohort_anova", "wave_pre, wave_post")})
