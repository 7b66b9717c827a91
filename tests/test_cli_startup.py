"""The command starts quickly (the stack loads only in the commands that use it) and draws
progress bars on a terminal only.

Startup time itself is measured in ``benchmarks/bench_startup.py`` (≤ 0.15 s for
``evaluate --help``); here we check the structure that makes it quick.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evaluate.cli.progress import ProgressBar, progress_bar, wants_progress

HEAVY = ("pandas", "numpy", "pyarrow", "scipy", "plotly", "pingouin", "igraph", "openpyxl",
         "pandera", "statsmodels", "jinja2", "yaml", "python_calamine", "docx", "starlette",
         "uvicorn")


def _loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_loads_none_of_the_heavy_libraries():
    code = ("from evaluate.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='evaluate')\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == []


def test_every_command_help_loads_none_of_the_heavy_libraries():
    code = ("from evaluate.cli import cli\n"
            "for name in ['ingest', 'validate', 'analyse', 'report', 'demo', 'publish', 'init',\n"
            "             'app', 'corrections']:\n"
            "    try:\n        cli([name, '--help'], prog_name='evaluate')\n"
            "    except SystemExit:\n        pass")
    assert _loaded_after(code) == []


def test_public_names_load_on_first_use():
    assert _loaded_after("import evaluate") == []
    assert "pandas" in _loaded_after("from evaluate import Workspace")
    import evaluate

    assert evaluate.resolve("baseline@1").ref == "baseline@1"
    assert set(evaluate.__all__) <= set(dir(evaluate))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        evaluate.nope  # noqa: B018


def test_the_report_does_not_load_the_statistics_it_only_reads():
    """The report reads stored results: scipy's statistics and pingouin stay unloaded."""
    loaded = _loaded_after("import sys\nimport evaluate.report.build, evaluate.analysis\n"
                           "assert 'scipy.stats' not in sys.modules, 'scipy.stats loaded'")
    assert "pandas" in loaded and "pingouin" not in loaded and "statsmodels" not in loaded
    import evaluate.stats

    assert set(evaluate.stats.__all__) <= set(dir(evaluate.stats))
    assert evaluate.stats.paired_change.__module__ == "evaluate.stats.paired"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        evaluate.stats.nope  # noqa: B018


