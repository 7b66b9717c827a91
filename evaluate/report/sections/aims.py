"""Aim 1 (system leadership) and aim 3 (system innovation): the survey evidence."""

from __future__ import annotations

from evaluate.claims.likert_displays import aim_statements, challenge_items, challenge_statements
from evaluate.report.format import integer, num, p_value, pct
from evaluate.report.page import Page
from evaluate.report.sections.common import aim
from evaluate.report.sections.survey import cohorts_and_groups, likert, scale_evidence, then_test
from evaluate.report.table import make_table

__all__ = ["build_aim1", "build_aim3", "aim_full_title"]


def aim_full_title(page: Page, aim_id: str) -> str:
    """The aim as the programme words it ("" when only its number is known)."""
    _, _, full = aim(page, aim_id)
    return "" if full == aim_id.replace("aim", "Aim ") else full


def build_aim1(page: Page) -> dict:
    """Values for ``sections/aim1.html``."""
    aim_id, short, _ = aim(page, "aim1")
    return {
        "aim_title": aim_full_title(page, aim_id),
        "evidence": scale_evidence(page, aim_id, short),
        "likert": likert(page, "fig-aim1-likert", aim_statements(page.ctx, aim_id),
                         f"chart:{aim_id}:likert", f"table:{aim_id}:likert",
                         f"No answers to the {short.lower()} statements yet."),
        "then": then_test(page),
        **cohorts_and_groups(page, aim_id),
    }


def build_aim3(page: Page) -> dict:
    """Values for ``sections/aim3.html``."""
    aim_id, short, _ = aim(page, "aim3")
    cc_items = challenge_items(page.ctx)
    challenge = ({"figure": None, "empty": "No answers to the change-challenge questions yet."}
                 if not cc_items else
                 likert(page, "fig-aim3-change-challenge", challenge_statements(page.ctx),
                        f"chart:{aim_id}:change-challenge", f"table:{aim_id}:change-challenge",
                        "No answers to the change-challenge questions yet."))
    ratings = None
    prepost = page.table("prepost")
    if prepost is not None:
        cc = prepost[prepost["measure"].astype(str).isin(["change_challenge", *sorted(cc_items or [])])]
        if len(cc):
            cc = cc.assign(comparison_label="from the " + cc["wave_pre"].map(page.wave)
                           + " to the " + cc["wave_post"].map(page.wave))
            ratings = make_table(cc, {
                "title": "Question", "comparison_label": "Between", "n_pairs": "People",
                "mean_pre": "Average before", "mean_post": "Average after", "mean_diff": "Change",
                "p_adj": "p (adjusted)", "share_improved": "Improved",
                "share_declined": "Declined"},
                {"n_pairs": integer, "p_adj": p_value, "share_improved": pct,
                 "share_declined": pct, "mean_pre": num, "mean_post": num, "mean_diff": num},
                numeric={"n_pairs", "mean_pre", "mean_post", "mean_diff", "p_adj",
                         "share_improved", "share_declined"})
    return {
        "aim_title": aim_full_title(page, aim_id),
        "evidence": scale_evidence(page, aim_id, short),
        "challenge": challenge,
        "ratings": ratings,
        **cohorts_and_groups(page, aim_id),
    }
