"""What the app proposes for a dropped export: the instrument, the cohort and the wave.

- the instrument the export fits best, with how many of its question
  columns match (:func:`evaluate.ingest.fit.best_fitting_instrument`, the
  same count the command line's refusals use);
- the cohort most of its respondents are on the roster for;
- the wave the instrument is asked at, or, when this cohort's import of that
  instrument at that wave is already there and the export's answers are
  dated after it, the next wave the workspace declares.

Each comes with its reason in words; the person can change any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["Proposal", "propose"]


_PLATFORMS = {"microsoft_forms": "a Microsoft Forms", "google_forms": "a Google Forms",
              "qualtrics": "a Qualtrics", "surveymonkey": "a SurveyMonkey", "plain": "a plain sheet"}


@dataclass
class Proposal:
    platform: str
    instrument: str | None
    matched: int
    questions: int
    cohort: str | None
    wave: str | None
    sheet: str | None
    scores: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)


def propose(ws, path: Path, name: str, roster=None) -> Proposal:
    """Read ``path`` once and propose how to import it into ``ws``."""
    from evaluate.ingest.fit import fit_instruments
    from evaluate.ingest.matching import match_columns
    from evaluate.ingest.readers import read_export

    raw = read_export(path)
    instruments = ws.instruments()
    questions = sum(1 for c in raw.columns if c.role is None)
    fits = fit_instruments(raw, instruments)  # the ranking the import's own check uses
    scores = {f.ref: f.columns for f in fits}
    best, matched = (fits[0].ref, fits[0].columns) if fits else (None, 0)
    platform = _PLATFORMS.get(raw.platform, raw.platform.replace("_", " "))
    reasons = [f"{name} reads as {platform} export with "
               f"{questions} question column{'s' if questions != 1 else ''}."]
    if best is None:
        reasons.append("None of the workspace's instruments matches its columns: choose one.")
        return Proposal(raw.platform, None, 0, questions, _first(ws.cohorts), None, raw.sheet,
                        scores, reasons)
    cohort, why = _cohort(ws, raw, instruments[best], roster)
    tied = [f.ref for f in fits if f.columns == matched]
    if len(tied) > 1:
        best = _first_not_held(ws, cohort, [instruments[ref] for ref in tied]) or best
        reasons.append(f"{', '.join(tied)} fit it equally ({matched} of its {questions} question "
                       f"columns match); {best} is proposed as the first of them cohort {cohort} "
                       "does not have yet — check it.")
    else:
        reasons.append(f"It fits {best} best: {matched} of its {questions} question columns "
                       "match.")
    reasons.append(why)
    wave, why = _wave(ws, instruments[best], cohort, raw, match_columns(raw, instruments[best]))
    reasons.append(why)
    return Proposal(raw.platform, best, matched, questions, cohort, wave, raw.sheet, scores,
                    reasons)


def _first_not_held(ws, cohort, candidates) -> str | None:
    """The ref of the candidate asked first (by wave) whose cohort slot is still empty."""
    imports = ws.manifest()["imports"]
    held = {(r["cohort"], str(r["instrument"]).split("@")[0]) for r in imports}
    used = {str(r["instrument"]) for r in imports}
    chosen: dict[str, object] = {}
    for inst in candidates:  # one version of each: the one in use, else the first
        if inst.id not in chosen or (inst.ref in used and chosen[inst.id].ref not in used):
            chosen[inst.id] = inst
    free = [i for i in chosen.values() if (cohort, i.id) not in held]
    free.sort(key=lambda i: (ws.wave_order(i.wave) if i.wave in ws.waves else 99, i.ref))
    return free[0].ref if free else None


def _first(values):
    return values[0] if values else None


def _cohort(ws, raw, instrument, roster) -> tuple[str | None, str]:
    from evaluate.ingest.coerce import coerce_export
    from evaluate.ingest.matching import match_columns

    if roster is None or not ws.cohorts:
        return _first(ws.cohorts), "No roster to match respondents against: check the cohort."
    match = match_columns(raw, instrument)
    coerced = coerce_export(raw, instrument, match, roster, ws.salt, cohort=ws.cohorts[0],
                            dates="day-first")
    people = coerced.responses.loc[coerced.responses["matched"], "participant"]
    cohorts = people.map(roster.frame.set_index("participant")["cohort"]).dropna().astype(str)
    if cohorts.empty:
        return _first(ws.cohorts), ("None of its respondents was found on the roster, so the "
                                    "cohort is a guess: check it.")
    counts = cohorts.value_counts()
    top = str(counts.index[0])
    return top, (f"Cohort {top}: {int(counts.iloc[0])} of the {len(coerced.responses)} "
                 "respondents are on the roster for it.")


def _wave(ws, instrument, cohort, raw, match) -> tuple[str | None, str]:
    default = instrument.wave if instrument.wave in ws.waves else _first(ws.waves)
    held = [r for r in ws.manifest()["imports"]
            if r["cohort"] == cohort and str(r["instrument"]).split("@")[0] == instrument.id]
    if not any(r["wave"] == default for r in held):
        return default, f"Wave {default}: the wave {instrument.ref} is asked at."
    latest = max(held, key=lambda r: ws.wave_order(r["wave"]))
    later = [w for w in ws.waves if ws.wave_order(w) > ws.wave_order(latest["wave"])]
    answered = _latest_date(raw, match)
    before = _stored_latest(ws, cohort, latest["wave"], instrument.id)
    if later and (answered is None or before is None or answered > before):
        return later[0], (f"Wave {later[0]}: cohort {cohort} already has {instrument.id} at "
                          f"wave {latest['wave']}, and this export's answers are later.")
    return default, (f"Wave {default}: the wave {instrument.ref} is asked at (cohort {cohort} "
                     "already has it: importing would replace it).")


def _latest_date(raw, match) -> pd.Timestamp | None:
    from evaluate.ingest.dates import parse_datetimes, read_date_order

    dated = match.role("completed") or match.role("started") or match.role("modified")
    if dated is None:
        return None
    values = raw.frame[dated.key]
    reading = read_date_order([values])
    parsed, _ = parse_datetimes(values, reading.order or "day-first", reading.readings)
    latest = parsed.max()
    return None if pd.isna(latest) else pd.Timestamp(latest)


def _stored_latest(ws, cohort, wave, instrument_id) -> pd.Timestamp | None:
    stored = ws.responses(instrument=instrument_id, wave=wave, cohort=cohort)
    if "completed" not in stored or stored["completed"].dropna().empty:
        return None
    return pd.Timestamp(stored["completed"].max())
