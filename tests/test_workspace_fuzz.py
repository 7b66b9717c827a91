"""Fuzzing the workspace's own files: whatever a damaged manifest, settings file or data file
holds, every command answers with a plain message and an exit code, never a traceback or an
"internal error"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluate.cli import cli
from evaluate.ingest.pipeline import ingest_into
from evaluate.workspace import Workspace

PULSE = Path(__file__).parent / "fixtures" / "instruments"
SEE = "I can see the wider system that my work is part of"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["format", "records", "events", "imports", "id", "state", "files",
                         "cohort", "wave", "instrument", "path", "rows", "sha256"]),
        children, max_size=4),
    max_leaves=12)
contents = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64).map(lambda t: t.encode("utf-8")),
    json_values.map(lambda v: json.dumps(v).encode("utf-8")),
    st.sampled_from([b"", b"{", b"[]", b"min_group_size: five\n", b"cohorts: c1\n",
                     b"waves: [1, [2]]\n", b"PAR1\x00\x00PAR1", b"\xff\xfe\x00"]),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-ws")
    roster = root / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"Person {i},p{i}@example.org,c1\n" for i in range(6)), encoding="utf-8")
    ws = Workspace.init(root / "ws", roster=roster, instruments_dir=PULSE)
    export = root / "pulse.csv"
    export.write_text(f"Email,{SEE}\n" + "".join(f"p{i}@example.org,Agree\n" for i in range(6)),
                      encoding="utf-8")
    ingest_into(ws, export, "pulse@1", cohort="c1", wave="baseline")
    return ws.path


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(["manifest.json", "evaluate.yaml", "roster.parquet",
                               "imports/0001/responses.parquet", "manifest.prev.json",
                               "events.jsonl", "imports/0001/import.json"]),
       data=contents)
def test_any_damage_to_a_workspace_file_gets_a_plain_answer(tmp_path, template, target, data):
    ws = tmp_path / "ws"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(template, ws)
    (ws / target).write_bytes(data)
    runner = CliRunner()
    for args in (["status", str(ws)], ["check", str(ws)], ["history", str(ws)],
                 ["repair", str(ws)], ["status", str(ws)]):
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
        assert "internal error" not in result.output, (target, data, args, result.output)
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit), (target, data, args, result.exception)
