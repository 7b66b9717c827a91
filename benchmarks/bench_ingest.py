"""Time the whole ingest (read roster → read → match → code → validate) on a large export.

Run by hand:  python benchmarks/bench_ingest.py [ROWS] [--repeat N]

Builds a Microsoft-Forms-like export with ROWS respondents (default 100,000) and
60 columns (5 platform columns, 30 agreement items, 5 numbers, 10 choices, 10
multi-selects) as csv and xlsx, every row valid and every respondent on a
ROWS-person roster (the national case of issue 11), in the system temp folder
(cached: the xlsx takes minutes to write). Then, for each file, times in one
process, N times (median shown):

- ``roster``: ``read_roster`` as an import does it (the first call parses the
  file; later calls in the same process reuse the parse while the file is
  unchanged);
- ``ingest``: ``ingest_file`` with that roster, wall-clock and CPU time (on a
  shared machine the CPU time is the steadier figure).

To compare with an older version of the code, run the same script with
``PYTHONPATH`` pointing at a checkout of that version (the script uses only
``read_roster``, ``ingest_file`` and ``load_instruments``).

Whole ``evaluate ingest`` processes, this code against an older checkout::

    python benchmarks/bench_ingest.py --processes FOLDER --old CHECKOUT [--rounds N]

``FOLDER`` holds ``bench_national.py``'s inputs (``roster.csv`` and the
exports); each round imports ``FOLDER/baseline.csv`` (``--export``) into a
fresh copy of one workspace made from that roster, with the old code and
then this code (the order alternating between rounds), and prints each
process's CPU (user + system), wall-clock time and peak memory, then the
medians and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import evaluate
from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instruments
from evaluate.roster import read_roster

TMP = Path(tempfile.gettempdir()) / "evaluate-bench"
INST = load_instruments()["baseline@1"]


def build(rows: int) -> tuple[Path, Path, Path]:
    """The roster, csv and xlsx exports (written once, then reused)."""
    TMP.mkdir(exist_ok=True)
    roster_path = TMP / f"roster_valid_{rows}.csv"
    csv = TMP / f"ms_forms_valid_{rows}.csv"
    xlsx = TMP / f"ms_forms_valid_{rows}.xlsx"
    if roster_path.exists() and csv.exists() and xlsx.exists():
        return roster_path, csv, xlsx
    rng = np.random.default_rng(1)
    people = np.arange(rows)
    pd.DataFrame({
        "name": [f"Person{i} Surname{i % 997}" for i in people],
        "email": [f"person{i}@example.org" for i in people],
        "cohort": "c1", "organisation": rng.choice(list("ABCDEFG"), rows),
        "sector": "NHS", "place": "Luton", "role": "Lead"}).to_csv(roster_path, index=False)
    likert = [i for i in INST.items if i.type == "likert"]
    numbers = [i for i in INST.items if i.type == "number"]
    choices = [i for i in INST.items if i.type == "choice"]
    multis = [i for i in INST.items if i.type == "multi"]
    start = pd.Timestamp("2026-03-01 09:00") + pd.to_timedelta(rng.integers(0, 10**6, rows), unit="s")
    data = {"ID": people + 1, "Start time": start, "Completion time": start + pd.Timedelta(minutes=12),
            "Email": [f"person{i}@example.org" for i in rng.permutation(rows)],
            "Name": ""}
    for k in range(30):
        item = likert[k % len(likert)]
        labels = np.array(INST.response_set_of(item).labels + ("Prefer not to say",))
        heading = item.text if k < len(likert) else f"{item.text} ({k})"
        data[heading] = labels[rng.integers(0, len(labels), rows)]
    for k in range(5):
        item = numbers[k % len(numbers)]
        data[item.text + ("" if k == 0 else f" ({k})")] = rng.integers(0, 30, rows)
    for k in range(10):
        item = choices[k % len(choices)]
        labels = np.array(INST.response_set_of(item).labels)
        data[item.text + ("" if k == 0 else f" ({k})")] = labels[rng.integers(0, len(labels), rows)]
    for k in range(10):
        item = multis[k % len(multis)]
        labels = np.array(INST.response_set_of(item).labels)
        a = labels[rng.integers(0, len(labels), rows)].astype(str)
        b = labels[rng.integers(0, len(labels), rows)].astype(str)
        data[item.text + ("" if k == 0 else f" ({k})")] = np.char.add(np.char.add(a, ";"), b)
    frame = pd.DataFrame(data)
    frame.to_csv(csv, index=False)
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Form1")
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else
                   (v.item() if hasattr(v, "item") else v) for v in row])
    wb.save(xlsx)
    return roster_path, csv, xlsx


_RUN = "import sys; from evaluate.cli import main; sys.argv[0] = 'evaluate'; main()"


def _process(code: Path, args: list[str]) -> tuple[float, float, float]:
    """CPU (user + system) and wall-clock seconds and peak memory (MB) of one ``evaluate``
    process run with the code in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _RUN, *args], env=env,
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"evaluate {' '.join(args)} failed with the code in {code}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def processes(folder: Path, old: Path, export: str, rounds: int) -> None:
    """Interleaved whole ``evaluate ingest`` processes: the code in ``old`` against this."""
    new = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        template = Path(tmp) / "template"
        _process(new, ["init", str(template), "--roster", str(folder / "roster.csv")])
        runs: dict[str, list[tuple[float, float, float]]] = {"old": [], "new": []}
        for r in range(rounds):
            for label in (("old", "new") if r % 2 == 0 else ("new", "old")):
                ws = Path(tmp) / "ws"
                shutil.rmtree(ws, ignore_errors=True)
                shutil.copytree(template, ws)
                got = _process(old if label == "old" else new,
                               ["ingest", str(folder / export), "-w", str(ws), "-i", "baseline@1",
                                "-c", "national", "--wave", "baseline", "-q"])
                runs[label].append(got)
                print(f"round {r + 1} {label}: CPU {got[0]:.2f} s, wall {got[1]:.2f} s, "
                      f"peak {got[2]:.0f} MB", flush=True)
    for label in ("old", "new"):
        cpu, wall, peak = (statistics.median(x) for x in zip(*runs[label], strict=True))
        print(f"{label}: medians of {rounds}: CPU {cpu:.2f} s, wall {wall:.2f} s, "
              f"peak {peak:.0f} MB")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--processes", type=Path, metavar="FOLDER",
                        help="time whole evaluate ingest processes on FOLDER's inputs")
    parser.add_argument("--old", type=Path, help="the checkout to compare with (--processes)")
    parser.add_argument("--export", default="baseline.csv")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.processes:
        if args.old is None:
            parser.error("--processes needs --old CHECKOUT")
        processes(args.processes, args.old, args.export, args.rounds)
        return
    t = time.perf_counter()
    roster_path, csv, xlsx = build(args.rows)
    print(f"inputs ready in {time.perf_counter() - t:.1f} s ({args.rows:,} rows × 60 columns); "
          f"code: {Path(evaluate.__file__).parent}")
    for path in (csv, xlsx):
        rosters, ingests, cpu = [], [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            roster = read_roster(roster_path, "bench")
            rosters.append(time.perf_counter() - t)
            t, c0 = time.perf_counter(), time.process_time()
            result = ingest_file(path, INST, cohort="c1", wave="baseline", roster=roster,
                                 salt="bench")
            ingests.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c0)
        c = result.counts
        print(f"{path.suffix}: roster {', '.join(f'{s:.2f}' for s in rosters)} s; ingest median "
              f"{statistics.median(ingests):.2f} s wall, {statistics.median(cpu):.2f} s CPU "
              f"(runs {', '.join(f'{s:.2f}' for s in ingests)} s wall)"
              f" — read {c['read']:,}, accepted {c['accepted']:,}, quarantined "
              f"{c['quarantined']:,}, problems {len(result.problems):,}")


if __name__ == "__main__":
    main()
