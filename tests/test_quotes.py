"""evaluate.quotes: which consented quotes the workbooks and the dashboard show."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import load_workbook

from evaluate.quotes import QUOTES_PER_QUESTION, quote_selection, selection_note
from evaluate.report.build import build_report, quotes_note

PROMPT = "What has been the most valuable part?"
SECRET = "Not to be quoted: my manager is the problem"


def many_voices(distinct: int = 60) -> pd.DataFrame:
    """``distinct`` different quotable answers to one question (one of them written by
    three people, one with spaces around it) and one answer that may not be quoted."""
    texts = [f"Answer number {i:02d}" for i in range(distinct)]
    texts += ["Answer number 37", " Answer number 37 "]
    rows = [dict(instrument="post", wave="end", cohort="c1", item="most_valuable",
                 prompt=PROMPT, text=t, quotable=True) for t in texts]
    rows.append(dict(instrument="post", wave="end", cohort="c1", item="most_valuable",
                     prompt=PROMPT, text=SECRET, quotable=False))
    return pd.DataFrame(rows)


def quotable(voices: pd.DataFrame) -> pd.DataFrame:
    return voices[voices["quotable"]].drop(columns=["quotable", "cohort"])


def test_selection_is_capped_fair_and_the_same_every_time():
    quotes = quotable(many_voices())
    chosen = quote_selection(quotes)
    assert len(chosen) == QUOTES_PER_QUESTION
    assert chosen["text"].iloc[0] == "Answer number 37"  # written by most people: first
    assert chosen["n_people"].tolist() == [3] + [1] * (QUOTES_PER_QUESTION - 1)
    assert set(chosen["n_quotable"]) == {62}
    # not the first answers of the alphabet (or of the file)
    first = {f"Answer number {i:02d}" for i in range(QUOTES_PER_QUESTION)}
    assert set(chosen["text"]) != first and set(chosen["text"]) - first
    assert quote_selection(quotes.sample(frac=1, random_state=3)).equals(chosen)
    note = selection_note(chosen)
    assert note.startswith("Of the 62 answers that may be quoted, 27 are here")
    assert "tables/quotes.csv has every one" in note


def test_small_sets_are_shown_whole_and_per_question_and_survey():
    quotes = quotable(many_voices(4))
    other = quotes.assign(wave="baseline", instrument="baseline", item="hopes")
    chosen = quote_selection(pd.concat([quotes, other]))
    assert len(chosen) == 10 and chosen["n_people"].sum() == 12  # 5 different answers each
    assert selection_note(chosen) == ""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("quotes")
    context = {"programme": "P", "voices": many_voices(), "min_group_size": 5}
    return out, build_report({}, context, out), context


def test_workbooks_hold_the_selection_and_the_csv_every_quote(report):
    out, paths, context = report
    with open(out / "tables" / "quotes.csv", newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)]
    assert len(texts) == 62 and SECRET not in texts
    tables = load_workbook(paths["tables"])
    sheet = tables["Quotes"]
    head = int(sheet.freeze_panes[1:]) - 1  # the title and its lines come first
    headings = [c.value for c in sheet[head]]
    assert headings[-2:] == ["Written by (people)", "May be quoted (this question and survey)"]
    assert sheet.max_row == head + QUOTES_PER_QUESTION
    contents = {r[0]: r[1] for r in tables["Contents"].iter_rows(min_row=4, values_only=True)}
    assert "tables/quotes.csv has every one" in contents["Quotes"]
    analysis = load_workbook(paths["analysis"])
    assert analysis["quotes"].max_row == 1 + QUOTES_PER_QUESTION
    readme = " ".join(str(c.value) for c in analysis["README"]["A"] if c.value)
    assert "Of the 62 answers that may be quoted" in readme
    for book in (tables, analysis):
        assert SECRET not in [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert quotes_note(context).startswith("Of the 62 answers that may be quoted")


def test_dashboard_shows_the_same_choice_and_says_how_many_more(report):
    out, paths, _ = report
    html = paths["dashboard"].read_text(encoding="utf-8")
    shown = [f"Answer number {i:02d}" for i in range(60) if f"Answer number {i:02d}<" in html]
    chosen = quote_selection(quotable(many_voices()))
    assert sorted(shown) == sorted(chosen["text"])
    assert "35 other different answers are not shown here; tables/quotes.csv has every one." in html
    assert "written by 3 people" in html and SECRET not in html


def _ranked_by_objects(quotes, keys):
    """ranked_answers as it was: the stripped texts grouped as Python objects."""
    q = quotes.assign(_same=quotes["text"].astype("string").str.strip().astype(object))
    extra = {"prompt": ("prompt", "first")} if "prompt" not in keys else {}
    answers = (q.groupby(keys + ["_same"], sort=True, dropna=False)
               .agg(text=("text", "first"), n_people=("text", "size"), **extra).reset_index())
    answers["n_quotable"] = answers.groupby(keys, dropna=False)["n_people"].transform("sum")
    answers["_order"] = pd.util.hash_pandas_object(answers["_same"], index=False).to_numpy()
    answers = answers.sort_values(keys + ["n_people", "_order"],
                                  ascending=[True] * len(keys) + [False, True], kind="stable")
    for c in ("n_people", "n_quotable"):
        answers[c] = answers[c].astype("int64")
    return answers.drop(columns=["_same", "_order"]).reset_index(drop=True)


@pytest.mark.parametrize("dtype", ["string", "str", object])
def test_ranked_answers_are_those_of_texts_grouped_as_objects(dtype):
    """Grouping the stripped texts as pandas text gives the table grouping them as Python
    objects gave: same groups, order, first texts and pseudo-random order, to the pickle."""
    import pickle

    import numpy as np

    from evaluate.quotes import ranked_answers

    rng = np.random.default_rng(1)
    texts = np.array(["Yes", "Yes ", " yes", "Ünïcode", "b", "a", "", "  ", None, "a, b"],
                     dtype=object)
    q = pd.DataFrame({"instrument": rng.choice(["post", "baseline"], 300),
                      "wave": rng.choice(["end", None], 300),
                      "item": rng.choice(["best", "worst"], 300), "prompt": "Best?",
                      "text": pd.array(texts[rng.integers(0, texts.size, 300)], dtype=dtype)})
    for keys in (["instrument", "wave", "item"], ["instrument", "item", "prompt"]):
        got, want = ranked_answers(q, keys), _ranked_by_objects(q, keys)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert pickle.dumps(got) == pickle.dumps(want)
