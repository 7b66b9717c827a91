"""Benchmark: network measures for a 5,000-person network with 50,000 ties over two waves.

Compares the graph libraries that could carry ``evaluate.network`` — igraph
(C core, what the module uses), networkx (pure Python) and, when installed,
rustworkx (Rust core) — on the measures the module computes, then times the
module's own analyses end to end.

Run from the repository root::

    python benchmarks/bench_network.py               # 5,000 people, 50,000 ties a wave
    python benchmarks/bench_network.py --people 2000 --ties 20000

networkx all-pairs path length and exact betweenness take many minutes at this
size, so they are timed from ``--sources`` sampled source nodes and scaled up
by n / sources (shortest-path work is linear in the number of sources); the
table marks those rows "extrapolated". Wall-clock seconds, best of
``--repeat`` runs.

Measured on the 2-core development machine (5,000 people, 50,000 ties a
wave; igraph 1.0.0, networkx 3.6.1, rustworkx 0.18.1), seconds for one wave:

==============================  ======  ========  =========
measure                         igraph  networkx  rustworkx
==============================  ======  ========  =========
build graph                      0.004     0.086      0.003
dyadic reciprocity               0.001     0.290        —
transitivity (undirected)        0.002     0.912      0.024
weak + strong components         0.002     0.162      0.003
avg path length (all pairs)      1.921   ≈ 316 (*)      4.516
betweenness (exact, directed)    4.253   ≈ 214 (*)      6.502
force layout (FR)                0.823    78.429      9.960
==============================  ======  ========  =========

(*) extrapolated from 100 sampled sources. Weak directed transitivity (sna
``gtrans``, which none of the three provides) takes 0.03 s with a scipy
sparse product. ``evaluate.network`` end to end on both waves (clean, metrics
on two bases, change, growth, boundary spanning on four attributes, per-person
change with betweenness, layout): about 19 s, of which all-pairs path lengths
are about 8 s. igraph is fastest or level on every measure and already a
dependency; networkx is 50–200 times slower on path lengths and betweenness;
rustworkx is close on paths but slower on layout and lacks reciprocity.
"""

from __future__ import annotations

import argparse
import platform
import random
import time

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from evaluate import network as nw

try:  # optional candidate
    import rustworkx as rx
except ImportError:  # pragma: no cover - optional
    rx = None


