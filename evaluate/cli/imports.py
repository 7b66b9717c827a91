"""Commands that read exports: validate (check only) and ingest (check and store)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from evaluate.cli.base import (
    DataProblem,
    UsageProblem,
    cli,
    echo,
    export_options,
    friendly,
    instruments_dir_option,
    quiet_option,
    show_names_option,
    strict_option,
    workspace_option,
)
from evaluate.cli.collector import loading_libraries
from evaluate.cli.progress import progress_bar
from evaluate.words import count, share_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ['validate_cmd', 'ingest_cmd']


def _print_result(result, *, quiet: bool, show_names: bool, limit: int = 50) -> None:
    from evaluate.ingest.problems import format_problems

    c = result.counts
    raw = result.raw

    def shown(text: str) -> str:
        return text if show_names else result.personal.scrub(text)[0]

    sheet = f', sheet "{shown(raw.sheet)}"' if raw.sheet else ""
    echo(f"{shown(raw.path.name)}{sheet}: read as {raw.platform.replace('_', ' ')} "
          f"({raw.header_rows} header row{'s' if raw.header_rows > 1 else ''}).", quiet)
    matched = len(result.match.items)
    found = share_of(matched, len(result.instrument.items), "question")
    echo(f"  {found[0].upper()}{found[1:]} of {result.instrument.ref} found.", quiet)
    if result.refused:
        echo(f"  {count(c['read'], 'response')} read; none can be imported as the file is (the first "
             "problem below says why).", quiet)
    else:
        echo(f"  {count(c['read'], 'response')} read: {c['accepted']:,} accepted, {c['quarantined']:,} held "
             "back with problems"
             + (f", {c['excluded']:,} left out on purpose (previews or unfinished)"
                if c["excluded"] else "")
             + (f"; {count(c['ties'], 'network tie')}" if c["ties"] else "") + ".", quiet)
    for note in result.notes:
        if note.startswith(("Dates were read", "Some times carried", "Numbers were read")):
            echo(f"  Note: {note}", quiet)
    problems = result.problems if show_names else result.stored_problems().assign(personal=False)
    shown = problems[problems["severity"] != "excluded"] if quiet else problems
    if len(shown):
        click.echo(f"  {count(len(shown), 'problem')}:")
        head = result.with_suggestions(shown.head(limit)) if show_names else shown.head(limit)
        for line in format_problems(head):
            click.echo("  - " + line)
        if len(shown) > limit:
            click.echo(f"  … and {len(shown) - limit} more (use --report FILE to get them all).")
        if not show_names and result.problems["personal"].any():
            click.echo("  (Names and emails are hidden; add --show-names to see them on screen.)")


def _print_published(result, quiet: bool) -> None:
    """Say whether the export came from a published form, or how the live form drifted."""
    recognition = result.recognition
    if recognition is not None:
        for line in recognition.lines():
            echo("  " + line, quiet and recognition.drift.empty)


def _decision_options(func):
    """--accept-drift ITEM (repeatable) and --instrument-anyway."""
    func = click.option(
        "--instrument-anyway", is_flag=True,
        help="Import with the instrument given even though another fits the export better "
             "(recorded in the history; undone with the import).")(func)
    return click.option(
        "--accept-drift", "accept_drift", multiple=True, metavar="ITEM",
        help="Import the column of a question reworded on the live form as ITEM (repeat for "
             "several; recorded in the history; undone with the import).")(func)


def _instrument_hint(result, instruments: dict) -> str | None:
    """If most question columns matched nothing, name the instrument the export fits best."""
    unmatched = int((result.problems["rule"] == "unmatched_column").sum())
    matched = len(result.match.items)
    if unmatched < 3 or unmatched <= matched:
        return None
    from evaluate.ingest.matching import match_columns

    scores = {ref: len(match_columns(result.raw, inst).items) for ref, inst in instruments.items()}
    best = max(sorted(scores), key=lambda ref: scores[ref])
    if best == result.instrument.ref or scores[best] <= matched:
        return None
    return (f"Most columns do not belong to {result.instrument.ref}. This export looks like "
            f"{best} ({scores[best]} questions match) — did you mean -i {best}?")


def _write_report(problems: pd.DataFrame, path: Path) -> None:
    from evaluate.privacy import neutralise_frame

    table = neutralise_frame(problems.drop(columns=["personal"], errors="ignore"))
    if path.suffix.lower() == ".xlsx":
        from evaluate.report.xlsx import write_tables

        write_tables({"problems": table}, path, readme=[
            "Problems found in the export, one per row.",
            "row is the spreadsheet row as Excel shows it; column is the heading.",
            "Names and emails are hidden; the row number finds the response.",
        ])
    elif path.suffix.lower() == ".csv":
        table.to_csv(path, index=False)
    else:
        raise UsageProblem(f"--report {path.name}: use a file name ending .xlsx or .csv")


@cli.command("validate", short_help="Check an export without storing it; list every problem.")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@export_options
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Roster to check respondents against (default: the workspace's, if any).")
@click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Use this workspace's instruments and roster.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every problem to FILE.xlsx or FILE.csv for whoever fixes the sheet.")
@_decision_options
@show_names_option
@instruments_dir_option
@strict_option
@quiet_option
@friendly
def validate_cmd(export, instrument, cohort, wave, sheet, platform, keep_preview, keep_incomplete,
                 dates, roster, workspace, report, accept_drift, instrument_anyway, show_names,
                 instruments_dir, strict, quiet):
    """Check an export without storing anything, and list every problem.

    Each problem gives the spreadsheet row, the column heading, the value and
    the fix. Good rows are never affected by bad ones.

    Example: evaluate validate post.xlsx -i post@1 -c c1 --wave end --roster roster.csv
    """
    with loading_libraries():
        from evaluate.ingest.pipeline import ingest_file
        from evaluate.instruments import load_instruments, resolve
        from evaluate.labels import safe_label
        from evaluate.privacy import new_salt
        from evaluate.publish.fingerprint import load_publications
        from evaluate.roster import read_roster

    cohort, wave = safe_label(cohort, "Cohort"), safe_label(wave, "Wave")  # " c1" is c1
    salt = new_salt()
    known = load_instruments(instruments_dir) if instruments_dir else None
    ws = None
    if workspace is not None:
        from evaluate.workspace import Workspace  # (only then: its storage code is not needed)

        ws = Workspace.open(workspace)
        known = known or ws.instruments()
        salt = ws.salt
        roster = roster or ws.roster_path
    else:
        known = known or load_instruments()
    inst = resolve(instrument, known)
    r = read_roster(roster, salt) if roster else None
    result = ingest_file(export, inst, cohort=cohort, wave=wave, roster=r, salt=salt, sheet=sheet,
                         platform=platform, keep_preview=keep_preview, keep_incomplete=keep_incomplete,
                         dates=dates, instruments=known, instrument_anyway=instrument_anyway,
                         accept_drift=accept_drift, publications=load_publications(inst, ws))
    _print_result(result, quiet=quiet, show_names=show_names, limit=10_000 if report is None else 50)
    _print_published(result, quiet)
    hint = None if result.refused else _instrument_hint(result, known)
    if hint:
        click.echo(hint)
    if r is None:
        echo("  (No roster given: respondents were not checked against the cohort.)", quiet)
    if report is not None:
        _write_report(result.stored_problems(), report)
        echo(f"Wrote {count(len(result.problems), 'problem')} to {report}", quiet)
    if result.refused:
        raise DataProblem("`evaluate ingest` would refuse this export as it is (see above).")
    if strict and result.has_problems:
        raise DataProblem("Problems found; exiting with code 1 because of --strict.")


@cli.command("ingest", short_help="Import an export into a workspace: checked, pseudonymised.")
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@export_options
@workspace_option
@click.option("--replace", is_flag=True,
              help="Replace the earlier import of this cohort's wave (it stays in the history).")
@click.option("--new-cohort", is_flag=True, help="Add the cohort to the workspace (on purpose).")
@click.option("--new-wave", is_flag=True, help="Add the wave to the workspace (on purpose).")
@_decision_options
@show_names_option
@instruments_dir_option
@strict_option
@quiet_option
@friendly
def ingest_cmd(export, instrument, cohort, wave, sheet, platform, keep_preview, keep_incomplete,
               dates, workspace, replace, new_cohort, new_wave, accept_drift, instrument_anyway,
               show_names, instruments_dir, strict, quiet):
    """Import an export into the workspace (checked, pseudonymised, nothing lost).

    Importing the same file again changes nothing. An export for a cohort and
    wave that already hold one is refused, with what would change, unless
    --replace is given; the earlier import stays in the history (`evaluate
    history`, `evaluate undo`). A cohort or wave the workspace does not have is
    refused unless --new-cohort / --new-wave add it.

    Example: evaluate ingest baseline.xlsx -w my-programme -i baseline@1 -c c1 --wave baseline
    """
    from evaluate.cli.allocator import keep_freed_memory

    with loading_libraries():
        from evaluate.ingest.files import CSV_SUFFIXES
        from evaluate.ingest.pipeline import ingest_into
        from evaluate.workspace import Workspace

    if Path(export).suffix.lower() in CSV_SUFFIXES:  # (a workbook's import gains nothing)
        keep_freed_memory()  # the export's arrays, freed and made again, reuse memory
    ws = Workspace.open(workspace)
    with progress_bar("ingest", quiet) as progress:
        result, outcome = ingest_into(ws, export, instrument, cohort=cohort, wave=wave, sheet=sheet,
                                      platform=platform, keep_preview=keep_preview,
                                      keep_incomplete=keep_incomplete, dates=dates,
                                      replace=replace, new_cohort=new_cohort, new_wave=new_wave,
                                      instruments_dir=instruments_dir,
                                      accept_drift=accept_drift,
                                      instrument_anyway=instrument_anyway, progress=progress)
    _print_result(result, quiet=quiet, show_names=show_names)
    _print_published(result, quiet)
    if outcome.status == "refused":
        raise DataProblem(outcome.message + " Fix what is said above and import again.")
    hint = _instrument_hint(result, ws.instruments())
    if hint:
        click.echo(hint)
    echo(outcome.message, quiet)
    if strict and result.has_problems:
        raise DataProblem("Problems found; exiting with code 1 because of --strict.")
