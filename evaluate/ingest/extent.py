"""How much of a worksheet a reader would hold in memory, found before it reads it.

A spreadsheet reader holds a sheet as one dense block from ``A1`` to the
farthest filled cell: a 15 KB workbook with one stray entry in ``XFD1048576``
asks for 17 billion cells, and python-calamine aborts the interpreter when the
allocation fails. :func:`check_sheet_extent` looks first, cheaply, and refuses
a sheet whose block would not fit the memory budget, naming the far cell.

How the extent is found:

* the ``<dimension ref="A1:AO40"/>`` element near the top of the sheet's XML
  (Excel and Microsoft Forms write it): read from the first bytes of the
  compressed part, it costs about a millisecond;
* when there is none (Google Sheets downloads, openpyxl's write-only mode), or
  it is not believable (a single cell over a large sheet, or a block too small
  for the bytes it covers), or it is over budget (Excel counts formatted empty
  cells, which the reader skips), a streaming scan of the sheet's XML: for each
  row the last cell that holds something (cells within a row are in column
  order, as the file format requires). The scan decompresses the part once and
  never holds more than a few megabytes of it.

Run ``python benchmarks/bench_read.py`` to see what the check costs on a large
export.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from evaluate.errors import ReadError
from evaluate.inputs import env_megabytes, size_words

__all__ = [
    "BYTES_PER_CELL",
    "SheetExtent",
    "memory_budget",
    "sheet_extent",
    "check_sheet_extent",
    "cell_address",
    "sheet_xml_blocks",
]

#: Memory the reading of one cell of the dense block costs, measured with
#: python-calamine 0.9 (32 bytes in the reader's own range, 12 for the Python
#: rows it hands over, 9 for our grid, the rest for masks), rounded up.
BYTES_PER_CELL = 64
#: Default memory budget for one sheet, in MB (override: ``EVALUATE_SHEET_MEMORY_MB``).
DEFAULT_BUDGET_MB = 1024
_MAX_ROW = 1_048_576
_MAX_COL = 16_384
_HEAD_BYTES = 65_536
_EXACT_BYTES = 262_144  # the start of a sheet's XML is read cell by cell
_CHUNK = 1 << 22
_SMALL_PART = 4 * 1024 * 1024  # a sheet part this small is scanned (a few ms), not trusted
_BYTES_PER_DECLARED_CELL = 4_096  # more XML than this per declared cell: the dimension is wrong


@dataclass(frozen=True)
class SheetExtent:
    """The dense block a reader would allocate for one sheet (from ``A1``).

    Attributes
    ----------
    rows, columns : int
        Last filled row and column (1-based), so the block is ``rows × columns``.
    far_row_cell, far_column_cell : str
        Addresses of a cell on the last row and of a cell in the last column.
    source : str
        ``"dimension"`` (the sheet's declared size) or ``"scan"`` (its cells).
    """

    rows: int
    columns: int
    far_row_cell: str
    far_column_cell: str
    source: str

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def bytes_needed(self) -> int:
        return self.cells * BYTES_PER_CELL


def memory_budget() -> int:
    """Bytes one sheet may take to read (``EVALUATE_SHEET_MEMORY_MB``, default 1024 MB)."""
    return env_megabytes("EVALUATE_SHEET_MEMORY_MB", DEFAULT_BUDGET_MB)


def cell_address(row: int, column: int) -> str:
    """``cell_address(1048576, 16384)`` → ``"XFD1048576"``.

    >>> cell_address(1, 1), cell_address(40, 41), cell_address(1048576, 16384)
    ('A1', 'AO40', 'XFD1048576')
    """
    letters = []
    n = column
    while n:
        n, rem = divmod(n - 1, 26)
        letters.append(chr(65 + rem))
    return "".join(reversed(letters)) + str(row)


_LETTER_VALUES: dict[bytes, int] = {}


def _column_number(letters: bytes) -> int:
    value = _LETTER_VALUES.get(letters)
    if value is None:
        value = 0
        for ch in letters.upper():
            value = value * 26 + (ch - 64)
        _LETTER_VALUES[letters] = value
    return value


# ---------------------------------------------------------------------------- the parts
_REL_ID = re.compile(r'\b(?:[\w.-]+:)?id\s*=\s*"([^"]*)"')
_NAME = re.compile(r'\bname\s*=\s*"([^"]*)"')
_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\b[^>]*>")
_REL_TAG = re.compile(r"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_ID_ATTR = re.compile(r'\bId\s*=\s*"([^"]*)"')
_TARGET_ATTR = re.compile(r'\bTarget\s*=\s*"([^"]*)"')
_OFFICE_DOC = re.compile(r'Type\s*=\s*"[^"]*/officeDocument"')
_SMALL_XML = 16 * 1024 * 1024  # workbook.xml and .rels are a few KB


def _small_text(zf: zipfile.ZipFile, name: str) -> str | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _SMALL_XML:
        return None
    return zf.read(info).decode("utf-8", errors="replace")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding its XML (empty if the workbook cannot be followed)."""
    workbook = "xl/workbook.xml"
    root_rels = _small_text(zf, "_rels/.rels")
    if root_rels:
        for tag in _REL_TAG.findall(root_rels):
            target = _TARGET_ATTR.search(tag)
            if _OFFICE_DOC.search(tag) and target:
                workbook = html.unescape(target.group(1)).lstrip("/")
    text = _small_text(zf, workbook)
    rels = _small_text(zf, posixpath.join(posixpath.dirname(workbook), "_rels",
                                          posixpath.basename(workbook) + ".rels"))
    if text is None or rels is None:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _ID_ATTR.search(tag), _TARGET_ATTR.search(tag)
        if rid and target:
            path = html.unescape(target.group(1))
            path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(workbook), path))
            targets[rid.group(1)] = path
    parts = {}
    for tag in _SHEET_TAG.findall(text):
        name, rid = _NAME.search(tag), _REL_ID.search(tag)
        if name and rid and rid.group(1) in targets:
            parts[html.unescape(name.group(1))] = targets[rid.group(1)]
    return parts


