"""The `evaluate` command: a thin layer over the library, written for programme leads.

Exit codes: 0 fine; 1 data problems (always when a file cannot be used,
and for any problem under --strict); 2 a usage mistake (wrong option, no
such workspace or instrument).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
import pandas as pd

from evaluate import __version__
from evaluate.errors import (
    EvaluateError,
    InstrumentError,
    WorkspaceError,
)

__all__ = ["cli", "main"]

USAGE_ERRORS = (InstrumentError, WorkspaceError)


class DataProblem(click.ClickException):
    """A problem with the data (exit 1)."""

    exit_code = 1


class UsageProblem(click.ClickException):
    exit_code = 2


def friendly(func):
    """Turn our own errors into plain messages with the right exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except USAGE_ERRORS as exc:
            raise UsageProblem(str(exc)) from None
        except EvaluateError as exc:
            raise DataProblem(str(exc)) from None
        except click.ClickException:
            raise
        except BrokenPipeError:  # output piped into `head` and closed: not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:  # the disk, not the data: say which file, why, and what to do
            from evaluate.workspace.files import explain_os_error

            where = exc.filename or "a file"
            raise DataProblem(
                explain_os_error(exc, where, "finish").capitalize() + ". Any change to a "
                "workspace is all or nothing, so the workspace is as it was before this command."
            ) from None
        except Exception as exc:  # a bug of ours: say so plainly, no traceback by default
            if os.environ.get("EVALUATE_DEBUG"):
                raise
            raise DataProblem(
                f"evaluate hit an internal error ({type(exc).__name__}: {exc}). Your files were "
                "not changed. Please report this, with the command you ran; set EVALUATE_DEBUG=1 "
                "to see the technical details."
            ) from None

    return wrapper


# ------------------------------------------------------------------ shared options
def workspace_option(func):
    return click.option(
        "--workspace", "-w", "workspace", type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("EVALUATE_WORKSPACE", "."), show_default="current folder",
        help="The workspace folder (made with `evaluate init`).",
    )(func)


def workspace_argument(func):
    """The WORKSPACE argument of commands that read a workspace."""
    return click.argument("workspace", type=click.Path(exists=True, file_okay=False,
                                                       path_type=Path))(func)


def strict_option(func):
    return click.option("--strict", is_flag=True,
                        help="Exit with code 1 if any problem is found (for scripts and CI).")(func)


def instruments_dir_option(func):
    return click.option(
        "--instruments", "instruments_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
        help="Folder of instrument files to use (default: the workspace's, or the shipped ones).",
    )(func)


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors.")(func)


def export_options(func):
    for decorator in reversed([
        click.option("--instrument", "-i", required=True,
                     help="Which instrument the export answers, as ID@VERSION (e.g. baseline@1)."),
        click.option("--cohort", "-c", required=True, help="Cohort id, e.g. c1."),
        click.option("--wave", required=True,
                     help="Wave (time point), e.g. baseline, day1, end, follow_up."),
        click.option("--sheet", default=None, help="Sheet to read in an xlsx (default: the responses sheet)."),
        click.option("--platform", type=click.Choice(
            ["microsoft_forms", "google_forms", "qualtrics", "surveymonkey", "plain"]),
            default=None, help="Skip detection and read the export as this platform's layout."),
        click.option("--keep-preview", is_flag=True,
                     help="Keep Qualtrics survey-preview (test) responses."),
        click.option("--keep-incomplete", is_flag=True,
                     help="Keep unfinished responses."),
        click.option("--dates", type=click.Choice(["day-first", "month-first"]), default=None,
                     help="How the export writes dates such as 9/1/2025, when the file cannot "
                          "tell (US accounts: month-first; UK accounts: day-first)."),
    ]):
        func = decorator(func)
    return func


def _echo(msg: str = "", quiet: bool = False, err: bool = False) -> None:
    if not quiet:
        click.echo(msg, err=err)


# ------------------------------------------------------------------ the group
@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="evaluate")
def cli():
    """What's the evidence? Evaluate a leadership programme from its survey exports.

    \b
    Typical use:
      evaluate demo                       try everything on the bundled sample data
      evaluate init my-programme --roster roster.csv
      evaluate validate baseline.xlsx -i baseline@1 -c c1 --wave baseline
      evaluate ingest baseline.xlsx -w my-programme -i baseline@1 -c c1 --wave baseline
      evaluate analyse my-programme --out results/
      evaluate report my-programme --out reports/2026/

    Run `evaluate COMMAND --help` for the details of each command.
    """


