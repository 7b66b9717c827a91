"""The roster's optional comparison-group column: read, checked, stored without names."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from evaluate.errors import RosterError
from evaluate.roster import comparison_groups, read_roster, split_by_group

SALT = "test-salt"
PULSE = Path(__file__).parent / "fixtures" / "instruments"  # pulse@1: one agreement question


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


@pytest.fixture
def parses(monkeypatch):
    """The roster files parsed (not taken from memory) during a test."""
    from evaluate import roster as roster_module

    calls = []
    real = roster_module._parse_roster
    monkeypatch.setattr(roster_module, "_parse_roster", lambda *a: calls.append(a) or real(*a))
    return calls


def test_a_roster_is_parsed_once_per_state_of_its_file(tmp_path, parses):
    calls = parses
    path = tmp_path / "roster.csv"
    path.write_text("name,email,cohort\nAnn Lee,ann@example.org,c1\n", encoding="utf-8")
    first = read_roster(path, SALT)
    assert read_roster(path, SALT) is first and len(calls) == 1
    assert first.personal_data() is read_roster(path, SALT).personal_data()  # worked out once
    other_salt = read_roster(path, "another salt")
    assert len(calls) == 2 and other_salt.frame["participant"][0] != first.frame["participant"][0]
    # new content of the same size and modification time is still seen
    seen = path.stat()
    path.write_text("name,email,cohort\nBob Lee,bob@example.org,c1\n", encoding="utf-8")
    os.utime(path, ns=(seen.st_atime_ns, seen.st_mtime_ns))
    changed = read_roster(path, SALT)
    assert len(calls) == 3 and changed.frame["display"].tolist() == ["Bob Lee"]
    assert read_roster(path, SALT, cohort="c1") is not changed  # another reading, another entry
    # a roster that cannot be read is never remembered: the error comes every time
    path.write_text("name,email\nAnn Lee,ann@example.org\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RosterError, match="no 'Cohort' column"):
            read_roster(path, SALT)


def test_importing_many_exports_parses_the_roster_once(tmp_path, parses):
    from evaluate.ingest.pipeline import ingest_into
    from evaluate.workspace import Workspace

    path = tmp_path / "roster.csv"
    path.write_text("name,email,cohort\nAnn Lee,ann@example.org,c1\nBo Chan,bo@example.org,c1\n",
                    encoding="utf-8")
    ws = Workspace.init(tmp_path / "ws", roster=path, instruments_dir=PULSE)
    see = "I can see the wider system that my work is part of"
    for wave, answer in (("baseline", "Agree"), ("end", "Strongly agree")):
        export = tmp_path / f"{wave}.csv"
        export.write_text(f"Email,{see}\nann@example.org,{answer}\nbo@example.org,Agree\n",
                          encoding="utf-8")
        result, _ = ingest_into(ws, export, "pulse@1", cohort="c1", wave=wave, new_wave=True)
        assert result.responses["matched"].all()
    assert len(parses) == 1


def test_two_people_whose_short_ids_clash_are_refused_with_their_rows(tmp_path):
    """An older workspace's 10-digit ids: two roster emails meeting one id are refused
    (file and rows named), never merged into one participant."""
    from evaluate.privacy import IdClash, new_salt
    from tests.test_privacy import CLASHING, OLD_SALT

    path = tmp_path / "roster.csv"
    emails = ["someone@example.org"] + [k.removeprefix("email:") for k in CLASHING]
    pd.DataFrame({"Name": ["A One", "B Two", "C Three"], "Email": emails,
                  "Cohort": ["c1"] * 3}).to_csv(path, index=False)
    with pytest.raises(IdClash, match=r"^roster.csv, rows 3, 4: two different people"):
        read_roster(path, OLD_SALT)
    assert read_roster(path, new_salt()).frame["participant"].nunique() == 3
