"""Time what a person waits for at cohort size, beside starting pandas + pingouin (run by hand).

Runs, as whole processes and in rounds so that every row sees the same machine
load, ``python -c "import pandas, pingouin"`` (the yardstick), ``evaluate demo``,
``evaluate analyse`` of the demo's workspace, ``evaluate report`` of it with the
stored results, and ``evaluate validate`` of one demo export; then prints, per
row, the median wall time of the rounds, its ratio to the yardstick's median,
the goal of issue 23 and the load average at each run (a busy machine slows
every row; the ratio is what to compare between runs). Each row also gives the
median CPU time (user + system of the process and its children) and its ratio
to the yardstick's: on a machine shared with other work, CPU time moves far less
with the load than wall time does.

    python benchmarks/bench_demo.py [--repeat 3] [--keep FOLDER]

Each round works in a fresh temporary folder: ``demo`` builds the workspace,
``analyse`` and ``report`` then run on a copy of it (``report`` after
``analyse``, so it reads stored results).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
#: (row, goal as a multiple of the yardstick, or seconds when given as a string)
GOALS = {"import pandas, pingouin": None, "evaluate demo": 2.5,
         "evaluate analyse (demo workspace)": 1.5, "evaluate report (stored results)": 1.0,
         "evaluate validate (one demo export)": "1 s"}


def _cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """(wall seconds, 1-minute load average when it started, CPU seconds) of one whole process."""
    load = os.getloadavg()[0]
    cpu0 = _cpu()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return wall, load, _cpu() - cpu0


def _round(evaluate: str, scratch: Path) -> dict[str, tuple[float, float, float]]:
    out = {"import pandas, pingouin": _run([sys.executable, "-c", "import pandas, pingouin"],
                                            scratch)}
    demo = scratch / "demo"
    out["evaluate demo"] = _run([evaluate, "demo", "--out", str(demo), "-q"], scratch)
    ws = scratch / "ws"
    shutil.copytree(demo / "workspace", ws)
    shutil.rmtree(ws / "results", ignore_errors=True)
    out["evaluate analyse (demo workspace)"] = _run(
        [evaluate, "analyse", str(ws), "--out", str(scratch / "tables"), "-q"], scratch)
    out["evaluate report (stored results)"] = _run(
        [evaluate, "report", str(ws), "--out", str(scratch / "report"), "-q"], scratch)
    out["evaluate validate (one demo export)"] = _run(
        [evaluate, "validate", str(SAMPLE / "c1" / "baseline-c1-msforms.xlsx"), "-i",
         "baseline@1", "-c", "c1", "--wave", "baseline", "-q"], scratch)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the last round's folders here")
    args = parser.parse_args()
    evaluate = shutil.which("evaluate", path=str(Path(sys.executable).parent)) or "evaluate"
    rounds = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            rounds.append(_round(evaluate, Path(tmp)))
            if args.keep and i == args.repeat - 1:
                shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
        print(f"round {i + 1}: " + ", ".join(f"{k} {w:.2f} s, CPU {c:.2f} s (load {lo:.1f})"
                                              for k, (w, lo, c) in rounds[-1].items()), flush=True)
    base = statistics.median(r["import pandas, pingouin"][0] for r in rounds)
    base_cpu = statistics.median(r["import pandas, pingouin"][2] for r in rounds)
    print(f"\n| work | median of {args.repeat} | × import pandas, pingouin | goal | "
          "load average at each run | median CPU | CPU × yardstick's |")
    print("|---|---|---|---|---|---|---|")
    for name, goal in GOALS.items():
        walls = [r[name][0] for r in rounds]
        med = statistics.median(walls)
        target = "" if goal is None else (goal if isinstance(goal, str) else f"≤ {goal:g}×")
        met = ("" if goal is None else
               " (met)" if (med <= float(goal.split()[0]) if isinstance(goal, str)
                            else med / base <= goal) else " (missed)")
        loads = ", ".join(f"{r[name][1]:.1f}" for r in rounds)
        cpu = statistics.median(r[name][2] for r in rounds)
        print(f"| {name} | {med:.2f} s | {med / base:.2f}× | {target}{met} | {loads} "
              f"| {cpu:.2f} s | {cpu / base_cpu:.2f}× |")


if __name__ == "__main__":
    main()
