"""The participant information and privacy notice that opens every published form.

Read from the ``notice:`` section of ``programme.yaml``: who collects the
answers, why, how long they are kept, who to contact, and the lawful basis;
how answers are reported is added by the tool itself (groups smaller than
the workspace's minimum group size are never shown), so the notice cannot
promise less than the reports do. Every field has a plain default, so a
programme file without the section still publishes forms with a notice that
says who to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from evaluate.errors import InstrumentError

__all__ = ["Notice", "load_notice", "NOTICE_FIELDS"]

#: programme.yaml ``notice:`` keys, in the order the notice reads.
NOTICE_FIELDS = ("collected_by", "purpose", "kept_for", "contact", "lawful_basis")

_DEFAULTS = {
    "collected_by": "the programme team",
    "purpose": "to evaluate the programme and improve it for future cohorts",
    "kept_for": "until the evaluation is finished, then deleted",
    "contact": "the programme team",
    "lawful_basis": "",
}


@dataclass(frozen=True)
class Notice:
    """What the notice says (see :data:`NOTICE_FIELDS`) and the smallest group reported."""

    programme: str = ""
    collected_by: str = _DEFAULTS["collected_by"]
    purpose: str = _DEFAULTS["purpose"]
    kept_for: str = _DEFAULTS["kept_for"]
    contact: str = _DEFAULTS["contact"]
    lawful_basis: str = ""
    min_group_size: int = 5

    @property
    def title(self) -> str:
        return "About this survey and your privacy"

    def paragraphs(self, link_by: str = "email") -> list[str]:
        """The notice as short paragraphs, for every platform alike."""
        what = "work email address" if link_by == "email" else "staff ID"
        name = f"{self.programme} " if self.programme else ""
        out = [
            f"This survey is run by {self.collected_by} {_for(name)}{self.purpose}. "
            "Taking part is voluntary, and you can skip any question you prefer not to answer.",
            f"We ask for your {what} only to link your answers to your answers in the other "
            "surveys of the programme. It is replaced by a code before any analysis, and it "
            "never appears in a report.",
            f"Answers are reported only for groups of at least {self.min_group_size} people; "
            "smaller groups are never shown, and no one's individual answers are shared with "
            "their organisation or manager.",
            f"Your answers are kept {self.kept_for}.",
        ]
        if self.lawful_basis:
            out.append(f"Lawful basis: {self.lawful_basis}.")
        out.append(f"Questions, or to withdraw your answers: {self.contact}.")
        return out

    def text(self, link_by: str = "email") -> str:
        return "\n\n".join(self.paragraphs(link_by))


def _for(name: str) -> str:
    return f"for the {name}programme, " if name else ""


def load_notice(directory: str | Path | None, programme: str = "",
                min_group_size: int | None = None) -> Notice:
    """The notice from ``programme.yaml`` in ``directory`` (defaults where a field is missing).

    Raises
    ------
    InstrumentError
        The ``notice:`` section is there but is not a mapping of texts.
    """
    from evaluate.instruments import default_instrument_dir

    path = Path(directory or default_instrument_dir()) / "programme.yaml"
    doc = {}
    if path.is_file():
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            doc = {}
    spec = doc.get("notice") if isinstance(doc, dict) else None
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        raise InstrumentError(f"{path.name}: notice: should list {', '.join(NOTICE_FIELDS)} "
                              "(each a sentence), e.g. notice: {contact: evaluation@example.org}")
    bad = [k for k in spec if k not in NOTICE_FIELDS]
    if bad:
        raise InstrumentError(f"{path.name}: notice: has {', '.join(map(str, bad))}, which is not one "
                              f"of {', '.join(NOTICE_FIELDS)} — correct the spelling")
    values = {k: " ".join(str(spec[k]).split()).rstrip(".") for k in NOTICE_FIELDS if spec.get(k)}
    name = programme or (str(doc.get("name") or "") if isinstance(doc, dict) else "")
    return Notice(programme=name, min_group_size=int(min_group_size or 5), **values)
