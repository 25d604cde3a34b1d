"""``flask --app trace jobs worker|purge``: the worker that does the jobs, and the clean-up."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from trace.common.cli import command_transaction, echo_data
from trace.db import db
from trace.jobs.queue import job_queue
from trace.jobs.running import maintain_jobs
from trace.jobs.services import fail_lost_jobs, purge_expired_downloads


@click.group("jobs")
def jobs_group() -> None:
    """Long work done in the background: large imports and label runs."""


@jobs_group.command("worker")
@with_appcontext
@click.option(
    "--threads",
    type=click.IntRange(1, 32),
    help="Jobs done at the same time [default: 2; 1 on SQLite].",
)
def worker(threads: int | None) -> None:
    """Do the queued jobs until stopped: Ctrl-C (SIGINT) lets the running jobs finish first,
    SIGTERM stops at once (a job cut short is marked failed 5 minutes later). Every 5 minutes
    it also deletes downloads older than 24 hours. The queue is TRACE_REDIS_URL's Redis when
    set, else instance/jobs-queue.db."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    maintain_jobs()  # jobs a previous worker left running, downloads past their expiry
    if threads is None:
        # An import holds SQLite's write lock throughout: a second one would wait for it
        # only as long as the busy timeout, then fail.
        threads = 1 if db.engine.dialect.name == "sqlite" else 2
    consumer = job_queue().huey.create_consumer(workers=threads, periodic=True)
    consumer.run()


@jobs_group.command("purge")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def purge(as_json: bool) -> None:
    """Delete the downloads older than 24 hours (their pages then say they expired) and
    fail the jobs whose worker died; the worker does this every 5 minutes too."""
    with command_transaction():
        lost = fail_lost_jobs(db.session, job_queue().huey)
        deleted = purge_expired_downloads(db.session)
    echo_data(
        {"downloads_deleted": deleted, "jobs_failed": lost},
        as_json,
        lambda data: _(
            "%(deleted)d download(s) deleted, %(lost)d lost job(s) marked failed.",
            deleted=deleted,
            lost=len(lost),
        ),
    )