# ------------------------------------------------------------------ instruments
@cli.group()
def instruments():
    """List, show and compare the survey instruments.

    Example: evaluate instruments diff baseline@1 baseline@2
    """


def _instrument_dir_option(func):
    return click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=None, help="Folder of instrument files (default: the shipped ones).")(func)


@instruments.command("list")
@_instrument_dir_option
@friendly
def instruments_list(directory):
    """List every instrument and version.

    Example: evaluate instruments list
    """
    from evaluate.instruments import load_instruments

    found = load_instruments(directory)
    width = max((len(r) for r in found), default=10)
    for ref, inst in sorted(found.items()):
        click.echo(f"{ref:<{width}}  wave {inst.wave:<10} {len(inst.items):>3} questions, "
                   f"{len(inst.scales):>2} scales  {inst.title}")


@instruments.command("show")
@click.argument("ref")
@_instrument_dir_option
@friendly
def instruments_show(ref, directory):
    """Show an instrument's questions, answers and scales.

    Example: evaluate instruments show post@1
    """
    from evaluate.instruments import load_instruments, resolve

    inst = resolve(ref, load_instruments(directory))
    click.echo(f"{inst.ref} — {inst.title} (wave: {inst.wave})")
    if inst.description:
        click.echo(inst.description.strip())
    click.echo("\nQuestions:")
    for item in inst.items:
        extra = []
        if item.response_set:
            extra.append(f"answers: {item.response_set}")
        if item.reverse:
            extra.append("reverse-scored")
        if item.required:
            extra.append("required")
        if item.relation:
            extra.append(f"relation: {item.relation}")
        if item.then_of:
            extra.append(f"then-test of {item.then_of}")
        click.echo(f"  {item.id:<28} {item.type:<12} {item.text}")
        if extra:
            click.echo(f"  {'':<28} {'':<12} ({'; '.join(extra)})")
    if inst.scales:
        click.echo("\nScales:")
        for s in inst.scales:
            aim = f", evidences {s.aim}" if s.aim else ""
            click.echo(f"  {s.id:<28} {s.scoring} of {len(s.items)} items "
                       f"(at least {s.min_items} answered){aim}: {s.title}")
    if inst.response_sets:
        click.echo("\nAnswers:")
        for rs in inst.response_sets.values():
            opts = "; ".join(f"{c} = {label}" for c, label in rs.options)
            click.echo(f"  {rs.id:<28} {opts}")


@instruments.command("diff")
@click.argument("ref_a")
@click.argument("ref_b")
@_instrument_dir_option
@friendly
def instruments_diff(ref_a, ref_b, directory):
    """Show what changed between two instruments or versions.

    Example: evaluate instruments diff baseline@1 baseline@2
    """
    from evaluate.instruments import diff, load_instruments, resolve

    found = load_instruments(directory)
    a, b = resolve(ref_a, found), resolve(ref_b, found)
    changes = diff(a, b)
    if changes.empty:
        click.echo(f"{a.ref} and {b.ref} ask the same questions in the same way.")
        return
    click.echo(f"From {a.ref} to {b.ref}: {len(changes)} change(s)")
    for row in changes.itertuples():
        part = row.part.replace("_", " ")
        if row.change == "changed":
            click.echo(f"  {part} {row.id}: {row.field} changed\n      was: {row.before}\n      now: {row.after}")
        else:
            click.echo(f"  {part} {row.id}: {row.change}")


