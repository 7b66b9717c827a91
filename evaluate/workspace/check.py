"""Is the workspace what its manifest says? ``evaluate check`` finds out; ``repair`` mends.

Damage is anything that would make an analysis read something other than
what was imported: a manifest that cannot be read, a data file it lists that
is missing, changed (its SHA-256 differs) or unreadable, a roster that
cannot be read. Leftovers are harmless files of a change that was
interrupted (a crash, a full disk): folders staged but never committed,
temporary files. The next change clears leftovers by itself.

``repair`` restores the last consistent state: leftovers go; a damaged
manifest is replaced by the one before the last change when that one is
sound; an import whose files are damaged stops being used (it is marked
``damaged``, so the analyses run on the rest) and is named, so its export
can be imported again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluate.errors import WorkspaceDamaged
from evaluate.hashing import file_sha256
from evaluate.workspace.files import atomic_write_text, dumps_json
from evaluate.workspace.store import (
    MANIFEST,
    PREVIOUS_MANIFEST,
    check_manifest,
    leftovers,
    read_manifest,
)

__all__ = ["Finding", "CheckReport", "check_workspace", "repair_workspace", "leftovers"]


@dataclass(frozen=True)
class Finding:
    """One thing found: ``kind`` is ``damage`` or ``leftover``."""

    kind: str
    path: str
    problem: str
    fix: str
    import_id: str | None = None


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    imports_checked: int = 0
    files_checked: int = 0

    @property
    def damaged(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "damage"]

    @property
    def leftover(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "leftover"]

    @property
    def clean(self) -> bool:
        """True when nothing is damaged (leftovers are harmless)."""
        return not self.damaged


def _sound(path: Path) -> dict | None:
    try:
        manifest = check_manifest(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError):  # JSONDecodeError is a ValueError
        return None
    return manifest if manifest.get("format") != 1 else None


def _check_files(root: Path, manifest: dict, report: CheckReport, hashes: bool) -> None:
    for record in manifest["records"]:
        if record.get("state") != "active":
            continue
        report.imports_checked += 1
        for kind, info in (record.get("files") or {}).items():
            report.files_checked += 1
            path = root / info["path"]
            where = f"import {record.get('id')} ({record.get('file')})"
            if not path.is_file():
                report.findings.append(Finding(
                    "damage", info["path"], f"the {kind} of {where} are missing",
                    f"run `evaluate repair` (the import stops being used), then import "
                    f"{record.get('file')} again", record.get("id")))
                continue
            if hashes and file_sha256(path) != info.get("sha256"):
                report.findings.append(Finding(
                    "damage", info["path"], f"the {kind} of {where} have changed since they were "
                    "stored", f"run `evaluate repair`, then import {record.get('file')} again",
                    record.get("id")))
                continue
            if hashes:
                try:
                    rows = len(pd.read_parquet(path))
                except Exception:  # noqa: BLE001 - any failure to read is damage
                    rows = -1
                if rows != info.get("rows"):
                    report.findings.append(Finding(
                        "damage", info["path"], f"the {kind} of {where} cannot be read as stored",
                        f"run `evaluate repair`, then import {record.get('file')} again",
                        record.get("id")))


def check_workspace(root: Path, *, hashes: bool = True) -> CheckReport:
    """Compare the manifest with the files (hashes and row counts unless ``hashes=False``)."""
    root = Path(root)
    report = CheckReport()
    try:
        manifest = read_manifest(root)
    except WorkspaceDamaged as exc:
        prev = _sound(root / PREVIOUS_MANIFEST)
        fix = ("run `evaluate repair` to go back to the state before the last change"
               if prev is not None else "restore manifest.json from a backup")
        report.findings.append(Finding("damage", MANIFEST, str(exc).split(": ", 1)[-1], fix))
        return report
    if manifest.get("format") == 1:
        return report  # written by 0.1: nothing to compare yet; migrated on the next change
    _check_files(root, manifest, report, hashes)
    roster = root / "roster.parquet"
    if roster.exists():
        try:
            pd.read_parquet(roster)
        except Exception:  # noqa: BLE001
            report.findings.append(Finding(
                "damage", "roster.parquet", "the pseudonymised roster cannot be read",
                "run `evaluate repair` (it is read again from the roster file)"))
    for path in leftovers(root, manifest):
        report.findings.append(Finding(
            "leftover", str(path.relative_to(root)), "left by a change that did not finish",
            "nothing to do: the next change or `evaluate repair` removes it"))
    return report


def repair_workspace(ws) -> list[str]:
    """Restore the last consistent state; return what was done, in plain sentences."""
    root = Path(ws.path)
    done: list[str] = []
    with ws.lock_for_repair():
        try:
            read_manifest(root)
        except WorkspaceDamaged:
            prev = _sound(root / PREVIOUS_MANIFEST)
            if prev is None:
                raise WorkspaceDamaged(
                    f"{root / MANIFEST}: the manifest is damaged and so is the copy from before the "
                    "last change — restore the workspace folder from a backup, or create a new "
                    "workspace and import the exports again") from None
            atomic_write_text(root / MANIFEST, dumps_json(prev))
            done.append("Restored the manifest from before the last change (manifest.prev.json).")
        manifest = read_manifest(root)
        if manifest.get("format") == 1:
            return done or ["Nothing to repair."]
        report = CheckReport()
        _check_files(root, manifest, report, hashes=True)
        bad = {f.import_id for f in report.damaged if f.import_id}
        if bad:
            for record in manifest["records"]:
                if record.get("id") in bad:
                    record["state"] = "damaged"
                    done.append(f"Import {record['id']} ({record.get('file')}) is damaged and is "
                                f"no longer used: import {record.get('file')} again.")
            manifest["events"].append({"seq": len(manifest["events"]) + 1, "at": _now(),
                                       "action": "repair", "damaged": sorted(bad)})
            atomic_write_text(root / MANIFEST, dumps_json(manifest))
        for path in leftovers(root, manifest):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            done.append(f"Removed {path.relative_to(root)} (left by a change that did not finish).")
        roster = root / "roster.parquet"
        if roster.exists():
            try:
                pd.read_parquet(roster)
            except Exception:  # noqa: BLE001
                done.append(ws.refresh_roster())
    return done or ["Nothing to repair: the workspace agrees with its manifest."]


def _now() -> str:
    from evaluate.workspace.store import now

    return now()
