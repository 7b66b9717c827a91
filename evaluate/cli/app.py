"""Commands for people who would rather not type commands: the local app, and the
reviewed corrections it stores (listed and undone here too)."""

from __future__ import annotations

from pathlib import Path

import click

from evaluate.cli.base import UsageProblem, cli, friendly, workspace_argument

__all__ = ["app_cmd", "corrections_cmd"]


@cli.command("corrections", short_help="List the reviewed corrections a workspace applies.")
@workspace_argument
@click.option("--undo", "undo_id", default=None, metavar="ID",
              help="Undo the correction ID (e.g. C002); it stays in the list as undone.")
@friendly
def corrections_cmd(workspace, undo_id):
    """List the reviewed corrections: people matched to the roster or marked not on the
    programme, and misspelt answers mapped to an option.

    Each applies to its cohort's wave of its instrument at every import, from
    the app or `evaluate ingest` alike. People are shown by their ids only.

    Example: evaluate corrections my-programme --undo C002
    """
    from evaluate.workspace import Workspace
    from evaluate.workspace.corrections import describe, list_corrections, undo_correction

    ws = Workspace.open(workspace)
    if undo_id is not None:
        click.echo(undo_correction(ws, undo_id.strip().upper()))
        return
    rows = list_corrections(ws)
    if not rows:
        click.echo("No corrections yet. The app (`evaluate app`) offers them beside each "
                   "problem they fix.")
        return
    in_use = sum(c.get("state") == "active" for c in rows)
    click.echo(f"{len(rows)} correction{'s' if len(rows) != 1 else ''} ({in_use} in use):")
    for c in rows:
        state = "in use" if c.get("state") == "active" else "undone"
        when = str(c.get("at", ""))[:16].replace("T", " ")
        click.echo(f"  {c['id']}  {state:<6}  {when}  by {c.get('by', '?')}: {describe(c)}")


@cli.command("app", short_help="Open the local app in the browser (import, fix, report).")
@click.argument("workspace", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Open a fresh copy of the bundled sample programme.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port to listen on (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but this computer needs --allow-remote.")
@click.option("--allow-remote", is_flag=True,
              help="Let other computers connect (with --host); they need the token printed.")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@friendly
def app_cmd(workspace, demo, port, host, allow_remote, no_browser):
    """Open the local app: create a workspace, drop exports, fix problems without
    editing the files, run the report and download it.

    The app runs on this computer only (127.0.0.1) and is opened with the
    address printed, which holds a one-time token. Stop it with Ctrl+C.

    Example: evaluate app my-programme
    """
    from evaluate.app.server import is_loopback, serve

    if workspace is not None and demo:
        raise UsageProblem("Give a WORKSPACE or --demo, not both.")
    if not is_loopback(host) and not allow_remote:
        raise UsageProblem(f"--host {host} would let other computers reach the app (and the "
                           "data): add --allow-remote if you mean it.")
    serve(workspace, demo=demo, port=port, host=host, open_browser=not no_browser)
