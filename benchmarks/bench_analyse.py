"""Time ``analyse`` (and what ``report`` reads back) on a workspace, optionally against another tree.

Run: ``python benchmarks/bench_analyse.py WORKSPACE [--repeat 3] [--against SRC] [--command]``

Each run is a fresh process on a fresh copy of WORKSPACE (never written
into), each tree's bytecode compiled first (as ``bench_demo`` does): import
time, ``analyse_and_store``, then what ``report`` does before it draws
anything: ``stored_results`` and ``report_context``. With ``--against
SRC`` (another checkout's folder holding ``evaluate/``) the runs alternate
between SRC and this tree, so both see the same machine load; the load average
is printed with each run. Afterwards every stored table of the two trees is
compared (largest relative difference per table).

With ``--command`` each run is the whole ``evaluate analyse COPY --out DIR -q``
process instead (csv tables and analysis.xlsx included), timed from outside:
wall, CPU (user + sys) and peak memory of the process; afterwards the two
trees' ``--out`` folders and stored results are compared byte by byte
(``compare_results.py``).

Measured with ``--command`` (issue 23, round 6; 2 shared cores): the 100,000-person
workspace (baseline and post csv exports ingested), the statistics, csv and report-table
steps of this round against the code before them (omega's work left out of both), five
alternating pairs, load 2.4-4: CPU 19.4 -> 17.3 s (user 14.2 -> 12.0 s), wall 25.8 ->
22.5 s, peak 890 -> 877 MB; the demo workspace, seven pairs, load 4.2-5.3: CPU 4.60 ->
4.47 s, peak 254 -> 253 MB. Every --out file and stored result byte-identical.

A 100,000-person workspace comes from ``benchmarks/bench_national.py`` (or
``evaluate init`` + ``evaluate ingest`` of its generated exports).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from evaluate.analysis import analyse_and_store, report_context, stored_results
from evaluate.workspace import Workspace
t1 = time.perf_counter()
ws = Workspace.open(sys.argv[1])
analyse_and_store(ws)
t2 = time.perf_counter()
stored = stored_results(Workspace.open(sys.argv[1]))
t3 = time.perf_counter()
report_context(Workspace.open(sys.argv[1]))
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "analyse": t2 - t1, "stored_results": t3 - t2,
                  "report_context": t4 - t3, "reused": stored.tables is not None}))
"""


def _fresh(workspace: Path, scratch: Path) -> Path:
    """A copy of ``workspace`` in ``scratch`` without its stored results (and no --out folder)."""
    copy = scratch / "ws"
    for folder in (copy, scratch / "out"):
        if folder.exists():
            shutil.rmtree(folder)
    shutil.copytree(workspace, copy)
    shutil.rmtree(copy / "results", ignore_errors=True)
    return copy


def run(src: Path, workspace: Path, scratch: Path) -> dict:
    copy = _fresh(workspace, scratch)
    env = dict(os.environ, PYTHONPATH=str(src))
    load = os.getloadavg()[0]
    # run outside any checkout: with -c the current folder comes before PYTHONPATH
    out = subprocess.run([sys.executable, "-c", CHILD, str(copy)], env=env, check=True,
                         capture_output=True, text=True, cwd=scratch)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["load"] = load
    return figures


COMMAND = r"""
import sys
from evaluate.cli import main
sys.argv = ["evaluate", "analyse", sys.argv[1], "--out", sys.argv[2], "-q"]
main()
"""


def run_command(src: Path, workspace: Path, scratch: Path) -> dict:
    """One whole ``evaluate analyse`` of a fresh copy: wall, CPU and peak memory."""
    import time

    copy, out = _fresh(workspace, scratch), scratch / "out"
    env = dict(os.environ, PYTHONPATH=str(src))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", COMMAND, str(copy), str(out)], env=env,
                            cwd=scratch)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"evaluate analyse failed ({proc.returncode}) with {src}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime,
            "sys": usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "load": load}


def compare(a: Path, b: Path) -> list[str]:
    import numpy as np
    import pandas as pd

    lines = []
    for path in sorted(a.glob("*.parquet")):
        x, y = pd.read_parquet(path), pd.read_parquet(b / path.name)
        if list(x.columns) != list(y.columns) or len(x) != len(y):
            lines.append(f"{path.stem}: different shape or columns")
            continue
        worst = 0.0
        for c in x.columns:
            if pd.api.types.is_float_dtype(x[c]):
                u, v = x[c].to_numpy(), y[c].to_numpy()
                if not np.array_equal(np.isnan(u), np.isnan(v)):
                    worst = np.inf
                    continue
                ok = ~np.isnan(u)
                if ok.any():
                    worst = max(worst, float(np.max(np.abs(u[ok] - v[ok]) / np.maximum(1, np.abs(v[ok])))))
            elif not x[c].astype(str).equals(y[c].astype(str)):
                worst = np.inf
        lines.append(f"{path.stem}: {worst:.1e}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", type=Path, default=None,
                    help="another source tree (folder holding evaluate/) to alternate with")
    ap.add_argument("--command", action="store_true",
                    help="time whole `evaluate analyse --out` processes (CPU, wall, peak memory)")
    args = ap.parse_args()
    trees = {"this": HERE}
    if args.against:
        trees = {"against": args.against.resolve(), "this": HERE}
    for src in trees.values():  # bytecode compiled before timing, as an installation has it:
        # with PYTHONDONTWRITEBYTECODE set, a fresh checkout compiles every module on every
        # run (the 131 modules `evaluate analyse` loads: 0.29 s CPU to compile)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src / "evaluate")],
                       check=True)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = {name: Path(tmp) / name for name in trees}
        for folder in scratch.values():
            folder.mkdir()
        times: dict[str, list[dict]] = {name: [] for name in trees}
        for i in range(args.repeat):
            for name, src in trees.items():
                if args.command:
                    r = run_command(src, args.workspace, scratch[name])
                    print(f"run {i + 1} {name:8s} load {r['load']:.2f}  wall {r['wall']:.1f} s  "
                          f"CPU {r['cpu']:.1f} s (user {r['user']:.1f}, sys {r['sys']:.1f})  "
                          f"peak {r['peak_mb']:.0f} MB", flush=True)
                else:
                    r = run(src, args.workspace, scratch[name])
                    print(f"run {i + 1} {name:8s} load {r['load']:.2f}  import {r['import']:.1f} s  "
                          f"analyse {r['analyse']:.1f} s  stored_results {r['stored_results']:.2f} s  "
                          f"report_context {r['report_context']:.2f} s", flush=True)
                times[name].append(r)
        for name, rs in times.items():
            for key in (("cpu", "wall", "peak_mb") if args.command else ("analyse",)):
                med = statistics.median(r[key] for r in rs)
                print(f"{name}: median {key} {med:.2f} over {len(rs)} runs")
        if args.against and args.command:
            for part in ("out", "ws/results"):
                subprocess.run([sys.executable, str(HERE / "benchmarks" / "compare_results.py"),
                                str(scratch["against"] / part), str(scratch["this"] / part)])
        elif args.against:
            print("largest relative difference per stored table (this vs against):")
            for line in compare(scratch["this"] / "ws" / "results", scratch["against"] / "ws" / "results"):
                print("  " + line)


if __name__ == "__main__":
    main()
