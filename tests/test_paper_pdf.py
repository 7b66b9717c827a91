"""The paper form prints on A4 and never splits a question between two pages.

Checked as a printer would see it: the Word file is converted to PDF by
LibreOffice (``soffice --headless --convert-to pdf``), ``pdfinfo`` gives the
page size, and ``pdftotext`` each page's text; every question's number and
title, and every answer and name it lists, must be on one page. Skipped
where LibreOffice or poppler is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from evaluate.instruments import load_instruments
from evaluate.privacy import new_salt
from evaluate.publish import publish
from evaluate.publish.form import cohort_members
from evaluate.publish.notice import load_notice
from evaluate.roster import read_roster

REPO = Path(__file__).resolve().parent.parent
TOOLS = ("soffice", "pdfinfo", "pdftotext")
pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                                reason="needs LibreOffice (soffice) and poppler-utils")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    inst = load_instruments(REPO / "instruments")
    members = cohort_members(read_roster(REPO / "sample_data" / "roster.csv", new_salt()), "c1")
    forms = {}
    notice = load_notice(REPO / "instruments")
    for ref in ("network@1", "post@1"):
        result = publish(inst[ref], "paper", out, members=members, cohort="c1",
                         published="2026-12-01", record=False, notice=notice)
        forms[ref] = (result.form, next(f for f in result.files if f.suffix == ".docx"))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{out}/lo",
                    "--convert-to", "pdf", "--outdir", str(out),
                    *(str(docx) for _, docx in forms.values())],
                   check=True, capture_output=True, timeout=240)
    return {ref: (form, docx.with_suffix(".pdf")) for ref, (form, docx) in forms.items()}


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [_flat(page) for page in text.split("\f")]


@pytest.mark.parametrize("ref", ["network@1", "post@1"])
def test_the_paper_form_is_a4_and_no_question_is_split_across_pages(pdfs, ref):
    form, pdf = pdfs[ref]
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    pages = _pages(pdf)
    assert "About this survey and your privacy" in pages[0]
    for q in form.questions:
        start = _flat(f"{q.number}. {q.title}")[:40]
        where = [k for k, page in enumerate(pages) if start in page]
        assert len(where) == 1, f"question {q.number} found on pages {where}"
        page = pages[where[0]]
        after = page[page.index(start):]
        for label in (*q.labels, *q.rows):
            assert _flat(label)[:25] in after, f"{ref} question {q.number}: {label!r} not on its page"
        assert f"[{q.item}]" not in page  # no item ids where respondents read
