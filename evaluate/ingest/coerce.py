"""Turn matched export columns into typed, coded data — one column at a time.

Labels become codes ("Strongly agree" → 5) and numeric codes are accepted;
"Prefer not to say" and blanks become missing; multi-selects are split;
names picked from the roster become network ties; dates are parsed. Work is
vectorised per column: values are looked up once per distinct value, never
once per respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from evaluate.ingest.cells import FrameText, split_cells, text_cells
from evaluate.ingest.codes import CodedBlock, code_block, code_values, coded_series
from evaluate.ingest.dates import DateReading, parse_datetimes, read_date_order
from evaluate.ingest.formulas import EXCEL_ERRORS
from evaluate.ingest.matching import MatchResult
from evaluate.ingest.multi_select import choices_in, coerce_multi, other_option, split_choices
from evaluate.ingest.numbers import parse_numbers, read_number_format, readings_of
from evaluate.ingest.problems import problem_records
from evaluate.ingest.tie_answers import assemble_ties, roster_grid, roster_multi_ties
from evaluate.instruments import Instrument, Item, ResponseSet
from evaluate.normalise import normalise_label
from evaluate.privacy import IdClash

__all__ = ["Coerced", "coerce_export", "code_values", "parse_datetimes", "split_multi",
           "split_choices", "choices_in", "other_option", "other_column"]

# parse_datetimes lives in evaluate.ingest.dates; it is importable from here as before.

_TRUE = {"1", "true", "yes", "y", "1.0"}
_PREVIEW = {"survey preview", "1", "survey test", "2", "spam", "8", "offline survey preview", "17"}


@dataclass
class Coerced:
    """Typed responses (indexed by position in the export) plus ties and problems."""

    responses: pd.DataFrame
    ties: pd.DataFrame
    stakeholders: pd.DataFrame
    problems: list[dict] = field(default_factory=list)
    excluded: pd.Series | None = None  # bool per row: left out on purpose (preview / unfinished)
    notes: list[str] = field(default_factory=list)
    dates: DateReading | None = None


_text = text_cells


def other_column(instrument: Instrument, item: Item) -> str:
    """The column beside a multi-select that keeps its "Other" words (``priorities_other``)."""
    name = f"{item.id}_other"
    return name if name not in instrument.item_ids() else f"{item.id}__other_text"


def _shown_number(value: float) -> str:
    """``2500.0`` → ``"2500"``, ``2.5`` → ``"2.5"``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def split_multi(values: pd.Series, separator: str | None) -> pd.Series:
    """Split multi-select cells into one row per choice (index repeats).

    With no known separator, ";" is used if any cell has one, else ","; cells
    that are only codes separated by spaces (ODK and KoboToolbox exports of
    an XLSForm) are split on the spaces.
    """
    return split_cells(_text(values), separator)


def verbatim_text(values: pd.Series, trimmed: pd.Series | None = None) -> pd.Series:
    """Free-text answers exactly as written: spaces around the words kept; blank cells missing.

    A cell that is only a number read from a spreadsheet (``4.0``) reads as
    :func:`~evaluate.ingest.cells.text_cells` reads it (``4``); ``trimmed`` is
    that reading when the caller has it already.

    >>> verbatim_text(pd.Series(["  -10% less admin ", "   ", 4.0, None])).tolist()
    ['  -10% less admin ', <NA>, '4', <NA>]
    """
    trimmed = _text(values) if trimmed is None else trimmed
    as_written = values.astype("string")
    same_words = (as_written.str.strip() == trimmed).fillna(False)
    return as_written.where(same_words, trimmed)


def _combine(cols, text) -> pd.Series | None:
    """The first answer of each row across ``cols``, each read by ``text(key)``."""
    series = None
    for m in cols:
        s = text(m.key)
        series = s if series is None else series.fillna(s)
    return series


