"""Helpers shared by the sections: which scale evidences which aim, the headline waves."""

from __future__ import annotations

import re

import pandas as pd

from evaluate.report.page import Page

__all__ = ["scale_aims", "first_comparison", "aims", "safe_id"]


def aims(page: Page) -> list[tuple[str, str, str]]:
    """(id, short title, full title) of each aim, from the context or the statements."""
    return page.ctx.aims()


def aim(page: Page, aim_id: str) -> tuple[str, str, str]:
    return page.ctx.aim(aim_id)


def aim_heading(aim_id: str):
    """A section heading that takes the programme's words ("Aim 1 — System leadership")."""
    def heading(page: Page) -> str:
        _, short, _ = aim(page, aim_id)
        number = aim_id[-1]
        return f"Aim {number} — {short}" if short != f"Aim {number}" else f"Aim {number}"
    return heading


def scale_aims(page: Page) -> dict[str, str]:
    """scale id → aim id, from the statements table (change challenges count for aim 3)."""
    return page.ctx.scale_aims()


def first_comparison(page: Page, prepost: pd.DataFrame) -> tuple[str, str] | None:
    """The headline pair of waves: the first wave → the next wave with scale results."""
    return page.ctx.first_comparison(prepost)


def safe_id(text: str) -> str:
    """A fragment of an HTML id from any text ("Cohort 1" → "cohort-1")."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"
