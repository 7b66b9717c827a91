"""Work done for many columns at once gives what each column gets alone.

An import of a cohort's export is mostly fixed costs per column, so some
steps read, code or scrub all the columns together (:class:`FrameText`,
:func:`code_block`, :meth:`PersonalData.scrub_frame`). These tests hold
them to the column-by-column results, cell for cell, on every sample export
and on cells chosen to be awkward.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.ingest.cells import FrameText, text_cells
from evaluate.ingest.codes import code_block, code_values
from evaluate.ingest.readers import read_export
from evaluate.instruments import ResponseSet

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_data").glob("c*/*.*"))
AGREE = ResponseSet("agree3", ((1, "Disagree"), (2, "Neutral"), (3, "Agree")),
                    missing=("Prefer not to say",))
#: cells that look alike as text but are not alike as values, and cells that are blank
AWKWARD = [" Agree ", "Agree", 1, 1.0, True, "1", "1.0", 2.5, None, np.nan, "", "   ", "N/A",
           "nan", dt.datetime(2026, 3, 1, 9, 30), pd.Timestamp("2026-03-01"), "Prefer not to say",
           "Yes", -3.0, "3"]


def _awkward_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    cells = np.array(AWKWARD, dtype=object)
    return pd.DataFrame({
        "a": pd.Series(cells[rng.integers(0, len(cells), rows)], dtype=object),
        "b": pd.Series(cells[rng.integers(0, len(cells), rows)], dtype=object),
        "n": rng.choice([1.0, 2.0, np.nan, 3.5], rows),  # not Python objects: read alone
        "c": pd.Series([None] * rows, dtype=object),
    })


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_frame_text_is_text_cells_on_every_sample(path):
    frame = read_export(path).frame
    text = FrameText(frame)
    for key in frame.columns:
        pd.testing.assert_series_equal(text(key), text_cells(frame[key]))


@pytest.mark.parametrize("rows", [0, 1, 60, 1_500])
def test_frame_text_is_text_cells_on_awkward_cells(rows):
    frame = _awkward_frame(rows)
    text = FrameText(frame)
    for key in frame.columns:
        pd.testing.assert_series_equal(text(key), text_cells(frame[key]))
    if rows >= 60:  # 1 and True read apart, as each column alone reads them
        assert {"1", "True", "2.5", "Agree"} <= set(text("a").dropna()) | set(text("b").dropna())


@pytest.mark.parametrize("rows", [0, 1, 60, 1_500])
@pytest.mark.parametrize("keys", [["a", "n", "b", "c", "a"], ["b", "a"], ["n"]],
                         ids=["mixed", "objects", "numbers"])
def test_code_block_is_code_values_column_by_column(rows, keys):
    frame = _awkward_frame(rows)
    block = code_block(frame, keys, AGREE)
    assert block.keys == tuple(dict.fromkeys(keys))  # in the order given, each once
    assert block.codes.shape == block.bad.shape == (rows, len(block.keys))
    for j, key in enumerate(block.keys):
        codes, bad = code_values(frame[key], AGREE)
        np.testing.assert_array_equal(block.codes[:, j], codes.to_numpy())
        np.testing.assert_array_equal(block.bad[:, j], bad.to_numpy())
    codes, bad = block.columns(block.keys[::-1])
    np.testing.assert_array_equal(codes, block.codes[:, ::-1])
    np.testing.assert_array_equal(bad, block.bad[:, ::-1])
    if rows >= 60 and keys != ["n"]:
        assert block.bad.any() and np.isnan(block.codes).any() and (block.codes == 3).any()
    shared = code_block(frame, keys, AGREE, FrameText(frame))  # the frame's text read once
    np.testing.assert_array_equal(shared.codes, block.codes)
    np.testing.assert_array_equal(shared.bad, block.bad)


@pytest.mark.parametrize("rows", [0, 1, 60])
def test_frame_text_distinct_gives_each_columns_text(rows):
    frame = _awkward_frame(rows)
    text = FrameText(frame)
    codes, texts = text.distinct(["b", "c", "a"])
    assert codes.shape == (rows, 3)
    for j, key in enumerate(["b", "c", "a"]):
        got = pd.Series(texts.array.take(codes[:, j], allow_fill=True), index=frame.index,
                        name=key)
        pd.testing.assert_series_equal(got, text_cells(frame[key]))
    assert text.distinct(["a", "n"]) is None  # a column of numbers is read on its own
    assert FrameText(_awkward_frame(1_500)).distinct(["a", "b"]) is None  # long: one by one


def test_a_long_frames_column_is_read_as_text_once(monkeypatch):
    import evaluate.ingest.cells as cells

    frame = _awkward_frame(1_500)
    expected = {key: text_cells(frame[key]) for key in frame.columns}
    text = FrameText(frame)
    calls = []
    real = cells.distinct_text_cells
    monkeypatch.setattr(cells, "distinct_text_cells", lambda v: calls.append(v.name) or real(v))
    for key in ("a", "a", "n", "a", "c", "n"):
        pd.testing.assert_series_equal(text(key), expected[key])
    codes, texts = text.distinct(["a"])
    pd.testing.assert_series_equal(
        pd.Series(texts.array.take(codes[:, 0], allow_fill=True), index=frame.index, name="a"),
        expected["a"])
    assert text.distinct(["n"]) is None  # numbers: read on their own, as before
    # each column of Python objects read once; numbers each time, as text_cells reads them
    assert calls == ["a", "n", "c", "n"]


def test_roster_grid_reports_each_wrong_cell_and_unknown_column(tmp_path):
    """A grid coded as one block still reports each wrong answer where it is, quoting it."""
    from evaluate.ingest.pipeline import ingest_file
    from evaluate.instruments import load_instruments
    from evaluate.roster import read_roster

    sample = SAMPLES[0].parents[1]
    frame = pd.read_csv(sample / "c2" / "network-baseline-c2-google.csv", dtype=object)
    freq = [c for c in frame.columns if c.startswith("How often")]
    trust = [c for c in frame.columns if c.startswith("How much do you trust")]
    frame.loc[0, freq[3]] = " Hourly "
    frame.loc[4, trust[5]] = "Maybe"
    frame = frame.rename(columns={freq[7]: "How often do you work with each of these people? "
                                           "[Nobody Atall]"})
    path = tmp_path / "net.csv"
    frame.to_csv(path, index=False)
    roster = read_roster(sample / "roster.csv", "salt")
    result = ingest_file(path, load_instruments()["network@1"], cohort="c2", wave="baseline",
                         roster=roster, salt="salt")
    p = result.problems
    wrong = p[p["rule"] == "allowed_answers"]
    assert wrong[["row", "column", "value"]].values.tolist() == [
        [2, freq[3], "Hourly"], [6, trust[5], "Maybe"]]
    unknown = p[(p["rule"] == "unknown_name") & p["row"].isna()]
    assert unknown["column"].tolist() == [
        "How often do you work with each of these people? [Nobody Atall]"]
    assert set(result.quarantined_rows) == {2, 6}


@pytest.mark.parametrize("pseudonym", [False, True])
def test_scrub_frame_is_scrub_series_column_by_column(pseudonym):
    from evaluate.scrub import PersonalData

    people = PersonalData(names={"jo smith": "P-1", "ann lee": "P-2"},
                          emails={"jo@x.org": "P-1"}, staff={"s001": "P-1"})
    frame = pd.DataFrame({
        "said": pd.Series(["ask Jo Smith", None, "fine", "S001", "Lee, Ann's team"], dtype="string"),
        "other": pd.Series(["fine", "jo@x.org", "", None, "nothing"], dtype="string"),
        "mixed": pd.Series([1, "S001", 2.5, None, "fine"], dtype=object),
        "clean": pd.Series(["a", "b", None, "c", "d"], dtype="string"),
        "number": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    columns = ["said", "other", "mixed", "clean", "number"]
    out, mask = people.scrub_frame(frame, columns, pseudonym=pseudonym)
    for col in columns[:-1]:
        alone, hit = people.scrub_series(frame[col], pseudonym)
        pd.testing.assert_series_equal(out[col], alone)
        pd.testing.assert_series_equal(mask[col], hit.rename(col), check_names=False)
    pd.testing.assert_series_equal(out["number"], frame["number"])
    assert mask.sum().tolist() == [3, 1, 1, 0, 0]
    assert people.scrub_frame(frame[["clean"]])[1].sum().sum() == 0


def test_error_cells_short_and_long_agree():
    from evaluate.ingest.coerce import _error_cells

    cells = np.array(["#N/A", "ok", None, 3.0, "#DIV/0!", "#n/a"], dtype=object)
    rng = np.random.default_rng(3)
    long = pd.DataFrame({k: pd.Series(cells[rng.integers(0, len(cells), 1_500)], dtype=object)
                         for k in "abc"})
    whole = _error_cells(long, ["c", "a"])
    short = np.concatenate([_error_cells(long.iloc[i:i + 500], ["c", "a"])
                            for i in range(0, 1_500, 500)])
    np.testing.assert_array_equal(whole, short)
    np.testing.assert_array_equal(whole[:, 1], long["a"].isin(["#N/A", "#DIV/0!"]).to_numpy())
    assert _error_cells(long, []).shape == (1_500, 0)


def test_shared_response_schema_is_built_once_per_instrument_as_it_is():
    import dataclasses

    from evaluate.instruments import load_instruments
    from evaluate.schemas import response_schema, shared_response_schema

    first, again = load_instruments()["baseline@1"], load_instruments()["baseline@1"]
    columns = [i.id for i in first.items][:6]
    schema = shared_response_schema(first, columns)
    assert shared_response_schema(again, list(columns)) is schema
    built = response_schema(first, columns=columns)
    assert list(schema.columns) == list(built.columns)
    assert [repr(c.checks) for c in schema.columns.values()] == [
        repr(c.checks) for c in built.columns.values()]
    item = first.items[0]
    edited = dataclasses.replace(first, items=(dataclasses.replace(item, required=not item.required),
                                               *first.items[1:]))
    other = shared_response_schema(edited, columns)
    assert other is not schema
    assert other.columns[item.id].nullable != schema.columns[item.id].nullable


def test_roster_lookups_are_built_once_and_a_shared_name_matches_nobody(tmp_path):
    from evaluate.roster import read_roster

    path = tmp_path / "roster.csv"
    path.write_text("name,email,staff_id,cohort\nJo Smith,jo@x.org,S1,c1\nAnn Lee,ann@x.org,S2,c1\n"
                    "Ann Lee,ann.lee@y.org,S3,c1\n", encoding="utf-8")
    roster = read_roster(path, "salt")
    names = pd.Series(["smith, jo", "Ann Lee", "Nobody"], dtype="string")
    first = roster.match_names(names)
    assert first.notna().tolist() == [True, False, False]  # two Ann Lees: neither is meant
    assert roster._lookup("name_key") is roster._lookup("name_key")
    email = pd.Series(["ANN.LEE@y.org ", None, "x@z.org"], dtype="string")
    staff = pd.Series([None, "s2", None], dtype="string")
    name = pd.Series(["Ann Lee", "Ann Lee", "Jo Smith"], dtype="string")
    fallback = pd.Series(["r1", "r2", "r3"], dtype="string")
    pid, matched = roster.match_respondents(email, staff, name, "salt", fallback)
    public = roster.frame.set_index("email_key")["participant"]
    assert matched.tolist() == [True, True, True]
    assert pid.tolist() == [public["ann.lee@y.org"], public["ann@x.org"], first.iloc[0]]
    pd.testing.assert_series_equal(roster.match_names(names), first)  # the same from the cache


def test_a_large_roster_keeps_no_lookup_tables(tmp_path, monkeypatch):
    import evaluate.roster as roster_module

    path = tmp_path / "roster.csv"
    path.write_text("name,email,cohort\nJo Smith,jo@x.org,c1\nAnn Lee,ann@x.org,c1\n",
                    encoding="utf-8")
    monkeypatch.setattr(roster_module, "_KEEP_LOOKUPS", 2)  # two people count as large
    roster = roster_module.read_roster(path, "other-salt")
    found = roster.match_names(pd.Series(["Ann Lee", "Jo Smith"], dtype="string"))
    assert found.notna().all() and found.iloc[0] != found.iloc[1]
    assert roster._lookups == {}


DATES = ["3/4/2026", "2026-03-29T00:30:00Z", 45000, "13/4/2026 09:00", None, " 4/3/2026 ",
         dt.datetime(2026, 3, 1, 9, 30), "March 3, 2026", "x", "", 45000.0, "2026-03-29 02:30:00+01:00"]


@pytest.mark.parametrize("given", [None, "day-first", "month-first"])
def test_dates_read_from_text_already_read_are_the_same(given):
    from evaluate.ingest.dates import parse_datetimes, read_date_order

    rng = np.random.default_rng(5)
    cells = np.array(DATES, dtype=object)
    frame = pd.DataFrame({k: pd.Series(cells[rng.integers(0, len(cells), 80)], dtype=object)
                          for k in ("started", "completed")})
    text = FrameText(frame)
    columns = [frame["started"], frame["completed"]]
    alone = read_date_order(columns, given)
    shared = read_date_order(columns, given, [text("started"), text("completed")])
    assert (shared.order, shared.decided_by, shared.example, shared.against) == (
        alone.order, alone.decided_by, alone.example, alone.against)
    order = alone.order or "day-first"
    for key in frame.columns:
        codes, texts = text.distinct([key])
        got = parse_datetimes(frame[key], order, alone.readings, (codes[:, 0], texts))
        expected = parse_datetimes(frame[key], order, alone.readings)
        pd.testing.assert_series_equal(got[0], expected[0])
        assert got[1] == expected[1]
        assert got[0].notna().any() and got[0].isna().any()


def test_an_export_naming_nobody_gets_its_own_empty_ties():
    from evaluate.ingest.tie_answers import assemble_ties

    args = ([], [], pd.Series(dtype="string"), np.array([], dtype="int64"), None, [])
    first = assemble_ties(*args)
    assert first.dtypes.astype(str).tolist() == ["string", "string", "string", "float64",
                                                 "float64", "int64"]
    first["extra"] = 1.0  # a caller's change stays its own
    first["trust"] = first["trust"].astype("string")
    second = assemble_ties(*args)
    assert second is not first and second.empty and "extra" not in second
    assert second["trust"].dtype == "float64"


PRIORITIES = ResponseSet("priorities", ((1, "Workforce"), (2, "Prevention"), (3, "Yes, definitely"),
                                        (10, "Other (please specify)")),
                         missing=("Prefer not to say",))
#: multi-select cells: joined labels (one holding the separator), bare codes, an "Other" with
#: words, a choice that is no option, repeats, blanks, a number read from a spreadsheet
MULTI_CELLS = ["Workforce;Prevention", "Prevention;Workforce;", " Workforce ", "Yes, definitely;2",
               "Other: heat, and climate", "Workforce;Spaceflight", "Spaceflight", "Prefer not to say",
               "", None, np.nan, "  ", 2.0, "10", "Workforce;Other: coaching;Prevention",
               "Prevention;Prevention", "Climate resilience;Workforce"]


def _joined_cells_one_by_one(values, rset, separator, rows, typed_other, unknown_choice):
    """Multi-select cells coded as before they were coded once per distinct cell:
    each cell's parse mapped to every row, exploded, then the codes joined option by option."""
    from evaluate.ingest.multi_select import choices_in, other_option

    text = text_cells(values).dropna()
    parsed = {v: choices_in(v, separator, rset.lookup(), rset.missing_keys(), set(rset.codes),
                            other_option(rset), typed_other) for v in text.unique()}
    cells = text.astype(object)
    found = cells.map({v: p[0] for v, p in parsed.items()}).explode().dropna()
    unknown = cells.map({v: p[1] for v, p in parsed.items()}).explode().dropna()
    typed = cells.map({v: p[2] for v, p in parsed.items()}).dropna().astype("string")
    held = pd.Series(False, index=values.index)
    if unknown_choice == "answer" and len(unknown):
        held[unknown.index.unique()] = True
    found = found.astype(int).astype(str)
    chosen = np.zeros((len(values), len(rset.codes)), dtype=bool)
    code_pos = {str(c): k for k, c in enumerate(sorted(rset.codes))}
    chosen[values.index.get_indexer(found.index), found.map(code_pos).to_numpy(dtype=int)] = True
    joined = np.full(len(values), "", dtype=object)
    for code, k in code_pos.items():
        joined = np.where(chosen[:, k], joined + code + "|", joined)
    result = pd.Series(joined, index=values.index, dtype="string").str.rstrip("|")
    bad_rows = rows[values.index.get_indexer(unknown.index)].tolist()
    other = pd.Series(pd.NA, index=values.index, dtype="string")
    other[typed.index] = typed
    return (result.mask((result == "") | held), other.mask(held) if len(typed) else None,
            list(zip(bad_rows, unknown.tolist(), strict=True)))


