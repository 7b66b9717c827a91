"""A table claim drawn from the ledger's figures, and chart hover values, from plain lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.claims.displays import HEADING_ROW, WORDS
from evaluate.report.figures import _hover
from evaluate.report.table import table_from_claim


def _figures(dtype) -> pd.DataFrame:
    rows = [  # claim_id, figure, shown, unit, row
        ("table:a", "who", "Group", WORDS, HEADING_ROW), ("table:a", "n", "People", WORDS, HEADING_ROW),
        ("table:a", "who", "Cohort 2", WORDS, 2), ("table:a", "n", "7", "people", 2),
        ("table:a", "who", "Cohort 1", WORDS, 1), ("table:a", "n", "suppressed (under 5)", "people", 1),
        ("table:a", "mean", "3.2", "points", -1),  # a figure of the claim, not a cell
        ("table:b", "who", "Other", WORDS, HEADING_ROW), ("table:b", "who", "x", WORDS, 1),
        (np.nan, "who", "lost", WORDS, 1)]
    frame = pd.DataFrame(rows, columns=["claim_id", "figure", "shown", "unit", "row"])
    return frame.astype({c: dtype for c in ("claim_id", "figure", "shown", "unit")})


@pytest.mark.parametrize("dtype", [object, "str", "string"])
def test_a_claims_table_holds_its_own_cells_in_row_order(dtype):
    table = table_from_claim({"claim_id": "table:a", "title": "Groups", "note": "A note."},
                             _figures(dtype))
    assert [(c.key, c.heading, c.numeric) for c in table.columns] == [
        ("who", "Group", False), ("n", "People", True)]
    assert [(r.cells, r.suppressed) for r in table.rows] == [
        (("Cohort 1", "suppressed (under 5)"), True), (("Cohort 2", "7"), False)]
    assert (table.caption, table.more) == ("Groups", "A note.")


def test_hover_values_are_the_cells_with_a_dash_for_missing():
    data = pd.DataFrame({"n": [3, 4], "mean": [1.5, np.nan], "who": pd.Series(["a", None], dtype="str"),
                         "maybe": pd.array([1, None], dtype="Int64")})
    custom, lines = _hover(data, ["n", "mean", "who", "maybe"])
    expected = data.astype(object).where(data.notna(), "—").to_numpy()
    assert custom.tolist() == expected.tolist() == [[3, 1.5, "a", 1], [4, "—", "—", "—"]]
    assert [type(v) for v in custom[0]] == [type(v) for v in expected[0]]
    assert lines == ("<br>n: %{customdata[0]}<br>mean: %{customdata[1]}<br>who: %{customdata[2]}"
                     "<br>maybe: %{customdata[3]}")
    assert data["mean"].isna().sum() == 1  # the data are not changed


def test_a_sections_claims_are_picked_once_and_each_caller_gets_its_own_frame():
    from evaluate.report.page import Page

    claims = pd.DataFrame({"claim_id": ["a", "b", "c"], "section": ["overview", "methods", "overview"],
                           "order": [2, 1, 1], "text": ["A", "B", "C"]})
    page = Page(results={"claims": claims}, context={})
    first = page.claims("overview")
    assert first["claim_id"].tolist() == ["c", "a"]
    first["text"] = "changed by one caller"
    assert page.claims("overview")["text"].tolist() == ["C", "A"]
    assert page.claims("methods")["claim_id"].tolist() == ["b"]
    assert page.claims("nothing").empty and len(page.claims()) == 3
