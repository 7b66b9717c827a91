"""The editable evaluation report: ``evaluation-report.docx``, a draft the evaluator finishes in Word.

Everything in it is rendered from the same result tables as the dashboard and
tables.xlsx — no figure is computed or reworded here — so the draft cannot
drift from the tables. It holds:

1. a title page (programme, cohorts and waves, date, version);
2. the summary of the evidence per aim: the claims ledger's findings
   (:mod:`evaluate.claims`: label, sentence and why, exactly as the
   dashboard's cards word them) and the contribution claim;
3. the contribution analysis per aim: each link with its evidence, the
   alternative explanations with what the data say, the gaps;
4. the stories of change the panels chose, only as their tellers consented;
5. every chart as a picture with its alternative text, its summary and its
   numbers as a table (pictures need Chromium, as the board paper does;
   without it the words and numbers are there and the report says why);
6. the data, methods and limitations.

Word's own structures carry the document, so it is accessible and takes a
trust's template: Title, Heading 1–3, List Bullet, Quote and Caption styles;
tables in "Table Grid" whose first row is marked as a header row
(``w:tblHeader``, repeated on each page and read as headers by screen
readers); pictures with alternative text (``wp:docPr/@descr``). Definitions
of methods use the paragraph style "Method definition" so that they can be
told apart from findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = ["write_evaluation_report", "METHOD_STYLE", "REPORT_NAME", "MAX_ROWS"]

REPORT_NAME = "evaluation-report.docx"
#: The width of the text on an A4 page with 2 cm margins.
TEXT_WIDTH_CM = 17.0
#: Rows of a chart's numbers shown in the report (the rest are in tables.xlsx).
MAX_ROWS = 40
#: The paragraph style of the methods' fixed definitions (not findings).
METHOD_STYLE = "Method definition"


# --------------------------------------------------------------------------- Word helpers
def _header_row(row) -> None:
    """Mark a table row as its header row (repeated on each page; a header for screen readers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    tr_pr.append(mark)


def _table(doc, headings: Sequence[str], rows: Sequence[Sequence], caption: str = "") -> None:
    if caption:
        doc.add_paragraph(caption, style="Caption")
    from docx.shared import Cm, Pt

    from evaluate.report.word_table import add_table

    texts = [["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in values]
             for values in rows]
    # columns as wide as their words need: each at least its longest word (up to 14
    # letters), the rest of the 17 cm shared by how much text each column holds
    floors, wants = [], []
    for n, heading in enumerate(headings):
        words = str(heading).split() + [w for t in texts for w in t[n].split()]
        floors.append(0.2 * min(max([len(w) for w in words] + [3]), 14) + 0.4)
        lengths = [len(t[n]) for t in texts] or [0]
        wants.append(min(sum(lengths) / len(lengths), 60))
    spare = max(TEXT_WIDTH_CM - sum(floors), 0.0)
    total_want = sum(wants) or 1.0
    scale = min(1.0, TEXT_WIDTH_CM / sum(floors))
    widths = [Cm(floors[n] * scale + spare * wants[n] / total_want) for n in range(len(headings))]
    table = add_table(doc, headings, texts, widths, size=Pt(9))
    _header_row(table.rows[0])
    doc.add_paragraph()


def _page_table(doc, table, caption: str = "") -> None:
    """A dashboard :class:`~evaluate.report.table.Table` (cells already formatted) as a Word table.

    At most :data:`MAX_ROWS` rows, saying how many more tables.xlsx holds.
    """
    if table is None or not table.rows:
        return
    _table(doc, [c.heading for c in table.columns], [r.cells for r in table.rows[:MAX_ROWS]],
           caption or table.caption)
    if len(table.rows) > MAX_ROWS:
        doc.add_paragraph("Only the first rows are shown here; tables.xlsx and the dashboard's "
                          "“Show the numbers” have them all.")
    if table.more:
        doc.add_paragraph(table.more)


def _picture(doc, path: Path, title: str, alt: str) -> None:
    from docx.shared import Cm

    doc.add_picture(str(path), width=Cm(TEXT_WIDTH_CM))
    doc_pr = doc.paragraphs[-1]._p.xpath(".//wp:docPr")
    if doc_pr:
        doc_pr[0].set("descr", alt)
        doc_pr[0].set("title", title)


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    if METHOD_STYLE not in [s.name for s in doc.styles]:
        style = doc.styles.add_style(METHOD_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]


# --------------------------------------------------------------------------- sections
def _title_page(doc, page) -> None:
    from docx.enum.text import WD_BREAK

    from evaluate.report.sections import header_facts

    ctx = page.context
    doc.add_paragraph(ctx.get("programme") or "Programme evaluation", style="Title")
    doc.add_paragraph("Evaluation report (draft)", style="Subtitle")
    for fact in header_facts(page):
        doc.add_paragraph(fact[:1].upper() + fact[1:] + ".")
    doc.add_paragraph(f"Made on {ctx.get('generated_at') or 'an unknown date'} with evaluate "
                      f"{ctx.get('software_version') or ''}.".replace(" .", "."))
    doc.add_paragraph(
        "This draft is for the evaluator to finish. Its figures come from the same tables as "
        "the dashboard and tables.xlsx: reword freely, restyle it with your organisation's "
        "template (it uses Word's own heading, list, quote and table styles), but check any "
        "figure against tables.xlsx before changing it.")
    doc.paragraphs[-1].runs[-1].add_break(WD_BREAK.PAGE)


def _aims(page) -> list[tuple[str, str]]:
    from evaluate.report.sections.common import aim_heading

    return [(a.id, aim_heading(a.id)(page)) for a in page.context.get("aims") or []]


def _summary(doc, page) -> None:
    """Per aim, the claims ledger's findings (label, sentence, why), then the contribution claim."""
    doc.add_heading("Summary of the evidence per aim", level=1)
    claims = page.table("claims")
    contribution = page.table("contribution_claims")
    findings = (claims[(claims["kind"] == "finding") & (claims["section"] == "overview")]
                .sort_values("order", kind="stable") if claims is not None else None)
    for aim_id, heading in _aims(page):
        doc.add_heading(heading, level=2)
        full = next((a.title for a in page.context.get("aims") or [] if a.id == aim_id), "")
        if full:
            doc.add_paragraph(full, style="Subtitle")
        mine = findings[findings["aim"] == aim_id] if findings is not None else None
        if mine is None or not len(mine):
            doc.add_paragraph("No finding on this aim yet.")
        for c in (mine.itertuples(index=False) if mine is not None else ()):
            p = doc.add_paragraph(style="List Bullet")
            if str(c.label):
                p.add_run(f"{c.label}. ").bold = True
            p.add_run(str(c.text))
            reasons = [r for r in str(c.reasons or "").split(" | ") if r]
            if reasons:
                doc.add_paragraph("Why: " + " ".join(r if r.endswith(".") else r + "."
                                                      for r in reasons))
        if contribution is not None and len(row := contribution[contribution["aim"] == aim_id]):
            doc.add_paragraph(str(row["claim"].iloc[0]))


def _contribution(doc, page) -> None:
    doc.add_heading("Contribution analysis", level=1)
    doc.add_paragraph(
        "Participants were not assigned to the programme at random, so this report claims "
        "contribution, not attribution (Mayne 2008): for each aim, the theory of change in the "
        "logic model, the evidence for each of its links, the other explanations a sceptic "
        "would offer and what the data say about each, and the links with no evidence yet.")
    links = page.table("contribution_links")
    alts = page.table("contribution_alternatives")
    claims = page.table("contribution_claims")
    if links is None:
        doc.add_paragraph("No logic model in programme.yaml, so no contribution analysis.")
        return
    for aim_id, heading in _aims(page):
        doc.add_heading(heading, level=2)
        if claims is not None and len(c := claims[claims["aim"] == aim_id]):
            doc.add_paragraph(str(c["claim"].iloc[0]))
        mine = links[links["aim"] == aim_id]
        doc.add_heading("The links and the evidence for each", level=3)
        _table(doc, ["Level", "Outcome", "Indicator", "Source", "Evidence", "Strength"],
               [[("" if pd.isna(r.level) else f"{int(r.level)} {r.level_name}"),
                 r.outcome_title, r.indicator_title, r.source, r.evidence, r.strength]
                for r in mine.itertuples(index=False)])
        if alts is not None:
            doc.add_heading("Other explanations and what the data say", level=3)
            a = alts[alts["aim"] == aim_id]
            _table(doc, ["Other explanation", "What would rule it out", "What the data say",
                         "Verdict"],
                   [[r.explanation, r.ruled_out_by, r.evidence, r.verdict]
                    for r in a.itertuples(index=False)])
        doc.add_heading("Gaps", level=3)
        gaps = mine[mine["status"] != "evidence"]
        if len(gaps):
            for g in gaps.itertuples(index=False):
                name = g.indicator_title or g.outcome_title
                doc.add_paragraph(f"{name}: {g.evidence}", style="List Bullet")
        else:
            doc.add_paragraph("Every link has some evidence.")


def _stories(doc, page) -> None:
    from evaluate.report.sections.stories import chosen_by_aim, stories_method, story_counts_table

    doc.add_heading("Stories of change", level=1)
    method = stories_method(page)
    if not method:
        doc.add_paragraph("No stories of change were collected.")
        return
    doc.add_paragraph(method)
    for domain in chosen_by_aim(page):
        doc.add_heading(domain["title"], level=2)
        doc.add_paragraph(f"Chosen by the {domain['level']}.")
        for s in domain["stories"]:
            doc.add_heading(s["title"] or "A story not to be quoted", level=3)
            if s["quoted"]:
                doc.add_paragraph(s["text"], style="Quote")
                if s["significance"]:
                    doc.add_paragraph(f"Why it matters to the storyteller: {s['significance']}")
            else:
                doc.add_paragraph("The storyteller did not agree to have this story quoted: "
                                  "only the panel's reasons are given.")
            for who, why in s["reasons"]:
                doc.add_paragraph(f"Why the {who} chose it: {why}")
            if s["verification"]:
                doc.add_paragraph(f"Checked: {s['verification']}")
    _page_table(doc, story_counts_table(page), "Stories told in each domain")


def _charts(doc, page, images: dict[str, Path], why_none: str) -> None:
    doc.add_heading("Charts and their numbers", level=1)
    doc.add_paragraph("Each chart of the dashboard, with the sentence that describes it and the "
                      "numbers it shows." + (f" Note: {why_none}; open dashboard.html to see them."
                                             if why_none else ""))
    for f in page.figures:
        doc.add_heading(f.title, level=2)
        if f.id in images:
            _picture(doc, images[f.id], f.title, f.summary)
        doc.add_paragraph(f.summary)
        if f.note:
            doc.add_paragraph(f.note)
        _page_table(doc, f.table, f"The numbers: {f.title}")


def _methods(doc, page) -> None:
    from evaluate.report.sections.methods import TESTS_TEXT

    doc.add_heading("Methods and limitations", level=1)
    doc.add_heading("Data", level=2)
    imports = page.claims("methods")
    imports = imports[imports["claim_id"] == "text:methods:imports"]
    for text in imports["text"]:  # the dashboard's words, from the claims ledger
        doc.add_paragraph(str(text))
    doc.add_heading("Methods", level=2)
    for term, text in TESTS_TEXT:
        p = doc.add_paragraph(style=METHOD_STYLE)
        p.add_run(f"{term}. ").bold = True
        p.add_run(text)
    from evaluate.report.sections.stories import stories_method

    if method := stories_method(page):
        p = doc.add_paragraph()
        p.add_run("Stories of change. ").bold = True
        p.add_run(method)
    doc.add_heading("Limitations", level=2)
    statements = page.table("statements")
    cautions = []
    if statements is not None and "cautions" in statements.columns:
        for text in statements["cautions"].dropna().astype(str):
            for sentence in (s.strip() for s in text.split(". ") if s.strip()):
                sentence = sentence if sentence.endswith(".") else sentence + "."
                if sentence not in cautions:
                    cautions.append(sentence)
    for sentence in cautions:
        doc.add_paragraph(sentence, style="List Bullet")
    if not cautions:
        doc.add_paragraph("No caution applies to the survey results.")
    doc.add_heading("Privacy", level=2)
    doc.add_paragraph(
        f"Names and emails were replaced by pseudonymous ids at import and appear nowhere in "
        f"this report. Any group of fewer than {page.min_group_size} people is suppressed. "
        "Free text, and stories, are shown only from people who agreed to be quoted; no "
        "storyteller is named.")


def write_evaluation_report(results, context: dict, path: str | Path, *, page=None,
                            dashboard: str | Path | None = None,
                            images: dict[str, Path] | None = None, why_none: str = "") -> Path:
    """Write ``evaluation-report.docx`` (see the module) and return its path.

    Parameters
    ----------
    results : dict of DataFrame
        The analysis tables (as for the dashboard).
    context : dict
        What the report knows besides the tables (see ``build_report``).
    path : path
        The file to write.
    page : Page, optional
        The dashboard's page, already drawn (its figures); drawn here when not given.
    dashboard : path, optional
        The dashboard.html whose charts are photographed for the pictures.
    images : dict, optional
        Pictures already taken (figure id → PNG); skips Chromium.
    why_none : str, optional
        With ``images``: why charts have no picture, as
        :func:`~evaluate.report.chart_images.chart_images` says it.
    """
    from docx import Document

    if page is None:
        from evaluate.report.dashboard import draw_dashboard

        _, page = draw_dashboard(results, context)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if images is None:
        if dashboard is None:
            images, why_none = {}, "the charts are drawn only from a dashboard.html"
        else:
            import tempfile

            from evaluate.report.chart_images import chart_images

            tmp = Path(tempfile.mkdtemp(prefix="evaluate-charts-"))
            images, why_none = chart_images(dashboard, [f.id for f in page.figures], tmp)
    from evaluate.report.word_table import remember_style_ids

    doc = Document()
    _styles(doc)
    remember_style_ids(doc)  # python-docx would search styles.xml for every paragraph
    from docx.shared import Cm

    for section in doc.sections:  # A4, as NHS and council templates are
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
    doc.core_properties.title = f"{context.get('programme') or 'Programme'} — evaluation report"
    doc.core_properties.author = "evaluate"
    _title_page(doc, page)
    _summary(doc, page)
    _contribution(doc, page)
    _stories(doc, page)
    _charts(doc, page, images, why_none)
    _methods(doc, page)
    doc.save(str(path))
    if images:
        import shutil

        shutil.rmtree(next(iter(images.values())).parent, ignore_errors=True)
    return path
