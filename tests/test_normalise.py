"""Normalisation used for matching headings, labels and names."""

from __future__ import annotations

import pandas as pd

from evaluate.normalise import (
    normalise_email_series,
    normalise_heading,
    normalise_label,
    normalise_name,
    normalise_name_series,
)


def test_headings_ignore_case_numbering_punctuation_and_platform_suffixes():
    target = normalise_heading("I can see the wider system")
    for variant in ["3. I can see the wider system *", "Q3) i can see the WIDER system?",
                    "  I can   see the wider system. ", "a) I can see the wider system"]:
        assert normalise_heading(variant) == target
    assert normalise_heading("Which sessions? - Selected Choice") == normalise_heading("Which sessions?")


def test_labels_fold_accents_and_quotes():
    assert normalise_label("Don\u2019t know") == normalise_label("Don't know")
    assert normalise_label("Café  ") == "cafe"


def test_names_match_in_any_order_case_and_accent():
    assert normalise_name("Ó Briain, Zoë") == normalise_name("zoe o briain")
    s = normalise_name_series(pd.Series(["Smith, Jo", "JO  SMITH", None, "  "]))
    assert s[0] == s[1] == "jo smith" and pd.isna(s[2]) and pd.isna(s[3])


def test_emails_casefolded_and_anonymous_missing():
    s = normalise_email_series(pd.Series([" Jo.Smith@Example.org ", "anonymous", "", None, "no-at-sign"]))
    assert s[0] == "jo.smith@example.org"
    assert s[1:].isna().all()


def _name_from_label(text):
    """normalise_name as it is defined: the label's words, sorted."""
    return " ".join(sorted(normalise_label(text).split()))


def test_names_normalise_as_their_labels_words_sorted_for_every_kind_of_character():
    # every Unicode space, punctuation mark, letter with accents, ligature and case
    # special (ß, İ, ǅ) alone, inside a word and between words
    chars = [chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF]
    for ch in chars:
        for text in (f"ab{ch}cd", ch, f"x {ch} y"):
            assert normalise_name(text) == _name_from_label(text), repr(text)
    assert normalise_name(None) == "" == _name_from_label(None)


def test_name_series_is_normalise_name_per_cell_with_missing_kept():
    names = pd.Series(["Smith, Zoë", None, "zoe SMITH", "", "  ", "Smith, Zoë", 12],
                      dtype=object)
    out = normalise_name_series(names)
    assert out.dtype == "string"
    assert out.tolist() == ["smith zoe", pd.NA, "smith zoe", pd.NA, pd.NA, "smith zoe", "12"]


def test_name_series_is_normalise_name_of_each_name():
    """Names of ASCII characters are normalised together as column operations: the keys are
    normalise_name's, for every ASCII character (controls, punctuation, spaces of each kind)."""
    import numpy as np

    from evaluate.normalise import map_distinct

    rng = np.random.default_rng(8)
    ascii_chars = [chr(c) for c in range(128)]
    pieces = ["Jo", "SMITH", "o'neil", "Mary-Jane", "_x", "9", "Zoë", "Ó", "Ĳ", "\u2019", "\u00a0",
              "ß", "", " ", "  ", ",", *ascii_chars]
    names = ["".join(rng.choice(pieces, rng.integers(0, 7))) for _ in range(5_000)]
    names += [None, "", "   ", "!?", "Smith, Jo", "jo smith", "a\x1fb", "a\x7fb", "b a a"]
    series = pd.Series(names, dtype=object, index=pd.RangeIndex(3, 3 + len(names)))
    expected = map_distinct(series, normalise_name)
    pd.testing.assert_series_equal(normalise_name_series(series), expected.mask(expected == ""))
    ascii_ = series.map(lambda v: isinstance(v, str) and v.isascii())
    assert ascii_.sum() > 1_000 and (~ascii_).sum() > 500  # both ways were taken
    assert normalise_name_series(pd.Series([], dtype="string")).empty
    assert normalise_name_series(pd.Series([None, None])).isna().all()
