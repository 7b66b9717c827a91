"""Reviewed corrections: decisions a person made about an export, applied without editing it.

Two everyday problems are fixed by a decision rather than by editing the
export and exporting again:

- a respondent (or a person named in a network answer) who is not on the
  roster is the roster person ``P-…`` (a misspelt email or name), or is
  *not on the programme* (a facilitator who answered, a guest);
- a misspelt answer (``"Agree strongy"``) is one of its response set's
  options.

Each decision is a correction stored in the workspace's manifest (who made
it, when, for which cohort, wave and instrument, from which file) with an
event in the history, so it is listed (``evaluate corrections WS``) and
undone like any change. A correction applies to every later import of that
cohort's wave of that instrument (the file it was made on, and its
replacements), from the app or from ``evaluate ingest`` alike.

Nothing personal is stored: a person is keyed by the same salted hash that
gives an unmatched respondent its ``U-`` id (``email:``, ``staff:`` or
``name:`` and the normalised value), never by the name or email itself.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluate.errors import WorkspaceError

__all__ = [
    "KINDS", "NOT_ON_PROGRAMME", "SlotCorrections", "add_correction", "undo_correction", "undo_in",
    "list_corrections", "slot_corrections", "name_key", "describe", "who",
]

#: What a correction is about: a respondent, a name in a network answer, or an answer.
KINDS = ("respondent", "name", "answer")
#: The decision "this person is not on the programme".
NOT_ON_PROGRAMME = "not_on_programme"


def who() -> str:
    """Who is making a correction: ``EVALUATE_USER``, else the computer's user name."""
    name = os.environ.get("EVALUATE_USER", "").strip()
    if name:
        return name[:80]
    try:
        return getpass.getuser()[:80]
    except (OSError, KeyError):  # no user name (a container without one)
        return "unknown"


def name_key(names: pd.Series, salt: str) -> pd.Series:
    """The stored key of each name a respondent typed in a network answer (salted hash)."""
    from evaluate.normalise import normalise_name_series
    from evaluate.privacy import pseudonymise

    return pseudonymise("name:" + normalise_name_series(names), salt, prefix="N-")


def _corrections(manifest: dict) -> list[dict]:
    """Every correction, from the events that stored them (the event log keeps them, so a
    rebuilt manifest keeps them too): in use unless their event was undone."""
    found = []
    for e in manifest.get("events", []):
        c = e.get("correction") if e.get("action") == "correct" else None
        if isinstance(c, dict) and isinstance(c.get("id"), str):
            found.append({**c, "at": e.get("at"),
                          "state": "undone" if e.get("undone") else "active"})
    return found


def _event_of(manifest: dict, correction_id: str) -> dict | None:
    return next((e for e in manifest.get("events", []) if e.get("action") == "correct"
                 and isinstance(e.get("correction"), dict)
                 and e["correction"].get("id") == correction_id), None)


def list_corrections(ws, *, include_undone: bool = True) -> list[dict]:
    """Every correction of the workspace, oldest first (undone ones too, unless told)."""
    from evaluate.workspace.store import read_manifest

    rows = _corrections(read_manifest(ws.path))
    return rows if include_undone else [c for c in rows if c.get("state") == "active"]


def describe(c: dict) -> str:
    """One correction in words (no personal data: people are named by their ids)."""
    where = f"cohort {c['cohort']}, wave {c['wave']}, {c['instrument']}"
    if c["kind"] == "answer":
        what = f'answer "{c["key"][1]}" to {c["key"][0]} read as "{c.get("label") or c["decision"]}"'
    else:
        who_ = "respondent" if c["kind"] == "respondent" else "name in a network answer"
        to = ("not on the programme" if c["decision"] == NOT_ON_PROGRAMME
              else f"roster person {c['decision']}")
        what = f"{who_} {c['key']} is {to}"
    return f"{what} ({where}; from {c.get('file') or 'an export'})"


