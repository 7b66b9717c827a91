"""Match an export's columns to an instrument's items.

A column matches an item by, in order: Qualtrics ImportId or short name,
heading, question text, matrix/grid row text, then (for grid and
one-column-per-option questions) the parent question. Every comparison is
case-, accent-, whitespace-, punctuation- and numbering-insensitive. A column
that matches nothing, or matches two items, is reported — never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluate.instruments import Instrument
from evaluate.normalise import normalise_heading

__all__ = ["ColumnMatch", "MatchResult", "match_columns", "IDENTITY_ROLES", "META_ROLES"]

IDENTITY_ROLES = ("email", "name", "first_name", "last_name", "staff_id",
                  "recipient_email", "recipient_first_name", "recipient_last_name")
META_ROLES = ("respondent_id", "started", "completed", "modified", "status", "progress",
              "finished")
_MULTI_COLUMN_TYPES = ("roster_grid", "multi", "roster_multi")


@dataclass(frozen=True)
class ColumnMatch:
    """One export column and what it holds."""

    key: str
    heading: str
    letter: str
    item: str | None = None
    target: str | None = None
    how: str = ""
    role: str | None = None


@dataclass
class MatchResult:
    """Columns matched to items, identity and metadata roles, and the problems found."""

    matches: list[ColumnMatch] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    ignored: list[ColumnMatch] = field(default_factory=list)

    def for_item(self, item_id: str) -> list[ColumnMatch]:
        return [m for m in self.matches if m.item == item_id]

    def role(self, role: str) -> ColumnMatch | None:
        for m in self.matches:
            if m.role == role:
                return m
        return None

    @property
    def items(self) -> list[str]:
        return list(dict.fromkeys(m.item for m in self.matches if m.item))


def _index(instrument: Instrument) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for item in instrument.items:
        for key in item.headings():
            index.setdefault(key, set()).add(item.id)
    return index


def _identity_index(instrument: Instrument) -> dict[str, str]:
    out = {}
    for role, aliases in instrument.identity.items():
        for alias in aliases:
            out[normalise_heading(alias)] = role
    return out


def match_columns(raw, instrument: Instrument) -> MatchResult:
    """Match every column of ``raw`` (a RawExport) to the instrument.

    Returns a :class:`MatchResult`; its ``problems`` are problem records
    (see :mod:`evaluate.ingest.problems`) without file/sheet, which the
    pipeline fills in.
    """
    index = _index(instrument)
    identity = _identity_index(instrument)
    types = {i.id: i.type for i in instrument.items}
    result = MatchResult()
    by_item: dict[str, list[ColumnMatch]] = {}

    for col in raw.columns:
        base = dict(key=col.key, heading=col.heading, letter=col.letter)
        role = col.role
        if role is None:
            for text in (col.heading, col.label):
                r = identity.get(normalise_heading(text)) if text else None
                if r:
                    role = r
                    break
        if role in IDENTITY_ROLES or role in META_ROLES:
            result.matches.append(ColumnMatch(**base, role=role, how="platform column"))
            continue
        if role is not None:  # other platform metadata (IP address, quiz points ...)
            result.ignored.append(ColumnMatch(**base, role=role, how="platform column"))
            continue

        found: ColumnMatch | None = None
        ambiguous: set[str] = set()
        candidates = [
            (col.import_id, "import id"),
            (col.short_name, "short name"),
            (col.heading, "heading"),
            (col.label, "question text"),
            (col.sub_label, "grid row text"),
        ]
        for text, how in candidates:
            if not text:
                continue
            hits = index.get(normalise_heading(text), set())
            if len(hits) == 1:
                item = next(iter(hits))
                if types[item] in ("roster_grid",):
                    continue  # a grid needs a target (the row); handled via parent below
                found = ColumnMatch(**base, item=item, how=how)
                break
            if len(hits) > 1:
                ambiguous = hits
                break
        if found is None and not ambiguous and col.parent:
            hits = index.get(normalise_heading(col.parent), set())
            hits = {h for h in hits if types[h] in _MULTI_COLUMN_TYPES}
            if len(hits) == 1:
                found = ColumnMatch(**base, item=next(iter(hits)), target=col.sub_label,
                                    how="parent question")
            elif len(hits) > 1:
                ambiguous = hits
        if ambiguous:
            result.problems.append(dict(
                row=None, column=col.heading, value=None, rule="ambiguous_column",
                message=f"could be any of the items {', '.join(sorted(ambiguous))}, so it was not used",
                fix="rename the column to one item's id or add the heading to that item's aliases "
                    "in the instrument file",
                severity="file"))
            continue
        if found is None:
            result.ignored.append(ColumnMatch(**base, how="unmatched"))
            result.problems.append(dict(
                row=None, column=col.heading, value=None, rule="unmatched_column",
                message=f"does not match any question of {instrument.ref}, so it was not imported",
                fix="if it is one of the instrument's questions, add this heading to the item's "
                    "aliases; otherwise nothing to do",
                severity="warning"))
            continue
        by_item.setdefault(found.item, []).append(found)

    for item_id, cols in by_item.items():
        if len(cols) > 1 and types[item_id] not in _MULTI_COLUMN_TYPES:
            headings = " and ".join(f'"{c.heading}" (column {c.letter})' for c in cols)
            result.problems.append(dict(
                row=None, column=cols[1].heading, value=None, rule="duplicate_column",
                message=f"columns {headings} both look like item {item_id}, so neither was used",
                fix="delete the extra column or rename it to the right question",
                severity="file"))
            continue
        result.matches.extend(cols)

    matched = set(result.items)
    for item in instrument.items:
        if item.required and item.id not in matched:
            result.problems.append(dict(
                row=None, column=item.text, value=None, rule="missing_column",
                message=f"this required question (item {item.id}) is not in the export",
                fix="export the survey again with every question included, or check that the "
                    "right instrument was chosen",
                severity="file"))
    return result
