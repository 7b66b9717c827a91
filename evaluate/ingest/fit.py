"""Does an export answer the instrument the person named? Refuse it when it plainly does not.

Two everyday slips store the wrong data: naming an instrument the export
does not answer (few of its questions are in the file), and naming one
that a *different* shipped instrument fits better (``-i baseline@1`` on a
post-survey export, whose columns repeat the baseline questions and add
more). Both are refused, with the instrument the export fits if one does.
"""

from __future__ import annotations

from evaluate.ingest.matching import MatchResult, match_columns
from evaluate.instruments import Instrument
from evaluate.words import share_of

__all__ = ["refusals_for_fit", "best_fitting_instrument"]


def _question_columns(raw) -> int:
    return sum(1 for c in raw.columns if c.role is None)


def _matched_columns(match: MatchResult) -> int:
    return sum(1 for m in match.matches if m.item)


def best_fitting_instrument(raw, instruments: dict[str, Instrument]) -> tuple[str | None, int]:
    """The instrument that matches most of the export's columns, and how many it matches."""
    best, best_n = None, 0
    for ref in sorted(instruments):
        n = _matched_columns(match_columns(raw, instruments[ref]))
        if n > best_n:
            best, best_n = ref, n
    return best, best_n


def refusals_for_fit(raw, instrument: Instrument, match: MatchResult,
                     instruments: dict[str, Instrument] | None = None) -> list[dict]:
    """Refusal records (severity ``refused``) when the export does not answer ``instrument``.

    Refused when fewer than half of the instrument's questions are in the
    export, or when another of ``instruments`` matches more of the export's
    columns while this one leaves at least a fifth of them (and two or more)
    unmatched.
    """
    asked = len(instrument.items)
    found = len(match.items)
    questions = _question_columns(raw)
    mine = _matched_columns(match)
    other, other_n = (None, 0)
    if instruments:
        candidates = {r: i for r, i in instruments.items() if r != instrument.ref}
        other, other_n = best_fitting_instrument(raw, candidates) if candidates else (None, 0)
    hint = (f"this export looks like {other} ({other_n} of its {questions} question columns "
            f"match) — use -i {other}") if other and other_n > mine else (
        "check that -i names the instrument this export answers (`evaluate instruments list`)")
    if asked and found * 2 < asked:
        return [dict(row=None, column=None, value=None, rule="few_questions_match",
                     message=(f"{_questions_found(found, asked)} of {instrument.ref} are in this export, so "
                              "nothing was imported"),
                     fix=hint, severity="refused")]
    unmatched = questions - mine
    if other and other_n > mine and unmatched >= 2 and unmatched * 5 >= questions:
        return [dict(row=None, column=None, value=None, rule="other_instrument_fits",
                     message=(f"{unmatched} of the export's {questions} question columns are not "
                              f"in {instrument.ref}, and {other} has more of them, so nothing "
                              "was imported"),
                     fix=hint, severity="refused")]
    return []


def _questions_found(found: int, asked: int) -> str:
    """"only 3 of the 34 questions", "none of the 34 questions".

    >>> _questions_found(0, 34), _questions_found(3, 34)
    ('none of the 34 questions', 'only 3 of the 34 questions')
    """
    return share_of(found, asked, "question") if found == 0 else f"only {found} of the {asked} questions"