def add_correction(ws, *, kind: str, cohort: str, wave: str, instrument: str, key,
                   decision, label: str | None = None, file: str | None = None,
                   by: str | None = None) -> dict:
    """Store one reviewed decision as one change to the workspace; return the correction.

    ``instrument`` is the instrument's id (a correction holds across its
    versions). For ``kind="respondent"`` ``key`` is the respondent's ``U-``
    id; for ``"name"`` the name's ``N-`` key (:func:`name_key`); for
    ``"answer"`` the pair (item id, answer as normalised). ``decision`` is a
    roster id, :data:`NOT_ON_PROGRAMME`, or the answer's code. A decision on
    the same thing as an earlier one takes its place (undoing it brings the
    earlier one back).
    """
    if kind not in KINDS:
        raise WorkspaceError(f"A correction is about one of {', '.join(KINDS)}, not {kind!r}")
    key = list(key) if isinstance(key, (tuple, list)) else str(key)
    if kind == "answer":
        decision = int(decision)
    elif decision != NOT_ON_PROGRAMME:
        decision = str(decision)
        people = set(ws.roster()["participant"].astype(str))
        if decision not in people:
            raise WorkspaceError(f"{decision} is not on this workspace's roster — choose someone "
                                 "from the suggestions or the list")
    instrument = str(instrument).split("@")[0]
    with ws.transaction("storing a correction") as tx:
        rows = _corrections(tx.manifest)
        record = {"id": f"C{len(rows) + 1:03d}", "kind": kind, "cohort": cohort, "wave": wave,
                  "instrument": instrument, "key": key, "decision": decision,
                  "label": label, "file": file, "by": by or who()}
        for earlier in rows:
            if earlier["state"] == "active" and _same_target(earlier, record):
                _event_of(tx.manifest, earlier["id"])["undone"] = True
                record["supersedes"] = earlier["id"]
        event = tx.event("correct", correction=record)
    return {**record, "at": event["at"], "state": "active"}


def _same_target(a: dict, b: dict) -> bool:
    return all(a.get(k) == b.get(k) for k in ("kind", "cohort", "wave", "instrument", "key"))


def undo_correction(ws, correction_id: str | None = None) -> str:
    """Undo one correction (the latest in use when none is named); say what changed."""
    with ws.transaction("undoing a correction") as tx:
        said = undo_in(tx, correction_id)
    return said


def undo_in(tx, correction_id: str | None) -> str:
    """Undo a correction inside the transaction ``tx`` (also used by `evaluate undo`)."""
    rows = _corrections(tx.manifest)
    if correction_id is None:
        active = [c for c in rows if c["state"] == "active"]
        if not active:
            raise WorkspaceError("There is no correction in use to undo.")
        correction_id = active[-1]["id"]
    target = next((c for c in rows if c["id"] == correction_id), None)
    if target is None:
        raise WorkspaceError(f"There is no correction {correction_id} in this workspace "
                             "— see `evaluate corrections`")
    if target["state"] != "active":
        raise WorkspaceError(f"Correction {correction_id} is not in use already.")
    _event_of(tx.manifest, target["id"])["undone"] = True
    restored = _event_of(tx.manifest, target["supersedes"]) if target.get("supersedes") else None
    if restored is not None:
        restored.pop("undone", None)
    tx.event("uncorrect", correction_id=target["id"])
    said = f"Undid correction {target['id']}: {describe(target)}."
    if restored is not None:
        said += f" Correction {target['supersedes']} is used again."
    return said + " It applies from the next import of that file (import it again to use it now)."


