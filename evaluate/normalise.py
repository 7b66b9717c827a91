"""Text normalisation shared by column matching, label coding and name matching.

Vectorised versions work on a whole ``pandas.Series`` at once; the scalar
versions exist for headings and labels (a few hundred strings at most).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "fold",
    "normalise_heading",
    "normalise_label",
    "normalise_name",
    "normalise_name_series",
    "normalise_email_series",
    "shown_heading",
    "map_distinct",
]

_NUMBERING = re.compile(
    r"^\s*(?:q(?:uestion)?\s*)?(?:\d+|[a-z])(?:[.)\]:]|\s*-)\s+", flags=re.IGNORECASE
)
_QUALTRICS_SUFFIX = re.compile(r"\s+-\s+selected choice$", flags=re.IGNORECASE)
_PUNCT = re.compile(r"[^\w\s]", flags=re.UNICODE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold and strip accents: ``"Zoë"`` → ``"zoe"``.

    >>> fold("Zoë Ÿ"), fold("STRASSE"), fold("Straße")
    ('zoe y', 'strasse', 'strasse')
    """
    text = str(text)
    if text.isascii():  # nothing to decompose, and ASCII casefolds as it lowers
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalise_label(text: object) -> str:
    """Key for comparing answer labels: case, accents, spacing and punctuation ignored.

    >>> normalise_label("  Strongly  agree! ")
    'strongly agree'
    """
    if text is None:
        return ""
    return _label_key(str(text))


@lru_cache(maxsize=65_536)  # headings and labels recur across columns, files and instruments
def _label_key(text: str) -> str:
    s = fold(text).replace("\u2019", "'").replace("\u2013", "-")
    s = _PUNCT.sub(" ", s)
    return _SPACE.sub(" ", s).strip()


def shown_heading(text: object) -> str:
    """A heading as a person should read it in a message: HTML tags and runs of
    spaces and line breaks become one space; the words themselves are kept.

    >>> shown_heading("Two lotteries: <br>which would  you play?")
    'Two lotteries: which would you play?'
    """
    if text is None:
        return ""
    return _SPACE.sub(" ", _HTML_TAG.sub(" ", str(text))).strip()


def normalise_heading(text: object) -> str:
    """Key for comparing column headings and question texts.

    Like :func:`normalise_label`, and also drops leading numbering such as
    ``"3."``, ``"Q3)"``, ``"a)"``, trailing required-question stars,
    Qualtrics' `` - Selected Choice`` suffix and the HTML tags that
    SurveyMonkey and Qualtrics keep in question texts (``<br>``).

    >>> normalise_heading("Q3. I can see the wider system *")
    'i can see the wider system'
    >>> normalise_heading("Two lotteries: <br>which would you play?")
    'two lotteries which would you play'
    """
    if text is None:
        return ""
    return _heading_key(str(text))


@lru_cache(maxsize=65_536)
def _heading_key(text: str) -> str:
    s = _HTML_TAG.sub(" ", text)
    s = _QUALTRICS_SUFFIX.sub("", s.strip()).rstrip("*").strip()
    previous = None
    while previous != s:
        previous = s
        s = _NUMBERING.sub("", s, count=1)
    return normalise_label(s)


def normalise_name(text: object) -> str:
    """Key for a person's name, independent of case, accents, spacing and order.

    ``"Smith, Jo"``, ``"jo  SMITH"`` and ``"Jo Smith"`` share one key, because
    the tokens are sorted.

    >>> normalise_name("Smith, Zoë") == normalise_name("zoe smith")
    True
    """
    if text is None:
        return ""
    # normalise_label's spacing, done by split(): str.split and the regex \s agree on whitespace
    s = fold(str(text)).replace("\u2019", "'").replace("\u2013", "-")
    return " ".join(sorted(_PUNCT.sub(" ", s).split()))


def normalise_name_series(names: pd.Series) -> pd.Series:
    """:func:`normalise_name` over a Series (missing stays missing).

    Each distinct name is normalised once and the result mapped back, so a
    name that appears in many rows costs one call; names of ASCII characters
    (nearly all) are normalised together as column operations
    (:func:`_ascii_name_keys`).

    >>> normalise_name_series(pd.Series(["Smith, Jo", None, "Zoë  O'Neil", "!"])).tolist()
    ['jo smith', <NA>, 'neil o zoe', <NA>]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(names.astype("string").array)  # pandas' own Arrow array: no copy
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    encoded = pc.dictionary_encode(cells)  # each distinct name once
    distinct = encoded.dictionary
    ascii_ = pc.string_is_ascii(distinct).to_numpy(zero_copy_only=False)
    keys = np.empty(len(distinct) + 1, dtype=object)  # one more: missing, for the code -1
    keys[np.flatnonzero(ascii_)] = _ascii_name_keys(distinct.filter(pa.array(ascii_)))
    keys[np.flatnonzero(~ascii_)] = [normalise_name(t) for t in
                                     distinct.filter(pa.array(~ascii_)).to_pylist()]
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    out = pd.Series(keys[codes], index=names.index, dtype="string")
    return out.mask(out == "")


def _ascii_name_keys(texts) -> list[str]:
    """:func:`normalise_name` of names of ASCII characters only (an Arrow string array),
    as column operations.

    For ASCII text the steps are plain: lower case; every character but a letter,
    digit or ``_`` is a space (the punctuation ``normalise_name`` blanks, and the
    spaces it splits on); the words sorted (byte order is the order of the
    characters) and joined by one space.

    >>> import pyarrow as pa
    >>> _ascii_name_keys(pa.array(["Smith, Jo", "jo  SMITH", "O'Neil-Brown\tA_b", "", "?!"]))
    ['jo smith', 'jo smith', 'a_b brown neil o', '', '']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(texts):
        return []
    spaced = pc.replace_substring_regex(pc.ascii_lower(texts), r"[^a-z0-9_]+", " ")
    words = pc.split_pattern(spaced, " ")
    word = pc.list_flatten(words)
    name = pc.list_parent_indices(words)
    kept = pc.not_equal(word, "")  # the empty strings before a leading / after a trailing space
    table = pa.table({"name": name.filter(kept), "word": word.filter(kept)})
    table = table.take(pc.sort_indices(table, [("name", "ascending"), ("word", "ascending")]))
    counts = np.bincount(table["name"].to_numpy(), minlength=len(texts))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    sorted_words = pa.ListArray.from_arrays(offsets, table["word"].combine_chunks())
    return pc.binary_join(sorted_words, pa.scalar(" ", type=word.type)).to_pylist()


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` of each distinct value of ``values`` as text, mapped back (missing stays missing).

    A value repeated in many rows costs one call; the result is a ``string`` Series
    on the same index.

    >>> map_distinct(pd.Series(["a", None, "b", "a"]), str.upper).tolist()
    ['A', <NA>, 'B', 'A']
    """
    codes, uniques = pd.factorize(values.astype("string"))
    results = np.array([*map(func, uniques.tolist()), None], dtype=object)
    return pd.Series(results[codes], index=values.index, dtype="string")


def normalise_email_series(emails: pd.Series) -> pd.Series:
    """Emails compared case- and whitespace-insensitively; ``anonymous`` is missing."""
    s = emails.astype("string").str.strip().str.casefold()
    return s.mask(s.isin(["", "anonymous", "nan", "none"]) | ~s.str.contains("@", na=False))
