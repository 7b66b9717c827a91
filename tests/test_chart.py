"""Charts drawn as plain data give plotly.js exactly what plotly.py's figures gave it.

Every chart function of :mod:`evaluate.report.figures` and
:mod:`evaluate.report.network_figures` is run twice: as it is
(:class:`evaluate.report.chart.Chart`, no validation) and with the chart
building blocks swapped for plotly.py's own (``go.Figure``, ``go.Scatter``,
``go.Bar``, ``make_subplots``, validated, written by ``plotly.io.to_json``),
as the dashboard drew them before. The figure data must be the same text.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from evaluate.report import chart
from evaluate.report import figures as F
from evaluate.report import network_figures as NF
from evaluate.report.dashboard import render_dashboard
from evaluate.report.page import plotly_js
from tests.test_network_pictures_scale import _network
from tests.test_report import synthetic_context, synthetic_results


class _PlotlyChart:
    """A figure built by plotly.py itself, with :class:`~evaluate.report.chart.Chart`'s API."""

    def __init__(self, fig: go.Figure | None = None) -> None:
        self.fig = fig if fig is not None else go.Figure()

    @property
    def data(self) -> list[dict]:
        return [t.to_plotly_json() for t in self.fig.data]

    @property
    def layout(self) -> dict:
        return self.fig.layout.to_plotly_json()

    def add_trace(self, one, *, col=None) -> None:
        if col is None:
            self.fig.add_trace(one)
        else:
            self.fig.add_trace(one, row=1, col=col)

    def update_layout(self, **changes) -> None:
        self.fig.update_layout(**changes)

    def update_axes(self, axis: str, **changes) -> None:
        (self.fig.update_xaxes if axis == "x" else self.fig.update_yaxes)(**changes)

    def to_plotly_json(self) -> dict:
        return json.loads(pio.to_json(self.fig, validate=False, pretty=False, engine="json"))

    def to_json(self) -> str:
        return json.dumps(self.to_plotly_json(), separators=(",", ":"), allow_nan=False)


def _plotly_trace(kind: str, **props):
    return {"scatter": go.Scatter, "bar": go.Bar}[kind](**props)


def _plotly_subplots(cols: int, *, spacing: float, titles: list[str]) -> _PlotlyChart:
    return _PlotlyChart(make_subplots(rows=1, cols=cols, horizontal_spacing=spacing,
                                      subplot_titles=titles))


@pytest.fixture
def by_plotly(monkeypatch):
    """Run a callable with the charts built by plotly.py, as before."""
    def run(fn, *args, **kwargs):
        with monkeypatch.context() as m:
            for module in (F, NF):
                m.setattr(module, "Chart", _PlotlyChart)
                m.setattr(module, "trace", _plotly_trace)
            m.setattr(NF, "subplots", _plotly_subplots)
            return fn(*args, **kwargs)
    return run


def _text(fig) -> str:
    return json.dumps(fig.to_plotly_json(), separators=(",", ":"), allow_nan=False)


def _specs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<script type="application/json" data-figure="([^"]+)">(.*?)</script>',
                           html, flags=re.S))


def test_every_chart_of_the_page_is_the_same_text_as_plotly_wrote_it(by_plotly):
    results, context = synthetic_results(), synthetic_context()
    before = _specs(by_plotly(render_dashboard, results, context))
    after = _specs(render_dashboard(results, context))
    assert len(before) >= 8
    assert after == before


def test_each_chart_function_and_its_edge_cases_match_plotly(by_plotly):
    r = synthetic_results()
    pre = r["prepost"]
    pre = pre.assign(lo=pre["mean_pre"] - 0.1, hi=pre["mean_pre"] + 0.1,
                     gap=np.where(np.arange(len(pre)) % 2 == 0, np.nan, pre["n_pairs"]))
    dist = r["item_distribution"]
    likert = dist[dist["item"] == "see_the_system"]
    order = list(likert.sort_values("code")["label"].unique())
    small, large = _network(30, 80), _network(900, 2000)
    three = small[0].assign(wave=small[0]["wave"].replace({"end": "mid"}))
    calls = [
        (F.dumbbell, (pre, "title", "mean_pre", "mean_post"),
         dict(start_low="lo", start_high="hi", end_low="lo", end_high="hi", hover=["gap"],
              title="Rose", x_range=(1, 5))),
        (F.dumbbell, (pre, "title", "mean_pre", "mean_post"), dict(hover=["n_pairs", "gap"])),
        (F.forest, (pre, "title", "g_av", "g_av_ci95_low", "g_av_ci95_high"),
         dict(color="comparison", hover=["gap"], title="Change")),
        (F.forest, (pre, "title", "g_av", "g_av_ci95_low", "g_av_ci95_high"), {}),
        (F.diverging_likert, (likert, "item_text", "label", "share"),
         dict(order=order, subrow="wave", neutral=order[2], n="n", title="Agreed")),
        (F.diverging_likert, (likert[likert["wave"] == "end"], "item_text", "label", "share"),
         dict(order=order)),
        (F.dot_interval, (pre, "title", "mean_post"),
         dict(low="lo", high="hi", color="comparison", hover=["gap"], grouped=True,
              x_range=(0, 6))),
        (F.dot_interval, (pre, "title", "mean_post"), dict(hover=["n_pairs"])),
        (F.grouped_bar, (pre.assign(label=pre["n_pairs"].astype(str)), "title", "mean_post"),
         dict(color="comparison", patterns=["", "/"], text="label", y_format=".1f",
              y_range=(0, 5), hover=["gap"])),
        (F.grouped_bar, (pre, "title", "n_pairs"), {}),
        (NF.network_pictures, small, dict(waves=["baseline", "end"], title="Ties")),
        (NF.network_pictures, (pd.concat([small[0], three]), small[1]),
         dict(waves=["baseline", "mid", "end"], colour_by=("sector",))),
        (NF.network_pictures, large, dict(waves=["baseline", "end"])),
        (NF.network_pictures, (r["network_layout_nodes"], r["network_layout_edges"]),
         dict(waves=["baseline", "end"])),
    ]
    for fn, args, kwargs in calls:
        assert _text(fn(*args, **kwargs)) == _text(by_plotly(fn, *args, **kwargs)), fn.__name__


def test_the_narrow_layouts_read_the_chart_as_before(by_plotly):
    dist = synthetic_results()["item_distribution"]
    likert = dist[dist["item"] == "see_the_system"]
    order = list(likert.sort_values("code")["label"].unique())
    for fn in (lambda: F.likert_narrow(F.diverging_likert(likert, "item_text", "label", "share",
                                                          order=order, subrow="wave")),
               lambda: F.key_above(F.forest(synthetic_results()["prepost"], "title", "g_av",
                                            "g_av_ci95_low", "g_av_ci95_high"), "change")):
        assert fn() == by_plotly(fn)


def test_plotly_js_and_template_are_plotly_pys_own():
    assert str(plotly_js()) == get_plotlyjs().replace("</script", "<\\/script")
    assert chart.plotly_template() == json.loads(pio.to_json(go.Figure()))["layout"]["template"]
