"""Instrument loading: good files load; malformed files name the file, line and key."""

from __future__ import annotations

import textwrap

import pytest

from evaluate.errors import InstrumentError
from evaluate.instruments import diff, load_instrument, load_instruments, resolve

GOOD = """\
id: demo
version: 1
title: Demo survey
wave: baseline
response_sets:
  agree5:
    options: {1: Strongly disagree, 2: Disagree, 3: Neither, 4: Agree, 5: Strongly agree}
    aliases: {Agree strongly: 5}
    missing: [Prefer not to say]
items:
  - id: see_system
    text: I can see the wider system
    type: likert
    response_set: agree5
  - id: silo
    text: I mostly think about my own organisation
    type: likert
    response_set: agree5
    reverse: true
scales:
  - id: system
    title: System leadership
    items: [see_system, silo]
    min_items: 1
    aim: aim1
"""


def write(tmp_path, text, name="demo-v1.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_good_instrument_loads(tmp_path):
    inst = load_instrument(write(tmp_path, GOOD))
    assert inst.ref == "demo@1"
    assert inst.item("silo").reverse is True
    rs = inst.response_set_of(inst.item("see_system"))
    assert rs.lookup()["agree strongly"] == 5
    assert rs.lookup()["strongly agree"] == 5
    assert inst.scale("system").items == ("see_system", "silo")


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GOOD.replace("    type: likert\n    response_set: agree5\n  - id: silo",
                      "    type: likret\n    response_set: agree5\n  - id: silo"),
         r'demo-v1.yaml, line 13, key "type": item "see_system": type "likret" is not known — use one of'),
        (GOOD.replace("version: 1", "version: one"),
         r'demo-v1.yaml, line 2, key "version": the instrument: version is .one. — it should be a whole number'),
        (GOOD.replace("items: [see_system, silo]", "items: [see_system, sylo]"),
         r'line \d+, key "items": scale "system" uses item "sylo", which this instrument does not ask'),
        (GOOD.replace("response_set: agree5\n  - id: silo", "response_set: agree7\n  - id: silo"),
         r'key "response_set": item "see_system": response set "agree7" is not defined'),
        (GOOD.replace("  - id: silo", "  - id: see_system"),
         r'item id "see_system" appears twice'),
        (GOOD + "  - oops: [\n", r"demo-v1.yaml, line \d+: this is not valid YAML"),
        (GOOD.replace("    reverse: true\n", "    reverse: true\n    colour: red\n"),
         r'key "colour": item "silo": "colour" is not a known item key'),
    ],
)
def test_malformed_instrument_names_line_and_key(tmp_path, broken, expected):
    with pytest.raises(InstrumentError, match=expected):
        load_instrument(write(tmp_path, broken))


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(InstrumentError, match="is empty or a list"):
        load_instrument(write(tmp_path, ""))
    with pytest.raises(InstrumentError, match="no such instrument file"):
        load_instrument(tmp_path / "nope.yaml")


def test_resolve_versions_and_unknown():
    found = load_instruments()
    assert resolve("baseline", found).version == max(
        i.version for i in found.values() if i.id == "baseline")
    with pytest.raises(InstrumentError, match="no version 9 of instrument \"baseline\""):
        resolve("baseline@9", found)
    with pytest.raises(InstrumentError, match='There is no instrument "nosuch"'):
        resolve("nosuch", found)


def test_diff_reports_added_removed_and_changed(tmp_path):
    a = load_instrument(write(tmp_path, GOOD))
    changed = GOOD.replace("version: 1", "version: 2").replace(
        "I can see the wider system", "I can see the whole system").replace(
        "    reverse: true\n", "    reverse: true\n  - id: extra\n    text: New\n    type: text\n")
    b = load_instrument(write(tmp_path, changed, "demo-v2.yaml"))
    d = diff(a, b)
    assert set(zip(d["id"], d["change"], strict=True)) >= {("see_system", "changed"), ("extra", "added")}
    row = d[(d["id"] == "see_system") & (d["field"] == "text")].iloc[0]
    assert row["before"] == "I can see the wider system"
    assert row["after"] == "I can see the whole system"
    assert diff(a, a).empty
