"""Shared helpers: p-value adjustment, wave order, instruments behind responses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument, Item

__all__ = ["adjust_pvalues", "wave_order", "mean_ci"]


_TOL = 1e-9
_P_METHODS = {"holm": "holm", "fdr": "fdr_bh", "fdr_bh": "fdr_bh", "bh": "fdr_bh",
              "bonferroni": "bonf", "bonf": "bonf", "none": "none"}
_KNOWN_WAVES = {"baseline": 0, "pre": 0, "start": 0, "day1": 1, "day2": 2, "mid": 3,
                "midpoint": 3, "session": 3, "end": 4, "post": 4, "follow_up": 5,
                "follow-up": 5, "followup": 5}



def mean_ci(mean, sd, n):
    """t-interval of a mean: mean ± t(0.975, n−1) · sd / √n (NaN under 2 people).

    >>> [round(float(v), 3) for v in mean_ci([3.0], [1.0], [10])[0]]
    [2.285]
    """
    # scipy.stats.t.ppf is scipy.special.stdtrit (the same function, the same values);
    # scipy.special alone imports in a third of the time scipy.stats takes
    from scipy.special import stdtrit

    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stdtrit(np.maximum(n - 1, 1), 0.975) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


# =========================================================================== helpers
def adjust_pvalues(pvals, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons (NaN stays NaN and is not counted).

    ``method``: ``"holm"`` (default), ``"fdr_bh"`` (Benjamini–Hochberg; ``"fdr"``
    and ``"bh"`` accepted), ``"bonferroni"`` or ``"none"``: the step-down and
    step-up rules of R ``p.adjust`` (and ``pingouin.multicomp``), written out
    here so that the analysis does not import pingouin (and matplotlib with it).

    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    key = _P_METHODS.get(str(method).lower())
    if key is None:
        raise AnalysisError(f'Unknown p-value adjustment "{method}" — use holm or fdr_bh')
    p = np.asarray(pvals, dtype="float64")
    if key == "none" or p.size == 0:
        return p.copy()
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = _adjusted(p[ok], key)
    return out


def _adjusted(p: np.ndarray, key: str) -> np.ndarray:
    """Bonferroni, Holm (step-down) or Benjamini–Hochberg (step-up) adjusted p-values."""
    m = p.size
    if key == "bonf":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if key == "holm":  # (m - i + 1) p_(i), made non-decreasing
        steps = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:  # fdr_bh: m p_(i) / i, made non-increasing from the largest down
        steps = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(steps, 1.0)
    return out


def _method_name(method: str) -> str:
    key = _P_METHODS.get(str(method).lower())
    if key is None:
        raise AnalysisError(f'Unknown p-value adjustment "{method}" — use holm or fdr_bh')
    return {"bonf": "bonferroni"}.get(key, key)


def _is_arrow_text(values) -> bool:
    dtype = getattr(values, "dtype", None)
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _isin(index: pd.Index, values) -> np.ndarray:
    """``index.isin(values)``: the same booleans, read by Arrow when both hold Arrow text
    (pandas makes a Python string of every value first: a second for 100,000 people)."""
    if not (_is_arrow_text(index) and _is_arrow_text(values)):
        return index.isin(values)
    import pyarrow as pa
    import pyarrow.compute as pc

    target = index.array.__arrow_array__()
    value_set = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    value_set = value_set.__arrow_array__()
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    if not len(value_set):
        return np.zeros(len(index), dtype=bool)
    return np.array(pc.is_in(target, value_set=value_set.cast(target.type)), dtype=np.bool_)


def wave_order(waves: Iterable[str], declared: Iterable[str] | None = None) -> list[str]:
    """Waves in time order: as ``declared`` (the workspace's list) where listed, then by
    known names (baseline < day1 < day2 < end < follow_up), then alphabetically."""
    declared = list(declared or [])
    waves = list(dict.fromkeys(w for w in waves if isinstance(w, str) or not pd.isna(w)))

    def key(w):
        if w in declared:
            return (0, declared.index(w), "")
        return (1, _KNOWN_WAVES.get(str(w).lower(), 99), str(w))

    return sorted(waves, key=key)


def _wave_label(wave: str) -> str:
    return str(wave).replace("_", "-")


def _sig(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:8]


def _is_reaction(inst: Instrument) -> bool:
    """Session feedback: items tied to modules, or a module question."""
    return any(i.module for i in inst.items) or any(
        i.type == "choice" and "module" in i.id for i in inst.items)


def _ordered_numeric(inst: Instrument, item: Item) -> bool:
    if item.type == "number":
        return True
    if item.type != "likert":
        return False
    rset = inst.response_set_of(item)
    return rset is None or rset.ordered


def _ref_of(instrument_value, version_value) -> str:
    s = str(instrument_value)
    if "@" in s:
        return s
    try:
        return f"{s}@{int(version_value)}"
    except (TypeError, ValueError):
        return s


def _lookup_instrument(ref: str, instruments: Mapping[str, Instrument]) -> Instrument | None:
    if ref in instruments:
        return instruments[ref]
    base = ref.partition("@")[0]
    same = sorted((i for i in instruments.values() if i.id == base), key=lambda i: i.version)
    return same[-1] if same else None


def _responses_by_instrument(responses: pd.DataFrame, instruments: Mapping[str, Instrument]):
    """Yield (instrument, rows) for each instrument the responses hold."""
    if not len(responses):
        return
    if "instrument" not in responses.columns:
        raise AnalysisError("responses have no instrument column — pass Workspace.responses() output")
    refs = _refs_fast(responses)
    for ref, rows in responses.groupby(refs, sort=True):
        inst = _lookup_instrument(str(ref), instruments)
        if inst is None:
            raise AnalysisError(
                f'responses use instrument "{ref}", which is not among the instruments given '
                f"({', '.join(sorted(instruments)) or 'none'}) — add its YAML to the instruments folder"
            )
        yield inst, rows


def _refs_fast(responses: pd.DataFrame) -> pd.Series:
    inst = responses["instrument"].astype("string")
    if "instrument_version" not in responses.columns:
        return inst
    # each distinct (instrument, version) is named once, then every row takes its name
    inst_codes, inst_values = pd.factorize(inst, use_na_sentinel=False)
    ver_codes, ver_values = pd.factorize(responses["instrument_version"], use_na_sentinel=False)
    _, first, inverse = np.unique(inst_codes.astype(np.int64) * max(len(ver_values), 1) + ver_codes,
                                       return_index=True, return_inverse=True)
    names = np.array([_ref_of(inst_values[inst_codes[i]], ver_values[ver_codes[i]]) for i in first],
                     dtype=object)
    return pd.Series(names[inverse], index=responses.index, dtype="str")


def _as_instrument_map(instruments) -> dict[str, Instrument]:
    if isinstance(instruments, Mapping):
        return dict(instruments)
    if isinstance(instruments, Instrument):
        return {instruments.ref: instruments}
    return {i.ref: i for i in instruments}



def _empty_instrument() -> Instrument:
    return Instrument(id="none", version=1, title="none", wave="", items=())
