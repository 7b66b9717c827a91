# Frozen copy of evaluate/network/brokerage.py as of f63f166, before the vectorised rewrite:
# the reference tests/test_network_identity.py compares the new code with. Do not edit.
# ruff: noqa
"""Gould–Fernandez brokerage: who passes things on between whom, by group, and how that changed.

A person *v* brokers for an ordered pair of other people (*a*, *b*) when
*a* → *v* → *b* and *a* does not go to *b* directly. With people in groups
(organisations, sectors, places) each such two-path takes one of five roles,
named for the groups of *a*, *v* and *b* (Gould & Fernandez 1989):

=============== ========= ============================================== =========
role            sna name  two-path (groups of a → v → b)                 example
=============== ========= ============================================== =========
coordinator     ``w_I``   A → A → A: all three in one group              inside one trust
itinerant       ``w_O``   A → B → A: an outsider links two of one group  a consultant
representative  ``b_IO``  A → A → B: passes her own group's contact out  speaks for her trust
gatekeeper      ``b_OI``  A → B → B: lets an outside contact in          the way into his trust
liaison         ``b_O``   A → B → C: three different groups              links two other trusts
=============== ========= ============================================== =========

:func:`gould_fernandez` counts the roles of every person in one network and
standardises them as R ``sna::brokerage`` does; :func:`brokerage_roles`
runs it per wave, relation and grouping; :func:`brokerage_change` compares
consecutive waves per person and per group among the people who answered the
network survey both times. Liaison brokerage across organisations is the
programme's headline: people who connect people from *two other*
organisations.

Counting is vectorised: every two-path is listed once (Σ in-degree ×
out-degree of the brokers) and classified with array operations; nothing is
quadratic in the number of people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.ties import _pairs, _refuse_dyad_list, _relation_ties, _setup
from evaluate.privacy import suppress_small

__all__ = [
    "ROLES",
    "SNA_ROLE_NAMES",
    "BROKERAGE_ATTRIBUTES",
    "gould_fernandez",
    "brokerage_roles",
    "brokerage_change",
]

#: The five Gould–Fernandez roles, in sna's column order (``total`` is their sum).
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
#: Each role's name in R ``sna::brokerage`` output.
SNA_ROLE_NAMES = {"coordinator": "w_I", "itinerant": "w_O", "representative": "b_IO",
                  "gatekeeper": "b_OI", "liaison": "b_O", "total": "t"}
#: Groupings whose brokerage is measured by default.
BROKERAGE_ATTRIBUTES = ("organisation", "sector", "place")
_ALL = (*ROLES, "total")


# --------------------------------------------------------------------------- counting
def _arc_arrays(ties: pd.DataFrame, index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Distinct arcs (source, target) as positions in ``index``; self-ties and strangers dropped."""
    if not len(ties):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    s = index.get_indexer(ties["source"].to_numpy(dtype=object))
    t = index.get_indexer(ties["target"].to_numpy(dtype=object))
    ok = (s >= 0) & (t >= 0) & (s != t)
    codes = np.unique(s[ok].astype(np.int64) * len(index) + t[ok])
    return codes // len(index), codes % len(index)


def _open_two_paths(src: np.ndarray, tgt: np.ndarray, n: int):
    """Every a → v → b with a ≠ b and no arc a → b, as three position arrays.

    Arcs must be distinct and without loops. Each arc into v is paired with
    each arc out of v (the out-arcs of v are one block once sorted by source).
    """
    if not len(src):
        e = np.empty(0, np.int64)
        return e, e, e
    out_deg = np.bincount(src, minlength=n)
    order = np.argsort(src, kind="stable")
    out_tgt = tgt[order]
    start = np.concatenate([[0], np.cumsum(out_deg)[:-1]])
    reps = out_deg[tgt]                      # continuations of each arc a → v
    total = int(reps.sum())
    a = np.repeat(src, reps)
    v = np.repeat(tgt, reps)
    offset = np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)
    b = out_tgt[np.repeat(start[tgt], reps) + offset]
    codes = np.sort(src.astype(np.int64) * n + tgt)
    ab = a.astype(np.int64) * n + b
    pos = np.searchsorted(codes, ab).clip(max=len(codes) - 1)
    closed = codes[pos] == ab
    keep = (a != b) & ~closed
    return a[keep], v[keep], b[keep]


