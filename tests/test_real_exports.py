"""Conformance on real exports written by the survey platforms themselves.

The files live beside the repository in ``../shared/real-exports/`` (see its
``SOURCES.md``: origin, true response count, quirks); they are never copied
here. Each is imported against a small instrument written for it, as a
programme lead would write one (``tests/real_exports/instruments/``), and
checked against what the file holds, counted independently with Python's
``csv`` module and openpyxl: every response read, every row accounted for
exactly once, every tick of every multi-select kept, dates as written.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instruments

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-exports"
INSTRUMENTS = load_instruments(ROOT / "tests" / "real_exports" / "instruments")

if not REAL.is_dir():  # CI has ../shared beside the checkout; .ci/run insists on it
    if os.environ.get("EVALUATE_REQUIRE_SHARED"):
        raise RuntimeError(f"The real-export corpus is missing: expected {REAL}")
    pytest.skip("../shared/real-exports is not beside this checkout", allow_module_level=True)


@dataclass(frozen=True)
class Case:
    """One real export and what SOURCES.md says of it."""

    path: str
    instrument: str
    platform: str
    header_rows: int
    responses: int  # the true count, from SOURCES.md
    excluded: int = 0  # survey previews, test responses and unfinished responses
    encoding: str = "utf-8-sig"
    multi: dict[str, str] = field(default_factory=dict)  # item → pattern of its row-1 headings
    keep_preview: bool = False


CASES = [
    Case("qualtrics/qualtRics-sample.csv", "qualtrics_sample@1", "qualtrics", 3, 1),
    Case("qualtrics/qualtRics-sample_legacy.csv", "qualtrics_sample@1", "qualtrics", 2, 1),
    Case("qualtrics/ldi-Testing+preservation_June+16,+2026_15.35.csv", "ldi@1", "qualtrics", 3,
         25, excluded=3),
    Case("qualtrics/QualtricsTools-Single_Answer_MC_Questions (Insights).csv",
         "qtools_single@1", "qualtrics", 3, 5, excluded=5),
    Case("qualtrics/QualtricsTools-Single_Answer_MC_Questions (Legacy).csv",
         "qtools_single@1", "qualtrics", 2, 5, excluded=5),
    Case("qualtrics/QualtricsTools-Multiple_Answer_MC_Questions (Insights).csv",
         "qtools_multi@1", "qualtrics", 3, 5, excluded=5,
         multi={"plain": r"Q2_\d+", "recoded": r"Q4_\d+", "grouped": r"Q3_\d+",
                "grouped_recoded": r"Q5_\d+", "five": r"mc_question_five_\d"}),
    Case("surveymonkey/538-StarWars.csv", "starwars@1", "surveymonkey", 2, 1186,
         encoding="cp1252",
         multi={"films_seen": r"Which of the following Star Wars films have you seen\?.*"}),
    Case("surveymonkey/538-steak-risk-survey.csv", "steak@1", "surveymonkey", 2, 550),
    Case("surveymonkey/538-flying-etiquette.csv", "flying@1", "surveymonkey", 1, 1040),
    Case("microsoft_forms/skoofer-Category-1.xlsx", "msquiz@1", "microsoft_forms", 1, 7),
    Case("microsoft_forms/skoofer-Category-2.xlsx", "msquiz@1", "microsoft_forms", 1, 7),
    Case("microsoft_forms/skoofer-Category-3.xlsx", "msquiz@1", "microsoft_forms", 1, 7),
    Case("google_forms/uva-fa25-Is hotdog a sandwich_ (Responses).xlsx", "hotdog_fa25@1",
         "google_forms", 1, 207),
    Case("google_forms/uva-fa25-Is hotdog a sandwich_ (Responses).csv", "hotdog_fa25@1",
         "google_forms", 1, 207),
    Case("google_forms/uva-sp25-hot_dog_survey_spring25.xlsx - Form Responses 1.csv",
         "hotdog_sp25@1", "google_forms", 1, 64),
    Case("google_forms/uva-fa22-DS-4002-fa22-survey-results.xlsx", "hotdog_fa22@1",
         "google_forms", 1, 194),
]


def _grid(case: Case) -> list[list[str]]:
    """The file's cells as text, read without evaluate."""
    path = REAL / case.path
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    with open(path, encoding=case.encoding, newline="") as fh:
        return list(csv.reader(fh))


def _responses_in_file(case: Case) -> int:
    body = _grid(case)[case.header_rows:]
    return sum(1 for row in body if any(cell.strip() for cell in row))


