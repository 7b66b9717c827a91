"""The report's two workbooks, each with its own reader.

- ``tables.xlsx`` is for **report writers**, laid out as the Government
  Statistical Service asks of published spreadsheets ("Releasing statistics
  in spreadsheets", Analysis Function, 2021): a **Cover** sheet (what the
  workbook is, who made it, how to read it), **Contents** (every sheet, what
  it shows, its rows), **Notes** (numbered notes the tables refer to as
  "[note 1]"), then one table per sheet, each with its title in A1 and a
  line saying what it shows above the table, no merged cells, units in the
  headings, and ``[c]`` in a cell hidden because its group is small. The
  first tables are the **Summary** (the evidence for each aim, rendered from
  the claims ledger, :mod:`evaluate.claims.ledger`, as the dashboard is) and
  the principles; then the results, most important
  first, with plain headings, names instead of codes (the same name for a
  survey everywhere: its questionnaire's title and the survey's wave),
  p-values shown as "<0.001".
- ``analysis.xlsx`` is for **evaluators**: every table of the analysis at full
  precision, with its snake_case columns, one sheet each (what
  :func:`evaluate.report.build.report_tables` returns), and a column
  dictionary (:mod:`evaluate.report.columns`).

Neither holds a person-level table (one row per pseudonymous participant);
``evaluate analyse`` writes those as csv files for evaluators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from evaluate.quotes import selection_note
from evaluate.records import imports_table, quarantine_summary
from evaluate.report.page import Page
from evaluate.report.sections.common import aims
from evaluate.report.sections.network_change import ROLE_WORDS
from evaluate.report.sections.overview import principle_rows
from evaluate.report.xlsx import Sheet, guess_format
from evaluate.words import change_phrase, wave_name

__all__ = ["TABLE_SHEETS", "NOTES", "SUPPRESSED", "tables_sheets", "summary_sheets",
           "summary_notes", "notes_sheet"]

#: What a cell hidden because its group is small shows (the GSS's "confidential" mark).
SUPPRESSED = "[c]"

#: The Notes sheet: numbered notes that the tables' lines refer to ("[note 1]").
NOTES: tuple[tuple[str, str], ...] = (
    ("small groups", "Groups smaller than {min_group} people are hidden so that no one can be "
                     "identified: their numbers show as [c]. Counts that could be worked out "
                     "from the others are hidden too."),
    ("p-values", "p-values under 0.001 show as <0.001; the cell holds the exact value."),
    ("quotes", "Free-text answers appear exactly as their authors wrote them, and only from "
               "people who agreed to be quoted. Text that a spreadsheet would run as a formula "
               "is stored as text, never as a formula (the csv files start it with an "
               "apostrophe)."),
    ("intervals", "A 95% interval (\"from … to\") is the range the true value likely lies in; "
                  "a change whose interval includes 0 could be chance."),
    ("network", "A tie is one person naming another in the network survey; ties crossing a "
                "boundary join people of different organisations, sectors or places."),
    ("scores", "Scores are averages of answers on each scale's own scale (1 to 5 unless the "
               "heading says otherwise); a change is in points on that scale."),
)
_NOTE_NUMBER = {key: i for i, (key, _) in enumerate(NOTES, start=1)}


@dataclass(frozen=True)
class TableSheet:
    """How one result table appears in tables.xlsx: sheet name, description, headings."""

    source: str
    name: str
    about: str
    columns: dict[str, str]
    select: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    notes: tuple[str, ...] = ()  # keys of NOTES the table refers to


def _scales(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["kind"] == "scale"] if "kind" in t.columns else t


def _items(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["kind"] != "scale"] if "kind" in t.columns else t.iloc[0:0]


def _any_roster(t: pd.DataFrame) -> pd.DataFrame:
    if "relation" in t.columns:
        t = t[t["relation"] == "any"]
    if "basis" in t.columns:
        t = t[t["basis"] == "roster"]
    return t


def _any(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["relation"] == "any"] if "relation" in t.columns else t


def _interaction_first(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["source"].astype(str) != ""] if "source" in t.columns else t


#: The network change measures in words (tables.xlsx).
_NETWORK_MEASURES = {
    "density_change": "Change in the share of possible ties named",
    "share_external_change": "Change in the share of ties crossing",
    "new_ei_index": "New ties: crossing minus inside, as a share (E-I)",
}


def _network_change(t: pd.DataFrame) -> pd.DataFrame:
    t = _any(t)
    return t.assign(measure=t["measure"].map(_NETWORK_MEASURES).fillna(t["measure"]),
                    attribute=t["attribute"].fillna(""))


def _brokerage(t: pd.DataFrame) -> pd.DataFrame:
    """Roles in words, for the grouping they are counted by ("… of two other sectors")."""
    attr = t["attribute"].astype(str)
    words = t["role"].map(ROLE_WORDS).fillna(t["role"].astype(str))
    return t.assign(role=[w.replace("organisation", a) for w, a in zip(words, attr, strict=True)])


_CHANGE = {"title": "Scale", "comparison": "Between", "n_pairs": "People who answered both",
           "mean_pre": "Average before (score)", "mean_post": "Average after (score)",
           "mean_diff": "Change (points)", "g_av": "Effect size (Hedges' g)",
           "g_av_ci95_low": "Effect size, 95% interval from",
           "g_av_ci95_high": "Effect size, 95% interval to", "p_adj": "p (adjusted)",
           "in_words": "In words"}

#: The sheets of tables.xlsx after Summary and Contents, in order of importance.
TABLE_SHEETS: tuple[TableSheet, ...] = (
    TableSheet("prepost", "Change before and after",
               "Each scale's average before and after, among the people who answered both "
               "surveys; the change, its size (effect size) and how sure we can be of it.",
               _CHANGE, _scales, ("scores", "intervals", "p-values")),
    TableSheet("comparison", "Comparison group",
               "The programme group's change beside a comparison group's (for example a "
               "wait-list) over the same surveys: the difference between the two changes is "
               "the change the comparison group does not explain.",
               {"title": "Scale", "comparison": "Between", "comparison_group": "Comparison group",
                "n_programme": "Programme group (people)",
                "n_comparison": "Comparison group (people)",
                "mean_pre_programme": "Programme group: average before (score)",
                "mean_post_programme": "Programme group: average after (score)",
                "change_programme": "Programme group: change (points)",
                "mean_pre_comparison": "Comparison group: average before (score)",
                "mean_post_comparison": "Comparison group: average after (score)",
                "change_comparison": "Comparison group: change (points)",
                "did": "Difference between the changes (points)",
                "did_ci95_low": "Difference, 95% interval from (points)",
                "did_ci95_high": "Difference, 95% interval to (points)",
                "did_p": "p", "d_ppc2": "Effect size (d)",
                "baseline_check": "Did the groups start alike?", "statement": "In words"},
               None, ("small groups", "scores", "intervals", "p-values")),
    TableSheet("evidence_matrix", "Evidence by level",
               "The programme's aims against the four levels of evidence (reaction, learning, "
               "behaviour, results): what was measured at each level, what it showed and how "
               "strong the evidence is.",
               {"aim_title": "Aim", "level": "Level (1 to 4)", "level_name": "Level",
                "outcome_title": "Outcome", "indicator_title": "Indicator",
                "measure_title": "Measure", "status": "Measured?", "result": "Result",
                "strength": "Strength of evidence"}),
    TableSheet("attrition_rates", "Who answered",
               "How many people on the programme answered each survey, per cohort.",
               {"cohort": "Cohort", "wave": "Survey", "n_roster": "On the programme (people)",
                "n_responded": "Answered (people)", "response_rate": "Share who answered (%)",
                "n_retained": "Also answered the first survey (people)",
                "retention_rate": "Share still answering (%)",
                "n_not_on_roster": "Not on the list (people)"}),
    TableSheet("then_test", "Looking back",
               "Where people, looking back at the end, think they started, against what they "
               "said at the time and where they are now.",
               {"title": "Scale", "comparison": "Comparison", "n_pairs": "People",
                "mean_pre": "First average (score)", "mean_post": "Second average (score)",
                "mean_diff": "Difference (points)", "g_av": "Effect size (Hedges' g)",
                "p_adj": "p (adjusted)"}, _scales, ("scores", "p-values")),
    TableSheet("item_distribution", "Answers by statement",
               "How many people gave each answer to each statement, per survey.",
               {"instrument": "Questionnaire", "wave": "Survey", "item_text": "Statement",
                "label": "Answer", "n": "People", "n_answered": "Answered the statement (people)",
                "share": "Share (%)", "suppressed": "Hidden (small group)"},
               None, ("small groups",)),
    TableSheet("prepost", "Change per question",
               "The same before-and-after comparison for single questions.", _CHANGE, _items,
               ("scores", "intervals", "p-values")),
    TableSheet("cohort_anova", "Cohorts compared",
               "Whether the cohorts changed differently (time × cohort mixed ANOVA; the "
               "“time × cohort” rows answer it).",
               {"title": "Scale", "comparison": "Between", "source": "Effect", "f": "F",
                "df1": "df1", "df2": "df2", "p_val": "p", "np2": "Partial eta squared",
                "ss_type": "Sums of squares", "n_participants": "People",
                "n_cohorts": "Cohorts", "note": "Note"}, _interaction_first, ("p-values",)),
    TableSheet("subgroups", "Change by group",
               "Change by cohort, sector, place and organisation: a first look, not adjusted "
               "for the number of comparisons; small groups hidden.",
               {"attribute": "Grouped by", "group": "Group", "title": "Scale",
                "comparison": "Between", "n_pairs": "People",
                "mean_pre": "Average before (score)", "mean_post": "Average after (score)",
                "mean_diff": "Change (points)", "g_av": "Effect size (Hedges' g)",
                "suppressed": "Hidden (small group)", "suppression_reason": "Why hidden"},
               None, ("small groups", "scores")),
    TableSheet("planning", "Planning",
               "How many people the next cohort needs, to detect a change like this one again "
               "(as large, or half as large) with the chance shown, and how many to invite if "
               "as many answer both surveys as this time.",
               {"title": "Scale", "wave_pre": "From", "wave_post": "To",
                "n_pairs": "People who answered both this time",
                "mean_diff": "Change this time (points)", "target": "Change to detect",
                "target_diff": "Change to detect (points)",
                "power": "Chance of detecting it (%)", "alpha": "Significance level",
                "n_completers": "People needed who answer both surveys",
                "completion_rate": "Share who answered both this time (%)",
                "n_invited": "People to invite", "statement": "In words"},
               None, ("scores",)),
    TableSheet("network_metrics", "Network by survey",
               "The whole network of each cohort at each survey: people, ties named, density, "
               "people with no ties.",
               {"cohort": "Cohort", "wave": "Survey", "roster_size": "People",
                "respondents": "Answered (people)", "response_rate": "Share who answered (%)",
                "ties": "Ties named", "density": "Density (share of possible ties)",
                "mean_out_degree": "People named, on average",
                "isolates": "People with no ties",
                "largest_weak_component": "Largest connected group (people)"}, _any_roster,
               ("network",)),
    TableSheet("network_boundary", "Ties across boundaries",
               "Ties named between people in different organisations, sectors and places, "
               "per cohort and survey.",
               {"cohort": "Cohort", "wave": "Survey", "attribute": "Boundary",
                "ties": "Ties named", "external_ties": "Crossing (ties)",
                "share_external": "Share crossing (%)", "ei_index": "E-I index (-1 to 1)",
                "new_ties": "New ties", "new_share_external": "Share of new ties crossing (%)"},
               _any, ("network",)),
    TableSheet("network_growth", "Network growth",
               "Ties named at the first and last survey: new, kept and no longer named (among "
               "everyone on the programme, and among those who answered both times).",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To", "relation": "Relation",
                "basis": "Among", "respondents_both": "Answered both times (people)",
                "ties_from": "Ties before", "ties_to": "Ties after", "new_ties": "New ties",
                "kept_ties": "Kept ties", "lost_ties": "Ties no longer named"},
               None, ("network",)),
    TableSheet("network_evidence", "Network change, how sure",
               "Each network change among the people who answered the network survey both "
               "times, with the range it likely lies in (resampling those people), the figure "
               "for everyone on the programme and its range whatever the ties of those who "
               "did not answer, and the strength of evidence (ties of any kind).",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To",
                "attribute": "Boundary", "measure": "Measure",
                "people": "Answered both times (people)", "estimate": "Change",
                "ci95_low": "Likely from", "ci95_high": "Likely to",
                "roster_estimate": "Everyone on the programme",
                "bound_low": "Whatever the ties of those who did not answer: from",
                "bound_high": "… to", "evidence_strength": "Strength of evidence"},
               _network_change, ("network", "intervals")),
    TableSheet("network_brokerage_whole", "Brokerage roles",
               "How often people link others across groups, by the role they play (Gould and "
               "Fernandez's five brokerage roles), per cohort and survey, against what a "
               "network of the same size with ties at random would give.",
               {"cohort": "Cohort", "wave": "Survey", "relation": "Relation",
                "attribute": "Grouped by", "people": "People", "role": "Role",
                "count": "Times people play it", "expected": "Expected at random",
                "z": "Difference from random (standard deviations)",
                "brokers": "People who play it"}, _brokerage, ("network",)),
    TableSheet("network_brokerage_groups", "Brokerage by group",
               "The brokerage roles played by each group's members, at the first and last "
               "survey.",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To",
                "relation": "Relation", "attribute": "Grouped by", "group": "Group",
                "members": "Members (people)", "role": "Role",
                "count_from": "Times played, before", "count_to": "Times played, after",
                "change": "Change (times played)", "brokers_from": "People playing it, before",
                "brokers_to": "People playing it, after",
                "suppressed": "Hidden (small group)"}, _brokerage, ("small groups", "network")),
    TableSheet("network_core", "Core and periphery",
               "How far each cohort's network has a core of well-connected people and an edge "
               "(Borgatti and Everett's core–periphery model), the core's size and how many of "
               "its ties cross the boundary.",
               {"cohort": "Cohort", "wave": "Survey", "relation": "Relation",
                "attribute": "Boundary", "people": "People", "ties": "Ties",
                "correlation": "Fit of the core–periphery pattern (0 to 1)",
                "core_size": "People in the core", "core_ties": "Ties inside the core",
                "core_cross_ties": "Core ties crossing the boundary",
                "core_share_cross": "Share of core ties crossing (%)",
                "share_cross": "Share of all ties crossing (%)"}, None, ("network",)),
    TableSheet("network_core_groups", "Core by group",
               "Each group's members in the core at the first and last survey, and who moved "
               "in or out.",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To",
                "relation": "Relation", "attribute": "Grouped by", "group": "Group",
                "members": "Members (people)", "core_from": "In the core, before (people)",
                "core_to": "In the core, after (people)", "moved_in": "Moved in (people)",
                "moved_out": "Moved out (people)",
                "mean_coreness_from": "Average coreness, before (0 to 1)",
                "mean_coreness_to": "Average coreness, after (0 to 1)",
                "suppressed": "Hidden (small group)"}, None, ("small groups", "network")),
    TableSheet("reaction", "Session ratings",
               "Ratings of each day and session, and whether people would recommend it.",
               {"module_title": "Day", "item_text": "Question", "n_responses": "Answers",
                "mean": "Average (score)", "ci95_low": "95% interval from (score)",
                "ci95_high": "95% interval to (score)", "median": "Middle answer (score)",
                "pct_promoters": "Would recommend (%)", "pct_detractors": "Would not (%)",
                "nps": "Net promoter score (-100 to 100)",
                "suppressed": "Hidden (small group)"}, None, ("small groups", "intervals")),
    TableSheet("themes", "Themes",
               "How many answers to each open question touch each theme.",
               {"instrument": "Questionnaire", "prompt": "Question", "label": "Theme",
                "n_mentions": "Answers touching it", "n_answers": "Answers",
                "share": "Share (%)", "suppressed": "Hidden (small group)"},
               None, ("small groups",)),
    TableSheet("quotes", "Quotes",
               "Free-text answers from people who agreed to be quoted, exactly as written; "
               "each different answer once, with how many people wrote it.",
               {"instrument": "Questionnaire", "wave": "Survey", "prompt": "Question",
                "text": "Answer", "n_people": "Written by (people)",
                "n_quotable": "May be quoted (this question and survey)"}, None, ("quotes",)),
    TableSheet("voices_counts", "Open questions",
               "How many people answered each open question, and how many may be quoted.",
               {"instrument": "Questionnaire", "prompt": "Question", "answers": "Answers",
                "quotable": "May be quoted"}),
    TableSheet("reliability", "Reliability",
               "How well each scale's questions hang together (Cronbach's alpha) per survey.",
               {"instrument": "Questionnaire", "wave": "Survey", "title": "Scale",
                "n_items": "Questions", "n": "People", "alpha": "Cronbach's alpha (0 to 1)",
                "alpha_ci95_low": "95% interval from", "alpha_ci95_high": "95% interval to",
                "alpha_below_0_7": "Under 0.7", "note": "Note"}, None, ("intervals",)),
    TableSheet("attrition_bias", "Drop-out check",
               "Whether the people who stopped answering had started differently from those "
               "who stayed.",
               {"title": "Scale", "wave": "Later survey", "n_completers": "Stayed (people)",
                "n_dropouts": "Left (people)",
                "mean_completers": "Average at the start, stayed (score)",
                "mean_dropouts": "Average at the start, left (score)",
                "hedges_g": "Difference (Hedges' g)", "p_val": "p (Welch)",
                "p_mannwhitney": "p (Mann–Whitney)", "warning": "What it means"},
               None, ("scores", "p-values")),
    TableSheet("imports", "Files imported",
               "Every export imported, with its rows read, accepted, quarantined and excluded "
               "(they add up) and the SHA-256 of the file.",
               {"file": "File", "sheet": "Sheet", "instrument": "Questionnaire",
                "cohort": "Cohort", "wave": "Survey", "platform": "Platform",
                "read": "Rows read", "accepted": "Rows accepted",
                "quarantined": "Rows quarantined", "excluded": "Rows excluded",
                "sha256": "SHA-256", "software_version": "evaluate version"}),
    TableSheet("quarantine_summary", "Problems found",
               "Problems found in the exports, counted by file, column and rule, with the fix.",
               {"file": "File", "column": "Column", "rule": "Rule", "severity": "Severity",
                "rows": "Rows", "fix": "How to fix"}),
    TableSheet("instrument_versions", "Questionnaires",
               "The questionnaires (and their versions) the data came from.",
               {"ref": "Reference (id@version)", "title": "Questionnaire", "wave": "Survey"}),
    TableSheet("suppression", "Suppression",
               "How many rows of each table were hidden because the group was too small.",
               {"table": "Table", "rows": "Rows", "suppressed": "Rows hidden"},
               None, ("small groups",)),
)


def _with_words(t: pd.DataFrame) -> pd.DataFrame:
    if not {"mean_diff", "g_av", "p_adj", "g_av_ci95_low", "g_av_ci95_high"} <= set(t.columns):
        return t
    return t.assign(in_words=[change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low,
                                            r.g_av_ci95_high) for r in t.itertuples(index=False)])


def _instrument_names(page: Page) -> dict[str, str]:
    """Each questionnaire's reference and id ("baseline@1", "baseline") → its title."""
    out = {}
    for v in page.context.get("instrument_versions") or []:
        ref, title = str(v.get("ref") or ""), str(v.get("title") or "")
        if ref and title:
            out[ref] = title
            out.setdefault(ref.split("@")[0], title)
    return out


