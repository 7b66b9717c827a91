"""Where the shipped instruments and sample programme are, in a checkout or an installed wheel.

The repository keeps ``instruments/`` and ``sample_data/`` at its top level.
A wheel carries copies of both inside the package, under ``evaluate/shipped/``
(the build step in ``setup.py`` puts them there), so the same code finds them
whether ``evaluate`` runs from a clone (editable install) or from
``pip install programme-evaluate``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SHIPPED", "shipped_dir"]

#: The folders the wheel carries, and a file each must hold.
SHIPPED = {"instruments": "programme.yaml", "sample_data": "manifest.yaml"}

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path | None:
    """The shipped folder ``name`` (``"instruments"`` or ``"sample_data"``), or None.

    An installed wheel's copy (``evaluate/shipped/NAME``) comes first; from a
    checkout, the repository's top-level folder (recognised by the
    ``pyproject.toml`` beside it, so that an unrelated ``instruments/`` next
    to an installed package is never taken for ours).

    Examples
    --------
    >>> shipped_dir("instruments").joinpath("programme.yaml").is_file()
    True
    """
    marker = SHIPPED[name]
    installed = _PACKAGE / "shipped" / name
    if (installed / marker).is_file():
        return installed
    root = _PACKAGE.parent
    checkout = root / name
    if (root / "pyproject.toml").is_file() and (checkout / marker).is_file():
        return checkout
    return None
