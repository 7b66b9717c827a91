"""Rounding and formatting for people: the only place numbers are rounded.

Every function takes a value that may be missing (None, NaN, pd.NA) and
returns text; a missing value reads as an em dash. Minus signs are real minus
signs (U+2212), as in typeset reports.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "MISSING",
    "is_missing",
    "num",
    "integer",
    "pct",
    "p_value",
    "interval",
    "wave_label",
]

from evaluate.words import (  # one formatting of numbers for claims and report
    MISSING,
    integer,
    num,
    pct,
)


def is_missing(x) -> bool:
    """True for None, NaN, NaT and pd.NA."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


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
