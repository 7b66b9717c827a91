"""Finding Chromium and Playwright for the browser tests (the fixture is in conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

__all__ = ["ARTIFACTS", "CHROMIUM_ARGS", "chromium_path", "need_browser"]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """Debian's chromium (or the one named in EVALUATE_CHROMIUM)."""
    for candidate in (os.environ.get("EVALUATE_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def need_browser() -> str:
    """The Chromium to use; skip (or fail under EVALUATE_REQUIRE_BROWSER=1) without one."""
    required = os.environ.get("EVALUATE_REQUIRE_BROWSER") == "1"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("EVALUATE_REQUIRE_BROWSER=1 but the playwright package is not installed "
                        "(pip install playwright; do not run `playwright install`)")
        pytest.skip("the playwright package is not installed (pip install playwright)")
    path = chromium_path()
    if path is None:
        if required:
            pytest.fail("EVALUATE_REQUIRE_BROWSER=1 but chromium is not installed "
                        "(apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); the browser test "
                    "runs in CI, where it is")
    return path
