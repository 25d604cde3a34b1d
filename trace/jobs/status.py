"""A job as the page, its JSON and the API show it: the row, with live progress if running."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from trace.jobs.models import Job, JobKind, JobState
from trace.jobs.progress import read_progress
from trace.jobs.queue import job_queue
from trace.jobs.services import download_expired, has_download

# The phases runners report, as the page names them.
PHASES = {
    "checking": _l("Checking rows"),
    "saving": _l("Saving batches"),
    "drawing": _l("Drawing labels"),
}
STATES = {
    JobState.QUEUED: _l("Job waiting"),
    JobState.RUNNING: _l("Job running"),
    JobState.DONE: _l("Job done"),
    JobState.FAILED: _l("Job failed"),
}
KINDS = {
    JobKind.IMPORT: _l("Batch import"),
    JobKind.LABELS: _l("Label run"),
    JobKind.ROLL_LABELS: _l("Roll of codes"),
}


@dataclass(frozen=True)
class JobStatus:
    job: Job
    phase: str | None
    done: int
    total: int | None
    has_download: bool
    download_expired: bool

    @property
    def share(self) -> int:
        """Per cent done, 0 to 100: of the current phase while running."""
        if self.job.state is JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def phase_name(self) -> str:
        return str(PHASES.get(self.phase or "", ""))

    @property
    def state_name(self) -> str:
        return str(STATES[self.job.state])

    @property
    def kind_name(self) -> str:
        return str(KINDS[self.job.kind])


def job_status(job: Job) -> JobStatus:
    progress = None
    if job.state is JobState.RUNNING:
        progress = read_progress(job_queue().huey, job.public_id)
    expiry = (has_download(job), download_expired(job))
    if progress is None:
        return JobStatus(job, None, job.done, job.total, *expiry)
    return JobStatus(job, progress.phase, progress.done, progress.total, *expiry)
