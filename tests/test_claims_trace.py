"""Every number a reader sees is in the claims ledger, with its source row.

The dashboard is read in Chromium with every fold open (its visible text, and
the text drawn inside its charts), the board paper with pdftotext (every page,
appendices included) and with its tagged structure (each chart's text
alternative). Each number must be the ``shown`` text of a figure in
``claim_figures.csv`` that names its source table and row.

Allowed exceptions, and why:

- the header line and footers: cohort names ("Cohort 1"), waves named by day
  ("day 2"), aims' numbers ("Aim 1"), the suppression threshold, the roster's
  size, the made-on date, the version and page numbers (:data:`ALLOWED`);
- the axes' tick labels inside charts (a scale, not a finding): on the page by
  their class, in the PDF's text as a run of three or more evenly spaced
  numbers in a row ("1 1.5 2 2.5 3", "−100% −50% 0% 50% 100%"), see :func:`without_axes`;
- participants' own words (quotes, stories and the panels' reasons, marked
  ``data-quote`` in the page): shown exactly as written, so a number in them
  is theirs (the count beside a quote, "3 people said this", is a figure like
  any other).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"(?<![\w.])[−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
#: Numbers that are not findings, where they may appear (see the module docstring).
ALLOWED = [
    re.compile(r"Cohort \d+"), re.compile(r"[Dd]ay \d+"), re.compile(r"under \d+ people"),
    re.compile(r"\(\d[\d,]* people\) · surveys"),
    re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"), re.compile(r"evaluate \d+\.\d+\.\d+"),
    re.compile(r"Page \d+ of \d+"), re.compile(r"Aim \d+"),
]

#: The dashboard's text as a reader sees it: every fold open, participants' own words (marked
#: ``data-quote``) set aside, charts' axis ticks left out, the text drawn inside charts added.
_READ_PAGE = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const quotes = [];
    document.querySelectorAll('[data-quote]').forEach(q => {
        quotes.push(q.textContent);
        q.textContent = '';
    });
    document.querySelectorAll('.xtick, .ytick, .x2tick, .y2tick').forEach(t => t.remove());
    const drawn = Array.from(document.querySelectorAll('.plot svg text'))
        .map(t => t.textContent).join(' ');
    return [document.body.innerText + ' ' + drawn, quotes.join(' ')];
}"""


def _shown(figures: pd.DataFrame) -> set[str]:
    usable = figures[(figures["source_table"] != "") & (figures["source_key"] != "")]
    return {_norm(s) for s in usable["shown"]}


def _norm(token: str) -> str:
    # the csv keeps its formula guard: "+0.62" is written '+0.62
    return token.replace("−", "-").lstrip("'").lstrip("+")


_RUN = re.compile(r"(?:(?<![\w.])[−-]?\d+(?:\.\d+)?%?(?:\s+|$)){3,}")


def without_axes(text: str) -> str:
    """``text`` without axis tick labels: runs of 3+ numbers, each the last plus one step
    (a number just before the run, such as "Part 1" in "Part 1 1 1.5 2 …", is kept)."""
    def axis(m: re.Match) -> str:
        tokens = m.group(0).split()
        values = [float(t.replace("−", "-").rstrip("%")) for t in tokens]
        for start in range(len(values) - 2):
            steps = {round(b - a, 9) for a, b in zip(values[start:], values[start + 1:], strict=False)}
            if len(steps) == 1 and steps.pop() > 0:
                return " " + " ".join(tokens[:start]) + " "
        return m.group(0)
    return _RUN.sub(axis, text)


def untraced(text: str, shown: set[str], theirs: set[str] = frozenset()) -> list[str]:
    """Numbers in ``text`` that no figure of the ledger shows (after the allowed exceptions);
    ``theirs`` are numbers in participants' quotes."""
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    return [t for t in NUMBER.findall(text) if _norm(t) not in shown and t not in theirs]


@pytest.fixture(scope="module")
def ledger(demo_outputs):
    tables = Path(demo_outputs["dashboard"]).parent / "tables"
    return pd.read_csv(tables / "claim_figures.csv", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def page_text(browser, demo_outputs):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(Path(demo_outputs["dashboard"]).resolve().as_uri())
        page.wait_for_selector("body[data-rendered]", timeout=120_000)
        text, quotes = page.evaluate(_READ_PAGE)
    finally:
        page.close()
    return text, set(NUMBER.findall(quotes))


def test_untraced_finds_a_number_not_in_the_ledger():
    assert untraced("rose from 2.9 to 3.5 (62 people), Page 1 of 3", {"2.9", "3.5"}) == ["62"]
    assert untraced("“cut admin by 10%” — 3 people said this", {"3"}, {"10%"}) == []
    kept = without_axes("score 1 1.5 2 2.5 3 then 0.62 and −100% −50% 0% 50% 100% x 2 3 7 "
                        "Part 1 1 1.5 2")
    assert kept.split() == ["score", "then", "0.62", "and", "x", "2", "3", "7", "Part", "1"]


def test_every_number_on_the_dashboard_is_in_the_ledger(page_text, ledger):
    text, theirs = page_text
    assert len(NUMBER.findall(text)) > 2000  # the whole page was read
    missing = untraced(text, _shown(ledger), theirs)
    assert not missing, (len(missing), missing[:80])


def test_every_number_in_the_board_paper_is_in_the_ledger(browser, demo_outputs, ledger,
                                                           page_text, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from pypdf import PdfReader

    from evaluate.report.pdf import write_board_paper

    pdf = write_board_paper(demo_outputs["dashboard"], tmp_path / "evidence.pdf",
                            programme="Leading Beyond Boundaries",
                            generated="2026-01-01 09:00 UTC", version="9.9.9", browser=browser)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert "Cautions" in pages[0] and "Why this label" in pages[0]
    # pdftotext lays columns side by side: read words, not lines
    flat = " ".join(text.split())
    comparison = flat[flat.index("Compared with what?"):flat.index("Aim 1 — ")]
    assert len(NUMBER.findall(comparison)) >= 40
    shown = _shown(ledger)
    missing = untraced(without_axes(flat), shown, page_text[1])
    assert not missing, (len(missing), missing[:80])
    # each chart's text alternative in the tagged PDF states its data, from the ledger
    alts = _alternatives(PdfReader(str(pdf)))
    charts = [a for a in alts if len(NUMBER.findall(a)) >= 2]
    assert len(charts) >= 10, alts
    missing = untraced(" ".join(alts), shown)
    assert not missing, missing


def _alternatives(reader) -> list[str]:
    """The /Alt text of every element of the PDF's structure tree."""
    out, todo = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/Alt" in node:
                out.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                todo.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            todo.extend(node)
    return sorted(set(out))
