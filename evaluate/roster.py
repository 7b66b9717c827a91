"""The cohort roster: who is on the programme, and how to recognise them in exports.

The roster file (csv or xlsx, one row per person: name, email, staff id,
cohort, organisation, sector, place, role) stays with the programme lead; the
workspace stores only pseudonymous ids and attributes. Respondents are matched
by email, then staff id, then name (case-, accent-, spacing- and
order-insensitive: "Smith, Jo" is "Jo Smith").

An optional ``Comparison`` column marks people who are *not* on the
programme but answer the same surveys at the same waves (a wait-list, the
next cohort, or colleagues): blank (or "no", "programme") for participants,
else the kind of comparison group. Analyses of the programme leave them out;
:mod:`evaluate.stats.comparison` compares the two groups.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import ReadError, RosterError
from evaluate.hashing import file_sha256
from evaluate.normalise import (
    normalise_email_series,
    normalise_heading,
    normalise_label,
    normalise_name_series,
)
from evaluate.privacy import IdClash, pseudonymise

__all__ = ["Roster", "read_roster", "ATTRIBUTES", "COMPARISON_KINDS", "comparison_groups",
           "split_by_group"]

ATTRIBUTES = ("organisation", "sector", "place", "role")
_HEADINGS = {
    "name": ("name", "full name", "participant", "participant name", "delegate"),
    "first_name": ("first name", "forename", "given name"),
    "last_name": ("last name", "surname", "family name"),
    "email": ("email", "email address", "e mail", "work email"),
    "staff_id": ("staff id", "employee id", "staff number", "id", "person id"),
    "cohort": ("cohort", "group", "intake"),
    "organisation": ("organisation", "organization", "org", "employer", "organisation name"),
    "sector": ("sector", "organisation type", "organization type"),
    "place": ("place", "locality", "area", "borough", "location"),
    "role": ("role", "job title", "job role", "position"),
    "comparison": ("comparison", "comparison group", "control group", "study group"),
}
#: Accepted answers in the roster's comparison column, by the kind they mean.
#: Blank or one of ``_PROGRAMME_WORDS`` marks a programme participant.
COMPARISON_KINDS = {
    "wait-list": ("wait-list", "waitlist", "wait list", "waiting list"),
    "next cohort": ("next cohort", "later cohort", "future cohort"),
    "colleagues not on the programme": ("colleagues", "colleagues not on the programme",
                                        "not on the programme", "non-participant",
                                        "non-participants"),
    "comparison": ("yes", "y", "true", "1", "comparison", "control", "comparison group"),
}
_PROGRAMME_WORDS = ("no", "n", "false", "0", "programme", "program", "participant",
                    "on the programme")


def _comparison_kinds(values: pd.Series, rows, file: str, heading: str) -> pd.Series:
    """The comparison kind of each roster row (NA for programme participants), checked."""
    key = values.astype("string").str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    lookup = {w: kind for kind, words in COMPARISON_KINDS.items() for w in words}
    lookup.update({w: "" for w in _PROGRAMME_WORDS})
    kind = key.map(lookup)
    bad = key.notna() & (key != "") & kind.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        accepted = "; ".join(f"{k} ({', '.join(w[:3])})" for k, w in COMPARISON_KINDS.items())
        raise RosterError(
            f'{file}, row {rows[i]}, column "{heading}": {values.iloc[i]!r} is not a kind of '
            f"comparison group — leave it blank for people on the programme, or write one of: "
            f"{accepted}"
        )
    return kind.replace("", pd.NA).astype("string")


#: Rosters smaller than this keep their look-up tables (see :meth:`Roster._lookup`).
_KEEP_LOOKUPS = 10_000


@dataclass
class Roster:
    """People on the programme. ``frame`` holds private keys and is never stored.

    Columns of ``frame``: participant, cohort, organisation, sector, place,
    role, email_key, staff_key, name_key, display (the name as written, for
    suggestions shown to the person running the import only).
    """

    frame: pd.DataFrame
    source: str
    _name_index: object = field(default=None, init=False, repr=False, compare=False)
    _personal: object = field(default=None, init=False, repr=False, compare=False)
    _lookups: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def public(self) -> pd.DataFrame:
        """Pseudonymised roster for the workspace: no names, emails or staff ids."""
        cols = ["participant", "cohort", *ATTRIBUTES]
        if "comparison" in self.frame.columns and self.frame["comparison"].notna().any():
            cols.append("comparison")
        return self.frame[cols].copy()

    def match_respondents(
        self,
        email: pd.Series | None,
        staff_id: pd.Series | None,
        name: pd.Series | None,
        salt: str,
        fallback: pd.Series,
    ) -> tuple[pd.Series, pd.Series]:
        """Participant id for each respondent (vectorised), and whether they matched.

        Tries email, then staff id, then name. Unmatched respondents get a
        ``U-`` id from their email, name or (last) ``fallback`` key, so a
        person who answers twice is still seen as one person.
        """
        n = len(fallback)
        pid = pd.Series(pd.NA, index=fallback.index, dtype="string")
        keys = []
        if email is not None:
            e = normalise_email_series(email)
            keys.append(("email", e))
            pid = pid.fillna(e.map(self._lookup("email_key")).astype("string"))
        if staff_id is not None:
            s = staff_id.astype("string").str.strip().str.casefold().replace("", pd.NA)
            keys.append(("staff", s))
            pid = pid.fillna(s.map(self._lookup("staff_key")).astype("string"))
        if name is not None:  # names of the respondents not yet found (each name costs)
            nk = normalise_name_series(name[pid.isna().to_numpy()])
            keys.append(("name", nk))
            pid = pid.fillna(nk.map(self._lookup("name_key")).astype("string"))
        matched = pid.notna()
        # a U- id for each respondent not found (only theirs are worked out)
        unmatched_key = pd.Series(pd.NA, index=fallback.index[~matched.to_numpy()], dtype="string")
        for kind, k in keys:
            unmatched_key = unmatched_key.fillna(kind + ":" + k)
        unmatched_key = unmatched_key.fillna("row:" + fallback.astype("string"))
        pid = pid.fillna(pseudonymise(unmatched_key, salt, prefix="U-"))
        if len(pid) != n:
            raise RosterError("internal: respondent matching changed the number of rows")
        return pid.astype("string"), matched

    def personal_data(self):
        """What to search stored text for: these people's names, emails and staff ids
        (worked out once per roster, on first use)."""
        if self._personal is None:
            self._personal = self._find_personal_data()
        return self._personal

    def _find_personal_data(self):
        from evaluate.scrub import PersonalData

        f = self.frame

        def lookup(col, key=lambda v: v):
            rows = f.dropna(subset=[col])
            return {key(str(k)): str(p)
                    for k, p in zip(rows[col].tolist(), rows["participant"].tolist(), strict=True)
                    if len(str(k).split()) >= (2 if col == "name_key" else 1)}

        return PersonalData(names=lookup("name_key"), emails=lookup("email_key"),
                            staff=lookup("staff_key", normalise_label))

    def match_names(self, names: pd.Series) -> pd.Series:
        """Participant id for each name (vectorised); missing where not on the roster."""
        nk = normalise_name_series(names)
        return nk.map(self._lookup("name_key")).astype("string")

    def _lookup(self, key: str) -> pd.Series:
        """Participant id by ``key`` (``email_key``, ``staff_key``, or ``name_key`` where no
        two people share the name).

        A cohort's imports look people up in the same roster again and again, so a
        roster of fewer than 10,000 people keeps its tables; a larger one builds
        them for each look-up (kept, they would hold memory a national import needs).
        """
        if key in self._lookups:
            return self._lookups[key]
        rows = self.frame.dropna(subset=[key])
        if key == "name_key":  # a name two people share identifies neither
            rows = rows.drop_duplicates("name_key", keep=False)
        lookup = rows.set_index(key)["participant"]
        if len(self.frame) < _KEEP_LOOKUPS:
            self._lookups[key] = lookup
        return lookup

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest roster names to ``name`` (for a message to the importer).

        Bounded work per name whatever the roster size: see
        :class:`evaluate.name_index.NameIndex` (built on the first call).
        """
        return self.name_index().nearest(name, n=n)

    def name_index(self):
        """The roster's names indexed for :meth:`suggest` (built once, on first use)."""
        if self._name_index is None:
            from evaluate.name_index import NameIndex

            named = self.frame.dropna(subset=["name_key"])
            self._name_index = NameIndex(named["name_key"].tolist(), named["display"].tolist())
        return self._name_index


