"""Import screens: drop an export, see what it is and what importing would do, fix, import.

The export is kept under a generated name in the app's private folder (the
name the browser sent is only shown). The app proposes the instrument,
cohort and wave (:mod:`evaluate.app.proposal`), checks the export with
:func:`evaluate.ingest.pipeline.ingest_file` exactly as ``evaluate validate``
does (with the workspace's corrections), shows every problem grouped by
kind, offers what the command line refuses as choices (dates, replacing,
a new cohort or wave), and imports with
:func:`evaluate.ingest.pipeline.ingest_into`, as ``evaluate ingest`` does.
"""

from __future__ import annotations

import shutil
import time

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from evaluate.app.state import Upload, display_name
from evaluate.app.web import ROUTE, page_error, redirect, render, workspace_of

__all__ = ["ROUTES", "save_upload", "FIXABLE"]

#: Problems a decision can fix without editing the export (see evaluate.workspace.corrections).
FIXABLE = ("not_on_roster", "unknown_name", "allowed_answers")

_KINDS = {
    "refused": "Why nothing can be imported yet",
    "error": "Rows held back",
    "warning": "Rows kept, with something to look at",
    "file": "Problems with the file as a whole",
    "excluded": "Rows left out on purpose",
}


async def save_upload(request: Request, sent, what: str = "export") -> Upload:
    """Keep an uploaded file under a generated name in the private folder."""
    state = request.app.state.evaluate
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise page_error(f"No {what} file was given.", f"Choose or drop the {what} file, then "
                         "press the button.", link=("/import" if what == "export" else "/start",
                                                    "Back"))
    uid, path = state.new_upload_path(sent.filename)

    def keep():
        with path.open("xb") as out:
            path.chmod(0o600)
            shutil.copyfileobj(sent.file, out, 1 << 20)
    await run_in_threadpool(keep)
    if path.stat().st_size == 0:
        path.unlink()
        raise page_error(f"{display_name(sent.filename)} is empty (0 bytes).",
                         "Export the responses again and drop the new file.",
                         link=("/import", "Back"))
    return state.add_upload(Upload(id=uid, path=path, name=display_name(sent.filename)))


def _upload(request: Request) -> Upload:
    upload = request.app.state.evaluate.uploads.get(request.path_params["uid"])
    if upload is None:
        raise page_error("That export is no longer open in the app (it was dropped before the "
                         "app last started).", "Drop the file again.", status=404,
                         link=("/import", "Import an export"))
    return upload


async def import_page(request: Request):
    ws = workspace_of(request)
    recent = list(request.app.state.evaluate.uploads.values())[-10:]
    return render(request, "import.html", here="import", ws=ws, recent=recent)


async def upload_export(request: Request):
    ws = workspace_of(request)
    started = time.perf_counter()
    async with request.form(max_files=1, max_fields=10) as form:
        upload = await save_upload(request, form.get("export"))
    roster = await run_in_threadpool(_roster, ws)
    from evaluate.app.proposal import propose

    upload.proposal = await run_in_threadpool(propose, ws, upload.path, upload.name, roster)
    p = upload.proposal
    upload.choices = {"instrument": p.instrument, "cohort": p.cohort, "wave": p.wave,
                      "dates": None, "sheet": None, "replace": False}
    await run_in_threadpool(check, ws, upload, roster)
    upload.seconds = time.perf_counter() - started
    return redirect(f"/import/{upload.id}")


def _roster(ws):
    from evaluate.roster import read_roster

    return read_roster(ws.roster_path, ws.salt) if ws.roster_path is not None else None


def check(ws, upload: Upload, roster=None) -> None:
    """Check the export with the chosen options (nothing stored), as `evaluate validate`."""
    from evaluate.ingest.pipeline import ingest_file
    from evaluate.workspace.corrections import slot_corrections

    c = upload.choices
    if not c.get("instrument"):
        upload.preview = None
        return
    known = ws.instruments()
    inst = known[c["instrument"]]
    roster = roster if roster is not None else _roster(ws)
    from evaluate.publish.fingerprint import load_publications

    upload.preview = ingest_file(
        upload.path, inst, cohort=c["cohort"], wave=c["wave"], roster=roster, salt=ws.salt,
        sheet=c.get("sheet"), dates=c.get("dates"), instruments=known,
        instrument_anyway=bool(c.get("instrument_anyway")),
        accept_drift=tuple(c.get("accept_drift", ())),
        publications=load_publications(inst, ws),
        corrections=slot_corrections(ws, c["cohort"], c["wave"], inst.id), name=upload.name)


