"""Helpers shared by the sections: which scale evidences which aim, the headline waves."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaluate.report.page import Page
from evaluate.words import is_missing

__all__ = ["scale_aims", "first_comparison", "mean_ci", "aims", "plain_reason",
           "plain_caution", "safe_id"]


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
    from scipy import stats as sps  # here, not at the top: scipy takes seconds to import

    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


# The analyses word their reasons and cautions for evaluators; the commissioner's page
# says the same in plain words (the originals stay in the tables).
_REASONS = [
    (r"no comparison group.*", "no comparison group, so at most moderate"),
    (r"only (\d+) matched people", r"only \1 people answered both surveys"),
    (r"(\d+) matched people \(under 30\)", r"\1 people answered both surveys (fewer than 30)"),
    (r"fewer than 3 matched people", "fewer than 3 people answered both surveys"),
    (r"(\d+)% of first-wave respondents matched",
     r"only \1% of those who answered first also answered later"),
    (r"Cronbach's alpha under 0\.7", "the scale's questions do not hang together well"),
    (r"those who left started differently", "people who dropped out had started differently"),
    (r"no matched survey data for this aim", "no survey answered both before and after"),
]
_CAUTIONS = [
    (r"Reliability: Cronbach's alpha was [\d.]+ at the (.+?) survey, below 0\.7, so the scale is "
     r"a rough measure\.",
     r"Rough measure: at the \1 survey the scale's questions did not hang together well, so its "
     r"score is only a rough guide."),
    (r"Measurement: the scale's reliability \(omega\) moved from [\d.]+ at the (.+?) survey to "
     r"[\d.]+ at the (.+?) survey, so people may have read the questions differently; part of "
     r"the change may reflect that\.",
     r"Measurement: the questions hung together differently at the \1 and \2 surveys, so "
     r"people may have read them differently; part of the change may reflect that."),
    (r"Compared with a (.+?) group who answered the same surveys at the same times; people "
     r"were not assigned to the groups at random, so other differences between them may "
     r"explain part of the result\.",
     r"Compared with a \1 group who answered the same surveys; people were not put into the "
     r"groups at random, so other differences between them may explain part of the result."),
    (r"Response shift: ", "Looking back: "),
    (r"Regression to the mean: ", "Starting low: "),
    (r"Attrition: ", "Drop-out: "),
    (r"\(\s*([\d.−-]+) vs ([\d.−-]+)\)", r"(\1, against \2)"),
]


def plain_reason(text: str) -> str:
    """An evidence-strength reason in plain words."""
    text = str(text).strip()
    for pattern, repl in _REASONS:
        if re.fullmatch(pattern, text):
            return re.sub(pattern, repl, text)
    return text


def plain_caution(text: str) -> str:
    """A caution in plain words."""
    text = str(text).strip()
    for pattern, repl in _CAUTIONS:
        text = re.sub(pattern, repl, text)
    return text


def split_sentences(text) -> list[str]:
    """Sentences of a caution text ("A. B." → ["A.", "B."])."""
    if is_missing(text) or not str(text).strip():
        return []
    return [s.strip() for s in re.split(r"(?<=\.)\s+(?=[A-Z])", str(text).strip()) if s.strip()]


def safe_id(text: str) -> str:
    """A fragment of an HTML id from any text ("Cohort 1" → "cohort-1")."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"