def _ticks_in_file(case: Case, pattern: str) -> int:
    """Non-blank cells (a 0 is no tick) under the columns whose heading matches ``pattern``.

    A SurveyMonkey question spread over several columns names the question
    over its first column only; the columns to its right with a blank
    heading belong to it too.
    """
    grid = _grid(case)
    heading = grid[0]
    columns, inside = [], False
    for j, text in enumerate(heading):
        if re.fullmatch(pattern, text):
            columns.append(j)
            inside = True
        elif inside and not text.strip() and case.platform == "surveymonkey":
            columns.append(j)
        else:
            inside = False
    body = grid[case.header_rows:]
    return sum(1 for row in body for j in columns
               if j < len(row) and row[j].strip() and row[j].strip() != "0")


def _import(case: Case, **options):
    return ingest_file(REAL / case.path, INSTRUMENTS[case.instrument], cohort="c1",
                       wave="baseline", salt="conformance", instruments=INSTRUMENTS, **options)


@pytest.mark.parametrize("case", CASES, ids=lambda c: Path(c.path).name)
def test_every_response_read_and_accounted_for_once(case):
    assert _responses_in_file(case) == case.responses  # SOURCES.md agrees with the file
    result = _import(case)
    raw = result.raw
    assert (raw.platform, raw.header_rows) == (case.platform, case.header_rows)
    c = result.counts
    assert c["read"] == case.responses
    assert c["accepted"] + c["quarantined"] + c["excluded"] == c["read"]
    assert c["excluded"] == case.excluded
    accepted = set(result.responses["source_row"])
    assert accepted.isdisjoint(result.quarantined_rows)
    assert accepted.isdisjoint(result.excluded_rows)
    assert set(result.quarantined_rows).isdisjoint(result.excluded_rows)
    assert not result.refused, result.refusals()
    # every question in the file found its item: nothing silently left behind
    unmatched = result.problems[result.problems["rule"].isin(
        ["unmatched_column", "ambiguous_column", "duplicate_column", "unknown_option_column"])]
    assert unmatched.empty, unmatched[["column", "message"]].to_string()
    # every answer is one the instrument knows: no response quarantined
    assert c["quarantined"] == 0, result.problems.head(10).to_string()


@pytest.mark.parametrize("case", [c for c in CASES if c.multi], ids=lambda c: Path(c.path).name)
def test_every_tick_of_every_multi_select_is_stored(case):
    result = _import(case, keep_preview=True)  # QualtricsTools' responses are test responses
    assert result.counts["accepted"] == case.responses
    for item, pattern in case.multi.items():
        stored = result.responses[item].dropna().str.split("|").str.len().sum()
        assert stored == _ticks_in_file(case, pattern), item


def test_starwars_films_seen_as_in_the_file():
    """FiveThirtyEight's own tally: 3,897 ticks, and everyone who saw a film has one stored."""
    case = next(c for c in CASES if c.instrument == "starwars@1")
    films = _import(case).responses.set_index("source_row")["films_seen"]
    assert films.dropna().str.split("|").str.len().sum() == 3897
    grid = _grid(case)
    saw_one = {i + 3 for i, row in enumerate(grid[2:]) if any(c.strip() for c in row[3:9])}
    assert set(films.dropna().index) == saw_one
    assert films.dropna().str.contains("1").sum() == 673  # Episode I
    assert films.dropna().str.contains("5").sum() == 758  # Episode V


def test_previews_and_unfinished_left_out_as_documented():
    """ldi: 2 survey previews and 1 unfinished response (Progress 29) are excluded and counted."""
    case = next(c for c in CASES if c.instrument == "ldi@1")
    result = _import(case)
    rules = result.problems.loc[result.problems["severity"] == "excluded", "rule"]
    assert sorted(rules) == ["survey_preview", "survey_preview", "unfinished"]
    kept = _import(case, keep_preview=True, keep_incomplete=True)
    assert kept.counts["accepted"] == 25


def test_dates_are_stored_as_the_platform_wrote_them():
    """The fa25 responses as Google's xlsx (real dates) and as the student's csv (US text dates).

    Excel showed the times to the second when the student saved the csv, so
    the csv holds them rounded; the xlsx keeps Google's milliseconds.
    """
    xlsx = _import(CASES[12]).responses
    text = _import(CASES[13]).responses
    assert sorted(xlsx["completed"].dt.round("s")) == sorted(text["completed"])
    assert xlsx["completed"].min() == pd.Timestamp("2025-08-29 17:17:56.622")
    assert text["completed"].min() == pd.Timestamp("2025-08-29 17:17:57")
    ldi = _import(CASES[2]).responses
    assert ldi["completed"].iloc[0] == pd.Timestamp("2025-07-01 11:14:18")  # as written