@dataclass
class SlotCorrections:
    """The corrections in use for one cohort, wave and instrument, ready to apply at import."""

    respondents: dict[str, str] = field(default_factory=dict)  # U- id -> P- id or NOT_ON_PROGRAMME
    names: dict[str, str] = field(default_factory=dict)        # N- key -> P- id or NOT_ON_PROGRAMME
    answers: dict[tuple[str, str], int] = field(default_factory=dict)  # (item, answer) -> code
    ids: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def roster_view(self, roster, salt: str):
        """``roster`` seeing these decisions (None stays None)."""
        if roster is None or not (self.respondents or self.names):
            return roster
        return CorrectedRoster(roster, self, salt)

    def apply_answers(self, raw, match, instrument):
        """``raw`` with each corrected answer written as its option's label (a copy when changed).

        Only the answers of one-choice questions (Likert and choice items) are
        mapped; the export file itself is never touched.
        """
        if not self.answers:
            return raw
        from dataclasses import replace

        from evaluate.ingest.cells import text_cells
        from evaluate.normalise import map_distinct, normalise_label

        frame = None
        for item in instrument.items:
            wanted = {value: code for (item_id, value), code in self.answers.items()
                      if item_id == item.id}
            if not wanted or item.type not in ("likert", "choice"):
                continue
            labels = dict(instrument.response_set_of(item).options)
            written = {value: labels[code] for value, code in wanted.items()}
            for col in match.for_item(item.id):
                text = text_cells(raw.frame[col.key])
                keys = map_distinct(text, normalise_label)
                hit = keys.isin(list(wanted)).fillna(False).to_numpy(dtype=bool)
                if not hit.any():
                    continue
                frame = raw.frame.copy() if frame is None else frame
                column = frame[col.key].astype(object).to_numpy(copy=True)
                column[hit] = keys[hit].map(written).to_numpy()
                frame[col.key] = column
        return raw if frame is None else replace(raw, frame=frame)

    def review(self, responses: pd.DataFrame) -> list[dict]:
        """Records for what the decisions changed: respondents not on the programme left out.

        ``responses`` are the coded rows (participant, source_row). Returns
        problem records (severity ``excluded``) for the rows to leave out.
        """
        out = [k for k, v in self.respondents.items() if v == NOT_ON_PROGRAMME]
        if not out:
            return []
        hit = responses["participant"].isin(out).to_numpy(dtype=bool)
        rows = responses.loc[hit, "source_row"].to_numpy(dtype="int64")
        return [dict(row=int(r), column=None, value=None, rule="not_on_programme",
                     message="was marked as not on the programme (a reviewed correction), "
                             "so the response was left out",
                     fix="nothing to do; `evaluate corrections` lists the decision and "
                         "`evaluate corrections --undo ID` reverses it", severity="excluded")
                for r in np.sort(rows)]

    def reviewed_names(self, problems: pd.DataFrame, salt: str) -> np.ndarray:
        """Mask of ``problems`` that are unknown names reviewed as not on the programme."""
        out = {k for k, v in self.names.items() if v == NOT_ON_PROGRAMME}
        mask = np.zeros(len(problems), dtype=bool)
        unknown = ((problems["rule"] == "unknown_name") & problems["value"].notna()).to_numpy(bool)
        if not out or not unknown.any():
            return mask
        keys = name_key(problems.loc[unknown, "value"].astype("string"), salt)
        mask[np.flatnonzero(unknown)] = keys.isin(out).to_numpy(dtype=bool)
        return mask


class CorrectedRoster:
    """A roster that also knows the reviewed decisions about people not on it."""

    def __init__(self, roster, corrections: SlotCorrections, salt: str):
        self._roster = roster
        self._corrections = corrections
        self._salt = salt

    def __getattr__(self, name):  # everything else is the roster's own
        return getattr(self._roster, name)

    def match_respondents(self, email, staff_id, name, salt, fallback):
        pid, matched = self._roster.match_respondents(email, staff_id, name, salt, fallback)
        people = {k: v for k, v in self._corrections.respondents.items() if v != NOT_ON_PROGRAMME}
        if people:
            mapped = pid.map(people)
            found = mapped.notna().to_numpy(dtype=bool) & ~matched.to_numpy(dtype=bool)
            pid = pid.mask(pd.Series(found, index=pid.index), mapped).astype("string")
            matched = matched | pd.Series(found, index=matched.index)
        return pid, matched

    def match_names(self, names: pd.Series) -> pd.Series:
        target = self._roster.match_names(names)
        people = {k: v for k, v in self._corrections.names.items() if v != NOT_ON_PROGRAMME}
        missing = target.isna().to_numpy(dtype=bool)
        if people and missing.any():
            keys = name_key(names[missing].astype("string"), self._salt)
            target = target.copy()
            target[missing] = keys.map(people).astype("string").to_numpy()
        return target


def slot_corrections(ws, cohort: str, wave: str, instrument: str) -> SlotCorrections:
    """The corrections in use for this cohort, wave and instrument (id or ref)."""
    wanted = str(instrument).split("@")[0]
    found = SlotCorrections()
    for c in list_corrections(ws, include_undone=False):
        if (c.get("cohort"), c.get("wave"), c.get("instrument")) != (cohort, wave, wanted):
            continue
        if c["kind"] == "respondent":
            found.respondents[str(c["key"])] = c["decision"]
        elif c["kind"] == "name":
            found.names[str(c["key"])] = c["decision"]
        elif c["kind"] == "answer" and isinstance(c["key"], list) and len(c["key"]) == 2:
            found.answers[(str(c["key"][0]), str(c["key"][1]))] = int(c["decision"])
        else:
            continue
        found.ids.append(c["id"])
    return found
