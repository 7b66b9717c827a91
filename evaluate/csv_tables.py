"""Write a table as csv: the bytes pandas writes, in a fraction of the time for long tables.

``DataFrame.to_csv`` formats and quotes every cell in turn. Result tables with
one row per person repeat a few values over millions of rows (cohorts, waves,
scales, scores that are means of a few answers), so :func:`write_csv`
formats and quotes each column's *distinct* values once (``pandas.factorize``)
and lays their UTF-8 bytes out as a padded byte matrix; the rows are then
these matrices' rows picked by each cell's code, side by side, with the zero
padding dropped (numpy throughout, no Python string per cell). A column of
same-length ids (the pseudonymous participant ids) or of short texts (response
numbers) is taken from its Arrow buffers, padded, not factorized. The output
is byte-identical to
``frame.to_csv(path, index=False, lineterminator="\\n", encoding="utf-8")``:
floats as numpy prints them (the shortest text that reads back exactly, as
pandas writes them), missing values empty, booleans ``True``/``False``, and a
field in double quotes only when it holds a comma, a double quote (doubled)
or a line break (exactly as Python's csv module decides). Short tables, tables
of a single column and columns of other types (dates, mixed objects) are
written by pandas itself; a column with a zero byte or a few very long fields
is joined as Python strings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_csv"]

_ROWS_PER_CHUNK = 200_000
#: Shorter tables are written by pandas (the distinct values would save nothing). A national
#: programme's subgroup table (6,784 rows x 40 columns) took pandas 0.42 s, this 0.17 s.
_LONG = 5_000
#: Bytes of one block of rows laid side by side before the padding is dropped.
_BLOCK_BYTES = 16_000_000
#: Padding a column's distinct fields may add beyond four times their text.
_PADDING = 1_000_000
#: Bytes a csv field must be quoted for (a comma, a double quote, a line break).
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord(","), ord('"'), ord("\r"), ord("\n"), 0]] = True
_LAST_SPECIAL = int(np.flatnonzero(_SPECIAL).max())


def _quoted(text: str) -> str:
    """A field as pandas writes it: through Python's csv module, minimal quoting."""
    if not text or not any(c in text for c in ',"\r\n'):
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerow([text])
    return out.getvalue()[:-1]


def _fields(series: pd.Series) -> tuple[np.ndarray, list[str]] | None:
    """The column as codes into its distinct csv fields (code -1: missing, written empty),
    or None if pandas should write it.

    The codes in the smallest integer type that holds them: a national table's columns
    of millions of cells, all coded at once, took eight bytes a cell."""
    dtype = series.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else ""
    if kind == "f":
        # distinct by bit pattern, in the column's own type, as pandas prints it: 0.0 and -0.0
        # are one number to factorize but two texts, and float32 prints shorter than float64
        values = series.to_numpy()
        codes, uniques = pd.factorize(values.view(f"i{values.itemsize}"))
        floats = np.asarray(uniques).view(values.dtype)
        fields = np.where(np.isnan(floats), "", floats.astype(str)).tolist()
    elif kind in "iub" and kind:
        codes, uniques = pd.factorize(series.to_numpy())
        fields = [str(v) for v in uniques.tolist()]
    elif pd.api.types.is_string_dtype(dtype) or kind == "O" or isinstance(
            dtype, (pd.Int64Dtype, pd.BooleanDtype)):
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        if kind == "O" or pd.api.types.is_string_dtype(dtype):
            if not values.map(type).eq(str).all():
                return None
            special = values.str.contains('[,"\r\n]', regex=True).to_numpy(dtype=bool)
            values[special] = values[special].map(_quoted)
            fields = values.tolist()
        else:
            fields = [str(v) for v in values]
    else:
        return None
    return codes.astype(np.min_scalar_type(-len(fields) - 1), copy=False), fields


def _padded(fields: list[str], end: int) -> np.ndarray | None:
    """Each field's UTF-8 bytes and then ``end`` (a comma or a line feed) as one row of a
    byte matrix, padded with zero bytes; the last row is the missing value's (``end``
    alone). None when a field holds a zero byte (the padding could not be told apart) or
    the padding would be much larger than the text (a few long fields among short ones)."""
    import pyarrow as pa

    text = pa.array([*fields, ""], type=pa.large_string())
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[: len(text) + 1]
    data = np.frombuffer(text.buffers()[2] or b"", dtype=np.uint8)[offsets[0]:offsets[-1]]
    lengths = np.diff(offsets)
    width = int(lengths.max()) + 1
    if (data == 0).any() or len(text) * width > 4 * (len(data) + len(text)) + _PADDING:
        return None
    table = np.zeros((len(text), width), dtype=np.uint8)
    table[np.arange(width) < lengths[:, None]] = data
    table[np.arange(len(text)), lengths] = end
    return table


def _joined(codes: np.ndarray, fields: list[str]) -> np.ndarray:
    """The column's cells as csv fields (an object array; missing values empty)."""
    table = np.empty(len(fields) + 1, dtype=object)
    table[: len(fields)] = fields
    table[-1] = ""  # missing (code -1)
    return table[codes]


