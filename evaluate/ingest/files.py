"""An export file before it is read: present, readable, and of the kind its name says.

The first bytes tell a zip (xlsx) from an old OLE2 workbook (.xls, or an
encrypted one), a PDF or text; every refusal names the file and says what to do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evaluate.errors import ReadError
from evaluate.inputs import not_a_regular_file

__all__ = ["ACCEPTED", "CSV_SUFFIXES", "XLSX_SUFFIXES"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
ACCEPTED = ".xlsx, .xlsm, .csv, .tsv, .txt"
DEFAULT_SHEET = "Form Responses 1"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

_ENCRYPTED_FIX = (
    "is password-protected or encrypted — remove the password in Excel "
    "(File › Info › Protect Workbook) and export again"
)


def _fail(path: Path, what: str, sheet: str | None = None) -> ReadError:
    where = f'{path.name}, sheet "{sheet}"' if sheet else path.name
    return ReadError(f"{where}: {what}")


def _check_file(path: Path) -> bytes:
    """Return the first bytes of a readable, non-empty file; else raise ReadError."""
    if not path.exists():
        raise _fail(path, "file not found — check the name and folder and try again.")
    if path.is_dir():
        raise _fail(path, f"is a folder, not an export file — give a file ({ACCEPTED}).")
    problem = not_a_regular_file(path)  # a named pipe would hang the read, /dev/zero fill memory
    if problem:
        raise _fail(path, f"{problem} — save it as an ordinary file ({ACCEPTED}) and "
                    "give that file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _fail(
            path,
            f"cannot be opened ({exc.strerror}) — check it is not open elsewhere "
            "and that you may read it.",
        ) from exc
    if not head:
        raise _fail(path, "is empty (0 bytes) — export the responses again.")
    return head


def _sniff_kind(head: bytes) -> str | None:
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_OLE2_MAGIC):
        return "ole2"
    if head.startswith(b"%PDF"):
        return "pdf"
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end
            return False
    return True


_is_blank_cell = np.frompyfunc(
    lambda v: v is None or (v.__class__ is str and (not v or v.isspace())), 1, 1
)


def _blank_cells(grid: np.ndarray, check_all: bool) -> np.ndarray:
    """Boolean mask of blank cells: ``""``, whitespace only, or None."""
    if grid.size == 0:
        return np.zeros(grid.shape, dtype=bool)
    if check_all:
        return _is_blank_cell(grid).astype(bool)
    return grid == ""
