"""The impact dashboard: one self-contained HTML page organised by the programme's aims.

:func:`render_dashboard` builds every section of
:data:`evaluate.report.sections.SECTIONS` and renders the page from the
Jinja2 templates in ``templates/`` (see :mod:`evaluate.report.page`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import pandas as pd
from markupsafe import Markup

from evaluate.report.page import (
    CSP,
    PLOT_CONFIG,
    PRINT_WIDTH_PX,
    Page,
    Section,
    environment,
    plotly_js,
    script_json,
)

__all__ = ["render_dashboard", "draw_dashboard"]


def render_dashboard(results: dict[str, pd.DataFrame], context: dict, *,
                     progress: Callable[[str], None] | None = None,
                     sections: Sequence[Section] | None = None) -> str:
    """The text of the self-contained dashboard page.

    Parameters
    ----------
    results : dict of str to DataFrame
        The analysis tables (see :func:`evaluate.report.build.build_report`).
    context : dict
        What the report knows besides the tables (see ``build_report``).
    progress : callable, optional
        Called with a short message as each section is drawn.
    sections : sequence of Section, optional
        The sections to draw (default :data:`evaluate.report.sections.SECTIONS`).

    Returns
    -------
    str
        The complete HTML document.

    Examples
    --------
    >>> html = render_dashboard({}, {"programme": "Example <programme>"})
    >>> "<h1>Example &lt;programme&gt;</h1>" in html
    True
    """
    return draw_dashboard(results, context, progress=progress, sections=sections)[0]


def draw_dashboard(results: dict[str, pd.DataFrame], context: dict, *,
                   progress: Callable[[str], None] | None = None,
                   sections: Sequence[Section] | None = None) -> tuple[str, Page]:
    """:func:`render_dashboard`'s page text, and the :class:`Page` with its figures (for Word)."""
    from evaluate.progress import plan
    from evaluate.report.sections import SECTIONS, header_facts

    page = Page(results=results or {}, context=dict(context or {}), progress=progress)
    env = environment()
    chosen = list(SECTIONS if sections is None else sections)
    drawn = []
    plan(progress, len(chosen))
    for n, section in enumerate(chosen, start=1):
        heading = section.heading_for(page)
        if progress is not None:
            progress(f"Dashboard section {n}/{len(chosen)}: {heading}")
        values = section.build(page)
        body = env.get_template(section.template_name).render(page=page, section_heading=heading,
                                                               **values)
        # the section's own template output, already escaped by the template engine
        drawn.append({"id": section.id, "heading": heading, "body": Markup(body),  # noqa: S704
                      "new_page": section.new_page, "in_print": section.in_print,
                      "appendix": section.appendix})
    html = env.get_template("base.html").render(
        programme=page.context.get("programme") or "Programme evaluation",
        facts=header_facts(page),
        generated=page.context.get("generated_at") or "",
        version=page.context.get("software_version") or "",
        min_group_size=page.min_group_size,
        sections=drawn,
        figures=page.figures,
        csp=Markup(CSP),  # noqa: S704 - our constant
        plotly_js=plotly_js(),
        plot_config=script_json(json.dumps(PLOT_CONFIG, sort_keys=True)),
        print_width=PRINT_WIDTH_PX,
    )
    return html, page
