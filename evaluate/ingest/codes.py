"""Answers to codes: labels, aliases and numeric codes looked up once per distinct value.

:func:`code_values` codes one column; :func:`code_columns` codes many columns
that share a response set in one pass — the cells of all of them are read as
text and looked up once per distinct value across the lot, then each column's
codes are taken with one array index. The two give the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluate.ingest.cells import FrameText, distinct_text_cells
from evaluate.instruments import ResponseSet
from evaluate.normalise import normalise_label

__all__ = ["BAD_CODE", "CodedBlock", "code_values", "code_block", "code_columns", "coded_series"]

#: The sentinel for "not an allowed answer" (never a real code).
BAD_CODE = -999_999.0


def _code_of_texts(texts: pd.Series, rset: ResponseSet) -> np.ndarray:
    """The code of each distinct text (NaN: blank or a "missing" answer; BAD_CODE: none),
    with one more NaN at the end for the blank cells (position -1)."""
    lookup = rset.lookup()
    missing = rset.missing_keys()
    codes = set(rset.codes)
    mapping: dict[str, float] = {}
    for value in texts.dropna().unique():
        key = normalise_label(value)
        if key in lookup:
            mapping[value] = float(lookup[key])
        elif key in missing:
            mapping[value] = np.nan
        else:
            try:
                number = float(str(value).replace(",", "."))
            except ValueError:
                number = None
            mapping[value] = number if number is not None and number in codes else BAD_CODE
    return np.append(texts.map(mapping).to_numpy(dtype="float64", na_value=np.nan), np.nan)


def _coded(codes: np.ndarray, index: pd.Index, name) -> tuple[pd.Series, pd.Series]:
    bad = codes == BAD_CODE
    codes = np.where(bad, np.nan, codes)
    return (pd.Series(codes, index=index, name=name, dtype="float64"),
            pd.Series(bad, index=index, name=name, dtype=bool))


def code_values(values: pd.Series, rset: ResponseSet) -> tuple[pd.Series, pd.Series]:
    """Code answers with a response set.

    Returns ``(codes, bad)``: codes as float64 (NaN for blank or a "missing"
    answer such as "Prefer not to say"), and a boolean mask of cells holding
    something that is neither a label, an alias, nor a valid code. Each
    distinct cell is read and looked up once; the codes are then taken for
    every cell at once.

    >>> from evaluate.instruments import ResponseSet
    >>> agree = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")),
    ...                     missing=("Prefer not to say",))
    >>> codes, bad = code_values(pd.Series(["Agree", "agree ", "2", "Prefer not to say", None,
    ...                                     "Yes"]), agree)
    >>> codes.tolist()[:3], bad.tolist()
    ([3.0, 3.0, 2.0], [False, False, False, False, False, True])
    """
    positions, texts = distinct_text_cells(values)
    return _coded(_code_of_texts(texts, rset)[positions], values.index, values.name)


@dataclass(frozen=True)
class CodedBlock:
    """Columns coded with one response set, as arrays: one row per response, one column per key.

    ``codes`` holds float64 codes (NaN: blank or a "missing" answer) and
    ``bad`` marks the cells that are no answer of the set.
    """

    keys: tuple
    codes: np.ndarray
    bad: np.ndarray

    def columns(self, keys) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, bad)`` of ``keys`` only, in that order."""
        at = [self.keys.index(k) for k in keys]
        return self.codes[:, at], self.bad[:, at]


def code_block(frame: pd.DataFrame, keys: list, rset: ResponseSet,
               text: FrameText | None = None) -> CodedBlock:
    """Code the columns ``keys`` of ``frame`` with ``rset`` in one pass (see :class:`CodedBlock`).

    The cells of all columns holding Python objects are read as text and
    looked up once per distinct value across the lot; other columns are read
    one by one. Cells are compared as text exactly as :func:`code_values`
    compares them, so every column gets the codes it would get alone. ``text``
    (the frame's :class:`~evaluate.ingest.cells.FrameText`) saves reading the
    cells as text again when it has read them already.

    >>> from evaluate.instruments import ResponseSet
    >>> agree = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")))
    >>> frame = pd.DataFrame({"q1": ["Agree", " 2", None], "q2": ["Yes", "agree", 3.0]}, dtype=object)
    >>> block = code_block(frame, ["q1", "q2"], agree)
    >>> block.codes.tolist(), block.bad[:, 1].tolist()
    ([[3.0, nan], [2.0, 3.0], [nan, 3.0]], [True, False, False])
    """
    keys = tuple(dict.fromkeys(keys))
    n = len(frame)
    held = {k: pd.api.types.is_object_dtype(d) for k, d in frame.dtypes.items()}  # not frame[k]
    together = [k for k in keys if held[k]]
    alone = [k for k in keys if not held[k]]
    parts = []
    read = text.distinct(together) if text is not None and together else None
    if read is not None:
        positions, texts = read
        parts.append(_code_of_texts(texts, rset)[positions])
    elif together:
        stacked = pd.Series(np.concatenate([frame[k].to_numpy(dtype=object) for k in together]),
                            dtype=object)
        positions, texts = distinct_text_cells(stacked)
        del stacked
        parts.append(_code_of_texts(texts, rset)[positions.reshape(len(together), n).T])
    for k in alone:
        positions, texts = distinct_text_cells(frame[k])
        parts.append(_code_of_texts(texts, rset)[positions][:, None])
    codes = parts[0] if len(parts) == 1 else (
        np.concatenate(parts, axis=1) if parts else np.empty((n, 0)))
    del parts
    if together and alone:
        codes = codes[:, [(together + alone).index(k) for k in keys]]
    bad = codes == BAD_CODE
    codes[bad] = np.nan
    return CodedBlock(keys, codes, bad)


def code_columns(frame: pd.DataFrame, keys: list, rset: ResponseSet
                 ) -> dict[object, tuple[pd.Series, pd.Series]]:
    """:func:`code_values` of each column ``keys`` of ``frame``, in one pass: ``{key: (codes, bad)}``.

    Cells are compared as text exactly as :func:`code_values` compares them
    (each cell is converted on its own), so every column gets the codes it
    would get alone (see :func:`code_block`).

    >>> from evaluate.instruments import ResponseSet
    >>> agree = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")))
    >>> frame = pd.DataFrame({"q1": ["Agree", " 2", None], "q2": ["Yes", "agree", 3.0]}, dtype=object)
    >>> coded = code_columns(frame, ["q1", "q2"], agree)
    >>> coded["q1"][0].tolist(), coded["q2"][0].tolist(), coded["q2"][1].tolist()
    ([3.0, 2.0, nan], [nan, 3.0, 3.0], [True, False, False])
    """
    block = code_block(frame, keys, rset)
    return {key: coded_series(block, key, frame[key]) for key in block.keys}


def coded_series(block: CodedBlock, key, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``(codes, bad)`` of one column of ``block`` as :func:`code_values` gives them for ``values``."""
    j = block.keys.index(key)
    return (pd.Series(block.codes[:, j], index=values.index, name=values.name, dtype="float64"),
            pd.Series(block.bad[:, j], index=values.index, name=values.name, dtype=bool))
