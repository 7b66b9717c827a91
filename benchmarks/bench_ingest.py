"""Time the whole ingest (read → match → code → validate) on a large export.

Run by hand:  python benchmarks/bench_ingest.py [ROWS]
Builds a Microsoft-Forms-like export with ROWS rows (default 100,000) and
60 columns (5 platform columns, 30 agreement items, 5 numbers, 10 choices,
10 multi-selects) as csv and xlsx in the system temp folder (cached), then
times `ingest_file` on each with a 2,000-person roster.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instruments
from evaluate.roster import read_roster

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
TMP = Path(tempfile.gettempdir()) / "evaluate-bench"
TMP.mkdir(exist_ok=True)
INST = load_instruments()["baseline@1"]


def build() -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(1)
    likert = [i for i in INST.items if i.type == "likert"]
    numbers = [i for i in INST.items if i.type == "number"]
    choices = [i for i in INST.items if i.type == "choice"]
    multis = [i for i in INST.items if i.type == "multi"]
    n_people = 2000
    roster = pd.DataFrame({
        "name": [f"Person {i}" for i in range(n_people)],
        "email": [f"person{i}@example.org" for i in range(n_people)],
        "cohort": "c1", "organisation": rng.choice(list("ABCDEFG"), n_people),
        "sector": "NHS", "place": "Luton", "role": "Lead"})
    roster_path = TMP / "roster.csv"
    roster.to_csv(roster_path, index=False)
    data = {
        "ID": np.arange(1, ROWS + 1),
        "Start time": pd.Timestamp("2026-03-01 09:00") + pd.to_timedelta(rng.integers(0, 10**6, ROWS), unit="s"),
    }
    data["Completion time"] = data["Start time"] + pd.Timedelta(minutes=12)
    pick = rng.integers(0, n_people * 3, ROWS)  # two thirds not on the roster
    data["Email"] = np.where(pick < n_people, "person" + pick.astype(str) + "@example.org", "anonymous")
    data["Name"] = ""
    cols = 5
    for k in range(30):
        item = likert[k % len(likert)]
        labels = np.array(INST.response_set_of(item).labels + ("Prefer not to say",))
        heading = item.text if k < len(likert) else f"{item.text} ({k})"
        data[heading] = labels[rng.integers(0, len(labels), ROWS)]
        cols += 1
    for k in range(5):
        item = numbers[k % len(numbers)]
        data[f"{item.text}" + ("" if k == 0 else f" ({k})")] = rng.integers(0, 30, ROWS)
    for k in range(10):
        item = choices[k % len(choices)]
        labels = np.array(INST.response_set_of(item).labels)
        data[item.text + ("" if k == 0 else f" ({k})")] = labels[rng.integers(0, len(labels), ROWS)]
    for k in range(10):
        item = multis[k % len(multis)]
        labels = np.array(INST.response_set_of(item).labels)
        a = labels[rng.integers(0, len(labels), ROWS)]
        b = labels[rng.integers(0, len(labels), ROWS)]
        data[item.text + ("" if k == 0 else f" ({k})")] = np.char.add(np.char.add(np.char.add(a.astype(str), ";"), b.astype(str)), ";")
    frame = pd.DataFrame(data)
    csv = TMP / f"ms_forms_{ROWS}.csv"
    xlsx = TMP / f"ms_forms_{ROWS}.xlsx"
    if not csv.exists():
        frame.to_csv(csv, index=False)
    if not xlsx.exists():
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Form1")
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else (v.item() if hasattr(v, "item") else v) for v in row])
        wb.save(xlsx)
    return roster_path, csv, xlsx


def main() -> None:
    t = time.perf_counter()
    roster_path, csv, xlsx = build()
    print(f"built inputs in {time.perf_counter() - t:.1f} s ({ROWS:,} rows × 60 columns)")
    roster = read_roster(roster_path, "bench")
    for path in (csv, xlsx):
        t = time.perf_counter()
        result = ingest_file(path, INST, cohort="c1", wave="baseline", roster=roster, salt="bench")
        took = time.perf_counter() - t
        c = result.counts
        print(f"{path.suffix}: {took:.2f} s — read {c['read']:,}, accepted {c['accepted']:,}, "
              f"quarantined {c['quarantined']:,}, problems {len(result.problems):,}")


if __name__ == "__main__":
    main()
