"""What the claims need to know besides the tables: waves and cohorts in order, their names,
the aims, and which scale evidences which aim.

:class:`Context` is built from the results and the mapping
:func:`evaluate.analysis.report_context` returns; the report's
:class:`~evaluate.report.page.Page` uses the same one, so a wave or a cohort
has one name and one place in every output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from evaluate.words import cohort_name, join_words, the_wave, wave_name

__all__ = ["Context"]

_UNREAD = object()


class Context:
    """Waves, cohorts, aims and the suppression threshold, for wording claims.

    >>> c = Context({}, {"waves": ["baseline", "end"], "cohort_names": {"c2": "Spring"}})
    >>> c.sorted_waves(["end", "mid", "baseline"]), c.cohort("c2"), c.wave("follow_up")
    (['baseline', 'end', 'mid'], 'Spring', 'follow-up')
    """

    def __init__(self, results: Mapping | None, context: Mapping | None):
        self.results = results or {}
        self.context = dict(context or {})
        self.min_group_size = int(self.context.get("min_group_size") or 5)
        self.cohort_names = dict(self.context.get("cohort_names") or {})
        # read from the tables once: the displays ask for them aim by aim
        self._scale_aims: dict[str, str] | None = None
        self._first_comparison = _UNREAD

    def table(self, name: str) -> pd.DataFrame | None:
        """A result table, or None when it is missing or empty."""
        t = self.results.get(name) if self.results else None
        return t if isinstance(t, pd.DataFrame) and len(t) else None

    def table_with(self, name: str, columns) -> pd.DataFrame | None:
        """A result table with at least ``columns`` (rows numbered from 0), or None."""
        t = self.table(name)
        return t.reset_index(drop=True) if t is not None and set(columns) <= set(t.columns) else None

    # ------------------------------------------------------------------ waves and cohorts
    def wave_order(self, extra: Sequence = ()) -> list[str]:
        order = [str(w) for w in self.context.get("waves") or []]
        for w in extra:
            if str(w) not in order and w == w and w is not None:
                order.append(str(w))
        return order

    def sorted_waves(self, waves) -> list[str]:
        """Distinct waves in programme order (unknown ones after, alphabetically)."""
        waves = [str(w) for w in dict.fromkeys(waves) if w is not None and w == w and str(w)]
        order = self.wave_order()
        return sorted(waves, key=lambda w: (order.index(w) if w in order else len(order), w))

    def cohort_order(self) -> list[str]:
        return [str(c) for c in self.context.get("cohorts") or []]

    def cohort(self, cohort) -> str:
        """A cohort's name for people ("Cohort 1", or the name in the settings)."""
        return cohort_name(cohort, self.cohort_names)

    def cohorts_phrase(self, cohorts) -> str:
        return join_words([self.cohort(c) for c in cohorts])

    @staticmethod
    def wave(wave) -> str:
        """A wave's name for people ("follow-up", "day 1")."""
        return wave_name(wave)

    @staticmethod
    def the_wave(wave) -> str:
        """A wave after "at": "the baseline", but "day 1"."""
        return the_wave(wave)

    # ------------------------------------------------------------------ aims
    def aims(self) -> list[tuple[str, str, str]]:
        """(id, short title, full title) of each aim, from the context or the statements."""
        out = []
        for a in self.context.get("aims") or []:
            if isinstance(a, dict):
                out.append((str(a.get("id")), str(a.get("short") or a.get("title")),
                            str(a.get("title"))))
            else:
                out.append((str(a.id), str(getattr(a, "short", "") or a.title), str(a.title)))
        programme = self.context.get("programme_info")
        if not out and programme is not None:
            out = [(str(a.id), str(getattr(a, "short", "") or a.title), str(a.title))
                   for a in programme.aims]
        statements = self.table("statements")
        if not out and statements is not None:
            for aim_id, title in statements[["aim", "aim_title"]].drop_duplicates().itertuples(index=False):
                if aim_id:
                    out.append((str(aim_id), str(title), str(title)))
        known = {a[0] for a in out}
        for aim_id in ("aim1", "aim2", "aim3"):
            if aim_id not in known:
                out.append((aim_id, aim_id.replace("aim", "Aim "), aim_id.replace("aim", "Aim ")))
        return out[:3] if len(out) >= 3 else out

    def aim(self, aim_id: str) -> tuple[str, str, str]:
        for a in self.aims():
            if a[0] == aim_id:
                return a
        return (aim_id, aim_id.replace("aim", "Aim "), aim_id.replace("aim", "Aim "))

    def scale_aims(self) -> dict[str, str]:
        """scale id → aim id, from the statements table (change challenges count for aim 3)."""
        if self._scale_aims is None:
            self._scale_aims = self._read_scale_aims()
        return dict(self._scale_aims)

    def _read_scale_aims(self) -> dict[str, str]:
        statements = self.table("statements")
        out = {}
        if statements is not None:
            for scale, aim_id in statements[["scale", "aim"]].itertuples(index=False):
                if scale and aim_id:
                    out.setdefault(str(scale), str(aim_id))
        out.setdefault("change_challenge", "aim3")
        return out

    def first_comparison(self, prepost: pd.DataFrame | None = None) -> tuple[str, str] | None:
        """The headline pair of waves: the first wave → the next wave with scale results."""
        if prepost is None:
            if self._first_comparison is _UNREAD:
                self._first_comparison = self._first_pair(self.table("prepost"))
            return self._first_comparison
        return self._first_pair(prepost)

    def _first_pair(self, prepost: pd.DataFrame | None) -> tuple[str, str] | None:
        if prepost is None:
            return None
        scales = prepost[prepost["kind"] == "scale"] if "kind" in prepost.columns else prepost
        if not len(scales):
            return None
        waves = self.sorted_waves(list(scales["wave_pre"]) + list(scales["wave_post"]))
        first = waves[0]
        later = [w for w in waves[1:]
                 if ((scales["wave_pre"] == first) & (scales["wave_post"] == w)).any()]
        return (first, later[0]) if later else None
