"""Slash dates: trying a format only on the cells with its separators changes nothing read,
and parsing a column again with what deciding the order read gives what parsing alone gives."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from evaluate.ingest import dates
from evaluate.ingest.dates import parse_datetimes, read_date_order


def _every_format_on_every_cell(text: pd.Series, formats) -> pd.Series:
    """The reading without the separator shortcut: each format tried on all cells left."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    for fmt in formats:
        parsed = dates._plausible(pd.to_datetime(text[todo], errors="coerce", format=fmt))
        got = parsed.notna()
        out[parsed.index[got]] = parsed[got]
        todo[parsed.index[got]] = False
    return out


def _cells() -> pd.Series:
    times = ["", " 10:14", " 10:14:05", " 1:02 PM", " 10:14:05.123", " 10:14:05 am", "  9:05"]
    cells = [f"{a}{sep}{b}{sep}{y}{t}"
             for a, b in ((3, 5), (13, 5), (5, 13), (31, 12), (0, 4), (9, 31))
             for sep in "/.-" for y in ("2026", "26", "1899") for t in times]
    cells += ["2026-03-05", "3/5", "3//5/2026", "3/5/2026/1", "3.5.2026 10:14:05.1.2",
              "03/05/2026T10:14", "junk", "12", "3 / 5 / 2026", "3-5-2026 10:14:05-01:00"]
    return pd.Series([*cells, None], dtype="string")


def test_separator_shortcut_reads_exactly_what_every_format_on_every_cell_reads():
    cells = _cells()
    for formats in (dates._DAY_FIRST, dates._MONTH_FIRST):
        expected = _every_format_on_every_cell(cells, formats)
        pd.testing.assert_series_equal(dates._with(cells, formats), expected)
        assert expected.notna().sum() > 30  # the cells exercise the formats


def test_columns_read_with_the_orders_decision_as_when_read_alone():
    start = pd.Series(["3/5/2026 10:14", "13/5/2026 09:00", None, "2026-03-05T10:00:00Z",
                       "46000", "5 March 2026", "junk"], dtype=object)
    answer = pd.Series(["3/5/2026", "4/6/2026", "31/12/2025"], dtype=object)
    for given in (None, "day-first", "month-first"):
        reading = read_date_order([start, answer], given)
        order = reading.order or ("day-first" if reading.ambiguous else None)
        assert reading.readings  # what deciding read is kept for parsing
        for column in (start, answer):
            reused, aware = parse_datetimes(column, order, reading.readings)
            alone, aware_alone = parse_datetimes(column, order)
            pd.testing.assert_series_equal(reused, alone)
            assert aware == aware_alone


def test_separators_counted_from_the_formats_literal_characters():
    assert dates._separators("%d/%m/%Y %H:%M:%S") == (2, 0, 2, 0)
    assert dates._separators("%d.%m.%y %I:%M %p") == (0, 2, 1, 0)
    assert all(sum(dates._separators(f)) >= 2
               for f in itertools.chain(dates._DAY_FIRST, dates._MONTH_FIRST))


def test_cells_of_exactly_a_formats_width_read_in_two_parts_as_whole():
    # every hour, minutes and seconds at and past their limits (60 and 61 carry over), days
    # and months that do not exist, years at the edges of what is plausible and far outside
    hours, minutes = [f"{h:02d}" for h in range(100)], ["00", "07", "59", "60", "61", "99"]
    seconds = [f"{s:02d}" for s in range(100)]
    days = ["00", "01", "12", "13", "29", "30", "31", "32"]
    years = ["1899", "1900", "2024", "2026", "2199", "2200", "0000", "1677", "2262", "9999"]
    for fmt in dates._TWO_PART:
        sep = fmt[2]
        cells = [f"{a}{sep}{b}{sep}{y} {h}:{m}:{s}" for a, b, y, h, m, s in zip(
            itertools.cycle(days), itertools.cycle(days[::-1] + ["02"]), itertools.cycle(years),
            itertools.chain.from_iterable(itertools.repeat(h, 600) for h in hours),
            itertools.cycle(minutes), itertools.cycle(seconds), strict=False)]
        cells += ["31/12/2199 23:59:60".replace("/", sep), "31/12/1899 23:59:61".replace("/", sep),
                  "1/2/2026 10:00:00".replace("/", sep), "01/02/2026  10:00:00".replace("/", sep),
                  "٠١/٠٢/٢٠٢٦ 10:00:00".replace("/", sep)]  # not the fixed width: read whole
        text = pd.Series(cells, dtype=object)
        assert len(text) > 1000  # long enough for the two-part reading
        whole = pd.to_datetime(text, errors="coerce", format=fmt)
        pd.testing.assert_series_equal(dates._plausible(dates._strptime(text, fmt)),
                                       dates._plausible(whole))
        assert 500 < whole.notna().sum() < len(text)  # cells read and cells refused


