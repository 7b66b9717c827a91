"""evaluation-report.docx: Word structures, pictures with alt text, and every number traced to the tables."""

from __future__ import annotations

import html
import math
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from evaluate.report.word import METHOD_STYLE
from tests.conftest import SAMPLE

NUMBER = re.compile(r"(?<![\w.])[−-]?\d[\d,]*(?:\.\d+)?%?")
CITATION = re.compile(r"[A-Z][a-z]+(?: & [A-Z][a-z]+)?,? (?:19|20)\d\d")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SECTIONS = ["Summary of the evidence per aim", "Contribution analysis", "Stories of change",
            "Charts and their numbers", "Methods and limitations"]


@pytest.fixture(scope="module")
def docx_path(demo_outputs):
    return demo_outputs["docx"]


@pytest.fixture(scope="module")
def doc(docx_path):
    return Document(str(docx_path))


def _tokens(text: str) -> list[str]:
    text = CITATION.sub("", text)
    return [t.replace("−", "").replace("-", "").replace(",", "") for t in NUMBER.findall(text)]


def _known(tables: dict[str, pd.DataFrame], imports: pd.DataFrame) -> set[str]:
    """Every number the stored tables hold, as the report may print it, and the numbers in their words."""
    known: set[str] = set()
    for name, table in tables.items():
        if name in ("scale_scores", "network_people", "network_layout_nodes",
                    "network_layout_edges"):
            continue
        for col in table.columns:
            for v in pd.unique(table[col].to_numpy(dtype=object)):
                if isinstance(v, (bool, np.bool_)):
                    continue
                if isinstance(v, (int, np.integer)):
                    known.add(str(abs(int(v))))
                elif isinstance(v, (float, np.floating)) and math.isfinite(v):
                    for d in range(4):
                        known.add(f"{abs(v):.{d}f}")
                        known.add(f"{abs(v) * 100:.{d}f}%")
                elif isinstance(v, str):
                    known.update(_tokens(v))
    from evaluate.records import import_totals

    known.update(str(n) for n in import_totals(imports).values())  # the totals the dashboard shows
    known.add(str(len(imports)))
    return known


def test_headings_and_title_are_word_styles(doc, docx_path):
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Title", "Leading Beyond Boundaries")
    assert [t for s, t in styles if s == "Heading 1"] == SECTIONS
    assert ("Heading 2", "Aim 1 — System leadership") in styles
    assert ("Heading 3", "Other explanations and what the data say") in styles
    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode("utf-8")
    assert xml.count('<w:pStyle w:val="Heading1"/>') == len(SECTIONS)
    assert '<w:pStyle w:val="Heading2"/>' in xml and '<w:pStyle w:val="Quote"/>' in xml


def test_every_table_has_a_real_header_row(doc):
    assert len(doc.tables) > 10
    for table in doc.tables:
        rows = table._tbl.findall(f"{W}tr")
        marked = [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows]
        assert marked[0] and not any(marked[1:])
        assert all(run.bold for c in table.rows[0].cells for p in c.paragraphs for run in p.runs)


def test_pictures_have_alternative_text(doc, docx_path):
    from evaluate.report.pdf import find_chromium

    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode("utf-8")
    pictures = re.findall(r"<wp:docPr [^>]*>", xml)
    try:
        import playwright  # noqa: F401
        drawn = find_chromium() is not None
    except ImportError:
        drawn = False
    if drawn:
        assert len(pictures) >= 10
    else:
        assert "the charts are not drawn here because" in "\n".join(p.text for p in doc.paragraphs)
    for pic in pictures:
        alt = re.search(r'descr="([^"]+)"', pic)
        assert alt and len(alt.group(1)) > 20, pic


def test_every_number_in_the_text_is_in_the_tables(doc, demo_outputs):
    """The trace test: each number a reader sees comes from the claims ledger or a stored table.

    The findings per aim (and why each is labelled as it is) are traced to the
    claims ledger's figures with a source row, as the board paper's are; the
    other paragraphs and the contribution and stories tables to the stored
    analysis tables; the charts' number tables must be the dashboard's own cells.
    The methods' fixed definitions (style "Method definition") and the line with
    the date and version are not findings.
    """
    from evaluate.analysis import report_context, stored_results
    from evaluate.workspace import Workspace

    ws = Workspace.open(demo_outputs["workspace"])
    context = report_context(ws)
    known = _known(dict(stored_results(ws).tables), context["imports"])
    figures = pd.read_csv(demo_outputs["csv"] / "claim_figures.csv", keep_default_na=False,
                          dtype=str)
    sourced = figures[(figures["source_table"] != "") & (figures["source_key"] != "")]
    ledger = {t.replace("−", "").replace("-", "").lstrip("'").lstrip("+").replace(",", "")
              for t in sourced["shown"]}
    missing, section, findings = [], "", 0
    for p in doc.paragraphs:
        if p.style.name == "Heading 1":
            section = p.text
        if p.style.name == METHOD_STYLE or p.text.startswith("Made on "):
            continue
        if section == SECTIONS[0] and (p.style.name == "List Bullet" or p.text.startswith("Why: ")):
            # the findings per aim come from the claims ledger: each number is a figure of it
            findings += 1
            missing += [(t, p.text[:80]) for t in _tokens(p.text) if t not in ledger]
        else:
            missing += [(t, p.text[:80]) for t in _tokens(p.text) if t not in known]
    assert findings >= 10
    dashboard = html.unescape(demo_outputs["dashboard"].read_text(encoding="utf-8"))
    body = doc.element.body
    heading = ""
    for element in body.iterchildren():
        if element.tag == f"{W}p":
            style = element.find(f"{W}pPr/{W}pStyle")
            if style is not None and style.get(f"{W}val") == "Heading1":
                heading = "".join(t.text or "" for t in element.iter(f"{W}t"))
        elif element.tag == f"{W}tbl":
            cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in element.iter(f"{W}tc")]
            if heading == "Charts and their numbers":
                missing += [(c, "chart table") for c in cells if c and c not in dashboard]
            else:
                missing += [(t, c[:60]) for c in cells for t in _tokens(c) if t not in known]
    assert not missing, missing[:20]
    used = [p for p in doc.paragraphs if p.style.name == METHOD_STYLE]
    assert used and all("." in p.text for p in used)


def test_the_chosen_stories_are_in_it_and_a_story_not_shared_is_not(doc, docx_path,
                                                                  demo_outputs):
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Stepping back to see the whole pathway" in text
    assert "Why the Programme board (round 2) chose it:" in text
    # read the sample exports: every story whose teller did not share it
    unshared = []
    for cohort in ("c1", "c2"):
        rows = list(load_workbook(SAMPLE / cohort / f"stories-{cohort}-msforms.xlsx").active.values)
        heads = list(rows[0])
        share = next(i for i, h in enumerate(heads) if str(h).startswith("May we share"))
        story = next(i for i, h in enumerate(heads) if str(h).startswith("Looking back"))
        unshared += [r[story] for r in rows[1:] if r[share] == "No"]
    assert unshared
    xml = zipfile.ZipFile(docx_path).read("word/document.xml").decode("utf-8")
    dashboard = demo_outputs["dashboard"].read_text(encoding="utf-8")
    for story in unshared:
        first_words = html.escape(story[:40])
        assert first_words not in xml and first_words not in dashboard
