"""Core and periphery: how central to the cohort's web of ties each person is, and who moved in.

Borgatti & Everett's (1999) continuous core–periphery model gives each person
a *coreness* c so that the ties look as much as possible like the pattern
"two people are tied with a strength c_i × c_j": core members are tied to
each other, peripheral members are tied mostly to the core, if at all. It is
fitted by minimum residuals (Boyd et al. 2010, UCINET's continuous method). The
core is then the top *k* people by coreness, with *k* chosen so that the ties
fit the ideal discrete pattern best (core members all tied to each other,
peripheral members not tied to each other).

:func:`coreness` does this for one network; :func:`core_periphery` per wave
and relation, with the share of ties among core members that cross
organisations, sectors and places; :func:`core_change` says who moved from
the periphery into the core between waves, per person and per group.

Everything is computed from sparse sums (O(people + ties) per step): no
people × people matrix is formed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.network.blocks import tie_blocks
from evaluate.network.ties import _as_roster, _pairs, _setup, _unique_pairs, wave_order
from evaluate.privacy import suppress_small

__all__ = ["CORE_ATTRIBUTES", "coreness", "core_periphery", "core_change"]

#: Groupings for the cross-boundary share among core members and the group table.
CORE_ATTRIBUTES = ("organisation", "sector", "place")


def _undirected(ties: pd.DataFrame, index: pd.Index):
    """Sparse symmetric 0/1 adjacency (tied either way) over ``index``, and the edge list i < j."""
    n = len(index)
    if not len(ties) or not n:
        return _undirected_arrays(np.empty(0, np.int64), np.empty(0, np.int64), n)
    s = index.get_indexer(ties["source"].to_numpy(dtype=object))
    t = index.get_indexer(ties["target"].to_numpy(dtype=object))
    return _undirected_arrays(s, t, n)


def _undirected_arrays(s: np.ndarray, t: np.ndarray, n: int):
    """:func:`_undirected` of arcs given as positions (−1: not one of the n people)."""
    from scipy import sparse

    ok = (s >= 0) & (t >= 0) & (s != t)
    if not ok.any() or not n:
        return sparse.csr_matrix((n, n)), np.empty((0, 2), np.int64)
    lo, hi = np.minimum(s[ok], t[ok]), np.maximum(s[ok], t[ok])
    edges = _unique_pairs(lo, hi, n)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    adj = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return adj, edges


def _correlation(c: np.ndarray, adj, m: int) -> float:
    """Pearson r between a_ij and c_i c_j over unordered pairs i < j, from sparse sums."""
    n = len(c)
    pairs = n * (n - 1) / 2
    s, q, q4 = c.sum(), (c * c).sum(), (c ** 4).sum()
    mean_a, mean_p = m / pairs, (s * s - q) / 2 / pairs
    cov = (c @ (adj @ c)) / 2 / pairs - mean_a * mean_p
    var_a = mean_a - mean_a ** 2
    var_p = (q * q - q4) / 2 / pairs - mean_p ** 2
    return float(cov / np.sqrt(var_a * var_p)) if var_a > 0 and var_p > 0 else np.nan


def _minres(adj, start: np.ndarray) -> np.ndarray:
    """c minimising Σ_{i≠j} (a_ij − c_i c_j)², by L-BFGS with the exact gradient.

    F(c) = Σ a_ij − 2 cᵀAc + (Σc²)² − Σc⁴ and ∇F = −4 A c + 4 (Σc²) c − 4 c³, so
    a minimum satisfies Boyd et al.'s fixed point c_i = (A c)_i / Σ_{j≠i} c_j².
    """
    from scipy.optimize import minimize

    total = adj.sum()

    def objective(c):
        ac = adj @ c
        q = c @ c
        value = total - 2 * (c @ ac) + q * q - (c ** 4).sum()
        return value, -4 * ac + 4 * q * c - 4 * c ** 3

    res = minimize(objective, start, jac=True, method="L-BFGS-B",
                   options={"maxiter": 10000, "ftol": 1e-15, "gtol": 1e-12})
    return res.x


def _discrete_core(c: np.ndarray, edges: np.ndarray, order_key: np.ndarray):
    """Core size k and fit: top k by coreness, k maximising the core/periphery correlation.

    Pairs of one core and one peripheral member are not counted (the ideal
    pattern leaves them free); the correlation is the phi coefficient of
    tied / not tied against core–core / periphery–periphery.
    """
    n = len(c)
    order = np.lexsort((order_key, -c))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    if n < 4 or not len(edges):
        return np.zeros(n, bool), np.nan
    r_lo = np.minimum(rank[edges[:, 0]], rank[edges[:, 1]])
    r_hi = np.maximum(rank[edges[:, 0]], rank[edges[:, 1]])
    k = np.arange(2, n - 1)                              # at least two in each part
    t_cc = np.cumsum(np.bincount(r_hi, minlength=n))[k - 1]       # both ranks < k
    t_pp = np.cumsum(np.bincount(r_lo, minlength=n)[::-1])[::-1][k]  # both ranks ≥ k
    n_cc, n_pp = k * (k - 1) / 2, (n - k) * (n - k - 1) / 2
    total, tied = n_cc + n_pp, t_cc + t_pp
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = ((t_cc * (n_pp - t_pp) - (n_cc - t_cc) * t_pp)
               / np.sqrt(n_cc * n_pp * tied * (total - tied)))
    if not np.isfinite(phi).any():
        return np.zeros(n, bool), np.nan
    top = np.nanmax(phi)
    best = int(np.flatnonzero(phi >= top - 1e-12)[-1])   # equal fits: the larger core
    return rank < k[best], float(phi[best])


def coreness(ties: pd.DataFrame, nodes) -> tuple[pd.DataFrame, dict]:
    """Continuous Borgatti–Everett coreness of everyone in one network, and the core.

    Parameters
    ----------
    ties : DataFrame
        ``source, target``. Directions are ignored: two people are tied when
        either named the other.
    nodes : sequence
        The people of the network (isolates included).

    Returns
    -------
    people : DataFrame
        ``participant, coreness, core``: ``core`` True for members of the core.
    fit : dict
        ``people, ties, correlation`` (the continuous model's r),
        ``core_size``, ``core_fit`` (the discrete pattern's correlation).

    Notes
    -----
    The coreness vector c minimises Σ_{i≠j} (a_ij − c_i c_j)², a_ij = 1 when
    i and j are tied (Boyd et al. 2010's minimum-residual fit of Borgatti &
    Everett's continuous model), found by L-BFGS from the degrees with the
    exact gradient; every sum is taken from the sparse ties, e.g.
    Σ_{i≠j} c_i² c_j² = (Σc²)² − Σc⁴. c_i c_j is on the scale of a tie (0 to
    1), so coreness can be compared between waves of one cohort.
    ``correlation`` is Pearson's r between a_ij and c_i c_j over pairs
    i < j, Borgatti & Everett's measure of fit. The core is the first k people by
    coreness (ties broken by id), k ≥ 2 chosen to maximise the correlation
    of the ties with the ideal discrete pattern (core–core pairs tied,
    periphery–periphery pairs not, core–periphery pairs not counted); of
    equally good sizes the largest is taken. With
    no ties or fewer than four people, coreness and fit are NaN and nobody
    is in the core.

    References
    ----------
    Borgatti, S. P. & Everett, M. G. (1999). Models of core/periphery
    structures. *Social Networks*, 21(4), 375–395.
    Boyd, J. P., Fitzgerald, W. J., Mahutga, M. C. & Smith, D. A. (2010).
    Computing continuous core/periphery structures for social relations data
    with MINRES/SVD. *Social Networks*, 32(2), 125–137.

    Examples
    --------
    >>> star = pd.DataFrame({"source": ["hub"] * 4 + ["a", "b"], "target": ["a", "b", "c", "d", "b", "a"]})
    >>> people, fit = coreness(star, ["hub", "a", "b", "c", "d"])
    >>> people.set_index("participant").loc[["hub", "a"], "core"].tolist()
    [True, True]
    """
    index = pd.Index(pd.unique(np.asarray(list(nodes), dtype=object)))
    adj, edges = _undirected(ties, index)
    c, core, fit = _fit(adj, edges, np.asarray(index.astype(str)))
    return pd.DataFrame({"participant": index, "coreness": c, "core": core}), fit


def _fit(adj, edges: np.ndarray, order_key: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict]:
    """Coreness (NaN when not fitted), core membership and fit of one network (:func:`coreness`)."""
    n, m = adj.shape[0], len(edges)
    fit = {"people": n, "ties": m, "correlation": np.nan, "core_size": 0, "core_fit": np.nan}
    if n < 4 or m == 0 or m == n * (n - 1) / 2:
        return np.full(n, np.nan), np.zeros(n, bool), fit
    degree = np.asarray(adj.sum(axis=1)).ravel()
    c = _minres(adj, (degree + 0.5) / np.sqrt(2 * m))
    if c.sum() < 0:
        c = -c
    core, core_fit = _discrete_core(c, edges, order_key)
    fit.update(correlation=_correlation(c, adj, m), core_size=int(core.sum()),
               core_fit=core_fit)
    return c, core, fit


_PEOPLE_COLUMNS = ["participant", "wave", "relation", "responded", "coreness", "core"]
_WHOLE_COLUMNS = ["wave", "relation", "attribute", "people", "ties", "correlation", "core_size",
                  "core_fit", "core_ties", "core_cross_ties", "core_share_cross", "share_cross"]


def _cross_share(edges: np.ndarray, members: np.ndarray, groups: np.ndarray):
    """Ties among ``members`` (bool per node), and how many join different known groups."""
    inside = members[edges[:, 0]] & members[edges[:, 1]] if len(edges) else np.zeros(0, bool)
    ga, gb = groups[edges[:, 0]], groups[edges[:, 1]]
    known = pd.notna(ga) & pd.notna(gb)
    cross = known & (ga != gb)
    return int((inside & known).sum()), int((inside & cross).sum())


def core_periphery(
    ties: pd.DataFrame,
    roster: pd.DataFrame,
    respondents: pd.DataFrame | None = None,
    *,
    attributes=CORE_ATTRIBUTES,
    waves=None,
    relations=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coreness per person, wave and relation; the core's size and its ties across boundaries.

    Parameters
    ----------
    ties : DataFrame
        Clean ties of one network.
    roster : DataFrame
        ``participant`` and the attribute columns: everyone is a node.
    respondents : DataFrame, optional
        ``wave, participant``.
    attributes, waves, relations
        As :func:`~evaluate.network.boundary_spanning`.

    Returns
    -------
    people : DataFrame
        ``participant, wave, relation, responded, coreness, core``.
    whole : DataFrame
        One row per wave × relation × attribute: ``wave, relation,
        attribute, people, ties`` (pairs tied either way), ``correlation``,
        ``core_size``, ``core_fit`` (see :func:`coreness`), ``core_ties``
        (ties between two core members with both groups known),
        ``core_cross_ties`` (those joining different groups),
        ``core_share_cross`` = core_cross_ties / core_ties, and
        ``share_cross``, the same share over all ties, for comparison.

    Notes
    -----
    Full-roster basis: a person who did not answer is still tied to those
    who named them, so non-respondents are not pushed to the periphery only
    by not answering (their own naming is missing, though: read
    ``responded``).
    """
    s = _setup(ties, roster, respondents, attributes=attributes, waves=waves, relations=relations)
    ties, roster, attributes, resp = s.ties, s.roster, s.attributes, s.responded
    waves, relations = s.waves, s.relations
    index = pd.Index(sorted(roster["participant"]))
    n = len(index)
    attr = roster.set_index("participant").reindex(index)
    groups = {a: _known(attr[a].to_numpy(dtype=object)) for a in attributes}
    blocks = tie_blocks(ties, index, waves, relations)
    order_key = np.asarray(index.astype(str))
    everyone = np.ones(n, bool)
    cores, coreness_values, whole_rows = [], [], []
    for b in range(blocks.n_blocks):
        relation, wave = relations[b // len(waves)], waves[b % len(waves)]
        inside = blocks.block == b
        adj, edges = _undirected_arrays(blocks.src[inside], blocks.tgt[inside], n)
        c, core, fit = _fit(adj, edges, order_key)
        coreness_values.append(c)
        cores.append(core)
        for a in attributes:
            core_ties, core_cross = _cross_share(edges, core, groups[a])
            all_ties, all_cross = _cross_share(edges, everyone, groups[a])
            whole_rows.append({
                "wave": wave, "relation": relation, "attribute": a, "people": fit["people"],
                "ties": fit["ties"], "correlation": fit["correlation"],
                "core_size": fit["core_size"], "core_fit": fit["core_fit"],
                "core_ties": core_ties, "core_cross_ties": core_cross,
                "core_share_cross": core_cross / core_ties if core_ties else np.nan,
                "share_cross": all_cross / all_ties if all_ties else np.nan})
    if not blocks.n_blocks:
        people = pd.DataFrame(columns=_PEOPLE_COLUMNS)
    else:
        keys = [(w, r) for r in relations for w in waves]
        answered = [index.isin(list(resp.get(w, ()))) for w in waves]
        people = pd.DataFrame({
            "participant": np.tile(index.to_numpy(dtype=object), len(keys)),
            "wave": [w for w, _ in keys for _ in range(n)],
            "relation": [r for _, r in keys for _ in range(n)],
            "responded": np.tile(np.concatenate(answered), len(relations)),
            "coreness": np.concatenate(coreness_values), "core": np.concatenate(cores)},
            columns=_PEOPLE_COLUMNS)
    return people, pd.DataFrame(whole_rows, columns=_WHOLE_COLUMNS)


def _known(groups: np.ndarray) -> np.ndarray:
    """The groups with blank ones as None."""
    blank = pd.Series(groups, dtype=object).astype("string").str.strip().fillna("") == ""
    return np.where(blank.to_numpy(), None, groups)


_MOVES = {(False, True): "periphery to core", (True, False): "core to periphery",
          (True, True): "stayed in the core", (False, False): "stayed in the periphery"}
_CHANGE_COLUMNS = ["participant", "relation", "wave_from", "wave_to", "responded_from",
                   "responded_to", "coreness_from", "coreness_to", "coreness_change", "core_from",
                   "core_to", "moved"]
_GROUP_COLUMNS = ["wave_from", "wave_to", "relation", "attribute", "group", "members",
                  "core_from", "core_to", "moved_in", "moved_out", "mean_coreness_from",
                  "mean_coreness_to", "suppressed"]


def _group_sums(frame: pd.DataFrame, key: list[str], *, sort: bool) -> pd.DataFrame:
    """Per group: members, in the core at each wave, moved in and out, mean coreness at each
    wave (one grouping, each kind of sum over all its columns at once)."""
    codes = _key_codes(frame, key, sort=sort)
    by = frame.groupby(key if codes is None else codes, sort=sort)
    counts = by[["core_from", "core_to", "moved_in", "moved_out"]].sum()
    means = by[["coreness_from", "coreness_to"]].mean().set_axis(
        ["mean_coreness_from", "mean_coreness_to"], axis=1)
    out = pd.concat([by.size().rename("members"), counts, means], axis=1)
    if codes is not None:  # each group named by its key, as grouping by the key columns does
        first = np.unique(codes, return_index=True)[1]
        out.index = pd.MultiIndex.from_frame(frame[key].iloc[first if sort else np.sort(first)])
    return out


def _key_codes(frame: pd.DataFrame, key: list[str], *, sort: bool) -> np.ndarray | None:
    """One integer per row for its key (ordered as the key's values when ``sort``), so a
    grouping need not hash the key's text columns again; None when a key is missing."""
    codes = np.zeros(len(frame), np.int64)
    for column in key:
        c, uniques = pd.factorize(frame[column], sort=sort)
        if (c < 0).any():
            return None
        codes = codes * max(len(uniques), 1) + c
    return codes


def core_change(
    people: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    attributes=CORE_ATTRIBUTES,
    waves=None,
    min_group_size: int = 5,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who moved from the periphery into the core between consecutive waves, per person and group.

    Parameters
    ----------
    people : DataFrame
        The person table of :func:`core_periphery`.
    roster : DataFrame
        ``participant`` and the attribute columns.
    attributes : sequence of str
        Groupings for the group table.
    waves : sequence, optional
        Wave order (default: as found in ``people``).
    min_group_size : int
        Groups with fewer members are suppressed in the group table.

    Returns
    -------
    change : DataFrame
        ``participant, relation, wave_from, wave_to, responded_from,
        responded_to, coreness_from, coreness_to, coreness_change,
        core_from, core_to, moved`` (``periphery to core``, ``core to
        periphery``, ``stayed in the core``, ``stayed in the periphery``).
    groups : DataFrame
        ``wave_from, wave_to, relation, attribute, group, members,
        core_from, core_to`` (members in the core at each wave),
        ``moved_in``, ``moved_out``, ``mean_coreness_from``,
        ``mean_coreness_to``, ``suppressed``; ``group`` empty is
        everyone. Groups under ``min_group_size`` members are blank, with one
        more blanked where only one would be.
    """
    roster = _as_roster(roster)
    roster = roster.assign(participant=roster["participant"].astype(str))
    attributes = [a for a in attributes if a in roster.columns]
    if waves is None:
        waves = wave_order(people["wave"])
    frames = []
    for w0, w1 in _pairs(list(waves)):
        a = people[people["wave"] == w0].set_index(["relation", "participant"])
        b = people[people["wave"] == w1].set_index(["relation", "participant"])
        both = a.join(b, how="inner", suffixes=("_from", "_to")).reset_index()
        both = both.assign(wave_from=w0, wave_to=w1)
        both["coreness_change"] = both["coreness_to"] - both["coreness_from"]
        both["core_from"] = both["core_from"].astype(bool)
        both["core_to"] = both["core_to"].astype(bool)
        f, t = both["core_from"].to_numpy(), both["core_to"].to_numpy()
        both["moved"] = np.select([~f & t, f & ~t, f & t], [_MOVES[False, True], _MOVES[True, False],
                                                            _MOVES[True, True]],
                                  _MOVES[False, False]).astype(object)
        frames.append(both[_CHANGE_COLUMNS])
    change = (pd.concat(frames, ignore_index=True) if frames
              else pd.DataFrame(columns=_CHANGE_COLUMNS))
    if not len(change):
        return change, pd.DataFrame(columns=_GROUP_COLUMNS)
    attr = roster.set_index("participant")
    group_frames = []
    f = change.assign(moved_in=change["moved"] == "periphery to core",
                      moved_out=change["moved"] == "core to periphery")
    key = ["wave_from", "wave_to", "relation"]
    # everyone's sums are the same rows under every attribute: summed once
    everyone = _group_sums(f, key, sort=False).reset_index().assign(group=np.nan)
    # every attribute's groups in one grouping: the rows once per attribute, its place first
    g = f.take(np.tile(np.arange(len(f)), len(attributes))).reset_index(drop=True)
    g["group"] = (pd.concat([f["participant"].map(attr[a]) for a in attributes],
                            ignore_index=True) if attributes else np.nan)
    g["_a"] = np.repeat(np.arange(len(attributes)), len(f))
    known = g[g["group"].notna() & (g["group"].astype(str).str.strip() != "")]
    sums = _group_sums(known, ["_a", *key, "group"], sort=True).reset_index()
    for i, a in enumerate(attributes):
        by_group = sums[sums["_a"] == i].drop(columns="_a")
        block = pd.concat([everyone, by_group], ignore_index=True).assign(attribute=a)
        group_frames.append(block)
    groups = pd.concat(group_frames, ignore_index=True)
    for c in ("members", "core_from", "core_to", "moved_in", "moved_out"):
        groups[c] = groups[c].astype("float64")
    is_all = groups["group"].isna()
    block = groups["wave_from"].astype(str)
    for c in ("wave_to", "relation", "attribute"):
        block = block + "\x1f" + groups[c].astype(str)
    values = ["core_from", "core_to", "moved_in", "moved_out", "mean_coreness_from",
              "mean_coreness_to"]
    parts = suppress_small(groups[~is_all].assign(_block=block[~is_all].to_numpy()), "members",
                           min_group_size, value_columns=values,
                           complementary_within="_block").drop(columns="_block")
    out = pd.concat([groups[is_all].assign(suppressed=False), parts]).sort_index(kind="stable")
    order = {w: i for i, w in enumerate(waves)}
    out = out.assign(_w=out["wave_from"].map(order), _a=out["attribute"].map(
        {x: i for i, x in enumerate(attributes)}))
    out = out.sort_values(["_w", "relation", "_a"], kind="stable").drop(columns=["_w", "_a"])
    return change, out[_GROUP_COLUMNS].reset_index(drop=True)
