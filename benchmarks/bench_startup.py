"""Time how long the command takes to start (run by hand, not a test).

Runs ``evaluate --help``, ``evaluate ingest --help`` and ``evaluate --version`` as
whole processes, beside a bare ``python -c "import click"`` (the floor: an
interpreter and the command-line library), and prints the median and the
fastest of each. The goal is ``evaluate --help`` ≤ 0.15 s. The machine's load
average is printed with the figures, since a busy machine slows every row.

    python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["main"]


def _time(cmd: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    command = shutil.which("evaluate", path=str(Path(sys.executable).parent)) or "evaluate"
    rows = [
        ("python -c 'import click' (floor)", [sys.executable, "-c", "import click"]),
        ("evaluate --version", [command, "--version"]),
        ("evaluate --help", [command, "--help"]),
        ("evaluate ingest --help", [command, "ingest", "--help"]),
    ]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'command':<36} {'median':>8} {'fastest':>8}")
    for label, cmd in rows:
        times = _time(cmd, args.repeat)
        print(f"{label:<36} {statistics.median(times):>7.3f}s {min(times):>7.3f}s")
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
