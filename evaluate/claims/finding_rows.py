"""The rows of the report's smaller tables of findings: each measure against the comparison
group, the next cohort's planning, and the programme's principles."""

from __future__ import annotations

import math

from evaluate.claims.ledger import SEP, Ledger, as_float, row_key
from evaluate.words import effect_size_word, integer, is_clear_change, is_missing, num

__all__ = ["comparison_claims", "planning_claims", "principle_claims"]


def signed(v, digits: int = 2) -> str:
    if is_missing(v):
        return num(v)
    return ("+" if float(v) > 0 and num(v, digits).strip("0.") else "") + num(v, digits)


def comparison_claims(led: Ledger, results, verdicts: dict) -> None:
    c = results.get("comparison")
    if c is None or not len(c):
        return
    shown = c[~c["suppressed"].astype(bool)]
    first = shown[shown["wave_post"] == "end"] if (shown["wave_post"] == "end").any() else shown
    kind, n_c = str(first["comparison_group"].iloc[0]), first["n_comparison"].max()
    f = led.figures_of("comparison:intro", "comparison",
                       row_key(wave_pre=first["wave_pre"].iloc[0], wave_post=first["wave_post"].iloc[0]))
    led.add(claim_id="comparison:intro", section="comparison", kind="intro", order=-1,
            title="Compared with what?", compared_with=kind, source_table="comparison",
            source_key=row_key(wave_pre=first["wave_pre"].iloc[0], wave_post=first["wave_post"].iloc[0]),
            text=(f"A {kind} group of {f('n_comparison', n_c, integer(n_c), 'people')} people who "
                  "were not on the programme answered the same surveys at the same times. Each "
                  "measure's change in the programme group is set beside theirs: the difference "
                  "is the part of the change the programme most likely made. Changes are in "
                  "points on each measure's scale, with the number of people who answered both "
                  "surveys."))
    for order, r in enumerate(first.to_dict("records")):
        scale, w0, w1 = r["scale"], r["wave_pre"], r["wave_post"]
        cid = f"comparison:{scale}:{w0}:{w1}"
        key = row_key(scale=scale, wave_pre=w0, wave_post=w1)
        f = led.figures_of(cid, "comparison", key)
        prog = f("change_programme", r["change_programme"], signed(r["change_programme"]), n=r["n_programme"])
        other = f("change_comparison", r["change_comparison"], signed(r["change_comparison"]), n=r["n_comparison"])
        did = f("did", r["did"], signed(r["did"]), low=r["did_ci95_low"], high=r["did_ci95_high"])
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
                n=as_float(r["n_programme"]), source_table="comparison", source_key=key)


def planning_claims(led: Ledger, results, verdicts: dict) -> None:
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
        keys = {t: row_key(measure=measure, wave_pre=w0, wave_post=w1, target=t, power=0.8)
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
        seen = f("mean_diff", full["mean_diff"], signed(full["mean_diff"]), "points")
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
                n=as_float(full["n_pairs"]), source_table="planning", source_key=keys["observed change"])
        order += 1


def principle_claims(led: Ledger, results) -> None:
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
            f = led.figures_of(cid, "principles", row_key(principle=pid, scale=r["scale"],
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
                source_table="principles", source_key=row_key(principle=pid))
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
