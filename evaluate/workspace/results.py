"""Analysis results stored in the workspace, so that they are computed once.

``evaluate analyse`` stores every result table under ``WORKSPACE/results/``
(one parquet file each) with an index naming the state they were computed
from: the *key*, a SHA-256 over the manifest (the commit point of every
import, replacement, undo and removal), the workspace settings, the
pseudonymised roster, the instrument copies in use and the software version.
``evaluate report`` reuses them only when the key is the same now and every
file is exactly as written (its SHA-256 and row count are in the index);
otherwise it computes the results again and says why.

A table is read only when something asks for it: the dashboard draws from
about half of them, and never from the person-level ones (2 million scale
scores at 100,000 people). Every file's hash, row count and columns are
checked when the store is opened all the same.

Beside the tables the store keeps what the report writes from them alone:
``analysis.xlsx``, the report's ``tables.xlsx`` and its csv tables (the folder
``tables/``), each with an index naming the state it was written from and its
checksums, so the report copies them instead of writing them again.

Files are written the way the workspace writes its others (a temporary name,
flushed, renamed over the old one), tables first and the index last: a crash
or a second writer leaves an index whose hashes do not match, which reads as
"damaged" and is never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.errors import WorkspaceDamaged
from evaluate.hashing import file_sha256
from evaluate.workspace.files import atomic_write_text, dumps_json, fsync_dir, write_parquet

__all__ = ["RESULTS_DIR", "Stored", "StoredTables", "results_key", "load_results",
           "store_results", "store_workbook", "stored_workbook", "store_csv_tables",
           "stored_csv_tables"]

RESULTS_DIR = "results"
INDEX = "index.json"
#: The analysis workbook written from the stored tables, and what it was written from.
WORKBOOK, WORKBOOK_INDEX = "analysis.xlsx", "workbook.json"
#: The workbooks kept with the stored results, each with its index (the state it was
#: written from and its checksum): analysis.xlsx, and the report's tables.xlsx.
WORKBOOK_INDEXES = {WORKBOOK: WORKBOOK_INDEX, "tables.xlsx": "tables-workbook.json"}
#: The report's csv tables written from the stored tables: their folder, and its index.
CSV_TABLES, CSV_INDEX = "tables", "tables-csv.json"
FORMAT = 1
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
#: What the analyses read besides the imports the manifest lists.
_STATE_FILES = ("manifest.json", "evaluate.yaml", "roster.parquet")


@dataclass(frozen=True)
class Stored:
    """What :func:`load_results` found: ``tables`` when they can be reused, else ``why`` not."""

    tables: StoredTables | None
    why: str


class StoredTables(Mapping):
    """The stored tables by name; each is read from its file the first time it is asked for.

    Reading it checks its hash again: a file replaced since the store was
    opened raises :class:`evaluate.errors.WorkspaceDamaged` instead of giving
    results from another state.
    """

    def __init__(self, folder: Path, listed: dict[str, dict]):
        self._folder, self._listed = folder, listed
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            if name not in self._listed:
                raise KeyError(name)
            table, problem = _read_table(self._folder, name, self._listed[name])
            if table is None:
                raise WorkspaceDamaged(f"{problem}: run `evaluate analyse` again")
            self._read[name] = table
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._listed))

    def __len__(self) -> int:
        return len(self._listed)

    def __contains__(self, name) -> bool:
        return name in self._listed

    def columns_of(self, name: str) -> list[str]:
        """The columns of table ``name`` as stored, without reading it."""
        return list(self._listed[name]["columns"])

    def loaded(self) -> list[str]:
        """Names of the tables read so far."""
        return sorted(self._read)


# The tables and columns the analysis stores. Bump it whenever the analysis adds,
# removes or changes a stored table or column, so results stored by earlier code of
# the same version number are computed again instead of read with columns missing.
TABLES_LAYOUT = 5  # 5: the dumbbell chart's averages carry their 95% ranges


def results_key(root: str | Path) -> dict[str, str]:
    """The state stored results belong to: ``{"workspace": sha256, "version": ..., "layout": ...}``.

    The workspace part changes with any import, replacement, undo, removal or
    restore (the manifest), any setting (``evaluate.yaml``), the roster and the
    instrument copies in ``instruments/``.
    """
    from evaluate import __version__

    root = Path(root)
    digest = hashlib.sha256()
    for name in _STATE_FILES:
        path = root / name
        digest.update(f"{name}\0{file_sha256(path) if path.is_file() else '-'}\n".encode())
    folder = root / "instruments"
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(root).as_posix()}\0{file_sha256(path)}\n".encode())
    return {"workspace": digest.hexdigest(), "version": __version__, "layout": str(TABLES_LAYOUT)}


def _damaged(detail: str) -> Stored:
    return Stored(None, f"the stored results are damaged ({detail}), so they are not used")


def _as_written(table: pd.DataFrame, dtypes: list[str]) -> pd.DataFrame:
    """Text columns written as ``object`` come back as pandas' ``str``: give them their kind back."""
    if len(dtypes) != len(table.columns):
        return table
    back = {c: object for c, now, then in zip(table.columns, table.dtypes, dtypes, strict=True)
            if then == "object" and str(now) != "object"}
    return table.astype(back) if back else table


