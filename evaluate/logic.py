"""The programme's logic model: aims → outcomes → indicators → measures → Kirkpatrick level.

``programme.yaml`` says, under ``logic_model``, what each aim expects to
change (outcomes), what would show it (indicators), what measures each
indicator (an instrument's scale or item, a session-feedback rating, or a
network measure) and at which Kirkpatrick level (1 reaction, 2 learning,
3 behaviour, 4 results). From it:

- :func:`check_design` lists, before a cohort starts, every outcome with no
  indicator, every indicator that no instrument asks, and every aim with no
  evidence above level 2 (``evaluate check-design``);
- :func:`evidence_matrix` lays the analysis results out as aims × levels:
  each cell the measures, their result and strength, or "not measured".

A measure is written ``kind:id``: ``scale:system_leadership``,
``item:cc_sustained``, ``reaction:overall_rating``, ``network:cross_organisation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from evaluate.errors import InstrumentError

__all__ = [
    "LEVELS",
    "NETWORK_MEASURES",
    "Indicator",
    "Outcome",
    "AimModel",
    "LogicModel",
    "parse_logic_model",
    "check_design",
    "evidence_matrix",
    "DESIGN_COLUMNS",
    "MATRIX_COLUMNS",
    "Fig",
    "Wave",
    "MeasureResult",
    "measure_result",
    "result_text",
]

#: Kirkpatrick's four levels.
LEVELS = {1: "reaction", 2: "learning", 3: "behaviour", 4: "results"}
#: Network measures an indicator can name, with their plain titles.
NETWORK_MEASURES = {
    "ties": "Working ties between participants",
    "density": "Share of possible ties present",
    "cross_organisation": "Ties that cross organisations",
    "cross_sector": "Ties that cross sectors",
    "cross_place": "Ties that cross places",
    "reciprocity": "Ties that are returned",
}
_BOUNDARY = {"cross_organisation": "organisation", "cross_sector": "sector",
             "cross_place": "place"}
_METRIC = {"ties": "ties", "density": "density", "reciprocity": "dyadic_reciprocity"}
KINDS = ("scale", "item", "reaction", "network")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    level: int
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    id: str
    title: str
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class AimModel:
    aim: str
    outcomes: tuple[Outcome, ...] = ()


@dataclass(frozen=True)
class LogicModel:
    """The parsed ``logic_model`` of ``programme.yaml``."""

    aims: tuple[AimModel, ...] = ()

    def rows(self):
        """(aim, outcome, indicator or None) for every outcome and indicator."""
        for am in self.aims:
            for out in am.outcomes:
                if not out.indicators:
                    yield am.aim, out, None
                for ind in out.indicators:
                    yield am.aim, out, ind


def _fail(file: str, where: str, problem: str, fix: str) -> InstrumentError:
    return InstrumentError(f"{file}, logic_model, {where}: {problem} — {fix}")


def parse_logic_model(spec, file: str = "programme.yaml", aims=()) -> LogicModel:
    """Read the ``logic_model`` list of ``programme.yaml``; None or missing gives an empty model.

    Raises
    ------
    InstrumentError
        Naming the file, where in the model, the value and the fix: an aim that
        the programme does not list, a level other than 1–4, a measure not
        written ``kind:id`` with a known kind or network measure.
    """
    if spec is None:
        return LogicModel()
    if not isinstance(spec, list):
        raise _fail(file, "top", "expected a list of aims (- aim: aim1 …)",
                    "write one entry per aim with its outcomes")
    known = {a.id for a in aims}
    out = []
    for i, entry in enumerate(spec, start=1):
        if not isinstance(entry, Mapping) or "aim" not in entry:
            raise _fail(file, f"entry {i}", "no aim", "start each entry with aim: <an aim id>")
        aim = str(entry["aim"])
        if known and aim not in known:
            raise _fail(file, f"aim {aim}", f'"{aim}" is not one of the programme\'s aims',
                        f"use one of: {', '.join(sorted(known))}")
        outcomes = []
        for j, o in enumerate(entry.get("outcomes") or [], start=1):
            oid = str(o.get("id") or f"{aim}_outcome{j}")
            indicators = []
            for k, ind in enumerate(o.get("indicators") or [], start=1):
                iid = str(ind.get("id") or f"{oid}_indicator{k}")
                where = f"aim {aim}, outcome {oid}, indicator {iid}"
                level = ind.get("level")
                if level not in LEVELS:
                    raise _fail(file, where, f"level {level!r} is not a Kirkpatrick level",
                                "use 1 (reaction), 2 (learning), 3 (behaviour) or 4 (results)")
                measures = tuple(str(m).strip() for m in (ind.get("measures") or []))
                for m in measures:
                    kind, _, ident = m.partition(":")
                    if kind not in KINDS or not ident:
                        raise _fail(file, where, f'measure "{m}" is not written kind:id',
                                    "write scale:<id>, item:<id>, reaction:<id> or network:<measure>")
                    if kind == "network" and ident not in NETWORK_MEASURES:
                        raise _fail(file, where, f'"{ident}" is not a network measure',
                                    f"use one of: {', '.join(NETWORK_MEASURES)}")
                indicators.append(Indicator(iid, str(ind.get("title") or iid), int(level),
                                            measures))
            outcomes.append(Outcome(oid, str(o.get("title") or oid), tuple(indicators)))
        out.append(AimModel(aim, tuple(outcomes)))
    return LogicModel(tuple(out))


# --------------------------------------------------------------------------- design check
DESIGN_COLUMNS = ["aim", "outcome", "indicator", "measure", "problem", "fix"]


def _asked(instruments) -> dict[str, set[str]]:
    """What the instruments ask: scale ids, item ids, reaction item ids, network (yes/no)."""
    insts = instruments.values() if isinstance(instruments, Mapping) else instruments
    asked = {"scale": set(), "item": set(), "reaction": set(), "network": set()}
    for inst in insts:
        reaction = any(i.module for i in inst.items) or any(
            i.type == "choice" and "module" in i.id for i in inst.items)
        for s in inst.scales:
            asked["scale"].add(s.id)
        for it in inst.items:
            asked["reaction" if reaction else "item"].add(it.id)
            if str(it.type).startswith("roster"):
                asked["network"].update(NETWORK_MEASURES)
    return asked


def check_design(programme, instruments) -> pd.DataFrame:
    """What the logic model promises that the instruments cannot show.

    Returns
    -------
    DataFrame
        One row per finding: ``aim, outcome, indicator, measure, problem,
        fix``. Findings: an aim with no outcomes; an outcome with no
        indicator; an indicator with no measure, or whose measure no
        instrument asks; an aim with no indicator above level 2 (learning),
        i.e. no evidence of behaviour or results. Empty when the design holds.
    """
    model = getattr(programme, "logic_model", None) or LogicModel()
    asked = _asked(instruments)
    rows = []
    in_model = {am.aim: am for am in model.aims}
    for aim in programme.aims:
        am = in_model.get(aim.id)
        if am is None or not am.outcomes:
            rows.append(dict(aim=aim.id, problem="this aim has no outcomes in the logic model",
                             fix="add the outcomes it expects under logic_model in programme.yaml"))
            continue
        top = 0
        for out in am.outcomes:
            if not out.indicators:
                rows.append(dict(aim=aim.id, outcome=out.id,
                                 problem=f"outcome “{out.title}” has no indicator",
                                 fix="add an indicator that would show it, with its measures"))
            for ind in out.indicators:
                if not ind.measures:
                    rows.append(dict(aim=aim.id, outcome=out.id, indicator=ind.id,
                                     problem=f"indicator “{ind.title}” names no measure",
                                     fix="add the scale, item or network measure that shows it"))
                asked_any = False
                for m in ind.measures:
                    kind, _, ident = m.partition(":")
                    if ident in asked[kind]:
                        asked_any = True
                        continue
                    rows.append(dict(aim=aim.id, outcome=out.id, indicator=ind.id, measure=m,
                                     problem=f"no instrument asks {m}",
                                     fix=("add a network survey (roster questions)" if kind == "network"
                                          else f"add {kind} {ident} to an instrument, or correct "
                                               "the id")))
                if asked_any:
                    top = max(top, ind.level)
        if top <= 2:
            rows.append(dict(aim=aim.id, problem=(
                "no evidence above level 2 (learning): nothing measured shows a change in "
                "behaviour (3) or results (4)"),
                fix="add an indicator at level 3 or 4 and a question or measure that shows it "
                    "(e.g. a follow-up item on what people now do differently)"))
    return pd.DataFrame(rows, columns=DESIGN_COLUMNS).fillna("")


# --------------------------------------------------------------------------- evidence matrix
MATRIX_COLUMNS = ["aim", "aim_title", "level", "level_name", "outcome", "outcome_title",
                  "indicator", "indicator_title", "measure", "measure_title", "status",
                  "result", "strength", "statement"]


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace("-", "−")


@dataclass(frozen=True)
class Fig:
    """A number in a matrix cell's result: its name, value, text as printed, unit, and the
    result table and row it comes from (the claims ledger records each one)."""

    name: str
    value: float
    shown: str
    unit: str
    table: str
    key: str


@dataclass(frozen=True)
class Wave:
    """A wave named in a result (its id; the claims name it for people)."""

    id: str


class MeasureResult(NamedTuple):
    """A measure's result in the evidence matrix.

    ``parts`` are words, :class:`Fig` (each number, with its source row) and
    :class:`Wave`; :func:`result_text` joins them. ``strength`` is the
    strength of evidence ("" where no rule applies); where it is decided here
    (a single statement), ``downgrades`` and ``reasons`` say why, in the
    evidence rule's words.
    """

    title: str
    parts: list
    strength: str
    downgrades: str = ""
    reasons: tuple[str, ...] = ()


def result_text(parts, wave=str) -> str:
    """A result's words from its parts (text, :class:`Fig`, :class:`Wave`), waves named by ``wave``."""
    return "".join(p.shown if isinstance(p, Fig) else wave(p.id) if isinstance(p, Wave) else str(p)
                   for p in parts)


