"""The manifest: every import a workspace has ever held, and the one commit point of every change.

Each import is stored once, in a folder of its own that never changes
afterwards (``imports/0007/responses.parquet`` …). The manifest
(``manifest.json``) lists every import with its state — ``active`` (read by
the analyses), ``replaced`` (a later export of the same cohort, wave and
instrument took its place) or ``removed`` — and every change as an event,
so that nothing is ever lost and any change can be undone.

A change is staged first (new files written under a temporary folder name,
with the import's sealed record, then renamed into place), logged
(``events.jsonl``), and becomes real only when the new manifest is renamed
over the old one, under the workspace lock: a crash at any moment leaves the
workspace as it was before the change or as it is after it. The manifest
before the last change is kept as ``manifest.prev.json``; the sealed records
and the log let ``evaluate repair`` rebuild a manifest that is lost (see
:mod:`evaluate.workspace.journal`). A change that changes nothing writes
nothing.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from evaluate.errors import WorkspaceDamaged
from evaluate.workspace.files import (
    WorkspaceLock,
    atomic_write_bytes,
    atomic_write_text,
    dumps_json,
    file_sha256,
    fsync_dir,
    write_parquet,
)
from evaluate.workspace.journal import (
    SEAL_NAME,
    append_log,
    keep_log_up_to,
    read_log,
    seal_of,
    set_aside,
    write_seal,
)

__all__ = [
    "MANIFEST",
    "PREVIOUS_MANIFEST",
    "IMPORTS_DIR",
    "KINDS",
    "Transaction",
    "read_manifest",
    "empty_manifest",
    "active_records",
    "leftovers",
    "unclaimed",
    "is_sound",
    "slot_of",
    "now",
]

MANIFEST = "manifest.json"
PREVIOUS_MANIFEST = "manifest.prev.json"
IMPORTS_DIR = "imports"
FORMAT = 2
#: The tables an import may hold, one parquet file each.
KINDS = ("responses", "ties", "stakeholders", "problems")
STATES = ("active", "replaced", "removed")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def empty_manifest() -> dict:
    return {"format": FORMAT, "records": [], "events": []}


def slot_of(record: dict) -> tuple[str, str, str]:
    """Cohort, wave and instrument id: one active import per slot."""
    return record["cohort"], record["wave"], str(record["instrument"]).split("@")[0]


def active_records(manifest: dict) -> list[dict]:
    return [r for r in manifest["records"] if r.get("state") == "active"]


def leftovers(root: Path, manifest: dict | None = None) -> list[Path]:
    """Temporary files and staging folders of changes that never committed.

    Nothing in them was ever committed (no import folder is renamed into
    place before its data and sealed record are complete), so they are safe
    to delete under the lock. Import folders the manifest does not list are
    not leftovers: see :func:`unclaimed`.
    """
    root = Path(root)
    found: list[Path] = [p for p in root.glob(".*.tmp")]
    folder = root / IMPORTS_DIR
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(".staging-") or p.name.endswith(".tmp"):
                found.append(p)
            elif p.is_dir() and p.name.isdigit():
                found += list(p.glob(".*.tmp"))
    return sorted(found)


def unclaimed(root: Path, manifest: dict) -> list[Path]:
    """Import folders the manifest does not list (set aside to ``lost+found/``, never deleted)."""
    folder = Path(root) / IMPORTS_DIR
    if not folder.is_dir():
        return []
    listed = {str(r.get("id")) for r in manifest.get("records", [])}
    return sorted(p for p in folder.iterdir() if p.name.isdigit() and p.name not in listed)


def _import_folders(root: Path) -> list[Path]:
    folder = Path(root) / IMPORTS_DIR
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.name.isdigit() and p.is_dir()]


def is_sound(path: Path) -> bool:
    """True when ``path`` holds a manifest evaluate can read."""
    try:
        check_manifest(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, RecursionError):
        return False
    return True


def read_manifest(root: Path) -> dict:
    """The manifest of the workspace at ``root``; a damaged one is named with the fix."""
    path = Path(root) / MANIFEST
    repair = f"run `evaluate repair {root}` to restore the last consistent state"
    if not path.exists():
        if _import_folders(root):
            raise WorkspaceDamaged(
                f"{path}: the manifest is missing but the workspace holds imported data — {repair}")
        return empty_manifest()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WorkspaceDamaged(
            f"{path}: the manifest is damaged ({exc.__class__.__name__}) — {repair}") from None
    try:
        return check_manifest(manifest)
    except ValueError as exc:
        raise WorkspaceDamaged(f"{path}: {exc} — {repair}") from None


def check_manifest(manifest) -> dict:
    """``manifest`` if it is shaped as evaluate writes it; otherwise ValueError saying where not.

    Every path it names must be the import's own file (``imports/ID/KIND.parquet``),
    so a damaged or hostile manifest cannot make evaluate read any other file.
    """
    if not isinstance(manifest, dict):
        raise ValueError(f"the manifest should be a JSON object, not a {type(manifest).__name__}")
    if "format" not in manifest and "imports" in manifest:
        entries = manifest["imports"]
        if not isinstance(entries, list) or not all(
                isinstance(e, dict) and all(isinstance(e.get(k), str) for k in
                                            ("cohort", "wave", "instrument", "file"))
                for e in entries):
            raise ValueError("the manifest's list of imports is damaged")
        return {"format": 1, **manifest}  # written by evaluate 0.1; migrated on the next change
    if manifest.get("format") != FORMAT:
        raise ValueError(f"not a manifest this version of evaluate understands (format "
                         f"{manifest.get('format')!r})")
    records, events = manifest.get("records"), manifest.get("events")
    if not isinstance(records, list) or not isinstance(events, list):
        raise ValueError("the manifest lacks its list of imports or of changes")
    tx = manifest.get("tx", 0)
    if isinstance(tx, bool) or not isinstance(tx, int) or tx < 0:
        raise ValueError("the manifest's count of changes is damaged")
    for n, r in enumerate(records, start=1):
        where = f"import {n} in the manifest"
        if not isinstance(r, dict):
            raise ValueError(f"{where} is not a record")
        for key in ("id", "state", "cohort", "wave", "instrument", "file"):
            if not isinstance(r.get(key), str):
                raise ValueError(f"{where} has no {key}")
        if not r["id"].isdigit() or r["state"] not in (*STATES, "damaged"):
            raise ValueError(f"{where} has an id or state evaluate does not write")
        files = r.get("files", {})
        if not isinstance(files, dict):
            raise ValueError(f"{where} has a damaged list of files")
        for kind, info in files.items():
            if kind not in KINDS or not isinstance(info, dict) or \
                    info.get("path") != f"{IMPORTS_DIR}/{r['id']}/{kind}.parquet" or \
                    not isinstance(info.get("sha256"), str) or \
                    isinstance(info.get("rows"), bool) or not isinstance(info.get("rows"), int):
                raise ValueError(f"{where} names a data file that is not its own")
        for key in ("read", "accepted", "quarantined", "excluded"):
            if key in r and (isinstance(r[key], bool) or not isinstance(r[key], int)):
                raise ValueError(f"{where} has a count that is not a number ({key})")
    for e in events:
        if not isinstance(e, dict) or not isinstance(e.get("seq"), int) or \
                not isinstance(e.get("action"), str):
            raise ValueError("the manifest's list of changes is damaged")
    return manifest


class Transaction:
    """One all-or-nothing change to a workspace.

    >>> # with Transaction(ws.path, "an import") as tx:
    >>> #     record = tx.stage_import(frames, {...})   # staged and sealed, not yet visible
    >>> # the new manifest is committed when the block ends without an error

    While the block runs, the workspace lock is held and ``tx.manifest`` is
    the latest manifest (re-read under the lock, so a change made by another
    process a moment ago is not lost). Files staged by a block that fails are
    removed; the manifest is not touched. A block that changes nothing
    writes nothing.
    """

    def __init__(self, root: Path, what: str, timeout: float = 60.0):
        self.root = Path(root)
        self.what = what
        self.lock = WorkspaceLock(self.root, timeout=timeout, what=what)
        self.manifest: dict = {}
        self._staged: list[Path] = []
        self._placed: list[Path] = []
        self.extra_writes: list[tuple[Path, str]] = []
        self.cleanup_after: list[Path] = []
        #: what was moved to lost+found when the change began
        self.set_aside: list[tuple[Path, Path]] = []
        #: commit even when nothing changed (a rebuilt manifest must be written)
        self.force = False
        #: write the whole manifest as one line of the log (a log that lacks the start)
        self.baseline = False
        self._before: dict[str, str] = {}
        self._events_before: dict[int, str] = {}

    def __enter__(self) -> Transaction:
        self.lock.__enter__()
        try:
            self.load()
            self._before = {str(r.get("id")): seal_of(r) for r in self.manifest["records"]}
            self._events_before = {e.get("seq"): seal_of(e) for e in self.manifest["events"]}
        except BaseException:
            self.lock.__exit__(None, None, None)
            raise
        return self

    def load(self) -> None:
        """Read the manifest under the lock and tidy what an interrupted change left."""
        self.manifest = read_manifest(self.root)
        if self.manifest.get("format") == 1:
            self.manifest = _migrate_v1(self.root, self.manifest, self)
            self.baseline = self.force = True
            return
        self.tidy()

    def tidy(self) -> None:
        """Delete staging leftovers, set unlisted import folders aside, drop uncommitted log lines."""
        _clear(leftovers(self.root, self.manifest))
        for path in unclaimed(self.root, self.manifest):
            self.set_aside.append((path, set_aside(self.root, path)))
        keep_log_up_to(self.root, int(self.manifest.get("tx", 0)))
        if self.manifest["records"] and not read_log(self.root):
            self.baseline = True  # a workspace from before the log: it starts with everything

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if kind is None:
                self._commit()
            else:
                self._rollback()
        finally:
            self.lock.__exit__(None, None, None)

    # ---------------------------------------------------------------- staging
    def next_id(self) -> str:
        """A new import id: one more than any in the manifest or on disk (orphans included)."""
        numbers = [int(r["id"]) for r in self.manifest["records"] if str(r.get("id", "")).isdigit()]
        folder = self.root / IMPORTS_DIR
        if folder.is_dir():
            numbers += [int(p.name) for p in folder.iterdir() if p.name.isdigit()]
        return f"{max(numbers, default=0) + 1:04d}"

    def stage_import(self, frames: dict[str, pd.DataFrame | None], fields: dict) -> dict:
        """Write an import's tables and sealed record into a new folder; return its record.

        The record is ``fields`` with the new ``id`` and the ``files`` written
        (path, SHA-256, rows); it is added to ``tx.manifest`` as it is sealed.
        """
        import_id = self.next_id()
        base = self.root / IMPORTS_DIR
        base.mkdir(parents=True, exist_ok=True)
        staging = base / f".staging-{uuid.uuid4().hex[:12]}"
        staging.mkdir()
        self._staged.append(staging)
        files = {}
        for kind, frame in frames.items():
            if frame is None or frame.empty:
                continue
            target = staging / f"{kind}.parquet"
            write_parquet(frame, target)
            files[kind] = {"path": f"{IMPORTS_DIR}/{import_id}/{kind}.parquet",
                           "sha256": file_sha256(target), "rows": int(len(frame))}
        record = {**fields, "id": import_id, "files": files}
        write_seal(staging, record)
        fsync_dir(staging)
        final = base / import_id
        staging.rename(final)
        self._staged.remove(staging)
        self._placed.append(final)
        fsync_dir(base)
        self.manifest["records"].append(record)
        return record

    def write_after(self, path: Path, text: str) -> None:
        """Write a small file (settings) as part of the commit, just before the manifest."""
        self.extra_writes.append((Path(path), text))

    def event(self, action: str, **fields) -> dict:
        events = self.manifest["events"]
        event = {"seq": len(events) + 1, "at": now(), "action": action, **fields}
        events.append(event)
        return event

    # ---------------------------------------------------------------- commit
    def _log_line(self, tx: int) -> dict | None:
        """What this change adds to the event log, or None when it changes nothing."""
        records = [r for r in self.manifest["records"]
                   if self._before.get(str(r.get("id"))) != seal_of(r)]
        events = [e for e in self.manifest["events"]
                  if self._events_before.get(e.get("seq")) != seal_of(e)]
        if not (records or events or self.extra_writes or self.force):
            return None
        if self.baseline:
            return {"tx": tx, "at": now(), "baseline": True, "events": self.manifest["events"],
                    "records": self.manifest["records"]}
        return {"tx": tx, "at": now(), "events": events, "records": records}

    def _commit(self) -> None:
        tx = int(self.manifest.get("tx", 0)) + 1
        line = self._log_line(tx)
        if line is None:  # nothing changed: nothing is written
            self._rollback()
            return
        self.manifest["tx"] = tx
        before = [(p, p.read_bytes() if p.exists() else None) for p, _ in self.extra_writes]
        try:
            for path, text in self.extra_writes:
                atomic_write_text(path, text)
            if self.baseline:  # imports stored before records were sealed get theirs now
                for record in self.manifest["records"]:
                    folder = self.root / IMPORTS_DIR / str(record["id"])
                    if folder.is_dir() and not (folder / SEAL_NAME).exists():
                        write_seal(folder, record)
            append_log(self.root, line)
            current = self.root / MANIFEST
            if current.exists() and is_sound(current):
                atomic_write_text(self.root / PREVIOUS_MANIFEST, current.read_text(encoding="utf-8"))
            atomic_write_text(current, dumps_json(self.manifest))
        except BaseException:
            for path, data in before:  # the settings go back with the manifest
                with contextlib.suppress(OSError):
                    if data is None:
                        path.unlink(missing_ok=True)
                    else:
                        atomic_write_bytes(path, data)
            self._rollback()
            raise
        self._placed.clear()
        for folder in self.cleanup_after:  # superseded layout, now that the manifest is written
            shutil.rmtree(folder, ignore_errors=True)

    def _rollback(self) -> None:
        for folder in [*self._staged, *self._placed]:
            shutil.rmtree(folder, ignore_errors=True)
        self._staged.clear()
        self._placed.clear()


def _clear(paths: list[Path]) -> None:
    """Remove what interrupted changes left (only ever called under the lock)."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def _migrate_v1(root: Path, old: dict, tx: Transaction) -> dict:
    """Bring a workspace written by evaluate 0.1 (data under kind/COHORT/WAVE/ID.parquet) to format 2.

    Every file the 0.1 manifest lists is migrated; anything else in its
    folders is moved to ``lost+found/`` (and named in ``tx.set_aside``),
    never deleted.
    """
    manifest = empty_manifest()
    tx.manifest = manifest  # new ids are counted from what is migrated so far
    legacy = {"responses": "responses", "ties": "ties", "stakeholders": "stakeholders",
              "problems": "quarantine"}
    used: set[Path] = set()
    for entry in old.get("imports", []):
        rel = Path(entry["cohort"]) / entry["wave"] / f"{str(entry['instrument']).split('@')[0]}.parquet"
        frames = {}
        for kind, folder in legacy.items():
            path = root / folder / rel
            frames[kind] = pd.read_parquet(path) if path.exists() else None
            used.add(path)
        fields = {**entry, "state": "active", "migrated_from": "evaluate 0.1"}
        record = tx.stage_import(frames, fields)
        manifest["events"].append({"seq": len(manifest["events"]) + 1,
                                   "at": entry.get("stored_at", now()), "action": "import",
                                   "import": record["id"]})
    for folder in legacy.values():
        base = root / folder
        if base.is_dir():
            for path in sorted(p for p in base.rglob("*") if p.is_file() and p not in used):
                tx.set_aside.append((path, set_aside(root, path)))
    tx.cleanup_after = [root / folder for folder in legacy.values()]
    return manifest
