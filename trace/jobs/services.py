"""The rules of jobs: who sees one, how one is created, and how old ones are cleared away."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from huey import Huey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trace.auth.models import Role, User
from trace.db import utcnow
from trace.errors import NotFound
from trace.jobs import files
from trace.jobs.models import Job, JobKind, JobState
from trace.jobs.progress import STALE_AFTER, read_progress
from trace.jobs.queue import JobQueue, enqueue_after_commit

PUBLIC_ID_BYTES = 16  # 22 characters of token_urlsafe: not guessable
# A job's download is kept this long after it is made, then deleted.
KEEP_DOWNLOADS = timedelta(hours=24)
# A job still queued this long while the queue is empty has lost its message.
REQUEUE_AFTER = timedelta(minutes=10)
WORKER_LOST = _l("The worker doing this job stopped before it finished. Start it again.")


def create_job(
    session: Session,
    *,
    kind: JobKind,
    user: User,
    cooperative_id: int,
    parameters: dict[str, Any],
    input_name: str | None = None,
) -> Job:
    """Record a queued job; it is put in the queue when ``session`` commits."""
    job = Job(
        public_id=secrets.token_urlsafe(PUBLIC_ID_BYTES),
        kind=kind,
        state=JobState.QUEUED,
        cooperative_id=cooperative_id,
        user_id=user.id,
        parameters=parameters,
        input_name=input_name,
        done=0,
    )
    session.add(job)
    session.flush()
    enqueue_after_commit(session, job.public_id)
    return job


def can_see(user: User, job: Job) -> bool:
    """The job's cooperative, operators and whoever started it (an inspector may print a
    batch's labels through the API); nobody else, not even the inspectors who read all."""
    if user.role is Role.OPERATOR or user.id == job.user_id:
        return True
    return user.role is Role.COOPERATIVE and user.cooperative_id == job.cooperative_id


def job_for_caller(session: Session, public_id: str, user: User) -> Job:
    """The job, or ``NotFound`` alike for an unknown id and another cooperative's job."""
    job = None
    if files.PUBLIC_ID.match(public_id):
        job = session.scalar(select(Job).where(Job.public_id == public_id))
    if job is None or not can_see(user, job):
        raise NotFound()
    return job


RECENT_JOBS = 10


def recent_jobs(
    session: Session, user: User, kind: JobKind, cooperative_id: int | None = None
) -> list[Job]:
    """The last day's jobs of ``kind`` the user may see, newest first: for the page that
    starts them, so that a job page left behind is found again."""
    statement = select(Job).where(Job.kind == kind, Job.created_at > utcnow() - KEEP_DOWNLOADS)
    if cooperative_id is not None:
        statement = statement.where(Job.cooperative_id == cooperative_id)
    if user.role is Role.COOPERATIVE:
        statement = statement.where(
            (Job.cooperative_id == user.cooperative_id) | (Job.user_id == user.id)
        )
    elif user.role is not Role.OPERATOR:
        statement = statement.where(Job.user_id == user.id)
    ordered = statement.order_by(Job.created_at.desc(), Job.id.desc()).limit(RECENT_JOBS)
    return list(session.scalars(ordered))


def has_download(job: Job, now: datetime | None = None) -> bool:
    """A label run's file is there to fetch: made, and not yet expired."""
    if job.state is not JobState.DONE or job.result_name is None or job.expires_at is None:
        return False
    return job.result_deleted_at is None and (now or utcnow()) < job.expires_at


def download_expired(job: Job, now: datetime | None = None) -> bool:
    return job.result_name is not None and job.expires_at is not None and not has_download(job, now)


def jobs_by_state(session: Session) -> dict[str, int]:
    """How many jobs are in each state, every state named (for metrics)."""
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).tuples()
    counts = dict(rows.all())
    return {state.value: counts.get(state, 0) for state in JobState}


def purge_expired_downloads(session: Session, now: datetime | None = None) -> int:
    """Delete downloads past their expiry (and folders no job row names, a day old); the
    rows stay, so their pages say the download expired. Returns how many were deleted."""
    now = now or utcnow()
    expired = session.scalars(
        select(Job).where(Job.expires_at <= now, Job.result_deleted_at.is_(None))
    ).all()
    for job in expired:
        files.remove_folder(job.public_id)
        job.result_deleted_at = now
    session.flush()
    _remove_orphan_folders(session, now)
    return len(expired)


def _remove_orphan_folders(session: Session, now: datetime) -> None:
    """Folders of jobs whose creating request rolled back after saving the upload."""
    folder = files.jobs_folder()
    if not folder.is_dir():
        return
    oldest = now.timestamp() - KEEP_DOWNLOADS.total_seconds()
    candidates = [
        path.name
        for path in folder.iterdir()
        if files.PUBLIC_ID.match(path.name) and path.stat().st_mtime < oldest
    ]
    if not candidates:
        return
    known = set(session.scalars(select(Job.public_id).where(Job.public_id.in_(candidates))))
    for public_id in set(candidates) - known:
        files.remove_folder(public_id)


def fail_lost_jobs(session: Session, huey: Huey, now: datetime | None = None) -> list[str]:
    """Mark failed the running jobs whose worker died (no progress for ``STALE_AFTER``).

    Not retried: a label run may have issued its unit codes already, and the user is the
    one to say whether to run it again. An import saved nothing (it is one transaction).
    """
    now = now or utcnow()
    running = session.scalars(
        select(Job).where(Job.state == JobState.RUNNING, Job.started_at < now - STALE_AFTER)
    ).all()
    lost = []
    for job in running:
        progress = read_progress(huey, job.public_id)
        if progress is not None and progress.at > now - STALE_AFTER:
            continue
        with force_locale(job.parameters.get("language", "vi")):
            mark_failed(job, str(WORKER_LOST), None, now)
        lost.append(job.public_id)
    session.flush()
    return lost


def requeue_lost_messages(
    session: Session, queue: JobQueue, now: datetime | None = None
) -> list[str]:
    """Queue again the jobs waiting for ``REQUEUE_AFTER`` while the queue holds nothing: their
    message was lost (the queue was unreachable when they were created, or emptied). A job
    is started once however often it is queued (``running._start``)."""
    now = now or utcnow()
    if queue.huey.pending_count():
        return []
    waiting = session.scalars(
        select(Job.public_id).where(
            Job.state == JobState.QUEUED, Job.created_at < now - REQUEUE_AFTER
        )
    ).all()
    for public_id in waiting:
        queue.enqueue(public_id)
    return list(waiting)


def mark_failed(
    job: Job, message: str, problems: list[dict[str, Any]] | None, now: datetime | None = None
) -> None:
    job.state = JobState.FAILED
    job.message = message[:2000]
    job.problems = problems
    job.finished_at = now or utcnow()
