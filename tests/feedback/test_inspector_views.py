"""The inspectors' queue of consumer reports: the code, the message, its scans; seen, closed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, log_in
from tests.registry.test_views_common import text_of
from tests.scan_fixtures import scan_of
from trace.audit.models import AuditRecord
from trace.feedback.models import Report, ReportStatus
from trace.feedback.services import file_report


@pytest.fixture
def report(session, labelled):
    scan_id = scan_of(session, labelled.code)
    filed = file_report(
        session,
        code_text=labelled.code.text,
        message="Tem <b>mờ</b>, giá rẻ bất thường",
        contact="0912 345 678",
        scan_id=scan_id,
    )
    session.commit()
    return filed


def test_an_inspector_sees_new_reports_with_the_code_and_its_scans(
    client, tenants, report, labelled
):
    log_in(client, tenants.inspector.email)
    response = client.get("/reports?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Tem <b>mờ</b>, giá rẻ bất thường" in text  # shown as text
    assert "<b>mờ</b>" not in response.get_data(as_text=True)
    assert labelled.code.text in text
    assert labelled.batch.code in text
    assert "0912 345 678" in text
    assert "1 recent scan of this code" in text
    assert "Genuine" in text


def test_marking_a_report_seen_then_closed_moves_it_between_the_lists(
    client, session, tenants, report
):
    log_in(client, tenants.inspector.email)
    page = client.get("/reports").get_data(as_text=True)
    url = f"/reports/{report.id}/status?back=new"
    seen = client.post(url, data={"csrf_token": csrf_token_from(page), "status": "seen"})
    assert seen.status_code == 302
    session.expire_all()
    assert session.get(Report, report.id).status is ReportStatus.SEEN
    [record] = session.scalars(select(AuditRecord).where(AuditRecord.subject == "report"))
    assert (record.user_id, record.subject_id, record.action) == (
        tenants.inspector.id,
        report.id,
        "changed",
    )
    assert record.changes == {"status": ["new", "seen"]}
    assert "No report here." in text_of(client.get("/reports?lang=en"))
    assert report.message in text_of(client.get("/reports?status=seen"))
    client.post(url, data={"csrf_token": csrf_token_from(page), "status": "closed"})
    session.expire_all()
    assert session.get(Report, report.id).status is ReportStatus.CLOSED


def test_a_bad_status_or_a_missing_token_changes_nothing(client, session, tenants, report):
    log_in(client, tenants.inspector.email)
    page = client.get("/reports").get_data(as_text=True)
    url = f"/reports/{report.id}/status"
    token = csrf_token_from(page)
    assert client.post(url, data={"csrf_token": token, "status": "gone"}).status_code == 422
    assert client.post(url, data={"status": "seen"}).status_code == 400
    missing = client.post("/reports/999999/status", data={"csrf_token": token, "status": "seen"})
    assert missing.status_code == 404
    session.expire_all()
    assert session.get(Report, report.id).status is ReportStatus.NEW


@pytest.mark.parametrize("name", ["staff_a", "officer_a"])
def test_only_inspectors_and_operators_read_reports(client, tenants, report, name):
    log_in(client, tenants.user(name).email)
    assert client.get("/reports").status_code == 403


def test_a_reported_code_that_is_no_web_address_is_shown_as_text_not_a_link(
    client, session, tenants
):
    file_report(session, code_text="javascript:alert(document.cookie)", message="Lạ", contact="")
    session.commit()
    log_in(client, tenants.inspector.email)
    markup = client.get("/reports").get_data(as_text=True)
    assert "javascript:alert(document.cookie)" in markup
    assert 'href="javascript:' not in markup
