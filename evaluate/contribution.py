"""Contribution analysis per aim: the claim, the evidence for each link, the alternatives.

With no randomised comparison an evaluation's honest claim is *contribution*,
not attribution (Mayne 2008, 2012): set out the theory of change, the evidence
for each of its links, the other explanations a sceptic would offer and what
the data say about each, and the gaps. From the logic model in
``programme.yaml`` (:mod:`evaluate.logic`), the analysis tables and the
stories the panels chose (:mod:`evaluate.stories`):

- :func:`contribution_links`: every link (aim → outcome → indicator, at its
  Kirkpatrick level) with the evidence the workspace has for it and its
  strength, plus the stories chosen in the aim's domain; a link with none
  says "no evidence" and why (never left out);
- :func:`alternative_explanations`: for every aim, each of
  :data:`ALTERNATIVES` with what would rule it out, the evidence the
  workspace has for it (comparison group, then-test, attrition checks,
  baseline differences, a question on other programmes) and a verdict —
  "no evidence" where it has none;
- :func:`contribution_claims`: one row per aim: the contribution claim, how
  many links have evidence, the gaps, and how many alternatives were examined.

This is an analysis stage: it reads tables, never the report.

References
----------
Mayne, J. (2008). Contribution analysis: An approach to exploring cause and
effect. *ILAC Brief* 16. Mayne, J. (2012). Contribution analysis: Coming of
age? *Evaluation* 18(3), 270–280.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["ALTERNATIVES", "LINK_COLUMNS", "ALTERNATIVE_COLUMNS", "CLAIM_COLUMNS",
           "NO_EVIDENCE", "contribution_links", "alternative_explanations",
           "contribution_claims", "contribution_tables"]

NO_EVIDENCE = "no evidence"
#: The alternative explanations examined for every aim: id → (explanation, what would rule it out).
ALTERNATIVES = {
    "secular_trend": (
        "Things were improving anyway (a general trend or events outside the programme)",
        "a comparison group who did not take part, answering the same surveys at the same times"),
    "response_shift": (
        "People judged themselves differently after the programme (response shift), not "
        "that they changed",
        "a then-test: at the end, people rate where they were before the programme"),
    "selection_attrition": (
        "Those who stayed to answer the later surveys were different from those who left "
        "(selection and attrition)",
        "attrition checks: the starting scores of those who answered later against those who "
        "did not"),
    "regression_to_mean": (
        "Scores that started low rose by chance (regression to the mean)",
        "a comparison group that started alike, so chance moves both groups the same way"),
    "other_programmes": (
        "Another programme or development opportunity made the difference",
        "a question asking participants what other development or change programmes they "
        "took part in"),
}
LINK_COLUMNS = ["aim", "aim_title", "level", "level_name", "outcome", "outcome_title",
                "indicator", "indicator_title", "source", "evidence", "strength", "status"]
ALTERNATIVE_COLUMNS = ["aim", "aim_title", "alternative", "explanation", "ruled_out_by",
                       "evidence", "verdict", "n_measures", "n_addressed"]
CLAIM_COLUMNS = ["aim", "aim_title", "claim", "n_links", "n_links_with_evidence", "n_gaps",
                 "gaps", "n_alternatives", "n_alternatives_with_evidence", "strongest"]
_STRENGTH_ORDER = {"strong": 4, "moderate": 3, "limited": 2, "weak": 1, "none": 0, "": 0}
#: Words in an instrument's item id or text that show it asks about other programmes.
_OTHER_PROGRAMME_WORDS = ("other programme", "other program", "other development",
                          "other leadership", "other_programme", "other_development",
                          "other training", "other courses")


def _source(measure: str) -> str:
    kind = measure.partition(":")[0]
    return {"scale": "survey change", "item": "survey change", "reaction": "session ratings",
            "network": "network change"}.get(kind, "")


def contribution_links(programme, results: Mapping[str, pd.DataFrame],
                       selection: pd.DataFrame | None = None,
                       stories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every link of the theory of change with its evidence (:data:`LINK_COLUMNS`).

    Parameters
    ----------
    programme : Programme
        With its ``logic_model``.
    results : dict of DataFrame
        The analysis tables; ``evidence_matrix`` (see
        :func:`evaluate.logic.evidence_matrix`) is used when present, else made.
    selection : DataFrame, optional
        The chosen stories (``story_selection_report``: round, level, domain,
        title, quotable …), one row per story and round.
    stories : DataFrame, optional
        ``story_counts``: how many stories were told per domain.

    Returns
    -------
    DataFrame
        One row per indicator measure (``source`` survey change, network
        change or session ratings; with a comparison group its result says
        so), one per outcome with no indicator (``status`` "no evidence":
        no indicator), and one per aim for the stories (``source`` "stories",
        ``level`` missing). ``status`` is "evidence" or "no evidence";
        ``evidence`` says what was found or why nothing was.
    """
    from evaluate.logic import LogicModel, evidence_matrix

    matrix = results.get("evidence_matrix")
    if matrix is None:
        matrix = evidence_matrix(programme, results)
    model = getattr(programme, "logic_model", None) or LogicModel()
    titles = {a.id: a.title for a in programme.aims}
    levels = _ledger_levels(results.get("claims"))
    rows = []
    for r in matrix.itertuples(index=False):
        if not r.indicator:
            continue
        has = r.status == "measured"
        strength = levels.get(r.measure.partition(":")[2], r.strength) if (
            r.measure.startswith("scale:")) else r.strength
        evidence = (f"{r.measure_title} {r.result}".strip() if has else
                    f"{NO_EVIDENCE}: {r.measure_title or r.measure} — {r.status}")
        rows.append(dict(aim=r.aim, aim_title=r.aim_title, level=int(r.level),
                         level_name=r.level_name, outcome=r.outcome,
                         outcome_title=r.outcome_title, indicator=r.indicator,
                         indicator_title=r.indicator_title, source=_source(r.measure),
                         evidence=evidence, strength=strength if has else "",
                         status="evidence" if has else NO_EVIDENCE))
    for am in model.aims:
        for out in am.outcomes:
            if out.indicators:
                continue
            rows.append(dict(aim=am.aim, aim_title=titles.get(am.aim, am.aim), level=pd.NA,
                             level_name="", outcome=out.id, outcome_title=out.title,
                             indicator="", indicator_title="", source="",
                             evidence=f"{NO_EVIDENCE}: the logic model gives this outcome no "
                                      "indicator, so nothing measures it",
                             strength="", status=NO_EVIDENCE))
    for aim in programme.aims:
        rows.append(dict(aim=aim.id, aim_title=aim.title, level=pd.NA, level_name="",
                         outcome="", outcome_title="", indicator="stories",
                         indicator_title="Stories of change chosen by the panels",
                         source="stories", strength="",
                         **_story_evidence(aim.id, selection, stories)))
    out = pd.DataFrame(rows, columns=LINK_COLUMNS)
    out["level"] = out["level"].astype("Int64")
    return out