def coerce_export(
    raw,
    instrument: Instrument,
    match: MatchResult,
    roster,
    salt: str,
    *,
    cohort: str,
    keep_preview: bool = False,
    keep_incomplete: bool = False,
    dates: str | None = None,
) -> Coerced:
    """Code every matched column; build ties; identify respondents.

    ``raw`` is a :class:`~evaluate.ingest.readers.RawExport`; ``roster`` a
    :class:`~evaluate.roster.Roster` or None (then every respondent is
    unmatched and roster questions cannot be coded). ``dates`` is the order
    of slash dates when the person has said (``"day-first"`` or
    ``"month-first"``); otherwise the file decides, or the import is refused
    as ambiguous (see :mod:`evaluate.ingest.dates`).
    """
    rows = np.asarray(raw.row_numbers)
    problems: list[dict] = []
    raw = _without_hidden(raw, match, rows, problems)
    frame = raw.frame
    text = FrameText(frame)
    index = frame.index
    notes: list[str] = []
    out = pd.DataFrame(index=index)
    reading = _date_reading(raw, instrument, match, dates, problems, text)
    number_items = set(instrument.item_ids("number"))
    numbers = read_number_format([frame[m.key] for m in match.matches if m.item in number_items])
    order = reading.order or ("day-first" if reading.ambiguous else None)
    offsets = False

    def read_dates(key: str) -> pd.Series:
        nonlocal offsets
        known = text.distinct([key])
        parsed, aware = parse_datetimes(frame[key], order, reading.readings,
                                        None if known is None else (known[0][:, 0], known[1]))
        offsets |= aware
        return parsed

    # --- metadata ------------------------------------------------------------------
    rid = match.role("respondent_id")
    out["response_id"] = text(rid.key) if rid else pd.Series(pd.NA, index=index, dtype="string")
    for role in ("started", "completed"):
        m = match.role(role)
        if m is None:
            out[role] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
            continue
        out[role] = read_dates(m.key)
        unread = text(m.key).notna() & out[role].isna()
        if unread.any():
            problems += problem_records(rows[unread.to_numpy()], m.heading, text(m.key)[unread],
                                        "date", "could not be read as a date and time, so it was left blank",
                                        "nothing to do unless the times matter; the answers were kept",
                                        severity="warning")
    if match.role("completed") is None and match.role("modified") is not None:
        out["completed"] = read_dates(match.role("modified").key)

    excluded = pd.Series(False, index=index)
    status = match.role("status")
    if status is not None and not keep_preview:
        st = text(status.key).str.casefold()
        preview = st.isin(_PREVIEW).fillna(False)
        if preview.any():
            problems += problem_records(rows[preview.to_numpy()], status.heading, st[preview],
                                        "survey_preview", "is a test response (survey preview), left out",
                                        "nothing to do; use --keep-preview to import test responses",
                                        severity="excluded")
            excluded |= preview
    finished = match.role("finished")
    if finished is not None and not keep_incomplete:
        fin = text(finished.key).str.casefold()
        unfinished = (fin.notna() & ~fin.isin(_TRUE)) & ~excluded
        if unfinished.any():
            problems += problem_records(rows[unfinished.to_numpy()], finished.heading, fin[unfinished],
                                        "unfinished", "is an unfinished response, left out",
                                        "nothing to do; use --keep-incomplete to import partial responses",
                                        severity="excluded")
            excluded |= unfinished

    # --- who answered ----------------------------------------------------------------
    def role_cols(*roles):
        return [m for m in match.matches if m.role in roles]

    email = _combine(role_cols("email", "recipient_email"), text)
    staff = _combine(role_cols("staff_id"), text)
    name = _without_placeholders(_combine(role_cols("name"), text))
    first = _combine(role_cols("first_name", "recipient_first_name"), text)
    last = _combine(role_cols("last_name", "recipient_last_name"), text)
    if first is not None or last is not None:
        joined = (first.fillna("") if first is not None else "") + " " + (
            last.fillna("") if last is not None else "")
        joined = pd.Series(joined, index=index).astype("string").str.strip().replace("", pd.NA)
        name = joined if name is None else name.fillna(joined)
    fallback = out["response_id"].fillna(pd.Series(rows, index=index).astype(str))
    fallback = raw.path.name + "#" + fallback.astype("string")
    matcher = roster
    if matcher is None:
        from evaluate.roster import Roster  # empty roster: everyone unmatched

        matcher = Roster(frame=pd.DataFrame(columns=["participant", "cohort", "email_key",
                                                     "staff_key", "name_key", "display"]), source="")
    try:
        pid, matched = matcher.match_respondents(email, staff, name, salt, fallback)
    except IdClash as exc:
        raise exc.at(raw.path.name, index, rows) from None
    member_cohort = (pid.map(roster.frame.set_index("participant")["cohort"]) if roster is not None
                     else pd.Series(pd.NA, index=index))
    out.insert(0, "participant", pid)
    out.insert(1, "matched", matched.to_numpy(dtype=bool))
    no_identity = (email is None or email.isna().all()) and (staff is None or staff.isna().all()) \
        and (name is None or name.isna().all())
    unmatched = ~matched & ~excluded
    if roster is not None and unmatched.any() and no_identity:
        # one file problem, not one per row: no response can be linked
        problems.append(dict(
            row=None, column=None, value=None, rule="no_identity_column",
            message=(f"the export has no email, name or staff id column, so none of its "
                     f"{int(unmatched.sum())} respondents can be linked to the roster or across "
                     "surveys (when imported, their answers are kept as unlinked participants)"),
            fix="collect an email, name or staff id in the form, or add the heading that holds one "
                "to the instrument's identity aliases", severity="warning"))
    elif roster is not None and unmatched.any():
        ident = role_cols("email", "recipient_email", "staff_id", "name", "first_name")
        heading = ident[0].heading if ident else ""
        problems += problem_records(rows[unmatched.to_numpy()], heading, [None] * int(unmatched.sum()),
                                    "not_on_roster", "this respondent is not on the roster, so their "
                                    "answers cannot be linked across surveys",
                                    "check the spelling against the roster, or add the person to the "
                                    "roster; the response is kept as an unlinked participant",
                                    severity="warning", personal=True)
    other = matched & member_cohort.notna() & (member_cohort.astype("string") != cohort) & ~excluded
    if other.any():
        problems += problem_records(
            rows[other.to_numpy()], "", member_cohort[other], "other_cohort",
            f"this respondent is on the roster for another cohort, not {cohort}",
            "check the --cohort given, or the roster", severity="warning")
        known = int((matched & member_cohort.notna() & ~excluded).sum())
        if int(other.sum()) * 2 > known:
            theirs = member_cohort[other].astype("string").value_counts()
            problems.append(dict(
                row=None, column=None, value=cohort, rule="other_cohort_export",
                message=(f"{int(other.sum())} of the {known} respondents found on the roster are "
                         f"in cohort {theirs.index[0]}, not {cohort}, so nothing was imported"),
                fix=(f"check --cohort: if this is cohort {theirs.index[0]}'s export, use "
                     f"-c {theirs.index[0]}; if the roster is wrong, correct it first"),
                severity="refused"))

    # --- items -------------------------------------------------------------------
    ties_parts: list[pd.DataFrame] = []
    grid_parts: list[pd.DataFrame] = []
    stakeholders = []
    coded_answers = _coded_answers(frame, instrument, match, text)
    for item in instrument.items:
        cols = match.for_item(item.id)
        if not cols:
            if item.type not in ("roster_multi", "roster_grid"):
                out[item.id] = _empty_for(item, index)
            continue
        rset = instrument.response_set_of(item)
        if item.type in ("likert", "choice"):
            col = cols[0]
            coded, bad = _coded_column(frame, col.key, rset, coded_answers)
            out[item.id] = coded
            if bad.any():
                problems += problem_records(
                    rows[bad.to_numpy()], col.heading, text(col.key)[bad], "allowed_answers",
                    f"is not one of the answers for {rset.id}", f"use one of: {rset.describe()}")
        elif item.type == "number":
            col = cols[0]
            cells = text(col.key)
            number, two_ways, bad = parse_numbers(frame[col.key], numbers)
            out[item.id] = number
            if bad.any():
                problems += problem_records(rows[bad.to_numpy()], col.heading, cells[bad], "number",
                                            "is not a number", "write a number, e.g. 5")
            for cell in cells[two_ways].unique():
                at = (cells == cell).fillna(False).to_numpy(dtype=bool)
                found = readings_of(cell)
                mark = "comma" if "," in cell else "point"
                grouped, decimal = (found["."], found[","]) if mark == "comma" else (
                    found[","], found["."])
                problems += problem_records(
                    rows[at], col.heading, cells[at], "number_two_ways",
                    f"reads two ways: {_shown_number(grouped)} if the {mark} separates "
                    f"thousands, {_shown_number(decimal)} if the {mark} is the decimal mark, and "
                    "nothing in this file says which, so it was not stored",
                    f"type it without a thousands separator ({_shown_number(grouped)}) or as "
                    f"the decimal it is ({_shown_number(decimal)} with the decimal mark the "
                    "file uses), save, and export again")
        elif item.type == "date":
            col = cols[0]
            cells = text(col.key)
            parsed = read_dates(col.key)
            bad = cells.notna() & parsed.isna()
            out[item.id] = parsed
            if bad.any():
                problems += problem_records(rows[bad.to_numpy()], col.heading, cells[bad], "date",
                                            "is not a date", "write a date such as 27/07/2026")
        elif item.type == "text":
            written = _combine(cols, lambda key: verbatim_text(frame[key], text(key)))
            out[item.id] = written  # quoted exactly as written
            if item.id == "stakeholders" or item.attribute == "stakeholders":
                parts = split_multi(written, ";" if written.str.contains(";", regex=False).any()
                                    else ",")
                if len(parts):
                    stakeholders.append(pd.DataFrame({
                        "row_index": parts.index, "stakeholder": parts.map(normalise_label)}))
        elif item.type == "multi":
            out[item.id], other_text = coerce_multi(raw, item, rset, cols, rows, problems)
            if other_text is not None and other_text.notna().any():
                out[other_column(instrument, item)] = other_text
        elif item.type == "roster_multi":
            if roster is None:
                continue
            ties_parts.append(roster_multi_ties(raw, item, cols, roster, rows, problems, text))
        elif item.type == "roster_grid":
            if roster is None:
                continue
            grid_parts.append(roster_grid(raw, item, rset, cols, roster, rows, problems,
                                           coded_answers, text))

    ties = assemble_ties(ties_parts, grid_parts, out["participant"], rows, instrument, problems)
    if stakeholders:
        st = pd.concat(stakeholders, ignore_index=True)
        st["source"] = out["participant"].reindex(st["row_index"]).to_numpy()
        st = st.drop(columns="row_index").drop_duplicates()
    else:
        st = pd.DataFrame({"source": pd.Series(dtype="string"), "stakeholder": pd.Series(dtype="string")})
    out["source_row"] = rows.astype("int64")
    if reading.note():
        notes.append(reading.note())
    if numbers.note():
        notes.append(numbers.note())
    if offsets:
        notes.append("Some times carried a UTC offset (such as +01:00 or Z); they were converted "
                     "to UTC so that they compare correctly.")
    return Coerced(responses=out, ties=ties, stakeholders=st[["source", "stakeholder"]],
                   problems=problems, excluded=excluded, notes=notes, dates=reading)


