"""Is the workspace what its manifest says? ``evaluate check`` finds out; ``repair`` mends.

Damage is anything that would make an analysis read something other than
what was imported: a manifest that cannot be read, a data file it lists that
is missing, changed (its SHA-256 differs) or unreadable, a roster that
cannot be read. Leftovers are harmless files of a change that was
interrupted (a crash, a full disk): folders staged but never committed,
temporary files. The next change clears leftovers by itself.

``repair`` brings the workspace back to a consistent state and never deletes
committed data: a lost or damaged manifest is rebuilt from the imports' sealed
records and the event log (:mod:`evaluate.workspace.recovery`); staging
leftovers go; import folders no record claims are moved to ``lost+found/``;
an import whose files are damaged is marked ``damaged`` (in use or in the
history: the analyses run on the rest, and it is never restored) and named,
so its export can be imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evaluate.errors import WorkspaceDamaged
from evaluate.hashing import file_sha256
from evaluate.privacy import salt_is_valid
from evaluate.workspace.journal import LOST_AND_FOUND
from evaluate.workspace.recovery import rebuild_manifest
from evaluate.workspace.store import (
    MANIFEST,
    Transaction,
    leftovers,
    read_manifest,
    unclaimed,
)

__all__ = ["Finding", "CheckReport", "check_workspace", "repair_workspace", "import_problem",
           "salt_problem", "leftovers"]


@dataclass(frozen=True)
class Finding:
    """One thing found: ``kind`` is ``damage``, ``leftover`` or ``set aside`` (in lost+found/)."""

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


def _check_files(root: Path, manifest: dict, report: CheckReport, hashes: bool) -> None:
    """Every import's files, in use or kept in the history (not those repair marked damaged)."""
    for record in manifest["records"]:
        if record.get("state") == "damaged":
            continue
        report.imports_checked += 1
        problem = import_problem(root, record, report, hashes)
        if problem is None:
            continue
        path, what = problem
        where = f"import {record.get('id')} ({record.get('file')})"
        if record.get("state") != "active":
            where += f", kept in the history ({record.get('state')})"
        what = f"{where}: {what}"
        if record.get("state") == "active":
            fix = (f"run `evaluate repair` (the import stops being used), then import "
                   f"{record.get('file')} again")
        else:
            fix = (f"it is not in use, so no analysis reads it, but it can no longer be brought "
                   f"back: run `evaluate repair` to mark it damaged, and keep {record.get('file')} "
                   "if you may need it again")
        report.findings.append(Finding("damage", path, what, fix, record.get("id")))


def import_problem(root: Path, record: dict, report: CheckReport | None = None,
                   hashes: bool = True) -> tuple[str, str] | None:
    """What is wrong with an import's data files — (path, e.g. "its responses are missing") —
    or None when nothing is.

    Each file must be present, have the SHA-256 it was stored with and (when
    ``hashes``) read back with the rows it was stored with.
    """
    for kind, info in (record.get("files") or {}).items():
        if report is not None:
            report.files_checked += 1
        path = Path(root) / info["path"]
        if not path.is_file():
            return info["path"], f"its {kind} are missing"
        if hashes and file_sha256(path) != info.get("sha256"):
            return info["path"], f"its {kind} have changed since they were stored"
        if hashes:
            try:
                rows = len(pd.read_parquet(path))
            except Exception:  # noqa: BLE001 - any failure to read is damage
                rows = -1
            if rows != info.get("rows"):
                return info["path"], f"its {kind} cannot be read as stored"
    return None


def salt_problem(root: Path) -> str | None:
    """Why the workspace's ``.salt`` cannot be used, or None when it can."""
    path = Path(root) / ".salt"
    if not path.is_file():
        return "the .salt file is missing"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "the .salt file cannot be read"
    if not salt_is_valid(text):
        return ("the .salt file is damaged (it should be 64 hexadecimal characters, after "
                "\"2:\" in a workspace made by this version)")
    return None


