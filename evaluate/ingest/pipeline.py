"""Read → match columns → coerce → validate → accepted rows + quarantine.

Nothing is lost: every data row read ends up accepted or quarantined (a row
left out on purpose, such as a survey preview, counts as quarantined with its
reason), and ``IngestResult.counts`` states it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluate import __version__
from evaluate.errors import EvaluateError
from evaluate.hashing import file_sha256
from evaluate.ingest.coerce import coerce_export
from evaluate.ingest.fit import refusals_for_fit
from evaluate.ingest.heading_damage import heading_damage
from evaluate.ingest.matching import MatchResult, match_columns
from evaluate.ingest.problems import add_suggestions, mask_personal, problem_frame
from evaluate.ingest.readers import RawExport, read_export
from evaluate.instruments import Instrument
from evaluate.normalise import normalise_label
from evaluate.progress import plan, step
from evaluate.schemas import RULE_TEXT, shared_response_schema
from evaluate.scrub import PersonalData, hide_bracketed_names

__all__ = ["IngestResult", "ingest_file", "ingest_into", "file_sha256"]


@dataclass
class IngestResult:
    """Everything one import produced.

    ``responses`` are the accepted rows in workspace form (see
    docs/ARCHITECTURE.md); ``problems`` has every problem found (row errors,
    exclusions, warnings, file problems, refusals), unmasked for display to
    the person running the import — use ``stored_problems()`` for anything
    written down. Every row read is counted once: accepted, quarantined (a
    problem kept it out) or excluded (left out on purpose: a survey preview,
    an unfinished response).
    """

    raw: RawExport
    instrument: Instrument
    cohort: str
    wave: str
    match: MatchResult
    responses: pd.DataFrame
    ties: pd.DataFrame
    stakeholders: pd.DataFrame
    problems: pd.DataFrame
    quarantined_rows: np.ndarray
    excluded_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype="int64"))
    notes: list[str] = field(default_factory=list)
    personal: PersonalData = field(default_factory=PersonalData)
    roster: object = field(default=None, repr=False)
    #: the comparison with the published forms (:mod:`evaluate.publish.drift`), if any
    recognition: object = field(default=None, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        """``read = accepted + quarantined + excluded``, no row counted twice."""
        return {
            "read": int(self.raw.rows_read),
            "accepted": int(len(self.responses)),
            "quarantined": int(len(self.quarantined_rows)),
            "excluded": int(len(self.excluded_rows)),
            "ties": int(len(self.ties)),
            "warnings": int((self.problems["severity"] == "warning").sum()),
            "file_problems": int(self.problems["severity"].isin(["file", "refused"]).sum()),
        }

    @property
    def has_problems(self) -> bool:
        """True when anything needs a person's attention (used by --strict)."""
        return bool((self.problems["severity"] != "excluded").any())

    @property
    def refused(self) -> bool:
        """True when the export must not be stored as it is (see ``refusals()``)."""
        return bool((self.problems["severity"] == "refused").any())

    def refusals(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "refused"].reset_index(drop=True)

    def stored_problems(self) -> pd.DataFrame:
        """Problems safe to store or write: personal values hidden by role and by content
        (a heading that names a cohort member shows their pseudonymous id instead)."""
        masked = mask_personal(self.problems).drop(columns="personal")
        masked, _ = self.personal.scrub_frame(masked, ["column"], pseudonym=True)
        masked["column"], _ = hide_bracketed_names(masked["column"], _known_labels(self.instrument))
        masked, _ = self.personal.scrub_frame(masked, ["file", "sheet", "value", "message", "fix"])
        return masked

    def with_suggestions(self, problems: pd.DataFrame) -> pd.DataFrame:
        """``problems`` (rows of ``self.problems``: pass only those shown) with the nearest
        roster names added to each unknown name's fix, computed for these rows only.
        Holds names: for the screen of the person running the import, never stored."""
        return add_suggestions(problems, self.roster.suggest if self.roster is not None else None)

    def quarantine(self) -> pd.DataFrame:
        """Problems that left a row out (errors and exclusions), masked."""
        p = self.stored_problems()
        return p[p["severity"].isin(["error", "excluded"])].reset_index(drop=True)


