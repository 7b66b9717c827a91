"""The dashboard's sections, in page order.

Each section is a builder (``build_*``, in the module named for its concept)
that turns the results into plain values, and a template
(``templates/sections/<id>.html``) that lays them out. To add a section, write
both and add a :class:`~evaluate.report.page.Section` to :data:`SECTIONS`.
"""

from __future__ import annotations

import pandas as pd

from evaluate.report.page import Page, Section
from evaluate.report.sections.aims import build_aim1, build_aim3
from evaluate.report.sections.common import aim_heading
from evaluate.report.sections.evidence import build_comparison, build_evidence, build_planning
from evaluate.report.sections.labels import build_labels
from evaluate.report.sections.methods import build_methods
from evaluate.report.sections.network import build_aim2
from evaluate.report.sections.overview import build_overview
from evaluate.report.sections.reaction import build_reaction
from evaluate.report.sections.stories import build_stories
from evaluate.report.sections.voices import build_voices
from evaluate.words import count, join_words

__all__ = ["SECTIONS", "header_facts"]

#: The sections of the dashboard (and of the board paper), in order.
SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", build_overview, new_page=False),
    Section("comparison", "Compared with what?", build_comparison, new_page=False),
    Section("aim1", aim_heading("aim1"), build_aim1, new_page=False),
    Section("aim2", aim_heading("aim2"), build_aim2, new_page=False),
    Section("aim3", aim_heading("aim3"), build_aim3, new_page=False),
    Section("evidence", "Evidence at each level", build_evidence, new_page=False),
    Section("planning", "Planning the next cohort", build_planning, new_page=False),
    Section("reaction", "Reaction to the sessions", build_reaction, new_page=False),
    # the board paper is the sections above (12 pages at most); these follow as appendices
    Section("voices", "Voices", build_voices, new_page=False, appendix="A"),
    Section("stories", "Stories of change", build_stories, new_page=False, appendix="B"),
    Section("methods", "Data and methods", build_methods, new_page=False, appendix="C"),
    Section("labels", "Why each label", build_labels, new_page=False, appendix="D"),
)


def header_facts(page: Page) -> list[str]:
    """Who and what the page covers: the cohorts and waves actually imported."""
    imports = page.context.get("imports")
    facts = []
    if isinstance(imports, pd.DataFrame) and len(imports) and "cohort" in imports.columns:
        imported = set(imports["cohort"].astype(str))
        if page.context.get("comparison_groups"):  # a comparison group's cohort is not the programme's
            imported &= {str(c) for c in page.context.get("cohorts") or imported}
        cohorts = [c for c in page.cohort_order() if c in imported]
        cohorts += sorted(imported - set(cohorts))
        people = ""
        rates = page.table("attrition_rates")
        if rates is not None and {"cohort", "n_roster"} <= set(rates.columns):
            n = rates[rates["cohort"].astype(str).isin(cohorts)].groupby("cohort")["n_roster"].max().sum()
            people = f" ({count(n, 'person', 'people')})" if n else ""
        facts.append(join_words(page.cohort(c) for c in cohorts) + people)
        if "wave" in imports.columns:
            waves = page.sorted_waves(imports["wave"].astype(str))
            facts.append("surveys at the " + join_words(page.wave(w) for w in waves))
    facts.append(f"groups under {page.min_group_size} people are never shown")
    return facts
