"""Benchmark: a 100,000-row import and a 10,000-label run as jobs, through the web.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/bench_jobs.py [ROWS]

A fresh SQLite database and queue file; reported: how long the web takes to answer the
upload (saving it and checking its columns), how long the worker takes, and how often the
page saw the progress move while it polled.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from tests.bench.bench_import import fresh_app, make_rows
from tests.conftest import (
    TEST_KEY_PASSPHRASE,
    base_config,
    csrf_token_from,
    log_in,
    make_test_app,
)
from tests.factories import make_user
from tests.jobs.worker import running_worker
from trace.auth.models import Role
from trace.batches.models import Batch
from trace.batches.services.importing.template import HEADERS
from trace.common.spreadsheet_writing import write_csv
from trace.db import db
from trace.registry.models import Cooperative
from trace.signing import services as keys


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    seeded = fresh_app(folder, "trace.db")  # migrated, with a cooperative and its records
    with seeded.app_context():
        db.engine.dispose()
    url = f"sqlite:///{folder / 'trace.db'}"
    app = make_test_app({**base_config(url), "TRACE_UPLOAD_DIR": str(folder / "uploads")})
    with app.app_context():
        keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())
        cooperative = db.session.scalars(select(Cooperative)).one()
        email = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative).email
        db.session.commit()
    data = write_csv(HEADERS, make_rows(rows))
    client = app.test_client()
    log_in(client, email)

    started = time.perf_counter()
    response = _upload(client, data)
    answered = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    job_url = response.headers["Location"]
    print(f"upload of {rows} rows ({len(data) / 1e6:.1f} MB): answered 303 in {answered:.2f} s")

    shares: list[str] = []
    started = time.perf_counter()
    with running_worker(app):
        while not (status := client.get(job_url + ".json").json)["is_finished"]:
            shares.append(status["progress_text"])
            time.sleep(0.5)
        worked = time.perf_counter() - started
    with app.app_context():
        imported = db.session.scalar(select(func.count()).select_from(Batch))
        batch_id = db.session.scalars(select(Batch.id).limit(1)).one()
    print(f"worker: {imported} batches imported in {worked:.1f} s")
    print(f"progress seen while polling every 0.5 s: {len(set(shares))} distinct values")
    _label_run(client, batch_id, app)


def _label_run(client: Any, batch_id: int, app: Any) -> None:
    """10,000 serialised labels on A4 sheets: codes issued, then the PDF drawn."""
    page = f"/batches/{batch_id}/labels"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "layout": "a4-3x8",
        "count": "10000",
        "serialised": "y",
        "lines": ["cooperative", "lot", "expiry"],
        "language": "vi",
        "output": "pdf",
        "action": "download",
    }
    started = time.perf_counter()
    response = client.post(page, data=form)
    answered = time.perf_counter() - started
    assert response.status_code == 303, response.status_code
    job_url = response.headers["Location"]
    print(f"label run of 10000: answered 303 in {answered:.2f} s")
    started = time.perf_counter()
    with running_worker(app):
        while not client.get(job_url + ".json").json["is_finished"]:
            time.sleep(0.5)
        worked = time.perf_counter() - started
    download = client.get(job_url + "/download")
    size = len(download.get_data())
    download.close()
    print(f"worker: drawn in {worked:.1f} s, download {download.status_code}, {size / 1e6:.1f} MB")


def _upload(client: Any, data: bytes) -> Any:
    page = "/batches/import"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), "bench.csv")}
    builder = EnvironBuilder(
        path=page, method="POST", data=form, content_type="multipart/form-data"
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