def _map_each(values: pd.Series, func) -> pd.Series:
    """``values.map(func)`` calling ``func`` once per distinct text (the same Series): a
    column of text without missing values is mapped by its distinct values; anything
    else value by value, as ``map`` does."""
    if values.dtype == object or not pd.api.types.is_string_dtype(values) or len(values) < 64:
        return values.map(func)
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:  # a missing value: as map does
        return values.map(func)
    mapped = pd.Series(uniques, dtype=values.dtype).map(func)
    return pd.Series(mapped.array.take(codes), index=values.index, name=values.name)


def _humanise(page: Page, frame: pd.DataFrame) -> pd.DataFrame:
    """Cohort ids become names, wave ids words and questionnaire ids titles (the dashboard's
    names for them): a survey is called the same in every sheet."""
    from evaluate.report.network_figures import relation_label

    out = frame.copy()
    for col in ("cohort",):
        if col in out.columns:
            out[col] = _map_each(out[col], lambda c: "All cohorts" if str(c) == "all"
                                 else page.cohort(c))
    for col in ("wave", "wave_pre", "wave_post", "wave_from", "wave_to"):
        if col in out.columns:
            out[col] = _map_each(out[col], wave_name)
    if "instrument" in out.columns:
        names = _instrument_names(page)
        out["instrument"] = _map_each(
            out["instrument"], lambda v: names.get(str(v), names.get(str(v).split("@")[0], v)))
    for col in ("comparison",):
        if col in out.columns and {"wave_pre", "wave_post"} <= set(frame.columns):
            out[col] = (_map_each(frame["wave_pre"], wave_name) + " → "
                        + _map_each(frame["wave_post"], wave_name))
    if "group" in out.columns and "attribute" in out.columns:
        is_cohort = frame["attribute"].astype(str) == "cohort"
        out.loc[is_cohort, "group"] = frame.loc[is_cohort, "group"].map(page.cohort)
    for col in ("relation",):
        if col in out.columns:
            out[col] = _map_each(out[col].astype(str), relation_label)
    if "basis" in out.columns:
        out["basis"] = out["basis"].map({"roster": "everyone on the programme",
                                         "respondents": "those who answered both times"}
                                        ).fillna(out["basis"])
    return out