def _find(columns: list[str], role: str) -> str | None:
    wanted = _HEADINGS[role]
    for col in columns:  # staff_id, Staff-ID and Staff ID are one heading
        if normalise_heading(str(col).replace("_", " ")) in wanted:
            return col
    return None


#: Rosters parsed in this process, by (file, its SHA-256, salt, cohort): the last few only.
_PARSED: dict[tuple, Roster] = {}
_KEEP = 4


def read_roster(path: str | Path, salt: str, cohort: str | None = None) -> Roster:
    """Read and check a roster file; give everyone a salted pseudonymous id.

    A roster is parsed once per state of its file: reading the same bytes
    again (same path, salt and cohort) in the same process gives the Roster
    already parsed, so a programme importing many exports pays for its roster
    once. The cache lives in memory only (a parsed roster holds names and
    emails, which are never written into the workspace); any change to the
    file's content parses it again. Treat the Roster returned as read-only.

    Raises
    ------
    RosterError
        The file has no cohort column (and none was given), no way to
        recognise people (name, email or staff id), or repeats an email or
        staff id.
    """
    path = Path(path)
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        regular = False
    if not regular:  # missing, a folder, a pipe …: the reader says what is wrong
        return _parse_roster(path, salt, cohort)
    key = (str(path.resolve()), file_sha256(path), salt, cohort)
    roster = _PARSED.pop(key, None)
    if roster is None:
        roster = _parse_roster(path, salt, cohort)
    _PARSED[key] = roster  # most recently used last
    while len(_PARSED) > _KEEP:
        _PARSED.pop(next(iter(_PARSED)))
    return roster


