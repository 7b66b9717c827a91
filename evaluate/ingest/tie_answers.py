"""Network answers of an export as tie rows: names picked from the roster, and roster grids.

A multi-select of roster names gives one tie per name found on the roster (an
unknown name is a warning, never a tie); a grid with one column per person
gives one row per answered cell, coded by its response set; the two are joined
into one tie table (a grid answer alone makes a tie only when it reports real
contact). Columns are coded as one block and tie rows come from array indexes,
never one respondent at a time.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from evaluate.ingest.cells import FrameText, split_cells
from evaluate.ingest.codes import code_block
from evaluate.ingest.problems import problem_records

__all__ = ["roster_multi_ties", "roster_grid", "assemble_ties"]


def _name_problems(names: pd.Series, heading: str, rows: np.ndarray) -> list[dict]:
    """Unmatched names: one warning per cell. The nearest roster names are added only
    to the problems shown (:meth:`evaluate.ingest.pipeline.IngestResult.with_suggestions`)."""
    return [dict(row=int(r), column=heading, value=n, rule="unknown_name",
                 message="is not on the roster, so this tie was not recorded",
                 fix="check the spelling against the roster, or add the person to it",
                 severity="warning", personal=True)
            for r, n in zip(rows, names, strict=True)]


def roster_multi_ties(raw, item, cols, roster, rows, problems, text=None) -> pd.DataFrame:
    frame = raw.frame
    index = frame.index
    text = text or FrameText(frame)
    parts = []
    for c in cols:
        if c.target:  # one column per person (SurveyMonkey-style)
            chosen = text(c.key).notna()
            parts.append(pd.Series(c.target, index=index[chosen.to_numpy()], dtype="string"))
        else:
            parts.append(split_cells(text(c.key), raw.multi_separator))
    names = pd.concat(parts) if parts else pd.Series(dtype="string")
    target = roster.match_names(names)
    unknown = target.isna()
    if unknown.any():
        pos = index.get_indexer(names.index[unknown.to_numpy()])
        problems += _name_problems(names[unknown], cols[0].heading, rows[pos])
    return pd.DataFrame({"row_index": names.index[~unknown.to_numpy()],
                         "target": target[~unknown].to_numpy(),
                         "relation": item.relation})


def roster_grid(raw, item, rset, cols, roster, rows, problems, coded_answers=None, text=None
                 ) -> pd.DataFrame:
    """A grid with one column per person on the roster: one row per answered cell.

    Every column is coded at once (a block of the response set's codes); a
    column naming someone not on the roster is reported once and not used.
    """
    frame = raw.frame
    targets = roster.match_names(pd.Series([c.target or "" for c in cols], dtype="string"))
    known = targets.notna().to_numpy(dtype=bool)
    problems += [dict(row=None, column=c.heading, value=c.target, rule="unknown_name",
                      message="names someone who is not on the roster, so this column was not used",
                      fix="check the spelling against the roster", severity="file", personal=True)
                 for c, k in zip(cols, known, strict=True) if not k]
    used = [c for c, k in zip(cols, known, strict=True) if k]
    if not used:
        grid = pd.DataFrame(columns=["row_index", "target", "value"])
    else:
        block = (coded_answers or {}).get(id(rset))
        keys = [c.key for c in used]
        if block is None or not set(keys) <= set(block.keys):
            block = code_block(frame, keys, rset)
        codes, bad = block.columns(keys)
        text = text or FrameText(frame)
        for j in np.flatnonzero(bad.any(axis=0)):  # only the columns holding a wrong answer
            at = bad[:, j]
            problems += problem_records(rows[at], used[j].heading, text(keys[j])[at], "allowed_answers",
                                        f"is not one of the answers for {rset.id}",
                                        f"use one of: {rset.describe()}")
        # a tie row for each answered cell, column by column, rows in order within each
        column, row = np.nonzero(~np.isnan(codes.T))
        grid = pd.DataFrame({"row_index": frame.index[row],
                             "target": targets[known].to_numpy(dtype=object)[column],
                             "value": codes[row, column]})
    grid["relation"] = item.relation
    grid["attribute"] = item.attribute or item.id
    grid["floor"] = float(min(rset.codes))
    return grid


@functools.cache
def _no_ties() -> pd.DataFrame:
    """The ties of an export that names nobody (built once: most exports name nobody)."""
    cols = ["source", "target", "relation", "frequency", "trust", "source_row"]
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("frequency", "trust") else "string")
                         for c in cols}).astype({"source_row": "int64"})


def assemble_ties(multi_parts, grid_parts, participant, rows, instrument, problems) -> pd.DataFrame:
    cols = ["source", "target", "relation", "frequency", "trust", "source_row"]
    multi = pd.concat(multi_parts, ignore_index=True) if multi_parts else pd.DataFrame(
        columns=["row_index", "target", "relation"])
    if grid_parts:
        grid = pd.concat(grid_parts, ignore_index=True)
        attrs = grid.pivot_table(index=["row_index", "target", "relation"], columns="attribute",
                                 values="value", aggfunc="first").reset_index()
        freq_floor = grid.loc[grid["attribute"] == "frequency", "floor"]
        floor = freq_floor.iloc[0] if len(freq_floor) else np.nan
        merged = multi.merge(attrs, on=["row_index", "target", "relation"], how="outer", indicator=True)
        grid_only = merged["_merge"] == "right_only"
        # a grid answer alone makes a tie only when it reports real contact
        keep = ~grid_only
        if "frequency" in merged:
            keep |= grid_only & (merged["frequency"] > floor)
        ties = merged[keep].drop(columns="_merge")
    else:
        ties = multi
    for a in ("frequency", "trust"):
        if a not in ties:
            ties[a] = np.nan
    if ties.empty:
        return _no_ties().copy()
    ties = ties.reset_index(drop=True)
    ties["source"] = participant.reindex(ties["row_index"]).to_numpy()
    pos = participant.index.get_indexer(ties["row_index"])
    ties["source_row"] = rows[pos].astype("int64")
    self_tie = ties["source"] == ties["target"]
    if self_tie.any():
        problems += problem_records(ties.loc[self_tie, "source_row"].to_numpy(), instrument.item(
            instrument.item_ids("roster_multi", "roster_grid")[0]).text if instrument.item_ids(
            "roster_multi", "roster_grid") else "", [None] * int(self_tie.sum()), "self_tie",
            "names the respondent themselves; that choice was ignored", "nothing to do",
            severity="warning")
    ties = ties[~self_tie]
    ties = ties.drop_duplicates(["source", "target", "relation"], keep="first")
    ties = ties.sort_values(["source_row", "relation", "target"], kind="stable")
    out = ties[cols].reset_index(drop=True)
    out["source"] = out["source"].astype("string")
    out["target"] = out["target"].astype("string")
    out["relation"] = out["relation"].astype("string")
    out["frequency"] = out["frequency"].astype("float64")
    out["trust"] = out["trust"].astype("float64")
    return out
