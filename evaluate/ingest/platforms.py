"""Which platform wrote an export, and how many heading rows it has."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from evaluate.ingest.headings import (
    _DATEISH,
    _GOOGLE_TIMESTAMPS,
    _IMPORT_ID_CELL,
    _MS_TIMES,
    _QUALTRICS_SHORT_ROLES,
    _QUALTRICS_SIGNATURE,
    _SURVEYMONKEY_ID,
    _SURVEYMONKEY_RESPONSE,
    _SURVEYMONKEY_ROLES,
    _cell_text,
    _norm,
)

__all__ = ["detect_platform"]

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
