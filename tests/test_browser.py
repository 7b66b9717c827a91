"""The dashboard in a real browser: headless Chromium via Playwright.

Opens the demo's dashboard.html (and a dashboard built from no results at
all), and checks that nothing is fetched from anywhere but the file itself,
that nothing is logged as an error, and that every figure drew an SVG.
Screenshots of each section go to ``test-artifacts/`` for people to look at.

Skipped (with the reason) when Chromium or Playwright is missing, unless
``EVALUATE_REQUIRE_BROWSER=1`` is set (as in CI), in which case it fails.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]
SECTIONS = ["overview", "aim1", "aim2", "aim3", "reaction", "voices", "methods"]


def chromium_path() -> str | None:
    """Debian's chromium (or the one named in EVALUATE_CHROMIUM)."""
    for candidate in (os.environ.get("EVALUATE_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _need_browser():
    required = os.environ.get("EVALUATE_REQUIRE_BROWSER") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("EVALUATE_REQUIRE_BROWSER=1 but the playwright package is not installed "
                        "(pip install playwright; do not run `playwright install`)")
        pytest.skip("the playwright package is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        if required:
            pytest.fail("EVALUATE_REQUIRE_BROWSER=1 but chromium is not installed "
                        "(apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); the browser test "
                    "runs in CI, where it is")
    return path


@pytest.fixture(scope="session")
def browser():
    path = _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo_dashboard(demo_outputs) -> Path:
    """The demo's dashboard, built exactly as `evaluate demo` builds it."""
    _need_browser()
    return Path(demo_outputs["dashboard"])


@pytest.fixture(scope="session")
def empty_dashboard(tmp_path_factory) -> Path:
    """A dashboard from no results at all: every section must say so, not break."""
    _need_browser()
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