def load_results(root: str | Path, key: dict[str, str]) -> Stored:
    """The stored tables if they were computed from ``key``'s state and are intact.

    Never raises for a missing, stale or damaged store: ``tables`` is None and
    ``why`` says, in plain words, why the results must be computed again.
    """
    folder = Path(root) / RESULTS_DIR
    index_path = folder / INDEX
    if not index_path.is_file():
        return Stored(None, "no results are stored yet (`evaluate analyse` stores them)")
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        stored_key = index["key"]
        tables = index["tables"]
        if index.get("format") != FORMAT or not isinstance(tables, dict) or not isinstance(stored_key, dict):
            raise ValueError("unexpected layout")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return _damaged(f"{RESULTS_DIR}/{INDEX} cannot be read")
    if stored_key.get("version") != key["version"]:
        return Stored(None, f"the stored results were computed by evaluate {stored_key.get('version')} "
                            f"and this is {key['version']}")
    if stored_key.get("layout") != key.get("layout"):
        return Stored(None, "the stored results were computed by an earlier build of this version, "
                            "which stored other tables")
    if stored_key.get("workspace") != key["workspace"]:
        return Stored(None, "the workspace has changed since the results were stored")
    for name, info in sorted(tables.items()):
        if not isinstance(info, dict) or not _NAME.match(str(name)):
            return _damaged(f"{RESULTS_DIR}/{INDEX} lists a table it should not")
        path = folder / f"{name}.parquet"
        if not path.is_file():
            return _damaged(f"{RESULTS_DIR}/{name}.parquet is missing")
        if problem := _check_file(path, name, info):  # read when asked for
            return _damaged(problem)
    return Stored(StoredTables(folder, dict(tables)), "reused")


def _check_file(path: Path, name: str, info: dict) -> str:
    """What is wrong with a stored table's file without reading its rows ('' when nothing)."""
    import pyarrow.parquet as pq

    if file_sha256(path) != info.get("sha256"):
        return f"{RESULTS_DIR}/{name}.parquet has changed since it was written"
    try:
        meta = pq.ParquetFile(path).metadata
        stored_rows, names = meta.num_rows, meta.schema.to_arrow_schema().names
    except Exception:  # noqa: BLE001 - any failure to read is damage
        return f"{RESULTS_DIR}/{name}.parquet cannot be read"
    columns = [c for c in names if not c.startswith("__index_level_")]
    if stored_rows != info.get("rows") or columns != info.get("columns"):
        return f"{RESULTS_DIR}/{name}.parquet does not hold what was written"
    return ""


def _read_table(folder: Path, name: str, info: dict) -> tuple[pd.DataFrame | None, str]:
    """(the stored table, '') or (None, what is wrong with its file)."""
    path = folder / f"{name}.parquet"
    if not path.is_file():
        return None, f"{RESULTS_DIR}/{name}.parquet is missing"
    if file_sha256(path) != info.get("sha256"):
        return None, f"{RESULTS_DIR}/{name}.parquet has changed since it was written"
    try:
        table = pd.read_parquet(path, engine="pyarrow")
    except Exception:  # noqa: BLE001 - any failure to read is damage
        return None, f"{RESULTS_DIR}/{name}.parquet cannot be read"
    if len(table) != info.get("rows") or list(map(str, table.columns)) != info.get("columns"):
        return None, f"{RESULTS_DIR}/{name}.parquet does not hold what was written"
    table = _as_written(table, info.get("dtypes") or [])
    if [str(t) for t in table.dtypes] != info.get("dtypes"):
        return None, f"{RESULTS_DIR}/{name}.parquet does not hold what was written"
    return table, ""


