"""The external layer: people outside the cohort named in free text, counted (never named)."""

from __future__ import annotations

import pandas as pd

__all__ = ["stakeholder_summary"]


def stakeholder_summary(stakeholders: pd.DataFrame, *, waves=None) -> pd.DataFrame:
    """Counts from the external layer (people outside the cohort named in free text).

    The names themselves are never reported. Returns ``cohort, wave,
    respondents_naming, mentions, distinct_stakeholders``.
    """
    cols = ["cohort", "wave", "respondents_naming", "mentions", "distinct_stakeholders"]
    if stakeholders is None or not len(stakeholders):
        return pd.DataFrame(columns=cols)
    s = stakeholders.dropna(subset=["stakeholder"])
    s = s.assign(cohort=s["cohort"].fillna("") if "cohort" in s.columns else "",
                 stakeholder=s["stakeholder"].astype(str).str.strip().str.casefold())
    s = s[s["stakeholder"] != ""]
    out = (s.groupby(["cohort", "wave"], sort=False)
           .agg(respondents_naming=("source", "nunique"), mentions=("stakeholder", "size"),
                distinct_stakeholders=("stakeholder", "nunique")).reset_index())
    if waves:
        rank = {w: i for i, w in enumerate(waves)}
        out = out.sort_values(["cohort", "wave"], key=lambda c: c.map(rank) if c.name == "wave"
                              else c, ignore_index=True)
    return out[cols]
