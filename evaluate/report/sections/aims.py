"""Aim 1 (system leadership) and aim 3 (system innovation): the survey evidence."""

from __future__ import annotations

from evaluate.claims.likert_displays import aim_statements, challenge_items, challenge_statements
from evaluate.report.page import Page
from evaluate.report.sections.common import aim
from evaluate.report.sections.survey import cohorts_and_groups, likert, scale_evidence, then_test

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
    ratings = page.claim_table(f"table:{aim_id}:ratings")
    return {
        "aim_title": aim_full_title(page, aim_id),
        "evidence": scale_evidence(page, aim_id, short),
        "challenge": challenge,
        "ratings": ratings,
        **cohorts_and_groups(page, aim_id),
    }
