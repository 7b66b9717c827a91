"""The dashboard in a real browser: headless Chromium via Playwright.

Opens the demo's dashboard.html (and a dashboard built from no results at
all), and checks that nothing is fetched from anywhere but the file itself,
that nothing is logged as an error, and that every figure drew an SVG.
Screenshots of each section go to ``test-artifacts/`` for people to look at.

Skipped (with the reason) when Chromium or Playwright is missing, unless
``EVALUATE_REQUIRE_BROWSER=1`` is set (as in CI), in which case it fails.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS, need_browser

pytestmark = pytest.mark.browser

SECTIONS = ["overview", "aim1", "aim2", "aim3", "evidence", "comparison", "planning",
            "reaction", "voices", "methods", "labels"]


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


# --------------------------------------------------------------------------- issue 10: reading it
LIKERT_NEGATIVE = ["Neither agree nor disagree", "Disagree", "Strongly disagree"]
LIKERT_POSITIVE = ["Neither agree nor disagree", "Agree", "Strongly agree"]


def test_likert_bars_stack_outwards_from_the_zero_line(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    _check_page(page, errors, foreign)
    ids = page.evaluate("() => Array.from(document.querySelectorAll('.plot[id*=likert], "
                        ".plot[id*=change-challenge]')).map(e => e.id)")
    assert "fig-aim1-likert" in ids
    for fid in ids:
        # per row: the answers on each side, ordered by how far their bar starts from zero
        sides = page.evaluate("""(id) => {
            const cd = document.getElementById(id).calcdata;
            const rows = {};
            cd.forEach(trace => trace.forEach((pt, j) => {
                (rows[j] = rows[j] || []).push([trace[0].trace.name, pt.b, pt.s]); }));
            return Object.values(rows).map(r => [
                r.filter(x => x[2] < 0).sort((a, b) => Math.abs(a[1]) - Math.abs(b[1])).map(x => x[0]),
                r.filter(x => x[2] > 0).sort((a, b) => Math.abs(a[1]) - Math.abs(b[1])).map(x => x[0])]);
        }""", fid)
        assert sides
        for left, right in sides:
            assert left == [n for n in LIKERT_NEGATIVE if n in left], f"{fid}: {left}"
            assert right == [n for n in LIKERT_POSITIVE if n in right], f"{fid}: {right}"
    page.context.close()


def test_one_colour_per_group_everywhere(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    entries = page.evaluate("""() => {
        const out = [];
        document.querySelectorAll('.plot').forEach(gd => (gd._fullData || []).forEach(t => {
            if (!t.showlegend) return;
            const colour = t.mode === 'lines' ? t.line.color : t.marker.color;
            if (typeof colour !== 'string') return;
            out.push([gd.id, t.name, colour, t.mode === 'lines' ? 'line' : (t.marker.symbol || 'bar')]);
        }));
        return out;
    }""")
    colours = {}
    for _fid, name, colour, _symbol in entries:
        colours.setdefault(name, set()).add(colour.upper())
    several = {n: c for n, c in colours.items() if len(c) > 1}
    assert not several, f"groups with more than one colour on the page: {several}"
    from evaluate.report.colours import NEW_TIE_COLOUR

    people = [(f, n, c, s) for f, n, c, s in entries if "network" in f and s != "line"]
    assert people, "no groups of people in the network pictures"
    assert all(c.upper() != NEW_TIE_COLOUR for _, _, c, _ in people)
    shapes = {(c.upper(), s) for _, n, c, s in people}
    assert len(shapes) == len({n for _, n, _, _ in people}), "two groups share colour and shape"
    page.context.close()


@pytest.mark.parametrize("width", [1024, 1440])
def test_nothing_wider_than_its_section(browser, demo_dashboard, width):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard, width=width)
    _check_page(page, errors, foreign)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(300)
    too_wide = page.evaluate("""() => {
        const bad = [];
        document.querySelectorAll('section.page').forEach(sec => {
            const limit = sec.getBoundingClientRect().right + 0.5;
            sec.querySelectorAll('table, .table-wrap, .chart-title, h2, h3, h4, .plot, .card')
              .forEach(el => {
                const r = el.getBoundingClientRect();
                if (r.width && (r.right > limit || el.scrollWidth > el.clientWidth + 1))
                  bad.push(sec.id + ' ' + el.tagName + '.' + el.className + ' ' +
                           (el.textContent || '').trim().slice(0, 40));
              });
        });
        return bad;
    }""")
    assert too_wide == [], f"wider than their section at {width}px: {too_wide[:8]}"
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = false)")
    page.add_style_tag(content="nav.sections{position:static}")
    page.locator("section#overview").screenshot(path=str(ARTIFACTS / f"overview-{width}.png"))
    page.context.close()


@pytest.mark.parametrize("opened", [False, True])
def test_no_accessibility_violations(browser, demo_dashboard, opened):
    """axe-core (the engine behind most accessibility checkers) finds nothing to fix."""
    from axe_playwright_python.sync_playwright import Axe

    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    if opened:  # every "Show the numbers" table and every note, opened
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.context.close()


def test_every_chart_has_a_summary_and_numbers_reachable_by_keyboard(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('.plot')).map(el => {
        const fig = el.closest('figure');
        const summary = fig.querySelector('p.summary');
        const details = fig.querySelector('details.numbers');
        const label = el.getAttribute('aria-label') || '';
        // the label is the text alternative (in the tagged PDF too): it states the data
        return [el.id, el.getAttribute('role'), label,
                summary && label.includes(summary.textContent.trim())
                    ? summary.textContent.trim().length : 0,
                details ? details.querySelector('summary').tabIndex : -99,
                details ? details.querySelectorAll('table tbody tr').length : 0];
    })""")
    assert len(charts) >= 10
    for fid, role, label, summary_len, tab, rows in charts:
        assert role == "img" and label, fid
        assert summary_len > 20, f"{fid} has no text summary in its label"
        assert tab >= 0 and rows > 0, f"{fid}: no numbers table reachable by keyboard"
    # tab to the first "Show the numbers" and open it with the keyboard
    first = page.locator("details.numbers > summary").first
    first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('details.numbers').open")
    page.context.close()


