"""Did the cohorts change differently, and change by group, as claims (each aim).

The cohorts' comparison is a sentence (``note:AIM:cohorts``: how many scales'
changes differed between the cohorts by more than chance) and its table
(``table:AIM:cohorts``: the time × cohort test of each scale). The change by
group is a table (``table:AIM:groups``, the largest groups of each kind) and
its words (``note:AIM:groups``: ``title`` the summary that opens it, with how
many groups are too small to show; ``text`` how to read it and which groups
are left out).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.claims.survey_displays import p_floor_figure, share_figures
from evaluate.words import integer, join_words, num, p_value

__all__ = ["group_displays", "largest_groups", "GROUPS_SHOWN", "cohort_tests", "group_changes"]

#: At most this many groups of one kind (organisations, places …) in the page's table.
GROUPS_SHOWN = 20

_KINDS = {"organisation": "organisations", "place": "places", "sector": "sectors",
          "cohort": "cohorts", "role": "roles"}


def largest_groups(sub: pd.DataFrame, shown: int = GROUPS_SHOWN) -> tuple[pd.DataFrame, dict]:
    """The rows of the ``shown`` largest groups of each kind (most people who answered both
    surveys, then by name), and how many groups each kind cut down had ({} if none).

    >>> sub = pd.DataFrame({"attribute": "place", "group": list("abc"), "n_pairs": [9.0, 30.0, 12.0]})
    >>> rows, cut = largest_groups(sub, shown=2)
    >>> rows["group"].tolist(), cut
    (['b', 'c'], {'place': 3})
    """
    pairs = sub[["attribute", "group"]].dropna().drop_duplicates()
    if not len(pairs) or pairs["attribute"].value_counts().max() <= shown:
        return sub, {}  # no kind has more groups than are shown: nothing to rank
    size = (sub.groupby(["attribute", "group"], sort=False)["n_pairs"].max().fillna(-1)
            .rename("size").reset_index())
    size = size.sort_values(["attribute", "size", "group"], ascending=[True, False, True],
                            kind="stable")
    size["rank"] = size.groupby("attribute").cumcount()
    counts = size.groupby("attribute", sort=True).size()
    too_many = counts[counts > shown]
    if too_many.empty:
        return sub, {}
    keep = size.loc[size["rank"] < shown, ["attribute", "group"]]
    rows = sub.merge(keep, on=["attribute", "group"], how="inner")
    return rows, {str(a): int(n) for a, n in too_many.items()}


def _of_aim(ctx: Context, frame: pd.DataFrame, column: str, aim_id: str) -> pd.DataFrame:
    aims = ctx.scale_aims()
    out = frame[frame[column].map(lambda s: aims.get(str(s)) == aim_id)]
    pair = ctx.first_comparison()
    if pair is not None and {"wave_pre", "wave_post"} <= set(out.columns):
        out = out[(out["wave_pre"] == pair[0]) & (out["wave_post"] == pair[1])]
    return out


def cohort_tests(ctx: Context, aim_id: str) -> pd.DataFrame | None:
    """The time × cohort tests of the aim's scales at the headline pair of surveys."""
    anova = ctx.table("cohort_anova")
    if anova is None or not {"source", "scale", "p_val", "title"} <= set(anova.columns):
        return None
    a = anova[anova["source"].astype(str).str.contains("×")]
    a = _of_aim(ctx, a, "scale", aim_id)
    return a if len(a) else None


def group_changes(ctx: Context, aim_id: str) -> pd.DataFrame | None:
    """Change by group of the aim's scales at the headline pair of surveys (every group)."""
    sub = ctx.table("subgroups")
    if sub is None or not {"scale", "attribute", "group", "n_pairs"} <= set(sub.columns):
        return None
    s = _of_aim(ctx, sub, "scale", aim_id)
    return s if len(s) else None


def _comparison_label(ctx: Context, frame: pd.DataFrame) -> pd.Series:
    return "from the " + frame["wave_pre"].map(ctx.wave) + " to the " + frame["wave_post"].map(ctx.wave)


