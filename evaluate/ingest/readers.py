"""Read any survey export people really have and detect the platform it came from.

:func:`read_export` opens a Microsoft Forms, Google Forms, Qualtrics or
SurveyMonkey export, or a hand-made sheet, as ``.xlsx``/``.xlsm`` or
``.csv``/``.tsv``/``.txt``, works out which platform wrote it and how many
heading rows it has, and returns a :class:`RawExport`: the data rows as read,
one :class:`ExportColumn` per column (heading, question text, Qualtrics import
id, sub-label, parent question and metadata role) and the spreadsheet row
number of every data row, so that every later message can say "row 14" exactly
as Excel shows it.

Layouts follow ``REFERENCES.md`` ("Export layouts"):

* **Microsoft Forms** (xlsx): ``ID, Start time, Completion time, Email, Name``,
  sometimes ``Last modified time``; quizzes add ``Total points``,
  ``Quiz feedback``, ``Points - <q>``, ``Feedback - <q>``.
* **Google Forms** (csv or the ``Form Responses 1`` sheet): ``Timestamp`` first,
  ``Email Address``, ``Score``; grid questions as ``Question [Row]``.
* **Qualtrics** (csv/xlsx): row 1 short names (``StartDate`` ... ``Q10_1``), row 2
  question text, row 3 ``{"ImportId":"QID1"}``; the legacy layout has only the
  first two rows.
* **SurveyMonkey** (csv/xlsx): row 1 ``Respondent ID, Collector ID ...`` then
  question text, blank where a question continues over several columns; row 2
  ``Response``, ``Open-Ended Response`` or the option / row labels.
* **plain**: one heading row.

Nothing here interprets answers; matching and coercion come later.

Each concept has its module: :mod:`~evaluate.ingest.files` (is it a file we
read), :mod:`~evaluate.ingest.xlsx` and :mod:`~evaluate.ingest.delimited` (the
cells), :mod:`~evaluate.ingest.headings` and :mod:`~evaluate.ingest.platforms`
(which platform, how many heading rows), :mod:`~evaluate.ingest.columns` (what
each column is) and :mod:`~evaluate.ingest.export` (what reading gives); this
module finds the headings and the data rows and puts them together.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import ReadError
from evaluate.ingest.columns import build_columns
from evaluate.ingest.delimited import read_csv_grid
from evaluate.ingest.export import (
    MULTI_SEPARATORS,
    PLATFORM_NAMES,
    PLATFORMS,
    ROLES,
    ExportColumn,
    RawExport,
    column_letter,
)
from evaluate.ingest.files import (
    ACCEPTED,
    CSV_SUFFIXES,
    XLSX_SUFFIXES,
    _check_file,
    _fail,
)
from evaluate.ingest.headings import _cell_text
from evaluate.ingest.platforms import _count_header_rows, detect_platform
from evaluate.ingest.xlsx import read_xlsx_grid

__all__ = [
    "PLATFORMS",
    "ROLES",
    "ExportColumn",
    "RawExport",
    "read_export",
    "detect_platform",
    "column_letter",
]

# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def read_export(
    path: str | Path, sheet: str | None = None, platform: str | None = None
) -> RawExport:
    """Read a survey export and detect the platform that produced it.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``/``.xlsm`` workbook or a ``.csv``/``.tsv``/``.txt`` text export.
    sheet : str, optional
        Sheet to read from a workbook. By default ``"Form Responses 1"`` if the
        workbook has one, else the first sheet that holds any data. Ignored
        (with a note) for text files.
    platform : str, optional
        One of :data:`PLATFORMS` to skip detection.

    Returns
    -------
    RawExport
        Data rows, column descriptions and spreadsheet row numbers.

    Raises
    ------
    evaluate.errors.ReadError
        When the file cannot be read as an export at all: missing, empty, of a
        type we do not read, an old ``.xls``, password-protected, damaged, or
        not decodable as text. The message names the file and says what to do.

    Notes
    -----
    Blank cells (empty or whitespace only) become None; fully blank rows and
    columns are dropped, and :attr:`RawExport.row_numbers` keeps the true row
    numbers of the rows that remain. Leading title rows (a single filled cell
    above a fuller heading row) are skipped with a note. A file with headings
    but no responses is not an error: it gives an empty frame and a note.

    Examples
    --------
    Run from the repository root:

    >>> raw = read_export("sample_data/c2/baseline-c2-qualtrics.csv")
    >>> raw.platform, raw.header_rows, raw.row_numbers[:2].tolist()
    ('qualtrics', 3, [4, 5])
    >>> [(c.heading, c.role) for c in raw.columns[:2]]
    [('StartDate', 'started'), ('EndDate', 'completed')]
    """
    p = Path(path)
    if platform is not None and platform not in PLATFORMS:
        raise ReadError(
            f"{p.name}: unknown platform {platform!r} — use one of: {', '.join(PLATFORMS)}."
        )
    suffix = p.suffix.lower()
    if suffix == ".xls":
        if p.exists():
            raise _fail(
                p,
                "is an old-format Excel workbook (.xls) — open it in Excel, choose "
                "File › Save As › Excel Workbook (.xlsx), and import that file.",
            )
    elif suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise _fail(
            p,
            f"is {kind}; exports are read from {ACCEPTED} — export the responses "
            "from the survey platform as Excel (.xlsx) or CSV.",
        )
    head = _check_file(p)
    notes: list[str] = []
    hidden: list = []
    if suffix in XLSX_SUFFIXES:
        grid, sheet_name, more, hidden = read_xlsx_grid(p, head, sheet)
        encoding = None
        notes += more
    else:
        grid, encoding, more = read_csv_grid(p, head)
        sheet_name = None
        if sheet is not None:
            notes.append(f'A text file has no sheets; ignored sheet "{sheet}".')
        notes += more
    return _assemble(p, sheet_name, grid, platform, encoding, notes, hidden)


def _assemble(
    path: Path,
    sheet: str | None,
    grid: np.ndarray,
    platform: str | None,
    encoding: str | None,
    notes: list[str],
    hidden: list | None = None,
) -> RawExport:
    if grid.ndim != 2 or grid.size == 0:
        raise _fail(path, "has no data — export the responses again.", sheet)
    filled = np.not_equal(grid, None)
    hidden = [h for h in (hidden or []) if h.row <= grid.shape[0] and h.column <= grid.shape[1]]
    for h in hidden:  # an error cell holds something, though the reader shows it blank
        filled[h.row - 1, h.column - 1] = True
    row_filled = filled.any(axis=1)
    if not row_filled.any():
        raise _fail(path, "has no data (only blank cells) — export the responses again.", sheet)
    counts = filled.sum(axis=1)
    nonblank_rows = np.flatnonzero(row_filled)
    start = int(nonblank_rows[0])
    # Skip title rows: a single filled cell above a fuller heading row.
    titles = []
    for _ in range(5):
        later = nonblank_rows[nonblank_rows > start]
        if counts[start] == 1 and later.size and counts[later[0]] >= 3:
            titles.append(start)
            start = int(later[0])
        else:
            break
    if titles:
        shown = ", ".join(
            f"row {r + 1} ({_cell_text(grid[r][filled[r]][0])[:40]!r})" for r in titles
        )
        notes.append(f"Skipped title rows above the headings: {shown}.")
    if start > 0 and not titles:
        notes.append(f"The headings start on row {start + 1}; blank rows above were skipped.")

    first = [list(grid[r]) for r in range(start, min(start + 3, grid.shape[0]))]
    detected = detect_platform(first)
    chosen = platform or detected
    if platform and platform != detected:
        notes.append(
            f"Read as {PLATFORM_NAMES[platform]} as asked (it looks like "
            f"{PLATFORM_NAMES[detected]})."
        )
    n_head, why = _count_header_rows(chosen, first)
    if not platform:
        notes.append(f"Detected a {PLATFORM_NAMES[chosen]} export ({why}).")
    else:
        notes.append(f"{why[0].upper()}{why[1:]}.")

    head_end = start + n_head
    header_filled = filled[start:head_end].any(axis=0)
    body = grid[head_end:]
    body_filled = filled[head_end:]
    keep_col = header_filled | body_filled.any(axis=0)
    positions = np.flatnonzero(keep_col)
    if positions.size:
        last = int(positions[-1])
        inner_blank = np.flatnonzero(~keep_col[: last + 1])
        if inner_blank.size:
            letters = ", ".join(column_letter(int(c)) for c in inner_blank[:10])
            more = "" if inner_blank.size <= 10 else f" and {inner_blank.size - 10} more"
            notes.append(f"Skipped blank columns {letters}{more}.")

    keep_row = body_filled.any(axis=1)
    data_idx = np.flatnonzero(keep_row)
    row_numbers = (data_idx + head_end + 1).astype(np.int64)
    if data_idx.size:
        last_data = int(data_idx[-1])
        middle_blank = np.flatnonzero(~keep_row[:last_data])
        if middle_blank.size:
            rows = ", ".join(str(int(r) + head_end + 1) for r in middle_blank[:10])
            more = "" if middle_blank.size <= 10 else f" and {middle_blank.size - 10} more"
            notes.append(
                f"Skipped {middle_blank.size} blank row(s) between responses: row {rows}{more}."
            )
    else:
        notes.append("The file has headings but no responses.")

    header_text = [[_cell_text(v) for v in grid[r]] for r in range(start, head_end)]
    columns = build_columns(chosen, header_text, positions)
    _note_duplicates(columns, notes)
    keys = [c.key for c in columns]
    if not data_idx.size:
        values = np.empty((0, len(keys)), dtype=object)
    else:
        # plain slices (no copy) when nothing in between is dropped: the usual case
        rows = (
            slice(int(data_idx[0]), int(data_idx[-1]) + 1)
            if data_idx[-1] - data_idx[0] + 1 == data_idx.size
            else data_idx
        )
        cols = (
            slice(int(positions[0]), int(positions[-1]) + 1)
            if positions[-1] - positions[0] + 1 == positions.size
            else positions
        )
        values = body[rows][:, cols]
    frame = pd.DataFrame(values, columns=keys, dtype=object, copy=False)
    key_at = {int(pos): key for pos, key in zip(positions.tolist(), keys, strict=True)}
    kept_rows = set(row_numbers.tolist())
    in_data = [dict(row=h.row, key=key_at[h.column - 1], kind=h.kind, text=h.text)
               for h in hidden if h.row in kept_rows and h.column - 1 in key_at]
    in_headings = [h for h in hidden if start < h.row <= head_end]
    if in_headings:
        shown = ", ".join(f"{column_letter(h.column - 1)}{h.row} ({h.text})" for h in in_headings[:5])
        notes.append(f"Heading cells that hold an Excel error or an unsaved formula read as blank: "
                     f"{shown} — fix them in the sheet so the columns have their headings.")
    return RawExport(
        path=path,
        sheet=sheet,
        platform=chosen,
        frame=frame,
        columns=columns,
        row_numbers=row_numbers,
        header_rows=n_head,
        encoding=encoding,
        multi_separator=MULTI_SEPARATORS[chosen],
        notes=notes,
        rows_read=len(frame),
        hidden=in_data,
    )


def _note_duplicates(columns: list[ExportColumn], notes: list[str]) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for col in columns:
        seen[col.heading].append(col.letter)
    dups = [(h, letters) for h, letters in seen.items() if len(letters) > 1]
    if dups:
        shown = "; ".join(f'"{h[:60]}" (columns {", ".join(ls)})' for h, ls in dups[:5])
        more = "" if len(dups) <= 5 else f"; and {len(dups) - 5} more"
        notes.append(f"Headings used more than once: {shown}{more}.")