def test_separators_counted_in_each_cell():
    cells = pd.Series(["1/2/3", None, "1.2:3-4", "", "//::..--"], dtype=object)
    assert dates._separator_counts(cells).tolist() == [
        [2, 0, 0, 0], [-1, -1, -1, -1], [0, 1, 1, 1], [0, 0, 0, 0], [2, 2, 2, 2]]


def test_every_cell_read_with_what_deciding_read_as_when_read_alone():
    """Cells deciding saw take its reading; the rest (ISO, serial numbers, spelled-out dates,
    cells no format reads) are read in full: the same values either way, in any order asked."""
    extra = ["5 March 2026", "March 5, 2026 10:14", "2026-03-05T10:00:00+01:00", "45000",
             "45000.5", "nan", "inf", " 3/5/2026 ", "3/5/2026", "13/5/2026 10:14"]
    column = pd.Series([*_cells().tolist(), *extra, None], dtype=object)
    no_slash = pd.Series(["2026-03-05T10:00:00Z", "45000", None, "  "], dtype=object)
    for given, order, values in itertools.product((None, "day-first", "month-first"),
                                                  (None, "day-first", "month-first"),
                                                  (column, no_slash, column[:0])):
        reading = read_date_order([values], given)
        reused, aware = parse_datetimes(values, order, reading.readings)
        alone, aware_alone = parse_datetimes(values, order)
        pd.testing.assert_series_equal(reused, alone)
        assert aware == aware_alone
    assert reused.notna().sum() == 0 and parse_datetimes(column, None)[0].notna().sum() > 30


def test_an_order_given_for_a_column_without_slash_dates_reads_it_as_alone():
    """An order given (``--dates``, or the app's proposal) for ISO dates and serial numbers:
    deciding saw no slash cell, so it read nothing to reuse (this raised IndexError)."""
    column = pd.Series(["2026-03-05 10:14:00", "2026-03-06T09:00:00Z", "45000", None],
                       dtype=object)
    for given in ("day-first", "month-first"):
        reading = read_date_order([column], given)
        for order in (None, given):
            reused, aware = parse_datetimes(column, order, reading.readings)
            alone, aware_alone = parse_datetimes(column, order)
            pd.testing.assert_series_equal(reused, alone)
            assert aware == aware_alone and reused.notna().sum() == 3


_NUMBERISH = ["12", " 12 ", "45000.5", "-3", "+4", "1e3", "1E-2", ".5", "5.", "inf", "-Infinity",
              "nan", "NaN", "1,5", "0x10", "1_000", "", "１２", "12/3", "1:2", "45000/", ":45000",
              "2026-03-05", "3/5/2026 10:14", "10:14:05", "junk", "1e", "--1", "٣"]


def _as_pandas_reads(cells: pd.Series) -> pd.Series:
    return pd.to_numeric(cells.astype(object), errors="coerce").astype("float64")


def test_numbers_are_what_pandas_reads_though_cells_with_slash_or_colon_are_not_tried():
    cells = pd.Series([*_NUMBERISH, None], dtype="string")
    pd.testing.assert_series_equal(dates._numbers(cells), _as_pandas_reads(cells))
    assert np.isnan(dates._numbers(pd.Series(["45000/1", "45000:1"], dtype="string"))).all()


@settings(max_examples=200, deadline=None)
@hypothesis_given(st.lists(st.text(alphabet="0123456789/:.,-+eEinfaty _\t", max_size=8), min_size=1,
                max_size=20))
def test_numbers_are_what_pandas_reads_for_any_cell(texts):
    cells = pd.Series(texts, dtype="string")
    pd.testing.assert_series_equal(dates._numbers(cells), _as_pandas_reads(cells))


def test_cells_of_a_formats_shape_found_by_one_number_as_by_their_counts():
    cells = pd.Series([*_cells().tolist(), "3/5/2026" + "/" * 20, "/" * 70_000, None], dtype="string")
    counts = dates._separator_counts(cells)
    wanted = {dates._separators(f) for f in (*dates._DAY_FIRST, *dates._MONTH_FIRST)}
    wanted |= {(2, 0, 0, 0), (22, 0, 0, 0), (23, 0, 0, 0), (70_000, 0, 0, 0), (0, 0, 0, 0)}
    for text in (cells, cells[:-2]):  # counts too many for one number, and few enough
        shapes = dates._shapes(text)
        assert (shapes[1] is None) == (len(text) == len(cells))
        for separators in wanted:
            expected = (counts[:len(text)] == np.array(separators)).all(axis=1)
            assert (dates._of_shape(shapes, separators) == expected).all(), separators


