"""The form a platform is given: one question per instrument item, in order.

:func:`build_form` turns an :class:`~evaluate.instruments.Instrument` into a
:class:`Form`, the neutral description every publisher writes from and every
fingerprint records: each question's exact title, kind, answers (code and
label, in the order the form shows them), export tag and Qualtrics question
id. Publishers add nothing to the wording, so an export's headings are the
instrument's texts and its answers the instrument's labels (or codes).

Questions about cohort members (``roster_multi``, ``roster_grid``) list the
members of one cohort, taken from the roster; those names are personal data,
so a :class:`Form` keeps them but a fingerprint stores only their number and
a hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluate.errors import InstrumentError
from evaluate.instruments import Instrument, Item
from evaluate.normalise import normalise_label

__all__ = ["KINDS", "PublishError", "Question", "Form", "build_form", "cohort_members"]

#: single: one answer from a list; scale: a number on a linear scale (the code);
#: multi: several answers from a list; grid: one answer per row (cohort member);
#: text, number, date: typed answers.
KINDS = ("single", "scale", "multi", "grid", "text", "number", "date")


class PublishError(InstrumentError):
    """An instrument cannot be published as asked (say why and what to do)."""


@dataclass(frozen=True)
class Question:
    """One question as the platform shows it.

    Attributes
    ----------
    item : str
        The instrument item it asks (its stable id).
    number : int
        Position on the form, 1-based; Qualtrics question id is ``QID<number>``.
    kind : str
        One of :data:`KINDS`.
    title : str
        The exact question text (the item's text).
    choices : tuple of (code, label)
        Answers in the order shown; ``code`` is None for cohort members.
    rows : tuple of str
        Grid rows (cohort members) for ``grid`` questions.
    required : bool
        Whether an answer is required.
    roster : bool
        True when ``choices`` (multi) or ``rows`` (grid) are cohort members.
    minimum, maximum : float or None
        Allowed range of a ``number`` answer.
    answer_set : str or None
        The instrument's response set the choices come from.
    ends : tuple of str
        Words for the two ends of a ``scale`` (e.g. "Not at all likely",
        "Extremely likely"), from the response set's aliases; not exported.
    """

    item: str
    number: int
    kind: str
    title: str
    choices: tuple[tuple[int | None, str], ...] = ()
    rows: tuple[str, ...] = ()
    required: bool = False
    roster: bool = False
    minimum: float | None = None
    maximum: float | None = None
    answer_set: str | None = None
    ends: tuple[str, ...] = ()

    @property
    def tag(self) -> str:
        """Export tag (Qualtrics DataExportTag, XLSForm name): the item id."""
        return self.item

    @property
    def qid(self) -> str:
        """Qualtrics question id, predictable from the position: ``QID<number>``."""
        return f"QID{self.number}"

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.choices)

    @property
    def codes(self) -> tuple[int | None, ...]:
        return tuple(code for code, _ in self.choices)


@dataclass(frozen=True)
class Form:
    """An instrument as a form: title, introduction and questions in order."""

    instrument: str
    version: int
    title: str
    description: str
    questions: tuple[Question, ...]
    cohort: str | None = None
    #: what links answers to the roster: "email" or "staff_id"
    link_by: str = "email"
    #: the participant information and privacy notice, as paragraphs (empty: none)
    notice: tuple[str, ...] = ()
    notice_title: str = "About this survey and your privacy"

    @property
    def ref(self) -> str:
        return f"{self.instrument}@{self.version}"

    @property
    def identity_name(self) -> str:
        """The identity field's name in every export: ``email`` or ``staff_id``."""
        return self.link_by

    @property
    def identity_label(self) -> str:
        """The identity question as respondents read it."""
        return ("Your work email address (the one the programme team writes to)"
                if self.link_by == "email" else "Your staff ID (as on your badge or payslip)")

    def question(self, item_id: str) -> Question:
        for q in self.questions:
            if q.item == item_id:
                return q
        raise KeyError(item_id)


def _is_numeric_scale(labels: tuple[str, ...], codes: tuple[int, ...]) -> bool:
    """Labels that are just the codes (0 … 10): a linear scale whose export is the number."""
    if not codes or any(label.strip() != str(code) for code, label in zip(codes, labels, strict=True)):
        return False
    lo, hi = min(codes), max(codes)
    return list(codes) == list(range(lo, hi + 1)) and lo in (0, 1) and 3 <= hi <= 10


def _scale_ends(rset) -> tuple[str, ...]:
    """Aliases that name the lowest and highest code in words ("Not at all likely")."""
    lo, hi = min(rset.codes), max(rset.codes)
    words = {code: alias for alias, code in reversed(rset.aliases)
             if not alias.strip()[:1].isdigit()}
    return (words[lo], words[hi]) if lo in words and hi in words else ()


def _question(instrument: Instrument, item: Item, number: int, members: tuple[str, ...] | None) -> Question:
    rset = instrument.response_set_of(item)
    base = dict(item=item.id, number=number, title=item.text, required=item.required)
    if item.type in ("roster_multi", "roster_grid"):
        if not members:
            raise PublishError(
                f'{instrument.ref} asks about cohort members (item "{item.id}"), so the form needs '
                "their names — pass --roster ROSTER.csv --cohort COHORT"
            )
        if item.type == "roster_multi":
            return Question(**base, kind="multi", choices=tuple((None, m) for m in members), roster=True)
        return Question(**base, kind="grid", choices=rset.options, rows=members, roster=True,
                        answer_set=rset.id)
    if item.type in ("likert", "choice"):
        if _is_numeric_scale(rset.labels, rset.codes):
            return Question(**base, kind="scale", choices=rset.options, answer_set=rset.id,
                            ends=_scale_ends(rset))
        return Question(**base, kind="single", choices=rset.options, answer_set=rset.id)
    if item.type == "multi":
        return Question(**base, kind="multi", choices=rset.options, answer_set=rset.id)
    if item.type == "number":
        return Question(**base, kind="number", minimum=item.minimum, maximum=item.maximum)
    return Question(**base, kind=item.type)  # text, date


def build_form(instrument: Instrument, members: list[str] | tuple[str, ...] | None = None,
               cohort: str | None = None, *, notice=None, link_by: str = "email") -> Form:
    """The form for ``instrument``: one :class:`Question` per item, in the instrument's order.

    Parameters
    ----------
    instrument : Instrument
        What to publish.
    members : list of str, optional
        Names of the cohort's members, for questions about cohort members
        (see :func:`cohort_members`).
    cohort : str, optional
        The cohort those members belong to (recorded with the form).
    notice : Notice, optional
        The participant information and privacy notice
        (:func:`evaluate.publish.notice.load_notice`; default: its plain defaults).
    link_by : str
        ``"email"`` or ``"staff_id"``: what the form collects to link answers.

    Raises
    ------
    PublishError
        The instrument asks about cohort members and no names were given.

    Examples
    --------
    >>> from evaluate.instruments import load_instruments
    >>> form = build_form(load_instruments()["baseline@1"])
    >>> q = form.question("see_the_system")
    >>> q.kind, q.qid, q.tag, q.choices[0]
    ('single', 'QID4', 'see_the_system', (1, 'Strongly disagree'))
    """
    names = tuple(members) if members else None
    questions = tuple(_question(instrument, item, n, names)
                      for n, item in enumerate(instrument.items, start=1))
    if link_by not in ("email", "staff_id"):
        raise PublishError(f'Link answers by "email" or "staff_id", not "{link_by}"')
    if notice is None:
        from evaluate.publish.notice import Notice

        notice = Notice()
    return Form(instrument=instrument.id, version=instrument.version, title=instrument.title,
                description=instrument.description.strip(), questions=questions,
                cohort=cohort if any(q.roster for q in questions) else None, link_by=link_by,
                notice=tuple(notice.paragraphs(link_by)), notice_title=notice.title)


def cohort_members(roster, cohort: str) -> list[str]:
    """Names of one cohort's members, ordered by family name, as a form lists them.

    ``roster`` is a :class:`~evaluate.roster.Roster`.
    """
    frame = roster.frame
    names = frame.loc[frame["cohort"] == cohort, "display"].dropna().astype(str).tolist()
    if not names:
        known = ", ".join(sorted(frame["cohort"].dropna().unique())) or "(none)"
        raise PublishError(f'The roster has nobody in cohort "{cohort}" — cohorts on it: {known}')
    return sorted(dict.fromkeys(n.strip() for n in names),
                  key=lambda n: (normalise_label(n.split()[-1]), normalise_label(n)))
