"""pandera schemas: built from an instrument, plus the roster and network ties.

The schema is data, separate from the engine that runs it: ``write_schemas``
exports every schema as YAML under ``schemas/`` so an evaluator can read
exactly what is checked. Validation runs lazily (every failure gathered).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from evaluate.instruments import Instrument, load_instruments

__all__ = [
    "response_schema",
    "shared_response_schema",
    "roster_schema",
    "tie_schema",
    "write_schemas",
    "RULE_TEXT",
]

#: Plain-English description and fix for each check name pandera reports.
RULE_TEXT: dict[str, tuple[str, str]] = {
    "not_nullable": ("is required but blank", "fill in an answer, or remove the response if it is a test"),
    "field_uniqueness": (
        "is a second response from the same person",
        "keep one response per person: delete this one, or correct the name/email if these are two "
        "people (the later response was kept)",
    ),
    "isin": ("is not one of the allowed answers", "use one of the answers the question offers"),
    "in_range": ("is outside the allowed range", "correct the number"),
    "completed_after_started": (
        "was completed before it was started",
        "check the start and completion times (a clock or time-zone error in the export)",
    ),
}


@extensions.register_check_method(statistics=["started", "completed"], supported_types=pd.DataFrame)
def completed_after_started(df, *, started: str, completed: str):
    """Completion time is not earlier than start time (missing times pass)."""
    s = pd.to_datetime(df[started], errors="coerce")
    c = pd.to_datetime(df[completed], errors="coerce")
    return ~(c < s)


def _code_values(inst: Instrument, item) -> list[float]:
    rset = inst.response_set_of(item)
    return [float(c) for c in rset.codes] if rset else []


def response_schema(instrument: Instrument, columns: list[str] | None = None) -> pa.DataFrameSchema:
    """Schema for coerced responses to ``instrument``.

    Checks: one response per participant; each coded item holds only the
    codes of its response set; numbers within the item's min/max; required
    items answered; completion not before start. ``columns`` limits the item
    columns to those present in an export (a missing column is reported
    separately, once per file).
    """
    cols: dict[str, pa.Column] = {
        "participant": pa.Column(
            "string", unique=True, report_duplicates="exclude_last", nullable=False,
            title="Pseudonymous participant id",
        ),
        "started": pa.Column("datetime64[ns]", nullable=True, required=False),
        "completed": pa.Column("datetime64[ns]", nullable=True, required=False),
    }
    for item in instrument.items:
        if columns is not None and item.id not in columns:
            continue
        nullable = not item.required
        if item.type in ("likert", "choice"):
            cols[item.id] = pa.Column(
                "float64", pa.Check.isin(_code_values(instrument, item)), nullable=nullable,
                title=item.text,
            )
        elif item.type == "number":
            checks = []
            if item.minimum is not None or item.maximum is not None:
                lo = float("-inf") if item.minimum is None else float(item.minimum)
                hi = float("inf") if item.maximum is None else float(item.maximum)
                checks.append(pa.Check.in_range(lo, hi))
            cols[item.id] = pa.Column("float64", checks, nullable=nullable, title=item.text)
        elif item.type in ("text", "multi"):
            cols[item.id] = pa.Column("string", nullable=nullable, title=item.text)
        elif item.type == "date":
            cols[item.id] = pa.Column("datetime64[ns]", nullable=nullable, title=item.text)
    return pa.DataFrameSchema(
        cols,
        checks=[pa.Check.completed_after_started(started="started", completed="completed")],
        name=f"responses to {instrument.ref}",
        strict=False,
        coerce=False,
    )


#: Response schemas built, by what they are built from (see :func:`shared_response_schema`).
_BUILT: dict[tuple, pa.DataFrameSchema] = {}
_KEEP = 64


def shared_response_schema(instrument: Instrument, columns: list[str]) -> pa.DataFrameSchema:
    """:func:`response_schema`, built once per instrument version and set of columns.

    A programme imports the same few instruments again and again, and building a
    schema costs more than checking a cohort's answers with it. The schema is
    kept under everything it is built from (the instrument's reference and the
    id, type, text, requirement, range and codes of each item checked), so an
    instrument edited under the same version gets a schema of its own. Share it,
    never change it.
    """
    key = (instrument.ref, tuple(
        (item.id, item.type, item.text, item.required, item.minimum, item.maximum,
         tuple(_code_values(instrument, item)) if item.type in ("likert", "choice") else ())
        for item in instrument.items if item.id in columns))
    schema = _BUILT.get(key)
    if schema is None:
        if len(_BUILT) >= _KEEP:
            _BUILT.clear()
        schema = _BUILT[key] = response_schema(instrument, columns=list(columns))
    return schema


def roster_schema() -> pa.DataFrameSchema:
    """The cohort roster after reading: one row per person, identifiers unique."""
    text = {"nullable": True, "required": False}
    return pa.DataFrameSchema(
        {
            "participant": pa.Column("string", unique=True, nullable=False),
            "cohort": pa.Column("string", pa.Check.str_matches(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"), nullable=False),
            # emails and staff ids are checked for repeats by read_roster (blanks allowed)
            "email_key": pa.Column("string", pa.Check.str_contains("@"), **text),
            "staff_key": pa.Column("string", **text),
            "organisation": pa.Column("string", **text),
            "sector": pa.Column("string", **text),
            "place": pa.Column("string", **text),
            "role": pa.Column("string", **text),
            # blank for programme participants, else the kind of comparison group
            "comparison": pa.Column("string", pa.Check.isin(
                ["wait-list", "next cohort", "colleagues not on the programme", "comparison"]),
                **text),
        },
        name="cohort roster",
        strict=False,
    )


def tie_schema() -> pa.DataFrameSchema:
    """Network ties as stored: directed, typed, no self-ties."""
    return pa.DataFrameSchema(
        {
            "source": pa.Column("string", nullable=False),
            "target": pa.Column("string", nullable=False),
            "relation": pa.Column("string", pa.Check.isin(["knew_before", "worked_with", "advice"])),
            "frequency": pa.Column("float64", pa.Check.in_range(0, 10), nullable=True),
            "trust": pa.Column("float64", pa.Check.isin([-1.0, 0.0, 1.0]), nullable=True),
        },
        checks=[pa.Check(lambda d: d["source"] != d["target"], name="no_self_ties")],
        unique=["source", "target", "relation"],
        name="network ties",
        strict=False,
    )


def write_schemas(out_dir: str | Path, instruments_dir: str | Path | None = None) -> list[Path]:
    """Write every schema as YAML into ``out_dir`` (one file each); returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    schemas = {f"responses-{ref.replace('@', '-v')}": response_schema(inst)
               for ref, inst in sorted(load_instruments(instruments_dir).items())}
    schemas["roster"] = roster_schema()
    schemas["ties"] = tie_schema()
    for name, schema in schemas.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lambda checks cannot be serialised; listed below
            text = schema.to_yaml()
        header = f"# pandera schema: {schema.name}. Generated by `evaluate schemas`; do not edit.\n"
        if name == "ties":
            header += "# Also checked: no_self_ties (source differs from target).\n"
        path = out / f"{name}.yaml"
        path.write_text(header + text, encoding="utf-8")
        written.append(path)
    return written