# ---------------------------------------------------------------------------- dimension
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*"([^"]*)"')
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_PREFIX = re.compile(rb"<([\w.-]+:)?worksheet\b")


def _parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref.strip())
    if not m:
        return None
    row, col = int(m.group(2)), _column_number(m.group(1).encode())
    if not (1 <= row <= _MAX_ROW and 1 <= col <= _MAX_COL):
        return None
    return row, col


def _declared(head: bytes, part_size: int) -> SheetExtent | None:
    """The sheet's ``<dimension>``, when there is one and it is believable."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    ref = m.group(1).decode("ascii", errors="replace")
    corners = [_parse_ref(p) for p in ref.split(":")]
    if not corners or len(corners) > 2 or any(c is None for c in corners):
        return None
    row = max(c[0] for c in corners)
    col = max(c[1] for c in corners)
    if part_size <= _SMALL_PART:
        return None  # scanning a small sheet costs less than trusting its word
    if part_size > row * col * _BYTES_PER_DECLARED_CELL:
        return None  # far more XML than the declared block could hold
    far = cell_address(row, col)
    return SheetExtent(row, col, far, far, "dimension")


# ---------------------------------------------------------------------------- scan
_ROW_ATTR = re.compile(rb'\br\s*=\s*"(\d+)"')
_CELL_REF = re.compile(rb'\br\s*=\s*"\$?([A-Za-z]{1,3})\$?(\d+)"')


def _greater_letters(letters: str) -> str:
    """Regex for column letters beyond ``letters`` (``"BH"`` → ``BI``…``BZ``, ``C?``…, ``AAA``…)."""
    n = len(letters)
    parts = [f"[A-Z]{{{n + 1},3}}"] if n < 3 else []
    for i, ch in enumerate(letters):
        if ch != "Z":
            parts.append(letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + (f"[A-Z]{{{n - i - 1}}}" if
                                                                    n - i - 1 else ""))
    return "|".join(parts) or "(?!)"


class _Scan:
    """Streaming state: the farthest filled cells so far, and how to find farther ones.

    Three ways to look at a block of the sheet's XML:

    * every cell (the first 256 KB, so a small sheet is read exactly whatever
      order its cells are in);
    * fast (the blocks after it): the block's last filled cell (the file
      format keeps rows in order, and every spreadsheet program writes them
      so), and one regular expression for any cell in a column beyond the
      farthest seen so far — in a sound sheet it finds nothing, at the regex
      engine's speed, and whatever it finds is read exactly. A far row hidden
      out of order in the middle of a large hand-made file is not looked for:
      the most it can cost is 1,048,576 rows of the sheet's real width;
    * row by row, counting cells (for sheets whose cells carry no address:
      then the fast way cannot be used, and the whole part is read this way).
    """

    def __init__(self, prefix: bytes):
        self.prefix = prefix
        p = re.escape(prefix)
        self.row_tag = re.compile(rb"<" + p + rb"row\b([^>]*)>")
        self.cell_tag = re.compile(rb"<" + p + rb"c\b([^>]*)>")
        self.cell_open = b"<" + prefix + b"c "
        self.cell_close = b"</" + prefix + b"c>"
        self.row = 0
        self.max_row = self.max_col = 0
        self.row_cell = self.col_cell = (1, 1)
        self.unaddressed = False
        self._patterns: dict[int, re.Pattern] = {}

    def _empty(self, data: bytes, tag: re.Match) -> bool:
        """A cell with no value: ``<c r="B2" s="1"/>`` or ``<c r="B2" s="1"></c>`` (formatting only)."""
        return tag.group(1).endswith(b"/") or data.startswith(self.cell_close, tag.end())

    def _note(self, row: int, col: int) -> None:
        row, col = max(row, 1), max(col, 1)
        if row > self.max_row:
            self.max_row, self.row_cell = row, (row, col)
        if col > self.max_col:
            self.max_col, self.col_cell = col, (row, col)

    # -- every cell
    def feed_cells(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        for m in self.cell_tag.finditer(data, start, len(data) if end is None else end):
            if self._empty(data, m):
                continue  # formatted but empty: the reader skips it
            ref = _CELL_REF.search(m.group(1))
            if ref is None:
                self.unaddressed = True
                return
            self._note(int(ref.group(2)), _column_number(ref.group(1)))

    # -- row by row, for cells without addresses
    def feed_rows(self, data: bytes) -> None:
        pos = 0
        for m in self.row_tag.finditer(data):
            self._count_row(data, pos, m.start())
            found = _ROW_ATTR.search(m.group(1))
            self.row = int(found.group(1)) if found else self.row + 1
            pos = m.end()
        self._count_row(data, pos, len(data))

    def _count_row(self, data: bytes, start: int, end: int) -> None:
        col = 0
        for m in self.cell_tag.finditer(data, start, end):
            ref = _CELL_REF.search(m.group(1))
            col = _column_number(ref.group(1)) if ref else col + 1
            if not self._empty(data, m):
                self._note(int(ref.group(2)) if ref else self.row, col)

    # -- fast
    def _pattern(self) -> re.Pattern:
        pattern = self._patterns.get(self.max_col)
        if pattern is None:
            letters = cell_address(1, self.max_col)[:-1]
            p = re.escape(self.prefix).decode()
            text = rf'<{p}c r="(?:{_greater_letters(letters)})\d'  # a column beyond the farthest
            pattern = re.compile(text.encode())
            if len(self._patterns) > 256:
                self._patterns.clear()
            self._patterns[self.max_col] = pattern
        return pattern

    def feed_fast(self, data: bytes, start: int = 0) -> bool:
        """Look at one block the fast way; False when only the row-by-row way can read it."""
        p = data.rfind(self.cell_open, start)
        steps = 0
        while p >= start and steps < 64:  # the block's last filled cell
            m = self.cell_tag.match(data, p)
            if m is None:
                break
            if not self._empty(data, m):
                ref = _CELL_REF.search(m.group(1))
                if ref is None:
                    return False
                self._note(int(ref.group(2)), _column_number(ref.group(1)))
                break
            steps += 1
            p = data.rfind(self.cell_open, start, p)
        pos, hits = start, 0
        while True:
            m = self._pattern().search(data, pos)
            if m is None:
                return not self.unaddressed
            tag = self.cell_tag.match(data, m.start())
            pos = m.end()
            if tag is None or self._empty(data, tag):
                continue  # formatted but empty: the reader skips it
            ref = _CELL_REF.search(tag.group(1))
            self._note(int(ref.group(2)), _column_number(ref.group(1)))
            hits += 1
            if hits > 64:  # a sheet that keeps growing: read the rest of this block exactly
                self.feed_cells(data, pos)
                return not self.unaddressed


def _inflate(path: str | Path, info: zipfile.ZipInfo):
    """The bytes of one zip part, in blocks (raw inflate: no CRC pass, the reader checks it)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # bzip2 or LZMA (no spreadsheet program writes them, a hand-zipped file can): zipfile
        # decompresses them; any other method raises NotImplementedError, and the sheet is refused
        with zipfile.ZipFile(path) as zf, zf.open(info) as fh:
            while block := fh.read(_CHUNK):
                yield block
        return
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("no local header")
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        left = info.compress_size
        if info.compress_type == zipfile.ZIP_STORED:
            while left > 0:
                block = fh.read(min(_CHUNK, left))
                if not block:
                    return
                left -= len(block)
                yield block
            return
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        while left > 0:
            raw = fh.read(min(_CHUNK // 8, left))
            if not raw:
                break
            left -= len(raw)
            block = inflater.decompress(raw)
            if block:
                yield block
        block = inflater.flush()
        if block:
            yield block


def _scan(path: str | Path, info: zipfile.ZipInfo, by_rows: bool = False,
          on_block=None) -> SheetExtent:
    """Scan one sheet part; ``on_block`` (if given) sees every decompressed block, then ``b""``
    at the end (and None first if the scan has to start again), so another search of the
    same XML needs no second decompression."""
    scan: _Scan | None = None
    carry, first = b"", True
    if on_block is not None and by_rows:
        on_block(None)
    for block in itertools.chain(_inflate(path, info), [b""]):
        if on_block is not None:
            on_block(block)
        data = carry + block
        if scan is None:
            if len(data) < _HEAD_BYTES and block:
                carry = data
                continue
            m = _PREFIX.search(data[:_HEAD_BYTES])
            scan = _Scan((m.group(1) or b"") if m else b"")
        if block:
            cut = data.rfind(b"<")
            if cut < 0:  # a stretch of text with no tag: nothing to keep
                carry = b""
                continue
            if cut == 0:  # one tag, then a long text: keep the tag only
                carry = data[:4096]
                continue
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        if by_rows:
            scan.feed_rows(data)
        else:
            start = 0
            if first:  # the start of the sheet, every cell: a small sheet is read exactly
                start = data.find(b"<", _EXACT_BYTES)
                start = len(data) if start < 0 else start
                scan.feed_cells(data, 0, start)
            if not scan.unaddressed and not scan.feed_fast(data, start):
                scan.unaddressed = True
        if scan.unaddressed and not by_rows:
            return _scan(path, info, by_rows=True, on_block=on_block)
        first = False
    if scan is None:
        return SheetExtent(0, 0, "A1", "A1", "scan")
    return SheetExtent(scan.max_row, scan.max_col, cell_address(*scan.row_cell),
                       cell_address(*scan.col_cell), "scan")


# ---------------------------------------------------------------------------- entry points
def sheet_extent(path: str | Path, sheet: str, on_block=None) -> SheetExtent | None:
    """The dense block a reader would allocate for ``sheet`` of the workbook at ``path``.

    Returns None when the workbook's parts cannot be followed (the reader
    then reports the file as damaged, or reads it: nothing is refused here).
    When the sheet's XML is scanned, ``on_block`` sees it block by block
    (see ``_scan``); it is not called when the sheet's declared size is used.

    Raises
    ------
    evaluate.errors.ReadError
        When the sheet's part is compressed with a method that cannot be
        decompressed here (not stored, deflate, bzip2 or LZMA), so its size
        cannot be checked: the message says to save the file again.

    Examples
    --------
    >>> ext = sheet_extent("sample_data/c1/baseline-c1-msforms.xlsx", "Form1")
    >>> ext.rows, ext.columns, ext.far_column_cell, ext.source  # small: scanned, not trusted
    (40, 41, 'AO1', 'scan')
    """
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _sheet_parts(zf)
            names = [parts[sheet]] if sheet in parts else [
                n for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml") and "/_rels/" not in n]
            found = []
            for name in names:
                info = zf.getinfo(name)
                try:
                    with zf.open(info) as fh:
                        extent = _declared(fh.read(_HEAD_BYTES), info.file_size)
                    if extent is None or extent.bytes_needed > memory_budget():
                        extent = _scan(path, info, on_block=on_block if sheet in parts else None)
                except NotImplementedError:
                    raise ReadError(
                        f'{Path(path).name}, sheet "{sheet}": is compressed in a way spreadsheet '
                        f"programs do not use (zip method {info.compress_type}), so it cannot be "
                        "checked before reading — open the file in Excel or LibreOffice, save "
                        "it as .xlsx, and import the saved file.") from None
                found.append(extent)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError,
            NotImplementedError, RuntimeError, ValueError):
        return None
    if not found:
        return None
    return max(found, key=lambda e: e.cells)


def sheet_xml_blocks(path: str | Path, sheet: str):
    """The XML of ``sheet``, decompressed block by block (nothing when it cannot be found)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = _sheet_parts(zf).get(sheet)
            info = zf.getinfo(name) if name else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError):
        return
    if info is None:
        return
    try:
        yield from _inflate(path, info)
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError):
        return


def check_sheet_extent(path: str | Path, sheet: str, on_block=None) -> SheetExtent | None:
    """Refuse ``sheet`` when reading it would need more memory than the budget allows.

    Raises
    ------
    evaluate.errors.ReadError
        Naming the file, the sheet, the far cell, the memory it would take and
        the fix (delete the stray cells beyond the data, save, export again).
    """
    extent = sheet_extent(path, sheet, on_block)
    budget = memory_budget()
    if extent is None or extent.bytes_needed <= budget:
        return extent
    if extent.far_row_cell == extent.far_column_cell:
        where = f"has something in cell {extent.far_row_cell}"
    else:
        where = (f"has something as far down as cell {extent.far_row_cell} and as far right as "
                 f"cell {extent.far_column_cell}")
    raise ReadError(
        f'{Path(path).name}, sheet "{sheet}": {where}, far beyond the responses, so reading '
        f"it would need about {size_words(extent.bytes_needed)} of memory ({extent.rows:,} rows × "
        f"{extent.columns:,} columns), more than the {size_words(budget)} allowed — open the file, "
        "delete the stray cells or rows beyond the data (press Ctrl+End to find the last "
        "cell; select the empty rows below and columns to the right of the responses, "
        "right-click › Delete), save, and export again.")
