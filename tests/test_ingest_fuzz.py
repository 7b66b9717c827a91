"""Fuzzing the whole import: any cell values give problems, never a crash, and no row is lost."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluate.errors import EvaluateError
from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instruments

INSTRUMENTS = load_instruments()
HEADINGS = ["Timestamp", "Email Address", "I can see the wider system that my work is part of",
            "How many years have you been in your current role?",
            "Which system priorities does your change challenge relate to? (tick all that apply)",
            "Who in the cohort did you know before the programme?",
            "How often do you work with each of these people? [Jo Smith]"]
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "Agree", "Strongly agree", "Prefer not to say", "5", "-3", "1e9", "nan",
                     "=HYPERLINK(\"http://x\",\"y\")", "Workforce, Prevention", "Jo Smith, Jo Smith",
                     "31/02/2026 25:61", "2026-03-05 09:00:00", "  ", "Weekly", "\u00a0"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=len(HEADINGS), max_size=len(HEADINGS)), max_size=8),
       instrument=st.sampled_from(["baseline@1", "network@1"]))
def test_random_cells_never_crash_and_rows_are_conserved(tmp_path, rows, instrument):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        result = ingest_file(path, INSTRUMENTS[instrument], cohort="c1", wave="baseline", salt="s")
    except EvaluateError:
        return  # a clear, plain message is an acceptable outcome
    c = result.counts
    assert c["read"] == c["accepted"] + c["quarantined"] + c["excluded"]
    assert set(result.responses["source_row"]).isdisjoint(set(result.quarantined_rows))
    assert set(result.quarantined_rows).isdisjoint(set(result.excluded_rows))


# ---------------------------------------------------------------- headings and cell kinds (issue 9)
ODD_HEADINGS = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "\u00a0", "Timestamp", "Email Address", "Email Address", "=SUM(A1:A9)", "+1", "-1",
        "@cmd", "<b>Email</b>", "<script>alert(1)</script>", "What do you hope to get from the programme?",
        "What do you hope to get from the programme?", "Q1 [Jo Smith]", "[]", "Question [", "?" * 300,
        "x" * 5000, "How many years have you been in your current role?", "#N/A", "None", "nan",
        "Which system priorities does your change challenge relate to? (tick all that apply)",
        "ID", "Start time", "StartDate", '{"ImportId":"QID1"}', "Respondent ID", "\t", "a\nb",
    ]),
)
CELL_KINDS = st.one_of(
    cells,
    st.sampled_from(["2,500", "1,5", "1.234,5", "1,234,567", "2.500", "1 234", "#N/A", "#DIV/0!",
                     "#VALUE!", "None", "nan", "NA", "N/A", "null", "Other: climate",
                     "Workforce, Other: climate, heat", "Other (please specify)", "Spaceflight",
                     "Workforce, Spaceflight", "=1/0", "'=1+1", "\u202f", "1e3", "-0", "+4"]),
)
TEXT_HEADING = "What do you hope to get from the programme?"
NUMBER_HEADING = "How many years have you been in your current role?"
LITERALS = {"None", "nan", "NA", "N/A", "null", "NaN"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headings=st.lists(ODD_HEADINGS, min_size=1, max_size=8),
       rows=st.lists(st.lists(CELL_KINDS, min_size=8, max_size=8), max_size=6),
       instrument=st.sampled_from(["baseline@1", "network@1"]))
def test_odd_headings_never_crash_and_rows_are_conserved(tmp_path, headings, rows, instrument):
    """Empty, duplicated, huge, HTML and formula-like headings: a result or a plain message."""
    headings = headings + [TEXT_HEADING, NUMBER_HEADING]
    width = len(headings)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headings)
    writer.writerows([(r + [""] * width)[:width] for r in rows])
    path = tmp_path / "headings.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        result = ingest_file(path, INSTRUMENTS[instrument], cohort="c1", wave="baseline", salt="s")
    except EvaluateError:
        return
    c = result.counts
    assert c["read"] == c["accepted"] + c["quarantined"] + c["excluded"]
    assert set(result.quarantined_rows).isdisjoint(set(result.excluded_rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELL_KINDS, CELL_KINDS, CELL_KINDS), min_size=1, max_size=8))
def test_answers_are_never_changed_silently(tmp_path, rows):
    """Whatever the cells: a stored number is one of its cell's readings; an Excel error is
    never an answer; free text that looks like a missing value is kept as typed."""
    from evaluate.ingest.formulas import EXCEL_ERRORS
    from evaluate.ingest.numbers import readings_of

    heads = ["Email Address", NUMBER_HEADING, TEXT_HEADING,
             "Which system priorities does your change challenge relate to? (tick all that apply)"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(heads)
    for n, (number, text, multi) in enumerate(rows):
        writer.writerow([f"p{n}@example.org", number, text, multi])
    path = tmp_path / "kinds.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        result = ingest_file(path, INSTRUMENTS["baseline@1"], cohort="c1", wave="baseline",
                             salt="s")
    except EvaluateError:
        return
    c = result.counts
    assert c["read"] == c["accepted"] + c["quarantined"] + c["excluded"]
    raw = dict(zip(result.raw.row_numbers.tolist(), rows, strict=True))
    for row, years, hopes in result.responses[["source_row", "years_in_role", "hopes"]].itertuples(
            index=False):
        number, text, _ = raw[row]
        cell = number.strip()
        if cell and cell in EXCEL_ERRORS:
            raise AssertionError(f"row {row}: the Excel error {cell} was stored")
        if cell and not pd.isna(years):  # a stored number is what the cell says
            assert years in readings_of(cell).values(), (row, cell, years)
        if text.strip() in LITERALS:
            assert hopes == text.strip(), (row, text, hopes)
        if text.strip() in EXCEL_ERRORS:
            assert pd.isna(hopes), (row, text, hopes)
