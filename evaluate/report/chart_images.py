"""Pictures of the dashboard's charts, drawn by headless Chromium, for the Word report.

The charts are Plotly figures drawn in the browser; the Word report needs
them as pictures. :func:`chart_images` opens ``dashboard.html`` in the
system's Chromium (through Playwright, as the board paper does: nothing is
downloaded, no network), waits until every chart is drawn and photographs
each one. Without Playwright or Chromium it returns no pictures and says
why, and the report keeps each chart's words and numbers.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

__all__ = ["chart_images", "start_chart_images"]

_VIEWPORT = {"width": 1032, "height": 900}


def chart_images(dashboard: str | Path, figure_ids: list[str], out_dir: str | Path, *,
                 timeout_s: float = 120) -> tuple[dict[str, Path], str]:
    """PNG pictures of the charts ``figure_ids`` of ``dashboard``: ``({id: path}, why_none)``.

    ``why_none`` is "" when pictures were taken, else a sentence saying why
    there are none (no Playwright, no Chromium, or Chromium failed). Chromium
    is driven from a thread of its own: Playwright's synchronous API refuses
    to run where an event loop (a web app's, another Playwright session's)
    already runs.
    """
    return start_chart_images(dashboard, figure_ids, out_dir, timeout_s=timeout_s).result()


def start_chart_images(dashboard: str | Path, figure_ids: list[str], out_dir: str | Path, *,
                       timeout_s: float = 120) -> Future:
    """:func:`chart_images` started in the background: its ``result()`` is what that returns.

    Chromium draws and photographs the charts in processes of its own, so
    the report can write its workbooks meanwhile and collect the pictures
    when the Word report needs them.
    """
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(_chart_images, dashboard, figure_ids, out_dir, timeout_s)
    finally:
        pool.shutdown(wait=False)  # the thread ends when the pictures are taken


def _chart_images(dashboard, figure_ids, out_dir, timeout_s) -> tuple[dict[str, Path], str]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}, ("the charts are not drawn here because the playwright package is not "
                    "installed (pip install 'programme-evaluate[pdf]')")
    from evaluate.report.pdf import CHROMIUM_ARGS, find_chromium

    browser_path = find_chromium()
    if browser_path is None:
        return {}, ("the charts are not drawn here because no Chromium was found (apt-get "
                    "install chromium, or set EVALUATE_CHROMIUM)")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: dict[str, Path] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS,
                                        headless=True)
            try:
                context = browser.new_context(viewport=_VIEWPORT, device_scale_factor=2)
                context.route("**/*", lambda r: r.continue_()
                              if r.request.url.startswith(("file:", "data:", "blob:", "about:"))
                              else r.abort())
                page = context.new_page()
                page.goto(Path(dashboard).resolve().as_uri(), wait_until="load")
                page.wait_for_selector("body[data-rendered]", timeout=timeout_s * 1000)
                page.add_style_tag(content="nav, .toolbar, header.sticky {display: none !important}")
                for fig_id in figure_ids:
                    target = page.locator(f"[id='{fig_id}']")
                    if not target.count():
                        continue
                    path = out_dir / f"{fig_id}.png"
                    target.first.scroll_into_view_if_needed()
                    target.first.screenshot(path=str(path))
                    shots[fig_id] = path
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return shots, f"Chromium could not draw the charts ({first})"
    return shots, ""
