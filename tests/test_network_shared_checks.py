"""shared_checks: one network's analyses check the same ties, roster and respondents once,
and share what they make of them (relations, tie blocks, groups)."""

from __future__ import annotations

import threading

import pandas as pd

from evaluate.network import ties as tie_module
from evaluate.network.blocks import tie_blocks
from evaluate.network.ties import (
    _as_roster,
    _groups_of,
    _relation_ties,
    _setup,
    shared_checks,
)


def _frames(extra: bool = False):
    ties = pd.DataFrame({"wave": ["baseline", "end"] + (["end"] if extra else []),
                         "source": ["a", "a"] + (["c"] if extra else []),
                         "target": ["b", "c"] + (["a"] if extra else []),
                         "relation": ["advice", "advice"] + (["advice"] if extra else [])})
    roster = pd.DataFrame({"participant": ["a", "b", "c"], "cohort": ["c1"] * 3,
                           "organisation": ["X", "Y", "X"]})
    respondents = pd.DataFrame({"wave": ["baseline", "end"], "participant": ["b", "b"]})
    return ties, roster, respondents


def test_the_same_frames_are_checked_once_inside_and_each_call_checks_outside():
    ties, roster, respondents = _frames()
    with shared_checks():
        first = _setup(ties, roster, respondents, attributes=("organisation",))
        again = _setup(ties, roster, respondents, attributes=("sector",))
        assert again.ties is first.ties and again.roster is first.roster
        assert again.responded is first.responded
        assert (first.attributes, again.attributes) == (["organisation"], [])
        other_ties = _frames(extra=True)[0]  # another frame: checked on its own
        other = _setup(other_ties, roster, respondents)
        assert len(other.ties) == 3 and other.responded["end"] == {"a", "b", "c"}
        other_waves = _setup(other_ties, roster, respondents, waves=["end"])
        assert other_waves.ties is other.ties  # the same frame's check, whatever the waves
        assert other_waves.waves == ["end"] and other.waves == ["baseline", "end"]
    assert tie_module._SHARED.memo is None
    apart = _setup(ties, roster, respondents)
    assert apart.ties is not _setup(ties, roster, respondents).ties
    pd.testing.assert_frame_equal(apart.ties, first.ties)
    assert apart.responded == first.responded == {"baseline": {"a", "b"}, "end": {"a", "b"}}


def test_another_thread_checks_its_own():
    ties, roster, respondents = _frames()
    with shared_checks():
        first = _setup(ties, roster, respondents)
        seen = []
        worker = threading.Thread(target=lambda: seen.append(_setup(ties, roster, respondents)))
        worker.start()
        worker.join()
        assert seen[0].ties is not first.ties
        assert _setup(ties, roster, respondents).ties is first.ties


def test_what_is_made_of_the_frames_is_shared_inside_and_kept_only_for_the_block():
    ties, roster, respondents = _frames(extra=True)
    nodes = pd.Index(["a", "b", "c"])
    with shared_checks():
        checked = _setup(ties, roster, respondents).ties
        advice = _relation_ties(checked, "advice")
        assert _relation_ties(checked, "advice") is advice
        assert _relation_ties(checked, "any") is not advice
        blocks = tie_blocks(checked, nodes, ["baseline", "end"], ["advice"])
        assert tie_blocks(checked, nodes, ["baseline", "end"], ["advice"]) is blocks
        assert tie_blocks(checked, nodes, ["end"], ["advice"]) is not blocks
        groups = _groups_of(roster, "organisation")
        assert _groups_of(roster, "organisation") is groups
        assert _as_roster(roster) is _as_roster(roster)
        with shared_checks():  # a block of its own: nothing of the outer one
            assert _relation_ties(checked, "advice") is not advice
        assert _relation_ties(checked, "advice") is advice
    assert _relation_ties(checked, "advice") is not advice
    assert _as_roster(roster) is not _as_roster(roster)
    pd.testing.assert_frame_equal(_relation_ties(checked, "advice"), advice)
    assert tie_module._SHARED.memo is None