def _short_texts(series: pd.Series) -> np.ndarray | None:
    """A text column of short cells (ids, answer numbers; none to quote) as a byte matrix of
    one row per cell: its UTF-8 bytes, then zero padding (a missing cell: zeros only), read
    from its Arrow buffers without making a Python string per cell or hashing any (a
    national table's 100,000 response numbers took a second to factorize); None for any
    other column, and when the cells' lengths differ and any is longer than eight bytes."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa

    text = series.array.__arrow_array__().combine_chunks().cast(pa.large_string())
    if not len(text) or text.null_count == len(text):
        return None
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset:text.offset + len(text) + 1]
    lengths = np.diff(offsets)
    width = int(lengths.max())
    same = text.null_count == 0 and int(lengths.min()) == width
    if width == 0 or not (same or width <= 8):
        return None
    if text.null_count and lengths[text.is_null().to_numpy(zero_copy_only=False)].any():
        return None  # a missing cell with bytes of its own behind it
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    if data.min() <= _LAST_SPECIAL and _SPECIAL[data].any():  # ids and numbers: above it all
        return None
    if same:
        return data.reshape(len(text), width)
    table = np.zeros((len(text), width), dtype=np.uint8)
    table[np.arange(width) < lengths[:, None]] = data
    return table


def _write_rows(fh, columns: list[tuple[np.ndarray | None, np.ndarray]], ends: list[int]) -> None:
    """Write the rows: each column's bytes side by side (its padded fields picked by its
    codes, or its rows of ids or short texts, padded) and its comma or line feed, then only the
    non-zero bytes, row after row (so each field and its end, no padding), a block of rows
    at a time.

    Each column's rows are copied as whole items (a padded row one value of numpy's raw
    ``V`` type, the block's rows records with a field per column): numpy copied them byte
    by byte into the block's columns."""
    widths = [t.shape[1] + (codes is None) for codes, t in columns]
    edges = np.cumsum([0, *widths])
    rows = len(columns[0][0] if columns[0][0] is not None else columns[0][1])
    step = max(1, _BLOCK_BYTES // int(edges[-1]))
    names = [f"c{j}" for j in range(len(columns))]
    record = np.dtype({"names": names, "offsets": [int(a) for a in edges[:-1]],
                       "formats": [f"V{t.shape[1]}" for _, t in columns], "itemsize": int(edges[-1])})
    items = [np.ascontiguousarray(t).view(f"V{t.shape[1]}").ravel() for _, t in columns]
    for start in range(0, rows, step):
        stop = min(rows, start + step)
        block = np.empty((stop - start, int(edges[-1])), dtype=np.uint8)
        records = block.view(record).ravel()
        for (codes, _), item, name, end, b in zip(columns, items, names, ends, edges[1:], strict=True):
            if codes is None:
                records[name] = item[start:stop]
                block[:, b - 1] = end
            else:
                records[name] = item.take(codes[start:stop], mode="wrap")
        fh.write(block[block != 0])


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (without its index) to ``path`` as pandas would; see the module.

    Examples
    --------
    >>> import tempfile, os
    >>> t = pd.DataFrame({"who": ["P-1", "a, b"], "score": [3.0, float("nan")], "ok": [True, False]})
    >>> t = pd.concat([t] * 10_000, ignore_index=True)
    >>> path = write_csv(t, os.path.join(tempfile.mkdtemp(), "t.csv"))
    >>> path.read_text() == t.to_csv(index=False, lineterminator="\\n")
    True
    """
    path = Path(path)
    if len(frame) < _LONG or frame.shape[1] < 2 or not all(
            isinstance(c, str) for c in frame.columns):
        return _by_pandas(frame, path)
    series = [frame.iloc[:, j] for j in range(frame.shape[1])]
    ids = [_short_texts(s) for s in series]
    found = [None if i is not None else _fields(s) for s, i in zip(series, ids, strict=True)]
    if any(f is None and i is None for f, i in zip(found, ids, strict=True)):
        return _by_pandas(frame, path)
    ends = [ord(",")] * (len(series) - 1) + [ord("\n")]
    columns = [(None, i) if i is not None else (f[0], _padded(f[1], end))
               for f, i, end in zip(found, ids, ends, strict=True)]
    with open(path, "wb") as fh:
        fh.write((",".join(_quoted(c) for c in frame.columns) + "\n").encode("utf-8"))
        if all(t is not None for _, t in columns):
            _write_rows(fh, columns, ends)
            return path
        texts = [_joined(*(f or _fields(s))) for f, s in zip(found, series, strict=True)]
        for start in range(0, len(frame), _ROWS_PER_CHUNK):
            part = [c[start:start + _ROWS_PER_CHUNK] for c in texts]
            fh.write(("\n".join(map(",".join, zip(*part, strict=True))) + "\n").encode("utf-8"))
    return path


def _by_pandas(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path
