"""The logic model: parsed from programme.yaml, checked against the instruments, and laid
out as an evidence matrix (aims × Kirkpatrick levels) from the demo's results."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from evaluate.cli import cli
from evaluate.errors import InstrumentError
from evaluate.instruments import Aim, Programme, load_instruments, load_programme
from evaluate.logic import LEVELS, check_design, evidence_matrix, parse_logic_model

AIMS = (Aim("aim1", "Lead"), Aim("aim2", "Connect"))


def _model(**indicator):
    spec = {"id": "ind", "title": "An indicator", "level": 2, "measures": ["scale:peer_network"]}
    spec.update(indicator)
    return [{"aim": "aim1", "outcomes": [{"id": "out", "title": "An outcome",
                                          "indicators": [spec]}]}]


@pytest.mark.parametrize("indicator, message", [
    ({"level": 5}, r"programme.yaml, logic_model, aim aim1, outcome out, indicator ind: level 5 "
                   r"is not a Kirkpatrick level — use 1 \(reaction\), 2 \(learning\)"),
    ({"measures": ["peer_network"]}, r'measure "peer_network" is not written kind:id — write '
                                     r"scale:<id>, item:<id>"),
    ({"measures": ["network:friends"]}, r'"friends" is not a network measure — use one of: ties'),
])
def test_mistakes_in_the_logic_model_are_refused_with_where_and_fix(indicator, message):
    with pytest.raises(InstrumentError, match=message):
        parse_logic_model(_model(**indicator), "programme.yaml", AIMS)


def test_an_aim_the_programme_does_not_list_is_refused():
    spec = _model()
    spec[0]["aim"] = "aim9"
    with pytest.raises(InstrumentError, match=r'"aim9" is not one of the programme\'s aims — '
                                              r"use one of: aim1, aim2"):
        parse_logic_model(spec, "programme.yaml", AIMS)


def test_check_design_on_the_shipped_programme_lists_what_is_unmeasured():
    findings = check_design(load_programme(), load_instruments())
    got = sorted(zip(findings["aim"], findings["outcome"], findings["indicator"],
                     findings["measure"], strict=True))
    assert got == [("aim1", "system_roles", "", ""),
                   ("aim3", "difference_for_residents", "service_measure",
                    "item:service_outcome_change")]
    assert findings["problem"].iloc[0] == ("outcome “Alumni step into system leadership roles” "
                                           "has no indicator")


def test_check_design_flags_every_kind_of_gap():
    model = parse_logic_model([
        {"aim": "aim1", "outcomes": [
            {"id": "o1", "title": "Learns", "indicators": [
                {"id": "i1", "title": "Scale", "level": 2, "measures": ["scale:peer_network"]},
                {"id": "i2", "title": "Behaviour nobody asks", "level": 3,
                 "measures": ["item:not_a_question"]},
                {"id": "i3", "title": "Nothing named", "level": 3}]},
            {"id": "o2", "title": "No indicator"}]},
    ], "programme.yaml", AIMS)
    programme = Programme(name="P", aims=AIMS, principles=(), logic_model=model)
    findings = check_design(programme, load_instruments())
    problems = list(findings["problem"])
    assert "no instrument asks item:not_a_question" in problems
    assert "indicator “Nothing named” names no measure" in problems
    assert "outcome “No indicator” has no indicator" in problems
    # aim1's only measured indicator is at level 2; aim2 has no outcomes at all
    assert sum(p.startswith("no evidence above level 2") for p in problems) == 1
    assert "this aim has no outcomes in the logic model" in problems


def test_check_design_command(tmp_path):
    result = CliRunner().invoke(cli, ["check-design"])
    assert result.exit_code == 0, result.output
    assert "2 things to fix before the cohort starts" in result.output
    assert "aim3 › difference_for_residents › service_measure: no instrument asks" in result.output
    assert CliRunner().invoke(cli, ["check-design", "--strict"]).exit_code == 1


@pytest.fixture(scope="module")
def demo_results(demo_workspace):
    from evaluate.analysis import analyse

    ws, _ = demo_workspace
    return analyse(ws)


def test_evidence_matrix_on_the_demo(demo_results):
    m = demo_results["evidence_matrix"]
    assert set(zip(m["aim"], m["level"], strict=True)) == {(a, lv) for a in ("aim1", "aim2", "aim3")
                                              for lv in LEVELS}
    cell = lambda aim, level: m[(m["aim"] == aim) & (m["level"] == level)]  # noqa: E731
    assert (cell("aim1", 4)["status"] == "not measured").all()
    assert cell("aim1", 4)["statement"].iloc[0].endswith("level 4 (results): not measured.")
    sl = cell("aim1", 2).set_index("measure").loc["scale:system_leadership"]
    st = demo_results["statements"]
    row = st[(st["scale"] == "system_leadership") & (st["wave_post"] == "end")].iloc[0]
    assert sl["status"] == "measured" and sl["strength"] == row["evidence_strength"]
    assert sl["result"] == (f"rose {row['mean_post'] - row['mean_pre']:.2f} points, baseline → "
                            f"end; {row['did']:.2f} more than the wait-list group")
    net = cell("aim2", 3).set_index("measure")
    assert net.loc["network:cross_organisation", "result"] == (
        "19% of working ties at baseline, 77% at end")  # effects.yaml: 0.1857 → 0.7651
    gap = cell("aim3", 4).set_index("measure").loc["item:service_outcome_change"]
    assert gap["status"] == "not asked"
    assert "wait-list" in " ".join(m["statement"])


def test_evidence_matrix_without_a_logic_model_says_not_measured():
    programme = Programme(name="P", aims=AIMS, principles=())
    m = evidence_matrix(programme, {})
    assert len(m) == 8 and (m["status"] == "not measured").all()


def test_network_counts_add_over_cohorts_but_densities_are_averaged():
    import pandas as pd

    from evaluate.logic import measure_result, result_text

    rows = [dict(cohort=c, wave_from="baseline", wave_to="end", relation="worked_with",
                 basis="respondents", metric=m, value_from=v0, value_to=v1, change=v1 - v0)
            for c, m, v0, v1 in (("c1", "ties", 70.0, 160.0), ("c2", "ties", 60.0, 180.0),
                                 ("c1", "density", 0.04, 0.16), ("c2", "density", 0.06, 0.20))]
    mc = pd.DataFrame(rows)
    parts = measure_result("network:ties", {"network_metric_change": mc}).parts
    assert result_text(parts) == ("130 working ties among the people who answered both times "
                                  "at baseline, 340 at end")
    parts = measure_result("network:density", {"network_metric_change": mc}).parts
    assert result_text(parts).startswith("0.05 (the cohorts' average) among the people who "
                                         "answered both times at baseline, 0.18 at end")


@pytest.mark.parametrize("p_adj, n, strength", [
    (0.001, 40, "limited"),  # a clear change of one statement, no comparison: at most limited
    (0.30, 40, "weak"),      # no clear change: one step down, as the evidence rule does
    (0.001, 20, "weak"),     # under 30 people: one step down
])
def test_a_single_statements_strength_steps_down_for_imprecision(p_adj, n, strength):
    import pandas as pd

    from evaluate.logic import measure_result

    prepost = pd.DataFrame([{"kind": "item", "measure": "q1", "title": "A statement",
                             "wave_pre": "baseline", "wave_post": "end", "n_pairs": n,
                             "p_adj": p_adj, "mean_diff": 0.4}])
    got = measure_result("item:q1", {"prepost": prepost})
    assert got.strength == strength
    assert ("no clear change, " in got.parts) == (p_adj >= 0.05)
    assert got.downgrades == ("imprecision" if strength == "weak" else "")
    assert len(got.reasons) == (2 if strength == "weak" else 1)
