"""Session feedback per module (Kirkpatrick level 1)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from evaluate.errors import AnalysisError
from evaluate.instruments import Instrument, Programme
from evaluate.normalise import normalise_label
from evaluate.scoring import item_range
from evaluate.stats.base import _as_instrument_map, _is_reaction, _responses_by_instrument
from evaluate.stats.distributions import t_ppf

__all__ = ["REACTION_COLUMNS", "DISTRIBUTION_COLUMNS", "session_reaction"]


REACTION_COLUMNS = ["module", "module_title", "item", "item_text", "kind", "n_responses", "mean",
                    "sd", "ci95_low", "ci95_high", "median", "scale_min", "scale_max",
                    "pct_promoters", "pct_passives", "pct_detractors", "nps", "suppressed"]
DISTRIBUTION_COLUMNS = ["module", "item", "code", "label", "n", "share", "suppressed"]


def _module_of(rows: pd.DataFrame, inst: Instrument, programme: Programme | None) -> pd.Series:
    """Module id of each response: from its module question, else its wave."""
    wave = rows["wave"].astype("string") if "wave" in rows.columns else pd.Series("", index=rows.index)
    q = next((i for i in inst.items if i.type == "choice" and "module" in i.id), None)
    if q is None or q.id not in rows.columns:
        return wave
    rset = inst.response_set_of(q)
    lookup = rset.lookup() if rset else {}
    code_to_module: dict[float, str] = {}
    if rset is not None:
        for code, label in rset.options:
            code_to_module[float(code)] = label
        if programme is not None:
            for mod in programme.modules:
                for key in (mod.id, mod.title):
                    code = lookup.get(normalise_label(key))
                    if code is not None:
                        code_to_module[float(code)] = mod.id
    codes = pd.to_numeric(rows[q.id], errors="coerce")
    mapped = codes.map(code_to_module).astype("string")
    return mapped.fillna(wave)


def session_reaction(
    responses: pd.DataFrame,
    instruments: Mapping[str, Instrument] | Iterable[Instrument],
    programme: Programme | None = None,
    *,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Session feedback per module (Kirkpatrick level 1).

    Returns
    -------
    (summary, distribution) : tuple of DataFrames
        ``summary``: one row per module and rated item, columns ``module,
        module_title, item, item_text, kind`` (rating / recommend),
        ``n_responses, mean, sd, ci95_low, ci95_high`` (t-interval),
        ``median, scale_min, scale_max``, and for a 0–10 recommend item
        ``pct_promoters`` (9–10), ``pct_passives`` (7–8), ``pct_detractors``
        (0–6), ``nps`` (% promoters − % detractors, −100 to 100);
        ``suppressed`` (fewer than ``min_group_size`` answers: no numbers).
        ``distribution``: ``module, item, code, label, n, share, suppressed``.

    Notes
    -----
    The module of a response is its answer to the module question mapped to
    the programme's module ids, else its wave. Items that belong to one module
    (``module:`` in the instrument) are summarised under that module only.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard
    Business Review, 81(12), 46–54.
    Kirkpatrick, D. L., & Kirkpatrick, J. D. (2006). Evaluating training
    programs: the four levels (3rd ed.). Berrett-Koehler.
    """
    instruments = _as_instrument_map(instruments)
    titles = {m.id: m.title for m in programme.modules} if programme is not None else {}
    summary, dist = [], []
    for inst, rows in _responses_by_instrument(responses, instruments):
        if not _is_reaction(inst):
            continue
        module = _module_of(rows, inst, programme)
        for item in inst.items:
            if item.type not in ("likert", "number") or item.id not in rows.columns:
                continue
            try:
                low, high = item_range(inst, item)
            except AnalysisError:
                low, high = np.nan, np.nan
            recommend = low == 0 and high == 10
            values = pd.to_numeric(rows[item.id], errors="coerce")
            groups = ({item.module: values} if item.module else
                      {m: values[module == m] for m in sorted(module.dropna().unique())})
            rset = inst.response_set_of(item)
            for mod, v in groups.items():
                v = v.dropna().to_numpy(dtype="float64")
                n = int(v.size)
                if n == 0:
                    continue
                hidden = n < min_group_size
                row = dict(module=mod, module_title=titles.get(mod, mod), item=item.id,
                           item_text=item.text, kind="recommend" if recommend else "rating",
                           n_responses=float(n), scale_min=low, scale_max=high, suppressed=hidden,
                           **{c: np.nan for c in ("mean", "sd", "ci95_low", "ci95_high", "median",
                                                  "pct_promoters", "pct_passives",
                                                  "pct_detractors", "nps")})
                if not hidden:
                    row["mean"], row["median"] = float(v.mean()), float(np.median(v))
                    if n >= 2:
                        sd = float(v.std(ddof=1))
                        half = t_ppf(0.975, n - 1) * sd / math.sqrt(n)
                        row.update(sd=sd, ci95_low=row["mean"] - half, ci95_high=row["mean"] + half)
                    if recommend:
                        pro, det = 100 * np.mean(v >= 9), 100 * np.mean(v <= 6)
                        row.update(pct_promoters=pro, pct_detractors=det,
                                   pct_passives=100 - pro - det, nps=pro - det)
                else:
                    row["n_responses"] = np.nan
                summary.append(row)
                codes = list(rset.codes) if rset is not None else sorted(set(v.tolist()))
                for code in codes:
                    count = int(np.sum(v == code))
                    dist.append(dict(module=mod, item=item.id, code=float(code),
                                     label=rset.label_of(code) if rset is not None else str(code),
                                     n=np.nan if hidden else float(count),
                                     share=np.nan if hidden else count / n, suppressed=hidden))
    return (pd.DataFrame(summary, columns=REACTION_COLUMNS),
            pd.DataFrame(dist, columns=DISTRIBUTION_COLUMNS))
