"""The report's two workbooks, each with its own reader.

- ``tables.xlsx`` is for **report writers**: a first sheet "Summary" with the
  evidence for each aim and the principles in plain words (the same words as
  the dashboard's cards), a "Contents" sheet saying what every sheet shows,
  then the tables in order of importance, with the dashboard's headings,
  names instead of codes, p-values shown as "<0.001", and a page set-up that
  prints readably.
- ``analysis.xlsx`` is for **evaluators**: every table of the analysis at full
  precision, with its snake_case columns, one sheet each (what
  :func:`evaluate.report.build.report_tables` returns).

Neither holds a person-level table (one row per pseudonymous participant);
``evaluate analyse`` writes those as csv files for evaluators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from evaluate.report.page import Page
from evaluate.report.quotes import selection_note
from evaluate.report.records import imports_table, quarantine_summary
from evaluate.report.sections.overview import cards, principle_rows
from evaluate.report.xlsx import Sheet, guess_format
from evaluate.words import change_phrase, wave_name

__all__ = ["TABLE_SHEETS", "tables_sheets", "summary_blocks", "summary_notes"]


@dataclass(frozen=True)
class TableSheet:
    """How one result table appears in tables.xlsx: sheet name, description, headings."""

    source: str
    name: str
    about: str
    columns: dict[str, str]
    select: Callable[[pd.DataFrame], pd.DataFrame] | None = None


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


_CHANGE = {"title": "Scale", "comparison": "Between", "n_pairs": "People who answered both",
           "mean_pre": "Average before", "mean_post": "Average after", "mean_diff": "Change",
           "g_av": "Effect size (Hedges' g)", "g_av_ci95_low": "Effect size, 95% range from",
           "g_av_ci95_high": "Effect size, 95% range to", "p_adj": "p (adjusted)",
           "in_words": "In words"}

#: The sheets of tables.xlsx after Summary and Contents, in order of importance.
TABLE_SHEETS: tuple[TableSheet, ...] = (
    TableSheet("prepost", "Change before and after",
               "Each scale's average before and after, among the people who answered both "
               "surveys; the change, its size (effect size) and how sure we can be of it.",
               _CHANGE, _scales),
    TableSheet("attrition_rates", "Who answered",
               "How many people on the programme answered each survey, per cohort.",
               {"cohort": "Cohort", "wave": "Survey", "n_roster": "On the programme",
                "n_responded": "Answered", "response_rate": "Share who answered",
                "n_retained": "Also answered the first survey",
                "retention_rate": "Share still answering", "n_not_on_roster": "Not on the list"}),
    TableSheet("then_test", "Looking back",
               "Where people, looking back at the end, think they started, against what they "
               "said at the time and where they are now.",
               {"title": "Scale", "comparison": "Comparison", "n_pairs": "People",
                "mean_pre": "First average", "mean_post": "Second average",
                "mean_diff": "Difference", "g_av": "Effect size (Hedges' g)",
                "p_adj": "p (adjusted)"}, _scales),
    TableSheet("item_distribution", "Answers by statement",
               "How many people gave each answer to each statement, per survey.",
               {"instrument": "Survey", "wave": "Wave", "item_text": "Statement",
                "label": "Answer", "n": "People", "n_answered": "Answered the statement",
                "share": "Share", "suppressed": "Hidden (small group)"}),
    TableSheet("prepost", "Change per question",
               "The same before-and-after comparison for single questions.", _CHANGE, _items),
    TableSheet("cohort_anova", "Cohorts compared",
               "Whether the cohorts changed differently (time × cohort mixed ANOVA; the "
               "“time × cohort” rows answer it).",
               {"title": "Scale", "comparison": "Between", "source": "Effect", "f": "F",
                "df1": "df1", "df2": "df2", "p_val": "p", "np2": "Partial eta squared",
                "ss_type": "Sums of squares", "n_participants": "People",
                "n_cohorts": "Cohorts", "note": "Note"}, _interaction_first),
    TableSheet("subgroups", "Change by group",
               "Change by cohort, sector, place and organisation: a first look, not adjusted "
               "for the number of comparisons; small groups hidden.",
               {"attribute": "Grouped by", "group": "Group", "title": "Scale",
                "comparison": "Between", "n_pairs": "People", "mean_pre": "Average before",
                "mean_post": "Average after", "mean_diff": "Change",
                "g_av": "Effect size (Hedges' g)", "suppressed": "Hidden (small group)",
                "suppression_reason": "Why hidden"}),
    TableSheet("network_metrics", "Network by survey",
               "The whole network of each cohort at each survey: people, ties named, density, "
               "people with no ties.",
               {"cohort": "Cohort", "wave": "Survey", "roster_size": "People",
                "respondents": "Answered", "response_rate": "Share who answered",
                "ties": "Ties named", "density": "Density",
                "mean_out_degree": "People named, on average",
                "isolates": "People with no ties",
                "largest_weak_component": "Largest connected group"}, _any_roster),
    TableSheet("network_boundary", "Ties across boundaries",
               "Ties named between people in different organisations, sectors, places and "
               "roles, per cohort and survey.",
               {"cohort": "Cohort", "wave": "Survey", "attribute": "Boundary",
                "ties": "Ties named", "external_ties": "Crossing",
                "share_external": "Share crossing", "ei_index": "E-I index",
                "new_ties": "New ties", "new_share_external": "Share of new ties crossing"},
               _any),
    TableSheet("network_growth", "Network growth",
               "Ties named at the first and last survey: new, kept and no longer named (among "
               "everyone on the programme, and among those who answered both times).",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To", "relation": "Relation",
                "basis": "Among", "respondents_both": "Answered both times",
                "ties_from": "Ties before", "ties_to": "Ties after", "new_ties": "New",
                "kept_ties": "Kept", "lost_ties": "No longer named"}),
    TableSheet("network_evidence", "Network change, how sure",
               "Each network change among the people who answered the network survey both "
               "times, with the range it likely lies in (resampling those people), the figure "
               "for everyone on the programme and its range whatever the ties of those who "
               "did not answer, and the strength of evidence (ties of any kind).",
               {"cohort": "Cohort", "wave_from": "From", "wave_to": "To",
                "attribute": "Boundary", "measure": "Measure",
                "people": "Answered both times", "estimate": "Change",
                "ci95_low": "Likely from", "ci95_high": "Likely to",
                "roster_estimate": "Everyone on the programme",
                "bound_low": "Whatever the ties of those who did not answer: from",
                "bound_high": "… to", "evidence_strength": "Strength of evidence"},
               _network_change),
    TableSheet("reaction", "Session ratings",
               "Ratings of each day and session, and whether people would recommend it.",
               {"module_title": "Day", "item_text": "Question", "n_responses": "Answers",
                "mean": "Average", "ci95_low": "95% range from", "ci95_high": "95% range to",
                "median": "Middle answer", "pct_promoters": "Would recommend (%)",
                "pct_detractors": "Would not (%)", "nps": "Net promoter score",
                "suppressed": "Hidden (small group)"}),
    TableSheet("themes", "Themes",
               "How many answers to each open question touch each theme.",
               {"instrument": "Survey", "prompt": "Question", "label": "Theme",
                "n_mentions": "Answers touching it", "n_answers": "Answers",
                "share": "Share", "suppressed": "Hidden (small group)"}),
    TableSheet("quotes", "Quotes",
               "Free-text answers from people who agreed to be quoted, exactly as written; "
               "each different answer once, with how many people wrote it.",
               {"instrument": "Survey", "wave": "Wave", "prompt": "Question", "text": "Answer",
                "n_people": "Written by (people)",
                "n_quotable": "May be quoted (this question and survey)"}),
    TableSheet("voices_counts", "Open questions",
               "How many people answered each open question, and how many may be quoted.",
               {"instrument": "Survey", "prompt": "Question", "answers": "Answers",
                "quotable": "May be quoted"}),
    TableSheet("reliability", "Reliability",
               "How well each scale's questions hang together (Cronbach's alpha) per survey.",
               {"instrument": "Survey", "wave": "Wave", "title": "Scale", "n_items": "Questions",
                "n": "People", "alpha": "Cronbach's alpha", "alpha_ci95_low": "95% range from",
                "alpha_ci95_high": "95% range to", "alpha_below_0_7": "Under 0.7",
                "note": "Note"}),
    TableSheet("attrition_bias", "Drop-out check",
               "Whether the people who stopped answering had started differently from those "
               "who stayed.",
               {"title": "Scale", "wave": "Later survey", "n_completers": "Stayed",
                "n_dropouts": "Left", "mean_completers": "Average at the start (stayed)",
                "mean_dropouts": "Average at the start (left)", "hedges_g": "Difference (g)",
                "p_val": "p (Welch)", "p_mannwhitney": "p (Mann–Whitney)",
                "warning": "What it means"}),
    TableSheet("imports", "Files imported",
               "Every export imported, with its rows read, accepted, quarantined and excluded "
               "(they add up) and the SHA-256 of the file.",
               {"file": "File", "sheet": "Sheet", "instrument": "Instrument", "cohort": "Cohort",
                "wave": "Wave", "platform": "Platform", "read": "Rows read",
                "accepted": "Accepted", "quarantined": "Quarantined", "excluded": "Excluded",
                "sha256": "SHA-256", "software_version": "evaluate version"}),
    TableSheet("quarantine_summary", "Problems found",
               "Problems found in the exports, counted by file, column and rule, with the fix.",
               {"file": "File", "column": "Column", "rule": "Rule", "severity": "Severity",
                "rows": "Rows", "fix": "How to fix"}),
    TableSheet("instrument_versions", "Instruments",
               "The instruments (questionnaires) and versions the data came from.",
               {"ref": "Instrument (id@version)", "title": "Title", "wave": "Wave"}),
    TableSheet("suppression", "Suppression",
               "How many rows of each table were hidden because the group was too small.",
               {"table": "Table", "rows": "Rows", "suppressed": "Hidden"}),
)


def _with_words(t: pd.DataFrame) -> pd.DataFrame:
    if not {"mean_diff", "g_av", "p_adj", "g_av_ci95_low", "g_av_ci95_high"} <= set(t.columns):
        return t
    return t.assign(in_words=[change_phrase(r.mean_diff, r.g_av, r.p_adj, r.g_av_ci95_low,
                                            r.g_av_ci95_high) for r in t.itertuples(index=False)])


def _humanise(page: Page, frame: pd.DataFrame) -> pd.DataFrame:
    """Cohort ids become names and wave ids words (the dashboard's names for them)."""
    out = frame.copy()
    for col in ("cohort",):
        if col in out.columns:
            out[col] = out[col].map(lambda c: "All cohorts" if str(c) == "all" else page.cohort(c))
    for col in ("wave", "wave_pre", "wave_post", "wave_from", "wave_to"):
        if col in out.columns:
            out[col] = out[col].map(wave_name)
    for col in ("comparison",):
        if col in out.columns and {"wave_pre", "wave_post"} <= set(frame.columns):
            out[col] = (frame["wave_pre"].map(wave_name) + " → " + frame["wave_post"].map(wave_name))
    if "group" in out.columns and "attribute" in out.columns:
        is_cohort = frame["attribute"].astype(str) == "cohort"
        out.loc[is_cohort, "group"] = frame.loc[is_cohort, "group"].map(page.cohort)
    for col in ("relation",):
        if col in out.columns:
            out[col] = out[col].astype(str).str.replace("_", " ")
    if "basis" in out.columns:
        out["basis"] = out["basis"].map({"roster": "everyone on the programme",
                                         "respondents": "those who answered both times"}
                                        ).fillna(out["basis"])
    return out


def summary_notes(context: dict) -> list[str]:
    """The lines under the Summary's title."""
    min_group = int(context.get("min_group_size") or 5)
    version = context.get("software_version") or "unknown version"
    return [
        f"Made with evaluate {version} (the same workspace and version give the same tables).",
        "The evidence for each aim and principle, in the words of the dashboard; the tables "
        "follow, most important first (see Contents).",
        f"Groups smaller than {min_group} people are hidden. No names or emails appear here; "
        "tables with one row per person are never included.",
        "p-values under 0.001 show as <0.001 (the cell keeps the exact value). Text that a "
        "spreadsheet would run as a formula starts with an apostrophe.",
        "Evaluators: analysis.xlsx holds every table at full precision with its column names.",
    ]


def summary_blocks(page: Page) -> list[tuple[str, pd.DataFrame]]:
    """The Summary sheet's tables, two columns wide so that they print on a page:
    the evidence for each aim (one block per aim), then the principles."""
    blocks = []
    for c in cards(page):
        rows = [("The aim", c["title"]), ("Evidence", c["strength_label"]),
                ("What we found", " ".join(x for x in (c["statement"], c["network"]) if x)),
                ("Why this label", "; ".join(c["reasons"])),
                ("Cautions", " ".join(c["cautions"]))]
        blocks.append((c["short"], pd.DataFrame([r for r in rows if r[1]],
                                                columns=["", "Evidence for this aim"])))
    principles = principle_rows(page)
    if principles is not None:
        heading, frame = principles
        blocks.append((heading, pd.DataFrame({
            "Principle": frame["title"],
            "Result, and the scales that measure it": frame["result"].str.capitalize() + ". "
            + frame["measures"]})))
    return blocks


def tables_sheets(page: Page, tables: dict[str, pd.DataFrame]) -> list[Sheet]:
    """The sheets of tables.xlsx after Summary and Contents (empty tables left out)."""
    sheets = []
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
        frame = t[list(cols)].rename(columns=cols).reset_index(drop=True)
        # formats follow the analysis' column names (p_…, n_…, share …), not the headings
        formats = {h: fmt for c, h in cols.items() if (fmt := guess_format(t[c].rename(c)))}
        about = " ".join(x for x in (spec.about, selection_note(t) if spec.source == "quotes"
                                     else "") if x)
        sheets.append(Sheet(spec.name, frame, about=about, formats=formats,
                            csv=f"tables/{spec.source}.csv"))
    return sheets
