"""Scale scores from item codes, as each instrument says to score them.

A scale score is the mean of the items a participant answered, after reverse
keying, provided at least ``Scale.min_items`` were answered (otherwise the
score is missing). ``scoring: sum`` gives the prorated sum (mean of answered
items times the number of items) so a skipped item does not lower the total.

Retrospective "then-test" items (``Item.then_of``) are scored into the scale
the instrument declares for them (``Scale.then_of``); where an instrument has
then-items for every item of a scale but no then-scale, one is derived
(``then_<scale>``) with the same rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument, Item, Scale

__all__ = [
    "ID_COLUMNS",
    "SCALE_SCORE_COLUMNS",
    "item_range",
    "reverse_key",
    "codes_of",
    "keyed_codes",
    "keyed_items",
    "scales_to_score",
    "score_scales",
]

#: Columns that identify a response; kept on every score table.
ID_COLUMNS = ("participant", "cohort", "wave", "instrument", "response_id")
#: Columns of the long (tidy) table from :func:`score_scales`.
SCALE_SCORE_COLUMNS = [
    "participant", "cohort", "wave", "instrument", "response_id",
    "scale", "then_of", "score", "n_items_answered", "n_items",
]


def item_range(instrument: Instrument, item: Item | str) -> tuple[float, float]:
    """Lowest and highest code an item can take (from its response set, or min/max).

    Raises
    ------
    AnalysisError
        When the item has neither a response set nor min and max (a reverse
        keyed item needs both ends to be reversed).
    """
    if isinstance(item, str):
        item = instrument.item(item)
    rset = instrument.response_set_of(item)
    if rset is not None and rset.codes:
        return float(min(rset.codes)), float(max(rset.codes))
    if item.minimum is not None and item.maximum is not None:
        return float(item.minimum), float(item.maximum)
    raise AnalysisError(
        f'{instrument.ref}: item "{item.id}" has no response set and no min/max, so its range is '
        "unknown — give it a response_set, or min: and max:"
    )


def _is_reverse(instrument: Instrument, item: Item) -> bool:
    """Reverse keyed: the item says so, or it is the then-test of a reverse keyed item."""
    if item.reverse:
        return True
    if item.then_of:
        try:
            return instrument.item(item.then_of).reverse
        except Exception:  # noqa: BLE001 - a missing base item simply means "not reversed"
            return False
    return False


def reverse_key(codes: pd.Series | np.ndarray, low: float, high: float):
    """Reverse a code on a ``low``–``high`` scale: ``low + high - code`` (NaN stays NaN)."""
    return low + high - codes


def codes_of(responses: pd.DataFrame, item_id: str) -> np.ndarray:
    """One item's column as float codes (NaN where missing or not a number; all NaN when the
    responses do not carry the item). Float columns are taken as they are, without
    ``pd.to_numeric``'s pass over them: the same values."""
    if item_id not in responses.columns:
        return np.full(len(responses), np.nan)
    col = responses[item_id]
    if col.dtype == np.float64:
        return col.to_numpy()
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")


def keyed_codes(responses: pd.DataFrame, instrument: Instrument, items) -> np.ndarray:
    """:func:`keyed_items` as an array (responses × items), without building a frame.

    Laid out column by column (Fortran order), as a frame of the columns gives
    them: sums along either axis add in the same order as they did from the frame.
    """
    columns = []
    for item_id in items:
        item = instrument.item(item_id)
        col = codes_of(responses, item_id)
        if _is_reverse(instrument, item):
            low, high = item_range(instrument, item)
            col = reverse_key(col, low, high)
        columns.append(col)
    return np.stack(columns).T if columns else np.empty((len(responses), 0))


def keyed_items(responses: pd.DataFrame, instrument: Instrument, items) -> pd.DataFrame:
    """The given item columns as float codes, reverse keyed items reversed.

    Items the responses do not carry come back as all-missing columns.
    """
    items = list(items)
    return pd.DataFrame(keyed_codes(responses, instrument, items), index=responses.index,
                        columns=items)


