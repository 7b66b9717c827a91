"""Who answered: the response-rate chart's words and its "Show the numbers" table, as claims.

The overview's "Who answered" chart is a ``chart`` claim (its headline: the
share who answered each later survey, of the people in the cohorts surveyed;
its data in words, cohort by cohort; how to read it, with how many people it
counts) and a ``table`` claim (every cohort at every survey). A cohort that
has not answered a wave yet is left out of that wave's rate, so one surveyed
cohort is not diluted by another still to come.

Claim ids: ``chart:overview:response_rates`` and ``table:overview:response_rates``.
In the chart claim each bar's share is the figure ``share:COHORT:WAVE`` (the
report prints it on the bar).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.words import integer, join_words, pct

__all__ = ["response_displays", "rates_shown", "wave_totals", "CHART", "TABLE"]

CHART = "chart:overview:response_rates"
TABLE = "table:overview:response_rates"
_NEEDED = {"cohort", "wave", "n_roster", "n_responded", "response_rate"}


def _by_cohort(rates: pd.DataFrame) -> pd.DataFrame:
    r = rates[rates["cohort"].astype(str) != "all"]
    return r if len(r) else rates


def wave_totals(ctx: Context, rates: pd.DataFrame) -> pd.DataFrame:
    """Per wave (programme order): people in the cohorts surveyed, how many answered, the share,
    and which cohorts (``cohorts``, a sorted tuple)."""
    r = _by_cohort(rates)
    surveyed = r[r["n_responded"].fillna(0) > 0]
    totals = (surveyed.groupby("wave", sort=False)
              .agg(n_roster=("n_roster", "sum"), n_responded=("n_responded", "sum"),
                   cohorts=("cohort", lambda s: tuple(sorted(map(str, s))))).reset_index())
    totals["response_rate"] = totals["n_responded"] / totals["n_roster"].where(totals["n_roster"] > 0)
    order = ctx.sorted_waves(totals["wave"])
    return totals.set_index("wave").loc[order].reset_index()


def rates_shown(ctx: Context, rates: pd.DataFrame) -> pd.DataFrame:
    """The cohorts' rows at the waves they were surveyed, in wave then cohort order (the bars
    and the table's rows)."""
    r = _by_cohort(rates)
    r = r[r["n_responded"].fillna(0) > 0]
    order = ctx.sorted_waves(r["wave"])
    cohorts = [c for c in ctx.cohort_order() if c in set(r["cohort"].astype(str))]
    cohorts += sorted(set(r["cohort"].astype(str)) - set(cohorts))
    r = r.assign(_w=r["wave"].astype(str).map({w: i for i, w in enumerate(order)}),
                 _c=r["cohort"].astype(str).map({c: i for i, c in enumerate(cohorts)}))
    r = r.sort_values(["_w", "_c"], kind="stable").drop(columns=["_w", "_c"])
    return r.assign(wave_label=r["wave"].map(ctx.wave), cohort_label=r["cohort"].map(ctx.cohort))


def _headline(led, ctx: Context, rates: pd.DataFrame) -> tuple[str, str]:
    """The chart's title (the share who answered each later survey) and the people counted."""
    totals = wave_totals(ctx, rates)
    r = _by_cohort(rates)
    all_cohorts = tuple(sorted({c for cs in totals["cohorts"] for c in cs}))
    n_people = r[r["cohort"].astype(str).isin(all_cohorts)].groupby("cohort")["n_roster"].max().sum()
    who_key = "cohort=" + ", ".join(all_cohorts) + " summed; column=n_roster (largest per cohort)"
    f = led.figures_of(CHART, "attrition_rates", who_key)
    people = f("n_people", n_people, integer(n_people), "people")
    who = f"the {people} people in {ctx.cohorts_phrase(all_cohorts)}"

    def share(t) -> str:
        key = (f"cohort={', '.join(t.cohorts)} summed; wave={t.wave}; "
               "column=n_responded / n_roster")
        return f(f"response_rate:{t.wave}", t.response_rate, pct(t.response_rate), "percent",
                 n=t.n_roster, key=key)

    parts = []
    for t in list(totals.itertuples(index=False))[1:5]:
        only = (f" ({ctx.cohorts_phrase(t.cohorts)} only, the others not surveyed yet)"
                if t.cohorts != all_cohorts else "")
        parts.append(f"{share(t)} at {ctx.the_wave(t.wave)}{only}")
    if parts:
        return f"Of {who}, {join_words(parts)} answered", people
    if len(totals):
        t = next(totals.itertuples(index=False))
        return f"Of {who}, {share(t)} answered at {ctx.the_wave(t.wave)}", people
    return "No one has answered a survey yet", people


def response_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The "Who answered" chart and table (skipped without response rates)."""
    ctx = Context(results, context)
    rates = ctx.table("attrition_rates")
    if rates is None or not set(rates.columns) >= _NEEDED:
        return
    title, people = _headline(led, ctx, rates)
    r = rates_shown(ctx, rates)
    parts = []
    for w, block in r.groupby("wave", sort=False):
        said = []
        for x in block.itertuples(index=False):
            f = led.figures_of(CHART, "attrition_rates", f"cohort={x.cohort}; wave={w}")
            said.append(f"{ctx.cohort(x.cohort)} "
                        f"{f(f'share:{x.cohort}:{w}', x.response_rate, pct(x.response_rate), 'percent', n=x.n_roster)} "
                        f"({f(f'answered:{x.cohort}:{w}', x.n_responded, integer(x.n_responded), 'people')} of "
                        f"{f(f'roster:{x.cohort}:{w}', x.n_roster, integer(x.n_roster), 'people')})")
        parts.append(f"{ctx.wave(w)}: " + ", ".join(said))
    not_yet = [w for w in ctx.sorted_waves(rates["wave"]) if w not in set(r["wave"])]
    note = (f"Each bar is the share of a cohort's people who answered that survey ({people} "
            "people on the programme in the cohorts surveyed); the bars are counts, not "
            "estimates, so no range is drawn. Cohorts not surveyed yet at a wave have no bar.")
    if not_yet:
        note += f" Not surveyed yet: {join_words(ctx.the_wave(w) for w in not_yet)}."
    add_chart(led, CHART, section="overview", title=title, text="; ".join(parts) + ".",
              note=note, source_table="attrition_rates", order=900)
    add_table(led, TABLE, section="overview", source_table="attrition_rates",
              key=["cohort", "wave"], frame=r, order=901,
              caption="Who answered each survey, by cohort",
              columns={"cohort_label": "Cohort", "wave_label": "Survey",
                       "n_roster": "On the programme", "n_responded": "Answered",
                       "response_rate": "Share who answered",
                       "n_retained": "Also answered the first survey",
                       "retention_rate": "Share still answering"},
              formats={"response_rate": pct, "retention_rate": pct, "n_roster": integer,
                       "n_responded": integer, "n_retained": integer},
              units={"n_roster": "people", "n_responded": "people", "n_retained": "people",
                     "response_rate": "percent", "retention_rate": "percent"},
              numeric={"n_roster", "n_responded", "response_rate", "n_retained", "retention_rate"},
              sources={"cohort_label": ("attrition_rates", "cohort"),
                       "wave_label": ("attrition_rates", "wave")})
