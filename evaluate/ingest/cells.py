"""Cells as text: the one conversion every later step starts from.

Only a truly blank cell is missing: an answer that is literally ``None``,
``nan``, ``NA`` or ``N/A`` is what the person typed, and stays text (a
response set may still declare ``N/A`` as its "no answer" label).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["text_cells"]


def text_cells(values: pd.Series) -> pd.Series:
    """Cells as trimmed strings; blank cells missing. Whole numbers lose a trailing ".0".

    >>> text_cells(pd.Series([" Agree ", 4.0, None, "", float("nan")])).tolist()
    ['Agree', '4', <NA>, <NA>, <NA>]
    >>> text_cells(pd.Series(["None", "nan", "N/A"])).tolist()  # typed text stays text
    ['None', 'nan', 'N/A']
    """
    out = values.astype("string").str.strip()
    out = out.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    return out.mask(out == "")
