"""One colour (and one marker shape) per group, everywhere on the page.

Colours come from the Okabe & Ito (2008) palette, which stays distinguishable
with the common forms of colour blindness. Each kind of thing has its own
palette, fixed for the whole page, so a reader who learns that a group is blue
in one picture finds it blue in the next:

- **waves** (:data:`WAVE_COLOURS`), in programme order;
- **cohorts** (:data:`COHORT_COLOURS`), in the workspace's order;
- **groups of people** (sector, organisation, place, role) in the network
  pictures (:data:`GROUP_COLOURS`): never vermillion or orange, which mark
  the ties that are new; "Other (small groups)" and "unknown" are always grey;
- **answers** on agree–disagree scales (:data:`LIKERT_COLOURS`).

Colour is never the only carrier of meaning: every group also gets its own
marker shape (:meth:`Colours.symbol`), and bars of the second and later
cohorts a fill pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "OKABE_ITO",
    "WAVE_COLOURS",
    "COHORT_COLOURS",
    "GROUP_COLOURS",
    "LIKERT_COLOURS",
    "NEW_TIE_COLOUR",
    "OLD_TIE_COLOUR",
    "GREY",
    "SYMBOLS",
    "PATTERNS",
    "Colours",
]

#: Okabe & Ito (2008) colour-blind-safe palette, most legible first (yellow last).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000",
             "#F0E442"]
#: Waves (those compared before and after first): light blue, dark blue, reddish purple …
WAVE_COLOURS = ["#56B4E9", "#0072B2", "#CC79A7", "#009E73", "#E69F00", "#000000", "#D55E00"]
#: Cohorts in the workspace's order.
COHORT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000"]
#: Groups of people in the network pictures: no vermillion or orange (those mark new ties).
GROUP_COLOURS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#8C6BB1"]
#: Five answers from "strongly disagree" (vermillion) to "strongly agree" (dark blue).
LIKERT_COLOURS = ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]
#: Ties new since the first wave, and the others.
NEW_TIE_COLOUR = "#D55E00"
OLD_TIE_COLOUR = "#9A9A9A"
#: Groups too small to show, or unknown.
GREY = "#999999"
#: Marker shapes, one per group (with the colour), so colour is never the only cue.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon",
           "triangle-down", "pentagon"]
#: Bar fill patterns per cohort (none for the first).
PATTERNS = ["", "/", ".", "x", "\\", "+"]

_GREY_GROUPS = {"other (small groups)", "unknown", "not known", "other"}


@dataclass
class Colours:
    """The page's colour for every wave, cohort and group, fixed once for the page.

    Parameters
    ----------
    waves : iterable of str
        Waves in programme order (later unknown waves are added at the end).
    cohorts : iterable of str
        Cohort ids in the workspace's order.

    Examples
    --------
    >>> c = Colours(waves=["baseline", "end"], cohorts=["c1", "c2"])
    >>> c.wave("end"), c.cohort("c2")
    ('#0072B2', '#E69F00')
    >>> c.add_groups("sector", ["NHS acute", "Local authority", "Other (small groups)"])
    >>> c.group("sector", "Local authority"), c.group("sector", "Other (small groups)")
    ('#0072B2', '#999999')
    """

    waves: Iterable[str] = ()
    cohorts: Iterable[str] = ()
    _waves: list[str] = field(default_factory=list, init=False)
    _cohorts: list[str] = field(default_factory=list, init=False)
    _groups: dict[str, list[str]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._waves = [str(w) for w in dict.fromkeys(self.waves)]
        self._cohorts = [str(c) for c in dict.fromkeys(self.cohorts)]

    @staticmethod
    def _index(values: list[str], value) -> int:
        value = str(value)
        if value not in values:
            values.append(value)
        return values.index(value)

    def wave(self, wave) -> str:
        """The colour of a wave."""
        return WAVE_COLOURS[self._index(self._waves, wave) % len(WAVE_COLOURS)]

    def cohort(self, cohort) -> str:
        """The colour of a cohort."""
        return COHORT_COLOURS[self._index(self._cohorts, cohort) % len(COHORT_COLOURS)]

    def cohort_pattern(self, cohort) -> str:
        """The bar fill pattern of a cohort ("" for the first)."""
        return PATTERNS[self._index(self._cohorts, cohort) % len(PATTERNS)]

    def add_groups(self, attribute: str, values: Iterable) -> None:
        """Register every value an attribute takes on the page (sorted, greys last)."""
        known = self._groups.setdefault(attribute, [])
        for v in sorted({str(v) for v in values}, key=lambda v: (v.lower() in _GREY_GROUPS, v)):
            if v not in known:
                known.append(v)

    def _group_index(self, attribute: str, value) -> int:
        coloured = [v for v in self._groups.setdefault(attribute, [])
                    if v.lower() not in _GREY_GROUPS]
        value = str(value)
        if value not in coloured:
            self._groups[attribute].append(value)
            coloured.append(value)
        return coloured.index(value)

    def group(self, attribute: str, value) -> str:
        """The colour of one group of people (grey for small or unknown groups)."""
        if str(value).lower() in _GREY_GROUPS:
            return GREY
        return GROUP_COLOURS[self._group_index(attribute, value) % len(GROUP_COLOURS)]

    def symbol(self, attribute: str, value) -> str:
        """The marker shape of one group of people."""
        if str(value).lower() in _GREY_GROUPS:
            return "circle-open"
        return SYMBOLS[self._group_index(attribute, value) % len(SYMBOLS)]
