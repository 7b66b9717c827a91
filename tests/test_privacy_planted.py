"""Names, emails and staff ids planted wherever a person could misplace them never reach a
workspace file or an output: not as answers, not as headings, not in problem records, file or
sheet names, analysis tables, workbooks or the dashboard.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
from click.testing import CliRunner

from evaluate.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "instruments"
PEOPLE = [("Jo Smith", "jo.smith@example.nhs.uk", "S001"), ("Ann Lee", "ann.lee@example.gov.uk", "S002"),
          ("Zoë Ó Briain", "zoe@example.org.uk", "S003"), ("Sam Patel", "sam.patel@example.nhs.uk", "S004"),
          ("Ravi Shah", "ravi.shah@example.nhs.uk", "S005"), ("Mia Jones", "mia.jones@example.gov.uk", "S006")]
SEE = "I can see the wider system that my work is part of"
LEARNED = "What have you learned?"
WORKED = "Who have you worked with in the last 3 months?"
OFTEN = "How often do you work with each of these people?"


def _needles() -> list[str]:
    out = []
    for name, email, staff in PEOPLE:
        out += [name, name.lower(), email, email.upper(), staff]
        first, *_, last = name.split()
        out.append(f"{last}, {first}")
    return out


def _grid_headings() -> list[str]:
    return [f"{OFTEN} [{name}]" for name, _, _ in PEOPLE]


def _row(i: int, *, see="Agree", learned="More than I expected", picks="", grid=None) -> list:
    name, email, _ = PEOPLE[i]
    grid = grid or ["Weekly"] * len(PEOPLE)
    return ["2026-03-05 09:00:00", email, name, see, learned, picks, *grid]


def _write(tmp: Path) -> dict[str, Path]:
    head = ["Timestamp", "Email Address", "Name", SEE, LEARNED, WORKED, *_grid_headings()]
    files = {}
    rows = [_row(0, learned="I spoke to Ann Lee and emailed zoe@example.org.uk; my id is S001",
                 picks="Ann Lee, Ravi Shah"),
            _row(1, see="sam.patel@example.nhs.uk"),  # a cell shifted: an email under a question
            _row(2, grid=["Weeklyy"] + ["Monthly"] * 5),  # misspelt in Jo Smith's column
            _row(3, learned="Patel, Sam wrote this line\n\"and an unclosed quote, Mia Jones")]
    files["planted"] = tmp / "planted.csv"
    pd.DataFrame(rows, columns=head).to_csv(files["planted"], index=False)
    # the heading row deleted by hand: the first response's cells become the headings
    files["no-headings"] = tmp / "no-headings.csv"
    pd.DataFrame([_row(4), _row(5)]).to_csv(files["no-headings"], index=False, header=False)
    # an email in the file name, a person's name as the sheet name
    files["named"] = tmp / "mia.jones@example.gov.uk answers.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Ravi Shah"
    sheet.append(head)
    sheet.append(_row(5, see="Agree strongly"))
    wb.save(files["named"])
    return files


def _text_of(path: Path) -> str:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_text(encoding="utf-8", errors="replace") + path.name


def test_planted_personal_data_reaches_no_stored_or_published_file(tmp_path):
    roster = tmp_path / "people" / "roster.csv"
    roster.parent.mkdir()
    pd.DataFrame([{"name": n, "email": e, "staff_id": s, "cohort": "c1", "organisation": f"Org {i % 3}",
                   "sector": "NHS acute", "place": "Luton", "role": "Lead"}
                  for i, (n, e, s) in enumerate(PEOPLE)]).to_csv(roster, index=False)
    files = _write(tmp_path / "exports" if (tmp_path / "exports").mkdir() is None else tmp_path)
    ws = tmp_path / "ws"
    run = CliRunner()
    assert run.invoke(cli, ["init", str(ws), "--roster", str(roster), "--instruments",
                            str(FIXTURES)]).exit_code == 0
    outputs = tmp_path / "out"
    outputs.mkdir()
    for n, (key, path) in enumerate(files.items()):
        wave = ["baseline", "end", "follow_up"][n]
        args = ["-i", "privacy@1", "-c", "c1", "--wave", wave]
        run.invoke(cli, ["validate", str(path), *args, "-w", str(ws), "--report",
                         str(outputs / f"problems-{key}.xlsx")])
        run.invoke(cli, ["validate", str(path), *args, "-w", str(ws), "--report",
                         str(outputs / f"problems-{key}.csv")])
        result = run.invoke(cli, ["ingest", str(path), "-w", str(ws), *args])
        for name, email, staff in PEOPLE:  # on screen too, unless --show-names
            for needle in (name, email, staff):
                assert needle not in result.output, result.output
    stored = pd.read_parquet(next((ws / "imports").glob("*/responses.parquet")))
    assert stored["reflection"].str.contains("[personal data hidden]", regex=False).sum() == 2
    assert run.invoke(cli, ["analyse", str(ws), "--out", str(outputs / "analysis")]).exit_code == 0
    assert run.invoke(cli, ["report", str(ws), "--out", str(outputs / "report")]).exit_code == 0
    problems = pd.concat(pd.read_parquet(p) for p in (ws / "imports").glob("*/problems.parquet"))
    assert problems["column"].str.contains(r"\[P-[0-9a-f]+\]").any()  # the grid heading, by pseudonym
    scanned = [p for root in (ws, outputs) for p in root.rglob("*") if p.is_file()]
    assert len(scanned) > 20
    for path in scanned:
        text = _text_of(path)
        for needle in _needles():
            assert needle not in text, f"{needle!r} in {path.relative_to(tmp_path)}"
