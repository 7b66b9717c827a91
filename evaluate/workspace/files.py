"""Writing workspace files so that a crash, a full disk or a second writer never damages them.

Every file is written aside (a temporary name in the same folder), flushed
to disk and renamed over the old one: readers see the old file or the new
one, never half of either. Changes to a workspace happen under one lock
(:class:`WorkspaceLock`), so concurrent imports queue instead of
interleaving; the manifest is the commit point (see
:mod:`evaluate.workspace.store`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
import uuid
import warnings
from pathlib import Path

import pandas as pd

from evaluate.errors import WorkspaceBusy, WorkspaceError
from evaluate.hashing import file_sha256

__all__ = [
    "WorkspaceLock",
    "atomic_write_bytes",
    "atomic_write_text",
    "write_parquet",
    "file_sha256",
    "fsync_dir",
    "explain_os_error",
]

LOCK_NAME = ".lock"


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


@contextlib.contextmanager
def _written_aside(path: Path, sync_folder: bool = True):
    """Yield a temporary name beside ``path``; on success it is flushed and renamed over it.

    ``sync_folder=False`` leaves making the rename durable (:func:`fsync_dir` of the
    folder) to the caller, who writes several files and syncs their folder once.
    """
    tmp = _temporary(path)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.filename is None and exc.errno is not None:  # name the file the message is about
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if sync_folder:
        fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all-or-nothing (temporary file, fsync, rename)."""
    with _written_aside(Path(path)) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_parquet(frame: pd.DataFrame, path: Path, *, sync_folder: bool = True) -> None:
    """Deterministic parquet (same frame, same bytes), written all-or-nothing.

    The bytes of ``frame.to_parquet(path, index=False, engine="pyarrow",
    compression="zstd")``, written as pandas writes them (``Table.from_pandas``,
    its attrs in the metadata, ``write_table``) but by pyarrow to the file
    itself: pandas hands pyarrow a Python file object, which costs a small
    table more than the table does. ``sync_folder``: as for
    :func:`_written_aside` (False: the caller syncs the folder).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    with warnings.catch_warnings():  # as pandas: pyarrow asks for .values of times with zones
        warnings.filterwarnings("ignore", r"(Series|DatetimeIndex)\.values returning an ndarray "
                                "that drops timezone information")
        table = pa.Table.from_pandas(frame, preserve_index=False)
    if frame.attrs:
        table = table.replace_schema_metadata(
            {**table.schema.metadata, "PANDAS_ATTRS": json.dumps(frame.attrs)})
    with _written_aside(Path(path), sync_folder) as tmp:
        pq.write_table(table, str(tmp), compression="zstd")


def dumps_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


class WorkspaceLock:
    """One writer at a time per workspace; others wait up to ``timeout`` seconds, then stop.

    Uses the operating system's file lock on ``WORKSPACE/.lock`` (``flock`` on
    Linux and macOS, ``msvcrt.locking`` on Windows), so a lock held by a
    process that died is released with it. The lock file names who holds it,
    for the message a waiting writer gives up with.
    """

    def __init__(self, root: Path, timeout: float = 60.0, what: str = "a change"):
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self.timeout = timeout
        self.what = what
        self._fh = None

    def __enter__(self) -> WorkspaceLock:
        try:
            self._fh = open(self.path, "a+b")
        except OSError as exc:
            raise WorkspaceError(explain_os_error(exc, self.path, "lock the workspace")) from None
        deadline = time.monotonic() + self.timeout
        delay = 0.05
        while True:
            if self._try_lock():
                break
            if time.monotonic() >= deadline:
                holder = self._holder()
                self._fh.close()
                self._fh = None
                raise WorkspaceBusy(
                    f"{self.root}: another change to this workspace is still running"
                    f"{f' ({holder})' if holder else ''} — wait for it to finish and run the "
                    "command again; nothing was changed"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
        with contextlib.suppress(OSError):
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.write(f"{self.what}, process {os.getpid()}".encode())
            self._fh.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is None:
            return
        with contextlib.suppress(OSError):
            self._fh.seek(0)
            self._fh.truncate()
        self._unlock()
        self._fh.close()
        self._fh = None

    def _try_lock(self) -> bool:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            try:
                self._fh.seek(0)
                msvcrt.locking(self._fh.fileno(), msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                return False
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise

    def _unlock(self) -> None:
        try:
            import fcntl
        except ImportError:
            import msvcrt

            with contextlib.suppress(OSError):
                self._fh.seek(0)
                msvcrt.locking(self._fh.fileno(), msvcrt.LK_UNLCK, 1)
            return
        with contextlib.suppress(OSError):
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").strip()[:120]
        except OSError:
            return ""


def explain_os_error(exc: OSError, path: Path | str, doing: str) -> str:
    """A plain sentence for a failure of the file system, naming the file and the fix."""
    code = exc.errno
    where = f"{path}"
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return (f"could not {doing}: the disk is full ({where}) — free some space and run the "
                "command again")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"could not {doing}: permission denied for {where} — check that you may write "
                "there (the folder may be read-only or open elsewhere)")
    if code == errno.ENAMETOOLONG:
        return f"could not {doing}: the path is too long ({where}) — use a shorter folder or name"
    if code == errno.ENOTDIR:
        return f"could not {doing}: part of {where} is a file, not a folder — choose another path"
    if code == errno.ENOENT:
        return f"could not {doing}: {where} does not exist — check the path"
    return f"could not {doing} ({exc.strerror or exc}) — {where}"
