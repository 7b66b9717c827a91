"""The evidence rule: how strong the evidence for a change is, and every reason why.

One rule labels every finding a reader is told about (survey scales and
network change alike). It starts from the design, as the Maryland Scientific
Methods Scale does, then rates down, as GRADE does, for each problem the tool
itself detects in the data. The label lists every downgrade that applied, and
says which words the report may use about the change.

Design (where the label starts)

- *Before and after, no comparison group* (Maryland level 1): at most
  **moderate**; part of a rise may be regression to the mean or would have
  happened anyway.
- *Before and after with a comparison group of at least* :data:`MIN_COMPARISON`
  *matched people* (Maryland level 2, or 3 when the groups started alike,
  as in difference in differences): **strong**; the change that counts is the
  difference between the groups' changes.
- *Random allocation* (Maryland level 5): **strong**.

Downgrades (one step each; two where marked)

- ``imprecision``: the 95% interval of the change that counts includes no
  change; or it reaches within a quarter of the change of no change (its
  nearer end is less than a quarter of the estimate); or fewer than 30
  people answered both times (two steps under 10).
- ``measurement_change``: the scale's reliability (omega) shifted between the
  two waves, so people may have read the questions differently.
- ``rough_measure``: Cronbach's alpha under 0.70 *as printed* at either wave.
- ``attrition_bias``: the people who left had started differently (or, for
  the network, the ties of those who did not answer could reverse the change).
- ``groups_not_alike``: the comparison group did not start alike, so part of
  the difference may be regression to the mean.
- ``low_response``: under 70% of the first wave's respondents answered again
  (two steps under 50%).

Strongest first, the levels are strong, moderate, limited and weak; fewer
than 3 people answering both times gives "none" (not enough data).

Words the rule allows

- "real" and "confident" (:attr:`Verdict.may_say_real`): only at moderate or
  strong with no imprecision downgrade.
- "biggest" (:func:`biggest`): only when the lower end of that change's
  interval is above the upper end of every other change's interval.
- Planning the next cohort (:attr:`Verdict.counts_as_evidence`): only for a
  change whose interval excludes no change, labelled limited or stronger.

This module is a leaf (it imports only :mod:`evaluate.words`), so the
statistics, the network analysis and the claims ledger all use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from evaluate.words import STRENGTH_LABELS, is_missing

__all__ = ["MIN_COMPARISON", "DOWNGRADES", "LEVELS", "RuleInputs", "Verdict", "evidence_rule",
           "biggest", "RULE_IN_WORDS"]

#: A comparison group smaller than this does not lift the design.
MIN_COMPARISON = 10
#: Levels, strongest first (index = steps below strong).
LEVELS = ("strong", "moderate", "limited", "weak")
#: Each downgrade's code and its plain name (the codes stay in the tables, never in prose).
DOWNGRADES = {
    "imprecision": "imprecision",
    "measurement_change": "the measure changed between the surveys",
    "rough_measure": "a rough measure",
    "attrition_bias": "drop-out bias",
    "groups_not_alike": "groups that did not start alike",
    "low_response": "low response",
}

#: The rule in plain English, for the methods section (one paragraph per sentence).
RULE_IN_WORDS = [
    "Each finding gets one label: strong, moderate, limited or weak evidence. The label starts "
    "from how the evaluation was designed and then drops one step for each problem found in "
    "the data; the reasons under each label list every step it dropped.",
    "Where the design starts: with only a before-and-after comparison of the people on the "
    "programme, the most a finding can be is moderate evidence, because part of a change may "
    "have happened anyway, and people who start low tend to score higher the next time "
    "(regression to the mean). With a comparison group of at least 10 people who answered "
    "the same surveys at the same times, or with people put into groups at random, a finding "
    "can be strong evidence; then the change that counts is how much more the programme "
    "group changed than the comparison group.",
    "It drops one step when the likely range of the change includes no change or nearly "
    "reaches it, or fewer than 30 people answered both surveys (two steps under 10); when "
    "the questions of a scale hung together differently at the two surveys; when they hung "
    "together poorly (Cronbach's alpha under 0.70); when the people who dropped out had "
    "started differently; when the comparison group did not start alike; and when fewer than "
    "7 in 10 of those who answered first answered again (two steps under 5 in 10).",
    "The report calls a change real only where it is moderate or strong evidence and its "
    "likely range is clear of no change; it calls one change the biggest only where its "
    "likely range lies wholly above every other's; and it plans the next cohort only for "
    "changes the rule counts as evidence (clear of no change, and limited or stronger).",
]


@dataclass(frozen=True)
class RuleInputs:
    """What the rule looks at for one change.

    Attributes
    ----------
    n_pairs : int
        People who answered both times.
    n_first : int or None
        People who answered the first time (retention = n_pairs / n_first).
    estimate, ci95_low, ci95_high : float
        The change that counts and its 95% interval: the difference in
        differences with a comparison group, else the change itself.
    design : str
        ``before_after``, ``comparison`` or ``random``.
    comparison_n : int or None
        Matched people in the comparison group.
    groups_alike : bool or None
        The comparison group started alike (None without one).
    reliability_shift, rough_measure, dropouts_differ : bool
        What the reliability and attrition analyses found.
    attrition_reason : str
        What the drop-out bias is, in words (the network's differs from the surveys').
    """

    n_pairs: int
    n_first: int | None = None
    estimate: float = math.nan
    ci95_low: float = math.nan
    ci95_high: float = math.nan
    design: str = "before_after"
    comparison_n: int | None = None
    groups_alike: bool | None = None
    reliability_shift: bool = False
    rough_measure: bool = False
    dropouts_differ: bool = False
    attrition_reason: str = "the people who dropped out differed from those who stayed"


@dataclass(frozen=True)
class Verdict:
    """The rule's answer: ``level``, ``design_reason``, ``downgrades`` (code → reason)."""

    level: str
    design_level: int
    design_reason: str
    downgrades: dict[str, str] = field(default_factory=dict)
    clear: bool = False

    @property
    def label(self) -> str:
        """"Moderate evidence", "Not enough data" …"""
        return STRENGTH_LABELS[self.level]

    @property
    def reasons(self) -> list[str]:
        """The design's reason, then every downgrade's."""
        return [self.design_reason, *self.downgrades.values()]

    @property
    def may_say_real(self) -> bool:
        """Whether the report may call the change real (or say it is confident of it)."""
        return self.level in ("strong", "moderate") and self.clear and "imprecision" not in self.downgrades

    @property
    def counts_as_evidence(self) -> bool:
        """Whether the change counts as evidence (so planning a next cohort around it makes sense)."""
        return self.clear and self.level in ("strong", "moderate", "limited")


