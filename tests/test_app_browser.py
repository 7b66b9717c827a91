"""The app in a real browser, as a new user meets it: headless Chromium via Playwright.

Creates a workspace from the sample roster, imports three sample exports (one with the
keyboard only, one whose dates must be chosen, and the broken one with a respondent not on
the roster), fixes that respondent from the suggestions and sees the counts change, runs the
report, downloads the board paper, and undoes the last import. axe-core checks every screen
(0 violations), and no request leaves the machine. Screenshots of the import and fix screens
go to ``test-artifacts/``.

Skipped (with the reason) when Chromium or Playwright is missing, unless
``EVALUATE_REQUIRE_BROWSER=1`` is set (as in CI), in which case it fails.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture()
def served(tmp_path, browser):
    """The app on a free port of 127.0.0.1, in this process; its base address and app."""
    import uvicorn

    from evaluate.app.server import free_port
    from evaluate.app.web import create_app

    app = create_app(None, scratch=tmp_path / "scratch", pdf=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(10)


def _axe(page, screen: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{screen}: {results.generate_report()}"


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def _count(page, what: str) -> str:
    return page.locator(f"#count-{what}").inner_text().strip()


def test_a_new_user_imports_fixes_reports_and_undoes(served, browser, tmp_path):
    base, app = served
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: foreign.append(r.url)
            if not r.url.startswith((base, "data:", "about:")) else None)
    ARTIFACTS.mkdir(exist_ok=True)

    # Start: create a workspace from the roster
    page.goto(f"{base}/?token={app.state.secrets.token}")
    assert page.url == f"{base}/start"
    _axe(page, "start")
    page.set_input_files("#roster", str(SAMPLE / "roster.csv"))
    page.fill("#folder", str(tmp_path / "my-programme"))
    page.click("button:has-text('Create the workspace')")
    page.wait_for_url(f"{base}/workspace?created=1")
    assert "The workspace was created" in page.inner_text("main")
    _axe(page, "workspace (empty)")

    # 1. keyboard only: the import screen, the file chooser, the check, the import
    page.goto(f"{base}/import")
    _axe(page, "import")
    _tab_to(page, "#export")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(SAMPLE / "c1" / "baseline-c1-msforms.xlsx"))
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#count-accepted")
    assert "baseline@1" in page.inner_text("main") and _count(page, "accepted") == "39"
    _tab_to(page, "form[action*='/go'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Stored 39 responses for cohort c1, wave baseline")

    # 2. a file whose dates read both ways: the refusal is a choice
    page.goto(f"{base}/import")
    page.set_input_files("#export", str(SAMPLE / "c1" / "connections-c1-google.csv"))
    page.click("button:has-text('Read the export')")
    page.wait_for_selector("text=Why nothing can be imported yet")
    page.select_option("#dates", "day-first")
    page.click("button:has-text('Check again')")
    page.click("form[action*='/go'] button")
    page.wait_for_selector("text=Stored")

    # 3. the broken export: a respondent not on the roster, fixed from the suggestions
    page.goto(f"{base}/import")
    page.set_input_files("#export", str(SAMPLE / "broken" / "not-on-roster.csv"))
    page.click("button:has-text('Read the export')")
    page.wait_for_selector("#count-warnings")
    page.click("form[action*='/go'] button")
    page.wait_for_selector("text=Stored 5 responses for cohort c2")
    assert _count(page, "warnings") == "1" and _count(page, "linked") == "4"
    _axe(page, "an export's page")
    page.screenshot(path=str(ARTIFACTS / "app-import.png"), full_page=True)
    page.click("a:has-text('Fix row 5 here')")
    page.wait_for_selector("text=Closest names on the roster")
    _axe(page, "fix")
    page.screenshot(path=str(ARTIFACTS / "app-fix.png"), full_page=True)
    page.locator("input[name=decision]").first.check()
    page.click("button:has-text('Save this correction')")
    page.wait_for_selector("text=Correction C001 stored")
    assert "replaces import 0003" in page.inner_text("main")
    assert _count(page, "linked") == "5" and _count(page, "accepted") == "5"
    assert "not on the roster" not in page.inner_text("main")
    page.goto(f"{base}/workspace")
    assert page.locator(".imp").count() == 3
    _axe(page, "workspace")
    page.goto(f"{base}/corrections")
    assert "C001" in page.inner_text("main")
    _axe(page, "corrections")

    # the report, with its progress page, and the board paper
    page.goto(f"{base}/report")
    _axe(page, "report")
    page.click("button:has-text('Run the analysis and the report')")
    page.wait_for_selector("h1:has-text('Ready')", timeout=240_000)
    _axe(page, "report ready")
    with page.expect_download() as download:
        page.click("a:has-text('Board paper')")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # undo the last import (the replacement the fix made), after being told what changes
    page.goto(f"{base}/history")
    _axe(page, "history")
    page.click("a:has-text('Undo the latest change')")
    assert "import 0003 will be used again" in page.inner_text("main")
    _axe(page, "confirm")
    page.click("button:has-text('Yes, undo')")
    page.wait_for_selector("text=Undid the change")
    page.goto(f"{base}/publish")
    _axe(page, "publish")
    page.goto(f"{base}/no/such/page")
    _axe(page, "an error page")
    assert [e for e in errors if "404" not in e] == [] and foreign == []  # the page above
    context.close()
