"""Core and periphery (evaluate.network.coreness) against an independent R fit, and by hand.

Reference values: tests/reference/coreness_optim.R → coreness_optim.out: base R optim (BFGS,
dense matrices, the degrees and 20 random starts, best kept) for the minimum-residual
coreness, and every core size tried for the discrete core; on Krackhardt's advice network
(../shared/reference-data/krackhardt/) and the demo's networks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.network import clean_ties, core_change, core_periphery, coreness

REPO = Path(__file__).resolve().parent.parent
KRACKHARDT = REPO.parent / "shared" / "reference-data" / "krackhardt"


def _reference():
    people, whole = [], {}
    for line in (REPO / "tests" / "reference" / "coreness_optim.out").read_text().splitlines():
        kind, name, *rest = [x for x in line.split(",") if x != ""]
        if kind == "person":
            people.append((name, int(rest[0]), float(rest[1]), rest[2] == "1"))
        else:
            whole[name] = {"correlation": float(rest[0]), "core_size": int(rest[1]),
                           "core_fit": float(rest[2])}
    return pd.DataFrame(people, columns=["network", "person", "coreness", "core"]), whole


REF_PEOPLE, REF_WHOLE = _reference()


def _compare(people: pd.DataFrame, fit: dict, network: str, person) -> dict:
    ref = REF_PEOPLE[REF_PEOPLE["network"] == network].set_index("person")
    mine = people.assign(person=people["participant"].map(person)).set_index("person").loc[ref.index]
    assert (mine["core"].to_numpy() == ref["core"].to_numpy()).all(), network
    w = REF_WHOLE[network]
    assert fit["core_size"] == w["core_size"], network
    return {"coreness": float(np.abs(mine["coreness"] - ref["coreness"]).max()),
            "correlation": abs(fit["correlation"] - w["correlation"]),
            "core_fit": abs(fit["core_fit"] - w["core_fit"])}


def test_krackhardt_coreness_matches_r():
    adv = pd.read_csv(KRACKHARDT / "advice.csv")
    ties = adv[adv["advice_tie"] == 1].rename(columns={"ego": "source", "alter": "target"})
    people, fit = coreness(ties, range(1, 22))
    diffs = _compare(people, fit, "krackhardt", lambda i: i)
    assert max(diffs.values()) < 1e-6, diffs
    assert (fit["people"], fit["ties"]) == (21, 145)


def test_demo_coreness_matches_r(demo_workspace):
    from evaluate.roster import split_by_group
    from tests.reference.demo_network import person_numbers

    ws, _ = demo_workspace
    number = person_numbers(ws)
    roster = ws.roster()
    programme, _ = split_by_group(roster, roster)
    ties = clean_ties(ws.ties(), programme.drop(columns=["comparison"], errors="ignore")).ties
    worst: dict = {}
    for cohort in ("c1", "c2"):
        members = programme.loc[programme["cohort"] == cohort, "participant"].astype(str)
        for wave in ("baseline", "end"):
            t = ties[(ties["cohort"] == cohort) & (ties["wave"] == wave)]
            for relation in ("worked_with", "any"):
                rel = t if relation == "any" else t[t["relation"] == relation]
                people, fit = coreness(rel, sorted(members))
                diffs = _compare(people, fit, f"demo|{cohort}|{wave}|{relation}", number.get)
                worst = {k: max(v, worst.get(k, 0.0)) for k, v in diffs.items()}
    assert max(worst.values()) < 1e-6, worst


def _ties(pairs, wave="w1", relation="worked_with"):
    return pd.DataFrame({"cohort": "c1", "wave": wave, "relation": relation,
                         "source": [a for a, _ in pairs], "target": [b for _, b in pairs]})


def _clique_and_tail(core, tail):
    pairs = [(a, b) for i, a in enumerate(core) for b in core[i + 1:]]
    return pairs + [(t, core[i % len(core)]) for i, t in enumerate(tail)]


def test_a_clique_with_pendants_is_the_core():
    core, tail = list("abcde"), list("fghijk")
    people, fit = coreness(_ties(_clique_and_tail(core, tail)), core + tail)
    got = people.set_index("participant")
    assert set(got.index[got["core"]]) == set(core)
    assert got.loc[core, "coreness"].min() > got.loc[tail, "coreness"].max()
    assert fit["core_size"] == 5 and fit["correlation"] > 0.5
    # directions are ignored: naming one way or the other is one tie
    flipped = _ties([(b, a) for a, b in _clique_and_tail(core, tail)])
    again, _ = coreness(flipped, core + tail)
    assert np.allclose(again["coreness"], people["coreness"])


def test_no_ties_gives_no_core():
    people, fit = coreness(_ties([]), list("abcde"))
    assert people["coreness"].isna().all() and not people["core"].any()
    assert fit["core_size"] == 0 and np.isnan(fit["correlation"])


def test_core_periphery_and_who_moved_into_the_core():
    people = list("abcdefghijkl")
    roster = pd.DataFrame({"participant": people,
                           "organisation": ["X"] * 6 + ["Y"] * 6})
    before = _ties(_clique_and_tail(list("abcde"), list("fghijkl")), wave="w1")
    # by the end the core has taken in g and h, from the other organisation
    after = _ties(_clique_and_tail(list("abcdegh"), list("fijkl")), wave="w2")
    ties = pd.concat([before, after], ignore_index=True)
    persons, whole = core_periphery(ties, roster, attributes=["organisation"],
                                    relations=["worked_with"])
    w = whole.set_index("wave")
    assert (w.loc["w1", "core_size"], w.loc["w2", "core_size"]) == (5, 7)
    assert w.loc["w1", "core_share_cross"] == 0            # a–e all in X
    # core ties at w2: 21 pairs among a–e, g, h; crossing X–Y: 5 × 2 = 10
    assert (w.loc["w2", "core_ties"], w.loc["w2", "core_cross_ties"]) == (21, 10)
    assert w.loc["w2", "core_share_cross"] == pytest.approx(10 / 21)
    change, groups = core_change(persons, roster, attributes=["organisation"], min_group_size=1)
    moved = change.set_index("participant")["moved"]
    assert set(moved[moved == "periphery to core"].index) == {"g", "h"}
    assert moved["a"] == "stayed in the core" and moved["k"] == "stayed in the periphery"
    y = groups[groups["group"] == "Y"].iloc[0]
    assert (y["members"], y["core_from"], y["core_to"], y["moved_in"]) == (6, 0, 2, 2)
    everyone = groups[groups["group"].isna()].iloc[0]
    assert (everyone["members"], everyone["moved_in"], everyone["moved_out"]) == (12, 2, 0)
    _, hidden = core_change(persons, roster, attributes=["organisation"], min_group_size=7)
    assert hidden.loc[hidden["group"].notna(), "suppressed"].all()
    assert hidden.loc[hidden["group"].notna(), "moved_in"].isna().all()
