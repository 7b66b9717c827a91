"""Benchmark: every network analysis on one workspace, at cohort scale (CPU seconds).

Times :func:`evaluate.network.analyse.analyse_workspace` in-process on a
workspace (the demo's: 78 people, networks of about 40), once to warm up and
then ``--repeat`` times, with BLAS on one thread as ``evaluate analyse`` runs
it (:func:`evaluate.analysis.analyse`), and prints the median CPU time (user +
system, this process; the least too, steadier on a busy machine) and wall
time, with the load average. Old against new
is done by running it once from each checkout, interleaved.

Run from the repository root::

    evaluate demo --out reports/demo -q
    python benchmarks/bench_network_cohort.py reports/demo/workspace --repeat 9

Measured on the 2-core development machine (load 1.9), old and new code each
in its own process, one call of each in turn, 41 pairs: 0.93 s CPU before the
network analyses shared one cohort's work (issue 23), 0.62 s after (medians).
What is left is spread thin: the bootstrap's resampled sums and the coreness
fits (numbers, about a fifth), and pandas' cost per operation on small frames
in core_change, brokerage_change and the rest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workspace")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    import scipy.linalg  # noqa: F401 - scipy's own BLAS: loaded now, so the limit reaches it
    from threadpoolctl import threadpool_limits

    from evaluate.network.analyse import analyse_workspace
    from evaluate.workspace import Workspace

    ws = Workspace.open(args.workspace)
    cpu, wall = [], []
    with threadpool_limits(limits=1, user_api="blas"):
        analyse_workspace(ws)  # warm-up: imports, caches
        for _ in range(args.repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            analyse_workspace(ws)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
    print(f"analyse_workspace: cpu {statistics.median(cpu):.3f} s (least {min(cpu):.3f}), "
          f"wall {statistics.median(wall):.3f} s (medians of {args.repeat}); "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
