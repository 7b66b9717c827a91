"""Data and methods: where the numbers came from and how they were made.

The one section written for evaluators: the statistician's words belong here
(and in the tables), not on the commissioner's pages.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report.format import integer, interval, num, p_value
from evaluate.report.page import Page
from evaluate.report.records import (
    import_totals,
    imports_table,
    quarantine_summary,
    suppression_counts,
)
from evaluate.report.sections.stories import stories_method
from evaluate.report.table import make_table
from evaluate.words import count, join_words, rounded

__all__ = ["build_methods", "TESTS_TEXT"]

#: What each method is and why it was used (shown as a definition list).
TESTS_TEXT = [
    ("Matched pre/post", "Each comparison uses only the people who answered at both waves, so "
     "a change cannot come from different people answering. Multi-item scale scores are treated "
     "as interval and tested with the paired t-test; single ordinal items with the Wilcoxon "
     "signed-rank test (with the matched-pairs rank-biserial correlation). Both are always "
     "computed; the tables say which one is the headline."),
    ("Effect sizes", "Hedges' g_av (mean change over the average of the two waves' standard "
     "deviations, small-sample corrected; Lakens, 2013) with a 95% confidence interval from the "
     "noncentral t distribution; d_z (change over the SD of the changes) is reported under its "
     "own name. The words on the other pages follow Cohen's benchmarks on g_av as printed: under "
     "0.20 very small, under 0.50 small, under 0.80 medium-sized, else large."),
    ("Many comparisons", "p-values are adjusted within each family (all scales for one pair of "
     "waves) by Holm's method unless stated otherwise; both raw and adjusted are in the tables. "
     "Where the evidence rule allows a change to be called real (see “How strong is the "
     "evidence?”), “we can be confident” means an adjusted p under 0.001 with a 95% CI "
     "excluding zero and “fairly sure” an adjusted p under 0.05; otherwise “it could be chance”."),
    ("Then-test", "Where the end survey asks people to look back at where they started, the "
     "retrospective rating is compared with the end rating and with the original baseline "
     "(response shift; Howard, 1980)."),
    ("Reliability", "Cronbach's alpha per scale and wave with Feldt's 95% interval; scales under "
     "0.70 as printed are flagged and lower the strength-of-evidence label. Beside it, McDonald's omega "
     "total from a one-factor maximum-likelihood model of the scale's items (reverse-keyed "
     "items reversed, residual variances kept at or above zero), with a percentile bootstrap "
     "95% interval (200 resamples of respondents, each refitted by maximum likelihood to the "
     "same convergence tolerance as the estimate; a refit that does not converge is left out "
     "and the number used is in the reliability table); scales of two "
     "items have none. Where a scale's omega moves by 0.10 or more from its first wave, the "
     "scale may be read differently now, and the statements say so."),
    ("Attrition", "People who answered the baseline but not a later survey are compared with "
     "those who did (Welch t-test and Mann–Whitney U); a difference is flagged because the "
     "people who stayed may not represent the cohort."),
    ("Cohorts", "Where there are two or more cohorts, a time × cohort mixed ANOVA with Type III "
     "sums of squares (as SPSS and R afex report; the table states the type) asks whether they "
     "changed differently."),
    ("Comparison group", "Where the roster marks a comparison group (a wait-list, the next "
     "cohort, or colleagues not on the programme) who answered the same surveys at the same "
     "times, each scale's matched change in the programme group is set beside theirs: the "
     "difference in differences with a Welch 95% interval, and Morris's (2008) d_ppc2 (the "
     "difference over the pooled baseline SD, small-sample corrected) with its interval. Whether "
     "the groups started alike follows the What Works Clearinghouse rule on the baseline "
     "Hedges' g (up to 0.05 alike; up to 0.25 allowed for by the comparison of changes; above, "
     "not alike)."),
    ("Planning the next cohort", "People needed for a two-sided paired t-test at the 5% level "
     "to detect the observed d_z (and half of it) with 80% and 90% power, as R pwr.t.test "
     "(type = \"paired\"); people to invite divide that by the share of this cohort's roster who "
     "answered both surveys."),
    ("Logic model", "programme.yaml links each aim to outcomes, indicators, the questions or "
     "network measures that show them, and a Kirkpatrick level (1 reaction, 2 learning, 3 "
     "behaviour, 4 results); the evidence matrix lays the results out by aim and level, and "
     "`evaluate check-design` lists what nothing measures."),
    ("Network", "Whole-network measures per wave (density, reciprocity, transitivity, "
     "components), the E-I index of ties across organisations, sectors and places (Krackhardt "
     "and Stern, 1988), and ties new, kept and lost between waves with their Jaccard overlap. "
     "Counts of ties on the other pages are directed ties named between people on the roster, "
     "any relation."),
    ("Brokerage roles", "Gould and Fernandez (1989): a person brokers for two others when one "
     "names them, they name the other, and the two do not name each other. By the groups of "
     "the three people, each such link is a coordinator (all one organisation), itinerant or "
     "consultant (an outsider linking two of one organisation), representative (passing their "
     "own organisation's contact out), gatekeeper (letting an outside contact in) or liaison "
     "(three different organisations: “linking people of two other organisations”, the "
     "headline). Counted among the people who answered the network survey both times, ties "
     "of any kind; raw counts and the standardised scores equal R sna::brokerage."),
    ("Core and periphery", "Borgatti and Everett's (1999) continuous coreness, fitted by "
     "minimum residuals (each pair's tie against the product of the two people's coreness); "
     "the core is the set of people with the highest coreness whose ties best fit the ideal "
     "core–periphery pattern. Everyone on the roster, ties named by either person; “moved into "
     "the core” compares a person's place at the first and last network survey."),
    ("Uncertainty on network change", "Vertex bootstrap (Snijders and Borgatti, 1999): the "
     "people who answered the network survey at both waves are resampled with replacement "
     "within each cohort (2,000 resamples, fixed seed); each drawn person keeps their groups "
     "and their ties, at both waves, with the other drawn people, and pairs of two copies of "
     "one person are left out. For each resample: the change in density, the change in the "
     "share of ties crossing organisations (sectors, places), and the E-I index of new ties "
     "(ties at the later wave not at the earlier). The 95% interval is the 2.5th to 97.5th "
     "percentile of the resampled values. It treats the people as a sample of people like "
     "them; on simulated networks it is, if anything, wider than needed. Non-response bounds: "
     "the same figures over everyone on the roster, with each non-respondent's own ties "
     "absent (as reported) or present wherever someone else named them (Stork and Richards, "
     "1992); the bounds are the lowest and highest over the four combinations at the two "
     "waves."),
    ("Strength of evidence", "One rule (evaluate/claims/rule.py) labels every finding: the "
     "design sets where the label starts, as in the Maryland Scientific Methods Scale (before "
     "and after only: level 1, at most moderate; a comparison group of 10 or more: level 2, or 3 "
     "when it started alike, at most strong; random allocation: level 5), then, as in GRADE, "
     "the label drops a step for each problem the analysis itself detects: imprecision (the "
     "95% CI of the change that counts, the difference in differences where there is a "
     "comparison group, includes zero or its near end is within a quarter of the estimate of "
     "zero, or fewer than 30 matched people; two steps under 10), a reliability shift between "
     "the waves (omega moving by 0.10 or more), Cronbach's alpha under 0.70 as printed, "
     "attrition bias (drop-outs differing at baseline; for the network, non-response bounds "
     "on both sides of zero), a comparison group not alike at baseline, and retention under "
     "70% (two steps under 50%). The network headline has no comparison group (a comparison "
     "group's ties are not the programme's network). Every downgrade is listed under the label; "
     "the claims table (claims.csv) holds the rule's inputs and codes."),
    ("Net promoter score", "% promoters (9–10) − % detractors (0–6) (Reichheld, 2003), from −100 "
     "to +100."),
]


def _imports(page: Page) -> dict:
    imports = page.context.get("imports")
    if not isinstance(imports, pd.DataFrame) or not len(imports):
        return {"missing": "No import manifest given."}
    im = imports_table(imports)
    totals = import_totals(imports)
    text = (f"Every row read from an export is counted once: accepted, set aside with its "
            f"problem (quarantined, with the row, column and fix), or left out on purpose "
            f"(excluded: test previews and unfinished responses). "
            f"{integer(totals.get('read'))} rows read = {integer(totals.get('accepted'))} accepted "
            f"+ {integer(totals.get('quarantined'))} quarantined + "
            f"{integer(totals.get('excluded'))} excluded, from {count(len(im), 'file')}.")
    shown = im.assign(sha=im["sha256"].astype(str).str[:12] + "…") if "sha256" in im else im
    table = make_table(shown, {
        "file": "File", "instrument": "Instrument", "cohort": "Cohort", "wave": "Wave",
        "read": "Read", "accepted": "Accepted", "quarantined": "Quarantined",
        "excluded": "Excluded", "sha": "SHA-256 (start)"},
        {c: integer for c in ("read", "accepted", "quarantined", "excluded")},
        numeric={"read", "accepted", "quarantined", "excluded"}, classes=["files"])
    return {"missing": "", "text": text, "table": table, "totals": totals}


#: Problem rules in plain words (the codes stay in the tables for evaluators).
_RULE_WORDS = {"not_on_roster": "not on the roster", "survey_preview": "survey previews",
               "unfinished": "unfinished responses"}


def _rule_words(rule) -> str:
    return _RULE_WORDS.get(str(rule), str(rule).replace("_", " "))


def _problems(page: Page) -> dict:
    q = page.context.get("quarantine")
    if isinstance(q, pd.DataFrame) and len(q):
        qs = quarantine_summary(q)
        qs = qs.assign(rule=qs["rule"].map(_rule_words))
        by_rule = qs.groupby("rule", sort=True)["rows"].sum()
        text = (f"{count(len(q), 'problem record')} in {count(qs['file'].nunique(), 'file')}: "
                + ", ".join(f"{integer(n)} × {r}" for r, n in by_rule.items())
                + ". Each record says which row and column, and how to fix it.")
        table = make_table(qs, {"file": "File", "column": "Column", "rule": "Rule",
                                "severity": "Severity", "rows": "Rows", "fix": "How to fix"},
                           {"rows": integer}, numeric={"rows"}, limit=60)
        return {"text": text, "table": table, "missing": ""}
    if isinstance(q, pd.DataFrame):
        return {"text": "No rows were quarantined.", "table": None, "missing": ""}
    return {"text": "", "table": None, "missing": "No quarantine records given."}


def _attrition(page: Page) -> dict:
    bias = page.table("attrition_bias")
    out = {"text": "", "warnings": [], "table": None, "missing": ""}
    if bias is None or "warning" not in bias.columns:
        out["missing"] = "No attrition results: they need a baseline and a later survey."
        return out
    warn = [w for w in dict.fromkeys(bias["warning"].astype(str)) if w and w != "nan"]
    if warn:
        out["text"] = (f"On {count(len(warn), 'comparison')}, the people who left after the "
                       "baseline had started apart from those who stayed, by half a standard "
                       "deviation or more (|g| ≥ 0.5) or by more than chance would explain "
                       "(p under 0.05), so the results describe the people who stayed. The "
                       "evidence rule rates these findings down for drop-out bias:")
        out["warnings"] = warn
    else:
        out["text"] = ("People who left after the baseline did not start differently from those "
                       "who stayed, on any scale.")
    out["table"] = make_table(bias.assign(wave_label=bias["wave"].map(page.wave)), {
        "title": "Scale", "wave_label": "Later wave", "n_completers": "Stayed",
        "n_dropouts": "Left", "mean_completers": "Baseline mean (stayed)",
        "mean_dropouts": "Baseline mean (left)", "hedges_g": "g", "p_val": "p (Welch)",
        "p_mannwhitney": "p (Mann–Whitney)"},
        {"n_completers": integer, "n_dropouts": integer, "p_val": p_value,
         "p_mannwhitney": p_value},
        numeric={"n_completers", "n_dropouts", "mean_completers", "mean_dropouts",
                 "hedges_g", "p_val", "p_mannwhitney"})
    return out


def _reliability(page: Page) -> dict:
    rel = page.table("reliability")
    if rel is None:
        return {"missing": "No reliability results.", "text": "", "table": None}
    # under 0.70 as printed (an alpha of 0.698 prints 0.70 and is not listed), as the evidence rule
    low = rel[rel["alpha"].map(lambda a: rounded(a, 2) < 0.7)] if "alpha" in rel else rel.iloc[0:0]
    text = (f"{len(low)} of {len(rel)} scale × wave Cronbach's alphas are under 0.70"
            + (": " + join_words(f"{x.title} ({page.wave(x.wave)}, {num(x.alpha)})"
                                 for x in low.itertuples(index=False)) if len(low) else "")
            + ".")
    shown = rel.assign(wave_label=rel["wave"].map(page.wave))
    # the intervals as "0.52 to 0.71", so that the table fits a laptop's width
    for what in ("alpha", "omega"):
        lo, hi = f"{what}_ci95_low", f"{what}_ci95_high"
        if lo in shown.columns and hi in shown.columns:
            shown[f"{what}_ci"] = [interval(a, b) for a, b in zip(shown[lo], shown[hi], strict=True)]
    table = make_table(shown, {
        "instrument": "Instrument", "wave_label": "Wave", "title": "Scale",
        "n_items": "Items", "n": "People", "alpha": "Alpha", "alpha_ci": "Alpha 95% CI",
        "alpha_below_0_7": "Under 0.7", "omega_total": "Omega total",
        "omega_ci": "Omega 95% CI", "reliability_shift": "Omega moved 0.10+", "note": "Note"},
        {"n_items": integer, "n": integer},
        numeric={"n_items", "n", "alpha", "omega_total"}, classes=["compact"])
    return {"missing": "", "text": text, "table": table}


def _anova(page: Page):
    anova = page.table("cohort_anova")
    if anova is None or "source" not in anova.columns:
        return None
    a = anova[anova["source"].astype(str) != ""]
    if not len(a):
        return None
    return make_table(a.assign(comparison_label=a["wave_pre"].map(page.wave) + " → "
                               + a["wave_post"].map(page.wave)), {
        "title": "Scale", "comparison_label": "Waves", "source": "Effect", "f": "F",
        "df1": "df1", "df2": "df2", "p_val": "p", "np2": "partial η²",
        "ss_type": "Sums of squares", "n_participants": "People"},
        {"p_val": p_value, "df1": lambda v: num(v, 0), "df2": lambda v: num(v, 0),
         "n_participants": integer},
        numeric={"f", "df1", "df2", "p_val", "np2", "n_participants"})


def _ei(page: Page):
    b = page.table("network_boundary")
    if b is None or "ei_index" not in b.columns:
        return None
    b = b[b["relation"] == "any"] if (b["relation"] == "any").any() else b
    return make_table(b.assign(wave_label=b["wave"].map(page.wave)), {
        "cohort": "Cohort", "attribute": "Boundary", "wave_label": "Wave", "ties": "Ties",
        "ei_index": "E-I index", "new_ei_index": "E-I of new ties",
        "group_pairs_connected": "Group pairs connected", "group_pairs": "Group pairs"},
        {"ties": integer, "group_pairs_connected": integer, "group_pairs": integer},
        numeric={"ties", "ei_index", "new_ei_index", "group_pairs_connected", "group_pairs"})


def build_methods(page: Page) -> dict:
    """Values for ``sections/methods.html``."""
    versions = page.context.get("instrument_versions")
    instruments = (make_table(pd.DataFrame(list(versions)),
                              {"ref": "Instrument (id@version)", "title": "Title", "wave": "Wave"})
                   if versions else None)
    checks = page.table("network_checks")
    network_checks = ([m for m in dict.fromkeys(checks["message"].astype(str)) if m and m != "nan"]
                      if checks is not None and "message" in checks.columns else [])
    supp = suppression_counts(page.results)
    cohort_names = [f"{c} = {page.cohort(c)}" for c in page.cohort_order()]
    from evaluate.report.sections.overview import glossary

    return {
        "rule": [c["text"] for _, c in page.claims("methods").iterrows()],
        "glossary": glossary(page),
        "instruments": instruments,
        "instruments_text": ("The surveys used: " + join_words(
            f"{v['title']} ({page.wave(v['wave'])}, version {str(v['ref']).partition('@')[2] or '1'})"
            for v in versions) + ".") if versions else "",
        "imports": _imports(page),
        "problems": _problems(page),
        "attrition": _attrition(page),
        "network_checks": network_checks,
        "reliability": _reliability(page),
        "anova": _anova(page),
        "ei": _ei(page),
        "tests": TESTS_TEXT,
        "stories": stories_method(page),
        "min_group": page.min_group_size,
        "suppression": (make_table(supp, {"table": "Table", "rows": "Rows",
                                          "suppressed": "Suppressed"},
                                   {"rows": integer, "suppressed": integer},
                                   numeric={"rows", "suppressed"}, suppressed=None)
                        if len(supp) else None),
        "version": page.context.get("software_version") or "unknown version",
        "cohort_names": cohort_names,
    }
