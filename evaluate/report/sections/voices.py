"""Voices: how many answered each open question, the themes, and consented quotes.

Each question shows at most :data:`evaluate.quotes.QUOTES_PER_QUESTION`
different answers, chosen as the workbooks choose them (written by most people
first, then a fixed random choice), and says how many others are in
``tables/quotes.csv``.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report.format import integer, pct
from evaluate.report.page import Page
from evaluate.quotes import QUOTES_PER_QUESTION, ranked_answers
from evaluate.report.table import make_table
from evaluate.words import join_words

__all__ = ["build_voices", "survey_titles"]

QUOTES_SHOWN = 3


def survey_titles(page: Page) -> dict[str, str]:
    """instrument id → its title for people, without the programme's name in front."""
    programme = str(page.context.get("programme") or "")
    out = {}
    for v in page.context.get("instrument_versions") or []:
        ref, title = str(v.get("ref", "")), str(v.get("title") or v.get("ref", ""))
        if programme and title.startswith(programme):
            title = title[len(programme):].lstrip(" –-:").strip()
            title = title[:1].upper() + title[1:]
        out.setdefault(ref.split("@")[0], title)
        out.setdefault(ref, title)
    return out


def _themes(page: Page, titles: dict) -> dict | None:
    themes = page.table("themes")
    if themes is None or not {"prompt", "label", "n_mentions", "share"} <= set(themes.columns):
        return None
    t = themes.copy()
    supp = t["suppressed"].fillna(False).astype(bool) if "suppressed" in t else False
    t = t[~supp & (t["n_mentions"].fillna(0) > 0)]
    rows = []
    keys = [c for c in ("instrument", "item", "prompt") if c in themes.columns]
    for key, block in themes.groupby(keys, sort=True):
        key = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        mask = pd.Series(True, index=t.index)
        for k, v in key.items():
            mask &= t[k] == v
        top = t[mask].sort_values(["share", "label"], ascending=[False, True]).head(3)
        survey = titles.get(str(key.get("instrument", "")), str(key.get("instrument", "")))
        rows.append({
            "question": f"{key.get('prompt', '')} ({survey})",
            "answers": block["n_answers"].max() if "n_answers" in block else None,
            "themes": "; ".join(f"{x.label} {pct(x.share)} ({integer(x.n_mentions)})"
                                for x in top.itertuples(index=False)) or "none often enough to show",
        })
    frame = pd.DataFrame(rows)
    return {"table": make_table(frame, {"question": "Question (survey)", "answers": "Answers",
                                        "themes": "Themes mentioned most"},
                                {"answers": integer}, numeric={"answers"}, suppressed=None,
                                classes=["themes"]),
            "note": ("Share of answers that touch each theme of the programme's list (number "
                     "of answers in brackets); an answer can touch several. Themes mentioned by "
                     f"fewer than {page.min_group_size} people are not shown; every theme is in "
                     "tables.xlsx.")}


def build_voices(page: Page) -> dict:
    """Values for ``sections/voices.html``."""
    voices = page.context.get("voices")
    out = {"missing": "", "counts": None, "themes": None, "groups": [], "no_quotes": ""}
    if not isinstance(voices, pd.DataFrame) or not len(voices):
        out["missing"] = "No free-text answers in this workspace yet."
        return out
    titles = survey_titles(page)
    v = voices.copy()
    for c in ("instrument", "wave", "item", "prompt", "text"):
        if c not in v.columns:
            v[c] = ""
    v["quotable"] = v["quotable"].fillna(False).astype(bool) if "quotable" in v.columns else False
    v["text"] = v["text"].astype("string")
    v = v[v["text"].notna() & (v["text"].str.strip() != "")]
    counts = (v.groupby(["instrument", "item", "prompt"], sort=True, dropna=False)
              .agg(answers=("text", "size"), quotable=("quotable", "sum"),
                   waves=("wave", lambda s: join_words(page.wave(w) for w in page.sorted_waves(s.unique()))))
              .reset_index())
    counts["survey"] = counts["instrument"].map(lambda i: titles.get(str(i), str(i)))
    out["counts"] = make_table(counts, {"prompt": "Question", "survey": "Survey",
                                        "waves": "When asked", "answers": "Answers",
                                        "quotable": "May be quoted"},
                               {"answers": integer, "quotable": integer},
                               numeric={"answers", "quotable"})
    out["themes"] = _themes(page, titles)
    quotes = v[v["quotable"]]
    if not len(quotes):
        out["no_quotes"] = "No one agreed to be quoted, so no quotes are shown."
        return out
    keys = ["instrument", "item", "prompt"]
    for (inst, _item, prompt), block in ranked_answers(quotes, keys).groupby(
            keys, sort=True, dropna=False):
        items = [{"text": t, "said": f"written by {n:,} people" if n > 1 else ""}
                 for t, n in block[["text", "n_people"]].head(QUOTES_PER_QUESTION).itertuples(
                     index=False)]
        left = len(block) - len(items)
        out["groups"].append({
            "prompt": prompt,
            "about": f"{titles.get(str(inst), str(inst))} · {block['n_quotable'].iloc[0]:,} "
                     "may be quoted",
            "shown": items[:QUOTES_SHOWN], "more": items[QUOTES_SHOWN:],
            "left": (f"{left:,} other different answers are not shown here; tables/quotes.csv "
                     "has every one." if left else "")})
    return out
