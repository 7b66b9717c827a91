"""The roster's optional comparison-group column: read, checked, stored without names."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.errors import RosterError
from evaluate.roster import comparison_groups, read_roster, split_by_group

SALT = "test-salt"


def _write(tmp_path, rows, heading="Comparison"):
    path = tmp_path / "roster.csv"
    lines = [f"name,email,cohort,organisation,{heading}"]
    lines += [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_comparison_kinds_are_read_and_kept_in_the_public_roster(tmp_path):
    path = _write(tmp_path, [
        ("Ann Lee", "ann@example.org", "c1", "Org A", ""),
        ("Bo Chan", "bo@example.org", "c1", "Org A", "Wait list"),
        ("Cy Dee", "cy@example.org", "c1", "Org B", "no"),
        ("Di Eve", "di@example.org", "c1", "Org B", "colleagues"),
        ("Ed Fox", "ed@example.org", "c1", "Org B", "YES"),
    ])
    roster = read_roster(path, SALT)
    public = roster.public()
    assert list(public.columns) == ["participant", "cohort", "organisation", "sector", "place",
                                    "role", "comparison"]
    assert public["comparison"].tolist() == [pd.NA, "wait-list", pd.NA,
                                             "colleagues not on the programme", "comparison"]
    assert not public.astype(str).apply(lambda c: c.str.contains("@|Lee|Chan")).any().any()
    groups = comparison_groups(public)
    assert len(groups) == 3
    programme, comparison = split_by_group(public, public)
    assert len(programme) == 2 and len(comparison) == 3


def test_a_roster_without_the_column_has_no_comparison_group(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,cohort\nAnn Lee,c1\nBo Chan,c1\n", encoding="utf-8")
    public = read_roster(path, SALT).public()
    assert "comparison" not in public.columns
    assert comparison_groups(public).empty
    programme, comparison = split_by_group(public, public)
    assert len(programme) == 2 and comparison.empty


def test_an_unknown_comparison_value_is_refused_with_row_column_value_and_fix(tmp_path):
    path = _write(tmp_path, [("Ann Lee", "ann@example.org", "c1", "Org A", ""),
                             ("Bo Chan", "bo@example.org", "c1", "Org A", "maybe")],
                  heading="Comparison group")
    with pytest.raises(RosterError, match=r'roster.csv, row 3, column "Comparison group": '
                                          r"'maybe' is not a kind of comparison group — leave it "
                                          r"blank for people on the programme, or write one of: "
                                          r"wait-list \(wait-list, waitlist, wait list\)"):
        read_roster(path, SALT)


def test_everyone_in_the_comparison_group_is_refused(tmp_path):
    path = _write(tmp_path, [("Ann Lee", "ann@example.org", "c1", "Org A", "wait-list"),
                             ("Bo Chan", "bo@example.org", "c1", "Org A", "wait-list")])
    with pytest.raises(RosterError, match="everyone is marked as a comparison group"):
        read_roster(path, SALT)