def _damage_or_fit(damage: list[dict], fit: list[dict]) -> list[dict]:
    """The refusal to give: damaged heading rows, unless another instrument fits the export."""
    if not damage or any(r["rule"] != "few_questions_match" or "use -i " in str(r["fix"])
                         for r in fit):
        return fit
    return damage


def _known_labels(instrument: Instrument) -> set[str]:
    """Every item text, alias and option label of ``instrument``, normalised (not names)."""
    known = {normalise_label(t) for item in instrument.items for t in (item.text, *item.aliases)}
    for rset in instrument.response_sets.values():
        known.update(normalise_label(label) for label in rset.labels)
        known.update(normalise_label(alias) for alias, _ in rset.aliases)
    return known


def _pandera_problems(exc: pa.errors.SchemaErrors, raw: RawExport, match: MatchResult,
                      responses: pd.DataFrame) -> list[dict]:
    fc = exc.failure_cases
    headings = {m.item: m.heading for m in match.matches if m.item}
    for role in ("started", "completed"):
        m = match.role(role)
        if m:
            headings[role] = m.heading
    ident = [m for m in match.matches if m.role in ("email", "name", "recipient_email", "staff_id")]
    headings["participant"] = ident[0].heading if ident else "respondent"
    row_of = pd.Series(np.asarray(raw.row_numbers), index=raw.frame.index)
    # the response kept for each participant is their last one
    last_row = row_of[responses.index].groupby(responses["participant"].to_numpy()).last()
    records = []
    for rec in fc.to_dict("records"):
        idx = rec.get("index")
        check = str(rec.get("check") or "")
        rule = check.split("(")[0]
        plain, fix = RULE_TEXT.get(rule, (f"fails the check {check}", "correct the value"))
        column = rec.get("column")
        value = rec.get("failure_case")
        personal = column == "participant"
        if rule == "completed_after_started":
            column = headings.get("completed", "completed")
            value = None
        if idx is None or (isinstance(idx, float) and np.isnan(idx)):
            records.append(dict(row=None, column=headings.get(column, column), value=str(value),
                                rule=rule, message=plain, fix=fix, severity="file"))
            continue
        if rule == "field_uniqueness":
            kept = last_row[responses.at[idx, "participant"]]
            plain = f"is a second response from the same person as row {kept}"
            value = None
        elif rule == "in_range":
            lo, hi = _range_of(check)
            fix = f"use a number from {lo} to {hi}"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        records.append(dict(
            row=int(row_of[idx]), column=headings.get(column, column),
            value=None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value),
            rule=rule, message=plain, fix=fix, severity="error", personal=personal))
    return records


def _range_of(check: str) -> tuple[str, str]:
    numbers = re.findall(r"-?\d+(?:\.\d+)?|-?inf", check)
    shown = [n[:-2] if n.endswith(".0") else n for n in numbers[:2]]
    return (shown + ["?", "?"])[0], (shown + ["?", "?"])[1]


