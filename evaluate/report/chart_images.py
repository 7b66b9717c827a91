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

__all__ = ["Camera", "chart_images", "start_chart_images"]

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
    return Camera(timeout_s=timeout_s).photograph(dashboard, figure_ids, out_dir)


class Camera:
    """Chromium started before the dashboard it will photograph exists.

    Starting Playwright and Chromium takes about a second, most of it waiting;
    the report's pictures wait for it only after the dashboard is drawn. A
    camera opened earlier (``evaluate demo`` opens one before the imports)
    has Chromium ready by then. :meth:`photograph` once, or :meth:`close`
    unused: use it as a context manager, so that Chromium and its thread
    always end.

    >>> with Camera() as camera:  # doctest: +SKIP
    ...     images, why_none = camera.photograph("dashboard.html", ["fig-1"], "shots").result()
    """

    def __init__(self, *, timeout_s: float = 120):
        self._job: Future = Future()  # (dashboard, figure_ids, out_dir), or None: not needed
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            self._pictures = pool.submit(_chart_images, self._job, timeout_s)
        finally:
            pool.shutdown(wait=False)  # the thread ends when the pictures are taken

    def photograph(self, dashboard: str | Path, figure_ids: list[str],
                   out_dir: str | Path) -> Future:
        """Photograph the charts ``figure_ids`` of ``dashboard`` into ``out_dir``: a future
        whose ``result()`` is what :func:`chart_images` returns."""
        self._job.set_result((dashboard, figure_ids, out_dir))
        return self._pictures

    def close(self) -> None:
        """Let Chromium go when no pictures were asked for (nothing, once they were)."""
        if not self._job.done():
            self._job.set_result(None)

    def __enter__(self) -> Camera:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _chart_images(job: Future, timeout_s) -> tuple[dict[str, Path], str]:
    """Start Chromium, then wait for ``job`` (what to photograph) and take the pictures."""
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
                asked = job.result()
                if asked is None:
                    return {}, "no pictures were asked for"
                dashboard, figure_ids, out_dir = asked
                out_dir = Path(out_dir)
                out_dir.mkdir(parents=True, exist_ok=True)
                page.goto(Path(dashboard).resolve().as_uri(), wait_until="load")
                page.wait_for_selector("body[data-rendered]", timeout=timeout_s * 1000)
                page.add_style_tag(content="nav, .toolbar, header.sticky {display: none !important}")
                present = page.evaluate("ids => ids.filter(id => document.getElementById(id))",
                                        list(figure_ids))
                for fig_id in present:  # a screenshot scrolls its element into view itself
                    path = out_dir / f"{fig_id}.png"
                    page.locator(f"[id='{fig_id}']").first.screenshot(path=str(path))
                    shots[fig_id] = path
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return shots, f"Chromium could not draw the charts ({first})"
    return shots, ""
