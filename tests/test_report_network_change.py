"""The dashboard's network section: how sure the change is, who links organisations,
who moved into the core; plain words, small groups hidden, the evidence label."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pandas as pd
import pytest

from evaluate.claims.network_displays import signed_points
from evaluate.report.sections.network_change import ROLE_WORDS


@pytest.fixture(scope="module")
def dashboard(demo_outputs) -> str:
    return html_lib.unescape(Path(demo_outputs["dashboard"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables(demo_outputs) -> Path:
    return Path(demo_outputs["dashboard"]).parent / "tables"


def _section(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


def test_points_and_ranges_read_as_percentage_points():
    assert signed_points(0.354) == "+35"
    assert signed_points(-0.031) == "−3"
    assert signed_points(0.004) == "0"
    assert signed_points(0.2, sign=False) == "20"


def test_certainty_paragraph_matches_the_evidence_table(dashboard, tables):
    ev = pd.read_csv(tables / "network_evidence.csv")
    row = ev[(ev["cohort"] == "all") & (ev["relation"] == "any")
             & (ev["attribute"] == "organisation")
             & (ev["measure"] == "share_external_change")].iloc[0]
    block = _section(dashboard, "How sure we can be of the change", "How the network grew")
    # the paragraph is the network claim of the ledger, as on the evidence card
    claims = pd.read_csv(tables / "claims.csv", keep_default_na=False)
    claim = claims[claims["role"] == "network"].iloc[0]
    assert html_lib.escape(claim["text"], quote=False) in block
    assert f"Among the {int(row['people'])} people who answered it both times" in claim["text"]
    low, high = round(row["ci95_low"] * 100), round(row["ci95_high"] * 100)
    assert f"(likely between {low} and {high})" in claim["text"]
    assert (f"between {round(row['bound_low'] * 100)} and {round(row['bound_high'] * 100)} points, "
            "assuming that those who did not answer would have named the people who named them"
            ) in claim["text"]
    # the demo builds in a large rise: moderate evidence, so the rule allows "real"
    assert "we can be fairly sure it is real" in claim["text"]


def test_roles_and_core_blocks_have_plain_titles_and_numbers(dashboard, tables):
    for fid in ("fig-aim2-roles", "fig-aim2-core"):
        assert f'id="{fid}"' in dashboard
    roles = _section(dashboard, "Who links people across organisations", "Who moved into the core")
    groups = pd.read_csv(tables / "network_brokerage_groups.csv")
    g = groups[(groups["relation"] == "any") & (groups["attribute"] == "organisation")
               & (groups["role"] == "liaison") & groups["group"].isna()]
    before, after = int(g["brokers_from"].sum()), int(g["brokers_to"].sum())
    people = int(g["members"].sum())
    assert (f"link people of two other organisations: {after} of the {people} who answered "
            f"both times at the end, against {before} at the baseline") in roles
    for words in ROLE_WORDS.values():
        assert words in roles
    core = _section(dashboard, "Who moved into the core of the network", "</section>")
    moved = pd.read_csv(tables / "network_core_groups.csv")
    m = moved[(moved["relation"] == "any") & moved["group"].isna()
              & (moved["attribute"] == "organisation")]
    assert re.search(rf"\b{int(m['moved_in'].sum())} people moved from the edge of the network "
                     "into its core", core)


def test_small_groups_are_hidden_in_the_group_tables(dashboard, tables):
    roles = _section(dashboard, "Who links people across organisations", "Who moved into the core")
    assert "suppressed (fewer than 5 people)" in roles
    groups = pd.read_csv(tables / "network_brokerage_groups.csv")
    small = groups[groups["suppressed"] & (groups["attribute"] == "organisation")]
    assert len(small) and small[["members", "brokers_from", "brokers_to"]].isna().all().all()
    core = _section(dashboard, "Who moved into the core of the network", "</section>")
    assert "suppressed (fewer than 5 people)" in core


def test_network_card_carries_the_survey_rules_label(dashboard, tables):
    card = _section(dashboard, 'id="card-aim2"', "</article>")
    ev = pd.read_csv(tables / "network_evidence.csv")
    row = ev[(ev["cohort"] == "all") & (ev["relation"] == "any")
             & (ev["attribute"] == "organisation")
             & (ev["measure"] == "share_external_change")].iloc[0]
    label = {"moderate": "Moderate evidence", "limited": "Limited evidence",
             "weak": "Weak evidence", "strong": "Strong evidence"}[row["evidence_strength"]]
    network = card[card.index('class="statement network"'):]
    assert f'badge-{row["evidence_strength"]}">{label}' in network
    assert "Why this label for the network" in network
    assert "no comparison group (before and after only), so at most moderate" in network


def test_boundary_chart_prints_each_change_with_its_range_and_n(dashboard, tables):
    iv = pd.read_csv(tables / "network_change_intervals.csv")
    iv = iv[(iv["cohort"] == "all") & (iv["relation"] == "any")
            & (iv["measure"] == "share_external_change")]
    block = _section(dashboard, 'id="fig-aim2-boundary"', "How sure we can be of the change")
    people = int(iv["people"].iloc[0])
    assert f"Among the {people} people who answered the network survey both times" in block

    def signed(x: float) -> str:
        v = round(x * 100)
        return f"{'+' if v > 0 else '−' if v < 0 else ''}{abs(v)}"

    for r in iv.itertuples(index=False):
        assert (f"{r.attribute} {signed(r.estimate)} points (95% range {signed(r.ci95_low)} to "
                f"{signed(r.ci95_high)})") in block
    # n beside the roles and core charts too
    roles = _section(dashboard, 'id="fig-aim2-roles"', "Who moved into the core")
    assert re.search(r"The \d+ people who answered the network survey both times", roles)
    core = _section(dashboard, 'id="fig-aim2-core"', "</section>")
    assert re.search(r"Everyone on the programme \(\d+ in Cohort 1 and \d+ in Cohort 2\)", core)
