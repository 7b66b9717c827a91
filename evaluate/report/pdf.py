"""The board paper: ``evidence.pdf``, the dashboard printed on A4 landscape by headless Chromium.

The PDF is the dashboard itself under its print stylesheet
(``templates/print.css``): page 1 holds the title, the programme, the
evidence cards and the principles; every chart is drawn at the print width
and kept whole on one page; "Show the numbers" tables, buttons and the
toolbar-less charts' interactive parts are left out; each page has a footer
with its number, the date the report was made and the software version.

Chromium is driven through Playwright's Python package, pointed at a Chromium
already on the machine (Debian's ``chromium``; ``EVALUATE_CHROMIUM`` names
another), so nothing is downloaded. Without one, :func:`write_board_paper`
raises :class:`~evaluate.errors.ReportError` saying what to install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from evaluate.errors import ReportError
from evaluate.report.page import environment

__all__ = ["CHROMIUM_ARGS", "find_chromium", "write_board_paper", "PDF_MARGINS"]

#: Flags for a headless Chromium with no background network activity.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]
#: Page margins; the bottom one leaves room for the footer.
PDF_MARGINS = {"top": "10mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}
#: Viewport width while drawing: A4 landscape less the side margins, at 96 px per inch.
_VIEWPORT = {"width": 1032, "height": 760}
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
               "chrome")


def find_chromium() -> str | None:
    """The Chromium to print with: ``EVALUATE_CHROMIUM``, else one on the PATH, else None.

    Debian's ``/usr/bin/chromium`` is found first on a typical machine.
    """
    named = os.environ.get("EVALUATE_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for candidate in ("/usr/bin/chromium", *(shutil.which(c) for c in _CANDIDATES)):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _no_browser_message() -> str:
    named = os.environ.get("EVALUATE_CHROMIUM")
    if named:
        return (f"EVALUATE_CHROMIUM names {named}, which does not exist — point it at a Chromium "
                "or Chrome program, or unset it to use the system's chromium.")
    return ("evaluate report --pdf needs Chromium to print the board paper, and none was found "
            "— install it (Debian/Ubuntu: apt-get install chromium) or set EVALUATE_CHROMIUM to "
            "the path of a Chromium or Chrome program. The dashboard and tables were written.")


def _print(browser, dashboard: Path, out: Path, footer: str, timeout_s: float) -> None:
    context = browser.new_context(viewport=_VIEWPORT)
    try:
        context.route("**/*", lambda r: r.continue_()
                      if r.request.url.startswith(("file:", "data:", "blob:", "about:"))
                      else r.abort())
        page = context.new_page()
        # print media before the page loads, so every chart is drawn at print size
        page.emulate_media(media="print")
        page.goto(dashboard.as_uri(), wait_until="load")
        page.wait_for_selector("body[data-rendered]", timeout=timeout_s * 1000)
        # the board paper shows what the screen folds away: each card's cautions (every
        # measure's label is in the comparison table)
        page.evaluate("document.querySelectorAll('details.cautions')"
                      ".forEach(d => { d.open = true; })")
        out.parent.mkdir(parents=True, exist_ok=True)
        # tagged (a structure tree for screen readers) with an outline from the headings
        page.pdf(path=str(out), format="A4", landscape=True, print_background=True, tagged=True,
                 outline=True,
                 display_header_footer=True, header_template="<span></span>",
                 footer_template=footer, margin=PDF_MARGINS)
    finally:
        context.close()


def write_board_paper(dashboard: str | Path, out: str | Path, *, programme: str = "",
                      generated: str = "", version: str = "", timeout_s: float = 120,
                      browser=None) -> Path:
    """Print ``dashboard`` (a dashboard.html written by evaluate) to the PDF ``out``.

    Parameters
    ----------
    dashboard : path
        The dashboard page.
    out : path
        Where to write the PDF (``evidence.pdf``).
    programme, generated, version : str
        The footer's programme name, date the report was made, software version.
    timeout_s : float
        How long to wait for the charts to draw.
    browser : playwright Browser, optional
        A Chromium already launched through Playwright's sync API (the tests
        share one); by default one is launched and closed.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    ReportError
        No Playwright package or no Chromium (saying what to install), or the
        page did not draw in time.
    """
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ReportError(
            "evaluate report --pdf needs the playwright package to drive Chromium — install it "
            "with: pip install 'programme-evaluate[pdf]' (it uses the system's chromium; do not "
            "run `playwright install`). The dashboard and tables were written.") from None
    dashboard, out = Path(dashboard).resolve(), Path(out)
    footer = environment().get_template("pdf_footer.html").render(
        programme=programme, generated=generated, version=version)
    if browser is not None:
        _print(browser, dashboard, out, footer, timeout_s)
        return out
    browser_path = find_chromium()
    if browser_path is None:
        raise ReportError(_no_browser_message())
    try:
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS,
                                         headless=True)
            try:
                _print(launched, dashboard, out, footer, timeout_s)
            finally:
                launched.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReportError(f"Chromium ({browser_path}) could not print the board paper: {first} "
                          "— check that this Chromium starts (run it with --version), or set "
                          "EVALUATE_CHROMIUM to another. The dashboard and tables were "
                          "written.") from None
    return out
