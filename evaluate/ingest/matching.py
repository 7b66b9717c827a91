"""Match an export's columns to an instrument's items.

A column matches an item by, in order: the Qualtrics ids the instrument
declares for the item (``qualtrics: {tag, qid}``: row 1 or row 3 of the
export, so a question-text row in any language still matches), Qualtrics
ImportId or short name, heading, question text, matrix/grid row text, then
(for grid and one-column-per-option questions) the parent question. Every
text comparison is case-, accent-, whitespace-, punctuation- and
numbering-insensitive. A column that matches nothing, or matches two items,
is reported — never guessed.

A column that belongs to a question spread over one column per option
(SurveyMonkey's blank-headed continuation columns, Qualtrics ``Q2_1``,
``Q2_2`` …) carries the option it stands for: its ``target`` (the option
label from the heading rows) and ``choice`` (the number in its id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from evaluate.instruments import Instrument
from evaluate.normalise import normalise_heading, shown_heading

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
    choice: str | None = None


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


_SUB_ID = re.compile(r"^(?P<base>.+?)[_-](?P<sub>\d+)$")


def _id_key(text: str) -> str:
    return text.strip().casefold().replace("-", "_")


def _platform_index(instrument: Instrument) -> dict[str, str]:
    """Qualtrics tag / QID (folded) → item id."""
    out = {}
    for item in instrument.items:
        for pid in (item.qualtrics_tag, item.qualtrics_qid):
            if pid:
                out[_id_key(pid)] = item.id
    return out


def _by_platform_id(col, ids: dict[str, str], types: dict[str, str], base: dict):
    """Match by a declared Qualtrics id: the whole id, or a multi question's per-option column."""
    for text, how in ((col.short_name, "Qualtrics tag"), (col.import_id, "Qualtrics QID")):
        if not text:
            continue
        key = _id_key(text)
        if key in ids:
            return ColumnMatch(**base, item=ids[key], how=how)
        m = _SUB_ID.match(key)
        if m and m.group("base") in ids and types[ids[m.group("base")]] in _MULTI_COLUMN_TYPES:
            return ColumnMatch(**base, item=ids[m.group("base")], target=col.sub_label,
                               choice=m.group("sub"), how=f"{how} and option")
    return None


def _choice_number(col) -> str | None:
    """The option number in a Qualtrics sub-column's id (``Q4_10`` → ``10``)."""
    for text in (col.short_name, col.import_id):
        m = _SUB_ID.match(_id_key(text)) if text else None
        if m:
            return m.group("sub")
    return None


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
    ids = _platform_index(instrument)
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

        found: ColumnMatch | None = _by_platform_id(col, ids, types, base) if ids else None
        ambiguous: set[str] = set()
        candidates = [] if found is not None else [
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
                if col.parent and col.sub_label and types[item] in _MULTI_COLUMN_TYPES:
                    break  # one column per option: matched through its parent below
                found = ColumnMatch(**base, item=item, how=how)
                break
            if len(hits) > 1:
                ambiguous = hits
                break
        if (found is not None and col.parent and col.sub_label and found.target is None
                and types[found.item] in _MULTI_COLUMN_TYPES):
            # the question text of a one-column-per-option question: this column is one option
            found = replace(found, target=col.sub_label, choice=_choice_number(col),
                            how="parent question")
        if found is None and not ambiguous and col.parent:
            hits = index.get(normalise_heading(col.parent), set())
            hits = {h for h in hits if types[h] in _MULTI_COLUMN_TYPES}
            if len(hits) == 1:
                found = ColumnMatch(**base, item=next(iter(hits)), target=col.sub_label,
                                    choice=_choice_number(col), how="parent question")
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
            result.problems.append(_unmatched(col, instrument))
            continue
        by_item.setdefault(found.item, []).append(found)

    for item_id, cols in by_item.items():
        if len(cols) > 1 and types[item_id] not in _MULTI_COLUMN_TYPES:
            headings = " and ".join(f'"{shown_heading(c.heading)}" (column {c.letter})' for c in cols)
            result.problems.append(dict(
                row=None, column=shown_heading(cols[1].heading), value=None, rule="duplicate_column",
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


def _unmatched(col, instrument: Instrument) -> dict:
    """An unmatched column, named as the person sees it (question text as well as a short name)."""
    question = col.parent or col.label
    shown = ""
    if question and normalise_heading(question) != normalise_heading(col.heading):
        shown = f' (question "{_clip(question)}"' + (
            f', option "{_clip(col.sub_label)}")' if col.sub_label and col.parent else ")")
    fix = ("if it is one of the instrument's questions, add this heading to the item's aliases"
           + (", or give the item its Qualtrics id (qualtrics: {tag: " + col.short_name + "})"
              if col.short_name else "")
           + "; otherwise nothing to do")
    return dict(row=None, column=shown_heading(col.heading), value=None, rule="unmatched_column",
                message=f"{shown.strip()} does not match any question of {instrument.ref}, so it "
                        "was not imported".strip(),
                fix=fix, severity="warning")


def _clip(text: str, width: int = 80) -> str:
    text = shown_heading(text)
    return text if len(text) <= width else text[: width - 1] + "…"
