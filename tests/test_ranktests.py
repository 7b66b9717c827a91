"""evaluate.stats.ranktests gives the values scipy.stats gives (same bits), on many random cases;
and the analysis no longer imports scipy.stats."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from evaluate.stats.ranktests import (
    average_ranks,
    mann_whitney_u,
    signed_rank_exact_p,
    welch_t_p,
)

PACKAGE = Path(__file__).resolve().parent.parent / "evaluate"


def _same(new, old):
    new, old = np.asarray(new, dtype=np.float64), np.asarray(old, dtype=np.float64)
    assert new.shape == old.shape
    assert new.tobytes() == old.tobytes(), (new, old)  # NaN included


def _sample(rng: np.random.Generator, n: int, kind: int) -> np.ndarray:
    """Continuous values, answers on a 1–5 scale (many ties) or means of three items."""
    if kind == 0:
        return rng.normal(rng.uniform(-2, 2), rng.uniform(0.1, 3), n)
    if kind == 1:
        return rng.integers(1, 6, n).astype(float)
    return rng.integers(3, 16, n) / 3.0


@pytest.mark.parametrize("seed", range(40))
def test_average_ranks_are_scipy_rankdata(seed):
    rng = np.random.default_rng(seed)
    for n in (1, 2, 3, 7, 50, 301):
        a = _sample(rng, n, seed % 3)
        _same(average_ranks(a), stats.rankdata(a))
    _same(average_ranks([1.0, np.nan, 2.0]), stats.rankdata([1.0, np.nan, 2.0]))


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=60))
@settings(max_examples=200, deadline=None)
def test_average_ranks_any_values(values):
    _same(average_ranks(values), stats.rankdata(values))


@pytest.mark.parametrize("n", range(1, 50))
def test_signed_rank_exact_p_is_scipy_exact_wilcoxon(n):
    """Every n the analysis asks about (1–49 untied non-zero differences), many signs each."""
    rng = np.random.default_rng(n)
    ranks = np.arange(1, n + 1, dtype=float)
    for _ in range(25):
        d = rng.permutation(ranks) * rng.choice([-1.0, 1.0], n) * rng.uniform(0.5, 1.5)
        d = d * rng.choice([0.1, 1.0])
        r_plus = float(stats.rankdata(np.abs(d))[d > 0].sum())
        old = stats.wilcoxon(d, zero_method="wilcox", method="exact").pvalue
        _same(signed_rank_exact_p(r_plus, n), old)
    for r_plus in (0.0, n * (n + 1) / 2, np.floor(n * (n + 1) / 4), np.ceil(n * (n + 1) / 4)):
        d = np.arange(1, n + 1, dtype=float)  # the extremes and the middle of the distribution
        signs = np.ones(n)
        remaining = r_plus
        for k in range(n, 0, -1):  # greedy: a set of ranks summing to r_plus
            if k <= remaining:
                remaining -= k
            else:
                signs[k - 1] = -1
        old = stats.wilcoxon(d * signs, zero_method="wilcox", method="exact").pvalue
        _same(signed_rank_exact_p(r_plus, n), old)


@pytest.mark.parametrize("seed", range(60))
def test_mann_whitney_u_is_scipy(seed):
    """Both of scipy's methods: exact (one sample of at most 8, no ties) and normal."""
    rng = np.random.default_rng(seed)
    for n1, n2 in ((2, 2), (3, 9), (8, 8), (8, 30), (9, 9), (1, 5), (12, 4), (25, 40),
                   tuple(rng.integers(1, 60, 2))):
        x, y = _sample(rng, n1, seed % 3), _sample(rng, n2, (seed + 1) % 3)
        old = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True)
        u, p = mann_whitney_u(x, y)
        _same(u, old.statistic)
        _same(p, old.pvalue)
    x = np.arange(6.0)
    old = stats.mannwhitneyu(x, x + 0.5, alternative="two-sided", use_continuity=True)
    _same(mann_whitney_u(x, x + 0.5), (old.statistic, old.pvalue))  # U at the mean: p = 1


def test_mann_whitney_u_refuses_what_scipy_refuses():
    with pytest.raises(ValueError, match="must not contain NaNs"):
        mann_whitney_u([1.0, np.nan], [2.0, 3.0])
    with pytest.raises(ValueError, match="nonzero size"):
        mann_whitney_u([], [2.0, 3.0])


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy, on a constant sample
@pytest.mark.parametrize("seed", range(60))
def test_welch_t_p_is_scipy_ttest_ind(seed):
    rng = np.random.default_rng(seed)
    for n1, n2 in ((2, 2), (2, 30), (5, 7), (40, 33), tuple(rng.integers(2, 80, 2))):
        a, b = _sample(rng, n1, seed % 3), _sample(rng, n2, (seed + 2) % 3)
        _same(welch_t_p(a, b), stats.ttest_ind(a, b, equal_var=False).pvalue)
    with np.errstate(all="ignore"):
        for a, b in (([1.0, 1, 1], [2.0, 3, 4]), ([1.0, 1], [1.0, 1]), ([1.0], [2.0, 3]),
                     ([1.0, np.nan, 2], [2.0, 3])):
            _same(welch_t_p(a, b), stats.ttest_ind(a, b, equal_var=False).pvalue)


def test_no_module_of_evaluate_imports_scipy_stats():
    """scipy.stats costs 0.5–1 s to import: ranktests and distributions stand in for it."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
            if any(n == "scipy.stats" or n.startswith("scipy.stats.") for n in names):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert found == []


def test_evaluate_analyse_does_not_import_scipy_stats(demo_workspace, tmp_path):
    """The whole command, in a process of its own: no library it uses loads scipy.stats."""
    ws, _ = demo_workspace
    copy = tmp_path / "workspace"
    shutil.copytree(ws.path, copy, ignore=shutil.ignore_patterns("results"))
    probe = ("import json, sys\nfrom evaluate.cli import cli\n"
             f"try:\n    cli(['analyse', {str(copy)!r}, '--out', {str(tmp_path / 'out')!r}, '-q'],"
             " prog_name='evaluate')\nexcept SystemExit as e:\n    code = e.code\n"
             "print(json.dumps([code, sorted(m for m in sys.modules if m.startswith('scipy.stats'))]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert code in (0, None) and (tmp_path / "out" / "analysis.xlsx").exists()
    assert loaded == []