_IDENTITY_ROLES = ("email", "recipient_email", "staff_id", "name", "first_name", "last_name",
                   "recipient_first_name", "recipient_last_name", "respondent_id")


def _without_hidden(raw, match: MatchResult, rows: np.ndarray, problems: list[dict]):
    """Excel errors and unsaved formulas out of the cells, each reported where it is.

    An error value (``#N/A``, ``#DIV/0!`` — in a workbook, or as text in a csv
    saved from one) or a formula whose result was never saved is no answer:
    it is blanked, never stored, and reported per cell; in a question or an
    identity column it holds the response back until the sheet is fixed.
    """
    hidden: dict[str, dict[int, dict]] = {}
    for h in raw.hidden:
        hidden.setdefault(h["key"], {})[h["row"]] = h
    used = [m for m in match.matches if m.item is not None or m.role is not None]
    keys = list(dict.fromkeys(m.key for m in used))
    error_cells, column_of = _error_cells(raw.frame, keys), {k: j for j, k in enumerate(keys)}
    replaced = {}
    position = pd.Series(np.arange(len(rows)), index=rows)
    for m in used:
        mask = error_cells[:, column_of[m.key]].copy()
        if not mask.any() and m.key not in hidden:
            continue
        values = raw.frame[m.key]
        shown = values.where(mask)
        for row, h in hidden.get(m.key, {}).items():
            at = int(position[row])
            mask[at] = True
            shown.iloc[at] = (h["text"] if h["kind"] == "error" else
                              f"{h['text']} (a formula with no saved value)")
        if not mask.any():
            continue
        replaced[m.key] = values.where(~mask, None)
        severity = "error" if m.item is not None or m.role in _IDENTITY_ROLES else "warning"
        held = ("so this response was held back" if severity == "error"
                else "so it was left blank")
        errors = shown[mask].astype(str)
        formula = errors.str.endswith("(a formula with no saved value)").to_numpy(dtype=bool)
        if (~formula).any():
            problems += problem_records(rows[mask][~formula], m.heading, errors[~formula], "excel_error",
                                        f"is an Excel error, not an answer, {held}",
                                        "fix the formula or type the value, save, and export again",
                                        severity=severity)
        if formula.any():
            problems += problem_records(rows[mask][formula], m.heading, errors[formula],
                                        "formula_without_value",
                                        f"is a formula whose result was never saved, {held}",
                                        "fix the formula or type the value, save (in Excel, so the "
                                        "result is calculated), and export again", severity=severity)
    if not replaced:
        return raw
    frame = raw.frame.copy(deep=False)
    for key, values in replaced.items():
        frame[key] = values
    return replace(raw, frame=frame)


