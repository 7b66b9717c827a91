"""Rebuilding a lost or damaged manifest from what the imports say of themselves.

Used by ``evaluate repair`` (:mod:`evaluate.workspace.check`). The manifest
is rebuilt from, in this order of trust:

1. the event log (``events.jsonl``), replayed from its start — every
   committed change with the records it added or changed, whole;
2. where the log does not reach back to the start, ``manifest.prev.json``
   (the manifest before the last change), with the log's later changes
   replayed on it;
3. the sealed record in each import's folder (``imports/0007/import.json``),
   for any import neither of these names.

Nothing committed is lost: an import folder is dropped from the rebuilt
manifest only when the complete log shows it was never committed, and then
it is moved to ``lost+found/``, not deleted.
"""

from __future__ import annotations

import json
from pathlib import Path

from evaluate.workspace.journal import read_log, read_seal
from evaluate.workspace.store import (
    FORMAT,
    IMPORTS_DIR,
    PREVIOUS_MANIFEST,
    check_manifest,
    empty_manifest,
    now,
    slot_of,
)

__all__ = ["rebuild_manifest", "sound_manifest"]


def sound_manifest(path: Path) -> dict | None:
    """The format-2 manifest at ``path``, or None when it is missing or damaged."""
    try:
        manifest = check_manifest(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        return None
    return manifest if manifest.get("format") == FORMAT else None


def _valid(record) -> bool:
    try:
        check_manifest({"format": FORMAT, "records": [record], "events": []})
    except ValueError:
        return False
    return True


def _apply(manifest: dict, line: dict) -> None:
    """Replay one line of the event log onto ``manifest``."""
    records = [r for r in line.get("records", []) if _valid(r)]
    events = [e for e in line.get("events", [])
              if isinstance(e, dict) and isinstance(e.get("seq"), int)
              and isinstance(e.get("action"), str)]
    if line.get("baseline"):
        manifest["records"], manifest["events"] = [], []
    _put(manifest["records"], records, "id")
    _put(manifest["events"], events, "seq")
    manifest["tx"] = max(int(manifest.get("tx", 0)), line["tx"])


def _put(items: list[dict], new: list[dict], key: str) -> None:
    """Replace the item with the same ``key`` by each of ``new``, or add it at the end."""
    where = {item[key]: n for n, item in enumerate(items)}
    for item in new:
        if item[key] in where:
            items[where[item[key]]] = item
        else:
            where[item[key]] = len(items)
            items.append(item)


def _one_active_per_slot(manifest: dict) -> None:
    """Where imports found only by their seals share a slot, the latest stays in use."""
    latest: dict = {}
    for record in sorted(manifest["records"], key=lambda r: int(r["id"])):
        if record.get("state") != "active":
            continue
        earlier = latest.get(slot_of(record))
        if earlier is not None:
            earlier["state"] = "replaced"
            earlier["replaced_by"] = record["id"]
        latest[slot_of(record)] = record


def rebuild_manifest(root: Path) -> tuple[dict, list[str]]:
    """A manifest rebuilt from the log, the previous manifest and the sealed records.

    Returns the manifest and sentences saying how it was rebuilt, import by
    import.
    """
    root = Path(root)
    lines = read_log(root)
    prev = sound_manifest(root / PREVIOUS_MANIFEST)
    said: list[str] = []
    if lines and (lines[0].get("baseline") or lines[0]["tx"] == 1):
        manifest, replay, complete = empty_manifest(), lines, True
        said.append(f"Rebuilt the manifest from the event log ({len(lines)} changes).")
    elif prev is not None:
        start = int(prev.get("tx", 0))
        replay = [line for line in lines if line["tx"] > start]
        complete = bool(lines) and (not replay or replay[0]["tx"] == start + 1)
        manifest = prev
        said.append("Rebuilt the manifest from the copy made before the last change "
                    f"(manifest.prev.json){f' and {len(replay)} later changes in the event log' if replay else ''}.")
    else:
        manifest, replay, complete = empty_manifest(), lines, False
        said.append("Rebuilt the manifest from the imports' own sealed records"
                    f"{' and what remains of the event log' if lines else ''}.")
    for line in replay:
        _apply(manifest, line)
    listed = {r["id"] for r in manifest["records"]}
    found = []
    folder = root / IMPORTS_DIR
    for path in sorted(folder.iterdir() if folder.is_dir() else []):
        if not path.name.isdigit() or path.name in listed or complete:
            continue
        record = read_seal(path)
        if record is not None:
            manifest["records"].append(record)
            found.append(record)
    _one_active_per_slot(manifest)
    for record in found:
        manifest["events"].append({"seq": len(manifest["events"]) + 1, "at": now(),
                                   "action": "import", "import": record["id"],
                                   "from_seal": True})
    manifest["records"].sort(key=lambda r: int(r["id"]))
    for record in manifest["records"]:
        said.append(f"  import {record['id']} ({record.get('file')}: cohort {record['cohort']}, "
                    f"wave {record['wave']}, {record['instrument']}) — {_state(record)}"
                    f"{', found by its sealed record' if record in found else ''}.")
    return check_manifest(manifest), said


def _state(record: dict) -> str:
    state = record.get("state")
    if state == "replaced" and record.get("replaced_by"):
        return f"replaced by {record['replaced_by']}"
    return {"active": "in use", "removed": "removed (kept in the history)"}.get(state, str(state))
