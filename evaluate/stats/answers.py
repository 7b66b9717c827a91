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
    if not len(responses) or "instrument" not in responses.columns:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    refs = responses["instrument"].astype(str)
    if "instrument_version" in responses.columns:
        version = pd.to_numeric(responses["instrument_version"], errors="coerce")
        refs = refs.where(refs.str.contains("@"), refs + "@" + version.fillna(1).astype(int).astype(str))
    columns: dict[str, list] = {c: [] for c in ITEM_DISTRIBUTION_COLUMNS}
    for ref in sorted(refs.unique()):
        inst = insts.get(ref)
        if inst is None:
            continue
        # only the columns counted: the instrument's rows of every column made a copy per
        # instrument of the whole frame (a national programme's 200,000 rows)
        needed = ["wave", *dict.fromkeys(it.id for it in inst.items
                                         if it.type == "likert" and it.id in responses.columns)]
        rows = responses.loc[(refs == ref).to_numpy(), needed]
        waves = list(rows.groupby("wave", sort=True).indices.items())  # wave → row positions
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
            answers = pd.to_numeric(rows[item.id], errors="coerce").to_numpy(dtype=float)
            fixed = {"instrument": ref, "item": item.id, "item_text": item.text,
                     "scale": scale_of.get(item.then_of or item.id, ""),
                     "aim": aim_of.get(item.then_of or item.id, ""),
                     "reverse": bool(item.reverse), "then_of": item.then_of or ""}
            for wave, at in waves:
                values = answers[at]
                values = values[~np.isnan(values)]
                n_answered = len(values)
                counts = np.array([np.count_nonzero(values == c) for c in codes], dtype=np.int64)
                small = 0 < n_answered < min_group_size
                k = len(codes)
                for c, v in (fixed | {"wave": wave, "suppressed": small}).items():
                    columns[c] += [v] * k
                columns["code"].append(codes)
                columns["label"] += list(rset.labels)
                columns["n"].append(np.where(small, np.nan, counts.astype(float)))
                columns["n_answered"].append(np.full(k, np.nan if small else float(n_answered)))
                columns["share"].append(np.where(small or n_answered == 0, np.nan,
                                                 counts / max(n_answered, 1)))
    if not columns["item"]:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    for c in ("code", "n", "n_answered", "share"):
        columns[c] = np.concatenate(columns[c])
    return pd.DataFrame(columns)[ITEM_DISTRIBUTION_COLUMNS]