def _error_cells(frame: pd.DataFrame, keys: list) -> np.ndarray:
    """Which cells of the columns ``keys`` hold an Excel error (``#N/A``), one column each.

    Hashed, not a loop: for a short frame, one look-up for all the columns at
    once; for a long one, column by column (no copy of the whole frame).
    """
    if not keys:
        return np.zeros((len(frame), 0), dtype=bool)
    if len(frame) < 1_000:
        return frame[keys].isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    return np.column_stack([frame[k].isin(EXCEL_ERRORS).to_numpy(dtype=bool) for k in keys])


#: What platforms write in a name column for an anonymous response (Qualtrics' legacy
#: exports: "Anonymous", German accounts "Anonym").
ANONYMOUS_NAMES = frozenset({
    "anonymous", "anonym", "anonyme", "anonimo", "anonima", "anoniem", "anonimowy", "anonymni",
    "anonymt", "anonymous user", "anonymous respondent", "anon", "n a",
})


def _without_placeholders(names: pd.Series | None) -> pd.Series | None:
    """Names with the platforms' "Anonymous" placeholders blanked: they identify nobody."""
    if names is None:
        return None
    distinct = pd.Series(names.dropna().unique(), dtype=object)
    candidates = distinct[_may_be_placeholder(distinct.astype("string")).to_numpy(dtype=bool)]
    placeholders = [v for v in candidates.tolist() if normalise_label(v) in ANONYMOUS_NAMES]
    return names.mask(names.isin(placeholders)) if placeholders else names


