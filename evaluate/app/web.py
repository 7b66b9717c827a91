"""The app as an ASGI application: pages, the guard around them, and the error pages.

:func:`create_app` wires the routes of :mod:`~evaluate.app.manage` (start,
workspace, history, corrections), :mod:`~evaluate.app.imports` (drop an
export, check it, fix it, import it) and :mod:`~evaluate.app.outputs`
(report, downloads, publish) behind :class:`~evaluate.app.security.Guard`.
Pages are Jinja2 templates with autoescaping; there is no JavaScript.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from evaluate.app.security import LOOPBACK_HOSTS, BodyTooLarge, Guard, Secrets
from evaluate.app.state import AppState
from evaluate.errors import EvaluateError

__all__ = ["create_app", "render", "redirect", "page_error", "workspace_of", "LOG"]

LOG = logging.getLogger("evaluate.app")
HERE = Path(__file__).resolve().parent

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                          autoescape=True,
                          trim_blocks=True, lstrip_blocks=True)
_env.filters["thousands"] = lambda n: f"{int(n):,}" if n is not None else ""

NAV = [("workspace", "/workspace", "Workspace"), ("import", "/import", "Import"),
       ("corrections", "/corrections", "Corrections"), ("history", "/history", "History"),
       ("report", "/report", "Report"), ("publish", "/publish", "Publish")]


class PageError(Exception):
    """A mistake a person can make, shown as a page: what happened and what to do next."""

    def __init__(self, message: str, next_step: str = "", status: int = 400,
                 link: tuple[str, str] | None = None):
        super().__init__(message)
        self.message, self.next_step, self.status, self.link = message, next_step, status, link


page_error = PageError


def render(request: Request, template: str, status: int = 200, **values) -> HTMLResponse:
    """A page from ``template`` with the values every page needs."""
    state: AppState = request.app.state.evaluate
    csrf = request.scope.get("state", {}).get("csrf", "")

    def post(path: str, **query) -> str:
        return path + "?" + urlencode({**query, "csrf": csrf})

    html = _env.get_template(template).render(
        request=request, post=post, nav=NAV, here=values.pop("here", ""),
        workspace_name=state.workspace.name if state.workspace else None, **values)
    return HTMLResponse(html, status_code=status)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def workspace_of(request: Request):
    """The open workspace, or a page saying to open one."""
    from evaluate.workspace import Workspace

    state: AppState = request.app.state.evaluate
    if state.workspace is None:
        raise PageError("No workspace is open yet.", "Open one, or create one from a roster.",
                        status=409, link=("/start", "Open or create a workspace"))
    return Workspace.open(state.workspace)


async def _evaluate_error(request: Request, exc: Exception) -> Response:
    state: AppState = request.app.state.evaluate
    text = str(exc)
    for upload in state.uploads.values():  # say the file's own name, not the kept copy's
        text = text.replace(upload.path.name, upload.name)
    LOG.info("refused: %s %s (%s)", request.method, request.url.path, type(exc).__name__)
    return render(request, "error.html", status=400, title="That could not be done",
                  message=text, next_step="Nothing was changed. Correct what the message says "
                  "and try again.", link=None)


async def _os_error(request: Request, exc: OSError) -> Response:
    """The disk, not the data: which file, why, and that the workspace is as it was."""
    from evaluate.workspace.files import explain_os_error

    LOG.info("disk error on %s %s (%s)", request.method, request.url.path, type(exc).__name__)
    text = explain_os_error(exc, exc.filename or "a file", "finish")
    return render(request, "error.html", status=500, title="The computer could not do that",
                  message=text[:1].upper() + text[1:] + ".", next_step="Every change to a "
                  "workspace is all or nothing, so the workspace is as it was before. Free some "
                  "space or check the folder's permissions, then try again.", link=None)


async def _page_error(request: Request, exc: PageError) -> Response:
    return render(request, "error.html", status=exc.status, title="That could not be done",
                  message=exc.message, next_step=exc.next_step, link=exc.link)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    words = {404: ("There is no such page", "Use the links at the top of the page."),
             405: ("That page cannot be used that way", "Use the links and buttons on the "
                                                        "pages.")}
    title, next_step = words.get(exc.status_code, ("That could not be done", "Go back and try "
                                                   "again."))
    return render(request, "error.html", status=exc.status_code, title=title,
                  message=title + ".", next_step=next_step, link=("/", "Start page"))


class Shield:
    """A bug of ours becomes a plain page (and one log line naming only its kind), never a
    traceback in the browser or in the log, where a value from the data could show."""

    def __init__(self, app, debug: bool = False):
        import os

        self.app, self.debug = app, debug or bool(os.environ.get("EVALUATE_DEBUG"))

    async def __call__(self, scope, receive, send):
        started = False

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if self.debug or scope["type"] != "http" or isinstance(exc, BodyTooLarge):
                raise
            LOG.error("internal error on %s %s: %s", scope.get("method"), scope.get("path"),
                      type(exc).__name__)
            if not started:
                request = Request(scope, receive)
                response = render(
                    request, "error.html", status=500, title="Something went wrong in evaluate",
                    message=f"evaluate hit an internal error ({type(exc).__name__}). Your "
                    "workspace was not changed: every change is all or nothing.",
                    next_step="Please report this with what you did; start the app with "
                    "EVALUATE_DEBUG=1 to see the details.", link=("/", "Start page"))
                await response(scope, receive, send)


def _plain_page(status: int, title: str, body: str):
    from markupsafe import escape

    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
            f'</title><link rel="stylesheet" href="/static/app.css"></head><body><main>'
            f"<h1>{escape(title)}</h1><p>{escape(body)}</p></main></body></html>")

    async def app(scope, receive, send):
        await HTMLResponse(html, status_code=status)(scope, receive, send)
    return app


_FORBIDDEN = {
    "host": _plain_page(403, "Not allowed", "This app answers only to this computer's own "
                        "address (127.0.0.1). Open the address the evaluate app printed."),
    "token": _plain_page(403, "Open the app from its address", "This page needs the address "
                         "the `evaluate app` command printed (it holds a one-time token). Copy "
                         "it from the terminal into the browser."),
    "csrf": _plain_page(403, "This change was not made", "The form did not come from this "
                        "app's own page (or the page is too old). Go back, reload the page and "
                        "try again."),
}


async def _forbidden(scope, receive, send):
    await _FORBIDDEN[scope.get("evaluate.why", "token")](scope, receive, send)


def _too_large(limit: int):
    from evaluate.inputs import size_words

    return _plain_page(413, "The file is too large", f"The app takes files up to "
                       f"{size_words(limit)}, as the command line does. Nothing was stored. "
                       "Export only the responses sheet, or raise EVALUATE_MAX_TEXT_EXPORT_MB.")


def _too_large_handler(page):
    """The 413 page for a body that passed the cap while a page was reading it."""
    async def handler(request: Request, exc: Exception) -> Response:
        captured = {}

        async def send(message):
            captured.setdefault(message["type"], message)
        await page(request.scope, request.receive, send)
        start, body = captured["http.response.start"], captured["http.response.body"]
        return Response(body["body"], status_code=start["status"], media_type="text/html")
    return handler


def upload_limit() -> int:
    """The largest upload: the command line's limit on an export (EVALUATE_MAX_TEXT_EXPORT_MB)."""
    from evaluate.inputs import max_text_export_bytes

    return max_text_export_bytes()