SALT_FIX = ("restore .salt from a backup of this workspace: without it, people in new imports "
            "cannot be linked to the same people in earlier ones (no command can make it again)")


def check_workspace(root: Path, *, hashes: bool = True) -> CheckReport:
    """Compare the manifest with the files (hashes and row counts unless ``hashes=False``).

    Covers every import in the history, the ``.salt`` and the roster; lists
    what interrupted changes left and what was set aside in ``lost+found/``.
    """
    root = Path(root)
    report = CheckReport()
    salt = salt_problem(root)
    if salt:
        report.findings.append(Finding("damage", ".salt", salt, SALT_FIX))
    try:
        manifest = read_manifest(root)
    except WorkspaceDamaged as exc:
        report.findings.append(Finding(
            "damage", MANIFEST, str(exc).split(": ", 1)[-1].split(" — ")[0],
            "run `evaluate repair`: it rebuilds the manifest from the imports' own sealed "
            "records and the event log"))
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
    for path in unclaimed(root, manifest):
        report.findings.append(Finding(
            "leftover", str(path.relative_to(root)),
            "an import folder the manifest does not list (a change that did not finish)",
            "nothing to do: the next change or `evaluate repair` moves it to lost+found/"))
    found = root / LOST_AND_FOUND
    if found.is_dir():
        for path in sorted(found.iterdir()):
            report.findings.append(Finding(
                "set aside", str(path.relative_to(root)), "set aside, not deleted",
                "look at it; delete it when you are sure it is not needed"))
    return report


class _Repair(Transaction):
    """A transaction that starts from a rebuilt manifest when the manifest cannot be read."""

    rebuilt: list[str] | None = None

    def load(self) -> None:
        try:
            self.manifest = read_manifest(self.root)
        except WorkspaceDamaged:
            self.manifest, self.rebuilt = rebuild_manifest(self.root)
            self.force = self.baseline = True
        if self.manifest.get("format") == 1:  # written by evaluate 0.1: migrated, as any change does
            super().load()
            return
        self.tidy()


def repair_workspace(ws) -> list[str]:
    """Bring the workspace back to a consistent state; return what was done, in plain sentences.

    Never deletes committed data: the manifest is rebuilt (see
    :mod:`evaluate.workspace.recovery`) when it cannot be read; import folders
    no record claims are moved to ``lost+found/``; an import whose files are
    damaged is marked ``damaged`` and named, so its export can be imported again.
    """
    root = Path(ws.path)
    done: list[str] = []
    salt = salt_problem(root)
    with _Repair(root, "a repair", timeout=ws.lock_for_repair().timeout) as tx:
        if tx.rebuilt:
            done += tx.rebuilt
        for old, new in tx.set_aside:
            done.append(f"Moved {old.relative_to(root)} to {new.relative_to(root)} (no record "
                        "claims it: left by a change that did not finish). Nothing was deleted.")
        if tx.manifest.get("format") != 1:
            bad = []
            for record in tx.manifest["records"]:
                if record.get("state") == "damaged":
                    continue
                problem = import_problem(root, record)
                if problem is None:
                    continue
                was = record.get("state")
                record["state"], record["was"] = "damaged", was
                bad.append(record["id"])
                if was == "active":
                    done.append(f"Import {record['id']} ({record.get('file')}) is damaged and is "
                                f"no longer used: import {record.get('file')} again ({problem[1]}).")
                else:
                    done.append(f"Import {record['id']} ({record.get('file')}), kept in the "
                                f"history, is damaged and can no longer be restored ({problem[1]}).")
            if bad or tx.rebuilt:
                tx.event("repair", damaged=sorted(bad), rebuilt=bool(tx.rebuilt))
    roster = root / "roster.parquet"
    if roster.exists():
        try:
            pd.read_parquet(roster)
        except Exception:  # noqa: BLE001
            done.append(ws.refresh_roster())
    if salt:
        done.append(f"Not repaired: {salt} — {SALT_FIX}.")
    return done or ["Nothing to repair: the workspace agrees with its manifest."]
