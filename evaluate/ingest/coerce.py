"""Turn matched export columns into typed, coded data — one column at a time.

Labels become codes ("Strongly agree" → 5) and numeric codes are accepted;
"Prefer not to say" and blanks become missing; multi-selects are split;
names picked from the roster become network ties; dates are parsed. Work is
vectorised per column: values are looked up once per distinct value, never
once per respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluate.ingest.cells import text_cells
from evaluate.ingest.dates import DateReading, parse_datetimes, read_date_order
from evaluate.ingest.matching import MatchResult
from evaluate.instruments import Instrument, Item, ResponseSet
from evaluate.normalise import normalise_label

__all__ = ["Coerced", "coerce_export", "code_values", "parse_datetimes", "split_multi",
           "split_choices"]

# parse_datetimes lives in evaluate.ingest.dates; it is importable from here as before.

_BAD = -999_999.0  # sentinel for "not an allowed answer" (never a real code)
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


def code_values(values: pd.Series, rset: ResponseSet) -> tuple[pd.Series, pd.Series]:
    """Code answers with a response set.

    Returns ``(codes, bad)``: codes as float64 (NaN for blank or a "missing"
    answer such as "Prefer not to say"), and a boolean mask of cells holding
    something that is neither a label, an alias, nor a valid code.
    """
    text = _text(values)
    lookup = rset.lookup()
    missing = rset.missing_keys()
    codes = set(rset.codes)
    mapping: dict[str, float] = {}
    for value in text.dropna().unique():
        key = normalise_label(value)
        if key in lookup:
            mapping[value] = float(lookup[key])
        elif key in missing:
            mapping[value] = np.nan
        else:
            try:
                number = float(str(value).replace(",", "."))
            except ValueError:
                number = None
            mapping[value] = number if number is not None and number in codes else _BAD
    coded = text.map(mapping).astype("float64")
    bad = coded == _BAD
    return coded.mask(bad), bad


def split_multi(values: pd.Series, separator: str | None) -> pd.Series:
    """Split multi-select cells into one row per choice (index repeats).

    With no known separator, ";" is used if any cell has one, else ","; cells
    that are only codes separated by spaces (ODK and KoboToolbox exports of
    an XLSForm) are split on the spaces.
    """
    text = _text(values).dropna()
    if separator is None:
        separator = ";" if text.str.contains(";", regex=False).any() else ","
        if separator == "," and len(text) and text.str.fullmatch(r"-?\d+(?:\s+-?\d+)*").all():
            separator = " "
    parts = text.str.split(separator.strip() or separator, regex=False).explode()
    parts = parts.astype("string").str.strip()
    return parts[parts.notna() & (parts != "")]


def _problem(rows: np.ndarray, column: str, values, rule: str, message: str, fix: str,
             severity: str = "error", personal: bool = False) -> list[dict]:
    values = list(values)
    return [dict(row=int(r), column=column, value=None if v is None else str(v), rule=rule,
                 message=message, fix=fix, severity=severity, personal=personal)
            for r, v in zip(rows, values, strict=True)]


def _combine(raw, cols) -> pd.Series | None:
    series = None
    for m in cols:
        s = _text(raw.frame[m.key])
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
    frame = raw.frame
    rows = np.asarray(raw.row_numbers)
    index = frame.index
    problems: list[dict] = []
    notes: list[str] = []
    out = pd.DataFrame(index=index)
    reading = _date_reading(raw, instrument, match, dates, problems)
    order = reading.order or ("day-first" if reading.ambiguous else None)
    offsets = False

    def read_dates(key: str) -> pd.Series:
        nonlocal offsets
        parsed, aware = parse_datetimes(frame[key], order)
        offsets |= aware
        return parsed

    # --- metadata ------------------------------------------------------------------
    rid = match.role("respondent_id")
    out["response_id"] = _text(frame[rid.key]) if rid else pd.Series(pd.NA, index=index, dtype="string")
    for role in ("started", "completed"):
        m = match.role(role)
        if m is None:
            out[role] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
            continue
        out[role] = read_dates(m.key)
        unread = _text(frame[m.key]).notna() & out[role].isna()
        if unread.any():
            problems += _problem(rows[unread.to_numpy()], m.heading, _text(frame[m.key])[unread],
                                 "date", "could not be read as a date and time, so it was left blank",
                                 "nothing to do unless the times matter; the answers were kept",
                                 severity="warning")
    if match.role("completed") is None and match.role("modified") is not None:
        out["completed"] = read_dates(match.role("modified").key)

    excluded = pd.Series(False, index=index)
    status = match.role("status")
    if status is not None and not keep_preview:
        st = _text(frame[status.key]).str.casefold()
        preview = st.isin(_PREVIEW).fillna(False)
        if preview.any():
            problems += _problem(rows[preview.to_numpy()], status.heading, st[preview],
                                 "survey_preview", "is a test response (survey preview), left out",
                                 "nothing to do; use --keep-preview to import test responses",
                                 severity="excluded")
            excluded |= preview
    finished = match.role("finished")
    if finished is not None and not keep_incomplete:
        fin = _text(frame[finished.key]).str.casefold()
        unfinished = (fin.notna() & ~fin.isin(_TRUE)) & ~excluded
        if unfinished.any():
            problems += _problem(rows[unfinished.to_numpy()], finished.heading, fin[unfinished],
                                 "unfinished", "is an unfinished response, left out",
                                 "nothing to do; use --keep-incomplete to import partial responses",
                                 severity="excluded")
            excluded |= unfinished

    # --- who answered ----------------------------------------------------------------
    def role_cols(*roles):
        return [m for m in match.matches if m.role in roles]

    email = _combine(raw, role_cols("email", "recipient_email"))
    staff = _combine(raw, role_cols("staff_id"))
    name = _without_placeholders(_combine(raw, role_cols("name")))
    first = _combine(raw, role_cols("first_name", "recipient_first_name"))
    last = _combine(raw, role_cols("last_name", "recipient_last_name"))
    if first is not None or last is not None:
        joined = (first.fillna("") if first is not None else "") + " " + (
            last.fillna("") if last is not None else "")
        joined = pd.Series(joined, index=index).astype("string").str.strip().replace("", pd.NA)
        name = joined if name is None else name.fillna(joined)
    fallback = out["response_id"].fillna(pd.Series(rows, index=index).astype(str))
    fallback = raw.path.name + "#" + fallback.astype("string")
    if roster is not None:
        pid, matched = roster.match_respondents(email, staff, name, salt, fallback)
        member_cohort = pid.map(roster.frame.set_index("participant")["cohort"])
    else:
        from evaluate.roster import Roster  # empty roster: everyone unmatched

        empty = Roster(frame=pd.DataFrame(columns=["participant", "cohort", "email_key", "staff_key",
                                                   "name_key", "display"]), source="")
        pid, matched = empty.match_respondents(email, staff, name, salt, fallback)
        member_cohort = pd.Series(pd.NA, index=index)
    out.insert(0, "participant", pid)
    out.insert(1, "matched", matched.to_numpy(dtype=bool))
    no_identity = (email is None or email.isna().all()) and (staff is None or staff.isna().all()) \
        and (name is None or name.isna().all())
    unmatched = ~matched & ~excluded
    if roster is not None and unmatched.any():
        ident = role_cols("email", "recipient_email", "staff_id", "name", "first_name")
        heading = ident[0].heading if ident else ""
        hint = ("the export has no email, name or staff id column — collect one, or add its "
                "heading to the instrument's identity aliases") if no_identity else (
            "check the spelling against the roster, or add the person to the roster; the "
            "response is kept as an unlinked participant")
        problems += _problem(rows[unmatched.to_numpy()], heading, [None] * int(unmatched.sum()),
                             "not_on_roster", "this respondent is not on the roster, so their "
                             "answers cannot be linked across surveys", hint,
                             severity="warning", personal=True)
    other = matched & member_cohort.notna() & (member_cohort.astype("string") != cohort) & ~excluded
    if other.any():
        problems += _problem(rows[other.to_numpy()], "", member_cohort[other],
                             "other_cohort", f"this respondent is on the roster for another cohort, "
                             f"not {cohort}", "check the --cohort given, or the roster", severity="warning")
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
    for item in instrument.items:
        cols = match.for_item(item.id)
        if not cols:
            if item.type not in ("roster_multi", "roster_grid"):
                out[item.id] = _empty_for(item, index)
            continue
        rset = instrument.response_set_of(item)
        if item.type in ("likert", "choice"):
            col = cols[0]
            coded, bad = code_values(frame[col.key], rset)
            out[item.id] = coded
            if bad.any():
                problems += _problem(
                    rows[bad.to_numpy()], col.heading, _text(frame[col.key])[bad], "allowed_answers",
                    f"is not one of the answers for {rset.id}", f"use one of: {rset.describe()}")
        elif item.type == "number":
            col = cols[0]
            text = _text(frame[col.key])
            number = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
            bad = text.notna() & number.isna()
            out[item.id] = number.astype("float64")
            if bad.any():
                problems += _problem(rows[bad.to_numpy()], col.heading, text[bad], "number",
                                     "is not a number", "write a number, e.g. 5")
        elif item.type == "date":
            col = cols[0]
            text = _text(frame[col.key])
            parsed = read_dates(col.key)
            bad = text.notna() & parsed.isna()
            out[item.id] = parsed
            if bad.any():
                problems += _problem(rows[bad.to_numpy()], col.heading, text[bad], "date",
                                     "is not a date", "write a date such as 27/07/2026")
        elif item.type == "text":
            text = _combine(raw, cols)
            out[item.id] = text
            if item.id == "stakeholders" or item.attribute == "stakeholders":
                parts = split_multi(text, ";" if text.str.contains(";", regex=False).any() else ",")
                if len(parts):
                    stakeholders.append(pd.DataFrame({
                        "row_index": parts.index, "stakeholder": parts.map(normalise_label)}))
        elif item.type == "multi":
            out[item.id] = _coerce_multi(raw, item, rset, cols, rows, problems)
        elif item.type == "roster_multi":
            if roster is None:
                continue
            ties_parts.append(_roster_multi_ties(raw, item, cols, roster, rows, problems))
        elif item.type == "roster_grid":
            if roster is None:
                continue
            grid_parts.append(_roster_grid(raw, item, rset, cols, roster, rows, problems))

    ties = _assemble_ties(ties_parts, grid_parts, out["participant"], rows, instrument, problems)
    if stakeholders:
        st = pd.concat(stakeholders, ignore_index=True)
        st["source"] = out["participant"].reindex(st["row_index"]).to_numpy()
        st = st.drop(columns="row_index").drop_duplicates()
    else:
        st = pd.DataFrame({"source": pd.Series(dtype="string"), "stakeholder": pd.Series(dtype="string")})
    out["source_row"] = rows.astype("int64")
    if reading.note():
        notes.append(reading.note())
    if offsets:
        notes.append("Some times carried a UTC offset (such as +01:00 or Z); they were converted "
                     "to UTC so that they compare correctly.")
    return Coerced(responses=out, ties=ties, stakeholders=st[["source", "stakeholder"]],
                   problems=problems, excluded=excluded, notes=notes, dates=reading)


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
    placeholders = [v for v in names.dropna().unique() if normalise_label(v) in ANONYMOUS_NAMES]
    return names.mask(names.isin(placeholders)) if placeholders else names


def _date_reading(raw, instrument, match, dates, problems) -> DateReading:
    """One decision on date order for the whole file; a refusal when it cannot be made."""
    keys = [m.key for m in (match.role("started"), match.role("completed"), match.role("modified"))
            if m is not None]
    date_items = set(instrument.item_ids("date"))
    keys += [m.key for m in match.matches if m.item in date_items]
    reading = read_date_order([raw.frame[k] for k in keys], dates)
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


_UNTICKED = {"0", "false"}


def _coerce_multi(raw, item, rset, cols, rows, problems) -> pd.Series:
    """Codes chosen in a multi-select, joined with ``|`` in code order.

    Two layouts: one column per option (SurveyMonkey, Qualtrics ``Q2_1`` …; a
    cell that is not blank or ``0`` is a tick), or one cell per respondent
    with the chosen options joined by the platform's separator.
    """
    frame = raw.frame
    index = frame.index
    per_option = [c for c in cols if c.target is not None or c.choice is not None]
    single = [c for c in cols if c not in per_option]
    parts = []
    for c in per_option:
        parts.append(_option_column_codes(frame[c.key], c, rset, rows, problems))
    for c in single:
        parts.append(_joined_cell_codes(frame[c.key], c, rset, raw.multi_separator, rows, problems))
    exploded = pd.concat(parts) if parts else pd.Series(dtype="string")
    if not len(exploded):
        return pd.Series(pd.NA, index=index, dtype="string")
    # one boolean column per option, then the codes joined in code order (vectorised per option)
    positions = index.get_indexer(exploded.index)
    chosen = np.zeros((len(index), len(rset.codes)), dtype=bool)
    code_pos = {str(c): k for k, c in enumerate(sorted(rset.codes))}
    chosen[positions, exploded.map(code_pos).to_numpy(dtype=int)] = True
    joined = np.full(len(index), "", dtype=object)
    for code, k in sorted(code_pos.items(), key=lambda kv: kv[1]):
        joined = np.where(chosen[:, k], joined + code + "|", joined)
    result = pd.Series(joined, index=index, dtype="string").str.rstrip("|")
    return result.mask(result == "")


def _option_column_codes(values: pd.Series, col, rset: ResponseSet, rows, problems) -> pd.Series:
    """The code of each tick in a one-column-per-option column (index = response)."""
    text = _text(values)
    ticked = text.notna() & ~text.str.casefold().isin(_UNTICKED)
    lookup = rset.lookup()
    code = lookup.get(normalise_label(col.target)) if col.target else None
    if code is None and col.choice is not None and int(col.choice) in rset.codes:
        code = int(col.choice)  # the option's number in the column id (Q4_10 → 10)
    if code is not None:
        return pd.Series(str(code), index=values.index[ticked.to_numpy()], dtype="string")
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
    return codes[~unknown].astype(int).astype(str).astype("string")


def _joined_cell_codes(values: pd.Series, col, rset: ResponseSet, separator, rows,
                       problems) -> pd.Series:
    """The codes in cells that join several options (``a;b;``, ``a, b``, ``2,3,7``)."""
    text = _text(values).dropna()
    if separator is None:
        separator = ";" if text.str.contains(";", regex=False).any() else ","
        if separator == "," and len(text) and text.str.fullmatch(r"-?\d+(?:\s+-?\d+)*").all():
            separator = " "  # ODK and KoboToolbox: an XLSForm's codes joined by spaces
    lookup = rset.lookup()
    missing = rset.missing_keys()
    codes = set(rset.codes)
    parsed = {v: split_choices(v, separator, lookup, missing, codes) for v in text.unique()}
    cells = text.astype(object)
    found = cells.map({v: p[0] for v, p in parsed.items()}).explode().dropna()
    unknown = cells.map({v: p[1] for v, p in parsed.items()}).explode().dropna()
    if len(unknown):
        bad_rows = rows[values.index.get_indexer(unknown.index)]
        problems += _problem(bad_rows, col.heading, unknown, "allowed_answers",
                             f"is not one of the options for {rset.id}",
                             f"use one of: {', '.join(rset.labels)}")
    return found.astype(int).astype(str).astype("string")


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
    whole = normalise_label(cell)
    if whole in lookup:
        return [lookup[whole]], []
    sep = separator.strip() or separator
    parts = [p.strip() for p in str(cell).split(sep)]
    parts = [p for p in parts if p]
    found: list[int] = []
    unknown: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            key = normalise_label(sep.join(parts[i:j]))
            if key in lookup:
                found.append(lookup[key])
                i = j
                break
        else:
            part = parts[i]
            key = normalise_label(part)
            number = _as_code(part)
            if number is not None and number in codes:
                found.append(number)
            elif key not in missing:
                unknown.append(part)
            i += 1
    return list(dict.fromkeys(found)), unknown


def _as_code(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _name_problems(names: pd.Series, heading: str, rows: np.ndarray, roster) -> list[dict]:
    """Unmatched names: one warning per cell, with the nearest roster names."""
    out = []
    suggestions = {n: roster.suggest(n) for n in names.unique()}
    for r, n in zip(rows, names, strict=True):
        near = suggestions[n]
        fix = "check the spelling against the roster, or add the person to it"
        if near:
            fix += " — did you mean " + " or ".join(near) + "?"
        out.append(dict(row=int(r), column=heading, value=n, rule="unknown_name",
                        message="is not on the roster, so this tie was not recorded", fix=fix,
                        severity="warning", personal=True))
    return out


def _roster_multi_ties(raw, item, cols, roster, rows, problems) -> pd.DataFrame:
    frame = raw.frame
    index = frame.index
    parts = []
    for c in cols:
        if c.target:  # one column per person (SurveyMonkey-style)
            chosen = _text(frame[c.key]).notna()
            parts.append(pd.Series(c.target, index=index[chosen.to_numpy()], dtype="string"))
        else:
            parts.append(split_multi(frame[c.key], raw.multi_separator))
    names = pd.concat(parts) if parts else pd.Series(dtype="string")
    target = roster.match_names(names)
    unknown = target.isna()
    if unknown.any():
        pos = index.get_indexer(names.index[unknown.to_numpy()])
        problems += _name_problems(names[unknown], cols[0].heading, rows[pos], roster)
    return pd.DataFrame({"row_index": names.index[~unknown.to_numpy()],
                         "target": target[~unknown].to_numpy(),
                         "relation": item.relation})


def _roster_grid(raw, item, rset, cols, roster, rows, problems) -> pd.DataFrame:
    frame = raw.frame
    targets = roster.match_names(pd.Series([c.target or "" for c in cols], dtype="string"))
    pieces = []
    for c, t in zip(cols, targets, strict=True):
        if pd.isna(t):
            problems.append(dict(row=None, column=c.heading, value=c.target, rule="unknown_name",
                                 message="names someone who is not on the roster, so this column was not used",
                                 fix="check the spelling against the roster"
                                     + (" — did you mean " + " or ".join(roster.suggest(c.target or "")) + "?"
                                        if roster.suggest(c.target or "") else ""),
                                 severity="file", personal=True))
            continue
        coded, bad = code_values(frame[c.key], rset)
        if bad.any():
            problems += _problem(rows[bad.to_numpy()], c.heading, _text(frame[c.key])[bad],
                                 "allowed_answers", f"is not one of the answers for {rset.id}",
                                 f"use one of: {rset.describe()}")
        answered = coded.notna()
        pieces.append(pd.DataFrame({"row_index": frame.index[answered.to_numpy()], "target": t,
                                    "value": coded[answered].to_numpy()}))
    grid = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(
        columns=["row_index", "target", "value"])
    grid["relation"] = item.relation
    grid["attribute"] = item.attribute or item.id
    grid["floor"] = float(min(rset.codes))
    return grid


def _assemble_ties(multi_parts, grid_parts, participant, rows, instrument, problems) -> pd.DataFrame:
    cols = ["source", "target", "relation", "frequency", "trust", "source_row"]
    multi = pd.concat(multi_parts, ignore_index=True) if multi_parts else pd.DataFrame(
        columns=["row_index", "target", "relation"])
    if grid_parts:
        grid = pd.concat(grid_parts, ignore_index=True)
        attrs = grid.pivot_table(index=["row_index", "target", "relation"], columns="attribute",
                                 values="value", aggfunc="first").reset_index()
        freq_floor = grid.loc[grid["attribute"] == "frequency", "floor"]
        floor = freq_floor.iloc[0] if len(freq_floor) else np.nan
        merged = multi.merge(attrs, on=["row_index", "target", "relation"], how="outer", indicator=True)
        grid_only = merged["_merge"] == "right_only"
        # a grid answer alone makes a tie only when it reports real contact
        keep = ~grid_only
        if "frequency" in merged:
            keep |= grid_only & (merged["frequency"] > floor)
        ties = merged[keep].drop(columns="_merge")
    else:
        ties = multi
    for a in ("frequency", "trust"):
        if a not in ties:
            ties[a] = np.nan
    if ties.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("frequency", "trust") else "string")
                             for c in cols}).astype({"source_row": "int64"})
    ties = ties.reset_index(drop=True)
    ties["source"] = participant.reindex(ties["row_index"]).to_numpy()
    pos = participant.index.get_indexer(ties["row_index"])
    ties["source_row"] = rows[pos].astype("int64")
    self_tie = ties["source"] == ties["target"]
    if self_tie.any():
        problems += _problem(ties.loc[self_tie, "source_row"].to_numpy(), instrument.item(
            instrument.item_ids("roster_multi", "roster_grid")[0]).text if instrument.item_ids(
            "roster_multi", "roster_grid") else "", [None] * int(self_tie.sum()), "self_tie",
            "names the respondent themselves; that choice was ignored", "nothing to do",
            severity="warning")
    ties = ties[~self_tie]
    ties = ties.drop_duplicates(["source", "target", "relation"], keep="first")
    ties = ties.sort_values(["source_row", "relation", "target"], kind="stable")
    out = ties[cols].reset_index(drop=True)
    out["source"] = out["source"].astype("string")
    out["target"] = out["target"].astype("string")
    out["relation"] = out["relation"].astype("string")
    out["frequency"] = out["frequency"].astype("float64")
    out["trust"] = out["trust"].astype("float64")
    return out

