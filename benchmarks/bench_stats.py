"""Time the whole pre/post analysis: 5,000 participants × 3 waves × 60 items.

Run: ``python benchmarks/bench_stats.py [--participants 5000] [--items 60] [--cohorts 4]``

Builds a synthetic workspace in memory (12 scales of 5 items each, then-test
items at the end wave, session feedback for two modules), then times each
table of ``evaluate.stats.analyse_workspace`` and the whole run.

``python benchmarks/bench_stats.py --omega-workspace WS [--repeat 3]`` instead
times reliability (alpha, and omega with its bootstrap) on a real workspace's
scales, as ``evaluate analyse`` runs it (BLAS on one thread, omega's caches
emptied before each run): CPU and wall time of each run. Run it for the old
and the new code in turn (processes alternating) to compare; at 100,000 people
(``bench_national.py`` builds the inputs) it is omega's bootstrap.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from evaluate import stats
from evaluate.instruments import Aim, Instrument, Item, Programme, ResponseSet, Scale

AGREE5 = ResponseSet("agree5", tuple((i, str(i)) for i in range(1, 6)))
NPS11 = ResponseSet("nps11", tuple((i, str(i)) for i in range(11)))
MODULES = ResponseSet("modules", ((1, "Day 1"), (2, "Day 2")), ordered=False,
                      aliases=(("day1", 1), ("day2", 2)))


def survey(inst_id: str, wave: str, n_items: int, then: bool) -> Instrument:
    items = [Item(f"q{i:02d}", f"Question {i}", "likert", "agree5", reverse=(i % 5 == 4))
             for i in range(n_items)]
    scales = [Scale(f"scale{s:02d}", f"Scale {s}", tuple(f"q{i:02d}" for i in range(s * 5, s * 5 + 5)),
                    min_items=3, aim=f"aim{s % 3 + 1}") for s in range(n_items // 5)]
    if then:
        items += [Item(f"then_q{i:02d}", f"Then {i}", "likert", "agree5", then_of=f"q{i:02d}",
                       reverse=(i % 5 == 4)) for i in range(20)]
    return Instrument(id=inst_id, version=1, title=inst_id, wave=wave, items=tuple(items),
                      response_sets={"agree5": AGREE5}, scales=tuple(scales))


def feedback() -> Instrument:
    return Instrument(
        id="feedback", version=1, title="Feedback", wave="day1",
        items=(Item("module", "Which day?", "choice", "modules"),
               Item("overall_rating", "Overall", "likert", "agree5"),
               Item("recommend", "Recommend", "likert", "nps11")),
        response_sets={"agree5": AGREE5, "nps11": NPS11, "modules": MODULES})


def build(n: int, n_items: int, n_cohorts: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    insts = {"baseline@1": survey("baseline", "baseline", n_items, False),
             "post@1": survey("post", "end", n_items, True),
             "follow_up@1": survey("follow_up", "follow_up", n_items, False),
             "feedback@1": feedback()}
    pid = np.array([f"P-{i:010x}" for i in range(n)])
    cohort = np.array([f"cohort{c}" for c in range(n_cohorts)])[rng.integers(0, n_cohorts, n)]
    trait = rng.normal(0, 0.8, (n, n_items // 5))
    frames = []
    for wave, ref, keep, effect in (("baseline", "baseline@1", 1.0, 0.0),
                                    ("end", "post@1", 0.8, 0.4), ("follow_up", "follow_up@1", 0.6, 0.3)):
        inst = insts[ref]
        sel = rng.random(n) < keep
        m = int(sel.sum())
        cols = {"participant": pid[sel], "matched": True, "cohort": cohort[sel], "wave": wave,
                "instrument": inst.id, "instrument_version": 1,
                "response_id": [f"{wave}{i}" for i in range(m)], "started": pd.NaT,
                "completed": pd.Timestamp("2025-01-01"), "source_row": np.arange(m) + 2}
        for it in inst.items:
            idx = int((it.then_of or it.id)[-2:])
            lat = 3 + trait[sel, idx // 5] + (0 if it.then_of else effect * (idx // 5 % 2))
            lat = lat + rng.normal(0, 0.7, m)
            if it.reverse:
                lat = 6 - lat
            codes = np.clip(np.round(lat), 1, 5)
            codes[rng.random(m) < 0.02] = np.nan
            cols[it.id] = codes
        frames.append(pd.DataFrame(cols))
    for day, code in (("day1", 1.0), ("day2", 2.0)):
        sel = rng.random(n) < 0.85
        m = int(sel.sum())
        frames.append(pd.DataFrame({
            "participant": pid[sel], "matched": True, "cohort": cohort[sel], "wave": day,
            "instrument": "feedback", "instrument_version": 1,
            "response_id": [f"{day}{i}" for i in range(m)], "started": pd.NaT,
            "completed": pd.NaT, "source_row": np.arange(m) + 2, "module": code,
            "overall_rating": rng.integers(2, 6, m).astype(float),
            "recommend": rng.integers(3, 11, m).astype(float)}))
    roster = pd.DataFrame({
        "participant": pid, "cohort": cohort,
        "organisation": np.array([f"org{i}" for i in range(60)])[rng.integers(0, 60, n)],
        "sector": np.array(["NHS acute", "Primary care", "Local authority", "VCS", "Fire"])[
            rng.integers(0, 5, n)],
        "place": np.array(["Bedford", "Luton", "Milton Keynes"])[rng.integers(0, 3, n)],
        "role": ""})
    return pd.concat(frames, ignore_index=True), roster, insts


class Workspace:
    def __init__(self, responses, roster, instruments):
        self._r, self._ro, self._i = responses, roster, instruments
        self.min_group_size = 5
        self.waves = ["baseline", "day1", "day2", "end", "follow_up"]

    def responses(self, instrument=None, wave=None, cohort=None):
        return self._r

    def roster(self):
        return self._ro

    def instruments(self):
        return self._i

    def instrument(self, ref):
        return self._i[ref]

    def programme(self):
        return Programme("Bench", tuple(Aim(f"aim{i}", f"Aim {i}") for i in (1, 2, 3)), (),
                         (Aim("day1", "Day 1"), Aim("day2", "Day 2")))

    def manifest(self):
        return {}


def time_reliability(folder: str, repeat: int) -> None:
    """Time ``scale_reliability`` on the workspace in ``folder``, its blocks read once."""
    from threadpoolctl import threadpool_limits

    from evaluate.stats import omega, omega_resamples
    from evaluate.stats.reliability import reliability_blocks
    from evaluate.workspace import Workspace

    ws = Workspace.open(folder)
    responses, insts = ws.responses(), ws.instruments()
    blocks = reliability_blocks(responses, insts)
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(repeat):
            omega._CACHE.clear()
            omega_resamples._DRAWN.clear()
            cpu, wall = time.process_time(), time.perf_counter()
            table = stats.scale_reliability(responses, insts, blocks=blocks)
            print(f"scale_reliability: CPU {time.process_time() - cpu:.2f} s, wall "
                  f"{time.perf_counter() - wall:.2f} s ({len(table)} scales at their waves, "
                  f"{int(table['omega_total'].notna().sum())} omegas)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak resident memory {peak:.0f} MiB (the workspace's responses included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--cohorts", type=int, default=4)
    parser.add_argument("--omega-workspace", metavar="WS",
                        help="time reliability (omega) on this workspace instead")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.omega_workspace:
        time_reliability(args.omega_workspace, args.repeat)
        return
    t0 = time.perf_counter()
    responses, roster, insts = build(args.participants, args.items, args.cohorts)
    print(f"built {len(responses):,} responses × {responses.shape[1]} columns "
          f"in {time.perf_counter() - t0:.2f} s")
    ws = Workspace(responses, roster, insts)

    mv_t = time.perf_counter()
    mv = stats.measure_values(responses, insts, waves=ws.waves)
    steps = {"measure_values": time.perf_counter() - mv_t}

    def timed(name, fn):
        start = time.perf_counter()
        out = fn()
        steps[name] = time.perf_counter() - start
        return out

    pp = timed("prepost", lambda: stats.prepost_table(mv))
    timed("then_test", lambda: stats.then_test(mv))
    timed("reliability", lambda: stats.scale_reliability(responses, insts))
    timed("item_rest", lambda: stats.item_rest_correlations(responses, insts))
    timed("attrition_rates", lambda: stats.response_rates(responses, roster, waves=ws.waves))
    timed("attrition_bias", lambda: stats.attrition_bias(mv, responses=responses))
    timed("cohort_anova", lambda: stats.cohort_anova(mv))
    sg = timed("subgroups", lambda: stats.subgroup_change(mv, roster))
    timed("reaction", lambda: stats.session_reaction(responses, insts, ws.programme()))
    for name, secs in steps.items():
        print(f"  {name:<16} {secs:7.2f} s")
    print(f"  ({len(pp)} pre/post rows, {len(sg)} subgroup rows)")

    start = time.perf_counter()
    tables = stats.analyse_workspace(ws)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"analyse_workspace: {total:.2f} s, peak resident memory {peak:.0f} MiB, "
          f"{sum(len(t) for t in tables.values()):,} result rows in {len(tables)} tables")


if __name__ == "__main__":
    main()
