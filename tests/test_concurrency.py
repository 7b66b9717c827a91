"""Work run beside the caller's (evaluate.concurrency), and omega's bootstrap fitted that way."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from evaluate.concurrency import beside


def _where() -> str:
    return threading.current_thread().name


def test_work_beside_runs_in_a_thread_of_its_own_and_the_block_waits_for_it():
    with beside(True) as run:
        job = run(_where)
    assert job.done()
    assert job.result() != threading.current_thread().name


def test_without_a_thread_the_work_runs_at_once_in_the_callers_thread():
    with beside(False) as run:
        job = run(_where)
        assert job.done()
    assert job.result() == threading.current_thread().name


@pytest.mark.parametrize("in_thread", [True, False])
def test_an_error_in_the_work_comes_out_of_result(in_thread):
    with beside(in_thread) as run:
        job = run(int, "not a number")
    with pytest.raises(ValueError):
        job.result()


def test_an_error_in_the_block_still_waits_for_the_work():
    finished = []

    def slow():
        time.sleep(0.2)
        finished.append(True)

    with pytest.raises(KeyError), beside(True) as run:
        run(slow)
        raise KeyError("the caller's own work failed")
    assert finished == [True]  # not left running after the block


def test_omega_fitted_beside_the_other_analyses_gives_the_same_tables(demo_workspace, monkeypatch):
    import evaluate.stats.analyse as analyse
    import evaluate.stats.omega as omega

    ws, _ = demo_workspace
    monkeypatch.setattr(omega, "_CACHE", {})
    alone = analyse.analyse_workspace(ws)

    fitted_in = []
    fit = analyse.omega_totals

    def recorded(*args, **kwargs):
        fitted_in.append(threading.current_thread().name)
        return fit(*args, **kwargs)

    monkeypatch.setattr(omega, "_CACHE", {})  # fitted again, not found in the cache
    monkeypatch.setattr(analyse, "omega_totals", recorded)
    monkeypatch.setattr(analyse, "OMEGA_BESIDE_CELLS", 0)  # a cohort's answers: in a thread too
    beside_them = analyse.analyse_workspace(ws)

    assert fitted_in and fitted_in[0] != threading.current_thread().name
    assert list(beside_them) == list(alone)  # the same tables, in the same order
    for name, table in alone.items():
        pd.testing.assert_frame_equal(beside_them[name], table, check_exact=True, obj=name)
    assert alone["reliability"]["omega_total"].notna().any()