def _role_counts(src: np.ndarray, tgt: np.ndarray, cls: np.ndarray) -> np.ndarray:
    """n × 5 counts of each role per broker; ``cls`` holds group codes, −1 for unknown."""
    n = len(cls)
    a, v, b = _open_two_paths(src, tgt, n)
    ca, cv, cb = cls[a], cls[v], cls[b]
    known = (ca >= 0) & (cv >= 0) & (cb >= 0)
    ca, cv, cb, v = ca[known], cv[known], cb[known], v[known]
    role = np.full(len(v), 4)                       # liaison: three groups
    role[(ca == cv) & (cv == cb)] = 0               # coordinator
    role[(ca == cb) & (ca != cv)] = 1               # itinerant
    role[(ca == cv) & (cv != cb)] = 2               # representative
    role[(ca != cv) & (cv == cb)] = 3               # gatekeeper
    return np.bincount(v * 5 + role, minlength=n * 5).reshape(n, 5)


def _distinct_triples(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> float:
    """Σ x_i y_j z_k over ordered triples of three different groups i, j, k."""
    return float(x.sum() * y.sum() * z.sum() - (x * y).sum() * z.sum() - (x * z).sum() * y.sum()
                 - (y * z).sum() * x.sum() + 2 * (x * y * z).sum())


def _group_moments(n: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected score and variance of a member of each group, per role (k × 6), as sna."""
    n = n.astype(float)
    N = n.sum()
    p, q = d * d * (1 - d), d ** 3 * (1 - d) ** 3
    rest = N - n
    e = np.zeros((len(n), 6))
    v = np.zeros((len(n), 6))
    e[:, 0] = p * (n - 1) * (n - 2)
    v[:, 0] = e[:, 0] * (1 - p) + 2 * (n - 1) * (n - 2) * (n - 3) * q
    e[:, 1] = p * ((n * (n - 1)).sum() - n * (n - 1))
    v[:, 1] = e[:, 1] * (1 - p) + 2 * ((n * (n - 1) * (n - 2)).sum() - n * (n - 1) * (n - 2)) * q
    e[:, 2] = p * rest * (n - 1)
    choose2 = lambda x: x * (x - 1) / 2  # noqa: E731
    v[:, 2] = e[:, 2] * (1 - p) + 2 * ((n - 1) * choose2(rest) + rest * choose2(n - 1)) * q
    e[:, 3], v[:, 3] = e[:, 2], v[:, 2]
    e[:, 4] = p * (rest ** 2 - ((n ** 2).sum() - n ** 2))
    # Σ over other groups j of n_j C(N − n_j − n_i, 2): a k × k table, groups not people
    other = n[None, :] * choose2(N - n[None, :] - n[:, None])
    v[:, 4] = e[:, 4] * (1 - p) + 4 * (other.sum(axis=1) - np.diag(other)) * q
    e[:, 5] = p * (N - 1) * (N - 2)
    v[:, 5] = e[:, 5] * (1 - p) + 2 * (N - 1) * (N - 2) * (N - 3) * q
    return e, v


def _whole_moments(n: np.ndarray, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected count and variance of each role in the whole network (6), as sna."""
    n = n.astype(float)
    N = n.sum()
    p = d * d * (1 - d)
    q3, q4, q5 = d ** 3 * (1 - d) ** 3, d ** 4 * (1 - d) ** 2, d ** 5 * (1 - d)
    e = np.zeros(6)
    v = np.zeros(6)
    e[0] = p * (n * (n - 1) * (n - 2)).sum()
    v[0] = e[0] * (1 - p) + (n * (n - 1) * (n - 2) * ((4 * n - 10) * q3 - 4 * (n - 3) * q4
                                                       + (n - 3) * q5)).sum()
    e[1] = p * (n * (N - n) * (n - 1)).sum()
    x, y = n[:, None], n[None, :]
    pair = x * y * (x - 1) * ((2 * x + 2 * y - 6) * q3 + (N - x - 1) * q5)
    v[1] = e[1] * (1 - p) + (pair.sum() - (n * n * (n - 1) * ((4 * n - 6) * q3
                                                              + (N - n - 1) * q5)).sum())
    e[2] = p * (n * (N - n) * (n - 1)).sum()
    v[2] = e[2] * (1 - p) + (n * (N - n) * (n - 1) * ((N - 3) * q3 + (n - 2) * q5)).sum()
    e[3], v[3] = e[2], v[2]
    e[4] = p * ((x * y * (N - x - y)).sum() - (n * n * (N - 2 * n)).sum())
    # sna sums n_i n_j n_k f(i, j, k) over distinct groups, f linear in the sizes
    c0 = (4 * N - 2) * q3 - (4 * N - 2) * q4 + (N - 1) * q5
    ci, cj, ck = -2 * q3 + 2 * q4 - q5, -4 * q3 + 2 * q4, -2 * q3 + 4 * q4 - q5
    n2 = n * n
    v[4] = e[4] * (1 - p) + (c0 * _distinct_triples(n, n, n) + ci * _distinct_triples(n2, n, n)
                             + cj * _distinct_triples(n, n2, n) + ck * _distinct_triples(n, n, n2))
    e[5] = p * N * (N - 1) * (N - 2)
    v[5] = e[5] * (1 - p) + N * (N - 1) * (N - 2) * ((4 * N - 10) * q3 - 4 * (N - 3) * q4
                                                      + (N - 3) * q5)
    return e, v


def _z(raw: np.ndarray, expected: np.ndarray, variance: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (raw - expected) / np.sqrt(variance)


def gould_fernandez(ties: pd.DataFrame, groups: pd.Series, *, nodes=None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gould–Fernandez brokerage roles of everyone in one directed network.

    Parameters
    ----------
    ties : DataFrame
        ``source, target``: the arcs (repeats and self-ties are ignored).
    groups : Series
        Group of each person (index participant id). People with no group
        (NaN) are in the network but take no part in a role.
    nodes : sequence, optional
        The people of the network (default: the index of ``groups``). Arcs
        with an end outside it are left out.

    Returns
    -------
    people : DataFrame
        One row per person: ``participant, group, coordinator, itinerant,
        representative, gatekeeper, liaison, total`` (counts of ordered pairs
        brokered), then ``z_coordinator`` … ``z_total`` (standardised).
    whole : DataFrame
        One row per role and ``total``: ``role, count, expected, sd, z,
        brokers`` (``brokers``: people with a count above zero).

    Notes
    -----
    *v* brokers (*a*, *b*) when *a* → *v* → *b*, *a* ≠ *b* and there is no
    arc *a* → *b*; a mutual pair brokered both ways counts twice, as in
    ``sna``. The standardised score is (count − expected) / sd, with the
    expected value and variance of a Bernoulli random graph of the same
    size, density and group sizes (Gould & Fernandez 1989, as R
    ``sna::brokerage`` computes them: its ``z.nli`` and ``z.gli``). A role
    that a person's group cannot hold (a coordinator in a group of one) has
    sd 0 and z NaN. People whose group is unknown are left out of the group
    sizes; density counts everyone.

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a
    formal approach to brokerage in transaction networks. *Sociological
    Methodology*, 19, 89–126.
    Butts, C. T. (2008). Social network analysis with sna. *Journal of
    Statistical Software*, 24(6).

    Examples
    --------
    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    >>> people, whole = gould_fernandez(ties, pd.Series({"a": "x", "b": "y", "c": "y"}))
    >>> people.loc[people["participant"] == "b", ["gatekeeper", "total"]].to_numpy().tolist()
    [[1, 1]]
    """
    _refuse_dyad_list(ties)
    groups = groups[~groups.index.duplicated()]
    index = pd.Index(pd.unique(np.asarray(list(groups.index if nodes is None else nodes),
                                          dtype=object)))
    label = groups.reindex(index)
    label = label.where(label.notna() & (label.astype(str).str.strip() != ""))
    codes, uniques = pd.factorize(label, sort=False)
    src, tgt = _arc_arrays(ties, index)
    n = len(index)
    counts = _role_counts(src, tgt, codes)
    counts = np.column_stack([counts, counts.sum(axis=1)]) if n else np.zeros((0, 6), int)
    d = len(src) / (n * (n - 1)) if n > 1 else np.nan
    sizes = np.bincount(codes[codes >= 0], minlength=len(uniques))
    e_grp, v_grp = _group_moments(sizes, d)
    known = codes >= 0
    z = np.full((n, 6), np.nan)
    z[known] = _z(counts[known], e_grp[codes[known]], v_grp[codes[known]])
    people = pd.DataFrame({"participant": index, "group": label.to_numpy(dtype=object)})
    for j, role in enumerate(_ALL):
        people[role] = counts[:, j].astype("int64")
    for j, role in enumerate(_ALL):
        people[f"z_{role}"] = z[:, j]
    e_all, v_all = _whole_moments(sizes, d)
    raw = counts.sum(axis=0)
    whole = pd.DataFrame({"role": list(_ALL), "count": raw.astype("int64"), "expected": e_all,
                          "sd": np.sqrt(v_all), "z": _z(raw, e_all, v_all),
                          "brokers": (counts > 0).sum(axis=0).astype("int64")})
    return people, whole


# --------------------------------------------------------------------------- per wave
def _groups_of(roster: pd.DataFrame, attribute: str) -> pd.Series:
    g = pd.Series(roster[attribute].to_numpy(dtype=object), index=roster["participant"].to_numpy())
    return g.where(g.notna() & (g.astype(str).str.strip() != ""))


_PERSON_COLUMNS = ["participant", "wave", "relation", "attribute", "group", "responded", *_ALL,
                   *[f"z_{r}" for r in _ALL]]
_WHOLE_COLUMNS = ["wave", "relation", "attribute", "people", "role", "count", "expected", "sd",
                  "z", "brokers"]


def brokerage_roles(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=BROKERAGE_ATTRIBUTES,
    waves=None,
    relations=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Brokerage roles per person, wave, relation and grouping (organisation, sector, place).

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network (:func:`~evaluate.network.clean_ties`).
    roster : DataFrame
        ``participant`` and the attribute columns (the cohort: every person
        is in the network, whether or not they answered).
    respondents : DataFrame, optional
        ``wave, participant``: who answered the network survey at each wave.
    attributes : sequence of str
        Roster columns that define the groups; missing ones are skipped.
    waves, relations : sequence, optional
        As :func:`~evaluate.network.network_metrics`.

    Returns
    -------
    people : DataFrame
        ``participant, wave, relation, attribute, group, responded,
        coordinator, itinerant, representative, gatekeeper, liaison, total,
        z_coordinator, z_itinerant, z_representative, z_gatekeeper,
        z_liaison, z_total`` (see :func:`gould_fernandez`).
    whole : DataFrame
        ``wave, relation, attribute, people, role, count, expected, sd, z,
        brokers``: the whole network's count of each role.

    Notes
    -----
    Full-roster basis, reported ties: someone who did not answer at a wave
    named nobody, so brokers nothing there (read ``responded``). Change is
    measured by :func:`brokerage_change` among those who answered both times.
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    ties, roster, waves, relations, resp = s.ties, s.roster, s.waves, s.relations, s.responded
    nodes = sorted(roster["participant"])
    people_frames, whole_frames = [], []
    for attribute in s.attributes:
        groups = _groups_of(roster, attribute)
        for relation in relations:
            rel = _relation_ties(ties, relation)
            for wave in waves:
                p, w = gould_fernandez(rel[rel["wave"] == wave], groups, nodes=nodes)
                key = {"wave": wave, "relation": relation, "attribute": attribute}
                people_frames.append(p.assign(
                    **key, responded=p["participant"].isin(list(resp.get(wave, ())))))
                whole_frames.append(w.assign(**key, people=len(nodes)))
    people = (pd.concat(people_frames, ignore_index=True)[_PERSON_COLUMNS] if people_frames
              else pd.DataFrame(columns=_PERSON_COLUMNS))
    whole = (pd.concat(whole_frames, ignore_index=True)[_WHOLE_COLUMNS] if whole_frames
             else pd.DataFrame(columns=_WHOLE_COLUMNS))
    return people, whole


# --------------------------------------------------------------------------- change
_CHANGE_COLUMNS = ["participant", "relation", "attribute", "group", "wave_from", "wave_to", "role",
                   "count_from", "count_to", "change", "z_from", "z_to"]
_GROUP_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "group", "members", "role",
                  "count_from", "count_to", "change", "brokers_from", "brokers_to", "suppressed"]


def brokerage_change(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=BROKERAGE_ATTRIBUTES,
    waves=None,
    relations=None,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Brokerage roles between consecutive waves, per person and per group.

    Measured in the network of the people who answered the network survey at
    *both* waves (the ties among them), so that a role is not lost or gained
    only because someone did not answer one of the surveys.

    Parameters
    ----------
    ties, roster, respondents, attributes, waves, relations
        As :func:`brokerage_roles`.
    min_group_size : int
        Groups with fewer members (who answered both times) are suppressed in
        the group table.

    Returns
    -------
    people : DataFrame
        One row per person who answered both times × relation × grouping ×
        role (the five roles and ``total``): ``participant, relation,
        attribute, group, wave_from, wave_to, role, count_from, count_to,
        change, z_from, z_to``.
    groups : DataFrame
        ``wave_from, wave_to, relation, attribute, group, members, role,
        count_from, count_to, change, brokers_from, brokers_to,
        suppressed``: the summed counts of a group's members (``group``
        empty: everyone) and how many of them held the role at all
        (``brokers_*``). Groups under ``min_group_size`` members are blank,
        with one more blanked where only one would be, so totals cannot
        reveal them.
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    ties, roster, waves, relations, resp = s.ties, s.roster, s.waves, s.relations, s.responded
    attributes = s.attributes
    people_frames, group_frames = [], []
    for w0, w1 in _pairs(list(waves)):
        both = sorted(set(map(str, resp.get(w0, set()) & resp.get(w1, set())))
                      & set(roster["participant"]))
        if len(both) < 3:
            continue
        for attribute in attributes:
            groups = _groups_of(roster, attribute)
            for relation in relations:
                rel = _relation_ties(ties, relation)
                p0, _ = gould_fernandez(rel[rel["wave"] == w0], groups, nodes=both)
                p1, _ = gould_fernandez(rel[rel["wave"] == w1], groups, nodes=both)
                long0 = _long(p0)
                long1 = _long(p1)
                frame = long0.assign(count_to=long1["count"].to_numpy(),
                                     z_to=long1["z"].to_numpy())
                frame = frame.rename(columns={"count": "count_from", "z": "z_from"})
                frame["change"] = frame["count_to"] - frame["count_from"]
                frame = frame.assign(relation=relation, attribute=attribute, wave_from=w0,
                                     wave_to=w1)
                people_frames.append(frame[_CHANGE_COLUMNS])
                group_frames.append(_group_change(frame))
    people = (pd.concat(people_frames, ignore_index=True) if people_frames
              else pd.DataFrame(columns=_CHANGE_COLUMNS))
    if not group_frames:
        return people, pd.DataFrame(columns=_GROUP_COLUMNS)
    per_group = pd.concat(group_frames, ignore_index=True)
    block = (per_group["wave_from"].astype(str) + "\x1f" + per_group["wave_to"].astype(str)
             + "\x1f" + per_group["relation"].astype(str) + "\x1f"
             + per_group["attribute"].astype(str) + "\x1f" + per_group["role"].astype(str))
    everyone = per_group["group"].isna()
    parts = suppress_small(per_group[~everyone].assign(_block=block[~everyone].to_numpy()),
                           "members", min_group_size,
                           value_columns=["count_from", "count_to", "change", "brokers_from",
                                          "brokers_to"],
                           complementary_within="_block").drop(columns="_block")
    whole = per_group[everyone].assign(suppressed=False)
    out = pd.concat([whole, parts])
    out = out.sort_index(kind="stable").reset_index(drop=True)
    return people, out[_GROUP_COLUMNS]


def _long(people: pd.DataFrame) -> pd.DataFrame:
    """One row per person × role: participant, group, role, count, z (roles in order)."""
    n = len(people)
    return pd.DataFrame({
        "participant": np.repeat(people["participant"].to_numpy(), len(_ALL)),
        "group": np.repeat(people["group"].to_numpy(dtype=object), len(_ALL)),
        "role": np.tile(np.array(_ALL, dtype=object), n),
        "count": people[list(_ALL)].to_numpy().reshape(-1),
        "z": people[[f"z_{r}" for r in _ALL]].to_numpy(dtype=float).reshape(-1)})


def _group_change(frame: pd.DataFrame) -> pd.DataFrame:
    """Summed counts per group and role, plus an everyone row (group NaN) per role."""
    f = frame.assign(has_from=frame["count_from"] > 0, has_to=frame["count_to"] > 0)
    agg = dict(members=("participant", "size"), count_from=("count_from", "sum"),
               count_to=("count_to", "sum"), brokers_from=("has_from", "sum"),
               brokers_to=("has_to", "sum"))
    known = f[f["group"].notna()]
    by_group = known.groupby(["role", "group"], sort=False).agg(**agg).reset_index()
    everyone = f.groupby("role", sort=False).agg(**agg).reset_index().assign(group=np.nan)
    out = pd.concat([everyone, by_group], ignore_index=True)
    out["role_rank"] = out["role"].map({r: i for i, r in enumerate(_ALL)})
    out["_g"] = out["group"].isna().map({True: 0, False: 1})
    out = out.sort_values(["role_rank", "_g", "group"], kind="stable", key=lambda s: s.astype(str)
                          if s.name == "group" else s).drop(columns=["role_rank", "_g"])
    out["change"] = out["count_to"] - out["count_from"]
    first = frame.iloc[0]
    out = out.assign(wave_from=first["wave_from"], wave_to=first["wave_to"],
                     relation=first["relation"], attribute=first["attribute"])
    for c in ("members", "count_from", "count_to", "change", "brokers_from", "brokers_to"):
        out[c] = out[c].astype("float64")
    return out[[c for c in _GROUP_COLUMNS if c != "suppressed"]].reset_index(drop=True)