def _suppressed_cells(t: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``[c]`` in the empty cells of the rows hidden because their group is small."""
    if "suppressed" not in t.columns:
        return t
    hidden = t["suppressed"].fillna(False).astype(bool).to_numpy()
    if not hidden.any():
        return t
    out = t.copy()
    for c in columns:
        if c == "suppressed":
            continue
        empty = hidden & out[c].isna().to_numpy()
        if empty.any():
            out[c] = out[c].astype(object).where(~empty, SUPPRESSED)
    return out


def _note_refs(keys) -> str:
    return " ".join(f"[note {_NOTE_NUMBER[k]}]" for k in keys)


def summary_notes(context: dict) -> list[str]:
    """The lines of the Cover sheet, under its title."""
    version = context.get("software_version") or "unknown version"
    return [
        "What the evaluation found, for report writers: the evidence for each aim in the words "
        "of the dashboard (sheet Summary), then the tables behind it, most important first.",
        "Contents lists every sheet; Notes explains the marks used in the tables ([c], "
        "<0.001, [note 1] …). Each sheet holds one table, with its title in cell A1.",
        f"Made with evaluate {version} (the same workspace and version give the same tables).",
        "No names or emails appear here, and no table with one row per person; small groups "
        "are hidden (see Notes).",
        "Evaluators: analysis.xlsx holds every table at full precision with its column names "
        "and a dictionary of the columns.",
    ]


def notes_sheet(context: dict) -> Sheet:
    """The Notes sheet: each note's number, what it is about and its text."""
    min_group = int(context.get("min_group_size") or 5)
    frame = pd.DataFrame({"Note number": [f"[note {i}]" for i in range(1, len(NOTES) + 1)],
                          "About": [k for k, _ in NOTES],
                          "Note": [text.format(min_group=min_group) for _, text in NOTES]})
    return Sheet("Notes", frame, about="The notes the tables refer to.", title="Notes",
                 lines=["This worksheet contains one table: the notes that the other sheets "
                        "refer to as [note 1], [note 2] …"], widths={"Note": 100})


#: How a claim's role reads in the Summary.
_ROLE_WORDS = {"headline": "Headline", "supporting": "Another measure of the aim",
               "network": "The network"}


def summary_sheets(page: Page) -> list[Sheet]:
    """The Summary, rendered from the claims ledger (one row per finding the overview shows:
    each aim's headline, its other measures and the network, with label, reasons, cautions
    and the table and row it rests on), and the principles."""
    from evaluate.claims.ledger import SEP

    claims = page.claims("overview")
    claims = claims[claims["aim"].astype(str) != ""] if len(claims) else claims
    sheets = []
    if len(claims):
        names = {aim_id: short for aim_id, short, _ in aims(page)}
        order = {aim_id: i for i, aim_id in enumerate(names)}
        role_rank = {"headline": 0, "supporting": 1, "network": 2}
        claims = claims.assign(
            _aim=claims["aim"].map(order).fillna(len(order)),
            _role=claims["role"].map(role_rank).fillna(3)).sort_values(
            ["_aim", "_role", "order"], kind="stable")

        def joined(col: str) -> pd.Series:
            return claims[col].fillna("").astype(str).str.split(SEP, regex=False).map(
                lambda parts: " ".join(p.strip() for p in parts if p.strip()))

        frame = pd.DataFrame({
            "Aim": claims["aim"].map(names).fillna(claims["aim"]).to_numpy(),
            "Finding": claims["role"].map(_ROLE_WORDS).fillna("Another comparison").to_numpy(),
            "Measure": claims["title"].fillna("").to_numpy(),
            "Between": (claims["wave_pre"].map(wave_name) + " → "
                        + claims["wave_post"].map(wave_name)).to_numpy(),
            "Strength of evidence": claims["label"].fillna("").to_numpy(),
            "What we found": claims["text"].fillna("").to_numpy(),
            "Why this label": joined("reasons").to_numpy(),
            "Cautions": joined("cautions").to_numpy(),
            "People it rests on": pd.to_numeric(claims["n"], errors="coerce").to_numpy(),
            "Source (table and row)": (claims["source_table"].fillna("").astype(str) + ": "
                                       + claims["source_key"].fillna("").astype(str)).to_numpy(),
        })
        sheets.append(Sheet(
            "Summary", frame, title="Summary: the evidence for each aim",
            about="The evidence for each aim, in the dashboard's words (from the claims "
                  "ledger): each finding's label, why the label, the cautions, and the table "
                  "and row it rests on.",
            lines=["This worksheet contains one table: one row per finding on the dashboard's "
                   "overview, each aim's headline first. " + _note_refs(("intervals",))],
            widths={"What we found": 70, "Why this label": 50, "Cautions": 60}))
    principles = principle_rows(page)
    if principles is not None:
        heading, frame = principles
        sheets.append(Sheet(
            "Principles", pd.DataFrame({
                "Principle": frame["title"], "Result": frame["result"].str.capitalize(),
                "The scales that measure it": frame["measures"]}),
            title=f"Principles: {heading}",
            about="Each of the programme's principles: whether the scales that measure it rose.",
            lines=["This worksheet contains one table: one row per principle. "
                   + _note_refs(("scores",))], widths={"The scales that measure it": 90}))
    return sheets


def tables_sheets(page: Page, tables: dict[str, pd.DataFrame]) -> list[Sheet]:
    """The sheets of tables.xlsx after Cover and Contents: Notes, Summary, principles, then
    the result tables (empty tables left out), each with its title in A1."""
    sheets = [notes_sheet(page.context), *summary_sheets(page)]
    for spec in TABLE_SHEETS:
        t = tables.get(spec.source)
        if spec.source == "quarantine_summary" and t is None:
            q = page.context.get("quarantine")
            t = quarantine_summary(q) if isinstance(q, pd.DataFrame) and len(q) else None
        if spec.source == "imports" and t is None:
            im = page.context.get("imports")
            t = imports_table(im) if isinstance(im, pd.DataFrame) and len(im) else None
        if not isinstance(t, pd.DataFrame) or not len(t):
            continue
        if spec.select is not None:
            t = spec.select(t)
        if not len(t):
            continue
        if spec.source == "prepost":
            t = _with_words(t)
        t = _humanise(page, t)
        cols = {c: h for c, h in spec.columns.items() if c in t.columns}
        # formats follow the analysis' column names (p_…, n_…, share …), not the headings
        formats = {h: fmt for c, h in cols.items() if (fmt := guess_format(t[c]))}
        for c, h in cols.items():  # a heading in per cent shows a share as one
            if h.endswith("(%)") and pd.api.types.is_float_dtype(t[c]) and \
                    t[c].dropna().between(0, 1).all():
                formats[h] = "0.0%"
        if "group" in cols and "suppressed" in t.columns:  # the row for every group together
            whole = t["group"].isna() & ~t["suppressed"].fillna(False).astype(bool)
            t = t.assign(group=t["group"].astype(object).where(~whole, "All groups"))
        t = _suppressed_cells(t, list(cols))
        # the columns under their headings (set_axis: rename copied every column)
        frame = t[list(cols)].set_axis(list(cols.values()), axis=1).reset_index(drop=True)
        about = " ".join(x for x in (spec.about, selection_note(t) if spec.source == "quotes"
                                     else "") if x)
        lines = [about, "This worksheet contains one table. " + _note_refs(spec.notes)]
        sheets.append(Sheet(spec.name, frame, about=about, formats=formats,
                            csv=f"tables/{spec.source}.csv", title=spec.name,
                            lines=[x.strip() for x in lines]))
    return sheets