@cli.command("check-design", short_help="Check the logic model against the instruments.")
@instruments_dir_option
@strict_option
@friendly
def check_design_cmd(instruments_dir, strict):
    """Before a cohort starts: what the logic model promises that no instrument measures.

    Reads programme.yaml (aims, outcomes, indicators, measures, Kirkpatrick levels) and the
    instruments beside it, and lists every outcome with no indicator, every indicator that
    no instrument asks, and every aim with no evidence above level 2 (learning). With
    --strict, exits 1 when anything is listed.

    Example: evaluate check-design --instruments instruments/
    """
    from evaluate.instruments import load_instruments, load_programme
    from evaluate.logic import LEVELS, check_design

    programme = load_programme(instruments_dir)
    instruments = load_instruments(instruments_dir)
    findings = check_design(programme, instruments)
    model = programme.logic_model
    n_ind = sum(1 for _, _, ind in model.rows() if ind is not None) if model else 0
    click.echo(f"{programme.name}: {len(programme.aims)} aims, "
               f"{sum(len(a.outcomes) for a in model.aims) if model else 0} outcomes, "
               f"{n_ind} indicators, checked against {len(instruments)} instruments.")
    if model:
        for am in model.aims:
            levels = sorted({ind.level for o in am.outcomes for ind in o.indicators})
            click.echo(f"  {am.aim}: indicators at level "
                       + (", ".join(f"{lv} ({LEVELS[lv]})" for lv in levels) or "none"))
    if findings.empty:
        click.echo("Every outcome has an indicator, every indicator is asked, and every aim has "
                   "evidence above level 2.")
        return
    click.echo(f"{len(findings)} thing(s) to fix before the cohort starts:")
    for f in findings.itertuples(index=False):
        where = " › ".join(x for x in (f.aim, f.outcome, f.indicator) if x)
        click.echo(f"  - {where}: {f.problem} — {f.fix}")
    if strict:
        raise SystemExit(1)


@cli.command("schemas", short_help="Write the validation rules as readable YAML files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"),
              show_default=True, help="Folder to write the schema files into.")
@_instrument_dir_option
@friendly
def schemas_cmd(out, directory):
    """Write the validation rules (pandera schemas) as readable YAML files.

    Example: evaluate schemas --out schemas/
    """
    from evaluate.schemas import write_schemas

    paths = write_schemas(out, directory)
    click.echo(f"Wrote {len(paths)} schema files to {out}/")


@cli.command("publish", short_help="Write an instrument in a survey platform's import format.")
@click.argument("ref")
@click.option("--to", "platform", required=True,
              type=click.Choice(["xlsform", "qualtrics", "google", "msforms", "surveymonkey", "paper"]),
              help="The platform to publish to.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the files into.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Roster, for instruments that ask about cohort members (with --cohort).")
@click.option("--cohort", help="The cohort whose members the form lists (with --roster).")
@click.option("--date", "published", default=None, metavar="YYYY-MM-DD",
              help="Publication date to record (default: today).")
@click.option("--no-record", is_flag=True,
              help="Do not record the form's fingerprint in the instrument folder's published/.")
@_instrument_dir_option
@friendly
def publish_cmd(ref, platform, out, roster, cohort, published, no_record, directory):
    """Write an instrument in a survey platform's import format, so exports match it.

    Question texts and answers are the instrument's own, and wherever the
    platform allows it the item id travels with each question into the
    export. A fingerprint of the form is recorded in the instrument folder's
    published/, so that `evaluate validate` and `evaluate ingest` recognise
    its exports and list any change made on the live form.

    Example: evaluate publish baseline@2 --to google --out forms/
    """
    from evaluate.instruments import load_instruments, resolve
    from evaluate.publish import publish
    from evaluate.publish.form import cohort_members

    inst = resolve(ref, load_instruments(directory))
    members = None
    if roster is not None or cohort is not None:
        if roster is None or cohort is None:
            raise UsageProblem("--roster and --cohort go together: give both, or neither")
        from evaluate.privacy import new_salt
        from evaluate.roster import read_roster

        members = cohort_members(read_roster(roster, new_salt()), cohort)
    result = publish(inst, platform, out, members=members, cohort=cohort, published=published,
                     record=not no_record)
    for path in result.files:
        click.echo(f"Wrote {path}")
    if result.fingerprint_path is not None:
        click.echo(f"Recorded {result.publication.describe()} in "
                   f"{result.fingerprint_path.parent.name}/{result.fingerprint_path.name}.")
    click.echo("Next: " + result.next_steps)


