"""Time read_export on a large Microsoft-Forms-like export (run by hand, not a test).

Builds a 100,000-row × 60-column workbook (openpyxl write-only mode) and the
same data as csv, caches both in the system temp folder, and prints how long
``read_export`` takes on each, next to the time python-calamine alone needs to
hand the sheet over (the floor for the xlsx path), and what the memory check
before reading costs (``evaluate.ingest.extent``): the streaming scan on this
workbook, which has no ``<dimension>`` (openpyxl's write-only mode, like a
Google Sheets download, writes none), and reading the dimension from a copy
that declares one (as Excel and Microsoft Forms write); and the scan with the
search for Excel error cells and unsaved formulas riding on it
(``evaluate.ingest.formulas``), which the reader would show as blanks.

    python benchmarks/bench_read.py [--rows 100000] [--repeat 3]

With ``--xlsx PATH`` (e.g. an export of ``bench_national.py``) it times
``read_export`` of that workbook with the typed read of large sheets
(``evaluate.ingest.typed``, fastexcel) and without it (python-calamine's cells),
beside fastexcel alone reading the sheet to Arrow (the yardstick), interleaved,
CPU and wall medians, and checks both reads give the same export.

    python benchmarks/bench_read.py --xlsx PATH [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from evaluate.ingest import read_export
from evaluate.ingest.extent import sheet_extent
from evaluate.ingest.formulas import HiddenCellFinder
from evaluate.ingest.readers import column_letter

AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
SESSIONS = ["Session 1;", "Session 1;Session 2;", "Session 3;", ""]
N_COLS = 60


def _rows(n_rows: int, seed: int = 0):
    """Yield the heading row, then n_rows response rows (6 metadata + 54 questions)."""
    rng = np.random.default_rng(seed)
    yield (
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
        + [f"Question {i}: how far do you agree with statement {i}?" for i in range(1, 45)]
        + [f"Which sessions did you attend ({i})?" for i in range(1, 6)]
        + [f"Comments {i}" for i in range(1, 6)]
    )
    t0 = dt.datetime(2026, 7, 27, 9, 0, 0)
    likert = rng.integers(0, 5, size=(n_rows, 44))
    multi = rng.integers(0, 4, size=(n_rows, 5))
    for r in range(n_rows):
        start = t0 + dt.timedelta(seconds=int(r * 37))
        yield (
            [
                r + 1,
                start,
                start + dt.timedelta(minutes=7),
                f"person{r}@example.org",
                f"Person {r}",
                None,
            ]
            + [AGREE[k] for k in likert[r]]
            + [SESSIONS[k] or None for k in multi[r]]
            + ["Really useful session, thank you" if r % 7 == 0 else None for _ in range(5)]
        )


def build(n_rows: int) -> tuple[Path, Path]:
    folder = Path(tempfile.gettempdir()) / "evaluate-bench"
    folder.mkdir(exist_ok=True)
    xlsx = folder / f"msforms_{n_rows}x{N_COLS}.xlsx"
    text = folder / f"msforms_{n_rows}x{N_COLS}.csv"
    if not xlsx.exists():
        from openpyxl import Workbook

        t = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Form1")
        for row in _rows(n_rows):
            ws.append(row)
        wb.save(xlsx)
        print(f"built {xlsx.name} in {time.perf_counter() - t:.1f} s")
    if not text.exists():
        with text.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            for row in _rows(n_rows):
                w.writerow(["" if v is None else v for v in row])
    return xlsx, text


def with_dimension(xlsx: Path) -> Path:
    """A copy of the workbook whose sheet declares its size, as Excel writes it."""
    import zipfile

    out = xlsx.with_name(xlsx.stem + "-dimension.xlsx")
    if out.exists():
        return out
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/worksheets/sheet"):
                ref = f"A1:{column_letter(N_COLS - 1)}{data.count(b'<row ')}".encode()
                data = data.replace(b"<sheetViews>", b'<dimension ref="' + ref + b'"/><sheetViews>', 1)
            dst.writestr(name, data)
    return out


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def typed_or_not(path: Path, repeat: int) -> None:
    """read_export with and without the typed read, interleaved; the same export either way."""
    import warnings

    import fastexcel

    import evaluate.ingest.typed as typed

    def bare():  # the yardstick: fastexcel alone, the sheet to Arrow, types guessed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()

    limit = typed.TYPED_BYTES
    times: dict[str, list[tuple[float, float]]] = {
        "cells (python-calamine)": [], "typed": [], "fastexcel alone": []}
    raws = {}
    for _ in range(repeat):
        for label, least in (("cells (python-calamine)", 1 << 62), ("typed", limit),
                             ("fastexcel alone", None)):
            typed.TYPED_BYTES = least
            t, c = time.perf_counter(), time.process_time()
            if least is None:
                bare()
            else:
                raws[label] = read_export(path)
            times[label].append((time.process_time() - c, time.perf_counter() - t))
    typed.TYPED_BYTES = limit
    a, b = raws.values()
    same = (a.frame.equals(b.frame) and a.notes == b.notes and a.hidden == b.hidden
            and all(a.frame[k].map(type).equals(b.frame[k].map(type)) for k in a.frame))
    print(f"{path.name}: read_export, median of {repeat} (CPU s / wall s); same export: {same}")
    for label, runs in times.items():
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        print(f"  {label:<24} {cpu:6.2f} / {wall:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx", type=Path, help="time the typed read of this workbook")
    args = parser.parse_args()
    if args.xlsx:
        typed_or_not(args.xlsx, args.repeat)
        return
    xlsx, text = build(args.rows)

    import python_calamine

    def calamine_only():
        wb = python_calamine.CalamineWorkbook.from_path(str(xlsx))
        wb.get_sheet_by_name("Form1").to_python(skip_empty_area=False)

    raw = read_export(xlsx)
    assert raw.rows_read == args.rows and len(raw.columns) == N_COLS
    raw = read_export(text)
    assert raw.rows_read == args.rows and len(raw.columns) == N_COLS

    print(f"{args.rows:,} rows × {N_COLS} columns, best of {args.repeat}:")
    print(f"  calamine to_python alone : {_best(calamine_only, args.repeat):6.2f} s")
    print(f"  read_export xlsx         : {_best(lambda: read_export(xlsx), args.repeat):6.2f} s")
    print(f"  read_export csv          : {_best(lambda: read_export(text), args.repeat):6.2f} s")
    declared = with_dimension(xlsx)
    assert sheet_extent(declared, "Form1").source == "dimension"
    assert sheet_extent(xlsx, "Form1").source == "scan"
    print(f"  memory check, scan       : {_best(lambda: sheet_extent(xlsx, 'Form1'), args.repeat):6.2f} s")
    print(f"  memory check, dimension  : "
          f"{_best(lambda: sheet_extent(declared, 'Form1'), args.repeat) * 1000:6.1f} ms")
    print(f"  scan + error/formula find: "
          f"{_best(lambda: sheet_extent(xlsx, 'Form1', HiddenCellFinder()), args.repeat):6.2f} s")


if __name__ == "__main__":
    main()
