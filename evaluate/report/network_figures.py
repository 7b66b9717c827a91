"""The network pictures: one panel per wave, the people coloured by a group, the ties
drawn as lines (new ones marked), built as :mod:`evaluate.report.figures` builds its
charts (plain plotly.js data); how many lines a picture draws is ruled by
:mod:`evaluate.report.netdraw`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluate.network.layout import lines_per_wave
from evaluate.report import netdraw
from evaluate.report.chart import Chart, subplots, trace
from evaluate.report.colours import NEW_TIE_COLOUR, OLD_TIE_COLOUR, Colours
from evaluate.report.figures import base_layout, check_columns

__all__ = ["network_line_share", "network_pictures", "people_groups", "pictures_layout",
           "relation_label", "tie_lines"]


_RELATION_STYLE = {
    "any": ("solid", "tie (any relation)", True),
    "worked_with": ("solid", "worked with", True),
    "advice": ("dash", "goes to for advice", True),
    "knew_before": ("dot", "knew before", False),
}


def relation_label(relation: str) -> str:
    """A relation's name in the key and on its button ("knew before").

    >>> relation_label("advice"), relation_label("co_lead")
    ('goes to for advice', 'co lead')
    """
    return _RELATION_STYLE.get(relation, ("", relation.replace("_", " "), True))[1]


def _edge_relations(edges: pd.DataFrame) -> list[str]:
    if "relation" not in edges.columns or edges["relation"].isna().all():
        return ["any"]
    order = ["worked_with", "advice", "knew_before"]
    present = set(edges["relation"].dropna().astype(str))
    return [r for r in order if r in present] + sorted(present - set(order))


def _undirected_pairs(e: pd.DataFrame, relations: list[str]) -> pd.DataFrame:
    """One row per pair of people and relation (direction ignored), sorted."""
    a = e["source"].astype(str).to_numpy()
    b = e["target"].astype(str).to_numpy()
    rel = e["relation"].astype(str).to_numpy() if relations != ["any"] else np.full(len(e), "any")
    out = e.assign(_a=np.where(a < b, a, b), _b=np.where(a < b, b, a), _rel=rel)
    return out.drop_duplicates(["_a", "_b", "_rel"]).sort_values(["_rel", "_a", "_b"], kind="stable")


def _new_pairs(pairs: pd.DataFrame, previous: pd.DataFrame | None) -> np.ndarray:
    """True where the pair (with that relation) was not there at the previous wave."""
    if previous is None or not len(previous):
        return np.ones(len(pairs), dtype=bool)
    key = ["_a", "_b", "_rel"]
    before = pd.MultiIndex.from_frame(previous[key])
    return ~pd.MultiIndex.from_frame(pairs[key]).isin(before)


def network_line_share(edges: pd.DataFrame, waves: Sequence[str]) -> float:
    """The share of pairs :func:`network_pictures` draws for these waves (1 at cohort size).

    See :mod:`evaluate.report.netdraw` for the rule the page states when it is below 1.
    """
    return netdraw.line_share(lines_per_wave(edges, waves))


def tie_lines(x0, y0, x1, y1, *, relation: str, is_new: bool, since: str, shown: set,
              width: float = 0.7, opacity: float = 0.6, large: bool = False) -> dict:
    """One trace of ties in a network picture: every line of one relation, new or not.

    The relation's line style (``_RELATION_STYLE``), vermillion and thicker when
    new since the wave ``since``, grey (``width``, ``opacity``) otherwise; in the
    key once per relation and kind (``shown`` holds those already there).
    ``large``: positions as 32-bit numbers (:func:`evaluate.report.netdraw.compact`).
    """
    dash, label, on = _RELATION_STYLE.get(relation, ("solid", relation.replace("_", " "), True))
    n = len(x0)
    xs = (netdraw.compact(np.column_stack([np.asarray(x0, float), np.asarray(x1, float),
                                           np.full(n, np.nan)]).ravel(), large) if n else [])
    ys = (netdraw.compact(np.column_stack([np.asarray(y0, float), np.asarray(y1, float),
                                           np.full(n, np.nan)]).ravel(), large) if n else [])
    group = f"edges-{relation}-{is_new}"
    lines = trace(
        "scatter", x=xs, y=ys, mode="lines",
        line=dict(color=NEW_TIE_COLOUR if is_new else OLD_TIE_COLOUR,
                  width=1.6 if is_new else width, dash=dash),
        name=f"{label} (new since the {since})" if is_new else label, legendgroup=group,
        showlegend=group not in shown and n > 0, visible=True if on else "legendonly",
        hoverinfo="skip", opacity=0.85 if is_new else opacity)
    if n:
        shown.add(group)
    return lines


def people_groups(frame: pd.DataFrame, attribute: str | None,
                  colours: Colours) -> tuple[str, pd.Series, list[str]]:
    """The groups of people a network picture colours by: key, each person's group, the
    groups in drawing order (coloured first, grey last), all registered in ``colours``."""
    values = (frame[attribute].astype(object).where(frame[attribute].notna(), "unknown")
              if attribute else pd.Series("person", index=frame.index))
    key = attribute or "person"
    colours.add_groups(key, values)
    groups = sorted({str(v) for v in values},
                    key=lambda g: (colours.group(key, g) == "#999999", g))
    return key, values, groups


def pictures_layout(colour_by: Sequence, edge_visible: list, node_traces: list, *,
                    height: int, title: str = "") -> dict:
    """Layout of side-by-side network pictures: key on the right, "colour by" buttons.

    ``edge_visible`` is the visibility of each line trace, ``node_traces`` the
    ``colour_by`` position of each people trace, in the order they were added.
    """
    buttons = []
    if len(colour_by) > 1:
        for j, attribute in enumerate(colour_by):
            visible = edge_visible + [t == j for t in node_traces]
            buttons.append(dict(label=f"Colour by {attribute}", method="restyle",
                                args=[{"visible": visible}]))
    layout = base_layout(title, height=height)
    if title:
        layout["title"] = dict(text=title, x=0, xanchor="left", y=0.985, yanchor="top",
                               yref="container", font=dict(size=17))
    layout["margin"] = dict(l=10, r=10, t=120 if title else 40, b=10)
    layout["legend"] = dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top",
                            font=dict(size=12))
    if buttons:
        layout["updatemenus"] = [dict(type="buttons", direction="right", buttons=buttons,
                                      x=0, xanchor="left", y=1.07, yanchor="bottom",
                                      showactive=True, pad=dict(r=4, t=0, b=0, l=0),
                                      font=dict(size=12))]
    return layout


def network_pictures(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    waves: Sequence[str],
    colour_by: Sequence[str] = ("sector", "organisation", "place"),
    wave_titles: Sequence[str] | None = None,
    wave_names: Sequence[str] | None = None,
    colours: Colours | None = None,
    title: str = "",
    height: int = 520,
    line_share: float | None = None,
) -> Chart:
    """Side-by-side pictures of the network at each wave, people in the same place in each.

    Parameters
    ----------
    nodes : DataFrame
        ``network_layout_nodes`` of one cohort: ``wave, x, y, degree`` and the
        attribute columns. Participant ids are never shown.
    edges : DataFrame
        ``network_layout_edges`` of one cohort: ``wave, source, target,
        x_source, y_source, x_target, y_target`` and ``relation`` if known.
        Each relation has its own line style (worked with: solid; advice:
        dashed; knew before: dotted, off until clicked in the legend); a
        pair of people counts once per relation, whatever the direction;
        ties new since the wave before are drawn thicker, in vermillion,
        others thin and grey.
    waves : sequence of str
        The waves to draw, left to right.
    colour_by : sequence of str
        Attributes the reader can colour people by (buttons above the
        chart); the first is shown on opening. Missing attributes are skipped.
    wave_titles, wave_names : sequence of str, optional
        The title over each picture, and each wave's name in the key and hover
        text (default: the wave ids).
    colours : Colours, optional
        The page's colours, so that a group has the same colour and marker
        shape in every picture on the page (default: a fresh set for this
        figure). Groups never take vermillion or orange, the colours of new
        ties.
    line_share : float, optional
        Share of pairs to draw in each picture (see :mod:`evaluate.report.netdraw`):
        by default every pair when no picture has more than
        :data:`~evaluate.report.netdraw.MAX_LINES`, else that many in the
        largest picture and the same share in the others. The caller states
        the share on the page.
    """
    check_columns(nodes, "wave", "x", "y")
    check_columns(edges, "wave", "source", "target", "x_source", "y_source", "x_target",
                   "y_target")
    waves = list(waves)
    names = dict(zip(waves, wave_names or waves, strict=True))
    colour_by = [a for a in colour_by if a in nodes.columns] or [None]
    colours = colours if colours is not None else Colours(waves=waves)
    fig = subplots(len(waves), spacing=0.03,
                   titles=list(wave_titles or [names[w] for w in waves]))
    relations = _edge_relations(edges)
    edge_visible: list = []
    shown_in_legend: set = set()
    by_wave = [_undirected_pairs(edges[edges["wave"] == wave], relations) for wave in waves]
    share = line_share if line_share is not None else netdraw.line_share(map(len, by_wave))
    large = share < 1 or nodes["wave"].eq(waves[0]).sum() > netdraw.LARGE_PICTURE
    previous = None
    for k, pairs in enumerate(by_wave, start=1):
        new = _new_pairs(pairs, previous) if k > 1 else np.zeros(len(pairs), dtype=bool)
        previous = pairs
        keep = netdraw.drawn(pairs, share)
        pairs, new = pairs[keep], new[keep]
        for relation in relations:
            for is_new in (False, True):
                part = pairs[(pairs["_rel"] == relation).to_numpy() & (new == is_new)]
                lines = tie_lines(part["x_source"], part["y_source"], part["x_target"],
                                  part["y_target"], relation=relation, is_new=is_new,
                                  since=names[waves[0]], shown=shown_in_legend, large=large)
                fig.add_trace(lines, col=k)
                edge_visible.append(lines["visible"])
    node_traces = []
    # each person's wave, degree and answer once; each trace takes its people's rows
    in_wave = {wave: (nodes["wave"] == wave).to_numpy(dtype=bool) for wave in waves}
    x_all, y_all = nodes["x"].to_numpy(dtype=float), nodes["y"].to_numpy(dtype=float)
    degree = nodes["degree"] if "degree" in nodes.columns else pd.Series(0, index=nodes.index)
    deg_all, size_all = degree.to_numpy(), degree.to_numpy(dtype=float)
    responded_all = (nodes["responded"].map({True: "yes", False: "no"})
                     if "responded" in nodes.columns
                     else pd.Series("—", index=nodes.index)).to_numpy(dtype=object)
    for j, attribute in enumerate(colour_by):
        key, values, groups = people_groups(nodes, attribute, colours)
        group_of = values.astype(str).to_numpy()
        for group in groups:
            in_group = group_of == group
            for k, wave in enumerate(waves, start=1):
                rows = np.flatnonzero(in_wave[wave] & in_group)
                deg, responded = deg_all[rows], responded_all[rows]
                colour = colours.group(key, group)
                if large:  # per-person hover details would double the page's size
                    cd, hover = None, f"{key}: {group}<br>survey: {names[wave]}<extra></extra>"
                else:
                    cd = np.column_stack([deg, responded])
                    hover = (f"{key}: {group}<br>survey: {names[wave]}"
                             "<br>people tied to: %{customdata[0]}"
                             "<br>answered the survey: %{customdata[1]}<extra></extra>")
                people = trace(
                    "scatter", x=netdraw.compact(x_all[rows], large),
                    y=netdraw.compact(y_all[rows], large), mode="markers", name=group,
                    legendgroup=f"{key}-{group}", showlegend=k == 1,
                    visible=j == 0,
                    marker=dict(size=netdraw.compact(6 + 2.2 * np.sqrt(size_all[rows]),
                                                     large),
                                color=colour, symbol=colours.symbol(key, group),
                                line=dict(width=0.8, color="#333333" if colour == "#F0E442"
                                          else "white")),
                    customdata=cd, hovertemplate=hover)
                fig.add_trace(people, col=k)
                node_traces.append(j)
    fig.update_layout(**pictures_layout(colour_by, edge_visible, node_traces, height=height,
                                        title=title))
    fig.update_axes("x", visible=False, range=[-1.1, 1.1])
    fig.update_axes("y", visible=False, range=[-1.1, 1.1])
    return fig