def _ledger_levels(claims: pd.DataFrame | None) -> dict[str, str]:
    """scale → the claims ledger's evidence level for its change to the end survey (or the first)."""
    if claims is None or not len(claims) or "measure" not in claims.columns:
        return {}
    found = claims[(claims["kind"] == "finding") & claims["claim_id"].astype(str).str.startswith(
        "survey:") & (claims["level"].astype(str) != "")]
    found = found.assign(_end=found["wave_post"] != "end").sort_values(["_end", "order"])
    return found.drop_duplicates("measure").set_index("measure")["level"].astype(str).to_dict()


def _story_evidence(aim_id: str, selection, counts) -> dict:
    told = None
    if counts is not None and len(counts):
        row = counts[counts["domain"] == aim_id]
        told = row["n_stories"].iloc[0] if len(row) else 0
    if selection is None or not len(selection):
        if told:
            return dict(evidence=f"{NO_EVIDENCE}: stories were told in this domain but no panel "
                                 "has chosen among them yet", status=NO_EVIDENCE)
        return dict(evidence=f"{NO_EVIDENCE}: no story of change in this domain",
                    status=NO_EVIDENCE)
    mine = selection[(selection["domain"] == aim_id) & selection["selected"].astype(bool)]
    if not len(mine):
        return dict(evidence=f"{NO_EVIDENCE}: no panel chose a story in this domain",
                    status=NO_EVIDENCE)
    last = mine[mine["round"] == mine["round"].max()]
    level = str(last["level"].iloc[0])
    n = last["story"].nunique()
    return dict(evidence=(f"{n} stor{'y' if n == 1 else 'ies'} chosen by the {level} "
                          f"(round {int(last['round'].iloc[0])})"), status="evidence")


def _aim_scales(instruments, aim_id: str) -> set[str]:
    insts = instruments.values() if isinstance(instruments, Mapping) else (instruments or ())
    return {s.id for inst in insts for s in inst.scales if s.aim == aim_id and not s.then_of}