def test_anonymous_legacy_responses_are_different_people():
    """Legacy Qualtrics writes Name = "Anonymous" on every anonymous response (German: "Anonym")."""
    legacy = CASES[4]
    result = _import(legacy, keep_preview=True)
    assert result.counts["accepted"] == 5 and result.counts["quarantined"] == 0
    assert result.responses["participant"].nunique() == 5
    german = _import(CASES[1])
    assert german.counts["accepted"] == 1


def test_a_us_export_whose_dates_all_read_both_ways_is_refused_until_told():
    ambiguous = REAL / "google_forms" / "derived-us-ambiguous-dates.csv"
    inst = INSTRUMENTS["hotdog_fa25@1"]
    result = ingest_file(ambiguous, inst, cohort="c1", wave="baseline", salt="s")
    assert result.refused
    refusal = result.refusals().iloc[0]
    assert refusal["rule"] == "ambiguous_dates"
    assert "9 January 2025" in refusal["message"] and "1 September 2025" in refusal["message"]
    assert "--dates month-first" in refusal["fix"]
    told = ingest_file(ambiguous, inst, cohort="c1", wave="baseline", salt="s",
                       dates="month-first")
    assert not told.refused and told.counts["accepted"] == 45
    assert set(told.responses["completed"].dt.strftime("%Y-%m-%d")) == {"2025-09-01"}


def test_an_export_that_answers_another_instrument_is_refused_and_named():
    steak = REAL / "surveymonkey" / "538-steak-risk-survey.csv"
    result = ingest_file(steak, INSTRUMENTS["flying@1"], cohort="c1", wave="baseline", salt="s",
                         instruments=INSTRUMENTS)
    assert result.refused
    refusal = result.refusals().iloc[0]
    assert refusal["rule"] in ("few_questions_match", "other_instrument_fits")
    assert "-i steak@1" in refusal["fix"]


def test_a_question_text_row_in_another_language_matches_by_qualtrics_id(tmp_path):
    """The qualtRics sample with its question-text row translated: the ids on rows 1 and 3 match."""
    with open(REAL / "qualtrics" / "qualtRics-sample.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1] = [t.replace("This is a multiple choice question.", "Dies ist eine Auswahlfrage.")
               .replace("This is a free text question.", "Dies ist eine Freitextfrage.")
               for t in rows[1]]
    path = tmp_path / "deutsch.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = ingest_file(path, INSTRUMENTS["qualtrics_sample@1"], cohort="c1", wave="baseline",
                         salt="s")
    assert result.match.items == ["mc", "free_text"]
    assert result.responses.loc[0, "mc"] == 2 and result.responses.loc[0, "free_text"] == "Hello World!"
    # without the ids, the unmatched column is named by its question text as well as Q1
    plain = INSTRUMENTS["qualtrics_sample@1"]
    bare = type(plain)(**{**plain.__dict__, "items": tuple(
        type(i)(**{**i.__dict__, "qualtrics_tag": None, "qualtrics_qid": None}) for i in plain.items)})
    missed = ingest_file(path, bare, cohort="c1", wave="baseline", salt="s")
    q1 = missed.problems[missed.problems["column"] == "Q1"].iloc[0]
    assert q1["rule"] == "unmatched_column"
    assert "Dies ist eine Auswahlfrage." in q1["message"]
    assert "qualtrics: {tag: Q1}" in q1["fix"]


def test_text_iq_columns_are_the_platforms_not_questions():
    result = _import(CASES[0])
    ignored = {m.heading: m.role for m in result.match.ignored}
    assert ignored.get("Q2 - Topics") == "other_meta"
    assert np.isin(["mc", "free_text"], result.match.items).all()


def test_headings_are_quoted_without_their_html_tags():
    """SurveyMonkey keeps <br> in question texts; a message quotes the words, not the tags."""
    steak = REAL / "surveymonkey" / "538-steak-risk-survey.csv"
    result = ingest_file(steak, INSTRUMENTS["flying@1"], cohort="c1", wave="baseline", salt="s",
                         instruments=INSTRUMENTS)
    problems = result.problems
    lottery = problems[problems["column"].astype(str).str.startswith("Consider the following")]
    assert len(lottery) == 1
    assert "In Lottery A, you have a 50% chance of success" in lottery["column"].iloc[0]
    for column in ("column", "message", "fix"):
        assert not problems[column].astype(str).str.contains("<br>").any()
