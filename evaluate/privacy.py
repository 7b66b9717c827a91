"""Privacy by default: pseudonymous ids, small-cell suppression, safe output text.

- Names and emails become salted pseudonymous ids at import; the salt is a
  random secret kept in the workspace (``.salt``), never in the repository.
  Two different keys never share an id: a clash is refused, never merged.
- Groups smaller than the workspace threshold are suppressed in every table.
- Text we write into spreadsheets cannot start a formula; text we write into
  HTML is escaped.
"""

from __future__ import annotations

import hashlib
import html
import secrets

import numpy as np
import pandas as pd

from evaluate.errors import EvaluateError

__all__ = [
    "new_salt",
    "id_digits",
    "salt_is_valid",
    "pseudonymise",
    "IdClash",
    "PERSON_ID",
    "PERSONAL_ROLES",
    "HIDDEN",
    "suppress_small",
    "neutralise_formula",
    "neutralise_frame",
    "escape_html",
]

#: Export columns that carry personal data; their values are never stored.
PERSONAL_ROLES = (
    "email",
    "name",
    "first_name",
    "last_name",
    "recipient_email",
    "recipient_first_name",
    "recipient_last_name",
    "ip_address",
    "staff_id",
)
#: What a stored message shows instead of a personal value.
HIDDEN = "[personal data hidden]"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_BYTES = np.zeros(256, dtype=bool)
_FORMULA_BYTES[list("".join(_FORMULA_START).encode("ascii"))] = True


#: A salt made by this version names its id scheme: ``2:`` then 64 hex characters.
_SALT_SCHEME = "2:"
#: Hex digits of an id: 16 (64 bits) under a ``2:`` salt; 10 (40 bits) under the bare salts
#: of workspaces made before, which keep their ids so their people stay linked.
_DIGITS, _OLD_DIGITS = 16, 10
#: A pseudonymous id of a person (``P-`` on the roster, ``U-`` not), either length.
PERSON_ID = r"[PU]-[0-9a-f]{10}(?:[0-9a-f]{6})?"


class IdClash(EvaluateError):
    """Two different people were given the same pseudonymous id (refused, never merged).

    ``labels``: the index labels of the keys whose ids clash, for the caller to name
    their rows.
    """

    def __init__(self, message: str, labels=()):
        super().__init__(message)
        self.labels = list(labels)

    def at(self, file_name: str, index: pd.Index, rows: np.ndarray) -> IdClash:
        """The same refusal, its message naming the file and the clashing keys' spreadsheet
        rows (``rows``: the row number of each label of ``index``)."""
        clashing = ", ".join(str(r) for r in np.asarray(rows)[index.get_indexer(self.labels)][:10])
        return IdClash(f"{file_name}, rows {clashing}: {self}", self.labels)


def new_salt() -> str:
    """A fresh random salt: the scheme (``2:``) and 64 hex characters.

    >>> s = new_salt(); s[:2], len(s), id_digits(s)
    ('2:', 66, 16)
    """
    return _SALT_SCHEME + secrets.token_hex(32)


def salt_is_valid(text: str) -> bool:
    """True for a salt this version made or one of the bare 64-hex salts made before.

    >>> salt_is_valid("2:" + "a" * 64), salt_is_valid("a" * 64), salt_is_valid("2:abc")
    (True, True, False)
    """
    bare = text[len(_SALT_SCHEME):] if text.startswith(_SALT_SCHEME) else text
    return len(bare) == 64 and all(c in "0123456789abcdef" for c in bare)


def id_digits(salt: str) -> int:
    """How many hex digits the ids made with ``salt`` carry (16, or 10 for an older workspace).

    At 16 digits the chance that any two of a million people share an id is about 3 in
    100 million; at 10 it is about 1 in 200 for 100,000 people, which is why every
    batch of ids is checked for a clash (:func:`pseudonymise`).
    """
    return _DIGITS if salt.startswith(_SALT_SCHEME) else _OLD_DIGITS


def pseudonymise(keys: pd.Series, salt: str, prefix: str = "P-") -> pd.Series:
    """Salted, truncated SHA-256 of each key: ``prefix`` + 16 hex characters (10 for a
    workspace made before the ``2:`` salts).

    The same key and salt always give the same id; without the salt the id
    cannot be turned back into the key by trying likely names or emails.
    Missing keys stay missing. Two different keys of ``keys`` that would share an id
    raise :class:`IdClash` (their people would otherwise be merged).

    >>> pseudonymise(pd.Series(["a", None, "a"]), "2:" + "0" * 64).str.len().tolist()
    [18, <NA>, 18]
    """
    salted = hashlib.sha256(f"{salt}\x1f".encode())
    digits = id_digits(salt)

    def digest(key: str) -> str:
        h = salted.copy()
        h.update(key.encode())
        return prefix + h.hexdigest()[:digits]

    codes, distinct = pd.factorize(keys.astype("string"))
    ids = [*map(digest, distinct.tolist())]
    if len(set(ids)) != len(ids):
        shared = pd.Series(ids).duplicated(keep=False).to_numpy()
        involved = np.append(shared, False)[codes]  # the rows of the clashing keys
        raise IdClash(_clash_message(digits), keys.index[involved])
    return pd.Series(np.array([*ids, None], dtype=object)[codes], index=keys.index, dtype="string")


