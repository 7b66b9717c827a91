"""The cells of a csv/tsv/txt export, blank cells as None.

The encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252)
and the delimiter (an Excel ``sep=`` line, else the most frequent of comma, tab
and semicolon on the first line) are found, then pandas' C parser reads every
cell as text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import ReadError
from evaluate.ingest.files import _UTF8_BOM, ACCEPTED, _blank_cells, _fail, _sniff_kind
from evaluate.inputs import max_text_export_bytes, read_limited, size_words

__all__ = ["read_csv_grid"]

def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Decode csv bytes strictly: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252."""
    if raw.startswith(_UTF8_BOM):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, exc) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise _undecodable(path, exc) from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _undecodable(path, exc) from exc


def _undecodable(path: Path, exc: UnicodeDecodeError) -> ReadError:
    return _fail(
        path,
        f"cannot be read as text (byte {exc.start} is not UTF-8 or Windows-1252 text) — "
        "open it in Excel and save as CSV UTF-8 (Comma delimited), or export it again.",
    )


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Comma, semicolon or tab: the most frequent outside quotes on the first line."""
    sample = re.sub(r'"[^"]*"', "", text[:65536])
    first = next((ln for ln in sample.splitlines() if ln.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    if suffix == ".tsv" and counts["\t"]:
        return "\t"
    best = max(counts, key=lambda d: counts[d])  # ties keep the order: , then tab then ;
    return best if counts[best] else ("\t" if suffix == ".tsv" else ",")


def read_csv_grid(path: Path, head: bytes) -> tuple[np.ndarray, str, list[str]]:
    """Return the cells (blank → None), the encoding and notes."""
    notes: list[str] = []
    kind = _sniff_kind(head)
    if kind == "zip":
        raise _fail(
            path,
            "is an Excel workbook with a text-file name — rename it to end in "
            ".xlsx and import it again.",
        )
    if kind == "ole2":
        raise _fail(
            path,
            "is an old-format Excel workbook (.xls), not a text file — open it "
            "in Excel and save it as .xlsx or CSV UTF-8.",
        )
    if kind == "pdf":
        raise _fail(path, f"is a PDF, not a spreadsheet export — use one of {ACCEPTED}.")
    limit = max_text_export_bytes()
    raw = read_limited(path, limit)
    if raw is None:
        raise _fail(
            path,
            f"is {size_words(path.stat().st_size)}, more than the {size_words(limit)} a text "
            "export may be — check that it is a survey export; if it really is one, export it "
            "as .xlsx, or split it, or raise the limit with EVALUATE_MAX_TEXT_EXPORT_MB.",
        )
    is_utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not is_utf16 and b"\x00" in raw:
        raise _fail(
            path,
            "contains binary data, not text — it is not a CSV export. "
            f"Export the responses again as one of {ACCEPTED}.",
        )
    text, encoding = _decode(path, raw)
    if not text or text.isspace():  # (as ``not text.strip()``, without copying the text)
        raise _fail(path, "has no data (only blank lines) — export the responses again.")
    if encoding == "cp1252":
        notes.append("The file is not UTF-8; read it as Windows-1252 (cp1252) text.")
    elif encoding == "utf-16":
        notes.append("The file is UTF-16 text (Excel's 'Unicode Text'); read it as such.")

    m = re.match(r"\s*sep=(.)\s*?(\r\n|\n|\r)", text)
    if m:
        delimiter = m.group(1)
        text = text[m.end() :]  # Excel hides the sep= line: row 1 is the next line
        notes.append(f"Used the delimiter named on the first line (sep={delimiter}).")
    else:
        delimiter = _sniff_delimiter(text, path.suffix.lower())
    if delimiter != ",":
        name = {"\t": "tab", ";": "semicolon"}.get(delimiter, repr(delimiter))
        notes.append(f"Columns are separated by {name}s.")

    if m or encoding not in ("utf-8", "utf-8-sig"):
        data = text.encode("utf-8")
    else:
        data = raw[len(_UTF8_BOM) :] if encoding == "utf-8-sig" else raw
    opts = dict(
        header=None,
        dtype=object,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        sep=delimiter,
        engine="c",
        encoding="utf-8",
        quotechar='"',
    )
    try:
        try:
            frame = pd.read_csv(io.BytesIO(data), **opts)
        except pd.errors.ParserError as exc:
            if "Expected" not in str(exc):
                raise
            width = _max_fields(path, text, delimiter)
            frame = pd.read_csv(io.BytesIO(data), names=range(width), **opts)
            notes.append(
                "Some rows have more cells than the heading row; the extra cells "
                "were kept under blank headings."
            )
    except pd.errors.EmptyDataError as exc:
        raise _fail(path, "has no data (only blank lines) — export the responses again.") from exc
    except (pd.errors.ParserError, ValueError, UnicodeError, OverflowError, MemoryError) as exc:
        msg = str(exc)
        where = re.search(r"row (\d+)", msg)
        if "EOF inside string" in msg:
            line = f" (from record {int(where.group(1)) + 1})" if where else ""
            raise _fail(
                path,
                f'has a quote mark (") that is never closed{line} — open the file '
                "in a text editor or Excel, fix the quote, and save again.",
            ) from exc
        raise _fail(
            path,
            f"cannot be read as a CSV table ({msg.strip()}) — open it in Excel, "
            "check it, and save it again as CSV UTF-8.",
        ) from exc
    grid = frame.to_numpy(dtype=object)
    if not grid.flags.writeable:  # a view of pandas' own block
        grid = grid.copy()
    blank = _blank_cells(grid, check_all=False)
    if _whitespace_cells_possible(data, delimiter):
        blank |= _blank_cells(grid, check_all=True)
    grid[blank] = None
    return grid, encoding, notes


_BOUNDARY_BYTES = (10, 13)
_ASCII_SPACES = (32, 9, 11, 12, 28, 29, 30, 31)
_WIDE_SPACE_LEADS = (0xC2, 0xE1, 0xE2, 0xE3)  # UTF-8 lead bytes of U+0085, U+00A0, U+1680, U+2000…


def _whitespace_cells_possible(data: bytes, delimiter: str) -> bool:
    """Cheap scan of UTF-8 csv bytes: could any cell hold only whitespace?

    False means surely not, so the per-cell check can be skipped. A cell of
    whitespace starts right after a delimiter or line break (after an opening
    quote if quoted) with a space-like byte that is followed by more space or
    by the end of the cell; anything that might be one answers True.

    The bytes are read in blocks with plain comparisons (no copy of the file,
    no array of every cell's position): only the cells whose first byte could
    open a blank cell (a space-like byte, a wide space's lead byte or a
    quote) are looked at closely.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    n = raw.size
    if n == 0:
        return False
    d = ord(delimiter)
    boundary = np.zeros(256, dtype=bool)
    boundary[[d, *_BOUNDARY_BYTES]] = True
    space = np.zeros(256, dtype=bool)
    space[list(_ASCII_SPACES)] = True
    space[d] = False
    wide = np.zeros(256, dtype=bool)
    wide[list(_WIDE_SPACE_LEADS)] = True
    end = boundary.copy()
    end[34] = True  # a closing quote
    after = end | space | wide  # what may follow a space inside a blank cell
    starts = [np.zeros(1, dtype=np.int64)]  # the first cell, then every cell after a boundary
    for lo in range(0, n - 1, _SCAN_BLOCK):
        hi = min(n - 1, lo + _SCAN_BLOCK)
        before, first = raw[lo:hi], raw[lo + 1 : hi + 1]
        cell_start = (before == d) | (before == 10) | (before == 13)
        starts.append(np.flatnonzero(cell_start & _may_open_blank(first)) + (lo + 1))
    p = np.concatenate(starts)
    quoted = raw[p] == 34
    q = p + quoted
    c = _byte_at(raw, q)
    hit = (space[c] & after[_byte_at(raw, q + 1)]) | wide[c]
    hit |= quoted & ((c == 9) | (c == 10) | (c == 13))
    return bool(hit.any())


_SCAN_BLOCK = 1 << 18


def _may_open_blank(first: np.ndarray) -> np.ndarray:
    """Bytes that could open a blank cell, and a few more: 9-12, 28-34 (spaces, separators,
    the space and the quote), the UTF-8 lead bytes 0xC2 and 0xE1-0xE3 (plain comparisons:
    several times faster than a lookup table)."""
    return ((first - np.uint8(9)) <= 3) | ((first - np.uint8(28)) <= 6) | (first == 0xC2) \
        | ((first - np.uint8(0xE1)) <= 2)


def _byte_at(raw: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The bytes at ``positions``, a line break past the end (as if the file ended with one)."""
    inside = positions < raw.size
    return np.where(inside, raw[np.minimum(positions, raw.size - 1)], 10).astype(np.uint8)


def _max_fields(path: Path, text: str, delimiter: str) -> int:
    try:
        return max(map(len, csv.reader(io.StringIO(text), delimiter=delimiter)), default=1)
    except csv.Error as exc:
        raise _fail(
            path,
            f"cannot be read as a CSV table ({exc}) — open it in Excel, check it, "
            "and save it again as CSV UTF-8.",
        ) from exc