def _cohorts(led, ctx: Context, a: pd.DataFrame, aim_id: str) -> None:
    cid = f"note:{aim_id}:cohorts"
    differ = a[a["p_val"] < 0.05]
    f = led.figures_of(cid, "cohort_anova", f"aim={aim_id}; source=time × cohort")
    if len(differ):
        text = ("The cohorts' changes differed by more than chance on "
                + share_figures(f, len(differ), len(a), "scale", "scales_differing", "scales")
                + ": " + join_words(differ["title"].astype(str)) + ".")
    else:
        text = ("The cohorts changed alike: on "
                + share_figures(f, 0, len(a), "scale", "scales_differing", "scales")
                + " did their changes differ by more than chance.")
    led.add(claim_id=cid, section=aim_id, kind="note", aim=aim_id, order=5,
            title="Did the cohorts change differently?", text=text,
            source_table="cohort_anova", source_key=f"aim={aim_id}; source=time × cohort")
    frame = a.assign(comparison_label=_comparison_label(ctx, a)) if {"wave_pre", "wave_post"} <= set(a.columns) else a
    p_floor_figure(led, f"table:{aim_id}:cohorts", a["p_val"])
    add_table(led, f"table:{aim_id}:cohorts", section=aim_id, aim=aim_id, order=6,
              source_table="cohort_anova", key=["scale", "source", "wave_pre", "wave_post"],
              frame=frame,
              caption="Whether each scale changed differently in the cohorts: the test of time "
                      "× cohort",
              columns={"title": "Scale", "comparison_label": "Between", "f": "F", "df1": "df1",
                       "df2": "df2", "p_val": "p", "np2": "Partial eta squared",
                       "n_participants": "People", "n_cohorts": "Cohorts"},
              formats={"p_val": p_value, "df1": lambda v: num(v, 0), "df2": lambda v: num(v, 0),
                       "n_participants": integer, "n_cohorts": integer},
              units={"f": "F statistic", "df1": "degrees of freedom", "df2": "degrees of freedom",
                     "p_val": "p-value", "np2": "share of variance", "n_participants": "people",
                     "n_cohorts": "cohorts"},
              numeric={"f", "df1", "df2", "p_val", "np2", "n_participants", "n_cohorts"},
              sources={"comparison_label": ("cohort_anova", "wave_pre, wave_post")})


def _groups(led, ctx: Context, s: pd.DataFrame, aim_id: str) -> None:
    cid = f"note:{aim_id}:groups"
    base = f"aim={aim_id}"
    n_supp = int(s["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in s else 0
    s, cut = largest_groups(s)
    s = s.sort_values(["attribute", "group", "scale"], kind="stable")
    s = s.assign(group_label=np.where(s["attribute"] == "cohort", s["group"].map(ctx.cohort),
                                      s["group"]))
    f = led.figures_of(cid, "subgroups", f"{base}; suppressed=True")
    hidden = f("groups_suppressed", n_supp, integer(n_supp), "groups")
    title = ("Change by cohort, sector, place and organisation (a first look only; "
             f"{hidden} {'group' if n_supp == 1 else 'groups'} too small to show)")
    text = ("These results are a first look: they are not adjusted for the number of "
            "comparisons. Groups smaller than the threshold are hidden, and where hiding one "
            "group of a set would let it be worked out from a total, a second one is hidden too.")
    if cut:
        g = led.figures_of(cid, "subgroups", base)
        shown = g("groups_shown", GROUPS_SHOWN, integer(GROUPS_SHOWN), "groups",
                  table="methods", key="the largest groups of each kind shown on the page")
        kinds = [f"{g('groups_' + a, n, integer(n), 'groups', key=f'{base}; attribute={a}')} "
                 f"{_KINDS.get(a, a)}" for a, n in cut.items()]
        text += (f" Only the {shown} largest of the " + " and of the ".join(kinds)
                 + " are shown here; tables.xlsx (Change by group) has every group.")
    led.add(claim_id=cid, section=aim_id, kind="note", aim=aim_id, order=7, title=title,
            text=text, source_table="subgroups", source_key=base)
    add_table(led, f"table:{aim_id}:groups", section=aim_id, aim=aim_id, order=8,
              source_table="subgroups", key=["attribute", "group", "scale", "wave_pre",
                                             "wave_post"], frame=s,
              caption="Each group's average before and after, per scale",
              columns={"attribute": "Grouped by", "group_label": "Group", "title": "Scale",
                       "n_pairs": "People", "mean_pre": "Average before",
                       "mean_post": "Average after", "mean_diff": "Change"},
              formats={"n_pairs": integer},
              units={"n_pairs": "people", "mean_pre": "points", "mean_post": "points",
                     "mean_diff": "points"},
              numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff"},
              min_group_size=ctx.min_group_size,
              sources={"group_label": ("subgroups", "group")})


def group_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The cohorts' comparison and the change by group of every aim with survey scales."""
    ctx = Context(results, context)
    for aim_id, _, _ in ctx.aims():
        a = cohort_tests(ctx, aim_id)
        if a is not None:
            _cohorts(led, ctx, a, aim_id)
        s = group_changes(ctx, aim_id)
        if s is not None:
            _groups(led, ctx, s, aim_id)
