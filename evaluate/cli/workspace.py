"""Commands that make and look after a workspace: init, status, check, repair, history,
undo, remove, restore."""

from __future__ import annotations

from pathlib import Path

import click

from evaluate.cli.base import DataProblem, cli, friendly, workspace_argument
from evaluate.words import count

__all__ = ['init_cmd', 'status_cmd', 'check_cmd', 'repair_cmd', 'history_cmd', 'undo_cmd', 'remove_cmd', 'restore_cmd']


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


def _attention(e: dict) -> str:
    """What a person should look at in one import, in words ('' when nothing)."""
    from evaluate.words import attention_parts

    return "; ".join(attention_parts(e))


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
    aside = ws.path / "lost+found"
    if aside.is_dir() and any(aside.iterdir()):
        click.echo(f"{count(len(list(aside.iterdir())), 'item')} set aside in lost+found/ (never "
                   f"deleted; `evaluate check {workspace}` lists them).")
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
    """Check every file the manifest lists (present, unchanged, readable), the .salt and the roster.

    Imports kept in the history are checked too, so `evaluate undo` and
    `evaluate restore` can bring them back. Exit 0 when nothing is damaged
    (files left by an interrupted change are harmless and listed, as is
    anything set aside in lost+found/); exit 1 when something is, with the fix.

    Example: evaluate check my-programme
    """
    from evaluate.workspace.check import check_workspace

    report = check_workspace(workspace)
    for f in report.damaged:
        click.echo(f"  DAMAGED {f.path}: {f.problem} — {f.fix}")
    for f in report.leftover:
        click.echo(f"  leftover {f.path}: {f.problem} — {f.fix}")
    for f in report.findings:
        if f.kind == "set aside":
            click.echo(f"  set aside {f.path}: {f.problem} — {f.fix}")
    if report.damaged:
        repairable = [f for f in report.damaged if f.path != ".salt"]
        raise DataProblem(f"{count(len(report.damaged), 'problem')} found"
                          + (f": run `evaluate repair {workspace}`." if repairable else "."))
    click.echo(f"The workspace agrees with its manifest: {count(report.imports_checked, 'import')} "
               f"(in use and in the history), {count(report.files_checked, 'data file')} checked "
               "(present, unchanged, readable).")


@cli.command("repair", short_help="Bring a damaged workspace back to a consistent state.")
@workspace_argument
@friendly
def repair_cmd(workspace):
    """Bring the workspace back after a crash or damage, and say what was done, import by import.

    Rebuilds a lost or damaged manifest from the imports' own sealed records
    and the event log; removes staging files an interrupted change left;
    moves import folders no record claims to lost+found/ (never deletes
    them); stops using an import whose data files are damaged (import its
    export again).

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
    events = [e for e in manifest["events"]
              if e["action"] in ("replace", "remove", "restore", "undo", "panel_round")]
    if events:
        click.echo("Changes:")
        for e in events:
            what = {"replace": f"import {e.get('import')} replaced {e.get('previous')}",
                    "remove": f"import {e.get('import')} removed",
                    "restore": f"import {e.get('import')} restored",
                    "panel_round": f"story panel round {e.get('round')} recorded "
                                   f"({e.get('level')}, {e.get('panel')})",
                    "undo": f"change {e.get('undoes')} undone" + (
                        f" (import {e.get('import')})" if e.get("import") else
                        f" (panel round {e.get('round')})" if e.get("round") else "")}[e["action"]]
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
