"""Helpers shared by the sections: which scale evidences which aim, the headline waves."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaluate.report.page import Page

__all__ = ["scale_aims", "first_comparison", "mean_ci", "aims", "safe_id"]


def aims(page: Page) -> list[tuple[str, str, str]]:
    """(id, short title, full title) of each aim, from the context or the statements."""
    out = []
    for a in page.context.get("aims") or []:
        if isinstance(a, dict):
            out.append((str(a.get("id")), str(a.get("short") or a.get("title")), str(a.get("title"))))
        else:
            out.append((str(a.id), str(getattr(a, "short", "") or a.title), str(a.title)))
    statements = page.table("statements")
    if not out and statements is not None:
        for aim, title in statements[["aim", "aim_title"]].drop_duplicates().itertuples(index=False):
            if aim:
                out.append((str(aim), str(title), str(title)))
    known = {a[0] for a in out}
    for aim_id in ("aim1", "aim2", "aim3"):
        if aim_id not in known:
            out.append((aim_id, aim_id.replace("aim", "Aim "), aim_id.replace("aim", "Aim ")))
    return out[:3] if len(out) >= 3 else out


def aim(page: Page, aim_id: str) -> tuple[str, str, str]:
    for a in aims(page):
        if a[0] == aim_id:
            return a
    return (aim_id, aim_id.replace("aim", "Aim "), aim_id.replace("aim", "Aim "))


def aim_heading(aim_id: str):
    """A section heading that takes the programme's words ("Aim 1 — System leadership")."""
    def heading(page: Page) -> str:
        _, short, _ = aim(page, aim_id)
        number = aim_id[-1]
        return f"Aim {number} — {short}" if short != f"Aim {number}" else f"Aim {number}"
    return heading


def scale_aims(page: Page) -> dict[str, str]:
    """scale id → aim id, from the statements table (change challenges count for aim 3)."""
    statements = page.table("statements")
    out = {}
    if statements is not None:
        for scale, aim_id in statements[["scale", "aim"]].itertuples(index=False):
            if scale and aim_id:
                out.setdefault(str(scale), str(aim_id))
    out.setdefault("change_challenge", "aim3")
    return out


def first_comparison(page: Page, prepost: pd.DataFrame) -> tuple[str, str] | None:
    """The headline pair of waves: the first wave → the next wave with scale results."""
    scales = prepost[prepost["kind"] == "scale"] if "kind" in prepost.columns else prepost
    if not len(scales):
        return None
    waves = page.sorted_waves(list(scales["wave_pre"]) + list(scales["wave_post"]))
    first = waves[0]
    later = [w for w in waves[1:]
             if ((scales["wave_pre"] == first) & (scales["wave_post"] == w)).any()]
    return (first, later[0]) if later else None


def mean_ci(mean, sd, n):
    """t-interval of a mean (for drawing): mean ± t(0.975, n−1) · sd / √n."""
    # scipy.stats.t.ppf is scipy.special.stdtrit (the same function, the same values);
    # scipy.special alone imports in a third of the time scipy.stats takes
    from scipy.special import stdtrit

    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stdtrit(np.maximum(n - 1, 1), 0.975) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def safe_id(text: str) -> str:
    """A fragment of an HTML id from any text ("Cohort 1" → "cohort-1")."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"
