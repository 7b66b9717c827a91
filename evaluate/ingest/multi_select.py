"""Multi-select answers: the codes a respondent chose, and the words of an "Other" choice.

Platforms write a multi-select two ways: one column per option (a cell that is
not blank or ``0`` is a tick) or one cell per respondent with the chosen
labels joined by a separator, where a label may itself hold the separator
("Workforce, training and education"). Labels are looked up once per distinct
cell, never once per respondent.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaluate.ingest.cells import distinct_text_cells, text_cells
from evaluate.ingest.problems import problem_records
from evaluate.instruments import ResponseSet
from evaluate.normalise import normalise_label

__all__ = ["coerce_multi", "other_option", "split_choices", "choices_in", "joined_codes",
           "per_row"]


_UNTICKED = {"0", "false"}


def coerce_multi(raw, item, rset, cols, rows, problems) -> tuple[pd.Series, pd.Series | None]:
    """Codes chosen in a multi-select, joined with ``|`` in code order, and the "Other" text.

    Two layouts: one column per option (SurveyMonkey, Qualtrics ``Q2_1`` …; a
    cell that is not blank or ``0`` is a tick), or one cell per respondent
    with the chosen options joined by the platform's separator. A choice
    written ``Other: …`` (or a cell in an "Other (please specify)" column)
    ticks the response set's "Other" option and keeps its text, returned
    second (None when nobody wrote one). A choice that is no option is
    reported; with the item's ``unknown_choice: answer`` it holds back only
    this answer (left blank, with a warning), else the whole response.
    """
    frame = raw.frame
    index = frame.index
    per_option = [c for c in cols if c.target is not None or c.choice is not None]
    single = [c for c in cols if c not in per_option]
    parts, texts = [], []
    held = pd.Series(False, index=index)
    for c in per_option:
        codes, text = _option_column_codes(frame[c.key], c, rset, rows, problems)
        parts.append(codes)
        texts.append(text)
    for c in single:
        codes, text, unknown = _joined_cell_codes(frame[c.key], c, rset, raw.multi_separator, rows,
                                                  problems, item.unknown_choice,
                                                  typed_other=raw.platform == "microsoft_forms")
        parts.append(codes)
        texts.append(text)
        held |= unknown
    other = _othertext_cells(texts, index)
    exploded = pd.concat(parts) if parts else pd.Series(dtype="string")
    if not len(exploded):
        return pd.Series(pd.NA, index=index, dtype="string"), other
    # one boolean column per option, then the codes joined in code order (vectorised per option)
    positions = index.get_indexer(exploded.index)
    chosen = np.zeros((len(index), len(rset.codes)), dtype=bool)
    code_pos = {str(c): k for k, c in enumerate(sorted(rset.codes))}
    chosen[positions, exploded.map(code_pos).to_numpy(dtype=int)] = True
    result = pd.Series(joined_codes(chosen, list(code_pos)), index=index, dtype="string")
    result = result.mask((result == "") | held)
    if other is not None:
        other = other.mask(held)
    return result, other


def joined_codes(chosen: np.ndarray, codes: list[str]) -> np.ndarray:
    """The ``codes`` ticked in each row of ``chosen`` (one column per code), joined with ``|``
    ("" for none), worked out once per distinct pattern of ticks, not once per row.

    >>> joined_codes(np.array([[True, False, True], [False, False, False], [True, False, True]]),
    ...              ["1", "2", "7"]).tolist()
    ['1|7', '', '1|7']
    """
    if not chosen.size:
        return np.full(len(chosen), "", dtype=object)
    if chosen.shape[1] < 64:  # each row's ticks as the bits of one number: a quick sort
        bits = np.left_shift(np.uint64(1), np.arange(chosen.shape[1], dtype=np.uint64))
        keys, inverse = np.unique(chosen @ bits, return_inverse=True)
        patterns = (keys[:, None] & bits) != 0
    else:
        patterns, inverse = np.unique(chosen, axis=0, return_inverse=True)
    texts = np.array(["|".join(c for c, ticked in zip(codes, row, strict=True) if ticked)
                      for row in patterns.tolist()], dtype=object)
    return texts[inverse.reshape(-1)]


def _othertext_cells(texts: list[pd.Series], index: pd.Index) -> pd.Series | None:
    """The "Other" texts of each response, joined when several columns hold one."""
    texts = [t for t in texts if t is not None and len(t)]
    if not texts:
        return None
    joined = pd.concat(texts).groupby(level=0, sort=False).agg("; ".join)
    out = pd.Series(pd.NA, index=index, dtype="string")
    out[joined.index] = joined.astype("string")
    return out


def _option_column_codes(values: pd.Series, col, rset: ResponseSet, rows,
                         problems) -> tuple[pd.Series, pd.Series | None]:
    """The code of each tick in a one-column-per-option column (index = response), and the
    text typed into an "Other (please specify)" column."""
    text = text_cells(values)
    ticked = text.notna() & ~text.str.casefold().isin(_UNTICKED)
    lookup = rset.lookup()
    code = lookup.get(normalise_label(col.target)) if col.target else None
    if code is None and col.choice is not None and int(col.choice) in rset.codes:
        code = int(col.choice)  # the option's number in the column id (Q4_10 → 10)
    other = other_option(rset)
    if code is None and other is not None and _OTHER_PART.match(col.target or col.heading or ""):
        # "Other (please specify)": a tick is any text; the text is the respondent's own
        cells = text[ticked]
        typed = cells[~cells.map(lambda v: _is_other_label(v, rset)).astype(bool)]
        return (pd.Series(str(other), index=cells.index, dtype="string"),
                typed.astype("string"))
    if code is not None:
        return pd.Series(str(code), index=values.index[ticked.to_numpy()], dtype="string"), None
    # the option is not named in the heading rows: the cell may name it (SurveyMonkey, choice text)
    cells = text[ticked]
    code_of = {v: lookup.get(normalise_label(v)) for v in cells.unique()}
    codes = cells.map(code_of)
    unknown = codes.isna()
    if unknown.any():
        label = col.target or col.heading
        problems.append(dict(
            row=None, column=col.heading, value=label, rule="unknown_option_column",
            message=f"is not one of the options of {rset.id}, so its {int(unknown.sum())} "
                    "tick(s) were not imported",
            fix=f'add "{label}" as an alias of the right option in the instrument '
                f"(options: {', '.join(rset.labels)}), then import again",
            severity="file"))
    return codes[~unknown].astype(int).astype(str).astype("string"), None


#: A choice that is the "Other" option with the respondent's words: ``Other: coaching``,
#: ``Other (please specify) - coaching``, or only ``Other (please specify)``.
_OTHER_PART = re.compile(
    r"^\s*other\b(?:\s*\((?:please\s+)?(?:specify|describe)\)?)?\s*(?:[:\-\u2013\u2014]\s*)?"
    r"(?P<text>.*)$", flags=re.IGNORECASE | re.DOTALL)


def other_option(rset: ResponseSet) -> int | None:
    """The code of a response set's "Other" option (``Other``, ``Other (please specify)``), if any.

    >>> from evaluate.instruments import ResponseSet
    >>> other_option(ResponseSet("p", ((1, "Workforce"), (7, "Other (please specify)"))))
    7
    """
    for code, label in rset.options:
        if re.match(r"^\s*other\b", label, flags=re.IGNORECASE):
            return code
    return None


def _is_other_label(value: str, rset: ResponseSet) -> bool:
    m = _OTHER_PART.match(str(value))
    return bool(m) and not m.group("text").strip()


def _joined_cell_codes(values: pd.Series, col, rset: ResponseSet, separator, rows,
                       problems, unknown_choice: str = "response", typed_other: bool = False
                       ) -> tuple[pd.Series, pd.Series | None, pd.Series]:
    """The codes in cells that join several options (``a;b;``, ``a, b``, ``2,3,7``).

    With ``typed_other`` (Microsoft Forms, which writes what a respondent typed
    into "Other" in place of the word), the parts that are no option are the
    "Other" answer's words when the response set has an "Other" option.

    Returns the codes (one row per choice, index = response), the "Other"
    text of each response that wrote one, and which responses hold a choice
    that is no option.
    """
    cell_codes, texts = distinct_text_cells(values)  # each distinct cell read once
    text = texts.dropna()
    if separator is None:
        separator = ";" if text.str.contains(";", regex=False).any() else ","
        if separator == "," and len(text) and text.str.fullmatch(r"-?\d+(?:\s+-?\d+)*").all():
            separator = " "  # ODK and KoboToolbox: an XLSForm's codes joined by spaces
    lookup = rset.lookup()
    missing = rset.missing_keys()
    codes = set(rset.codes)
    other = other_option(rset)
    answered = texts.notna().to_numpy(dtype=bool)
    parsed = [choices_in(v, separator, lookup, missing, codes, other, typed_other) if ok
              else ([], [], None) for v, ok in zip(texts.tolist(), answered, strict=True)]
    at = np.flatnonzero(cell_codes >= 0)  # the answered cells, each one's distinct cell
    at = at[answered[cell_codes[at]]]
    which, where = cell_codes[at], values.index[at]
    found = per_row(where, which, [[str(int(c)) for c in p[0]] for p in parsed])
    unknown = per_row(where, which, [p[1] for p in parsed])
    other_words = np.empty(len(parsed), dtype=object)
    other_words[:] = [p[2] for p in parsed]
    typed = pd.Series(other_words[which], index=where, dtype=object).dropna().astype("string")
    has_unknown = pd.Series(False, index=values.index)
    if len(unknown):
        bad_rows = rows[values.index.get_indexer(unknown.index)]
        if unknown_choice == "answer":
            problems += problem_records(bad_rows, col.heading, unknown, "allowed_answers",
                                        f"is not one of the options for {rset.id}, so this answer was "
                                        "left blank (the rest of the response was kept)",
                                        f"use one of: {', '.join(rset.labels)}", severity="warning")
            has_unknown[unknown.index.unique()] = True
        else:
            problems += problem_records(bad_rows, col.heading, unknown, "allowed_answers",
                                        f"is not one of the options for {rset.id}",
                                        f"use one of: {', '.join(rset.labels)}")
    return found.astype("string"), typed, has_unknown


def per_row(index: pd.Index, which: np.ndarray, lists: list[list]) -> pd.Series:
    """The items of ``lists[which[i]]`` for each row ``i``, labelled ``index[i]``, in row
    order then list order (``Series.map(...).explode().dropna()``, each list read once
    however many rows share it).

    >>> s = per_row(pd.Index([10, 11, 12]), np.array([1, 0, 1]), [[], ["a", "b"]])
    >>> s.index.tolist(), s.tolist()
    ([10, 10, 12, 12], ['a', 'b', 'a', 'b'])
    """
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = [item for items in lists for item in items]
    starts = np.cumsum(lengths) - lengths
    n = lengths[which]
    rows = np.repeat(np.arange(len(which)), n)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return pd.Series(flat[starts[which][rows] + within], index=index[rows], dtype=object)


def split_choices(cell: str, separator: str, lookup: dict[str, int], missing: set[str],
                  codes: set[int]) -> tuple[list[int], list[str]]:
    """Split one multi-select cell into option codes, and the parts that are no option.

    Option labels may themselves hold the separator ("Yes, definitely"), so
    consecutive parts are joined back while they spell a label, longest
    first; a part that is a bare code (``2`` in Qualtrics' ``2,3,7``) is that
    code; a "missing" answer (``Prefer not to say``) is dropped.

    >>> lookup = {"yes definitely": 1, "no": 2, "not sure": 3}
    >>> split_choices("Yes, definitely, No", ",", lookup, set(), {1, 2, 3})
    ([1, 2], [])
    >>> split_choices("2,3,7", ",", lookup, set(), {1, 2, 3})
    ([2, 3], ['7'])
    """
    found, unknown, _ = choices_in(cell, separator, lookup, missing, codes)
    return found, unknown


def choices_in(cell: str, separator: str, lookup: dict[str, int], missing: set[str],
               codes: set[int], other: int | None = None, typed_other: bool = False
               ) -> tuple[list[int], list[str], str | None]:
    """As :func:`split_choices`, with the "Other" option's words.

    With ``other`` (the code of the response set's "Other" option), a part
    written ``Other: …`` ticks it and its words (with any unknown parts that
    follow it, which a separator inside the words split off) become the third
    value.

    >>> lookup = {"workforce": 4, "prevention": 6, "other": 7}
    >>> choices_in("Workforce, Other: climate, and heat", ",", lookup, set(), {4, 6, 7}, 7)
    ([4, 7], [], 'climate, and heat')
    >>> choices_in("Workforce, Spaceflight", ",", lookup, set(), {4, 6, 7}, 7)
    ([4], ['Spaceflight'], None)

    With ``typed_other`` (Microsoft Forms writes the typed words alone, without
    "Other"), the parts that are no option are those words:

    >>> choices_in("Workforce;Climate resilience;", ";", lookup, set(), {4, 6, 7}, 7, True)
    ([4, 7], [], 'Climate resilience')
    """
    whole = normalise_label(cell)
    if whole in lookup:
        return [lookup[whole]], [], None
    sep = separator.strip() or separator
    parts = [p.strip() for p in str(cell).split(sep)]
    parts = [p for p in parts if p]
    found: list[int] = []
    unknown: list[str] = []
    words: list[str] | None = None  # the Other words
    running = False  # still reading them (a known option ends them)
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            key = normalise_label(sep.join(parts[i:j]))
            if key in lookup:
                found.append(lookup[key])
                i, running = j, False
                break
        else:
            part = parts[i]
            i += 1
            number = _as_code(part)
            m = _OTHER_PART.match(part) if other is not None and words is None else None
            if number is not None and number in codes:
                found.append(number)
                running = False
            elif m:
                found.append(other)
                words, running = [m.group("text").strip()], True
            elif running:
                words.append(part)
            elif normalise_label(part) not in missing:
                unknown.append(part)
    if typed_other and other is not None and unknown and words is None:
        found.append(other)
        words, unknown = unknown, []
    text = (sep.strip() + " ").join(w for w in words if w) if words else None
    return list(dict.fromkeys(found)), unknown, text or None


def _as_code(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None
