"""Report and publish screens: one button runs the analysis and the report, with progress.

The report runs in a background thread as ``evaluate report --pdf`` does
(:func:`evaluate.analysis.stored_results`, ``analyse_and_store_beside``,
:func:`evaluate.report.build.build_report`), reporting each step to a
:class:`~evaluate.app.state.Job`; its page refreshes itself (no script)
until the dashboard, the board paper, ``tables.xlsx`` and ``analysis.xlsx``
are ready to download. Personal pages are a separate action, explained
first. Publishing writes what ``evaluate publish`` writes and offers it as
one zip file.
"""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from evaluate.app.web import LOG, ROUTE, page_error, redirect, render, workspace_of

__all__ = ["ROUTES"]

#: What a report job offers to download, by name (nothing else is ever served).
DOWNLOADS = {"dashboard": "dashboard.html", "pdf": "evidence.pdf", "tables": "tables.xlsx",
             "analysis": "analysis.xlsx", "personal": "personal-pages.zip",
             "publish": "published-form.zip"}
_DASHBOARD_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; "
                  "form-action 'none'; sandbox allow-scripts allow-popups")


def _pdf(request: Request) -> bool:
    wanted = request.app.state.pdf
    return _chromium() if wanted is None else bool(wanted)


def _chromium() -> bool:
    try:
        from evaluate.report.pdf import find_chromium
    except ImportError:
        return False
    try:
        return find_chromium() is not None
    except Exception:  # no browser: the board paper is not offered
        return False


async def report_page(request: Request):
    ws = workspace_of(request)
    state = request.app.state.evaluate
    jobs = [j for j in state.jobs.values() if j.kind == "report"]
    return render(request, "report.html", here="report", ws=ws, job=jobs[-1] if jobs else None,
                  pdf=_pdf(request))


def _run(job, work) -> None:
    try:
        work()
    except Exception as exc:  # shown on the job's page in words; the log names only the kind
        from evaluate.errors import EvaluateError

        job.error = str(exc) if isinstance(exc, EvaluateError) else (
            f"evaluate hit an internal error ({type(exc).__name__}); nothing in the workspace "
            "was changed")
        LOG.error("report job failed: %s", type(exc).__name__)
    finally:
        job.finished = True


async def run_report(request: Request):
    ws = workspace_of(request)
    state = request.app.state.evaluate
    job = state.new_job("report")
    out = state.job_dir(job)
    pdf = _pdf(request)

    def work():
        from evaluate.report.build import quotes_note, report_workspace

        job.plan(2)
        job("Checking for stored results")
        # as `evaluate report`: the workbooks and csv tables written once, then copied
        paths, _, context = report_workspace(ws, out, pdf=pdf, progress=job)
        job.files = {key: Path(paths[key]) for key in ("dashboard", "pdf", "tables", "analysis")
                     if key in paths}
        job.note = quotes_note(context)
    threading.Thread(target=_run, args=(job, work), daemon=True).start()
    return redirect(f"/report/job/{job.id}")


async def run_personal(request: Request):
    ws = workspace_of(request)
    state = request.app.state.evaluate
    form = await request.form()
    if form.get("understood") != "yes":
        raise page_error("Personal pages are made only when you tick that you understand who "
                         "may see them.", link=("/report", "Back to the report"))
    job = state.new_job("personal")
    out = state.job_dir(job)

    def work():
        from evaluate.analysis import analyse_and_store_beside, report_context, stored_results
        from evaluate.report.personal import roster_people, write_personal_pages

        if ws.roster_path is None:
            raise page_error("This workspace has no roster, so there are no names for the pages.")
        job.plan(2)
        job("Checking for stored results")
        stored = stored_results(ws)
        results = stored.tables if stored.tables is not None else analyse_and_store_beside(
            ws, progress=job)
        people = roster_people(ws.roster_path, ws.salt, expected=ws.roster()["participant"])
        folder = out / "personal"
        written = write_personal_pages(results, report_context(ws), ws.roster(), people, folder,
                                       salt=ws.salt, progress=job)
        job("Packing the pages")
        zipped = out / DOWNLOADS["personal"]
        _zip(folder, zipped)
        job.files = {"personal": zipped}
        job.note = (f"{len(written['pages'])} personal pages; index.csv in the zip says whose "
                    "each is. Send each person only their own page." if written["pages"] else
                    "No personal pages: no one answered the network survey at both the first "
                    "and the last network wave.")
    threading.Thread(target=_run, args=(job, work), daemon=True).start()
    return redirect(f"/report/job/{job.id}")


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())


