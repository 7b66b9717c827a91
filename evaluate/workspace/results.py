"""Analysis results stored in the workspace, so that they are computed once.

``evaluate analyse`` stores every result table under ``WORKSPACE/results/``
(one parquet file each) with an index naming the state they were computed
from: the *key*, a SHA-256 over the manifest (the commit point of every
import, replacement, undo and removal), the workspace settings, the
pseudonymised roster, the instrument copies in use and the software version.
``evaluate report`` reuses them only when the key is the same now and every
file is exactly as written (its SHA-256 and row count are in the index);
otherwise it computes the results again and says why.

Files are written the way the workspace writes its others (a temporary name,
flushed, renamed over the old one), tables first and the index last: a crash
or a second writer leaves an index whose hashes do not match, which reads as
"damaged" and is never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.hashing import file_sha256
from evaluate.workspace.files import atomic_write_text, dumps_json, write_parquet

__all__ = ["RESULTS_DIR", "Stored", "results_key", "load_results", "store_results"]

RESULTS_DIR = "results"
INDEX = "index.json"
FORMAT = 1
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
#: What the analyses read besides the imports the manifest lists.
_STATE_FILES = ("manifest.json", "evaluate.yaml", "roster.parquet")


@dataclass(frozen=True)
class Stored:
    """What :func:`load_results` found: ``tables`` when they can be reused, else ``why`` not."""

    tables: dict[str, pd.DataFrame] | None
    why: str


def results_key(root: str | Path) -> dict[str, str]:
    """The state stored results belong to: ``{"workspace": sha256, "version": ...}``.

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
    return {"workspace": digest.hexdigest(), "version": __version__}


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
    if stored_key.get("workspace") != key["workspace"]:
        return Stored(None, "the workspace has changed since the results were stored")
    out: dict[str, pd.DataFrame] = {}
    for name, info in sorted(tables.items()):
        if not isinstance(info, dict) or not _NAME.match(str(name)):
            return _damaged(f"{RESULTS_DIR}/{INDEX} lists a table it should not")
        path = folder / f"{name}.parquet"
        if not path.is_file():
            return _damaged(f"{RESULTS_DIR}/{name}.parquet is missing")
        if file_sha256(path) != info.get("sha256"):
            return _damaged(f"{RESULTS_DIR}/{name}.parquet has changed since it was written")
        try:
            table = pd.read_parquet(path, engine="pyarrow")
        except Exception:  # noqa: BLE001 - any failure to read is damage
            return _damaged(f"{RESULTS_DIR}/{name}.parquet cannot be read")
        if len(table) != info.get("rows") or list(map(str, table.columns)) != info.get("columns"):
            return _damaged(f"{RESULTS_DIR}/{name}.parquet does not hold what was written")
        table = _as_written(table, info.get("dtypes") or [])
        if [str(t) for t in table.dtypes] != info.get("dtypes"):
            return _damaged(f"{RESULTS_DIR}/{name}.parquet does not hold what was written")
        out[name] = table
    return Stored(out, "reused")


def store_results(root: str | Path, key: dict[str, str], tables: dict[str, pd.DataFrame]) -> bool:
    """Store ``tables`` as computed from ``key``'s state; False (nothing trusted) if one cannot be.

    Tables are written first, each all-or-nothing; the index, written last,
    makes them the stored results. A table that parquet cannot hold exactly
    (a column mixing kinds of value) means nothing is stored: the report then
    computes the results itself.
    """
    folder = Path(root) / RESULTS_DIR
    try:
        folder.mkdir(exist_ok=True)
        index_path = folder / INDEX
        with contextlib.suppress(OSError):
            index_path.unlink()  # from here until the new index is written, nothing is reused
        listed = {}
        for name, table in sorted(tables.items()):
            if not _NAME.match(name) or not all(isinstance(c, str) for c in table.columns):
                return False
            path = folder / f"{name}.parquet"
            write_parquet(table.reset_index(drop=True), path)
            listed[name] = {"sha256": file_sha256(path), "rows": int(len(table)),
                            "columns": list(table.columns), "dtypes": [str(t) for t in table.dtypes]}
        atomic_write_text(index_path, dumps_json({"format": FORMAT, "key": key, "tables": listed}))
    except (OSError, ValueError, TypeError, NotImplementedError):
        return False  # pyarrow's errors derive from these; a full disk is an OSError
    for path in folder.glob("*.parquet"):
        if path.stem not in listed:
            with contextlib.suppress(OSError):
                path.unlink()
    return True