TECHNICAL = [r"\bg\s*=", r"\bCI\b", r"confidence interval", r"Cronbach", r"\balpha\b",
             r"Jaccard", r"\bE-I\b", r"p-value", r"\bp\s*[=<]", r"Hedges", r"Wilcoxon", r"ANOVA",
             r"η²", r"eta squared", r"\bd_z\b", r"\bg_av\b", r"standard deviation", r"\bHolm\b",
             r"response shift", r"then-test", r"regression to the mean", r"\battrition\b",
             r"quarantin", r"reverse-worded", r"\(s\)", r"\bn\s*=", r"Likert", r"\bSD\b",
             r"statistically significant", r"bootstrap", r"brokerage", r"Gould", r"Fernandez",
             r"coreness", r"Borgatti", r"percentile", r"\bliaison\b", r"gatekeeper",
             r"itinerant", r"periphery", r"\bdensity\b"]
INTERNAL = [r"\bc\d+\b", r"\b[a-z]+_[a-z0-9_]+\b", r"\b[PU]-[0-9a-f]{10,16}\b", r"\w@\d\b",
            r"\bitem_distribution\b", r"\bnot_on_roster\b"]


def test_commissioner_pages_speak_plain_english(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    visible = page.evaluate("""() => Array.from(document.querySelectorAll('section.page'))
        .filter(s => s.id !== 'methods').map(s => s.innerText).join('\\n')
        + '\\n' + document.querySelector('header.top').innerText""")
    hits = [(pattern, m.group(0)) for pattern in TECHNICAL + INTERNAL
            for m in [re.search(pattern, visible)] if m]
    assert hits == [], f"statistician's words or internal ids on the commissioner's pages: {hits}"
    # behind "Show the numbers" the figures may be technical, but ids never appear
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    everything = page.evaluate("""() => Array.from(document.querySelectorAll('section.page'))
        .filter(s => s.id !== 'methods').map(s => s.innerText).join('\\n')""")
    ids = [(pattern, m.group(0)) for pattern in INTERNAL for m in [re.search(pattern, everything)] if m]
    assert ids == [], f"internal ids in the numbers tables: {ids}"
    page.context.close()


# --------------------------------------------------------------------------- issue 14: my connections
@pytest.fixture(scope="session")
def personal_page(demo_personal) -> Path:
    """One participant's "my connections" page from the demo (the first in index.csv)."""
    need_browser()
    import pandas as pd

    index = pd.read_csv(demo_personal["personal"] / "index.csv", dtype=str)
    return demo_personal["personal"] / index["file"].iloc[0]


def _open_static(browser, path: Path, width: int, height: int = 900):
    """Open a page with no scripts: (page, console errors, non-file requests)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda req: foreign.append(req.url)
            if not req.url.startswith(("file://", "data:", "about:")) else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors, foreign


@pytest.mark.parametrize("width", [1280, 320])
def test_personal_page_is_small_static_accessible_and_fits_a_phone(browser, personal_page, width):
    from axe_playwright_python.sync_playwright import Axe

    assert personal_page.stat().st_size <= 1_000_000  # small enough for any mail gateway
    page, errors, foreign = _open_static(browser, personal_page, width)
    assert errors == [] and foreign == []
    assert page.locator(".personal-mark").inner_text().startswith("Personal — for ")
    assert page.locator(".ego-panel svg").count() == 2
    # no sideways scrolling, even 320 px wide
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    for opened in (False, True):
        if opened:
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    ARTIFACTS.mkdir(exist_ok=True)
    page.add_style_tag(content="nav.sections{position:static}")
    page.screenshot(path=str(ARTIFACTS / f"personal-page-{width}.png"), full_page=True)
    page.context.close()


def test_personal_page_knew_before_lines_toggle_from_the_keyboard(browser, personal_page):
    page, errors, _ = _open_static(browser, personal_page, 1280)
    toggle = page.locator(".ego-toggle")
    if not toggle.count():
        pytest.skip("this person named no one they knew before")

    def shown() -> list[str]:
        return page.evaluate("""() => Array.from(document.querySelectorAll('.rel-knew_before'))
            .map(l => getComputedStyle(l).display)""")

    assert shown() and set(shown()) != {"none"}  # drawn from the start
    page.keyboard.press("Tab")  # the skip link first, then the section links, then the box
    for _ in range(12):
        if page.evaluate("() => document.activeElement.classList.contains('ego-toggle')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('ego-toggle')")
    page.keyboard.press("Space")
    assert set(shown()) == {"none"}
    page.keyboard.press("Space")
    assert "none" not in set(shown())
    assert errors == []
    page.context.close()


# --------------------------------------------------------------------------- issue 19: beyond axe
def _set_details(page, opened: bool) -> None:
    page.evaluate(f"() => document.querySelectorAll('details').forEach(d => d.open = {str(opened).lower()})")
    page.wait_for_timeout(250)  # the page marks wide tables as scrolling regions on "toggle"


@pytest.mark.parametrize("width", [320, 390, 1024, 1440])
def test_no_sideways_scroll_at_any_width(browser, demo_dashboard, width):
    """WCAG 1.4.10: the page never scrolls sideways; a wide table scrolls in its own region,
    which the keyboard reaches and which is named; the section links stay compact."""
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard, width=width, height=800)
    _check_page(page, errors, foreign)
    for opened in (False, True):
        _set_details(page, opened)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width == width, (f"at {width}px, details {'open' if opened else 'closed'}, "
                                       f"the page is {scroll_width}px wide")
        regions = page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap'))
            .filter(w => w.clientWidth > 0 && w.scrollWidth > w.clientWidth + 1)
            .map(w => [w.getAttribute('tabindex'), w.getAttribute('role'),
                       w.getAttribute('aria-label') || ''])""")
        for tabindex, role, label in regions:
            assert tabindex == "0" and role == "region" and label.endswith("(scrolls sideways)"), \
                (width, tabindex, role, label)
        if width <= 390 and opened:
            assert regions, "no table scrolls in its own region on a phone: is the test right?"
    nav = page.evaluate("() => document.querySelector('nav.sections').getBoundingClientRect().height")
    assert nav <= 0.1 * 800 or width > 700, f"the section links take {nav:.0f}px at {width}px"
    if width <= 390:
        ARTIFACTS.mkdir(exist_ok=True)
        _set_details(page, False)
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"))
    page.context.close()