def create_app(workspace: Path | None = None, *, token: str | None = None,
               max_upload: int | None = None, hosts=LOOPBACK_HOSTS, scratch: Path | None = None,
               debug: bool = False, pdf: bool | None = None):
    """The app for ``workspace`` (or none yet): a Starlette app wrapped in the guard.

    Returns the ASGI app; ``app.state.evaluate`` is the
    :class:`~evaluate.app.state.AppState` and ``app.state.secrets`` the
    :class:`~evaluate.app.security.Secrets` (its ``token`` opens the app).
    ``pdf`` says whether the report prints the board paper (default: when
    Chromium is installed).
    """
    from evaluate.app import imports, manage, outputs

    routes = [*manage.ROUTES, *imports.ROUTES, *outputs.ROUTES,
              Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")]
    from starlette.middleware import Middleware

    limit = max_upload if max_upload is not None else upload_limit()
    handlers = {EvaluateError: _evaluate_error, PageError: _page_error,
                HTTPException: _http_error, BodyTooLarge: _too_large_handler(_too_large(limit)),
                OSError: _os_error}
    inner = Starlette(routes=routes, exception_handlers=handlers,
                      middleware=[Middleware(Shield, debug=debug)])
    inner.state.evaluate = AppState(workspace, scratch)
    inner.state.pdf = pdf
    secrets_ = Secrets(token)
    inner.state.secrets = secrets_
    guarded = Guard(inner, secrets_=secrets_, allowed_hosts=hosts, max_body=limit,
                    forbidden=_forbidden, too_large=_too_large(limit))
    guarded.state = inner.state
    guarded.routes = inner.routes
    return guarded


def ROUTE(path, endpoint, methods=("GET",)):  # noqa: N802 - reads as a table in each module
    return Route(path, endpoint, methods=list(methods))
