"""The findings a reader meets first: one per aim and survey scale (the aim's headline
first), and the share of network ties crossing organisations; each with its label,
reasons and every number it prints."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.claims.ledger import SEP, Ledger, as_float, row_key
from evaluate.claims.rule import RuleInputs, evidence_rule
from evaluate.claims.verdict_words import (
    certainty_words,
    label_text,
    noted,
    plain_caution,
    sentences,
    verdict_of,
)
from evaluate.words import (
    effect_size_word,
    integer,
    is_clear_change,
    is_missing,
    num,
    pct,
    wave_name,
)

__all__ = ["network_claims", "survey_claims"]


def the_wave(wave) -> str:
    """A wave as a sentence names it: "the baseline", "Session 3"."""
    name = wave_name(wave)
    return name if re.fullmatch(r"[A-Za-z]+ \d+", name) else f"the {name}"


def _scale_maxima(prepost: pd.DataFrame | None) -> dict[tuple, float]:
    """(measure, wave_pre, wave_post) → ``scale_max`` of its first pre/post row, read once for
    every finding."""
    if prepost is None or "scale_max" not in prepost:
        return {}
    keys = zip(prepost["measure"], prepost["wave_pre"], prepost["wave_post"], strict=True)
    out: dict[tuple, float] = {}
    for key, top in zip(keys, prepost["scale_max"].tolist(), strict=True):
        out.setdefault(key, float(top))
    return out


def _scale_max(maxima: dict[tuple, float], r) -> float:
    return maxima.get((r["scale"], r["wave_pre"], r["wave_post"]), math.nan)


def survey_claims(led: Ledger, results: Mapping[str, pd.DataFrame], aim_order: list[str]) -> dict:
    """One finding per aim and scale (the aim's headline first); returns verdicts by key."""
    st = results.get("statements")
    maxima = _scale_maxima(results.get("prepost"))
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
                    source_key=row_key(aim=aim), n=np.nan)
            continue
        scale, w0, w1 = str(r["scale"]), str(r["wave_pre"]), str(r["wave_post"])
        cid = f"survey:{scale}:{w0}:{w1}"
        key = row_key(scale=scale, wave_pre=w0, wave_post=w1)
        pkey = row_key(kind="scale", measure=scale, wave_pre=w0, wave_post=w1)
        # the aim's headline is its first scale at the first later wave; others at that wave support it
        if aim not in seen_aims:
            seen_aims[aim] = w1
            role = "headline"
        else:
            role = "supporting" if seen_aims[aim] == w1 else ""
        verdict = verdict_of(r)
        verdicts[(scale, w0, w1)] = verdict
        n = r["n_pairs"]
        title = str(r["scale_title"] or scale)
        when = f"between {the_wave(w0)} and {the_wave(w1)}"
        if is_missing(n) or int(n) < 3 or is_missing(r["g_av"]):
            text = f"Too few people answered both the {wave_name(w0)} and {wave_name(w1)} surveys to say whether {title} changed."
        else:
            top = _scale_max(maxima, r)
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
                ckey = row_key(scale=scale, wave_pre=w0, wave_post=w1)
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
        cautions = [plain_caution(c) for c in sentences(r.get("cautions"))]
        notes = [x for x in (noted(c, verdict) for c in cautions) if x]
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
                counts_as_evidence=verdict.counts_as_evidence, n=as_float(n),
                source_table="statements", source_key=key)
    return verdicts


def network_claims(led: Ledger, results: Mapping[str, pd.DataFrame]) -> None:
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
    bkey = row_key(cohort="all cohorts summed", wave=f"{w0} and {w1}", relation="any", attribute="organisation")
    ekey = row_key(cohort="all", wave_from=w0, wave_to=w1, relation="any", attribute="organisation",
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
            f"at {the_wave(w0)} to {z} at {the_wave(w1)} (of {n0} ties named, then {n1}). Among the "
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
                             source_key=row_key(cohort="all", wave_from=w0, wave_to=w1, relation="any",
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
            n=as_float(r["people"]), source_table="network_evidence", source_key=ekey)
