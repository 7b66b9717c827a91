"""Limits on every input: far stray cells, hostile YAML, pipes and devices, labels, time zones.

Whatever a person hands the command — a workbook with one entry in the last
cell of the sheet, a "billion laughs" instrument, a named pipe called
``export.csv`` — the answer is a plain message naming the file and the fix,
quickly, never an abort, a hang or a traceback. Cases that could abort or hang
the process run in a subprocess with a timeout and a memory limit, so a
regression fails the test instead of killing pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import InstrumentError, ReadError
from evaluate.ingest import extent
from evaluate.ingest.extent import check_sheet_extent, sheet_extent
from evaluate.ingest.readers import read_export
from evaluate.instruments import load_instrument
from evaluate.text import load_codebook

REPO = Path(__file__).resolve().parents[1]
PULSE = str(REPO / "tests" / "fixtures" / "instruments")  # pulse@1: one likert, one number
SEE = "I can see the wider system that my work is part of"
ROSTER = """name,email,cohort,organisation,sector,place,role
Jo Smith,jo.smith@example.nhs.uk,c1,Trust A,NHS acute,Luton,Manager
Ann Lee,ann.lee@example.gov.uk,c1,Council B,Local authority,Bedford,Lead
"""


def run_limited(args: list[str], timeout: float = 60, memory_mb: int = 3072, env=None):
    """Run ``python -m evaluate.cli ARGS`` with a time and an address-space limit."""

    def limit():
        import resource

        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return subprocess.run([sys.executable, "-m", "evaluate.cli", *args], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, cwd=REPO,
                          env={**os.environ, **(env or {})})


def workbook(path: Path, far: str | None = None, styled_only: bool = False) -> Path:
    """A tiny Microsoft-Forms-like workbook; ``far`` puts one entry (or one formatted
    empty cell) at that address."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form1"
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", SEE])
    ws.append([1, "2026-03-05 09:00", "2026-03-05 09:10", "jo.smith@example.nhs.uk", "Jo Smith",
               "Agree"])
    if far is not None:
        if styled_only:
            ws[far].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
        else:
            ws[far] = "x"
    wb.save(path)
    return path


