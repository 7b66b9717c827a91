"""The stories of change in a workspace, with their domains and their storytellers' consents.

A story is one response to an instrument that asks ``story`` (``stories@1``
ships one). Its domain of change is the answer to ``story_domain``, filed
under the programme aim whose short name (or title) is the answer's label;
any other label is a domain of its own. Consent decides everything else:

- ``share_consent`` "Yes": the panel may read it. Without it the story is
  counted and nothing more: its words are dropped here, so no later stage
  (panel workbook, dashboard, tables, Word report) can show them.
- ``quote_consent`` "Yes" as well: it may be quoted, without a name.
- ``name_consent`` is counted only: no output names anyone.

Words were already searched for emails and roster names at import
(:mod:`evaluate.scrub`); what the panel writes is searched when it is
recorded (:mod:`evaluate.stories.rounds`).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["STORY_COLUMNS", "COUNT_COLUMNS", "STORY_ITEM", "collect_stories", "story_id",
           "story_counts", "domain_aims"]

#: The item that makes a response a story.
STORY_ITEM = "story"
#: The columns of :func:`collect_stories`.
STORY_COLUMNS = ["story", "cohort", "wave", "instrument", "domain", "domain_title", "title",
                 "text", "significance", "shared", "quotable", "name_consent",
                 "contact_consent"]
#: The columns of :func:`story_counts`.
COUNT_COLUMNS = ["domain", "domain_title", "n_stories", "n_shared", "n_quotable",
                 "n_name_consent", "suppressed"]
OTHER = "other"


def story_id(cohort, wave, instrument, response_id) -> str:
    """A story's id: ``S-`` and 8 hex digits of its cohort, wave, instrument and response id.

    The same export gives the same ids in any workspace (no secret salt is
    involved), so a panel's workbook can be read back into any copy; the id
    says nothing about who wrote the story.

    >>> story_id("c1", "follow_up", "stories", "R_1")
    'S-a9014440'
    """
    key = "|".join(str(v) for v in (cohort, wave, instrument, response_id))
    return "S-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def domain_aims(instrument, programme) -> dict[int, tuple[str, str]]:
    """Answer code → (domain id, title): an aim's id where the label is its short name or title."""
    item = instrument.item("story_domain") if "story_domain" in instrument.item_ids() else None
    if item is None:
        return {}
    options = instrument.response_set_of(item).options
    aims = {}
    for a in getattr(programme, "aims", ()) or ():
        for name in (a.short, a.title):
            if name:
                aims[name.strip().casefold()] = (a.id, a.short or a.title)
    out = {}
    for code, label in options:
        out[int(code)] = aims.get(str(label).strip().casefold(),
                                  (OTHER if str(label).strip().casefold() in (
                                      "something else", "other") else _slug(label), str(label)))
    return out


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(label).casefold()).strip("_") or OTHER


