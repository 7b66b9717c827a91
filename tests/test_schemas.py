"""Schemas built from instruments, and the committed schema files match them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from evaluate.instruments import load_instruments
from evaluate.schemas import response_schema, tie_schema, write_schemas

REPO = Path(__file__).resolve().parent.parent


def test_committed_schema_files_are_current(tmp_path):
    written = write_schemas(tmp_path)
    for path in written:
        committed = REPO / "schemas" / path.name
        assert committed.exists(), f"schemas/{path.name} missing: run `evaluate schemas --out schemas/`"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"schemas/{path.name} is out of date: run `evaluate schemas --out schemas/`")


def test_response_schema_checks_codes_range_uniqueness_and_times():
    inst = load_instruments()["baseline@1"]
    schema = response_schema(inst, columns=["see_the_system", "years_in_role"])
    frame = pd.DataFrame({
        "participant": pd.Series(["P-1", "P-2", "P-1"], dtype="string"),
        "started": pd.to_datetime(["2026-01-01 09:00"] * 3),
        "completed": pd.to_datetime(["2026-01-01 09:10", "2026-01-01 08:00", "2026-01-01 09:10"]),
        "see_the_system": [1.0, 6.0, np.nan],
        "years_in_role": [3.0, 2.0, 99.0],
    })
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schema.validate(frame, lazy=True)
    fc = info.value.failure_cases
    found = {(str(c).split("(")[0], int(i)) for c, i in zip(fc["check"], fc["index"], strict=True)
             if i is not None and not pd.isna(i)}
    assert ("isin", 1) in found
    assert ("in_range", 2) in found
    assert ("field_uniqueness", 0) in found  # earlier of two responses by P-1
    assert ("completed_after_started", 1) in found


def test_tie_schema_rejects_self_ties_and_duplicates():
    ties = pd.DataFrame({
        "source": pd.Series(["a", "a", "b"], dtype="string"),
        "target": pd.Series(["b", "b", "b"], dtype="string"),
        "relation": pd.Series(["advice", "advice", "advice"], dtype="string"),
        "frequency": [np.nan] * 3, "trust": [np.nan] * 3,
    })
    with pytest.raises(pa.errors.SchemaErrors) as info:
        tie_schema().validate(ties, lazy=True)
    checks = set(info.value.failure_cases["check"].astype(str))
    assert "no_self_ties" in checks
    assert any("unique" in c or "duplicate" in c for c in checks) or "multiple_fields_uniqueness" in checks
