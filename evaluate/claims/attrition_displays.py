"""Drop-out checks, as claims: did the people who left start differently from those who stayed?

A comparison is flagged (``differs`` in ``attrition_bias``, the input the evidence
rule rates down for drop-out bias) when the two groups' baseline scores differ by
half a standard deviation or more, or by more than chance would explain (p under
0.05 on either test). Each flagged comparison gets a sentence that says which: the
people lost "started lower" only when chance is an unlikely explanation; a large
difference that could be chance is called a possible bias, not a finding.
Claim ids: ``text:methods:attrition`` (the summary), ``item:methods:attrition:SCALE:WAVE``
(one per flagged comparison, in table order) and ``table:methods:attrition``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.words import integer, is_missing, num, p_value

__all__ = ["attrition_displays", "G_FLAG", "P_FLAG"]

#: |Hedges' g| at or above this flags a comparison, however few left.
G_FLAG = 0.5
#: A p-value under this (Welch or Mann–Whitney) flags a comparison.
P_FLAG = 0.05
_NEEDED = {"scale", "title", "wave", "n_completers", "n_dropouts", "mean_completers",
           "mean_dropouts", "hedges_g", "p_val", "differs"}


def _p(p) -> str:
    """A p-value as printed, with a third decimal where two would read as the threshold."""
    text = p_value(p)
    return num(p, 3) if not is_missing(p) and float(p) < P_FLAG and text == num(P_FLAG) else text


def _clear(r) -> bool:
    """Chance is an unlikely explanation: p under 0.05 on either test."""
    ps = [getattr(r, c, None) for c in ("p_val", "p_mannwhitney")]
    return any(not is_missing(p) and float(p) < P_FLAG for p in ps)


def _flagged(led, ctx: Context, r, order: int) -> str:
    cid = f"item:methods:attrition:{r.scale}:{r.wave}"
    first = getattr(r, "wave_first", "") or "baseline"
    f = led.figures_of(cid, "attrition_bias", f"scale={r.scale}; wave={r.wave}")
    stayed = f("mean_completers", r.mean_completers, num(r.mean_completers), "points",
               n=r.n_completers)
    left = f("mean_dropouts", r.mean_dropouts, num(r.mean_dropouts), "points", n=r.n_dropouts)
    g = f("hedges_g", r.hedges_g, num(r.hedges_g), "standard deviations",
          low=getattr(r, "g_ci95_low", float("nan")), high=getattr(r, "g_ci95_high", float("nan")))
    p_text = _p(r.p_val)  # "< 0.001" is said as "p < 0.001", its figure the bound shown
    bound = p_text.startswith("< ")
    p = ("< " if bound else "= ") + f("p_val", r.p_val, p_text[2:] if bound else p_text, "p-value")
    n_left = f("n_dropouts", r.n_dropouts, integer(r.n_dropouts), "people")
    higher = (not is_missing(r.mean_completers) and not is_missing(r.mean_dropouts)
              and float(r.mean_completers) > float(r.mean_dropouts))
    n_stayed = f("n_completers", r.n_completers, integer(r.n_completers), "people")
    text = (f"{r.title}, {ctx.wave(r.wave)} survey: at the {ctx.wave(first)}, the {n_stayed} "
            f"people who went on to answer it averaged {stayed} and the {n_left} who did not "
            f"averaged {left} (g = {g}, Welch p {p}). ")
    if _clear(r):
        text += ("That is more than chance would explain: the people lost started "
                 f"{'lower' if higher else 'higher'}, so change measured only on those who "
                 "stayed may not hold for everyone.")
    else:
        text += ("A difference this size could be chance, so this does not show that they "
                 "started differently; but it is large enough (half a standard deviation or "
                 "more) that the evidence rule counts it as a possible drop-out bias.")
    led.add(claim_id=cid, section="methods", kind="text", order=order, title="Drop-outs",
            text=text, measure=str(r.scale), wave_post=str(r.wave),
            source_table="attrition_bias", source_key=f"scale={r.scale}; wave={r.wave}")
    return cid


def attrition_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The drop-out summary, one sentence per flagged comparison, and the table."""
    ctx = Context(results, context)
    bias = ctx.table_with("attrition_bias", _NEEDED)
    if bias is None:
        return
    flagged = bias[bias["differs"].fillna(False).astype(bool)]
    cid = "text:methods:attrition"
    f = led.figures_of(cid, "attrition_bias", "every comparison")
    if len(flagged):
        k = f("flagged", len(flagged), integer(len(flagged)), "comparisons")
        g = f("g_flag", G_FLAG, num(G_FLAG, 1), "standard deviations", key="the flag's threshold")
        p = f("p_flag", P_FLAG, num(P_FLAG), "p-value", key="the flag's threshold")
        text = (f"On {k} {'comparison' if k == '1' else 'comparisons'}, the baseline scores of "
                "the people who left after the baseline and of those who stayed differed by "
                f"half a standard deviation or more (|g| ≥ {g}) or by more than chance would "
                f"explain (p under {p}). The results describe the people who stayed, and the "
                "evidence rule rates these findings down for possible drop-out bias:")
    else:
        text = ("People who left after the baseline did not start differently from those who "
                "stayed, on any scale.")
    led.add(claim_id=cid, section="methods", kind="text", order=40, title="Drop-outs", text=text,
            source_table="attrition_bias", source_key="every comparison")
    for i, r in enumerate(flagged.itertuples(index=False)):
        _flagged(led, ctx, r, 41 + i)
    add_table(led, "table:methods:attrition", section="methods", order=70,
              frame=bias.assign(wave_label=bias["wave"].map(ctx.wave),
                                flag=bias["differs"].fillna(False).astype(bool)),
              source_table="attrition_bias", key=["scale", "wave"],
              caption="People who stayed and people who left: their baseline scores",
              columns={"title": "Scale", "wave_label": "Later survey",
                       "n_completers": "Stayed (people)", "n_dropouts": "Left (people)",
                       "mean_completers": "Baseline average, stayed (points)",
                       "mean_dropouts": "Baseline average, left (points)",
                       "hedges_g": "Hedges' g (SDs)", "p_val": "p (Welch)",
                       "p_mannwhitney": "p (Mann–Whitney)",
                       "flag": "Counted as possible drop-out bias"},
              formats={"n_completers": integer, "n_dropouts": integer, "p_val": _p,
                       "p_mannwhitney": _p},
              units={"n_completers": "people", "n_dropouts": "people",
                     "mean_completers": "points", "mean_dropouts": "points",
                     "hedges_g": "standard deviations", "p_val": "p-value",
                     "p_mannwhitney": "p-value"},
              sources={"wave_label": ("attrition_bias", "wave"),
                       "flag": ("attrition_bias", "differs")})
