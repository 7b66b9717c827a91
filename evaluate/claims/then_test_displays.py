"""The look back (then-test), as claims (aim 1).

At the end people rate where they think they were before the programme; the
chart sets that beside what they said at the time and where they are now. Its
``chart`` claim says on how many scales people placed their start lower
looking back, states every average with its 95% range (the whiskers), and
how many people each rests on; its ``table`` claim gives each comparison with
the difference's 95% range.

Claim ids: ``chart:aim1:then-test`` and ``table:aim1:then-test``.
:func:`look_back` gives the points the report draws, so chart and words rest
on the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_chart, add_table
from evaluate.claims.survey_displays import (
    CHANGE_FORMATS,
    CHANGE_UNITS,
    level_figure,
    p_floor_figure,
    share_figures,
)
from evaluate.stats.base import mean_ci
from evaluate.words import integer, num

__all__ = ["then_test_displays", "look_back", "LookBack"]

_NEEDED = {"comparison", "measure", "title", "then_wave", "wave_pre", "wave_post", "n_pairs",
           "mean_pre", "mean_post"}


class LookBack:
    """The look-back results of one later survey: ``rows`` (the result table's rows for
    whole scales), ``vs_base`` (looking back against the baseline answers), ``points``
    (one per scale and point in time: ``scale``, ``measure``, ``point``, ``mean``,
    ``low``, ``high``, ``n``, ``_p`` 0 at the time / 1 looking back / 2 now, ``key``)
    and ``wave`` (the survey that looked back).

    ``intervals``, given the points' ``key`` column, returns their ``low`` and ``high``:
    the report reads them from the ledger (:meth:`evaluate.report.page.Page.figure_intervals`);
    without it they are computed here (:func:`evaluate.stats.base.mean_ci`), as the
    analysis does when it writes the ledger."""

    def __init__(self, ctx: Context, t: pd.DataFrame, wave: str,
                 intervals: Callable[[pd.Series], tuple] | None = None):
        self.wave, self.rows = wave, t
        comparison = t["comparison"].astype(str)
        vs_post = t[comparison.str.startswith("then-test vs post")]
        self.vs_base = t[comparison.str.contains("baseline")]
        looking, now = f"looking back from the {ctx.wave(wave)}", f"{ctx.wave(wave)} (now)"
        parts = []
        for frame, side, p, label in (
                (self.vs_base, "pre", 0, None), (self.vs_base, "post", 1, looking),
                (vs_post[~vs_post["measure"].isin(self.vs_base["measure"])], "pre", 1, looking),
                (vs_post, "post", 2, now)):
            if not len(frame):
                continue
            key = ("kind=scale; measure=" + frame["measure"].astype(str) + "; comparison="
                   + frame["comparison"].astype(str) + f"; then_wave={wave}; column=mean_" + side)
            if intervals is None:
                sd = frame[f"sd_{side}"] if f"sd_{side}" in frame.columns else float("nan")
                low, high = mean_ci(frame[f"mean_{side}"], sd, frame["n_pairs"])
            else:
                low, high = intervals(key)
            parts.append(pd.DataFrame({
                "scale": frame["title"].to_numpy(), "measure": frame["measure"].to_numpy(),
                "point": (frame["wave_pre"].map(ctx.wave) + " (at the time)").to_numpy()
                if label is None else label,
                "said": ("at " + frame["wave_pre"].map(ctx.the_wave)).to_numpy() if p == 0
                else (looking if p == 1 else f"at {ctx.the_wave(wave)}, now"),
                "mean": frame[f"mean_{side}"].to_numpy(dtype=float), "low": low, "high": high,
                "n": frame["n_pairs"].to_numpy(), "_p": p, "key": key.to_numpy()}))
        self.points = (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["scale", "measure", "point", "said", "mean", "low", "high", "n", "_p", "key"]))
        # each scale's points in time order, scales in the table's order
        order = {m: i for i, m in enumerate(dict.fromkeys(t["measure"]))}
        self.points = (self.points.assign(_s=self.points["measure"].map(order))
                       .sort_values(["_s", "_p"], kind="stable").drop(columns="_s")
                       .reset_index(drop=True))

    @property
    def order(self) -> list[str]:
        """The points in time order (the chart's key)."""
        return list(dict.fromkeys(self.points.sort_values("_p", kind="stable")["point"]))


def look_back(ctx: Context, intervals: Callable[[pd.Series], tuple] | None = None
              ) -> LookBack | None:
    """The look back of the first later survey that asked it, for whole scales (None if none);
    ``intervals`` as :class:`LookBack` takes it."""
    then = ctx.table("then_test")
    if then is None or not set(then.columns) >= _NEEDED:
        return None
    t = then[then["kind"] == "scale"] if "kind" in then.columns else then
    if not len(t):
        return None
    wave = ctx.sorted_waves(t["then_wave"])[0]
    lb = LookBack(ctx, t[t["then_wave"] == wave], wave, intervals)
    return lb if len(lb.points) else None


def _then_test(led, ctx: Context, lb: LookBack, aim_id: str) -> None:
    cid = f"chart:{aim_id}:then-test"
    base = f"kind=scale; then_wave={lb.wave}"
    vs_base = lb.vs_base
    if len(vs_base) and "mean_diff" in vs_base.columns:
        lower = int((vs_base["mean_diff"] < 0).sum())
        f = led.figures_of(cid, "then_test", f"{base}; comparison=then-test vs baseline")
        title = ("Looking back, people placed their starting point lower than they rated it at "
                 "the time on " + share_figures(f, lower, len(vs_base), "scale",
                                                 "scales_lower", "scales"))
    else:
        title = "Where people think they started, and where they are now"
    by_scale = []
    level = level_figure(led, cid)
    for scale, block in lb.points.groupby("scale", sort=False):
        said = []
        for x in block.itertuples(index=False):
            f = led.figures_of(cid, "then_test", x.key)
            mean = f("mean", x.mean, num(x.mean, 1), "points", n=x.n, low=x.low, high=x.high)
            if x.low == x.low and x.high == x.high:
                said.append(f"{mean} {x.said} ({level} range {f('mean_ci95_low', x.low, num(x.low, 1))}"
                            f" to {f('mean_ci95_high', x.high, num(x.high, 1))})")
            else:
                said.append(f"{mean} {x.said}")
        by_scale.append(f"{scale}: " + "; ".join(said))
    n = lb.points["n"]
    f = led.figures_of(cid, "then_test", f"{base}; column=n_pairs")
    people = (f("n_min", n.min(), integer(n.min()), "people") if n.min() == n.max() else
              f"{f('n_min', n.min(), integer(n.min()), 'people')} to "
              f"{f('n_max', n.max(), integer(n.max()), 'people')}")
    add_chart(led, cid, section=aim_id, aim=aim_id, order=2, title=title,
              text=". ".join(by_scale) + ".",
              note=(f"At the {ctx.wave(lb.wave)}, people rated where they think they were before "
                    "the programme. If they now place their start lower than they did at the "
                    "time, the first survey may understate the change; if about the same, it is "
                    f"a fair starting point. Each average rests on the {people} people who "
                    f"answered both surveys compared; the whiskers show the {level} range each "
                    "average is likely to lie in."),
              source_table="then_test", source_key=base)
    rows = lb.rows.assign(comparison_label=lb.rows["comparison"].astype(str)
                          .str.replace("then-test", "looking back", regex=False)
                          .str.replace(" (response shift)", "", regex=False))
    if "p_adj" in rows.columns:
        p_floor_figure(led, f"table:{aim_id}:then-test", rows["p_adj"])
    add_table(led, f"table:{aim_id}:then-test", section=aim_id, aim=aim_id, order=2,
              source_table="then_test", key=["kind", "measure", "comparison", "then_wave"],
              caption=("Each scale's look back set beside the answers at the time and now: the "
                       "two averages compared, their difference and its "
                       f"{level_figure(led, f'table:{aim_id}:then-test')} range"),
              frame=rows,
              columns={"title": "Scale", "comparison_label": "Comparison", "n_pairs": "People",
                       "mean_pre": "First average", "mean_post": "Second average",
                       "mean_diff": "Difference", "ci95_low": "Difference: 95% range from",
                       "ci95_high": "to", "p_adj": "p (adjusted)"},
              formats=CHANGE_FORMATS, units=CHANGE_UNITS, numeric=set(CHANGE_UNITS),
              sources={"comparison_label": ("then_test", "comparison")})


def then_test_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The look-back chart and table (shown with aim 1)."""
    ctx = Context(results, context)
    lb = look_back(ctx)
    if lb is not None:
        _then_test(led, ctx, lb, ctx.aim("aim1")[0])
