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
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import ReadError
from evaluate.ingest.extent import check_sheet_extent
from evaluate.ingest.formulas import HiddenCellFinder, hidden_cells
from evaluate.inputs import max_text_export_bytes, not_a_regular_file, read_limited, size_words

__all__ = [
    "PLATFORMS",
    "ROLES",
    "ExportColumn",
    "RawExport",
    "read_export",
    "detect_platform",
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


# --------------------------------------------------------------------------
# Heading vocabularies (compared after _norm: casefolded, spaces collapsed)
# --------------------------------------------------------------------------

# Qualtrics row-1 short names and row-3 ImportIds of the metadata columns.
_QUALTRICS_SHORT_ROLES = {
    "startdate": "started",
    "enddate": "completed",
    "status": "status",
    "ipaddress": "ip_address",
    "progress": "progress",
    "duration (in seconds)": "other_meta",
    "finished": "finished",
    "recordeddate": "other_meta",
    "responseid": "respondent_id",
    "recipientlastname": "recipient_last_name",
    "recipientfirstname": "recipient_first_name",
    "recipientemail": "recipient_email",
    "externalreference": "external_reference",
    "externaldatareference": "external_reference",
    "locationlatitude": "other_meta",
    "locationlongitude": "other_meta",
    "distributionchannel": "other_meta",
    "userlanguage": "other_meta",
    "responseset": "other_meta",
    "locationaccuracy": "other_meta",
}
_QUALTRICS_IMPORT_ROLES = {
    "startdate": "started",
    "enddate": "completed",
    "status": "status",
    "ipaddress": "ip_address",
    "progress": "progress",
    "duration": "other_meta",
    "finished": "finished",
    "recordeddate": "other_meta",
    "_recordid": "respondent_id",
    "responseid": "respondent_id",
    "responsesetid": "other_meta",
    "locationaccuracy": "other_meta",
    "recipientlastname": "recipient_last_name",
    "recipientfirstname": "recipient_first_name",
    "recipientemail": "recipient_email",
    "externaldatareference": "external_reference",
    "externalreference": "external_reference",
    "locationlatitude": "other_meta",
    "locationlongitude": "other_meta",
    "distributionchannel": "other_meta",
    "userlanguage": "other_meta",
}
# Legacy "V1 ... V10" exports carry the field names on row 2.
_QUALTRICS_LEGACY_LABEL_ROLES = {
    "responseid": "respondent_id",
    "responseset": "other_meta",
    "name": "name",
    "externaldatareference": "external_reference",
    "emailaddress": "recipient_email",
    "ipaddress": "ip_address",
    "status": "status",
    "startdate": "started",
    "enddate": "completed",
    "finished": "finished",
}
_QUALTRICS_SIGNATURE = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration (in seconds)",
    "finished",
    "recordeddate",
    "responseid",
    "distributionchannel",
    "userlanguage",
}
_QUALTRICS_SYSTEM = re.compile(r"^(?:Q_[A-Za-z]\w*|SC\d+)$")
_QUALTRICS_SUBITEM = re.compile(r"_(?:\d+|TEXT|[A-Za-z]+\d*)$")
_IMPORT_ID_CELL = re.compile(r"""^\s*\{\s*["']ImportId["']\s*:""")
_IMPORT_ID_VALUE = re.compile(r"""["']ImportId["']\s*:\s*["']([^"']*)["']""")
# Qualtrics Text iQ adds analysis columns after a text question (QID2_TEXT_…Topics,
# "Q2 - Topics", "Q2 - Sentiment"): they are the platform's, not the respondent's.
_TEXT_IQ_IMPORT = re.compile(r"_TEXT_.+", flags=re.IGNORECASE)
_TEXT_IQ_SHORT = re.compile(
    r"\s-\s(?:Parent Topics|Topics|Sentiment(?: Polarity| Score)?|Topic Sentiment Label|"
    r"Topic Sentiment Score|Topic Hierarchy Level \d+)$",
    flags=re.IGNORECASE,
)
# A sub-column of a question: Q2_1, Q5_10, age_1, QID2_1, QID2-1 (2016), QID4-2-TEXT.
_SUBCOLUMN = re.compile(r"^(?P<base>.+?)[_-](?P<sub>\d+)(?:[_-]TEXT)?$", flags=re.IGNORECASE)

