"""The change-challenge ratings between surveys, as a table claim (aim 3).

Claim id: ``table:aim3:ratings`` (``aim3`` the aim's id): each change-challenge
question's average before and after, between each pair of surveys compared.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.claims.likert_displays import challenge_items
from evaluate.claims.survey_displays import p_floor_figure
from evaluate.words import integer, num, p_value, pct

__all__ = ["ratings_displays", "challenge_ratings"]


def challenge_ratings(ctx: Context) -> pd.DataFrame | None:
    """The prepost rows of the change-challenge scale and questions (None if none)."""
    prepost = ctx.table("prepost")
    if prepost is None or not {"measure", "wave_pre", "wave_post", "title"} <= set(prepost.columns):
        return None
    measures = ["change_challenge", *sorted(challenge_items(ctx))]
    cc = prepost[prepost["measure"].astype(str).isin(measures)]
    return cc if len(cc) else None


def ratings_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The change-challenge ratings table of aim 3."""
    ctx = Context(results, context)
    cc = challenge_ratings(ctx)
    if cc is None:
        return
    aim_id = ctx.aim("aim3")[0]
    cc = cc.assign(comparison_label="from the " + cc["wave_pre"].map(ctx.wave) + " to the "
                   + cc["wave_post"].map(ctx.wave))
    if "p_adj" in cc.columns:
        p_floor_figure(led, f"table:{aim_id}:ratings", cc["p_adj"])
    add_table(led, f"table:{aim_id}:ratings", section=aim_id, aim=aim_id, order=4,
              source_table="prepost", key=["kind", "measure", "wave_pre", "wave_post"], frame=cc,
              caption="Each change-challenge question's average rating before and after, "
                      "between each pair of surveys",
              columns={"title": "Question", "comparison_label": "Between", "n_pairs": "People",
                       "mean_pre": "Average before", "mean_post": "Average after",
                       "mean_diff": "Change", "p_adj": "p (adjusted)",
                       "share_improved": "Improved", "share_declined": "Declined"},
              formats={"n_pairs": integer, "p_adj": p_value, "share_improved": pct,
                       "share_declined": pct, "mean_pre": num, "mean_post": num,
                       "mean_diff": num},
              units={"n_pairs": "people", "mean_pre": "points", "mean_post": "points",
                     "mean_diff": "points", "p_adj": "p-value", "share_improved": "percent",
                     "share_declined": "percent"},
              numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "p_adj",
                       "share_improved", "share_declined"},
              sources={"comparison_label": ("prepost", "wave_pre, wave_post")})