def rewrite_sheet(src: Path, dst: Path, change) -> Path:
    """Copy a workbook, passing its first sheet's XML through ``change``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(name, data)
    return dst


# ------------------------------------------------------------------ item 7: a far stray cell
def test_a_stray_cell_in_the_last_cell_of_the_sheet_is_refused_not_an_abort(tmp_path):
    path = workbook(tmp_path / "stray.xlsx", far="XFD1048576")
    assert path.stat().st_size < 20_000
    proc = run_limited(["validate", str(path), "-i", "pulse@1", "-c", "c1", "--wave", "baseline",
                        "--instruments", PULSE])
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    message = proc.stderr
    assert 'stray.xlsx, sheet "Form1"' in message
    assert "XFD1048576" in message
    assert "delete the stray cells or rows beyond the data" in message
    assert "save, and export again" in message
    assert "1.0 GB allowed" in message
    assert "Traceback" not in message and "panicked" not in message


def validate(path: Path):
    """``evaluate validate PATH`` against pulse@1, in a subprocess (an abort cannot kill pytest)."""
    return run_limited(["validate", str(path), "-i", "pulse@1", "-c", "c1", "--wave", "baseline",
                        "--instruments", PULSE], memory_mb=2048)


@pytest.mark.parametrize("far", ["XFD20000", "ZZ1048576", "CV900000"])
def test_other_far_cells_are_refused_with_their_address(tmp_path, far):
    proc = validate(workbook(tmp_path / "far.xlsx", far=far))
    assert proc.returncode == 1, proc.stderr[-500:]
    assert f'far.xlsx, sheet "Form1": has something in cell {far}' in proc.stderr


def test_a_far_cell_that_fits_the_budget_is_read(tmp_path):
    raw = read_export(workbook(tmp_path / "wide.xlsx", far="XFD2"))  # 2 × 16,384 cells: 2 MB
    assert raw.rows_read == 1
    assert raw.columns[-1].letter == "XFD"


def test_a_formatted_but_empty_far_cell_is_read_as_usual(tmp_path):
    # Excel's used range (the <dimension>) counts formatted empty cells; the reader skips them
    path = workbook(tmp_path / "formatted.xlsx", far="XFD1048576", styled_only=True)
    with zipfile.ZipFile(path) as zf:
        assert b'ref="A1:XFD1048576"' in zf.read("xl/worksheets/sheet1.xml")
    raw = read_export(path)
    assert raw.rows_read == 1 and len(raw.columns) == 6


def test_a_dimension_that_lies_or_is_missing_does_not_hide_the_stray_cell(tmp_path):
    stray = workbook(tmp_path / "stray.xlsx", far="XFD1048576")
    lying = rewrite_sheet(stray, tmp_path / "lying.xlsx",
                          lambda d: d.replace(b'ref="A1:XFD1048576"', b'ref="A1:F2"'))
    missing = rewrite_sheet(stray, tmp_path / "missing.xlsx",
                            lambda d: d.replace(b'<dimension ref="A1:XFD1048576"/>', b""))
    for path in (lying, missing):
        found = sheet_extent(path, "Form1")
        assert (found.rows, found.columns, found.far_column_cell) == (1048576, 16384, "XFD1048576")
        proc = validate(path)
        assert proc.returncode == 1 and "has something in cell XFD1048576" in proc.stderr


def test_far_cells_out_of_order_are_found(tmp_path):
    base = workbook(tmp_path / "base.xlsx")
    # a far column in the middle of the first row (cells out of order: no program writes
    # this, a hand-made file can)
    mid = rewrite_sheet(base, tmp_path / "mid.xlsx", lambda d: d.replace(
        b'<c r="B1"', b'<c r="XFD900000" t="inlineStr"><is><t>far</t></is></c><c r="B1"', 1))
    found = sheet_extent(mid, "Form1")
    assert (found.rows, found.columns) == (900000, 16384)
    proc = validate(mid)
    assert proc.returncode == 1 and "has something in cell XFD900000" in proc.stderr


def recompress(src: Path, dst: Path, method: int) -> Path:
    """Copy a workbook with its first sheet's part stored with zip ``method`` and a
    dimension that hides the far cell (so only a scan of the XML finds it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b'ref="A1:XFD1048576"', b'ref="A1:F2"')
                zout.writestr(name, data, compress_type=method)
            else:
                zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_sheet_zipped_another_way_is_still_sized_before_reading(tmp_path, method):
    # no spreadsheet program writes bzip2 or LZMA parts; a file zipped by hand can have them,
    # and the size check must not be skipped for it
    path = recompress(workbook(tmp_path / "stray.xlsx", far="XFD1048576"),
                      tmp_path / "rezipped.xlsx", method)
    found = sheet_extent(path, "Form1")
    assert (found.rows, found.columns, found.source) == (1048576, 16384, "scan")
    proc = validate(path)
    assert proc.returncode == 1 and "has something in cell XFD1048576" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_sheet_zipped_in_a_way_that_cannot_be_checked_is_refused(tmp_path):
    path = recompress(workbook(tmp_path / "stray.xlsx", far="XFD1048576"),
                      tmp_path / "odd.xlsx", zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 8:info.header_offset + 10] = (99).to_bytes(2, "little")
    central = data.find(b"xl/worksheets/sheet1.xml", info.header_offset + 30 + info.compress_size)
    data[central - 46 + 10:central - 46 + 12] = (99).to_bytes(2, "little")  # method in the index
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r'odd.xlsx, sheet "Form1": is compressed in a way '
                                        r"spreadsheet programs do not use \(zip method 99\)"):
        sheet_extent(path, "Form1")
    proc = validate(path)
    assert proc.returncode == 1, proc.stderr[-500:]
    assert "save it as .xlsx, and import the saved file" in proc.stderr
    assert "Traceback" not in proc.stderr and "panicked" not in proc.stderr


def test_a_large_sheet_trusts_a_believable_dimension_and_scans_otherwise(tmp_path, monkeypatch):
    monkeypatch.setattr(extent, "_SMALL_PART", 0)  # treat every part as large
    plain = workbook(tmp_path / "plain.xlsx")
    assert sheet_extent(plain, "Form1").source == "dimension"
    assert (sheet_extent(plain, "Form1").rows, sheet_extent(plain, "Form1").columns) == (2, 6)
    # declared over budget: the scan decides (a formatted empty cell is no reason to refuse)
    formatted = workbook(tmp_path / "formatted.xlsx", far="XFD1048576", styled_only=True)
    found = sheet_extent(formatted, "Form1")
    assert found.source == "scan" and (found.rows, found.columns) == (2, 6)
    stray = workbook(tmp_path / "stray.xlsx", far="XFD1048576")
    assert sheet_extent(stray, "Form1").far_column_cell == "XFD1048576"


