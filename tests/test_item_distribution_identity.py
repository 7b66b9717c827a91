"""The answer counts behind the Likert charts, built as one table, are the table built per item before.

``tests/helpers/stats_before_answers.py`` is a frozen copy of
:func:`evaluate.stats.answers.item_distribution` as it was when it built one
DataFrame per item and wave; the table must be the same (rows, order, columns,
dtypes, values) on random answers to the bundled instruments: several waves,
a wave so small it is suppressed, answers missing or outside the response set,
an instrument the workspace does not know, versions given apart from the ref.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.instruments import resolve
from evaluate.stats.answers import item_distribution
from tests.helpers import stats_before_answers as before


def _responses(seed: int) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    insts = {r: resolve(r) for r in ("baseline@1", "baseline@2", "post@1", "follow_up@1")}
    frames = []
    for ref, inst in insts.items():
        name, version = ref.split("@")
        likert = [i.id for i in inst.items if i.type == "likert"]
        for wave, n in (("baseline", 30), ("end", 25), ("follow_up", int(rng.integers(1, 5)))):
            frame = pd.DataFrame({i: rng.choice([1, 2, 3, 4, 5, 6, np.nan], size=n)
                                  for i in likert[: int(rng.integers(3, len(likert) + 1))]})
            frames.append(frame.assign(instrument=name if seed % 2 else ref,
                                       instrument_version=int(version), wave=wave))
    frames.append(pd.DataFrame({"instrument": ["unknown"] * 3, "instrument_version": 1,
                                "wave": "end", "x": [1.0, 2.0, 3.0]}))
    return pd.concat(frames, ignore_index=True), insts


@pytest.mark.parametrize("seed", range(2))
def test_item_distribution_is_unchanged(seed):
    responses, insts = _responses(seed)
    for min_group in (5,) if seed else (1, 5):
        pd.testing.assert_frame_equal(
            item_distribution(responses, insts, min_group_size=min_group),
            before.item_distribution(responses, insts, min_group_size=min_group))


def test_item_distribution_without_rating_answers_is_unchanged():
    responses, insts = _responses(0)
    for frame in (responses.iloc[:0], responses[["instrument", "wave"]]):
        pd.testing.assert_frame_equal(item_distribution(frame, insts),
                                      before.item_distribution(frame, insts))
