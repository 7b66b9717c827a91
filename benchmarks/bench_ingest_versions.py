"""Importing the national programme with two versions of the code, in the same run.

Run by hand, from the repository root, with an older checkout of the code beside
(``git worktree add ../old SHA``) and the floors' readers installed::

    pip install polars fastexcel
    python benchmarks/bench_ingest_versions.py --before ../old --repeat 3

Uses the inputs ``bench_national.py`` builds (100,000 people × baseline and post, as
xlsx and csv). Each repeat runs, as separate processes and one after another (so
that the load of a shared machine falls on both alike): for each format and each
version, ``evaluate init`` with the roster and ``evaluate ingest`` of both waves;
then the floors (polars reading both csv files, fastexcel both xlsx files) and the
rival script (``rival_pandas_pingouin.py``, the whole csv job in plain pandas and
pingouin). Prints the median wall-clock time, the median CPU time (user + system,
the steadier figure on a shared machine) and the largest peak memory of each.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_national import COHORT, FLOORS, WAVES, _command, build_inputs  # noqa: E402


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of ``cmd`` run to the end."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(output.decode(errors="replace")[-4000:])
        raise SystemExit(f"{' '.join(map(str, cmd))} failed")
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def ingest_both(fmt: str, paths: dict, work: Path, env: dict) -> tuple[float, float, float]:
    """init, then ingest of both waves: summed wall and CPU, largest peak of the ingests."""
    evaluate = _command()
    shutil.rmtree(work, ignore_errors=True)
    ws = work / "ws"
    run([*evaluate, "init", str(ws), "--roster", str(paths["roster"])], env)
    got = [run([*evaluate, "ingest", str(paths[f"{stem}.{fmt}"]), "-w", str(ws), "-i", ref,
                "-c", COHORT, "--wave", wave, "-q"], env) for ref, wave, stem in WAVES]
    return sum(g[0] for g in got), sum(g[1] for g in got), max(g[2] for g in got)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout of the older code")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--inputs", type=Path, help="folder of the inputs (default: bench_national's)")
    args = parser.parse_args()
    folder = args.inputs or Path(tempfile.gettempdir()) / f"evaluate-national-{args.people}"
    paths = build_inputs(args.people, folder)
    versions = {"before": {**os.environ, "PYTHONPATH": str(args.before.resolve())},
                "after": {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}}
    work = Path(tempfile.mkdtemp(prefix="evaluate-ingest-versions-"))
    results: dict[str, list] = {}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for n in range(args.repeat):
        for fmt in args.formats.split(","):
            files = [str(paths[f"{stem}.{fmt}"]) for _r, _w, stem in WAVES]
            for name, env in versions.items():
                results.setdefault(f"ingest {fmt} {name}", []).append(
                    ingest_both(fmt, paths, work / f"{fmt}-{name}", env))
            results.setdefault(f"floor {fmt}: {FLOORS[fmt][0]}", []).append(
                run([sys.executable, "-c", FLOORS[fmt][1], *files]))
            if fmt == "csv":
                results.setdefault("rival (whole csv job)", []).append(
                    run([sys.executable, str(HERE / "rival_pandas_pingouin.py"), str(paths["roster"]),
                         *files, "--out", str(work / "rival")]))
        print(f"run {n + 1} done", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n{args.people:,} people × 2 waves, median of {args.repeat}, whole processes:")
    print("| what | wall | CPU | peak memory |\n|---|---|---|---|")
    for what, got in results.items():
        print(f"| {what} | {statistics.median(g[0] for g in got):.1f} s | "
              f"{statistics.median(g[1] for g in got):.1f} s | {max(g[2] for g in got):,.0f} MB |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
