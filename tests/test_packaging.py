"""The installed package carries what it needs: shipped instruments and the sample programme.

The full check (build the wheel, install it in a fresh venv outside the
checkout, run ``evaluate instruments list`` and ``evaluate demo`` from an empty
folder) is ``.ci/wheel-check``, run by CI; these tests check the build step and
the lookup quickly.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import evaluate.resources as resources

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def test_build_step_ships_instruments_and_sample_data(tmp_path):
    build_lib = tmp_path / "lib"
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build_lib)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for name in ("instruments", "sample_data"):
        shipped = _files(build_lib / "evaluate" / "shipped" / name)
        assert shipped == _files(ROOT / name), f"{name}/ differs in the build"
    assert (build_lib / "evaluate" / "report" / "templates" / "base.html").is_file()


def test_sdist_manifest_grafts_the_shipped_folders():
    lines = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert "graft instruments" in lines and "graft sample_data" in lines


def _fake_install(root: Path) -> Path:
    package = root / "site-packages" / "evaluate"
    (package / "shipped" / "instruments").mkdir(parents=True)
    (package / "shipped" / "instruments" / "programme.yaml").write_text("name: x\n")
    return package


def test_installed_copy_is_found_and_a_stranger_folder_is_not(tmp_path, monkeypatch):
    package = _fake_install(tmp_path)
    # an unrelated instruments/ beside the installed package (another project's)
    stranger = tmp_path / "site-packages" / "sample_data"
    stranger.mkdir()
    (stranger / "manifest.yaml").write_text("exports: []\n")
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert resources.shipped_dir("instruments") == package / "shipped" / "instruments"
    assert resources.shipped_dir("sample_data") is None


def test_checkout_folders_are_found_from_a_clone(tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    (clone / "evaluate").mkdir(parents=True)
    (clone / "pyproject.toml").write_text("")
    (clone / "sample_data").mkdir()
    (clone / "sample_data" / "manifest.yaml").write_text("exports: []\n")
    monkeypatch.setattr(resources, "_PACKAGE", clone / "evaluate")
    assert resources.shipped_dir("sample_data") == clone / "sample_data"
    assert resources.shipped_dir("instruments") is None


def test_missing_shipped_folders_are_said_plainly(tmp_path, monkeypatch):
    from evaluate.demo import sample_data_dir
    from evaluate.errors import InstrumentError, WorkspaceError
    from evaluate.instruments import default_instrument_dir

    monkeypatch.setattr(resources, "_PACKAGE", tmp_path / "evaluate")
    with pytest.raises(InstrumentError, match="reinstall programme-evaluate"):
        default_instrument_dir()
    with pytest.raises(WorkspaceError, match="--sample-data DIR"):
        sample_data_dir()