def _scale_result(ident: str, results: Mapping[str, pd.DataFrame]):
    st = results.get("statements")
    if st is None or not len(st):
        return None
    # the scale's first row at the end wave, else its first row (positions, not filtered frames)
    rows = (st["scale"] == ident).to_numpy(dtype=bool)
    if not rows.any():
        return None
    end = rows & (st["wave_post"] == "end").to_numpy(dtype=bool)
    r = st.iloc[int(np.argmax(end if end.any() else rows))]
    if not np.isfinite(r["g_av"]):
        return MeasureResult(r["scale_title"], ["too few matched answers"], "none")
    w0, w1 = str(r["wave_pre"]), str(r["wave_post"])
    key = f"scale={ident}; wave_pre={w0}; wave_post={w1}"
    change = r["mean_post"] - r["mean_pre"]
    way = "rose" if change > 0 else "fell" if change < 0 else "did not move"
    parts = [f"{way} ", Fig("change", abs(change), _fmt(abs(change)), "points", "statements",
                            f"{key}; column=mean_post − mean_pre"),
             " points, ", Wave(w0), " → ", Wave(w1)]
    if str(r.get("compared_with") or ""):
        d = Fig("did", abs(r["did"]), _fmt(abs(r["did"])), "points", "statements", f"{key}; column=did")
        parts += ["; ", d, (" more" if r["did"] >= 0 else " less") + f" than the {r['compared_with']} group"]
    return MeasureResult(r["scale_title"], parts, r["evidence_strength"])