def _job(request: Request):
    job = request.app.state.evaluate.jobs.get(request.path_params["jid"])
    if job is None:
        raise page_error("There is no such report run (the app may have restarted).",
                         link=("/report", "Report"), status=404)
    return job


async def job_page(request: Request):
    job = _job(request)
    return render(request, "job.html", here="report", job=job,
                  labels={"dashboard": "Dashboard (dashboard.html)",
                          "pdf": "Board paper (evidence.pdf)",
                          "tables": "Tables for report writers (tables.xlsx)",
                          "analysis": "Every table, for evaluators (analysis.xlsx)",
                          "personal": "Personal pages (zip)",
                          "publish": "The form (zip)"})


async def download(request: Request):
    job = _job(request)
    key = request.path_params["what"]
    path = job.files.get(key)
    if key not in DOWNLOADS or path is None or not path.is_file():
        raise page_error("There is no such file to download.", link=("/report", "Report"),
                         status=404)
    return FileResponse(path, filename=DOWNLOADS[key] if key != "publish" else path.name)


async def dashboard(request: Request):
    """The dashboard in the browser: its own inline scripts allowed, sandboxed from the app."""
    job = _job(request)
    path = job.files.get("dashboard")
    if path is None:
        raise page_error("The dashboard is not ready.", link=("/report", "Report"), status=404)
    return Response(path.read_bytes(), media_type="text/html; charset=utf-8",
                    headers={"content-security-policy": _DASHBOARD_CSP})


PLATFORMS = {"google": "Google Forms (Apps Script)", "msforms": "Microsoft Forms (Word file)",
             "qualtrics": "Qualtrics (.qsf)", "surveymonkey": "SurveyMonkey (API json)",
             "xlsform": "XLSForm (ODK, KoboToolbox, Survey123)", "paper": "Paper form (Word)"}


async def publish_page(request: Request):
    ws = workspace_of(request)
    return render(request, "publish.html", here="publish", instruments=sorted(ws.instruments()),
                  platforms=PLATFORMS, cohorts=ws.cohorts)


async def publish(request: Request):
    from starlette.concurrency import run_in_threadpool

    ws = workspace_of(request)
    state = request.app.state.evaluate
    form = await request.form()
    ref, platform = str(form.get("instrument", "")), str(form.get("platform", ""))
    known = ws.instruments()
    if ref not in known or platform not in PLATFORMS:
        raise page_error("Choose an instrument and a platform from the lists.",
                         link=("/publish", "Back"))
    job = state.new_job("publish")
    out = state.job_dir(job)

    def work():
        from evaluate.publish import publish as publish_instrument

        result = publish_instrument(known[ref], platform, out / "form")
        target = out / f"{ref.replace('@', '-v')}-{platform}.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for path in result.files:
                z.write(path, Path(path).name)
        target.write_bytes(buffer.getvalue())
        job.files = {"publish": target}
        job.note = "Next: " + result.next_steps
        job.finished = True
    await run_in_threadpool(work)
    return redirect(f"/report/job/{job.id}")


ROUTES = [
    ROUTE("/report", report_page),
    ROUTE("/report/run", run_report, ["POST"]),
    ROUTE("/report/personal", run_personal, ["POST"]),
    ROUTE("/report/job/{jid:str}", job_page),
    ROUTE("/report/job/{jid:str}/dashboard", dashboard),
    ROUTE("/report/job/{jid:str}/file/{what:str}", download),
    ROUTE("/publish", publish_page),
    ROUTE("/publish", publish, ["POST"]),
]
