"""Imports as history: store, replace (only when asked), undo, remove, restore — nothing lost.

Every import is kept. Replacing the import of a cohort's wave marks the
earlier one ``replaced``; removing marks it ``removed``; ``undo`` reverses
the latest change. Each of these is one transaction (see
:mod:`evaluate.workspace.store`) and one event in the manifest.
"""

from __future__ import annotations

import difflib

import pandas as pd

from evaluate.errors import ImportRefused, WorkspaceError
from evaluate.workspace.core import (
    CONFIG_NAME,
    RESPONSE_COLUMNS,
    StoreOutcome,
    Workspace,
    safe_label,
)
from evaluate.workspace.store import active_records, now, slot_of

__all__ = ["store_import", "undo", "remove", "restore", "compare_responses", "describe_change"]

_UNDOABLE = ("import", "replace", "remove", "restore", "panel_round")


def _near(value: str, options: list[str]) -> str:
    """" Did you mean X?" for the likeliest of ``options`` (case is ignored), or ''."""
    same = [o for o in options if o.casefold() == value.casefold()]
    if same:
        return f" Did you mean {same[0]}? (Names are matched exactly, capitals included.)"
    folded = {o.casefold(): o for o in options}
    close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    return f" Did you mean {folded[close[0]]}?" if close else ""


def check_declared(ws: Workspace, cohort: str, wave: str, *, new_cohort: bool = False,
                   new_wave: bool = False) -> tuple[str, str]:
    """Cohort and wave, trimmed; refused when the workspace does not declare them."""
    cohort = safe_label(cohort, "Cohort")
    wave = safe_label(wave, "Wave")
    if cohort not in ws.cohorts and not new_cohort:
        listed = ", ".join(ws.cohorts) or "none yet"
        raise ImportRefused(
            f'Cohort "{cohort}" is not one of this workspace\'s cohorts ({listed}), so nothing was '
            f"imported.{_near(cohort, ws.cohorts)} If {cohort} is a new cohort, add it on purpose "
            "with --new-cohort (or put its people on the roster).")
    if wave not in ws.waves and not new_wave:
        raise ImportRefused(
            f'Wave "{wave}" is not one of this workspace\'s waves ({", ".join(ws.waves)}), so '
            f"nothing was imported.{_near(wave, ws.waves)} If {wave} is a new wave, add it on "
            "purpose with --new-wave.")
    return cohort, wave


def compare_responses(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, int]:
    """What replacing ``old`` responses by ``new`` changes, person by person.

    Returns ``added`` and ``removed`` (people), ``changed_people`` and
    ``changed_answers`` (answers that differ for people in both).
    """
    fixed = set(RESPONSE_COLUMNS)
    items = [c for c in new.columns if c not in fixed and c in old.columns]
    a = old.drop_duplicates("participant", keep="last").set_index("participant")
    b = new.drop_duplicates("participant", keep="last").set_index("participant")
    both = a.index.intersection(b.index)
    changed = pd.DataFrame(False, index=both, columns=items)
    for col in items:
        x, y = a.loc[both, col], b.loc[both, col]
        same = x.eq(y).fillna(False).to_numpy(dtype=bool) | (x.isna().to_numpy() & y.isna().to_numpy())
        changed[col] = ~same
    extra = [c for c in new.columns if c not in fixed and c not in old.columns]
    answered_extra = int(b.loc[both, extra].notna().sum().sum()) if extra else 0
    return {
        "added": int(len(b.index.difference(a.index))),
        "removed": int(len(a.index.difference(b.index))),
        "changed_people": int(changed.any(axis=1).sum()),
        "changed_answers": int(changed.to_numpy().sum()) + answered_extra,
    }


def describe_change(change: dict[str, int]) -> str:
    parts = []
    if change["added"]:
        parts.append(_count(change["added"], "person", "people") + " added")
    if change["removed"]:
        parts.append(_count(change["removed"], "person", "people") + " removed")
    if change["changed_answers"]:
        parts.append(f"{_count(change['changed_answers'], 'answer', 'answers')} changed for "
                     f"{_count(change['changed_people'], 'person', 'people')}")
    return ", ".join(parts) if parts else "no answers change"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _find(manifest: dict, import_id: str) -> dict:
    key = str(import_id).strip().lstrip("#")
    if key.isdigit():
        key = f"{int(key):04d}"
    for record in manifest["records"]:
        if record.get("id") == key:
            return record
    known = ", ".join(r["id"] for r in manifest["records"][-10:]) or "none"
    raise WorkspaceError(f'There is no import "{import_id}" in this workspace (latest: {known}) — '
                         "see `evaluate history`")