def _item_result(ident: str, results):
    pp = results.get("prepost")
    if pp is None or not len(pp):
        return None
    rows = pp[(pp["kind"] == "item") & (pp["measure"] == ident)]
    if not len(rows):
        return None
    first = rows["wave_pre"].iloc[0]
    rows = rows[rows["wave_pre"] == first]
    r = rows.iloc[-1]
    if r["n_pairs"] < 3:
        return MeasureResult(r["title"], ["too few matched answers"], "none")
    sig = np.isfinite(r["p_adj"]) and r["p_adj"] < 0.05
    way = "rose" if r["mean_diff"] > 0 else "fell"
    w0, w1 = str(r["wave_pre"]), str(r["wave_post"])
    key = f"kind=item; measure={ident}; wave_pre={w0}; wave_post={w1}; column=mean_diff"
    parts = ([f"{way} ", Fig("mean_diff", abs(r["mean_diff"]), _fmt(abs(r["mean_diff"])), "points",
                             "prepost", key), " points, "] if sig else ["no clear change, "])
    parts += [Wave(w0), " → ", Wave(w1)]
    # one self-reported item, before and after, no comparison: at most limited; as the
    # evidence rule does, one step down for imprecision (no clear change, or under 30 people)
    reasons = ("one statement answered before and after, with no comparison group, so at most "
               "limited",)
    if sig and r["n_pairs"] >= 30:
        return MeasureResult(r["title"], parts, "limited", "", reasons)
    why = ("fewer than 30 people answered both times" if sig else
           "no clear change, once the number of statements tested is allowed for")
    return MeasureResult(r["title"], parts, "weak", "imprecision", reasons + ("imprecision: " + why,))


