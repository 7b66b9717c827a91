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

from evaluate.ingest.matching import MatchResult
from evaluate.instruments import Instrument, Item, ResponseSet
from evaluate.normalise import normalise_label

__all__ = ["Coerced", "coerce_export", "code_values", "parse_datetimes", "split_multi"]

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


def _text(values: pd.Series) -> pd.Series:
    """Cells as trimmed strings; blanks missing. Whole numbers lose a trailing ".0"."""
    out = values.astype("string").str.strip()
    out = out.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    return out.mask(out.isin(["", "nan", "NaN", "None", "NaT", "<NA>"]))


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

    With no known separator, ";" is used if any cell has one, else ",".
    """
    text = _text(values).dropna()
    if separator is None:
        separator = ";" if text.str.contains(";", regex=False).any() else ","
    parts = text.str.split(separator.strip() or separator, regex=False).explode()
    parts = parts.astype("string").str.strip()
    return parts[parts.notna() & (parts != "")]


_DAYFIRST_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y %H:%M:%S",
                     "%d/%m/%y %H:%M", "%d/%m/%y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
_MONTHFIRST_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y %H:%M:%S",
                       "%m/%d/%y %H:%M", "%m/%d/%y", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")
_ISO_FORMATS = ("ISO8601",)


def _plausible(parsed: pd.Series) -> pd.Series:
    """Dates outside 1900–2199 are not survey dates (and do not fit nanosecond times): missing."""
    years = parsed.dt.year
    return parsed.where((years >= 1900) & (years < 2200)).astype("datetime64[ns]")


def parse_datetimes(values: pd.Series, prefer_dayfirst: bool) -> pd.Series:
    """Dates and times from whatever the export holds (Excel dates, ISO, local formats).

    Text is tried against ISO 8601 and the common day-first and month-first
    layouts, each parsed in one vectorised pass; the layout that reads the
    most cells wins, and ``prefer_dayfirst`` breaks a tie (a date such as
    03/04/2026 reads both ways). Cells no layout reads are tried once more
    one by one, and stay missing if that fails too.
    """
    s = values.astype("object")
    if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.infer_dtype(
            s, skipna=True) in ("datetime", "datetime64", "date"):
        return _plausible(pd.to_datetime(s, errors="coerce"))
    text = _text(s)
    index = text.index
    if text.isna().all():
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    numeric = pd.to_numeric(text, errors="coerce")
    serial = numeric.between(20000, 80000)  # Excel serial day numbers
    order = (_DAYFIRST_FORMATS + _MONTHFIRST_FORMATS) if prefer_dayfirst else (
        _MONTHFIRST_FORMATS + _DAYFIRST_FORMATS)
    best, best_n = None, -1
    for fmt in _ISO_FORMATS + order:
        parsed = pd.to_datetime(text, errors="coerce", format=fmt)
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        parsed = _plausible(parsed)
        n = int(parsed.notna().sum())
        if n > best_n:
            best, best_n = parsed, n
        if n == int(text.notna().sum()):
            break
    parsed = best.astype("datetime64[ns]")
    rest = text.notna() & parsed.isna() & ~serial
    if rest.any():
        fallback = pd.to_datetime(text[rest], errors="coerce", dayfirst=prefer_dayfirst,
                                  format="mixed", utc=True).dt.tz_localize(None)
        parsed[rest] = _plausible(fallback)
    if serial.any():
        parsed[serial] = pd.to_datetime("1899-12-30") + pd.to_timedelta(numeric[serial], unit="D")
    return parsed


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
) -> Coerced:
    """Code every matched column; build ties; identify respondents.

    ``raw`` is a :class:`~evaluate.ingest.readers.RawExport`; ``roster`` a
    :class:`~evaluate.roster.Roster` or None (then every respondent is
    unmatched and roster questions cannot be coded).
    """
    frame = raw.frame
    rows = np.asarray(raw.row_numbers)
    index = frame.index
    problems: list[dict] = []
    out = pd.DataFrame(index=index)
    dayfirst = raw.platform not in ("microsoft_forms",)

    # --- metadata ------------------------------------------------------------------
    rid = match.role("respondent_id")
    out["response_id"] = _text(frame[rid.key]) if rid else pd.Series(pd.NA, index=index, dtype="string")
    for role in ("started", "completed"):
        m = match.role(role)
        if m is None:
            out[role] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
            continue
        out[role] = parse_datetimes(frame[m.key], dayfirst)
        unread = _text(frame[m.key]).notna() & out[role].isna()
        if unread.any():
            problems += _problem(rows[unread.to_numpy()], m.heading, _text(frame[m.key])[unread],
                                 "date", "could not be read as a date and time, so it was left blank",
                                 "nothing to do unless the times matter; the answers were kept",
                                 severity="warning")
    if match.role("completed") is None and match.role("modified") is not None:
        out["completed"] = parse_datetimes(frame[match.role("modified").key], dayfirst)

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
    name = _combine(raw, role_cols("name"))
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
            parsed = parse_datetimes(frame[col.key], dayfirst)
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
    return Coerced(responses=out, ties=ties, stakeholders=st[["source", "stakeholder"]],
                   problems=problems, excluded=excluded)


def _empty_for(item: Item, index: pd.Index) -> pd.Series:
    if item.type in ("likert", "choice", "number"):
        return pd.Series(np.nan, index=index, dtype="float64")
    if item.type == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    return pd.Series(pd.NA, index=index, dtype="string")


def _coerce_multi(raw, item, rset, cols, rows, problems) -> pd.Series:
    frame = raw.frame
    index = frame.index
    lookup = rset.lookup()
    if any(c.target for c in cols):
        # one column per option (SurveyMonkey): a non-blank cell means chosen
        parts = []
        for c in cols:
            code = lookup.get(normalise_label(c.target or ""))
            chosen = _text(frame[c.key]).notna()
            if code is None:
                if chosen.any():
                    problems += _problem(rows[chosen.to_numpy()], c.heading, _text(frame[c.key])[chosen],
                                         "allowed_answers", f"is not one of the options for {rset.id}",
                                         f"use one of: {', '.join(rset.labels)}", severity="warning")
                continue
            parts.append(pd.Series(str(code), index=index[chosen.to_numpy()]))
        exploded = pd.concat(parts) if parts else pd.Series(dtype="string")
    else:
        c = cols[0]
        pieces = split_multi(frame[c.key], raw.multi_separator)
        code_of = {v: lookup.get(normalise_label(v)) for v in pieces.unique()}
        codes = pieces.map(code_of)
        unknown = codes.isna()
        if unknown.any():
            bad_rows = rows[index.get_indexer(pieces.index[unknown.to_numpy()])]
            problems += _problem(bad_rows, c.heading, pieces[unknown], "allowed_answers",
                                 f"is not one of the options for {rset.id}",
                                 f"use one of: {', '.join(rset.labels)}")
        exploded = codes[~unknown].astype(int).astype(str)
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

