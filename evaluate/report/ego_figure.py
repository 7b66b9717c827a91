"""A person's own network at two waves, as static SVG drawn in the cohort picture's places.

:func:`ego_svg` lays out a person and the people *they* named, one panel per
wave, every person in the place the cohort picture gives them (the view zoomed
to the people drawn, the same at both waves), in the same colours and marker
shapes as the dashboard's network pictures, with the same line styles
(worked with: solid; advice: dashed; knew before: dotted) and new ties
thicker in vermillion. Every tie the person named at a wave is drawn in that
wave's panel; "knew before" lines can be hidden with a checkbox (keyboard and
screen reader alike). Only the person's own answers are drawn: no line
between two people they named, no sign of who named whom else.

The result is plain data (panels, lines, marks, key) that the
``ego_svg.html`` template draws: no chart library, so a page stays small
enough to send by email.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluate.network.ties import RELATIONS
from evaluate.report.colours import NEW_TIE_COLOUR, OLD_TIE_COLOUR, Colours
from evaluate.report.network_figures import people_groups

__all__ = ["ego_svg", "RELATION_WORDS", "LINE_STYLES"]

#: Each relation as the page says it.
RELATION_WORDS = {"worked_with": "worked with", "advice": "went to for advice",
                  "knew_before": "knew before"}
#: SVG ``stroke-dasharray`` of each relation (as the dashboard's solid, dash, dot).
LINE_STYLES = {"worked_with": "", "advice": "7 4", "knew_before": "1.5 3"}
#: Panel size in SVG units (the SVG scales to the width it is given).
WIDTH, HEIGHT = 420.0, 360.0


def _relations_at(ties: pd.DataFrame, end: str) -> pd.Series:
    """"worked with, went to for advice" per row: the relations named at one wave."""
    words = pd.Series("", index=ties.index, dtype=object)
    for r in RELATIONS:
        col = f"{r}_{end}"
        if col in ties.columns:
            on = ties[col].fillna(False).astype(bool)
            words = words.where(~on, words.where(words == "", words + ", ") + RELATION_WORDS[r])
    return words.where(words != "", "not named")


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


def _shape(symbol: str, x: float, y: float, r: float) -> tuple[str, bool]:
    """An SVG path for a plotly marker symbol at (x, y), and whether it is an outline only."""
    open_ = symbol.endswith("-open")
    s = symbol.removesuffix("-open")
    if s == "square":
        pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    elif s == "diamond":
        pts = [(x, y - 1.3 * r), (x + 1.3 * r, y), (x, y + 1.3 * r), (x - 1.3 * r, y)]
    elif s == "triangle-up":
        pts = [(x, y - 1.3 * r), (x + 1.2 * r, y + r), (x - 1.2 * r, y + r)]
    elif s in ("cross", "x"):
        a, b = r, r / 3
        cross = [(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b), (b, a), (-b, a), (-b, b),
                 (-a, b), (-a, -b), (-b, -b)]
        if s == "x":
            c = np.sqrt(0.5)
            cross = [((u - v) * c, (u + v) * c) for u, v in cross]
        pts = [(x + u, y + v) for u, v in cross]
    elif s == "star":
        pts = [(x + (r * 1.3 if k % 2 == 0 else r * 0.55) * np.sin(k * np.pi / 5),
                y - (r * 1.3 if k % 2 == 0 else r * 0.55) * np.cos(k * np.pi / 5)) for k in range(10)]
    elif s == "hexagon":
        pts = [(x + r * 1.1 * np.cos(k * np.pi / 3), y + r * 1.1 * np.sin(k * np.pi / 3))
               for k in range(6)]
    else:  # circle
        return (f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0"
                f"a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"), open_
    return "M" + "L".join(f"{u:.1f},{v:.1f}" for u, v in pts) + "Z", open_


def ego_svg(
    people: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    waves: Sequence[str],
    colour_by: str | None = "sector",
    colours: Colours | None = None,
    wave_titles: Sequence[str] | None = None,
    wave_names: Sequence[str] | None = None,
) -> dict:
    """The person and the people they named, at two waves, in the cohort picture's places.

    Parameters
    ----------
    people : DataFrame
        One row per person drawn: ``participant, label, x, y, is_ego`` and the
        attribute column ``colour_by`` (as coarsened for the cohort picture).
    ties : DataFrame
        The person's rows of :func:`evaluate.network.ego.ego_ties`: ``alter``
        and one boolean column per relation and wave (``worked_with_from`` …).
    waves : sequence of two str
        The waves, left and right.
    colour_by : str or None
        The attribute whose groups colour the marks.
    colours, wave_titles, wave_names
        As :func:`evaluate.report.network_figures.network_pictures`.

    Returns
    -------
    dict
        ``width``, ``height``, ``panels`` (each: ``title``, ``lines`` with
        ``x1 y1 x2 y2 relation colour width dash new``, ``marks`` with
        ``path colour outline open label lx ly x y group is_ego said``),
        ``key`` (groups with their colour and shape) and ``relations`` (the
        line styles used).
    """
    waves = list(waves)
    ends = ["from", "to"][:len(waves)]
    names = dict(zip(waves, wave_names or waves, strict=True))
    colours = colours if colours is not None else Colours(waves=waves)
    attribute = colour_by if colour_by in people.columns else None
    key, values, groups = people_groups(people, attribute, colours)
    xr, yr = _zoom(people["x"], side=0.1), _zoom(people["y"], top=0.12)

    def sx(v) -> np.ndarray:
        return (pd.to_numeric(v, errors="coerce").to_numpy(float) - xr[0]) / (xr[1] - xr[0]) * WIDTH

    def sy(v) -> np.ndarray:
        return HEIGHT - (pd.to_numeric(v, errors="coerce").to_numpy(float) - yr[0]) / (yr[1] - yr[0]) * HEIGHT

    px, py = sx(people["x"]), sy(people["y"])
    at = {str(p): (float(x), float(y)) for p, x, y in zip(people["participant"], px, py, strict=True)}
    ego = people[people["is_ego"].astype(bool)]
    me = str(ego["participant"].iloc[0]) if len(ego) else None
    ex, ey = at.get(me, (WIDTH / 2, HEIGHT / 2))
    relations = [r for r in RELATIONS if any(f"{r}_{e}" in ties.columns for e in ends)]
    panels = []
    for k, (wave, end) in enumerate(zip(waves, ends, strict=True)):
        lines, named = [], set()
        for relation in relations:
            on = ties.get(f"{relation}_{end}", pd.Series(False, index=ties.index))
            on = on.fillna(False).astype(bool)
            before = ties.get(f"{relation}_from", pd.Series(False, index=ties.index))
            before = before.fillna(False).astype(bool) | (k == 0)
            for alter, was in zip(ties.loc[on, "alter"].astype(str), before[on], strict=True):
                if alter not in at or not np.isfinite(at[alter]).all():
                    continue
                named.add(alter)
                x2, y2 = at[alter]
                new = not bool(was)
                lines.append(dict(x1=round(ex, 1), y1=round(ey, 1), x2=round(x2, 1),
                                  y2=round(y2, 1), relation=relation, new=new,
                                  colour=NEW_TIE_COLOUR if new else OLD_TIE_COLOUR,
                                  width=2.2 if new else 1.3, dash=LINE_STYLES.get(relation, "")))
        said = _relations_at(ties.set_index(ties["alter"].astype(str)), end)
        marks = []
        for i, row in enumerate(people.itertuples(index=False)):
            p = str(row.participant)
            if not (bool(row.is_ego) or p in named) or not np.isfinite([px[i], py[i]]).all():
                continue
            group = str(values.iloc[i])
            colour = colours.group(key, group)
            r = 9.0 if row.is_ego else 6.0
            path, open_ = _shape(colours.symbol(key, group), px[i], py[i], r)
            marks.append(dict(
                path=path, colour=colour, open=open_, is_ego=bool(row.is_ego),
                outline="#000000" if row.is_ego else ("#333333" if colour == "#F0E442" else "#ffffff"),
                label=str(row.label), lx=round(float(px[i]), 1),
                ly=round(float(py[i]) - (19.0 if row.is_ego else r + 4), 1),
                x=float(row.x), y=float(row.y), group=group, symbol=colours.symbol(key, group),
                said="" if row.is_ego else str(said.get(p, ""))))
        marks.sort(key=lambda m: m["is_ego"])  # the person on top
        panels.append(dict(title=(wave_titles[k] if wave_titles else names[wave]), wave=names[wave],
                           lines=lines, marks=marks, ego=(round(ex, 1), round(ey, 1))))
    shown = {m["group"] for panel in panels for m in panel["marks"] if not m["is_ego"]}
    legend = []
    for g in groups:
        if g in shown:
            path, open_ = _shape(colours.symbol(key, g), 8, 8, 5.5)
            legend.append(dict(group=g, colour=colours.group(key, g), path=path, open=open_))
    used = {line["relation"] for panel in panels for line in panel["lines"]}
    return dict(width=WIDTH, height=HEIGHT, panels=panels, key=legend, key_name=key,
                relations=[dict(relation=r, words=RELATION_WORDS[r], dash=LINE_STYLES.get(r, ""))
                           for r in relations if r in used],
                since=names[waves[0]], new_colour=NEW_TIE_COLOUR, old_colour=OLD_TIE_COLOUR)
