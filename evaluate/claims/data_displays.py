"""What was read, as claims: the surveys used, the files imported and the problems found in them.

The data-and-methods section's record of its inputs (from the context
:func:`evaluate.analysis.report_context` gathers: ``instrument_versions``,
``imports``, ``quarantine``), each a sentence and a table of the ledger.
Claim ids: ``text:methods:surveys`` and ``table:methods:surveys``,
``text:methods:imports`` and ``table:methods:imports``, ``text:methods:problems`` and
``table:methods:problems``. Problem rules are named in plain words (the codes stay in
the workbooks' quarantine sheet for evaluators). Each file's fingerprint (its sha256 hash)
is in tables.xlsx, not on the page: a shortened one could not check a file, and a hash is
not a number to read.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.records import import_totals, imports_table, quarantine_summary
from evaluate.words import integer, join_words

__all__ = ["data_displays", "RULE_WORDS", "rule_words"]

SECTION = "methods"

#: Problem rules in plain words.
RULE_WORDS = {"not_on_roster": "not on the roster", "survey_preview": "survey previews",
              "unfinished": "unfinished responses"}


def rule_words(rule) -> str:
    """A quarantine rule in plain words.

    >>> rule_words("not_on_roster"), rule_words("bad_scale_value")
    ('not on the roster', 'bad scale value')
    """
    return RULE_WORDS.get(str(rule), str(rule).replace("_", " "))


def _plural(shown: str, one: str, many: str) -> str:
    return f"{shown} {one if shown == '1' else many}"


def _surveys(led, ctx: Context, versions) -> None:
    frame = pd.DataFrame(list(versions))
    if not len(frame) or not {"ref", "title", "wave"} <= set(frame.columns):
        return
    frame["version"] = frame["ref"].astype(str).str.partition("@")[2].replace("", "1")
    frame["wave_label"] = frame["wave"].map(ctx.wave)
    parts = []
    for r in frame.itertuples(index=False):
        f = led.figures_of("text:methods:surveys", "instrument_versions", f"ref={r.ref}")
        v = f("version", int(r.version) if str(r.version).isdigit() else float("nan"),
              str(r.version), "version")
        parts.append(f"{r.title} ({r.wave_label}, version {v})")
    led.add(claim_id="text:methods:surveys", section=SECTION, kind="text", order=10,
            title="Surveys used", text="The surveys used: " + join_words(parts) + ".",
            source_table="instrument_versions", source_key="every survey used")
    add_table(led, "table:methods:surveys", section=SECTION, order=11, frame=frame,
              source_table="instrument_versions", key=["ref"],
              caption="Surveys and the versions of their questions used",
              columns={"ref": "Survey (id@version)", "title": "Title", "wave_label": "Survey wave"},
              sources={"wave_label": ("instrument_versions", "wave")})


def _imports(led, ctx: Context, imports: pd.DataFrame) -> None:
    im = imports_table(imports)
    totals = import_totals(imports)
    f = led.figures_of("text:methods:imports", "imports", "every import")
    shown = {c: f(c, totals.get(c), integer(totals.get(c)), "rows") for c in totals}
    files = f("files", len(im), integer(len(im)), "files")
    led.add(claim_id="text:methods:imports", section=SECTION, kind="text", order=20,
            title="Files imported",
            text=("Every row read from an export is counted once: accepted, set aside with its "
                  "problem (quarantined, with the row, column and fix), or left out on purpose "
                  "(excluded: test previews and unfinished responses). "
                  f"{shown.get('read')} rows read = {shown.get('accepted')} accepted "
                  f"+ {shown.get('quarantined')} quarantined + {shown.get('excluded')} excluded, "
                  f"from {_plural(files, 'file', 'files')}."),
            source_table="imports", source_key="every import")
    shown_im = im
    counts = [c for c in ("read", "accepted", "quarantined", "excluded") if c in im]
    for c, name in (("wave", ctx.wave), ("cohort", ctx.cohort)):
        if c in shown_im.columns:
            shown_im = shown_im.assign(**{f"{c}_label": shown_im[c].map(name)})
    add_table(led, "table:methods:imports", section=SECTION, order=21, frame=shown_im,
              source_table="imports", key=["file", "sheet"], caption="Every file imported",
              columns={"file": "File", "instrument": "Survey", "cohort_label": "Cohort",
                       "wave_label": "Wave", "read": "Read (rows)", "accepted": "Accepted (rows)",
                       "quarantined": "Quarantined (rows)", "excluded": "Excluded (rows)"},
              formats={c: integer for c in counts}, units={c: "rows" for c in counts},
              sources={"wave_label": ("imports", "wave"),
                       "cohort_label": ("imports", "cohort")})


def _problems(led, quarantine: pd.DataFrame) -> None:
    if not len(quarantine):
        led.add(claim_id="text:methods:problems", section=SECTION, kind="text", order=30,
                title="Problems found in the exports", text="No rows were quarantined.",
                source_table="quarantine", source_key="every record")
        return
    qs = quarantine_summary(quarantine)
    by_rule = qs.groupby("rule", sort=True)["rows"].sum()
    f = led.figures_of("text:methods:problems", "quarantine", "every record")
    total = f("records", len(quarantine), integer(len(quarantine)), "records")
    files = f("files", qs["file"].nunique(), integer(qs["file"].nunique()), "files")
    parts = [f"{f('rows', n, integer(n), 'records', key=f'rule={rule}')} × {rule_words(rule)}"
             for rule, n in by_rule.items()]
    led.add(claim_id="text:methods:problems", section=SECTION, kind="text", order=30,
            title="Problems found in the exports",
            text=(f"{_plural(total, 'problem record', 'problem records')} in "
                  f"{_plural(files, 'file', 'files')}: " + ", ".join(parts)
                  + ". Each record says which row and column, and how to fix it."),
            source_table="quarantine", source_key="every record")
    add_table(led, "table:methods:problems", section=SECTION, order=31,
              frame=qs.assign(rule_label=qs["rule"].map(rule_words)), source_table="quarantine",
              key=["file", "column", "rule"], caption="Problems by file, column and kind",
              columns={"file": "File", "column": "Column", "rule_label": "Problem",
                       "severity": "What happened", "rows": "Records", "fix": "How to fix"},
              formats={"rows": integer}, units={"rows": "records"}, limit=60,
              more_where="tables.xlsx (sheet “Problems found”)",
              sources={"rule_label": ("quarantine", "rule")})


def data_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The surveys used, the files imported and the problems found, as claims."""
    ctx = Context(results, context)
    versions = context.get("instrument_versions")
    if versions:
        _surveys(led, ctx, versions)
    imports = context.get("imports")
    if isinstance(imports, pd.DataFrame) and len(imports):
        _imports(led, ctx, imports)
    quarantine = context.get("quarantine")
    if isinstance(quarantine, pd.DataFrame):
        _problems(led, quarantine)
