"""Shared fixtures: the sample programme imported once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data"


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory):
    """A workspace holding every sample export (as `evaluate demo` builds it)."""
    from evaluate.demo import build_demo_workspace

    ws, outcomes = build_demo_workspace(tmp_path_factory.mktemp("demo") / "workspace", SAMPLE)
    return ws, outcomes


@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory):
    """Everything `evaluate demo` writes (dashboard, tables.xlsx, csv tables, workspace)."""
    from evaluate.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo-report") / "demo", SAMPLE)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (skipped without one, see browser_support)."""
    from tests.browser_support import CHROMIUM_ARGS, need_browser

    path = need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def demo_personal(demo_outputs, tmp_path_factory):
    """`evaluate report WS --out R --personal P` on the demo workspace, as a lead would run it.

    Returns a dict: ``workspace``, ``report`` (the commissioners' folder) and ``personal``
    (the personal pages' folder).
    """
    from click.testing import CliRunner

    from evaluate.cli import cli

    root = tmp_path_factory.mktemp("personal")
    ws = Path(demo_outputs["workspace"])
    report, personal = root / "report", root / "personal-pages"
    result = CliRunner().invoke(cli, ["report", str(ws), "--out", str(report),
                                      "--personal", str(personal)])
    assert result.exit_code == 0, result.output
    return {"workspace": ws, "report": report, "personal": personal, "output": result.output}
