"""Each person's own answers to the network survey: whom they named, at two waves.

:func:`ego_ties` lists, for every person who answered the network survey at
both waves, the people *they* named (their out-ties, as they reported them):
by which relations at each wave, whether the tie is new, kept or no longer
named, and whether it crosses an organisation, sector or place boundary
(from the roster). It never looks at who named them, nor at anyone else's
ties, so it is the one table a person's own "my connections" page may show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.ties import RELATIONS, _as_roster, _respondent_sets, _tie_table

__all__ = ["EGO_ATTRIBUTES", "ego_ties"]

#: The boundaries a tie can cross on a person's page.
EGO_ATTRIBUTES = ("organisation", "sector", "place")


def ego_ties(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    wave_from: str,
    wave_to: str,
    attributes=EGO_ATTRIBUTES,
) -> pd.DataFrame:
    """The people each person named at two waves, among those who answered both times.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network: ``wave, relation, source, target``.
    roster : DataFrame
        ``participant`` and the attribute columns.
    respondents : DataFrame, optional
        ``wave, participant``: who answered the network survey at each wave
        (anyone who named someone at a wave answered it).
    wave_from, wave_to : str
        The two waves compared (baseline and end).
    attributes : sequence of str
        Roster columns whose boundaries are marked; missing ones are skipped.

    Returns
    -------
    DataFrame
        One row per (person, person named at either wave): ``participant,
        alter, wave_from, wave_to, named_from, named_to, status`` ("new",
        "kept" or "no longer named"), one boolean column per relation and
        wave (``worked_with_from``, ``advice_to`` …, the relations of
        :data:`~evaluate.network.ties.RELATIONS`), and ``crosses_<attribute>``
        (True when the two people's groups differ, False when they are the
        same, missing when either is unknown). Sorted by participant, then
        alter. People who did not answer at both waves have no rows.

    Notes
    -----
    Only the person's own answers are used: the rows with ``source`` equal to
    the person. A tie is one (person, person named) pair, any relation: it is
    new when the pair was not named at ``wave_from`` in any relation.

    Examples
    --------
    >>> ties = pd.DataFrame({"wave": ["b", "e", "e", "e"], "relation": "worked_with",
    ...                      "source": ["A", "A", "A", "B"], "target": ["B", "B", "C", "A"]})
    >>> roster = pd.DataFrame({"participant": ["A", "B", "C"], "organisation": ["x", "x", "y"]})
    >>> t = ego_ties(ties, roster, wave_from="b", wave_to="e")
    >>> t[["participant", "alter", "status", "crosses_organisation"]].to_dict("records")
    [{'participant': 'A', 'alter': 'B', 'status': 'kept', 'crosses_organisation': False}, \
{'participant': 'A', 'alter': 'C', 'status': 'new', 'crosses_organisation': True}]
    """
    ties = _tie_table(ties)
    roster = _as_roster(roster)
    attributes = [a for a in attributes if a in roster.columns]
    resp = _respondent_sets(respondents, ties, [wave_from, wave_to])
    both = set(map(str, resp.get(wave_from, ()))) & set(map(str, resp.get(wave_to, ())))
    t = ties[ties["wave"].isin([wave_from, wave_to])
             & ties["source"].astype(str).isin(both)][["wave", "relation", "source", "target"]]
    t = t.assign(source=t["source"].astype(str), target=t["target"].astype(str),
                 relation=t["relation"].astype(str), wave=t["wave"].astype(str),
                 _on=True).drop_duplicates(["wave", "relation", "source", "target"])
    t = t[t["source"] != t["target"]]
    relations = list(RELATIONS) + sorted(set(t["relation"]) - set(RELATIONS))
    columns = [f"{r}_{end}" for end in ("from", "to") for r in relations]
    if len(t):
        t = t.assign(_col=t["relation"] + np.where(t["wave"] == str(wave_from), "_from", "_to"))
        wide = (t.pivot_table(index=["source", "target"], columns="_col", values="_on",
                              aggfunc="any", fill_value=False)
                .reindex(columns=columns, fill_value=False).astype(bool).reset_index())
    else:
        wide = pd.DataFrame({"source": pd.Series(dtype=str), "target": pd.Series(dtype=str),
                             **{c: pd.Series(dtype=bool) for c in columns}})
    wide = wide.rename(columns={"source": "participant", "target": "alter"})
    wide.columns.name = None
    named_from = wide[[f"{r}_from" for r in relations]].any(axis=1)
    named_to = wide[[f"{r}_to" for r in relations]].any(axis=1)
    status = np.select([named_from & named_to, named_to], ["kept", "new"], "no longer named")
    out = pd.DataFrame({"participant": wide["participant"], "alter": wide["alter"],
                        "wave_from": str(wave_from), "wave_to": str(wave_to),
                        "named_from": named_from.to_numpy(dtype=bool),
                        "named_to": named_to.to_numpy(dtype=bool), "status": status})
    out = pd.concat([out, wide[columns]], axis=1)
    attr = roster.assign(participant=roster["participant"].astype(str)).set_index("participant")
    for a in attributes:
        mine = out["participant"].map(attr[a]).astype("string")
        theirs = out["alter"].map(attr[a]).astype("string")
        known = mine.notna() & theirs.notna()
        out[f"crosses_{a}"] = (mine != theirs).where(known, pd.NA).astype("boolean")
    return out.sort_values(["participant", "alter"], kind="stable", ignore_index=True)