def test_iso_reading_skips_only_cells_pandas_cannot_read():
    """Cells starting with one or two digits and a slash are not given to pandas' ISO 8601
    reader: it reads none of them (tried on many), and every cell that starts with a
    four-digit year is read as pandas reads it."""
    import numpy as np

    from evaluate.ingest.dates import _iso

    rng = np.random.default_rng(12)
    tail = list("0123456789/:-.TZ+ APMapm,")
    cells = ["".join(rng.choice(list("0123456789"), rng.integers(1, 3))) + "/"
             + "".join(rng.choice(tail, rng.integers(0, 20))) for _ in range(20_000)]
    cells += ["2026-03-29T00:30:00Z", "2026-03-29 02:30:00+01:00", "2026-03-29", "20260329",
              "1850-01-01", "2026/03/29", "3/4/2026", "12/31/2025 23:59:59", "", " 2026-03-29",
              "12.03.2026", "1-2-2026", None]
    text = pd.Series(cells, dtype="string", index=pd.Index(np.arange(len(cells)) % 7))
    pandas_reads = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    assert pandas_reads[:20_000].isna().all()  # none of the skipped cells reads
    years = pandas_reads.dt.tz_localize(None).dt.year
    expected = pandas_reads.dt.tz_localize(None).where((years >= 1900) & (years < 2200))
    pd.testing.assert_series_equal(_iso(text), expected.astype("datetime64[ns]"))
    assert _iso(text).notna().sum() >= 4


def test_the_words_now_and_today_are_not_read_as_the_moment_of_reading():
    """pandas' ISO reader takes "now" and "today" for the time it reads them: an answer
    would be stored as the time of its import, and differ at every import."""
    from evaluate.ingest.dates import _iso

    words = pd.Series(["now", "today", " Now ", "TODAY", "2026-03-29"], dtype="string")
    assert pd.to_datetime(words[:2], errors="coerce", format="ISO8601").notna().all()  # the trap
    assert _iso(words).isna().tolist() == [True, True, True, True, False]


def test_cells_of_a_two_part_width_refused_by_it_are_refused_by_every_format():
    """A cell of exactly a two-part format's width that it does not read is not tried with
    the later formats: none of them reads it (every format on every cell, long and short)."""
    rng = np.random.default_rng(13)
    days = ["00", "01", "05", "09", "12", "13", "29", "31", "32"]
    hours, minutes = ["00", "09", "12", "23", "24", "99"], ["00", "30", "59", "60", "61", "99"]
    years = ["1899", "1900", "2026", "2026", "2199", "2200", "0000", "9999"]
    read = []
    for sep in "/.-":
        n = 2_400
        cells = [f"{a}{sep}{b}{sep}{y} {h}:{m}:{s}" for a, b, y, h, m, s in zip(
            rng.choice(days, n), rng.choice(days, n), rng.choice(years, n), rng.choice(hours, n),
            rng.choice(minutes, n), rng.choice(minutes, n), strict=True)]
        cells += [f"3{sep}5{sep}2026 1:02:03 PM", f"03{sep}05{sep}26 10:14:05", None]
        text = pd.Series(cells, dtype="string")
        for formats in (dates._DAY_FIRST, dates._MONTH_FIRST):
            expected = _every_format_on_every_cell(text, formats)
            pd.testing.assert_series_equal(dates._with(text, formats), expected)
            pd.testing.assert_series_equal(dates._with(text[-300:], formats), expected[-300:])
            read.append(int(expected.notna().sum()))
    assert min(read) < 1_000 and sum(read) > 500  # cells read and cells refused


def test_now_and_today_in_a_date_column_are_reported_not_stored_as_the_import_time():
    from evaluate.ingest.dates import parse_datetimes

    cells = pd.Series(["12/03/2024 09:32:14", "now", "today", "2024-03-12T09:30:00",
                       "1 March 2024", "Today"], dtype=object)
    for order in (None, "day-first", "month-first"):
        read, _ = parse_datetimes(cells, order)
        assert read.isna().tolist()[1:3] == [True, True], order
        assert read.isna().iloc[5], order
        assert read.iloc[3] == pd.Timestamp("2024-03-12 09:30") and read.iloc[4] == pd.Timestamp("2024-03-01")