def scales_to_score(instrument: Instrument) -> list[Scale]:
    """The instrument's scales plus then-scales derived from its then-items.

    A then-scale is derived for scale ``s`` when every item of ``s`` has a
    then-item (``then_of``) in the instrument and no scale declares
    ``then_of: s``.
    """
    scales = list(instrument.scales)
    declared = {s.then_of for s in scales if s.then_of}
    then_item = {it.then_of: it.id for it in instrument.items if it.then_of}
    for s in instrument.scales:
        if s.then_of or s.id in declared:
            continue
        if s.items and all(i in then_item for i in s.items):
            scales.append(Scale(
                id=f"then_{s.id}", title=f"{s.title} (looking back, before the programme)",
                items=tuple(then_item[i] for i in s.items), scoring=s.scoring,
                min_items=s.min_items, aim=s.aim, principles=s.principles, then_of=s.id,
            ))
    return scales


def score_scales(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    wide: bool = False,
) -> pd.DataFrame:
    """Scale scores for every response, per the instrument's scoring rules.

    Parameters
    ----------
    responses : DataFrame
        One row per response (``Workspace.responses``): the id columns and one
        float column of codes per item id. Responses to other instruments
        should be filtered out first.
    instrument : Instrument
        Gives the scales (items, ``scoring``, ``min_items``), reverse keying and
        response sets.
    wide : bool
        ``False`` (default): the long table below. ``True``: one row per
        response, the id columns then one column per scale id.

    Returns
    -------
    DataFrame
        Long form, one row per response and scale, columns
        ``participant, cohort, wave, instrument, response_id`` (those present),
        ``scale``, ``then_of`` (the scale a then-test scale looks back on, else
        empty), ``score`` (float, NaN when fewer than ``min_items`` answered),
        ``n_items_answered``, ``n_items``.

    Notes
    -----
    Reverse keyed items are recoded ``min + max - code`` using the ends of
    their response set (a then-item of a reverse keyed item is reversed too).
    Missing answers are left out of the mean: with ``k`` items of which ``m``
    answered, ``score = sum(answered) / m`` when ``m >= min_items`` else NaN;
    ``scoring: sum`` gives ``k * sum(answered) / m`` (prorated sum).

    Examples
    --------
    >>> from evaluate.instruments import resolve
    >>> import pandas as pd
    >>> inst = resolve("post@1")
    >>> r = pd.DataFrame({"participant": ["P-1"], "see_the_system": [4.0],
    ...                   "map_stakeholders": [5.0], "own_org_focus": [2.0]})
    >>> score_scales(r, inst, wide=True)["system_leadership"].iloc[0]
    np.float64(4.333333333333333)
    """
    ids = [c for c in ID_COLUMNS if c in responses.columns]
    scales = scales_to_score(instrument)
    scores: dict[str, np.ndarray] = {}
    answered: dict[str, np.ndarray] = {}
    for scale in scales:
        block = keyed_codes(responses, instrument, scale.items)
        m = np.sum(~np.isnan(block), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(block, axis=1) / m
        mean = np.where(m >= scale.min_items, mean, np.nan)
        if scale.scoring == "sum":
            mean = mean * len(scale.items)
        scores[scale.id] = mean
        answered[scale.id] = m
    if wide:
        out = responses[ids].reset_index(drop=True)
        return pd.concat([out, pd.DataFrame(scores, index=out.index)], axis=1) if scores else out
    n = len(responses)
    if not scales:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ids}
                            | {"scale": pd.Series(dtype="object"),
                               "then_of": pd.Series(dtype="object"),
                               "score": pd.Series(dtype="float64"),
                               "n_items_answered": pd.Series(dtype="int64"),
                               "n_items": pd.Series(dtype="int64")})
    base = responses[ids].reset_index(drop=True)
    long = pd.concat([base] * len(scales), ignore_index=True)
    # each scale's name repeated as the column pandas makes of them, without a string per row
    # (inferring the text type of 2,100,000 names took a second at 100,000 people)
    which = np.repeat(np.arange(len(scales)), n)
    long["scale"] = pd.Series(np.array([s.id for s in scales])).take(which).array
    long["then_of"] = pd.Series(np.array([s.then_of or "" for s in scales])).take(which).array
    long["score"] = np.concatenate([scores[s.id] for s in scales])
    long["n_items_answered"] = np.concatenate([answered[s.id] for s in scales]).astype("int64")
    long["n_items"] = np.repeat([len(s.items) for s in scales], n).astype("int64")
    return long