def _may_be_placeholder(text: pd.Series) -> pd.Series:
    """False where a name cannot be an "Anonymous" placeholder, decided for all names at once.

    For text of printable ASCII characters only, :func:`~evaluate.normalise.normalise_label`
    is lower case, every character but letters, digits, ``_`` and space made a space, runs
    of spaces made one, and the ends trimmed: the same steps are done here as column
    operations. Any other text stays a candidate, for ``normalise_label`` itself to decide.

    >>> _may_be_placeholder(pd.Series(["Jo Smith", " ANONYMOUS! ", "Zoë", "n/a"],
    ...                               dtype="string")).tolist()
    [False, True, True, True]
    """
    printable = text.str.fullmatch(r"[\x20-\x7e]*").fillna(False)
    key = (text.str.lower().str.replace(r"[^a-z0-9_ ]", " ", regex=True)
           .str.replace(r" +", " ", regex=True).str.strip())
    return ~printable | key.isin(ANONYMOUS_NAMES).fillna(False)


def _date_reading(raw, instrument, match, dates, problems, text=None) -> DateReading:
    """One decision on date order for the whole file; a refusal when it cannot be made."""
    keys = [m.key for m in (match.role("started"), match.role("completed"), match.role("modified"))
            if m is not None]
    date_items = set(instrument.item_ids("date"))
    keys += [m.key for m in match.matches if m.item in date_items]
    columns = [raw.frame[k] for k in keys]
    # the columns' text as already read, when all hold Python objects (as it reads them)
    read = text is not None and all(pd.api.types.is_object_dtype(c) for c in columns)
    reading = read_date_order(columns, dates, [text(k) for k in keys] if read else None)
    heading = next((m.heading for m in match.matches if m.key in keys), "")
    if reading.ambiguous:
        problems.append(dict(
            row=None, column=heading, value=reading.example, rule="ambiguous_dates",
            message=(f"reads both ways, and so does every date in this file: "
                     f"{reading.example_day_first} if dates are written day-first, "
                     f"{reading.example_month_first} if month-first; nothing was imported"),
            fix="say how this file writes dates: add --dates month-first (as US accounts "
                "export) or --dates day-first (as UK accounts export)",
            severity="refused"))
    return reading


