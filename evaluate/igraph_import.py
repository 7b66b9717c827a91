"""python-igraph, imported without the plotting library it loads for its drawings.

A leaf module (it imports nothing from the package), so the command can set
:data:`HIDE_MATPLOTLIB` before anything else loads.

``import igraph`` imports ``matplotlib.pyplot`` whenever matplotlib is
installed (about half a second) for drawings we never make: the network
pictures are Plotly. In the ``evaluate`` command's own process (where
:data:`HIDE_MATPLOTLIB` is set by :func:`evaluate.cli.main`), :func:`igraph`
imports it with matplotlib hidden, so igraph keeps its placeholder for
matplotlib drawing instead, unless matplotlib is already loaded (then igraph
takes it as usual). Used as a library, in a notebook or another program,
igraph is imported as usual, so its matplotlib drawing keeps working there.
"""

from __future__ import annotations

import sys
import types

__all__ = ["HIDE_MATPLOTLIB", "igraph"]

#: Hide matplotlib while igraph is imported (set only by the ``evaluate`` command).
HIDE_MATPLOTLIB = False


def igraph() -> types.ModuleType:
    """The ``igraph`` module; in the command's process, imported without matplotlib.

    >>> igraph().Graph(n=3).vcount()
    3
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hide = HIDE_MATPLOTLIB and "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # an import of it raises ImportError meanwhile
    try:
        import igraph as ig
    finally:
        if hide and sys.modules.get("matplotlib", 0) is None:
            del sys.modules["matplotlib"]
    return ig
