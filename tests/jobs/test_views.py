"""Large imports and label runs as jobs on the web: 303 to the job page, the page while it
waits and once done, its problems or its download; the worker's part is done in-process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.batches.import_helpers import csv_bytes, good_row
from tests.conftest import log_in
from tests.factories import make_job
from tests.jobs.conftest import (
    IMPORT_PAGE,
    batch_count,
    do_job,
    good_file,
    job_row,
    print_labels,
    public_id_of,
    upload,
)
from tests.labels.thermal import qr_texts, render_zpl, zpl_copies
from tests.printing.conftest import qr_texts_in_pdf
from tests.registry.test_views_common import sign_in, text_of
from trace.batches.services import codes
from trace.batches.services.importing.template import HEADERS
from trace.jobs import files
from trace.jobs.models import JobState
from trace.jobs.progress import ProgressWriter
from trace.jobs.queue import job_queue
from trace.jobs.services import jobs_by_state

pytestmark = pytest.mark.usefixtures("small_thresholds")

REFRESH = '<noscript><meta http-equiv="refresh" content="3"></noscript>'


def test_a_large_import_answers_at_once_then_the_page_shows_the_count(
    app, client, session, tenants, catalogue
):
    log_in(client, tenants.staff_a.email)
    public_id = public_id_of(upload(client, good_file(catalogue, rows=8)))
    job = job_row(session, public_id)
    assert (job.state, job.cooperative_id, job.user_id) == (
        JobState.QUEUED,
        tenants.cooperative_a.id,
        tenants.staff_a.id,
    )
    assert batch_count(session) == 0
    assert files.input_path(public_id, "lo-hang.csv").is_file()

    waiting = client.get(f"/jobs/{public_id}?lang=en")
    assert waiting.status_code == 200
    assert REFRESH in waiting.get_data(as_text=True)
    assert "Job waiting" in text_of(waiting)
    assert client.get(f"/jobs/{public_id}.json").json["state"] == "queued"

    do_job(app, public_id)
    done = client.get(f"/jobs/{public_id}?lang=en")
    assert "8 batches imported." in text_of(done)
    assert REFRESH not in done.get_data(as_text=True)
    assert batch_count(session) == 8
    assert not files.input_path(public_id, "lo-hang.csv").exists()  # the upload is gone
    status = client.get(f"/jobs/{public_id}.json?lang=en").json
    assert status == {
        "state": "done",
        "is_finished": True,
        "share": 100,
        "done": 8,
        "total": 8,
        "progress_text": "8 of 8 rows (100%)",
    }


def test_a_large_import_with_a_bad_row_saves_nothing_and_lists_the_row(
    app, client, session, tenants, catalogue
):
    rows = [good_row(catalogue) for _ in range(7)]
    rows.insert(3, good_row(catalogue, product="KHONG-CO"))
    log_in(client, tenants.staff_a.email)
    public_id = public_id_of(upload(client, csv_bytes(rows)))
    do_job(app, public_id)
    job = job_row(session, public_id)
    assert job.state is JobState.FAILED
    assert [problem["row"] for problem in job.problems] == [5]  # the header is row 1
    assert batch_count(session) == 0
    page = text_of(client.get(f"/jobs/{public_id}?lang=en"))
    assert "1 row needs correcting; nothing was imported." in page
    assert "Row 5" in page
    assert "Your cooperative has no product with this code or GTIN." in page  # in English


def test_a_large_file_of_the_wrong_kind_or_columns_is_refused_at_once(client, session, tenants):
    log_in(client, tenants.staff_a.email)
    broken = upload(client, b"PK\x03\x04 not a workbook", "lo-hang.xlsx")
    assert broken.status_code == 422
    assert "not a valid XLSX workbook" in text_of(broken)
    columns = upload(client, b"Colour,Size\r\n" + b"red,9\r\n" * 10)
    assert columns.status_code == 422
    assert "Unknown column(s): Colour, Size." in text_of(columns)
    assert jobs_by_state(session)["queued"] == 0


def test_a_large_file_refused_past_its_header_fails_with_the_reason(app, client, session, tenants):
    log_in(client, tenants.staff_a.email)
    header = ",".join(HEADERS).encode()
    public_id = public_id_of(upload(client, header + b"\r\n" + b",,,\r\n" * 10))
    do_job(app, public_id)
    assert job_row(session, public_id).state is JobState.FAILED
    page = text_of(client.get(f"/jobs/{public_id}?lang=en"))
    assert "The file has no rows to import under its header row." in page


def test_an_operator_names_the_cooperative_before_the_job_is_queued(
    client, session, tenants, catalogue
):
    log_in(client, tenants.operator.email)
    refused = upload(client, good_file(catalogue))
    assert refused.status_code == 422
    assert "Choose the cooperative." in text_of(refused)
    queued = upload(client, good_file(catalogue), cooperative_id=str(tenants.cooperative_a.id))
    assert job_row(session, public_id_of(queued)).cooperative_id == tenants.cooperative_a.id


def test_a_small_import_is_still_done_within_the_request(client, session, tenants, catalogue):
    log_in(client, tenants.staff_a.email)
    response = upload(client, good_file(catalogue, rows=3))
    assert response.status_code == 302
    assert batch_count(session) == 3


def test_a_large_label_run_is_drawn_by_the_worker_and_downloaded(
    app, client, session, tenants, batch, tmp_path
):
    sign_in(client, tenants.staff_a)
    public_id = public_id_of(print_labels(client, batch.id, count=30))
    assert "Job waiting" in text_of(client.get(f"/jobs/{public_id}?lang=en"))
    do_job(app, public_id)
    page = text_of(client.get(f"/jobs/{public_id}?lang=en"))
    assert "30 labels drawn." in page
    assert "Download tem-" in page
    download = client.get(f"/jobs/{public_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "private, no-store"
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_pdf(download.get_data(), tmp_path) == [code] * 30
    download.close()


def test_a_small_label_run_is_still_answered_with_the_file(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = print_labels(client, batch.id, count=24)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_a_large_serialised_run_issues_its_units_in_the_worker(
    app, client, session, tenants, batch
):
    sign_in(client, tenants.staff_a)
    public_id = public_id_of(print_labels(client, batch.id, count=25, serialised="y"))
    do_job(app, public_id)
    job = job_row(session, public_id)
    assert (job.state, job.done) == (JobState.DONE, 25)
    assert codes.list_units(session, tenants.staff_a, batch.id).total == 25


def test_a_running_job_shows_its_progress_as_a_share_and_as_rows(client, session, tenants):
    job = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        kind="import",
        state=JobState.RUNNING,
        input_name="lo-lon.xlsx",
        result_name=None,
        expires_at=None,
    )
    ProgressWriter(job_queue().huey, job.public_id)("saving", 400, 1000)
    sign_in(client, tenants.staff_a)
    page = client.get(f"/jobs/{job.public_id}?lang=en")
    markup = page.get_data(as_text=True)
    assert REFRESH in markup
    assert 'max="100" value="40"' in markup
    assert "Saving batches 40% 400 of 1,000 rows (40%)" in text_of(page)
    status = client.get(f"/jobs/{job.public_id}.json?lang=vi").json
    assert (status["state"], status["share"]) == ("running", 40)
    assert status["progress_text"] == "400/1.000 dòng (40%)"


def test_the_pages_that_start_jobs_list_the_last_days_jobs(client, session, tenants, batch):
    run = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        parameters={"language": "vi", "batch_id": batch.id, "batch_code": batch.code},
    )
    imported = make_job(
        session, tenants.cooperative_a, tenants.operator, kind="import", input_name="lo-a.csv"
    )
    yesterday = make_job(
        session, tenants.cooperative_a, tenants.staff_a, kind="import", input_name="cu.csv"
    )
    yesterday.created_at = datetime.now(UTC) - timedelta(hours=25)
    other = make_job(
        session, tenants.cooperative_b, tenants.staff_b, kind="import", input_name="lo-b.csv"
    )
    session.flush()
    sign_in(client, tenants.staff_a)
    page = client.get(IMPORT_PAGE).get_data(as_text=True)
    assert f'href="/jobs/{imported.public_id}"' in page
    assert yesterday.public_id not in page
    assert other.public_id not in page
    assert run.public_id not in page  # a label run is listed on its batch's print page
    labels = client.get(f"/batches/{batch.id}/labels").get_data(as_text=True)
    assert f'href="/jobs/{run.public_id}"' in labels
    sign_in(client, tenants.operator)
    page = client.get(IMPORT_PAGE).get_data(as_text=True)
    assert imported.public_id in page
    assert other.public_id in page


def test_a_large_serialised_zpl_run_is_one_printer_job_from_the_worker(
    app, client, session, tenants, batch
):
    sign_in(client, tenants.staff_a)
    response = print_labels(
        client, batch.id, count=25, serialised="y", layout="roll-40x25", output="zpl", dpi="300"
    )
    public_id = public_id_of(response)
    do_job(app, public_id)
    assert job_row(session, public_id).done == 25
    download = client.get(f"/jobs/{public_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/octet-stream"
    data = download.get_data()
    download.close()
    assert zpl_copies(data) == [1] * 25
    images = render_zpl(data, 40, 25, 300)
    assert len(images) == 25
    issued = {unit.text for unit in codes.list_units(session, tenants.staff_a, batch.id).items}
    assert len(issued) == 25
    assert {text for image in images for text in qr_texts(image)} == issued
