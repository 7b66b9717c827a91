"""A chart as plain plotly.js figure data, written as plotly.py writes it.

The dashboard hands each chart to plotly.js as JSON. Building it with
``plotly.graph_objects`` validated every property on the way in (most of the
time the page took to draw); a :class:`Chart` is the same figure as plain
dicts and lists, and :meth:`Chart.to_plotly_json` gives the data plotly.py's
``to_json`` gives for the figure built from the same settings: the same
template, the same order of keys, numbers arrays as typed arrays
(``{"dtype": "f8", "bdata": ...}``), text arrays as lists, NaN as null.
``tests/test_chart.py`` holds it to plotly.py's own output (validated).

The order of keys is plotly.py's: a trace's settings in alphabetical order
with its ``type`` last (:func:`trace`); a layout's in the order they were
given, nested settings (dicts) before plain values at each level
(:meth:`Chart.update_layout`).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Chart", "trace", "subplots", "plotly_template", "plotly_js_path"]

#: numpy dtypes plotly.js reads as typed arrays, and their short names
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
          "uint32": "u4", "float32": "f4", "float64": "f8"}
#: keys whose arrays plotly.py leaves as lists
_NOT_TYPED = {"geojson", "layer", "layers", "range"}


def _plotly_dir() -> Path:
    """plotly.py's folder, found without importing it."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("plotly is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def plotly_js_path() -> Path:
    """plotly.js as plotly.py ships it (what ``plotly.offline.get_plotlyjs`` reads)."""
    return _plotly_dir() / "package_data" / "plotly.min.js"


@cache
def _template_text() -> str:
    raw = json.loads((_plotly_dir() / "package_data" / "templates" / "plotly.json")
                     .read_text(encoding="utf-8"))
    return json.dumps({"data": raw["data"], "layout": raw["layout"]})


def plotly_template() -> dict:
    """plotly.py's default template ("plotly"), as its figures carry it (a fresh copy)."""
    return json.loads(_template_text())


def _constructed(props: dict) -> dict:
    """Settings as a plotly.py constructor stores them: sorted, None left out."""
    out = {}
    for key in sorted(props):
        value = props[key]
        if value is None:
            continue
        if isinstance(value, dict):
            value = _constructed(value)
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
            value = [_constructed(v) for v in value]
        out[key] = value
    return out


def trace(kind: str, **props) -> dict:
    """One trace (``go.Scatter(**props)`` for ``kind="scatter"``) as plain data."""
    out = _constructed(props)
    out["type"] = kind
    return out


def _update(target: dict, changes: dict) -> None:
    """Merge ``changes`` into ``target`` as ``fig.update_layout`` does: nested settings are
    created first (in the order given), then the plain values are set in the order given."""
    for key, value in changes.items():
        if isinstance(value, dict) and (value or key in target):
            _update(target.setdefault(key, {}), value)
    for key, value in changes.items():
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
            value = [_constructed(v) for v in value]
        target[key] = value


class Chart:
    """A figure: its traces (:func:`trace`) and its layout, as plotly.js reads them."""

    def __init__(self, layout: dict | None = None) -> None:
        self.data: list[dict] = []
        self.layout: dict = {}
        if layout:
            _update(self.layout, layout)

    def add_trace(self, one: dict, *, col: int | None = None) -> None:
        """Add a trace; ``col``: the picture of :func:`subplots` it is drawn in."""
        if col is not None:
            one["xaxis"] = "x" if col == 1 else f"x{col}"
            one["yaxis"] = "y" if col == 1 else f"y{col}"
        self.data.append(one)

    def update_layout(self, **changes) -> None:
        _update(self.layout, changes)

    def update_axes(self, axis: str, **changes) -> None:
        """Change every x (``axis="x"``) or y axis, as ``fig.update_xaxes`` does."""
        for key in [k for k in self.layout if k == f"{axis}axis" or
                    k.startswith(f"{axis}axis") and k[5:].isdigit()]:
            _update(self.layout[key], changes)

    def to_plotly_json(self) -> dict:
        """The figure as plotly.py's ``to_json`` gives it (template included), fresh data."""
        layout = {"template": plotly_template(), **self.layout}
        return {"data": [_plain(t) for t in self.data], "layout": _plain(layout)}

    def to_json(self) -> str:
        return json.dumps(self.to_plotly_json(), separators=(",", ":"), allow_nan=False)


def subplots(cols: int, *, spacing: float, titles: list[str]) -> Chart:
    """Pictures side by side in one row (``make_subplots(rows=1, cols=cols,
    horizontal_spacing=spacing, subplot_titles=titles)``): their axes and titles."""
    width = (1.0 - spacing * (cols - 1)) / cols
    layout: dict = {}
    annotations = []
    for c in range(cols):
        start = sum([width] * c) + c * spacing
        domain = [start + 0.0, start + width - 0.0]
        n = "" if c == 0 else str(c + 1)
        layout[f"xaxis{n}"] = {"anchor": f"y{n}", "domain": domain}
        layout[f"yaxis{n}"] = {"anchor": f"x{n}", "domain": [0.0, 1.0]}
        if c < len(titles) and titles[c]:
            annotations.append({"font": {"size": 16}, "showarrow": False, "text": titles[c],
                                "x": sum(domain) / 2.0, "xanchor": "center", "xref": "paper",
                                "y": 1.0, "yanchor": "bottom", "yref": "paper"})
    chart = Chart()
    chart.layout.update(layout)
    if annotations:
        chart.layout["annotations"] = annotations
    return chart


def _array(value) -> np.ndarray:
    """An array as plotly.py copies it: numbers kept, everything else as objects."""
    arr = value.to_numpy() if isinstance(value, (pd.Series, pd.Index)) else value
    if arr.dtype.kind in "uif":
        return np.ascontiguousarray(arr)
    if arr.dtype.kind not in "OM":
        return np.array(value, dtype="object")
    return arr


def _typed(arr: np.ndarray):
    """A numbers array as plotly.js's typed array (as plotly.py writes it), else a list."""
    if arr.size and arr.dtype.kind in "iu" and str(arr.dtype) in ("int64", "uint64"):
        lo, hi = arr.min(), arr.max()
        for small in (("int8", "int16", "int32") if arr.dtype.kind == "i"
                      else ("uint8", "uint16", "uint32")):
            info = np.iinfo(small)
            if lo >= info.min and hi <= info.max:
                arr = arr.astype(small)
                break
    if arr.size and str(arr.dtype) in _TYPED:
        out = {"dtype": _TYPED[str(arr.dtype)], "bdata": base64.b64encode(arr).decode("ascii")}
        if arr.ndim > 1:
            out["shape"] = str(arr.shape)[1:-1]
        return out
    return _plain(arr.tolist())


def _plain(value, key: str = ""):
    """``value`` as plain JSON data, as plotly.py writes it."""
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, (np.ndarray, pd.Series, pd.Index)):
        arr = _array(value)
        return _plain(arr.tolist()) if key in _NOT_TYPED else _typed(arr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # plotly.py writes NaN and infinities as null
    return value
