"""Plain words for numbers: the one place that says what a result means to a commissioner.

Cards, chart titles, captions, the board paper and the tables' Summary sheet
all describe results through these functions, so the words cannot drift from
each other or from the printed number. Every function takes values that may
be missing (None, NaN) and says so in words rather than failing.

Rules (each function's docstring gives its own):

- **Size** of a change follows Cohen's benchmarks on the effect size *as
  printed* (rounded to two decimals): under 0.20 very small, under 0.50
  small, under 0.80 medium-sized, else large. A g of 0.796 is printed 0.80
  and is therefore called large.
- **Certainty** comes from the multiplicity-adjusted p-value and the 95%
  interval: p under 0.001 with an interval that excludes no change → "we can
  be confident it is real"; p under 0.05 → "we can be fairly sure it is
  real"; otherwise "it could be chance".
- **Counts** agree with their nouns ("1 scale", "3 scales"); never "(s)".

This module is a leaf: it imports nothing from the rest of ``evaluate``, so
the analyses (``evaluate.stats``) and the report can both use it.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "is_missing",
    "rounded",
    "effect_size_word",
    "direction_word",
    "change_phrase",
    "certainty_phrase",
    "is_clear_change",
    "count",
    "share_of",
    "wave_name",
    "the_wave",
    "cohort_name",
    "join_words",
    "attention_parts",
    "MISSING",
    "num",
    "integer",
    "pct",
    "p_value",
    "interval",
    "wave_label",
    "STRENGTH_LABELS",
    "strength_label",
]

#: Labels of the strength-of-evidence levels, strongest first.
STRENGTH_LABELS = {
    "strong": "Strong evidence",
    "moderate": "Moderate evidence",
    "limited": "Limited evidence",
    "weak": "Weak evidence",
    "none": "Not enough data",
}


#: What a missing value reads as.
MISSING = "—"

_SIZE_BANDS = ((0.2, "very small"), (0.5, "small"), (0.8, "medium-sized"))


def is_missing(x) -> bool:
    """True for None, NaN and anything else that is not a finite number or text.

    >>> is_missing(float("nan")), is_missing(None), is_missing(0.0)
    (True, True, False)
    """
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return x != x  # pd.NA / NaT compare unequal to themselves


def rounded(x, digits: int = 2) -> float:
    """``x`` rounded exactly as the report prints it (Python's ``f"{x:.2f}"``).

    >>> rounded(0.796), rounded(-0.8049)
    (0.8, -0.8)
    """
    if is_missing(x):
        return math.nan
    return float(f"{float(x):.{digits}f}")


def effect_size_word(g) -> str:
    """Cohen's words for the size of a standardised change, from the value as printed.

    Parameters
    ----------
    g : float
        A standardised effect size (Hedges' g, Cohen's d); the sign is ignored.

    Returns
    -------
    str
        "very small", "small", "medium-sized" or "large" ("" when missing).

    Examples
    --------
    >>> effect_size_word(0.796), effect_size_word(0.794), effect_size_word(-0.3)
    ('large', 'medium-sized', 'small')
    """
    if is_missing(g):
        return ""
    size = abs(rounded(g, 2))
    for limit, word in _SIZE_BANDS:
        if size < limit:
            return word
    return "large"


def direction_word(diff, *, up: str = "rise", down: str = "fall", same: str = "no change") -> str:
    """The noun (or verb, with other arguments) for the direction of a change.

    >>> direction_word(0.4), direction_word(-0.1), direction_word(0)
    ('rise', 'fall', 'no change')
    >>> direction_word(0.4, up="rose", down="fell", same="stayed the same")
    'rose'
    """
    if is_missing(diff) or float(diff) == 0:
        return same
    return up if float(diff) > 0 else down


def is_clear_change(p_adj, low=None, high=None) -> bool:
    """True when a change is larger than chance would explain (adjusted p under 0.05).

    When the interval is given it must also exclude zero (the two agree for
    the tests we use; requiring both keeps the words honest if they do not).

    >>> is_clear_change(0.01, 0.2, 0.9), is_clear_change(0.2), is_clear_change(0.01, -0.1, 0.5)
    (True, False, False)
    """
    if is_missing(p_adj) or float(p_adj) >= 0.05:
        return False
    if low is not None and high is not None and not (is_missing(low) or is_missing(high)):
        return float(low) > 0 or float(high) < 0
    return True


def certainty_phrase(p_adj, low=None, high=None, *, n=None) -> str:
    """How sure we can be that a change is real, in words.

    Parameters
    ----------
    p_adj : float
        The multiplicity-adjusted p-value.
    low, high : float, optional
        The 95% interval of the effect size.
    n : int, optional
        Matched people; under 3 there is nothing to say.

    Examples
    --------
    >>> certainty_phrase(0.0001, 0.5, 1.1)
    'we can be confident it is real'
    >>> certainty_phrase(0.02, 0.1, 0.9)
    'we can be fairly sure it is real'
    >>> certainty_phrase(0.3, -0.2, 0.6)
    'it could be chance'
    """
    if n is not None and (is_missing(n) or int(n) < 3):
        return "too few people answered both times to tell"
    if is_missing(p_adj):
        return "we cannot tell whether it is real"
    if not is_clear_change(p_adj, low, high):
        return "it could be chance"
    return ("we can be confident it is real" if float(p_adj) < 0.001
            else "we can be fairly sure it is real")


def change_phrase(diff, g, p_adj, low=None, high=None) -> str:
    """"a large rise", "a small fall", or "no clear change" when it could be chance.

    >>> change_phrase(0.6, 0.82, 0.001, 0.5, 1.1)
    'a large rise'
    >>> change_phrase(-0.2, -0.3, 0.04)
    'a small fall'
    >>> change_phrase(0.1, 0.1, 0.4)
    'no clear change'
    """
    if not is_clear_change(p_adj, low, high) or is_missing(diff) or float(diff) == 0:
        return "no clear change"
    size = effect_size_word(g)
    noun = direction_word(diff)
    article = "an" if size[:1] in "aeiou" and size else "a"
    return f"{article} {size} {noun}" if size else f"a {noun}"


def count(n, singular: str, plural: str | None = None) -> str:
    """A count with its noun in the right number ("1 scale", "3 scales", "1,204 people").

    >>> count(1, "scale"), count(3, "scale"), count(2, "person", "people")
    ('1 scale', '3 scales', '2 people')
    """
    if is_missing(n):
        return f"an unknown number of {plural or singular + 's'}"
    k = int(round(float(n)))
    noun = singular if k == 1 else (plural or singular + "s")
    return f"{k:,} {noun}"


def share_of(k: int, n: int, noun: str, plural: str | None = None) -> str:
    """"all 4 scales", "none of the 3 scales", "2 of 5 scales".

    >>> share_of(4, 4, "scale"), share_of(0, 3, "scale"), share_of(2, 5, "scale")
    ('all 4 scales', 'none of the 3 scales', '2 of 5 scales')
    >>> share_of(1, 1, "scale")
    'the one scale'
    """
    many = plural or noun + "s"
    if n == 1:
        return f"the one {noun}" if k == 1 else f"not the one {noun}"
    if k == n:
        return f"both {many}" if n == 2 else f"all {n} {many}"
    if k == 0:
        return f"none of the {n} {many}"
    return f"{k} of {n} {many}"


def wave_name(wave) -> str:
    """A wave id as people say it: "follow_up" → "follow-up", "day1" → "day 1".

    >>> wave_name("follow_up"), wave_name("day1"), wave_name("end")
    ('follow-up', 'day 1', 'end')
    """
    if is_missing(wave):
        return "—"
    text = str(wave).replace("_", "-")
    return re.sub(r"^([A-Za-z]+)(\d+)$", r"\1 \2", text)


def the_wave(wave) -> str:
    """A wave as it follows "at": "the baseline", "the follow-up", but "day 1".

    >>> the_wave("baseline"), the_wave("day1")
    ('the baseline', 'day 1')
    """
    name = wave_name(wave)
    return name if re.fullmatch(r"[A-Za-z]+ \d+", name) else f"the {name}"


def cohort_name(cohort, names: dict | None = None) -> str:
    """The name a cohort goes by: from the workspace's settings, else "c1" → "Cohort 1".

    >>> cohort_name("c1"), cohort_name("c2", {"c2": "Spring 2026"}), cohort_name("north_east")
    ('Cohort 1', 'Spring 2026', 'north east')
    """
    if is_missing(cohort):
        return "—"
    key = str(cohort)
    if names and names.get(key):
        return str(names[key])
    m = re.fullmatch(r"(?:c|cohort)[-_ ]?(\d+)", key, flags=re.IGNORECASE)
    if m:
        return f"Cohort {int(m.group(1))}"
    return key.replace("_", " ")


def join_words(words) -> str:
    """"a", "a and b", "a, b and c".

    >>> join_words(["a"]), join_words(["a", "b"]), join_words(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    words = [str(w) for w in words if str(w)]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def strength_label(strength) -> str:
    """The label of a strength-of-evidence level ("moderate" → "Moderate evidence").

    >>> strength_label("limited"), strength_label(None)
    ('Limited evidence', 'Not enough data')
    """
    key = "none" if is_missing(strength) or not str(strength) else str(strength).lower()
    return STRENGTH_LABELS.get(key, key.capitalize())


_NOT_A_NUMBER = object()


def _as_float(x):
    """``x`` as a float; None when missing (None, NaN, pd.NA, NaT); ``_NOT_A_NUMBER`` for text."""
    if x is None or type(x).__name__ in ("NAType", "NaTType"):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return _NOT_A_NUMBER
    return None if math.isnan(value) else value


def num(x, digits: int = 2) -> str:
    """A number with ``digits`` decimals and a real minus sign ("3.14", "−0.20"); "—" if missing.

    This is the one formatting of decimals: the claims ledger and the report both use it.

    >>> num(3.14159), num(-0.2), num(-0.001), num(None)
    ('3.14', '−0.20', '0.00', '—')
    """
    value = _as_float(x)
    if value is None or value is _NOT_A_NUMBER:
        return MISSING if value is None else str(x)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def integer(x) -> str:
    """A count with thousands separators ("1,234"); "—" if missing.

    >>> integer(1234.0), integer(None)
    ('1,234', '—')
    """
    value = _as_float(x)
    if value is None or value is _NOT_A_NUMBER:
        return MISSING if value is None else str(x)
    return f"{int(round(value)):,}"


def pct(x, digits: int = 0) -> str:
    """A share (0–1) as a percentage ("82%"); "—" if missing.

    >>> pct(0.816), pct(None)
    ('82%', '—')
    """
    value = _as_float(x)
    if value is None or value is _NOT_A_NUMBER:
        return MISSING
    return f"{value * 100:.{digits}f}%".replace("-", "−")


def attention_parts(entry: dict) -> list[str]:
    """What a person should look at in one import (a manifest record), in words.

    >>> attention_parts({"quarantined": 2, "warnings": 1})
    ['2 held back with problems', '1 warning']
    """
    parts = []
    if entry.get("quarantined"):
        parts.append(f"{entry['quarantined']} held back with problems")
    if entry.get("file_problems"):
        n = entry["file_problems"]
        parts.append(f"{n} file problem{'s' if n != 1 else ''} (such as columns not imported)")
    if entry.get("warnings"):
        parts.append(f"{entry['warnings']} warning{'s' if entry['warnings'] != 1 else ''}")
    return parts


def p_value(p) -> str:
    """A p-value as journals print it: "< 0.001", "0.03", "0.21"."""
    if is_missing(p):
        return MISSING
    p = float(p)
    if p < 0.001:
        return "< 0.001"
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.2f}"


def interval(low, high, digits: int = 2) -> str:
    """An interval as "0.51 to 1.06"."""
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{num(low, digits)} to {num(high, digits)}"


def wave_label(wave) -> str:
    """A wave id as people write it ("follow_up" → "follow-up")."""
    if is_missing(wave):
        return MISSING
    return str(wave).replace("_", "-")
