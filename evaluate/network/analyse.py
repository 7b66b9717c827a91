"""Every network analysis over a workspace, one network per cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.boundary import boundary_spanning
from evaluate.network.brokerage import brokerage_roles
from evaluate.network.brokerage_change import brokerage_change
from evaluate.network.coreness import core_change, core_periphery
from evaluate.network.growth import metric_change, tie_growth
from evaluate.network.layout import network_layout
from evaluate.network.measures import network_metrics
from evaluate.network.people import person_change
from evaluate.network.stakeholders import stakeholder_summary
from evaluate.network.ties import (
    Rule,
    _as_roster,
    _empty_ties,
    _relations,
    clean_ties,
    shared_checks,
    wave_order,
)
from evaluate.network.uncertainty import bootstrap_change, network_evidence, nonresponse_bounds
from evaluate.roster import split_by_group

__all__ = ["analyse_workspace"]


def _network_waves(ws, ties: pd.DataFrame, responses: pd.DataFrame) -> list:
    found = list(ties["wave"].dropna()) + list(responses.get("wave", pd.Series(dtype=object)).dropna())
    imports = getattr(ws, "imports", None)
    if callable(imports):
        try:
            table = imports()
        except Exception:  # noqa: BLE001 - the import log is optional here
            table = None
        if table is not None and len(table) and {"wave", "instrument"} <= set(table.columns):
            is_network = table["instrument"].astype(str).str.split("@").str[0] == "network"
            found += list(table.loc[is_network, "wave"])
    return wave_order(found, getattr(ws, "waves", None))


@shared_checks()  # one network's analyses check its ties, roster and respondents once
def analyse_workspace(ws, *, rule: Rule = "reported", seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Run every network analysis on a workspace, one network per cohort.

    People in a comparison group (the roster's ``comparison`` column) are left
    out: their ties count as ties to people off the programme's roster.

    Uses only ``ws.roster()``, ``ws.ties()``, ``ws.responses(instrument="network")``,
    ``ws.stakeholders()``, ``ws.min_group_size`` and, when present,
    ``ws.waves`` (programme order) and ``ws.imports()`` (to notice a network
    wave that was imported but has no answers).

    Returns
    -------
    dict of str to DataFrame
        ``network_checks`` (:func:`clean_ties` checks plus one row per
        problem such as a wave with no answers: ``cohort, wave, relation,
        ties_read, self_ties, duplicate_ties, off_roster_ties, ties_used,
        message``), ``network_metrics``, ``network_metric_change``,
        ``network_growth``, ``network_boundary``, ``network_boundary_groups``,
        ``network_people``, ``network_layout_nodes``, ``network_layout_edges``,
        ``network_brokerage``, ``network_brokerage_whole``,
        ``network_brokerage_change``, ``network_brokerage_groups``
        (:mod:`~evaluate.network.brokerage`), ``network_coreness``,
        ``network_core``, ``network_core_change``, ``network_core_groups``
        (:mod:`~evaluate.network.coreness`), ``network_change_intervals``,
        ``network_nonresponse_bounds``, ``network_evidence``
        (:mod:`~evaluate.network.uncertainty`; with more than one cohort these
        also have rows for cohort ``all``, every cohort together, resampled
        within each cohort), ``network_stakeholders``. Each table (except stakeholders) starts
        with a ``cohort`` column; the other columns are those of the function
        that makes it.
    """
    full_roster = ws.roster()
    # comparison-group members (evaluate.roster) are not part of the programme's network
    programme, _ = split_by_group(full_roster, full_roster)
    roster = _as_roster(programme.drop(columns=["comparison"], errors="ignore"))
    raw_ties = ws.ties()
    responses, _ = split_by_group(ws.responses(instrument="network"), full_roster)
    min_group = int(getattr(ws, "min_group_size", 5))
    cleaned = clean_ties(raw_ties if len(raw_ties) else _empty_ties(), roster)
    ties = cleaned.ties
    if len(responses) and "participant" in responses.columns:
        respondents = responses[["wave", "participant"]].copy()
        if "cohort" in responses.columns:
            respondents["cohort"] = responses["cohort"].astype("object").fillna("")
        else:
            respondents["cohort"] = respondents["participant"].map(
                roster.set_index("participant")["cohort"])
    else:
        respondents = pd.DataFrame({"wave": [], "participant": [], "cohort": []}, dtype=object)
    waves = _network_waves(ws, ties, respondents)
    cohorts = list(dict.fromkeys(list(roster["cohort"]) + list(ties["cohort"])))
    extra_checks = []
    if not waves:
        extra_checks.append({"cohort": "", "wave": "", "relation": "", "message":
                             "No network survey answers in this workspace: import the network "
                             "survey (instrument network) to get network results."})
    out: dict[str, list] = {k: [] for k in (
        "network_metrics", "network_metric_change", "network_growth", "network_boundary",
        "network_boundary_groups", "network_people", "network_layout_nodes",
        "network_layout_edges", "network_brokerage", "network_brokerage_whole",
        "network_brokerage_change", "network_brokerage_groups", "network_coreness",
        "network_core", "network_core_change", "network_core_groups",
        "network_change_intervals", "network_nonresponse_bounds", "network_evidence")}
    for cohort in cohorts if waves else []:
        members = roster[roster["cohort"] == cohort]
        if not len(members):
            continue
        with shared_checks():  # one network's work on its frames, shared by its analyses
            parts = _cohort_tables(ties, members, respondents, cohort, waves, rule, min_group,
                                   seed, extra_checks)
        for name, frame in parts.items():
            out[name].append((cohort, frame))
    several = [c for c in cohorts if (roster["cohort"] == c).any()]
    if waves and len(several) > 1:
        # every cohort together: each cohort is its own network, resampled on its own
        parts = dict(zip(("network_change_intervals", "network_nonresponse_bounds",
                          "network_evidence"),
                         _uncertainty(ties, roster, respondents, waves, _relations(ties), seed),
                         strict=True))
        for name, frame in parts.items():
            out[name].append(("all", frame))
    result = {}
    checks = cleaned.checks
    if extra_checks:
        extra = pd.DataFrame(extra_checks)
        for c in ("ties_read", "self_ties", "duplicate_ties", "off_roster_ties", "ties_used"):
            extra[c] = 0
        checks = pd.concat([checks, extra[checks.columns]], ignore_index=True)
    result["network_checks"] = checks
    for name, labelled in out.items():
        result[name] = _with_cohort(labelled) if labelled else pd.DataFrame()
    result["network_stakeholders"] = stakeholder_summary(ws.stakeholders(), waves=waves)
    return result