def _contrast(rgb_a: str, rgb_b: str) -> float:
    def lum(rgb: str) -> float:
        values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(rgb_a), lum(rgb_b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_keyboard_reaches_every_control_and_every_network_layer(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard, width=1440)
    _check_page(page, errors, foreign)
    page.evaluate("""() => {
        window.reached = new Set();
        document.addEventListener('focusin', e => window.reached.add(e.target));
        document.activeElement && document.activeElement.blur();
    }""")
    controls = page.evaluate("""() => Array.from(document.querySelectorAll(
            'a[href], button, summary, input, select, textarea, [tabindex]'))
        .filter(el => el.tabIndex >= 0 && el.getClientRects().length && !el.closest('.plot')).length""")
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
    missed = page.evaluate("""() => Array.from(document.querySelectorAll(
            'a[href], button, summary, input, select, textarea, [tabindex]'))
        .filter(el => el.tabIndex >= 0 && el.getClientRects().length && !el.closest('.plot')
                && !window.reached.has(el))
        .map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40))""")
    assert missed == [], f"not reached by the Tab key: {missed[:10]}"
    # every layer of every network picture is a button the keyboard can press
    layers = page.locator(".layers button[data-layer]")
    assert layers.count() >= 6, "the network pictures have no layer buttons"
    figures = page.evaluate("""() => Array.from(document.querySelectorAll('.plot')).filter(el =>
        (el.data || []).some(t => /^edges-/.test(t.legendgroup || ''))).map(el => el.id)""")
    assert figures and all(page.locator(f'.layers[data-figure="{f}"] button').count() for f in figures)
    knew = page.locator('.layers button[data-layer]', has_text="knew before").first
    fid = knew.evaluate("b => b.parentNode.getAttribute('data-figure')")
    shown = """(id) => { const el = document.getElementById(id);
        return el.data.filter(t => /^edges-knew_before-/.test(t.legendgroup || ''))
                      .map(t => t.visible === true); }"""
    assert knew.get_attribute("aria-pressed") == "false"
    assert not any(page.evaluate(shown, fid))
    knew.focus()
    page.keyboard.press("Space")
    assert knew.get_attribute("aria-pressed") == "true"
    assert all(page.evaluate(shown, fid))
    # colouring people by another group keeps the layer shown
    view = page.locator(f'.views[data-figure="{fid}"] button[data-view="1"]')
    view.focus()
    page.keyboard.press("Enter")
    assert all(page.evaluate(shown, fid)) and knew.get_attribute("aria-pressed") == "true"
    knew.focus()
    page.keyboard.press("Enter")
    assert knew.get_attribute("aria-pressed") == "false" and not any(page.evaluate(shown, fid))
    # the focus ring stands out from the white page by at least 3:1 (WCAG 1.4.11)
    ring = knew.evaluate("b => getComputedStyle(b).outlineColor")
    assert knew.evaluate("b => getComputedStyle(b).outlineStyle") != "none"
    assert _contrast(ring, "rgb(255, 255, 255)") >= 3, ring
    page.context.close()


@pytest.mark.parametrize("opened", [False, True])
def test_no_accessibility_violations_on_a_phone(browser, demo_dashboard, opened):
    """axe-core at 320px, with the tables' scrolling regions and a network layer switched on."""
    from axe_playwright_python.sync_playwright import Axe

    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard, width=320, height=700)
    _set_details(page, opened)
    page.locator(".layers button[data-layer]").first.click()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.context.close()


def test_print_says_nothing_about_clicking(browser, demo_dashboard):
    page, errors, foreign, _ = open_dashboard(browser, demo_dashboard)
    page.emulate_media(media="print")
    printed = page.evaluate("() => document.body.innerText")
    hits = re.findall(r"[^.\n]*\b(?:click(?:ed|ing)?|tap|press(?:ed|ing)?|buttons?|the key|"
                      r"hover(?:ing)?)\b[^.\n]*", printed, flags=re.I)
    assert hits == [], f"screen instructions in print: {hits[:5]}"
    page.context.close()