def ingest_file(
    path: str | Path,
    instrument: Instrument,
    *,
    cohort: str,
    wave: str,
    roster=None,
    salt: str = "",
    sheet: str | None = None,
    platform: str | None = None,
    keep_preview: bool = False,
    keep_incomplete: bool = False,
    dates: str | None = None,
    instruments: dict[str, Instrument] | None = None,
    instrument_anyway: bool = False,
    accept_drift: tuple[str, ...] = (),
    publications: list | None = None,
    progress=None,
    corrections=None,
    name: str | None = None,
) -> IngestResult:
    """Import one export against one instrument, without touching a workspace.

    ``dates`` says how slash dates are written (``"day-first"`` or
    ``"month-first"``) when the file cannot tell; ``instruments`` (all that
    the person could have meant) lets a refusal name the instrument an
    export really answers, and ``instrument_anyway`` imports it all the
    same (the refusal becomes a warning). ``publications`` (fingerprints of
    the published forms, see :mod:`evaluate.publish.fingerprint`) make a
    question reworded on the live form a refusal unless its item is in
    ``accept_drift`` (see :mod:`evaluate.ingest.drift`). ``progress`` (see :mod:`evaluate.progress`) hears
    of each of the four steps. ``corrections`` (a
    :class:`~evaluate.workspace.corrections.SlotCorrections`) applies the
    reviewed decisions about this cohort's wave: people matched or left out,
    answers mapped to an option. ``name`` is the file's name as the person
    knows it, when the file is kept under another (an upload in the app).
    """
    name = name or Path(path).name
    plan(progress, 4)
    step(progress, f"Reading {name}")
    raw = read_export(path, sheet=sheet, platform=platform)
    step(progress, "Matching columns to questions")
    match = match_columns(raw, instrument)
    drift_records, recognition = [], None
    if publications or accept_drift:
        from evaluate.ingest.drift import apply_drift

        match, drift_records, recognition = apply_drift(raw, instrument, match,
                                                        publications or [], accept_drift)
    step(progress, "Coding answers")
    seen_by = roster
    if corrections:
        raw = corrections.apply_answers(raw, match, instrument)
        seen_by = corrections.roster_view(roster, salt)
    coerced = coerce_export(raw, instrument, match, seen_by, salt, cohort=cohort,
                            keep_preview=keep_preview, keep_incomplete=keep_incomplete,
                            dates=dates)
    personal = roster.personal_data() if roster is not None else PersonalData()
    responses, hidden = _hide_personal_answers(coerced.responses, instrument, match, raw, personal)
    records = list(match.problems) + list(coerced.problems) + hidden + drift_records
    records += _damage_or_fit(heading_damage(raw, instrument, len(match.items)), refusals_for_fit(
        raw, instrument, match, instruments, wave=wave, anyway=instrument_anyway))
    if corrections:
        records += corrections.review(coerced.responses)

    step(progress, "Checking every row")
    # rows with coercion errors or exclusions are out before schema checks
    rows = np.asarray(raw.row_numbers)
    bad_rows = {r["row"] for r in records if r["severity"] in ("error", "excluded") and r["row"] is not None}
    candidate = responses[~pd.Series(rows, index=responses.index).isin(bad_rows)]
    schema = shared_response_schema(instrument, list(match.items))
    try:
        schema.validate(candidate, lazy=True)
    except pa.errors.SchemaErrors as exc:
        records += _pandera_problems(exc, raw, match, candidate)
    except pa.errors.SchemaError as exc:  # pragma: no cover - lazy mode raises SchemaErrors
        raise EvaluateError(f"{name}: {exc}") from None

    problems = pd.DataFrame(records)
    problems["file"], problems["sheet"] = name, raw.sheet
    problems = problem_frame(problems)
    if corrections:  # names reviewed as not on the programme need no more attention
        problems = problems[~corrections.reviewed_names(problems, salt)]
    # a whole-row check is reported once per row, not once per column
    problems = problems.drop_duplicates(["row", "column", "rule", "value"], ignore_index=True)
    # a row left out on purpose (preview, unfinished) is not also reported as wrong
    excluded = np.sort(problems.loc[problems["severity"] == "excluded", "row"].dropna()
                       .unique().astype("int64"))
    noise = problems["row"].isin(excluded).fillna(False) & (problems["severity"] != "excluded")
    problems = problems[~noise.to_numpy(dtype=bool)]
    # a refusal's reason first: the problems after it may describe what importing would do
    problems = (problems.assign(_later=problems["severity"] != "refused")
                .sort_values(["_later", "row", "column"], na_position="first", kind="stable",
                             ignore_index=True).drop(columns="_later"))
    error_rows = problems.loc[problems["severity"] == "error", "row"].dropna().unique()
    quarantined = np.sort(np.setdiff1d(np.asarray(error_rows, dtype="int64"), excluded))
    keep = ~pd.Series(rows, index=responses.index).isin(np.concatenate([quarantined, excluded]))
    accepted = responses[keep.to_numpy()].reset_index(drop=True)
    accepted.insert(2, "cohort", cohort)
    accepted.insert(3, "wave", wave)
    accepted.insert(4, "instrument", instrument.id)
    accepted.insert(5, "instrument_version", instrument.version)
    for col in ("participant", "cohort", "wave", "instrument", "response_id"):
        accepted[col] = accepted[col].astype("string")
    accepted_rows = set(accepted["source_row"].tolist())
    ties = coerced.ties[coerced.ties["source_row"].isin(accepted_rows)].copy()
    for col, value in (("cohort", cohort), ("wave", wave), ("instrument", instrument.id)):
        ties.insert(0, col, value)
    ties = ties[["cohort", "wave", "instrument", "source", "target", "relation", "frequency",
                 "trust", "source_row"]].reset_index(drop=True)
    for col in ("cohort", "wave", "instrument"):
        ties[col] = ties[col].astype("string")
    st = coerced.stakeholders
    if len(st):  # (pandas turns every participant id into a Python object to look in them)
        st = st[st["source"].isin(accepted["participant"])]
    st = st.copy()
    st["stakeholder"], _ = personal.scrub_series(st["stakeholder"])
    st.insert(0, "instrument", instrument.id)
    st.insert(0, "wave", wave)
    st.insert(0, "cohort", cohort)
    st = st.astype("string").reset_index(drop=True)
    return IngestResult(raw=raw, instrument=instrument, cohort=cohort, wave=wave, match=match,
                        responses=accepted, ties=ties, stakeholders=st, problems=problems,
                        quarantined_rows=quarantined, excluded_rows=excluded,
                        notes=list(raw.notes) + list(coerced.notes), personal=personal,
                        roster=roster, recognition=recognition)


