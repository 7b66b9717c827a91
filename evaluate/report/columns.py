"""What every column of the analysis tables means: the column dictionary of analysis.xlsx.

An evaluator opening ``analysis.xlsx`` meets snake_case columns (``g_av``,
``did_ci95_low``, ``core_share_cross``); the sheet ``columns`` says, for every
column of every sheet, what it means, its unit and how it was computed. The
definitions live here, once:

- :data:`COLUMNS`: a column name → (meaning, unit, how computed), for names
  that mean the same in every table;
- :data:`IN_TABLE`: (table, column) → the same, where a table uses a name in
  its own sense (``n`` counts answers in one table and people in another);
- :func:`describe_column` builds the rest from a rule: ``X_ci95_low`` is the
  lower end of the 95% interval of ``X``, ``new_X`` is ``X`` counting new ties
  only, ``X_from`` / ``X_to`` are ``X`` at the first / last wave compared.

A column with no definition is an error the tests catch
(``tests/test_workbooks.py``), so a new column cannot reach the workbook
undescribed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

__all__ = ["COLUMNS", "IN_TABLE", "describe_column", "column_dictionary", "undescribed"]

_SCORE = "score on the scale's own range (e.g. 1–5)"
_POINTS = "points on the scale"
_SHARE = "proportion (0–1)"
_P = "p-value (0–1)"
_PEOPLE = "people"
_TIES = "ties"
_TEXT = "text"
_ID = "identifier"
_FLAG = "true/false"
_G = "standardised difference (SD units)"
_COUNT = "count"

#: name → (meaning, unit, how computed), where the name means the same in every table.
COLUMNS: dict[str, tuple[str, str, str]] = {
    # identifiers and labels
    "aim": ("The programme aim", _ID, "From the programme's logic model."),
    "aim_title": ("The aim in the programme's words", _TEXT, "From the logic model."),
    "attribute": ("The grouping of people (organisation, sector, place, role, cohort)", _TEXT,
                  "From the roster."),
    "basis": ("Whose ties are counted: everyone on the roster, or only those who answered",
              _TEXT, "roster: every tie named by anyone; respondents: only people who answered "
              "both waves."),
    "cohort": ("The cohort (all: every cohort together)", _ID, "From the workspace settings."),
    "comparison": ("The two waves compared, first → second", _TEXT, "wave_pre → wave_post."),
    "group": ("The group within the grouping (an organisation, a sector …)", _TEXT,
              "From the roster; empty on the row for every group together."),
    "instrument": ("The questionnaire (id, or id@version)", _ID,
                   "The instrument the answers were imported with."),
    "instrument_pre": ("Questionnaire of the first wave (id@version)", _ID, "From the import."),
    "instrument_post": ("Questionnaire of the second wave (id@version)", _ID, "From the import."),
    "item": ("The question (item id)", _ID, "From the instrument."),
    "item_text": ("The question's wording", _TEXT, "From the instrument."),
    "kind": ("scale (an average of items) or item (one question)", _TEXT, "From the instrument."),
    "label": ("The answer's or theme's label, as shown to people", _TEXT,
              "From the instrument's response set, or the codebook."),
    "code": ("The answer's numeric code", _COUNT, "From the instrument's response set."),
    "measure": ("What is measured (a scale, an item or a network measure id)", _ID,
                "From the instrument or the network analysis."),
    "module": ("The programme day or module (id)", _ID, "From the session-feedback export."),
    "module_title": ("The day or module's name", _TEXT, "From the programme settings."),
    "note": ("A note on the row (why a figure is missing, a warning)", _TEXT,
             "Written by the analysis."),
    "principle": ("The programme principle (id)", _ID, "From the logic model."),
    "principle_title": ("The principle's wording", _TEXT, "From the logic model."),
    "prompt": ("The open question's wording", _TEXT, "From the instrument."),
    "relation": ("The kind of tie: knew before, worked with, advice, or any", _TEXT,
                 "From the network survey; any = at least one relation."),
    "role": ("Brokerage role (Gould and Fernandez): coordinator, itinerant, representative, "
             "gatekeeper, liaison", _TEXT, "From the groups of the three people on a path "
             "A → B → C with B the broker."),
    "scale": ("The scale (id)", _ID, "From the instrument."),
    "scale_title": ("The scale's name", _TEXT, "From the instrument."),
    "title": ("The scale's or measure's name", _TEXT, "From the instrument."),
    "theme": ("The theme (id)", _ID, "From the codebook."),
    "wave": ("The wave (time point) of the survey", _ID, "From the import."),
    "wave_first": ("The first wave people answered", _ID, "The earliest wave in programme order."),
    "wave_pre": ("The first wave compared", _ID, "From the comparison."),
    "wave_post": ("The second wave compared", _ID, "From the comparison."),
    "wave_from": ("The first wave compared", _ID, "From the comparison."),
    "wave_to": ("The second wave compared", _ID, "From the comparison."),
    "then_wave": ("The wave at which the 'looking back' (then-test) question was asked", _ID,
                  "From the instrument."),
    "then_of": ("For a then-test item, the item it looks back on", _ID, "From the instrument."),
    "reverse": ("The item is reverse-worded (agreeing is worse)", _FLAG, "From the instrument."),
    "higher_is_better": ("A higher score is the better outcome", _FLAG, "From the instrument."),
    "scale_min": ("Lowest possible score", _SCORE, "From the response set."),
    "scale_max": ("Highest possible score", _SCORE, "From the response set."),
    "statement": ("The finding in a sentence, as the dashboard words it", _TEXT,
                  "Written from the row's figures."),
    "suppressed": ("The row is hidden because its group is smaller than the threshold", _FLAG,
                   "Group size (or a count derivable from others) below min_group_size; its "
                   "numbers are blank."),
    "suppression_reason": ("Why the row is hidden", _TEXT, "Written by the suppression rule."),
    # counts of people
    "n": ("Number of people who answered", _PEOPLE, "Counted per row."),
    "n_pairs": ("People who answered both waves (matched pairs)", _PEOPLE,
                "Pseudonymous ids present at both waves with a score at both."),
    "n_participants": ("People in the analysis", _PEOPLE, "Counted."),
    "n_responses": ("Answers given", _COUNT, "Counted."),
    "n_answered": ("People who answered the question", _PEOPLE, "Non-missing answers."),
    "n_items": ("Questions in the scale", _COUNT, "From the instrument."),
    "n_roster": ("People on the programme's list (roster)", _PEOPLE, "Roster rows in the cohort."),
    "n_responded": ("People on the roster who answered", _PEOPLE, "Matched to the roster."),
    "n_not_on_roster": ("Answers from people not on the roster", _PEOPLE,
                        "Respondents whose name or email matched no roster entry."),
    "n_first_wave": ("People who answered the first wave", _PEOPLE, "Counted."),
    "n_retained": ("People who answered this wave and the first", _PEOPLE, "Counted."),
    "n_completers": ("People who answered the later wave as well (stayed)", _PEOPLE, "Counted."),
    "n_dropouts": ("People who answered the first wave but not the later one (left)", _PEOPLE,
                   "Counted."),
    "n_cohorts": ("Cohorts in the analysis", _COUNT, "Counted."),
    "n_mentions": ("Answers that touch the theme", _COUNT, "Codebook keywords matched."),
    "n_answers": ("Answers to the question", _COUNT, "Non-blank answers."),
    "n_people": ("People who wrote this answer", _PEOPLE,
                 "Answers equal after trimming spaces counted together."),
    "n_quotable": ("Answers to this question and survey whose authors agreed to be quoted",
                   _COUNT, "Counted."),
    "people": ("People in the analysis (those who answered both waves, or in the network)",
               _PEOPLE, "Counted."),
    "members": ("People in the group", _PEOPLE, "Roster members of the group."),
    "respondents": ("People who answered the network survey", _PEOPLE, "Counted."),
    "respondents_from": ("People who answered the network survey at the first wave", _PEOPLE,
                         "Counted."),
    "respondents_to": ("People who answered the network survey at the second wave", _PEOPLE,
                       "Counted."),
    "respondents_both": ("People who answered the network survey at both waves", _PEOPLE,
                         "Counted."),
    "respondents_naming": ("People who named at least one stakeholder", _PEOPLE, "Counted."),
    "roster_size": ("People on the roster", _PEOPLE, "Roster rows in the cohort."),
    "nodes": ("People in the network", _PEOPLE, "Roster members (basis roster) or respondents."),
    "answers": ("Answers to the open question", _COUNT, "Non-blank answers."),
    "quotable": ("Answers whose authors agreed to be quoted", _COUNT, "Counted."),
    # averages and changes
    "mean": ("Average answer", _SCORE, "Arithmetic mean of the answers."),
    "sd": ("Standard deviation of the answers", _SCORE, "Sample SD (n − 1)."),
    "median": ("Middle answer", _SCORE, "Median of the answers."),
    "mean_pre": ("Average at the first wave", _SCORE, "Mean over the matched pairs."),
    "mean_post": ("Average at the second wave", _SCORE, "Mean over the matched pairs."),
    "sd_pre": ("SD at the first wave", _SCORE, "Sample SD over the matched pairs."),
    "sd_post": ("SD at the second wave", _SCORE, "Sample SD over the matched pairs."),
    "mean_diff": ("Average change (second − first)", _POINTS, "Mean of each person's difference."),
    "sd_diff": ("SD of each person's change", _POINTS, "Sample SD of the differences."),
    "change": ("Change (second − first)", _COUNT, "value at the second wave − at the first."),
    "share_improved": ("Share of people whose score rose", _SHARE, "Differences > 0 / n_pairs."),
    "share_same": ("Share of people whose score did not change", _SHARE,
                   "Differences = 0 / n_pairs."),
    "share_declined": ("Share of people whose score fell", _SHARE, "Differences < 0 / n_pairs."),
    # tests and effect sizes
    "t": ("t statistic", "t", "Paired t-test (prepost) or Welch's t-test (attrition)."),
    "dof": ("Degrees of freedom of the t-test", "degrees of freedom",
            "n_pairs − 1 (paired) or Welch–Satterthwaite."),
    "p_val": ("p-value of the test", _P, "Two-sided."),
    "p_adj": ("p-value adjusted for the number of scales compared", _P, "Holm's method."),
    "family": ("The comparisons whose p-values are adjusted together (kind and pair of waves)",
               _TEXT, "The row's kind, wave_pre and wave_post."),
    "p_adj_method": ("How the p-values were adjusted", _TEXT, "Holm's method unless set."),
    "p_headline": ("p-value of the test the headline uses", _P, "See headline_test."),
    "p_wilcoxon": ("p-value of the Wilcoxon signed-rank test", _P, "Two-sided; see wilcoxon_method."),
    "p_mannwhitney": ("p-value of the Mann–Whitney U test", _P, "Two-sided."),
    "w_stat": ("Wilcoxon signed-rank statistic", "W",
               "V: the sum of the ranks of the positive changes, zero changes dropped (R's "
               "wilcox.test)."),
    "wilcoxon_method": ("How the Wilcoxon p-value was computed", _TEXT, "exact or normal approximation."),
    "u_stat": ("Mann–Whitney U statistic", "U",
               "U of the first group: its rank sum − n(n + 1)/2 (R's wilcox.test W)."),
    "rank_biserial": ("Rank-biserial correlation (effect size of the rank test)", "−1 to 1",
                      "From the rank test's statistic."),
    "dz": ("Cohen's d_z: change over the SD of the changes", _G, "mean_diff / sd_diff."),
    "dz_ci_method": ("How the d_z interval was computed", _TEXT, "Noncentral t, or normal approximation."),
    "d_av": ("Cohen's d_av: change over the average SD of the two waves", _G,
             "mean_diff / ((sd_pre + sd_post) / 2)."),
    "g_av": ("Hedges' g_av: d_av corrected for small samples", _G,
             "d_av × (1 − 3 / (4(n − 1) − 1)) (Lakens 2013)."),
    "g": ("Hedges' g between those who stayed and those who left", _G,
          "Difference of means over the pooled SD, small-sample corrected."),
    "hedges_g": ("Hedges' g between those who stayed and those who left", _G,
                 "Difference of means over the pooled SD, small-sample corrected."),
    "headline_test": ("The test the headline relies on", _TEXT,
                      "paired t, or Wilcoxon when the differences are far from normal."),
    "headline_reason": ("Why that test", _TEXT, "Written by the analysis."),
    "f": ("F statistic", "F", "Mixed ANOVA (pingouin.mixed_anova)."),
    "ss": ("Sum of squares", "squared score units", "Mixed ANOVA."),
    "ms": ("Mean square", "squared score units", "ss / df1."),
    "df1": ("Degrees of freedom of the effect", "degrees of freedom", "Mixed ANOVA."),
    "df2": ("Degrees of freedom of the error", "degrees of freedom", "Mixed ANOVA."),
    "np2": ("Partial eta squared", _SHARE, "ss_effect / (ss_effect + ss_error)."),
    "ss_type": ("Type of sums of squares", _TEXT, "As pingouin computes them."),
    "source": ("The ANOVA effect (time, cohort, time × cohort)", _TEXT, "Mixed ANOVA."),
    "ci95_low": ("Lower end of the 95% confidence interval", "as the estimate", "See the table."),
    "ci95_high": ("Upper end of the 95% confidence interval", "as the estimate", "See the table."),
    "se": ("Standard error", "as the estimate", "SD of the bootstrap estimates."),
    "differs": ("Those who left started differently from those who stayed", _FLAG,
                "p_val < 0.05 or |hedges_g| ≥ 0.5."),
    "warning": ("What the difference means for the results", _TEXT, "Written by the analysis."),
    # reliability
    "alpha": ("Cronbach's alpha", "0–1", "k/(k − 1) × (1 − Σ item variances / total variance)."),
    "alpha_below_0_7": ("Alpha is under 0.7", _FLAG, "alpha < 0.7."),
    "alpha_if_deleted": ("Cronbach's alpha without this item", "0–1", "Alpha of the other items."),
    "item_rest_r": ("Correlation of the item with the rest of its scale", "−1 to 1",
                    "Pearson r of the item with the sum of the other items."),
    "omega_total": ("McDonald's omega total", "0–1", "One-factor model (semTools compRelSEM)."),
    "omega": ("McDonald's omega total", "0–1", "One-factor model (semTools compRelSEM)."),
    "omega_ci_method": ("How the omega interval was computed", _TEXT, "Bootstrap percentile."),
    "omega_change": ("Change in omega between the waves", "0–1 difference", "Later − first."),
    "reliability_shift": ("The scale hung together differently between the waves", _FLAG,
                          "Omega intervals of the waves do not overlap."),
    # comparison group (difference in differences)
    "comparison_group": ("The comparison group (e.g. wait-list)", _TEXT, "From the import."),
    "n_programme": ("Programme-group people who answered both waves", _PEOPLE, "Counted."),
    "n_comparison": ("Comparison-group people who answered both waves", _PEOPLE, "Counted."),
    "mean_pre_programme": ("Programme group's average at the first wave", _SCORE, "Mean."),
    "mean_post_programme": ("Programme group's average at the second wave", _SCORE, "Mean."),
    "change_programme": ("Programme group's change", _POINTS, "mean_post − mean_pre."),
    "mean_pre_comparison": ("Comparison group's average at the first wave", _SCORE, "Mean."),
    "mean_post_comparison": ("Comparison group's average at the second wave", _SCORE, "Mean."),
    "change_comparison": ("Comparison group's change", _POINTS, "mean_post − mean_pre."),
    "did": ("Difference in differences: the programme group's change minus the comparison "
            "group's", _POINTS, "change_programme − change_comparison."),
    "did_se": ("Standard error of the difference in differences", _POINTS,
               "Welch: √(var_p/n_p + var_c/n_c) of the individual changes."),
    "did_dof": ("Degrees of freedom of its t-test", "degrees of freedom", "Welch–Satterthwaite."),
    "did_t": ("t statistic of the difference in differences", "t", "did / did_se."),
    "did_p": ("p-value of the difference in differences", _P, "Two-sided Welch t-test."),
    "d_ppc2": ("Morris's d_ppc2: difference in differences over the pooled baseline SD", _G,
               "Morris (2008), small-sample corrected."),
    "r_pre_post": ("Correlation of first and second scores", "−1 to 1", "Pearson r over the pairs."),
    "baseline_diff": ("Difference between the groups at the first wave", _POINTS,
                      "Programme mean − comparison mean."),
    "baseline_g": ("The same as a standardised difference", _G, "Hedges' g."),
    "baseline_p": ("p-value of the baseline difference", _P, "Welch t-test."),
    "baseline_check": ("Whether the groups started alike, in words", _TEXT,
                       "From baseline_g and baseline_p."),
    "compared_with": ("What the change is compared with", _TEXT, "A comparison group, or nothing."),
    # evidence and claims
    "evidence_strength": ("Strength of evidence: strong, moderate, limited, weak", _TEXT,
                          "The evidence rule (design, then downgrades)."),
    "downgrades": ("The evidence rule's downgrades that applied", _TEXT,
                   "Codes joined by ';' (evaluate.claims.rule.DOWNGRADES)."),
    "evidence_reasons": ("Why that strength", _TEXT, "Each rule that applied, separated by ';'."),
    "strength": ("Strength of evidence", _TEXT, "The evidence rule."),
    "cautions": ("Cautions that apply to the finding", _TEXT, "Written by the analysis."),
    "changed": ("The measure changed clearly", _FLAG, "Interval of g excludes 0 after adjustment."),
    "level": ("Level of evidence (Kirkpatrick): 1 reaction … 4 results", "1–4", "Logic model."),
    "level_name": ("The level's name", _TEXT, "Logic model."),
    "outcome": ("The outcome (id)", _ID, "Logic model."),
    "outcome_title": ("The outcome in words", _TEXT, "Logic model."),
    "indicator": ("The indicator (id)", _ID, "Logic model."),
    "indicator_title": ("The indicator in words", _TEXT, "Logic model."),
    "measure_title": ("The measure in words", _TEXT, "Logic model and instruments."),
    "status": ("Whether the indicator was measured", _TEXT, "measured, or why not."),
    "result": ("What the measure showed, in words", _TEXT, "Written from the result tables."),
    # planning
    "target": ("The change to detect, in words", _TEXT, "observed change, or half of it."),
    "target_diff": ("The change to detect", _POINTS, "mean_diff, or half of it."),
    "target_dz": ("The change to detect as d_z", _G, "target_diff / sd_diff."),
    "power": ("Chance of detecting the change", _SHARE, "Set: 0.8 or 0.9."),
    "alpha_level": ("Significance level", _P, "0.05."),
    "n_exact": ("People needed, before rounding up", _PEOPLE,
                "Paired t-test power analysis (noncentral t)."),
    "n_invited_now": ("People invited this time", _PEOPLE, "Roster size."),
    "completion_rate": ("Share of those invited who answered both waves", _SHARE,
                        "n_pairs / n_invited_now."),
    "n_invited": ("People to invite next time", _PEOPLE, "n_completers / completion_rate, rounded up."),
    # answer spreads and reaction
    "share": ("Share of those who answered", _SHARE, "n / n_answered."),
    "pct_promoters": ("Share who would recommend (9–10 of 10)", "per cent", "Counted."),
    "pct_passives": ("Share neither (7–8 of 10)", "per cent", "Counted."),
    "pct_detractors": ("Share who would not (0–6 of 10)", "per cent", "Counted."),
    "nps": ("Net promoter score", "−100 to 100", "pct_promoters − pct_detractors."),
    # network
    "ties": ("Ties named", _TIES, "Distinct (from, to, relation) after the checks."),
    "ties_read": ("Ties read from the network survey", _TIES, "Every name given."),
    "ties_used": ("Ties kept", _TIES, "ties_read − self, duplicate and off-roster ties."),
    "self_ties": ("People naming themselves (dropped)", _TIES, "Counted."),
    "duplicate_ties": ("The same tie named twice (dropped)", _TIES, "Counted."),
    "off_roster_ties": ("Names not on the roster (dropped)", _TIES, "Counted."),
    "message": ("What the check found, in words", _TEXT, "Written by the network checks."),
    "density": ("Share of the possible ties that were named", _SHARE, "ties / (n(n − 1))."),
    "dyadic_reciprocity": ("Share of connected pairs who named each other", _SHARE,
                           "Mutual pairs / connected pairs."),
    "arc_reciprocity": ("Share of ties returned", _SHARE, "Ties in mutual pairs / ties."),
    "mean_in_degree": ("Times each person was named, on average", _TIES, "ties / nodes."),
    "mean_out_degree": ("People each person named, on average", _TIES, "ties / nodes."),
    "sd_in_degree": ("SD of times named", _TIES, "Population SD."),
    "sd_out_degree": ("SD of people named", _TIES, "Population SD."),
    "in_degree_centralisation": ("How far being named is concentrated on a few", "0–1",
                                 "Freeman centralisation of in-degree."),
    "out_degree_centralisation": ("How far naming is concentrated on a few", "0–1",
                                  "Freeman centralisation of out-degree."),
    "all_degree_centralisation": ("Centralisation ignoring direction", "0–1",
                                  "Freeman centralisation of total degree."),
    "weak_transitivity": ("Share of two-paths that are closed", _SHARE, "Directed, weak."),
    "clustering_undirected": ("Global clustering coefficient", _SHARE, "Ties as undirected."),
    "isolates": ("People with no ties", _PEOPLE, "Degree 0."),
    "weak_components": ("Connected groups, ignoring direction", _COUNT, "igraph."),
    "strong_components": ("Groups connected both ways", _COUNT, "igraph."),
    "largest_weak_component": ("People in the largest connected group", _PEOPLE, "igraph."),
    "largest_strong_component": ("People in the largest strongly connected group", _PEOPLE,
                                 "igraph."),
    "avg_path_length_undirected": ("Average steps between two connected people", "steps",
                                   "Ties as undirected."),
    "avg_path_length_directed": ("Average steps along named ties", "steps", "Directed."),
    "rule": ("The rule applied (see the methods)", _ID, "Written by the analysis."),
    "metric": ("The network measure", _ID, "A column of network_metrics."),
    "value_from": ("The measure at the first wave", "as the measure", "Computed per wave."),
    "value_to": ("The measure at the second wave", "as the measure", "Computed per wave."),
    "groups": ("Groups in the grouping", _COUNT, "Distinct values."),
    "internal_ties": ("Ties inside a group", _TIES, "Both people in the same group."),
    "external_ties": ("Ties crossing groups", _TIES, "People in different groups."),
    "share_external": ("Share of ties crossing groups", _SHARE, "external_ties / ties."),
    "ei_index": ("Krackhardt's E-I index", "−1 to 1", "(external − internal) / (external + internal)."),
    "group_pairs": ("Pairs of groups", _COUNT, "groups × (groups − 1) / 2."),
    "group_pairs_connected": ("Pairs of groups joined by a tie", _COUNT, "Counted."),
    "share_group_pairs_connected": ("Share of pairs of groups joined", _SHARE,
                                    "group_pairs_connected / group_pairs."),
    "new_ties": ("Ties named now and not at the first wave", _TIES, "Set difference."),
    "kept_ties": ("Ties named at both waves", _TIES, "Set intersection."),
    "lost_ties": ("Ties named at the first wave and not now", _TIES, "Set difference."),
    "jaccard": ("Overlap of the two waves' ties", _SHARE, "kept / (ties in either wave)."),
    "estimate": ("The change (second − first)", "as the measure",
                 "Among those who answered both waves."),
    "clear": ("The interval excludes no change", _FLAG, "ci95_low > 0 or ci95_high < 0."),
    "roster_estimate": ("The change over everyone on the roster", "as the measure",
                        "Non-respondents' own ties absent."),
    "bound_low": ("Lowest change whatever the ties of those who did not answer", "as the measure",
                  "Minimum over non-respondents' ties absent or present at each wave."),
    "bound_high": ("Highest change whatever the ties of those who did not answer",
                   "as the measure", "Maximum over the same combinations."),
    "if_present": ("The change if non-respondents' ties were present at both waves",
                   "as the measure", "Reverse of each tie named with them counted."),
    "reverses": ("The bounds include a change in the other direction", _FLAG,
                 "bound_low < 0 < bound_high."),
    "n_boot": ("Bootstrap resamples drawn", _COUNT, "Resampling people who answered both waves."),
    "n_boot_used": ("Bootstrap resamples used", _COUNT, "Resamples where the measure is defined."),
    "count": ("Times the role is played", _COUNT, "Two-paths A → B → C with B the broker."),
    "expected": ("Times expected if ties were random", _COUNT, "Gould and Fernandez's formula."),
    "z": ("Difference from random", "standard deviations", "(count − expected) / sd."),
    "brokers": ("People who play the role at least once", _PEOPLE, "Counted."),
    "correlation": ("Fit of the core–periphery pattern", "−1 to 1",
                    "Correlation of the ties with the ideal pattern (Borgatti and Everett)."),
    "core_size": ("People in the core", _PEOPLE, "Coreness above the fitted cut."),
    "core_fit": ("Fit of the discrete core–periphery partition", "−1 to 1", "As correlation."),
    "core_ties": ("Ties inside the core", _TIES, "Counted."),
    "core_cross_ties": ("Core ties crossing the boundary", _TIES, "Counted."),
    "core_share_cross": ("Share of core ties crossing the boundary", _SHARE,
                         "core_cross_ties / core_ties."),
    "share_cross": ("Share of all ties crossing the boundary", _SHARE, "Counted."),
    "core": ("Members of the group in the core", _PEOPLE, "Coreness above the fitted cut."),
    "mean_coreness": ("Average coreness of the group's members", "0–1",
                      "Continuous coreness (Borgatti and Everett), averaged."),
    "moved_in": ("People who joined the core", _PEOPLE, "In the core now, not before."),
    "moved_out": ("People who left the core", _PEOPLE, "In the core before, not now."),
    "mentions": ("Stakeholders named", _COUNT, "Every mention."),
    "distinct_stakeholders": ("Different stakeholders named", _COUNT, "After normalising names."),
    # contribution analysis (evaluate.contribution)
    "alternative": ("An alternative explanation of the change (secular trend, response shift, "
                    "selection and drop-out, regression to the mean)", _ID,
                    "evaluate.contribution.ALTERNATIVES."),
    "explanation": ("The alternative explanation in words", _TEXT, "evaluate.contribution."),
    "ruled_out_by": ("What would rule the explanation out", _TEXT, "evaluate.contribution."),
    "verdict": ("What the evidence on the explanation shows", _TEXT,
                "evaluate.contribution.alternative_explanations."),
    "n_measures": ("Measures examined for the explanation", _COUNT, "Counted."),
    "n_addressed": ("Measures on which the explanation is ruled out (or examined)", _COUNT,
                    "Counted."),
    "claim": ("The contribution claim in words (contribution, never attribution)", _TEXT,
              "evaluate.contribution.contribution_claims."),
    "n_links": ("Links of the aim's theory of change", _COUNT, "Counted."),
    "n_links_with_evidence": ("Links with evidence", _COUNT, "Links whose status is evidence."),
    "n_gaps": ("Links without evidence", _COUNT, "Counted."),
    "gaps": ("The links without evidence", _TEXT, "Joined."),
    "n_alternatives": ("Alternative explanations examined", _COUNT, "Counted."),
    "n_alternatives_with_evidence": ("Alternative explanations with evidence on them", _COUNT,
                                     "Verdict other than no evidence."),
    "strongest": ("Strength of the strongest piece of evidence", _TEXT,
                  "Highest strength among the links with evidence."),
    # stories (Most Significant Change, evaluate.stories)
    "domain": ("The domain of change the story is about (an aim, or all)", _ID,
               "From the story form."),
    "domain_title": ("The domain in words", _TEXT, "From the logic model."),
    "n_stories": ("Stories collected", _COUNT, "Counted; small counts suppressed."),
    "n_shared": ("Stories whose authors agreed the panel may read them", _COUNT, "Counted."),
    "n_name_consent": ("Stories whose authors agreed to be named", _COUNT, "Counted."),
    "panel": ("The selection panel", _TEXT, "Recorded with the round."),
    "decided": ("When the panel decided", "date", "Recorded with the round."),
    "story": ("The story (pseudonymous id)", _ID, "Assigned at import."),
    "selected": ("The panel chose the story", _FLAG, "Recorded with the round."),
    "reasons": ("The panel's reasons, in words", _TEXT, "Recorded with the round."),
    "verification": ("How the story was checked", _TEXT, "Recorded with the round."),
    "significance": ("Why the author thinks the change matters, as written", _TEXT,
                     "Only if chosen and quotable."),
    # records
    "file": ("The export file's name", _TEXT, "As imported."),
    "sheet": ("The worksheet of the export", _TEXT, "As imported."),
    "platform": ("The survey platform the export came from", _TEXT, "Detected at import."),
    "read": ("Rows read from the export", _COUNT, "Counted."),
    "accepted": ("Rows accepted", _COUNT, "Counted."),
    "quarantined": ("Rows quarantined (a problem to fix)", _COUNT, "Counted."),
    "excluded": ("Rows excluded (previews, unfinished)", _COUNT, "Counted."),
    "warnings": ("Warnings at import", _COUNT, "Counted."),
    "sha256": ("SHA-256 of the export file", _ID, "hashlib.sha256 of the file's bytes."),
    "software_version": ("Version of evaluate that imported it", _TEXT, "evaluate.__version__."),
    "row": ("Row of the export, as the spreadsheet numbers it", _COUNT, "From the import."),
    "column": ("Column heading of the export", _TEXT, "As in the export."),
    "value": ("The value found (personal values hidden)", _TEXT, "From the export."),
    "severity": ("error (row quarantined) or warning", _TEXT, "The validation rule."),
    "fix": ("How to fix the problem", _TEXT, "Written by the validation rule."),
    "rows": ("Rows", _COUNT, "Counted."),
    "ref": ("Questionnaire reference", _ID, "id@version."),
    "table": ("An analysis table", _ID, "Its sheet name."),
}

#: (table, column) → (meaning, unit, how computed), where a table uses a name in its own sense.
IN_TABLE: dict[tuple[str, str], tuple[str, str, str]] = {
    ("columns", "sheet"): ("A sheet of this workbook", _ID, "Its name."),
    ("columns", "column"): ("A column of that sheet", _ID, "Its heading."),
    ("columns", "meaning"): ("What the column means", _TEXT, "evaluate.report.columns."),
    ("columns", "unit"): ("The column's unit", _TEXT, "evaluate.report.columns."),
    ("columns", "how_computed"): ("How the column was computed", _TEXT,
                                  "evaluate.report.columns; the function's docstring has more."),
    ("claims", "claim_id"): ("The claim's stable key (kind:measure:waves …)", _ID,
                             "evaluate.claims.ledger."),
    ("claims", "section"): ("Where the claim is shown first (overview, comparison, planning, "
                            "glossary, methods)", _TEXT, "evaluate.claims.ledger."),
    ("claims", "order"): ("Order within its section", _COUNT, "evaluate.claims.ledger."),
    ("claims", "text"): ("The sentence the reader sees", _TEXT,
                         "Worded by the ledger from the row's figures (claim_figures)."),
    ("claims", "note"): ("How to read a chart (its n and intervals), or a table's rows not "
                         "shown", _TEXT, "evaluate.claims.displays."),
    ("claims", "design"): ("The study design: before_after, comparison or random", _TEXT,
                           "From whether a comparison group answered the same surveys."),
    ("claims", "design_level"): ("Maryland Scientific Methods Scale level of the design",
                                 "1, 2, 3 or 5 (0: no label)", "evaluate.claims.rule."),
    ("claims", "downgrades"): ("The evidence rule's downgrades that applied", _TEXT,
                               "Codes joined by ';' (evaluate.claims.rule.DOWNGRADES)."),
    ("claims", "reasons"): ("Why the label, in sentences", _TEXT,
                            "The design's reason, every downgrade, then cautions noted, "
                            "joined by ' | '."),
    ("claims", "may_say_real"): ("The rule allows the words to call the change real", _FLAG,
                                 "evaluate.claims.rule."),
    ("claims", "counts_as_evidence"): ("The rule counts the change as evidence", _FLAG,
                                       "evaluate.claims.rule."),
    ("claims", "source_table"): ("The result table the claim rests on", _ID, "The ledger."),
    ("claims", "source_key"): ("The row of that table", _TEXT, "key=value; … pairs."),
    ("claim_figures", "claim_id"): ("The claim the figure belongs to", _ID, "claims.claim_id."),
    ("claim_figures", "figure"): ("The figure's name (e.g. mean_pre)", _ID, "The ledger."),
    ("claim_figures", "shown"): ("The figure exactly as printed", _TEXT, "Rounded for people."),
    ("claim_figures", "unit"): ("The figure's unit", _TEXT, "The ledger."),
    ("claim_figures", "source_table"): ("The result table the figure comes from", _ID,
                                        "The ledger."),
    ("claim_figures", "source_key"): ("The row of that table", _TEXT, "key=value; … pairs."),
    ("claim_figures", "row"): ("The cell's row in a table claim (0: its headings; -1: not a "
                               "table cell)", _COUNT, "evaluate.claims.displays."),
    ("statements", "n_first"): ("People who answered the first wave of the comparison", _PEOPLE,
                                "Counted (the base of the drop-out caution)."),
    ("statements", "groups_alike"): ("The programme and comparison groups started alike", _FLAG,
                                     "From the comparison's baseline check."),
    ("statements", "rough_measure"): ("The scale's reliability is low (alpha under 0.7)", _FLAG,
                                      "From the reliability table."),
    ("statements", "dropouts_differ"): ("Those who left started differently from those who stayed",
                                        _FLAG, "From attrition_bias."),
    ("statements", "response_shift"): ("Looking back, people placed their start differently",
                                       _FLAG, "From the then-test."),
    ("contribution_links", "evidence"): ("What was found for the link, or why nothing was",
                                         _TEXT, "evaluate.contribution."),
    ("contribution_alternatives", "evidence"): ("What the workspace has on the explanation, or "
                                                "what would supply it", _TEXT,
                                                "evaluate.contribution.alternative_explanations."),
    ("reliability", "omega_n_boot_used"): ("Bootstrap refits of omega that converged and were "
                                           "used", _COUNT, "Refits meeting the point fit's "
                                           "tolerance; the others are left out."),
    ("story_selection", "round"): ("The panel's selection round", _COUNT, "evaluate.stories."),
    ("story_selection", "level"): ("The level the round chose at (e.g. cohort, programme)",
                                   _TEXT, "evaluate.stories."),
    ("story_selection", "text"): ("The story, exactly as written (only if chosen and its author "
                                  "agreed to be quoted)", _TEXT, "evaluate.stories.chosen_stories."),
    ("item_distribution", "n"): ("People who gave this answer", _PEOPLE, "Counted."),
    ("reaction_distribution", "n"): ("Answers with this label", _COUNT, "Counted."),
    ("item_rest", "n"): ("People who answered every item of the scale", _PEOPLE, "Listwise."),
    ("reliability", "n"): ("People who answered every item of the scale", _PEOPLE, "Listwise."),
    ("planning", "alpha"): ("Significance level of the planned test", _P, "Set: 0.05."),
    ("planning", "n_completers"): ("People needed who answer both waves", _PEOPLE,
                                   "n_exact rounded up."),
    ("planning", "measure"): ("The scale planned for", _ID, "From prepost."),
    ("themes", "label"): ("The theme in words", _TEXT, "From the codebook."),
    ("quotes", "text"): ("The answer, exactly as written", _TEXT,
                         "Only answers whose authors agreed to be quoted."),
    ("network_brokerage_groups", "change"): ("Change in times the role is played", _COUNT,
                                             "count_to − count_from."),
    ("network_metric_change", "change"): ("Change in the measure", "as the measure",
                                          "value_to − value_from."),
    ("network_core", "people"): ("People in the network", _PEOPLE, "Roster members."),
    ("suppression", "rows"): ("Rows of the table", _COUNT, "Counted."),
    ("suppression", "suppressed"): ("Rows hidden because their group is small", _COUNT,
                                    "Counted."),
    ("quarantine_summary", "rows"): ("Rows with this problem", _COUNT, "Counted."),
    ("attrition_bias", "mean_diff"): ("Those who stayed minus those who left, at the start",
                                      _POINTS, "mean_completers − mean_dropouts."),
    ("attrition_bias", "mean_completers"): ("Starting average of those who stayed", _SCORE,
                                            "Mean at wave_first."),
    ("attrition_bias", "mean_dropouts"): ("Starting average of those who left", _SCORE,
                                          "Mean at wave_first."),
    ("attrition_bias", "sd_completers"): ("Starting SD of those who stayed", _SCORE, "Sample SD."),
    ("attrition_bias", "sd_dropouts"): ("Starting SD of those who left", _SCORE, "Sample SD."),
    ("attrition_bias", "dof"): ("Degrees of freedom of Welch's t-test", "degrees of freedom",
                                "Welch–Satterthwaite."),
    ("attrition_bias", "t"): ("t statistic of Welch's t-test", "t", "Stayed against left."),
    ("attrition_rates", "response_rate"): ("Share of the roster who answered", _SHARE,
                                           "n_responded / n_roster."),
    ("attrition_rates", "retention_rate"): ("Share of first-wave respondents still answering",
                                            _SHARE, "n_retained / n_first_wave."),
    ("network_metrics", "response_rate"): ("Share of the roster who answered the network survey",
                                           _SHARE, "respondents / roster_size."),
}

_RULES = (
    (re.compile(r"^(?P<base>.+)_ci95_low$"), "Lower end of the 95% interval of {base}",
     "Percentile bootstrap or the test's own interval (see the table's documentation)."),
    (re.compile(r"^(?P<base>.+)_ci95_high$"), "Upper end of the 95% interval of {base}",
     "Percentile bootstrap or the test's own interval (see the table's documentation)."),
    (re.compile(r"^new_(?P<base>.+)$"), "{base}, counting only ties new since the first wave",
     "As {base}, over the new ties."),
    (re.compile(r"^(?P<base>.+)_from$"), "{base} at the first wave compared",
     "As {base}, at wave_from."),
    (re.compile(r"^(?P<base>.+)_to$"), "{base} at the second wave compared",
     "As {base}, at wave_to."),
    (re.compile(r"^value_(?P<wave>from|to)_(?P<rule>absent|present)$"),
     "The measure at the {wave} wave with non-respondents' ties {rule}",
     "Non-respondents' own ties counted as {rule}."),
)


def describe_column(table: str, column: str) -> tuple[str, str, str] | None:
    """(meaning, unit, how computed) of ``column`` in ``table``, or None if undescribed.

    >>> describe_column("prepost", "g_av_ci95_low")[0]
    "Lower end of the 95% interval of Hedges' g_av: d_av corrected for small samples"
    >>> describe_column("network_boundary", "new_ei_index")[1]
    '−1 to 1'
    """
    if (table, column) in IN_TABLE:
        return IN_TABLE[(table, column)]
    if column in COLUMNS:
        return COLUMNS[column]
    for pattern, meaning, how in _RULES:
        m = pattern.match(column)
        if not m:
            continue
        parts = m.groupdict()
        if "base" in parts:
            base = describe_column(table, parts["base"]) or (
                describe_column(table, "mean_" + parts["base"]) if column.startswith("mean_")
                else None)
            if base is None:
                continue
            return (meaning.format(base=base[0]), base[1], how.format(base=parts["base"]))
        return (meaning.format(**parts), "as the measure", how.format(**parts))
    return None


def column_dictionary(tables: Mapping[str, pd.DataFrame],
                      sheet_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per column of every table: sheet, column, meaning, unit, how_computed.

    ``sheet_names`` maps a table to its sheet's name (default: the table's name).
    A column with no definition reads "not described" (the tests fail on it).
    """
    rows = []
    for name, table in tables.items():
        for col in table.columns:
            meaning, unit, how = describe_column(name, str(col)) or ("not described", "", "")
            rows.append({"sheet": (sheet_names or {}).get(name, name), "column": str(col),
                         "meaning": meaning, "unit": unit, "how_computed": how})
    return pd.DataFrame(rows, columns=["sheet", "column", "meaning", "unit", "how_computed"])


def undescribed(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """``table.column`` for every column :func:`describe_column` cannot describe."""
    return [f"{name}.{col}" for name, table in tables.items() for col in table.columns
            if describe_column(name, str(col)) is None]
