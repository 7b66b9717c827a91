"""Our own table writers against the well-kept libraries, on the same table, in one process.

Run by hand from the repository root (XlsxWriter is not a dependency: install it to run)::

    pip install xlsxwriter
    python benchmarks/bench_writer_libraries.py                 # 200,000 rows, median of 3
    python benchmarks/bench_writer_libraries.py --rows 20000 --repeat 5

The table is shaped like the long result tables (one row per person and scale:
ids, cohort, wave, scale, a score that is a mean of a few answers, counts, a
flag, and a short free-text note on some rows). Timed, alternating within each
round so that each sees the same load:

- **xlsx, ours**: :func:`evaluate.report.xlsx.write_workbook` (openpyxl in
  write-only mode for the workbook, the rows as XML in bulk,
  :mod:`evaluate.report.xlsx_rows`);
- **xlsx, XlsxWriter** in constant-memory mode writing the same sheet: the
  same header style, widths, number formats, frozen header, filter, print
  set-up and row heights (computed by the same functions, and timed), every
  text cell written as text (never a formula);
- **csv, ours**: :func:`evaluate.csv_tables.write_csv` (byte-identical to pandas);
- **csv, pandas** ``DataFrame.to_csv``, and **csv, pyarrow** ``pyarrow.csv.write_csv``
  (whose bytes differ: it quotes every text field and writes ``true``/``false``).

Prints each writer's median and the ratio to ours, and whether pyarrow's csv
bytes equal ours (they do not: see above).

Measured (issue 23, 20,000 rows, one round, a 2-core machine at load 9–10): xlsx ours
8.4 s, XlsxWriter constant_memory 24.8 s (3.0×); csv ours 0.17 s, pandas 0.71 s (4.1×),
pyarrow 0.07 s (0.4×, other bytes). So the workbooks keep our writer, and the csv tables
keep ours too: pyarrow's is faster but would change every csv a user has (quotes on every
text field, ``4`` for ``4.0``, ``true`` for ``True``), and ours writes pandas' bytes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.csv_tables import write_csv
from evaluate.report.xlsx import (
    Sheet,
    _column_width,
    column_values,
    guess_format,
    row_heights,
    write_workbook,
)


def table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(23)
    people = rows // 6 + 1
    notes = np.array(["", "", "", "More confidence to work across organisations, and time to "
                      "reflect with peers from the council and the NHS", "=not a formula"],
                     dtype=object)
    return pd.DataFrame({
        "participant": pd.Series(np.char.add("P-", rng.integers(10**9, 10**10, people)
                                             .astype(str))[rng.integers(0, people, rows)],
                                 dtype="string"),
        "cohort": pd.Series(np.array(["c1", "c2", "c3"], dtype=object)[rng.integers(0, 3, rows)],
                            dtype="string"),
        "wave": pd.Series(np.array(["baseline", "end"], dtype=object)[rng.integers(0, 2, rows)],
                          dtype="string"),
        "scale": pd.Series(np.array(["system_leadership", "coach_approach", "peer_network",
                                     "system_innovation", "courage", "story"],
                                    dtype=object)[rng.integers(0, 6, rows)], dtype="string"),
        "score": np.round(rng.integers(4, 21, rows) / 4, 2),
        "n_items": rng.integers(3, 6, rows),
        "complete": rng.random(rows) > 0.1,
        "note": pd.Series(notes[rng.integers(0, len(notes), rows)], dtype="string").replace("", pd.NA),
    })


def ours_xlsx(frame: pd.DataFrame, path: Path) -> None:
    write_workbook(path, [Sheet("scores", frame, about="scores")], title="bench", contents=False)


def xlsxwriter_xlsx(frame: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": False})
    wb.set_properties({"author": "evaluate", "created": pd.Timestamp("2000-01-01").to_pydatetime()})
    front = wb.add_worksheet("README")
    front.write_string(0, 0, "bench", wb.add_format({"bold": True, "font_size": 14}))
    ws = wb.add_worksheet("scores")
    headers = [str(c) for c in frame.columns]
    widths, wrap, formats = [], [], []
    for col, heading in zip(frame.columns, headers, strict=True):
        width, wraps = _column_width(frame[col], heading)
        widths.append(width)
        wrap.append(wraps)
        formats.append(guess_format(frame[col]))
    columns = [column_values(frame[c]) for c in frame.columns]
    heights = row_heights(columns, widths, wrap)
    header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                            "text_wrap": True, "valign": "top"})
    one_line = [wb.add_format({**({"num_format": f} if f else {}),
                               **({"text_wrap": True, "valign": "top"} if w else {})})
                for f, w in zip(formats, wrap, strict=True)]
    tall = [wb.add_format({**({"num_format": f} if f else {}), "valign": "top",
                           **({"text_wrap": True} if w else {})})
            for f, w in zip(formats, wrap, strict=True)]
    quoted = [wb.add_format({"quote_prefix": True}) for _ in formats]
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(frame), len(headers) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, header)
    for i, row in enumerate(zip(*columns, strict=True), start=1):
        if heights[i - 1]:
            ws.set_row(i, heights[i - 1])
        styles = tall if heights[i - 1] else one_line
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(i, j, v, quoted[j] if v[:1] in "=+-@" else styles[j])
            elif isinstance(v, bool):
                ws.write_boolean(i, j, v, styles[j])
            else:
                ws.write_number(i, j, v, styles[j])
    wb.close()


def ours_csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv(frame, path)


def pandas_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def pyarrow_csv(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    pcsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), str(path),
                   pcsv.WriteOptions(quoting_style="needed"))


WRITERS = {"xlsx, ours (openpyxl + bulk rows)": ours_xlsx,
           "xlsx, XlsxWriter constant_memory": xlsxwriter_xlsx,
           "csv, ours (write_csv)": ours_csv, "csv, pandas to_csv": pandas_csv,
           "csv, pyarrow write_csv": pyarrow_csv}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = table(args.rows)
    out = Path(tempfile.mkdtemp(prefix="bench-writers-"))
    times: dict[str, list[float]] = {k: [] for k in WRITERS}
    print(f"{args.rows:,} rows × {frame.shape[1]} columns; load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    for n in range(args.repeat):
        for name, write in WRITERS.items():
            path = out / f"{n}-{name.split(',')[1].split()[0]}.{name[:4].strip(',')}"
            t0 = time.perf_counter()
            write(frame, path)
            times[name].append(time.perf_counter() - t0)
        print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items())
              + f" (load {os.getloadavg()[0]:.1f})", flush=True)
    same = (out / "0-ours.csv").read_bytes() == (out / "0-pyarrow.csv").read_bytes()
    pandas_same = (out / "0-ours.csv").read_bytes() == (out / "0-pandas.csv").read_bytes()
    print(f"\n| writer | median of {args.repeat} | × ours |\n|---|---|---|")
    for name, v in times.items():
        ours = statistics.median(times[next(k for k in WRITERS if k[:4] == name[:4])])
        print(f"| {name} | {statistics.median(v):.2f} s | {statistics.median(v) / ours:.2f}× |")
    print(f"\ncsv bytes: ours == pandas: {pandas_same}; ours == pyarrow: {same}")
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.glob("0-*")))
    print(f"files: {sizes}")


if __name__ == "__main__":
    main()
