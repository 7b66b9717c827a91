"""Voices: the counts around participants' free-text answers, as claims.

The quotes themselves are participants' words, shown exactly as written and
never in the ledger; every number around them is a figure with its source
row: how many may be quoted and how many other answers are not shown, per
question (``quotes:voices:INSTRUMENT:ITEM``, with the figures
``n_quotable``, ``n_more`` — the answers behind "more" — and ``n_left``), how
many people wrote a quote (``said:voices:INSTRUMENT:ITEM:RANK``, "written by
12 people"), the themes mentioned most (``table:voices:themes``, each share
and count a figure of its row, and ``note:voices:themes``) and how many
answered each open question (``table:voices:counts``).

The answers come from the report context's ``voices`` (one row per answer:
instrument, wave, item, prompt, text, quotable); the table name ``voices``
in the figures' sources means those answers.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.quotes import QUOTES_PER_QUESTION, ranked_answers
from evaluate.words import integer, join_words, pct

__all__ = ["voices_displays", "answers", "quote_groups", "survey_titles", "QUOTES_SHOWN",
           "COUNTS", "THEMES", "THEMES_NOTE", "group_id", "said_id"]

#: Quotes shown open per question; the others (up to ``QUOTES_PER_QUESTION``) behind "more".
QUOTES_SHOWN = 3
COUNTS = "table:voices:counts"
THEMES = "table:voices:themes"
THEMES_NOTE = "note:voices:themes"
_KEYS = ["instrument", "item", "prompt"]


def group_id(instrument, item) -> str:
    return f"quotes:voices:{instrument}:{item}"


def said_id(instrument, item, rank: int) -> str:
    return f"said:voices:{instrument}:{item}:{rank}"


def survey_titles(context: Mapping) -> dict[str, str]:
    """instrument id → its title for people, without the programme's name in front."""
    programme = str(context.get("programme") or "")
    out = {}
    for v in context.get("instrument_versions") or []:
        ref, title = str(v.get("ref", "")), str(v.get("title") or v.get("ref", ""))
        if programme and title.startswith(programme):
            title = title[len(programme):].lstrip(" –-:").strip()
            title = title[:1].upper() + title[1:]
        out.setdefault(ref.split("@")[0], title)
        out.setdefault(ref, title)
    return out


def answers(voices) -> pd.DataFrame | None:
    """The non-empty answers, with ``quotable`` a bool (None without answers)."""
    if not isinstance(voices, pd.DataFrame) or not len(voices):
        return None
    v = voices.copy()
    for c in ("instrument", "wave", "item", "prompt", "text"):
        if c not in v.columns:
            v[c] = ""
    v["quotable"] = v["quotable"].fillna(False).astype(bool) if "quotable" in v.columns else False
    v["text"] = v["text"].astype("string")
    v = v[v["text"].notna() & (v["text"].str.strip() != "")]
    return v if len(v) else None


def quote_groups(v: pd.DataFrame) -> list[tuple[tuple, pd.DataFrame]]:
    """Per question (instrument, item, prompt), the quotable answers in the order shown, at most
    ``QUOTES_PER_QUESTION``, with ``n_people`` and ``n_quotable``; and how many were left."""
    quotes = v[v["quotable"]]
    if not len(quotes):
        return []
    return [(key, block) for key, block in ranked_answers(quotes, _KEYS).groupby(
        _KEYS, sort=True, dropna=False)]


def _counts(led, ctx: Context, v: pd.DataFrame, titles: dict) -> None:
    counts = (v.groupby(_KEYS, sort=True, dropna=False)
              .agg(answers=("text", "size"), quotable=("quotable", "sum"),
                   waves=("wave", lambda s: join_words(ctx.wave(w) for w in ctx.sorted_waves(s.unique()))))
              .reset_index())
    counts["survey"] = counts["instrument"].map(lambda i: titles.get(str(i), str(i)))
    add_table(led, COUNTS, section="voices", source_table="voices", key=_KEYS, frame=counts,
              caption="Answers to each open question, and how many may be quoted",
              columns={"prompt": "Question", "survey": "Survey", "waves": "When asked",
                       "answers": "Answers", "quotable": "May be quoted"},
              formats={"answers": integer, "quotable": integer},
              units={"answers": "answers", "quotable": "answers"},
              numeric={"answers", "quotable"},
              sources={"survey": ("instrument_versions", "title"), "waves": ("voices", "wave"),
                       "answers": ("voices", "rows"), "quotable": ("voices", "quotable")})


