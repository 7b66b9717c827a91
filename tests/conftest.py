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
