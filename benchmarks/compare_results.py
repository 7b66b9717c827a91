"""Compare two folders of results file by file: bytes, else values to a tolerance (run by hand).

    python benchmarks/compare_results.py OLD NEW [--tol 1e-12]

Every file is compared by its bytes; a parquet, csv or xlsx file whose bytes differ is then
read and compared value by value: text cells must be equal, numbers within ``--tol``
(absolute; NaN only where NaN). Prints each file that differs and the largest numeric
difference, and exits 1 when any file differs beyond the tolerance or is missing. Made to
check a change that may move floating-point results in their last bits (issue 23: omega's
refits, identical to 1e-12).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["main"]


def _frames(path: Path) -> dict[str, pd.DataFrame]:
    if path.suffix == ".parquet":
        return {"": pd.read_parquet(path)}
    if path.suffix == ".csv":
        return {"": pd.read_csv(path, keep_default_na=False, dtype=str)}
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    raise ValueError(path.suffix)


def _number(cell) -> float | None:
    if isinstance(cell, bool):
        return None
    try:
        return float(cell)
    except (TypeError, ValueError):
        return None


def _compare(old: pd.DataFrame, new: pd.DataFrame) -> tuple[float, list[str]]:
    """Largest numeric difference and the columns whose text (or shape) differs, cell by
    cell: only the cells that differ are read as numbers (a sheet mixes headers and
    figures, a csv holds text)."""
    if old.shape != new.shape or list(old.columns) != list(new.columns):
        return np.inf, [f"shape {old.shape} vs {new.shape}"]
    worst, bad = 0.0, []
    for name in old.columns:
        a, b = old[name], new[name]
        if a.equals(b):
            continue
        for x, y in zip(a.astype(object), b.astype(object), strict=True):
            if x is y or x == y or (pd.isna(x) is True and pd.isna(y) is True):
                continue
            u, v = _number(x), _number(y)
            if u is None or v is None or np.isnan(u) != np.isnan(v):
                bad.append(str(name))
                break
            if not np.isnan(u):
                worst = max(worst, abs(u - v))
    return worst, bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--tol", type=float, default=1e-12)
    args = parser.parse_args(argv)
    failed, same, overall = False, 0, 0.0
    for path in sorted(p for p in args.old.rglob("*") if p.is_file()):
        rel = path.relative_to(args.old)
        other = args.new / rel
        if not other.exists():
            print(f"missing: {rel}")
            failed = True
            continue
        if hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
                other.read_bytes()).digest():
            same += 1
            continue
        if path.suffix not in (".parquet", ".csv", ".xlsx"):
            print(f"bytes differ: {rel}")
            continue
        old, new = _frames(path), _frames(other)
        if old.keys() != new.keys():
            print(f"sheets differ: {rel}")
            failed = True
            continue
        worst, bad = 0.0, []
        for sheet in old:
            w, b = _compare(old[sheet], new[sheet])
            worst, bad = max(worst, w), bad + [f"{sheet}:{c}" if sheet else c for c in b]
        overall = max(overall, worst)
        failed |= bool(bad) or worst > args.tol
        print(f"values: {rel}: max |diff| {worst:.3g}" + (f"; text differs in {bad}" if bad else ""))
    print(f"{same} files byte-identical; largest numeric difference {overall:.3g} "
          f"(tolerance {args.tol:g})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
