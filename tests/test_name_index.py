"""Suggestions for names not on the roster: as good as difflib's, at bounded cost,
and computed only for the problems that are shown."""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd
from click.testing import CliRunner

from evaluate import name_index
from evaluate.cli import cli
from evaluate.ingest.pipeline import ingest_file
from evaluate.instruments import load_instruments
from evaluate.name_index import CANDIDATES, NameIndex
from evaluate.normalise import normalise_name
from evaluate.roster import read_roster

FIRST = ["Jo", "Ann", "Zoë", "Mohammed", "Sarah", "David", "Priya", "Liam", "Olivia", "Noah",
         "Amelia", "Oliver", "Isla", "George", "Ava", "Harry", "Mia", "Jack", "Grace", "Leo",
         "Aisha", "Yusuf", "Fatima", "Chen", "Wei", "Ngozi", "Kwame", "Siobhán", "Niamh",
         "Ciarán", "Tomasz", "Agnieszka", "Rhys", "Carys", "Deepak", "Anjali", "Emeka", "Ruth"]
LAST = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
        "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
        "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
        "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
        "Baker", "Harrison", "Morgan", "Allen", "Khan", "Ahmed", "Ali", "Begum", "Nowak",
        "Kowalski", "O'Brien", "Murphy", "Kelly", "Okafor", "Mensah", "Singh", "Kaur", "Sharma",
        "Nguyen", "Chowdhury", "Fitzgerald", "Macdonald", "Ó Briain", "Adeyemi"]


def roster_names(n: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    names: dict[str, str] = {}  # one person per name key ("Ward-Begum" is "Begum Ward")
    while len(names) < n:
        first = FIRST[rng.integers(len(FIRST))]
        last = LAST[rng.integers(len(LAST))]
        if len(names) >= len(FIRST) * len(LAST) // 2:  # beyond the common pairs: double-barrelled
            last += "-" + LAST[rng.integers(len(LAST))]
        names.setdefault(normalise_name(f"{first} {last}"), f"{first} {last}")
    return list(names.values())


def misspell(name: str, rng) -> str:
    """One typing slip: a letter dropped, doubled, swapped with the next, or mistyped."""
    i = int(rng.integers(1, len(name) - 1))
    kind = int(rng.integers(4))
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + "aeioursnt"[int(rng.integers(9))] + name[i + 1:]


def index_of(names: list[str]) -> NameIndex:
    return NameIndex([normalise_name(n) for n in names], names)


def test_suggestions_on_misspellings_are_at_least_as_good_as_difflib():
    names = roster_names(2000)
    index = index_of(names)
    keys = [normalise_name(n) for n in names]
    shown = dict(zip(keys, names, strict=True))
    rng = np.random.default_rng(7)
    meant = [names[i] for i in rng.choice(len(names), 300, replace=False)]
    slips = [misspell(m, rng) for m in meant]
    ours = first = theirs = 0
    for m, slip in zip(meant, slips, strict=True):
        got = index.nearest(slip)
        ours += m in got
        first += bool(got) and got[0] == m
        close = difflib.get_close_matches(normalise_name(slip), keys, n=3, cutoff=0.6)
        theirs += m in [shown[k] for k in close]
    # measured: ours 300/300 among the three shown (300 first), difflib 278 (270 first)
    assert ours > theirs and ours >= 297
    assert first >= 295


def test_work_per_name_does_not_grow_with_the_roster():
    small, large = index_of(roster_names(300)), index_of(roster_names(20_000))
    rng = np.random.default_rng(3)
    for index in (small, large):
        for name in rng.choice(index.display, 50, replace=False):
            slip = misspell(str(name), rng)
            assert str(name) in index.nearest(slip) or index.nearest(slip)  # something near
        assert index.queries == 50
        assert index.comparisons <= 50 * CANDIDATES
    # the large roster shares trigrams with thousands of names; still bounded
    assert large.comparisons == 50 * CANDIDATES
    assert len(large.candidates(normalise_name("Jo Smith"))) == CANDIDATES


def test_a_name_sharing_only_a_word_gets_the_roster_names_with_that_word():
    index = index_of(["Jo Smith", "Ann Lee", "Jo Smith", "Ann Okonkwo-Fairweather"])
    assert len(index) == 3  # a repeated name is suggested once
    assert index.nearest("Ann Zzyzx-Quillonbury") == ["Ann Lee", "Ann Okonkwo-Fairweather"]
    assert index.nearest("Qqq") == [] and index.nearest("") == []


NETWORK = load_instruments()["network@1"]
KNEW = "Who in the cohort did you know before the programme?"


def network_with_strangers(tmp_path, strangers: int):
    names = roster_names(500)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,cohort\n" + "".join(
        f"{n},p{i}@example.org,c1\n" for i, n in enumerate(names)), encoding="utf-8")
    rng, keys, slips = np.random.default_rng(5), {normalise_name(n) for n in names}, {}
    for name in names:  # a different slip of the pen in each answer
        slip = misspell(name.replace("'", ""), rng)
        if normalise_name(slip) not in keys and len(slips) < strangers:
            slips[normalise_name(slip)] = slip
    rows = [["2026-03-05 09:10:00", f"p{i}@example.org", slip]
            for i, slip in enumerate(slips.values())]
    path = tmp_path / "net.csv"
    pd.DataFrame(rows, columns=["Timestamp", "Email Address", KNEW]).to_csv(path, index=False)
    return roster, path


def test_suggestions_are_computed_only_for_the_problems_shown(tmp_path, monkeypatch):
    roster_file, export = network_with_strangers(tmp_path, 120)
    roster = read_roster(roster_file, "s")
    result = ingest_file(export, NETWORK, cohort="c1", wave="baseline", roster=roster, salt="s")
    unknown = result.problems[result.problems["rule"] == "unknown_name"]
    assert len(unknown) == 120 and not unknown["fix"].str.contains("did you mean").any()
    assert roster._name_index is None  # nothing computed yet
    shown = result.with_suggestions(unknown.head(5))
    assert roster.name_index().queries == 5
    assert shown["fix"].str.contains("did you mean").all()

    calls = []
    real = name_index.NameIndex.nearest
    monkeypatch.setattr(name_index.NameIndex, "nearest",
                        lambda self, name, **kw: calls.append(name) or real(self, name, **kw))
    out = CliRunner().invoke(cli, ["validate", str(export), "-i", "network@1", "-c", "c1",
                                   "--wave", "baseline", "--roster", str(roster_file),
                                   "--show-names", "--report", str(tmp_path / "p.csv")])
    shown = out.output.count("is not on the roster")
    assert out.output.count("did you mean") == shown == len(calls)
    assert 40 < len(calls) <= 50  # the names among the 50 problems shown, not all 120
    assert "did you mean" not in (tmp_path / "p.csv").read_text(encoding="utf-8")