def _decisions(result) -> dict:
    """Refusals a person may overrule on the page: another instrument fits, a reworded question."""
    import re

    from evaluate.ingest.fit import ANYWAY_RULES

    if result is None:
        return {"anyway": False, "drift": []}
    p = result.problems
    refused = p[p["severity"] == "refused"]
    drift = refused[refused["rule"].isin(["reworded_question", "export_tag_changed"])]
    items = sorted({m.group(1) for fix in drift["fix"].dropna()
                    if (m := re.search(r"--accept-drift (\w+)", str(fix)))})
    return {"anyway": bool(refused["rule"].isin(ANYWAY_RULES).any()), "drift": items}


def _slot_now(ws, c) -> dict | None:
    inst_id = str(c["instrument"]).split("@")[0]
    return next((r for r in ws.manifest()["imports"] if r["cohort"] == c["cohort"]
                 and r["wave"] == c["wave"] and str(r["instrument"]).split("@")[0] == inst_id),
                None)


def _would(ws, upload: Upload) -> dict:
    """What importing would do: new, unchanged, or replace (with what it would change)."""
    from evaluate.hashing import file_sha256
    from evaluate.workspace.history import compare_responses, describe_change

    c, result = upload.choices, upload.preview
    current = _slot_now(ws, c)
    new_cohort = c["cohort"] not in ws.cohorts
    new_wave = c["wave"] not in ws.waves
    if current is None:
        return {"kind": "new", "new_cohort": new_cohort, "new_wave": new_wave}
    if current.get("sha256") == file_sha256(upload.path) and upload.imported == current["id"]:
        return {"kind": "same", "current": current, "new_cohort": False, "new_wave": False}
    old = ws.responses(instrument=current["instrument"].split("@")[0], wave=c["wave"],
                       cohort=c["cohort"])
    change = describe_change(compare_responses(old, result.responses)) if result is not None \
        else ""
    return {"kind": "replace", "current": current, "change": change, "new_cohort": False,
            "new_wave": False}


def _groups(result) -> list[dict]:
    """Problems grouped by what happened to the data, each with what can fix it."""
    if result is None:
        return []
    shown = result.with_suggestions(result.problems)
    groups = []
    for severity, title in _KINDS.items():
        part = shown[shown["severity"] == severity]
        if part.empty:
            continue
        rows = []
        for n, p in zip(part.index, part.to_dict("records"), strict=True):
            row = {k: (None if pd.isna(v) else v) for k, v in p.items()}
            if row["rule"] == "not_on_roster" and row["row"] is not None:
                row["value"] = _given(result, int(row["row"]))  # for this screen only
            rows.append({**row, "n": int(n), "fixable": p["rule"] in FIXABLE})
        groups.append({"severity": severity, "title": title, "rows": rows,
                       "rules": part["rule"].value_counts().to_dict()})
    return groups


async def upload_page(request: Request):
    ws = workspace_of(request)
    upload = _upload(request)
    would = await run_in_threadpool(_would, ws, upload) if upload.choices.get("instrument") \
        else None
    result = upload.preview
    ambiguous = result is not None and (result.problems["rule"] == "ambiguous_dates").any()
    return render(request, "upload.html", here="import", ws=ws, upload=upload,
                  p=upload.proposal, result=result, groups=_groups(result), would=would,
                  ambiguous=ambiguous, instruments=sorted(ws.instruments()),
                  decisions=_decisions(result),
                  counts=_counts(result))


def _counts(result) -> dict | None:
    """The import's counts, and how many accepted responses are linked to the roster."""
    if result is None:
        return None
    linked = result.responses["participant"].astype("string").str.startswith("P-")
    return {**result.counts, "linked": int(linked.fillna(False).sum())}


