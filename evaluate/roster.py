"""The cohort roster: who is on the programme, and how to recognise them in exports.

The roster file (csv or xlsx, one row per person: name, email, staff id,
cohort, organisation, sector, place, role) stays with the programme lead; the
workspace stores only pseudonymous ids and attributes. Respondents are matched
by email, then staff id, then name (case-, accent-, spacing- and
order-insensitive: "Smith, Jo" is "Jo Smith").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from evaluate.errors import ReadError, RosterError
from evaluate.normalise import (
    normalise_email_series,
    normalise_heading,
    normalise_name,
    normalise_name_series,
)
from evaluate.privacy import pseudonymise

__all__ = ["Roster", "read_roster", "ATTRIBUTES"]

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
}


@dataclass
class Roster:
    """People on the programme. ``frame`` holds private keys and is never stored.

    Columns of ``frame``: participant, cohort, organisation, sector, place,
    role, email_key, staff_key, name_key, display (the name as written, for
    suggestions shown to the person running the import only).
    """

    frame: pd.DataFrame
    source: str

    def public(self) -> pd.DataFrame:
        """Pseudonymised roster for the workspace: no names, emails or staff ids."""
        return self.frame[["participant", "cohort", *ATTRIBUTES]].copy()

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
            lookup = self.frame.dropna(subset=["email_key"]).set_index("email_key")["participant"]
            pid = pid.fillna(e.map(lookup).astype("string"))
        if staff_id is not None:
            s = staff_id.astype("string").str.strip().str.casefold().replace("", pd.NA)
            keys.append(("staff", s))
            lookup = self.frame.dropna(subset=["staff_key"]).set_index("staff_key")["participant"]
            pid = pid.fillna(s.map(lookup).astype("string"))
        if name is not None:
            nk = normalise_name_series(name)
            keys.append(("name", nk))
            named = self.frame.dropna(subset=["name_key"])
            unique_names = named.drop_duplicates("name_key", keep=False)
            lookup = unique_names.set_index("name_key")["participant"]
            pid = pid.fillna(nk.map(lookup).astype("string"))
        matched = pid.notna()
        unmatched_key = pd.Series(pd.NA, index=fallback.index, dtype="string")
        for kind, k in keys:
            unmatched_key = unmatched_key.fillna(kind + ":" + k)
        unmatched_key = unmatched_key.fillna("row:" + fallback.astype("string"))
        pid = pid.fillna(pseudonymise(unmatched_key, salt, prefix="U-"))
        if len(pid) != n:
            raise RosterError("internal: respondent matching changed the number of rows")
        return pid.astype("string"), matched

    def match_names(self, names: pd.Series) -> pd.Series:
        """Participant id for each name (vectorised); missing where not on the roster."""
        nk = normalise_name_series(names)
        named = self.frame.dropna(subset=["name_key"]).drop_duplicates("name_key", keep=False)
        return nk.map(named.set_index("name_key")["participant"]).astype("string")

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest roster names to ``name`` (for a message to the importer)."""
        key = normalise_name(name)
        keys = self.frame["name_key"].dropna().tolist()
        close = difflib.get_close_matches(key, keys, n=n, cutoff=0.6)
        # also try the surname / first-name tokens alone
        if not close:
            tokens = set(key.split())
            close = [k for k in keys if tokens & set(k.split())][:n]
        display = self.frame.set_index("name_key")["display"]
        return [str(display[k]) if not isinstance(display[k], pd.Series) else str(display[k].iloc[0])
                for k in close]


def _find(columns: list[str], role: str) -> str | None:
    wanted = _HEADINGS[role]
    for col in columns:
        if normalise_heading(col) in wanted:
            return col
    return None


def read_roster(path: str | Path, salt: str, cohort: str | None = None) -> Roster:
    """Read and check a roster file; give everyone a salted pseudonymous id.

    Raises
    ------
    RosterError
        The file has no cohort column (and none was given), no way to
        recognise people (name, email or staff id), or repeats an email or
        staff id.
    """
    from evaluate.ingest.readers import read_export

    path = Path(path)
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
    out["cohort"] = text(found["cohort"]) if found["cohort"] else pd.Series(cohort, index=frame.index, dtype="string")
    if cohort is not None and found["cohort"] is not None:
        out["cohort"] = out["cohort"].fillna(cohort)
    for attr in ATTRIBUTES:
        out[attr] = text(found[attr])
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
    out["participant"] = pseudonymise(identity, salt, prefix="P-")
    for key, label, heading in (("email_key", "email", found["email"]),
                                ("staff_key", "staff id", found["staff_id"])):
        dup = out[key].notna() & out[key].duplicated(keep=False)
        if dup.any():
            dup_rows = ", ".join(str(r) for r in rows[dup.to_numpy()][:10])
            raise RosterError(
                f'{path.name}, rows {dup_rows}, column "{heading}": the same {label} appears more '
                "than once — each person should be on the roster once"
            )
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