def _empty_for(item: Item, index: pd.Index) -> pd.Series:
    if item.type in ("likert", "choice", "number"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if item.type == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(pd.NA, index=index, dtype="string")


def _coded_answers(frame: pd.DataFrame, instrument: Instrument, match: MatchResult,
                   text: FrameText | None = None) -> dict[int, CodedBlock]:
    """The codes of every column coded with a response set (likert, choice and roster grid
    questions), each response set's columns in one pass: ``{id(rset): block}``."""
    keys_of: dict[int, list] = {}
    rsets: dict[int, ResponseSet] = {}
    for item in instrument.items:
        cols = match.for_item(item.id)
        rset = instrument.response_set_of(item)
        if not cols or rset is None or item.type not in ("likert", "choice", "roster_grid"):
            continue
        rsets[id(rset)] = rset
        keys_of.setdefault(id(rset), []).extend(
            c.key for c in (cols[:1] if item.type != "roster_grid" else cols))
    return {rid: code_block(frame, keys, rsets[rid], text) for rid, keys in keys_of.items()}


def _coded_column(frame: pd.DataFrame, key, rset: ResponseSet, coded_answers: dict
                  ) -> tuple[pd.Series, pd.Series]:
    """``(codes, bad)`` of one column, from the blocks already coded when it is in one."""
    block = coded_answers.get(id(rset))
    if block is not None and key in block.keys:
        return coded_series(block, key, frame[key])
    return code_values(frame[key], rset)