def _with_cohort(labelled: list[tuple]) -> pd.DataFrame:
    """The (cohort, frame) frames one below another, the cohort as the first column.

    One concatenation per table; the cohort column has the dtype
    ``frame.assign(cohort=...)`` gives a cohort's name, without copying each small
    frame twice to label it.
    """
    out = pd.concat([frame for _, frame in labelled], ignore_index=True)
    if not len(out):  # nothing to label: each frame labelled, for the same empty columns
        return pd.concat([f.assign(cohort=c)[["cohort", *f.columns]] for c, f in labelled],
                         ignore_index=True)
    labels = [c for c, _ in labelled]
    cohort = pd.Series(np.repeat(np.array(labels, dtype=object), [len(f) for _, f in labelled]),
                       dtype=pd.Series(labels).dtype, name="cohort")
    return pd.concat([cohort, out], axis=1)


def _cohort_tables(ties, members, respondents, cohort, waves, rule, min_group, seed,
                   extra_checks) -> dict[str, pd.DataFrame]:
    """Every network table of one cohort (a note in ``extra_checks`` for each wave it did
    not answer)."""
    t = ties[ties["cohort"] == cohort]
    r = respondents[respondents["cohort"] == cohort]
    answered = set(r["wave"]) | set(t["wave"])
    for w in waves:
        if w not in answered:
            extra_checks.append({"cohort": cohort, "wave": w, "relation": "", "message":
                                 f"No network answers from cohort {cohort} at wave {w}: "
                                 "its network measures are left blank."})
    relations = _relations(ties)
    metrics = network_metrics(t, members["participant"], r, waves=waves,
                              relations=relations, rule=rule)
    whole, groups = boundary_spanning(t, members, waves=waves, relations=relations,
                                      min_group_size=min_group)
    nodes, edges = network_layout(t, members, waves=waves, respondents=r, seed=seed,
                                  min_group_size=min_group)
    roles, roles_whole = brokerage_roles(t, members, r, waves=waves, relations=relations)
    roles_change, roles_groups = brokerage_change(t, members, r, waves=waves,
                                                  relations=relations,
                                                  min_group_size=min_group)
    core_people, core_whole = core_periphery(t, members, r, waves=waves, relations=relations)
    core_moves, core_groups = core_change(core_people, members, waves=waves,
                                          min_group_size=min_group)
    intervals, bounds, evidence = _uncertainty(t, members, r, waves, relations, seed)
    return {
        "network_metrics": metrics,
        "network_metric_change": metric_change(metrics, waves=waves),
        "network_growth": tie_growth(t, r, waves=waves, relations=relations),
        "network_boundary": whole,
        "network_boundary_groups": groups,
        "network_people": person_change(t, members, r, waves=waves, relations=relations),
        "network_layout_nodes": nodes,
        "network_layout_edges": edges,
        "network_brokerage": roles,
        "network_brokerage_whole": roles_whole,
        "network_brokerage_change": roles_change,
        "network_brokerage_groups": roles_groups,
        "network_coreness": core_people,
        "network_core": core_whole,
        "network_core_change": core_moves,
        "network_core_groups": core_groups,
        "network_change_intervals": intervals,
        "network_nonresponse_bounds": bounds,
        "network_evidence": evidence,
    }


def _uncertainty(ties, roster, respondents, waves, relations, seed):
    """Bootstrap intervals, non-response bounds and evidence labels of one network (or all)."""
    intervals = bootstrap_change(ties, roster, respondents, waves=waves, relations=relations,
                                 seed=seed)
    bounds = nonresponse_bounds(ties, roster, respondents, waves=waves, relations=relations)
    return intervals, bounds, network_evidence(intervals, bounds)
