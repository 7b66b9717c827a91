"""Personal data found by content, wherever a person put it, and hidden before it is stored.

Masking by column role (the email column, the name column) is not enough:
a heading row deleted by hand makes the first respondent's email a heading,
cells shifted by one column put an email under a question, a network grid
names a cohort member in every heading, someone types a colleague's name or
staff id into a free-text answer. So every string that is stored or
published — headings, answers, problem records, file and sheet names — is
searched for

- email addresses (any, by their pattern),
- the full names on the roster, in any order and case, with or without
  accents ("Smith, Zoë" is "zoe smith"),
- the staff ids on the roster,

and each is replaced: by the person's pseudonymous id where that helps
someone fix the sheet (a grid heading "… [Jo Smith]" becomes "… [P-3f…]"),
otherwise by ``[personal data hidden]``. A first name alone is not searched
for (too many words are also first names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from evaluate.normalise import normalise_label
from evaluate.privacy import HIDDEN

__all__ = ["PersonalData", "EMAIL_PATTERN", "hide_bracketed_names"]

#: An email address anywhere in a text.
EMAIL_PATTERN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_POSSESSIVE = re.compile(r"\w['’]s$")  # a name's possessive ending, hidden with the name
_GAP = re.compile(r"^[\s,]{1,3}$")  # what may stand between the words of one name
_LONGEST_NAME = 4
_ASCII_WORD = r"[A-Za-z0-9]+"  # one word, folded by lower-casing alone


#: The text in the last brackets of a heading ("… [Pat Example]"), where grids name their rows.
_BRACKETED = re.compile(r"\[([^\[\]]{1,120})\]\s*$")
#: Two to four capitalised words of letters: the shape of a person's name.
_NAME_SHAPE = re.compile(r"^(?:[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\s+){1,3}"
                         r"[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*$")


def hide_bracketed_names(values: pd.Series, known: set[str]) -> tuple[pd.Series, pd.Series]:
    """Hide a person-like name in a heading's last brackets, found by its shape alone.

    A name not on the roster cannot be found by the roster, but a grid heading
    shows where one stands: "How often … [Pat Example]". The bracketed text is
    hidden when it is two to four words that each begin with a capital, and is
    not ``known`` (the instrument's item texts, aliases and option labels,
    normalised with :func:`~evaluate.normalise.normalise_label`). Returns the
    values and which were changed.

    >>> out, changed = hide_bracketed_names(pd.Series(["How often? [Pat Example]",
    ...     "How satisfied? [Mental health]", "Rate [Overall Experience]"]),
    ...     {"overall experience"})
    >>> list(out), list(changed)
    (['How often? [[personal data hidden]]', 'How satisfied? [Mental health]', \
'Rate [Overall Experience]'], [True, False, False])
    """
    def hidden(text) -> str | None:
        if not isinstance(text, str):
            return None
        m = _BRACKETED.search(text)
        if m is None:
            return None
        inside = m.group(1).strip()
        if not _NAME_SHAPE.match(inside) or not all(w[0].isupper() for w in inside.split()):
            return None
        if normalise_label(inside) in known:
            return None
        return text[:m.start(1)] + HIDDEN + text[m.end(1):]

    distinct = values.dropna().unique()
    changed = {v: h for v in distinct if (h := hidden(v)) is not None}
    if not changed:
        return values, pd.Series(False, index=values.index)
    mask = values.isin(list(changed)).fillna(False).astype(bool)
    return values.where(~mask, values.map(changed)), mask


@dataclass(frozen=True)
class PersonalData:
    """What to look for, and each person's pseudonymous id.

    ``names`` maps a roster name key (its words normalised and sorted) to
    the participant id; ``emails`` and ``staff`` map normalised emails and
    staff ids likewise.
    """

    names: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)

    def scrub(self, text: str, pseudonym: bool = False) -> tuple[str, bool]:
        """``text`` with personal data replaced, and whether anything was.

        >>> pd_ = PersonalData(names={"jo smith": "P-1"}, emails={"jo@x.org": "P-1"})
        >>> pd_.scrub("Ask Jo Smith (jo@x.org) or smith, jo")
        ('Ask [personal data hidden] ([personal data hidden]) or [personal data hidden]', True)
        >>> pd_.scrub("Jo Smith's team")
        ("[personal data hidden]'s team", True)
        >>> pd_.scrub("How often? [Jo Smith]", pseudonym=True)
        ('How often? [P-1]', True)
        """
        if not isinstance(text, str) or not text:
            return text, False
        found = False

        def email(m: re.Match) -> str:
            nonlocal found
            found = True
            pid = self.emails.get(m.group(0).casefold()) if pseudonym else None
            return pid or HIDDEN

        out = EMAIL_PATTERN.sub(email, text)
        spans = self._name_spans(out) if (self.names or self.staff) else []
        if spans:
            found = True
            pieces, last = [], 0
            for start, end, pid in spans:
                pieces.append(out[last:start])
                pieces.append(pid if pseudonym and pid else HIDDEN)
                last = end
            pieces.append(out[last:])
            out = "".join(pieces)
        return out, found

    def _name_spans(self, text: str) -> list[tuple[int, int, str]]:
        words = []
        for m in _WORD.finditer(text):
            end = m.end() - (2 if _POSSESSIVE.search(m.group(0)) else 0)  # "Jo Smith's team"
            words.append((m.start(), end, normalise_label(text[m.start():end])))
        spans = []
        i = 0
        while i < len(words):
            hit = None
            for width in range(min(_LONGEST_NAME, len(words) - i), 1, -1):
                chunk = words[i:i + width]
                if not all(_GAP.match(text[a[1]:b[0]]) for a, b in pairwise(chunk)):
                    continue
                key = " ".join(sorted(" ".join(w[2] for w in chunk).split()))
                if key in self.names:
                    hit = (chunk[0][0], chunk[-1][1], self.names[key], width)
                    break
            if hit is None and words[i][2] in self.staff:
                hit = (words[i][0], words[i][1], self.staff[words[i][2]], 1)
            if hit is not None:
                spans.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return spans

    def scrub_series(self, values: pd.Series, pseudonym: bool = False) -> tuple[pd.Series, pd.Series]:
        """Scrub each distinct value once; return the values and a mask of those changed."""
        text = values.dropna()
        text = text[text.map(lambda v: isinstance(v, str))] if len(text) else text
        if not len(text):
            return values, pd.Series(False, index=values.index)
        changed_values = self._changed(pd.unique(text.to_numpy(dtype=object)), pseudonym)
        if not changed_values:
            return values, pd.Series(False, index=values.index)
        hit = values.isin(list(changed_values)).fillna(False).astype(bool)
        out = values.copy()
        out[hit] = values[hit].map(changed_values)
        return out, hit

    def _changed(self, distinct, pseudonym: bool) -> dict[str, str]:
        """The distinct strings that :meth:`scrub` changes, each with what it becomes.

        A string of ASCII letters and digits alone (a response id, a number) is
        one word and holds no email or name: it changes only when it is a staff
        id, which is checked for all such strings at once. Every other string
        goes through :meth:`scrub`.
        """
        words = pd.Series(distinct, dtype="string")
        simple = words.str.fullmatch(_ASCII_WORD).fillna(False).to_numpy(dtype=bool)
        changed = {}
        for v in distinct[~simple]:
            out, found = self.scrub(v, pseudonym)
            if found:
                changed[v] = out
        if self.staff and simple.any():
            keys = words[simple].str.lower()
            known = keys.isin(list(self.staff)).to_numpy(dtype=bool)
            for v, key in zip(distinct[simple][known], keys[known], strict=True):
                pid = self.staff[key]
                changed[v] = pid if pseudonym and pid else HIDDEN
        return changed

    def scrub_frame(self, frame: pd.DataFrame, columns: list[str] | None = None,
                    pseudonym: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Scrub the text columns of a frame; return it and a mask of cells changed.

        Each distinct string across all the columns is scrubbed once (a cohort's
        frames are small: what costs is the fixed work per column), then only the
        columns holding a changed string are rewritten, as :meth:`scrub_series`
        rewrites them.
        """
        out = frame.copy()
        mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
        texts = [col for col in (columns if columns is not None else frame.columns)
                 if pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object]
        if not texts or not len(frame):
            return out, mask
        distinct = pd.unique(np.concatenate([frame[col].to_numpy(dtype=object) for col in texts]))
        distinct = np.array([v for v in distinct if isinstance(v, str)], dtype=object)
        changed = self._changed(distinct, pseudonym) if len(distinct) else {}
        if not changed:
            return out, mask
        keys = list(changed)
        for col in texts:
            values = frame[col]
            hit = values.isin(keys).fillna(False).astype(bool)
            if hit.any():
                scrubbed = values.copy()
                scrubbed[hit] = values[hit].map(changed)
                out[col], mask[col] = scrubbed, hit
        return out, mask