def synthetic(people: int, ties: int, seed: int = 1):
    """Roster and two waves of advice ties: 70 % of wave-1 ties kept, the rest new,
    new ties more often across organisations (a built-in growth to recover)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P-{i:010x}" for i in range(people)], dtype=object)
    orgs = rng.integers(0, 50, people)
    roster = pd.DataFrame({"participant": ids, "cohort": "c1",
                           "organisation": orgs.astype(str),
                           "sector": (orgs % 5).astype(str),
                           "place": rng.integers(0, 10, people).astype(str),
                           "role": rng.integers(0, 4, people).astype(str)})

    def draw(k, p_same):
        s = rng.integers(0, people, 3 * k)
        # same organisation with probability p_same, else anyone
        same = rng.random(3 * k) < p_same
        members = pd.Series(np.arange(people)).groupby(orgs).apply(np.asarray)
        t = rng.integers(0, people, 3 * k)
        pick = members.loc[orgs[s[same]]].to_numpy()
        t[same] = [m[i % len(m)] for m, i in zip(pick, rng.integers(0, 1 << 30, same.sum()),
                                                  strict=True)]
        arcs = pd.DataFrame({"s": s, "t": t})
        arcs = arcs[arcs.s != arcs.t].drop_duplicates().head(k)
        return arcs

    w1 = draw(ties, 0.6)
    keep = w1.sample(frac=0.7, random_state=seed)
    extra = draw(ties, 0.2)
    extra = extra.merge(keep, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
    w2 = pd.concat([keep, extra]).head(ties)
    frames = []
    for wave, arcs in (("baseline", w1), ("end", w2)):
        frames.append(pd.DataFrame({
            "cohort": "c1", "wave": wave, "instrument": "network",
            "source": ids[arcs.s.to_numpy()], "target": ids[arcs.t.to_numpy()],
            "relation": "advice", "frequency": np.nan, "trust": np.nan, "source_row": 0}))
    tie_frame = pd.concat(frames, ignore_index=True)
    responses = pd.DataFrame({"participant": np.concatenate([ids, ids]),
                              "wave": ["baseline"] * people + ["end"] * people})
    return roster, tie_frame, responses


def best(fn, repeat):
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench_igraph(edges, n, sources, repeat):
    rows = {}
    rows["build graph"], g = best(lambda: ig.Graph(n=n, edges=edges, directed=True), repeat)
    rows["reciprocity (dyadic)"], _ = best(lambda: g.reciprocity(mode="ratio"), repeat)
    und = g.as_undirected(mode="collapse")
    rows["transitivity (undirected)"], _ = best(und.transitivity_undirected, repeat)
    rows["weak + strong components"], _ = best(
        lambda: (g.connected_components("weak"), g.connected_components("strong")), repeat)
    giant = g.connected_components("weak").giant().as_undirected(mode="collapse")
    rows["avg path length (all pairs)"], _ = best(lambda: giant.average_path_length(), repeat)
    rows["betweenness (exact, directed)"], _ = best(lambda: g.betweenness(directed=True), repeat)
    random.seed(1)
    rows["force layout (FR)"], _ = best(lambda: und.layout_fruchterman_reingold(), 1)
    return rows


def bench_networkx(edges, n, sources, repeat):
    rows, notes = {}, {}

    def build():
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from(edges)
        return g

    rows["build graph"], g = best(build, repeat)
    rows["reciprocity (dyadic)"], _ = best(lambda: nx.overall_reciprocity(g), repeat)
    und = g.to_undirected()
    rows["transitivity (undirected)"], _ = best(lambda: nx.transitivity(und), 1)
    rows["weak + strong components"], _ = best(
        lambda: (list(nx.weakly_connected_components(g)),
                 list(nx.strongly_connected_components(g))), repeat)
    giant = und.subgraph(max(nx.connected_components(und), key=len))
    nodes = list(giant)
    pick = random.Random(1).sample(nodes, min(sources, len(nodes)))

    def paths():
        for s in pick:
            nx.single_source_shortest_path_length(giant, s)

    t, _ = best(paths, 1)
    rows["avg path length (all pairs)"] = t * len(nodes) / len(pick)
    notes["avg path length (all pairs)"] = f"extrapolated from {len(pick)} sources"
    t, _ = best(lambda: nx.betweenness_centrality(g, k=min(sources, n), seed=1), 1)
    rows["betweenness (exact, directed)"] = t * n / min(sources, n)
    notes["betweenness (exact, directed)"] = f"extrapolated from {min(sources, n)} sources"
    rows["force layout (FR)"], _ = best(lambda: nx.spring_layout(und, seed=1), 1)
    return rows, notes


def bench_rustworkx(edges, n, sources, repeat):
    rows = {}

    def build():
        g = rx.PyDiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from_no_data(edges)
        return g

    rows["build graph"], g = best(build, repeat)
    rows["reciprocity (dyadic)"] = np.nan  # no built-in
    und = g.to_undirected(multigraph=False)
    rows["transitivity (undirected)"], _ = best(lambda: rx.transitivity(und), repeat)
    rows["weak + strong components"], _ = best(
        lambda: (rx.weakly_connected_components(g), rx.strongly_connected_components(g)), repeat)
    giant_nodes = max(rx.connected_components(und), key=len)
    giant = und.subgraph(sorted(giant_nodes))
    rows["avg path length (all pairs)"], _ = best(
        lambda: rx.unweighted_average_shortest_path_length(giant), repeat)
    rows["betweenness (exact, directed)"], _ = best(
        lambda: rx.digraph_betweenness_centrality(g, normalized=False), repeat)
    rows["force layout (FR)"], _ = best(lambda: rx.spring_layout(und, seed=1), 1)
    return rows


def bench_module(roster, ties, responses, repeat):
    """evaluate.network end to end on the two waves (igraph + scipy sparse)."""
    rows = {}
    waves = ["baseline", "end"]
    rows["clean_ties"], cleaned = best(lambda: nw.clean_ties(ties, roster), repeat)
    t = cleaned.ties
    people = roster["participant"]
    rows["network_metrics (2 waves × 2 bases)"], metrics = best(
        lambda: nw.network_metrics(t, people, responses, waves=waves), repeat)
    rows["metric_change"], _ = best(lambda: nw.metric_change(metrics, waves=waves), repeat)
    rows["tie_growth"], _ = best(lambda: nw.tie_growth(t, responses, waves=waves), repeat)
    rows["boundary_spanning (4 attributes)"], (whole, _) = best(
        lambda: nw.boundary_spanning(t, roster, waves=waves), repeat)
    rows["person_change (incl. betweenness)"], _ = best(
        lambda: nw.person_change(t, roster, responses, waves=waves), repeat)
    rows["network_layout"], _ = best(lambda: nw.network_layout(t, roster, waves=waves), 1)
    rows["total"] = sum(rows.values())
    org = whole[whole.attribute == "organisation"].set_index("wave")
    return rows, org[["share_external", "ei_index", "new_share_external"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--ties", type=int, default=50000)
    ap.add_argument("--sources", type=int, default=100,
                    help="sampled sources for the networkx path/betweenness estimates")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-networkx", action="store_true")
    args = ap.parse_args(argv)

    roster, ties, responses = synthetic(args.people, args.ties)
    index = pd.Index(roster["participant"])
    w1 = ties[ties.wave == "baseline"]
    edges = list(zip(index.get_indexer(w1.source).tolist(), index.get_indexer(w1.target).tolist(),
                     strict=True))
    print(f"# {args.people} people, {len(w1)} ties at baseline, "
          f"{(ties.wave == 'end').sum()} at end; python {platform.python_version()}, "
          f"igraph {ig.__version__}, networkx {nx.__version__}"
          + (f", rustworkx {rx.__version__}" if rx else "") + "\n")

    libs = {"igraph": bench_igraph(edges, args.people, args.sources, args.repeat)}
    notes = {}
    if not args.skip_networkx:
        libs["networkx"], notes = bench_networkx(edges, args.people, args.sources, args.repeat)
    if rx is not None:
        libs["rustworkx"] = bench_rustworkx(edges, args.people, args.sources, args.repeat)
    table = pd.DataFrame(libs)
    table["note"] = [notes.get(i, "") for i in table.index]
    print("## One wave, seconds (best of repeats)\n")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    print()
    print("weak transitivity (directed, sna gtrans) via scipy sparse A·A:", end=" ")
    g = nw.directed_graph(w1, index)
    t, value = best(lambda: nw.weak_transitivity(g), args.repeat)
    print(f"{t:.3f} s (value {value:.4f})\n")

    rows, org = bench_module(roster, ties, responses, args.repeat)
    print("## evaluate.network on both waves, seconds\n")
    for k, v in rows.items():
        print(f"{k:40s} {v:8.3f}")
    print("\nbuilt-in growth recovered (organisation):")
    print(org.to_string(float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
