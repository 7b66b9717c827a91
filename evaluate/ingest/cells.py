"""Cells as text: the one conversion every later step starts from.

Only a truly blank cell is missing: an answer that is literally ``None``,
``nan``, ``NA`` or ``N/A`` is what the person typed, and stays text (a
response set may still declare ``N/A`` as its "no answer" label).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["text_cells", "distinct_text_cells", "split_cells", "FrameText"]


#: Longer columns are converted once per distinct value (answers repeat over the rows).
_LONG = 1_000


def text_cells(values: pd.Series) -> pd.Series:
    """Cells as trimmed strings; blank cells missing. Whole numbers lose a trailing ".0".

    >>> text_cells(pd.Series([" Agree ", 4.0, None, "", float("nan")])).tolist()
    ['Agree', '4', <NA>, <NA>, <NA>]
    >>> text_cells(pd.Series(["None", "nan", "N/A"])).tolist()  # typed text stays text
    ['None', 'nan', 'N/A']
    """
    if len(values) >= _LONG:
        codes, texts = distinct_text_cells(values)
        return pd.Series(texts.array.take(codes, allow_fill=True), index=values.index,
                         name=values.name)
    return _each_cell(values)


def _each_cell(values: pd.Series) -> pd.Series:
    out = values.astype("string").str.strip()
    whole = out.str.endswith(".0").fillna(False).to_numpy(dtype=bool)  # the only cells it changes
    if whole.any():
        out[whole] = out[whole].str.replace(r"^(-?\d+)\.0$", r"\1", regex=True).array
    return out.mask(out == "")


def distinct_text_cells(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """:func:`text_cells` worked out once per distinct value, not once per cell.

    Returns ``(codes, texts)``: ``texts`` holds the text of each distinct cell
    and ``codes`` (one per cell) its position in ``texts``, -1 for a blank cell,
    so that ``text_cells(values)`` is ``texts`` taken at ``codes``. Cells are
    compared as strings (the first step of :func:`text_cells`), so ``1``,
    ``1.0`` and ``True`` stay apart exactly as they do there.

    >>> codes, texts = distinct_text_cells(pd.Series(["Agree", " Agree", 4.0, None, "Agree"]))
    >>> codes.tolist(), texts.tolist()
    ([0, 1, 2, -1, 0], ['Agree', 'Agree', '4'])
    """
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("string",
                                                                                   "empty"):
        # every cell is text already: its distinct values are the distinct texts
        codes, uniques = pd.factorize(values.to_numpy())
    else:
        codes, uniques = pd.factorize(values.astype("string"))
    return codes, _each_cell(pd.Series(uniques, dtype="string"))


class FrameText:
    """:func:`text_cells` of a frame's columns by key, for a step that reads them many times.

    An import reads the same columns as text again and again (to find who
    answered, to code them, to quote a cell in a problem). For a frame of
    fewer than 1,000 rows, the first read converts every column that holds
    Python objects together, once per distinct cell across them all (what
    costs is the fixed work of each conversion, not the cells), and each read
    is then a lookup. Longer frames are converted column by column as they
    are read, as :func:`text_cells` does; a column of Python objects keeps its
    distinct texts and one code per cell, so reading it again (a date column
    is read three times) is a lookup too.

    >>> text = FrameText(pd.DataFrame({"a": [" Agree ", None], "b": [4.0, "Agree"]}, dtype=object))
    >>> text("a").tolist(), text("b").tolist()
    (['Agree', <NA>], ['4', 'Agree'])
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._at: dict | None = None  # key → column of self._codes
        self._codes = self._texts = None
        self._kept: dict = {}  # key → (codes, texts) of a long frame's column

    def __call__(self, key) -> pd.Series:
        """``text_cells(frame[key])``."""
        values = self.frame[key]
        if values.dtype != object:
            return text_cells(values)
        if len(self.frame) >= _LONG:
            codes, texts = self._column(key)
            return pd.Series(texts.array.take(codes, allow_fill=True), index=values.index,
                             name=values.name)
        if self._at is None:
            self._convert_all()
        return pd.Series(self._texts.array.take(self._codes[:, self._at[key]], allow_fill=True),
                         index=values.index, name=values.name)

    def distinct(self, keys: list) -> tuple[np.ndarray, pd.Series] | None:
        """:func:`distinct_text_cells` of the columns ``keys`` stacked, as one array per column.

        Returns ``(codes, texts)`` with ``codes`` of shape (rows, len(keys)): the
        position of each cell's text in ``texts`` (-1 for a blank cell), ``texts``
        the distinct texts of these columns. None when a column does not hold
        Python objects, or the frame is long and ``keys`` are several (then read
        them as usual); a long frame's one column gives its texts as
        :func:`distinct_text_cells` does (a text may repeat).
        """
        if len(self.frame) >= _LONG:
            if len(keys) != 1 or self.frame[keys[0]].dtype != object:
                return None
            codes, texts = self._column(keys[0])
            return codes[:, None], texts
        if self._at is None:
            self._convert_all()
        if any(k not in self._at for k in keys):  # a column that does not hold Python objects
            return None
        codes = self._codes[:, [self._at[k] for k in keys]]
        used, inverse = np.unique(codes, return_inverse=True)
        blank = bool(len(used)) and used[0] < 0
        texts = self._texts.iloc[used[int(blank):]].reset_index(drop=True)
        return (inverse.reshape(codes.shape) - int(blank)), texts

    def _column(self, key) -> tuple[np.ndarray, pd.Series]:
        """:func:`distinct_text_cells` of one column of a long frame, kept for the next read."""
        if key not in self._kept:
            self._kept[key] = distinct_text_cells(self.frame[key])
        return self._kept[key]

    def _convert_all(self) -> None:
        keys = [k for k, d in self.frame.dtypes.items() if pd.api.types.is_object_dtype(d)]
        cells = self.frame[keys].to_numpy(dtype=object).ravel(order="F")
        codes, texts = pd.factorize(pd.Series(cells, dtype=object).astype("string"))
        self._texts = _each_cell(pd.Series(texts, dtype="string"))
        self._codes = codes.reshape(len(keys), len(self.frame)).T
        self._at = {k: j for j, k in enumerate(keys)}

def split_cells(text: pd.Series, separator: str | None) -> pd.Series:
    """Multi-select cells already read as text (:func:`text_cells`), one row per choice (index
    repeats): :func:`evaluate.ingest.coerce.split_multi`'s rule for the separator."""
    text = text.dropna()
    if separator is None:
        separator = ";" if text.str.contains(";", regex=False).any() else ","
        if separator == "," and len(text) and text.str.fullmatch(r"-?\d+(?:\s+-?\d+)*").all():
            separator = " "
    parts = text.str.split(separator.strip() or separator, regex=False).explode()
    parts = parts.astype("string").str.strip()
    return parts[parts.notna() & (parts != "")]
