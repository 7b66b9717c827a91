# Frozen copy of evaluate/stats/answers.py as of 5e29ee5, before the table was built once:
# the reference tests/test_item_distribution_identity.py compares the new code with. Do not edit.
# ruff: noqa
"""How the answers to each rating item were spread, per wave: the table behind the Likert charts.

The pre/post tables give means and effect sizes; the diverging bars in the
dashboard need the share of people giving each answer. :func:`item_distribution`
counts them from the accepted responses (an analysis step: the report itself
only reads its result, ``results["item_distribution"]``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["ITEM_DISTRIBUTION_COLUMNS", "item_distribution"]

#: Columns of :func:`item_distribution`.
ITEM_DISTRIBUTION_COLUMNS = [
    "instrument", "wave", "item", "item_text", "scale", "aim", "reverse", "then_of", "code",
    "label", "n", "n_answered", "share", "suppressed",
]


def item_distribution(responses: pd.DataFrame, instruments, *, min_group_size: int = 5,
                      ) -> pd.DataFrame:
    """Counts and shares of each answer to each rating (likert) item, per instrument and wave.

    Parameters
    ----------
    responses : DataFrame
        ``Workspace.responses()``: ``instrument, instrument_version, wave`` and
        one float code column per item.
    instruments : mapping of str to Instrument, or iterable of Instrument
        ``Workspace.instruments()``.
    min_group_size : int
        An item answered by fewer people at a wave is suppressed (counts and
        shares blank, ``suppressed`` True).

    Returns
    -------
    DataFrame
        Columns :data:`ITEM_DISTRIBUTION_COLUMNS`: ``instrument`` (ref),
        ``wave``, ``item``, ``item_text``, ``scale`` (the first scale that
        uses the item, else empty), ``aim`` (that scale's aim), ``reverse``
        (item worded so that agreeing is worse), ``then_of`` (the item a
        retrospective then-item looks back on, else empty), ``code``,
        ``label``, ``n`` (people giving that answer), ``n_answered`` (people
        answering the item at all), ``share`` (n / n_answered), ``suppressed``.
        Every option of the response set has a row, even with n = 0. Answers
        are as asked (reverse-worded items are not recoded).
    """
    if isinstance(instruments, Mapping):
        insts = dict(instruments)
    else:
        insts = {i.ref: i for i in instruments}
    frames = []
    if not len(responses) or "instrument" not in responses.columns:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    refs = responses["instrument"].astype(str)
    if "instrument_version" in responses.columns:
        version = pd.to_numeric(responses["instrument_version"], errors="coerce")
        refs = refs.where(refs.str.contains("@"), refs + "@" + version.fillna(1).astype(int).astype(str))
    for ref in sorted(refs.unique()):
        inst = insts.get(ref)
        if inst is None:
            continue
        rows = responses[refs == ref]
        scale_of, aim_of = {}, {}
        for s in inst.scales:
            for it in s.items:
                scale_of.setdefault(it, s.id)
                aim_of.setdefault(it, s.aim or "")
        for item in inst.items:
            if item.type != "likert" or item.id not in rows.columns:
                continue
            rset = inst.response_set_of(item)
            if rset is None or not rset.codes:
                continue
            codes = np.asarray(rset.codes, dtype=float)
            base = scale_of.get(item.then_of or item.id, "")
            for wave, block in rows.groupby("wave", sort=True):
                values = pd.to_numeric(block[item.id], errors="coerce").to_numpy(dtype=float)
                values = values[~np.isnan(values)]
                n_answered = len(values)
                counts = (values[:, None] == codes[None, :]).sum(axis=0)
                small = 0 < n_answered < min_group_size
                frames.append(pd.DataFrame({
                    "instrument": ref, "wave": wave, "item": item.id, "item_text": item.text,
                    "scale": base, "aim": aim_of.get(item.then_of or item.id, ""),
                    "reverse": bool(item.reverse), "then_of": item.then_of or "",
                    "code": codes, "label": list(rset.labels),
                    "n": np.where(small, np.nan, counts.astype(float)),
                    "n_answered": np.nan if small else float(n_answered),
                    "share": np.where(small or n_answered == 0, np.nan,
                                      counts / max(n_answered, 1)),
                    "suppressed": small,
                }))
    if not frames:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ITEM_DISTRIBUTION_COLUMNS]
