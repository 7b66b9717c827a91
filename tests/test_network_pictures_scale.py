"""Network pictures at organisational scale: a stated share of ties drawn, exact at cohort size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.network import layout
from evaluate.report import network_figures as NF
from evaluate.report.colours import NEW_TIE_COLOUR, OLD_TIE_COLOUR
from evaluate.report.dashboard import render_dashboard


def _network(people: int, ties: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Layout tables of two waves: 60% of the baseline's ties kept at the end, the rest new."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P-{i:06d}" for i in range(people)])
    pos = pd.DataFrame({"participant": ids, "x": rng.uniform(-1, 1, people),
                        "y": rng.uniform(-1, 1, people),
                        "sector": rng.choice(["NHS", "Council", "Voluntary"], people)})
    arcs = pd.DataFrame({"s": rng.integers(0, people, 3 * ties),
                         "t": rng.integers(0, people, 3 * ties)})
    arcs = arcs[arcs.s < arcs.t].drop_duplicates().head(2 * ties)
    base = arcs.head(ties)
    end = pd.concat([base.sample(frac=0.6, random_state=seed), arcs.iloc[ties:]]).head(ties)
    xy = pos.set_index("participant")
    frames = []
    for wave, a in (("baseline", base), ("end", end)):
        s, t = ids[a.s.to_numpy()], ids[a.t.to_numpy()]
        frames.append(pd.DataFrame({
            "wave": wave, "relation": "worked_with", "source": s, "target": t,
            "x_source": xy.loc[s, "x"].to_numpy(), "y_source": xy.loc[s, "y"].to_numpy(),
            "x_target": xy.loc[t, "x"].to_numpy(), "y_target": xy.loc[t, "y"].to_numpy()}))
    edges = pd.concat(frames, ignore_index=True)
    nodes = pd.concat([pos.assign(wave=w, degree=1, responded=True) for w in ("baseline", "end")],
                      ignore_index=True)
    return nodes, edges


def _segments(fig, axis: str) -> dict[str, set]:
    """Drawn segments per line colour in one picture, as sets of rounded end points."""
    out: dict[str, set] = {}
    for t in fig.data:
        if t["mode"] != "lines" or t["xaxis"] != axis or not len(t["x"]):
            continue
        x = np.asarray(t["x"], dtype=float).reshape(-1, 3)[:, :2].round(4)
        y = np.asarray(t["y"], dtype=float).reshape(-1, 3)[:, :2].round(4)
        out.setdefault(t["line"]["color"], set()).update(map(tuple, np.hstack([x, y])))
    return out


def test_a_cohort_is_drawn_whole_and_exact():
    nodes, edges = _network(40, 300)
    assert NF.network_line_share(edges, ["baseline", "end"]) == 1.0
    fig = NF.network_pictures(nodes, edges, waves=["baseline", "end"])
    drawn = sum(len(v) for v in _segments(fig, "x2").values())
    assert drawn == (edges["wave"] == "end").sum()
    markers = [t for t in fig.data if t["mode"] == "markers"]
    assert all(t.get("customdata") is not None for t in markers)  # hover per person
    assert '"f4"' not in fig.to_json()  # full precision at cohort size


def test_a_large_network_draws_the_stated_share_alike_for_old_and_new_ties(monkeypatch):
    monkeypatch.setattr(layout, "MAX_LINES", 500)
    nodes, edges = _network(1500, 4000)
    waves = ["baseline", "end"]
    share = NF.network_line_share(edges, waves)
    assert share == pytest.approx(500 / 4000)
    fig = NF.network_pictures(nodes, edges, waves=waves)
    before, after = _segments(fig, "x"), _segments(fig, "x2")
    old, new = after.get(OLD_TIE_COLOUR, set()), after.get(NEW_TIE_COLOUR, set())
    n_old = 0.6 * 4000
    n_new = 4000 - n_old
    # each kind thinned by the same share (binomial sampling: within 5 standard errors)
    for drawn, total in ((len(old), n_old), (len(new), n_new)):
        assert abs(drawn - share * total) < 5 * np.sqrt(total * share * (1 - share))
    # a pair in both waves is drawn in both pictures or in neither
    kept = before.get(OLD_TIE_COLOUR, set())
    assert old <= kept
    # positions compact, no per-person hover details
    markers = [t for t in fig.data if t["mode"] == "markers"]
    assert all(t.get("customdata") is None for t in markers)
    assert '"dtype":"f4"' in fig.to_json()
    # the same data give the same picture
    assert fig.to_json() == NF.network_pictures(nodes, edges, waves=waves).to_json()


def test_the_page_says_how_many_ties_a_large_picture_draws(monkeypatch):
    monkeypatch.setattr(layout, "MAX_LINES", 500)
    nodes, edges = _network(1500, 4000)
    results = {"network_layout_nodes": nodes.assign(cohort="c1"),
               "network_layout_edges": edges.assign(cohort="c1")}
    html = render_dashboard(results, {"programme": "Example"})
    assert "one pair of people in 8 is drawn" in html
    assert "counts in the title and in the numbers are of every tie" in html
    nodes, edges = _network(40, 300)
    results = {"network_layout_nodes": nodes.assign(cohort="c1"),
               "network_layout_edges": edges.assign(cohort="c1")}
    assert "too large to draw every tie" not in render_dashboard(results, {"programme": "Example"})
