"""A person's own network at two waves, drawn as the cohort pictures are drawn.

:func:`ego_pictures` draws a person and the people *they* named, side by side
at two waves, every person in the place the cohort picture gives them (the view
zoomed to the people drawn, the same at both waves), in the
same colours and marker shapes, with the same line styles (worked with:
solid; advice: dashed; knew before: dotted, off until clicked in the key)
and new ties thicker in vermillion. Only the person's own answers are drawn:
no line between two people they named, no sign of who named whom else.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evaluate.network.ties import RELATIONS
from evaluate.report.colours import Colours
from evaluate.report.figures import (
    _check_columns,
    people_groups,
    pictures_layout,
    tie_lines,
)

__all__ = ["ego_pictures", "RELATION_WORDS"]

#: Each relation as the page says it.
RELATION_WORDS = {"worked_with": "worked with", "advice": "went to for advice",
                  "knew_before": "knew before"}


def _relations_at(ties: pd.DataFrame, end: str) -> pd.Series:
    """"worked with, went to for advice" per row: the relations named at one wave."""
    words = pd.Series("", index=ties.index, dtype=object)
    for r in RELATIONS:
        col = f"{r}_{end}"
        if col in ties.columns:
            on = ties[col].fillna(False).astype(bool)
            words = words.where(~on, words.where(words == "", words + ", ") + RELATION_WORDS[r])
    return words.where(words != "", "not named")


def ego_pictures(
    people: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    waves: Sequence[str],
    colour_by: Sequence[str] = ("sector", "organisation", "place"),
    colours: Colours | None = None,
    wave_titles: Sequence[str] | None = None,
    wave_names: Sequence[str] | None = None,
    height: int = 520,
) -> go.Figure:
    """The person and the people they named, at two waves, in the cohort picture's places.

    Parameters
    ----------
    people : DataFrame
        One row per person drawn: ``participant, label, x, y, is_ego`` and
        the attribute columns (as coarsened for the cohort picture). ``label``
        is what the picture calls them ("You", or the name the person gave).
    ties : DataFrame
        The person's rows of :func:`evaluate.network.ego.ego_ties`:
        ``alter`` and one boolean column per relation and wave
        (``worked_with_from`` … ``advice_to``).
    waves : sequence of two str
        The waves, left and right.
    colour_by, colours, wave_titles, wave_names
        As :func:`evaluate.report.figures.network_pictures`.

    Returns
    -------
    plotly.graph_objects.Figure
        One picture per wave; at each, the person named there are drawn
        with a line from the person for every relation named.
    """
    _check_columns(people, "participant", "label", "x", "y", "is_ego")
    _check_columns(ties, "alter")
    waves = list(waves)
    ends = ["from", "to"][:len(waves)]
    names = dict(zip(waves, wave_names or waves, strict=True))
    colour_by = [a for a in colour_by if a in people.columns] or [None]
    colours = colours if colours is not None else Colours(waves=waves)
    fig = make_subplots(rows=1, cols=len(waves), horizontal_spacing=0.03,
                        subplot_titles=list(wave_titles or [names[w] for w in waves]))
    ego = people[people["is_ego"].astype(bool)]
    ex, ey = (float(ego["x"].iloc[0]), float(ego["y"].iloc[0])) if len(ego) else (0.0, 0.0)
    pos = people.set_index("participant")[["x", "y"]]
    relations = [r for r in RELATIONS if f"{r}_{ends[-1]}" in ties.columns
                 or f"{r}_{ends[0]}" in ties.columns]
    edge_visible: list = []
    shown: set = set()
    for k, end in enumerate(ends, start=1):
        for relation in relations:
            named = ties.get(f"{relation}_{end}", pd.Series(False, index=ties.index))
            named = named.fillna(False).astype(bool)
            # at the first wave nothing is new; at the second, new = not named at the first
            before = (ties.get(f"{relation}_from", pd.Series(False, index=ties.index))
                      .fillna(False).astype(bool) | (k == 1))
            for is_new in (False, True):
                part = ties[named & (~before if is_new else before)]
                xy = pos.reindex(part["alter"].astype(str))
                trace = tie_lines(np.full(len(part), ex), np.full(len(part), ey), xy["x"],
                                  xy["y"], relation=relation, is_new=is_new,
                                  since=names[waves[0]], shown=shown, width=0.9, opacity=0.7)
                fig.add_trace(trace, row=1, col=k)
                edge_visible.append(trace.visible)
    for k in range(1, len(ends) + 1):  # a black ring round the person, whatever their group
        ring = go.Scatter(x=[ex], y=[ey], mode="markers", name="you", showlegend=False,
                          hoverinfo="skip", visible=True,
                          marker=dict(symbol="circle-open", size=30, color="#000000",
                                      line=dict(width=2, color="#000000")))
        fig.add_trace(ring, row=1, col=k)
        edge_visible.append(True)
    node_traces = []
    in_legend: set = set()
    named_at = {end: set(ties.loc[ties[[f"{r}_{end}" for r in relations if f"{r}_{end}" in ties]]
                                  .any(axis=1), "alter"].astype(str)) if relations else set()
                for end in ends}
    said = {end: ties.set_index(ties["alter"].astype(str)).pipe(
        lambda t, e=end: _relations_at(t, e)) for end in ends}
    for j, attribute in enumerate(colour_by):
        key, values, groups = people_groups(people, attribute, colours)
        for group in groups:
            for k, (wave, end) in enumerate(zip(waves, ends, strict=True), start=1):
                here = people["is_ego"].astype(bool) | people["participant"].astype(str).isin(
                    named_at[end])
                part = people[here & (values.astype(str) == group).to_numpy()]
                colour = colours.group(key, group)
                is_ego = part["is_ego"].astype(bool).to_numpy()
                outline = "#333333" if colour == "#F0E442" else "white"
                relation_words = (part["participant"].astype(str).map(said[end]).astype(object)
                                  .fillna(""))
                relation_words = relation_words.where(~part["is_ego"].astype(bool), "")
                fig.add_trace(go.Scatter(
                    x=part["x"], y=part["y"], mode="markers+text", name=group,
                    text=part["label"], textposition="top center",
                    textfont=dict(size=11, color="#222222"),
                    legendgroup=f"{key}-{group}", visible=j == 0, cliponaxis=False,
                    showlegend=f"{key}-{group}" not in in_legend and len(part) > 0,
                    marker=dict(size=np.where(is_ego, 20, 11).tolist(),
                                color=colour, symbol=colours.symbol(key, group),
                                line=dict(width=np.where(is_ego, 2.5, 0.8).tolist(),
                                          color=np.where(is_ego, "#000000", outline).tolist())),
                    customdata=np.column_stack([part["label"].astype(str).to_numpy(),
                                                relation_words.to_numpy(dtype=object)]),
                    hovertemplate=(f"%{{customdata[0]}}<br>{key}: {group}<br>at the "
                                   f"{names[wave]}: %{{customdata[1]}}<extra></extra>")),
                    row=1, col=k)
                if len(part):
                    in_legend.add(f"{key}-{group}")
                node_traces.append(j)
    fig.update_layout(**pictures_layout(colour_by, edge_visible, node_traces, height=height))
    fig.update_xaxes(visible=False, range=_zoom(people["x"], side=0.1))
    fig.update_yaxes(visible=False, range=_zoom(people["y"], top=0.12), scaleanchor=None)
    return fig


def _zoom(values: pd.Series, top: float = 0.0, side: float = 0.0) -> list[float]:
    """The axis range around the people drawn: the cohort picture's places, closer in.

    The same range at both waves, so everyone stays in the same place; room is
    left at the top for the names written above the marks.
    """
    v = pd.to_numeric(values, errors="coerce").dropna()
    if not len(v):
        return [-1.1, 1.1]
    low, high = float(v.min()), float(v.max())
    pad = max((0.12 + side) * (high - low), 0.08)
    return [max(low - pad, -1.25), min(high + pad + top * (high - low + 2 * pad), 1.25)]
