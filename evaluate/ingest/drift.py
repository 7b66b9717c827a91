"""A question changed on the live form is a decision for the person importing, never a loss.

When an export came from a published form (see :mod:`evaluate.publish.drift`)
and one of its questions differs from the published one only in wording, or
in its Qualtrics export tag, the import is refused with both wordings, the
item and what to do — unless the person accepts that drift for that item
(``--accept-drift ITEM``), when the column is imported as the item and a
warning records it. A wording the instrument already lists as an alias is no
drift to decide. Nothing the comparison paired with an item is ever stored
empty without the person being told.
"""

from __future__ import annotations

from dataclasses import replace

from evaluate.ingest.matching import ColumnMatch, MatchResult
from evaluate.instruments import Instrument
from evaluate.normalise import normalise_heading, shown_heading

__all__ = ["DECIDED_CHANGES", "apply_drift"]

#: Drift that needs a decision before the export is imported.
DECIDED_CHANGES = ("reworded", "tag_changed")
_MULTI_COLUMN_TYPES = ("roster_grid", "multi", "roster_multi")


def _fix(item: str, file: str, change: str) -> str:
    if change == "tag_changed":
        return (f"put the published export tag back on the live form, or, if it is the same "
                f"question, import again with --accept-drift {item} (recorded in the history "
                "and undone with the import)")
    return (f"if it still asks the same thing, import again with --accept-drift {item} (recorded "
            f"in the history and undone with the import), or add the new wording to the item's "
            f"aliases in {file}; if its meaning changed, publish a new version of the instrument")


def _adopt(raw, match: MatchResult, keys: tuple[str, ...], item, instrument: Instrument) -> MatchResult:
    """``match`` with the columns ``keys`` read as ``item`` (those not matched to anything)."""
    ignored = {m.key: m for m in match.ignored if m.how == "unmatched"}
    taken = [k for k in keys if k in ignored]
    if not taken:
        return match
    cols = {c.key: c for c in raw.columns}
    multi = item.type in _MULTI_COLUMN_TYPES
    added, dropped = [], set()
    for key in taken:
        col = cols[key]
        added.append(ColumnMatch(key=key, heading=col.heading, letter=col.letter, item=item.id,
                                 target=col.sub_label if multi else None,
                                 how="accepted drift"))
        dropped.add(shown_heading(col.heading))
    problems = [p for p in match.problems
                if not (p["rule"] == "unmatched_column" and p["column"] in dropped)
                and not (p["rule"] == "missing_column" and f"(item {item.id})" in p["message"])]
    return replace(match, matches=[*match.matches, *added],
                   ignored=[m for m in match.ignored if m.key not in taken], problems=problems)


def apply_drift(raw, instrument: Instrument, match: MatchResult, publications: list,
                accept: tuple[str, ...] | list[str] = ()):
    """Compare ``raw`` with the published forms and decide each reworded question.

    Parameters
    ----------
    raw : RawExport
    instrument : Instrument
    match : MatchResult
        The columns as :func:`~evaluate.ingest.matching.match_columns` matched them.
    publications : list of Publication
        Fingerprints (:func:`evaluate.publish.fingerprint.load_publications`).
    accept : sequence of str
        Items whose drift the person accepts (``--accept-drift``).

    Returns
    -------
    (MatchResult, list of dict, Recognition or None)
        The match with accepted columns read as their items; problem records
        (``refused`` for drift not accepted, ``warning`` for drift accepted or
        an accepted item with no drift); the comparison (None: nothing published).
    """
    from evaluate.publish.drift import recognise

    accept = tuple(dict.fromkeys(accept))
    records: list[dict] = []
    recognition = recognise(raw, instrument, publications) if publications else None
    used: set[str] = set()
    if recognition is not None and recognition.publication is not None:
        file = instrument.path.name if instrument.path else f"{instrument.ref}'s file"
        items = {i.id: i for i in instrument.items}
        pub = recognition.publication
        numbers = {q.item: q.number for q in pub.questions}
        for row in recognition.drift.itertuples():
            if row.change not in DECIDED_CHANGES or row.item not in items:
                continue
            item = items[row.item]
            if row.change == "reworded" and normalise_heading(row.found) in item.headings():
                continue  # a wording the instrument already accepts
            what = ("export tag" if row.change == "tag_changed" else "wording")
            where = f"question {numbers.get(row.item, '?')} ({row.item})"
            if row.item in accept:
                used.add(row.item)
                match = _adopt(raw, match, recognition.columns.get(row.item, ()), item, instrument)
                records.append(dict(
                    row=None, column=row.column, value=row.found, rule="drift_accepted",
                    message=(f'{where} was published with the {what} "{row.published}" and reads '
                             f'"{row.found}" on the live form; imported as {row.item}, as you '
                             f"asked (--accept-drift {row.item})"),
                    fix="nothing to do; undo the import to take the decision back",
                    severity="warning"))
                continue
            records.append(dict(
                row=None, column=row.column, value=row.found,
                rule="export_tag_changed" if row.change == "tag_changed" else "reworded_question",
                message=(f'{where} was published with the {what} "{row.published}" but reads '
                         f'"{row.found}" on the live form, so nothing was imported'),
                fix=_fix(row.item, file, row.change), severity="refused"))
    for item in accept:
        if item not in used:
            records.append(dict(
                row=None, column=None, value=item, rule="accept_drift_unused",
                message=(f"--accept-drift {item}: {item} has no reworded question or changed "
                         "export tag in this export, so there was nothing to accept"),
                fix=("check the item id against the drift listed (`evaluate validate`); "
                     "ids are listed by `evaluate instruments show`"),
                severity="warning"))
    return match, records, recognition