def _yes(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return (pd.to_numeric(frame[column], errors="coerce") == 1).to_numpy(dtype=bool)


def _words(frame: pd.DataFrame, column: str, shared: np.ndarray) -> np.ndarray:
    """A text column, with nothing where the story is not shared (its words stop here)."""
    values = (frame[column].astype("string") if column in frame.columns
              else pd.Series(pd.NA, index=frame.index, dtype="string"))
    return values.where(shared).to_numpy()


def collect_stories(ws, *, responses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every story programme participants told, with its domain and consents.

    Parameters
    ----------
    ws : Workspace
    responses : DataFrame, optional
        ``ws.responses()`` when the caller has read them already.

    Returns
    -------
    DataFrame
        :data:`STORY_COLUMNS`, one row per story with words in ``story``:
        ``story`` (id, see :func:`story_id`), ``cohort, wave, instrument``,
        ``domain`` (aim id, or the domain's own id) and ``domain_title``,
        ``title, text, significance`` (missing unless ``shared``),
        ``shared, quotable, name_consent, contact_consent`` (bool).
        Comparison-group members' answers are left out. Sorted by domain,
        cohort, wave and id.
    """
    from evaluate.errors import EvaluateError
    from evaluate.roster import split_by_group

    if responses is None:
        responses = ws.responses()
    try:
        programme = ws.programme()
    except EvaluateError:
        programme = None
    parts = []
    ids = (responses["instrument"].astype("string").str.partition("@")[0]
           if "instrument" in responses else None)
    versions = (pd.to_numeric(responses["instrument_version"], errors="coerce")
                if "instrument_version" in responses else None)
    for _ref, inst in sorted(ws.instruments().items()):
        if STORY_ITEM not in inst.item_ids() or ids is None:
            continue
        mine = (ids == inst.id).fillna(False)
        if versions is not None:
            mine &= (versions == inst.version).fillna(False)
        mine = responses[mine.to_numpy(dtype=bool)]
        mine, _ = split_by_group(mine.reset_index(drop=True), ws.roster())
        if mine.empty or STORY_ITEM not in mine.columns:
            continue
        text = mine[STORY_ITEM].astype("string")
        mine = mine[(text.notna() & (text.str.strip() != "")).to_numpy(dtype=bool)]
        if mine.empty:
            continue
        domains = domain_aims(inst, programme)
        codes = pd.to_numeric(mine["story_domain"], errors="coerce") if (
            "story_domain" in mine.columns) else pd.Series(np.nan, index=mine.index)
        known = codes.isin(list(domains))
        domain = codes.map({c: d for c, (d, _) in domains.items()}).where(
            known, np.where(codes.isna(), "unstated", OTHER))
        title = codes.map({c: t for c, (_, t) in domains.items()}).where(
            known, np.where(codes.isna(), "Domain not stated", "Something else"))
        shared = _yes(mine, "share_consent")
        quotable = shared & _yes(mine, "quote_consent")

        # the export's response id, or (a sheet without one) the spreadsheet row
        rid = mine["response_id"].astype("string") if "response_id" in mine.columns else (
            pd.Series(pd.NA, index=mine.index, dtype="string"))
        rid = rid.fillna("row " + mine["source_row"].astype("string")) if (
            "source_row" in mine.columns) else rid
        story_ids = [story_id(c, w, inst.id, r) for c, w, r in zip(
            mine["cohort"], mine["wave"], rid, strict=True)]
        parts.append(pd.DataFrame({
            "story": story_ids, "cohort": mine["cohort"].astype(str).to_numpy(),
            "wave": mine["wave"].astype(str).to_numpy(), "instrument": inst.id,
            "domain": domain.to_numpy(), "domain_title": title.to_numpy(),
            "title": _words(mine, "story_title", shared),
            "text": _words(mine, STORY_ITEM, shared),
            "significance": _words(mine, "story_significance", shared),
            "shared": shared, "quotable": quotable,
            "name_consent": shared & _yes(mine, "name_consent"),
            "contact_consent": _yes(mine, "follow_up_consent")}))
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="bool" if c in (
            "shared", "quotable", "name_consent", "contact_consent") else "string")
            for c in STORY_COLUMNS})
        return out
    out = pd.concat(parts, ignore_index=True)
    for c in ("title", "text", "significance"):
        out[c] = out[c].astype("string")
    return out.sort_values(["domain", "cohort", "wave", "story"], ignore_index=True)[STORY_COLUMNS]


def story_counts(stories: pd.DataFrame, *, min_group_size: int = 5) -> pd.DataFrame:
    """How many stories were told in each domain, shared with the panel and quotable.

    Returns :data:`COUNT_COLUMNS`, one row per domain and a last row
    ``domain="all"``. Counts from 1 to ``min_group_size - 1`` are suppressed
    (missing, ``suppressed`` true), as for themes; the totals row is not,
    unless the total itself is small.

    >>> s = pd.DataFrame({"domain": ["aim1"] * 6, "domain_title": "System leadership",
    ...                   "shared": [True] * 5 + [False], "quotable": [True] * 2 + [False] * 4,
    ...                   "name_consent": False})
    >>> story_counts(s)[["domain", "n_stories", "n_shared", "n_quotable"]].values.tolist()
    [['aim1', 6.0, 5.0, nan], ['all', 6.0, 5.0, nan]]
    """
    if stories is None or stories.empty:
        return pd.DataFrame({c: pd.Series(dtype="bool" if c == "suppressed" else (
            "float64" if c.startswith("n_") else "string")) for c in COUNT_COLUMNS})
    flags = stories.assign(n_stories=1, n_shared=stories["shared"].astype(int),
                           n_quotable=stories["quotable"].astype(int),
                           n_name_consent=stories["name_consent"].astype(int))
    counts = ["n_stories", "n_shared", "n_quotable", "n_name_consent"]
    by = flags.groupby(["domain", "domain_title"], sort=True)[counts].sum().reset_index()
    total = pd.DataFrame([{"domain": "all", "domain_title": "All domains",
                           **{c: int(flags[c].sum()) for c in counts}}])
    out = pd.concat([by, total], ignore_index=True)
    values = out[counts].astype("float64")
    small = (values > 0) & (values < min_group_size)
    out[counts] = values.mask(small)
    out["suppressed"] = small.any(axis=1).to_numpy(dtype=bool)
    return out[COUNT_COLUMNS]