@pytest.mark.parametrize("rows", [40, 2_500])
@pytest.mark.parametrize("typed_other", [False, True])
@pytest.mark.parametrize("unknown_choice", ["response", "answer"])
def test_multi_select_cells_coded_once_each_as_one_by_one(rows, typed_other, unknown_choice):
    from types import SimpleNamespace

    from evaluate.ingest.matching import ColumnMatch
    from evaluate.ingest.multi_select import coerce_multi

    rng = np.random.default_rng(11)
    cells = np.array(MULTI_CELLS, dtype=object)
    values = pd.Series(cells[rng.integers(0, len(cells), rows)], dtype=object,
                       index=pd.RangeIndex(5, 5 + rows))
    row_numbers = np.arange(rows) + 2
    raw = SimpleNamespace(frame=pd.DataFrame({"m": values}), multi_separator=";",
                          platform="microsoft_forms" if typed_other else "plain")
    col = ColumnMatch(key="m", heading="Priorities", letter="A", item="priorities")
    item = SimpleNamespace(unknown_choice=unknown_choice)
    problems = []
    got, other = coerce_multi(raw, item, PRIORITIES, [col], row_numbers, problems)
    expected, expected_other, bad = _joined_cells_one_by_one(values, PRIORITIES, ";", row_numbers,
                                                             typed_other, unknown_choice)
    pd.testing.assert_series_equal(got, expected)
    pd.testing.assert_series_equal(other, expected_other)
    assert [(p["row"], p["value"]) for p in problems] == bad
    assert all(p["column"] == "Priorities" and p["rule"] == "allowed_answers" for p in problems)
    # the awkward cells were met: codes, blanks, "Other" words, and (unless typed) unknown choices
    assert got.notna().any() and got.isna().any() and other.notna().any()
    assert bool(bad) != typed_other