def _parse_roster(path: Path, salt: str, cohort: str | None) -> Roster:
    from evaluate.ingest.readers import read_export

    try:
        raw = read_export(path, platform="plain")
    except ReadError as exc:
        raise RosterError(f"Roster: {exc}") from None
    headings = {c.key: c.heading for c in raw.columns}
    frame = raw.frame.rename(columns=headings)
    cols = list(frame.columns)
    found = {role: _find(cols, role) for role in _HEADINGS}
    out = pd.DataFrame(index=frame.index)

    def text(col):
        if col is None:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        s = frame[col].astype("string").str.strip()
        return s.replace("", pd.NA)

    name = text(found["name"])
    if found["name"] is None and (found["first_name"] or found["last_name"]):
        name = (text(found["first_name"]).fillna("") + " " + text(found["last_name"]).fillna("")).str.strip()
        name = name.replace("", pd.NA)
    email = normalise_email_series(text(found["email"]))
    staff = text(found["staff_id"]).str.casefold()
    if found["name"] is None and found["email"] is None and found["staff_id"] is None \
            and found["first_name"] is None:
        raise RosterError(
            f"{path.name}: the roster needs a column that identifies people — add a "
            f"'Name', 'Email' or 'Staff ID' column (found: {', '.join(map(str, cols)) or 'no columns'})"
        )
    if found["cohort"] is None and cohort is None:
        raise RosterError(
            f"{path.name}: the roster has no 'Cohort' column — add one (e.g. c1, c2) or pass --cohort"
        )
    if frame.empty:
        raise RosterError(
            f"{path.name}: the roster lists no one (it has headings but no rows) — add one row "
            "per participant: name, email, cohort")
    out["cohort"] = text(found["cohort"]) if found["cohort"] else pd.Series(cohort, index=frame.index, dtype="string")
    if cohort is not None and found["cohort"] is not None:
        out["cohort"] = out["cohort"].fillna(cohort)
    for attr in ATTRIBUTES:
        out[attr] = text(found[attr])
    if found["comparison"] is not None:
        out["comparison"] = _comparison_kinds(frame[found["comparison"]], raw.row_numbers,
                                              path.name, str(found["comparison"]))
        if out["comparison"].notna().all():
            raise RosterError(
                f'{path.name}, column "{found["comparison"]}": everyone is marked as a comparison '
                "group, so no one is on the programme — leave the column blank for participants"
            )
    out["email_key"] = email
    out["staff_key"] = staff
    out["name_key"] = normalise_name_series(name)
    out["display"] = name
    identity = staff.fillna("email:" + email).fillna("name:" + out["name_key"])
    blank = identity.isna()
    rows = raw.row_numbers
    if blank.any():
        bad = ", ".join(str(r) for r in rows[blank.to_numpy()][:10])
        raise RosterError(
            f"{path.name}, row {bad}: no name, email or staff id — fill one in or delete the row"
        )
    if out["cohort"].isna().any():
        bad = ", ".join(str(r) for r in rows[out["cohort"].isna().to_numpy()][:10])
        raise RosterError(f"{path.name}, row {bad}: no cohort — fill in the cohort for each person")
    try:
        out["participant"] = pseudonymise(identity, salt, prefix="P-")
    except IdClash as exc:
        raise exc.at(path.name, frame.index, rows) from None
    for key, label, heading in (("email_key", "email", found["email"]),
                                ("staff_key", "staff id", found["staff_id"])):
        dup = out[key].notna() & out[key].duplicated(keep=False)
        if dup.any():
            dup_rows = ", ".join(str(r) for r in rows[dup.to_numpy()][:10])
            raise RosterError(
                f'{path.name}, rows {dup_rows}, column "{heading}": the same {label} appears more '
                "than once — each person should be on the roster once"
            )
    import pandera.pandas as pa  # here, not at the top: analyse and report never need it

    try:
        from evaluate.schemas import roster_schema

        roster_schema().validate(out, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        if fc.empty:
            raise RosterError(f"{path.name}: the roster does not pass its checks ({exc}) — correct it") from None
        first = fc.iloc[0]
        idx = first["index"]
        row = rows[int(idx)] if idx is not None and not pd.isna(idx) else "?"
        raise RosterError(
            f'{path.name}, row {row}, column "{first["column"]}": {first["failure_case"]!r} fails '
            f'{first["check"]} — correct the roster'
        ) from None
    out = out.reset_index(drop=True)
    out.insert(0, "participant", out.pop("participant"))
    return Roster(frame=out, source=path.name)


def comparison_groups(roster: pd.DataFrame) -> pd.Series:
    """participant → kind of comparison group, for the people in one (empty when none).

    Reads the ``comparison`` column of ``Workspace.roster()``; a roster
    without it has no comparison group.
    """
    if roster is None or "comparison" not in roster.columns or not len(roster):
        return pd.Series(dtype="string", name="comparison")
    kind = roster.set_index(roster["participant"].astype("string"))["comparison"].astype("string")
    kind = kind[kind.notna() & (kind != "")]
    return kind[~kind.index.duplicated()].rename("comparison")


def split_by_group(frame: pd.DataFrame, roster: pd.DataFrame,
                   column: str = "participant") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of programme participants and rows of comparison-group members.

    ``column`` holds participant ids (respondents not on the roster count as
    programme participants, as everywhere else).

    Examples
    --------
    >>> roster = pd.DataFrame({"participant": ["P-1", "P-2"], "cohort": ["c1", "c1"],
    ...                        "comparison": [pd.NA, "wait-list"]})
    >>> answers = pd.DataFrame({"participant": ["P-1", "P-2", "U-9"], "x": [1, 2, 3]})
    >>> programme, comparison = split_by_group(answers, roster)
    >>> list(programme["participant"]), list(comparison["participant"])
    (['P-1', 'U-9'], ['P-2'])
    """
    members = comparison_groups(roster)
    if not len(members) or not len(frame):
        return frame, frame.iloc[0:0]
    inside = frame[column].astype("string").isin(members.index).to_numpy()
    return frame[~inside], frame[inside]
