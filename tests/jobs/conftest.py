"""What the job tests share: uploads and label runs that become jobs, and doing a job."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from tests.batches.conftest import batch_values
from tests.batches.import_helpers import csv_bytes, good_row, make_catalogue
from tests.conftest import csrf_token_from
from trace.batches.models import Batch
from trace.batches.services import batches
from trace.jobs.models import Job
from trace.jobs.running import run_job

IMPORT_PAGE = "/batches/import?lang=en"
# Small thresholds: a file of 6 rows and a run of 30 labels are "large".
ROWS_THRESHOLD = 5
LABELS_THRESHOLD = 24


@pytest.fixture
def small_thresholds(app: Flask) -> None:
    app.config["TRACE_JOB_THRESHOLD_ROWS"] = ROWS_THRESHOLD
    app.config["TRACE_JOB_THRESHOLD_LABELS"] = LABELS_THRESHOLD


@pytest.fixture
def catalogue(session: Any, tenants: Any) -> Any:
    return make_catalogue(session, tenants.cooperative_a)


@pytest.fixture
def batch(session: Any, tenants: Any) -> Batch:
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    return batches.create_batch(session, tenants.staff_a, values)


def good_file(catalogue: Any, rows: int = 8) -> bytes:
    return csv_bytes([good_row(catalogue) for _ in range(rows)])


def upload(client: Any, data: bytes, filename: str = "lo-hang.csv", **fields: Any) -> Any:
    page = client.get(IMPORT_PAGE).get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), filename), **fields}
    builder = EnvironBuilder(
        path=IMPORT_PAGE, method="POST", data=form, content_type="multipart/form-data"
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def print_labels(client: Any, batch_id: int, count: int, **changes: Any) -> Any:
    url = f"/batches/{batch_id}/labels"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    data = {
        "csrf_token": token,
        "layout": "a4-3x8",
        "count": str(count),
        "lines": ["cooperative", "lot"],
        "language": "vi",
        "output": "pdf",
        "action": "download",
        **changes,
    }
    return client.post(url, data=data)


def public_id_of(response: Any) -> str:
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/jobs/"), location
    return location.removeprefix("/jobs/")


def do_job(app: Flask, public_id: str) -> None:
    """What the worker does with a queued job, here in the test's transaction."""
    with app.app_context():
        run_job(public_id)


def job_row(session: Any, public_id: str) -> Job:
    session.expire_all()
    return session.scalars(select(Job).where(Job.public_id == public_id)).one()


def batch_count(session: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Batch))
