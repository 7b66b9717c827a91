"""Gould–Fernandez brokerage (evaluate.network.brokerage) against R sna::brokerage and by hand.

Reference values: tests/reference/brokerage_sna.R → brokerage_sna.out, on Krackhardt's
advice network (../shared/reference-data/krackhardt/, beside the repository) and on the
demo's networks (tests/reference/demo_network.py writes them with roster row numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.network import brokerage_change, brokerage_roles, clean_ties, gould_fernandez
from evaluate.network.brokerage import ROLES, SNA_ROLE_NAMES

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "reference"
KRACKHARDT = REPO.parent / "shared" / "reference-data" / "krackhardt"
ALL = [*ROLES, "total"]


def _sna_output() -> tuple[pd.DataFrame, pd.DataFrame]:
    lines = (REFERENCE / "brokerage_sna.out").read_text(encoding="utf-8").splitlines()
    people, whole = [], []
    for line in lines:
        kind, name, *rest = line.split(",")
        if kind == "person":
            people.append([name, int(rest[0]), *map(float, rest[1:])])
        else:
            whole.append([name, rest[0], *map(float, rest[1:])])
    sna = [SNA_ROLE_NAMES[r] for r in ALL]
    people = pd.DataFrame(people, columns=["network", "person", *sna, *[f"z_{s}" for s in sna]])
    whole = pd.DataFrame(whole, columns=["network", "role", "count", "expected", "sd", "z"])
    return people, whole


SNA_PEOPLE, SNA_WHOLE = _sna_output()


def _compare(ours: pd.DataFrame, ours_whole: pd.DataFrame, network: str, person) -> dict:
    """Max differences from sna for one network (z absolute, whole-network values relative).

    Counts must be equal; a count that differs fails at once.
    """
    ref = SNA_PEOPLE[SNA_PEOPLE["network"] == network].set_index("person")
    mine = ours.assign(person=ours["participant"].map(person)).set_index("person").loc[ref.index]
    diffs = {}
    for role in ALL:
        s = SNA_ROLE_NAMES[role]
        assert (mine[role].to_numpy() == ref[s].to_numpy()).all(), (network, role)
        a, b = mine[f"z_{role}"].to_numpy(), ref[f"z_{s}"].to_numpy()
        assert (np.isnan(a) == np.isnan(b)).all(), (network, role)
        diffs[f"z_{role}"] = float(np.nanmax(np.abs(a - b), initial=0))
    rw = SNA_WHOLE[SNA_WHOLE["network"] == network].set_index("role")
    w = ours_whole.set_index("role")
    for role in ALL:
        r = rw.loc[SNA_ROLE_NAMES[role]]
        assert w.loc[role, "count"] == r["count"], (network, role)
        for col in ("expected", "sd", "z"):
            # relative: sna's values are printed to 12 significant digits
            rel = abs(float(w.loc[role, col]) - r[col]) / max(1.0, abs(r[col]))
            diffs[f"whole_{col}"] = max(diffs.get(f"whole_{col}", 0.0), rel)
    return diffs


@pytest.fixture(scope="module")
def krackhardt():
    adv = pd.read_csv(KRACKHARDT / "advice.csv")
    att = pd.read_csv(KRACKHARDT / "attributes.csv")
    ties = adv[adv["advice_tie"] == 1].rename(columns={"ego": "source", "alter": "target"})
    return ties[["source", "target"]], att


@pytest.mark.parametrize("attribute", ["DEPT", "LEVEL"])
def test_krackhardt_matches_sna_brokerage(krackhardt, attribute):
    ties, att = krackhardt
    groups = pd.Series(att[attribute].to_numpy(), index=att["ids"].to_numpy())
    people, whole = gould_fernandez(ties, groups)
    diffs = _compare(people, whole, f"krackhardt|{attribute}", lambda i: i)
    assert max(diffs.values()) < 1e-9, diffs
    if attribute == "DEPT":  # manager 18 is the busiest broker between departments
        assert people.loc[people["participant"] == 18, ["itinerant", "liaison", "total"]
                          ].to_numpy().tolist() == [[32, 74, 121]]


def test_demo_networks_match_sna_brokerage(demo_workspace):
    from evaluate.roster import split_by_group
    from tests.reference.demo_network import person_numbers

    ws, _ = demo_workspace
    number = person_numbers(ws)
    roster = ws.roster()
    programme, _ = split_by_group(roster, roster)
    programme = programme.drop(columns=["comparison"], errors="ignore")
    ties = clean_ties(ws.ties(), programme).ties
    worst: dict = {}
    checked = 0
    for cohort in ("c1", "c2"):
        members = programme[programme["cohort"] == cohort]
        t = ties[ties["cohort"] == cohort]
        people, whole = brokerage_roles(t, members, waves=["baseline", "end"],
                                        relations=["worked_with", "advice", "knew_before", "any"])
        for (wave, relation, attribute), p in people.groupby(["wave", "relation", "attribute"]):
            w = whole[(whole["wave"] == wave) & (whole["relation"] == relation)
                      & (whole["attribute"] == attribute)]
            diffs = _compare(p, w, f"demo|{cohort}|{wave}|{relation}|{attribute}", number.get)
            worst = {k: max(v, worst.get(k, 0.0)) for k, v in diffs.items()}
            checked += 1
    assert checked == 2 * 2 * 4 * 3
    assert max(worst.values()) < 1e-9, worst


def _ties(arcs, wave="w1", relation="advice"):
    return pd.DataFrame({"cohort": "c1", "wave": wave, "relation": relation,
                         "source": [a for a, _ in arcs], "target": [b for _, b in arcs]})


def test_each_role_by_hand():
    groups = pd.Series({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"})
    cases = {  # two-path → the broker's role
        (("a1", "a2"), ("a2", "a3")): ("a2", "coordinator"),
        (("a1", "b1"), ("b1", "a2")): ("b1", "itinerant"),
        (("a1", "a2"), ("a2", "b1")): ("a2", "representative"),
        (("a1", "b1"), ("b1", "b2")): ("b1", "gatekeeper"),
        (("a1", "b1"), ("b1", "c1")): ("b1", "liaison"),
    }
    for arcs, (broker, role) in cases.items():
        people, _ = gould_fernandez(pd.DataFrame(arcs, columns=["source", "target"]), groups)
        row = people.set_index("participant").loc[broker]
        assert row[role] == 1 and row["total"] == 1, (arcs, role)
        assert people[list(ROLES)].to_numpy().sum() == 1


def test_closed_two_paths_are_not_brokerage_and_mutual_pairs_count_twice():
    groups = pd.Series({"a": "A", "b": "B", "c": "C"})
    closed = pd.DataFrame({"source": ["a", "b", "a"], "target": ["b", "c", "c"]})
    people, _ = gould_fernandez(closed, groups)
    assert people["total"].sum() == 0
    mutual = pd.DataFrame({"source": ["a", "b", "b", "c"], "target": ["b", "a", "c", "b"]})
    people, whole = gould_fernandez(mutual, groups)
    assert people.set_index("participant").loc["b", "liaison"] == 2   # a→b→c and c→b→a
    assert whole.set_index("role").loc["liaison", "brokers"] == 1


def test_unknown_group_takes_no_role():
    groups = pd.Series({"a": "A", "b": None, "c": "C", "d": "A"})
    ties = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "d"]})
    people, _ = gould_fernandez(ties, groups)
    p = people.set_index("participant")
    assert p.loc["b", "total"] == 0 and np.isnan(p.loc["b", "z_total"])
    assert p.loc["c", "liaison"] == 0 and p.loc["c", "representative"] == 0
    assert p.loc["c", "total"] == 0     # b → c → d: b's group unknown


def test_brokerage_change_among_people_who_answered_both_times():
    roster = pd.DataFrame({"participant": ["a", "b", "c", "d", "e", "f"],
                           "organisation": ["X", "Y", "Z", "X", "X", "Y"]})
    before = _ties([("a", "d"), ("d", "e")], wave="w1")
    after = _ties([("a", "b"), ("b", "c"), ("c", "f"), ("f", "a"), ("d", "e")], wave="w2")
    respondents = pd.DataFrame({"wave": ["w1"] * 6 + ["w2"] * 5,
                                "participant": [*"abcdef", *"abcdf"]})   # e missed w2
    people, groups = brokerage_change(pd.concat([before, after]), roster, respondents,
                                      attributes=["organisation"], relations=["advice"],
                                      min_group_size=1)
    assert set(people["participant"]) == {"a", "b", "c", "d", "f"}   # e answered once
    p = people.set_index(["participant", "role"])
    assert p.loc[("b", "liaison"), ["count_from", "count_to", "change"]].tolist() == [0, 1, 1]
    assert p.loc[("d", "coordinator"), "count_from"] == 0   # d → e left out: e not in both
    whole = groups[groups["group"].isna() & (groups["role"] == "liaison")].iloc[0]
    # a→b→c (X→Y→Z) and b→c→f (Y→Z→Y itinerant), c→f→a (Z→Y→X liaison), f→a→b (Y→X→Y)
    assert (whole["count_from"], whole["count_to"], whole["brokers_to"]) == (0, 2, 2)
    per = groups[(groups["group"] == "Y") & (groups["role"] == "liaison")].iloc[0]
    assert (per["members"], per["count_to"]) == (2, 2)


def test_brokerage_groups_are_suppressed_under_the_threshold():
    rng = np.random.default_rng(1)
    people = [f"p{i}" for i in range(14)]
    roster = pd.DataFrame({"participant": people,
                           "organisation": ["X"] * 6 + ["Y"] * 6 + ["Z"] * 2})
    arcs = {(people[i], people[j]) for i, j in rng.integers(0, 14, size=(60, 2)) if i != j}
    ties = pd.concat([_ties(sorted(arcs), wave="w1"), _ties(sorted(arcs)[::2], wave="w2")])
    _, groups = brokerage_change(ties, roster, attributes=["organisation"], relations=["advice"],
                                 min_group_size=5)
    z = groups[groups["group"] == "Z"]
    assert z["suppressed"].all() and z["count_to"].isna().all()
    # Z alone would be recoverable from the total: the next smallest group goes too
    assert groups[groups["group"].isin(["X", "Y"])].groupby("role")["suppressed"].sum().eq(1).all()
    everyone = groups[groups["group"].isna()]
    assert not everyone["suppressed"].any() and everyone["count_from"].notna().all()
