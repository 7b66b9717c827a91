"""Selection rounds: a panel reads the stories, chooses among them and says why.

In the Most Significant Change technique the stories are read by a panel at
each level (a cohort's team, then the programme board ...), each choosing
the stories it finds most significant and recording why. Here each round is
one event in the workspace history (``action: panel_round``), written in one
transaction like an import: the round number, the level, who decided, when,
the workbook it came from, and one decision per story (chosen or not, the
panel's reasons, a verification note). ``evaluate undo`` reverses the latest
round like any other change, and the round stays in the history.

Round 1 considers every story its author agreed to share; each later round
considers the stories the round before it chose.
"""

from __future__ import annotations

import pandas as pd

from evaluate.errors import WorkspaceError

__all__ = ["ACTION", "DECISION_COLUMNS", "SELECTION_COLUMNS", "CHOSEN_COLUMNS", "panel_rounds",
           "round_candidates", "record_round", "story_selection", "chosen_stories"]

#: The manifest event of a recorded round.
ACTION = "panel_round"
#: What a round holds per story (the columns :func:`record_round` takes).
DECISION_COLUMNS = ["story", "selected", "reasons", "verification"]
#: The columns of :func:`story_selection`.
SELECTION_COLUMNS = ["round", "level", "panel", "decided", "story", "selected", "reasons",
                     "verification"]


def panel_rounds(ws) -> list[dict]:
    """The rounds in force (recorded and not undone), in order; each numbered from 1."""
    events = ws.manifest()["events"]
    rounds = [e for e in events if e.get("action") == ACTION and not e.get("undone")]
    return sorted(rounds, key=lambda e: e["round"])


def story_selection(ws) -> pd.DataFrame:
    """Every decision of the rounds in force, one row per story and round (:data:`SELECTION_COLUMNS`)."""
    rows = []
    for r in panel_rounds(ws):
        for d in r.get("decisions", []):
            rows.append({"round": int(r["round"]), "level": r.get("level", ""),
                         "panel": r.get("panel", ""), "decided": r.get("decided", ""),
                         "story": d["story"], "selected": bool(d.get("selected")),
                         "reasons": d.get("reasons") or "", "verification": d.get("verification") or ""})
    out = pd.DataFrame(rows, columns=SELECTION_COLUMNS)
    out["round"] = out["round"].astype("int64")
    out["selected"] = out["selected"].astype(bool)
    return out


