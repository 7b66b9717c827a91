"""Fuzzing the whole import: any cell values give problems, never a crash, and no row is lost."""

from __future__ import annotations

import csv
import io

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
