"""Who sees a job (its cooperative, operators and the one who started it; everyone else a
404), and the API: a large label run answers 202 with the job, the job answers its state."""

from __future__ import annotations

import pytest

from tests.api.registry_helpers import caller
from tests.factories import make_job
from tests.jobs.conftest import do_job, job_row
from tests.printing.conftest import qr_texts_in_pdf
from tests.registry.test_views_common import sign_in
from trace.batches.services import codes
from trace.jobs.models import JobState

pytestmark = pytest.mark.usefixtures("small_thresholds")

LABELS = "/api/v1/batches/{}/labels"


def job_urls(public_id):
    return [f"/jobs/{public_id}", f"/jobs/{public_id}.json", f"/jobs/{public_id}/download"]


@pytest.mark.parametrize("who", ["staff_b", "inspector", "officer_a", "officer_b"])
def test_other_tenants_and_roles_get_a_404_on_the_page_its_json_and_download(
    client, session, tenants, who
):
    job = make_job(session, tenants.cooperative_a, tenants.staff_a)
    sign_in(client, tenants.user(who))
    for url in job_urls(job.public_id):
        assert client.get(url).status_code == 404, url
    api = caller(client, session, tenants.user(who))
    assert api.get(f"/api/v1/jobs/{job.public_id}").status_code == 404
    assert api.get(f"/api/v1/jobs/{job.public_id}/file").status_code == 404


@pytest.mark.parametrize("who", ["staff_a", "operator"])
def test_the_cooperative_and_operators_see_it(client, session, tenants, who):
    job = make_job(session, tenants.cooperative_a, tenants.operator)
    sign_in(client, tenants.user(who))
    for url in job_urls(job.public_id):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_an_unknown_or_malformed_id_is_a_404(client, tenants):
    sign_in(client, tenants.operator)
    assert client.get("/jobs/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/jobs/not-an-id").status_code == 404


def test_an_inspector_sees_the_label_run_they_started_through_the_api(
    app, client, session, tenants, batch
):
    api = caller(client, session, tenants.inspector)
    queued = api.get(LABELS.format(batch.id), count=30)
    assert queued.status_code == 202
    public_id = queued.headers["Location"].rsplit("/", 1)[-1]
    assert api.get(f"/api/v1/jobs/{public_id}").status_code == 200
    assert job_row(session, public_id).cooperative_id == tenants.cooperative_a.id
    sign_in(client, tenants.staff_a)  # and the batch's cooperative, of course
    assert client.get(f"/jobs/{public_id}").status_code == 200


def test_a_large_api_label_run_answers_202_then_its_file(
    app, client, session, tenants, batch, tmp_path
):
    api = caller(client, session, tenants.staff_a)
    queued = api.get(LABELS.format(batch.id), count=30, layout="a4-3x8")
    assert queued.status_code == 202
    location = queued.headers["Location"]
    assert location.startswith("/api/v1/jobs/")
    assert queued.json["state"] == "queued"
    assert queued.json["download_url"] is None

    public_id = queued.json["id"]
    assert location == f"/api/v1/jobs/{public_id}"
    do_job(app, public_id)
    status = api.get(location).json
    assert status["state"] == "done"
    assert (status["done"], status["total"], status["share"]) == (30, 30, 100)
    assert status["download_url"] == f"http://localhost/api/v1/jobs/{public_id}/file"
    assert status["download_expired"] is False
    assert status["expires_at"] is not None
    file = api.get(f"/api/v1/jobs/{public_id}/file")
    assert file.status_code == 200
    assert file.mimetype == "application/pdf"
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_pdf(file.get_data(), tmp_path) == [code] * 30
    file.close()


def test_a_large_serialised_api_run_needs_write_access(client, session, tenants, batch):
    api = caller(client, session, tenants.inspector)
    refused = api.get(LABELS.format(batch.id), count=30, serialised="true")
    assert refused.status_code == 403


def test_a_small_api_run_is_still_the_file(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    response = api.get(LABELS.format(batch.id), count=24)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_the_api_lists_the_rows_of_a_refused_import(app, client, session, tenants):
    job = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        kind="import",
        state=JobState.FAILED,
        result_name=None,
        expires_at=None,
        problems=[{"row": 5, "column": "Mã sản phẩm", "reason": "Không có sản phẩm này."}],
        message="1 dòng cần sửa; chưa nhập gì.",
    )
    status = caller(client, session, tenants.staff_a).get(f"/api/v1/jobs/{job.public_id}").json
    assert status["state"] == "failed"
    assert status["problems"] == job.problems
    assert status["message"] == job.message
    assert status["download_url"] is None


def test_the_openapi_document_describes_jobs(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/jobs/{public_id}" in spec["paths"]
    labels = spec["paths"]["/api/v1/batches/{batch_id}/labels"]["get"]["responses"]
    assert "202" in labels
