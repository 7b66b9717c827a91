"""The "Anonymous" placeholders found among all names at once, exactly as one by one."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.ingest.coerce import ANONYMOUS_NAMES, _without_placeholders
from evaluate.normalise import normalise_label

PIECES = ["Anonymous", "ANONYM", "anon", "N/A", "n a", "Anonymous User", "Jo", "Smith", "Zoë",
          "Ａｎｏｎ", "\u2019", "\u2013", " ", "  ", "\t", "\x0b", "\x1c", "\n", "!", ".", "_", "-",
          "1", "é", "ß", "Å", "respondent", "user", "anonyme", "ANÓNIMO"]


def _one_by_one(names: pd.Series) -> pd.Series:
    placeholders = [v for v in names.dropna().unique().tolist()
                    if normalise_label(v) in ANONYMOUS_NAMES]
    return names.mask(names.isin(placeholders)) if placeholders else names


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=4).map("".join), max_size=30),
       st.lists(st.text(max_size=6), max_size=5))
def test_placeholders_as_one_by_one(built, free):
    names = pd.Series(built + free + [None], dtype="string")
    got, expected = _without_placeholders(names), _one_by_one(names)
    pd.testing.assert_series_equal(got, expected)


def test_long_column_of_names():
    rng = np.random.default_rng(3)
    pool = np.array(["Person 1", "Anonymous", " anonymous respondent ", "Zoë Ÿ", "ANON.", "N/A",
                     "Jo Smith"], dtype=object)
    names = pd.Series(pool[rng.integers(0, len(pool), 5_000)], dtype="string")
    got = _without_placeholders(names)
    pd.testing.assert_series_equal(got, _one_by_one(names))
    assert got.isna().sum() == names.isin(["Anonymous", " anonymous respondent ", "ANON.",
                                           "N/A"]).sum()
