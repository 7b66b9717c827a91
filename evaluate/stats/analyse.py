"""Run every pre/post analysis over a workspace."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

import pandas as pd

from evaluate.concurrency import beside, one_blas_thread
from evaluate.roster import comparison_groups, split_by_group
from evaluate.scoring import score_scales
from evaluate.stats.attrition import attrition_bias, response_rates
from evaluate.stats.base import (
    _as_instrument_map,
    _empty_instrument,
    _is_reaction,
    _responses_by_instrument,
)
from evaluate.stats.change import prepost_table, then_test
from evaluate.stats.cohorts import cohort_anova, subgroup_change
from evaluate.stats.comparison import comparison_change
from evaluate.stats.measures import measure_values, measure_values_and_everyone
from evaluate.stats.omega import omega_totals
from evaluate.stats.power import cohort_planning
from evaluate.stats.reaction import session_reaction
from evaluate.stats.reliability import (
    item_rest_correlations,
    omega_blocks,
    reliability_blocks,
    scale_reliability,
)
from evaluate.stats.statements import aim_statements, principle_evidence

__all__ = ["OMEGA_BESIDE_CELLS", "analyse_workspace"]

#: From this many answers in the scales (rows × items, every wave), omega's bootstrap is fitted
#: beside the other analyses: in the caller's second process when it gives one (``process``),
#: else in a thread of its own, whose large batched arrays leave Python's lock free most of the
#: time (100,000 people: 4.7 s of fits hid the 0.8 s of subgroup change). A cohort's are small
#: arrays that hold the lock: two threads were slower than one.
OMEGA_BESIDE_CELLS = 2_000_000


def analyse_workspace(ws, *, p_adjust: str = "holm", responses: pd.DataFrame | None = None,
                      process: Callable[..., Future] | None = None) -> dict[str, pd.DataFrame]:
    """Run every pre/post analysis on a workspace.

    Uses only ``ws.responses()`` (or ``responses``, when the caller has read
    them already), ``ws.roster()``, ``ws.instruments()``, ``ws.programme()``,
    ``ws.min_group_size`` and (if present) ``ws.waves``. ``process``: the
    ``run`` of an :func:`evaluate.concurrency.beside_process` block; from
    :data:`OMEGA_BESIDE_CELLS` answers, omega's bootstrap is fitted there (where it
    takes no share of this process's lock) instead of in a thread.

    Returns
    -------
    dict of str → DataFrame
        ``scale_scores`` (:func:`evaluate.scoring.score_scales`, long, all
        instruments except session feedback), ``prepost``, ``then_test``,
        ``reliability``, ``item_rest``, ``attrition_rates``, ``attrition_bias``,
        ``cohort_anova``, ``subgroups``, ``reaction``,
        ``reaction_distribution``, ``statements``, ``principles``, ``planning``
        (:func:`evaluate.stats.power.cohort_planning`), ``comparison``
        (:func:`evaluate.stats.comparison.comparison_change`; empty without a
        comparison group).
    """
    full_roster = ws.roster()
    # comparison-group members (evaluate.roster) are analysed only against the programme
    responses, comparison_responses = split_by_group(
        ws.responses() if responses is None else responses, full_roster)
    instruments = ws.instruments()
    try:
        programme = ws.programme()
    except Exception:  # noqa: BLE001 - statements still work without aims
        programme = None
    roster, _ = split_by_group(full_roster, full_roster)
    min_group = int(getattr(ws, "min_group_size", 5) or 5)
    declared = getattr(ws, "waves", None)
    declared = declared() if callable(declared) else declared
    blocks = reliability_blocks(responses, instruments)  # for reliability and item-rest
    national = _omega_cells(blocks) >= OMEGA_BESIDE_CELLS
    with beside(national and process is None) as run:
        if national and process is not None:
            omegas = process(one_blas_thread, omega_totals, omega_blocks(blocks), n_boot=200)
        else:
            omegas = run(omega_totals, omega_blocks(blocks), n_boot=200)
        tables, first_n, scale_aims = _analyse(responses, comparison_responses, roster,
                                               full_roster, instruments, programme, declared,
                                               min_group, blocks, p_adjust)
        tables["reliability"] = scale_reliability(responses, instruments, waves=declared,
                                                  blocks=blocks, omegas=omegas.result())
    tables["statements"] = aim_statements(  # they word the reliability beside the change
        tables["prepost"], programme, reliability=tables["reliability"],
        attrition=tables["attrition_bias"], then=tables["then_test"], first_wave_n=first_n,
        scale_aims=scale_aims, comparison=tables["comparison"])
    return tables


def _analyse(responses, comparison_responses, roster, full_roster, instruments, programme,
             declared, min_group, blocks, p_adjust) -> tuple[dict, dict, dict]:
    """Every table but the reliability and the statements (placed, empty, to keep the
    tables' order), and what the statements need besides: each scale's first-wave count and
    aim."""
    everyone = None  # the programme's and the comparison group's values, scored together
    if len(comparison_responses):
        mv, everyone = measure_values_and_everyone(responses, comparison_responses,
                                                   instruments, waves=declared)
    else:
        mv = measure_values(responses, instruments, waves=declared)

    score_frames = []
    for inst, rows in _responses_by_instrument(responses, _as_instrument_map(instruments)):
        if inst.scales and not _is_reaction(inst):
            score_frames.append(score_scales(rows, inst))
    scale_scores = (pd.concat(score_frames, ignore_index=True) if score_frames
                    else score_scales(responses.iloc[0:0], _empty_instrument()))

    prepost = prepost_table(mv, p_adjust=p_adjust)
    then = then_test(mv, p_adjust=p_adjust)
    bias = attrition_bias(mv, responses=responses)
    reaction, distribution = session_reaction(responses, instruments, programme,
                                              min_group_size=min_group)
    scale_aims = {}
    for inst in _as_instrument_map(instruments).values():
        for s in inst.scales:
            if s.aim and not s.then_of:
                scale_aims.setdefault(s.id, s.aim)
    first_n = {}
    if mv.waves:
        f0 = mv.frame(mv.waves[0])
        for key in mv.meta.index:
            if (key in f0.columns and mv.info(key)["kind"] == "scale"
                    and mv.info(key)["then_of_key"] == "" and f0[key].notna().any()):
                first_n[(mv.info(key)["measure"], mv.waves[0])] = int(f0[key].notna().sum())
    rates = response_rates(responses, roster, waves=declared)
    groups = comparison_groups(full_roster)
    if everyone is not None:
        versus = comparison_change(everyone, groups, min_group_size=min_group)
    else:
        versus = comparison_change(mv, groups.iloc[0:0])
    tables = {
        "scale_scores": scale_scores,
        "prepost": prepost,
        "then_test": then,
        "reliability": None,  # placed here: the tables keep their order
        "item_rest": item_rest_correlations(responses, instruments, blocks=blocks),
        "attrition_rates": rates,
        "attrition_bias": bias,
        "cohort_anova": cohort_anova(mv),
        "subgroups": subgroup_change(mv, roster, min_group_size=min_group),
        "reaction": reaction,
        "reaction_distribution": distribution,
        "statements": None,
        "principles": principle_evidence(prepost, instruments, programme),
        "planning": cohort_planning(prepost, rates),
        "comparison": versus,
    }
    return tables, first_n, scale_aims


def _omega_cells(blocks: list) -> int:
    """How many answers omega's bootstrap refits: the scales' rows times their items."""
    return sum(keyed.shape[0] * keyed.shape[1] for *_, keyed in blocks)