_SURVEYMONKEY_ROLES = {
    "respondent id": "respondent_id",
    "respondentid": "respondent_id",
    "collector id": "collector_id",
    "start date": "started",
    "end date": "completed",
    "ip address": "ip_address",
    "email address": "email",
    "first name": "first_name",
    "last name": "last_name",
}
_SURVEYMONKEY_CUSTOM = re.compile(r"^custom (?:data|variable)\b")
_SURVEYMONKEY_ID = {"respondent id", "respondentid"}
# Row 2 of a SurveyMonkey export over a one-answer question.
_SURVEYMONKEY_RESPONSE = {"response", "open-ended response"}

# Microsoft Forms (English, with a few localised headings; the localised ones
# are *unconfirmed* against real files).
_MS_ROLES = {
    "id": "respondent_id",
    "start time": "started",
    "startzeit": "started",
    "heure de début": "started",
    "hora de inicio": "started",
    "completion time": "completed",
    "fertigstellungszeit": "completed",
    "heure de fin": "completed",
    "hora de finalización": "completed",
    "email": "email",
    "e-mail": "email",
    "adresse de messagerie": "email",
    "correo electrónico": "email",
    "name": "name",
    "nom": "name",
    "nombre": "name",
    "last modified time": "modified",
    "total points": "other_meta",
    "quiz feedback": "other_meta",
    "grade posted time": "other_meta",
}
_MS_TIMES = {
    "start time",
    "startzeit",
    "heure de début",
    "hora de inicio",
    "completion time",
    "fertigstellungszeit",
    "heure de fin",
    "hora de finalización",
}
_MS_QUIZ = re.compile(r"^(?:points|feedback) - ", flags=re.IGNORECASE)

_GOOGLE_TIMESTAMPS = {
    "timestamp",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "informazioni cronologiche",
    "carimbo de data/hora",
    "tijdstempel",
}
_GOOGLE_ROLES = {
    "email address": "email",
    "adresse e-mail": "email",
    "e-mail-adresse": "email",
    "dirección de correo electrónico": "email",
    "score": "score",
}
_GOOGLE_GRID = re.compile(r"^(?P<parent>.*\S)\s*\[(?P<row>[^\[\]]+)\]$", flags=re.S)

# Common metadata headings in hand-made sheets.
_PLAIN_ROLES = {
    "id": "respondent_id",
    "response id": "respondent_id",
    "respondent id": "respondent_id",
    "timestamp": "completed",
    "submitted": "completed",
    "submitted at": "completed",
    "date submitted": "completed",
    "completed": "completed",
    "completion time": "completed",
    "end date": "completed",
    "started": "started",
    "start time": "started",
    "start date": "started",
    "last modified time": "modified",
    "modified": "modified",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "work email": "email",
    "name": "name",
    "full name": "name",
    "your name": "name",
    "first name": "first_name",
    "forename": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "score": "score",
}

_SPACES = re.compile(r"\s+")
_DATEISH = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _norm(text: str) -> str:
    """Casefold, collapse whitespace, drop a trailing ``:`` or ``*``."""
    s = _SPACES.sub(" ", text).strip().rstrip(":*").strip()
    return s.casefold()


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