def test_python_dash_m_runs_the_command():
    done = subprocess.run([sys.executable, "-m", "evaluate.cli", "--version"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "evaluate, version" in done.stdout


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_only_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert wants_progress(False, _Tty())
    assert not wants_progress(True, _Tty())  # --quiet
    assert not wants_progress(False, io.StringIO())  # a pipe or a file
    monkeypatch.setenv("CI", "true")
    assert not wants_progress(False, _Tty())
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TERM", "dumb")
    assert not wants_progress(False, _Tty())


def test_bar_grows_with_stages_and_never_goes_back():
    out = io.StringIO()
    bar = ProgressBar("report", file=out, width=10, columns=80)
    bar.plan(2)
    bar("first")
    bar("second")
    bar.plan(2)  # a later stage announces its steps: 2 of 4 done, but the bar showed 1 of 2
    bar("third")
    bar.close()
    frames = [f.rstrip() for f in out.getvalue().split("\r") if f.strip()]
    percents = [int(f.split("]")[1].split("%")[0]) for f in frames]
    assert percents == sorted(percents) and percents[-1] == 100
    assert frames[1].endswith("first") and "50%" in frames[-2] and frames[-2].endswith("third")
    assert out.getvalue().endswith("\n")


def test_a_failed_command_leaves_its_bar_where_it_stopped(monkeypatch):
    out = _Tty()
    monkeypatch.setattr(sys, "stderr", out)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(RuntimeError), progress_bar("ingest", quiet=False) as progress:
        progress.plan(4)
        progress("Reading")
        raise RuntimeError("boom")
    last = out.getvalue().split("\r")[-1]
    assert "done" not in last and "  0%" in last and last.endswith("\n")


def test_no_bar_in_a_pipe(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar("analyse", quiet=False) as progress:
        assert progress is None


class _Recorder(list):
    """A progress listener that keeps what it heard."""

    def __init__(self):
        super().__init__()
        self.planned = 0

    def plan(self, steps):
        self.planned += steps

    def __call__(self, message):
        self.append(message)


def test_ingest_reports_each_of_its_steps():
    from evaluate.ingest.pipeline import ingest_file
    from evaluate.instruments import resolve

    heard = _Recorder()
    ingest_file(Path(__file__).parent.parent / "sample_data/c2/baseline-c2-qualtrics.csv", resolve("baseline@1"), cohort="c2",
                wave="baseline", progress=heard)
    assert heard.planned == len(heard) == 4
    assert heard[0] == "Reading baseline-c2-qualtrics.csv" and heard[-1] == "Checking every row"


def test_the_analysis_loads_neither_pingouin_nor_plotting_libraries():
    # what `evaluate analyse` imports to compute (statistics, network with igraph, themes,
    # answer counts): pingouin and matplotlib (which igraph loads for drawings) never
    code = ("import evaluate.analysis, evaluate.stats, evaluate.network, evaluate.text\n"
            "import evaluate.stats.answers, evaluate.logic\n"
            "from evaluate import igraph_import\n"
            "igraph_import.HIDE_MATPLOTLIB = True  # as evaluate.cli.main sets it\n"
            "from evaluate.igraph_import import igraph\n"
            "assert igraph().Graph(n=2).vcount() == 2\n"
            "assert 'matplotlib' not in sys.modules and 'pandera' not in sys.modules\n")
    loaded = _loaded_after(code)
    assert "igraph" in loaded
    assert "pingouin" not in loaded and "pandera" not in loaded
    assert "statsmodels" not in loaded  # omega fits its factor model itself


#: What neither `evaluate validate` nor `evaluate report` with stored results needs: the
#: statistics, the network library, the workbook writer and plotly's Python package (the
#: dashboard's charts are plotly.js data already), nor the Word, PDF or app libraries.
NOT_TO_VALIDATE_OR_REPORT = ("scipy", "pingouin", "statsmodels", "igraph", "openpyxl", "plotly",
                             "docx", "starlette", "uvicorn", "matplotlib")


def _loaded_by_command(args: list[str], watch=NOT_TO_VALIDATE_OR_REPORT) -> list[str]:
    """The modules of ``watch`` (:data:`NOT_TO_VALIDATE_OR_REPORT`) that ``evaluate ARGS``
    loads, run as the command runs (its own process, through ``evaluate.cli.main``)."""
    probe = ("import json, sys\nfrom evaluate.cli import main\n"
             f"sys.argv = ['evaluate', *{args!r}]\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
             f"print(json.dumps([code, sorted({{m.split('.')[0] for m in sys.modules}}"
             f" & set({tuple(watch)!r}))]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert code in (0, None), done.stdout
    return loaded


def test_validate_loads_only_what_checking_one_export_needs():
    export = Path(__file__).parent.parent / "sample_data" / "c1" / "baseline-c1-msforms.xlsx"
    assert _loaded_by_command(["validate", str(export), "-i", "baseline@1", "-c", "c1",
                               "--wave", "baseline", "-q"]) == []


def test_validate_imports_its_libraries_with_the_collector_paused():
    """No collection walks pandas, pandera and the rest while they import (each found nothing
    to free and cost ~6 ms), and what they made is frozen out of later collections' way."""
    export = Path(__file__).parent.parent / "sample_data" / "c1" / "baseline-c1-msforms.xlsx"
    args = ["validate", str(export), "-i", "baseline@1", "-c", "c1", "--wave", "baseline", "-q"]
    probe = ("import gc, json, sys\nfrom evaluate.cli import main\n"
             "importing = []  # a collection once pandas loads and before the pipeline is ready\n"
             "def heard(phase, info):\n"
             "    pipeline = sys.modules.get('evaluate.ingest.pipeline')\n"
             "    if phase == 'start' and 'pandas' in sys.modules and not hasattr(pipeline, "
             "'ingest_file'):\n"
             "        importing.append(info['generation'])\n"
             "gc.callbacks.append(heard)\n"
             f"sys.argv = ['evaluate', *{args!r}]\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print(json.dumps([importing, gc.get_freeze_count(), gc.isenabled()]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    importing, frozen, enabled = json.loads(done.stdout.strip().splitlines()[-1])
    assert importing == [] and enabled
    assert frozen > 50_000  # pandas, pandera, numpy and pyarrow's objects


def test_validate_without_a_workspace_loads_no_workspace_code():
    """Checking an export stores nothing: the workspace's storage code stays unloaded unless
    --workspace is given (the labels are checked by evaluate.labels)."""
    export = Path(__file__).parent.parent / "sample_data" / "c1" / "baseline-c1-msforms.xlsx"
    probe = ("import json, sys\nfrom evaluate.cli import main\n"
             f"sys.argv = ['evaluate', 'validate', {str(export)!r}, '-i', 'baseline@1', "
             "'-c', ' c1 ', '--wave', 'baseline', '-q']\n"
             "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('evaluate.workspace'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_collector_is_left_alone_outside_the_command_process():
    import gc

    from evaluate.cli.collector import loading_libraries

    frozen = gc.get_freeze_count()
    with loading_libraries():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_report_with_stored_results_loads_only_what_drawing_needs(demo_outputs, tmp_path):
    import shutil

    # the demo's workspace: analysed, results stored, the report's workbooks and csv kept
    ws = shutil.copytree(demo_outputs["workspace"], tmp_path / "ws")
    assert _loaded_by_command(["report", str(ws), "--out", str(tmp_path / "r"), "-q"]) == []
    assert (tmp_path / "r" / "tables.xlsx").read_bytes() == Path(demo_outputs["tables"]).read_bytes()


def test_analyse_writes_the_report_tables_without_the_page_templates(demo_outputs, tmp_path):
    """`evaluate analyse` writes the report's tables.xlsx from a dashboard page it never
    draws: Jinja2 is loaded only to draw one."""
    import shutil

    ws = shutil.copytree(demo_outputs["workspace"], tmp_path / "ws")
    shutil.rmtree(ws / "results")
    assert _loaded_by_command(["analyse", str(ws), "--out", str(tmp_path / "a"), "-q"],
                              watch=("jinja2", "openpyxl")) == ["openpyxl"]
    assert (ws / "results" / "tables.xlsx").is_file()


def test_igraph_keeps_its_matplotlib_drawing_for_library_users():
    # matplotlib is hidden from igraph only in the command's own process
    pytest.importorskip("matplotlib")
    code = ("from evaluate.igraph_import import igraph\n"
            "ig = igraph()\n"
            "assert 'matplotlib' in sys.modules, 'a library user lost igraph matplotlib drawing'\n")
    _loaded_after(code)


@pytest.mark.parametrize("ask", ["keep_freed_memory", "return_freed_memory"])
def test_the_allocator_is_asked_only_on_linux(monkeypatch, ask):
    from evaluate.cli import allocator

    probe = (f"import sys\nfrom evaluate.cli.allocator import {ask}\n"
             f"print({ask}())")
    asked = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.strip()  # in a process of its own: it stays
    assert asked == str(sys.platform.startswith("linux") and "glibc" in _libc())
    monkeypatch.setattr(allocator.sys, "platform", "darwin")
    assert getattr(allocator, ask)() is False


def _libc() -> str:
    import platform

    return platform.libc_ver()[0]