async def choose(request: Request):
    """Change the instrument, cohort, wave or date order, and check again."""
    ws = workspace_of(request)
    upload = _upload(request)
    form = await request.form()
    known = ws.instruments()
    instrument = str(form.get("instrument", ""))
    if instrument not in known:
        raise page_error(f"{instrument!r} is not one of this workspace's instruments.",
                         "Choose one from the list.", link=(f"/import/{upload.id}", "Back"))
    from evaluate.workspace import safe_label

    dates = str(form.get("dates", "")) or None
    if dates not in (None, "day-first", "month-first"):
        raise page_error("Dates are written day-first or month-first.", "Choose one.",
                         link=(f"/import/{upload.id}", "Back"))
    upload.choices.update(instrument=instrument,
                          cohort=safe_label(str(form.get("cohort", "")), "Cohort"),
                          wave=safe_label(str(form.get("wave", "")), "Wave"), dates=dates,
                          instrument_anyway=form.get("instrument_anyway") == "yes",
                          accept_drift=sorted(str(v) for v in form.getlist("accept_drift")))
    await run_in_threadpool(check, ws, upload)
    upload.message = None
    return redirect(f"/import/{upload.id}")


async def go(request: Request):
    """Import, as `evaluate ingest` does, with the choices made on the page."""
    from evaluate.ingest.pipeline import ingest_into

    ws = workspace_of(request)
    upload = _upload(request)
    form = await request.form()
    c = upload.choices
    if not c.get("instrument"):
        raise page_error("Choose the instrument this export answers first.",
                         link=(f"/import/{upload.id}", "Back"))
    yes = {k: form.get(k) == "yes" for k in ("replace", "new_cohort", "new_wave")}
    result, outcome = await run_in_threadpool(
        lambda: ingest_into(ws, upload.path, c["instrument"], cohort=c["cohort"], wave=c["wave"],
                            sheet=c.get("sheet"), dates=c.get("dates"), name=upload.name,
                            instrument_anyway=bool(c.get("instrument_anyway")),
                            accept_drift=tuple(c.get("accept_drift", ())), **yes))
    upload.preview, upload.outcome = result, outcome
    if outcome.status != "refused":
        upload.imported = outcome.entry.get("id")
    upload.message = outcome.message
    return redirect(f"/import/{upload.id}")


async def fix_page(request: Request):
    ws = workspace_of(request)
    upload = _upload(request)
    problem, options = _fix_options(ws, upload, int(request.path_params["n"]))
    return render(request, "fix.html", here="import", upload=upload, problem=problem,
                  n=int(request.path_params["n"]), **options)


def _fix_options(ws, upload: Upload, n: int) -> tuple[dict, dict]:
    """The problem ``n`` of the upload's check, and the decisions that could fix it."""
    result = upload.preview
    if result is None or n not in result.problems.index:
        raise page_error("That problem is no longer listed (the export was checked again).",
                         link=(f"/import/{upload.id}", "Back to the export"))
    problem = {k: (None if pd.isna(v) else v) for k, v in result.problems.loc[n].items()}
    if problem["rule"] not in FIXABLE:
        raise page_error("This problem is fixed in the export itself, not here.",
                         str(problem["fix"] or ""), link=(f"/import/{upload.id}", "Back"))
    roster = result.roster
    if problem["rule"] == "allowed_answers":
        item = next((m.item for m in result.match.matches if m.heading == problem["column"]), None)
        rset = result.instrument.response_set_of(result.instrument.item(item))
        return problem, {"kind": "answer", "item": item, "options": list(rset.options),
                         "people": [], "suggested": []}
    if roster is None:
        raise page_error("This workspace has no roster, so there is no one to match to.",
                         link=(f"/import/{upload.id}", "Back"))
    name = problem["value"] if problem["rule"] == "unknown_name" else _typed_name(result, problem)
    suggested = roster.suggest(name, n=5) if name else []
    frame = roster.frame
    people = frame[frame["cohort"].astype(str) == result.cohort].sort_values("display")
    by_name = frame.dropna(subset=["display"]).drop_duplicates("display").set_index("display")
    suggested = [(s, by_name.at[s, "participant"], by_name.at[s, "cohort"]) for s in suggested
                 if s in by_name.index]
    suggested = sorted(suggested, key=lambda s: str(s[2]) != str(result.cohort))  # theirs first
    suggested = [(f"{s} (cohort {c})", p) for s, p, c in suggested]
    given = _given(result, int(problem["row"])) if problem["rule"] == "not_on_roster" else name
    return problem, {"kind": "respondent" if problem["rule"] == "not_on_roster" else "name",
                     "typed": given or name, "suggested": suggested,
                     "people": list(zip(people["display"].fillna(people["participant"]),
                                        people["participant"], strict=True)), "options": []}