def _verified(ws: Workspace, record: dict, doing: str) -> dict:
    """``record``, when its data files are all present and unchanged; refused otherwise.

    Nothing is changed by a refusal: it is raised inside the transaction, so
    the manifest is not written.
    """
    from evaluate.workspace.check import import_problem

    if record.get("state") == "damaged":
        raise WorkspaceError(
            f"Cannot {doing}: import {record['id']} ({record.get('file')}) was found damaged "
            f"by `evaluate repair`, so it is never used again — import {record.get('file')} "
            "again instead. Nothing was changed.")
    problem = import_problem(ws.path, record)
    if problem is not None:
        raise WorkspaceError(
            f"Cannot {doing}: the files of import {record['id']} ({record.get('file')}) are not "
            f"as they were stored — {problem[1]} ({problem[0]}). Import {record.get('file')} again "
            f"instead, and run `evaluate check {ws.path}` to see what else is damaged. "
            "Nothing was changed.")
    return record


def _slot_active(manifest: dict, slot) -> dict | None:
    return next((r for r in active_records(manifest) if slot_of(r) == slot), None)


def set_aside_note(ws: Workspace, tx) -> str:
    """A sentence naming what the change moved to lost+found/ ('' when nothing)."""
    if not tx.set_aside:
        return ""
    names = ", ".join(str(new.relative_to(ws.path)) for _, new in tx.set_aside[:5])
    more = f" and {len(tx.set_aside) - 5} more" if len(tx.set_aside) > 5 else ""
    return (f" Files no manifest listed (left by an interrupted change, or by evaluate 0.1) "
            f"were moved to {names}{more}: nothing was deleted; look at them, then delete them "
            "if you do not need them.")


def _label(record: dict) -> str:
    return (f"import {record['id']} ({record['file']}: {record['instrument']}, cohort "
            f"{record['cohort']}, wave {record['wave']}, {record.get('accepted', 0)} accepted)")


def store_import(ws: Workspace, *, cohort: str, wave: str, instrument, responses: pd.DataFrame,
                 ties: pd.DataFrame, stakeholders: pd.DataFrame, quarantine: pd.DataFrame,
                 entry: dict, replace: bool = False, new_cohort: bool = False,
                 new_wave: bool = False, roster: pd.DataFrame | None = None,
                 instrument_file: tuple[str, bytes] | None = None) -> StoreOutcome:
    """Store one import as one transaction.

    Re-importing the same file (same bytes, instrument version and options)
    changes nothing. An export for a cohort and wave that already hold an
    import is refused unless ``replace`` is given, and the refusal says what
    would change; the replaced import stays in the history. Cohorts and waves
    the workspace does not declare are refused unless ``new_cohort`` /
    ``new_wave`` add them. ``roster`` (pseudonymised) is stored with the import,
    and ``instrument_file`` (name, bytes) is kept in the workspace's instruments.
    """
    cohort, wave = check_declared(ws, cohort, wave, new_cohort=new_cohort, new_wave=new_wave)
    with ws.transaction(f"importing {entry.get('file', 'an export')}") as tx:
        manifest = tx.manifest
        slot = (cohort, wave, instrument.id)
        previous = _slot_active(manifest, slot)
        if previous is not None and previous.get("sha256") == entry.get("sha256") and \
                previous.get("instrument") == instrument.ref and \
                previous.get("options") == entry.get("options"):
            return StoreOutcome(
                "unchanged",
                f"{entry['file']} was already imported for cohort {cohort}, wave {wave} "
                f"(import {previous['id']}) — nothing changed.", previous)
        change = None
        if previous is not None:
            old = ws._gather("responses", instrument.id, wave, cohort)
            change = compare_responses(old, responses)
            if not replace:
                raise ImportRefused(
                    f"Cohort {cohort}, wave {wave} already holds {_label(previous)}. Importing "
                    f"{entry['file']} instead would change it: {describe_change(change)}. Nothing "
                    "was imported — if this export is the corrected one, add --replace (the "
                    "earlier import stays in the history, and `evaluate undo` brings it back).")
        if cohort not in ws.cohorts or wave not in ws.waves:
            ws.config = Workspace.open(ws.path).config
            ws.config["cohorts"] = list(dict.fromkeys([*ws.cohorts, cohort]))
            ws.config["waves"] = list(dict.fromkeys([*ws.waves, wave]))
            tx.write_after(ws.path / CONFIG_NAME, ws._config_text())
        if roster is not None:
            ws.store_roster(roster)
        if instrument_file is not None:
            name, data = instrument_file
            tx.write_after(ws.path / "instruments" / name, data.decode("utf-8"))
        fields = {**entry, "state": "active", "cohort": cohort, "wave": wave,
                  "instrument": instrument.ref, "stored_at": now()}
        if previous is not None:
            fields.update(replaces=previous["id"], change=change)
        record = tx.stage_import({"responses": responses, "ties": ties,
                                  "stakeholders": stakeholders, "problems": quarantine}, fields)
        import_id = record["id"]
        if previous is not None:
            previous["state"] = "replaced"
            previous["replaced_by"] = import_id
            tx.event("replace", **{"import": import_id, "previous": previous["id"]})
            status = "replaced"
            message = (f"{entry['file']} replaces {_label(previous)}: {describe_change(change)}; "
                       f"now {entry['accepted']} accepted (import {import_id}). The earlier "
                       "import is kept: `evaluate undo` brings it back.")
        else:
            tx.event("import", **{"import": import_id})
            status = "new"
            message = (f"Stored {entry['accepted']} responses for cohort {cohort}, wave {wave} "
                       f"(import {import_id}).")
        message += set_aside_note(ws, tx)
    return StoreOutcome(status, message, record)


