"""A national programme end to end: 100,000 people × baseline and post, timed as whole processes.

Run by hand (not a test), from the repository root, with the floors' readers installed::

    pip install polars fastexcel
    python benchmarks/bench_national.py                  # 100,000 people, median of 3
    python benchmarks/bench_national.py --people 10000 --repeat 1

Builds (once, cached in the system temp folder) a roster of PEOPLE people and
their answers to baseline@1 and post@1 as Microsoft Forms exports (xlsx, and
the same as csv): ID, Start time, Completion time, Email, Name and one
column per question, every row valid. Then, for each format and
each repeat, runs as separate processes in this process tree:

- ``evaluate init`` (with the roster), ``evaluate ingest`` of each wave,
  ``evaluate analyse`` and ``evaluate report`` on a fresh workspace;
- the floor: reading the same two files and nothing else — fastexcel into
  Arrow for xlsx, polars for csv (each in a fresh interpreter, as ours are);
- for csv, the rival: ``benchmarks/rival_pandas_pingouin.py``, the whole job
  as a user would write it with plain pandas and pingouin.

Each process's peak memory comes from ``os.wait4`` (the resource usage of
that child); the table prints the median time of each step, the largest peak,
and end to end against the floor. The goals (issue 11): xlsx ≤ 2.5× the
fastexcel floor, csv ≤ 5× the polars floor and no slower than the rival, peak
memory ≤ 1.5 GB.
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

__all__ = ["build_inputs", "main"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
COHORT = "national"
WAVES = (("baseline@1", "baseline", "baseline"), ("post@1", "end", "post"))
TEXTS = ("More confidence to work across organisations", "Time to reflect with peers",
         "Understanding how the system fits together", "Coaching conversations",
         "Meeting people from the council", "A clearer view of my change challenge", "")


# ----------------------------------------------------------------------------- inputs
def _answers(inst, n: int, rng: np.random.Generator, lift: float) -> dict[str, np.ndarray]:
    """One valid answer per person for every question of ``inst`` (heading → values)."""
    out: dict[str, np.ndarray] = {}
    for item in inst.items:
        if item.type == "likert":
            labels = np.array(inst.response_set_of(item).labels, dtype=object)
            codes = np.clip(np.round(rng.normal(2.6 + lift, 1.0, n)), 0, len(labels) - 1).astype(int)
            out[item.text] = labels[codes]
        elif item.type == "choice":
            labels = np.array(inst.response_set_of(item).labels, dtype=object)
            out[item.text] = labels[rng.integers(0, len(labels), n)]
        elif item.type == "multi":
            labels = np.array(inst.response_set_of(item).labels, dtype=object)
            a, b = labels[rng.integers(0, len(labels), n)], labels[rng.integers(0, len(labels), n)]
            out[item.text] = np.where(a == b, a + ";", a + ";" + b + ";")
        elif item.type == "number":
            low = int(item.minimum or 0)
            high = int(item.maximum) if item.maximum is not None else low + 30
            out[item.text] = rng.integers(low, min(high, low + 30) + 1, n)
        elif item.type == "text":
            out[item.text] = np.array(TEXTS, dtype=object)[rng.integers(0, len(TEXTS), n)]
        else:
            raise SystemExit(f"{inst.id}@{inst.version}: no generator for {item.type} items ({item.id})")
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Form1")
    sheet.append(list(frame.columns))
    columns = [frame[c].to_numpy(dtype=object) if frame[c].dtype.kind != "M"
               else np.array(frame[c].dt.to_pydatetime(), dtype=object) for c in frame.columns]
    for row in zip(*columns, strict=True):
        sheet.append([v.item() if isinstance(v, np.generic) else v for v in row])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)


def build_inputs(people: int, folder: Path) -> dict[str, Path]:
    """Roster and both waves as xlsx and csv under ``folder`` (kept between runs)."""
    from evaluate.instruments import load_instruments

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"roster": folder / "roster.csv"}
    for _ref, _wave, stem in WAVES:
        paths[f"{stem}.xlsx"] = folder / f"{stem}.xlsx"
        paths[f"{stem}.csv"] = folder / f"{stem}.csv"
    if all(p.exists() for p in paths.values()):
        return paths
    rng = np.random.default_rng(11)
    ids = np.arange(people)
    names = np.char.add("Person ", ids.astype(str)).astype(object)
    emails = np.char.add(np.char.add("person", ids.astype(str)), "@example.org").astype(object)
    sectors = np.array(["NHS acute", "Primary care", "Local authority", "Voluntary and community sector",
                        "Fire and rescue"], dtype=object)
    pd.DataFrame({
        "name": names, "email": emails, "cohort": COHORT,
        "organisation": np.char.add("Organisation ", rng.integers(0, 800, people).astype(str)),
        "sector": sectors[rng.integers(0, len(sectors), people)],
        "place": np.char.add("Place ", rng.integers(0, 42, people).astype(str)),
        "role": "Manager",
    }).to_csv(paths["roster"], index=False)
    instruments = load_instruments()
    for n, (ref, _wave, stem) in enumerate(WAVES):
        start = (pd.Timestamp("2026-03-02 09:00") + pd.DateOffset(months=6 * n)
                 + pd.to_timedelta(rng.integers(0, 14 * 86400, people), unit="s"))
        frame = pd.DataFrame({
            "ID": ids + 1, "Start time": start,
            "Completion time": start + pd.to_timedelta(rng.integers(300, 1500, people), unit="s"),
            "Email": emails, "Name": names,
            **_answers(instruments[ref], people, rng, lift=0.4 * n),
        })
        frame.to_csv(paths[f"{stem}.csv"], index=False, date_format="%m/%d/%Y %H:%M:%S")
        _write_xlsx(frame, paths[f"{stem}.xlsx"])
    return paths


# ----------------------------------------------------------------------------- timing
def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run ``cmd`` to the end: (seconds, peak resident memory in MB) of that process tree."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(output.decode(errors="replace")[-4000:])
        raise SystemExit(f"{' '.join(map(str, cmd))} failed (exit {proc.returncode})")
    return took, usage.ru_maxrss / 1024  # kilobytes on Linux


def _command() -> list[str]:
    found = shutil.which("evaluate", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "evaluate.cli"]


FLOORS = {
    "xlsx": ("fastexcel reading both files into Arrow",
             "import sys, fastexcel\n"
             "for p in sys.argv[1:]:\n"
             "    fastexcel.read_excel(p).load_sheet(0).to_arrow()\n"),
    "csv": ("polars reading both",
            "import sys, polars\n"
            "for p in sys.argv[1:]:\n"
            "    polars.read_csv(p)\n"),
}


def one_run(fmt: str, paths: dict[str, Path], work: Path) -> dict[str, tuple[float, float]]:
    """Every step once on a fresh workspace: step → (seconds, peak MB)."""
    evaluate = _command()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ws = work / "ws"
    steps: dict[str, tuple[float, float]] = {}
    steps["init"] = run([*evaluate, "init", str(ws), "--roster", str(paths["roster"])])
    for ref, wave, stem in WAVES:
        steps[f"ingest {stem}"] = run([*evaluate, "ingest", str(paths[f"{stem}.{fmt}"]), "-w", str(ws),
                                       "-i", ref, "-c", COHORT, "--wave", wave, "-q"])
    steps["analyse"] = run([*evaluate, "analyse", str(ws), "--out", str(work / "results"), "-q"])
    steps["report"] = run([*evaluate, "report", str(ws), "--out", str(work / "report"), "-q"])
    files = [str(paths[f"{stem}.{fmt}"]) for _r, _w, stem in WAVES]
    steps["floor"] = run([sys.executable, "-c", FLOORS[fmt][1], *files])
    if fmt == "csv":
        steps["rival"] = run([sys.executable, str(HERE / "rival_pandas_pingouin.py"), str(paths["roster"]),
                              *files, "--out", str(work / "rival")])
    return steps


def _median(runs: list[dict], step: str) -> float:
    return statistics.median(r[step][0] for r in runs)


def _peak(runs: list[dict], steps) -> float:
    return max(r[s][1] for r in runs for s in steps)


def table(fmt: str, runs: list[dict]) -> list[str]:
    ours = ["init", "ingest baseline", "ingest post", "analyse", "report"]
    floor = _median(runs, "floor")
    total = sum(_median(runs, s) for s in ours)
    lines = [f"| step ({fmt}) | now | peak memory | floor |", "|---|---|---|---|"]
    lines.append(f"| `evaluate init` (roster of people) | {_median(runs, 'init'):.1f} s | "
                 f"{_peak(runs, ['init']):,.0f} MB | |")
    ingest = _median(runs, "ingest baseline") + _median(runs, "ingest post")
    lines.append(f"| ingest both waves | {ingest:.1f} s | {_peak(runs, ['ingest baseline', 'ingest post']):,.0f} MB "
                 f"| {FLOORS[fmt][0]}: {floor:.2f} s ({_peak(runs, ['floor']):,.0f} MB) |")
    lines.append(f"| `evaluate analyse` | {_median(runs, 'analyse'):.1f} s | {_peak(runs, ['analyse']):,.0f} MB | |")
    lines.append(f"| `evaluate report` | {_median(runs, 'report'):.1f} s | {_peak(runs, ['report']):,.0f} MB | |")
    rival = ""
    if "rival" in runs[0]:
        rival = (f"; plain pandas + pingouin for the whole job: {_median(runs, 'rival'):.1f} s "
                 f"({_peak(runs, ['rival']):,.0f} MB)")
    lines.append(f"| end to end | {total:.1f} s: {total / floor:.1f}× the floor | "
                 f"{_peak(runs, ours):,.0f} MB | {floor:.2f} s{rival} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--keep", type=Path, default=None, help="Keep the workspaces and outputs here.")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_inputs(args.people, Path(tempfile.gettempdir()) / f"evaluate-national-{args.people}")
        return
    t0 = time.perf_counter()
    folder = Path(tempfile.gettempdir()) / f"evaluate-national-{args.people}"
    # Built in a process of its own: Linux carries a parent's peak memory into the children it
    # starts (ru_maxrss survives fork and exec), so building the inputs in this process would
    # make every step below report at least the builder's peak.
    subprocess.run([sys.executable, __file__, "--build-only", "--people", str(args.people)],
                   check=True)
    paths = build_inputs(args.people, folder)  # already there: only their paths
    sizes = ", ".join(f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in paths.items())
    print(f"inputs ready in {time.perf_counter() - t0:.1f} s: {sizes}")
    work = args.keep or Path(tempfile.mkdtemp(prefix="evaluate-national-"))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    out = []
    for fmt in args.formats.split(","):
        runs = []
        for n in range(args.repeat):
            runs.append(one_run(fmt, paths, work / f"{fmt}-{n}"))
            print(f"{fmt} run {n + 1}: " + ", ".join(f"{k} {v[0]:.1f} s / {v[1]:,.0f} MB"
                                                   for k, v in runs[-1].items()), flush=True)
        out += ["", *table(fmt, runs)]
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n{args.people:,} people × 2 waves, median of {args.repeat}, whole processes:")
    print("\n".join(out))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
