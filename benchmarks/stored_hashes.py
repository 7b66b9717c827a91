"""SHA-256 of every parquet file an import stores, to show a change to ingest stores the same bytes.

Run by hand, once with the code before a change and once after, and compare::

    PYTHONPATH=/path/to/old/checkout python benchmarks/stored_hashes.py --out before.json
    python benchmarks/stored_hashes.py --out after.json
    python benchmarks/stored_hashes.py --compare before.json after.json

Builds workspaces with a fixed salt (so the pseudonymous ids, and so the
bytes, depend only on the code): the demo's (every sample export), one per
real export in ``../shared/real-exports`` (as ``tests/test_real_exports.py``
imports them, previews kept out), and, with ``--national FOLDER`` (the inputs
``bench_national.py`` builds), the 100,000-person programme from its csv
and/or xlsx files. Writes ``{workspace: {relative path: sha256}}`` as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SALT = "0" * 64  # any fixed 64-hex salt: the same pseudonyms in both runs
REAL = REPO.parent / "shared" / "real-exports"


def _fixed_salt() -> None:
    import evaluate.workspace.core as core

    core.new_salt = lambda: SALT


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}


def demo(work: Path) -> dict[str, str]:
    from evaluate.demo import build_demo_workspace

    build_demo_workspace(work / "demo")
    return _hashes(work / "demo")


def real_exports(work: Path) -> dict[str, dict[str, str]]:
    sys.path.insert(0, str(REPO))
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import Workspace
    from tests.test_real_exports import CASES

    out = {}
    for n, case in enumerate(CASES):
        ws = Workspace.init(work / f"real-{n}")
        ingest_into(ws, REAL / case.path, case.instrument, cohort="c1", wave="baseline",
                    new_cohort=True, new_wave=True,
                    instruments_dir=REPO / "tests" / "real_exports" / "instruments")
        out[case.path] = _hashes(work / f"real-{n}")
    return out


def national(work: Path, folder: Path, fmt: str) -> dict[str, str]:
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import Workspace

    ws = Workspace.init(work / f"national-{fmt}", roster=folder / "roster.csv")
    for ref, wave, stem in (("baseline@1", "baseline", "baseline"), ("post@1", "end", "post")):
        ingest_into(ws, folder / f"{stem}.{fmt}", ref, cohort="national", wave=wave,
                    new_cohort=True, new_wave=True)
    return _hashes(work / f"national-{fmt}")


def compare(a: Path, b: Path) -> int:
    old, new = json.loads(a.read_text()), json.loads(b.read_text())
    flat = lambda d, pre="": {k2: v2 for k, v in d.items()  # noqa: E731
                              for k2, v2 in (flat(v, f"{pre}{k}/").items() if isinstance(v, dict)
                                             else [(f"{pre}{k}", v)])}
    fo, fn = flat(old), flat(new)
    differ = sorted(k for k in fo.keys() | fn.keys() if fo.get(k) != fn.get(k))
    print(f"{len(fo)} files before, {len(fn)} after, {len(differ)} differ")
    for k in differ:
        print(f"  {k}: {fo.get(k)} → {fn.get(k)}")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--national", type=Path, help="bench_national.py's inputs folder")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--skip", default="", help="comma list of: demo,real")
    parser.add_argument("--compare", nargs=2, type=Path)
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(compare(*args.compare))
    _fixed_salt()
    import evaluate

    print(f"evaluate from {Path(evaluate.__file__).parent}", file=sys.stderr)
    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="evaluate-hashes-") as tmp:
        work = Path(tmp)
        skip = set(filter(None, args.skip.split(",")))
        if "demo" not in skip:
            result["demo"] = demo(work)
        if "real" not in skip:
            result["real"] = real_exports(work)
        if args.national:
            for fmt in args.formats.split(","):
                result[f"national-{fmt}"] = national(work, args.national, fmt)
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