# ------------------------------------------------------------------ workspace
@cli.command("init", short_help="Create a workspace for a programme.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The cohort roster (csv or xlsx: name, email, staff id, cohort, organisation, sector, place, role).")
@click.option("--programme", help="Programme name (default: from the instruments).")
@click.option("--cohort", "cohorts", multiple=True, help="A cohort id; repeat for several.")
@click.option("--min-group-size", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Groups smaller than this are never reported.")
@click.option("--instruments", "instruments_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of instrument files (default: the shipped ones).")
@friendly
def init_cmd(directory, roster, programme, cohorts, min_group_size, instruments_dir):
    """Create a workspace: the folder that holds your programme's imported data.

    The roster stays where it is (it holds names); the workspace keeps only
    pseudonymous ids.

    Example: evaluate init my-programme --roster roster.csv
    """
    from evaluate.workspace import Workspace

    ws = Workspace.init(directory, programme=programme, cohorts=cohorts, roster=roster,
                        min_group_size=min_group_size, instruments_dir=instruments_dir)
    if roster is not None:
        people = len(ws.roster())
        click.echo(f"Read the roster: {people} {'person' if people == 1 else 'people'} in "
                   f"{'cohort' if len(ws.cohorts) == 1 else 'cohorts'} {', '.join(ws.cohorts)}.")
    click.echo(f"Created workspace {directory}/ for {ws.programme_name} "
               f"({len(ws.config['instruments'])} instruments; groups under {ws.min_group_size} "
               "are never reported).")
    first = next(iter(ws.config["instruments"]), "INSTRUMENT@1")
    click.echo(f"Next: evaluate ingest EXPORT -w {directory} -i {first} -c "
               f"{ws.cohorts[0] if ws.cohorts else 'COHORT'} --wave {ws.waves[0]}")


def _print_result(result, *, quiet: bool, show_names: bool, limit: int = 50) -> None:
    from evaluate.ingest.problems import format_problems

    c = result.counts
    raw = result.raw

    def shown(text: str) -> str:
        return text if show_names else result.personal.scrub(text)[0]

    sheet = f', sheet "{shown(raw.sheet)}"' if raw.sheet else ""
    _echo(f"{shown(raw.path.name)}{sheet}: read as {raw.platform.replace('_', ' ')} "
          f"({raw.header_rows} header row{'s' if raw.header_rows > 1 else ''}).", quiet)
    matched = len(result.match.items)
    _echo(f"  {matched} of {len(result.instrument.items)} questions of {result.instrument.ref} found.", quiet)
    if result.refused:
        _echo(f"  {c['read']} responses read; none can be imported as the file is (the first "
              "problem below says why).", quiet)
    else:
        _echo(f"  {c['read']} responses read: {c['accepted']} accepted, {c['quarantined']} held "
              "back with problems"
              + (f", {c['excluded']} left out on purpose (previews or unfinished)"
                 if c["excluded"] else "")
              + (f"; {c['ties']} network ties" if c["ties"] else "") + ".", quiet)
    for note in result.notes:
        if note.startswith(("Dates were read", "Some times carried", "Numbers were read")):
            _echo(f"  Note: {note}", quiet)
    problems = result.problems if show_names else result.stored_problems().assign(personal=False)
    shown = problems[problems["severity"] != "excluded"] if quiet else problems
    if len(shown):
        click.echo(f"  {len(shown)} problem(s):")
        head = result.with_suggestions(shown.head(limit)) if show_names else shown.head(limit)
        for line in format_problems(head):
            click.echo("  - " + line)
        if len(shown) > limit:
            click.echo(f"  … and {len(shown) - limit} more (use --report FILE to get them all).")
        if not show_names and result.problems["personal"].any():
            click.echo("  (Names and emails are hidden; add --show-names to see them on screen.)")


def _print_published(result, quiet: bool) -> None:
    """Say whether the export came from a published form, or how the live form drifted."""
    from evaluate.publish.drift import recognise
    from evaluate.publish.fingerprint import load_publications

    publications = load_publications(result.instrument)
    if publications:
        recognition = recognise(result.raw, result.instrument, publications)
        for line in recognition.lines():
            _echo("  " + line, quiet and recognition.drift.empty)


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
@click.option("--show-names", is_flag=True, help="Show names and emails in problems on screen.")
@instruments_dir_option
@strict_option
@quiet_option
@friendly
def validate_cmd(export, instrument, cohort, wave, sheet, platform, keep_preview, keep_incomplete,
                 dates, roster, workspace, report, show_names, instruments_dir, strict, quiet):
    """Check an export without storing anything, and list every problem.

    Each problem gives the spreadsheet row, the column heading, the value and
    the fix. Good rows are never affected by bad ones.

    Example: evaluate validate post.xlsx -i post@1 -c c1 --wave end --roster roster.csv
    """
    from evaluate.ingest.pipeline import ingest_file
    from evaluate.instruments import load_instruments, resolve
    from evaluate.privacy import new_salt
    from evaluate.roster import read_roster
    from evaluate.workspace import Workspace, safe_label

    cohort, wave = safe_label(cohort, "Cohort"), safe_label(wave, "Wave")  # " c1" is c1
    salt = new_salt()
    known = load_instruments(instruments_dir) if instruments_dir else None
    if workspace is not None:
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
                         dates=dates, instruments=known)
    _print_result(result, quiet=quiet, show_names=show_names, limit=10_000 if report is None else 50)
    _print_published(result, quiet)
    hint = None if result.refused else _instrument_hint(result, known)
    if hint:
        click.echo(hint)
    if r is None:
        _echo("  (No roster given: respondents were not checked against the cohort.)", quiet)
    if report is not None:
        _write_report(result.stored_problems(), report)
        _echo(f"Wrote {len(result.problems)} problem(s) to {report}", quiet)
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
@click.option("--show-names", is_flag=True, help="Show names and emails in problems on screen.")
@instruments_dir_option
@strict_option
@quiet_option
@friendly
def ingest_cmd(export, instrument, cohort, wave, sheet, platform, keep_preview, keep_incomplete,
               dates, workspace, replace, new_cohort, new_wave, show_names, instruments_dir,
               strict, quiet):
    """Import an export into the workspace (checked, pseudonymised, nothing lost).

    Importing the same file again changes nothing. An export for a cohort and
    wave that already hold one is refused, with what would change, unless
    --replace is given; the earlier import stays in the history (`evaluate
    history`, `evaluate undo`). A cohort or wave the workspace does not have is
    refused unless --new-cohort / --new-wave add it.

    Example: evaluate ingest baseline.xlsx -w my-programme -i baseline@1 -c c1 --wave baseline
    """
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    progress = _progress(quiet)
    if progress:
        progress(f"Reading {export.name}")
    result, outcome = ingest_into(ws, export, instrument, cohort=cohort, wave=wave, sheet=sheet,
                                  platform=platform, keep_preview=keep_preview,
                                  keep_incomplete=keep_incomplete, dates=dates, replace=replace,
                                  new_cohort=new_cohort, new_wave=new_wave,
                                  instruments_dir=instruments_dir)
    _print_result(result, quiet=quiet, show_names=show_names)
    _print_published(result, quiet)
    if outcome.status == "refused":
        raise DataProblem(outcome.message + " Fix what is said above and import again.")
    hint = _instrument_hint(result, ws.instruments())
    if hint:
        click.echo(hint)
    _echo(outcome.message, quiet)
    if strict and result.has_problems:
        raise DataProblem("Problems found; exiting with code 1 because of --strict.")