def _reaction_result(ident: str, results):
    re = results.get("reaction")
    if re is None or not len(re):
        return None
    rows = re[(re["item"] == ident) & ~re["suppressed"].astype(bool)]
    if not len(rows):
        return None
    n = rows["n_responses"].sum()
    mean = float((rows["mean"] * rows["n_responses"]).sum() / n) if n else np.nan
    top = rows["scale_max"].iloc[0]
    key = f"item={ident}; suppressed=false; every day"
    return MeasureResult(
        rows["item_text"].iloc[0],
        ["rated ", Fig("mean", mean, _fmt(mean, 1), "points", "reaction",
                       f"{key}; column=mean weighted by n_responses"),
         " out of ", Fig("scale_max", top, f"{top:g}", "points", "reaction", f"{key}; column=scale_max"),
         " on average (", Fig("n_responses", n, f"{int(n)}", "ratings", "reaction",
                              f"{key}; column=n_responses summed"), " ratings)"], "")


def _network_result(ident: str, results):
    if ident in _BOUNDARY:
        nb = results.get("network_boundary")
        if nb is None or not len(nb):
            return None
        relation = "worked_with"
        rows = nb[(nb["attribute"] == _BOUNDARY[ident]) & (nb["relation"] == relation)]
        if not len(rows):
            relation = "any relation"
            rows = nb[nb["attribute"] == _BOUNDARY[ident]]
        by_wave = (rows.groupby("wave", sort=False)[["external_ties", "ties"]].sum()
                   .rename(columns={"external_ties": "ext"}))
        if len(by_wave) < 2:
            return None
        a, b = by_wave.iloc[0], by_wave.iloc[-1]
        share = lambda r: r["ext"] / r["ties"] if r["ties"] else np.nan  # noqa: E731
        key = (f"attribute={_BOUNDARY[ident]}; relation={relation}; cohorts summed; "
               "column=external_ties / ties; wave=")
        w0, w1 = str(by_wave.index[0]), str(by_wave.index[-1])
        return MeasureResult(
                NETWORK_MEASURES[ident],
                [Fig("share_first", share(a), f"{share(a):.0%}", "percent", "network_boundary", key + w0),
                 " of working ties at " if relation == "worked_with" else " of ties at ", Wave(w0), ", ",
                 Fig("share_last", share(b), f"{share(b):.0%}", "percent", "network_boundary", key + w1),
                 " at ", Wave(w1)], "")
    mc = results.get("network_metric_change")
    if mc is None or not len(mc):
        return None
    rows = mc[(mc["metric"] == _METRIC[ident]) & (mc["basis"] == "respondents")]
    pref = rows[rows["relation"] == "worked_with"]
    rows = pref if len(pref) else rows
    if not len(rows):
        return None
    # counts add up over the cohorts; a density or a share does not: its cohorts' average
    how = "sum" if ident == "ties" else "mean"
    values = rows.groupby(["wave_from", "wave_to"], sort=False)[["value_from", "value_to"]].agg(how)
    (w0, w1), r = values.index[0], values.iloc[0]
    fmt = (lambda v: f"{v:.0f}") if ident == "ties" else (lambda v: f"{v:.2f}")
    several = rows["cohort"].nunique() > 1 if "cohort" in rows.columns else False
    key = (f"metric={_METRIC[ident]}; basis=respondents; relation={rows['relation'].iloc[0]}; "
           f"wave_from={w0}; wave_to={w1}; cohorts {'summed' if how == 'sum' else 'averaged'}; "
           "column=")
    # the people who answered both times: not the growth table's count of every tie named
    what = ""  # a count says what it counts; a density or a share, that it is an average
    if ident == "ties":
        what = " working ties" if rows["relation"].iloc[0] == "worked_with" else " ties"
    elif several:
        what = " (the cohorts' average)"
    among = what + " among the people who answered both times at "
    return MeasureResult(NETWORK_MEASURES[ident], [
        Fig("value_from", r["value_from"], fmt(r["value_from"]), "", "network_metric_change", key + "value_from"),
        among, Wave(str(w0)), ", ",
        Fig("value_to", r["value_to"], fmt(r["value_to"]), "", "network_metric_change", key + "value_to"),
        " at ", Wave(str(w1))], "")