def test_the_scan_reads_the_whole_part_in_blocks(tmp_path, monkeypatch):
    # blocks far smaller than the sheet, so the fast way and the block edges are exercised
    monkeypatch.setattr(extent, "_CHUNK", 64)
    monkeypatch.setattr(extent, "_EXACT_BYTES", 64)
    monkeypatch.setattr(extent, "_HEAD_BYTES", 64)
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 301):
        ws.append([f"r{r}c{c}" for c in range(1, 8)])
    ws["AB250"] = "far right"
    ws["C4000"] = "far down"
    path = tmp_path / "many.xlsx"
    wb.save(path)
    found = sheet_extent(path, "Sheet")
    assert (found.rows, found.columns) == (4000, 28)
    assert (found.far_row_cell, found.far_column_cell) == ("C4000", "AB250")


def test_the_memory_budget_is_stated_and_can_be_set(tmp_path, monkeypatch):
    path = workbook(tmp_path / "small.xlsx")
    assert check_sheet_extent(path, "Form1").cells == 12  # 2 rows × 6 columns, 768 bytes
    monkeypatch.setenv("EVALUATE_SHEET_MEMORY_MB", "0.0005")  # 524 bytes
    with pytest.raises(ReadError, match=r"would need about 768 bytes of memory \(2 rows × 6 "
                                        r"columns\), more than the 524 bytes allowed"):
        read_export(path)


# ------------------------------------------------------------------ item 10: files that are not files
def test_a_named_pipe_called_export_csv_is_refused_at_once(tmp_path):
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    proc = run_limited(["validate", str(pipe), "-i", "pulse@1", "-c", "c1", "--wave", "baseline",
                        "--instruments", PULSE], timeout=30)
    assert proc.returncode == 1
    assert "export.csv: is a named pipe, not a file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_link_to_dev_zero_called_export_csv_is_refused_at_once(tmp_path):
    link = tmp_path / "export.csv"
    link.symlink_to("/dev/zero")
    proc = run_limited(["validate", str(link), "-i", "pulse@1", "-c", "c1", "--wave", "baseline",
                        "--instruments", PULSE], timeout=30, memory_mb=1536)
    assert proc.returncode == 1
    assert "export.csv: is a device (/dev/zero), not a file" in proc.stderr
    # and as a roster
    roster = tmp_path / "roster.csv"
    roster.symlink_to("/dev/zero")
    proc = run_limited(["init", str(tmp_path / "ws"), "--roster", str(roster)], timeout=30,
                       memory_mb=1536)
    assert proc.returncode == 1
    assert "roster.csv: is a device (/dev/zero), not a file" in proc.stderr
    assert not (tmp_path / "ws" / "evaluate.yaml").exists()


