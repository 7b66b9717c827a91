"""Scale scores and item codes per wave and participant, keyed by their definition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.instruments import Instrument, Item, Scale
from evaluate.normalise import normalise_label
from evaluate.scoring import codes_of, item_range, scales_to_score, score_scales
from evaluate.stats.base import (
    _as_instrument_map,
    _is_reaction,
    _ordered_numeric,
    _responses_by_instrument,
    _sig,
    wave_order,
)
from evaluate.stats.paired import _REASON_NUM, _REASON_T, _REASON_W

__all__ = ["MeasureValues", "measure_values", "measure_values_and_everyone"]


_META_COLUMNS = ["key", "kind", "measure", "title", "ordinal", "scale_min", "scale_max",
                 "higher_is_better", "n_items", "aim", "then_of_key", "reason"]


class MeasureValues:
    """Scale scores and item codes per wave and participant, from several instruments.

    Attributes
    ----------
    values : DataFrame
        Index (wave, participant); one float column per measure key.
    meta : DataFrame
        One row per measure key: ``key, kind`` (scale / item), ``measure``
        (its id), ``title, ordinal, scale_min, scale_max, higher_is_better,
        n_items, aim, then_of_key`` (for then-test measures: the key of the
        measure they look back on), ``reason`` (why t or Wilcoxon is the headline).
    sources : dict
        (wave, key) → sorted list of instrument refs that supplied it.
    cohort : Series
        participant → cohort (from the latest response).
    waves : list
        Waves in time order.
    """

    def __init__(self, values, meta, sources, cohort, waves, defined=None):
        self.values, self.meta, self.sources, self.cohort, self.waves = (
            values, meta, sources, cohort, waves)
        self.defined = defined or {}

        self._frames: dict[str, pd.DataFrame] = {}
        self._present: dict[str, list[str]] = {}

    def frame(self, wave: str) -> pd.DataFrame:
        """Values at one wave, indexed by participant."""
        if wave not in self._frames:
            if wave in self.values.index.get_level_values(0):
                self._frames[wave] = self.values.xs(wave, level=0)
            else:
                self._frames[wave] = self.values.iloc[0:0].droplevel(0)
        return self._frames[wave]

    def keys_at(self, wave: str) -> list[str]:
        """Measure keys with at least one value at this wave."""
        if wave not in self._present:
            f = self.frame(wave)
            have = f.notna().any(axis=0).to_numpy() if len(f) else np.zeros(f.shape[1], bool)
            self._present[wave] = list(f.columns[have])
        return self._present[wave]

    def info(self, key: str) -> dict:
        """The meta row of a key as a dict (cached: looked up in inner loops)."""
        if not hasattr(self, "_info"):
            self._info = self.meta.to_dict("index")
        return self._info[key]

    def keys_defined(self, wave: str) -> list[str]:
        """Measure keys asked at this wave by an instrument with responses (answered or not)."""
        return self.defined.get(wave, self.keys_at(wave))

    def refs(self, wave: str, key: str) -> str:
        return ", ".join(self.sources.get((wave, key), []))


def measure_values(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    waves: Iterable[str] | None = None,
) -> MeasureValues:
    """Collect scale scores and item codes from every pre/post instrument the responses use.

    Session feedback instruments (items tied to modules) and instruments with no
    likert or number items are left out. A measure's key carries a signature
    of its definition, so the same id defined differently in two instrument
    versions gives two keys that are never paired. Where a participant has
    more than one response at a wave, the latest (by ``completed``) non-missing
    value of each measure is used.
    """
    blocks = list(_measure_blocks(responses, _as_instrument_map(instruments)))
    return _assemble(blocks, responses, waves)


def measure_values_and_everyone(
    responses: pd.DataFrame,
    others: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    *,
    waves: Iterable[str] | None = None,
) -> tuple[MeasureValues, MeasureValues]:
    """``measure_values(responses)`` and ``measure_values`` of ``responses`` and ``others``
    together (e.g. the programme's and a comparison group's), each instrument scored once.

    A participant's values come from their own rows only, so the first is the
    second's blocks cut to the rows of ``responses``: the same tables as two
    calls, without scoring the programme's answers twice.
    """
    everyone = pd.concat([responses, others], ignore_index=True)
    blocks = list(_measure_blocks(everyone, _as_instrument_map(instruments)))
    mine = []
    for inst, block, keys_meta in blocks:
        rows = block.index < len(responses)  # positions in `everyone`: responses come first
        if rows.any():
            mine.append((inst, block[rows], keys_meta))
    everyone_values = _assemble(blocks, everyone, waves)  # lets go of everyone's blocks
    return _assemble(mine, responses, waves), everyone_values


def _measure_blocks(responses: pd.DataFrame, instruments: Mapping[str, Instrument]):
    """(instrument, its rows' participant, wave, completed and measure columns, meta rows of
    its measures) for each pre/post instrument the responses use."""
    for inst, rows in _responses_by_instrument(responses, instruments):
        if _is_reaction(inst):
            continue
        cols, keys_meta = _instrument_measures(rows, inst)
        if not cols:
            continue
        completed = rows["completed"] if "completed" in rows.columns else pd.Series(pd.NaT, index=rows.index)
        block = pd.DataFrame({
            "participant": _as_text(rows["participant"]),
            "wave": _as_text(rows["wave"]),
            "_completed": pd.to_datetime(completed, errors="coerce").to_numpy(), **cols},
            index=rows.index)
        yield inst, block, keys_meta


#: The type pandas gives text taken from Python objects: "str" (pandas 3), else object.
_TEXT = pd.Series(np.array(["x"], dtype=object)).dtype


def _as_text(column: pd.Series):
    """``column.astype("string").to_numpy()`` as a frame column holds it (``_TEXT``),
    converted by pandas without a Python string per cell."""
    return column.astype("string").astype(_TEXT).array


def _assemble(parts: list, responses: pd.DataFrame, waves) -> MeasureValues:
    """The :class:`MeasureValues` of the ``_measure_blocks`` of ``responses``.

    ``parts`` (a list) is emptied once its blocks are joined: none is held twice.
    """
    blocks, meta_rows, sources, defined = [], {}, defaultdict(set), defaultdict(set)
    for inst, block, keys_meta in parts:
        meta_rows.update(keys_meta)
        counts = block.groupby("wave")[list(keys_meta)].count()
        for wave, row in counts.iterrows():
            for key in row.index:
                defined[wave].add(key)
                if row[key] > 0:
                    sources[(wave, key)].add(inst.ref)
        blocks.append(block)
    parts.clear()
    if blocks:
        allv = pd.concat(blocks, ignore_index=True, sort=False)
        blocks.clear()  # each frame is in allv now: not held twice
        # only the columns used: a copy of every column, sorted, held ~120 MB at 100,000 people
        latest = responses[[c for c in ("participant", "cohort", "completed") if c in responses.columns]]
        cohort = (latest.assign(_c=pd.to_datetime(latest.get("completed"), errors="coerce"))
                  .sort_values("_c", na_position="first", kind="stable")
                  .drop_duplicates("participant", keep="last")
                  .set_index("participant")["cohort"].astype("string")
                  if "cohort" in responses.columns else pd.Series(dtype="string"))
        values = _latest(allv).astype("float64")
    else:
        values = pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["wave", "participant"]))
        cohort = pd.Series(dtype="string")
    meta = pd.DataFrame(list(meta_rows.values()), columns=_META_COLUMNS)
    order = wave_order(values.index.get_level_values(0).unique(), waves)
    # a key defined at a wave is a column even when no one answered it there
    missing = [k for k in meta["key"] if k not in values.columns]
    for k in missing:
        values[k] = np.nan
    return MeasureValues(values, meta.set_index("key", drop=False),
                         {k: sorted(v) for k, v in sources.items()}, cohort, order,
                         {w: sorted(v) for w, v in defined.items()})


def _latest(allv: pd.DataFrame) -> pd.DataFrame:
    """Each participant's latest non-missing value of each measure at each wave: the last
    value of each (wave, participant) with the rows in order of ``_completed`` (missing
    first). When no one answered a wave twice, the order does not matter: the rows are not
    sorted (a copy of every column)."""
    groups = allv.drop(columns="_completed").groupby(["wave", "participant"], sort=True)
    number = groups.ngroup().to_numpy(dtype="float64", na_value=np.nan)
    number = number[number >= 0].astype(np.intp)  # rows without a wave or participant: NaN
    if np.bincount(number, minlength=1).max(initial=0) <= 1:
        return groups.last()
    rows = allv.sort_values("_completed", na_position="first", kind="stable")
    return rows.drop(columns="_completed").groupby(["wave", "participant"], sort=True).last()


def _item_sig(inst: Instrument, item: Item) -> str:
    rset = inst.response_set_of(item)
    codes = rset.codes if rset is not None else (item.minimum, item.maximum)
    return _sig(normalise_label(item.text), item.type, codes, bool(item.reverse))


def _scale_sig(inst: Instrument, scale: Scale) -> str:
    return _sig(scale.scoring, scale.min_items,
                tuple(sorted(_item_sig(inst, inst.item(i)) for i in scale.items)))


def _instrument_measures(rows: pd.DataFrame, inst: Instrument):
    """Columns (key → values) and meta rows for one instrument's responses."""
    cols: dict[str, np.ndarray] = {}
    meta: dict[str, dict] = {}
    scales = scales_to_score(inst)
    by_id = {s.id: s for s in scales}
    scored = score_scales(rows, inst, wide=True) if scales else None
    for s in scales:
        base = by_id.get(s.then_of) if s.then_of else s
        if base is None or any(not _ordered_numeric(inst, inst.item(i)) for i in base.items):
            continue
        base_key = f"scale:{base.id}:{_scale_sig(inst, base)}"
        key = f"then:{base_key}" if s.then_of else base_key
        lows, highs = zip(*(item_range(inst, i) for i in base.items), strict=True)
        k = len(base.items)
        mult = k if base.scoring == "sum" else 1
        single_likert = k == 1 and inst.item(base.items[0]).type == "likert"
        cols[key] = scored[s.id].to_numpy(dtype="float64")
        meta[key] = dict(
            key=key, kind="scale", measure=base.id, title=base.title, ordinal=single_likert,
            scale_min=min(lows) * mult, scale_max=max(highs) * mult, higher_is_better=True,
            n_items=k, aim=base.aim or "", then_of_key=base_key if s.then_of else "",
            reason=_REASON_W.replace("single ordinal item", "one-item scale") if single_likert else _REASON_T,
        )
    for item in inst.items:
        base = inst.item(item.then_of) if item.then_of else item
        if not _ordered_numeric(inst, base) or not _ordered_numeric(inst, item):
            continue
        base_key = f"item:{base.id}:{_item_sig(inst, base)}"
        key = f"then:{base_key}" if item.then_of else base_key
        low, high = item_range(inst, base) if (inst.response_set_of(base) or base.minimum is not None) else (np.nan, np.nan)
        cols[key] = codes_of(rows, item.id)
        likert = base.type == "likert"
        meta[key] = dict(
            key=key, kind="item", measure=base.id, title=base.text, ordinal=likert,
            scale_min=low, scale_max=high, higher_is_better=not base.reverse, n_items=1,
            aim="", then_of_key=base_key if item.then_of else "",
            reason=_REASON_W if likert else _REASON_NUM,
        )
    return cols, meta
