"""``evaluate app``: a local web app for programme leads (import, fix, report, publish).

A small Starlette application (:mod:`evaluate.app.web`) served by uvicorn on
this computer only (:mod:`evaluate.app.server`), behind a guard
(:mod:`evaluate.app.security`): a one-time token exchanged for a cookie,
loopback ``Host`` headers only, a CSRF token on every change, capped
uploads and ``Content-Security-Policy: default-src 'self'``. Pages are
Jinja2 templates with autoescaping and no JavaScript. Every screen calls
the same library functions as the command line, so a workspace changed
through the app is the one the same commands would make.

Nothing here is imported by ``evaluate --help``: the command imports the
app only when it runs.
"""

from __future__ import annotations

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from evaluate.app.web import create_app

        return create_app
    raise AttributeError(f"module 'evaluate.app' has no attribute {name!r}")