def _cell_text(value: object) -> str:
    """Text of a heading cell (headings may be numbers or dates in xlsx)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------
# Platform detection
# --------------------------------------------------------------------------


def _texts(row: Sequence[object] | None) -> list[str]:
    return [] if row is None else [_cell_text(v) for v in row]


def detect_platform(header_rows: list[list[object]]) -> str:
    """Name the platform that wrote an export, from its first (up to) three rows.

    Parameters
    ----------
    header_rows : list of list
        The first rows of the sheet (blank title rows already skipped), as read.

    Returns
    -------
    str
        One of :data:`PLATFORMS`; ``"plain"`` when nothing platform-specific is seen.

    Notes
    -----
    Qualtrics: a row-3 cell ``{"ImportId": ...}``, or at least three of its
    metadata short names (``StartDate``, ``EndDate``, ``Status``, ``ResponseId``,
    ``RecordedDate`` ...) on row 1, or the legacy ``V1, V2 ...`` row 1 with
    ``ResponseID`` on row 2. SurveyMonkey: ``Respondent ID`` with at least two
    more of its metadata headings. Microsoft Forms: ``ID`` with ``Start time``
    or ``Completion time``. Google Forms: ``Timestamp`` in the first column.

    Examples
    --------
    >>> detect_platform([["Timestamp", "Email Address", "How useful was today?"]])
    'google_forms'
    >>> detect_platform([["StartDate", "EndDate", "Q1"], ["Start Date", "End Date", "Q"],
    ...                  ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}',
    ...                   '{"ImportId":"QID1"}']])
    'qualtrics'
    """
    rows = [_texts(r) for r in header_rows[:3]]
    while len(rows) < 3:
        rows.append([])
    r1, r2, r3 = rows
    n1 = {_norm(t) for t in r1 if t}
    if any(_IMPORT_ID_CELL.match(t) for t in r3):
        return "qualtrics"
    if len(n1 & _QUALTRICS_SIGNATURE) >= 3:
        return "qualtrics"
    if r1[:2] == ["V1", "V2"] and "responseid" in {_norm(t) for t in r2}:
        return "qualtrics"
    if n1 & _SURVEYMONKEY_ID:
        other_meta = len(n1 & set(_SURVEYMONKEY_ROLES)) >= 3
        response_row = any(_norm(t) in _SURVEYMONKEY_RESPONSE for t in r2)
        legacy_first = bool(r1) and _norm(r1[0]) == "respondentid"
        if other_meta or response_row or legacy_first:
            return "surveymonkey"
    if "id" in n1 and n1 & _MS_TIMES:
        return "microsoft_forms"
    if r1 and _norm(r1[0]) in _GOOGLE_TIMESTAMPS:
        return "google_forms"
    return "plain"


def _looks_like_data(value: object) -> bool:
    """True when a metadata cell holds a response value rather than a label."""
    if isinstance(value, (datetime, date, int, float)) and not isinstance(value, bool):
        return True
    text = _cell_text(value)
    if not text:
        return False
    return bool(_DATEISH.match(text) or text.startswith("R_") or text.isdigit())


def _count_header_rows(platform: str, rows: list[list[object]]) -> tuple[int, str]:
    """How many heading rows the export has, and a note saying why."""
    r1 = _texts(rows[0]) if rows else []
    if platform == "qualtrics":
        if len(rows) >= 3 and any(_IMPORT_ID_CELL.match(t) for t in _texts(rows[2])):
            return 3, "3 heading rows: short names, question text, import ids"
        if len(rows) < 2:
            return 1, "1 heading row (no question-text row below it)"
        meta = [i for i, t in enumerate(r1) if _norm(t) in _QUALTRICS_SHORT_ROLES]
        meta = meta or list(range(min(3, len(r1))))
        r2 = rows[1]
        if any(i < len(r2) and _looks_like_data(r2[i]) for i in meta):
            return 1, "1 heading row (row 2 already holds responses)"
        return 2, "2 heading rows (legacy layout: short names, question text)"
    if platform == "surveymonkey":
        if len(rows) < 2:
            return 1, "1 heading row (no sub-label row below it)"
        norms = [_norm(t) for t in r1]
        rid = next((i for i, t in enumerate(norms) if t in _SURVEYMONKEY_ID), 0)
        cell = rows[1][rid] if rid < len(rows[1]) else None
        if _looks_like_data(cell):
            return 1, "1 heading row (row 2 already holds responses)"
        return 2, "2 heading rows: questions, then Response / option labels"
    return 1, "1 heading row"


# --------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------


def _parse_import_id(text: str) -> str | None:
    """The ImportId of a row-3 cell: ``{"ImportId":"QID1"}`` or, in 2016 exports, ``{'ImportId': 'QID1'}``."""
    if not text:
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        found = _IMPORT_ID_VALUE.search(text)
        return found.group(1) if found else None
    if isinstance(obj, dict) and obj.get("ImportId") is not None:
        return str(obj["ImportId"])
    return None


def _import_role(import_id: str) -> str | None:
    key = import_id.casefold()
    for prefix in ("panel-", "location-"):  # 2016 exports: panel-RecipientEmail …
        if key.startswith(prefix):
            key = key[len(prefix):]
    if _TEXT_IQ_IMPORT.search(import_id):
        return "other_meta"
    return _QUALTRICS_IMPORT_ROLES.get(key)


def _qualtrics_column(base: dict, h1: str, label: str, import_cell: str) -> ExportColumn:
    """Row 1 short name, row 2 question text, row 3 ImportId (when present)."""
    import_id = _parse_import_id(import_cell)
    role = None
    if import_id is not None:
        role = _import_role(import_id)
    if role is None:
        role = _QUALTRICS_SHORT_ROLES.get(_norm(h1))
    if role is None and re.fullmatch(r"V\d+", h1) and label:
        role = _QUALTRICS_LEGACY_LABEL_ROLES.get(_norm(label))  # "V1 ... V10" legacy export
    if role is None and _QUALTRICS_SYSTEM.match(h1):
        role = "score" if h1.startswith("SC") else "other_meta"
    if role is None and _TEXT_IQ_SHORT.search(h1):
        role = "other_meta"
    parent = sub = ""
    is_subitem = _QUALTRICS_SUBITEM.search(h1) or (
        import_id is not None and _SUBCOLUMN.match(import_id) is not None)
    if role is None and " - " in label and is_subitem:
        parent, _, sub = label.rpartition(" - ")
    fallback = base["heading"]
    return ExportColumn(
        **{**base, "heading": h1 or fallback},
        short_name=h1 or None,
        label=label or h1 or fallback,
        import_id=import_id,
        sub_label=sub.strip() or None,
        parent=parent.strip() or None,
        role=role,
    )


def _question_key(col: ExportColumn) -> str | None:
    """The question a Qualtrics sub-column belongs to (``QID2`` of ``QID2-1``, ``Q2`` of ``Q2_1``)."""
    for text in (col.import_id, col.short_name):
        if text:
            m = _SUBCOLUMN.match(text)
            if m and not text.upper().endswith("TEXT"):
                return m.group("base").casefold()
    return None


def _split_question_groups(cols: list[ExportColumn]) -> list[ExportColumn]:
    """Question text and choice for columns that share one Qualtrics question.

    Current exports write row 2 as ``question - choice``; 2016 exports join
    them with a bare hyphen (``question-choice``), and question texts may
    hold hyphens too. Across the columns of one question the question text is
    the part they share, up to the last separator before they differ.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, col in enumerate(cols):
        key = _question_key(col) if col.role is None else None
        if key is not None:
            groups[key].append(i)
    out = list(cols)
    for members in groups.values():
        labels = [cols[i].label or "" for i in members]
        if len(members) < 2 or len(set(labels)) < 2:
            continue
        prefix = labels[0]
        for text in labels[1:]:
            n = 0
            while n < min(len(prefix), len(text)) and prefix[n] == text[n]:
                n += 1
            prefix = prefix[:n]
        cut = max(prefix.rfind(" - "), prefix.rfind("-"))
        if cut <= 0:
            continue
        width = 3 if prefix[cut:cut + 3] == " - " else 1
        parent = prefix[:cut].strip()
        for i in members:
            out[i] = replace(cols[i], parent=parent, sub_label=(cols[i].label or "")[cut + width:].strip() or None)
    return out


