"""Scale scoring: reverse keying, minimum items answered, prorated sums, then-scales."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument, Item, ResponseSet, Scale, resolve
from evaluate.scoring import (
    codes_of,
    item_range,
    keyed_codes,
    keyed_items,
    reverse_key,
    scales_to_score,
    score_scales,
)

AGREE5 = ResponseSet("agree5", tuple((i, str(i)) for i in range(1, 6)))


def _instrument(scoring: str = "mean", with_then: bool = True) -> Instrument:
    items = [
        Item("a", "A", "likert", "agree5"),
        Item("b", "B", "likert", "agree5"),
        Item("c", "C (reverse worded)", "likert", "agree5", reverse=True),
        Item("n", "Hours", "number", minimum=0, maximum=40),
    ]
    if with_then:
        items += [Item("then_a", "Then A", "likert", "agree5", then_of="a"),
                  Item("then_b", "Then B", "likert", "agree5", then_of="b"),
                  Item("then_c", "Then C", "likert", "agree5", then_of="c")]
    return Instrument(
        id="t", version=1, title="T", wave="end", items=tuple(items),
        response_sets={"agree5": AGREE5},
        scales=(Scale("s", "S", ("a", "b", "c"), scoring=scoring, min_items=2, aim="aim1"),),
    )


def test_reverse_key_is_min_plus_max_minus_code():
    # 1..5: 1↔5, 2↔4, 3 stays
    assert list(reverse_key(np.array([1.0, 2, 3, 4, 5]), 1, 5)) == [5, 4, 3, 2, 1]
    assert np.isnan(reverse_key(np.array([np.nan]), 1, 5)[0])


def test_mean_of_answered_items_after_reverse_keying():
    inst = _instrument()
    r = pd.DataFrame({
        "participant": ["p1", "p2", "p3", "p4"],
        "a": [4.0, 5.0, np.nan, np.nan],
        "b": [5.0, np.nan, 3.0, np.nan],
        "c": [2.0, 1.0, np.nan, 4.0],
    })
    wide = score_scales(r, inst, wide=True)
    # p1: (4 + 5 + (6-2)) / 3 = 13/3 ; p2: (5 + 5) / 2 ; p3, p4: one item < min_items 2
    expected = [13 / 3, 5.0, np.nan, np.nan]
    np.testing.assert_allclose(wide["s"].to_numpy(), expected)


def test_sum_scoring_is_prorated_to_all_items():
    inst = _instrument(scoring="sum")
    r = pd.DataFrame({"participant": ["p1", "p2"], "a": [4.0, 5.0], "b": [5.0, np.nan],
                      "c": [2.0, 1.0]})
    wide = score_scales(r, inst, wide=True)
    np.testing.assert_allclose(wide["s"], [13.0, 15.0])  # p2: mean 5 × 3 items


def test_long_form_columns_and_counts():
    inst = _instrument()
    r = pd.DataFrame({"participant": ["p1"], "cohort": ["c"], "wave": ["end"], "a": [4.0],
                      "b": [np.nan], "c": [np.nan]})
    long = score_scales(r, inst)
    assert list(long.columns) == ["participant", "cohort", "wave", "scale", "then_of", "score",
                                  "n_items_answered", "n_items"]
    row = long[long["scale"] == "s"].iloc[0]
    assert row["n_items_answered"] == 1 and row["n_items"] == 3 and np.isnan(row["score"])


def test_then_scale_is_derived_and_reverse_keyed_like_its_base():
    inst = _instrument()
    scales = {s.id: s for s in scales_to_score(inst)}
    assert scales["then_s"].then_of == "s"
    assert scales["then_s"].items == ("then_a", "then_b", "then_c")
    r = pd.DataFrame({"participant": ["p1"], "then_a": [2.0], "then_b": [3.0], "then_c": [5.0]})
    # then_c inherits the reverse keying of c: (2 + 3 + 1) / 3
    assert score_scales(r, inst, wide=True)["then_s"].iloc[0] == pytest.approx(2.0)


def test_missing_item_columns_score_as_missing_not_error():
    inst = _instrument()
    r = pd.DataFrame({"participant": ["p1"]})
    assert np.isnan(score_scales(r, inst, wide=True)["s"].iloc[0])


def test_item_range_needs_a_response_set_or_min_max():
    inst = _instrument()
    assert item_range(inst, "n") == (0.0, 40.0)
    bare = Instrument(id="x", version=1, title="X", wave="end",
                      items=(Item("q", "Q", "number", reverse=True),))
    with pytest.raises(AnalysisError, match='item "q" has no response set and no min/max'):
        item_range(bare, "q")


def test_shipped_post_instrument_scores_system_leadership():
    inst = resolve("post@1")
    r = pd.DataFrame({"participant": ["P-1"], "see_the_system": [4.0], "map_stakeholders": [5.0],
                      "own_org_focus": [2.0]})
    # own_org_focus is reverse keyed: 6 - 2 = 4; mean(4, 5, 4)
    assert score_scales(r, inst, wide=True)["system_leadership"].iloc[0] == pytest.approx(13 / 3)


def test_keyed_codes_are_the_keyed_item_columns_laid_out_column_by_column():
    inst = _instrument()
    r = pd.DataFrame({"a": [1.0, np.nan, 4.0], "b": ["2", "not a code", None],
                      "c": [5.0, 1.0, np.nan]}, index=[7, 8, 9])
    codes = keyed_codes(r, inst, ["a", "b", "c", "then_a"])
    # c reversed on 1..5, b coerced to numbers, then_a not carried: all missing
    expected = np.array([[1.0, 2, 1, np.nan], [np.nan, np.nan, 5, np.nan],
                         [4, np.nan, np.nan, np.nan]])
    np.testing.assert_array_equal(codes, expected)
    # the layout a frame of the columns gives, so sums along either axis add alike
    assert codes.flags.f_contiguous
    frame = keyed_items(r, inst, ["a", "b", "c", "then_a"])
    assert list(frame.columns) == ["a", "b", "c", "then_a"] and list(frame.index) == [7, 8, 9]
    np.testing.assert_array_equal(frame.to_numpy(), expected)


def test_codes_of_takes_float_columns_as_they_are_and_coerces_others():
    r = pd.DataFrame({"x": [1.5, np.nan], "y": ["3", "three"]})
    np.testing.assert_array_equal(codes_of(r, "x"), [1.5, np.nan])
    np.testing.assert_array_equal(codes_of(r, "y"), [3.0, np.nan])
    np.testing.assert_array_equal(codes_of(r, "absent"), [np.nan, np.nan])


def test_long_form_scale_columns_are_the_names_repeated_as_pandas_makes_them():
    """scale and then_of are taken from the scales' names, not built from a string per row:
    the same values and type as the names repeated (np.repeat) and put in a frame."""
    inst = _instrument()
    r = pd.DataFrame({"participant": ["p1", "p2", "p3"], "a": [4.0, 1.0, 2.0],
                      "b": [5.0, 2.0, 3.0], "c": [2.0, 3.0, 4.0]})
    long = score_scales(r, inst)
    scales = scales_to_score(inst)
    assert len(scales) == 2  # s and its then-scale
    expected = pd.DataFrame({
        "scale": np.repeat([s.id for s in scales], 3),
        "then_of": np.repeat([s.then_of or "" for s in scales], 3)})
    pd.testing.assert_frame_equal(long[["scale", "then_of"]], expected, check_exact=True)
    assert long.loc[3:, "then_of"].eq("s").all()
