"""Every number a reader sees in the findings is in the claims ledger, with its source row.

The dashboard's evidence cards (with their reasons, cautions and other measures),
the principles, the comparison and planning sections, and the methods' rule and glossary are
rendered from the ledger; so are page 1 of the board paper and its comparison
and planning pages. Each number in their visible text (the dashboard read
in Chromium with every fold open, the PDF with pdftotext) must be the
``shown`` text of a figure in ``claim_figures.csv`` that names its source table
and row. Allowed exceptions are listed in ``ALLOWED``.

Not yet covered (their numbers come from the analysis tables directly, not
through claims): the aim sections' charts and "Show the numbers" tables, who answered, the evidence matrix, reaction, voices and
the methods' tables.
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
#: Numbers that are not findings, where they may appear: the header line (cohort names,
#: waves as "day 1", the suppression threshold, people on the roster), the made-on date and
#: version, page footers, and the appendix letters' page.
ALLOWED = [
    re.compile(r"Cohort \d+"), re.compile(r"day \d+"), re.compile(r"under \d+ people"),
    re.compile(r"\(\d[\d,]* people\) · surveys"),
    re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"), re.compile(r"evaluate \d+\.\d+\.\d+"),
    re.compile(r"Page \d+ of \d+"), re.compile(r"Aim \d+"),
]


def _shown(figures: pd.DataFrame) -> set[str]:
    usable = figures[(figures["source_table"] != "") & (figures["source_key"] != "")]
    return {_norm(s) for s in usable["shown"]}


def _norm(token: str) -> str:
    # the csv keeps its formula guard: "+0.62" is written '+0.62
    return token.replace("−", "-").lstrip("'").lstrip("+")


def untraced(text: str, shown: set[str]) -> list[str]:
    """Numbers in ``text`` that no figure of the ledger shows (after the allowed exceptions)."""
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    return [t for t in NUMBER.findall(text) if _norm(t) not in shown]


@pytest.fixture(scope="module")
def ledger(demo_outputs):
    tables = Path(demo_outputs["dashboard"]).parent / "tables"
    figures = pd.read_csv(tables / "claim_figures.csv", keep_default_na=False, dtype=str)
    return figures


def test_untraced_finds_a_number_not_in_the_ledger():
    assert untraced("rose from 2.9 to 3.5 (62 people), Page 1 of 3", {"2.9", "3.5"}) == ["62"]


def test_every_number_in_the_dashboards_findings_is_in_the_ledger(browser, demo_outputs, ledger):
    shown = _shown(ledger)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.goto(Path(demo_outputs["dashboard"]).resolve().as_uri())
        page.wait_for_selector("body[data-rendered]", timeout=120_000)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        texts = {sel: page.locator(sel).all_inner_texts()
                 for sel in (".card", ".principles-block", "#comparison", "#planning",
                             "#methods .from-claims")}
    finally:
        page.close()
    assert all(texts.values()), {k: len(v) for k, v in texts.items()}
    missing = {sel: untraced(" ".join(t), shown) for sel, t in texts.items()}
    assert not any(missing.values()), missing


def test_every_number_on_the_board_papers_evidence_pages_is_in_the_ledger(browser, demo_outputs,
                                                                           ledger, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    from evaluate.report.pdf import write_board_paper

    pdf = write_board_paper(demo_outputs["dashboard"], tmp_path / "evidence.pdf",
                            programme="Leading Beyond Boundaries",
                            generated="2026-01-01 09:00 UTC", version="9.9.9", browser=browser)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    # pdftotext lays columns side by side: read words, not lines
    flat = " ".join(text.split())
    comparison = flat[flat.index("Compared with what?"):flat.index("Aim 1 — ")]
    planning = flat[flat.index("Planning the next cohort"):flat.index("Reaction to the sessions")]
    assert "Cautions" in pages[0] and "Why this label" in pages[0]
    # the tables are there (pdftotext splits their headings across lines, so count numbers)
    assert len(NUMBER.findall(comparison)) >= 40 and len(NUMBER.findall(planning)) >= 10
    missing = {where: untraced(" ".join(words.split()), _shown(ledger))
               for where, words in (("page 1", pages[0]), ("comparison", comparison),
                                    ("planning", planning))}
    assert not any(missing.values()), missing
