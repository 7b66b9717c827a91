"""Commands for the survey design: instruments, the logic model, schemas, publishing."""

from __future__ import annotations

from pathlib import Path

import click

from evaluate.cli.base import (
    UsageProblem,
    cli,
    friendly,
    instruments_dir_option,
    strict_option,
)
from evaluate.words import count

__all__ = ['instruments', 'instruments_list', 'instruments_show', 'instruments_diff', 'check_design_cmd', 'schemas_cmd', 'publish_cmd']


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
    click.echo(f"From {a.ref} to {b.ref}: {count(len(changes), 'change')}")
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
    click.echo(f"{count(len(findings), 'thing')} to fix before the cohort starts:")
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
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the files into (default: forms/ in the workspace given by -w).")
@click.option("--workspace", "-w", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None,
              help="Publish the workspace's instrument and record the fingerprint there, where "
                   "validate and ingest look for it.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Roster, for instruments that ask about cohort members (with --cohort; "
                   "default: the workspace's).")
@click.option("--cohort", help="The cohort whose members the form lists (with --roster or -w).")
@click.option("--link-by", "link_by", type=click.Choice(["email", "staff_id"]), default=None,
              help="What links answers to the roster (default: email, or staff_id when the "
                   "roster has staff ids and no emails).")
@click.option("--date", "published", default=None, metavar="YYYY-MM-DD",
              help="Publication date to record (default: today).")
@click.option("--no-record", is_flag=True, help="Do not record the form's fingerprint.")
@_instrument_dir_option
@friendly
def publish_cmd(ref, platform, out, workspace, roster, cohort, link_by, published, no_record,
                directory):
    """Write an instrument in a survey platform's import format, so exports match it.

    Question texts and answers are the instrument's own, and wherever the
    platform allows it the item id travels with each question into the
    export. Every form opens with the participant information and privacy
    notice from programme.yaml and collects what links answers to the roster
    (email or staff id). With -w, a fingerprint of the form is recorded in the
    workspace, so that `evaluate validate -w` and `evaluate ingest` recognise
    its exports and list any change made on the live form.

    Example: evaluate publish baseline@1 --to google -w my-programme
    """
    from evaluate.instruments import load_instruments, resolve
    from evaluate.publish import publish
    from evaluate.publish.form import cohort_members
    from evaluate.publish.notice import load_notice

    ws = None
    if workspace is not None:
        from evaluate.workspace import Workspace

        ws = Workspace.open(workspace)
        known = load_instruments(directory) if directory else ws.instruments()
        roster = roster or (ws.roster_path if cohort is not None else None)
        out = out or ws.path / "forms"
        notice = load_notice(directory or ws.path / "instruments", ws.config.get("programme") or "",
                             ws.min_group_size)
    else:
        known = load_instruments(directory)
        notice = load_notice(directory)
    if out is None:
        raise UsageProblem("Say where to write the forms: --out FOLDER, or -w WORKSPACE")
    inst = resolve(ref, known)
    members = None
    roster_frame = None
    if roster is not None or cohort is not None:
        if roster is None or cohort is None:
            raise UsageProblem("--roster and --cohort go together: give both, or neither")
        from evaluate.privacy import new_salt
        from evaluate.roster import read_roster

        read = read_roster(roster, new_salt())
        roster_frame = read.frame
        members = cohort_members(read, cohort)
    result = publish(inst, platform, out, members=members, cohort=cohort, published=published,
                     record=not no_record, workspace=ws, notice=notice,
                     link_by=link_by or _link_by(roster_frame))
    for path in result.files:
        click.echo(f"Wrote {path}")
    if result.fingerprint_path is not None:
        where = result.fingerprint_path
        click.echo(f"Recorded {result.publication.describe()} in {where}.")
        if ws is None:
            click.echo("  validate and ingest compare exports with it when it is in the workspace: "
                       "publish with -w WORKSPACE (or copy the file into WORKSPACE/instruments/published/).")
    click.echo("Next: " + result.next_steps)


def _link_by(roster_frame) -> str:
    """email, unless the roster has staff ids and no emails."""
    if roster_frame is None or "email" not in roster_frame.columns:
        return "email" if roster_frame is None or "staff_id" not in roster_frame.columns else "staff_id"
    return "email"
