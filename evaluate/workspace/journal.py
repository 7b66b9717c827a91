"""What lets a workspace be rebuilt: each import's sealed record, and the event log.

The manifest is the one commit point of every change (see
:mod:`evaluate.workspace.store`), but it is not the only description of what
was committed. Two others are written *before* it, so that a lost or damaged
manifest can always be rebuilt (:mod:`evaluate.workspace.recovery`):

* **the sealed record** — ``imports/0007/import.json`` holds the record the
  manifest gives the import when it is stored (file, cohort, wave,
  instrument, counts, and each data file's SHA-256), with a seal: the
  SHA-256 of the record itself, so a damaged record is known as such. It is
  written into the import's folder before the folder is moved into place.
* **the event log** — ``events.jsonl``, one line per change, appended and
  flushed to disk just before the manifest is written: the change's number
  (``tx``), its events, and every record it added or changed, whole. A line
  whose change never committed (the process stopped before the manifest was
  renamed) carries a number above the manifest's and is dropped by the next
  change. A line written half (a crash mid-write) is ignored.

>>> record = {"id": "0001", "state": "active", "cohort": "c1"}
>>> seal_of(record) == seal_of(dict(reversed(list(record.items()))))
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from evaluate.inputs import read_limited
from evaluate.workspace.files import atomic_write_bytes, atomic_write_text, dumps_json, fsync_dir

__all__ = [
    "SEAL_NAME",
    "LOG_NAME",
    "seal_of",
    "write_seal",
    "read_seal",
    "read_log",
    "append_log",
    "keep_log_up_to",
    "set_aside",
    "LOST_AND_FOUND",
]

SEAL_NAME = "import.json"
LOG_NAME = "events.jsonl"
_MAX_SEAL_BYTES = 4 << 20
_MAX_LOG_BYTES = 256 << 20


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def seal_of(record: dict) -> str:
    """SHA-256 of a record in a canonical form (key order and spacing do not matter)."""
    return hashlib.sha256(_canonical(record)).hexdigest()


def write_seal(folder: Path, record: dict) -> None:
    """Write ``record`` with its seal into the import's folder, all or nothing."""
    atomic_write_text(Path(folder) / SEAL_NAME, dumps_json({"seal": seal_of(record),
                                                            "record": record}))


def read_seal(folder: Path) -> dict | None:
    """The sealed record in ``folder``, or None when there is none or it is damaged.

    Damaged means: not JSON, a seal that does not match the record, a record
    shaped otherwise than evaluate writes it, or one that names another folder.
    """
    from evaluate.workspace.store import FORMAT, check_manifest

    folder = Path(folder)
    try:
        data = read_limited(folder / SEAL_NAME, _MAX_SEAL_BYTES)
        sealed = json.loads(data) if data is not None else None
    except (OSError, ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        return None
    if not isinstance(sealed, dict) or not isinstance(sealed.get("record"), dict):
        return None
    record = sealed["record"]
    if sealed.get("seal") != seal_of(record) or record.get("id") != folder.name:
        return None
    try:
        check_manifest({"format": FORMAT, "records": [record], "events": []})
    except ValueError:
        return None
    return record


def _lines(root: Path) -> list[tuple[bytes, dict | None]]:
    path = Path(root) / LOG_NAME
    try:
        data = read_limited(path, _MAX_LOG_BYTES)
    except OSError:
        return []
    if data is None:
        return []
    out = []
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            line = None
        if not (isinstance(line, dict) and isinstance(line.get("tx"), int)
                and not isinstance(line.get("tx"), bool)
                and isinstance(line.get("events", []), list)
                and isinstance(line.get("records", []), list)):
            line = None
        out.append((raw, line))
    return out


def read_log(root: Path) -> list[dict]:
    """The event log's readable lines, oldest first (a half-written line is left out)."""
    return [line for _, line in _lines(root) if line is not None]


def append_log(root: Path, line: dict) -> None:
    """Add one line to the event log and flush it to disk before returning."""
    path = Path(root) / LOG_NAME
    text = _canonical(line) + b"\n"
    with open(path, "ab") as fh:
        if fh.tell() > 0:
            with open(path, "rb") as check:  # a half-written last line stays on its own
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    text = b"\n" + text
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def keep_log_up_to(root: Path, tx: int) -> bool:
    """Drop the lines of changes numbered above ``tx`` (they never committed).

    Returns True when the log was rewritten; a log with nothing to drop is
    not touched.
    """
    lines = _lines(root)
    keep = [raw for raw, line in lines if line is not None and line["tx"] <= tx]
    if len(keep) == len(lines):
        return False
    with contextlib.suppress(FileNotFoundError):
        atomic_write_bytes(Path(root) / LOG_NAME, b"".join(raw + b"\n" for raw in keep))
    return True


LOST_AND_FOUND = "lost+found"


def set_aside(root: Path, path: Path) -> Path:
    """Move ``path`` into the workspace's ``lost+found/`` folder (never deleting it).

    The new name says where it came from (``imports-0002``), with a number
    added when that name is taken. Returns the new path.
    """
    root = Path(root)
    folder = root / LOST_AND_FOUND
    folder.mkdir(exist_ok=True)
    stem = "-".join(Path(path).relative_to(root).parts).lstrip(".") or "item"
    target = folder / stem
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}"
    os.rename(path, target)
    fsync_dir(folder)
    fsync_dir(Path(path).parent)
    return target
