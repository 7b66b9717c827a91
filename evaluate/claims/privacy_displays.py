"""Privacy and suppression, as claims: the suppression rule and the rows each table hides.

Claim ids: ``text:methods:privacy`` (how names and small groups are kept out,
with the threshold from the settings) and ``table:methods:suppression`` (rows and
suppressed rows of every result table with a ``suppressed`` column).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluate.claims.context import Context
from evaluate.claims.displays import add_table
from evaluate.records import suppression_counts
from evaluate.words import integer

__all__ = ["privacy_displays"]


def privacy_displays(led, results: Mapping[str, pd.DataFrame], context: Mapping) -> None:
    """The privacy paragraph and the suppressed rows per table."""
    ctx = Context(results, context)
    f = led.figures_of("text:methods:privacy", "settings", "min_group_size")
    smallest = f("min_group_size", ctx.min_group_size, integer(ctx.min_group_size), "people")
    led.add(claim_id="text:methods:privacy", section="methods", kind="text", order=90,
            title="Privacy and suppression",
            text=("Names and emails were replaced by pseudonymous ids when the data was imported "
                  "and appear nowhere in this report. Any group of fewer than "
                  f"{smallest} people is suppressed in every table and chart, with a second "
                  "group hidden where one could otherwise be worked out from a total. Free text "
                  "is shown only from people who agreed to be quoted."),
            source_table="settings", source_key="min_group_size")
    supp = suppression_counts(results)
    if not len(supp):
        return
    add_table(led, "table:methods:suppression", section="methods", order=91, frame=supp,
              source_table="suppression", key=["table"], suppressed=None,
              caption="Suppressed rows per table",
              columns={"table": "Table", "rows": "Rows", "suppressed": "Rows suppressed"},
              formats={"rows": integer, "suppressed": integer},
              units={"rows": "rows", "suppressed": "rows"})
