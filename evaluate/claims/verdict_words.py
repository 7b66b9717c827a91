"""The evidence rule's verdict in a reader's words: the label, what the words may say, and the
analyses' cautions in plain English (each worded in one place)."""

from __future__ import annotations

import re

from evaluate.claims.rule import RuleInputs, Verdict, evidence_rule
from evaluate.words import is_missing

__all__ = ["certainty_words", "label_text", "noted", "plain_caution", "sentences", "verdict_of"]


def label_text(verdict: Verdict, direction: float | None, *, versus: str = "") -> str:
    """The label as shown: the level, and what it is evidence *of*.

    >>> from evaluate.claims.rule import Verdict
    >>> label_text(Verdict("moderate", 1, "", {}, clear=True), 0.4)
    'Moderate evidence of a rise'
    >>> label_text(Verdict("weak", 1, "", {}, clear=False), -0.1)
    'Weak evidence: no clear change'
    >>> label_text(Verdict("limited", 2, "", {}, clear=False), 0.1, versus="wait-list")
    "Limited evidence: no clear change beyond the wait-list group's"
    """
    if verdict.level == "none":
        return verdict.label
    if not verdict.clear or direction is None or is_missing(direction) or float(direction) == 0:
        beyond = f" beyond the {versus} group's" if versus else ""
        return f"{verdict.label}: no clear change{beyond}"
    way = "rise" if float(direction) > 0 else "fall"
    if versus:
        return f"{verdict.label} of a {way} beyond the {versus} group's"
    return f"{verdict.label} of a {way}"


def certainty_words(verdict: Verdict, p_adj=None) -> str:
    """What the words may say about a clear change, as the rule allows.

    >>> from evaluate.claims.rule import Verdict
    >>> certainty_words(Verdict("moderate", 1, "", {}, clear=True), 0.0001)
    'we can be confident it is real'
    >>> certainty_words(Verdict("limited", 1, "", {"imprecision": "x"}, clear=True), 0.0001)
    'larger than chance alone would explain, but the evidence is limited (see why)'
    """
    if verdict.may_say_real:
        if p_adj is not None and not is_missing(p_adj) and float(p_adj) < 0.001:
            return "we can be confident it is real"
        return "we can be fairly sure it is real"
    return f"larger than chance alone would explain, but the evidence is {verdict.level} (see why)"


# The analyses word their cautions for evaluators; the reader's words (one place).
_CAUTIONS = [
    (r"Reliability: Cronbach's alpha was [\d.]+ at the (.+?) survey, below 0\.7, so the scale is "
     r"a rough measure\.",
     r"Rough measure: at the \1 survey the scale's questions hung together poorly, so its "
     r"score is only a rough guide."),
    (r"Measurement: the scale's reliability \(omega\) moved from [\d.]+ at the (.+?) survey to "
     r"[\d.]+ at the (.+?) survey, so people may have read the questions differently; part of "
     r"the change may reflect that\.",
     r"Measurement: the questions hung together differently at the \1 and \2 surveys, so "
     r"people may have read them differently; part of the change may reflect that."),
    (r"Compared with a (.+?) group who answered the same surveys at the same times; people "
     r"were not assigned to the groups at random, so other differences between them may "
     r"explain part of the result\.",
     r"Compared with a \1 group who answered the same surveys; people were not put into the "
     r"groups at random, so other differences between them may explain part of the result."),
    (r"Response shift: looking back at ", "Looking back: at "),
    (r"People who went on to answer the (.+?) survey started with (higher|lower) (.+?) scores than "
     r"those who did not \(([\d.]+) vs ([\d.]+); [^)]*\)\.",
     r"Drop-out: the people who went on to answer the \1 survey had started \2 on \3 than those "
     r"who did not (\4, against \5)."),
    (r"Regression to the mean: ", "Starting low: "),
    (r"Attrition: ", "Drop-out: "),
    (r"\(\s*([\d.−-]+) vs ([\d.−-]+)\)", r"(\1, against \2)"),
]


def plain_caution(text: str) -> str:
    """A caution of the statements table in the reader's words."""
    text = str(text).strip()
    for pattern, repl in _CAUTIONS:
        text = re.sub(pattern, repl, text)
    return text


def sentences(text) -> list[str]:
    if is_missing(text) or not str(text).strip():
        return []
    return [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", str(text).strip()) if s.strip()]


def noted(caution: str, verdict: Verdict) -> str | None:
    """The reason a caution adds when no downgrade already covers it (None when one does)."""
    head = caution.split(":", 1)[0]
    covered = {"Rough measure": "rough_measure", "Measurement": "measurement_change"}
    if head in covered and covered[head] in verdict.downgrades:
        return None
    if caution.startswith(("Compared with a ", "No comparison group")) or head == "Starting low":
        return None  # the design's reason says it
    if caution.startswith("Drop-out:") and "low_response" in verdict.downgrades:
        return None
    if "attrition_bias" in verdict.downgrades and caution.startswith(
            ("Drop-out: the people who went on", "Change measured only on those who stayed")):
        return None
    head, sep, rest = caution.partition(": ")
    if sep and len(head) <= 30:
        return f"{head} (noted, not rated down): {rest}"
    return "Noted, not rated down: " + caution


def verdict_of(r) -> Verdict:
    """The rule's verdict for a statements row, from the inputs the statements table stores."""
    n = 0 if is_missing(r.get("n_pairs")) else int(r["n_pairs"])
    n_first = None if is_missing(r.get("n_first")) else int(r["n_first"])
    common = dict(n_pairs=n, n_first=n_first,
                  reliability_shift=bool(r.get("reliability_shift", False)),
                  rough_measure=bool(r.get("rough_measure", False)),
                  dropouts_differ=bool(r.get("dropouts_differ", False)))
    if str(r.get("compared_with") or "") and not is_missing(r.get("n_comparison")):
        alike = r.get("groups_alike")
        return evidence_rule(RuleInputs(
            **common, estimate=r["did"], ci95_low=r["did_ci95_low"], ci95_high=r["did_ci95_high"],
            design="comparison", comparison_n=int(r["n_comparison"]),
            groups_alike=None if is_missing(alike) else bool(alike)))
    if n < 3 or is_missing(r.get("g_av")):
        return evidence_rule(RuleInputs(n_pairs=min(n, 2)))
    return evidence_rule(RuleInputs(**common, estimate=r["g_av"], ci95_low=r["g_av_ci95_low"],
                                    ci95_high=r["g_av_ci95_high"]))
