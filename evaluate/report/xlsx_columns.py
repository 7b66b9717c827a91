"""A table's columns as :mod:`evaluate.report.xlsx` writes them, each column read once.

For every column the workbook needs the values as written (:func:`cell_value`:
numbers unwrapped, missing values empty, text cut to Excel's limit), each
cell's length as text (for its width and Excel's limit), its number format
(:func:`guess_format`) and its width (:func:`column_width`). Asking pandas
for a column and then for each of these in turn costs tens of microseconds
a question, and a column of text stored by pyarrow turns every cell into a
Python string each time; a workbook holds hundreds of short columns, so
:func:`read_column` takes each column's cells out once and works from them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["cell_value", "column_values", "read_column", "guess_format", "column_width",
           "text_lengths", "EXCEL_MAX_CELL", "P_VALUE_FORMAT"]

#: Excel's limit on the characters in a cell.
EXCEL_MAX_CELL = 32_767
#: p-values as people print them: "<0.001", else three decimals; the value stays exact.
P_VALUE_FORMAT = '[<0.001]"<0.001";0.000'
_MAX_WIDTH = 60


def cell_value(v):
    """A value as openpyxl should store it: numpy unwrapped, NaN empty, text as written
    (cut to Excel's 32,767 characters); it is written as a text cell, never a formula."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (dt.datetime, dt.date, int)):
        return v
    text = str(v)
    if len(text) > EXCEL_MAX_CELL:
        text = text[: EXCEL_MAX_CELL - 1] + "…"
    return text


def _as_written(values) -> list:
    # text that fits a cell is written as it is (what cell_value returns), without its checks
    return [v if type(v) is str and len(v) <= EXCEL_MAX_CELL else cell_value(v) for v in values]


def column_values(series: pd.Series) -> list:
    """:func:`cell_value` over a column, with the common number types converted in bulk."""
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if kind in ("b", "i", "u"):
        return series.tolist()
    if kind == "f":
        return [None if v != v else v for v in series.tolist()]
    return _as_written(series.astype(object))


def text_lengths(series: pd.Series) -> np.ndarray:
    """How long each cell is as text, as ``series.astype("string").str.len()`` says; -1 when
    missing. A column of text is measured directly (no conversion of every cell first)."""
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        missing = pd.isna(values)
        return np.fromiter((-1 if m else len(v) for v, m in zip(values, missing, strict=True)),
                           dtype=np.int64, count=len(values))
    return series.astype("string").str.len().fillna(-1).to_numpy(dtype=np.int64)


def read_column(series: pd.Series) -> tuple[list, np.ndarray | None]:
    """A column's values as written (:func:`column_values`) and each cell's length as text
    (:func:`text_lengths`), None for a column of numbers (their width is fixed).

    A column of text (pandas' string types) is taken out of its array once, and
    its lengths are measured from the same strings.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        cells = series.tolist()  # str, or the type's missing value
        lengths = np.fromiter((len(v) if type(v) is str else -1 for v in cells),
                              dtype=np.int64, count=len(cells))
        return _as_written(cells), lengths
    values = column_values(series)
    if not pd.api.types.is_numeric_dtype(dtype):
        return values, text_lengths(series)
    if pd.api.types.is_bool_dtype(dtype):
        return values, (np.where(series.to_numpy(), 4, 5) if dtype == np.bool_
                        else text_lengths(series))  # "True", "False"
    return values, None


def guess_format(series: pd.Series) -> str | None:
    """An Excel number format from a column's name and type (p-values, shares, counts …)."""
    name = str(series.name).lower()
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd hh:mm"
    if not pd.api.types.is_numeric_dtype(series):
        return None
    if name in ("p", "p_val") or name.startswith(("p_", "p (")):
        return P_VALUE_FORMAT
    if pd.api.types.is_integer_dtype(series) or name.startswith("n_") or name in ("n", "row", "rows"):
        return "0"
    values = series.to_numpy(dtype=float, na_value=np.nan)
    values = values[~np.isnan(values)]  # what dropna() keeps
    if "share" in name or "rate" in name or name.startswith("pct"):
        return "0.0%" if ((values >= 0) & (values <= 1)).all() else "0.00"
    values = values[np.isfinite(values)]
    if len(values) and (values == np.round(values)).all():
        return "0"  # degrees of freedom, counts stored as floats, medians of whole answers
    if "median" in name and len(values) and (values * 2 == np.round(values * 2)).all():
        return "0.0"
    return "0.00"


def column_width(heading: str, lengths: np.ndarray | None) -> tuple[float, bool]:
    """A column's width (characters) and whether its text wraps (longer than the widest column).

    ``lengths``: each cell's length as text (:func:`read_column`); None for numbers,
    which print rounded by their format, not at full precision.
    """
    head = max((len(w) for w in heading.split()), default=0)
    if lengths is None:
        longest = 9
    elif len(lengths):
        longest = max(int(lengths.max()), 0)
    else:
        longest = 0
    return min(max(8, head + 2, min(longest, _MAX_WIDTH) + 2), _MAX_WIDTH), longest > _MAX_WIDTH