def _first_post(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the first comparison after the programme (the end survey when there is one)."""
    if not len(frame) or "wave_post" not in frame.columns:
        return frame
    end = frame[frame["wave_post"] == "end"]
    return end if len(end) else frame[frame["wave_post"] == frame["wave_post"].iloc[0]]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _secular(scales, results):
    cmp = results.get("comparison")
    if cmp is None or not len(cmp):
        return None
    rows = _first_post(cmp[cmp["scale"].isin(scales) & ~cmp["suppressed"].astype(bool)])
    rows = rows[np.isfinite(rows["did"].astype(float))]
    if not len(rows):
        return None
    clear = rows[rows["did_ci95_low"] > 0]
    group = str(rows["comparison_group"].iloc[0])
    text = (f"compared with the {group} group on {len(rows)} measure(s): the programme group "
            f"changed clearly more on {len(clear)}")
    if len(clear):
        text += (f" (by {_fmt(clear['did'].min())} to {_fmt(clear['did'].max())} points more)"
                 if len(clear) > 1 else f" (by {_fmt(clear['did'].iloc[0])} points more)")
    verdict = ("ruled out for every measure" if len(clear) == len(rows) else
               "ruled out for some measures" if len(clear) else "not ruled out")
    return text, verdict, len(rows), len(clear)


def _response_shift(scales, results):
    tt = results.get("then_test")
    if tt is None or not len(tt):
        return None
    rows = tt[(tt["kind"] == "scale") & tt["measure"].isin(scales)
              & tt["comparison"].astype(str).str.contains("response shift")]
    rows = rows[rows["n_pairs"] > 0]
    if not len(rows):
        return None
    shifted = rows[(rows["p_adj"] < 0.05) & (rows["mean_diff"] < 0)]
    text = (f"then-test on {len(rows)} measure(s): looking back, people rated their starting "
            f"point lower than they had at the time on {len(shifted)}")
    if len(shifted):
        text += ", so the change measured from the baseline understates the change they report"
        verdict = "examined: response shift found; it makes the measured change smaller, not larger"
    else:
        verdict = "examined: no clear response shift"
    return text, verdict, len(rows), len(rows)


def _attrition(scales, results):
    ab = results.get("attrition_bias")
    if ab is None or not len(ab):
        return None
    rows = _first_post(ab[ab["scale"].isin(scales)].rename(columns={"wave": "wave_post"}))
    rows = rows[(rows["n_dropouts"] > 0) & (rows["n_completers"] > 0)]
    if not len(rows):
        return None
    differs = rows[rows["differs"].astype(bool)]
    text = (f"starting scores of those who answered later and those who left compared on "
            f"{len(rows)} measure(s): they differed on {len(differs)}")
    if len(differs):
        text += f" ({', '.join(differs['title'].astype(str))})"
    verdict = ("ruled out for every measure" if not len(differs) else
               "a risk for some measures" if len(differs) < len(rows) else "not ruled out")
    return text, verdict, len(rows), len(rows) - len(differs)


def _regression(scales, results):
    cmp = results.get("comparison")
    if cmp is None or not len(cmp) or "baseline_check" not in cmp.columns:
        return None
    rows = _first_post(cmp[cmp["scale"].isin(scales) & ~cmp["suppressed"].astype(bool)])
    rows = rows[rows["baseline_check"].astype(str) != ""]
    if not len(rows):
        return None
    alike = rows[rows["baseline_check"].astype(str) != "not alike"]
    text = (f"the programme and comparison groups started alike, or close enough to allow for, "
            f"on {len(alike)} of {len(rows)} measure(s)")
    unlike = rows[rows["baseline_check"].astype(str) == "not alike"]
    if len(unlike):
        text += f"; not alike on {', '.join(unlike['title'].astype(str))}"
    verdict = ("ruled out for every measure" if len(alike) == len(rows) else
               "ruled out for some measures" if len(alike) else "not ruled out")
    return text, verdict, len(rows), len(alike)


def _other_programmes(instruments):
    insts = instruments.values() if isinstance(instruments, Mapping) else (instruments or ())
    asked = [f"{inst.ref}: {it.text}" for inst in insts for it in inst.items
             if any(w in f"{it.id} {it.text}".casefold() for w in _OTHER_PROGRAMME_WORDS)]
    if not asked:
        return None
    return (f"asked ({'; '.join(asked[:2])}); read the answers before claiming the programme's "
            "part", "examined: asked", len(asked), len(asked))


def alternative_explanations(programme, results: Mapping[str, pd.DataFrame],
                             instruments=None) -> pd.DataFrame:
    """Each alternative explanation for each aim, with the evidence on it (:data:`ALTERNATIVE_COLUMNS`).

    Every aim has one row per :data:`ALTERNATIVES` entry. ``evidence`` says
    what the workspace has (on the aim's scales, at the first survey after
    the programme) and ``verdict`` what it shows; where it has nothing both
    say :data:`NO_EVIDENCE` and ``evidence`` says what would supply it.
    ``n_measures`` counts the measures examined, ``n_addressed`` those on
    which the explanation is ruled out (or, for the then-test, examined).
    """
    checks = {"secular_trend": _secular, "response_shift": _response_shift,
              "selection_attrition": _attrition, "regression_to_mean": _regression}
    rows = []
    for aim in programme.aims:
        scales = _aim_scales(instruments, aim.id)
        for key, (explanation, ruled_out_by) in ALTERNATIVES.items():
            found = (_other_programmes(instruments) if key == "other_programmes"
                     else checks[key](scales, results) if scales else None)
            if found is None:
                evidence = (f"{NO_EVIDENCE}: nothing in the workspace speaks to it; it would "
                            f"take {ruled_out_by}" + (
                                "" if scales or key == "other_programmes" else
                                " (and no survey scale measures this aim)"))
                verdict, n, ok = NO_EVIDENCE, 0, 0
            else:
                evidence, verdict, n, ok = found
            rows.append(dict(aim=aim.id, aim_title=aim.title, alternative=key,
                             explanation=explanation, ruled_out_by=ruled_out_by,
                             evidence=evidence, verdict=verdict, n_measures=n, n_addressed=ok))
    out = pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)
    for c in ("n_measures", "n_addressed"):
        out[c] = out[c].astype("int64")
    return out


def contribution_claims(programme, links: pd.DataFrame, alternatives: pd.DataFrame
                        ) -> pd.DataFrame:
    """The contribution claim per aim, with its gaps (:data:`CLAIM_COLUMNS`).

    The claim is worded as contribution, never attribution: what the evidence
    is consistent with, at which levels, how strong the strongest piece is,
    and what it cannot yet show.
    """
    rows = []
    for aim in programme.aims:
        mine = links[links["aim"] == aim.id]
        with_ev = mine[mine["status"] == "evidence"]
        gaps = mine[mine["status"] == NO_EVIDENCE]
        alts = alternatives[alternatives["aim"] == aim.id]
        alts_ev = alts[alts["verdict"] != NO_EVIDENCE]
        levels = sorted({int(v) for v in with_ev["level"].dropna()})
        strongest = max((str(s) for s in with_ev["strength"]), key=lambda s: _STRENGTH_ORDER.get(s, 0),
                        default="")
        from evaluate.logic import LEVELS

        if len(with_ev):
            at = ", ".join(f"{lv} ({LEVELS[lv]})" for lv in levels)
            claim = (f"The evidence is consistent with the programme contributing to "
                     f"“{aim.title}”" + (f", with evidence at level(s) {at}" if levels else "")
                     + (f"; the strongest evidence is rated {strongest}" if strongest else "")
                     + f". {len(alts_ev)} of {len(alts)} other explanations could be examined"
                     + (f"; {len(gaps)} link(s) have no evidence yet." if len(gaps) else "."))
        else:
            claim = (f"No evidence yet that the programme contributed to “{aim.title}”: none of "
                     f"its {len(mine)} link(s) has evidence.")
        gap_words = "; ".join(
            (g.indicator_title or g.outcome_title or g.indicator) for g in gaps.itertuples())
        rows.append(dict(aim=aim.id, aim_title=aim.title, claim=claim, n_links=len(mine),
                         n_links_with_evidence=len(with_ev), n_gaps=len(gaps), gaps=gap_words,
                         n_alternatives=len(alts), n_alternatives_with_evidence=len(alts_ev),
                         strongest=strongest))
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    for c in ("n_links", "n_links_with_evidence", "n_gaps", "n_alternatives",
              "n_alternatives_with_evidence"):
        out[c] = out[c].astype("int64")
    return out


def contribution_tables(programme, results: Mapping[str, pd.DataFrame], instruments=None,
                        selection: pd.DataFrame | None = None,
                        stories: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """``contribution_links``, ``contribution_alternatives`` and ``contribution_claims``."""
    links = contribution_links(programme, results, selection, stories)
    alternatives = alternative_explanations(programme, results, instruments)
    return {"contribution_links": links, "contribution_alternatives": alternatives,
            "contribution_claims": contribution_claims(programme, links, alternatives)}
