"""The board paper: `evaluate report --pdf` prints the dashboard to evidence.pdf.

Needs Chromium and Playwright, like the browser test (skipped without them
unless EVALUATE_REQUIRE_BROWSER=1). The text of each page is read back with
pypdf: page 1 must hold the evidence cards and the principles, every chart's
finding and its note must be on the same page (no chart split by a page
break), and every page has the footer. Each page is written as a PNG to
test-artifacts/ (with pdftoppm, when installed) for people to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS

pytestmark = pytest.mark.browser


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def board_paper(browser, demo_outputs, tmp_path_factory):
    from evaluate.report.pdf import write_board_paper

    out = tmp_path_factory.mktemp("pdf") / "evidence.pdf"
    write_board_paper(demo_outputs["dashboard"], out, programme="Leading Beyond Boundaries",
                      generated="2026-01-01 09:00 UTC", version="9.9.9", browser=browser)
    return out


@pytest.fixture(scope="module")
def pages(board_paper) -> list[str]:
    from pypdf import PdfReader

    return [_flat(p.extract_text() or "") for p in PdfReader(board_paper).pages]


def _appendix_start(pages: list[str]) -> int:
    """The index of the page where Appendix A begins (the board paper is the pages before)."""
    return next(i for i, text in enumerate(pages) if "Appendix A — " in text)


def test_board_paper_fits_twelve_pages_with_the_cards_on_page_one(pages, board_paper):
    paper = _appendix_start(pages)
    assert 1 < paper <= 12, f"the board paper has {paper} pages before the appendix"
    first = pages[0]
    for words in ("Leading Beyond Boundaries", "System leadership", "Network and trust",
                  "System innovation", "Moderate evidence", "Why this label", "Cautions",
                  "Appendix A", "likely between", "assuming that those who did not answer"):
        assert words in first, f"page 1 lacks {words!r}"
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in text
        assert "2026-01-01 09:00 UTC" in text and "evaluate 9.9.9" in text
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(board_paper, ARTIFACTS / "evidence.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(board_paper),
                        str(ARTIFACTS / "evidence-page")], check=True)


def test_every_label_printed_has_its_reasons_in_appendix_d(pages):
    """The comparison table and the evidence at each level print labels alone; Appendix D
    gives each its reasons (the Coach approach's limited evidence: drop-out bias and groups
    that did not start alike; the change-challenge statement's weak evidence: no clear change)."""
    start = next(i for i, text in enumerate(pages) if "Appendix D — Why each label" in text)
    appendix = " ".join(pages[start:])
    for words in ("Why this label", "Coach approach", "drop-out bias",
                  "moving back towards it", "Ties crossing organisations",
                  "one statement answered before and after", "no clear change, once the number"):
        assert words in appendix, f"Appendix D lacks {words!r}"
    assert "Appendix D every strength of evidence" in pages[0]


def test_board_paper_holds_the_evidence_the_screen_holds(pages):
    paper = " ".join(pages[:_appendix_start(pages)])
    # the comparison table, the planning (only for changes counted as evidence), the matrix
    for words in ("Compared with what?", "Programme group's change", "Started alike?",
                  "Strength of evidence", "Planning the next cohort", "Not planned for",
                  "Evidence at each level"):
        assert words in paper, f"the board paper lacks {words!r}"
    # no screen instructions in print
    for words in ("click the key", "Click the key", "Show the numbers"):
        assert words not in paper, words
    rest = " ".join(pages[_appendix_start(pages):])
    assert "Appendix C — Data and methods" in rest and "How strong is the evidence?" in rest
    # the stories the panels chose, with their reasons, follow the voices
    assert "Appendix B — Stories of change" in rest
    assert "Why the Programme board (round 2) chose it" in rest
    assert "Working tie" in rest and "not_on_roster" not in rest


def test_board_paper_is_tagged_with_an_outline_and_a_language(board_paper):
    from pypdf import PdfReader

    reader = PdfReader(board_paper)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # pdfinfo: "Tagged: yes"
    assert "/StructTreeRoot" in root
    assert str(root.get("/Lang", "")).startswith("en")
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(reader.outline)
    for heading in ("Overview", "Compared with what?", "Planning the next cohort",
                    "Appendix A — Voices", "Appendix B — Stories of change",
                    "Appendix C — Data and methods"):
        assert heading in titles, f"the outline lacks {heading!r}"


def test_no_chart_is_split_across_pages(pages, demo_outputs):
    html = Path(demo_outputs["dashboard"]).read_text(encoding="utf-8")
    # blocks for the screen only (their numbers are in the tables) are not printed
    html = re.sub(r"<div [^>]*data-screen-only.*?<!-- end screen-only -->", "", html, flags=re.S)
    figures = re.findall(r'<figcaption class="chart-title" id="(fig-[^"]+)-title">([^<]+)'
                         r'</figcaption>.*?<p class="note">([^<]+)</p>', html, flags=re.S)
    assert len(figures) >= 10
    import html as html_lib

    for fid, title, note in figures:
        title, note = _flat(html_lib.unescape(title))[:60], _flat(html_lib.unescape(note))[:60]
        on = [i for i, text in enumerate(pages) if title in text]
        assert on, f"{fid}: its finding is not in the board paper"
        page = pages[on[0]]
        assert note in page[page.index(title):], f"{fid} is split across pages {on[0] + 1}–"
