"""Data and methods: where the numbers came from and how they were made.

The one section written for evaluators: the statistician's words belong here
(and in the tables), not on the commissioner's pages. Every sentence and table
with a number is a claim of the ledger (:mod:`evaluate.claims.data_displays`,
:mod:`~evaluate.claims.attrition_displays`, :mod:`~evaluate.claims.reliability_displays`,
:mod:`~evaluate.claims.cohort_displays`, :mod:`~evaluate.claims.network_method_displays`,
:mod:`~evaluate.claims.methods_text`, :mod:`~evaluate.claims.privacy_displays`); this
module only picks which claim goes where, and says what is missing.
"""

from __future__ import annotations

import pandas as pd

from evaluate.claims.methods_text import TESTS_TEXT
from evaluate.report.page import Page
from evaluate.report.sections.stories import stories_method

__all__ = ["build_methods", "TESTS_TEXT"]


def _text(page: Page, claim_id: str) -> str:
    """A text claim's words, or "" when the ledger has none."""
    try:
        return str(page.claim(claim_id)["text"])
    except KeyError:
        return ""


def _items(page: Page, prefix: str) -> list[str]:
    """The words of the section's claims whose id starts with ``prefix``, in order."""
    claims = page.claims("methods")
    return [str(t) for t in claims.loc[claims["claim_id"].str.startswith(prefix), "text"]]


def _imports(page: Page) -> dict:
    imports = page.context.get("imports")
    text = _text(page, "text:methods:imports")
    if not isinstance(imports, pd.DataFrame) or not len(imports) or not text:
        return {"missing": "No import manifest given."}
    return {"missing": "", "text": text, "table": page.claim_table("table:methods:imports",
                                                                   classes=["files"])}


def _problems(page: Page) -> dict:
    text = _text(page, "text:methods:problems")
    if not text:
        return {"text": "", "table": None, "missing": "No quarantine records given."}
    return {"text": text, "table": page.claim_table("table:methods:problems"), "missing": ""}


def _attrition(page: Page) -> dict:
    text = _text(page, "text:methods:attrition")
    if not text:
        return {"text": "", "warnings": [], "table": None,
                "missing": "No attrition results: they need a baseline and a later survey."}
    return {"text": text, "warnings": _items(page, "item:methods:attrition:"),
            "table": page.claim_table("table:methods:attrition"), "missing": ""}


def _reliability(page: Page) -> dict:
    text = _text(page, "text:methods:reliability")
    if not text:
        return {"missing": "No reliability results.", "text": "", "table": None}
    return {"missing": "", "text": text,
            "table": page.claim_table("table:methods:reliability", classes=["compact"])}


def build_methods(page: Page) -> dict:
    """Values for ``sections/methods.html``."""
    claims = page.claims("methods")
    rule = claims[claims["claim_id"].str.startswith("rule:")]
    tests = page.claims("methods_tests")
    from evaluate.report.sections.overview import glossary

    return {
        "rule": [str(t) for t in rule["text"]],
        "glossary": glossary(page),
        "instruments": page.claim_table("table:methods:surveys"),
        "instruments_text": _text(page, "text:methods:surveys"),
        "imports": _imports(page),
        "problems": _problems(page),
        "attrition": _attrition(page),
        "network_checks": _items(page, "item:methods:network_check:"),
        "reliability": _reliability(page),
        "anova": page.claim_table("table:methods:cohort_anova"),
        "ei": page.claim_table("table:methods:ei"),
        "tests": ([(str(t.title), str(t.text)) for t in tests.itertuples(index=False)]
                  if len(tests) else TESTS_TEXT),
        "stories": stories_method(page),
        "privacy": _text(page, "text:methods:privacy"),
        "min_group": page.min_group_size,
        "suppression": page.claim_table("table:methods:suppression"),
        "version": page.context.get("software_version") or "unknown version",
        "cohort_names": [f"{c} = {page.cohort(c)}" for c in page.cohort_order()],
    }