def _surveymonkey_column(base: dict, h1: str, r2: str, question: str, multi: bool) -> ExportColumn:
    """Row 1 question (carried over blank cells), row 2 Response / option label."""
    role = None
    if h1 and not r2:
        n = _norm(h1)
        role = _SURVEYMONKEY_ROLES.get(n)
        if role is None and _SURVEYMONKEY_CUSTOM.match(n):
            role = "other_meta"
    if not question:
        heading = r2 or base["heading"]
    elif multi and r2:
        heading = f"{question} — {r2}"
    else:
        heading = question
    return ExportColumn(
        **{**base, "heading": heading},
        label=question or heading,
        sub_label=r2 or None,
        parent=question if multi and question else None,
        role=role,
    )


def _single_row_column(base: dict, platform: str, h1: str, first: bool) -> ExportColumn:
    """Microsoft Forms, Google Forms and plain sheets: one heading row."""
    n = _norm(h1)
    parent = sub = None
    if platform == "microsoft_forms":
        role = _MS_ROLES.get(n) or ("other_meta" if _MS_QUIZ.match(h1) else None)
    elif platform == "google_forms":
        role = "completed" if first and n in _GOOGLE_TIMESTAMPS else _GOOGLE_ROLES.get(n)
    else:
        role = _PLAIN_ROLES.get(n)
    if role is None and platform in ("google_forms", "plain", "microsoft_forms"):
        m = _GOOGLE_GRID.match(h1)  # Microsoft Forms: one question per grid row, as published
        if m:
            parent, sub = m.group("parent").strip(), m.group("row").strip()
    heading = h1 or base["heading"]
    return ExportColumn(
        **{**base, "heading": heading}, label=heading, sub_label=sub, parent=parent, role=role
    )