def round_candidates(ws, stories: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """The next round's number and the stories it considers.

    ``stories`` is :func:`evaluate.stories.collect.collect_stories`. Round 1
    takes every shared story; a later round, those the latest round chose
    (still shared: a consent withdrawn since takes a story out). The stories
    come with ``chosen_before``: the earlier rounds' reasons, in words.
    """
    rounds = panel_rounds(ws)
    shared = stories[stories["shared"]].copy()
    earlier = story_selection(ws)
    if rounds:
        last = earlier[(earlier["round"] == rounds[-1]["round"]) & earlier["selected"]]
        shared = shared[shared["story"].isin(set(last["story"]))]
    chosen = earlier[earlier["selected"]]
    notes = (chosen.assign(note="Round " + chosen["round"].astype(str) + " (" + chosen["level"]
                           + "): " + chosen["reasons"])
             .groupby("story")["note"].agg(" ".join)) if len(chosen) else pd.Series(dtype=str)
    shared["chosen_before"] = shared["story"].map(dict(notes)).astype("string").fillna("")
    return len(rounds) + 1, shared.reset_index(drop=True)


def record_round(ws, decisions: pd.DataFrame, *, round_number: int, level: str, panel: str,
                 decided: str, source: str, personal=None,
                 responses: pd.DataFrame | None = None) -> str:
    """Store one panel's decisions as the next round; returns what was done, in words.

    Parameters
    ----------
    ws : Workspace
    decisions : DataFrame
        :data:`DECISION_COLUMNS`, one row per story the round considered.
    round_number : int
        The round the panel's workbook was written for: it must be the next
        one (a round recorded twice, or out of turn, is refused).
    level, panel, decided : str
        Where the panel sits (e.g. "Cohort team"), who they are, when they met.
    source : str
        The workbook's file name (kept in the history).
    personal : PersonalData, optional
        Names to hide in the reasons and notes (emails are always hidden).
    responses : DataFrame, optional
        ``ws.responses()`` when the caller has read them already (a round records
        choices, not answers: the same before and after).

    Raises
    ------
    WorkspaceError
        A round out of turn, a story the round did not consider, or no story chosen.
    """
    from evaluate.scrub import PersonalData
    from evaluate.stories.collect import collect_stories

    personal = personal or PersonalData()
    expected, candidates = round_candidates(ws, collect_stories(ws, responses=responses))
    if round_number != expected:
        raise WorkspaceError(
            f"{source} is the workbook for round {round_number}, but the next round to record is "
            f"round {expected}" + (" (that round is recorded already — `evaluate undo` takes the "
                                   "latest round back if it was wrong)" if round_number < expected
                                   else " — record the rounds in order") + ".")
    unknown = sorted(set(decisions["story"]) - set(candidates["story"]))
    if unknown:
        raise WorkspaceError(
            f"{source}: round {round_number} did not consider {', '.join(unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''} — use the workbook `evaluate stories select` "
            "wrote for this round, without adding rows.")
    if not decisions["selected"].any():
        raise WorkspaceError(f"{source}: the panel chose no story — mark the chosen stories "
                             "with Yes in the column \"Chosen\" and save the workbook.")
    clean = decisions[DECISION_COLUMNS].copy()
    for col in ("reasons", "verification"):
        clean[col] = clean[col].fillna("").astype(str).str.strip()
        clean[col], _ = personal.scrub_series(clean[col])
    panel_clean, _ = personal.scrub(str(panel).strip())
    level_clean, _ = personal.scrub(str(level).strip())
    record = [{"story": str(r.story), "selected": bool(r.selected), "reasons": r.reasons,
               "verification": r.verification} for r in clean.itertuples(index=False)]
    with ws.transaction(f"recording panel round {round_number}") as tx:
        now_expected = 1 + sum(1 for e in tx.manifest["events"]
                               if e.get("action") == ACTION and not e.get("undone"))
        if now_expected != round_number:  # another change got in first
            raise WorkspaceError(f"Round {round_number} was recorded meanwhile — see "
                                 "`evaluate stories rounds`.")
        tx.event(ACTION, round=round_number, level=level_clean, panel=panel_clean,
                 decided=str(decided), file=str(source), decisions=record)
    n = int(clean["selected"].sum())
    return (f"Recorded round {round_number} ({level_clean}, {panel_clean}): {n} of {len(clean)} "
            f"stor{'y' if len(clean) == 1 else 'ies'} chosen. `evaluate undo` takes it back.")


#: The columns of :func:`chosen_stories`.
CHOSEN_COLUMNS = ["round", "level", "panel", "decided", "story", "domain", "domain_title",
                  "selected", "reasons", "verification", "quotable", "title", "text",
                  "significance"]


def chosen_stories(stories: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """The rounds' decisions with each story's domain, and its words only where they may be shown.

    ``stories`` from :func:`evaluate.stories.collect.collect_stories`,
    ``selection`` from :func:`story_selection`. Returns
    :data:`CHOSEN_COLUMNS`, one row per story and round; ``title, text,
    significance`` are filled only for a story that was chosen and whose
    author agreed to be quoted (missing otherwise). A story whose consent
    was withdrawn since a round keeps its decision but no words.
    """
    info = stories.set_index("story")[["domain", "domain_title", "quotable", "title", "text",
                                       "significance"]] if len(stories) else None
    out = selection.copy()
    for col in ("domain", "domain_title", "title", "text", "significance"):
        out[col] = (out["story"].map(info[col]) if info is not None else pd.NA)
        out[col] = out[col].astype("string")
    out["quotable"] = (out["story"].map(info["quotable"]).fillna(False).astype(bool)
                       if info is not None else False)
    hide = ~(out["quotable"] & out["selected"])
    out.loc[hide, ["title", "text", "significance"]] = pd.NA
    out["domain"] = out["domain"].fillna("unknown")
    out["domain_title"] = out["domain_title"].fillna("Story no longer in the workspace")
    return out[CHOSEN_COLUMNS].sort_values(["round", "domain", "story"], ignore_index=True)
