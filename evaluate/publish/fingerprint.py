"""Fingerprints of published forms, kept beside the instruments in ``published/``.

Publishing a form writes one YAML file, ``published/<id>@<version>-<platform>-<date>.yaml``
(``-<cohort>`` added when the form lists a cohort's members): the instrument
``id@version``, the platform, the date, a hash of the exact question titles,
answer labels, codes and order the platform will export, and those questions
themselves, so that an export can later be checked question by question
(see :mod:`evaluate.publish.drift`). Names of cohort members are never
written: a question about them keeps only how many there were and a hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from evaluate import __version__
from evaluate.errors import InstrumentError
from evaluate.instruments import Instrument
from evaluate.publish.form import Form, Question

__all__ = ["PLATFORMS", "Publication", "form_hash", "fingerprint", "write_publication",
           "read_publication", "load_publications", "published_dir", "publication_dirs",
           "is_shipped"]

#: publish target → (name people know it by, the export layout its exports have)
PLATFORMS: dict[str, tuple[str, str]] = {
    "xlsform": ("XLSForm (ODK, KoboToolbox)", "plain"),
    "qualtrics": ("Qualtrics", "qualtrics"),
    "google": ("Google Forms", "google_forms"),
    "msforms": ("Microsoft Forms", "microsoft_forms"),
    "surveymonkey": ("SurveyMonkey", "surveymonkey"),
    "paper": ("paper", "plain"),
}


def _digest(values) -> str:
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(q: Question) -> list:
    return [q.item, q.number, q.kind, q.title, [[c, label] for c, label in q.choices],
            list(q.rows), q.required]


def form_hash(form: Form) -> str:
    """``sha256:…`` of every question's id, position, kind, exact title, answers and rows."""
    return "sha256:" + _digest([_canonical(q) for q in form.questions])


@dataclass(frozen=True)
class Publication:
    """One published form, as its fingerprint file records it.

    ``questions`` are the form's questions, except that a question about
    cohort members has no member names (``choices`` or ``rows`` empty);
    ``members`` gives, for those questions, how many members the form listed
    and a hash of their names.
    """

    instrument: str
    platform: str
    published: str
    hash: str
    questions: tuple[Question, ...]
    cohort: str | None = None
    members: dict[str, tuple[int, str]] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    software_version: str = ""
    path: Path | None = None

    @property
    def platform_name(self) -> str:
        return PLATFORMS[self.platform][0]

    @property
    def export_platform(self) -> str:
        """The export layout (:data:`evaluate.ingest.readers.PLATFORMS`) its exports have."""
        return PLATFORMS[self.platform][1]

    def describe(self) -> str:
        """``baseline@2 as published to Google Forms on 2026-12-01``."""
        cohort = f" for cohort {self.cohort}" if self.cohort else ""
        return f"{self.instrument} as published to {self.platform_name}{cohort} on {self.published}"


def fingerprint(form: Form, platform: str, published: str, files=()) -> Publication:
    """The :class:`Publication` of ``form`` on ``platform`` (names of members hashed)."""
    if platform not in PLATFORMS:
        raise InstrumentError(f'Unknown platform "{platform}" — use one of: {", ".join(PLATFORMS)}')
    questions, members = [], {}
    for q in form.questions:
        if q.roster:
            names = list(q.rows) if q.kind == "grid" else list(q.labels)
            members[q.item] = (len(names), "sha256:" + _digest(names))
            q = replace(q, rows=()) if q.kind == "grid" else replace(q, choices=())
        questions.append(q)
    return Publication(instrument=form.ref, platform=platform, published=published,
                       hash=form_hash(form), questions=tuple(questions), cohort=form.cohort,
                       members=members, files=tuple(str(f) for f in files),
                       software_version=__version__)


def published_dir(instrument: Instrument) -> Path | None:
    """``published/`` beside the instrument's file (None for an instrument not read from a file)."""
    return instrument.path.parent / "published" if instrument.path is not None else None


def is_shipped(directory: Path) -> bool:
    """True for the instruments shipped with the package (in a wheel or the checkout's own),
    which publishing never writes into."""
    from evaluate.resources import shipped_dir

    shipped = shipped_dir("instruments")
    if shipped is None:
        return False
    try:
        return Path(directory).resolve().is_relative_to(shipped.resolve())
    except OSError:
        return False


