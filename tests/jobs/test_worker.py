"""From upload to result with a real worker, as a browser without JavaScript sees it: 303 to
the job page, the page reloaded (as its meta refresh does) until the job is done.

The worker needs committed data in a database of its own: each test gets a fresh SQLite
file (the services' tests run on PostgreSQL too, in ``test_views.py``). One test starts
``flask --app trace jobs worker`` itself, on Redis database 14.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from tests.batches.conftest import batch_values
from tests.batches.import_helpers import csv_bytes, good_row, make_catalogue
from tests.conftest import TEST_KEY_PASSPHRASE, base_config, log_in, make_test_app, migrate_to_head
from tests.factories import make_tenants
from tests.jobs.conftest import print_labels, public_id_of, upload
from tests.jobs.worker import running_worker
from tests.registry.test_views_common import text_of
from trace.batches.models import Batch
from trace.batches.services import batches
from trace.config import PROJECT_ROOT
from trace.db import db
from trace.jobs.progress import read_progress
from trace.jobs.queue import job_queue
from trace.signing import services as keys

REDIS_URL = os.environ.get("TRACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
REFRESH = '<meta http-equiv="refresh"'


class Site:
    """A fresh app and database: a key, the two tenants, cooperative A's catalogue, a batch."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())
            tenants = make_tenants(db.session)
            self.catalogue = make_catalogue(db.session, tenants.cooperative_a)
            self.batch_id = batches.create_batch(
                db.session, tenants.staff_a, batch_values(tenants, expires_on=date(2027, 5, 19))
            ).id
            self.staff_email = tenants.staff_a.email
            db.session.commit()

    def batch_count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(Batch))

    def rows(self, count: int) -> list[list[Any]]:
        return [good_row(self.catalogue) for _ in range(count)]


def make_site(tmp_path: Any, **settings: Any) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'trace.db'}"
    migrate_to_head(url)
    app = make_test_app(
        {
            **base_config(url),
            "TRACE_UPLOAD_DIR": str(tmp_path / "uploads"),
            "TRACE_JOB_THRESHOLD_ROWS": 5,
            "TRACE_JOB_THRESHOLD_LABELS": 24,
            **settings,
        }
    )
    yield Site(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def site(tmp_path: Any) -> Iterator[Site]:
    yield from make_site(tmp_path)


def follow_refreshes(client: Any, url: str, seconds: float = 60) -> str:
    """Reload the page as its meta refresh would, until it stops asking to; its text."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(url)
        assert page.status_code == 200
        if REFRESH not in page.get_data(as_text=True):
            return text_of(page)
        assert time.monotonic() < deadline, "the job did not finish in time"
        time.sleep(0.2)


def test_from_upload_to_result_without_javascript(site, tmp_path):
    client = site.app.test_client()
    log_in(client, site.staff_email)
    good = public_id_of(upload(client, csv_bytes(site.rows(12))))
    bad_rows = site.rows(9)
    bad_rows[6] = good_row(site.catalogue, quantity="-3")
    bad = public_id_of(upload(client, csv_bytes(bad_rows)))
    labels = public_id_of(print_labels(client, site.batch_id, count=30))
    assert "Job waiting" in text_of(client.get(f"/jobs/{good}?lang=en"))

    with running_worker(site.app):
        imported = follow_refreshes(client, f"/jobs/{good}?lang=en")
        refused = follow_refreshes(client, f"/jobs/{bad}?lang=en")
        drawn = follow_refreshes(client, f"/jobs/{labels}?lang=en")

    assert "12 batches imported." in imported
    assert "1 row needs correcting; nothing was imported." in refused
    assert "Row 8" in refused  # the header is row 1
    assert site.batch_count() == 1 + 12  # the catalogue's batch and the good file's
    assert "30 labels drawn." in drawn
    download = client.get(f"/jobs/{labels}/download")
    assert download.status_code == 200
    assert download.get_data().startswith(b"%PDF-")
    download.close()


def test_a_queued_job_outlives_the_web_app_that_queued_it(site, tmp_path):
    """The queue is a file: a new app (a restarted web worker) and a worker find the job."""
    client = site.app.test_client()
    log_in(client, site.staff_email)
    public_id = public_id_of(upload(client, csv_bytes(site.rows(7))))
    with site.app.app_context():
        db.engine.dispose()
    restarted = make_test_app(dict(site.app.config))
    with running_worker(restarted):
        client = restarted.test_client()
        log_in(client, site.staff_email)
        assert "7 batches imported." in follow_refreshes(client, f"/jobs/{public_id}?lang=en")


def test_an_import_job_reads_and_checks_while_a_clerk_holds_the_write_lock(site, tmp_path):
    """On SQLite a writer excludes every other: the job reads, checks and signs a file while
    another connection holds the write lock, as a clerk's request does, and waits for it
    only to insert. (Before, the job held the lock from its start: a 100,000-row file kept
    the clerks' writes waiting 15-20 s, past their busy timeout.)"""
    client = site.app.test_client()
    log_in(client, site.staff_email)
    rows = [good_row(site.catalogue, lot=f"LOCK-{number:04d}") for number in range(3000)]
    public_id = public_id_of(upload(client, csv_bytes(rows)))
    clerk = sqlite3.connect(tmp_path / "trace.db", timeout=60, isolation_level=None)
    huey = job_queue(site.app).huey

    def state() -> str:
        query = "SELECT state FROM jobs WHERE public_id = ?"
        return str(clerk.execute(query, (public_id,)).fetchone()[0])

    with running_worker(site.app):
        wait_until(lambda: state() != "queued")
        clerk.execute("BEGIN IMMEDIATE")  # the clerk's write holds the lock from here
        try:
            checked = wait_until(
                lambda: (
                    (progress := read_progress(huey, public_id)) is not None
                    and progress.phase == "checking"
                    and progress.done == progress.total == 3000
                )
            )
            assert checked, "the job did not check the file while the lock was held"
            assert state() == "running"  # it waits to insert
        finally:
            clerk.execute("ROLLBACK")
            clerk.close()
        outcome = follow_refreshes(client, f"/jobs/{public_id}?lang=en")
    assert "3000 batches imported." in outcome
    assert site.batch_count() == 1 + 3000


def wait_until(condition: Any, seconds: float = 30) -> bool:
    """Poll ``condition`` every 2 ms until it holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_the_worker_command_on_redis(redis_db, tmp_path):
    [site] = make_site(tmp_path, TRACE_REDIS_URL=REDIS_URL)
    client = site.app.test_client()
    log_in(client, site.staff_email)
    public_id = public_id_of(upload(client, csv_bytes(site.rows(6))))
    assert redis_db.dbsize() > 0  # queued in Redis, not in a file
    config = site.app.config
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_DATABASE_URL": config["TRACE_DATABASE_URL"],
        "TRACE_UPLOAD_DIR": config["TRACE_UPLOAD_DIR"],
        "TRACE_SECRET_KEY": config["TRACE_SECRET_KEY"],
        "TRACE_KEY_PASSPHRASE": TEST_KEY_PASSPHRASE,
        "TRACE_REDIS_URL": REDIS_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "trace", "jobs", "worker", "--threads", "1"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        text = follow_refreshes(client, f"/jobs/{public_id}?lang=en")
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=30)
    assert "6 batches imported." in text, errors.decode()[-2000:]
    assert site.batch_count() == 1 + 6
