"""Heading rows that were damaged by hand, named as such instead of as the wrong instrument.

When few of an instrument's questions are found, the usual cause is that
``-i`` names the wrong instrument. But an export whose heading rows were
damaged after it was downloaded — title rows typed above the headings, a
SurveyMonkey heading row deleted, Qualtrics heading rows shuffled — shows
the same symptom with the right instrument. These shapes are recognised
here, so the refusal names the real cause, with the rows seen:

- the instrument's question texts stand in a *data* row (the headings are
  further down than the platform puts them: rows typed above them, or
  heading rows moved);
- many columns have no heading at all (a heading row deleted, so the one
  below it became the heading);
- a SurveyMonkey export with one heading row whose questions each span
  several columns (the second row, with the answer options, was deleted).
"""

from __future__ import annotations

from evaluate.instruments import Instrument
from evaluate.normalise import normalise_heading

__all__ = ["heading_damage"]

#: How many data rows are searched for headings that slipped down.
_ROWS_SEARCHED = 10


def _known_headings(instrument: Instrument) -> set[str]:
    known = {k for item in instrument.items for k in item.headings()}
    known |= {normalise_heading(a) for aliases in instrument.identity.values() for a in aliases}
    return {k for k in known if k}


def _quoted(values, limit: int = 3) -> str:
    shown = [f'"{str(v).strip()[:60]}"' for v in values
             if str(v).strip() and not str(v).startswith("(column ")][:limit]
    return ", ".join(shown) if shown else "nothing"


def _refusal(message: str, fix: str) -> dict:
    return dict(row=None, column=None, value=None, rule="damaged_headings",
                message=message + ", so nothing was imported", fix=fix, severity="refused")


def heading_damage(raw, instrument: Instrument, found: int) -> list[dict]:
    """A refusal (one record) when the export's heading rows look damaged, else ``[]``.

    ``found`` is how many of the instrument's questions the headings matched;
    nothing is looked for when that is half of them or more.
    """
    asked = len(instrument.items)
    if not asked or found * 2 >= asked or raw.frame.empty:
        return []
    headings = [c.heading for c in raw.columns]
    first = f"row {raw.header_rows}" if raw.header_rows == 1 else f"rows 1–{raw.header_rows}"
    known = _known_headings(instrument)
    best = None
    for pos in range(min(_ROWS_SEARCHED, len(raw.frame))):
        cells = [v for v in raw.frame.iloc[pos].tolist() if isinstance(v, str) and v.strip()]
        hits = sum(normalise_heading(v) in known for v in cells)
        if hits >= 2 and hits > found and (best is None or hits > best[1]):
            best = (pos, hits)
    if best is not None:
        pos, hits = best
        row = int(raw.row_numbers[pos])
        return [_refusal(
            f"the heading rows look damaged: {first} reads {_quoted(headings)}, but {hits} of the "
            f"headings {instrument.ref} expects are on row {row}",
            f"if the rows above row {row} are titles or notes typed above the headings, delete "
            "them; if heading rows were moved, put them back at the top, as the survey platform "
            "exported them; then import again — the instrument is right")]
    blank = [c for c in raw.columns if c.heading.startswith("(column ")]
    if len(blank) >= 3 and len(blank) * 10 >= len(raw.columns):
        letters = ", ".join(c.letter for c in blank[:6]) + (" …" if len(blank) > 6 else "")
        return [_refusal(
            f"the heading rows look damaged: {len(blank)} of the {len(raw.columns)} columns have "
            f"no heading (columns {letters}); {first} reads {_quoted(headings)}",
            "a heading row was probably deleted or changed: export the file again from the "
            "survey platform (or put its heading rows back) and import again — the instrument "
            "is right")]
    if raw.platform == "surveymonkey" and raw.header_rows == 1:
        spans = [c for c in raw.columns if c.parent and not c.sub_label]
        if len(spans) >= 3:
            return [_refusal(
                f"the heading rows look damaged: SurveyMonkey exports have two heading rows, but "
                f"this one has only {first}, and questions such as {_quoted([spans[0].parent], 1)} "
                f"span several columns with no answer option under them",
                "the second heading row (the answer options under each question) was probably "
                "deleted: export the file again from SurveyMonkey, or put that row back, and "
                "import again — the instrument is right")]
    return []
