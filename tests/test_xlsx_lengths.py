"""Cell lengths for column widths and Excel's cell limit, measured without converting every cell."""

import numpy as np
import pandas as pd
import pytest

from evaluate.report.xlsx_columns import text_lengths as _text_lengths

COLUMNS = [
    pd.Series(["ab", None, np.nan, pd.NA, "é€ \u2014", ""], dtype=object),
    pd.Series(["ab", None, "xyz"], dtype="string"),
    pd.Series([1, "a", None, 2.5, True, pd.Timestamp("2026-01-02")], dtype=object),
    pd.Series([True, False]),
    pd.Series([], dtype=object),
    pd.Series([None, None], dtype=object),
    pd.Series(pd.to_datetime(["2020-01-01", None])),
    pd.Series(["a", "bb", None], dtype="category"),
    pd.Series(["x", pd.NaT], dtype=object),
    pd.Series([1.5, np.nan]),
    pd.Series(["x" * 40_000, "=1+1", " lead"], dtype=object),
]


@pytest.mark.parametrize("column", COLUMNS, ids=range(len(COLUMNS)))
def test_text_lengths_are_what_pandas_measures(column):
    expected = column.astype("string").str.len().fillna(-1).to_numpy(dtype=np.int64)
    np.testing.assert_array_equal(_text_lengths(column), expected)
