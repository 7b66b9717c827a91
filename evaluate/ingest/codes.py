"""Answers to codes: labels, aliases and numeric codes looked up once per distinct value.

:func:`code_values` codes one column; :func:`code_columns` codes many columns
that share a response set in one pass — the cells of all of them are read as
text and looked up once per distinct value across the lot, then each column's
codes are taken with one array index. The two give the same codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.ingest.cells import distinct_text_cells
from evaluate.instruments import ResponseSet
from evaluate.normalise import normalise_label

__all__ = ["BAD_CODE", "code_values", "code_columns"]

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


def code_columns(frame: pd.DataFrame, keys: list, rset: ResponseSet
                 ) -> dict[object, tuple[pd.Series, pd.Series]]:
    """:func:`code_values` of each column ``keys`` of ``frame``, in one pass: ``{key: (codes, bad)}``.

    Cells are compared as text exactly as :func:`code_values` compares them
    (each cell is converted on its own), so every column gets the codes it
    would get alone. Columns that do not hold Python objects are coded one by one.

    >>> from evaluate.instruments import ResponseSet
    >>> agree = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")))
    >>> frame = pd.DataFrame({"q1": ["Agree", " 2", None], "q2": ["Yes", "agree", 3.0]}, dtype=object)
    >>> coded = code_columns(frame, ["q1", "q2"], agree)
    >>> coded["q1"][0].tolist(), coded["q2"][0].tolist(), coded["q2"][1].tolist()
    ([3.0, 2.0, nan], [nan, 3.0, 3.0], [True, False, False])
    """
    out: dict[object, tuple[pd.Series, pd.Series]] = {}
    together = []
    for key in dict.fromkeys(keys):
        if frame[key].dtype == object:
            together.append(key)
        else:
            out[key] = code_values(frame[key], rset)
    if together:
        n = len(frame)
        stacked = pd.Series(np.concatenate([frame[k].to_numpy(dtype=object) for k in together]),
                            dtype=object)
        positions, texts = distinct_text_cells(stacked)
        codes = _code_of_texts(texts, rset)[positions]
        for j, key in enumerate(together):
            out[key] = _coded(codes[j * n:(j + 1) * n], frame.index, frame[key].name)
    return {key: out[key] for key in dict.fromkeys(keys)}
