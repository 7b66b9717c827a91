"""The nearest roster names to a name that is not on the roster, at bounded cost.

An import that names people who are not on the roster (a misspelling in a
network answer, a column heading naming someone) tells the person running it
which roster names it may have meant. Comparing each unknown name with every
roster name costs (unknown names × roster size) string comparisons: at
organisational scale that is minutes. :class:`NameIndex` keeps the work per
unknown name bounded whatever the roster size:

1. every roster name key is cut into character trigrams (``" jo"``, ``"jo "``,
   …), held in an inverted index (trigram → positions, as NumPy arrays);
2. the candidates for a name are the roster names sharing most trigrams with
   it, at most :data:`CANDIDATES` of them (counted in one vectorised pass);
3. only those candidates are scored with ``rapidfuzz.fuzz.ratio`` (the
   normalised insertion/deletion similarity, the measure ``difflib``'s ratio
   approximates), on the name key (words sorted, so "Smith, Jo" is "Jo Smith")
   and on the name in the order written (a slip in a first letter moves a word
   in the sorted key: "Green-aTylor"), keeping the better; the best ``n`` at or
   above the cutoff are returned;
4. when none is close enough, the first roster names sharing a whole word
   (a first name or surname) are suggested, as before.

A misspelling keeps most of a name's trigrams, so the name meant is among the
candidates; ``tests/test_roster.py`` checks the suggestions on misspellings
against those of ``difflib`` and that the work per name does not grow with the
roster.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from evaluate.normalise import normalise_label, normalise_name

__all__ = ["NameIndex", "CANDIDATES"]

#: At most this many roster names are scored for one unknown name.
CANDIDATES = 200


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class NameIndex:
    """Roster name keys indexed for :meth:`nearest`.

    Parameters
    ----------
    keys
        Normalised name keys (:func:`evaluate.normalise.normalise_name`), in
        roster order; a repeated key is kept once, at its first place.
    display
        The name as written on the roster, one per key: what a suggestion shows.

    Attributes
    ----------
    comparisons : int
        Roster names scored so far (the work done; bounded by
        ``CANDIDATES`` per call of :meth:`nearest`).
    queries : int
        Calls of :meth:`nearest` so far.

    Examples
    --------
    >>> index = NameIndex(["jo smith", "ann lee", "briain o zoe"],
    ...                   ["Jo Smith", "Ann Lee", "Zoë Ó Briain"])
    >>> index.nearest("Jon Smyth")
    ['Jo Smith']
    >>> index.nearest("Zoe Bryan")
    ['Zoë Ó Briain']
    """

    def __init__(self, keys: Sequence[str], display: Sequence[str]):
        first: dict[str, str] = {}
        for key, shown in zip(keys, display, strict=True):
            if key and key not in first:
                first[key] = shown
        self.keys = list(first)
        self.display = [str(v) for v in first.values()]
        self.written = [" ".join(normalise_label(v).split()) for v in self.display]
        self.comparisons = 0
        self.queries = 0
        gram_of: dict[str, int] = {}
        grams: list[int] = []
        owners: list[int] = []
        words: dict[str, list[int]] = {}
        for pos, key in enumerate(self.keys):
            for g in _trigrams(key):
                grams.append(gram_of.setdefault(g, len(gram_of)))
                owners.append(pos)
            for word in set(key.split()):
                words.setdefault(word, []).append(pos)
        grams_arr = np.asarray(grams, dtype=np.int64)
        order = np.argsort(grams_arr, kind="stable")
        self._postings = np.asarray(owners, dtype=np.int64)[order]
        self._starts = np.searchsorted(grams_arr[order], np.arange(len(gram_of) + 1))
        self._gram_of = gram_of
        self._words = words  # positions in roster order

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(self, key: str) -> np.ndarray:
        """Positions of the roster names sharing most trigrams with ``key`` (≤ CANDIDATES),
        in roster order."""
        ids = [self._gram_of[g] for g in _trigrams(key) if g in self._gram_of]
        if not ids:
            return np.empty(0, dtype=np.int64)
        hits = np.concatenate([self._postings[self._starts[i]:self._starts[i + 1]] for i in ids])
        counts = np.bincount(hits, minlength=len(self.keys))
        found = np.flatnonzero(counts)
        if len(found) > CANDIDATES:
            found = np.sort(found[np.argsort(-counts[found], kind="stable")[:CANDIDATES]])
        return found

    def nearest(self, name: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Up to ``n`` roster names (as written) nearest to ``name``, best first.

        Names scoring at least ``cutoff`` (0–1) on ``rapidfuzz.fuzz.ratio`` come
        first; if there are none, the first roster names sharing a word with
        ``name``. Empty when nothing is near.
        """
        self.queries += 1
        key = normalise_name(name)
        if not key or not self.keys:
            return []
        found = self.candidates(key)
        self.comparisons += len(found)
        if len(found):
            written = " ".join(normalise_label(name).split())
            score = np.maximum(
                process.cdist([key], [self.keys[i] for i in found], scorer=fuzz.ratio)[0],
                process.cdist([written], [self.written[i] for i in found], scorer=fuzz.ratio)[0])
            order = np.argsort(-score, kind="stable")[:n]
            best = [int(found[i]) for i in order if score[i] >= cutoff * 100]
            if best:
                return [self.display[p] for p in best]
        shared = sorted({p for word in set(key.split()) for p in self._words.get(word, [])[:n]})
        return [self.display[p] for p in shared[:n]]