def _top_themes(t: pd.DataFrame, keys: list[str], n: int = 3) -> dict[tuple, list]:
    """Each question's ``n`` themes of largest share (ties by label), as rows of ``t``:
    one sort for every question instead of a sort per question."""
    top = t.sort_values(["share", "label"], ascending=[False, True]).groupby(keys).head(n)
    out: dict[tuple, list] = {}
    for x in top.itertuples(index=False):
        out.setdefault(tuple(getattr(x, k) for k in keys), []).append(x)
    return out


def _themes(led, ctx: Context, titles: dict) -> None:
    themes = ctx.table("themes")
    if themes is None or not {"prompt", "label", "n_mentions", "share"} <= set(themes.columns):
        return
    supp = themes["suppressed"].fillna(False).astype(bool) if "suppressed" in themes else False
    t = themes[~supp & (themes["n_mentions"].fillna(0) > 0)]
    keys = [c for c in ("instrument", "item", "prompt") if c in themes.columns]
    tops = _top_themes(t, keys)
    rows = []
    for key, block in themes.groupby(keys, sort=True):
        key = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        where = "; ".join(f"{k}={val}" for k, val in key.items())
        said = []
        for x in tops.get(tuple(key.values()), []):
            f = led.figures_of(THEMES, "themes", f"{where}; label={x.label}")
            share = f(f"share:{where}:{x.label}", x.share, pct(x.share), "percent", n=x.n_mentions)
            n = f(f"n_mentions:{where}:{x.label}", x.n_mentions, integer(x.n_mentions), "answers")
            said.append(f"{x.label} {share} ({n})")
        survey = titles.get(str(key.get("instrument", "")), str(key.get("instrument", "")))
        rows.append({**key, "question": f"{key.get('prompt', '')} ({survey})",
                     "answers": block["n_answers"].max() if "n_answers" in block else None,
                     "themes": "; ".join(said) or "none often enough to show"})
    add_table(led, THEMES, section="voices", source_table="themes", key=keys,
              frame=pd.DataFrame(rows), caption="The themes each open question's answers "
              "mention most: share of answers (number of answers)",
              columns={"question": "Question (survey)", "answers": "Answers",
                       "themes": "Themes mentioned most"},
              formats={"answers": integer}, units={"answers": "answers"}, numeric={"answers"},
              sources={"answers": ("themes", "n_answers"),
                       "themes": ("themes", "label, share, n_mentions")})
    f = led.figures_of(THEMES_NOTE, "settings", "min_group_size")
    m = f("min_group_size", ctx.min_group_size, integer(ctx.min_group_size), "people")
    led.add(claim_id=THEMES_NOTE, section="voices", kind="note", title="Themes",
            text=("Share of answers that touch each theme of the programme's list (number of "
                  "answers in brackets); an answer can touch several. Themes mentioned by fewer "
                  f"than {m} people are not shown; every theme is in tables.xlsx."),
            source_table="themes", source_key="every theme")


def _quotes(led, v: pd.DataFrame, titles: dict) -> None:
    for (inst, item, prompt), block in quote_groups(v):
        cid = group_id(inst, item)
        key = f"instrument={inst}; item={item}; quotable=true"
        f = led.figures_of(cid, "voices", key)
        shown = block.head(QUOTES_PER_QUESTION)
        n_q = f("n_quotable", block["n_quotable"].iloc[0], integer(block["n_quotable"].iloc[0]),
                "answers")
        more = max(len(shown) - QUOTES_SHOWN, 0)
        if more:
            f("n_more", more, integer(more), "different answers")
        left = len(block) - len(shown)
        note = ""
        if left:
            note = (f"{f('n_left', left, integer(left), 'different answers')} other different "
                    "answers are not shown here; tables/quotes.csv has every one.")
        led.add(claim_id=cid, section="voices", kind="note", title=str(prompt),
                text=f"{titles.get(str(inst), str(inst))} · {n_q} may be quoted", note=note,
                source_table="voices", source_key=key)
        for rank, n in enumerate(shown["n_people"].tolist()):
            if n > 1:
                sid = said_id(inst, item, rank)
                g = led.figures_of(sid, "voices", f"{key}; answer={rank + 1} of those shown")
                led.add(claim_id=sid, section="voices", kind="note", title=str(prompt),
                        text=f"written by {g('n_people', n, integer(n), 'people')} people",
                        source_table="voices", source_key=key)


def voices_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The voices section's counts, themes and quotes' counts (skipped without answers)."""
    v = answers((context or {}).get("voices"))
    ctx = Context(results, context)
    titles = survey_titles(context or {})
    if v is not None:
        _counts(led, ctx, v, titles)
        _quotes(led, v, titles)
    _themes(led, ctx, titles)
