"""What each column of an export is: heading, question text, sub-label, parent, role.

One :class:`~evaluate.ingest.export.ExportColumn` per kept column, from the
heading rows as text, by the rules of the platform that wrote the export.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import replace

import numpy as np

from evaluate.ingest.export import ExportColumn, column_letter
from evaluate.ingest.headings import (
    _GOOGLE_GRID,
    _GOOGLE_ROLES,
    _GOOGLE_TIMESTAMPS,
    _IMPORT_ID_VALUE,
    _MS_QUIZ,
    _MS_ROLES,
    _PLAIN_ROLES,
    _QUALTRICS_IMPORT_ROLES,
    _QUALTRICS_LEGACY_LABEL_ROLES,
    _QUALTRICS_SHORT_ROLES,
    _QUALTRICS_SUBITEM,
    _QUALTRICS_SYSTEM,
    _SUBCOLUMN,
    _SURVEYMONKEY_CUSTOM,
    _SURVEYMONKEY_ROLES,
    _TEXT_IQ_IMPORT,
    _TEXT_IQ_SHORT,
    _norm,
)

__all__ = ["build_columns"]

#: The longest row-3 cell read as JSON; real ones hold an id and perhaps a time zone.
_MAX_IMPORT_ID_CELL = 1000

def _parse_import_id(text: str) -> str | None:
    """The ImportId of a row-3 cell: ``{"ImportId":"QID1"}`` or, in 2016 exports, ``{'ImportId': 'QID1'}``."""
    if not text:
        return None
    if len(text) > _MAX_IMPORT_ID_CELL or text.count("{") + text.count("[") > 8:
        # far beyond any real ImportId cell (a few dozen characters, one level): never parsed
        found = _IMPORT_ID_VALUE.search(text[:_MAX_IMPORT_ID_CELL])
        return found.group(1) if found else None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
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


def build_columns(
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
