"""Network growth between consecutive waves: ties new, kept and lost, and the change in every measure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.measures import METRIC_COLUMNS
from evaluate.network.ties import (
    _pairs,
    _relation_ties,
    _relations,
    _tie_table,
    _waves_and_respondents,
    wave_order,
)

__all__ = ["tie_growth", "metric_change"]


def tie_growth(
    ties: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    waves=None,
    relations=None,
) -> pd.DataFrame:
    """Ties new, kept and lost between consecutive waves, and the Jaccard similarity.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network: ``wave, source, target, relation``.
    respondents : DataFrame, optional
        ``wave, participant``: who answered at each wave.
    waves, relations : sequence, optional
        As :func:`network_metrics`.

    Returns
    -------
    DataFrame
        ``wave_from, wave_to, relation, basis, respondents_from,
        respondents_to, respondents_both, ties_from, ties_to, new_ties,
        kept_ties, lost_ties, jaccard``.

    Notes
    -----
    Ties are arcs (source, target). kept = in both waves, new = only in the
    later wave, lost = only in the earlier; jaccard = kept / (new + kept +
    lost) (NaN with no ties at either wave). Basis ``respondents`` keeps only
    arcs between people who answered at *both* waves, so a tie is not counted
    as lost because someone did not answer the second time; basis ``roster``
    uses every reported arc.

    References
    ----------
    Jaccard, P. (1901). Étude comparative de la distribution florale dans une
    portion des Alpes et des Jura. *Bulletin de la Société Vaudoise des
    Sciences Naturelles*, 37, 547–579.
    """
    ties = _tie_table(ties)
    waves, resp = _waves_and_respondents(ties, respondents, waves)
    relations = _relations(ties, relations)
    arcs, names = {}, {}  # per relation: each wave's distinct arcs as codes, and the names coded
    for relation in relations:
        rel = _relation_ties(ties, relation)
        codes, names[relation] = pd.factorize(pd.concat([rel["source"], rel["target"]], ignore_index=True),
                                              use_na_sentinel=False)  # a missing end is one name
        k = max(len(names[relation]), 1)
        key = codes[:len(rel)].astype(np.int64) * k + codes[len(rel):]
        wave_of = rel["wave"]
        arcs[relation] = {w: np.unique(key[(wave_of == w).to_numpy(dtype=bool, na_value=False)])
                          for w in waves}
    rows = []
    for w0, w1 in _pairs(list(waves)):
        both = resp.get(w0, set()) & resp.get(w1, set())
        for relation in relations:
            a, b = arcs[relation][w0], arcs[relation][w1]
            k = max(len(names[relation]), 1)
            answered = pd.Series(names[relation], dtype=object).isin(both).to_numpy(dtype=bool)
            for basis in ("respondents", "roster"):
                if basis == "respondents":
                    a_ = a[answered[a // k] & answered[a % k]]
                    b_ = b[answered[b // k] & answered[b % k]]
                else:
                    a_, b_ = a, b
                kept = len(np.intersect1d(a_, b_, assume_unique=True))
                lost = len(a_) - kept
                new = len(b_) - kept
                union = kept + lost + new
                rows.append({"wave_from": w0, "wave_to": w1, "relation": relation,
                             "basis": basis, "respondents_from": len(resp.get(w0, ())),
                             "respondents_to": len(resp.get(w1, ())),
                             "respondents_both": len(both), "ties_from": len(a_),
                             "ties_to": len(b_), "new_ties": new, "kept_ties": kept,
                             "lost_ties": lost, "jaccard": kept / union if union else np.nan})
    return pd.DataFrame(rows, columns=[
        "wave_from", "wave_to", "relation", "basis", "respondents_from", "respondents_to",
        "respondents_both", "ties_from", "ties_to", "new_ties", "kept_ties", "lost_ties",
        "jaccard"])


def metric_change(metrics: pd.DataFrame, *, waves=None) -> pd.DataFrame:
    """The change in every measure of :func:`network_metrics` between consecutive waves.

    Returns
    -------
    DataFrame
        ``wave_from, wave_to, relation, basis, metric, value_from, value_to,
        change`` (change = value_to − value_from), one row per measure.
    """
    if waves is None:
        waves = wave_order(metrics["wave"])
    key = ["relation", "basis"]
    value_cols = [c for c in METRIC_COLUMNS if c in metrics.columns]
    long = _long_metrics(metrics, ["wave", *key], value_cols)
    frames = []
    for w0, w1 in _pairs(list(waves)):
        a = long[long["wave"] == w0].drop(columns="wave")
        b = long[long["wave"] == w1].drop(columns="wave")
        m = a.merge(b, on=[*key, "metric"], how="outer", suffixes=("_from", "_to"), sort=False)
        m.insert(0, "wave_to", w1)
        m.insert(0, "wave_from", w0)
        frames.append(m)
    cols = ["wave_from", "wave_to", "relation", "basis", "metric", "value_from", "value_to",
            "change"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["change"] = out["value_to"] - out["value_from"]
    return out[cols]


def _long_metrics(metrics: pd.DataFrame, ids: list, value_cols: list) -> pd.DataFrame:
    """``metrics.melt(ids, value_cols, var_name="metric", value_name="value")`` with the
    values as numbers (float64, NaN where not a number), built from whole columns."""
    n = len(metrics)
    long = metrics[ids].take(np.tile(np.arange(n), len(value_cols))).reset_index(drop=True)
    values = [pd.to_numeric(metrics[c], errors="coerce").to_numpy(dtype="float64")
              for c in value_cols]
    return long.assign(metric=np.repeat(np.array(value_cols, dtype=object), n),
                       value=np.concatenate(values) if values else np.empty(0))
