"""Slash dates: trying a format only on the cells with its separators changes nothing read,
and parsing a column again with what deciding the order read gives what parsing alone gives."""

from __future__ import annotations

import itertools

import pandas as pd

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
