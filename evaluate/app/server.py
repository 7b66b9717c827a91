"""Starting the app: a free port on this computer, the address with its token, the browser.

``serve`` prints one line, ``http://127.0.0.1:PORT/?token=…``, opens it in
the browser (unless told not to) and runs uvicorn until Ctrl+C. Its access
log is off (addresses hold the token, and nothing about the data belongs in
a log); the app logs only what kind of error happened, never a value.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path

__all__ = ["serve", "is_loopback", "free_port", "demo_workspace"]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def demo_workspace(progress=None) -> Path:
    """A fresh copy of the bundled sample programme, in a new temporary folder."""
    from evaluate.demo import build_demo_workspace

    folder = Path(tempfile.mkdtemp(prefix="evaluate-demo-")) / "sample-programme"
    ws, _ = build_demo_workspace(folder, progress=progress)
    return ws.path


def serve(workspace: Path | None, *, demo: bool = False, port: int = 0,
          host: str = "127.0.0.1", open_browser: bool = True) -> None:
    """Run the app until interrupted."""
    import click
    import uvicorn

    from evaluate.app.security import LOOPBACK_HOSTS
    from evaluate.app.web import create_app
    from evaluate.workspace import Workspace

    if demo:
        from evaluate.cli.progress import progress_bar

        click.echo("Making a fresh copy of the sample programme (it imports every sample "
                   "export, as `evaluate demo` does)…")
        with progress_bar("demo", quiet=False) as progress:
            workspace = demo_workspace(progress)
    if workspace is not None:
        workspace = Workspace.open(workspace).path  # a clear message now, not in the browser
    hosts = set(LOOPBACK_HOSTS)
    if not is_loopback(host):
        hosts.add(host.lower().strip("[]"))
        click.echo(f"Warning: the app listens on {host}, so other computers can reach it. They "
                   "need the token below; anyone with it sees the workspace.", err=True)
    port = port or free_port(host if host != "0.0.0.0" else "127.0.0.1")
    app = create_app(workspace, hosts=hosts)
    shown = host if ":" not in host else f"[{host}]"
    address = f"http://{shown}:{port}/?token={app.state.secrets.token}"
    click.echo(f"evaluate app: {address}")
    click.echo("Open that address in your browser (it holds a one-time token). Press Ctrl+C "
               "to stop.")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if open_browser:
        threading.Timer(0.8, lambda: webbrowser.open(address)).start()
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning",
                            server_header=False, date_header=False)
    try:
        uvicorn.Server(config).run()
    finally:
        app.state.evaluate.close()
