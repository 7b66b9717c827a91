"""Cells as text: the one conversion every later step starts from."""

from __future__ import annotations

import pandas as pd

__all__ = ["text_cells"]

_BLANK_TEXT = ["", "nan", "NaN", "None", "NaT", "<NA>"]


def text_cells(values: pd.Series) -> pd.Series:
    """Cells as trimmed strings; blanks missing. Whole numbers lose a trailing ".0".

    >>> text_cells(pd.Series([" Agree ", 4.0, None, ""])).tolist()
    ['Agree', '4', <NA>, <NA>]
    """
    out = values.astype("string").str.strip()
    out = out.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    return out.mask(out.isin(_BLANK_TEXT))