def _build_columns(
    platform: str,
    header: list[list[str]],
    positions: np.ndarray,
) -> list[ExportColumn]:
    """Describe each kept column. ``header`` holds the heading rows as text."""

    def cell(r: int, pos: int) -> str:
        row = header[r] if r < len(header) else []
        return row[pos] if pos < len(row) else ""

    # SurveyMonkey: a blank row-1 cell continues the question to its left.
    question_of: dict[int, str] = {}
    continued: set[int] = set()
    if platform == "surveymonkey":
        current, start = "", -1
        for pos in positions.tolist():
            text = cell(0, pos)
            if text:
                current, start = text, pos
            elif current:
                continued.update((pos, start))
            question_of[pos] = current

    cols: list[ExportColumn] = []
    for i, pos in enumerate(positions.tolist()):
        letter = column_letter(pos)
        base = {
            "key": f"c{i:04d}",
            "heading": f"(column {letter})",  # for a blank heading over data
            "position": pos,
            "letter": letter,
        }
        h1 = cell(0, pos)
        if platform == "qualtrics":
            col = _qualtrics_column(base, h1, cell(1, pos), cell(2, pos))
        elif platform == "surveymonkey":
            col = _surveymonkey_column(
                base, h1, cell(1, pos), question_of.get(pos, ""), pos in continued
            )
        else:
            col = _single_row_column(base, platform, h1, first=i == 0)
        cols.append(col)
    if platform == "qualtrics":
        cols = _split_question_groups(cols)
    return cols


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


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


