"""Would fastexcel (xlsx straight to Arrow) be a faithful and faster reader? Run by hand.

    python benchmarks/bench_fastexcel.py [ROWS] [--repeat 3]

Two parts:

1. Faithfulness, on a small workbook like the one in
   ``tests/test_ingest.py::test_mixed_type_cells_and_blank_rows_keep_their_values_and_spreadsheet_rows``
   (blank rows above, between and below the responses; an answer column mixing a
   label, a numeric code, TRUE, a date, a text code; a number column mixing numbers,
   a number typed as text and a decimal comma): prints each cell as our reader
   (python-calamine, one Python object per cell) and fastexcel give it, and the
   spreadsheet row each reader's rows stand for.
2. Speed, on the 100,000-row export of ``benchmarks/bench_ingest.py`` (built there):
   ``read_export`` as it is; python-calamine alone handing over the sheet; fastexcel
   to Arrow with every row kept (no heading row: all columns come back as text), and
   with row 1 as headings (types inferred per column).
3. The strict fast path (``--xlsx PATH``, e.g. an export of ``bench_national.py``):
   fastexcel with row 1 as headings, ``dtype_coercion="strict"`` and every row
   sampled (a column of mixed types raises, so a reader would fall back to
   python-calamine), compared cell by cell with python-calamine's cells, and both
   timed to the grid of Python values every later step of ours reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import fastexcel
import numpy as np
import openpyxl
import python_calamine

from evaluate.ingest.readers import read_export

TMP = Path(tempfile.gettempdir()) / "evaluate-bench"


def mixed_workbook(path: Path) -> Path:
    t0, t1 = dt.datetime(2026, 3, 5, 9, 0), dt.datetime(2026, 3, 5, 9, 12)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Form1"
    ws.append([])
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "See", "Years"])
    ws.append([1, t0, t1, "a@x.org", "A", "Agree", 3])
    ws.append([])
    ws.append([2, t0, t1, "b@x.org", "B", 5, "2.5"])
    ws.append([3, t0, t1, "c@x.org", "C", True, 7])
    ws.append([])
    ws.append([4, t0, t1, "d@x.org", "D", t0, 1])
    ws.append([5, t0, t1, "e@x.org", "E", "Agree strongly", 4.0])
    ws.append([6, t0, t1, "f@x.org", "F", "4", "2,5"])
    ws.append([])
    wb.save(path)
    return path


def faithfulness() -> None:
    path = mixed_workbook(Path(tempfile.mkdtemp()) / "mixed.xlsx")
    raw = read_export(path)
    ours = {int(r): (raw.frame.iloc[i, 5], raw.frame.iloc[i, 6])
            for i, r in enumerate(raw.row_numbers)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, skip_rows=0).to_arrow()
    see, years = table.column(5).to_pylist(), table.column(6).to_pylist()
    print("row  our reader (type)                          fastexcel, every row kept (type)")
    for r, (a, b) in ours.items():
        f = (see[r - 1], years[r - 1])
        print(f"{r:>3}  {a!r:>24} {type(a).__name__:<9} {b!r:>6} {type(b).__name__:<6}"
              f"  {f[0]!r:>24} {type(f[0]).__name__:<5} {f[1]!r:>6} {type(f[1]).__name__}")
    print(f"fastexcel column types with every row kept: {sorted({str(t.type) for t in table.schema})}"
          f"; rows {table.num_rows} (sheet rows 1–{table.num_rows}, blank rows kept as nulls)")


def timed(fn, repeat: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def speed(rows: int, repeat: int) -> None:
    path = TMP / f"ms_forms_valid_{rows}.xlsx"
    if not path.exists():
        print(f"{path} is missing: run benchmarks/bench_ingest.py {rows} first")
        return

    def calamine():
        python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
            skip_empty_area=False)

    def fx(**kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fastexcel.read_excel(str(path)).load_sheet(0, **kw).to_arrow()

    print(f"{rows:,} rows × 60 columns, median of {repeat} (wall s / CPU s):")
    for label, fn in (("read_export (calamine → cells → checks)", lambda: read_export(path)),
                      ("python-calamine to_python alone", calamine),
                      ("fastexcel to Arrow, every row kept", lambda: fx(header_row=None, skip_rows=0)),
                      ("fastexcel to Arrow, row 1 as headings", lambda: fx(header_row=0))):
        wall, cpu = timed(fn, repeat)
        print(f"  {label:<42} {wall:6.2f} / {cpu:6.2f}")


def strict_fast_path(path: Path, repeat: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mixed = mixed_workbook(Path(tempfile.mkdtemp()) / "mixed.xlsx")
        try:
            fastexcel.read_excel(str(mixed)).load_sheet(
                0, header_row=0, dtype_coercion="strict", schema_sample_rows=None).to_arrow()
            print("strict on the mixed workbook: read (no fallback signal)")
        except Exception as exc:  # noqa: BLE001 - which error is what we show
            print(f"strict on the mixed workbook: {type(exc).__name__} (a reader would fall back)")

    def strict():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fastexcel.read_excel(str(path)).load_sheet(
                0, header_row=0, dtype_coercion="strict", schema_sample_rows=None).to_arrow()

    def calamine_rows():
        return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
            skip_empty_area=False)

    table, rows = strict(), calamine_rows()
    differ = 0
    for j in range(table.num_columns):
        for i, value in enumerate(table.column(j).to_pylist()):
            cell = rows[i + 1][j] if j < len(rows[i + 1]) else ""
            cell = None if cell == "" else cell
            differ += type(value) is not type(cell) or value != cell
    same_headings = list(table.column_names) == [str(v) for v in rows[0]]
    print(f"{path.name}: {table.num_rows:,} rows; headings alike: {same_headings}; "
          f"cells that differ from python-calamine's: {differ:,}")

    def fast_grid():
        t = strict()
        grid = np.empty((t.num_rows, t.num_columns), dtype=object)
        for j in range(t.num_columns):
            grid[:, j] = t.column(j).to_pylist()
        return grid

    print(f"to a grid of Python values, median of {repeat} (wall s / CPU s):")
    for label, fn in (("python-calamine (as read_export does)",
                       lambda: np.array(calamine_rows(), dtype=object)),
                      ("fastexcel strict, then Python values", fast_grid),
                      ("fastexcel strict to Arrow only", strict)):
        wall, cpu = timed(fn, repeat)
        print(f"  {label:<42} {wall:6.2f} / {cpu:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx", type=Path, help="an export to try the strict fast path on")
    args = parser.parse_args()
    if args.xlsx:
        strict_fast_path(args.xlsx, args.repeat)
        return
    faithfulness()
    speed(args.rows, args.repeat)


if __name__ == "__main__":
    main()
