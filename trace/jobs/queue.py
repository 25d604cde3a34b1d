"""The queue the jobs wait in: huey, on a SQLite file of the instance folder by default and
on Redis when ``TRACE_REDIS_URL`` is set, so a single server needs nothing more.

The queue holds only a job's public id; the job row and its files hold the rest. A job is
put in the queue once the transaction that created its row has committed, so a worker
never looks for a row that is not there yet (or never will be).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

QUEUE_NAME = "trace"
_PENDING = "trace.jobs.to_enqueue"
# How often the worker fails jobs whose worker died and deletes expired downloads.
MAINTENANCE_EVERY_MINUTES = 5


class JobQueue:
    """An app's huey and the one task it runs: ``run`` a job by its public id.

    Built on first use, not with the app: SQLite's queue is a file, which a command that
    never touches a job (``flask db upgrade``, a test's app) has no reason to create.
    """

    def __init__(
        self, app: Flask, run_job: Callable[[str], None], maintain: Callable[[], None]
    ) -> None:
        self._app = app
        self._run_job = run_job
        self._maintain = maintain
        self._lock = threading.Lock()
        self._huey: Huey | None = None
        self._run: Any = None  # huey's TaskWrapper: calling it enqueues

    @property
    def huey(self) -> Huey:
        return self._built()[0]

    def enqueue(self, public_id: str) -> None:
        self._built()[1](public_id)

    def _built(self) -> tuple[Huey, Any]:
        with self._lock:
            if self._huey is None:
                self._huey, self._run = self._build()
            return self._huey, self._run

    def _build(self) -> tuple[Huey, Any]:
        huey = make_huey(self._app.config)
        app, run_job, maintain = self._app, self._run_job, self._maintain

        def run_job_task(public_id: str) -> None:
            with app.app_context():
                run_job(public_id)

        def maintain_task() -> None:
            with app.app_context():
                maintain()

        task = huey.task(name="trace.run_job")(run_job_task)
        every = crontab(minute=f"*/{MAINTENANCE_EVERY_MINUTES}")
        huey.periodic_task(every, name="trace.maintain_jobs")(maintain_task)
        return huey, task


def make_huey(config: Mapping[str, Any]) -> Huey:
    """Redis when the app has a Redis URL, else the SQLite file the configuration names."""
    if config.get("TRACE_REDIS_URL"):
        return RedisHuey(QUEUE_NAME, url=config["TRACE_REDIS_URL"], results=False)
    path = Path(config["JOB_QUEUE_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False)


def init_app(app: Flask, run_job: Callable[[str], None], maintain: Callable[[], None]) -> JobQueue:
    """Give the app its queue; its tasks run ``run_job`` and ``maintain`` in an app context."""
    queue = JobQueue(app, run_job, maintain)
    app.extensions["trace.jobs"] = queue
    return queue


def job_queue(app: Flask | None = None) -> JobQueue:
    queue: JobQueue = (app or current_app).extensions["trace.jobs"]
    return queue


def enqueue_after_commit(session: Session, public_id: str) -> None:
    """Queue the job once ``session`` commits; forget it if the session rolls back."""
    session.info.setdefault(_PENDING, []).append((job_queue(), public_id))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    """Queue what the committed transaction created. The job row is saved already: if the
    queue cannot be reached the failure is logged, not raised, and the worker's periodic
    round queues the job again (``services.requeue_lost_messages``)."""
    for queue, public_id in session.info.pop(_PENDING, []):
        try:
            queue.enqueue(public_id)
        except Exception:  # Redis down, a locked queue file: whatever the storage raises
            log.exception("job %s could not be queued; it will be queued again", public_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction ended
        session.info.pop(_PENDING, None)
