"""Time name suggestions for names not on the roster: difflib (before) against the index.

Run by hand:  python benchmarks/bench_suggest.py
For rosters of 5,000 and 50,000 people, misspells names and asks for the three
nearest roster names: the way it was done before (every unknown name compared
with every roster name by difflib, as ``Roster.suggest`` did) and with
:class:`evaluate.name_index.NameIndex` (trigram candidates scored by rapidfuzz),
in the same run. Also times ingesting a network export naming 1,600 people not
on the roster, whose suggestions are now computed only for the problems shown.
"""

from __future__ import annotations

import difflib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_name_index import misspell, roster_names  # noqa: E402

from evaluate.ingest.pipeline import ingest_file  # noqa: E402
from evaluate.instruments import load_instruments  # noqa: E402
from evaluate.name_index import NameIndex  # noqa: E402
from evaluate.normalise import normalise_name  # noqa: E402
from evaluate.roster import read_roster  # noqa: E402


def difflib_suggest(frame: pd.DataFrame, name: str, n: int = 3) -> list[str]:
    """``Roster.suggest`` as it was before the index."""
    key = normalise_name(name)
    keys = frame["name_key"].dropna().tolist()
    close = difflib.get_close_matches(key, keys, n=n, cutoff=0.6)
    if not close:
        tokens = set(key.split())
        close = [k for k in keys if tokens & set(k.split())][:n]
    display = frame.set_index("name_key")["display"]
    return [str(display[k]) if not isinstance(display[k], pd.Series) else str(display[k].iloc[0])
            for k in close]


def main() -> None:
    rng = np.random.default_rng(11)
    print(f"{'roster':>8} {'names':>6} {'difflib ms/name':>16} {'index ms/name':>14} "
          f"{'build index s':>14} {'same first':>11}")
    for people, asked, difflib_asked in ((5_000, 1_600, 100), (50_000, 1_600, 20)):
        names = roster_names(people)
        frame = pd.DataFrame({"name_key": [normalise_name(n) for n in names], "display": names})
        slips = [misspell(names[i], rng) for i in rng.integers(0, people, asked)]
        t = time.perf_counter()
        index = NameIndex(frame["name_key"].tolist(), names)
        build = time.perf_counter() - t
        t = time.perf_counter()
        ours = [index.nearest(s) for s in slips]
        ms_index = (time.perf_counter() - t) / asked * 1000
        t = time.perf_counter()
        theirs = [difflib_suggest(frame, s) for s in slips[:difflib_asked]]
        ms_difflib = (time.perf_counter() - t) / difflib_asked * 1000
        same = sum(a[:1] == b[:1] for a, b in zip(ours, theirs, strict=False))
        print(f"{people:>8,} {asked:>6,} {ms_difflib:>16.1f} {ms_index:>14.2f} {build:>14.2f} "
              f"{same:>5}/{difflib_asked}")

    # a network export naming 1,600 people not on a 5,000-person roster
    tmp = Path(tempfile.mkdtemp())
    names = roster_names(5_000)
    (tmp / "roster.csv").write_text("name,email,cohort\n" + "".join(
        f"{n},p{i}@example.org,c1\n" for i, n in enumerate(names)), encoding="utf-8")
    slips = [misspell(names[i], rng) for i in rng.integers(0, len(names), 1_600)]
    pd.DataFrame({"Timestamp": "2026-03-05 09:10:00",
                  "Email Address": [f"p{i}@example.org" for i in range(1_600)],
                  "Who in the cohort did you know before the programme?": slips}
                 ).to_csv(tmp / "net.csv", index=False)
    roster = read_roster(tmp / "roster.csv", "bench")
    t = time.perf_counter()
    result = ingest_file(tmp / "net.csv", load_instruments()["network@1"], cohort="c1",
                         wave="baseline", roster=roster, salt="bench")
    took = time.perf_counter() - t
    unknown = result.problems[result.problems["rule"] == "unknown_name"]
    t = time.perf_counter()
    result.with_suggestions(unknown.head(50))
    shown = time.perf_counter() - t
    t = time.perf_counter()
    result.with_suggestions(unknown)
    every = time.perf_counter() - t
    print(f"network export, {len(unknown):,} unknown names, 5,000-person roster: ingest "
          f"{took:.2f} s; suggestions for the 50 shown {shown:.2f} s (index built once), "
          f"for all {every:.2f} s")


if __name__ == "__main__":
    main()