def _read_xlsx_grid(
    path: Path, head: bytes, sheet: str | None
) -> tuple[np.ndarray, str, list[str], list]:
    import python_calamine

    notes: list[str] = []
    kind = _sniff_kind(head)
    if kind == "ole2":
        raw = path.read_bytes()
        if _ENCRYPTED_STREAM in raw:
            raise _fail(path, _ENCRYPTED_FIX + ".")
        raise _fail(
            path,
            "is an old-format Excel workbook (.xls) with an .xlsx name — open it in Excel, "
            "choose File › Save As › Excel Workbook (.xlsx), and use that file.",
        )
    if kind != "zip":
        if kind == "pdf":
            what = "is a PDF, not an Excel workbook"
        elif _looks_like_text(head):
            what = (
                "is a text (CSV) file with an Excel name — rename it to end in .csv, "
                "or open it in Excel and save as .xlsx"
            )
            raise _fail(path, what + ".")
        else:
            what = "is not an Excel workbook (it may be another kind of file renamed to .xlsx)"
        raise _fail(path, what + " — export the responses again as .xlsx or .csv.")

    def guarded(call, sheet_name: str | None = None):
        """Run a calamine call; any failure of the parser means a damaged workbook."""
        try:
            return call()
        except python_calamine.PasswordError as exc:
            raise _fail(path, _ENCRYPTED_FIX + ".") from exc
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # parser errors, and pyo3 panics (BaseException)
            raise _damaged(path, sheet_name) from exc

    wb = guarded(lambda: python_calamine.CalamineWorkbook.from_path(str(path)))
    names = list(guarded(lambda: wb.sheet_names))
    if not names:
        raise _fail(path, "has no sheets — export the responses again.")
    hidden = {
        m.name
        for m in guarded(lambda: wb.sheets_metadata)
        if m.visible != python_calamine.SheetVisibleEnum.Visible
    }

    hidden_of: dict[str, list] = {}  # the error and formula cells of each sheet read

    def load(name: str) -> list[list[object]]:
        finder = HiddenCellFinder()  # fed by the memory check's scan, if it scans
        check_sheet_extent(path, name, on_block=finder)  # before the reader allocates the sheet
        rows = guarded(lambda: wb.get_sheet_by_name(name).to_python(skip_empty_area=False), name)
        hidden_of[name] = finder.found if finder.done else hidden_cells(path, name)
        return rows

    listed = ", ".join(f'"{n}"' for n in names)
    if sheet is not None:
        chosen = sheet if sheet in names else None
        if chosen is None:
            folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
            if len(folded) == 1:
                chosen = folded[0]
        if chosen is None:
            raise _fail(path, f'has no sheet called "{sheet}" — the sheets are: {listed}.')
        rows = load(chosen)
        if not _any_value(rows):
            raise _fail(
                path,
                "is empty — choose the sheet that holds the responses "
                f"(the sheets are: {listed}).",
                chosen,
            )
    else:
        # "Form Responses 1" first, then visible sheets, then hidden ones
        order = sorted(names, key=lambda n: (n != DEFAULT_SHEET, n in hidden))
        rows, chosen = [], None
        for name in order:
            rows = load(name)
            if _any_value(rows):
                chosen = name
                break
        if chosen is None:
            raise _fail(path, f"has no data in any sheet ({listed}) — export the responses again.")
        if len(names) > 1:
            notes.append(
                f'Read sheet "{chosen}" (the workbook has {len(names)} sheets: {listed}).'
            )
    width = max((len(r) for r in rows), default=0)
    try:
        grid = np.array(rows, dtype=object)
        if grid.ndim != 2:
            raise ValueError
    except ValueError:
        grid = pd.DataFrame(rows, columns=range(width), dtype=object).to_numpy(dtype=object)
    blank = _blank_cells(grid, check_all=True)
    grid[blank] = None
    return grid, chosen, notes, hidden_of.get(chosen, [])


def _damaged(path: Path, sheet: str | None) -> ReadError:
    return _fail(
        path,
        "is damaged or incomplete and cannot be opened as a workbook — download or "
        "export it again (if it opens in Excel, save it again as .xlsx).",
        sheet,
    )


def _any_value(rows: list[list[object]]) -> bool:
    for row in rows:
        for v in row:
            if v is not None and v != "" and not (isinstance(v, str) and v.isspace()):
                return True
    return False


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


def _read_csv_grid(path: Path, head: bytes) -> tuple[np.ndarray, str, list[str]]:
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
    if not text.strip():
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
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.size == 0:
        return False
    b = np.concatenate((np.array([10], np.uint8), raw, np.array([10, 10, 10], np.uint8)))
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
    body = b[:-3]
    p = np.flatnonzero((body == d) | (body == 10) | (body == 13)) + 1
    quoted = b[p] == 34
    p = p + quoted
    c = b[p]
    after = end | space | wide  # what may follow a space inside a blank cell
    hit = (space[c] & after[b[p + 1]]) | wide[c]
    hit |= quoted & ((c == 9) | (c == 10) | (c == 13))
    return bool(hit.any())


def _max_fields(path: Path, text: str, delimiter: str) -> int:
    try:
        return max(map(len, csv.reader(io.StringIO(text), delimiter=delimiter)), default=1)
    except csv.Error as exc:
        raise _fail(
            path,
            f"cannot be read as a CSV table ({exc}) — open it in Excel, check it, "
            "and save it again as CSV UTF-8.",
        ) from exc


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
        grid, sheet_name, more, hidden = _read_xlsx_grid(p, head, sheet)
        encoding = None
        notes += more
    else:
        grid, encoding, more = _read_csv_grid(p, head)
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
    columns = _build_columns(chosen, header_text, positions)
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
