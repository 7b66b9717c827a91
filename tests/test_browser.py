"""The dashboard in a real browser: headless Chromium via Playwright.

Opens the demo's dashboard.html (and a dashboard built from no results at
all), and checks that nothing is fetched from anywhere but the file itself,
that nothing is logged as an error, and that every figure drew an SVG.
Screenshots of each section go to ``test-artifacts/`` for people to look at.

Skipped (with the reason) when Chromium or Playwright is missing, unless
``EVALUATE_REQUIRE_BROWSER=1`` is set (as in CI), in which case it fails.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS, need_browser

pytestmark = pytest.mark.browser

SECTIONS = ["overview", "aim1", "aim2", "aim3", "evidence", "comparison", "planning",
            "reaction", "voices", "methods"]


@pytest.fixture(scope="session")
def demo_dashboard(demo_outputs) -> Path:
    """The demo's dashboard, built exactly as `evaluate demo` builds it."""
    need_browser()
    return Path(demo_outputs["dashboard"])


@pytest.fixture(scope="session")
def empty_dashboard(tmp_path_factory) -> Path:
    """A dashboard from no results at all: every section must say so, not break."""
    need_browser()
    from evaluate.report.build import build_report

    out = tmp_path_factory.mktemp("empty")
    return Path(build_report({}, {"programme": "Empty programme"}, out)["dashboard"])


def open_dashboard(browser, path: Path, *, width: int = 1366, height: int = 900):
    """Open ``path``; return (page, console errors, non-file requests, seconds to render)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("request", lambda req: foreign.append(req.url)
            if not req.url.startswith(("file://", "data:", "blob:", "about:")) else None)
    started = time.perf_counter()
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("body[data-rendered]", timeout=30_000)
    wall = time.perf_counter() - started
    # from the start of navigation to the last figure drawn, as the page measures it
    seconds = page.evaluate("window.evaluateRenderedAt") / 1000 or wall
    return page, errors, sorted(set(foreign)), seconds


def _check_page(page, errors, foreign):
    assert errors == [], f"console errors: {errors}"
    assert foreign == [], f"requests that left the file: {foreign}"
    n_plots = page.locator(".plot").count()
    assert page.get_attribute("body", "data-rendered") == str(n_plots)
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('.plot')).filter("
        "el => el.querySelector('.main-svg') && el.querySelector('.main-svg').getBBox().width > 0"
        ").length")
    assert drawn == n_plots, f"{n_plots - drawn} of {n_plots} figures did not draw an SVG"
    return n_plots


def test_demo_dashboard_renders_offline(browser, demo_dashboard):
    page, errors, foreign, seconds = open_dashboard(browser, demo_dashboard)
    n_plots = _check_page(page, errors, foreign)
    assert n_plots >= 8, f"only {n_plots} figures on the demo dashboard"
    # every section is there, with its heading
    for sid in SECTIONS:
        assert page.locator(f"section#{sid} h2").count() == 1
    # pointing at a bar shows its hover text
    bar = page.locator("#fig-response-rates .bars .point path").first
    bar.scroll_into_view_if_needed()
    bar.hover(force=True)
    page.wait_for_selector("#fig-response-rates .hoverlayer .hovertext", timeout=5_000)
    assert "%" in page.locator("#fig-response-rates .hoverlayer").first.text_content()
    # render time is a benchmark figure (benchmarks/bench_report.py), not a test
    print(f"demo dashboard rendered in {seconds:.2f} s")
    ARTIFACTS.mkdir(exist_ok=True)
    page.add_style_tag(content="nav.sections{position:static}")  # no sticky bar over the shots
    page.screenshot(path=str(ARTIFACTS / "dashboard-full.png"), full_page=True)
    for sid in SECTIONS:
        page.locator(f"section#{sid}").screenshot(path=str(ARTIFACTS / f"section-{sid}.png"))
    page.context.close()


def test_demo_dashboard_small_screen_and_print(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard, width=1280, height=720)
    _check_page(page, errors, foreign)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 1280px laptop screen"
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "dashboard-a4.pdf"), format="A4", landscape=True,
             print_background=True)
    assert (ARTIFACTS / "dashboard-a4.pdf").stat().st_size > 10_000
    page.context.close()


def test_empty_dashboard_says_what_is_missing(browser, empty_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, empty_dashboard)
    _check_page(page, errors, foreign)
    text = page.inner_text("main")
    assert "No before-and-after results yet" in text
    assert "No network survey results" in text
    assert "No session feedback" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-empty.png"), full_page=True)
    page.context.close()
