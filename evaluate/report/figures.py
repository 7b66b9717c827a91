"""Chart functions for the dashboard, in the manner of ``plotly.express``.

Each function takes a tidy DataFrame first, then the names of the columns to
draw, then styling, and returns a :class:`evaluate.report.chart.Chart` (plotly.js figure
data, built without plotly.py's validation). Every
trace carries hover text; colours come from the Okabe–Ito palette, which
stays distinguishable with the common forms of colour blindness; titles are
passed in by the caller, who writes them as the finding in plain English.

Shared parameters
-----------------
data : DataFrame
    The tidy table to draw (one row per mark).
title : str
    The finding, in plain English ("Seven of eight scales rose ...").
hover : list of str, optional
    Extra columns shown in the hover box, as "column: value".
height : int, optional
    Figure height in pixels (width follows the page).

Errors
------
A column that is not in ``data`` raises :class:`evaluate.errors.ReportError`
listing the columns that are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluate.errors import ReportError
from evaluate.report.chart import Chart, trace
from evaluate.report.colours import (
    LIKERT_COLOURS,
    OKABE_ITO,
    WAVE_COLOURS,
)

__all__ = [
    "ReportError",
    "check_columns",
    "OKABE_ITO",
    "WAVE_COLOURS",
    "base_layout",
    "colour_map",
    "dumbbell",
    "forest",
    "diverging_likert",
    "likert_narrow",
    "key_above",
    "dot_interval",
    "grouped_bar",
    "wrap_text",
    "LIKERT_COLOURS",
]


_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon"]


def check_columns(data: pd.DataFrame, *columns) -> None:
    """Refuse a table without the columns a chart draws (:class:`ReportError` names those it has)."""
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        raise ReportError(
            f"The table to draw has no column {', '.join(map(repr, missing))}; it has: "
            f"{', '.join(map(str, data.columns)) or 'no columns'}."
        )


def base_layout(title: str, *, height: int = 420, **extra) -> dict:
    """Layout shared by every chart: system fonts (no web fonts), white background."""
    layout = dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=17)) if title else None,
        font=dict(family=_FONT, size=13, color="#222222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        margin=dict(l=10, r=20, t=70 if title else 36, b=50),
        hoverlabel=dict(font=dict(family=_FONT, size=13), align="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                    title=dict(text="")),
    )
    layout.update(extra)
    if layout["title"] is None:
        del layout["title"]
    return layout


def _axis(**extra) -> dict:
    axis = dict(gridcolor="#E5E5E5", zerolinecolor="#999999", automargin=True,
                linecolor="#888888", ticks="outside", tickcolor="#888888")
    axis.update(extra)
    return axis


def colour_map(values: Sequence, palette: Sequence[str] = OKABE_ITO) -> dict:
    """A stable colour per distinct value, in sorted order (missing values grey)."""
    distinct = sorted({str(v) for v in values if not _isna(v)})
    out = {v: palette[i % len(palette)] for i, v in enumerate(distinct)}
    return out


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _hover(data: pd.DataFrame, columns: Sequence[str] | None) -> tuple[np.ndarray | None, str]:
    """customdata and the hovertemplate lines for extra hover columns."""
    if not columns:
        return None, ""
    check_columns(data, *columns)
    custom = data[list(columns)].to_numpy(dtype=object, copy=True)
    custom[pd.isna(custom)] = "—"
    lines = "".join(f"<br>{c}: %{{customdata[{i}]}}" for i, c in enumerate(columns))
    return custom, lines


def dumbbell(
    data: pd.DataFrame,
    y: str,
    x_start: str,
    x_end: str,
    *,
    start_low: str | None = None,
    start_high: str | None = None,
    end_low: str | None = None,
    end_high: str | None = None,
    start_label: str = "before",
    end_label: str = "after",
    start_colour: str = WAVE_COLOURS[0],
    end_colour: str = WAVE_COLOURS[1],
    title: str = "",
    x_title: str = "",
    x_range: tuple[float, float] | None = None,
    hover: list[str] | None = None,
    height: int | None = None,
) -> Chart:
    """Two values per row joined by a line (before → after), with optional intervals.

    Parameters
    ----------
    y : str
        Column labelling each row (drawn top to bottom in table order).
    x_start, x_end : str
        The two values (e.g. mean at baseline and at the end).
    start_low, start_high, end_low, end_high : str, optional
        Interval ends drawn as error bars around each value.
    start_label, end_label : str
        Legend names of the two points.
    start_colour, end_colour : str
        Their colours (the page's colours of the two waves).
    """
    check_columns(data, y, x_start, x_end, start_low, start_high, end_low, end_high)
    d = data.reset_index(drop=True)
    labels = d[y].astype(str).tolist()
    custom, extra = _hover(d, hover)
    fig = Chart()
    lx, ly = [], []
    for a, b, lab in zip(d[x_start], d[x_end], labels, strict=True):
        lx += [a, b, None]
        ly += [lab, lab, None]
    fig.add_trace(trace("scatter", x=lx, y=ly, mode="lines", line=dict(color="#AAAAAA", width=3),
                        hoverinfo="skip", showlegend=False, name="change"))
    for col, lo, hi, name, colour, symbol in (
            (x_start, start_low, start_high, start_label, start_colour, "circle-open"),
            (x_end, end_low, end_high, end_label, end_colour, "circle")):
        err = None
        if lo is not None and hi is not None:
            err = dict(type="data", symmetric=False, array=(d[hi] - d[col]).to_numpy(),
                       arrayminus=(d[col] - d[lo]).to_numpy(), color=colour, thickness=1.5,
                       width=4)
        template = f"<b>%{{y}}</b><br>{name}: %{{x:.2f}}"
        if lo is not None and hi is not None:
            ci = np.column_stack([d[lo].to_numpy(dtype=float), d[hi].to_numpy(dtype=float)])
            cd = ci if custom is None else np.column_stack([ci, custom])
            template += "<br>95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f}"
            if custom is not None:
                template += "".join(f"<br>{c}: %{{customdata[{i + 2}]}}"
                                    for i, c in enumerate(hover or []))
        else:
            cd = custom
            template += extra
        fig.add_trace(trace(
            "scatter", x=d[col], y=labels, mode="markers", name=name, error_x=err, customdata=cd,
            marker=dict(size=13, color=colour, symbol=symbol, line=dict(width=2.5, color=colour)),
            hovertemplate=template + "<extra></extra>"))
    layout = base_layout(title, height=height or max(260, 90 + 46 * len(d)))
    layout["xaxis"] = _axis(title=dict(text=x_title), range=list(x_range) if x_range else None)
    layout["yaxis"] = _axis(autorange="reversed", ticks="")
    fig.update_layout(**layout)
    return fig


def forest(
    data: pd.DataFrame,
    y: str,
    x: str,
    low: str,
    high: str,
    *,
    color: str | None = None,
    colours: Sequence[str] | None = None,
    reference: float = 0.0,
    title: str = "",
    x_title: str = "",
    hover: list[str] | None = None,
    height: int | None = None,
    bands: Sequence[tuple[float, str]] = ((0.2, "small"), (0.5, "medium"), (0.8, "large")),
) -> Chart:
    """Effect sizes with their intervals, one row each, and a line at ``reference``.

    Parameters
    ----------
    x, low, high : str
        The estimate and its interval ends.
    color : str, optional
        Column whose values get one colour each (e.g. the comparison).
    colours : sequence of str, optional
        The colours of those values, in order of first appearance.
    bands : sequence of (value, label)
        Light guide lines with labels (Cohen's benchmarks by default).
    """
    check_columns(data, y, x, low, high, color)
    d = data.reset_index(drop=True)
    groups = [None] if color is None else list(dict.fromkeys(d[color].astype(str)))
    palette = list(colours) if colours else WAVE_COLOURS[1:]
    colours = {g: palette[i % len(palette)] for i, g in enumerate(groups)}
    fig = Chart()
    for i, g in enumerate(groups):
        part = d if g is None else d[d[color].astype(str) == g]
        custom, extra = _hover(part, hover)
        ci = np.column_stack([part[low].to_numpy(dtype=float), part[high].to_numpy(dtype=float)])
        cd = ci if custom is None else np.column_stack([ci, custom])
        more = "".join(f"<br>{c}: %{{customdata[{k + 2}]}}" for k, c in enumerate(hover or []))
        fig.add_trace(trace(
            "scatter", x=part[x], y=part[y].astype(str), mode="markers", name=g or x,
            showlegend=g is not None, orientation="h",
            marker=dict(size=11, color=colours[g], symbol=_SYMBOLS[i % len(_SYMBOLS)]),
            error_x=dict(type="data", symmetric=False,
                         array=(part[high] - part[x]).to_numpy(),
                         arrayminus=(part[x] - part[low]).to_numpy(), color=colours[g],
                         thickness=2, width=5),
            customdata=cd,
            hovertemplate=("<b>%{y}</b>" + (f" ({g})" if g else "") + f"<br>{x_title or x}: "
                           "%{x:.2f}<br>95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f}"
                           + more + "<extra></extra>")))
    layout = base_layout(title, height=height or max(280, 110 + 34 * d[y].nunique()))
    shapes = [dict(type="line", xref="x", yref="paper", x0=reference, x1=reference, y0=0,
                   y1=1, line=dict(color="#444444", width=1.5))]
    annotations = []
    for value, label in bands:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=value, x1=value, y0=0, y1=1,
                           line=dict(color="#BBBBBB", width=1, dash="dot")))
        annotations.append(dict(x=value, y=1, xref="x", yref="paper", yanchor="bottom",
                                text=label, showarrow=False, yshift=1,
                                font=dict(size=11, color="#666666")))
    layout["shapes"] = shapes
    layout["annotations"] = annotations
    layout["xaxis"] = _axis(title=dict(text=x_title), zeroline=False)
    # every row keeps its label, however small the chart is drawn (print)
    layout["yaxis"] = _axis(autorange="reversed", ticks="", type="category", tickmode="linear",
                            dtick=1)
    layout["margin"] = dict(l=10, r=20, t=110 if title else 66, b=60)
    # the key at the very top, above the small / medium / large labels of the guide lines
    layout["legend"] = dict(orientation="h", yref="container", y=1.0, yanchor="top",
                            xanchor="left", x=0)
    if len(groups) > 1:
        layout["scattermode"] = "group"
        layout["scattergap"] = 0.5
    fig.update_layout(**layout)
    return fig


def wrap_text(text: str, width: int = 42) -> str:
    """Break a long label into lines of at most ``width`` characters (joined by <br>)."""
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def key_above(fig: Chart, x_title: str, *, top: int = 80, extra: int = 60) -> dict:
    """How a chart with a key is drawn on a phone: the key above the plot (under it, it would
    cover the axis title), a shorter axis title, and the chart ``extra`` pixels taller.

    Returns the ``narrow`` argument of :meth:`evaluate.report.page.Page.figure`.
    """
    return {"height": int((fig.layout.get("height") or 450) + extra),
            "layout": {"legend": {"orientation": "h", "x": 0, "xref": "container",
                                  "xanchor": "left", "y": 1.0, "yref": "container",
                                  "yanchor": "top", "font": {"size": 11}},
                       "margin": {"t": top},
                       "xaxis": {"title": {"text": x_title}}}}


def likert_narrow(fig: Chart, width: int = 22) -> dict:
    """How :func:`diverging_likert`'s chart is drawn on a phone: each statement wrapped in
    lines of at most ``width`` characters, the chart as tall as they need, the key above it.

    Returns the ``narrow`` argument of :meth:`evaluate.report.page.Page.figure`.
    """
    y = fig.data[0].get("y") if fig.data else None
    if y is None or not len(y) or not isinstance(y[0], (list, tuple)):
        return {}
    statements = [str(s).replace("<br>", " ") for s in y[0]]
    wrapped = [wrap_text(s, width) for s in statements]
    lines: dict[str, tuple[int, int]] = {}
    for s, w in zip(statements, wrapped, strict=True):
        rows, n = lines.get(s, (0, w.count("<br>") + 1))
        lines[s] = (rows + 1, n)
    # plotly gives every bar the same height: the statement needing most room sets it
    per_bar = max([24.0] + [(14 * n + 10) / rows for rows, n in lines.values()])
    height = 230 + per_bar * len(statements)
    return {"y": [wrapped, list(y[1])], "height": int(height),
            "layout": {"font": {"size": 11},
                       "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                                  "yanchor": "bottom", "font": {"size": 11}},
                       "margin": {"l": 4, "r": 8, "t": 140, "b": 50},
                       "xaxis": {"title": {"text": "← disagree · agree →", "font": {"size": 10}}}}}


def diverging_likert(
    data: pd.DataFrame,
    y: str,
    category: str,
    share: str,
    *,
    order: Sequence[str],
    subrow: str | None = None,
    neutral: str | None = None,
    n: str | None = None,
    title: str = "",
    height: int | None = None,
) -> Chart:
    """Diverging stacked bars: disagreeing answers to the left of zero, agreeing to the right.

    Parameters
    ----------
    y : str
        Row label (e.g. the statement); rows are drawn in table order.
    category : str
        The answer label; ``order`` lists them from most negative to most
        positive.
    share : str
        Share of the row's answers (0–1) in that category.
    subrow : str, optional
        A second level under each row (e.g. the wave), drawn as a grouped axis.
    neutral : str, optional
        The middle answer, split half each side of zero.
    n : str, optional
        Count column shown in the hover box.
    """
    check_columns(data, y, category, share, n, subrow)
    d = data.reset_index(drop=True)
    keys = [y] if subrow is None else [y, subrow]
    rows = list(dict.fromkeys(map(tuple, d[keys].astype(str).to_numpy().tolist())))
    order = list(order)
    mid = order.index(neutral) if neutral in order else None
    colours = LIKERT_COLOURS if len(order) == 5 else [
        OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(order))]
    half = mid if mid is not None else len(order) // 2
    plot_order = []
    if mid is not None:
        plot_order.append((order[mid], "neg-half"))
    plot_order += [(c, "neg") for c in reversed(order[:half])]
    if mid is not None:
        plot_order.append((order[mid], "pos-half"))
    plot_order += [(c, "pos") for c in order[(mid + 1) if mid is not None else half:]]
    if subrow is None:
        y_axis = [wrap_text(r[0], 60) for r in rows]
        hover_row = "%{y}"
    else:
        y_axis = [[wrap_text(r[0], 54) for r in rows], [r[1] for r in rows]]
        hover_row = "%{customdata[2]}"
    labels = [" — ".join(r) for r in rows]
    fig = Chart()
    row_key = d[keys].astype(str).apply(tuple, axis=1)
    for cat, side in plot_order:
        mask = (d[category].astype(str) == cat).to_numpy()
        part = d[mask].set_index(row_key[mask]).reindex(rows)
        values = part[share].astype(float).fillna(0.0).to_numpy()
        counts = part[n].astype(float).to_numpy() if n else np.full(len(rows), np.nan)
        shown = values / 2 if side.endswith("half") else values
        sign = -1 if side.startswith("neg") else 1
        fig.add_trace(trace(
            "bar", y=y_axis, x=sign * shown, orientation="h", name=cat,
            marker=dict(color=colours[order.index(cat)], line=dict(width=0)),
            showlegend=side != "neg-half", legendrank=1000 + order.index(cat),
            customdata=np.column_stack([values, counts, np.asarray(labels, dtype=object)]),
            hovertemplate=(f"<b>{hover_row}</b><br>" + cat + ": %{customdata[0]:.0%}"
                           + (" (%{customdata[1]:.0f} answers)" if n else "")
                           + "<extra></extra>")))
    layout = base_layout(title, height=height or max(320, 150 + 26 * len(rows)))
    layout["barmode"] = "relative"
    layout["bargap"] = 0.3
    layout["xaxis"] = _axis(tickformat=".0%", range=[-1, 1], zeroline=True, zerolinewidth=2,
                            title=dict(text="← disagree     share of answers     agree →"))
    layout["yaxis"] = _axis(autorange="reversed", ticks="",
                            type="multicategory" if subrow else "category",
                            dividercolor="#CCCCCC")
    layout["legend"] = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                            traceorder="normal", font=dict(size=12),
                            itemclick=False, itemdoubleclick=False)
    layout["margin"] = dict(l=10, r=20, t=90 if title else 36, b=50)
    fig.update_layout(**layout)
    # The traces stay in stacking order (each side from the zero line outwards); the
    # legend has its own order, most negative answer first, set by legendrank.
    return fig


def dot_interval(
    data: pd.DataFrame,
    y: str,
    x: str,
    *,
    low: str | None = None,
    high: str | None = None,
    color: str | None = None,
    color_order: Sequence[str] | None = None,
    palette: Sequence[str] = WAVE_COLOURS,
    title: str = "",
    x_title: str = "",
    x_range: tuple[float, float] | None = None,
    hover: list[str] | None = None,
    height: int | None = None,
    grouped: bool = False,
) -> Chart:
    """Dots (one per row and colour group) with optional interval bars, rows top to bottom;
    ``grouped``: each colour group's dot a little apart within its row, so that their
    interval bars do not hide each other."""
    check_columns(data, y, x, low, high, color)
    d = data.reset_index(drop=True)
    groups = [None] if color is None else list(color_order or dict.fromkeys(d[color].astype(str)))
    fig = Chart()
    n_rows = d[y].nunique()
    for i, g in enumerate(groups):
        part = d if g is None else d[d[color].astype(str) == g]
        if not len(part):
            continue
        colour = palette[i % len(palette)]
        err, cd, template = None, None, f"<b>%{{y}}</b>{' (' + g + ')' if g else ''}<br>{x_title or x}: %{{x:.2f}}"
        custom, _ = _hover(part, hover)
        if low is not None and high is not None:
            err = dict(type="data", symmetric=False, array=(part[high] - part[x]).to_numpy(),
                       arrayminus=(part[x] - part[low]).to_numpy(), color=colour, thickness=1.5,
                       width=4)
            cd = np.column_stack([part[low].to_numpy(dtype=float), part[high].to_numpy(dtype=float)])
            template += "<br>95% CI %{customdata[0]:.2f} to %{customdata[1]:.2f}"
            offset = 2
        else:
            offset = 0
        if custom is not None:
            cd = custom if cd is None else np.column_stack([cd, custom])
            template += "".join(f"<br>{c}: %{{customdata[{k + offset}]}}"
                                for k, c in enumerate(hover or []))
        fig.add_trace(trace(
            "scatter", x=part[x], y=part[y].astype(str), mode="markers", name=g or x,
            showlegend=g is not None, error_x=err, customdata=cd,
            orientation="h" if grouped else None,
            marker=dict(size=12, color=colour, symbol=_SYMBOLS[i % len(_SYMBOLS)],
                        line=dict(width=1, color="white")),
            hovertemplate=template + "<extra></extra>"))
    layout = base_layout(title, height=height or max(260, 110 + 36 * n_rows))
    layout["xaxis"] = _axis(title=dict(text=x_title), range=list(x_range) if x_range else None)
    # every row keeps its label, however small the chart is drawn (print)
    layout["yaxis"] = _axis(autorange="reversed", ticks="", type="category", tickmode="linear",
                            dtick=1)
    if grouped and len(groups) > 1:
        layout["scattermode"] = "group"
        layout["scattergap"] = 0.4
    fig.update_layout(**layout)
    return fig


def grouped_bar(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    color_order: Sequence[str] | None = None,
    palette: Sequence[str] = WAVE_COLOURS,
    patterns: Sequence[str] | None = None,
    text: str | None = None,
    title: str = "",
    y_title: str = "",
    y_format: str = "",
    y_range: tuple[float, float] | None = None,
    hover: list[str] | None = None,
    height: int | None = None,
) -> Chart:
    """Vertical bars, grouped side by side by ``color`` (e.g. the wave).

    Parameters
    ----------
    text : str, optional
        Column of ready-formatted labels printed on the bars.
    y_format : str
        d3 format of the y values (".0%" for shares).
    patterns : sequence of str, optional
        Fill pattern per colour group ("" for none, "/", "." …), so that colour is
        not the only cue.
    """
    check_columns(data, x, y, color, text)
    d = data.reset_index(drop=True)
    groups = [None] if color is None else list(color_order or dict.fromkeys(d[color].astype(str)))
    fig = Chart()
    for i, g in enumerate(groups):
        part = d if g is None else d[d[color].astype(str) == g]
        if not len(part):
            continue
        custom, extra = _hover(part, hover)
        fig.add_trace(trace(
            "bar", x=part[x].astype(str), y=part[y], name=g or y, showlegend=g is not None,
            marker=dict(color=palette[i % len(palette)],
                        pattern=dict(shape=patterns[i % len(patterns)], fgcolor="white",
                                     size=7, solidity=0.3) if patterns else None),
            text=part[text] if text else None, textposition="outside" if text else None,
            cliponaxis=False, customdata=custom,
            hovertemplate=(f"<b>%{{x}}</b>{' — ' + g if g else ''}<br>{y_title or y}: "
                           f"%{{y:{y_format or '.2f'}}}" + extra + "<extra></extra>")))
    layout = base_layout(title, height=height or 400)
    layout["barmode"] = "group"
    layout["xaxis"] = _axis(type="category", ticks="")
    layout["yaxis"] = _axis(title=dict(text=y_title), tickformat=y_format or None,
                            range=list(y_range) if y_range else None)
    fig.update_layout(**layout)
    return fig


#: How each relation is drawn: dash style, legend label, shown when the page opens.
