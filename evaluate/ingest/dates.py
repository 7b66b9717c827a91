"""Dates and times in exports, read the way the file was written — never guessed.

A date such as ``9/1/2025`` is 9 January day-first and 1 September
month-first. Platforms write the order of the account's locale (a US Google
Forms csv is month-first, a UK one day-first), and nothing in the file says
which. So the order is decided for the whole file at once
(:func:`read_date_order`): when some cells read only one way (``25/8/2025``)
they settle it; when every cell reads both ways the file is ambiguous and the
person must say which (``--dates day-first|month-first``); nothing is picked
silently. Real spreadsheet dates, ISO 8601 text and Excel serial numbers are
never ambiguous.

Times with UTC offsets (``+01:00`` next to ``Z``, as across a clock change)
are converted to UTC; times without one are kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluate.ingest.cells import distinct_text_cells, text_cells

__all__ = ["DATE_ORDERS", "DateReading", "read_date_order", "parse_datetimes"]

#: How a slash date is read: ``day-first`` (27/07/2026) or ``month-first`` (07/27/2026).
DATE_ORDERS = ("day-first", "month-first")

_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f")
_DAY_FIRST = tuple(
    f"{d}{(' ' + t) if t else ''}"
    for d in ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y")
    for t in ("", *_TIMES)
)
_MONTH_FIRST = tuple(
    f"{d}{(' ' + t) if t else ''}"
    for d in ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
    for t in ("", *_TIMES)
)
_FORMATS = {"day-first": _DAY_FIRST, "month-first": _MONTH_FIRST}


@dataclass(frozen=True)
class DateReading:
    """How the dates of one file are read.

    Attributes
    ----------
    order : str or None
        ``"day-first"``, ``"month-first"``, or None when no cell needs an order.
    decided_by : str
        ``"given"`` (the person said), ``"file"`` (some cells read only one
        way), ``"not needed"`` or ``"ambiguous"`` (every such cell reads both
        ways and no order was given: the file cannot be imported as it is).
    example : str or None
        A cell that shows the decision (or the ambiguity), for messages.
    example_day_first, example_month_first : str or None
        That cell read each way, in words (``"9 January 2025"``).
    against : int
        Distinct cells that read only in the other order (reported per cell).
    readings : dict
        What deciding worked out, for :func:`parse_datetimes` to reuse: for
        each order tried, every distinct slash cell of the file (the index)
        read in that order (missing where it does not read).
    """

    order: str | None
    decided_by: str
    example: str | None = None
    example_day_first: str | None = None
    example_month_first: str | None = None
    against: int = 0
    readings: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def ambiguous(self) -> bool:
        return self.decided_by == "ambiguous"

    def note(self) -> str | None:
        """A plain sentence on how dates were read, or None when there was nothing to decide."""
        if self.decided_by == "file":
            return (f"Dates were read {self.order} because some only read that way "
                    f'(e.g. "{self.example}" is {self._words()}).')
        if self.decided_by == "given":
            return f"Dates were read {self.order}, as asked."
        return None

    def _words(self) -> str:
        return self.example_day_first if self.order == "day-first" else self.example_month_first


def _slash_cells(columns: list[pd.Series], texts: list[pd.Series] | None = None) -> pd.Series:
    """Distinct text cells that are neither ISO 8601 nor Excel serial numbers (``texts``:
    the columns as :func:`~evaluate.ingest.cells.text_cells` reads them, if read already)."""
    if texts is None:
        texts = [text_cells(c.astype("object")) for c in columns if not _is_datetime(c)]
    else:
        texts = [t for c, t in zip(columns, texts, strict=True) if not _is_datetime(c)]
    if not texts:
        return pd.Series([], dtype="string")
    cells = pd.concat(texts).dropna().drop_duplicates()
    iso = _iso(cells).notna()
    serial = _numbers(cells).notna().to_numpy(dtype=bool)
    return cells[~iso.to_numpy(dtype=bool) & ~serial].reset_index(drop=True)


def _numbers(cells: pd.Series) -> pd.Series:
    """``pd.to_numeric(cells, errors="coerce")`` as float64, for text cells.

    pandas reads a number from digits, a sign, a decimal point, an exponent
    and the words for infinity and not-a-number; no number holds a ``/`` or
    a ``:``. Most date cells hold one, and pandas is slow to give up on a
    cell, so those cells are missing without being tried.

    >>> _numbers(pd.Series(["45000", "3/4/2026", "1e3", "09:00", "x"], dtype="string")).tolist()
    [45000.0, nan, 1000.0, nan, nan]
    """
    out = pd.Series(np.nan, index=cells.index, dtype="float64")
    text = cells.astype("string")
    maybe = ~(text.str.contains("/", regex=False) | text.str.contains(":", regex=False))
    maybe = maybe.fillna(True).to_numpy(dtype=bool)
    if maybe.any():
        out[maybe] = pd.to_numeric(cells[maybe].astype(object), errors="coerce").astype("float64")
    return out


def _is_datetime(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    return pd.api.types.infer_dtype(values.astype("object"), skipna=True) in (
        "datetime", "datetime64", "date")


def _iso(text: pd.Series) -> pd.Series:
    """ISO 8601 dates and times (with an offset: in UTC, naive), plausible ones only.

    An ISO date starts with its four-digit year, so only such cells are given to
    pandas: a cell that starts with one or two digits and a slash (``3/4/2026``,
    ``03/15/2026 23:51:32``: most cells of a slash-date export) is none, and pandas,
    slow to give up on a cell, is not asked. Nor are the words ``now`` and ``today``,
    which pandas' ISO reader takes for the moment it reads them: an answer is never
    stored as the time of its import.

    >>> _iso(pd.Series(["2026-03-29T00:30:00Z", "03/29/2026 00:30:00", "now", None])).tolist()
    [Timestamp('2026-03-29 00:30:00'), NaT, NaT, NaT]
    """
    tried = text.astype("string").str.match(r"\s*[0-9]{4}").fillna(False).to_numpy(dtype=bool)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if tried.any():
        parsed = pd.to_datetime(text[tried], errors="coerce", format="ISO8601", utc=True)
        out[tried] = _plausible(parsed.dt.tz_localize(None)).to_numpy(dtype="datetime64[ns]")
    return pd.Series(out, index=text.index, name=text.name, dtype="datetime64[ns]")


#: Words pandas reads as the moment it reads them: never a date an answer gave.
_MOMENT = r"\s*(?:now|today)\s*"

_SEPARATORS = ("/", ".", ":", "-")
_DIRECTIVE = re.compile(r"%.")


def _separators(fmt: str) -> tuple[int, ...]:
    """How many of each separator a cell written in ``fmt`` holds.

    A format is read as one regular expression over the whole cell: its literal
    characters as they are, spaces as runs of whitespace, and each directive as
    digits (or AM/PM), so a cell it reads has exactly the separators the format
    has. A cell with other counts cannot be read by it and is not tried.

    >>> _separators("%d/%m/%Y %H:%M:%S.%f")
    (2, 1, 2, 0)
    """
    literal = _DIRECTIVE.sub("", fmt)
    return tuple(literal.count(sep) for sep in _SEPARATORS)


def _with(text: pd.Series, formats: tuple[str, ...], shapes: np.ndarray | None = None) -> pd.Series:
    """Each cell read with the first of ``formats`` that reads it (one pass per format).

    A format is tried only on the cells whose separators it could read (see
    :func:`_separators`); the others it would refuse anyway. ``shapes``
    (:func:`_shapes` of ``text``) saves counting them again. ``text`` has a
    unique index, as every caller's has.

    A cell of exactly a ``_TWO_PART`` format's width (``03/15/2026 23:51:32``) that
    the format does not read is not tried again: the other formats with its
    separators want AM/PM or a two-digit year, which such a cell has not (half the
    cells of a month-first export, read day-first, are refused this way at once).
    """
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = text.notna().to_numpy(dtype=bool, copy=True)
    for fmt in formats:
        if not todo.any():
            break
        if shapes is None:
            shapes = _shapes(text)
        fits = todo & _of_shape(shapes, _separators(fmt))
        if not fits.any():
            continue
        width = _of_width(text[fits], fmt) if fmt in _TWO_PART else None
        parsed = _plausible(_strptime(text[fits], fmt, width)).to_numpy(dtype="datetime64[ns]")
        got = ~np.isnat(parsed)
        at = np.flatnonzero(fits)[got]
        out[at] = parsed[got]
        todo[at] = False
        if width is not None:
            todo[np.flatnonzero(fits)[width & ~got]] = False
    return pd.Series(out, index=text.index, dtype="datetime64[ns]")


def _shapes(text: pd.Series) -> tuple[np.ndarray, int | None]:
    """The separator counts of each cell (:func:`_separator_counts`) as one number per cell
    (the counts as digits in ``base``), or the counts themselves (base None) when a cell
    holds too many separators for one number."""
    counts = _separator_counts(text)
    base = int(counts.max(initial=0)) + 2
    if base ** counts.shape[1] >= 2 ** 62:
        return counts, None
    return _shape_number(counts + 1, base), base


def _of_shape(shapes: tuple[np.ndarray, int | None], separators: tuple[int, ...]) -> np.ndarray:
    """Which cells hold exactly ``separators`` (a format's :func:`_separators`)."""
    values, base = shapes
    if base is None:
        return (values == np.array(separators)).all(axis=1)
    if max(separators) + 2 > base:  # more of one than any cell holds
        return np.zeros(len(values), dtype=bool)
    return values == _shape_number(np.array([separators], dtype="int64") + 1, base)[0]


def _shape_number(digits: np.ndarray, base: int) -> np.ndarray:
    number = np.zeros(len(digits), dtype="int64")
    for j in range(digits.shape[1]):
        number = number * base + digits[:, j]
    return number


def _separator_counts(text: pd.Series) -> np.ndarray:
    """How many of each of ``_SEPARATORS`` each cell holds (-1 for a missing cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(text.astype("string").array)
    return np.column_stack([pc.fill_null(pc.count_substring(cells, sep), -1).to_numpy()
                            .astype("int64") for sep in _SEPARATORS])


#: Formats read in two parts where a cell has exactly their width: each field its digits
#: (two for day, month, hour, minute and second, four for the year), one space between
#: date and time. Such a cell reads as its date plus its time of day (the tests check
#: it against the whole format, seconds 60 and 61 and impossible dates included).
_TWO_PART = {
    f"{date} %H:%M:%S": (date, r"[0-9]{{2}}{0}[0-9]{{2}}{0}[0-9]{{4}} [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}"
                         .format(re.escape(date[2])))
    for date in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y")
}


def _of_width(text: pd.Series, fmt: str) -> np.ndarray:
    """Which cells have exactly the width of ``fmt``, a ``_TWO_PART`` format."""
    shape = _TWO_PART[fmt][1]
    return text.astype("string").str.fullmatch(shape).fillna(False).to_numpy(dtype=bool)


def _strptime(text: pd.Series, fmt: str, width: np.ndarray | None = None) -> pd.Series:
    """``pd.to_datetime(text, errors="coerce", format=fmt)``, the same values.

    Survey platforms write start and completion times to the second, so nearly
    every cell of a large export is distinct, while its dates are a few dozen.
    For the formats of ``_TWO_PART``, the cells of exactly their width are read
    as date and time apart: each distinct date by pandas, the time of day from
    its digits (:func:`_time_of_day`). ``width`` is :func:`_of_width` of ``text``
    when the caller has it.
    """
    two_part = _TWO_PART.get(fmt)
    if two_part is None or len(text) < 1000:
        return pd.to_datetime(text, errors="coerce", format=fmt)
    date_format = two_part[0]
    cells = text.astype("string")
    fixed = _of_width(cells, fmt) if width is None else width
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if (~fixed).any():
        out[~fixed] = pd.to_datetime(text[~fixed], errors="coerce", format=fmt)
    if fixed.any():
        cells = cells[fixed]
        codes, days = pd.factorize(cells.str.slice(0, 10))
        day = pd.to_datetime(pd.Series(days.to_numpy(dtype=object)), errors="coerce",
                             format=date_format)
        # years far from any survey's are missing already here, before nanoseconds could
        # overflow (a second 60 that carries a day into 1900 or 2199 counts, as it does whole)
        day = day.where((day.dt.year >= 1800) & (day.dt.year < 2250))
        day = day.to_numpy(dtype="datetime64[ns]")[codes]
        out[fixed] = day + _time_of_day(cells.str.slice(11))
    return out


def _time_of_day(times: pd.Series) -> np.ndarray:
    """``HH:MM:SS`` (two ASCII digits each) as a time since midnight, as ``%H:%M:%S`` reads it:
    hours to 23, minutes to 59, seconds to 61 (60 and 61 carry into the next minute);
    anything else missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(times.astype("string").array)
    part = {name: pc.cast(pc.utf8_slice_codeunits(text, at, at + 2), pa.int64()).to_numpy()
            for name, at in (("hour", 0), ("minute", 3), ("second", 6))}
    seconds = part["hour"] * 3600 + part["minute"] * 60 + part["second"]
    ok = (part["hour"] <= 23) & (part["minute"] <= 59) & (part["second"] <= 61)
    return np.where(ok, seconds * 10**9, np.iinfo("int64").min).view("timedelta64[ns]")


def _plausible(parsed: pd.Series) -> pd.Series:
    """Dates outside 1900–2199 are not survey dates (and do not fit nanosecond times): missing."""
    years = parsed.dt.year
    return parsed.where((years >= 1900) & (years < 2200)).astype("datetime64[ns]")


def _in_words(ts) -> str:
    return f"{ts.day} {ts.strftime('%B %Y')}"


def read_date_order(columns: list[pd.Series], given: str | None = None,
                    texts: list[pd.Series] | None = None) -> DateReading:
    """Decide how the slash dates of one file read, from all its date columns together.

    Parameters
    ----------
    columns : list of Series
        Every column of the file that holds dates (start, completion, date questions).
    given : {"day-first", "month-first"}, optional
        The order the person named (``--dates``); it wins.
    texts : list of Series, optional
        The columns as :func:`~evaluate.ingest.cells.text_cells` reads them, when
        the caller has read them already.

    Examples
    --------
    >>> us = pd.Series(["9/1/2025 10:31", "9/12/2025 09:00"])
    >>> read_date_order([us]).decided_by
    'ambiguous'
    >>> read_date_order([pd.Series(["9/1/2025", "9/25/2025"])]).order
    'month-first'
    >>> read_date_order([us], given="month-first").order
    'month-first'
    """
    cells = _slash_cells(columns, texts)
    if given is not None:
        if given not in DATE_ORDERS:
            raise ValueError(f"date order {given!r} is not one of {DATE_ORDERS}")
        other = "month-first" if given == "day-first" else "day-first"
        shapes = _shapes(cells) if len(cells) else None
        read = _with(cells, _FORMATS[given], shapes)
        only_other = _with(cells, _FORMATS[other], shapes).notna() & read.isna()
        return DateReading(given, "given", against=int(only_other.sum()),
                           readings={given: _keyed(cells, read)[0]})
    if cells.empty:
        return DateReading(None, "not needed")
    shapes = _shapes(cells)
    day = _with(cells, _DAY_FIRST, shapes)
    month = _with(cells, _MONTH_FIRST, shapes)
    day_only = day.notna() & month.isna()
    month_only = month.notna() & day.isna()
    both = day.notna() & month.notna() & (day != month)
    readings = dict(zip(DATE_ORDERS, _keyed(cells, day, month), strict=True))
    if day_only.any() or month_only.any():
        order = "day-first" if day_only.sum() >= month_only.sum() else "month-first"
        shown = day_only if order == "day-first" else month_only
        i = shown.idxmax()
        return DateReading(order, "file", example=str(cells[i]),
                           example_day_first=_in_words(day[i]) if pd.notna(day[i]) else None,
                           example_month_first=_in_words(month[i]) if pd.notna(month[i]) else None,
                           against=int((month_only if order == "day-first" else day_only).sum()),
                           readings=readings)
    if both.any():
        i = both.idxmax()
        return DateReading(None, "ambiguous", example=str(cells[i]),
                           example_day_first=_in_words(day[i]),
                           example_month_first=_in_words(month[i]), readings=readings)
    return DateReading(None, "not needed", readings=readings)


def _keyed(cells: pd.Series, *reads: pd.Series) -> list[pd.Series]:
    """Each reading of ``cells`` indexed by the cells, all on one index (built once, and
    hashed once when a column's cells are looked up in it)."""
    index = pd.Index(cells.to_numpy(dtype=object))
    return [pd.Series(read.to_numpy(), index=index) for read in reads]


def _read_in(cells: pd.Series, order: str, readings: dict | None) -> pd.Series:
    """``_with(cells, _FORMATS[order])``, taken from ``readings`` for the cells it holds."""
    known = (readings or {}).get(order)
    if known is None:
        return _with(cells, _FORMATS[order])
    values = cells.to_numpy(dtype=object)
    at = known.index.get_indexer(values)
    found = at >= 0
    out = pd.Series(known.to_numpy()[np.where(found, at, 0)], index=cells.index,
                    dtype="datetime64[ns]")
    out[~found] = pd.NaT
    if not found.all():
        out[~found] = _with(cells[~found], _FORMATS[order])
    return out


def parse_datetimes(values: pd.Series, order: str | None = None,
                    readings: dict | None = None,
                    distinct: tuple[np.ndarray, pd.Series] | None = None
                    ) -> tuple[pd.Series, bool]:
    """Dates and times from whatever a column holds, and whether any carried a UTC offset.

    Real dates are kept; ISO 8601 text is read (times with an offset are
    converted to UTC); slash dates are read in ``order`` (from
    :func:`read_date_order`; with None, a cell is read only if it reads one
    way, or both ways alike); Excel serial numbers become dates. Anything
    else stays missing, for the caller to report. ``readings``
    (:attr:`DateReading.readings`) saves reading again the slash cells that
    deciding the order already read; ``distinct`` (``(codes, texts)`` as
    :func:`~evaluate.ingest.cells.distinct_text_cells` gives them for
    ``values``) saves reading the cells as text again.

    >>> parse_datetimes(pd.Series(["2026-03-29T00:30:00Z", "2026-03-29 02:30:00+01:00"]))[0].tolist()
    [Timestamp('2026-03-29 00:30:00'), Timestamp('2026-03-29 01:30:00')]
    >>> parse_datetimes(pd.Series(["3/4/2026"]), "day-first")[0][0]
    Timestamp('2026-04-03 00:00:00')
    """
    s = values.astype("object")
    if _is_datetime(values):
        parsed = pd.to_datetime(s, errors="coerce", utc=True)
        aware = _has_offsets(s)
        parsed = parsed.dt.tz_convert(None) if aware else parsed.dt.tz_localize(None)
        return _plausible(parsed), aware
    # each distinct text once: codes (one per cell, -1 blank) into ``uniques``
    cell_codes, texts = distinct if distinct is not None else distinct_text_cells(s)
    text_codes, distinct = pd.factorize(texts.array)
    codes = np.append(text_codes, -1)[cell_codes]
    if (codes < 0).all():
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), False
    uniques = pd.Series(distinct)
    read = pd.Series(_already_read(uniques, order, readings), index=uniques.index)
    todo = uniques[read.isna().to_numpy()]
    iso = _iso(todo)
    aware = bool(todo[iso.notna()].str.contains(r"(?:Z|[+-]\d\d:?\d\d)\s*$", regex=True).any())
    read[todo.index] = iso
    rest = todo[iso.isna()]
    numeric = _numbers(rest)
    serial = numeric.between(20000, 80000).to_numpy(dtype=bool)  # Excel serial day numbers
    serial = pd.Series(serial, index=rest.index)
    read[serial[serial].index] = pd.to_datetime("1899-12-30") + pd.to_timedelta(
        numeric[serial], unit="D")
    slash = rest[~serial]
    if len(slash):
        if order is None:
            day = _read_in(slash, "day-first", readings)
            month = _read_in(slash, "month-first", readings)
            one_way = day.isna() | month.isna() | (day == month)
            read[slash.index] = day.fillna(month).where(one_way)
        else:
            read[slash.index] = _read_in(slash, order, readings)
        left = slash.index[read[slash.index].isna()]
        if len(left):  # month names and other spelled-out dates read one way only
            words = slash[left][slash[left].str.contains(r"[A-Za-z]{3}", regex=True)
                                & ~slash[left].str.fullmatch(_MOMENT, case=False)]
            if len(words):
                fallback = pd.to_datetime(words, errors="coerce", format="mixed", utc=True,
                                          dayfirst=order == "day-first")
                read[words.index] = _plausible(fallback.dt.tz_localize(None))
    nat = np.datetime64("NaT", "ns")
    out = np.append(read.to_numpy(dtype="datetime64[ns]"), nat)[codes]
    return pd.Series(out, index=s.index, dtype="datetime64[ns]"), aware