def _clash_message(digits: int) -> str:
    if digits == _OLD_DIGITS:
        return ("two different people were given the same pseudonymous id, so their answers "
                "would have been merged; nothing was stored. This workspace was made by an "
                "earlier version of evaluate, whose ids are short enough for this to happen in "
                "a large programme — create a new workspace (evaluate init) and import the "
                "exports into it again: its ids are long enough that this does not happen")
    return ("two different people were given the same pseudonymous id, so their answers would "
            "have been merged; nothing was stored. This should not happen (the chance is "
            "smaller than one in a billion): please report it, then create a new workspace "
            "(evaluate init) and import the exports into it again")


def suppress_small(
    table: pd.DataFrame,
    count_column: str,
    threshold: int,
    value_columns: list[str] | None = None,
    *,
    complementary_within: str | None = None,
) -> pd.DataFrame:
    """Blank out rows whose group is smaller than ``threshold``.

    Adds a boolean ``suppressed`` column. Counts of 1 … threshold-1 are
    suppressed; a count of 0 is not (nothing to disclose). With
    ``complementary_within`` (a column naming the table a total belongs to),
    where exactly one row of a block is suppressed the next smallest row of
    that block is suppressed too, so the hidden value cannot be recovered by
    subtracting the others from a published total.
    """
    out = table.copy()
    counts = pd.to_numeric(out[count_column], errors="coerce")
    small = (counts > 0) & (counts < threshold)
    if complementary_within is not None and small.any():
        blocks = out[complementary_within]
        n_small = small.groupby(blocks).transform("sum")
        needs_partner = (n_small == 1) & ~small
        candidate = counts[needs_partner & counts.notna()]
        # smallest unsuppressed row of each block with exactly one suppressed row
        if len(candidate):
            partner_idx = candidate.groupby(blocks[candidate.index]).idxmin()
            small.loc[partner_idx.to_numpy()] = True
    cols = value_columns if value_columns is not None else [
        c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c != count_column
    ]
    hide = small.to_numpy(dtype=bool)
    for col in [*cols, count_column]:
        if pd.api.types.is_numeric_dtype(out[col]):
            values = out[col].to_numpy(dtype="float64", na_value=np.nan, copy=True)
            values[hide] = np.nan  # as .astype("float64").mask(small), without aligning
            out[col] = values
        else:
            out[col] = out[col].astype("object").mask(small)
    out["suppressed"] = small.to_numpy(dtype=bool)
    return out


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _may_start_a_formula(column: pd.Series) -> bool:
    """False when no cell can read as a formula: every cell is missing or text that does not
    start like one (anything else is checked by its text, in :func:`neutralise_frame`).

    A text column held by Arrow is asked in Arrow, one pass over each present cell's first
    byte (a national table's ids and labels: millions of cells, no Python string made for
    any); an object
    column's cells are Python objects already, looked at in turn."""
    if column.dtype != object and hasattr(column.array, "__arrow_array__"):
        return _arrow_may_start_a_formula(column.array.__arrow_array__())
    values = column.to_numpy(dtype=object) if column.dtype == object else \
        np.asarray(column.unique(), dtype=object)
    for v in values:
        if type(v) is str:
            if v.startswith(_FORMULA_START):
                return True
        elif not (v is None or v is pd.NA or (type(v) is float and v != v)):
            return True
    return False


def _arrow_may_start_a_formula(text) -> bool:
    """Whether a cell of Arrow text starts like a formula, told by each present cell's first
    byte, read from the Arrow buffers (every formula start is one ASCII character)."""
    import pyarrow as pa

    for chunk in getattr(text, "chunks", [text]):
        chunk = chunk.cast(pa.large_string())
        if len(chunk) == chunk.null_count:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
        present = np.diff(offsets) > 0
        if chunk.null_count:
            present &= chunk.is_valid().to_numpy(zero_copy_only=False)
        data = np.frombuffer(chunk.buffers()[2] or b"", dtype=np.uint8)
        if _FORMULA_BYTES[data[offsets[:-1][present]]].any():
            return True
    return False


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralise_formula` over every text column (vectorised).

    The frame given is not changed; the one returned shares its unchanged columns (a
    national table's millions of cells are not copied to be written)."""
    out = frame.copy(deep=False)
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            if not _may_start_a_formula(s):
                continue  # most columns: one pass over the cells, no conversion
            text = s.astype("string")
            risky = text.str.match(r"^[=+\-@\t\r]", na=False).to_numpy()
            if risky.any():
                values = s.astype(object).to_numpy(copy=True)
                values[risky] = np.char.add("'", text[risky].to_numpy(dtype=str))
                out[col] = values
    return out


def escape_html(value) -> str:
    """HTML-escape any value for safe inclusion in the dashboard."""
    return html.escape("" if value is None else str(value), quote=True)
