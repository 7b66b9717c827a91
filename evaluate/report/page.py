"""The dashboard page: figures, sections and the Jinja2 templates that draw them.

:func:`evaluate.report.dashboard.render_dashboard` builds every section in :data:`evaluate.report.sections.SECTIONS`
(each a Python builder that prepares plain values, and a template that lays
them out), then renders ``templates/base.html``. Templates are loaded with
autoescaping on, so every value from the data is escaped by the template
engine; the only raw text is our own (plotly.js, the stylesheets, the drawing
script) and figure data, which :func:`script_json` makes safe inside a
``<script type="application/json">`` block.

- plotly.js is embedded once, inline; a Content-Security-Policy forbids
  every network request, so the page works offline on a locked-down laptop;
- figure ids are fixed names and tables are sorted, so the same results give
  the same page except for the generation timestamp;
- every chart has its finding as a heading, a text summary, a note, and a
  "Show the numbers" table reachable by keyboard; no plotly toolbar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import pandas as pd
from markupsafe import Markup

from evaluate.claims.context import Context
from evaluate.errors import EvaluateError
from evaluate.report.chart import Chart, plotly_js_path
from evaluate.report.colours import Colours
from evaluate.report.table import Table, table_from_claim

__all__ = ["Figure", "Page", "Section", "CSP", "PLOT_CONFIG", "script_json", "environment",
           "plotly_js", "asset", "render_table", "PRINT_WIDTH_PX", "PRINT_HEIGHT_PX"]

#: Width of a chart on A4 landscape with 12 mm margins (273 mm at 96 px per inch).
PRINT_WIDTH_PX = 1000
#: Tallest chart that fits on an A4 landscape page with its heading, note and footer.
PRINT_HEIGHT_PX = 600

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; "
       "form-action 'none'")

PLOT_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True,
                "scrollZoom": False}


def script_json(text: str) -> Markup:
    """JSON text made safe inside a ``<script>`` element (no ``<``, ``>`` or ``&``).

    >>> str(script_json('{"a": "</script>"}'))
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    safe = (str(text).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Markup(safe)  # noqa: S704 - escaped above for the script context


@cache
def _asset(name: str) -> str:
    return resources.files("evaluate.report").joinpath("templates", name).read_text(encoding="utf-8")


def asset(name: str) -> Markup:
    """One of our own stylesheets or scripts from ``templates/``, as raw text."""
    text = _asset(name)
    if "</style" in text.lower() or "</script" in text.lower():
        raise EvaluateError(f"templates/{name} must not close its own element")
    return Markup(text)  # noqa: S704 - our own file, checked above


@lru_cache(maxsize=1)
def plotly_js() -> Markup:
    """plotly.js, to embed once in the page (the file ``plotly.offline.get_plotlyjs`` reads)."""
    text = plotly_js_path().read_bytes().decode("utf-8")
    return Markup(text.replace("</script", "<\\/script"))  # noqa: S704 - the library


@lru_cache(maxsize=1)
def environment():
    """The template environment (a ``jinja2.Environment``): package templates, autoescaping
    on, undefined names fail.

    Jinja2 is loaded here, when a page is first drawn, not with this module: ``evaluate
    analyse`` builds the report's tables from a :class:`Page` without drawing it."""
    import jinja2

    from evaluate.report.template_cache import compiled_templates

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("evaluate.report", "templates"),
        bytecode_cache=compiled_templates(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["asset"] = asset
    env.filters["script_json"] = script_json
    return env


def render_table(table: Table) -> str:
    """The HTML of one table, drawn by the ``table`` macro (for tests and reuse)."""
    macro = environment().get_template("macros.html").module.table
    return str(macro(table))


_TIE_GROUP = re.compile(r"^edges-(?P<relation>.+)-(?:True|False)$")


def _tie_layers(fig: Chart, spec: dict) -> list[dict]:
    """The kinds of tie drawn in a network picture, each a layer: its label, whether it is
    shown on opening, and its traces (stored in ``spec["layers"]`` for the page's script)."""
    from evaluate.report.network_figures import relation_label

    layers: dict[str, dict] = {}
    for i, trace in enumerate(fig.data):
        m = _TIE_GROUP.match(str(trace.get("legendgroup") or ""))
        if not m:
            continue
        layer = layers.setdefault(m["relation"], {"label": relation_label(m["relation"]),
                                                  "on": False, "traces": [], "drawn": False})
        layer["traces"].append(i)
        layer["on"] = layer["on"] or trace.get("visible") in (True, None)
        layer["drawn"] = layer["drawn"] or trace.get("x") is not None and len(trace["x"]) > 0
    out = [x for x in layers.values() if x.pop("drawn")]
    if out:
        spec["layers"] = [x["traces"] for x in out]
    return out


@dataclass
class Figure:
    """A chart ready for the page: its finding, summary, note and numbers table."""

    id: str
    title: str
    summary: str
    spec: str
    height: int
    print_height: int
    note: str = ""
    table: Table | None = None
    views: list[str] = field(default_factory=list)
    view_label: str = ""
    layers: list[tuple[str, bool]] = field(default_factory=list)
    screen_note: str = ""


@dataclass(frozen=True)
class Section:
    """A part of the page: an anchor id, a heading, a builder and its template.

    ``build(page)`` returns the values its template (``templates/sections/ID.html``
    unless ``template`` says otherwise) lays out; ``heading`` may be a function
    of the page (the aims take the programme's words). To add a section, write
    a builder and a template and add a ``Section`` to
    :data:`evaluate.report.sections.SECTIONS`.
    """

    id: str
    heading: str | Callable[[Page], str]
    build: Callable[[Page], dict]
    template: str = ""
    new_page: bool = True  # start a new page when printed
    in_print: bool = True  # False: on screen only, left out of the board paper
    appendix: str = ""  # "A", "B" …: printed after the board paper as that appendix

    def heading_for(self, page: Page) -> str:
        return self.heading(page) if callable(self.heading) else self.heading

    @property
    def template_name(self) -> str:
        return self.template or f"sections/{self.id}.html"


@dataclass
class Page:
    """Everything a section builder reads, and the figures it adds, in page order."""

    results: dict
    context: dict
    progress: Callable[[str], None] | None = None
    figures: list[Figure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ctx = Context(self.results, self.context)
        self.min_group_size = self.ctx.min_group_size
        self.cohort_names = self.ctx.cohort_names
        self.colours = Colours(waves=self._colour_waves(), cohorts=self.cohort_order())

    def _colour_waves(self) -> list[str]:
        """Waves in the order they take colours: those compared before and after first."""
        prepost = self.table("prepost")
        compared = (set(prepost["wave_pre"].astype(str)) | set(prepost["wave_post"].astype(str))
                    if prepost is not None and {"wave_pre", "wave_post"} <= set(prepost.columns)
                    else {"baseline", "end", "follow_up"})
        order = self.wave_order()
        return [w for w in order if w in compared] + [w for w in order if w not in compared]

    # ------------------------------------------------------------------ data access
    def table(self, name: str) -> pd.DataFrame | None:
        """A result table, or None when it is missing or empty."""
        t = self.results.get(name) if self.results else None
        return t if isinstance(t, pd.DataFrame) and len(t) else None

    def claims(self, section: str | None = None) -> pd.DataFrame:
        """The claims ledger (:mod:`evaluate.claims.ledger`), or one section's claims in order.

        Results computed before the ledger existed (or handed in without it) get one
        built from their tables, so every page renders claims.
        """
        claims = self._ledger()[0]
        if section is None:
            return claims
        # each section's claims picked and sorted once (sections and the Word report ask
        # again); every caller gets its own frame over the same rows
        picked = self.__dict__.setdefault("_section_claims", {})
        if section not in picked:
            picked[section] = claims[claims["section"] == section].sort_values("order",
                                                                                kind="stable")
        return picked[section].copy(deep=False)

    def _ledger(self) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """The claims and their figures, read (or built) once, with an index by claim id so
        that looking up one claim does not scan the ledger (a page looks up hundreds)."""
        if "_claims" not in self.__dict__:
            stored = self.results.get("claims") if self.results else None
            if isinstance(stored, pd.DataFrame) and "claim_id" in stored.columns:
                claims, figures = stored, self.results.get("claim_figures")
            else:
                from evaluate.claims.ledger import build_claims

                built = build_claims(self.results or {}, self.context.get("programme_info"),
                                     self.context)
                claims, figures = built["claims"], built["claim_figures"]
            self.__dict__["_claims"] = (claims, figures)
            # first row of each claim id (the ledger's ids are unique; the first wins if not)
            at: dict[str, int] = {}
            for i, cid in enumerate(claims["claim_id"].tolist()):
                at.setdefault(cid, i)
            self.__dict__["_claim_at"] = at
            self.__dict__["_claim_rows"] = None
            self.__dict__["_figure_rows"] = (
                {} if figures is None or not len(figures)
                else figures.groupby("claim_id", sort=False).indices)
        return self.__dict__["_claims"]

    def _claim_figures(self, claim_id: str) -> pd.DataFrame | None:
        """The ledger's figures of one claim, in the ledger's order (None: no figures at all)."""
        figures = self._ledger()[1]
        if figures is None or not len(figures):
            return None
        rows = self.__dict__["_figure_rows"].get(claim_id)
        return figures.iloc[rows] if rows is not None else figures.iloc[:0]

    def figure_intervals(self, claim_id: str, figure: str) -> dict[str, tuple[float, float]]:
        """The 95% ranges the ledger gives one figure of a claim, by the row it comes from
        (``source_key`` → ``(ci95_low, ci95_high)``): the whiskers a chart draws, as the
        analysis computed them."""
        mine = self._claim_figures(claim_id)
        if mine is None:
            return {}
        mine = mine[mine["figure"] == figure]
        return dict(zip(mine["source_key"],
                        zip(mine["ci95_low"].tolist(), mine["ci95_high"].tolist(), strict=True),
                        strict=True))

    def figures_shown(self, claim_id: str) -> dict[str, str]:
        """A claim's figures as printed, by name (``{"did": "+0.58", ...}``)."""
        mine = self._claim_figures(claim_id)
        if mine is None:
            return {}
        return dict(zip(mine["figure"], mine["shown"], strict=True))

    # waves, cohorts and aims: one naming and one order, shared with the claims
    def wave_order(self, extra: Sequence = ()) -> list[str]:
        return self.ctx.wave_order(extra)

    def sorted_waves(self, waves) -> list[str]:
        """Distinct waves in programme order (unknown ones after, alphabetically)."""
        return self.ctx.sorted_waves(waves)

    def cohort_order(self) -> list[str]:
        return self.ctx.cohort_order()

    def cohort(self, cohort) -> str:
        """A cohort's name for people ("Cohort 1", or the name in the settings)."""
        return self.ctx.cohort(cohort)

    wave = staticmethod(Context.wave)
    the_wave = staticmethod(Context.the_wave)

    def cohorts_phrase(self, cohorts) -> str:
        return self.ctx.cohorts_phrase(cohorts)

    # ------------------------------------------------------------------ claims drawn
    def claim(self, claim_id: str) -> dict:
        """One claim of the ledger as a dict (KeyError when the ledger has none)."""
        claims = self._ledger()[0]
        at = self.__dict__["_claim_at"].get(claim_id)
        if at is None:
            raise KeyError(claim_id)
        if self.__dict__["_claim_rows"] is None:  # every row at once: as each row's to_dict()
            self.__dict__["_claim_rows"] = claims.to_dict("records")
        return dict(self.__dict__["_claim_rows"][at])

    def has_claim(self, claim_id: str) -> bool:
        """Whether the ledger holds ``claim_id`` (a chart is drawn only with its words)."""
        self._ledger()
        return claim_id in self.__dict__["_claim_at"]

    def claim_table(self, claim_id: str, *, classes: list[str] | None = None) -> Table | None:
        """A table claim (:func:`evaluate.claims.displays.add_table`) ready to draw; None
        when the ledger has no such table."""
        try:
            claim = self.claim(claim_id)
        except KeyError:
            return None
        return table_from_claim(claim, self._claim_figures(claim_id), classes=classes)

    # ------------------------------------------------------------------ figures
    def figure(self, fig_id: str, fig: Chart, *, title: str = "", summary: str = "",
               table: Table | None = None, note: str = "", print_height: int | None = None,
               print_layout: dict | None = None, screen_note: str = "", claim: str = "",
               table_claim: str = "", narrow: dict | None = None) -> Figure:
        """Register a chart; its title and summary are shown as text, not inside the chart.

        ``claim`` names the chart's claim in the ledger (its title, its data in words and
        its note come from there) and ``table_claim`` its "Show the numbers" table
        (:mod:`evaluate.claims.displays`).

        ``print_height`` (pixels at the print width) and ``print_layout`` (layout
        settings such as the legend's place) apply when the page is printed;
        ``narrow`` (``y``: every trace's row labels, ``height``, ``layout``) is how the
        chart is drawn on a phone (under 560 px), e.g. with shorter lines of label.
        ``screen_note`` is said on screen only (how to use the buttons). Each
        kind of tie in a network picture becomes a layer, shown or hidden by a
        button above it (not only by clicking the key, which a keyboard cannot).
        """
        if any(f.id == fig_id for f in self.figures):
            raise EvaluateError(f"Two figures share the id {fig_id!r}.")
        if claim:
            c = self.claim(claim)
            title, summary, note = str(c["title"]), str(c["text"]), str(c["note"])
        if table_claim:
            table = self.claim_table(table_claim)
        views, view_label = [], ""
        menus = fig.layout.get("updatemenus") or ()
        spec = fig.to_plotly_json()
        if menus:
            buttons = list(menus[0].get("buttons") or ())
            views = [re.sub(r"^Colour by\s+", "", b.get("label") or "") for b in buttons]
            view_label = "Colour people by"
            spec["views"] = [list(b["args"][0]["visible"]) for b in buttons]
            spec["layout"].pop("updatemenus", None)
        spec["layout"].pop("title", None)
        layers = _tie_layers(fig, spec)
        height = int(fig.layout.get("height") or 450)
        ph = int(min(print_height or height, PRINT_HEIGHT_PX))
        spec["print_height"] = ph
        if narrow:
            spec["narrow"] = narrow
        # printed charts are smaller than on screen: a smaller type keeps every label
        spec["print_layout"] = {"font": {"size": 11}, **(print_layout or {})}
        text = json.dumps(spec, separators=(",", ":"), sort_keys=False, allow_nan=False,
                          default=str)
        f = Figure(id=fig_id, title=title, summary=summary, spec=text, height=height,
                   print_height=ph, note=note, table=table, views=views, view_label=view_label,
                   layers=[(x["label"], x["on"]) for x in layers], screen_note=screen_note)
        self.figures.append(f)
        return f