def _already_read(cells: pd.Series, order: str | None, readings: dict | None) -> np.ndarray:
    """What deciding the order read for each distinct cell, as :func:`parse_datetimes` reads it;
    NaT where it did not see the cell or read nothing (those are read again, in full).

    A cell that deciding saw is a slash cell (neither ISO 8601 nor a number),
    so its reading in ``order`` (with None: in the order it reads in, or in
    both alike) is all there is to it, unless nothing reads it, when
    spelled-out dates are tried: such cells, and all the others, take the
    whole path.
    """
    nat = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[ns]")
    orders = DATE_ORDERS if order is None else (order,)
    if not readings or any(o not in readings for o in orders) or not cells.index.is_unique:
        return nat
    values = cells.to_numpy(dtype=object)
    found, at_of = [], {}
    for o in orders:
        known = readings[o]
        if not len(known):  # deciding saw no slash cell (an order given for ISO dates)
            found.append(nat)
            continue
        if id(known.index) not in at_of:  # both orders' readings share their index
            at_of[id(known.index)] = known.index.get_indexer(values)
        at = at_of[id(known.index)]
        found.append(np.where(at >= 0, known.to_numpy(dtype="datetime64[ns]")[np.maximum(at, 0)],
                              nat))
    if order is not None:
        return found[0]
    day, month = found
    one_way = np.isnat(day) | np.isnat(month) | (day == month)
    return np.where(one_way, np.where(np.isnat(day), month, day), nat)


def _has_offsets(s: pd.Series) -> bool:
    sample = s.dropna()
    return bool(len(sample)) and any(getattr(v, "tzinfo", None) is not None for v in sample[:1000])
