"""Build step: ship the top-level ``instruments/`` and ``sample_data/`` inside the wheel.

The project keeps both folders at the top of the repository, where programme
leads find and edit them. The wheel carries copies under
``evaluate/shipped/``, so an installed ``evaluate`` finds its instruments and
the sample programme (see ``evaluate.shipped``). Everything else about the build
is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("instruments", "sample_data")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


class build_py_with_shipped(build_py):
    """``build_py`` that also copies the shipped folders into ``evaluate/shipped/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders where they are
        root = Path(__file__).resolve().parent
        for name in SHIPPED:
            target = Path(self.build_lib) / "evaluate" / "shipped" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(root / name, target, ignore=_SKIP)


setup(cmdclass={"build_py": build_py_with_shipped})
