"""shared_checks: one network's analyses check the same ties, roster and respondents once."""

from __future__ import annotations

import threading

import pandas as pd

from evaluate.network import ties as tie_module
from evaluate.network.ties import _setup, shared_checks


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
        assert other_waves.ties is not other.ties and other_waves.waves == ["end"]
    assert tie_module._SHARED.slot is None
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
