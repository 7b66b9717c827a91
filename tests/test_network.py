"""Tests for evaluate.network and evaluate.interchange.

Reference values: Krackhardt (1987) advice network against R sna (see
tests/data/krackhardt/README.md and REFERENCES.md); textbook graphs with exact
values; small hand-worked graphs with the arithmetic in the comments.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluate import network as nw
from evaluate.errors import AnalysisError
from evaluate.interchange import export_network

DATA = Path(__file__).parent / "data" / "krackhardt"


def ties_frame(arcs, wave="w1", relation="advice", cohort="c1", **extra):
    """Tie rows (source, target) in the Workspace.ties layout."""
    frame = pd.DataFrame(arcs, columns=["source", "target"]).astype(object)
    frame.insert(0, "relation", relation)
    frame.insert(0, "wave", wave)
    frame.insert(0, "cohort", cohort)
    frame["instrument"] = "network"
    frame["frequency"] = np.nan
    frame["trust"] = np.nan
    frame["source_row"] = np.arange(2, len(frame) + 2)
    for k, v in extra.items():
        frame[k] = v
    return frame


def respond(wave, people):
    return pd.DataFrame({"wave": wave, "participant": list(people)})


def row(metrics, wave="w1", relation="advice", basis="roster"):
    m = metrics[(metrics.wave == wave) & (metrics.relation == relation) & (metrics.basis == basis)]
    assert len(m) == 1
    return m.iloc[0]


# --------------------------------------------------------------------------- Krackhardt
@pytest.fixture(scope="module")
def krackhardt():
    edges = pd.read_csv(DATA / "advice_edges.csv").astype(str)
    people = [str(i) for i in range(1, 22)]
    return ties_frame(edges.to_numpy()), people


def test_krackhardt_edge_list_is_the_published_one(krackhardt):
    ties, people = krackhardt
    assert len(ties) == 190
    assert (ties.source != ties.target).all()
    assert not ties.duplicated(["source", "target"]).any()


def test_krackhardt_published_values(krackhardt):
    # R sna on the advice network (REFERENCES.md): 190 arcs, density 190/420,
    # grecip(measure="dyadic.nonnull") 0.3103448 (45 mutual / 145 non-null
    # dyads), gtrans 0.6639785.
    ties, people = krackhardt
    m = nw.network_metrics(ties, people, respond("w1", people))
    for basis in ("respondents", "roster"):
        r = row(m, basis=basis)
        assert r.nodes == 21 and r.ties == 190 and r.response_rate == 1.0
        assert r.density == pytest.approx(190 / 420, abs=1e-12)
        assert r.dyadic_reciprocity == pytest.approx(0.3103448, abs=5e-8)
        assert r.dyadic_reciprocity == pytest.approx(45 / 145, abs=1e-12)
        # arc (edgewise) reciprocity: 2 × 45 returned arcs / 190
        assert r.arc_reciprocity == pytest.approx(90 / 190, abs=1e-12)
        assert r.weak_transitivity == pytest.approx(0.6639785, abs=5e-8)
        # mean in = mean out = 190 / 21
        assert r.mean_in_degree == pytest.approx(190 / 21) == r.mean_out_degree
        assert r.weak_components == 1 and r.largest_weak_component == 21


def test_krackhardt_degree_centralisation_by_hand(krackhardt):
    # Freeman: Σ(max − dᵢ) / (n − 1)²; computed here from the degree sequence
    # independently of the implementation (numpy bincount on the edge list).
    ties, people = krackhardt
    src = ties.source.astype(int).to_numpy() - 1
    tgt = ties.target.astype(int).to_numpy() - 1
    outd, ind = np.bincount(src, minlength=21), np.bincount(tgt, minlength=21)
    g = nw.directed_graph(ties, people)
    assert nw.degree_centralisation(g, "out") == pytest.approx((outd.max() - outd).sum() / 400)
    assert nw.degree_centralisation(g, "in") == pytest.approx((ind.max() - ind).sum() / 400)
    tot = ind + outd
    assert nw.degree_centralisation(g, "all") == pytest.approx((tot.max() - tot).sum() / (2 * 20 * 19))


# --------------------------------------------------------------------------- textbook graphs
def graph(arcs, n):
    people = [str(i) for i in range(n)]
    return nw.directed_graph(pd.DataFrame([(str(a), str(b)) for a, b in arcs],
                                          columns=["source", "target"]), people)


def test_directed_three_cycle():
    # 0→1→2→0: density 3/6; no mutual dyads; two-paths 0→1→2, 1→2→0, 2→0→1
    # none closed in the same direction, weak transitivity 0; one strong
    # component; directed distances 1 and 2 from each node, mean 1.5; as an
    # undirected graph it is a triangle: clustering 1, path length 1.
    m = nw.whole_network_measures(graph([(0, 1), (1, 2), (2, 0)], 3))
    assert m["density"] == 0.5
    assert m["dyadic_reciprocity"] == 0 and m["arc_reciprocity"] == 0
    assert m["weak_transitivity"] == 0
    assert m["strong_components"] == 1 and m["largest_strong_component"] == 3
    assert m["avg_path_length_directed"] == 1.5
    assert m["avg_path_length_undirected"] == 1.0
    assert m["clustering_undirected"] == 1.0


def test_complete_digraph():
    arcs = [(i, j) for i in range(4) for j in range(4) if i != j]
    m = nw.whole_network_measures(graph(arcs, 4))
    assert m["density"] == 1 and m["dyadic_reciprocity"] == 1 and m["arc_reciprocity"] == 1
    assert m["weak_transitivity"] == 1 and m["clustering_undirected"] == 1
    assert m["all_degree_centralisation"] == 0 and m["in_degree_centralisation"] == 0


def test_star_centralisation():
    # Out-star of 5 (0→1..4): out-degrees 4,0,0,0,0 → Σ(4 − d) = 16 = (n−1)² → 1;
    # in-degrees 0,1,1,1,1 → Σ(1 − d) = 1 → 1/16.
    g = graph([(0, i) for i in range(1, 5)], 5)
    assert nw.degree_centralisation(g, "out") == 1.0
    assert nw.degree_centralisation(g, "in") == 1 / 16
    # Mutual star: total degree 8,2,2,2,2 → Σ = 24 = 2(n−1)(n−2) → 1.
    g = graph([(0, i) for i in range(1, 5)] + [(i, 0) for i in range(1, 5)], 5)
    assert nw.degree_centralisation(g, "all") == 1.0
    with pytest.raises(AnalysisError, match="not one of in, out, all"):
        nw.degree_centralisation(g, "both")


def test_components_count_isolates():
    # 0⇄1, 2→3, 4 alone: weak {01}{23}{4} = 3; strong {01}{2}{3}{4} = 4.
    m = nw.whole_network_measures(graph([(0, 1), (1, 0), (2, 3)], 5))
    assert m["weak_components"] == 3 and m["strong_components"] == 4
    assert m["largest_weak_component"] == 2 and m["isolates"] == 1


# --------------------------------------------------------------------------- cleaning
def test_self_ties_duplicates_and_off_roster_are_counted():
    roster = pd.DataFrame({"participant": ["A", "B", "C"], "cohort": "c1"})
    other = pd.DataFrame({"participant": ["X"], "cohort": "c2"})
    ties = ties_frame([("A", "A"), ("A", "B"), ("A", "B"), ("A", "Z"), ("B", "A"), ("B", "X")])
    ties["frequency"] = [np.nan, 3.0, 5.0, np.nan, 2.0, np.nan]
    ties["trust"] = [np.nan, 1.0, -1.0, np.nan, 1.0, np.nan]
    out = nw.clean_ties(ties, pd.concat([roster, other]))
    # read 6: 1 self-tie (A→A), 1 duplicate (second A→B), 2 off roster (A→Z
    # not on any roster, B→X on cohort c2's roster) → 2 used: A→B, B→A.
    c = out.checks.iloc[0]
    assert (c.ties_read, c.self_ties, c.duplicate_ties, c.off_roster_ties, c.ties_used) == (6, 1, 1, 2, 2)
    assert "1 self-tie ignored" in c.message and "1 duplicate tie merged" in c.message
    assert "2 ties to people not on this cohort's roster set aside" in c.message
    assert sorted(out.off_roster.reason) == ["target in another cohort", "target not on roster"]
    ab = out.ties[(out.ties.source == "A") & (out.ties.target == "B")].iloc[0]
    # merged duplicate: highest frequency (5), mean trust (+1 and −1 → 0), first row
    assert ab.frequency == 5.0 and ab.trust == 0.0 and ab.source_row == 3
    assert len(out.ties) == 2


def test_missing_tie_columns_message():
    with pytest.raises(AnalysisError, match="lacks the column.*target"):
        nw.clean_ties(pd.DataFrame({"wave": [], "source": [], "relation": []}),
                      pd.DataFrame({"participant": []}))


# --------------------------------------------------------------------------- respondents
def test_non_respondents_bases_and_rules():
    # Roster A B C D; A and B answered; ties A→B, A→C, B→C.
    # respondents basis: nodes {A,B}, arc A→B → density 1/2.
    # roster basis (reported): 4 nodes, 3 arcs → 3/12; reconstructed adds C→A
    # and C→B (reverse of ties to the non-respondent C) → 5/12.
    ties = ties_frame([("A", "B"), ("A", "C"), ("B", "C")])
    people = ["A", "B", "C", "D"]
    m = nw.network_metrics(ties, people, respond("w1", ["A", "B"]))
    r = row(m, basis="respondents")
    assert (r.nodes, r.ties, r.density, r.response_rate) == (2, 1, 0.5, 0.5)
    r = row(m, basis="roster")
    assert (r.nodes, r.ties, r.density, r.response_rate, r.rule) == (4, 3, 0.25, 0.5, "reported")
    m = nw.network_metrics(ties, people, respond("w1", ["A", "B"]), rule="reconstructed")
    assert row(m).density == 5 / 12
    with pytest.raises(AnalysisError, match="rule"):
        nw.network_metrics(ties, people, rule="guess")


def test_wave_with_no_answers_has_a_defined_row():
    ties = ties_frame([("A", "B")])
    m = nw.network_metrics(ties, ["A", "B", "C"], respond("w1", ["A"]), waves=["w1", "w2"])
    r = row(m, wave="w2")
    assert r.respondents == 0 and r.ties == 0 and r.response_rate == 0
    assert np.isnan(r.density) and "no network answers" in r.note
    assert row(m, wave="w1").density == 1 / 6


def test_any_relation_is_the_union():
    # advice A→B, worked_with A→B and B→A: any = {A→B, B→A}
    ties = pd.concat([ties_frame([("A", "B")]),
                      ties_frame([("A", "B"), ("B", "A")], relation="worked_with")])
    m = nw.network_metrics(ties, ["A", "B"], respond("w1", ["A", "B"]))
    assert list(pd.unique(m.relation)) == ["worked_with", "advice", "any"]
    assert row(m, relation="any").ties == 2


# --------------------------------------------------------------------------- boundaries
EI_ROSTER = pd.DataFrame({"participant": list("ABCDE"), "cohort": "c1",
                          "organisation": ["X", "X", "Y", "Y", "Y"]})
EI_ARCS = [("A", "B"), ("B", "A"), ("A", "C"), ("C", "D"), ("D", "E"), ("E", "A")]


def test_ei_index_hand_worked():
    # X = {A,B}, Y = {C,D,E}. Internal: A→B, B→A, C→D, D→E (I = 4);
    # external: A→C, E→A (E = 2). EI = (2 − 4)/(2 + 4) = −1/3.
    # Group X: I = 2 (A→B, B→A), E = 2 (A→C sent, E→A received) → 0.
    # Group Y: I = 2 (C→D, D→E), E = 2 (A→C, E→A) → 0.
    groups = EI_ROSTER.set_index("participant")["organisation"]
    ei = nw.ei_index(ties_frame(EI_ARCS), groups)
    whole = ei.iloc[0]
    assert (whole.internal_ties, whole.external_ties) == (4, 2)
    assert whole.ei_index == pytest.approx(-1 / 3)
    x, y = ei.iloc[1], ei.iloc[2]
    assert (x.group, x.members, x.internal_ties, x.external_ties, x.ei_index) == ("X", 2, 2, 2, 0)
    assert (y.group, y.members, y.internal_ties, y.external_ties, y.ei_index) == ("Y", 3, 2, 2, 0)


def test_boundary_spanning_with_new_ties_and_suppression():
    # Wave 1 as above. Wave 2 adds B→D and D→B (both cross X/Y) and keeps the rest.
    # w2: E = 4, I = 4 → EI 0, share external 4/8. New ties: B→D, D→B, E = 2,
    # I = 0 → new EI = +1, new share external 1. One group pair (X,Y), connected.
    ties = pd.concat([ties_frame(EI_ARCS), ties_frame(EI_ARCS + [("B", "D"), ("D", "B")], wave="w2")])
    whole, groups = nw.boundary_spanning(ties, EI_ROSTER, waves=["w1", "w2"], min_group_size=3)
    w1 = whole[whole.wave == "w1"].iloc[0]
    assert w1.ei_index == pytest.approx(-1 / 3) and w1.share_external == pytest.approx(2 / 6)
    assert np.isnan(w1.new_ei_index)
    assert (w1.group_pairs, w1.group_pairs_connected) == (1, 1)
    w2 = whole[whole.wave == "w2"].iloc[0]
    assert (w2.ties, w2.external_ties, w2.ei_index, w2.share_external) == (8, 4, 0.0, 0.5)
    assert (w2.new_ties, w2.new_external_ties, w2.new_ei_index, w2.new_share_external) == (2, 2, 1.0, 1.0)
    assert w2.new_group_pairs_connected == 1
    # X has 2 members (< 3): suppressed; Y would then be recoverable from the
    # whole-network totals, so it is suppressed too (complementary).
    assert groups.suppressed.all() and groups.internal_ties.isna().all()
    _, groups = nw.boundary_spanning(ties, EI_ROSTER, waves=["w1", "w2"], min_group_size=2)
    assert not groups.suppressed.any()
    g2y = groups[(groups.wave == "w2") & (groups.group == "Y")].iloc[0]
    # Y at w2: internal C→D, D→E = 2; external A→C, E→A, B→D, D→B = 4 → (4−2)/6
    assert g2y.ei_index == pytest.approx(1 / 3) and g2y.new_external_ties == 2


# --------------------------------------------------------------------------- growth
GROWTH = pd.concat([
    ties_frame([("A", "B"), ("B", "C"), ("C", "A")], wave="w1"),
    ties_frame([("A", "B"), ("C", "A"), ("A", "D"), ("D", "A")], wave="w2"),
])
GROWTH_ROSTER = pd.DataFrame({"participant": list("ABCD"), "cohort": "c1",
                              "organisation": ["X", "X", "Y", "Y"]})
GROWTH_RESP = pd.concat([respond("w1", "ABC"), respond("w2", "ACD")])


def test_tie_growth_hand_worked():
    # roster basis: kept A→B, C→A (2); lost B→C (1); new A→D, D→A (2);
    # Jaccard 2 / (2 + 1 + 2) = 0.4.
    # respondents basis: answered both waves = {A, C}; arcs among them:
    # w1 C→A, w2 C→A → kept 1, new 0, lost 0, Jaccard 1.
    g = nw.tie_growth(GROWTH, GROWTH_RESP, waves=["w1", "w2"])
    r = g[g.basis == "roster"].iloc[0]
    assert (r.ties_from, r.ties_to, r.kept_ties, r.lost_ties, r.new_ties) == (3, 4, 2, 1, 2)
    assert r.jaccard == 0.4
    r = g[g.basis == "respondents"].iloc[0]
    assert (r.respondents_both, r.kept_ties, r.new_ties, r.lost_ties, r.jaccard) == (2, 1, 0, 0, 1.0)


def test_metric_change_is_to_minus_from():
    m = nw.network_metrics(GROWTH, list("ABCD"), GROWTH_RESP, waves=["w1", "w2"])
    ch = nw.metric_change(m, waves=["w1", "w2"])
    d = ch[(ch.basis == "roster") & (ch.metric == "density")].iloc[0]
    # density 3/12 → 4/12
    assert d.value_from == 3 / 12 and d.value_to == 4 / 12
    assert d.change == pytest.approx(1 / 12)
    assert set(ch.metric) >= {"ties", "dyadic_reciprocity", "weak_transitivity", "response_rate"}


def test_person_change_hand_worked():
    # Undirected pairs w1 {AB, BC, AC}, w2 {AB, AC, AD}: new pair AD only.
    # A: degree 2 → 3, 1 new tie, crossing organisation (X→Y); D likewise.
    # B: degree 2 → 1. Betweenness w1 (cycle A→B→C→A, D isolated): each of
    # A, B, C lies on one shortest path → 1 / ((4−1)(4−2)) = 1/6.
    # w2: A lies on C→B, C→D, D→B → 3/6; others 0.
    p = nw.person_change(GROWTH, GROWTH_ROSTER, GROWTH_RESP, waves=["w1", "w2"])
    p = p.set_index("participant")
    assert (p.loc["A", "degree_from"], p.loc["A", "degree_to"], p.loc["A", "degree_change"]) == (2, 3, 1)
    assert p.loc["B", "degree_change"] == -1
    assert p.loc["A", "new_ties"] == 1 and p.loc["A", "new_cross_organisation"] == 1
    assert p.loc["D", "new_cross_organisation"] == 1 and p.loc["B", "new_ties"] == 0
    assert p.loc["A", "betweenness_from"] == pytest.approx(1 / 6)
    assert p.loc["A", "betweenness_to"] == pytest.approx(0.5)
    assert p.loc["A", "betweenness_change"] == pytest.approx(1 / 3)
    assert p.loc["A", "broker_to"] and not p.loc["B", "broker_to"]
    assert not p.loc["D", "responded_from"] and p.loc["D", "responded_to"]
    assert list(p.index) == list("ABCD")


# --------------------------------------------------------------------------- layout
def test_layout_is_stable_and_reproducible():
    nodes, edges = nw.network_layout(GROWTH, GROWTH_ROSTER, waves=["w1", "w2"],
                                     respondents=GROWTH_RESP, min_group_size=None)
    again, _ = nw.network_layout(GROWTH, GROWTH_ROSTER, waves=["w1", "w2"],
                                 respondents=GROWTH_RESP, min_group_size=None)
    pd.testing.assert_frame_equal(nodes, again)
    w1 = nodes[nodes.wave == "w1"].set_index("participant")[["x", "y"]]
    w2 = nodes[nodes.wave == "w2"].set_index("participant")[["x", "y"]]
    pd.testing.assert_frame_equal(w1, w2)
    assert nodes[["x", "y"]].abs().max().max() == pytest.approx(1.0)
    assert set(nodes.columns) >= {"participant", "wave", "x", "y", "organisation", "degree"}
    new = edges[edges.is_new]
    assert sorted(zip(new.source, new.target, strict=True)) == [("A", "D"), ("D", "A")]
    assert not edges[edges.wave == "w1"].is_new.any()
    assert edges[(edges.source == "A") & (edges.target == "D")].mutual.all()


def test_layout_hides_small_groups_by_default():
    nodes, _ = nw.network_layout(GROWTH, GROWTH_ROSTER, waves=["w1", "w2"], min_group_size=3)
    assert set(nodes.organisation) == {"Other (small groups)"}


# --------------------------------------------------------------------------- workspace
class FakeWorkspace:
    """The slice of the Workspace API that network analyses use."""

    def __init__(self, roster, ties, responses, stakeholders=None, waves=("baseline", "end"),
                 imports=None, min_group_size=5):
        self._roster, self._ties, self._responses = roster, ties, responses
        self._stakeholders = stakeholders if stakeholders is not None else pd.DataFrame(
            columns=["cohort", "wave", "instrument", "source", "stakeholder"])
        self.waves = list(waves)
        self._imports = imports
        self.min_group_size = min_group_size

    def roster(self):
        return self._roster.copy()

    def ties(self, wave=None, cohort=None):
        return self._ties.copy()

    def responses(self, instrument=None, wave=None, cohort=None):
        return self._responses.copy()

    def stakeholders(self, wave=None, cohort=None):
        return self._stakeholders.copy()

    def imports(self):
        return self._imports if self._imports is not None else pd.DataFrame(columns=["wave", "instrument"])


def synthetic_cohort(seed=3, n=40):
    """A cohort of 40 across 4 organisations; at the end more cross-organisation ties."""
    rng = np.random.default_rng(seed)
    people = [f"P-{i:010x}" for i in range(n)]
    org = np.repeat(["NHS trust", "Council", "Voluntary", "Fire"], n // 4)
    roster = pd.DataFrame({"participant": people, "cohort": "c1", "organisation": org,
                           "sector": np.where(org == "Council", "local government", "health"),
                           "place": rng.choice(["North", "South"], n), "role": "manager"})
    same = org[:, None] == org[None, :]
    frames = []
    for wave, p_in, p_out in (("baseline", 0.35, 0.02), ("end", 0.4, 0.15)):
        for relation in ("worked_with", "advice"):
            p = np.where(same, p_in, p_out)
            a = rng.random((n, n)) < p
            np.fill_diagonal(a, False)
            s, t = np.nonzero(a)
            frames.append(ties_frame(list(zip(np.array(people)[s], np.array(people)[t],
                                              strict=True)), wave=wave, relation=relation))
    ties = pd.concat(frames, ignore_index=True)
    responses = pd.concat([pd.DataFrame({"participant": people, "wave": w, "cohort": "c1"})
                           for w in ("baseline", "end")], ignore_index=True)
    return roster, ties, responses


def test_analyse_workspace_recovers_growth_across_organisations():
    roster, ties, responses = synthetic_cohort()
    stake = pd.DataFrame({"cohort": "c1", "wave": "end", "instrument": "network",
                          "source": roster.participant[:3], "stakeholder": ["GP lead", "gp lead", "Mayor"]})
    out = nw.analyse_workspace(FakeWorkspace(roster, ties, responses, stake))
    expected = {"network_checks", "network_metrics", "network_metric_change", "network_growth",
                "network_boundary", "network_boundary_groups", "network_people",
                "network_layout_nodes", "network_layout_edges", "network_stakeholders",
                "network_brokerage", "network_brokerage_whole", "network_brokerage_change",
                "network_brokerage_groups", "network_coreness", "network_core",
                "network_core_change", "network_core_groups", "network_change_intervals",
                "network_nonresponse_bounds", "network_evidence"}
    assert set(out) == expected
    b = out["network_boundary"]
    org = b[(b.attribute == "organisation") & (b.relation == "worked_with")].set_index("wave")
    assert org.loc["end", "share_external"] > org.loc["baseline", "share_external"]
    assert org.loc["end", "ei_index"] > org.loc["baseline", "ei_index"]
    assert org.loc["end", "new_share_external"] > org.loc["baseline", "share_external"]
    assert (out["network_metrics"].cohort == "c1").all()
    people = out["network_people"]
    assert people.participant.str.match(r"^P-[0-9a-f]{10}$").all()
    assert people.new_cross_organisation.sum() > 0
    # the programme's new cross-organisation ties make liaisons between organisations
    groups = out["network_brokerage_groups"]
    liaison = groups[(groups.attribute == "organisation") & (groups.relation == "worked_with")
                     & (groups.role == "liaison") & groups.group.isna()].iloc[0]
    assert liaison.count_to > liaison.count_from and liaison.brokers_to > liaison.brokers_from
    assert out["network_brokerage"].participant.str.match(r"^P-[0-9a-f]{10}$").all()
    core = out["network_core"]
    assert set(core.attribute) == {"organisation", "sector", "place"}
    assert out["network_core_change"].moved.isin(
        ["periphery to core", "core to periphery", "stayed in the core",
         "stayed in the periphery"]).all()
    # stakeholder names never appear, only counts: "GP lead"/"gp lead" are one
    s = out["network_stakeholders"].iloc[0]
    assert (s.respondents_naming, s.mentions, s.distinct_stakeholders) == (3, 3, 2)
    for frame in out.values():
        assert not any("Mayor" in str(v) for v in frame.to_numpy().ravel())


def test_analyse_workspace_wave_without_answers():
    roster, ties, responses = synthetic_cohort()
    ties = ties[ties.wave == "baseline"]
    responses = responses[responses.wave == "baseline"]
    imports = pd.DataFrame({"wave": ["baseline", "end"], "instrument": ["network@1", "network@1"]})
    out = nw.analyse_workspace(FakeWorkspace(roster, ties, responses, imports=imports))
    m = out["network_metrics"]
    end = m[m.wave == "end"]
    assert len(end) and (end.respondents == 0).all() and end.density.isna().all()
    assert out["network_checks"].message.str.contains("No network answers from cohort c1 at wave end").any()


def test_analyse_workspace_with_no_network_data():
    roster, _, _ = synthetic_cohort()
    empty = pd.DataFrame(columns=nw.TIE_COLUMNS)
    out = nw.analyse_workspace(FakeWorkspace(roster, empty, pd.DataFrame(columns=["participant", "wave"])))
    assert out["network_checks"].message.str.contains("No network survey answers").any()
    assert out["network_metrics"].empty


# --------------------------------------------------------------------------- interchange
def test_export_kumu_polinode_csv(tmp_path):
    roster, ties, responses = synthetic_cohort()
    roster.loc[0, "organisation"] = "=HYPERLINK(\"x\")"   # a one-person group that looks like a formula
    ws = FakeWorkspace(roster, ties, responses)
    (kumu,) = export_network(ws, tmp_path, "kumu")
    wb = load_workbook(kumu)
    assert wb.sheetnames == ["Elements", "Connections"]
    el, co = wb["Elements"], wb["Connections"]
    assert el["A1"].value == "Label" and co["A1"].value == "From" and co["B1"].value == "To"
    assert [c.value for c in co[1]][2] == "Type"
    labels = [c.value for c in el["A"][1:]]
    assert len(labels) == 40 and all(v.startswith("P-") for v in labels)
    orgs = {c.value for c in el["C"][1:]} | {c.value for c in el["D"][1:]}
    assert "Other (small groups)" in orgs and not any(str(v).startswith("=") for v in orgs)
    assert co.max_row - 1 == len(ties)
    # byte-identical when written again
    first = kumu.read_bytes()
    export_network(ws, tmp_path, "kumu")
    assert kumu.read_bytes() == first
    assert zipfile.ZipFile(kumu).testzip() is None

    (poli,) = export_network(ws, tmp_path, "polinode")
    wb = load_workbook(poli)
    assert wb.sheetnames == ["Nodes", "Edges"]
    assert wb["Nodes"]["A1"].value == "id"
    assert [c.value for c in wb["Edges"][1]][:2] == ["Source", "Target"]

    paths = export_network(ws, tmp_path, "CSV")
    nodes = pd.read_csv(paths[0])
    edges = pd.read_csv(paths[1])
    assert list(nodes.columns[:2]) == ["participant", "cohort"]
    assert list(edges.columns) == ["source", "target", "relation", "wave", "cohort", "frequency",
                                   "trust", "is_new"]
    assert edges[edges.wave == "end"].is_new.any() and not edges[edges.wave == "baseline"].is_new.any()

    with pytest.raises(AnalysisError, match="not one of kumu, polinode, csv"):
        export_network(ws, tmp_path, "gephi")


def test_sampled_path_length_estimate(krackhardt):
    # Exact directed mean distance = Σ d(i, j) / (21 × 20) over the full
    # distance matrix; with 20 of 21 sources sampled the estimate stays close.
    ties, people = krackhardt
    g = nw.directed_graph(ties, people)
    exact = np.asarray(g.distances(mode="out"), dtype=float).sum() / (21 * 20)
    assert nw.whole_network_measures(g)["avg_path_length_directed"] == pytest.approx(exact)
    est = nw.whole_network_measures(g, path_sample=20)["avg_path_length_directed"]
    assert est == pytest.approx(exact, abs=0.05)
    m = nw.network_metrics(ties, people, respond("w1", people), path_sample=10)
    assert row(m).avg_path_length_undirected == pytest.approx(1.3095238, abs=0.1)


def test_export_with_no_ties_writes_headers_only(tmp_path):
    roster, _, _ = synthetic_cohort()
    ws = FakeWorkspace(roster, pd.DataFrame(columns=nw.TIE_COLUMNS),
                       pd.DataFrame(columns=["participant", "wave"]))
    nodes_csv, edges_csv = export_network(ws, tmp_path, "csv")
    assert len(pd.read_csv(nodes_csv)) == 40 and pd.read_csv(edges_csv).empty
    (kumu,) = export_network(ws, tmp_path, "kumu")
    assert load_workbook(kumu)["Connections"].max_row == 1


# --------------------------------------------------------------------------- refusals
def _dyad_list():
    people = ["a", "b", "c", "d"]
    pairs = [(s, t) for s in people for t in people if s != t]
    return pd.DataFrame({"wave": "baseline", "relation": "worked_with",
                         "source": [p[0] for p in pairs], "target": [p[1] for p in pairs],
                         "tie": [1 if (s, t) in {("a", "b"), ("b", "c")} else 0
                                 for s, t in pairs]})


def test_a_zero_one_dyad_list_is_refused_not_read_as_all_ties():
    dyads = _dyad_list()
    # read as ties, every pair would be tied: density 1.0
    assert nw.density(nw.directed_graph(dyads.drop(columns="tie"), list("abcd"))) == 1.0
    for call in (lambda: nw.directed_graph(dyads, list("abcd")),
                 lambda: nw.network_metrics(dyads, list("abcd")),
                 lambda: nw.clean_ties(dyads, pd.DataFrame({"participant": list("abcd")})),
                 lambda: nw.ei_index(dyads, pd.Series(list("xxyy"), index=list("abcd")))):
        with pytest.raises(AnalysisError, match=r'column "tie" holding 0 or 1 for every pair '
                                                r'\(10 of 12 rows are 0\).*ties\[ties\["tie"\] == 1\]'):
            call()
    kept = dyads[dyads["tie"] == 1].drop(columns="tie")
    assert nw.density(nw.directed_graph(kept, list("abcd"))) == pytest.approx(2 / 12)


def test_ei_index_refuses_ids_of_another_type():
    ties = pd.DataFrame({"source": [1, 2, 3], "target": [2, 3, 1]})
    groups = pd.Series(["x", "x", "y"], index=["1", "2", "3"])
    with pytest.raises(AnalysisError, match=r"tie ends are number \(e.g. 1\) but the groups are "
                                            r"indexed by text \(e.g. '1'\)"):
        nw.ei_index(ties, groups)
    fixed = nw.ei_index(ties.astype(str), groups)
    # arcs 1→2 inside x, 2→3 and 3→1 across: EI = (2 − 1) / 3
    assert fixed["ei_index"].iloc[0] == pytest.approx(1 / 3)
