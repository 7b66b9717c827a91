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
does it per wave, relation and grouping; :func:`~evaluate.network.brokerage_change.brokerage_change`
compares consecutive waves per person and per group among the people who
answered the network survey both times. Liaison brokerage across organisations is the
programme's headline: people who connect people from *two other*
organisations.

Counting is vectorised: every two-path of a relation × wave is listed once
(Σ in-degree × out-degree of the brokers, from the tie blocks of
:mod:`~evaluate.network.blocks`) and classified with array operations for
every grouping; each table is built once. Nothing is quadratic in the number
of people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.blocks import tie_blocks
from evaluate.network.ties import _groups_of, _refuse_dyad_list, _setup

__all__ = [
    "ROLES",
    "SNA_ROLE_NAMES",
    "BROKERAGE_ATTRIBUTES",
    "gould_fernandez",
    "brokerage_roles",
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
    return _classify(_open_two_paths(src, tgt, len(cls)), cls)


def _classify(paths: tuple[np.ndarray, np.ndarray, np.ndarray], cls: np.ndarray) -> np.ndarray:
    """n × 5 role counts of the open two-paths (a, v, b) of :func:`_open_two_paths`."""
    n = len(cls)
    a, v, b = paths
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
    codes, uniques, label = _node_groups(groups, index)
    src, tgt = _arc_arrays(ties, index)
    counts, z, whole = _scores(_role_counts(src, tgt, codes), codes, len(uniques), len(src))
    people = pd.DataFrame({"participant": index, "group": label})
    for j, role in enumerate(_ALL):
        people[role] = counts[:, j].astype("int64")
    for j, role in enumerate(_ALL):
        people[f"z_{role}"] = z[:, j]
    return people, pd.DataFrame(whole)


def _node_groups(groups: pd.Series, index: pd.Index) -> tuple[np.ndarray, list, np.ndarray]:
    """Group code of each person in ``index`` (first seen first, −1 none), the groups in
    code order, and each person's group (NaN none)."""
    label = groups.reindex(index)
    label = label.where(label.notna() & (label.astype(str).str.strip() != ""))
    codes, uniques = pd.factorize(label, sort=False)
    return codes, list(uniques), label.to_numpy(dtype=object)


def _scores(counts: np.ndarray, codes: np.ndarray, n_groups: int, n_arcs: int):
    """Counts with their total, z-scores (n × 6) and the whole network's columns, as sna.

    ``counts`` is :func:`_role_counts`' n × 5; density is ``n_arcs`` over the
    ordered pairs of the n people.
    """
    n = len(codes)
    counts = np.column_stack([counts, counts.sum(axis=1)]) if n else np.zeros((0, 6), int)
    d = n_arcs / (n * (n - 1)) if n > 1 else np.nan
    sizes = np.bincount(codes[codes >= 0], minlength=n_groups)
    e_grp, v_grp = _group_moments(sizes, d)
    known = codes >= 0
    z = np.full((n, 6), np.nan)
    z[known] = _z(counts[known], e_grp[codes[known]], v_grp[codes[known]])
    e_all, v_all = _whole_moments(sizes, d)
    raw = counts.sum(axis=0)
    whole = {"role": list(_ALL), "count": raw.astype("int64"), "expected": e_all,
             "sd": np.sqrt(v_all), "z": _z(raw, e_all, v_all),
             "brokers": (counts > 0).sum(axis=0).astype("int64")}
    return counts, z, whole


# --------------------------------------------------------------------------- per wave
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
    index = pd.Index(pd.unique(np.asarray(sorted(s.roster["participant"]), dtype=object)))
    n = len(index)
    blocks = tie_blocks(s.ties, index, s.waves, s.relations)
    if not s.attributes or not blocks.n_blocks:
        return pd.DataFrame(columns=_PERSON_COLUMNS), pd.DataFrame(columns=_WHOLE_COLUMNS)
    paths = _block_paths(blocks, n)
    answered = [index.isin(list(s.responded.get(w, ()))) for w in s.waves]
    counts, zs, wholes, group_parts = [], [], [], []
    for attribute in s.attributes:
        codes, uniques, label = _node_groups(_groups_of(s.roster, attribute), index)
        group_parts.append(pd.Series(np.tile(label, blocks.n_blocks)))
        for block_paths, n_arcs in paths:
            c, z, whole = _scores(_classify(block_paths, codes), codes, len(uniques), n_arcs)
            counts.append(c)
            zs.append(z)
            wholes.append(whole)
    keys = [(w, r, a) for a in s.attributes for r in s.relations for w in s.waves]
    counts, zs = np.concatenate(counts), np.concatenate(zs)
    people = pd.DataFrame(
        _key_columns(keys, ("wave", "relation", "attribute"), n)
        | {"participant": np.tile(index.to_numpy(dtype=object), len(keys)),
           "group": pd.concat(group_parts, ignore_index=True),
           "responded": np.tile(np.concatenate(answered), len(s.attributes) * len(s.relations))}
        | {role: counts[:, j].astype("int64") for j, role in enumerate(_ALL)}
        | {f"z_{role}": zs[:, j] for j, role in enumerate(_ALL)})[_PERSON_COLUMNS]
    whole = pd.DataFrame(
        _key_columns(keys, ("wave", "relation", "attribute"), len(_ALL))
        | {"people": np.full(len(keys) * len(_ALL), n, dtype="int64")}
        | {c: np.concatenate([w[c] for w in wholes]) for c in wholes[0]})[_WHOLE_COLUMNS]
    return people, whole


def _block_paths(blocks, n: int) -> list[tuple[tuple, int]]:
    """The open two-paths and the number of arcs of each block (relation × wave), n people."""
    out = []
    for b in range(blocks.n_blocks):
        src, tgt = blocks.arcs(b, n)
        out.append((_open_two_paths(src, tgt, n), len(src)))
    return out


def _key_columns(keys: list[tuple], names: tuple, times: int) -> dict[str, list]:
    """Columns ``names`` with each key tuple repeated ``times`` rows (lists: typed as scalars)."""
    return {name: [k[j] for k in keys for _ in range(times)] for j, name in enumerate(names)}