def test_joined_codes_are_the_ticked_codes_in_order():
    from evaluate.ingest.multi_select import joined_codes

    for options in (6, 63, 64, 70):  # ticks as the bits of a number, and as they are
        chosen = np.random.default_rng(options).random((500, options)) < 0.4
        chosen[0], chosen[1], chosen[2] = True, False, chosen[3]  # all, none, a repeat
        codes = [str(c) for c in range(-1, 2 * options - 1, 2)]
        expected = ["|".join(c for c, t in zip(codes, row, strict=True) if t) for row in chosen]
        assert joined_codes(chosen, codes).tolist() == expected
    assert joined_codes(np.zeros((3, 0), dtype=bool), []).tolist() == ["", "", ""]


def test_per_row_is_map_then_explode():
    from evaluate.ingest.multi_select import per_row

    lists = [[], ["a"], ["b", "c", "b"], []]
    which = np.random.default_rng(4).integers(0, len(lists), 300)
    index = pd.Index(np.arange(300) * 3 + 1)
    expected = pd.Series(which, index=index).map(dict(enumerate(lists))).explode().dropna()
    got = per_row(index, which, lists)
    assert got.index.tolist() == expected.index.tolist() and got.tolist() == expected.tolist()
    assert per_row(index[:0], which[:0], lists).empty


def test_whole_numbers_lose_their_point_zero_as_when_every_cell_was_tried():
    from evaluate.ingest.cells import _each_cell

    cells = pd.Series([*AWKWARD, " 4.0", "-12.0 ", "x.0", "4.00", "1.0.0", ".0", "-.0", "٣.0"] * 3,
                      dtype=object, index=np.arange(3 * (len(AWKWARD) + 8)) % 5)  # labels repeat
    every = cells.astype("string").str.strip().str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    pd.testing.assert_series_equal(_each_cell(cells), every.mask(every == ""))
    assert (_each_cell(cells) == "-12").sum() == 3