def _hide_personal_answers(responses: pd.DataFrame, instrument: Instrument, match: MatchResult,
                           raw: RawExport, personal: PersonalData) -> tuple[pd.DataFrame, list[dict]]:
    """Answers holding an email, or a roster name or staff id, are stored with it hidden.

    Each such answer is reported (as a warning naming its row and column), so
    the change to what is stored is never silent.
    """
    text_items = [i for i in instrument.item_ids("text") if i in responses.columns]
    columns = [*text_items, "response_id"]
    scrubbed, mask = personal.scrub_frame(responses, columns)
    records = []
    headings = {m.item: m.heading for m in match.matches if m.item}
    rid = match.role("respondent_id")
    headings["response_id"] = rid.heading if rid else "response id"
    rows = np.asarray(raw.row_numbers)
    for col in columns:
        hit = mask[col].to_numpy(dtype=bool)
        for r in rows[hit]:
            records.append(dict(
                row=int(r), column=headings.get(col, col), value=None, rule="personal_data_hidden",
                message="holds an email address, or the name or staff id of someone on the "
                        "roster; it was hidden before the answer was stored",
                fix="nothing to do; the rest of the answer was kept", severity="warning"))
    return scrubbed, records


def ingest_into(ws, path: str | Path, instrument_ref: str, *, cohort: str, wave: str,
                sheet: str | None = None, platform: str | None = None,
                keep_preview: bool = False, keep_incomplete: bool = False,
                dates: str | None = None, replace: bool = False, new_cohort: bool = False,
                new_wave: bool = False, instruments_dir: str | Path | None = None,
                accept_drift: tuple[str, ...] = (), instrument_anyway: bool = False,
                progress=None, name: str | None = None):
    """Import an export into a workspace. Returns ``(IngestResult, StoreOutcome)``.

    Importing the same file again (same bytes, instrument version and
    options) changes nothing. An export the workspace must not take as it is
    is refused with the reason and nothing is stored: one that does not fit
    the instrument or the cohort (the outcome's status is ``refused``), or
    one for an undeclared cohort or wave, or one that would replace an
    earlier import without ``replace`` (:class:`~evaluate.errors.ImportRefused`).
    ``instruments_dir`` takes the instrument from that folder instead of the
    workspace's copies, and keeps a copy in the workspace. The export is
    compared with the forms published for the instrument (in the workspace,
    the instrument's folder or the shipped one): a reworded question is
    refused unless its item is in ``accept_drift``. ``accept_drift`` and
    ``instrument_anyway`` (see :func:`ingest_file`) are stored with the
    import's options, so undoing the import undoes them. ``name`` is the
    file's name as the person knows it (default: the path's).
    """
    from evaluate.instruments import load_instruments, resolve
    from evaluate.publish.fingerprint import load_publications
    from evaluate.roster import read_roster
    from evaluate.workspace import StoreOutcome
    from evaluate.workspace.corrections import slot_corrections
    from evaluate.workspace.history import check_declared

    cohort, wave = check_declared(ws, cohort, wave, new_cohort=new_cohort, new_wave=new_wave)
    known = ws.instruments()
    adopt = None
    if instruments_dir is not None:
        given = load_instruments(instruments_dir)
        instrument = resolve(instrument_ref, given)
        adopt = _adopt_instrument(ws, instrument, known)
        known = {**known, **given}
    else:
        instrument = resolve(instrument_ref, known)
    plan(progress, 2)
    roster = None
    if ws.roster_path is not None:
        step(progress, "Reading the roster")
        roster = read_roster(ws.roster_path, ws.salt)
    corrections = slot_corrections(ws, cohort, wave, instrument.id)
    result = ingest_file(path, instrument, cohort=cohort, wave=wave, roster=roster, salt=ws.salt,
                         sheet=sheet, platform=platform, keep_preview=keep_preview,
                         keep_incomplete=keep_incomplete, dates=dates, instruments=known,
                         instrument_anyway=instrument_anyway, accept_drift=tuple(accept_drift),
                         publications=load_publications(instrument, ws), progress=progress,
                         corrections=corrections, name=name)
    if result.refused:
        return result, StoreOutcome("refused", f"Nothing was imported from {name or Path(path).name}.",
                                    {})
    counts = result.counts
    quarantine = result.stored_problems()
    quarantine.insert(0, "instrument", instrument.id)
    quarantine.insert(0, "wave", wave)
    quarantine.insert(0, "cohort", cohort)
    entry = {
        "file": result.personal.scrub(name or Path(path).name)[0],
        "sha256": file_sha256(path),
        "platform": result.raw.platform,
        "sheet": result.personal.scrub(result.raw.sheet)[0] if result.raw.sheet else None,
        "options": {"keep_preview": keep_preview, "keep_incomplete": keep_incomplete,
                    "sheet": sheet, "platform": platform, "dates": dates,
                    # decisions, stored only when taken (so earlier imports compare equal)
                    **({"accept_drift": sorted(set(accept_drift))} if accept_drift else {}),
                    **({"instrument_anyway": True} if instrument_anyway else {}),
                    **({"corrections": corrections.ids} if corrections else {})},
        "software_version": __version__,
        **{k: counts[k] for k in ("read", "accepted", "quarantined", "excluded", "ties",
                                  "warnings", "file_problems")},
    }
    step(progress, "Storing the import")
    outcome = ws.store_import(cohort=cohort, wave=wave, instrument=instrument,
                              responses=result.responses, ties=result.ties,
                              stakeholders=result.stakeholders, quarantine=quarantine, entry=entry,
                              replace=replace, new_cohort=new_cohort, new_wave=new_wave,
                              roster=None if roster is None else roster.public(),
                              instrument_file=adopt)
    return result, outcome


def _adopt_instrument(ws, instrument: Instrument, known: dict) -> tuple[str, bytes] | None:
    """The instrument file to keep in the workspace, or None when it holds that one already."""
    from evaluate.errors import WorkspaceError

    data = instrument.path.read_bytes() if instrument.path is not None else None
    mine = known.get(instrument.ref)
    if mine is not None:
        if mine.path is not None and data is not None and mine.path.read_bytes() != data:
            raise WorkspaceError(
                f"{instrument.ref} in {instrument.path} differs from the {instrument.ref} this "
                "workspace already uses — give the changed instrument the next version number, "
                "so that answers to the two versions are never mixed")
        return None
    return (instrument.path.name, data) if data is not None else None