def test_a_link_to_a_real_export_is_still_read(tmp_path):
    real = workbook(tmp_path / "real.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    assert read_export(link).rows_read == 1


def test_an_over_large_text_export_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("Email,Q\n" + "a@b.org,Agree\n" * 2000, encoding="utf-8")  # 30 KB
    monkeypatch.setenv("EVALUATE_MAX_TEXT_EXPORT_MB", "0.01")  # 10 KB
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(ReadError, match=r"big.csv: is 27 KB, more than the 10 KB a text export "
                                        r"may be .* EVALUATE_MAX_TEXT_EXPORT_MB"):
        read_export(path)
    assert read == []  # never read whole


# ------------------------------------------------------------------ item 10: YAML
def laughs_file(folder: Path) -> Path:
    lines = ["lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    body = "\n".join(lines)
    text = (f"{body}\nid: laughs\nversion: 1\nitems:\n  - id: q1\n    text: Question\n"
            "    type: text\n    aliases: *i\n")
    path = folder / "laughs-v1.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_billion_laughs_instrument_is_refused_quickly(tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    laughs_file(folder)
    export = tmp_path / "e.csv"
    export.write_text("Email,Question\na@b.org,hi\n", encoding="utf-8")
    proc = run_limited(["validate", str(export), "-i", "laughs@1", "-c", "c1", "--wave", "baseline",
                        "--instruments", str(folder)], timeout=60, memory_mb=2048)
    assert proc.returncode == 2, proc.stderr[-1000:]
    assert ("laughs-v1.yaml: uses anchors (&) and aliases (*) that would expand to more than "
            "200,000 values") in proc.stderr
    assert "Traceback" not in proc.stderr


def test_yaml_nested_too_deep_is_refused(tmp_path):
    path = tmp_path / "deep-v1.yaml"
    path.write_text("id: deep\nversion: 1\nitems: " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(InstrumentError, match="deep-v1.yaml: nests lists and mappings more than 32"):
        load_instrument(path)


def test_a_folder_named_like_an_instrument_gets_a_clear_message(tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    (folder / "x.yaml").mkdir()
    export = workbook(tmp_path / "e.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(export), "-i", "pulse@1", "-c", "c1",
                                      "--wave", "baseline", "--instruments", str(folder)])
    assert result.exit_code == 2
    assert "x.yaml is a folder, not a file — an instrument file is a small YAML text file" \
        in result.output
    assert "internal error" not in result.output


def test_binary_and_undecodable_yaml_get_clear_messages(tmp_path):
    binary = tmp_path / "codebook.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InstrumentError, match="codebook.yaml: holds binary data, not text, so it "
                                              "is not a codebook"):
        load_codebook(binary)
    latin = tmp_path / "latin-v1.yaml"
    latin.write_bytes("id: latin\nversion: 1\ntitle: Café\nitems: []\n".encode("latin-1"))
    with pytest.raises(InstrumentError, match="latin-v1.yaml: is not UTF-8 text .* save it as UTF-8"):
        load_instrument(latin)
    folder_codebook = tmp_path / "ws" / "codebook.yaml"
    folder_codebook.mkdir(parents=True)
    with pytest.raises(InstrumentError, match="codebook.yaml is a folder, not a file"):
        load_codebook(folder_codebook)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(InstrumentError, match="a codebook is a mapping with themes"):
        load_codebook(listed)


def test_an_over_large_yaml_file_is_refused_with_the_limit(tmp_path):
    path = tmp_path / "huge-v1.yaml"
    path.write_text("id: huge\nversion: 1\nitems: []\n" + "# padding\n" * 300_000)
    with pytest.raises(InstrumentError, match=r"huge-v1.yaml: is 2.9 MB, far more than any "
                                              r"instrument file \(at most 2.0 MB\)"):
        load_instrument(path)


def instrument_text(**changes) -> str:
    base = {"version": "1", "aliases": '["Years in role"]'}
    base.update(changes)
    return textwrap.dedent(f"""\
        id: tiny
        version: {base['version']}
        items:
          - id: years_in_role
            text: "How many years?"
            type: number
            aliases: {base['aliases']}
        """)


@pytest.mark.parametrize("value", ["true", "false", "yes", "on"])
def test_version_true_is_not_version_1(tmp_path, value):
    path = tmp_path / "tiny-v1.yaml"
    path.write_text(instrument_text(version=value))
    shown = {"yes": "true", "on": "true"}.get(value, value)
    with pytest.raises(InstrumentError, match=f'line 2, key "version": the instrument: version is '
                                              f"{shown} — it should be a whole number, e.g. "
                                              "version: 1"):
        load_instrument(path)


def test_yes_and_no_unquoted_in_a_list_of_words_are_refused(tmp_path):
    path = tmp_path / "tiny-v1.yaml"
    path.write_text(instrument_text(aliases="[Years in role, yes]"))
    with pytest.raises(InstrumentError, match='aliases holds true, not text .* put each entry in '
                                              'quotes, e.g. "Yes"'):
        load_instrument(path)
    path.write_text(instrument_text(aliases='[Years in role, "yes"]'))
    assert load_instrument(path).item("years_in_role").aliases == ("Years in role", "yes")


# ------------------------------------------------------------------ item 9: labels at the CLI
@pytest.fixture
def roster_and_export(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    export = tmp_path / "pulse.csv"
    export.write_text("Email,I can see the wider system that my work is part of\n"
                      "jo.smith@example.nhs.uk,Agree\nann.lee@example.gov.uk,Disagree\n",
                      encoding="utf-8")
    return roster, export


def test_validate_trims_the_cohort(roster_and_export):
    roster, export = roster_and_export
    result = CliRunner().invoke(cli, ["validate", str(export), "-i", "pulse@1", "-c", " c1 ",
                                      "--wave", "baseline ", "--roster", str(roster),
                                      "--instruments", PULSE, "--strict"])
    assert result.exit_code == 0, result.output
    assert "2 accepted" in result.output
    assert "another cohort" not in result.output


def test_ingest_and_init_trim_the_cohort(tmp_path, roster_and_export):
    roster, export = roster_and_export
    ws_dir = tmp_path / "ws"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(ws_dir), "--roster", str(roster), "--cohort", " c2",
                                 "--instruments", PULSE])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["ingest", str(export), "-w", str(ws_dir), "-i", "pulse@1",
                                 "-c", " c1", "--wave", " baseline"])
    assert result.exit_code == 0, result.output
    from evaluate.workspace import Workspace

    ws = Workspace.open(ws_dir)
    assert ws.cohorts == ["c2", "c1"] or sorted(ws.cohorts) == ["c1", "c2"]
    assert ws.responses()["cohort"].unique().tolist() == ["c1"]
    assert ws.responses()["wave"].unique().tolist() == ["baseline"]