def store_results(root: str | Path, key: dict[str, str], tables: dict[str, pd.DataFrame]) -> bool:
    """Store ``tables`` as computed from ``key``'s state; False (nothing trusted) if one cannot be.

    Tables are written first, each all-or-nothing, and their folder synced once
    after the last (not once per table: 45 syncs cost ~0.15 s of every ``evaluate
    analyse``); the index, written last, makes them the stored results. A table that parquet cannot hold exactly
    (a column mixing kinds of value) means nothing is stored: the report then
    computes the results itself.
    """
    folder = Path(root) / RESULTS_DIR
    try:
        folder.mkdir(exist_ok=True)
        index_path = folder / INDEX
        with contextlib.suppress(OSError):
            index_path.unlink()  # from here until the new index is written, nothing is reused
        for kept_index in (*WORKBOOK_INDEXES.values(), CSV_INDEX):  # nor what was written from
            with contextlib.suppress(OSError):
                (folder / kept_index).unlink()
        listed = {}
        for name, table in sorted(tables.items()):
            if not _NAME.match(name) or not all(isinstance(c, str) for c in table.columns):
                return False
            path = folder / f"{name}.parquet"
            write_parquet(table.reset_index(drop=True), path, sync_folder=False)
            listed[name] = {"sha256": file_sha256(path), "rows": int(len(table)),
                            "columns": list(table.columns), "dtypes": [str(t) for t in table.dtypes]}
        fsync_dir(folder)  # every table's rename durable before the index that lists them
        atomic_write_text(index_path, dumps_json({"format": FORMAT, "key": key, "tables": listed}))
    except (OSError, ValueError, TypeError, NotImplementedError):
        return False  # pyarrow's errors derive from these; a full disk is an OSError
    for path in folder.glob("*.parquet"):
        if path.stem not in listed:
            with contextlib.suppress(OSError):
                path.unlink()
    return True


def _stored_key(folder: Path) -> dict | None:
    try:
        return json.loads((folder / INDEX).read_text(encoding="utf-8"))["key"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None


def store_workbook(root: str | Path, key: dict[str, str], path: str | Path,
                   name: str = WORKBOOK) -> bool:
    """Keep a copy of ``analysis.xlsx`` (or ``name``, one of :data:`WORKBOOK_INDEXES`)
    written from the tables stored under ``key``.

    Kept only while the stored tables are ``key``'s and the workspace is still
    in that state, so that :func:`stored_workbook` hands it out only with the
    tables it was written from. False when it is not kept.
    """
    folder = Path(root) / RESULTS_DIR
    if _stored_key(folder) != key or results_key(root) != key:
        return False
    try:
        copy = folder / name
        partial = folder / f".{name}.partial"
        shutil.copyfile(path, partial)
        os.replace(partial, copy)
        atomic_write_text(folder / WORKBOOK_INDEXES[name], dumps_json(
            {"format": FORMAT, "key": key, "sha256": file_sha256(copy)}))
    except OSError:
        return False
    return True


def stored_workbook(root: str | Path, key: dict[str, str], name: str = WORKBOOK) -> Path | None:
    """The kept ``analysis.xlsx`` (or ``name``) when it was written from ``key``'s stored
    tables and is intact."""
    folder = Path(root) / RESULTS_DIR
    try:
        kept = json.loads((folder / WORKBOOK_INDEXES[name]).read_text(encoding="utf-8"))
        if kept["key"] != key or _stored_key(folder) != key:
            return None
        if file_sha256(folder / name) != kept["sha256"]:
            return None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return folder / name


def store_csv_tables(root: str | Path, key: dict[str, str], paths: list[Path]) -> bool:
    """Keep the report's csv tables (``paths``), written from the tables stored under ``key``.

    As :func:`store_workbook`: kept only while the stored tables are ``key``'s
    and the workspace is still in that state; the index, written last, lists
    every file with its checksum. False when they are not kept.
    """
    folder = Path(root) / RESULTS_DIR
    if _stored_key(folder) != key or results_key(root) != key:
        return False
    kept = folder / CSV_TABLES
    try:
        with contextlib.suppress(OSError):
            (folder / CSV_INDEX).unlink()  # until the new index is written, nothing is reused
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir()
        files = {}
        for path in sorted(Path(p) for p in paths):
            shutil.copyfile(path, kept / path.name)
            files[path.name] = file_sha256(kept / path.name)
        atomic_write_text(folder / CSV_INDEX, dumps_json(
            {"format": FORMAT, "key": key, "files": files}))
    except OSError:
        return False
    return True


def stored_csv_tables(root: str | Path, key: dict[str, str]) -> list[Path] | None:
    """The kept csv tables when they were written from ``key``'s stored tables and are
    intact (every file listed, each with its checksum), else None."""
    folder = Path(root) / RESULTS_DIR
    try:
        kept = json.loads((folder / CSV_INDEX).read_text(encoding="utf-8"))
        if kept["key"] != key or _stored_key(folder) != key:
            return None
        paths = []
        for name, sha in sorted(kept["files"].items()):
            path = folder / CSV_TABLES / name
            if Path(name).name != name or not name.endswith(".csv") or file_sha256(path) != sha:
                return None
            paths.append(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return paths
