"""The workspace: one folder holding a programme's accepted, pseudonymised data.

Analyses read the workspace, never raw exports, and read exactly the imports
the manifest lists as active — never whatever a folder holds. Layout (see
``docs/ARCHITECTURE.md``)::

    WORKSPACE/
      evaluate.yaml       programme, cohorts, waves, roster file, min_group_size
      .salt               random secret for pseudonymous ids
      .lock               held while a change is being made
      instruments/        copies of the instrument files in use (reproducibility)
      roster.parquet      participant, cohort, organisation, sector, place, role
      imports/0001/       one folder per import, never changed once written:
        responses.parquet ties.parquet stakeholders.parquet problems.parquet
      manifest.json       every import (active, replaced or removed) and every change
      manifest.prev.json  the manifest before the last change
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from evaluate.errors import AnalysisError, InstrumentError, WorkspaceDamaged, WorkspaceError
from evaluate.inputs import MAX_YAML_BYTES, not_a_regular_file, read_limited, yaml_problem
from evaluate.instruments import (
    Instrument,
    Programme,
    default_instrument_dir,
    load_instruments,
    load_programme,
    resolve,
)
from evaluate.labels import safe_label
from evaluate.privacy import new_salt
from evaluate.workspace.files import (
    WorkspaceLock,
    atomic_write_text,
    dumps_json,
    explain_os_error,
    write_parquet,
)
from evaluate.workspace.store import (
    IMPORTS_DIR,
    MANIFEST,
    Transaction,
    active_records,
    empty_manifest,
    read_manifest,
)

__all__ = ["Workspace", "StoreOutcome", "CONFIG_NAME", "DEFAULT_WAVES"]

CONFIG_NAME = "evaluate.yaml"
DEFAULT_WAVES = ("baseline", "day1", "day2", "end", "follow_up")
ROSTER_COLUMNS = ["participant", "cohort", "organisation", "sector", "place", "role"]
TIE_COLUMNS = ["cohort", "wave", "instrument", "source", "target", "relation", "frequency",
               "trust", "source_row"]
STAKEHOLDER_COLUMNS = ["cohort", "wave", "instrument", "source", "stakeholder"]
QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "message", "fix"]
RESPONSE_COLUMNS = ["participant", "matched", "cohort", "wave", "instrument",
                    "instrument_version", "response_id", "started", "completed", "source_row"]


@dataclass(frozen=True)
class StoreOutcome:
    """What storing an import did: ``status`` is new, unchanged, replaced or refused."""

    status: str
    message: str
    entry: dict


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
        """Create a workspace folder (it may exist, but must not already be a workspace).

        The roster is read first, so a roster that cannot be used stops
        ``init`` before anything is created; its cohorts are declared. All or
        nothing: if anything fails, what was created is removed again, so the
        corrected command can simply be run once more.
        """
        from evaluate.roster import read_roster

        path = Path(path)
        if (path / CONFIG_NAME).exists():
            raise WorkspaceError(
                f"{path} is already a workspace — use it as it is, or choose a new folder")
        if min_group_size < 1:
            raise WorkspaceError("The smallest group to report must be at least 1 (default 5)")
        source_dir = Path(instruments_dir) if instruments_dir else default_instrument_dir()
        instruments = load_instruments(source_dir)  # fail early on a broken instrument
        try:
            programme_info = load_programme(source_dir)
        except InstrumentError:
            programme_info = None
        salt = new_salt()
        roster_frame = read_roster(roster, salt).public() if roster is not None else None
        cohort_list = [safe_label(c, "Cohort") for c in cohorts]
        if roster_frame is not None:
            cohort_list += [safe_label(c, "Cohort") for c in
                            sorted(roster_frame["cohort"].dropna().astype(str).unique())]
        config = {
            "programme": programme or (programme_info.name if programme_info else path.name),
            "cohorts": list(dict.fromkeys(cohort_list)),
            "waves": [safe_label(w, "Wave") for w in waves],
            "instruments": sorted(instruments),
            "roster": None,
            "min_group_size": int(min_group_size),
        }
        if roster is not None:
            roster_path = Path(roster).resolve()
            try:
                config["roster"] = os.path.relpath(roster_path, path.resolve())
            except ValueError:  # another drive (Windows)
                config["roster"] = str(roster_path)
        existed = path.exists()
        before = set(path.iterdir()) if existed and path.is_dir() else set()
        try:
            path.mkdir(parents=True, exist_ok=True)
            inst_copy = path / "instruments"
            inst_copy.mkdir(exist_ok=True)
            for inst in instruments.values():
                if inst.path is not None:
                    shutil.copyfile(inst.path, inst_copy / inst.path.name)
            for extra in ("programme.yaml", "codebook.yaml"):
                if (source_dir / extra).exists():
                    shutil.copyfile(source_dir / extra, inst_copy / extra)
            atomic_write_text(path / ".salt", salt + "\n")
            atomic_write_text(path / ".gitignore",
                              "# This folder holds survey data: keep it out of version control.\n*\n")
            # born with an (empty) manifest: a reader never finds the first import's folder
            # in place before a manifest that lists it (it sees the manifest before, or after)
            atomic_write_text(path / MANIFEST, dumps_json(empty_manifest()))
            ws = cls(path, config)
            if roster_frame is not None:
                ws.store_roster(roster_frame)
            # the settings file last: until it exists, the folder is not a workspace
            ws._write_config()
        except BaseException as exc:
            _undo_created(path, existed, before)
            if isinstance(exc, OSError):
                raise WorkspaceError(explain_os_error(exc, path, "create the workspace")) from None
            raise
        return ws

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        """Open an existing workspace, with a clear message if it is not one or is damaged."""
        path = Path(path)
        cfg = path / CONFIG_NAME
        if cfg.exists() and not_a_regular_file(cfg):
            raise WorkspaceDamaged(f"{cfg} {not_a_regular_file(cfg)} — the settings file should "
                                   "be a small text file; restore it from a backup")
        if not cfg.is_file():
            raise WorkspaceError(
                f"{path} is not an evaluate workspace (no {CONFIG_NAME}) — create one with "
                f"`evaluate init {path}`")
        try:
            data = read_limited(cfg, MAX_YAML_BYTES)
            if data is None:
                raise WorkspaceDamaged(f"{cfg}: far too large for a settings file — restore it "
                                       "from a backup, or fix it in a text editor")
            text = data.decode("utf-8")
            problem = yaml_problem(text)
            if problem:
                raise WorkspaceDamaged(f"{cfg}: {problem} — write the settings out in full")
            config = yaml.safe_load(text) or {}
        except UnicodeDecodeError:
            raise WorkspaceDamaged(f"{cfg}: not a UTF-8 text file — restore it from a backup, "
                                   "or fix it in a text editor") from None
        except yaml.YAMLError as exc:
            raise WorkspaceDamaged(
                f"{cfg}: not valid YAML ({exc}) — fix the file or restore it from a backup"
            ) from None
        except OSError as exc:
            raise WorkspaceError(explain_os_error(exc, cfg, "read the settings")) from None
        if not isinstance(config, dict):
            raise WorkspaceDamaged(f"{cfg}: expected settings such as programme: and cohorts:")
        config.setdefault("cohorts", [])
        config.setdefault("waves", list(DEFAULT_WAVES))
        config.setdefault("min_group_size", 5)
        ws = cls(path, config)
        ws._check_config(cfg)
        return ws

    def _check_config(self, cfg: Path) -> None:
        size = self.config.get("min_group_size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise WorkspaceDamaged(
                f"{cfg}: min_group_size is {size!r} — set it to a whole number of 1 or more "
                "(default 5), e.g. min_group_size: 5")
        for key in ("cohorts", "waves"):
            value = self.config.get(key)
            if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
                raise WorkspaceDamaged(
                    f"{cfg}: {key} should be a list such as [c1, c2], not {value!r}")

    def _config_text(self) -> str:
        return ("# evaluate workspace settings. Edit with care.\n"
                "# min_group_size: groups smaller than this are never reported.\n"
                + yaml.safe_dump(self.config, sort_keys=False, allow_unicode=True))

    def _write_config(self) -> None:
        atomic_write_text(self.path / CONFIG_NAME, self._config_text())

    def transaction(self, what: str, timeout: float | None = None) -> Transaction:
        """A change to this workspace, all or nothing, one writer at a time."""
        return Transaction(self.path, what, timeout=_lock_timeout(timeout))

    def lock_for_repair(self, timeout: float | None = None) -> WorkspaceLock:
        """The workspace lock alone (``repair`` must not read a manifest that may be damaged)."""
        return WorkspaceLock(self.path, timeout=_lock_timeout(timeout), what="a repair")

    def check(self, hashes: bool = True):
        """Compare the manifest with the files: see :mod:`evaluate.workspace.check`."""
        from evaluate.workspace.check import check_workspace

        return check_workspace(self.path, hashes=hashes)

    def repair(self) -> list[str]:
        from evaluate.workspace.check import repair_workspace

        return repair_workspace(self)

    def refresh_roster(self) -> str:
        """Read the roster file again and store its pseudonymised form."""
        from evaluate.roster import read_roster

        if self.roster_path is None:
            return "The workspace has no roster file to read again."
        frame = read_roster(self.roster_path, self.salt).public()
        self.store_roster(frame)
        return f"Read the roster again from {self.roster_path.name} ({len(frame)} people)."

    # ------------------------------------------------------------------ settings
    @property
    def programme_name(self) -> str:
        return str(self.config.get("programme") or self.path.name)

    @property
    def cohorts(self) -> list[str]:
        return [str(c) for c in self.config.get("cohorts") or []]

    @property
    def waves(self) -> list[str]:
        return [str(w) for w in self.config.get("waves") or DEFAULT_WAVES]

    @property
    def min_group_size(self) -> int:
        return int(self.config.get("min_group_size", 5))

    @property
    def salt(self) -> str:
        p = self.path / ".salt"
        if not p.exists():
            raise WorkspaceError(
                f"{self.path} has lost its .salt file, so respondents cannot be linked to earlier "
                "imports — restore it from a backup, or create a new workspace and import again")
        return p.read_text(encoding="utf-8").strip()

    @property
    def roster_path(self) -> Path | None:
        value = self.config.get("roster")
        if not value:
            return None
        p = Path(value)
        return p if p.is_absolute() else (self.path / p)

    def add_cohort(self, cohort: str) -> str:
        """Declare a cohort (imports into undeclared cohorts are refused)."""
        cohort = safe_label(cohort, "Cohort")
        if cohort not in self.cohorts:
            with self.transaction(f"adding cohort {cohort}") as tx:
                self.config = Workspace.open(self.path).config  # as it is now, under the lock
                self.config["cohorts"] = list(dict.fromkeys([*self.cohorts, cohort]))
                tx.write_after(self.path / CONFIG_NAME, self._config_text())
                tx.event("add_cohort", cohort=cohort)
        return cohort

    def add_wave(self, wave: str) -> str:
        """Declare a wave (imports into undeclared waves are refused)."""
        wave = safe_label(wave, "Wave")
        if wave not in self.waves:
            with self.transaction(f"adding wave {wave}") as tx:
                self.config = Workspace.open(self.path).config
                self.config["waves"] = list(dict.fromkeys([*self.waves, wave]))
                tx.write_after(self.path / CONFIG_NAME, self._config_text())
                tx.event("add_wave", wave=wave)
        return wave

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
        return _read_parquet(p)

    def store_roster(self, roster: pd.DataFrame) -> None:
        missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
        if missing:
            raise WorkspaceError(f"Roster table lacks {', '.join(missing)}")
        extra = [c for c in roster.columns if c not in ROSTER_COLUMNS]
        frame = roster[ROSTER_COLUMNS + extra].sort_values(["cohort", "participant"],
                                                           ignore_index=True)
        write_parquet(frame, self.path / "roster.parquet")

    def manifest(self) -> dict:
        """The manifest: ``imports`` (active, read by analyses), ``history`` (every import
        ever stored, with its ``state``) and ``events`` (every change, in order)."""
        m = read_manifest(self.path)
        if m.get("format") == 1:  # not yet migrated: its imports are all active
            return {"imports": list(m.get("imports", [])), "history": list(m.get("imports", [])),
                    "events": []}
        return {"imports": active_records(m), "history": list(m["records"]),
                "events": list(m["events"])}

    def imports(self) -> pd.DataFrame:
        """The active imports as a table, one row each (what the analyses read)."""
        return pd.DataFrame(self.manifest()["imports"])

    def require_imports(self, doing: str) -> None:
        """Stop with a plain message (exit 1) when no import is in use: nothing to ``doing``."""
        if not self.manifest()["imports"]:
            raise AnalysisError(
                f"Nothing imported yet in {self.path}, so there is nothing to {doing}. Import an "
                f"export first: evaluate ingest EXPORT -w {self.path} -i INSTRUMENT -c "
                f"{self.cohorts[0] if self.cohorts else 'COHORT'} --wave {self.waves[0]}")

    def history(self) -> pd.DataFrame:
        """Every import ever stored, active or not, oldest first."""
        return pd.DataFrame(self.manifest()["history"])

    def _gather(self, kind: str, instrument=None, wave=None, cohort=None, columns=None,
                only=None) -> pd.DataFrame:
        manifest = read_manifest(self.path)
        if manifest.get("format") == 1:
            return self._gather_v1(manifest, kind, instrument, wave, cohort, columns)
        records = sorted(active_records(manifest), key=lambda r: (
            r["cohort"], r["wave"], str(r["instrument"]).split("@")[0]))
        frames = []
        for r in records:
            if cohort is not None and r["cohort"] not in _as_set(cohort):
                continue
            if wave is not None and r["wave"] not in _as_set(wave):
                continue
            if instrument is not None and str(r["instrument"]).split("@")[0] not in _as_set(instrument):
                continue
            info = (r.get("files") or {}).get(kind)
            if info:
                frames.append(_read_parquet(self.path / info["path"], only))
        frames = [f for f in frames if len(f.columns)]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in (columns or [])})
        return pd.concat(frames, ignore_index=True, sort=False)

    def _gather_v1(self, manifest, kind, instrument, wave, cohort, columns) -> pd.DataFrame:
        folder = {"problems": "quarantine"}.get(kind, kind)
        frames = []
        for e in sorted(manifest.get("imports", []), key=lambda r: (r["cohort"], r["wave"])):
            inst = str(e["instrument"]).split("@")[0]
            if (cohort is not None and e["cohort"] not in _as_set(cohort)) or (
                    wave is not None and e["wave"] not in _as_set(wave)) or (
                    instrument is not None and inst not in _as_set(instrument)):
                continue
            p = self.path / folder / e["cohort"] / e["wave"] / f"{inst}.parquet"
            if p.exists():
                frames.append(_read_parquet(p))
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in (columns or [])})
        return pd.concat(frames, ignore_index=True, sort=False)

    def responses(self, instrument=None, wave=None, cohort=None, *,
                  only: list[str] | None = None) -> pd.DataFrame:
        """Accepted responses, one row each (filters accept a value or a list).

        ``only``: read just these columns (those an import has; the others are not read),
        the same values and types as those columns of all of them."""
        return self._gather("responses", instrument, wave, cohort, columns=RESPONSE_COLUMNS,
                            only=only)

    def ties(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        return self._gather("ties", instrument, wave, cohort, columns=TIE_COLUMNS)

    def stakeholders(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        return self._gather("stakeholders", instrument, wave, cohort, columns=STAKEHOLDER_COLUMNS)

    def problems(self, wave=None, cohort=None, instrument=None) -> pd.DataFrame:
        """Every problem recorded when the active imports were made (names and emails hidden)."""
        return self._gather("problems", instrument, wave, cohort,
                            columns=["cohort", "wave", "instrument", *QUARANTINE_COLUMNS])

    #: The problems recorded at import (kept under this name for the report).
    quarantine = problems

    # ------------------------------------------------------------------ changes
    def store_import(self, **kwargs) -> StoreOutcome:
        """Store one import (see :func:`evaluate.workspace.history.store_import`)."""
        from evaluate.workspace.history import store_import

        return store_import(self, **kwargs)

    def undo(self) -> str:
        from evaluate.workspace.history import undo

        return undo(self)

    def remove(self, import_id: str) -> str:
        from evaluate.workspace.history import remove

        return remove(self, import_id)

    def restore(self, import_id: str) -> str:
        from evaluate.workspace.history import restore

        return restore(self, import_id)

    def wave_order(self, wave: str) -> int:
        waves = self.waves
        return waves.index(wave) if wave in waves else len(waves)


def _lock_timeout(timeout: float | None) -> float:
    return float(os.environ.get("EVALUATE_LOCK_TIMEOUT", "60")) if timeout is None else timeout


def _read_parquet(path: Path, only: list[str] | None = None) -> pd.DataFrame:
    try:
        if only is not None:
            import pyarrow.parquet as pq

            wanted = set(only)
            return pd.read_parquet(path, columns=[c for c in pq.read_schema(path).names
                                                  if c in wanted])
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise WorkspaceDamaged(
            f"{path}: a data file the manifest lists is missing — run `evaluate check "
            f"{path.parents[2] if IMPORTS_DIR in path.parts else path.parent}` to see what is "
            "damaged, and `evaluate repair` to restore the last consistent state") from None
    except OSError as exc:
        raise WorkspaceError(explain_os_error(exc, path, "read the workspace")) from None
    except Exception as exc:  # pyarrow's errors for a file that is not parquet
        raise WorkspaceDamaged(
            f"{path}: not a readable data file ({type(exc).__name__}) — run `evaluate check` "
            "and `evaluate repair` on the workspace") from None


def _undo_created(path: Path, existed: bool, before: set[Path]) -> None:
    """Remove what a failed ``init`` created, and nothing that was there before."""
    if not existed:
        shutil.rmtree(path, ignore_errors=True)
        return
    if not path.is_dir():
        return
    for child in path.iterdir():
        if child not in before:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def _as_set(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}