def _attention(e: dict) -> str:
    """What a person should look at in one import, in words ('' when nothing)."""
    parts = []
    if e.get("quarantined"):
        parts.append(f"{e['quarantined']} held back with problems")
    if e.get("file_problems"):
        parts.append(f"{e['file_problems']} file problem{'s' if e['file_problems'] != 1 else ''}"
                     " (such as columns not imported)")
    if e.get("warnings"):
        parts.append(f"{e['warnings']} warning{'s' if e['warnings'] != 1 else ''}")
    return "; ".join(parts)


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
            for r in rows]


@cli.command("status", short_help="Show what a workspace holds, and what needs attention.")
@click.argument("workspace", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@friendly
def status_cmd(workspace):
    """Show what a workspace holds: each import in use, its rows, and what needs attention.

    Every row read is counted once: accepted, held back with problems, or
    left out on purpose (previews, unfinished responses). An import marked !
    has problems to look at.

    Example: evaluate status my-programme
    """
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    manifest = ws.manifest()
    imports = manifest["imports"]
    damaged = ws.check(hashes=False).damaged
    if damaged:
        click.echo(f"! The workspace is damaged ({damaged[0].path}: {damaged[0].problem}) — run "
                   f"`evaluate check {workspace}`, then `evaluate repair {workspace}`.")
    click.echo(f"{ws.programme_name}: cohorts {', '.join(ws.cohorts) or '(none yet)'}; waves "
               f"{', '.join(ws.waves)}; groups under {ws.min_group_size} are never reported.")
    if not imports:
        click.echo("No imports yet. Next: evaluate ingest EXPORT -w " + str(workspace) + " ...")
        return
    rows = [["", "import", "cohort", "wave", "instrument", "file", "read", "accepted",
             "held back", "left out"]]
    notes = []
    for e in sorted(imports, key=lambda r: (r["cohort"], ws.wave_order(r["wave"]), r["instrument"])):
        why = _attention(e)
        rows.append(["!" if why else "", str(e.get("id", "")), e["cohort"], e["wave"],
                     e["instrument"], e["file"], str(e["read"]), str(e["accepted"]),
                     str(e.get("quarantined", 0)), str(e.get("excluded", 0))])
        if why:
            notes.append(f"  ! import {e.get('id', '?')} ({e['file']}): {why}.")
    click.echo(f"Imports in use ({len(imports)}):")
    for line in _table(rows, right={6, 7, 8, 9}):
        click.echo(line)
    total = {k: sum(int(e.get(k, 0)) for e in imports)
             for k in ("read", "accepted", "quarantined", "excluded")}
    click.echo(f"Total: {total['read']} read = {total['accepted']} accepted + "
               f"{total['quarantined']} held back with problems + {total['excluded']} left out "
               "on purpose.")
    if notes:
        click.echo(f"{len(notes)} import{'s need' if len(notes) != 1 else ' needs'} attention:")
        for line in notes:
            click.echo(line)
        click.echo("  Run `evaluate validate FILE ...` on a file to see each problem with its row "
                   "and fix.")
    kept = len(manifest["history"]) - len(imports)
    if kept:
        click.echo(f"{kept} earlier import{'s are' if kept != 1 else ' is'} kept in the history "
                   f"(`evaluate history {workspace}`).")


@cli.command("check", short_help="Check that the workspace agrees with its manifest.")
@workspace_argument
@friendly
def check_cmd(workspace):
    """Check every file the manifest lists (present, unchanged, readable) and the roster.

    Exit 0 when nothing is damaged (files left by an interrupted change are
    harmless and listed); exit 1 when something is, with how to repair it.

    Example: evaluate check my-programme
    """
    from evaluate.workspace.check import check_workspace

    report = check_workspace(workspace)
    for f in report.damaged:
        click.echo(f"  DAMAGED {f.path}: {f.problem} — {f.fix}")
    for f in report.leftover:
        click.echo(f"  leftover {f.path}: {f.problem} — {f.fix}")
    if report.damaged:
        raise DataProblem(f"{len(report.damaged)} problem(s) found: run `evaluate repair "
                          f"{workspace}` to restore the last consistent state.")
    click.echo(f"The workspace agrees with its manifest: {report.imports_checked} imports in use, "
               f"{report.files_checked} data files checked (present, unchanged, readable).")


@cli.command("repair", short_help="Restore the last consistent state of a damaged workspace.")
@workspace_argument
@friendly
def repair_cmd(workspace):
    """Restore the last consistent state after a crash or damage, and say what was done.

    Removes what an interrupted change left behind; puts back the manifest
    from before the last change if the current one is damaged; stops using an
    import whose data files are damaged (import its export again).

    Example: evaluate repair my-programme
    """
    from evaluate.workspace import Workspace

    for line in Workspace.open(workspace).repair():
        click.echo(line)


@cli.command("history", short_help="List every import ever made, in use or not.")
@workspace_argument
@friendly
def history_cmd(workspace):
    """List every import this workspace has held, in use or not, and every change.

    Nothing is ever deleted: a replaced or removed import stays here, and
    `evaluate undo` or `evaluate restore` brings it back.

    Example: evaluate history my-programme
    """
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    manifest = ws.manifest()
    if not manifest["history"]:
        click.echo("No imports yet.")
        return
    rows = [["import", "state", "stored", "cohort", "wave", "instrument", "file", "accepted"]]
    for r in manifest["history"]:
        state = r.get("state", "active")
        if state == "replaced" and r.get("replaced_by"):
            state = f"replaced by {r['replaced_by']}"
        rows.append([str(r.get("id", "")), state, str(r.get("stored_at", ""))[:16].replace("T", " "),
                     r["cohort"], r["wave"], r["instrument"], r["file"], str(r.get("accepted", ""))])
    for line in _table(rows, right={7}):
        click.echo(line)
    events = [e for e in manifest["events"] if e["action"] in ("replace", "remove", "restore", "undo")]
    if events:
        click.echo("Changes:")
        for e in events:
            what = {"replace": f"import {e.get('import')} replaced {e.get('previous')}",
                    "remove": f"import {e.get('import')} removed",
                    "restore": f"import {e.get('import')} restored",
                    "undo": f"change {e.get('undoes')} undone (import {e.get('import')})"}[e["action"]]
            click.echo(f"  {e['seq']:>3}  {str(e['at'])[:16].replace('T', ' ')}  {what}")


@cli.command("undo", short_help="Undo the latest import, replacement or removal.")
@workspace_argument
@friendly
def undo_cmd(workspace):
    """Undo the latest change to the workspace: an import, a replacement or a removal.

    The import undone is kept in the history (`evaluate history`).

    Example: evaluate undo my-programme
    """
    from evaluate.workspace import Workspace

    click.echo(Workspace.open(workspace).undo())


@cli.command("remove", short_help="Stop using one import (it stays in the history).")
@workspace_argument
@click.argument("import_id")
@friendly
def remove_cmd(workspace, import_id):
    """Stop using one import: the analyses leave it out; it stays in the history.

    IMPORT_ID is the number `evaluate status` or `evaluate history` shows.

    Example: evaluate remove my-programme 3
    """
    from evaluate.workspace import Workspace

    click.echo(Workspace.open(workspace).remove(import_id))


@cli.command("restore", short_help="Use an earlier import again.")
@workspace_argument
@click.argument("import_id")
@friendly
def restore_cmd(workspace, import_id):
    """Use an earlier import again, in place of what its cohort and wave hold now.

    Example: evaluate restore my-programme 3
    """
    from evaluate.workspace import Workspace

    click.echo(Workspace.open(workspace).restore(import_id))


# ------------------------------------------------------------------ analyses and reports
def _progress(quiet: bool):
    """Progress lines on a terminal; silent in pipes and CI."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(message: str) -> None:
        click.echo(f"  … {message}", err=True)

    return show


@cli.command("analyse", short_help="Compute the evidence: pre/post change, reliability, network growth.")
@workspace_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the result tables (one csv each, and analysis.xlsx).")
@quiet_option
@friendly
def analyse_cmd(workspace, out, quiet):
    """Compute the evidence: pre/post change, reliability, attrition, network growth.

    Writes one csv per table and analysis.xlsx (every table but those with one
    row per person, which stay csv files). The same workspace always gives
    byte-identical tables.

    Example: evaluate analyse my-programme --out results/
    """
    from evaluate.analysis import analyse, report_context, write_results
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    results = analyse(ws, progress=_progress(quiet))
    paths = write_results(results, out, context=report_context(ws))
    _echo(f"Wrote {len(results)} tables to {out}/ (one csv each, and analysis.xlsx).", quiet)
    statements = results.get("statements")
    if statements is not None and not statements.empty and not quiet:
        column = "statement" if "statement" in statements else statements.columns[-1]
        click.echo("\nHeadlines:")
        for text in statements[column].dropna().astype(str):
            click.echo(f"  - {text}")
    return paths


@cli.command("export-network", short_help="Write people and ties for Kumu, Polinode or as csv.")
@workspace_argument
@click.option("--format", "fmt", type=click.Choice(["kumu", "polinode", "csv"]), default="csv",
              show_default=True, help="Layout to write: Kumu or Polinode import sheets, or plain csv.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("network-export"),
              show_default=True, help="Folder to write into.")
@quiet_option
@friendly
def export_network_cmd(workspace, fmt, out, quiet):
    """Write people and ties for Kumu, Polinode or as csv (pseudonymous ids only).

    Example: evaluate export-network my-programme --format kumu --out network/
    """
    from evaluate.interchange import export_network
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    paths = export_network(ws, out, fmt)
    for p in paths:
        _echo(f"Wrote {p}", quiet)


@cli.command("report", short_help="Write the offline dashboard, the tables and a board paper.")
@workspace_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for dashboard.html, tables.xlsx, analysis.xlsx and the csv tables.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Also print the board paper, evidence.pdf (A4 landscape), with the "
                   "system's Chromium.")
@click.option("--personal", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write a personal 'my connections' page for each participant into "
                   "this folder (outside the report folder and the workspace), with index.csv "
                   "saying whose each page is.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None,
              help="With --personal: the roster file with names (default: the one the "
                   "workspace was made with).")
@quiet_option
@friendly
def report_cmd(workspace, out, pdf, personal, roster, quiet):
    """Write the impact dashboard (one offline HTML file) and the tables.

    With --pdf, also the board paper evidence.pdf: the evidence cards on page 1,
    every chart whole on its page, page numbers, date and version in the footer.

    With --personal DIR, also one page per participant who answered the
    network survey at the start and the end: the people they named, their
    new ties across boundaries and their part in linking people, beside their
    cohort's figures. Each page names only the people that person named;
    the pages and index.csv stay in DIR, apart from the report.

    Example: evaluate report my-programme --out reports/2026/ --pdf --personal personal-pages/
    """
    from evaluate.analysis import analyse, report_context
    from evaluate.report.build import build_report
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    if roster is not None and personal is None:
        raise UsageProblem("--roster is used only with --personal DIR (the personal pages)")
    if personal is not None:
        from evaluate.report.personal import (
            PersonalPagesRefused,
            check_personal_dir,
            roster_people,
        )

        try:
            check_personal_dir(personal, report_dir=out, workspace=workspace)
            people = roster_people(roster or ws.roster_path, ws.salt,
                                   expected=ws.roster()["participant"])
        except PersonalPagesRefused as exc:
            raise UsageProblem(str(exc)) from None
    progress = _progress(quiet)
    results = analyse(ws, progress=progress)
    context = report_context(ws)
    paths = build_report(results, context, out, pdf=pdf, progress=progress)
    _echo("Report written:", quiet)
    for name, p in paths.items():
        _echo(f"  {name}: {p}", quiet)
    if personal is not None:
        from evaluate.report.personal import write_personal_pages

        written = write_personal_pages(results, context, ws.roster(), people, personal,
                                       salt=ws.salt, progress=progress)
        if not written["pages"]:
            _echo(f"No personal pages: no one answered the network survey at both the first "
                  f"and the last network wave. (index.csv in {personal}/ is empty.)", quiet)
        else:
            _echo(f"Personal pages written: {len(written['pages'])} in {personal}/ "
                  f"(one per participant who answered the network survey at the start and the "
                  f"end).", quiet)
        _echo(f"  {written['index'].name} says which page is whose: send each person only their "
              "own page; keep index.csv and that folder to yourself, apart from the report.", quiet)


@cli.command("demo", short_help="Try everything on the bundled sample programme.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/demo"),
              show_default=True, help="Folder for the demo's workspace and report.")
@click.option("--sample-data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of sample exports with a manifest.yaml (default: the bundled ones).")
@quiet_option
@friendly
def demo_cmd(out, sample_data, quiet):
    """Try everything on the bundled sample programme: import, analyse, report.

    Builds a workspace from sample_data/, analyses it, and writes the
    dashboard, tables.xlsx, analysis.xlsx and csv tables.

    Example: evaluate demo --out reports/demo
    """
    from evaluate.demo import run_demo

    paths = run_demo(out, sample_data, progress=_progress(quiet))
    _echo(f"Imported {paths.pop('imports')} sample exports into {paths.pop('workspace')}/", quiet)
    _echo("Open the dashboard in a browser:", quiet)
    for name, p in paths.items():
        _echo(f"  {name}: {p}", quiet)


def main() -> None:  # pragma: no cover - console script entry point
    cli(prog_name="evaluate")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
