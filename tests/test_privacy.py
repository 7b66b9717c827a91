"""Privacy helpers: pseudonymous ids, suppression (with complementary cells), sanitising."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.privacy import (
    IdClash,
    escape_html,
    id_digits,
    neutralise_formula,
    neutralise_frame,
    new_salt,
    pseudonymise,
    suppress_small,
)


def test_pseudonymise_is_stable_salted_and_keeps_missing():
    ids = pseudonymise(pd.Series(["jo@x.org", "ann@x.org", None, "jo@x.org"]), "salt-1")
    assert ids[0] == ids[3] and ids[0] != ids[1] and pd.isna(ids[2])
    assert ids[0].startswith("P-") and len(ids[0]) == 12
    other = pseudonymise(pd.Series(["jo@x.org"]), "salt-2")
    assert other[0] != ids[0]


#: Two emails whose ids share their first 10 hex digits under OLD_SALT (found by a birthday
#: search over person{i}@example.org, i < 733,089): an older workspace's ids would merge them.
OLD_SALT = "0" * 64
CLASHING = ["email:person667930@example.org", "email:person733088@example.org"]


def test_new_workspaces_get_16_digit_ids_and_older_ones_keep_theirs():
    salt = new_salt()
    assert salt.startswith("2:") and id_digits(salt) == 16 and id_digits(OLD_SALT) == 10
    ids = pseudonymise(pd.Series(CLASHING), salt, prefix="U-")
    assert ids.str.fullmatch(r"U-[0-9a-f]{16}").all() and ids[0] != ids[1]
    # an older workspace's ids are unchanged: its people stay linked to their earlier answers
    old = pseudonymise(pd.Series(["email:jo@x.org"]), OLD_SALT)
    import hashlib
    assert old[0] == "P-" + hashlib.sha256(f"{OLD_SALT}\x1femail:jo@x.org".encode()).hexdigest()[:10]


def test_two_keys_that_would_share_an_id_are_refused_not_merged():
    keys = pd.Series(["email:a@x.org", *CLASHING, None, CLASHING[1]], index=[10, 11, 12, 13, 14])
    with pytest.raises(IdClash, match="same pseudonymous id.*create a new workspace") as refused:
        pseudonymise(keys, OLD_SALT, prefix="U-")
    assert refused.value.labels == [11, 12, 14]  # every row of the two clashing keys
    # the same key twice is one person, not a clash
    same = pseudonymise(pd.Series([CLASHING[0], CLASHING[0]]), OLD_SALT, prefix="U-")
    assert same[0] == same[1]


def test_small_cells_suppressed_with_a_complementary_cell():
    # block x: one group of 2 (< 5) would be recoverable from the total 2+10+12,
    # so the next smallest (10) is suppressed too; block y has two small groups already.
    t = pd.DataFrame({"block": ["x", "x", "x", "y", "y", "y"], "n": [2, 10, 12, 1, 3, 40],
                      "mean": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    out = suppress_small(t, "n", 5, ["mean"], complementary_within="block")
    assert out["suppressed"].tolist() == [True, True, False, True, True, False]
    assert out.loc[out["suppressed"], ["n", "mean"]].isna().all().all()
    assert out.loc[2, "mean"] == 3.0


def test_suppression_copes_with_blocks_that_have_nothing_to_pair():
    t = pd.DataFrame({"block": ["x", "y"], "n": [2, np.nan], "mean": [1.0, 2.0]})
    out = suppress_small(t, "n", 5, ["mean"], complementary_within="block")
    assert out["suppressed"].tolist() == [True, False]


def test_formulas_neutralised_and_html_escaped():
    assert neutralise_formula('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)" and neutralise_formula("fine") == "fine"
    frame = neutralise_frame(pd.DataFrame({"t": ["+1", "ok", None], "n": [1, 2, 3]}))
    assert frame["t"].tolist()[:2] == ["'+1", "ok"] and frame["n"].tolist() == [1, 2, 3]
    assert escape_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_scrubbing_many_values_changes_exactly_what_scrubbing_each_one_does():
    from evaluate.scrub import PersonalData

    people = PersonalData(names={"jo smith": "P-1", "briain o zoe": "P-2"},
                          emails={"jo@x.org": "P-1"}, staff={"s001": "P-1", "10234": "P-2"})
    rng = np.random.default_rng(4)
    pieces = ["S001", "s001", "10234", "102345", "R_3kd9", "Jo", "Smith", "Jo Smith", "zoë",
              "Ó Briain", "jo@x.org", "JO@X.ORG", "x", "Agree", "S001!", "S 001", "１０２３４",
              "İ", "ß", "10234.0", "", " ", "Jo_Smith"]
    values = [pieces[i] if rng.random() < 0.5 else
              " ".join(pieces[j] for j in rng.integers(0, len(pieces), rng.integers(1, 4)))
              for i in rng.integers(0, len(pieces), 2000)]
    values += [str(n) for n in range(10_000, 10_500)] + ["S001", "10234"]
    series = pd.Series(values, dtype="string")
    for pseudonym in (False, True):
        one_by_one = [people.scrub(v, pseudonym) for v in values]
        out, hit = people.scrub_series(series, pseudonym)
        assert out.tolist() == [o for o, _ in one_by_one]
        assert hit.tolist() == [f for _, f in one_by_one]
        assert hit.sum() > 100  # the staff ids, names and emails above were found


def test_neutralise_frame_checks_every_kind_of_cell():
    """Columns of plain text that cannot start a formula are left as they are without being
    converted; a column holding anything else is checked by its text, as before."""
    frame = pd.DataFrame({"plain": ["a", None, "b", np.nan],
                          "risky": ["ok", "-x", pd.NA, "=1+1"],
                          "mixed": ["a", -1, 2.5, None],
                          "strings": pd.array(["@x", "y", None, "z"], dtype="string")})
    out = neutralise_frame(frame)
    pd.testing.assert_series_equal(out["plain"], frame["plain"])
    assert out["risky"].tolist()[1::2] == ["'-x", "'=1+1"]
    assert out["mixed"].tolist()[:3] == ["a", "'-1", 2.5]
    assert out["strings"].tolist()[:2] == ["'@x", "y"]
    assert frame["risky"].iloc[1] == "-x"  # the frame given is not changed


def test_suppress_small_blanks_numbers_as_float_whatever_their_dtype():
    table = pd.DataFrame({"n": [2, 9, 12], "ints": pd.array([1, None, 3], dtype="Int64"),
                          "flags": [True, False, True], "share": [0.5, np.nan, 0.25],
                          "label": ["a", "b", "c"]})
    out = suppress_small(table, "n", 5, value_columns=["ints", "flags", "share", "label"])
    small = pd.Series([True, False, False])
    for col in ("ints", "flags", "share", "n"):  # what .astype("float64").mask(small) gives
        pd.testing.assert_series_equal(out[col], table[col].astype("float64").mask(small),
                                       check_exact=True)
    assert out["label"].tolist()[1:] == ["b", "c"] and pd.isna(out["label"].iloc[0])
    assert out["suppressed"].tolist() == [True, False, False]


def test_neutralise_frame_shares_unchanged_columns_and_asks_arrow_text_in_arrow():
    """A national table is not copied to be written: the columns left as they are are the
    frame's own; Arrow text is checked for formula starts in Arrow, chunk by chunk, with
    missing and non-ASCII cells, as the cells one by one would be."""
    import pyarrow as pa

    chunks = pa.chunked_array([["é", None, "ok"], ["", "x-1"], ["\tx", None]])
    texts = pd.Series(pd.arrays.ArrowStringArray(chunks))
    safe = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["é", None], ["", "x-1"]])))
    frame = pd.DataFrame({"n": np.arange(7.0), "safe": pd.concat([safe] * 2, ignore_index=True)[:7],
                          "tab": texts})
    out = neutralise_frame(frame)
    assert np.shares_memory(out["n"].to_numpy(), frame["n"].to_numpy())
    pd.testing.assert_series_equal(out["safe"], frame["safe"])
    assert out["tab"].tolist()[5] == "'\tx" and frame["tab"].tolist()[5] == "\tx"
    pd.testing.assert_series_equal(out["tab"].drop(5).astype("string"), frame["tab"].drop(5))
    hidden = pa.Array.from_buffers(pa.string(), 3, [  # "=x" behind a missing cell, then "", "ok"
        pa.py_buffer(np.packbits([0, 1, 1], bitorder="little")),
        pa.py_buffer(np.array([0, 2, 2, 4], np.int32)), pa.py_buffer(b"=xok")])
    empty = pa.array(["", ""])  # no text bytes at all
    for chunks in ([hidden], [empty], [empty, hidden]):
        column = pd.DataFrame({"t": pd.arrays.ArrowStringArray(pa.chunked_array(chunks))})
        pd.testing.assert_frame_equal(neutralise_frame(column), column)
