"""python-igraph, imported without the plotting library it loads for its drawings.

``import igraph`` imports ``matplotlib.pyplot`` whenever matplotlib is
installed (about half a second) for drawings we never make: the network
pictures are Plotly. :func:`igraph` imports it with matplotlib hidden, so
igraph keeps its placeholder for matplotlib drawing instead, unless matplotlib
is already loaded (then igraph takes it as usual).
"""

from __future__ import annotations

import sys
import types

__all__ = ["igraph"]


def igraph() -> types.ModuleType:
    """The ``igraph`` module, imported without matplotlib if matplotlib is not loaded yet.

    >>> igraph().Graph(n=3).vcount()
    3
    """
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hide = "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # an import of it raises ImportError meanwhile
    try:
        import igraph as ig
    finally:
        if hide and sys.modules.get("matplotlib", 0) is None:
            del sys.modules["matplotlib"]
    return ig
