"""Publish an instrument to the survey platforms, so exports match it by construction.

``publish(instrument, "google", out)`` writes what the platform can import
(see :data:`TARGETS`) and records a fingerprint of the form (see
:mod:`evaluate.publish.fingerprint`), which :mod:`evaluate.publish.drift`
compares exports with: in a workspace's ``instruments/published/`` when one
is given, else in the instrument folder's ``published/`` — except the
instruments shipped with the package, which are never written into: their
fingerprints go beside the forms in ``out``.

One module per platform: :mod:`~evaluate.publish.xlsform`,
:mod:`~evaluate.publish.qualtrics`, :mod:`~evaluate.publish.google`,
:mod:`~evaluate.publish.msforms`, :mod:`~evaluate.publish.surveymonkey`,
:mod:`~evaluate.publish.paper`; all write from the same
:class:`~evaluate.publish.form.Form`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path

from evaluate.instruments import Instrument
from evaluate.publish.fingerprint import (
    Publication,
    fingerprint,
    is_shipped,
    published_dir,
    write_publication,
)
from evaluate.publish.form import Form, PublishError, build_form

__all__ = ["TARGETS", "PublishResult", "publish", "PublishError"]

#: What each target writes, for help texts and the README.
TARGETS: dict[str, str] = {
    "xlsform": "XLSForm .xlsx (survey, choices, settings) for ODK, KoboToolbox, Survey123",
    "qualtrics": "Qualtrics .qsf survey file, and the Advanced-format .txt as a fallback",
    "google": "Google Apps Script (.gs) that builds the Google Form when run once",
    "msforms": "Word .docx for Microsoft Forms Quick Import, and a checklist to verify by hand",
    "surveymonkey": "SurveyMonkey API v3 survey (.json) with a script to send it",
    "paper": "printable Word .docx with item codes, and the data-entry sheet (.xlsx)",
}


@dataclass(frozen=True)
class PublishResult:
    """Files written, the fingerprint recorded (and where), and the form itself."""

    files: tuple[Path, ...]
    publication: Publication
    fingerprint_path: Path | None
    form: Form
    next_steps: str = ""


def _writer(platform: str):
    """The module that writes ``platform``: ``write(form, out, published) -> [Path]``, ``NEXT_STEPS``."""
    from evaluate.publish import google, msforms, paper, qualtrics, surveymonkey, xlsform

    writers = {"xlsform": xlsform, "qualtrics": qualtrics, "google": google, "msforms": msforms,
               "surveymonkey": surveymonkey, "paper": paper}
    if platform not in writers:
        raise PublishError(f'Unknown platform "{platform}" — use one of: {", ".join(writers)}')
    return writers[platform]


def publish(instrument: Instrument, platform: str, out: str | Path, *,
            members: list[str] | None = None, cohort: str | None = None,
            published: str | None = None, record: bool = True,
            workspace=None, notice=None, link_by: str = "email") -> PublishResult:
    """Write ``instrument`` for ``platform`` into ``out`` and record its fingerprint.

    Parameters
    ----------
    instrument : Instrument
        What to publish.
    platform : str
        One of :data:`TARGETS`.
    out : path
        Folder to write into (made if needed).
    members, cohort : optional
        Names of the cohort's members and the cohort, for instruments that ask
        about cohort members (see :func:`evaluate.publish.form.cohort_members`).
    published : str, optional
        Publication date ``YYYY-MM-DD`` (default: today).
    record : bool
        Write the fingerprint (see the module's description for where).
    workspace : Workspace, optional
        Record the fingerprint in this workspace's ``instruments/published/``,
        where ``validate -w`` and ``ingest`` look for it.
    notice : Notice, optional
        The participant information and privacy notice that opens the form
        (:func:`evaluate.publish.notice.load_notice`).
    link_by : str
        ``"email"`` or ``"staff_id"``: what the form collects to link answers
        to the roster.

    Raises
    ------
    PublishError
        The instrument cannot be published to this platform as asked.
    """
    when = published or _date.today().isoformat()
    try:
        _date.fromisoformat(when)
    except ValueError:
        raise PublishError(f'"{when}" is not a date — write it as YYYY-MM-DD, e.g. 2026-12-01') from None
    form = build_form(instrument, members, cohort, notice=notice, link_by=link_by)
    module = _writer(platform)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = tuple(module.write(form, out, when))
    pub = fingerprint(form, platform, when, files=[f.name for f in files])
    path = None
    if workspace is not None:
        directory = Path(workspace.path) / "instruments" / "published"
    else:
        directory = published_dir(instrument)
        if directory is None or is_shipped(directory):
            directory = out  # never into the package's own folder
    if record:
        path = write_publication(pub, directory)
    return PublishResult(files=files, publication=pub, fingerprint_path=path, form=form,
                         next_steps=module.NEXT_STEPS)

