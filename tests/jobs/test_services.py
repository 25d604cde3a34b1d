"""Jobs' upkeep: downloads expire after 24 hours, jobs whose worker died fail, counts by
state, the ``jobs purge`` command, progress kept beside the queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.factories import make_job
from tests.jobs.conftest import do_job, job_row
from tests.registry.test_views_common import sign_in, text_of
from trace.common.spreadsheet_size import estimated_rows
from trace.jobs import files
from trace.jobs.models import JobState
from trace.jobs.progress import ProgressWriter, read_progress
from trace.jobs.queue import job_queue
from trace.jobs.services import (
    fail_lost_jobs,
    jobs_by_state,
    purge_expired_downloads,
    requeue_lost_messages,
)


def test_an_expired_download_is_deleted_and_the_page_says_so(client, session, tenants):
    job = make_job(session, tenants.cooperative_a, tenants.staff_a)
    kept = make_job(session, tenants.cooperative_a, tenants.staff_a)
    path = files.result_path(job.public_id)
    assert purge_expired_downloads(session) == 0
    assert path.is_file()

    later = datetime.now(UTC) + timedelta(hours=24, minutes=1)
    job.expires_at = datetime.now(UTC) + timedelta(hours=24)
    kept.expires_at = later + timedelta(hours=1)
    assert purge_expired_downloads(session, later) == 1
    assert not path.exists()
    assert files.result_path(kept.public_id).is_file()
    assert job_row(session, job.public_id).result_deleted_at == later

    sign_in(client, tenants.staff_a)
    page = text_of(client.get(f"/jobs/{job.public_id}?lang=en"))
    assert "The download has expired." in page
    assert "Download tem-" not in page
    assert client.get(f"/jobs/{job.public_id}/download").status_code == 404


def test_a_download_past_its_expiry_is_refused_before_the_purge_runs(client, session, tenants):
    job = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    sign_in(client, tenants.staff_a)
    assert client.get(f"/jobs/{job.public_id}/download").status_code == 404
    assert "The download has expired." in text_of(client.get(f"/jobs/{job.public_id}?lang=en"))


def test_a_folder_no_job_names_is_removed_a_day_later(app, session):
    orphan = files.job_folder("O" * 22)
    orphan.mkdir(parents=True)
    (orphan / "input.csv").write_bytes(b"a,b\n")
    purge_expired_downloads(session)
    assert orphan.exists()  # its request may still be running
    purge_expired_downloads(session, datetime.now(UTC) + timedelta(hours=25))
    assert not orphan.exists()


def test_the_purge_command(runner, session, tenants):
    job = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    session.commit()  # the command has a session of its own (the test's transaction still ends)
    result = runner.invoke(args=["jobs", "purge", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"downloads_deleted": 1, "jobs_failed": []}
    assert not files.result_path(job.public_id).exists()


def test_a_running_job_whose_worker_died_is_marked_failed(app, session, tenants):
    long_ago = datetime.now(UTC) - timedelta(minutes=6)
    lost = make_job(session, tenants.cooperative_a, tenants.staff_a, state=JobState.RUNNING)
    alive = make_job(session, tenants.cooperative_a, tenants.staff_a, state=JobState.RUNNING)
    starting = make_job(session, tenants.cooperative_a, tenants.staff_a, state=JobState.RUNNING)
    lost.started_at = alive.started_at = long_ago
    huey = job_queue().huey
    ProgressWriter(huey, alive.public_id)("drawing", 10, 30)  # it reported a moment ago

    assert fail_lost_jobs(session, huey) == [lost.public_id]
    assert job_row(session, lost.public_id).state is JobState.FAILED
    assert "đã dừng trước khi hoàn tất" in job_row(session, lost.public_id).message  # its language
    assert job_row(session, alive.public_id).state is JobState.RUNNING
    assert job_row(session, starting.public_id).state is JobState.RUNNING


def test_progress_is_written_at_most_once_a_second_but_every_phase_end(app):
    huey = job_queue().huey
    report = ProgressWriter(huey, "P" * 22)
    report("checking", 1, 100)
    report("checking", 2, 100)  # within the second: not written
    assert read_progress(huey, "P" * 22).done == 1
    report("checking", 100, 100)
    progress = read_progress(huey, "P" * 22)
    assert (progress.phase, progress.done, progress.share) == ("checking", 100, 100)


def test_jobs_by_state_names_every_state(session, tenants):
    assert jobs_by_state(session) == {"queued": 0, "running": 0, "done": 0, "failed": 0}
    make_job(session, tenants.cooperative_a, tenants.staff_a)
    make_job(session, tenants.cooperative_a, tenants.staff_a)
    make_job(session, tenants.cooperative_b, tenants.staff_b, state=JobState.QUEUED)
    assert jobs_by_state(session) == {"queued": 1, "running": 0, "done": 2, "failed": 0}


def test_rows_are_estimated_without_reading_the_file():
    assert estimated_rows(b"a,b\r\n1,2\r\n3,4\r\n", "f.csv") == 4
    assert estimated_rows(b"a,b\r1,2", "f.csv") == 2
    assert estimated_rows(b"PK\x03\x04 broken", "f.xlsx") is None


def test_a_job_is_started_once_however_often_it_is_delivered(app, session, tenants, batch):
    job = make_job(
        session,
        tenants.cooperative_a,
        tenants.staff_a,
        state=JobState.QUEUED,
        parameters={"language": "vi", "batch_id": batch.id, "options": {"count": "3"}},
    )
    do_job(app, job.public_id)
    finished_at = job_row(session, job.public_id).finished_at
    do_job(app, job.public_id)  # a second delivery of its message
    assert job_row(session, job.public_id).finished_at == finished_at


def test_a_job_whose_message_was_lost_is_queued_again(app, session, tenants):
    queue = job_queue()
    queue.huey.flush()
    job = make_job(session, tenants.cooperative_a, tenants.staff_a, state=JobState.QUEUED)
    assert requeue_lost_messages(session, queue) == []  # it may be on its way
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert requeue_lost_messages(session, queue, later) == [job.public_id]
    assert queue.huey.pending_count() == 1
    assert requeue_lost_messages(session, queue, later) == []  # the queue holds it now
    queue.huey.flush()
