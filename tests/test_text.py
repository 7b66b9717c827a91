"""Theme counts against a codebook: hand-counted on a tiny example."""

from __future__ import annotations

import pandas as pd

from evaluate.text import load_codebook, theme_counts


def test_theme_counts_by_hand(tmp_path):
    book = tmp_path / "codebook.yaml"
    book.write_text("themes:\n  - id: people\n    label: People\n    patterns: [connect, peer]\n"
                    "  - id: time\n    label: Time\n    patterns: [time]\n", encoding="utf-8")
    voices = pd.DataFrame({
        "instrument": "post", "item": "best", "prompt": "What worked?",
        "text": ["Connecting with peers", "Meeting people", "Not enough time", "connections, and time",
                 "Peer support", "The peer group", "sometimes"],  # "sometimes" is not "time" at a word start
    })
    out = theme_counts(voices, load_codebook(book), min_group_size=2).set_index("theme")
    # people: answers 1, 4, 5, 6 → 4 of 7; time: answers 3, 4 → 2 of 7
    assert out.loc["people", "n_mentions"] == 4 and out.loc["people", "n_answers"] == 7
    assert out.loc["time", "n_mentions"] == 2
    assert out.loc["people", "share"] == 4 / 7
    small = theme_counts(voices, load_codebook(book), min_group_size=3).set_index("theme")
    assert small.loc["time", "suppressed"] and pd.isna(small.loc["time", "n_mentions"])


def test_shipped_codebook_loads():
    book = load_codebook()
    assert len(book) >= 5 and book["theme"].is_unique


def test_repeated_and_accented_answers_count_once_per_person(tmp_path):
    book = tmp_path / "codebook.yaml"
    book.write_text("themes:\n  - id: team\n    label: Team\n    patterns: [équipe, team work]\n",
                    encoding="utf-8")
    texts = ["ÉQUIPE forte", "Team   work", "my équipe", "équipe", "équipe", "équipe", "teamwork",
             "l'équipe", None, "team work"]
    voices = pd.DataFrame({"instrument": "post", "item": "best", "prompt": "What worked?",
                           "text": texts})
    out = theme_counts(voices, load_codebook(book), min_group_size=1).set_index("theme")
    # every answer but "teamwork" (no space) and the missing one; the same text from three
    # people counts three times; case is ignored beyond ASCII, as pandas' str.contains does
    expected = pd.Series(texts, dtype="string").fillna("").str.contains(
        load_codebook(book)["pattern"].iloc[0], case=False, regex=True).sum()
    assert out.loc["team", "n_mentions"] == expected == 8
    assert out.loc["team", "n_answers"] == 10


def test_answers_without_an_instrument_count_nowhere(tmp_path):
    book = tmp_path / "codebook.yaml"
    book.write_text("themes:\n  - id: time\n    label: Time\n    patterns: [time]\n", encoding="utf-8")
    voices = pd.DataFrame({"instrument": pd.array(["post", None, "post", "pre"], dtype="string"),
                           "item": "best", "prompt": "What worked?",
                           "text": ["time", "time", "more time", "time to think"]})
    out = theme_counts(voices, load_codebook(book), min_group_size=1).set_index("instrument")
    # the answer with no instrument is in no prompt's count (as groupby leaves out a missing key)
    assert out.loc["post", "n_mentions"] == 2 and out.loc["post", "n_answers"] == 2
    assert out.loc["pre", "n_mentions"] == 1 and list(out.index) == ["post", "pre"]
