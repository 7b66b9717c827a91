"""The claims ledger: one row per thing a reader is told, built from the analysis results.

The dashboard, the board paper, the tables' Summary sheet, the Word report
and the command line's closing summary *render* these claims; none of them
computes or words a finding of its own. :func:`build_claims` returns two
tables, stored with the other results (``claims.csv``, ``claim_figures.csv``
and a sheet each in ``analysis.xlsx``).

``claims`` — one row per claim
    ``claim_id``
        Stable key, e.g. ``survey:system_leadership:baseline:end``,
        ``network:share_external:organisation:baseline:end``,
        ``comparison:system_leadership:baseline:end``, ``planning:...``,
        ``glossary:tie``, ``rule:1``.
    ``section``
        Where it is shown first: ``overview``, ``comparison``, ``planning``,
        ``principles``, ``glossary``, ``methods``.
    ``kind``
        ``finding`` (a result with a label), ``chart`` and ``table`` (a
        chart's words, a table's headings and cells: :mod:`evaluate.claims.displays`),
        ``row`` (a row of a table of
        results; a principle's ``label`` is its result: rose / fell / no clear change),
        ``intro``, ``heading`` and ``note`` (a section's words), ``definition``
        (glossary) or ``method`` (the rule in words).
    ``aim, measure, wave_pre, wave_post``
        What it is about (empty when not applicable).
    ``role``
        ``headline`` (the aim's card), ``supporting`` (another measure of the
        same aim) or empty.
    ``order``
        Order within its section (int).
    ``title``
        The measure's or term's name, as shown.
    ``text``
        The sentence the reader sees (with every number in it, each one a
        row of ``claim_figures``); a chart's text alternative, stating its data.
    ``note``
        How to read a chart (its n, what its whiskers are), or a table's note
        on rows not shown (see :mod:`evaluate.claims.displays`).
    ``level, label``
        The evidence rule's level (strong / moderate / limited / weak / none;
        empty for claims without a label) and the label as shown
        ("Moderate evidence of a rise").
    ``design, design_level``
        ``before_after``, ``comparison`` or ``random``; the Maryland
        Scientific Methods Scale level (1, 2, 3 or 5; 0 without a label).
    ``compared_with``
        The comparison group's kind ("wait-list"), empty without one.
    ``downgrades``
        The rule's downgrade codes, joined by ";" (see
        :data:`evaluate.claims.rule.DOWNGRADES`).
    ``reasons``
        Plain sentences, joined by " | ": the design's reason, every
        downgrade, then each caution noted but not rated down.
    ``cautions``
        Plain sentences, joined by " | ": every caution that applies.
    ``may_say_real, counts_as_evidence``
        What the rule allows the words to say (bool).
    ``n``
        The people the claim rests on (answered both times), NaN if none.
    ``source_table, source_key``
        The result table and row it rests on (``key=value; ...``).

``claim_figures`` — one row per number a claim prints (and per word a table of
claims shows in a column of its own, with unit ``words``)
    ``claim_id, figure`` (its name, e.g. ``mean_pre``), ``value`` (full
    precision), ``shown`` (exactly as printed: "3.5", "68%", "−0.06"),
    ``unit`` ("points out of 5", "percent", "people", "percentage points",
    "standardised difference", "ties"), ``n``, ``ci95_low``, ``ci95_high``
    (the figure's own interval when it has one), ``source_table``,
    ``source_key``, ``row`` (a table's cell: 1, 2, …; its headings: 0; any other figure: −1).

The wording of every finding lives here (and in :mod:`evaluate.words` for
the shared phrases); the labels come from :mod:`evaluate.claims.rule`, worded by
:mod:`evaluate.claims.verdict_words`; the findings are built in
:mod:`evaluate.claims.findings` and :mod:`evaluate.claims.finding_rows`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.rule import RULE_IN_WORDS
from evaluate.words import is_missing

__all__ = ["CLAIM_COLUMNS", "FIGURE_COLUMNS", "GLOSSARY", "NUMBER", "SEP", "Ledger", "as_float",
           "build_claims", "row_key"]

CLAIM_COLUMNS = ["claim_id", "section", "kind", "aim", "measure", "wave_pre", "wave_post", "role",
                 "order", "title", "text", "note", "level", "label", "design", "design_level",
                 "compared_with", "downgrades", "reasons", "cautions", "may_say_real",
                 "counts_as_evidence", "n", "source_table", "source_key"]
FIGURE_COLUMNS = ["claim_id", "figure", "value", "shown", "unit", "n", "ci95_low", "ci95_high",
                  "source_table", "source_key", "row"]

#: One name and one definition per network quantity, used in every output.
GLOSSARY = {
    "tie": ("Tie", "One person naming another in the network survey, in answer to any of its "
                   "questions (knew before, worked with, went to for advice). If two people name "
                   "each other, that is two ties."),
    "pair": ("Pair", "Two people joined by at least one tie, in either direction."),
    "working_tie": ("Working tie", "A tie named in answer to “who do you work with?”; a subset "
                                   "of all ties."),
    "crossing_tie": ("Tie crossing organisations", "A tie between two people who work for "
                                                   "different organisations."),
    "likely_range": ("Likely range", "The 95% confidence interval: the range the true value "
                                     "probably lies in, given how many people answered."),
}

SEP = " | "
#: A number as the claims print it: "3.5", "−0.06", "1,234", "68%".
NUMBER = re.compile(r"(?<![\w.])[−-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def _number(token: str) -> float:
    text = token.replace("−", "-").replace(",", "").rstrip("%")
    value = float(text)
    return value / 100 if token.endswith("%") else value


def row_key(**parts) -> str:
    """A source row as ``key=value; ...``."""
    return "; ".join(f"{k}={v}" for k, v in parts.items())


class Ledger:
    """Claims and their figures as they are written."""

    def __init__(self):
        self.claims: list[dict] = []
        self.figures: list[dict] = []

    def fig(self, claim_id: str, figure: str, value, shown: str, unit: str, *, n=np.nan,
            low=np.nan, high=np.nan, source_table: str, source_key: str, row: int = -1) -> str:
        """Record one number (or a table's cell or heading) as printed; returns ``shown``."""
        self.figures.append(dict(claim_id=claim_id, figure=figure, value=as_float(value), shown=shown,
                                 unit=unit, n=as_float(n), ci95_low=as_float(low),
                                 ci95_high=as_float(high), source_table=source_table,
                                 source_key=source_key, row=row))
        return shown

    def figures_of(self, claim_id: str, source_table: str, source_key: str):
        """``fig`` for one claim: ``f(figure, value, shown, unit, table=..., key=..., n=..., low=..., high=...)``."""
        def f(figure, value, shown, unit="points", *, table=None, key=None, **more) -> str:
            return self.fig(claim_id, figure, value, shown, unit, source_table=table or source_table,
                            source_key=key or source_key, **more)
        return f

    def add(self, **row) -> None:
        self.claims.append(row)

    def _numbers_in_words(self) -> None:
        """Numbers a reason or caution quotes (from the analysis that raised it) become figures too."""
        shown: dict[str, set[str]] = {}
        for f in self.figures:
            shown.setdefault(f["claim_id"], set()).add(f["shown"])
        for c in self.claims:
            columns = ("text",) if c.get("kind") in ("definition", "method") else ()
            for column in (*columns, "reasons", "cautions"):
                for token in NUMBER.findall(str(c.get(column) or "")):
                    if token in shown.setdefault(c["claim_id"], set()):
                        continue
                    shown[c["claim_id"]].add(token)
                    self.figures.append(dict(
                        claim_id=c["claim_id"], figure=f"in_{column}", value=_number(token),
                        shown=token, unit="percent" if token.endswith("%") else "",
                        n=math.nan, ci95_low=math.nan, ci95_high=math.nan,
                        source_table=c.get("source_table") or "evidence_rule",
                        source_key=(f"{c.get('source_key', '')}; column={column}"
                                    if c.get("source_table") else "a constant of the rule or definition"),
                        row=-1))

    def frames(self) -> dict[str, pd.DataFrame]:
        self._numbers_in_words()
        claims = pd.DataFrame(self.claims, columns=CLAIM_COLUMNS)
        for c in CLAIM_COLUMNS:
            if c in ("order", "design_level"):
                claims[c] = claims[c].fillna(0).astype("int64")
            elif c == "n":
                claims[c] = claims[c].astype("float64")
            elif c in ("may_say_real", "counts_as_evidence"):
                claims[c] = claims[c].astype(object).fillna(False).astype(bool)
            else:
                claims[c] = claims[c].astype(object).fillna("").astype(str)
        figures = pd.DataFrame(self.figures, columns=FIGURE_COLUMNS)
        for c in ("value", "n", "ci95_low", "ci95_high"):
            figures[c] = figures[c].astype("float64")
        figures["row"] = figures["row"].fillna(-1).astype("int64")
        for c in ("claim_id", "figure", "shown", "unit", "source_table", "source_key"):
            figures[c] = figures[c].astype(str)
        return {"claims": claims, "claim_figures": figures}


def as_float(v) -> float:
    """A number as the ledger stores it: NaN for anything missing or not a number."""
    try:
        return float(v) if not is_missing(v) else math.nan
    except (TypeError, ValueError):
        return math.nan


def _glossary_and_rule(led: Ledger) -> None:
    for order, (term, (title, definition)) in enumerate(GLOSSARY.items()):
        led.add(claim_id=f"glossary:{term}", section="glossary", kind="definition", order=order,
                title=title, text=definition)
    for order, sentence in enumerate(RULE_IN_WORDS):
        led.add(claim_id=f"rule:{order + 1}", section="methods", kind="method", order=order,
                title="How strong is the evidence?", text=sentence)


def build_claims(results: Mapping[str, pd.DataFrame], programme=None,
                 context: Mapping | None = None) -> dict[str, pd.DataFrame]:
    """The claims ledger of a set of analysis results.

    Parameters
    ----------
    results : mapping of str to DataFrame
        What :func:`evaluate.analysis.analyse` computed (``statements``,
        ``prepost``, ``comparison``, ``planning``, ``principles``, ``network_boundary``,
        ``network_evidence``, ``network_nonresponse_bounds`` are used when present).
    programme : Programme, optional
        Gives the order of the aims.
    context : mapping, optional
        What :func:`evaluate.analysis.report_context` gathers besides the tables
        (waves and cohorts in order, their names, the suppression threshold,
        imports, quarantine, voices): the tables and charts of
        :data:`evaluate.claims.DISPLAYS` word it.

    Returns
    -------
    dict
        ``claims`` and ``claim_figures`` (columns in the module docstring).
    """
    from evaluate.claims import DISPLAYS
    from evaluate.claims.finding_rows import comparison_claims, planning_claims, principle_claims
    from evaluate.claims.findings import network_claims, survey_claims

    led = Ledger()
    aim_order = [a.id for a in programme.aims] if programme is not None else []
    verdicts = survey_claims(led, results, aim_order)
    network_claims(led, results)
    comparison_claims(led, results, verdicts)
    planning_claims(led, results, verdicts)
    principle_claims(led, results)
    _glossary_and_rule(led)
    context = {"programme_info": programme, **dict(context or {})}
    for display in DISPLAYS:
        display(led, results, context)
    return led.frames()
