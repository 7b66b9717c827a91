"""Stories of change: import with consent honoured, the panel's workbook, rounds recorded and undone."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evaluate.analysis import analyse_and_store, report_context
from evaluate.cli import cli
from evaluate.errors import ReadError, WorkspaceError
from evaluate.ingest.pipeline import ingest_into
from evaluate.report.build import build_report
from evaluate.report.word import write_evaluation_report
from evaluate.stories import collect_stories, panel_rounds, story_selection
from evaluate.stories.workbook import ABOUT_SHEET, HEADINGS, read_panel_workbook
from evaluate.workspace import Workspace

NOT_SHARED = "Zebra crossing secret: my director blocked the whole thing"
PANEL_ONLY = "Okapi story: the panel may read this but no report may quote it"
QUOTABLE = "Aardvark story: we opened a joint clinic with the council"
PEOPLE = [  # name, email, domain, story, why, share, quote
    ("Jo Smith", "jo.smith@example.nhs.uk", "System leadership",
     QUOTABLE + "; ask Ann Lee (ann.lee@example.gov.uk) how it went", "It changed how I lead",
     "Yes", "Yes"),
    ("Ann Lee", "ann.lee@example.gov.uk", "Network and trust", NOT_SHARED, "It hurt", "No", "Yes"),
    ("Sam Patel", "sam.patel@example.org", "System innovation", PANEL_ONLY, "Hard won",
     "Yes", "No"),
    ("Kim Ode", "kim.ode@example.nhs.uk", "System leadership", "Kudu story: chaired differently",
     "Heard", "Yes", "Yes"),
    ("Lee Ray", "lee.ray@example.nhs.uk", "Network and trust", "Lynx story: one phone call",
     "Trust", "Yes", "Yes"),
    ("Max Roe", "max.roe@example.nhs.uk", "Something else", "Marmot story: a new role",
     "Career", "Yes", "Yes"),
]
ITEMS = ["Which area of change is your story about?", "Give your story a short title",
         "Your story", "Why is this the most significant change for you?",
         "May we share your story with the panel?", "May we quote your story?"]


@pytest.fixture
def ws(tmp_path):
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "email", "cohort", "organisation", "sector", "place", "role"])
        for n, (name, email, *_rest) in enumerate(PEOPLE):
            w.writerow([name, email, "c1", f"Org {n % 3}", "NHS", "Luton", "Manager"])
    export = tmp_path / "stories.csv"
    with export.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Response ID", "Email", *ITEMS])
        for n, (_name, email, domain, story, why, share, quote) in enumerate(PEOPLE, start=1):
            w.writerow([f"R_{n}", email, domain, f"Title {n}", story, why, share, quote])
    space = Workspace.init(tmp_path / "ws", roster=roster)
    ingest_into(space, export, "stories@1", cohort="c1", wave="follow_up")
    return space


def texts(folder: Path) -> str:
    """Every word in every file under ``folder`` (xlsx and docx unzipped)."""
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                out += [z.read(n).decode("utf-8", "replace") for n in z.namelist()
                        if n.endswith(".xml")]
        elif path.suffix in (".html", ".csv", ".txt", ".json", ".md"):
            out.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(out)


def fill(path: Path, chosen: dict[str, str], *, panel="Cohort team", date="2026-01-10",
         verification: dict[str, str] | None = None) -> Path:
    """Fill a panel workbook as a panel would: Yes and reasons for ``chosen`` (by title)."""
    wb = load_workbook(path)
    for row in wb[ABOUT_SHEET].iter_rows(min_col=1, max_col=2):
        if row[0].value == "Panel (who decided)":
            row[1].value = panel
        elif row[0].value == "Date the panel met":
            row[1].value = date
    for sheet in wb.worksheets[1:]:
        heads = [c.value for c in sheet[1]]
        col = {f: heads.index(HEADINGS[f]) for f in ("title", "selected", "reasons",
                                                      "verification")}
        for cells in sheet.iter_rows(min_row=2):
            title = cells[col["title"]].value
            cells[col["selected"]].value = "Yes" if title in chosen else "No"
            if title in chosen:
                cells[col["reasons"]].value = chosen[title]
                cells[col["verification"]].value = (verification or {}).get(title)
    wb.save(path)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_stories_import_scrubbed_with_consent(ws):
    everyone = collect_stories(ws)
    assert len(everyone) == len(PEOPLE)
    [unshared] = everyone[~everyone["shared"]].itertuples(index=False)
    # a story not shared keeps no words at all, not even its title
    assert pd.isna(unshared.text) and pd.isna(unshared.title) and pd.isna(unshared.significance)
    assert unshared.domain == "aim2" and not unshared.quotable
    stories = everyone[everyone["shared"]].set_index("title")
    first = stories.loc["Title 1"]
    assert first["domain"] == "aim1" and bool(first["quotable"])
    # a colleague's name and email inside a story are hidden at import
    assert "Ann Lee" not in first["text"] and "ann.lee@" not in first["text"]
    assert first["text"].count("[personal data hidden]") == 2
    # one shared but not agreed to be quoted is not quotable
    assert stories.loc["Title 3", "shared"] and not stories.loc["Title 3", "quotable"]
    assert stories.loc["Title 6", "domain"] == "other"
    # the ids say nothing about who wrote them, and are the same in any workspace
    assert stories.index.is_unique and stories["story"].str.fullmatch(r"S-[0-9a-f]{8}").all()


def test_a_story_without_consent_appears_in_no_output(ws, tmp_path):
    out = tmp_path / "out"
    assert run("stories", "select", ws.path, "--out", out / "panel").exit_code == 0
    panel = out / "panel" / "panel-round-1.xlsx"
    fill(panel, {"Title 1": "Clear change", "Title 3": "Hard won, and checked"})
    result = run("stories", "record", ws.path, panel)
    assert result.exit_code == 0, result.output
    results = analyse_and_store(ws)
    context = report_context(ws)
    build_report(results, context, out / "report")
    write_evaluation_report(results, context, out / "report" / "evaluation-report.docx",
                            images={})
    everything = texts(out)
    assert "Zebra" not in everything  # not shared: nowhere, not even the panel's workbook
    stored = "\n".join(str(t.to_dict()) for t in results.values())
    assert "Zebra" not in stored
    assert "Okapi" in texts(out / "panel")  # shared with the panel: in its workbook only
    assert "Okapi" not in texts(out / "report") and "Okapi" not in stored
    assert "Aardvark" in texts(out / "report")  # chosen and quotable: in the report
    for name, email, *_ in PEOPLE:
        assert name not in everything and email not in everything


def test_panel_round_recorded_and_undone(ws, tmp_path):
    assert run("stories", "select", ws.path, "--out", tmp_path, "--level", "Cohort team"
               ).exit_code == 0
    path = fill(tmp_path / "panel-round-1.xlsx",
                {"Title 1": "Shows leading differently; told us at max.roe@example.nhs.uk",
                 "Title 5": "A relationship that changed an outcome"},
                verification={"Title 1": "Checked with Kim Ode"})
    result = run("stories", "record", ws.path, path)
    assert result.exit_code == 0 and "Recorded round 1 (Cohort team, Cohort team)" in result.output
    [recorded] = panel_rounds(ws)
    assert recorded["decided"] == "2026-01-10" and recorded["file"] == "panel-round-1.xlsx"
    chosen = story_selection(ws)
    assert chosen["selected"].sum() == 2 and len(chosen) == 5  # the 5 shared stories
    words = " ".join(chosen["reasons"]) + " ".join(chosen["verification"])
    assert "max.roe@" not in words and "Kim Ode" not in words  # hidden before they are stored
    history = run("history", ws.path)
    assert "story panel round 1 recorded" in history.output
    undo = run("undo", ws.path)
    assert undo.exit_code == 0 and "Undid panel round 1" in undo.output
    assert panel_rounds(ws) == [] and story_selection(ws).empty
    assert "change 2 undone (panel round 1)" in run("history", ws.path).output
    # recorded again after the undo, it is round 1 once more
    assert run("stories", "record", ws.path, path).exit_code == 0
    assert [r["round"] for r in panel_rounds(ws)] == [1]


def test_two_rounds_in_sequence(ws, tmp_path):
    run("stories", "select", ws.path, "--out", tmp_path, "--level", "Cohort team")
    first = fill(tmp_path / "panel-round-1.xlsx",
                 {"Title 1": "Leading", "Title 5": "Trust", "Title 6": "A role"})
    assert run("stories", "record", ws.path, first).exit_code == 0
    result = run("stories", "select", ws.path, "--out", tmp_path, "--level", "Programme board")
    assert "round 2 (Programme board), 3 stories" in result.output
    wb = load_workbook(tmp_path / "panel-round-2.xlsx")
    rows = [r for s in wb.worksheets[1:] for r in s.iter_rows(min_row=2, values_only=True)]
    assert sorted(r[1] for r in rows) == ["Title 1", "Title 5", "Title 6"]
    heads = [c.value for c in wb.worksheets[1][1]]
    assert "Chosen before" in heads
    assert any("Round 1 (Cohort team): " in str(r[heads.index("Chosen before")]) for r in rows)
    second = fill(tmp_path / "panel-round-2.xlsx", {"Title 1": "Most significant overall"},
                  panel="Programme board", date="2026-02-01")
    assert run("stories", "record", ws.path, second).exit_code == 0
    sel = story_selection(ws)
    assert sel.groupby("round")["selected"].sum().to_dict() == {1: 3, 2: 1}
    assert sel.loc[sel["round"] == 2, "level"].unique().tolist() == ["Programme board"]
    # a workbook recorded already, or a story the round did not consider, is refused
    again = run("stories", "record", ws.path, first)
    assert again.exit_code == 2 and "next round to record is round 3" in again.output
    assert "recorded already" in again.output
    results = analyse_and_store(ws)
    links = results["contribution_links"]
    story_rows = links[links["source"] == "stories"].set_index("aim")
    assert story_rows.loc["aim1", "evidence"] == "1 story chosen by the Programme board (round 2)"
    # a story chosen by the first panel only still counts, said as such
    assert story_rows.loc["aim2", "evidence"] == "1 story chosen by the Cohort team (round 1)"
    assert story_rows.loc["aim3", "evidence"] == "no evidence: no panel chose a story in this domain"
    assert story_rows.loc["aim3", "status"] == "no evidence"


def test_panel_workbook_mistakes_are_named_by_sheet_row_and_column(ws, tmp_path):
    run("stories", "select", ws.path, "--out", tmp_path)
    path = tmp_path / "panel-round-1.xlsx"
    wb = load_workbook(path)
    sheet = wb["System leadership"]
    heads = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=heads.index("Chosen") + 1, value="Yes")
    wb.save(path)
    with pytest.raises(ReadError, match=r'panel-round-1.xlsx, sheet "System leadership", row 2, '
                                        r'column [A-Z] "Why the panel chose it": story S-[0-9a-f]{8} '
                                        r"is chosen but no reason is given"):
        read_panel_workbook(path)
    sheet.cell(row=2, column=heads.index("Chosen") + 1, value="Maybe")
    wb.save(path)
    with pytest.raises(ReadError, match=r'row 2, column [A-Z] "Chosen": "Maybe" is neither Yes '
                                        r"nor No"):
        read_panel_workbook(path)
    result = run("stories", "record", ws.path, path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    other = tmp_path / "other.xlsx"
    load_workbook(path).save(other)
    wb = load_workbook(other)
    del wb[ABOUT_SHEET]
    wb.save(other)
    with pytest.raises(ReadError, match='has no sheet "About this round"'):
        read_panel_workbook(other)


def test_no_story_chosen_is_refused_and_nothing_stored(ws, tmp_path):
    run("stories", "select", ws.path, "--out", tmp_path)
    path = fill(tmp_path / "panel-round-1.xlsx", {})
    result = run("stories", "record", ws.path, path)
    assert result.exit_code == 2 and "the panel chose no story" in result.output
    assert panel_rounds(ws) == []


def test_record_needs_who_decided(ws, tmp_path):
    run("stories", "select", ws.path, "--out", tmp_path)
    path = fill(tmp_path / "panel-round-1.xlsx", {"Title 1": "Leading"}, panel=None)
    result = run("stories", "record", ws.path, path)
    assert result.exit_code == 1 and '"Panel (who decided)" is empty' in result.output
    assert run("stories", "record", ws.path, path, "--panel", "Team A").exit_code == 0
    assert panel_rounds(ws)[0]["panel"] == "Team A"


def test_round_recorded_out_of_turn_is_refused(ws):
    from evaluate.stories import record_round

    decisions = pd.DataFrame({"story": [collect_stories(ws)["story"].iloc[0]], "selected": [True],
                              "reasons": ["x"], "verification": [""]})
    with pytest.raises(WorkspaceError, match="record the rounds in order"):
        record_round(ws, decisions, round_number=2, level="Board", panel="Board",
                     decided="2026-01-01", source="panel-round-2.xlsx")
