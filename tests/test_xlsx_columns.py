"""evaluate.report.xlsx_columns: each column read once gives what asking pandas each time gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.report.xlsx_columns import (
    P_VALUE_FORMAT,
    column_values,
    guess_format,
    read_column,
    text_lengths,
)

TEXTS = ["ab", None, "é€ \u2014", "", "x" * 40_000, "=1+1", " lead"]
COLUMNS = [
    pd.Series(TEXTS, dtype="str"),
    pd.Series(TEXTS, dtype="string"),
    pd.Series(TEXTS, dtype=object),
    pd.Series([None, None], dtype="str"),
    pd.Series([], dtype="str"),
    pd.Series([1, "a", None, 2.5, True], dtype=object),
    pd.Series([True, False, True]),
    pd.array([True, None, False], dtype="boolean"),
    pd.Series([1.5, np.nan, np.inf]),
    pd.Series([1, 2, 3]),
    pd.Series([1, None, 3], dtype="Int64"),
    pd.Series(pd.to_datetime(["2020-01-01", None])),
    pd.Series(["a", "bb", None], dtype="category"),
]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("column", COLUMNS, ids=range(len(COLUMNS)))
def test_read_column_is_column_values_and_text_lengths(column):
    column = pd.Series(column)
    values, lengths = read_column(column)
    assert _same(values, column_values(column))
    numbers = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numbers:
        assert lengths is None
    else:
        np.testing.assert_array_equal(lengths, text_lengths(column))


CASES = [  # name, values (with gaps), the format
    ("share", [0.2, 0.5, np.nan], "0.0%"), ("share", [0.2, 1.5], "0.00"),
    ("rate_change", [-0.0, 1.0], "0.0%"), ("pct_x", [np.nan, np.nan], "0.0%"),
    ("share", [], "0.0%"), ("share", [0.5, np.inf], "0.00"),
    ("mean", [1.0, 2.0, np.nan], "0"), ("mean", [1.0, np.inf], "0"),
    ("mean", [np.nan, np.nan], "0.00"), ("mean", [0.25, 3.0], "0.00"),
    ("median_pre", [1.5, 2.5, np.nan], "0.0"), ("median_pre", [0.25, 3.0], "0.00"),
    ("p_adj", [0.2], P_VALUE_FORMAT), ("p", [0.2], P_VALUE_FORMAT), ("n_pairs", [1.5], "0"),
]


@pytest.mark.parametrize("dtype", ["float64", "float32", "Float64"])
def test_guess_format_from_the_values_without_their_gaps(dtype):
    for name, values, expected in CASES:
        assert guess_format(pd.Series(values, dtype=dtype, name=name)) == expected, (name, values)


def test_guess_format_from_the_type():
    assert guess_format(pd.Series([1, 2], name="mean")) == "0"
    assert guess_format(pd.Series([1, None], dtype="Int64", name="share")) == "0"
    assert guess_format(pd.Series(["0.5"], name="share")) is None
    assert guess_format(pd.Series([True], name="n")) is None
    assert guess_format(pd.Series(pd.to_datetime(["2026-01-02"]), name="when")) == "yyyy-mm-dd hh:mm"
