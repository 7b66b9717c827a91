"""Numbers: which cells are typed numbers and which text, decided per column as per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.ingest.numbers import _of_type

CELLS = st.one_of(st.none(), st.just(float("nan")), st.just(pd.NA), st.just(pd.NaT), st.text(max_size=3),
                  st.integers(-5, 5), st.floats(allow_nan=False), st.booleans(),
                  st.just(np.float64("nan")), st.just(np.int64(3)), st.just(np.str_("4")))


def _each(values: pd.Series, kinds, but=()) -> pd.Series:
    return values.map(lambda v: isinstance(v, kinds) and not isinstance(v, but)).astype(bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, max_size=12), st.booleans())
def test_cells_of_a_type_found_as_a_call_per_cell_finds_them(cells, text_only):
    if text_only:  # a csv's column: text and missing cells only
        cells = [c if c is None or isinstance(c, str) or (isinstance(c, float) and c != c) else str(c)
                 for c in cells]
    values = pd.Series(cells, dtype=object)
    for kinds, but in (((int, float, np.integer, np.floating), bool), (str, ())):
        got = _of_type(values, kinds, but)
        assert got.tolist() == _each(values, kinds, but).tolist()
        assert got.index.equals(values.index)
