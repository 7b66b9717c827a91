"""What the app remembers while it runs: the workspace, the files dropped, the report jobs.

Uploaded files live in a private temporary folder (readable by this user
only) under names the app generates; the name the browser sent is kept for
display only and never becomes a path. Everything here is forgotten when the
app stops; what matters is in the workspace.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["AppState", "Upload", "Job", "display_name", "UPLOAD_SUFFIXES"]

#: File kinds the app takes, as the command line does (see evaluate.ingest.files.ACCEPTED).
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def display_name(sent: str | None, fallback: str = "export") -> str:
    """The file name the browser sent, made safe to show: last part only, no control
    characters, at most 120 characters. Never used as a path.

    >>> display_name("../../etc/passwd"), display_name("C:\\\\data\\\\post.xlsx")
    ('passwd', 'post.xlsx')
    >>> display_name("bad\\x00name.csv"), display_name("")
    ('badname.csv', 'export')
    """
    name = re.split(r"[\\/]", sent or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:120] or fallback


def suffix_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in UPLOAD_SUFFIXES else ".bin"


@dataclass
class Upload:
    """One dropped export: where it is kept, what it is called, and what was decided."""

    id: str
    path: Path
    name: str
    choices: dict = field(default_factory=dict)
    proposal: object = None
    preview: object = None       # the latest IngestResult (holds names: screen only)
    outcome: object = None       # the latest StoreOutcome
    imported: str | None = None  # the import id this file is stored as
    message: str | None = None
    seconds: float | None = None


@dataclass
class Job:
    """A report (or personal pages) being made in the background."""

    id: str
    kind: str
    messages: list[str] = field(default_factory=list)
    steps: int = 0
    done: int = 0
    finished: bool = False
    error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)
    note: str | None = None

    def plan(self, steps: int) -> None:
        self.steps += max(int(steps), 0)

    def __call__(self, message: str) -> None:
        self.messages.append(str(message))
        self.done += 1
        self.steps = max(self.steps, self.done)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.steps) if self.steps else 0


class AppState:
    """The app's memory: the open workspace, uploads and jobs, and a private folder."""

    def __init__(self, workspace: Path | None = None, scratch: Path | None = None):
        self.workspace = Path(workspace) if workspace is not None else None
        self.scratch = Path(scratch) if scratch else Path(tempfile.mkdtemp(prefix="evaluate-app-"))
        self.scratch.mkdir(parents=True, exist_ok=True)
        os.chmod(self.scratch, 0o700)
        (self.scratch / "uploads").mkdir(mode=0o700, exist_ok=True)
        self.uploads: dict[str, Upload] = {}
        self.jobs: dict[str, Job] = {}
        self.last_message: str | None = None
        self.lock = threading.Lock()

    def new_upload_path(self, sent_name: str | None) -> tuple[str, Path]:
        """A generated id and path for a new upload (the sent name picks only the suffix)."""
        uid = uuid.uuid4().hex
        return uid, self.scratch / "uploads" / f"{uid}{suffix_of(display_name(sent_name))}"

    def add_upload(self, upload: Upload) -> Upload:
        with self.lock:
            self.uploads[upload.id] = upload
        return upload

    def new_job(self, kind: str) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], kind=kind)
        with self.lock:
            self.jobs[job.id] = job
        return job

    def job_dir(self, job: Job) -> Path:
        path = self.scratch / "jobs" / job.id
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
