"""The tests used and why, as claims: one definition per method, for the statistician.

Each method is a claim of kind ``method`` (id ``method:N``, in order; ``title`` the
method, ``text`` what it is and why it was used). Their numbers are constants of the
methods (thresholds, resamples, references' years); the ledger records each as a figure
of its claim (source table ``methods``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["TESTS_TEXT", "methods_text"]

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


def methods_text(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """One ``method`` claim per method in :data:`TESTS_TEXT`."""
    for order, (term, text) in enumerate(TESTS_TEXT):
        led.add(claim_id=f"method:{order + 1}", section="methods_tests", kind="method",
                order=order, title=term, text=text, source_table="methods",
                source_key=f"method={term}")
