"""Work run beside the caller's (evaluate.concurrency), and omega's bootstrap fitted that way."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from evaluate.concurrency import ProcessTraceback, beside, beside_process, by_name


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


# --- beside_process: a second Python process ---------------------------------------------


def test_work_beside_process_runs_in_another_process():
    import os

    with beside_process(True) as run:
        job = run(os.getpid)
        assert job.result() != os.getpid()


def test_without_a_process_the_work_runs_in_the_caller_when_its_result_is_asked():
    import os

    ran = []
    with beside_process(False) as run:
        job = run(lambda: ran.append(os.getpid()) or "done")
        assert ran == []  # not yet: where it would have run had it been called here
        assert job.result() == "done"
        assert job.result() == "done"  # once
    assert ran == [os.getpid()]


@pytest.mark.parametrize("in_process", [True, False])
def test_an_error_in_the_process_comes_out_of_result_as_itself(in_process, tmp_path):
    from evaluate.errors import WorkspaceError
    from evaluate.workspace import Workspace

    with beside_process(in_process) as run:
        job = run(Workspace.open, tmp_path / "no-such-workspace")
        with pytest.raises(WorkspaceError, match="not an evaluate workspace") as raised:
            job.result()
    if in_process:  # the technical details travel with it, for EVALUATE_DEBUG
        assert isinstance(raised.value.__cause__, ProcessTraceback)
        assert "Traceback" in str(raised.value.__cause__)
        assert "WorkspaceError" in str(raised.value.__cause__)


def test_an_answer_asked_for_after_its_block_ended_is_an_error_not_a_hang():
    with beside_process(True) as run:
        job = run(time.sleep, 60)
    with pytest.raises(RuntimeError, match="stopped when its block ended"):
        job.result()


def test_a_process_whose_answer_is_never_read_is_stopped_when_the_block_ends():
    started = time.perf_counter()
    with pytest.raises(KeyError), beside_process(True) as run:
        job = run(time.sleep, 60)
        raise KeyError("the caller's own work failed")
    assert time.perf_counter() - started < 30
    with pytest.raises(RuntimeError, match="stopped when its block ended"):
        job.result()


def test_work_given_to_the_process_is_done_in_order_and_each_answer_is_its_own():
    import os

    with beside_process(True) as run:
        first = run(by_name, "os.getpid")
        failing = run(int, "not a number")
        last = run(sum, [1, 2, 3])
        assert last.result() == 6  # read past the others, which keep their answers
        with pytest.raises(ValueError):
            failing.result()
        assert first.result() != os.getpid()


def test_what_the_work_prints_does_not_spoil_its_answer(capfd):
    import os

    with beside_process(True) as run:
        printed = run(print, "a line from the work")
        written = run(os.write, 1, b"bytes written to the process's stdout itself\n")
        assert printed.result() is None
        assert written.result() == 45
    assert "a line from the work" in capfd.readouterr().err


def test_arguments_are_taken_when_the_work_is_given():
    numbers = [1, 2, 3]
    with beside_process(True) as run:
        total = run(sum, numbers)
        numbers.append(100)  # the caller goes on with its own objects
        assert total.result() == 6


def test_a_process_that_dies_is_reported_not_waited_for_forever():
    import os

    with beside_process(True) as run:
        job = run(os._exit, 3)
        with pytest.raises(RuntimeError, match="exit code 3"):
            job.result()


def test_a_script_without_a_main_guard_can_use_a_second_process(tmp_path):
    """multiprocessing's spawn would run such a script again in the child, and fail."""
    import subprocess
    import sys

    script = tmp_path / "plain_script.py"
    script.write_text("import os\n"
                      "from evaluate.concurrency import beside_process, by_name\n"
                      "print('script ran')\n"
                      "with beside_process(True) as run:\n"
                      "    other = run(by_name, 'os.getpid').result()\n"
                      "print(other != os.getpid())\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", "True"]


def test_the_network_tables_of_a_second_process_are_those_computed_here(demo_workspace):
    from evaluate import network
    from evaluate.analysis import network_tables

    ws, _ = demo_workspace
    here = network.analyse_workspace(ws)
    with beside_process(True) as run:
        there = run(network_tables, ws.path).result()
    assert list(there) == list(here)
    for name, table in here.items():
        pd.testing.assert_frame_equal(there[name], table, check_exact=True, obj=name)


def test_analysis_xlsx_written_in_a_second_process_is_the_one_written_here(tmp_path):
    import numpy as np

    from evaluate.report.analysis_book import write_analysis_workbook

    books = {"prepost": pd.DataFrame({
        "scale": pd.Categorical(["Trust", "Voice", "Trust"]),
        "mean": [2.5, np.nan, 1 / 3],
        "n": pd.array([10, None, 12], dtype="Int64"),
        "note": ["ok", None, "=not a formula"],
    })}
    context = {"programme": "Example programme"}
    here = write_analysis_workbook(books, tmp_path / "here.xlsx", context)
    with beside_process(True) as run:
        there = run(write_analysis_workbook, books, tmp_path / "there.xlsx", context).result()
    assert there.read_bytes() == here.read_bytes()


def test_omega_fitted_in_a_second_process_gives_the_same_tables(demo_workspace, monkeypatch):
    """At national scale `evaluate analyse` hands omega's bootstrap to its second process,
    whose BLAS must run on one thread as here: the same bits, to the last refit."""
    import evaluate.stats.analyse as analyse
    import evaluate.stats.omega as omega

    ws, _ = demo_workspace
    monkeypatch.setattr(omega, "_CACHE", {})
    alone = analyse.analyse_workspace(ws)
    monkeypatch.setattr(omega, "_CACHE", {})
    monkeypatch.setattr(analyse, "OMEGA_BESIDE_CELLS", 0)  # a cohort's answers: there too
    handed = []
    with beside_process(True) as run:
        def process(fn, *args, **kwargs):
            handed.append(args[0])
            return run(fn, *args, **kwargs)

        there = analyse.analyse_workspace(ws, process=process)
    assert handed and handed[0] is omega.omega_totals
    assert list(there) == list(alone)
    for name, table in alone.items():
        pd.testing.assert_frame_equal(there[name], table, check_exact=True, obj=name)
    assert alone["reliability"]["omega_total"].notna().any()
