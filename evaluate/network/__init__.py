"""Network growth: who is connected to whom, across which boundaries, and how that changed.

Aim 2 of the programme ("build a network — break down barriers, build trust,
relationships and peer support") is evidenced by the network survey, asked at
two or more waves. Ingest turns the roster questions into directed, typed ties
(``Workspace.ties``); this module measures them:

- :func:`clean_ties` drops self-ties, merges duplicate ties and separates ties
  to people who are not on the cohort roster — each counted, never silent;
- :func:`network_metrics` gives one row of whole-network measures per wave,
  relation and basis (respondents only, or the full roster);
- :func:`boundary_spanning` and :func:`ei_index` measure ties across
  organisations, sectors, places and roles (Krackhardt–Stern E-I index);
- :func:`tie_growth`, :func:`metric_change` and :func:`person_change` compare
  waves: ties new, kept and lost, Jaccard similarity, the change in every
  measure, and per person the change in degree, new cross-boundary ties and
  betweenness (who became a broker);
- :func:`network_layout` gives node positions that stay put across waves, for
  before/after pictures that can be compared;
- :func:`analyse_workspace` runs all of it on a workspace.

The graph library is igraph (C core); weak transitivity uses a scipy sparse
matrix product. ``benchmarks/bench_network.py`` holds the measurements behind
that choice. Both are imported when a function needs them, not on import.

The package is split by concept; every public name is importable from
``evaluate.network``:

- :mod:`~evaluate.network.ties` — cleaning, graphs, waves and relations;
- :mod:`~evaluate.network.measures` — whole-network measures per wave;
- :mod:`~evaluate.network.boundary` — ties across boundaries (E-I index);
- :mod:`~evaluate.network.growth` — ties new, kept and lost; change in measures;
- :mod:`~evaluate.network.people` — per-person change and betweenness;
- :mod:`~evaluate.network.layout` — positions that stay put across waves;
- :mod:`~evaluate.network.blocks` — the tie table as position arrays per relation × wave;
- :mod:`~evaluate.network.brokerage` — Gould–Fernandez brokerage roles by group;
- :mod:`~evaluate.network.brokerage_change` — how the roles changed between waves;
- :mod:`~evaluate.network.coreness` — core and periphery, and who moved into the core;
- :mod:`~evaluate.network.uncertainty` — bootstrap intervals for network change, bounds
  under non-response, and the strength-of-evidence label;
- :mod:`~evaluate.network.stakeholders` — people outside the cohort, counted;
- :mod:`~evaluate.network.analyse` — all of it over a workspace.

Every function takes and returns tidy DataFrames with fixed snake_case columns
at full precision. Person-level tables carry pseudonymous participant ids only;
group-level tables suppress groups smaller than the workspace threshold.
"""

from evaluate.network.analyse import analyse_workspace
from evaluate.network.boundary import boundary_spanning, ei_index
from evaluate.network.brokerage import (
    BROKERAGE_ATTRIBUTES,
    ROLES,
    brokerage_roles,
    gould_fernandez,
)
from evaluate.network.brokerage_change import brokerage_change
from evaluate.network.coreness import CORE_ATTRIBUTES, core_change, core_periphery, coreness
from evaluate.network.growth import metric_change, tie_growth
from evaluate.network.layout import network_layout
from evaluate.network.measures import (
    METRIC_COLUMNS,
    arc_reciprocity,
    degree_centralisation,
    density,
    dyadic_reciprocity,
    network_metrics,
    weak_transitivity,
    whole_network_measures,
)
from evaluate.network.people import person_change
from evaluate.network.stakeholders import stakeholder_summary
from evaluate.network.ties import (
    ANY_RELATION,
    ATTRIBUTES,
    RELATIONS,
    TIE_COLUMNS,
    CleanTies,
    clean_ties,
    directed_graph,
    wave_order,
)
from evaluate.network.uncertainty import (
    BOOTSTRAP_ATTRIBUTES,
    BOOTSTRAP_MEASURES,
    bootstrap_change,
    network_evidence,
    nonresponse_bounds,
)

__all__ = [
    "RELATIONS",
    "ATTRIBUTES",
    "ANY_RELATION",
    "TIE_COLUMNS",
    "METRIC_COLUMNS",
    "CleanTies",
    "clean_ties",
    "directed_graph",
    "wave_order",
    "density",
    "dyadic_reciprocity",
    "arc_reciprocity",
    "weak_transitivity",
    "degree_centralisation",
    "whole_network_measures",
    "network_metrics",
    "ei_index",
    "boundary_spanning",
    "tie_growth",
    "metric_change",
    "person_change",
    "network_layout",
    "ROLES",
    "BROKERAGE_ATTRIBUTES",
    "gould_fernandez",
    "brokerage_roles",
    "brokerage_change",
    "CORE_ATTRIBUTES",
    "coreness",
    "core_periphery",
    "core_change",
    "BOOTSTRAP_MEASURES",
    "BOOTSTRAP_ATTRIBUTES",
    "bootstrap_change",
    "nonresponse_bounds",
    "network_evidence",
    "stakeholder_summary",
    "analyse_workspace",
]