@pytest.mark.parametrize("command", ["validate", "ingest", "init"])
def test_a_label_longer_than_a_file_name_allows_is_a_clear_message(tmp_path, roster_and_export,
                                                                     command):
    roster, export = roster_and_export
    label = "c" * 300
    runner = CliRunner()
    ws_dir = tmp_path / "ws"
    if command == "init":
        args = ["init", str(tmp_path / "new"), "--cohort", label, "--instruments", PULSE]
    else:
        runner.invoke(cli, ["init", str(ws_dir), "--roster", str(roster), "--instruments", PULSE])
        args = [command, str(export), "-i", "pulse@1", "-c", label, "--wave", "baseline"]
        args += ["-w", str(ws_dir)]
    result = runner.invoke(cli, args)
    assert result.exit_code in (1, 2), result.output
    assert f'Cohort "{label}" cannot be used: use up to 64 letters' in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ item 8: a clock change
def test_times_across_a_clock_change_are_stored_in_utc_with_a_note(tmp_path, roster_and_export):
    """Qualtrics csv whose times carry their offset: Z before the UK clocks go forward
    (01:00 UTC on 29 March 2026), +01:00 after."""
    roster, _ = roster_and_export
    export = tmp_path / "pulse-qualtrics.csv"
    ids = ["startDate", "endDate", "status", "progress", "finished", "recordedDate", "_recordId",
           "recipientEmail", "QID1"]
    export.write_text("\n".join([
        "StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,RecipientEmail,Q1",
        "Start Date,End Date,Response Type,Progress,Finished,Recorded Date,Response ID,"
        f"Recipient Email,{SEE}",
        ",".join(f'"{{""ImportId"":""{i}""}}"' for i in ids),
        "2026-03-29T00:40:00Z,2026-03-29T00:55:00Z,IP Address,100,True,2026-03-29T00:55:00Z,"
        "R_1,jo.smith@example.nhs.uk,Agree",
        "2026-03-29T02:10:00+01:00,2026-03-29T02:20:00+01:00,IP Address,100,True,"
        "2026-03-29T02:20:00+01:00,R_2,ann.lee@example.gov.uk,Disagree",
    ]) + "\n", encoding="utf-8")
    ws_dir = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(ws_dir), "--roster", str(roster), "--instruments",
                               PULSE]).exit_code == 0
    result = runner.invoke(cli, ["ingest", str(export), "-w", str(ws_dir), "-i", "pulse@1",
                                 "-c", "c1", "--wave", "baseline"])
    assert result.exit_code == 0, result.output
    assert "2 accepted" in result.output
    assert ("Note: Some times carried a UTC offset (such as +01:00 or Z); they were converted "
            "to UTC") in result.output
    from evaluate.workspace import Workspace

    got = Workspace.open(ws_dir).responses().sort_values("source_row")
    assert got["started"].tolist() == [pd.Timestamp("2026-03-29 00:40"),
                                       pd.Timestamp("2026-03-29 01:10")]
    assert got["completed"].tolist() == [pd.Timestamp("2026-03-29 00:55"),
                                         pd.Timestamp("2026-03-29 01:20")]
