"""Commands for participants' stories of change: select (a panel's workbook), record, rounds."""

from __future__ import annotations

from pathlib import Path

import click

from evaluate.cli.base import cli, echo, friendly, quiet_option, workspace_argument

__all__ = ["stories_group", "select_cmd", "record_cmd", "rounds_cmd"]


@cli.group("stories", short_help="Stories of change: the panel's selection rounds.")
def stories_group():
    """Stories of change (Most Significant Change): the panel's selection rounds.

    Import the stories export like any other (instrument stories@1). Then, for
    each round: `select` writes the panel's workbook, the panel fills it in,
    `record` stores its choices and reasons. Round 1 reads every story shared
    with the panel; each later round (e.g. the programme board) reads the
    stories the round before it chose. `evaluate undo` takes back the latest
    round.

    Example: evaluate stories select my-programme --level "Cohort team" --out panel/
    """


@stories_group.command("select", short_help="Write the panel's workbook for the next round.")
@workspace_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the panel's workbook (panel-round-N.xlsx).")
@click.option("--level", default=None,
              help='Who this round\'s panel is, e.g. "Cohort team" or "Programme board" '
                   "(default: Round N).")
@quiet_option
@friendly
def select_cmd(workspace, out, level, quiet):
    """Write the panel's workbook for the next selection round.

    One sheet per domain of change, with each story its author agreed to share
    (no names) and columns for the panel: Chosen, Why the panel chose it,
    Verification note. Round 1 has every shared story; a later round has the
    stories the previous round chose, with its reasons.

    Example: evaluate stories select my-programme --level "Cohort team" --out panel/
    """
    from evaluate.stories import collect_stories, round_candidates
    from evaluate.stories.workbook import write_panel_workbook
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    stories = collect_stories(ws)
    number, candidates = round_candidates(ws, stories)
    if stories.empty:
        raise click.ClickException(
            "This workspace holds no stories yet — import the stories export first "
            "(evaluate ingest EXPORT -w WORKSPACE -i stories@1 -c COHORT --wave WAVE).")
    if candidates.empty:
        raise click.ClickException(
            "No story to put before a panel: " + (
                "none of the storytellers agreed to share their story with the panel."
                if number == 1 else f"round {number - 1} chose no story that is still shared."))
    level = level or f"Round {number}"
    path = write_panel_workbook(candidates, Path(out) / f"panel-round-{number}.xlsx",
                                round_number=number, level=level, programme=ws.programme_name)
    held = int((~stories["shared"]).sum())
    echo(f"Wrote {path}: round {number} ({level}), {len(candidates)} "
         f"stor{'y' if len(candidates) == 1 else 'ies'} in "
         f"{candidates['domain_title'].nunique()} domain(s).", quiet)
    if number == 1 and held:
        echo(f"{held} stor{'y is' if held == 1 else 'ies are'} not in it: the storyteller did "
             "not agree to share it with the panel.", quiet)
    echo(f"When the panel has filled it in: evaluate stories record {workspace} {path}", quiet)


@stories_group.command("record", short_help="Store the panel's choices from its workbook.")
@workspace_argument
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--panel", default=None,
              help="Who decided (if the workbook's \"Panel\" cell is empty).")
@click.option("--date", "decided", default=None,
              help="When the panel met (if the workbook's date cell is empty).")
@quiet_option
@friendly
def record_cmd(workspace, workbook, panel, decided, quiet):
    """Store a panel's choices and reasons as the next round in the workspace history.

    Each story chosen needs the panel's reasons. The round is one change in
    `evaluate history`; `evaluate undo` takes it back. Names and emails in the
    reasons are hidden before they are stored.

    Example: evaluate stories record my-programme panel/panel-round-1.xlsx
    """
    from evaluate.stories import record_round
    from evaluate.stories.workbook import read_panel_workbook
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    filled = read_panel_workbook(workbook)
    who = filled.panel or (panel or "")
    when = filled.decided or (decided or "")
    if not who:
        raise click.ClickException(
            f'{workbook.name}, sheet "About this round": "Panel (who decided)" is empty — write '
            "who was on the panel there, or give --panel \"Cohort 1 team\".")
    if not when:
        raise click.ClickException(
            f'{workbook.name}, sheet "About this round": "Date the panel met" is empty — write '
            "the date there, or give --date 2026-06-30.")
    personal = None
    if ws.roster_path is not None and Path(ws.roster_path).exists():
        from evaluate.roster import read_roster

        personal = read_roster(ws.roster_path, ws.salt).personal_data()
    said = record_round(ws, filled.decisions, round_number=filled.round_number,
                        level=filled.level or f"Round {filled.round_number}", panel=who,
                        decided=when, source=workbook.name, personal=personal)
    echo(said, quiet)


@stories_group.command("rounds", short_help="List the selection rounds recorded.")
@workspace_argument
@friendly
def rounds_cmd(workspace):
    """List the selection rounds in force: level, panel, date, stories read and chosen.

    Example: evaluate stories rounds my-programme
    """
    from evaluate.stories import panel_rounds
    from evaluate.workspace import Workspace

    ws = Workspace.open(workspace)
    rounds = panel_rounds(ws)
    if not rounds:
        click.echo("No selection round recorded yet (evaluate stories select writes the "
                   "first panel's workbook).")
        return
    for r in rounds:
        chosen = sum(1 for d in r.get("decisions", []) if d.get("selected"))
        click.echo(f"Round {r['round']}: {r.get('level')} — {r.get('panel')}, {r.get('decided')}: "
                   f"{chosen} of {len(r.get('decisions', []))} stories chosen ({r.get('file')}).")
