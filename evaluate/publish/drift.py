"""Recognise an export that came from a published form, or list how the live form drifted.

:func:`recognise` compares a :class:`~evaluate.ingest.readers.RawExport` with
the fingerprints of the forms published for its instrument (see
:mod:`evaluate.publish.fingerprint`) and returns a :class:`Recognition`:
either "matches baseline@2 as published to Google Forms on 2026-12-01", or
the drift, question by question — a reworded question, an added, removed or
renamed answer, answers in another order, a question missing, added or
moved, an answer in the data that the published form did not offer — each
with what to do. It reads only headings and the distinct values of each
column, so it costs next to nothing beside the import itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pandas as pd

from evaluate.ingest.coerce import split_multi
from evaluate.instruments import Instrument
from evaluate.normalise import normalise_heading, normalise_label
from evaluate.publish.fingerprint import Publication
from evaluate.publish.form import Question
from evaluate.words import count

__all__ = ["DRIFT_COLUMNS", "Recognition", "recognise"]

#: Columns of :attr:`Recognition.drift`.
DRIFT_COLUMNS = ["item", "change", "column", "published", "found", "fix"]

_SM_PLAIN = {"response", "open ended response", "other please specify"}  # normalised
# Columns ODK Central and KoboToolbox add to an XLSForm's export (not questions).
_XLSFORM_META = {"submissiondate", "start", "end", "today", "deviceid", "meta-instanceid",
                 "meta/instanceid", "instanceid", "key", "submitterid", "submittername",
                 "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "edits",
                 "formversion", "_id", "_uuid", "_submission_time", "_validation_status",
                 "_index", "_status", "_submitted_by", "__version__", "_tags", "_notes",
                 "_version_", "_parent_index"}


@dataclass
class _Observed:
    """One question as the export shows it: title, id (where kept), sub-columns, data columns."""

    title: str
    tag: str | None
    qid: str | None
    subs: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    heading: str = ""


@dataclass
class Recognition:
    """What :func:`recognise` found.

    Attributes
    ----------
    publication : Publication or None
        The published form the export was compared with (None: none fits).
    drift : pandas.DataFrame
        One row per difference, columns :data:`DRIFT_COLUMNS`; empty when the
        export matches the published form exactly.
    note : str
        Why nothing was compared, when ``publication`` is None.
    """

    publication: Publication | None
    drift: pd.DataFrame
    note: str = ""
    #: item → the export's column keys the comparison paired with it
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def matches(self) -> bool:
        return self.publication is not None and self.drift.empty

    def lines(self, limit: int = 50) -> list[str]:
        """Plain-English lines for the screen."""
        if self.publication is None:
            return [self.note] if self.note else []
        what = self.publication.describe()
        if self.drift.empty:
            return [f"Matches {what}: every question, answer and heading as published."]
        out = [f"Came from {what}, but the live form has changed: "
               f"{count(len(self.drift), 'difference')} from the published form."]
        for row in self.drift.head(limit).itertuples():
            found = f' → "{row.found}"' if row.found else ""
            published = f' "{row.published}"' if row.published else ""
            out.append(f"  - {row.item}: {row.change.replace('_', ' ')}{published}{found} "
                       f"(column {row.column}) — {row.fix}")
        if len(self.drift) > limit:
            out.append(f"  … and {len(self.drift) - limit} more.")
        return out


# ------------------------------------------------------------------ what the export shows
def _observed(raw, instrument: Instrument, tags: set[str]) -> list[_Observed]:
    identity = {normalise_heading(a) for aliases in instrument.identity.values() for a in aliases}
    out: list[_Observed] = []
    for col in raw.columns:
        if col.role is not None:
            continue
        tag = qid = sub = None
        if raw.platform == "qualtrics":
            short = col.short_name or ""
            if col.parent and short not in tags:  # a matrix row (not a tag with " - " in its text)
                title, sub = col.parent, col.sub_label
                tag = re.sub(r"_\d+$", "", short) or None
            else:
                title, tag = col.label or col.heading, re.sub(r"_TEXT$", "", short) or None
            qid = re.sub(r"_(?:\d+|TEXT)$", "", col.import_id or "") or None
        elif raw.platform == "surveymonkey":
            title = col.label or col.heading
            if col.sub_label and normalise_label(col.sub_label) not in _SM_PLAIN:
                sub = col.sub_label
        else:
            title = col.parent or col.heading
            sub = col.sub_label if col.parent else None
            tag = title
        if normalise_heading(title) in identity or (
                raw.platform == "plain" and title.strip().casefold() in _XLSFORM_META):
            continue
        last = out[-1] if out else None
        if sub is not None and last is not None and last.title == title and last.tag == tag:
            last.subs.append(sub)
            last.keys.append(col.key)
            continue
        out.append(_Observed(title=title, tag=tag, qid=qid, subs=[sub] if sub else [],
                             keys=[col.key], heading=col.heading))
    return out


def _expected_title(pub: Publication, q: Question) -> str:
    return q.item if pub.platform in ("xlsform", "paper") else q.title


def _expected_subs(pub: Publication, q: Question) -> list[str] | None:
    """Sub-column texts the export will have (None: one column; [] with roster: names hashed)."""
    if q.kind == "grid":
        return []
    if q.kind == "multi" and pub.platform in ("surveymonkey", "paper"):
        return list(q.labels)
    return None


# ------------------------------------------------------------------ pairing
def _pair(pub: Publication, observed: list[_Observed], instrument: Instrument):
    pairs: dict[int, tuple[int, str]] = {}  # observed index -> (question index, how)
    taken: set[int] = set()
    questions = list(pub.questions)

    def take(oi: int, qi: int, how: str) -> None:
        pairs[oi] = (qi, how)
        taken.add(qi)

    by_tag = {q.tag: k for k, q in enumerate(questions)}
    by_qid = {q.qid: k for k, q in enumerate(questions)} if pub.platform == "qualtrics" else {}
    for oi, obs in enumerate(observed):
        qi = by_tag.get(obs.tag) if pub.platform in ("qualtrics", "xlsform", "paper") else None
        if qi is None and obs.qid:
            qi = by_qid.get(obs.qid)
        if qi is not None and qi not in taken:
            take(oi, qi, "id")
    titles = {_expected_title(pub, q): k for k, q in enumerate(questions)}
    for oi, obs in enumerate(observed):
        if oi not in pairs and titles.get(obs.title.strip()) is not None \
                and titles[obs.title.strip()] not in taken:
            take(oi, titles[obs.title.strip()], "title")
    items = {i.id: i for i in instrument.items}
    for oi, obs in enumerate(observed):
        if oi in pairs:
            continue
        key = normalise_heading(obs.title)
        for k, q in enumerate(questions):
            item = items.get(q.item)
            if k not in taken and item is not None and key in item.headings():
                take(oi, k, "alias")
                break
    left_o = [oi for oi in range(len(observed)) if oi not in pairs]
    left_q = [k for k in range(len(questions)) if k not in taken]
    scored = sorted(((SequenceMatcher(None, normalise_heading(observed[oi].title),
                                      normalise_heading(_expected_title(pub, questions[k]))).ratio(), oi, k)
                     for oi in left_o for k in left_q), reverse=True)
    for ratio, oi, k in scored:
        if ratio < 0.6:
            break
        if oi not in pairs and k not in taken:
            take(oi, k, "similar")
    return pairs


def _moved(order: list[int]) -> set[int]:
    """Positions not in a longest increasing run: the questions that moved."""
    if not order:
        return set()
    best = [1] * len(order)
    prev = [-1] * len(order)
    for i in range(len(order)):
        for j in range(i):
            if order[j] < order[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(order)), key=lambda k: best[k])
    keep = set()
    while i != -1:
        keep.add(order[i])
        i = prev[i]
    return set(order) - keep


def _swapped(order: list[int], moved: set[int]) -> set[int]:
    """``moved`` with the partner of every swap: two questions that changed places are both
    reported (the longest increasing run keeps one of them in place).

    >>> sorted(_swapped([0, 2, 1, 3], {1}))
    [1, 2]
    >>> sorted(_swapped([1, 2, 3, 0], {0}))
    [0]
    """
    slots = sorted(order)
    here = {qi: k for k, qi in enumerate(order)}
    out = set(moved)
    for qi in moved:
        k = here[qi]
        other = slots[k]  # the question published at the place qi now takes
        if other != qi and other in here and order[slots.index(qi)] == other:
            out.add(other)
    return out


# ------------------------------------------------------------------ fixes
def _fixes(instrument: Instrument) -> dict[str, str]:
    file = instrument.path.name if instrument.path else f"{instrument.ref}'s file"
    return {
        "reworded": (f"if the meaning is unchanged, add the new wording to the item's aliases in "
                     f"{file}; if it changed, publish a new version of the instrument; or put the "
                     "published wording back on the live form"),
        "missing_question": ("put the question back on the live form (or export every question); "
                             "if it was dropped on purpose, publish a new version without it"),
        "extra_question": (f"it is not a question of {instrument.ref}, so it is not imported: remove "
                           "it from the live form, or add it to a new version and publish that"),
        "question_moved": ("nothing is lost (columns match by id or title), but respondents saw "
                           "another order: put it back, or publish again so the fingerprint matches"),
        "answer_added": ("an answer the published form did not offer: remove it from the live form, "
                         f"or add it (or an alias) to the response set in {file} and publish again"),
        "answer_removed": "put the answer back on the live form, or publish a new version without it",
        "answer_renamed": (f"if it means the same, add the new label to the response set's aliases "
                           f"in {file}; otherwise put the published label back on the live form"),
        "answers_reordered": ("respondents saw the answers in another order: put them back in the "
                              "published order, or publish a new version"),
        "unexpected_answer": (f"the live form offers an answer that was not published: if it means "
                              f"the same as a published answer add it to the aliases in {file}, "
                              "otherwise fix the form or publish a new version"),
        "members_changed": ("the form lists other cohort members than were published: publish the "
                            "form again from the current roster"),
        "columns_per_answer": ("the export has a column per answer where the published form "
                               "exports one column: it was probably made from another form; "
                               "check which form it came from"),
        "tag_changed": ("the question's export tag was changed on the live form, so its column "
                        "is not headed with the item id: put the tag back (Qualtrics: the "
                        "question's export tag), or import with --accept-drift ITEM"),
        "language": ("the questions match by id, so nothing is lost; if the survey should be in "
                     "the published language, check the wording on the live form"),
    }


def _value_problems(raw, q: Question, obs: _Observed) -> list[tuple[str, int]]:
    """Distinct answers in the data that the published question did not offer."""
    if not q.choices or (q.roster and q.kind == "multi"):
        return []
    labels = {label.strip() for label in q.labels}
    codes = {str(c) for c in q.codes if c is not None}
    keys = obs.keys if q.kind == "grid" or not obs.subs else []
    found: dict[str, int] = {}
    for key in keys:
        if q.kind == "multi":  # split exactly as the import splits
            values = split_multi(raw.frame[key], raw.multi_separator).astype(str)
        else:
            values = raw.frame[key].dropna().astype(str).str.strip()
            values = values[values != ""]
        numbers = values.str.replace(r"\.0$", "", regex=True)
        bad = values[~values.isin(labels) & ~numbers.isin(codes)]
        for value, n in bad.value_counts().items():
            found[value] = found.get(value, 0) + int(n)
    return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))


def _compare(raw, instrument: Instrument, pub: Publication) -> tuple[pd.DataFrame, int]:
    observed = _observed(raw, instrument, {q.tag for q in pub.questions})
    pairs = _pair(pub, observed, instrument)
    fix = _fixes(instrument)
    questions = list(pub.questions)
    rows: list[dict] = []

    def add(item, change, column, published="", found=""):
        rows.append(dict(item=item, change=change, column=column, published=published,
                         found=found, fix=fix[change]))

    reworded_by_id = []
    for oi, (qi, how) in sorted(pairs.items()):
        obs, q = observed[oi], questions[qi]
        expected = _expected_title(pub, q)
        if pub.platform == "qualtrics" and obs.tag and obs.tag != q.tag:
            add(q.item, "tag_changed", obs.heading, q.tag, obs.tag)
        if obs.title.strip() != expected:
            if how == "id":
                reworded_by_id.append((q, obs))
            else:
                add(q.item, "reworded", obs.heading, expected, obs.title)
        subs = _expected_subs(pub, q)
        if subs is not None and q.roster:
            count = pub.members.get(q.item, (0, ""))[0]
            if len(obs.subs) != count:
                add(q.item, "members_changed", obs.heading, f"{count} members", f"{len(obs.subs)} members")
        elif subs is None and obs.subs:
            add(q.item, "columns_per_answer", obs.heading, "one column", f"{len(obs.subs)} columns")
        elif subs:
            added = [s for s in obs.subs if s not in subs]
            removed = [s for s in subs if s not in obs.subs]
            if len(added) == 1 and len(removed) == 1:
                add(q.item, "answer_renamed", obs.heading, removed[0], added[0])
            else:
                for s in added:
                    add(q.item, "answer_added", obs.heading, "", s)
                for s in removed:
                    add(q.item, "answer_removed", obs.heading, s, "")
            if not added and not removed and obs.subs != subs:
                add(q.item, "answers_reordered", obs.heading, " | ".join(subs), " | ".join(obs.subs))
        for value, n in _value_problems(raw, q, obs):
            add(q.item, "unexpected_answer", obs.heading, "", f"{value} ({n} response{'s' if n > 1 else ''})")
    if reworded_by_id:
        if len(reworded_by_id) == len([1 for _, how in pairs.values() if how == "id"]) > 2:
            add("(all)", "language", "row 2", questions[0].title, reworded_by_id[0][1].title)
        else:
            for q, obs in reworded_by_id:
                add(q.item, "reworded", obs.heading, q.title, obs.title)
    order = [qi for oi, (qi, _) in sorted(pairs.items())]
    slots = sorted(order)  # the published question at each paired position
    for qi in sorted(_swapped(order, _moved(order))):
        q = questions[qi]
        obs = next(observed[oi] for oi, (k, _) in pairs.items() if k == qi)
        add(q.item, "question_moved", obs.heading, f"question {q.number}",
            f"question {questions[slots[order.index(qi)]].number} in the export")
    paired_q = {qi for qi, _ in pairs.values()}
    for k, q in enumerate(questions):
        if k not in paired_q:
            add(q.item, "missing_question", "(none)", _expected_title(pub, q), "")
    for oi, obs in enumerate(observed):
        if oi not in pairs:
            add("(not in the instrument)", "extra_question", obs.heading, "", obs.title)
    columns = {questions[qi].item: tuple(observed[oi].keys) for oi, (qi, _) in pairs.items()}
    return pd.DataFrame(rows, columns=DRIFT_COLUMNS), len(pairs), columns


def recognise(raw, instrument: Instrument, publications: list[Publication]) -> Recognition:
    """Compare an export with the forms published for its instrument.

    Parameters
    ----------
    raw : RawExport
        The export as read (:func:`evaluate.ingest.readers.read_export`).
    instrument : Instrument
        The instrument it answers.
    publications : list of Publication
        Fingerprints (:func:`evaluate.publish.fingerprint.load_publications`).

    Returns
    -------
    Recognition
        Compared with the published form of the export's platform that it
        differs from least (the latest on a tie); ``publication`` is None
        when no form of the instrument was published to that platform, or
        the export shares fewer than half its questions with every one.
    """
    mine = [p for p in publications if p.instrument == instrument.ref]
    empty = pd.DataFrame(columns=DRIFT_COLUMNS)
    if not mine:
        return Recognition(None, empty)
    same = [p for p in mine if p.export_platform == raw.platform]
    if not same:
        where = ", ".join(sorted({p.platform_name for p in mine}))
        return Recognition(None, empty, note=(
            f"{instrument.ref} was published to {where}; this is a "
            f"{raw.platform.replace('_', ' ')} export, so there is no published form to compare it with."))
    results = []
    for pub in same:
        drift, paired, columns = _compare(raw, instrument, pub)
        results.append((len(drift), pub.published, pub, drift, paired, columns))
    odk = raw.platform == "plain" and any(
        c.heading.strip().casefold() in _XLSFORM_META for c in raw.columns)
    preferred = "xlsform" if odk else "paper"  # the two plain layouts, told apart by ODK's columns
    results.sort(key=lambda r: (r[0], r[2].platform != preferred, _neg(r[1])))
    _, _, pub, drift, paired, columns = results[0]
    if paired * 2 < len(pub.questions):
        return Recognition(None, empty, note=(
            f"This export shares few questions with {pub.describe()}, so it was not compared."))
    return Recognition(pub, drift.reset_index(drop=True), columns=columns)


def _neg(date: str) -> str:
    """Sort key putting later ISO dates first."""
    return "".join(chr(255 - ord(c)) for c in date)
