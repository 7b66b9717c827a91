"""Reaction to the sessions: ratings of each day and session, and whether people would
recommend the programme."""

from __future__ import annotations

from evaluate.claims.rule import biggest
from evaluate.report import figures as F
from evaluate.report.format import integer, num, pct
from evaluate.report.page import Page
from evaluate.report.table import make_table
from evaluate.words import count

__all__ = ["build_reaction"]


def _top_session(sessions):
    """The session rated highest, only if the evidence rule allows "most useful" (else None).

    Its interval must lie wholly above every other session's (:func:`evaluate.claims.rule.biggest`).
    """
    if len(sessions) < 2 or not {"ci95_low", "ci95_high"} <= set(sessions.columns):
        return None
    i = biggest(list(sessions["mean"]), list(sessions["ci95_low"]), list(sessions["ci95_high"]))
    return None if i is None else sessions.iloc[i]


def _title(d, overall, sessions, scale_max: str) -> str:
    top = _top_session(sessions)
    if len(overall):
        low, high = num(overall["mean"].min(), 1), num(overall["mean"].max(), 1)
        if len(overall) == 1:
            title = f"The day was rated {low} out of {scale_max} overall"
        elif low == high:
            title = f"Every day was rated {low} out of {scale_max} overall"
        else:
            title = f"Days were rated {low} to {high} out of {scale_max} overall"
        if top is not None:
            title += f"; the most useful session: {top['label']} ({num(top['mean'], 1)})"
        elif len(sessions) > 1:
            title += "; no one session stands out from the others"
        return title
    if top is not None:
        return f"The most useful session: {top['label']} ({num(top['mean'], 1)} out of {scale_max})"
    return "How participants rated the sessions"


def build_reaction(page: Page) -> dict:
    """Values for ``sections/reaction.html``."""
    r = page.table("reaction")
    out = {"chart": None, "recommend": None, "suppressed": "",
           "missing": "No session feedback in this workspace yet."}
    if r is None:
        return out
    out["missing"] = ""
    ratings = r[r["kind"] == "rating"] if "kind" in r.columns else r
    shown = (ratings[~ratings["suppressed"].fillna(False).astype(bool)]
             if "suppressed" in ratings else ratings)
    if len(shown):
        d = shown.copy()
        d["label"] = (d["item_text"].astype(str)
                      .str.replace(r"^How useful was the session:\s*", "", regex=True)
                      .str.rstrip("?"))
        d["module_label"] = d["module_title"].fillna(d["module"]).astype(str)
        d["answers"] = d["n_responses"].map(integer)
        d = d.sort_values(["module", "item"], kind="stable")
        overall = d[d["item"] == "overall_rating"]
        sessions = d[d["item"] != "overall_rating"]
        scale_max = num(d["scale_max"].max(), 0) if "scale_max" in d else "5"
        lo = float(d["scale_min"].min()) if "scale_min" in d else 1.0
        hi = float(d["scale_max"].max()) if "scale_max" in d else 5.0
        modules = list(dict.fromkeys(d["module"].astype(str)))
        labels = [d.loc[d["module"].astype(str) == m, "module_label"].iloc[0] for m in modules]
        waves = set(page.wave_order())
        palette = [page.colours.wave(m) if m in waves else F.OKABE_ITO[i % len(F.OKABE_ITO)]
                   for i, m in enumerate(modules)]
        fig = F.dot_interval(d, "label", "mean", low="ci95_low", high="ci95_high",
                             color="module_label", color_order=labels, palette=palette,
                             x_title=f"average rating ({num(lo, 0)} to {num(hi, 0)}), with the "
                                     "range it is likely to lie in",
                             x_range=(lo - 0.1, hi + 0.1), hover=["answers"])
        table = make_table(ratings.assign(module_label=ratings["module_title"].fillna(ratings["module"])), {
            "module_label": "Day", "item_text": "Question", "n_responses": "Answers",
            "mean": "Average", "ci95_low": "95% range from", "ci95_high": "to",
            "median": "Middle answer"}, {"n_responses": integer},
            min_group_size=page.min_group_size,
            numeric={"n_responses", "mean", "ci95_low", "ci95_high", "median"})
        parts = []
        for label, block in d.groupby("module_label", sort=False):
            over = block[block["item"] == "overall_rating"]
            rest = block[block["item"] != "overall_rating"]
            text = f"{label}: " + (f"{num(over['mean'].iloc[0], 1)} overall" if len(over) else "")
            if len(rest):
                lo_r, hi_r = rest.loc[rest["mean"].idxmin()], rest.loc[rest["mean"].idxmax()]
                text += ((", " if len(over) else "") + f"sessions from {num(lo_r['mean'], 1)} "
                         f"({lo_r['label']}) to {num(hi_r['mean'], 1)} ({hi_r['label']})")
            parts.append(text)
        summary = "; ".join(parts) + "."
        rows = d["label"].nunique()
        out["chart"] = page.figure(
            "fig-reaction", fig, title=_title(d, overall, sessions, scale_max), summary=summary,
            table=table, note=f"Average rating of each session, out of {scale_max}; the bar is "
                              "the range the average is likely to lie in.",
            print_height=min(80 + 15 * rows, 320))
    rec = r[r["kind"] == "recommend"] if "kind" in r.columns else r.iloc[0:0]
    if len(rec):
        rec = rec.assign(module_label=rec["module_title"].fillna(rec["module"]),
                         promoters=rec["pct_promoters"] / 100, passives=rec["pct_passives"] / 100,
                         detractors=rec["pct_detractors"] / 100)
        out["recommend"] = make_table(rec, {
            "module_label": "Day", "n_responses": "Answers", "mean": "Average (0 to 10)",
            "promoters": "Would recommend (9–10)", "passives": "Neutral (7–8)",
            "detractors": "Would not (0–6)", "nps": "Net promoter score"},
            {"n_responses": integer, "promoters": pct, "passives": pct, "detractors": pct,
             "nps": lambda v: num(v, 0)}, min_group_size=page.min_group_size,
            numeric={"n_responses", "mean", "promoters", "passives", "detractors", "nps"})
    n_supp = int(r["suppressed"].fillna(False).astype(bool).sum()) if "suppressed" in r else 0
    if n_supp:
        out["suppressed"] = (f"{count(n_supp, 'result')} with fewer than {page.min_group_size} "
                             "answers not shown.")
    return out
