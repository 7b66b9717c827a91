"""What reading an export gives: the platforms, column roles, and :class:`RawExport`.

:func:`evaluate.ingest.readers.read_export` returns a :class:`RawExport`: the
data rows as read, one :class:`ExportColumn` per column (heading, question
text, Qualtrics import id, sub-label, parent question and metadata role) and
the spreadsheet row number of every data row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "PLATFORMS",
    "PLATFORM_NAMES",
    "MULTI_SEPARATORS",
    "ROLES",
    "ExportColumn",
    "RawExport",
    "column_letter",
]

PLATFORMS: tuple[str, ...] = (
    "microsoft_forms",
    "google_forms",
    "qualtrics",
    "surveymonkey",
    "plain",
)

ROLES: tuple[str, ...] = (
    "respondent_id",
    "started",
    "completed",
    "modified",
    "email",
    "name",
    "first_name",
    "last_name",
    "status",
    "progress",
    "finished",
    "ip_address",
    "recipient_email",
    "recipient_first_name",
    "recipient_last_name",
    "external_reference",
    "collector_id",
    "score",
    "other_meta",
)

PLATFORM_NAMES = {
    "microsoft_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "plain": "plain spreadsheet",
}

MULTI_SEPARATORS: dict[str, str | None] = {
    "microsoft_forms": ";",
    "google_forms": ", ",
    "qualtrics": ",",
    "surveymonkey": None,
    "plain": None,
}


def column_letter(position: int) -> str:
    """Excel column letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(27), column_letter(9999)
    ('A', 'Z', 'AB', 'NTP')
    """
    n = position + 1
    letters = []
    while n:
        n, rem = divmod(n - 1, 26)
        letters.append(chr(65 + rem))
    return "".join(reversed(letters))


@dataclass(frozen=True)
class ExportColumn:
    """One column of an export, as the user sees it and as the platform meant it.

    Attributes
    ----------
    key : str
        Unique key of the column in :attr:`RawExport.frame` (``"c0000"`` ...).
    heading : str
        What the user sees as the heading: the row-1 text; for SurveyMonkey
        columns of a multi-column question ``"<question> — <row-2 label>"``;
        for Qualtrics the short name (``"Q10_1"``). A blank heading over data
        becomes ``"(column X)"``.
    position : int
        0-based column index in the sheet.
    letter : str
        Excel column letter (``"A"``, ``"AB"``), for messages.
    short_name : str or None
        Qualtrics row 1 (``"Q10_1"``), else None.
    label : str or None
        Question text: Qualtrics row 2, SurveyMonkey row-1 question (carried
        over blank continuation cells), else the heading.
    import_id : str or None
        Qualtrics row-3 ImportId (``"QID1"``, ``"QID2_TEXT"``, ``"_recordId"``).
    sub_label : str or None
        SurveyMonkey row 2; Google grid ``[Row]`` text; Qualtrics matrix row
        text (after the last ``" - "`` of the label).
    parent : str or None
        The question of a grid, matrix or multi-column question.
    role : str or None
        Metadata role (one of :data:`ROLES`) for platform columns, else None.
    """

    key: str
    heading: str
    position: int
    letter: str
    short_name: str | None = None
    label: str | None = None
    import_id: str | None = None
    sub_label: str | None = None
    parent: str | None = None
    role: str | None = None


@dataclass
class RawExport:
    """An export as read: data rows, column descriptions and where each row came from.

    Attributes
    ----------
    path : Path
        The file read.
    sheet : str or None
        The sheet read (xlsx) or None (csv).
    platform : str
        One of :data:`PLATFORMS`.
    frame : pandas.DataFrame
        Data rows only, columns named by :attr:`ExportColumn.key`, object dtype,
        values as read (str, float, int, bool, datetime ...); blank cells are None.
        Fully blank rows and blank columns are removed.
    columns : list of ExportColumn
        In sheet order, one per column of ``frame``.
    row_numbers : numpy.ndarray
        For each frame row, the spreadsheet row number as Excel shows it
        (1-based, heading rows counted).
    header_rows : int
        Number of heading rows (1, 2 or 3).
    encoding : str or None
        Detected csv encoding (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``,
        ``"utf-16"``) or None for xlsx.
    multi_separator : str or None
        How the platform joins multi-select answers in one cell.
    notes : list of str
        Plain-English notes on what was detected or skipped.
    rows_read : int
        Number of data rows (``len(frame)``); blank rows are not responses.
    hidden : list of dict
        Cells of data rows that read as blank but are not (xlsx only): an
        Excel error or a formula with no saved value, as ``row`` (spreadsheet
        row), ``key`` (column key), ``kind`` (``"error"``/``"formula"``) and
        ``text`` (``"#DIV/0!"``, ``"=A2/B2"``); see :mod:`evaluate.ingest.formulas`.
    """

    path: Path
    sheet: str | None
    platform: str
    frame: pd.DataFrame
    columns: list[ExportColumn]
    row_numbers: np.ndarray
    header_rows: int
    encoding: str | None
    multi_separator: str | None
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    hidden: list[dict] = field(default_factory=list)

    def column(self, key: str) -> ExportColumn:
        """Return the :class:`ExportColumn` whose key is ``key``."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def role_columns(self) -> dict[str, list[ExportColumn]]:
        """Metadata columns grouped by role, in sheet order."""
        out: dict[str, list[ExportColumn]] = defaultdict(list)
        for col in self.columns:
            if col.role is not None:
                out[col.role].append(col)
        return dict(out)
