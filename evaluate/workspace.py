"""The workspace: one folder holding accepted waves (parquet) and a manifest.

Analyses read the workspace, never raw exports. Layout (see
``docs/ARCHITECTURE.md``)::

    WORKSPACE/
      evaluate.yaml     programme, cohorts, waves, roster file, min_group_size
      .salt             random secret for pseudonymous ids
      instruments/      copies of the instrument files in use (reproducibility)
      roster.parquet    participant, cohort, organisation, sector, place, role
      responses/COHORT/WAVE/INSTRUMENT.parquet
      ties/COHORT/WAVE/INSTRUMENT.parquet
      stakeholders/COHORT/WAVE/INSTRUMENT.parquet
      quarantine/COHORT/WAVE/INSTRUMENT.parquet
      manifest.json
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import yaml

from evaluate.errors import InstrumentError, WorkspaceError
from evaluate.instruments import (
    Instrument,
    Programme,
    default_instrument_dir,
    load_instruments,
    load_programme,
    resolve,
)
from evaluate.privacy import new_salt

__all__ = ["Workspace", "StoreOutcome", "CONFIG_NAME", "DEFAULT_WAVES"]

CONFIG_NAME = "evaluate.yaml"
DEFAULT_WAVES = ("baseline", "day1", "day2", "end", "follow_up")
ROSTER_COLUMNS = ["participant", "cohort", "organisation", "sector", "place", "role"]
TIE_COLUMNS = ["cohort", "wave", "instrument", "source", "target", "relation", "frequency",
               "trust", "source_row"]
STAKEHOLDER_COLUMNS = ["cohort", "wave", "instrument", "source", "stakeholder"]
QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "message", "fix"]
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class StoreOutcome:
    """What storing an import did: ``status`` is new, unchanged or replaced."""

    status: str
    message: str
    entry: dict


def _safe_part(value: str, what: str) -> str:
    value = str(value).strip()
    if not _SAFE.match(value):
        raise WorkspaceError(
            f'{what} "{value}" cannot be used: use letters, digits, "_", "-" or "." (e.g. c1, end, follow_up)'
        )
    return value


class Workspace:
    """A folder of accepted, pseudonymised survey data for one programme."""

    def __init__(self, path: Path, config: dict):
        self.path = Path(path)
        self.config = config

    # ------------------------------------------------------------------ creating / opening
    @classmethod
    def init(
        cls,
        path: str | Path,
        *,
        programme: str | None = None,
        cohorts: tuple[str, ...] | list[str] = (),
        waves: tuple[str, ...] | list[str] = DEFAULT_WAVES,
        roster: str | Path | None = None,
        min_group_size: int = 5,
        instruments_dir: str | Path | None = None,
    ) -> Workspace:
        """Create a workspace folder (it may exist but must not already be a workspace)."""
        path = Path(path)
        if (path / CONFIG_NAME).exists():
            raise WorkspaceError(
                f"{path} is already a workspace — use it as it is, or choose a new folder"
            )
        if min_group_size < 1:
            raise WorkspaceError("The smallest group to report must be at least 1 (default 5)")
        source_dir = Path(instruments_dir) if instruments_dir else default_instrument_dir()
        instruments = load_instruments(source_dir)  # fail early on a broken instrument
        try:
            programme_info = load_programme(source_dir)
        except InstrumentError:
            programme_info = None
        path.mkdir(parents=True, exist_ok=True)
        inst_copy = path / "instruments"
        inst_copy.mkdir(exist_ok=True)
        for inst in instruments.values():
            if inst.path is not None:
                shutil.copyfile(inst.path, inst_copy / inst.path.name)
        for extra in ("programme.yaml", "codebook.yaml"):
            if (source_dir / extra).exists():
                shutil.copyfile(source_dir / extra, inst_copy / extra)
        config = {
            "programme": programme or (programme_info.name if programme_info else path.name),
            "cohorts": [_safe_part(c, "Cohort") for c in cohorts],
            "waves": [_safe_part(w, "Wave") for w in waves],
            "instruments": sorted(instruments),
            "roster": None,
            "min_group_size": int(min_group_size),
        }
        if roster is not None:
            roster_path = Path(roster).resolve()
            try:
                config["roster"] = str(Path(_relpath(roster_path, path.resolve())))
            except ValueError:
                config["roster"] = str(roster_path)
        (path / ".salt").write_text(new_salt() + "\n", encoding="utf-8")
        (path / ".gitignore").write_text(
            "# This folder holds survey data: keep it out of version control.\n*\n",
            encoding="utf-8",
        )
        ws = cls(path, config)
        ws._write_config()
        ws._write_manifest({"imports": []})
        return ws

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        """Open an existing workspace, with a clear message if it is not one."""
        path = Path(path)
        cfg = path / CONFIG_NAME
        if not cfg.exists():
            raise WorkspaceError(
                f"{path} is not an evaluate workspace (no {CONFIG_NAME}) — create one with "
                f"`evaluate init {path}`"
            )
        try:
            config = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise WorkspaceError(f"{cfg}: not valid YAML ({exc}) — fix the file or re-create the workspace") from None
        if not isinstance(config, dict):
            raise WorkspaceError(f"{cfg}: expected settings such as programme: and cohorts:")
        config.setdefault("cohorts", [])
        config.setdefault("waves", list(DEFAULT_WAVES))
        config.setdefault("min_group_size", 5)
        return cls(path, config)

    def _write_config(self) -> None:
        text = (
            "# evaluate workspace settings. Edit with care.\n"
            "# min_group_size: groups smaller than this are never reported.\n"
            + yaml.safe_dump(self.config, sort_keys=False, allow_unicode=True)
        )
        (self.path / CONFIG_NAME).write_text(text, encoding="utf-8")

    # ------------------------------------------------------------------ settings
    @property
    def programme_name(self) -> str:
        return str(self.config.get("programme") or self.path.name)

    @property
    def cohorts(self) -> list[str]:
        return list(self.config.get("cohorts") or [])

    @property
    def waves(self) -> list[str]:
        return list(self.config.get("waves") or DEFAULT_WAVES)

    @property
    def min_group_size(self) -> int:
        return int(self.config.get("min_group_size", 5))

    @property
    def salt(self) -> str:
        p = self.path / ".salt"
        if not p.exists():
            raise WorkspaceError(
                f"{self.path} has lost its .salt file, so respondents cannot be linked to earlier "
                "imports — restore it from a backup, or create a new workspace and import again"
            )
        return p.read_text(encoding="utf-8").strip()

    @property
    def roster_path(self) -> Path | None:
        value = self.config.get("roster")
        if not value:
            return None
        p = Path(value)
        return p if p.is_absolute() else (self.path / p)

    def add_cohort(self, cohort: str) -> None:
        cohort = _safe_part(cohort, "Cohort")
        if cohort not in self.cohorts:
            self.config["cohorts"] = [*self.cohorts, cohort]
            self._write_config()

    def add_wave(self, wave: str) -> None:
        wave = _safe_part(wave, "Wave")
        if wave not in self.waves:
            self.config["waves"] = [*self.waves, wave]
            self._write_config()

    # ------------------------------------------------------------------ instruments
    def instruments(self) -> dict[str, Instrument]:
        d = self.path / "instruments"
        return load_instruments(d if d.is_dir() else None)

    def instrument(self, ref: str) -> Instrument:
        return resolve(ref, self.instruments())

    def programme(self) -> Programme:
        d = self.path / "instruments"
        return load_programme(d if (d / "programme.yaml").exists() else None)

    # ------------------------------------------------------------------ data
    def roster(self) -> pd.DataFrame:
        """Pseudonymised roster: participant, cohort, organisation, sector, place, role."""
        p = self.path / "roster.parquet"
        if not p.exists():
            return pd.DataFrame({c: pd.Series(dtype="string") for c in ROSTER_COLUMNS})
        return pd.read_parquet(p)

    def store_roster(self, roster: pd.DataFrame) -> None:
        missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
        if missing:
            raise WorkspaceError(f"Roster table lacks {', '.join(missing)}")
        # the optional comparison-group column (evaluate.roster) is kept when present
        extra = [c for c in ("comparison",) if c in roster.columns]
        frame = roster[ROSTER_COLUMNS + extra].sort_values(["cohort", "participant"], ignore_index=True)
        _write_parquet(frame, self.path / "roster.parquet")

    def _gather(self, kind: str, instrument=None, wave=None, cohort=None, columns=None) -> pd.DataFrame:
        base = self.path / kind
        frames = []
        if base.is_dir():
            for f in sorted(base.glob("*/*/*.parquet")):
                c, w, i = f.parent.parent.name, f.parent.name, f.stem
                if cohort is not None and c not in _as_set(cohort):
                    continue
                if wave is not None and w not in _as_set(wave):
                    continue
                if instrument is not None and i not in _as_set(instrument):
                    continue
                frames.append(pd.read_parquet(f))
        frames = [f for f in frames if len(f.columns)]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in (columns or [])})
        return pd.concat(frames, ignore_index=True, sort=False)

    def responses(self, instrument=None, wave=None, cohort=None) -> pd.DataFrame:
        """Accepted responses, one row each (filters accept a value or a list)."""
        return self._gather("responses", instrument, wave, cohort, columns=[
            "participant", "matched", "cohort", "wave", "instrument", "instrument_version",
            "response_id", "started", "completed", "source_row"])

    def ties(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        return self._gather("ties", instrument, wave, cohort, columns=TIE_COLUMNS)

    def stakeholders(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        return self._gather("stakeholders", instrument, wave, cohort, columns=STAKEHOLDER_COLUMNS)

    def quarantine(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        return self._gather("quarantine", instrument, wave, cohort,
                            columns=["cohort", "wave", "instrument", *QUARANTINE_COLUMNS])

    # ------------------------------------------------------------------ manifest
    def manifest(self) -> dict:
        p = self.path / "manifest.json"
        if not p.exists():
            return {"imports": []}
        return json.loads(p.read_text(encoding="utf-8"))

    def _write_manifest(self, manifest: dict) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        (self.path / "manifest.json").write_text(text + "\n", encoding="utf-8")

    def imports(self) -> pd.DataFrame:
        """The manifest as a table, one row per stored import."""
        return pd.DataFrame(self.manifest().get("imports", []))

    def store_import(
        self,
        *,
        cohort: str,
        wave: str,
        instrument: Instrument,
        responses: pd.DataFrame,
        ties: pd.DataFrame,
        stakeholders: pd.DataFrame,
        quarantine: pd.DataFrame,
        entry: dict,
    ) -> StoreOutcome:
        """Store one import, replacing the earlier import of that wave if the file changed.

        Re-importing the same file (same content hash, same instrument version)
        changes nothing.
        """
        cohort = _safe_part(cohort, "Cohort")
        wave = _safe_part(wave, "Wave")
        manifest = self.manifest()
        imports = manifest.setdefault("imports", [])
        previous = next(
            (e for e in imports if e["cohort"] == cohort and e["wave"] == wave
             and e["instrument"].split("@")[0] == instrument.id),
            None,
        )
        if previous is not None and previous.get("sha256") == entry.get("sha256") and \
                previous.get("instrument") == instrument.ref and \
                previous.get("options") == entry.get("options"):
            return StoreOutcome(
                "unchanged",
                f"{entry['file']} was already imported for cohort {cohort}, wave {wave} — nothing changed.",
                previous,
            )
        rel = Path(cohort) / wave / f"{instrument.id}.parquet"
        for kind, frame in (("responses", responses), ("ties", ties),
                            ("stakeholders", stakeholders), ("quarantine", quarantine)):
            target = self.path / kind / rel
            if frame is None or frame.empty:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_parquet(frame, target)
        if cohort not in self.cohorts:
            self.add_cohort(cohort)
        if wave not in self.waves:
            self.add_wave(wave)
        entry = {**entry, "cohort": cohort, "wave": wave, "instrument": instrument.ref,
                 "stored_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if previous is not None:
            imports.remove(previous)
            status = "replaced"
            message = (
                f"{entry['file']} replaces the earlier import for cohort {cohort}, wave {wave} "
                f"({previous['file']}: {previous['accepted']} accepted rows) — now "
                f"{entry['accepted']} accepted."
            )
        else:
            status = "new"
            message = f"Stored {entry['accepted']} responses for cohort {cohort}, wave {wave}."
        imports.append(entry)
        imports.sort(key=lambda e: (e["cohort"], self._wave_order(e["wave"]), e["instrument"]))
        self._write_manifest(manifest)
        return StoreOutcome(status, message, entry)

    def _wave_order(self, wave: str) -> int:
        waves = self.waves
        return waves.index(wave) if wave in waves else len(waves)


def _as_set(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Deterministic parquet: same frame, same bytes."""
    tmp = path.with_suffix(".parquet.tmp")
    frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
    tmp.replace(path)


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target, start)
