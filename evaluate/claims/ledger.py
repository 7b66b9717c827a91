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
the shared phrases); the labels come from :mod:`evaluate.claims.rule`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.rule import RULE_IN_WORDS, RuleInputs, Verdict, evidence_rule
from evaluate.words import (
    effect_size_word,
    integer,
    is_clear_change,
    is_missing,
    num,
    pct,
    wave_name,
)

__all__ = ["CLAIM_COLUMNS", "FIGURE_COLUMNS", "GLOSSARY", "Ledger", "build_claims", "label_text",
           "certainty_words", "plain_caution"]

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


def _the(wave) -> str:
    name = wave_name(wave)
    return name if re.fullmatch(r"[A-Za-z]+ \d+", name) else f"the {name}"


def _key(**parts) -> str:
    return "; ".join(f"{k}={v}" for k, v in parts.items())


def _signed(v, digits: int = 2) -> str:
    if is_missing(v):
        return num(v)
    return ("+" if float(v) > 0 and num(v, digits).strip("0.") else "") + num(v, digits)


class Ledger:
    """Claims and their figures as they are written."""

    def __init__(self):
        self.claims: list[dict] = []
        self.figures: list[dict] = []

    def fig(self, claim_id: str, figure: str, value, shown: str, unit: str, *, n=np.nan,
            low=np.nan, high=np.nan, source_table: str, source_key: str, row: int = -1) -> str:
        """Record one number (or a table's cell or heading) as printed; returns ``shown``."""
        self.figures.append(dict(claim_id=claim_id, figure=figure, value=_float(value), shown=shown,
                                 unit=unit, n=_float(n), ci95_low=_float(low),
                                 ci95_high=_float(high), source_table=source_table,
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


def _float(v) -> float:
    try:
        return float(v) if not is_missing(v) else math.nan
    except (TypeError, ValueError):
        return math.nan


def label_text(verdict: Verdict, direction: float | None, *, versus: str = "") -> str:
    """The label as shown: the level, and what it is evidence *of*.

    >>> from evaluate.claims.rule import Verdict
    >>> label_text(Verdict("moderate", 1, "", {}, clear=True), 0.4)
    'Moderate evidence of a rise'
    >>> label_text(Verdict("weak", 1, "", {}, clear=False), -0.1)
    'Weak evidence: no clear change'
    >>> label_text(Verdict("limited", 2, "", {}, clear=False), 0.1, versus="wait-list")
    "Limited evidence: no clear change beyond the wait-list group's"
    """
    if verdict.level == "none":
        return verdict.label
    if not verdict.clear or direction is None or is_missing(direction) or float(direction) == 0:
        beyond = f" beyond the {versus} group's" if versus else ""
        return f"{verdict.label}: no clear change{beyond}"
    way = "rise" if float(direction) > 0 else "fall"
    if versus:
        return f"{verdict.label} of a {way} beyond the {versus} group's"
    return f"{verdict.label} of a {way}"


def certainty_words(verdict: Verdict, p_adj=None) -> str:
    """What the words may say about a clear change, as the rule allows.

    >>> from evaluate.claims.rule import Verdict
    >>> certainty_words(Verdict("moderate", 1, "", {}, clear=True), 0.0001)
    'we can be confident it is real'
    >>> certainty_words(Verdict("limited", 1, "", {"imprecision": "x"}, clear=True), 0.0001)
    'larger than chance alone would explain, but the evidence is limited (see why)'
    """
    if verdict.may_say_real:
        if p_adj is not None and not is_missing(p_adj) and float(p_adj) < 0.001:
            return "we can be confident it is real"
        return "we can be fairly sure it is real"
    return f"larger than chance alone would explain, but the evidence is {verdict.level} (see why)"


# The analyses word their cautions for evaluators; the reader's words (one place).
_CAUTIONS = [
    (r"Reliability: Cronbach's alpha was [\d.]+ at the (.+?) survey, below 0\.7, so the scale is "
     r"a rough measure\.",
     r"Rough measure: at the \1 survey the scale's questions hung together poorly, so its "
     r"score is only a rough guide."),
    (r"Measurement: the scale's reliability \(omega\) moved from [\d.]+ at the (.+?) survey to "
     r"[\d.]+ at the (.+?) survey, so people may have read the questions differently; part of "
     r"the change may reflect that\.",
     r"Measurement: the questions hung together differently at the \1 and \2 surveys, so "
     r"people may have read them differently; part of the change may reflect that."),
    (r"Compared with a (.+?) group who answered the same surveys at the same times; people "
     r"were not assigned to the groups at random, so other differences between them may "
     r"explain part of the result\.",
     r"Compared with a \1 group who answered the same surveys; people were not put into the "
     r"groups at random, so other differences between them may explain part of the result."),
    (r"Response shift: looking back at ", "Looking back: at "),
    (r"People who went on to answer the (.+?) survey started with (higher|lower) (.+?) scores than "
     r"those who did not \(([\d.]+) vs ([\d.]+); [^)]*\)\.",
     r"Drop-out: the people who went on to answer the \1 survey had started \2 on \3 than those "
     r"who did not (\4, against \5)."),
    (r"Regression to the mean: ", "Starting low: "),
    (r"Attrition: ", "Drop-out: "),
    (r"\(\s*([\d.−-]+) vs ([\d.−-]+)\)", r"(\1, against \2)"),
]


def plain_caution(text: str) -> str:
    """A caution of the statements table in the reader's words."""
    text = str(text).strip()
    for pattern, repl in _CAUTIONS:
        text = re.sub(pattern, repl, text)
    return text


def _sentences(text) -> list[str]:
    if is_missing(text) or not str(text).strip():
        return []
    return [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", str(text).strip()) if s.strip()]


def _noted(caution: str, verdict: Verdict) -> str | None:
    """The reason a caution adds when no downgrade already covers it (None when one does)."""
    head = caution.split(":", 1)[0]
    covered = {"Rough measure": "rough_measure", "Measurement": "measurement_change"}
    if head in covered and covered[head] in verdict.downgrades:
        return None
    if caution.startswith(("Compared with a ", "No comparison group")) or head == "Starting low":
        return None  # the design's reason says it
    if caution.startswith("Drop-out:") and "low_response" in verdict.downgrades:
        return None
    if "attrition_bias" in verdict.downgrades and caution.startswith(
            ("Drop-out: the people who went on", "Change measured only on those who stayed")):
        return None
    head, sep, rest = caution.partition(": ")
    if sep and len(head) <= 30:
        return f"{head} (noted, not rated down): {rest}"
    return "Noted, not rated down: " + caution


def _verdict_of(r) -> Verdict:
    """The rule's verdict for a statements row, from the inputs the statements table stores."""
    n = 0 if is_missing(r.get("n_pairs")) else int(r["n_pairs"])
    n_first = None if is_missing(r.get("n_first")) else int(r["n_first"])
    common = dict(n_pairs=n, n_first=n_first,
                  reliability_shift=bool(r.get("reliability_shift", False)),
                  rough_measure=bool(r.get("rough_measure", False)),
                  dropouts_differ=bool(r.get("dropouts_differ", False)))
    if str(r.get("compared_with") or "") and not is_missing(r.get("n_comparison")):
        alike = r.get("groups_alike")
        return evidence_rule(RuleInputs(
            **common, estimate=r["did"], ci95_low=r["did_ci95_low"], ci95_high=r["did_ci95_high"],
            design="comparison", comparison_n=int(r["n_comparison"]),
            groups_alike=None if is_missing(alike) else bool(alike)))
    if n < 3 or is_missing(r.get("g_av")):
        return evidence_rule(RuleInputs(n_pairs=min(n, 2)))
    return evidence_rule(RuleInputs(**common, estimate=r["g_av"], ci95_low=r["g_av_ci95_low"],
                                    ci95_high=r["g_av_ci95_high"]))


def _scale_max(prepost: pd.DataFrame | None, r) -> float:
    if prepost is None or "scale_max" not in prepost:
        return math.nan
    hit = prepost[(prepost["measure"] == r["scale"]) & (prepost["wave_pre"] == r["wave_pre"])
                  & (prepost["wave_post"] == r["wave_post"])]
    return float(hit["scale_max"].iloc[0]) if len(hit) else math.nan


def _survey_claims(led: Ledger, results: Mapping[str, pd.DataFrame], aim_order: list[str]) -> dict:
    """One finding per aim and scale (the aim's headline first); returns verdicts by key."""
    st = results.get("statements")
    prepost = results.get("prepost")
    verdicts = {}
    if st is None or not len(st):
        return verdicts
    rows = st.to_dict("records")
    waves = list(dict.fromkeys(r["wave_post"] for r in rows if r["wave_post"]))
    rank = {w: i for i, w in enumerate(waves)}
    rows.sort(key=lambda r: (aim_order.index(r["aim"]) if r["aim"] in aim_order else 99,
                             rank.get(r["wave_post"], 99)))
    seen_aims: dict[str, str] = {}
    for order, r in enumerate(rows):
        aim = str(r["aim"] or "")
        if not r["scale"]:
            cid = f"survey:{aim}:none"
            led.add(claim_id=cid, section="overview", kind="finding", aim=aim, role="headline",
                    order=order, title=str(r["aim_title"]),
                    text="No survey results evidence this aim yet.", level="none",
                    label="Not enough data", design="", reasons="no survey was answered both "
                    "before and after for this aim", source_table="statements",
                    source_key=_key(aim=aim), n=np.nan)
            continue
        scale, w0, w1 = str(r["scale"]), str(r["wave_pre"]), str(r["wave_post"])
        cid = f"survey:{scale}:{w0}:{w1}"
        key = _key(scale=scale, wave_pre=w0, wave_post=w1)
        pkey = _key(kind="scale", measure=scale, wave_pre=w0, wave_post=w1)
        # the aim's headline is its first scale at the first later wave; others at that wave support it
        if aim not in seen_aims:
            seen_aims[aim] = w1
            role = "headline"
        else:
            role = "supporting" if seen_aims[aim] == w1 else ""
        verdict = _verdict_of(r)
        verdicts[(scale, w0, w1)] = verdict
        n = r["n_pairs"]
        title = str(r["scale_title"] or scale)
        when = f"between {_the(w0)} and {_the(w1)}"
        if is_missing(n) or int(n) < 3 or is_missing(r["g_av"]):
            text = f"Too few people answered both the {wave_name(w0)} and {wave_name(w1)} surveys to say whether {title} changed."
        else:
            top = _scale_max(prepost, r)
            unit = f"points out of {num(top, 0)}" if not is_missing(top) else "points"
            out_of = f" out of {num(top, 0)}" if not is_missing(top) else ""
            f = led.figures_of(cid, "statements", key)
            a = f("mean_pre", r["mean_pre"], num(r["mean_pre"], 1), unit, n=n)
            b = f("mean_post", r["mean_post"], num(r["mean_post"], 1), unit, n=n)
            if not is_missing(top):
                f("scale_max", top, num(top, 0), "points", table="prepost", key=pkey)
            people = f("n_pairs", n, integer(n), "people")
            g = f("g_av", r["g_av"], num(r["g_av"], 2), "standardised difference", n=n,
                  low=r["g_av_ci95_low"], high=r["g_av_ci95_high"])
            glo = f("g_av_ci95_low", r["g_av_ci95_low"], num(r["g_av_ci95_low"], 2),
                    "standardised difference")
            ghi = f("g_av_ci95_high", r["g_av_ci95_high"], num(r["g_av_ci95_high"], 2),
                    "standardised difference")
            size = f"effect size {g}, likely between {glo} and {ghi}; {people} people answered both surveys"
            diff = float(r["mean_post"]) - float(r["mean_pre"])
            verb = "rose" if diff > 0 else "fell" if diff < 0 else "stayed"
            if a == b:
                text = f"{title} stayed at {a}{out_of} {when} ({size})."
            elif not is_clear_change(r["p_adj"], r["g_av_ci95_low"], r["g_av_ci95_high"]):
                text = (f"{title} {verb} from {a} to {b}{out_of} {when}, but a change this size "
                        f"could be chance ({size}).")
            else:
                noun = "rise" if diff > 0 else "fall"
                word = effect_size_word(r["g_av"])
                art = "an" if word[:1] in "aeiou" else "a"
                if str(r.get("compared_with") or ""):
                    sure = ""  # with a comparison group, what counts is the difference (below)
                else:
                    sure = ", " + ("and " if verdict.may_say_real else "") + certainty_words(verdict, r["p_adj"])
                text = f"{title} {verb} from {a} to {b}{out_of} {when}: {art} {word} {noun}{sure} ({size})."
            kind = str(r.get("compared_with") or "")
            if kind and not is_missing(r.get("did")):
                ckey = _key(scale=scale, wave_pre=w0, wave_post=w1)
                nc = f("n_comparison", r["n_comparison"], integer(r["n_comparison"]), "people",
                       table="comparison", key=ckey)
                d = f("did", abs(r["did"]), num(abs(r["did"]), 2), unit, table="comparison",
                      key=ckey, low=r["did_ci95_low"], high=r["did_ci95_high"])
                lo = f("did_ci95_low", r["did_ci95_low"], num(r["did_ci95_low"], 2), unit,
                       table="comparison", key=ckey)
                hi = f("did_ci95_high", r["did_ci95_high"], num(r["did_ci95_high"], 2), unit,
                       table="comparison", key=ckey)
                way = "more" if r["did"] > 0 else "less"
                text += (f" Compared with a {kind} group of {nc} people who were not on the "
                         f"programme, it changed {d} points {way} (likely between {lo} and {hi})")
                if verdict.clear:
                    text += (": the programme group gained " + ("more" if r["did"] > 0 else "less")
                             + ("." if verdict.may_say_real else
                                f", but the evidence is {verdict.level} (see why)."))
                else:
                    text += ", so that difference could be chance."
        cautions = [plain_caution(c) for c in _sentences(r.get("cautions"))]
        notes = [x for x in (_noted(c, verdict) for c in cautions) if x]
        # what the design's reason already says (no comparison group; not random) is not repeated
        cautions = [c for c in cautions if not c.startswith(("Compared with a ", "No comparison group"))]
        led.add(claim_id=cid, section="overview", kind="finding", aim=aim, measure=scale,
                wave_pre=w0, wave_post=w1, role=role, order=order, title=title, text=text,
                level=verdict.level, label=label_text(verdict, (r["did"] if str(r.get("compared_with") or "") else
                                                                r["mean_post"] - r["mean_pre"]),
                                                      versus=str(r.get("compared_with") or "")),
                design="comparison" if str(r.get("compared_with") or "") else "before_after",
                design_level=verdict.design_level, compared_with=str(r.get("compared_with") or ""),
                downgrades=";".join(verdict.downgrades), reasons=SEP.join(verdict.reasons + notes),
                cautions=SEP.join(cautions), may_say_real=verdict.may_say_real,
                counts_as_evidence=verdict.counts_as_evidence, n=_float(n),
                source_table="statements", source_key=key)
    return verdicts


def _network_claims(led: Ledger, results: Mapping[str, pd.DataFrame]) -> None:
    """The share of ties crossing organisations: all ties named, and the people who answered twice."""
    boundary, ev = results.get("network_boundary"), results.get("network_evidence")
    bounds = results.get("network_nonresponse_bounds")
    if boundary is None or ev is None or not len(boundary) or not len(ev):
        return
    b = boundary[(boundary["relation"] == "any") & (boundary["attribute"] == "organisation")]
    e = ev[(ev["relation"] == "any") & (ev["attribute"] == "organisation")
           & (ev["measure"] == "share_external_change")]
    if "cohort" in e.columns and (e["cohort"].astype(str) == "all").any():
        e = e[e["cohort"].astype(str) == "all"]
    if not len(b) or len(e) != 1:
        return
    r = e.iloc[0]
    w0, w1 = str(r["wave_from"]), str(r["wave_to"])
    pooled = b[b["wave"].isin([w0, w1])].groupby("wave")[["ties", "external_ties"]].sum()
    if not {w0, w1} <= set(pooled.index):
        return
    cid = f"network:share_external:organisation:{w0}:{w1}"
    bkey = _key(cohort="all cohorts summed", wave=f"{w0} and {w1}", relation="any", attribute="organisation")
    ekey = _key(cohort="all", wave_from=w0, wave_to=w1, relation="any", attribute="organisation",
                measure="share_external_change")
    t0, t1 = pooled.loc[w0, "ties"], pooled.loc[w1, "ties"]
    s0 = pooled.loc[w0, "external_ties"] / t0 if t0 else math.nan
    s1 = pooled.loc[w1, "external_ties"] / t1 if t1 else math.nan
    f = led.fig
    a = f(cid, "share_external_first", s0, pct(s0), "percent", n=t0, source_table="network_boundary", source_key=bkey)
    z = f(cid, "share_external_last", s1, pct(s1), "percent", n=t1, source_table="network_boundary", source_key=bkey)
    n0 = f(cid, "ties_first", t0, integer(t0), "ties", source_table="network_boundary", source_key=bkey)
    n1 = f(cid, "ties_last", t1, integer(t1), "ties", source_table="network_boundary", source_key=bkey)
    people = f(cid, "people", r["people"], integer(r["people"]), "people", source_table="network_evidence", source_key=ekey)
    est = f(cid, "estimate", abs(r["estimate"]) * 100, num(abs(r["estimate"]) * 100, 0), "percentage points",
            n=r["people"], low=r["ci95_low"] * 100, high=r["ci95_high"] * 100,
            source_table="network_evidence", source_key=ekey)
    lo = f(cid, "ci95_low", r["ci95_low"] * 100, num(r["ci95_low"] * 100, 0), "percentage points",
           source_table="network_evidence", source_key=ekey)
    hi = f(cid, "ci95_high", r["ci95_high"] * 100, num(r["ci95_high"] * 100, 0), "percentage points",
           source_table="network_evidence", source_key=ekey)
    verdict = evidence_rule(RuleInputs(
        n_pairs=int(r["people"]),
        n_first=None if is_missing(r["respondents_from"]) else int(r["respondents_from"]),
        estimate=r["estimate"], ci95_low=r["ci95_low"], ci95_high=r["ci95_high"],
        dropouts_differ=bool(r["reverses"])))
    verb = "rose" if s1 > s0 else "fell" if s1 < s0 else "stayed the same"
    way = "rose" if r["estimate"] > 0 else "fell"
    text = (f"In the network survey, the share of ties crossing organisations {verb} from {a} "
            f"at {_the(w0)} to {z} at {_the(w1)} (of {n0} ties named, then {n1}). Among the "
            f"{people} people who answered it both times, the share {way} by {est} percentage "
            f"points (likely between {lo} and {hi})")
    text += (": " + certainty_words(verdict) + "." if verdict.clear else ", so it could be chance.")
    if not is_missing(r.get("bound_low")) and not is_missing(r.get("bound_high")):
        bl = f(cid, "bound_low", r["bound_low"] * 100, num(r["bound_low"] * 100, 0), "percentage points",
               source_table="network_evidence", source_key=ekey)
        bh = f(cid, "bound_high", r["bound_high"] * 100, num(r["bound_high"] * 100, 0), "percentage points",
               source_table="network_evidence", source_key=ekey)
        n_roster = None
        if bounds is not None and "roster_size" in bounds:
            hit = bounds[(bounds["relation"] == "any") & (bounds["attribute"] == "organisation")
                         & (bounds["measure"] == "share_external_change")]
            if "cohort" in hit and (hit["cohort"].astype(str) == "all").any():
                hit = hit[hit["cohort"].astype(str) == "all"]
            if len(hit) == 1:
                n_roster = f(cid, "roster_size", hit["roster_size"].iloc[0], integer(hit["roster_size"].iloc[0]),
                             "people", source_table="network_nonresponse_bounds",
                             source_key=_key(cohort="all", wave_from=w0, wave_to=w1, relation="any",
                                             attribute="organisation", measure="share_external_change"))
        everyone = f"all {n_roster} people on the programme" if n_roster else "everyone on the programme"
        text += (f" Counting {everyone}, the change lies between {bl} and {bh} points, assuming "
                 "that those who did not answer would have named the people who named them; "
                 "it could lie outside that if they would have named others.")
    led.add(claim_id=cid, section="overview", kind="finding", aim="aim2", measure="share_external",
            wave_pre=w0, wave_post=w1, role="network", order=0,
            title="Ties crossing organisations", text=text, level=verdict.level,
            label=label_text(verdict, r["estimate"]), design="before_after",
            design_level=verdict.design_level, downgrades=";".join(verdict.downgrades),
            reasons=SEP.join(verdict.reasons), cautions="",
            may_say_real=verdict.may_say_real, counts_as_evidence=verdict.counts_as_evidence,
            n=_float(r["people"]), source_table="network_evidence", source_key=ekey)


def _comparison_claims(led: Ledger, results, verdicts: dict) -> None:
    c = results.get("comparison")
    if c is None or not len(c):
        return
    shown = c[~c["suppressed"].astype(bool)]
    first = shown[shown["wave_post"] == "end"] if (shown["wave_post"] == "end").any() else shown
    kind, n_c = str(first["comparison_group"].iloc[0]), first["n_comparison"].max()
    f = led.figures_of("comparison:intro", "comparison",
                       _key(wave_pre=first["wave_pre"].iloc[0], wave_post=first["wave_post"].iloc[0]))
    led.add(claim_id="comparison:intro", section="comparison", kind="intro", order=-1,
            title="Compared with what?", compared_with=kind, source_table="comparison",
            source_key=_key(wave_pre=first["wave_pre"].iloc[0], wave_post=first["wave_post"].iloc[0]),
            text=(f"A {kind} group of {f('n_comparison', n_c, integer(n_c), 'people')} people who "
                  "were not on the programme answered the same surveys at the same times. Each "
                  "measure's change in the programme group is set beside theirs: the difference "
                  "is the part of the change the programme most likely made. Changes are in "
                  "points on each measure's scale, with the number of people who answered both "
                  "surveys."))
    for order, r in enumerate(first.to_dict("records")):
        scale, w0, w1 = r["scale"], r["wave_pre"], r["wave_post"]
        cid = f"comparison:{scale}:{w0}:{w1}"
        key = _key(scale=scale, wave_pre=w0, wave_post=w1)
        f = led.figures_of(cid, "comparison", key)
        prog = f("change_programme", r["change_programme"], _signed(r["change_programme"]), n=r["n_programme"])
        other = f("change_comparison", r["change_comparison"], _signed(r["change_comparison"]), n=r["n_comparison"])
        did = f("did", r["did"], _signed(r["did"]), low=r["did_ci95_low"], high=r["did_ci95_high"])
        lo = f("did_ci95_low", r["did_ci95_low"], num(r["did_ci95_low"], 2))
        hi = f("did_ci95_high", r["did_ci95_high"], num(r["did_ci95_high"], 2))
        n_p = f("n_programme", r["n_programme"], integer(r["n_programme"]), "people")
        n_c = f("n_comparison", r["n_comparison"], integer(r["n_comparison"]), "people")
        verdict = verdicts.get((scale, w0, w1))
        clear = r["did_ci95_low"] > 0 or r["did_ci95_high"] < 0
        means = ("the programme group gained more" if r["did_ci95_low"] > 0 else
                 "the programme group gained less" if r["did_ci95_high"] < 0 else "could be chance")
        alike = {"alike": "yes", "a small difference, allowed for": "nearly (allowed for)",
                 "not alike": "no"}.get(str(r["baseline_check"]), str(r["baseline_check"]))
        f("means", math.nan, means, "words")
        f("started_alike", r.get("baseline_g", math.nan), alike, "words")
        text = (f"{r['title']}: the programme group ({n_p} people) changed {prog} points, the "
                f"{r['comparison_group']} group ({n_c} people) {other}; difference {did} (likely "
                f"between {lo} and {hi}): {means}. Started alike: {alike}.")
        led.add(claim_id=cid, section="comparison", kind="row", measure=scale, wave_pre=w0,
                wave_post=w1, order=order, title=str(r["title"]), text=text,
                level=verdict.level if verdict else "", label=verdict.label if verdict else "",
                design="comparison", design_level=verdict.design_level if verdict else 0,
                compared_with=str(r["comparison_group"]),
                downgrades=";".join(verdict.downgrades) if verdict else "",
                reasons=SEP.join(verdict.reasons) if verdict else "",
                cautions=SEP.join(["People were not put into the two groups at random, so other "
                                   "differences between them may explain part of a difference."]
                                  + ([f"The groups did not start alike on {r['title']}: read "
                                      "its difference with more care."] if alike == "no" else [])),
                may_say_real=bool(verdict and verdict.may_say_real),
                counts_as_evidence=bool(clear and verdict and verdict.counts_as_evidence),
                n=_float(r["n_programme"]), source_table="comparison", source_key=key)


def _planning_claims(led: Ledger, results, verdicts: dict) -> None:
    p = results.get("planning")
    if p is None or not len(p):
        return
    end = p[p["wave_post"] == "end"] if (p["wave_post"] == "end").any() else p
    led.add(claim_id="planning:intro", section="planning", kind="intro", order=-1,
            title="Planning the next cohort", source_table="planning",
            source_key="target=observed change; power=0.8",
            text=("How many people the next cohort needs for its surveys to show a change like "
                  "this one 8 times in 10, for the changes the evidence rule counts as "
                  "evidence. More must be invited than are needed, because not everyone answers "
                  "both surveys; a smaller change needs many more people. The tables workbook "
                  "has the numbers for 9 times in 10."))
    led.fig("planning:intro", "power", 0.8, "8", "times in 10", source_table="planning",
            source_key="power=0.8")
    led.fig("planning:intro", "power_also", 0.9, "9", "times in 10", source_table="planning",
            source_key="power=0.9")
    led.fig("planning:intro", "power_of", 10, "10", "times", source_table="planning",
            source_key="power as a number of times in 10")
    order = 0
    for (measure, w0, w1), block in end.groupby(["measure", "wave_pre", "wave_post"], sort=False):
        verdict = verdicts.get((measure, w0, w1))
        full = block[(block["target"] == "observed change") & (block["power"] == 0.8)]
        half = block[(block["target"] == "half the observed change") & (block["power"] == 0.8)]
        if not len(full) or is_missing(full["n_completers"].iloc[0]):
            continue
        full = full.iloc[0]
        cid = f"planning:{measure}:{w0}:{w1}"
        keys = {t: _key(measure=measure, wave_pre=w0, wave_post=w1, target=t, power=0.8)
                for t in ("observed change", "half the observed change")}
        if verdict is None or not verdict.counts_as_evidence:
            why = ("its change could be chance" if verdict is None or not verdict.clear
                   else f"the evidence for it is {verdict.level}")
            led.add(claim_id=cid, section="planning", kind="row", measure=measure, wave_pre=w0,
                    wave_post=w1, order=order, title=str(full["title"]),
                    text=f"{full['title']}: not planned for, because {why}.",
                    level=verdict.level if verdict else "", counts_as_evidence=False,
                    source_table="planning", source_key=keys["observed change"])
            order += 1
            continue
        f = led.figures_of(cid, "planning", keys["observed change"])
        seen = f("mean_diff", full["mean_diff"], _signed(full["mean_diff"]), "points")
        people = f("n_completers", full["n_completers"], integer(full["n_completers"]), "people")
        invite = (f("n_invited", full["n_invited"], integer(full["n_invited"]), "people")
                  if not is_missing(full["n_invited"]) else "")
        power = f("power", 0.8, "8", "times in 10")
        ten = f("power_of", 10, "10", "times")
        text = (f"{full['title']}: to see a change of {seen} points again {power} times in {ten}, the next "
                f"cohort needs {people} people answering both surveys"
                + (f" (invite about {invite})" if invite else ""))
        if len(half) and not is_missing(half["n_completers"].iloc[0]):
            h = half.iloc[0]
            half_key = keys["half the observed change"]
            hp = f("n_completers_half", h["n_completers"], integer(h["n_completers"]), "people",
                   key=half_key)
            hi = (f("n_invited_half", h["n_invited"], integer(h["n_invited"]), "people",
                    key=half_key) if not is_missing(h["n_invited"]) else "")
            text += f"; for half that change, {hp}" + (f" (invite about {hi})" if hi else "")
        led.add(claim_id=cid, section="planning", kind="row", measure=measure, wave_pre=w0,
                wave_post=w1, order=order, title=str(full["title"]), text=text + ".",
                level=verdict.level, label=verdict.label, counts_as_evidence=True,
                n=_float(full["n_pairs"]), source_table="planning", source_key=keys["observed change"])
        order += 1


def _principle_claims(led: Ledger, results) -> None:
    """One row per programme principle (what measures it, what changed), and the heading."""
    t = results.get("principles")
    if t is None or not len(t):
        return
    rose_count, total = 0, 0
    for order, (pid, block) in enumerate(t.groupby("principle", sort=False)):
        title = str(block["principle_title"].iloc[0])
        cid = f"principle:{pid}"
        measures, rose, fell = [], False, False
        for r in block.to_dict("records"):
            if is_missing(r.get("scale")) or not str(r["scale"]):
                continue
            if is_missing(r["mean_pre"]) or is_missing(r["mean_post"]):
                measures.append(f"{r['scale_title']}: not asked before and after")
                continue
            f = led.figures_of(cid, "principles", _key(principle=pid, scale=r["scale"],
                                                       wave_pre=r["wave_pre"], wave_post=r["wave_post"]))
            a = f(f"mean_pre:{r['scale']}", r["mean_pre"], num(r["mean_pre"], 1), n=r["n_pairs"])
            b = f(f"mean_post:{r['scale']}", r["mean_post"], num(r["mean_post"], 1), n=r["n_pairs"])
            clear = is_clear_change(r["p_adj"], r["g_av_ci95_low"], r["g_av_ci95_high"])
            word = effect_size_word(r["g_av"])
            noun = "rise" if r["mean_diff"] > 0 else "fall"
            phrase = (f"{'an' if word[:1] in 'aeiou' else 'a'} {word} {noun}" if clear and word
                      else "no clear change")
            rose |= clear and r["mean_diff"] > 0
            fell |= clear and r["mean_diff"] < 0
            measures.append(f"{r['scale_title']}: {a} → {b}, {phrase}")
        if not measures:
            result = "not measured yet"
        elif rose:
            result = "rose" + (" on one measure, fell on another" if fell else "")
        elif fell:
            result = "fell"
        elif all(m.endswith("not asked before and after") for m in measures):
            result = "not measured before and after"
        else:
            result = "no clear change"
        rose_count += bool(rose)
        total += 1
        led.add(claim_id=cid, section="principles", kind="row", order=order, title=title,
                label=result, text="; ".join(measures) or "no survey scale measures it yet",
                source_table="principles", source_key=_key(principle=pid))
    f = led.figures_of("principles:heading", "principles", "principles that rose on a measure")
    k, n = f("rose", rose_count, str(rose_count), "principles"), f("of", total, str(total), "principles")
    share = (f"all {n} principles" if rose_count == total and total > 2 else
             "both principles" if rose_count == total == 2 else
             f"none of the {n} principles" if rose_count == 0 else f"{k} of {n} principles")
    led.add(claim_id="principles:heading", section="principles", kind="heading", order=-1,
            title="The programme's principles",
            text=f"The programme's principles: {share} rose on at least one measure",
            source_table="principles", source_key="every principle")
    led.add(claim_id="principles:note", section="principles", kind="note", order=999,
            title="The programme's principles",
            text="Each principle is measured by the survey scales linked to it (a scale can "
                 "serve more than one). “Rose” means the rise is larger than chance would "
                 "explain, allowing for the number of comparisons made.")


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

    led = Ledger()
    aim_order = [a.id for a in programme.aims] if programme is not None else []
    verdicts = _survey_claims(led, results, aim_order)
    _network_claims(led, results)
    _comparison_claims(led, results, verdicts)
    _planning_claims(led, results, verdicts)
    _principle_claims(led, results)
    _glossary_and_rule(led)
    context = {"programme_info": programme, **dict(context or {})}
    for display in DISPLAYS:
        display(led, results, context)
    return led.frames()
