"""Time what a person waits for at cohort size, beside starting pandas + pingouin (run by hand).

Runs, as whole processes and in rounds so that every row sees the same machine
load, ``python -c "import pandas, pingouin"`` (the yardstick), ``evaluate demo``,
``evaluate analyse`` of the demo's workspace, ``evaluate report`` of it with the
stored results, and ``evaluate validate`` of one demo export, also as an
installation without the test extras runs it (below); then prints, per
row, the median wall time of the rounds, its ratio to the yardstick's median,
the goal of issue 23 and the load average at each run (a busy machine slows
every row; the ratio is what to compare between runs). Each row also gives the
median CPU time (user + system of the process and its children) and its ratio
to the yardstick's: on a machine shared with other work, CPU time moves far less
with the load than wall time does.

    python benchmarks/bench_demo.py [--repeat 3] [--keep FOLDER]
    python benchmarks/bench_demo.py --report WORKSPACE [--repeat 3] [--against CHECKOUT]
    python benchmarks/bench_demo.py --analyse WORKSPACE [--repeat 3] [--against CHECKOUT]

With ``--report WORKSPACE`` (a workspace with stored results, e.g. the
``workspace`` folder ``evaluate demo`` writes), only the yardstick and
``evaluate report`` are timed, in rounds; ``--against CHECKOUT`` (repeatable) also
times, in the same rounds, the report written by the code of another checkout of this
repository (e.g. a ``git worktree`` of an earlier commit), so before and after
see the same load. ``--analyse WORKSPACE`` does the same for ``evaluate analyse``,
each run on a fresh copy of the workspace without its stored results.

pandera imports hypothesis whenever it is installed (to register data-generation
strategies, when evaluate registers its check and again when a schema first
validates): ~0.1 s CPU that a programme lead's installation, without the test
extras, never spends. The row "without hypothesis" runs validate with hypothesis
hidden (``sys.modules["hypothesis"] = None``: pandera then takes it as not
installed), which is what such an installation runs.

The code timed is compiled to bytecode first, as an installation's is (pip compiles
a package as it installs it): a checkout run with PYTHONDONTWRITEBYTECODE set, or
never run before, would otherwise compile every module of evaluate again in each
process (~0.15 s CPU of `evaluate validate`), which no programme lead's
installation does.

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
         "evaluate validate (one demo export)": "1 s",
         "evaluate validate (one demo export, without hypothesis)": "1 s"}
#: `evaluate` as an installation without hypothesis runs it (see the module's docstring).
WITHOUT_HYPOTHESIS = ("import sys; sys.modules['hypothesis'] = None; "
                      "from evaluate.cli import main; main()")


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


def _compile(code: Path) -> None:
    """Bytecode for the package ``code`` (an ``evaluate`` folder), as an installation has it."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code)], check=True)


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
    validate = ["validate", str(SAMPLE / "c1" / "baseline-c1-msforms.xlsx"), "-i",
                "baseline@1", "-c", "c1", "--wave", "baseline", "-q"]
    out["evaluate validate (one demo export)"] = _run([evaluate, *validate], scratch)
    out["evaluate validate (one demo export, without hypothesis)"] = _run(
        [sys.executable, "-c", WITHOUT_HYPOTHESIS, *validate], scratch)
    return out


def _report_rows(workspace: Path, against: list[Path], repeat: int,
                 command: str = "report") -> None:
    """Rounds of the yardstick and `evaluate COMMAND` (``report`` or ``analyse``) of this
    checkout and of each of ``against``; ``analyse`` runs on a copy without stored results."""
    goal = GOALS[f"evaluate {command} " + ("(stored results)" if command == "report"
                                           else "(demo workspace)")]
    runs = {"this checkout": ROOT} | {f"against {p.name}": p.resolve() for p in against}
    rows: dict[str, list[tuple[float, float, float]]] = {"import pandas, pingouin": []}
    for code in runs.values():  # bytecode compiled before timing (a fresh checkout has none)
        _compile(code / "evaluate")
    for i in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp)
            rows["import pandas, pingouin"].append(
                _run([sys.executable, "-c", "import pandas, pingouin"], scratch))
            for label, code in runs.items():
                env = os.environ | {"PYTHONPATH": str(code)}  # that checkout's evaluate
                which = subprocess.run([sys.executable, "-c", "import evaluate; print(evaluate.__file__)"],
                                       env=env, cwd=scratch, capture_output=True, text=True).stdout
                if not which.startswith(str(code)):
                    raise SystemExit(f"{label}: evaluate was imported from {which.strip()}")
                ws = workspace
                if command == "analyse":  # a copy that has not stored its results yet
                    ws = scratch / f"ws {label}"
                    shutil.copytree(workspace, ws)
                    shutil.rmtree(ws / "results", ignore_errors=True)
                load, cpu0, t0 = os.getloadavg()[0], _cpu(), time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "evaluate.cli", command,
                                       str(ws), "--out", str(scratch / label), "-q"],
                                      env=env, cwd=scratch, capture_output=True, text=True)
                if done.returncode:
                    raise SystemExit(f"evaluate {command} ({label}) failed:\n{done.stderr}")
                rows.setdefault(f"evaluate {command} ({label})", []).append(
                    (time.perf_counter() - t0, load, _cpu() - cpu0))
        print(f"round {i + 1}: " + ", ".join(f"{k} {r[-1][0]:.2f} s, CPU {r[-1][2]:.2f} s "
                                              f"(load {r[-1][1]:.1f})" for k, r in rows.items()),
              flush=True)
    base = statistics.median(w for w, _, _ in rows["import pandas, pingouin"])
    base_cpu = statistics.median(c for _, _, c in rows["import pandas, pingouin"])
    print(f"\n| work | median of {repeat} | × import pandas, pingouin | goal | "
          "load average at each run | median CPU | CPU × yardstick's |")
    print("|---|---|---|---|---|---|---|")
    for name, runs_ in rows.items():
        med, cpu = statistics.median(w for w, _, _ in runs_), statistics.median(c for _, _, c in runs_)
        goal_ = "" if name.startswith("import") else (
            f"≤ {goal:g}× " + ("(met)" if med <= goal * base else "(missed)"))
        loads = ", ".join(f"{lo:.1f}" for _, lo, _ in runs_)
        print(f"| {name} | {med:.2f} s | {med / base:.2f}× | {goal_} | {loads} | {cpu:.2f} s "
              f"| {cpu / base_cpu:.2f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the last round's folders here")
    parser.add_argument("--report", type=Path, metavar="WORKSPACE",
                        help="time only `evaluate report` of this workspace (stored results)")
    parser.add_argument("--analyse", type=Path, metavar="WORKSPACE",
                        help="time only `evaluate analyse` of a copy of this workspace")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT", action="append", default=[],
                        help="with --report or --analyse: also another checkout's code "
                             "(may be given more than once)")
    args = parser.parse_args()
    if args.report is not None:
        _report_rows(args.report.resolve(), args.against, args.repeat)
        return
    if args.analyse is not None:
        _report_rows(args.analyse.resolve(), args.against, args.repeat, "analyse")
        return
    evaluate = shutil.which("evaluate", path=str(Path(sys.executable).parent)) or "evaluate"
    package = subprocess.run([sys.executable, "-c", "import evaluate; print(evaluate.__file__)"],
                             capture_output=True, text=True, check=True,
                             cwd=tempfile.gettempdir()).stdout.strip()
    _compile(Path(package).parent)  # the code the `evaluate` command runs (as in _run)
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
