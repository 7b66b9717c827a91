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
    interval,
    num,
    p_value,
    pct,
    wave_label,
)


def is_missing(x) -> bool:
    """True for None, NaN, NaT and pd.NA."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False