def undo(ws: Workspace) -> str:
    """Reverse the latest change that has not been undone already."""
    with ws.transaction("undoing the latest change") as tx:
        manifest = tx.manifest
        events = [e for e in manifest["events"]
                  if e["action"] in (*_UNDOABLE, "correct") and not e.get("undone")]
        if not events:
            raise WorkspaceError("There is nothing to undo in this workspace.")
        event = events[-1]
        if event["action"] == "panel_round":  # a story selection (evaluate.stories.rounds)
            event["undone"] = True
            tx.event("undo", undoes=event["seq"], round=event.get("round"))
            return (f"Undid panel round {event.get('round')} ({event.get('level')}): its choices "
                    "no longer count (the round stays in the history).")
        if event["action"] == "correct":  # a reviewed correction (evaluate.workspace.corrections)
            from evaluate.workspace.corrections import undo_in

            return undo_in(tx, event["correction"]["id"])
        record = _find(manifest, event["import"])
        if event["action"] == "import":
            record["state"] = "removed"
            said = f"Undid {_label(record)}: it is no longer used (it stays in the history)."
        elif event["action"] == "replace" or event.get("previous"):
            previous = _verified(ws, _find(manifest, event["previous"]),
                                 f"undo the latest change (bringing back import {event['previous']})")
            record["state"] = event.get("was", "removed")
            previous["state"] = "active"
            said = (f"Undid the change: {_label(previous)} is used again instead of "
                    f"import {record['id']}.")
        elif event["action"] == "restore":
            record["state"] = event.get("was", "removed")
            said = f"Undid the restore: import {record['id']} is no longer used."
        else:  # remove
            current = _slot_active(manifest, slot_of(record))
            if current is not None:
                raise WorkspaceError(
                    f"Cannot undo the removal of import {record['id']}: {_label(current)} has "
                    "taken its place since — remove that one first.")
            _verified(ws, record, f"undo the removal of import {record['id']}")
            record["state"] = "active"
            said = f"Undid the removal: {_label(record)} is used again."
        event["undone"] = True
        tx.event("undo", undoes=event["seq"], **{"import": record["id"]})
    return said


def remove(ws: Workspace, import_id: str) -> str:
    """Stop using an import (it stays in the history; `undo` brings it back)."""
    with ws.transaction(f"removing import {import_id}") as tx:
        record = _find(tx.manifest, import_id)
        if record.get("state") != "active":
            raise WorkspaceError(f"Import {record['id']} is not in use ({record.get('state')}), so "
                                 "there is nothing to remove — see `evaluate history`.")
        record["state"] = "removed"
        tx.event("remove", **{"import": record["id"]})
    from evaluate.workspace.check import import_problem

    problem = import_problem(ws.path, record)
    if problem is not None:
        return (f"Removed {_label(record)}: the analyses no longer use it. Its files are damaged "
                f"({problem[1]}), so it cannot be brought back: import {record['file']} again if "
                "you need it.")
    return (f"Removed {_label(record)}: the analyses no longer use it. It stays in the history; "
            "`evaluate undo` brings it back.")


def restore(ws: Workspace, import_id: str) -> str:
    """Use an earlier import again, in place of whatever its cohort and wave hold now."""
    with ws.transaction(f"restoring import {import_id}") as tx:
        record = _find(tx.manifest, import_id)
        if record.get("state") == "active":
            raise WorkspaceError(f"Import {record['id']} is already in use.")
        _verified(ws, record, f"restore import {record['id']}")
        current = _slot_active(tx.manifest, slot_of(record))
        was = record.get("state")
        record["state"] = "active"
        if current is not None:
            current["state"] = "replaced"
            tx.event("restore", **{"import": record["id"], "previous": current["id"], "was": was})
            said = f"Restored {_label(record)} in place of import {current['id']}."
        else:
            tx.event("restore", **{"import": record["id"], "previous": None, "was": was})
            said = f"Restored {_label(record)}."
    return said
