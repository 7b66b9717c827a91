"""Does an export answer the instrument the person named? Refuse it when it plainly does not.

Three everyday slips store the wrong data: naming an instrument the export
does not answer (few of its questions are in the file); naming one that a
*different* instrument fits better (``-i post@1`` on a baseline export,
whose questions the post survey repeats); and naming one made for another
wave when the instrument made for the wave given fits at least as well.
Each is refused, naming the instrument the export fits, unless the person
says they mean it (``instrument_anyway``: the last two become warnings).

:func:`fit_instruments` and :func:`propose_instrument` are the same check
as a library: they rank every instrument by how well an export fits it, so
an application can propose the instrument before anything is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluate.ingest.matching import MatchResult, match_columns
from evaluate.instruments import Instrument
from evaluate.words import share_of

__all__ = ["Fit", "fit_instruments", "propose_instrument", "best_fitting_instrument",
           "refusals_for_fit", "ANYWAY_RULES"]

#: Refusals that ``instrument_anyway`` turns into warnings.
ANYWAY_RULES = ("other_instrument_fits", "instrument_for_another_wave")


@dataclass(frozen=True)
class Fit:
    """How well an export fits one instrument.

    Attributes
    ----------
    ref : str
        ``id@version``.
    wave : str
        The wave the instrument is made for.
    found : int
        How many of the instrument's questions are in the export.
    asked : int
        How many questions the instrument asks.
    columns : int
        How many of the export's question columns belong to it.
    """

    ref: str
    wave: str
    found: int
    asked: int
    columns: int

    def describe(self) -> str:
        """``baseline@1, 34 of 34 questions``."""
        return f"{self.ref}, {self.found} of {self.asked} questions"


def _question_columns(raw) -> int:
    return sum(1 for c in raw.columns if c.role is None)


def _matched_columns(match: MatchResult) -> int:
    return sum(1 for m in match.matches if m.item)


def _fit(instrument: Instrument, match: MatchResult) -> Fit:
    return Fit(ref=instrument.ref, wave=instrument.wave, found=len(match.items),
               asked=len(instrument.items), columns=_matched_columns(match))


def _rank(fit: Fit) -> tuple:
    """Most export columns first, then the larger share of the instrument found, then the ref."""
    return (-fit.columns, -(fit.found / fit.asked if fit.asked else 0.0), fit.ref)


def fit_instruments(raw, instruments: dict[str, Instrument], *,
                    known: dict[str, MatchResult] | None = None) -> list[Fit]:
    """Every instrument with at least one question in ``raw``, best fit first.

    Parameters
    ----------
    raw : RawExport
        The export as read (:func:`evaluate.ingest.readers.read_export`).
    instruments : dict of str to Instrument
        The instruments it may answer (``load_instruments()`` or a workspace's).
    known : dict of str to MatchResult, optional
        Matches already made, by ref, so they are not made again.

    Examples
    --------
    >>> from evaluate.instruments import load_instruments
    >>> from evaluate.ingest.readers import read_export
    >>> import tempfile, pathlib
    >>> inst = load_instruments()
    >>> heads = [i.text for i in inst["baseline@1"].items]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = path.write_text(",".join(f'"{h}"' for h in heads) + "\\n" + ",".join("" for _ in heads) + "\\n")
    >>> fit_instruments(read_export(path), inst)[0].describe()
    'baseline@1, 34 of 34 questions'
    """
    known = known or {}
    fits = [_fit(inst, known.get(ref) or match_columns(raw, inst)) for ref, inst in instruments.items()]
    return sorted((f for f in fits if f.columns), key=_rank)


def propose_instrument(raw, instruments: dict[str, Instrument], wave: str | None = None) -> Fit | None:
    """The instrument to propose for ``raw`` (None when no instrument has its questions).

    The best fit; when several fit the export's columns equally well, the one
    made for ``wave`` (if given) is preferred.
    """
    fits = fit_instruments(raw, instruments)
    if not fits:
        return None
    best = [f for f in fits if f.columns == fits[0].columns]
    for_wave = [f for f in best if wave is not None and f.wave == wave]
    return (for_wave or best)[0]


def best_fitting_instrument(raw, instruments: dict[str, Instrument]) -> tuple[str | None, int]:
    """The instrument that matches most of the export's columns, and how many it matches."""
    fits = fit_instruments(raw, instruments)
    return (fits[0].ref, fits[0].columns) if fits else (None, 0)


def refusals_for_fit(raw, instrument: Instrument, match: MatchResult,
                     instruments: dict[str, Instrument] | None = None, *,
                     wave: str | None = None, anyway: bool = False) -> list[dict]:
    """Refusal records (severity ``refused``) when the export does not answer ``instrument``.

    Refused when fewer than half of the instrument's questions are in the
    export; when another of ``instruments`` has more of the export's
    question columns; or when ``wave`` is not the instrument's own and an
    instrument made for ``wave`` fits the export at least as well. With
    ``anyway`` the last two are warnings instead.
    """
    mine = _fit(instrument, match)
    others = {r: i for r, i in (instruments or {}).items() if r != instrument.ref}
    fits = fit_instruments(raw, others) if others else []
    better = next((f for f in fits if f.columns > mine.columns), None)
    for_wave = None
    if wave is not None and wave != instrument.wave:
        for_wave = next((f for f in fits if f.wave == wave and f.columns >= mine.columns), None)
    other = better or for_wave
    hint = (f"this export looks like {other.describe()}; {instrument.ref} matches "
            f"{mine.found} of {mine.asked} — use -i {other.ref}") if other else (
        "check that -i names the instrument this export answers (`evaluate instruments list`)")
    if mine.asked and mine.found * 2 < mine.asked:
        return [dict(row=None, column=None, value=None, rule="few_questions_match",
                     message=(f"{_questions_found(mine.found, mine.asked)} of {instrument.ref} are in "
                              "this export, so nothing was imported"),
                     fix=hint, severity="refused")]
    severity = "warning" if anyway else "refused"
    outcome = ("it was imported as you asked (--instrument-anyway)" if anyway
               else "nothing was imported")
    anyway_fix = "" if anyway else "; or, if you are sure, add --instrument-anyway"
    if better is not None:
        return [dict(row=None, column=None, value=None, rule="other_instrument_fits",
                     message=(f"{better.ref} fits this export better than {instrument.ref} "
                              f"({better.columns} of the export's {_question_columns(raw)} question "
                              f"columns against {mine.columns}), so {outcome}"),
                     fix=hint + anyway_fix, severity=severity)]
    if for_wave is not None:
        return [dict(row=None, column=None, value=None, rule="instrument_for_another_wave",
                     message=(f"{instrument.ref} is made for the {instrument.wave} wave, not {wave}, and "
                              f"{for_wave.ref} (made for {wave}) fits this export as well, so {outcome}"),
                     fix=(f"use -i {for_wave.ref}, or check --wave" + anyway_fix), severity=severity)]
    return []


def _questions_found(found: int, asked: int) -> str:
    """"only 3 of the 34 questions", "none of the 34 questions".

    >>> _questions_found(0, 34), _questions_found(3, 34)
    ('none of the 34 questions', 'only 3 of the 34 questions')
    """
    return share_of(found, asked, "question") if found == 0 else f"only {found} of the {asked} questions"
