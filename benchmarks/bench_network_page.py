"""Benchmark: the dashboard of an organisation-sized network survey (size and drawing time).

An organisation-wide network survey (5,000 people, 50,000 ties a wave, two
waves) is analysed by ``evaluate.network`` and drawn by the dashboard; the
script prints the page's size, how much of it is the network pictures, and
the time headless Chromium takes to draw the page (median of ``--runs``
loads). The budget (issue 11) is 6 MB and 5 s. ``--max-lines 0`` draws every
tie, as the dashboard did before pictures were thinned at scale: the rival.

Run from the repository root::

    python benchmarks/bench_network_page.py                  # 5,000 people, 50,000 ties a wave
    python benchmarks/bench_network_page.py --people 40 --ties 300

Measured on the 2-core development machine with other engineers' test suites
running (load average 5 to 7, so every time is inflated; the runs were made one
after the other), 5,000 people and 50,000 ties a wave, three loads each:

=====================================  =========  ============  ==================
dashboard                              page (MB)  network (MB)  drawn (s): median
=====================================  =========  ============  ==================
every tie, full precision (before)       12.53        7.68       20.3 (10.9–23.1)
one pair in 12 drawn, 32-bit (now)        5.66        0.80        5.9 (4.0–7.7)
a cohort: 40 people, 300 ties             4.92        0.07        3.4 (3.3–4.4)
=====================================  =========  ============  ==================

Under the same load a cohort-sized page takes 3.4 s, so the large page costs
about 2.5 s more than a small one; on a quiet machine the demo's whole
dashboard draws in 1.9 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from bench_network import synthetic  # noqa: E402

from evaluate.network.analyse import analyse_workspace  # noqa: E402
from evaluate.report import netdraw  # noqa: E402
from evaluate.report.dashboard import render_dashboard  # noqa: E402


def workspace(people: int, ties: int) -> SimpleNamespace:
    """A stand-in workspace holding a synthetic network survey at two waves."""
    roster, tie_frame, responses = synthetic(people, ties)
    responses = responses.assign(cohort="c1", instrument="network")
    return SimpleNamespace(roster=lambda: roster, ties=lambda: tie_frame,
                           responses=lambda instrument=None: responses,
                           stakeholders=lambda: pd.DataFrame(), min_group_size=5,
                           waves=["baseline", "end"])


def render(path: Path, runs: int, chromium: str) -> list[float]:
    """Seconds from navigation to the last figure drawn, over ``runs`` fresh loads."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(path.resolve().as_uri())
            page.wait_for_function("window.evaluateRenderedAt !== undefined", timeout=180_000)
            times.append(page.evaluate("window.evaluateRenderedAt") / 1000)
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--ties", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-lines", type=int, default=netdraw.MAX_LINES,
                        help="pairs drawn per picture before thinning (0: draw every tie)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if args.max_lines == 0:  # as before: every tie, full precision, hover per person
        netdraw.MAX_LINES = netdraw.LARGE_PICTURE = 10**12
    elif args.max_lines != netdraw.MAX_LINES:
        netdraw.MAX_LINES = args.max_lines
    t = time.perf_counter()
    results = analyse_workspace(workspace(args.people, args.ties))
    print(f"network analysis: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    html = render_dashboard(results, {"programme": "Organisation network survey"})
    print(f"dashboard written: {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dashboard.html"
        path.write_text(html, encoding="utf-8")
        size = path.stat().st_size / 1e6
        network = sum(len(m) for m in html.split('<script type="application/json"')[1:]
                      if "fig-aim2-network" in m[:200]) / 1e6
        times = render(path, args.runs, args.chromium)
    print(f"page {size:.2f} MB (network pictures about {network:.2f} MB); drawn in "
          f"{statistics.median(times):.2f} s (median of {len(times)}: "
          + ", ".join(f"{v:.2f}" for v in times) + ")")


if __name__ == "__main__":
    main()
