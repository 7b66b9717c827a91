"""Pages that open, create and look after a workspace: start, workspace, history, corrections.

Each calls the library as the command line does (``Workspace.init``,
``Workspace.undo``/``remove``/``restore``, the corrections store); every
change asks for confirmation first and says what it will change.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from evaluate.app.web import ROUTE, page_error, redirect, render, workspace_of
from evaluate.words import attention_parts

__all__ = ["ROUTES"]


async def home(request: Request):
    state = request.app.state.evaluate
    return redirect("/workspace" if state.workspace is not None else "/start")


async def start(request: Request):
    from evaluate.instruments import default_instrument_dir, load_instruments

    instruments = sorted(load_instruments(default_instrument_dir()).values(),
                         key=lambda i: i.ref)
    state = request.app.state.evaluate
    return render(request, "start.html", here="start", instruments=instruments,
                  current=str(state.workspace) if state.workspace else "",
                  suggested=str(Path.home() / "evaluate" / "my-programme"))


async def open_workspace(request: Request):
    from evaluate.workspace import Workspace

    form = await request.form()
    folder = Path(str(form.get("folder", "")).strip()).expanduser()
    if not str(folder) or str(folder) == ".":
        raise page_error("Give the folder of the workspace to open.",
                         "Type the folder's full path, as made by `evaluate init` or this app.",
                         link=("/start", "Back"))
    ws = await run_in_threadpool(Workspace.open, folder)
    request.app.state.evaluate.workspace = ws.path
    return redirect("/workspace")


async def create_workspace(request: Request):
    from evaluate.app.imports import save_upload
    from evaluate.workspace import CONFIG_NAME, Workspace

    async with request.form(max_files=1, max_fields=20) as form:
        folder = Path(str(form.get("folder", "")).strip()).expanduser()
        programme = str(form.get("programme", "")).strip() or None
        if not str(folder) or str(folder) == ".":
            raise page_error("Give a folder for the new workspace.",
                             "Type a full path such as ~/evaluate/my-programme.",
                             link=("/start", "Back"))
        if (folder / CONFIG_NAME).exists():
            raise page_error(f"{folder} is already a workspace.",
                             "Open it instead, or choose a new folder.", link=("/start", "Back"))
        upload = await save_upload(request, form.get("roster"), "roster")
    # the roster holds names: it is kept beside the workspace (never inside), readable by
    # this user only, and the workspace refers to it as `evaluate init --roster` does
    keep = folder.parent / f"{folder.name}-roster{upload.path.suffix}"
    if keep.exists():
        raise page_error(f"{keep} exists already, and the roster would be kept there.",
                         "Choose another folder name for the workspace.", link=("/start", "Back"))

    def make():
        folder.parent.mkdir(parents=True, exist_ok=True)
        upload.path.replace(keep) if upload.path.parent.stat().st_dev == \
            folder.parent.stat().st_dev else _copy(upload.path, keep)
        os.chmod(keep, 0o600)
        try:
            return Workspace.init(folder, roster=keep, programme=programme)
        except BaseException:
            keep.unlink(missing_ok=True)
            raise

    ws = await run_in_threadpool(make)
    request.app.state.evaluate.workspace = ws.path
    return redirect("/workspace?created=1")


def _copy(source: Path, target: Path) -> None:
    import shutil

    shutil.copyfile(source, target)
    source.unlink(missing_ok=True)


def _grid(ws) -> dict:
    """Cohorts × waves: each import in use with its counts and response rate."""
    imports = ws.manifest()["imports"]
    roster = ws.roster() if ws.roster_path is not None or (ws.path / "roster.parquet").exists() \
        else None
    sizes = roster.groupby("cohort").size().to_dict() if roster is not None and len(roster) else {}
    on_roster = set(roster["participant"].astype(str)) if roster is not None else set()
    responses = ws.responses() if imports else None
    cells: dict[tuple[str, str], list[dict]] = {}
    for e in imports:
        rate = None
        if responses is not None and sizes.get(e["cohort"]):
            mine = responses[(responses["cohort"] == e["cohort"]) & (responses["wave"] == e["wave"])
                             & (responses["instrument"] == str(e["instrument"]).split("@")[0])]
            found = mine["participant"].astype(str).isin(on_roster)
            rate = (int(mine.loc[found.to_numpy(), "participant"].nunique()), sizes[e["cohort"]])
        cells.setdefault((e["cohort"], e["wave"]), []).append({**e, "rate": rate,
                                                               "attention": attention_parts(e)})
    waves = [w for w in ws.waves if any(k[1] == w for k in cells)] or ws.waves
    return {"cohorts": ws.cohorts, "waves": waves, "cells": cells, "sizes": sizes}


async def workspace_page(request: Request):
    ws = workspace_of(request)
    grid = await run_in_threadpool(_grid, ws)
    damaged = (await run_in_threadpool(ws.check, False)).damaged
    uploads = [u for u in request.app.state.evaluate.uploads.values() if u.imported]
    return render(request, "workspace.html", here="workspace", ws=ws, grid=grid,
                  damaged=damaged, uploads=uploads,
                  created=request.query_params.get("created") == "1")


def _describe_undo(manifest: dict) -> str | None:
    from evaluate.workspace.history import _UNDOABLE

    events = [e for e in manifest["events"]
              if e["action"] in (*_UNDOABLE, "correct") and not e.get("undone")]
    if not events:
        return None
    e = events[-1]
    return {"import": f"the import {e.get('import')} will no longer be used (it stays in the "
                      "history)",
            "replace": f"import {e.get('previous')} will be used again instead of import "
                       f"{e.get('import')}",
            "remove": f"import {e.get('import')} will be used again",
            "restore": f"the restore of import {e.get('import')} will be reversed",
            "correct": f"correction {(e.get('correction') or {}).get('id')} will no longer apply "
                       "(from the next import of its file)"}[e["action"]]


async def history_page(request: Request):
    ws = workspace_of(request)
    from evaluate.workspace.store import read_manifest

    manifest = read_manifest(ws.path)
    return render(request, "history.html", here="history", records=manifest["records"],
                  events=manifest["events"], undo=_describe_undo(manifest))


async def confirm(request: Request):
    """Say what a change will do, and ask before doing it."""
    ws = workspace_of(request)
    from evaluate.workspace.store import read_manifest

    action = request.query_params.get("action", "")
    target = request.query_params.get("id", "")
    manifest = read_manifest(ws.path)
    record = next((r for r in manifest["records"] if r["id"] == target), None)
    if action == "undo":
        what = _describe_undo(manifest)
        if what is None:
            raise page_error("There is nothing to undo.", link=("/history", "History"))
        words = f"Undo the latest change: {what}."
    elif action in ("remove", "restore") and record is not None:
        label = (f"import {record['id']} ({record['file']}: {record['instrument']}, cohort "
                 f"{record['cohort']}, wave {record['wave']}, {record.get('accepted', 0)} accepted)")
        words = (f"Remove {label}: the analyses will no longer use it; it stays in the history."
                 if action == "remove" else
                 f"Restore {label}: it will be used again, in place of what cohort "
                 f"{record['cohort']} wave {record['wave']} holds now.")
    else:
        raise page_error("There is no such change to make.", link=("/history", "History"))
    return render(request, "confirm.html", here="history", words=words, action=action,
                  target=target)


async def change(request: Request):
    ws = workspace_of(request)
    form = await request.form()
    action, target = str(form.get("action", "")), str(form.get("id", ""))
    if action == "undo":
        said = await run_in_threadpool(ws.undo)
    elif action == "remove":
        said = await run_in_threadpool(ws.remove, target)
    elif action == "restore":
        said = await run_in_threadpool(ws.restore, target)
    else:
        raise page_error("There is no such change to make.", link=("/history", "History"))
    request.app.state.evaluate.last_message = said
    return redirect("/history?done=1")


async def corrections_page(request: Request):
    from evaluate.workspace.corrections import describe, list_corrections

    ws = workspace_of(request)
    rows = [{**c, "words": describe(c)} for c in list_corrections(ws)]
    return render(request, "corrections.html", here="corrections", rows=rows,
                  message=getattr(request.app.state.evaluate, "last_message", None)
                  if request.query_params.get("done") else None)


async def undo_correction(request: Request):
    from evaluate.workspace.corrections import undo_correction as undo

    ws = workspace_of(request)
    form = await request.form()
    said = await run_in_threadpool(undo, ws, str(form.get("id", "")))
    request.app.state.evaluate.last_message = said
    return redirect("/corrections?done=1")


async def favicon(request: Request):
    from starlette.responses import Response

    return Response(status_code=204)  # no icon: browsers ask anyway


ROUTES = [
    ROUTE("/", home),
    ROUTE("/favicon.ico", favicon),
    ROUTE("/start", start),
    ROUTE("/open", open_workspace, ["POST"]),
    ROUTE("/create", create_workspace, ["POST"]),
    ROUTE("/workspace", workspace_page),
    ROUTE("/history", history_page),
    ROUTE("/history/confirm", confirm),
    ROUTE("/history/change", change, ["POST"]),
    ROUTE("/corrections", corrections_page),
    ROUTE("/corrections/undo", undo_correction, ["POST"]),
]