def _given(result, row_number: int) -> str | None:
    """The email, name or staff id a respondent gave (for the screen of the person importing)."""
    rows = result.raw.row_numbers.tolist()
    if row_number not in rows:
        return None
    at = rows.index(row_number)
    for role in ("email", "recipient_email", "name", "staff_id"):
        m = result.match.role(role)
        if m is not None:
            value = result.raw.frame[m.key].iloc[at]
            if value is not None and not (isinstance(value, float) and pd.isna(value)):
                return str(value)
    return None


def _typed_name(result, problem) -> str | None:
    """The name (or the name in the email) a respondent gave, for suggestions on screen."""
    row = result.raw.row_numbers.tolist().index(int(problem["row"]))
    for role in ("name", "email", "recipient_email"):
        m = result.match.role(role)
        if m is None:
            continue
        value = result.raw.frame[m.key].iloc[row]
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        text = str(value)
        return text.split("@")[0].replace(".", " ").replace("_", " ") if "@" in text else text
    return None


async def fix(request: Request):
    """Store the decision as a correction, check again, and re-import when already imported."""
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace.corrections import NOT_ON_PROGRAMME, add_correction, name_key

    ws = workspace_of(request)
    upload = _upload(request)
    n = int(request.path_params["n"])
    problem, options = _fix_options(ws, upload, n)
    form = await request.form()
    decision = str(form.get("decision_other", "") or form.get("decision", "")).strip()
    if not decision:
        raise page_error("Choose what this is before saving.", link=(f"/import/{upload.id}/fix/{n}",
                                                                      "Back"))
    result, c = upload.preview, upload.choices
    if options["kind"] == "answer":
        from evaluate.normalise import normalise_label

        key = (options["item"], normalise_label(problem["value"]))
        label = dict(options["options"]).get(int(decision)) if decision.isdigit() else None
        if label is None:
            raise page_error("Choose one of the answers listed.",
                             link=(f"/import/{upload.id}/fix/{n}", "Back"))
    elif options["kind"] == "respondent":
        at = result.responses["source_row"] == int(problem["row"])
        if not at.any():
            raise page_error("This response was held back for another problem: fix that one "
                             "first.", link=(f"/import/{upload.id}", "Back"))
        key, label = str(result.responses.loc[at, "participant"].iloc[0]), None
    else:
        key = str(name_key(pd.Series([problem["value"]], dtype="string"), ws.salt).iloc[0])
        label = None
    if decision != NOT_ON_PROGRAMME and options["kind"] != "answer" and \
            decision not in {p for _, p in options["people"]} | {p for _, p in options["suggested"]}:
        raise page_error("Choose someone from the suggestions or the list.",
                         link=(f"/import/{upload.id}/fix/{n}", "Back"))

    def apply():
        record = add_correction(ws, kind=options["kind"], cohort=c["cohort"], wave=c["wave"],
                                instrument=c["instrument"], key=key, decision=decision,
                                label=label, file=upload.name)
        said = f"Correction {record['id']} stored."
        current = _slot_now(ws, c)
        if upload.imported and current is not None and current["id"] == upload.imported:
            result, outcome = ingest_into(ws, upload.path, c["instrument"], cohort=c["cohort"],
                                          wave=c["wave"], sheet=c.get("sheet"),
                                          dates=c.get("dates"), replace=True, name=upload.name,
                                          instrument_anyway=bool(c.get("instrument_anyway")),
                                          accept_drift=tuple(c.get("accept_drift", ())))
            upload.preview, upload.outcome = result, outcome
            if outcome.status != "refused":
                upload.imported = outcome.entry.get("id")
            return said + " " + outcome.message
        check(ws, upload)
        return said + " It applies when you import this export."
    upload.message = await run_in_threadpool(apply)
    return redirect(f"/import/{upload.id}")


ROUTES = [
    ROUTE("/import", import_page),
    ROUTE("/import", upload_export, ["POST"]),
    ROUTE("/import/{uid:str}", upload_page),
    ROUTE("/import/{uid:str}/choose", choose, ["POST"]),
    ROUTE("/import/{uid:str}/go", go, ["POST"]),
    ROUTE("/import/{uid:str}/fix/{n:int}", fix_page),
    ROUTE("/import/{uid:str}/fix/{n:int}", fix, ["POST"]),
]
