"""Running a job in the worker: each kind's runner does the work, this module the rest.

A runner works in the worker's session and returns what it did; the job is marked done in
the same transaction, so an import's batches and its "done" commit together, or neither.
A runner refuses bad input by raising ``JobFailure`` with the message the user reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.db import db, utcnow
from trace.errors import TraceError
from trace.jobs import files
from trace.jobs.models import Job, JobKind, JobState
from trace.jobs.progress import ProgressWriter, forget_progress
from trace.jobs.queue import init_app as init_queue
from trace.jobs.queue import job_queue
from trace.jobs.services import (
    KEEP_DOWNLOADS,
    fail_lost_jobs,
    mark_failed,
    purge_expired_downloads,
    requeue_lost_messages,
)

log = logging.getLogger(__name__)

UNEXPECTED = _l("The job stopped on an unexpected error. Start it again.")


@dataclass(frozen=True)
class Outcome:
    """What a runner did: items done of the total, and the file it made, if any."""

    done: int
    total: int
    result_name: str | None = None
    result_media_type: str | None = None


class JobFailure(Exception):
    """Raised by a runner when the job's input is refused; nothing it did is kept."""

    def __init__(self, message: str, problems: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


def failure_of(error: TraceError) -> JobFailure:
    """A refusal by our services as the job's failure: each field's messages, in one line."""
    texts = [str(text) for messages in error.errors.values() for text in messages]
    return JobFailure(" ".join(texts) if texts else str(error.message))


Runner = Callable[[Session, Job, User, ProgressWriter], Outcome]
RunnerT = TypeVar("RunnerT", bound=Runner)
RUNNERS: dict[JobKind, Runner] = {}
# Kinds whose runner begins as a reader and begins writing itself (see ``job_runner``).
READS_FIRST: set[JobKind] = set()


def job_runner(kind: JobKind, *, reads_first: bool = False) -> Callable[[RunnerT], RunnerT]:
    """Register the function that does jobs of ``kind`` (in the domain that owns the work).

    A runner's transaction begins as a writer (on SQLite it waits its turn for the write
    lock, then holds it), unless ``reads_first``: then it reads as long as it needs, and
    calls ``db.begin_writing`` after a commit once it is ready to write (an import reads and
    checks for seconds, which must not keep the clerks' writes waiting).
    """

    def register(runner: RunnerT) -> RunnerT:
        RUNNERS[kind] = runner
        if reads_first:
            READS_FIRST.add(kind)
        return runner

    return register


def init_app(app: Flask) -> None:
    init_queue(app, run_job, maintain_jobs)


def run_job(public_id: str) -> None:
    """Do one queued job, in the app context the queue's task opened."""
    session = db.session
    job = _start(session, public_id)
    if job is None:
        return
    input_name = job.input_name
    report = ProgressWriter(job_queue().huey, public_id)
    if job.kind in READS_FIRST:
        db.begin_reading()
    else:
        db.begin_writing()  # the runner's work takes SQLite's write lock from its first read
    with force_locale(job.parameters.get("language", "vi")):
        try:
            user = session.get_one(User, job.user_id)
            outcome = RUNNERS[job.kind](session, job, user, report)
            _mark_done(job, outcome)
            session.commit()
        except JobFailure as failure:
            session.rollback()
            _fail(session, public_id, failure.message, failure.problems)
        except Exception:
            log.exception("job %s failed", public_id)
            session.rollback()
            _fail(session, public_id, str(UNEXPECTED), None)
        finally:
            forget_progress(job_queue().huey, public_id)
            if input_name:
                files.remove_input(public_id, input_name)


def maintain_jobs() -> None:
    """The worker's periodic round: fail jobs whose worker died, delete expired downloads,
    queue again the jobs whose message was lost."""
    session = db.session
    db.begin_writing()
    queue = job_queue()
    lost = fail_lost_jobs(session, queue.huey)
    purged = purge_expired_downloads(session)
    requeued = requeue_lost_messages(session, queue)
    session.commit()
    if lost or purged or requeued:
        log.info(
            "jobs: %d marked failed (worker lost), %d downloads deleted, %d queued again",
            len(lost),
            purged,
            len(requeued),
        )


def _start(session: Session, public_id: str) -> Job | None:
    """Mark the job running, in a short transaction of its own; None if it is not queued
    (a second delivery of its message, or its row is gone). The update checks the state
    itself, so of two workers handed the same job only one starts it."""
    db.begin_writing()
    started = cast(
        CursorResult[Any],
        session.execute(
            update(Job)
            .where(Job.public_id == public_id, Job.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, started_at=utcnow())
        ),
    )
    session.commit()
    if started.rowcount != 1:
        log.warning("job %s is not waiting in the queue: skipped", public_id)
        return None
    job = session.scalars(select(Job).where(Job.public_id == public_id)).one()
    session.commit()  # the runner's transaction begins as its kind needs
    return job


def _mark_done(job: Job, outcome: Outcome) -> None:
    now = utcnow()
    job.state = JobState.DONE
    job.done, job.total = outcome.done, outcome.total
    job.finished_at = now
    if outcome.result_name is not None:
        job.result_name = outcome.result_name
        job.result_media_type = outcome.result_media_type
        job.expires_at = now + KEEP_DOWNLOADS


def _fail(
    session: Session, public_id: str, message: str, problems: list[dict[str, Any]] | None
) -> None:
    """Record the failure in a writing transaction of its own (the runner's may have been a
    reader, which SQLite would refuse to turn into a writer after another commit)."""
    db.begin_writing()
    job = session.scalar(select(Job).where(Job.public_id == public_id))
    if job is not None:
        mark_failed(job, message, problems)
        session.commit()
