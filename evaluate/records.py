"""The record of how the report was made: imports, problems found, suppression.

Counts follow the workspace's rule that every row read from an export is counted
once: ``read = accepted + quarantined + excluded`` (excluded: test and
unfinished responses left out on purpose).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["COUNT_COLUMNS", "imports_table", "import_totals", "quarantine_summary",
           "suppression_counts"]

COUNT_COLUMNS = ("read", "accepted", "quarantined", "excluded")


def imports_table(imports: pd.DataFrame) -> pd.DataFrame:
    """The manifest's import rows as a report table (fixed columns, sorted, no import times).

    Manifests written before excluded rows were counted apart from quarantined ones
    (``read = accepted + quarantined``, with excluded inside quarantined) are read
    under the disjoint rule, so the counts add up either way.

    Examples
    --------
    >>> old = pd.DataFrame({"file": ["a.csv"], "read": [40], "accepted": [38],
    ...                     "quarantined": [2], "excluded": [1]})
    >>> imports_table(old)[["read", "accepted", "quarantined", "excluded"]].values.tolist()
    [[40, 38, 1, 1]]
    """
    cols = [c for c in ("file", "sheet", "instrument", "cohort", "wave", "platform", "read",
                        "accepted", "quarantined", "excluded", "warnings", "ties", "sha256",
                        "software_version") if c in imports.columns]
    im = imports[cols].copy()
    for c in ("read", "accepted", "quarantined", "excluded", "warnings", "ties"):
        if c in im:
            im[c] = pd.to_numeric(im[c], errors="coerce").fillna(0).astype("int64")
    if set(COUNT_COLUMNS) <= set(im.columns):
        legacy = ((im["accepted"] + im["quarantined"] == im["read"]) & (im["excluded"] > 0)
                  & (im["quarantined"] >= im["excluded"]))
        im.loc[legacy, "quarantined"] = im.loc[legacy, "quarantined"] - im.loc[legacy, "excluded"]
    keys = [c for c in ("cohort", "wave", "instrument", "file") if c in im]
    return im.sort_values(keys, kind="stable").reset_index(drop=True) if keys else im


def import_totals(imports: pd.DataFrame) -> dict[str, int]:
    """Rows read, accepted, quarantined and excluded over every import (they add up)."""
    im = imports_table(imports)
    return {c: int(im[c].sum()) for c in COUNT_COLUMNS if c in im}


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantine records counted by file, column and rule, with the first suggested fix.

    Values are left out: the dashboard says what went wrong and how to fix it,
    not what the person wrote.
    """
    q = quarantine.copy()
    for c in ("file", "column", "rule", "severity", "fix"):
        if c not in q.columns:
            q[c] = ""
        q[c] = q[c].astype("string").fillna("")
    keys = ["file", "column", "rule", "severity"]
    groups = q.groupby(keys, sort=True)  # size and first, not named aggregation (slower)
    out = pd.DataFrame({"rows": groups["rule"].size(),
                        "fix": groups["fix"].first()}).reset_index()
    return out.sort_values(["file", "rows", "column"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


def suppression_counts(results: dict) -> pd.DataFrame:
    """Rows and suppressed rows of every result table that has a ``suppressed`` column."""
    rows = []
    columns_of = getattr(results, "columns_of", None)  # stored tables: no need to read them all
    for name in sorted(results or {}):
        if columns_of is not None and "suppressed" not in columns_of(name):
            continue
        t = results[name]
        if isinstance(t, pd.DataFrame) and "suppressed" in t.columns:
            rows.append({"table": name, "rows": len(t),
                         "suppressed": int(t["suppressed"].fillna(False).astype(bool).sum())})
    return pd.DataFrame(rows, columns=["table", "rows", "suppressed"])
