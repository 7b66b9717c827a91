"""Free-text answers summarised against a codebook of themes.

Counts only: how many answers to each prompt touch each theme. Quotes are the
report's business, and only for people who agreed to be quoted.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.errors import InstrumentError
from evaluate.inputs import load_yaml
from evaluate.instruments import default_instrument_dir

__all__ = ["load_codebook", "theme_counts"]

THEME_COLUMNS = ["instrument", "item", "prompt", "theme", "label", "n_mentions", "n_answers",
                 "share", "suppressed"]


def load_codebook(path: str | Path | None = None) -> pd.DataFrame:
    """Themes as a table: ``theme, label, pattern`` (one regular expression per theme)."""
    path = Path(path) if path else default_instrument_dir() / "codebook.yaml"
    if not os.path.lexists(path):
        return pd.DataFrame(columns=["theme", "label", "pattern"])
    shown = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
    doc = load_yaml(path, what="codebook", shown=shown) or {}
    themes = doc.get("themes") if isinstance(doc, dict) else None
    if not isinstance(themes, (list, type(None))) or not isinstance(doc, dict):
        raise InstrumentError(f"{shown}: a codebook is a mapping with themes: and a list of "
                              "themes under it — see the codebook.yaml shipped in instruments/")
    rows = []
    for n, theme in enumerate(themes or [], start=1):
        if not isinstance(theme, dict) or not theme.get("id") or not isinstance(
                theme.get("patterns"), list) or not theme["patterns"]:
            raise InstrumentError(f"{shown}: theme {n} needs an id and a list of patterns")
        words = [str(p) for p in theme["patterns"]]
        pattern = r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"
        rows.append({"theme": str(theme["id"]), "label": str(theme.get("label") or theme["id"]),
                     "pattern": pattern})
    return pd.DataFrame(rows, columns=["theme", "label", "pattern"])


def theme_counts(voices: pd.DataFrame, codebook: pd.DataFrame, *, min_group_size: int = 5
                 ) -> pd.DataFrame:
    """How many answers to each prompt mention each theme.

    Parameters
    ----------
    voices : DataFrame
        ``instrument, item, prompt, text`` (see :func:`evaluate.analysis.voices`).
    codebook : DataFrame
        From :func:`load_codebook`.
    min_group_size : int
        Mention counts from 1 to ``min_group_size - 1`` are suppressed.

    Returns
    -------
    DataFrame with columns ``instrument, item, prompt, theme, label,
    n_mentions, n_answers, share, suppressed``; one row per prompt and theme.
    Each theme is a case-insensitive match on word starts (Python's ``re``,
    as ``Series.str.contains(case=False)``); an answer counts once per theme.
    Each distinct answer is searched once, however many people gave it.
    """
    if voices.empty or codebook.empty:
        return pd.DataFrame(columns=THEME_COLUMNS)
    codes, distinct = pd.factorize(voices["text"].astype("string").fillna(""))
    distinct = [str(t) for t in distinct]
    keys = ["instrument", "item", "prompt"]
    # each answer's prompt numbered once, not grouped again by three text columns for every
    # theme (a national cohort has ~430,000 answers); a missing key is left out, as groupby does
    grouped = voices.groupby(keys, sort=True)
    answers = grouped.size().rename("n_answers")
    prompt_of = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    counted = prompt_of >= 0
    parts = []
    for theme in codebook.itertuples():
        search = re.compile(theme.pattern, flags=re.IGNORECASE).search
        found = np.fromiter((search(t) is not None for t in distinct), dtype=bool, count=len(distinct))
        counts = pd.Series(np.bincount(prompt_of[counted], weights=found[codes][counted],
                                       minlength=len(answers)).astype(np.int64),
                           index=answers.index, name="n_mentions")
        part = pd.concat([counts, answers], axis=1).reset_index()
        part["theme"], part["label"] = theme.theme, theme.label
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["n_mentions"] = out["n_mentions"].astype("float64")
    out["share"] = out["n_mentions"] / out["n_answers"]
    small = (out["n_mentions"] > 0) & (out["n_mentions"] < min_group_size)
    out.loc[small, ["n_mentions", "share"]] = float("nan")
    out["suppressed"] = small.to_numpy(dtype=bool)
    return out[THEME_COLUMNS].sort_values(["instrument", "item", "theme"], ignore_index=True)
