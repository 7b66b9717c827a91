"""Time the app from dropping an export to seeing its problems, in headless Chromium.

Run: ``python benchmarks/bench_app_drop.py [EXPORT] [--repeat 3] [--demo]``

Starts the app on 127.0.0.1 with a workspace made from the sample roster (or,
with ``--demo``, a fresh copy of the whole sample programme, so the proposal
and the check see every import), drops EXPORT (default: the largest sample
export) on the Import screen and times from the click on "Read the export" to
the export's page showing its counts and problems. The browser and the server
share the machine, so the load average is printed with each run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))


def largest_export() -> Path:
    files = [p for p in (HERE / "sample_data").glob("c*/*") if p.suffix in (".csv", ".xlsx")]
    return max(files, key=lambda p: p.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args()
    export = args.export or largest_export()

    import uvicorn
    from playwright.sync_api import sync_playwright

    from evaluate.app.server import demo_workspace, free_port
    from evaluate.app.web import create_app
    from evaluate.workspace import Workspace
    from tests.browser_support import CHROMIUM_ARGS, chromium_path

    if args.demo:
        ws_path = demo_workspace()
    else:
        ws_path = Workspace.init(Path(tempfile.mkdtemp()) / "ws",
                                 roster=HERE / "sample_data" / "roster.csv").path
    app = create_app(ws_path, pdf=False)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS,
                                    headless=True)
        page = browser.new_page()
        page.goto(f"{base}/?token={app.state.secrets.token}")
        for n in range(args.repeat):
            page.goto(f"{base}/import")
            page.set_input_files("#export", str(export))
            started = time.perf_counter()
            page.click("button:has-text('Read the export')")
            page.wait_for_selector("#problems-h", timeout=300_000)
            seconds = time.perf_counter() - started
            times.append(seconds)
            print(f"run {n + 1}: {seconds:.2f} s (load average {os.getloadavg()[0]:.1f})")
        browser.close()
    server.should_exit = True
    print(f"{export.name} ({export.stat().st_size:,} bytes): median {statistics.median(times):.2f} s "
          f"from dropping it to seeing its problems ({'demo' if args.demo else 'fresh'} workspace)")


if __name__ == "__main__":
    main()