def publication_dirs(instrument: Instrument, workspace=None) -> list[Path]:
    """Where fingerprints of ``instrument`` may be: the workspace's ``instruments/published``,
    the instrument's own folder's ``published/`` and the shipped folder's, in that order."""
    from evaluate.resources import shipped_dir

    found: list[Path] = []
    if workspace is not None:
        found.append(Path(workspace.path) / "instruments" / "published")
    own = published_dir(instrument)
    if own is not None:
        found.append(own)
    shipped = shipped_dir("instruments")
    if shipped is not None:
        found.append(shipped / "published")
    out: list[Path] = []
    for d in found:
        if d.resolve() not in {x.resolve() for x in out}:
            out.append(d)
    return out


def _question_record(q: Question, members) -> dict:
    rec = {"item": q.item, "number": q.number, "kind": q.kind, "title": q.title,
           "required": q.required}
    if q.answer_set:
        rec["answer_set"] = q.answer_set
    if q.choices:
        rec["choices"] = [[c, label] for c, label in q.choices]
    if q.minimum is not None or q.maximum is not None:
        rec.update(minimum=q.minimum, maximum=q.maximum)
    if q.roster:
        count, digest = members[q.item]
        rec["cohort_members"] = {"count": count, "names_hash": digest}
    return rec


def write_publication(pub: Publication, directory: Path) -> Path:
    """Write the fingerprint file into ``directory`` (made if needed); return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    cohort = f"-{pub.cohort}" if pub.cohort else ""
    path = directory / f"{pub.instrument}-{pub.platform}-{pub.published}{cohort}.yaml"
    doc = {"instrument": pub.instrument, "platform": pub.platform,
           "platform_name": pub.platform_name, "published": pub.published, "cohort": pub.cohort,
           "hash": pub.hash, "software_version": pub.software_version, "files": list(pub.files),
           "questions": [_question_record(q, pub.members) for q in pub.questions]}
    head = ("# Fingerprint of a form published with `evaluate publish`. evaluate validate and\n"
            "# evaluate ingest compare exports with it. Do not edit: publish again instead.\n")
    path.write_text(head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100,
                                          default_flow_style=None),
                    encoding="utf-8", newline="\n")
    return path


def read_publication(path: Path) -> Publication:
    """Read one fingerprint file."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        questions, members = [], {}
        for rec in doc["questions"]:
            roster = "cohort_members" in rec
            if roster:
                m = rec["cohort_members"]
                members[rec["item"]] = (int(m["count"]), str(m["names_hash"]))
            questions.append(Question(
                item=rec["item"], number=int(rec["number"]), kind=rec["kind"], title=rec["title"],
                choices=tuple((None if c is None else int(c), str(label))
                              for c, label in rec.get("choices") or ()),
                required=bool(rec.get("required")), roster=roster,
                minimum=rec.get("minimum"), maximum=rec.get("maximum"),
                answer_set=rec.get("answer_set")))
        return Publication(instrument=doc["instrument"], platform=doc["platform"],
                           published=str(doc["published"]), hash=doc["hash"],
                           questions=tuple(questions), cohort=doc.get("cohort"), members=members,
                           files=tuple(doc.get("files") or ()),
                           software_version=str(doc.get("software_version") or ""), path=Path(path))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise InstrumentError(
            f"published/{Path(path).name}: not a readable fingerprint ({type(exc).__name__}) — "
            "delete it and publish the form again"
        ) from None


def load_publications(instrument: Instrument, workspace=None) -> list[Publication]:
    """Every fingerprint recorded for ``instrument`` (same id and version), oldest first.

    Looked for in every folder of :func:`publication_dirs` (the workspace's
    first); the same publication found twice is kept once.
    """
    found: dict[tuple, Publication] = {}
    for directory in publication_dirs(instrument, workspace):
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob(f"{instrument.ref}-*.yaml")):
            pub = read_publication(path)
            if pub.instrument == instrument.ref:
                found.setdefault((pub.platform, pub.published, pub.cohort, pub.hash), pub)
    return sorted(found.values(), key=lambda p: (p.published, p.platform))
