"""The effects built into the sample programme are recovered by the analyses.

The generator (sample_data/generate.py, fixed seed) writes its true effects
and the observed figures it computed from the answers it wrote to
sample_data/effects.yaml; here the whole pipeline (readers → ingest →
workspace → statistics / network) must find them independently.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from .conftest import SAMPLE

EFFECTS = yaml.safe_load((SAMPLE / "effects.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results(demo_workspace):
    from evaluate.analysis import analyse

    ws, _ = demo_workspace
    return analyse(ws)


@pytest.mark.parametrize("wave", ["end", "follow_up"])
def test_built_in_scale_effects_recovered(results, wave):
    pp = results["prepost"]
    pp = pp[(pp["kind"] == "scale") & (pp["wave_pre"] == "baseline") & (pp["wave_post"] == wave)]
    for scale, spec in EFFECTS["scales"].items():
        row = pp[pp["measure"] == scale]
        assert len(row) == 1, scale
        row = row.iloc[0]
        observed = EFFECTS["observed"][wave][scale]
        # same pairs as the generator counted, and its observed mean change inside our 95% CI
        assert row["n_pairs"] == observed["n_pairs"], scale
        assert row["ci95_low"] <= observed["mean_diff"] <= row["ci95_high"], scale
        assert row["mean_diff"] == pytest.approx(observed["mean_diff"], abs=5e-4), scale
        if spec["zero_effect"]:
            assert row["p_adj"] > 0.05, f"{scale} has no built-in effect but came out significant"
        else:
            assert row["mean_diff"] > 0 and row["p_adj"] < 0.05, scale


def test_cross_organisation_ties_grow(results):
    b = results["network_boundary"]
    b = b[(b["relation"] == "worked_with") & (b["attribute"] == "organisation")]
    pooled = b.groupby("wave")[["external_ties", "ties"]].sum()
    share = pooled["external_ties"] / pooled["ties"]
    expected = EFFECTS["network"]
    assert share["baseline"] == pytest.approx(expected["baseline"]["cross_organisation_share"], abs=0.1)
    assert share["end"] == pytest.approx(expected["end"]["cross_organisation_share"], abs=0.1)
    assert share["end"] - share["baseline"] > 0.4


def test_tables_have_no_personal_data(results):
    roster = pd.read_csv(SAMPLE / "roster.csv")
    text = "\n".join(t.to_csv() for t in results.values())
    for needle in [*roster["name"], *roster["email"]]:
        assert needle not in text