_RESULT = {"scale": _scale_result, "item": _item_result, "reaction": _reaction_result,
           "network": _network_result}


def measure_result(measure: str, results: Mapping[str, pd.DataFrame]) -> MeasureResult | None:
    """A measure's result in the evidence matrix (:class:`MeasureResult`), or None when the
    results have none."""
    kind, _, ident = str(measure).partition(":")
    return _RESULT[kind](ident, results) if kind in _RESULT else None


def evidence_matrix(programme, results: Mapping[str, pd.DataFrame], instruments=None) -> pd.DataFrame:
    """The evidence for each aim at each Kirkpatrick level, from the analysis results.

    Parameters
    ----------
    programme : Programme
        With its ``logic_model``.
    results : dict of DataFrame
        The analysis tables (``statements``, ``prepost``, ``reaction``,
        ``network_boundary``, ``network_metric_change``).
    instruments : mapping, optional
        To tell "asked, no answers yet" from "not asked".

    Returns
    -------
    DataFrame
        One row per aim, level and measure (``MATRIX_COLUMNS``): ``aim,
        aim_title, level`` (1–4), ``level_name``, ``outcome, outcome_title,
        indicator, indicator_title, measure, measure_title``, ``status``
        ("measured", "asked, no results yet", "not asked" or "not measured":
        no indicator at this level), ``result`` (plain words), ``strength``
        (for scales the statement's evidence strength; for a single item
        limited with 30 or more matched people, else weak; blank where no
        rule applies: session ratings and network measures), ``statement`` (one sentence per aim and level, repeated on
        its rows). Every aim has a row at every level.
    """
    model = getattr(programme, "logic_model", None) or LogicModel()
    asked = _asked(instruments) if instruments is not None else None
    titles = {a.id: a.title for a in programme.aims} if programme is not None else {}
    rows = []
    by_aim: dict[str, list] = {}
    for aim, out, ind in model.rows():
        by_aim.setdefault(aim, []).append((out, ind))
    for aim_id in [a.id for a in programme.aims] if programme is not None else list(by_aim):
        entries = by_aim.get(aim_id, [])
        for level, name in LEVELS.items():
            cell = []
            for out, ind in entries:
                if ind is None or ind.level != level:
                    continue
                for m in ind.measures or ("",):
                    kind, _, ident = m.partition(":")
                    got = _RESULT[kind](ident, results) if m else None
                    if got is not None:
                        mtitle, result, strength = got.title, result_text(got.parts), got.strength
                        status = "measured"
                    else:
                        mtitle, result, strength = ident or "", "", ""
                        status = ("not asked" if not m or (asked is not None and ident not in asked[kind])
                                  else "asked, no results yet")
                    cell.append(dict(outcome=out.id, outcome_title=out.title, indicator=ind.id,
                                     indicator_title=ind.title, measure=m, measure_title=mtitle,
                                     status=status, result=result, strength=strength))
            statement = _cell_statement(titles.get(aim_id, aim_id), level, name, cell)
            if not cell:
                cell = [dict(outcome="", outcome_title="", indicator="", indicator_title="",
                             measure="", measure_title="", status="not measured", result="",
                             strength="")]
            for c in cell:
                rows.append(dict(aim=aim_id, aim_title=titles.get(aim_id, aim_id), level=level,
                                 level_name=name, statement=statement, **c))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _cell_statement(aim_title: str, level: int, name: str, cell: list[dict]) -> str:
    measured = [c for c in cell if c["status"] == "measured"]
    if not cell:
        return f"{aim_title} — level {level} ({name}): not measured."
    if not measured:
        return (f"{aim_title} — level {level} ({name}): planned in the logic model "
                f"({', '.join(c['indicator_title'] for c in cell)}) but no results yet.")
    parts = [f"{c['measure_title']} {c['result']}" + (f" ({c['strength']} evidence)"
                                                      if c["strength"] else "")
             for c in measured]
    return f"{aim_title} — level {level} ({name}): " + "; ".join(parts) + "."