def _num(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def evidence_rule(x: RuleInputs) -> Verdict:
    """The label of one change, with the design's reason and every downgrade.

    Examples
    --------
    >>> v = evidence_rule(RuleInputs(n_pairs=62, n_first=78, estimate=0.6, ci95_low=0.3,
    ...                              ci95_high=0.9))
    >>> v.level, list(v.downgrades)
    ('moderate', [])
    >>> v = evidence_rule(RuleInputs(n_pairs=62, n_first=78, estimate=0.1, ci95_low=-0.2,
    ...                              ci95_high=0.4, reliability_shift=True))
    >>> v.level, list(v.downgrades), v.may_say_real
    ('weak', ['imprecision', 'measurement_change'], False)
    """
    n = 0 if is_missing(x.n_pairs) else int(x.n_pairs)
    if n < 3:
        return Verdict("none", 0, "fewer than 3 people answered both times", {})
    lo, hi, est = (math.nan if is_missing(v) else float(v) for v in (x.ci95_low, x.ci95_high, x.estimate))
    known = not (math.isnan(lo) or math.isnan(hi))
    clear = known and (lo > 0 or hi < 0)
    comparison = x.design in ("comparison", "random") and (
        x.design == "random" or (x.comparison_n or 0) >= MIN_COMPARISON)
    down: dict[str, str] = {}
    steps = 0
    if x.design == "random":
        start, level_ms = 0, 5
        design = "people were put into the programme and comparison groups at random, so at most strong"
    elif comparison:
        start = 0
        level_ms = 3 if x.groups_alike else 2
        design = (f"compared with a group of {x.comparison_n} people not on the programme who "
                  "answered the same surveys, so at most strong; people were not put into the "
                  "groups at random")
    else:
        start, level_ms = 1, 1
        design = ("no comparison group (before and after only), so at most moderate: part of a "
                  "change may have happened anyway, and people who start low tend to score "
                  "higher the next time")
        if x.design == "comparison":
            design = (f"the comparison group is small ({x.comparison_n} people), so it counts as "
                      "before and after only: at most moderate")
    what = "the difference between the groups' changes" if comparison else "the change"
    imprecise = []
    if not known:
        imprecise.append(f"{what} has no likely range")
    elif not clear:
        imprecise.append(f"the likely range of {what} ({_num(lo)} to {_num(hi)}) includes no change")
    elif not math.isnan(est) and est != 0 and min(abs(lo), abs(hi)) < abs(est) / 4:
        imprecise.append(f"the likely range of {what} ({_num(lo)} to {_num(hi)}) nearly "
                         "reaches no change")
    if n < 10:
        imprecise.append(f"only {n} people answered both times")
    elif n < 30:
        imprecise.append(f"{n} people answered both times (fewer than 30)")
    if imprecise:
        down["imprecision"] = "imprecision: " + "; ".join(imprecise)
        steps += 2 if n < 10 else 1
    if x.reliability_shift:
        down["measurement_change"] = ("the measure changed between the surveys: the questions "
                                      "hung together differently, so people may have read them "
                                      "differently")
        steps += 1
    if x.rough_measure:
        down["rough_measure"] = ("a rough measure: the scale's questions hung together poorly, so "
                                 "its score is only a rough guide")
        steps += 1
    if x.dropouts_differ:
        down["attrition_bias"] = f"drop-out bias: {x.attrition_reason}"
        steps += 1
    if comparison and x.design != "random" and x.groups_alike is False:
        down["groups_not_alike"] = ("the groups did not start alike, so part of the difference "
                                    "may be scores that started far from the average moving "
                                    "back towards it")
        steps += 1
    if x.n_first and not is_missing(x.n_first) and int(x.n_first) > 0:
        kept = n / int(x.n_first)
        if kept < 0.7:
            down["low_response"] = (f"low response: only {kept:.0%} of those who answered first "
                                    "answered again")
            steps += 2 if kept < 0.5 else 1
    level = LEVELS[min(start + steps, len(LEVELS) - 1)]
    return Verdict(level, level_ms, design, down, clear)


def biggest(estimates, lows, highs) -> int | None:
    """The index of the change whose interval lies wholly above every other's, else None.

    Only then may a report call it "the biggest".

    >>> biggest([0.9, 0.3], [0.6, 0.1], [1.2, 0.5]), biggest([0.9, 0.5], [0.4, 0.2], [1.2, 0.8])
    (0, None)
    """
    values = list(zip(estimates, lows, highs, strict=True))
    if len(values) < 2 or any(is_missing(v) for t in values for v in t):
        return None
    top = max(range(len(values)), key=lambda i: values[i][0])
    if all(values[top][1] > values[j][2] for j in range(len(values)) if j != top):
        return top
    return None
