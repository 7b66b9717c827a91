"""Which consented quotes a reader is shown: a fair selection that is the same every time.

Every free-text answer whose author agreed to be quoted is written to
``tables/quotes.csv``. Workbooks and the dashboard are read, not searched, so
they show, for each question, at most a fixed number of *different* answers:
those written by most people first, then the others in a fixed pseudo-random
order (a hash of the text). The same workspace always shows the same answers,
and no answer is favoured by where it falls in the alphabet or in the file.
Identical answers (ignoring spaces at either end) are shown once, with how
many people wrote them. Who may be quoted is decided before this
(:func:`evaluate.analysis.voices`): nothing here widens it.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["QUOTES_PER_QUESTION", "SELECTION_COLUMNS", "ranked_answers", "quote_selection",
           "selection_note"]

#: Different answers the workbooks show per question and survey.
QUOTES_PER_QUESTION = 25
#: The columns of :func:`quote_selection`.
SELECTION_COLUMNS = ["instrument", "wave", "item", "prompt", "text", "n_people", "n_quotable"]


def ranked_answers(quotes: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The different answers per group of ``keys``, in the order they are shown.

    Returns the first ``keys`` value columns, ``prompt`` (when present),
    ``text`` (as first written), ``n_people`` (people who wrote it) and
    ``n_quotable`` (quotable answers in the group); within a group the answers
    written by most people come first, then a fixed pseudo-random order.

    Examples
    --------
    >>> q = pd.DataFrame({"item": ["a"] * 4, "text": ["Yes", "No", "Yes ", "Maybe"]})
    >>> ranked_answers(q, ["item"])[["text", "n_people", "n_quotable"]].values.tolist()[0]
    ['Yes', 2, 4]
    """
    keys = [k for k in keys if k in quotes.columns]
    # grouped by the stripped texts as pandas text; made Python objects only once per
    # answer for the pseudo-random order (a national cohort's 200,000 texts were each made one)
    q = quotes.assign(_same=quotes["text"].astype("string").str.strip())
    extra = {"prompt": ("prompt", "first")} if "prompt" in q.columns and "prompt" not in keys else {}
    answers = (q.groupby(keys + ["_same"], sort=True, dropna=False)
               .agg(text=("text", "first"), n_people=("text", "size"), **extra).reset_index())
    answers["n_quotable"] = (answers.groupby(keys, dropna=False)["n_people"].transform("sum")
                             if keys else answers["n_people"].sum())
    answers["_order"] = pd.util.hash_pandas_object(answers["_same"].astype(object),
                                                   index=False).to_numpy()
    answers = answers.sort_values(keys + ["n_people", "_order"],
                                  ascending=[True] * len(keys) + [False, True], kind="stable")
    for c in ("n_people", "n_quotable"):
        answers[c] = answers[c].astype("int64")
    return answers.drop(columns=["_same", "_order"]).reset_index(drop=True)


def quote_selection(quotes: pd.DataFrame, per_question: int = QUOTES_PER_QUESTION
                    ) -> pd.DataFrame:
    """Up to ``per_question`` different answers per question and survey (see the module).

    ``quotes`` has the columns of the report's ``quotes`` table (``instrument,
    wave, item, prompt, text``); the result has :data:`SELECTION_COLUMNS`.

    Examples
    --------
    >>> q = pd.DataFrame({"instrument": "post", "wave": "end", "item": "best", "prompt": "Best?",
    ...                   "text": [f"answer {i}" for i in range(30)] + ["answer 7"]})
    >>> chosen = quote_selection(q, per_question=5)
    >>> len(chosen), chosen[["text", "n_people", "n_quotable"]].values.tolist()[0]
    (5, ['answer 7', 2, 31])
    """
    if not len(quotes) or "text" not in quotes.columns:
        return pd.DataFrame(columns=[c for c in SELECTION_COLUMNS if c in quotes.columns
                                     or c in ("n_people", "n_quotable")])
    keys = [k for k in ("instrument", "item", "wave") if k in quotes.columns]
    answers = ranked_answers(quotes, keys)
    chosen = answers.groupby(keys, sort=False, dropna=False).head(per_question) if keys else (
        answers.head(per_question))
    return chosen[[c for c in SELECTION_COLUMNS if c in chosen.columns]].reset_index(drop=True)


def selection_note(selection: pd.DataFrame, *, per_question: int = QUOTES_PER_QUESTION,
                   where: str = "tables/quotes.csv") -> str:
    """What a :func:`quote_selection` leaves out, in a sentence ('' when every answer is in it).

    >>> q = pd.DataFrame({"item": ["a"] * 3, "text": ["x", "y", "z"]})
    >>> selection_note(quote_selection(q, 3), per_question=3)
    ''
    >>> selection_note(quote_selection(q, 2), per_question=2)
    'Of the 3 answers that may be quoted, 2 are here: up to 2 different answers to each question and survey, those written by most people first, then a fixed random choice; tables/quotes.csv has every one.'
    """
    if not len(selection) or "n_quotable" not in selection.columns:
        return ""
    keys = [k for k in ("instrument", "item", "wave") if k in selection.columns]
    n_quotes = int(selection.groupby(keys, dropna=False)["n_quotable"].first().sum()
                   if keys else selection["n_quotable"].iloc[0])
    shown = int(selection["n_people"].sum())
    if shown == n_quotes:
        return ""
    return (f"Of the {n_quotes:,} answers that may be quoted, {shown:,} are here: up to "
            f"{per_question} different answers to each question and survey, those written by "
            f"most people first, then a fixed random choice; {where} has every one.")
