"""evaluate.csv_tables.write_csv: pandas' bytes, faster for long tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate import csv_tables
from evaluate.csv_tables import write_csv

TRICKY = ["plain", "a, b", 'say "hi"', "two\nlines", "cr\rhere", "", " spaced ", "'=1+1",
          "naïve — ünïcode", ","]


def frames():
    rng = np.random.default_rng(11)
    n = 500
    floats = rng.choice([0.1 + 0.2, 3.0, -0.0, 1e-05, 1e16, 123456789.123, np.inf, -np.inf,
                         np.nan, 2.5e-300], n)
    yield pd.DataFrame({
        "participant": [f"P-{i:010x}" for i in rng.integers(0, 50, n)],
        "text": rng.choice(np.array(TRICKY, dtype=object), n),
        "score": floats, "n": rng.integers(-5, 5, n), "flag": rng.random(n) < 0.5,
        "maybe": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
        "yes_no": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
        "label": pd.array(rng.choice(["x", "y,z", None], n), dtype="string"),
        "object_na": pd.Series(rng.choice(np.array(["u", None, np.nan], dtype=object), n),
                               dtype=object)})
    ids = [f"P-{i:010x}" for i in rng.integers(0, 50, n)]
    yield pd.DataFrame({  # same-length ids read from their Arrow buffer, and ones that are not
        "id": pd.array(ids, dtype="string[pyarrow]"),
        "comma": pd.array([i.replace("P-", "P,") for i in ids], dtype="string[pyarrow]"),
        "gap": pd.array([None, *ids[1:]], dtype="string[pyarrow]"),
        "ragged": pd.array([i[: 3 + k % 5] for k, i in enumerate(ids)], dtype="string[pyarrow]"),
        "short": pd.array([[None, "", "7", "12", "ü", "1234567"][k % 6] for k in range(n)],
                          dtype="string[pyarrow]"),
        "score": floats})
    yield pd.DataFrame({"nul": ["a\x00b", "c"] * 50, "n": range(100)})  # a zero byte in a field
    yield pd.DataFrame({"when": pd.date_range("2026-01-01", periods=n, freq="h"),
                        "x": np.arange(n)})  # dates: written by pandas
    yield pd.DataFrame({"mixed": [1, "a", 2.5, None] * 25, "y": range(100)})
    yield pd.DataFrame({"only": ["", "a", None] * 10})
    yield pd.DataFrame({"a,b": [1.0, 2.0], 'q"': ["x", "y"]})
    yield pd.DataFrame({"empty": pd.Series([], dtype="string"), "n": pd.Series([], dtype=float)})


@pytest.mark.parametrize("long", [0, 10**9])
def test_same_bytes_as_pandas(tmp_path, monkeypatch, long):
    monkeypatch.setattr(csv_tables, "_LONG", long)  # 0: every table takes the fast path
    monkeypatch.setattr(csv_tables, "_ROWS_PER_CHUNK", 7)
    for i, frame in enumerate(frames()):
        ours = write_csv(frame, tmp_path / f"ours{i}.csv").read_bytes()
        frame.to_csv(tmp_path / f"pandas{i}.csv", index=False, lineterminator="\n",
                     encoding="utf-8")
        assert ours == (tmp_path / f"pandas{i}.csv").read_bytes(), list(frame.columns)


def test_signed_zeros_and_float32_as_pandas_writes_them(tmp_path):
    """0.0 and -0.0 are one value to ``pandas.factorize`` but pandas writes them apart; a
    float32 column prints as float32 (0.1, not 0.10000000149011612)."""
    values = [0.0, -0.0, np.nan, 0.1, np.inf, -np.inf, 1e300, 5e-324]
    small = values[:6] + [1 / 3, 1e-7]  # float32 holds them
    frame = pd.DataFrame({"a": values * 3000, "b": np.array(small * 3000, dtype="float32"),
                          "c": "x"})
    path = write_csv(frame, tmp_path / "t.csv")
    assert path.read_bytes() == frame.to_csv(index=False, lineterminator="\n").encode()


def test_short_texts_are_read_as_a_byte_matrix():
    """Same-length ids, and short texts of any length (missing cells all zeros), are taken
    from their Arrow buffers; longer ragged texts, texts to quote and other columns are not."""
    ids = pd.Series(pd.array(["P-01", "P-22", "Q-03"], dtype="string[pyarrow]"))
    matrix = csv_tables._short_texts(ids)
    assert matrix.shape == (3, 4) and matrix.tobytes() == b"P-01P-22Q-03"
    assert csv_tables._short_texts(ids.iloc[1:]).tobytes() == b"P-22Q-03"  # a slice
    numbers = pd.Series(pd.array(["7", None, "", "12345678", "ü"], dtype="string[pyarrow]"))
    assert csv_tables._short_texts(numbers).tobytes() == (
        b"7" + bytes(7) + bytes(16) + b"12345678" + "ü".encode() + bytes(6))
    assert csv_tables._short_texts(numbers.iloc[3:]).tobytes() == b"12345678" + "ü".encode() + bytes(6)
    spaced = pd.Series(pd.array(["a b", "c!"], dtype="string[pyarrow]"))  # below a comma, not special
    assert csv_tables._short_texts(spaced).tobytes() == b"a bc!\x00"
    for other in (["P-01", "P-0123456"], ["P,01", "P-02"], ["", ""], [None, None], ["a\x00", "b"],
                  ['"q"', "b"], ["a\nb", "c"]):
        assert csv_tables._short_texts(pd.Series(pd.array(other, dtype="string[pyarrow]"))) is None
    assert csv_tables._short_texts(pd.Series(["P-01", "P-02"], dtype=object)) is None
    import pyarrow as pa  # a missing cell with bytes of its own behind it: not read as a matrix

    hidden = pa.Array.from_buffers(pa.large_string(), 2, [pa.py_buffer(np.packbits([1, 0], bitorder="little")),
                                                         pa.py_buffer(np.array([0, 1, 3], np.int64)),
                                                         pa.py_buffer(b"abc")])
    assert csv_tables._short_texts(pd.Series(pd.arrays.ArrowStringArray(hidden))) is None


def test_padded_fields_and_when_they_are_not_padded():
    table = csv_tables._padded(["ab", "", "ü"], ord(","))
    assert table.tolist() == [[97, 98, 44], [44, 0, 0], [195, 188, 44], [44, 0, 0]]
    assert csv_tables._padded(["a\x00"], ord(",")) is None
    assert csv_tables._padded(["x" * 2_000_000] + ["y"] * 10, ord(",")) is None  # padding


def test_a_few_long_fields_are_joined_not_padded(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_tables, "_LONG", 0)
    monkeypatch.setattr(csv_tables, "_PADDING", 0)
    frame = pd.DataFrame({"text": ["x" * 500] + [f"y{i}" for i in range(99)], "n": range(100)})
    assert csv_tables._padded(frame["text"].unique().tolist(), ord(",")) is None
    ours = write_csv(frame, tmp_path / "ours.csv").read_bytes()
    assert ours == frame.to_csv(index=False, lineterminator="\n").encode()


def test_codes_in_the_smallest_integer_type():
    """A long table's columns are all coded at once: one byte a cell where that holds the
    codes (and -1, missing), not eight."""
    for values, dtype in (([0.5, np.nan, 2.0], np.int8), (np.arange(300.0), np.int16),
                          (pd.array(["a", None], dtype="string"), np.int8)):
        codes, fields = csv_tables._fields(pd.Series(values))
        assert codes.dtype == dtype
        assert [fields[c] if c >= 0 else "" for c in codes] == [
            "" if pd.isna(v) else str(v) for v in values]


def test_tables_of_thousands_of_rows_take_the_fast_path(tmp_path, monkeypatch):
    """A subgroup table of a national programme (thousands of rows of floats) is not
    formatted cell by cell by pandas."""
    frame = pd.DataFrame({"group": ["a", "b"] * 3000, "d": np.linspace(0, 1, 6000)})
    expected = frame.to_csv(index=False, lineterminator="\n").encode()

    def refuse(*args):
        raise AssertionError("written by pandas")

    monkeypatch.setattr(csv_tables, "_by_pandas", refuse)
    assert write_csv(frame, tmp_path / "t.csv").read_bytes() == expected
