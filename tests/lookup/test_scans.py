"""Every visit is a scan; a unit's page tells its history; consumers share a place or report."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.lookup.conftest import BASE
from tests.registry.test_views_common import text_of
from trace.batches.services import codes, issuing
from trace.feedback.models import Report
from trace.scans.models import Scan
from trace.signing.codes import LabelData


def scans(session):
    session.expire_all()
    return session.scalars(select(Scan).order_by(Scan.id)).all()


def visit(client, path, address="203.113.45.67", language="vi"):
    return client.get(
        path,
        environ_base={"REMOTE_ADDR": address},
        headers={
            "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile",
            "Accept-Language": language,
        },
    )


def test_a_visit_records_one_scan_without_the_full_address(client, session, label):
    response = visit(client, label.path)
    assert response.status_code == 200
    [scan] = scans(session)
    assert (scan.batch_id, scan.code_text, scan.verdict) == (label.batch.id, label.code, "valid")
    assert scan.label_code_id is not None
    assert scan.network == "203.113.45.0/24"
    assert scan.user_agent_family == "Android Chrome"
    assert "203.113.45.67" not in str(scan.__dict__)


def test_a_repeat_scan_answered_304_is_still_recorded(client, session, label):
    etag = visit(client, label.path).headers["ETag"]
    again = client.get(label.path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert len(scans(session)) == 2


def test_unsigned_and_tampered_visits_are_recorded_as_such(client, session, label):
    # A typed-in address is redirected to the page: the page's visit is the one recorded.
    assert visit(client, label.path.split("?")[0]).status_code == 307
    visit(client, label.path.split("?")[0] + "?lang=vi")
    visit(client, label.path.replace("?17=270519", "?17=270619"))
    first, second = scans(session)
    assert (first.verdict, first.is_signature_valid, first.label_code_id) == (
        "malformed code",
        False,
        None,
    )
    assert first.code_text == BASE + label.path.split("?")[0]
    assert (second.verdict, second.is_signature_valid) == ("bad signature", False)


def test_a_code_signed_with_our_key_for_no_batch_we_issued_is_recorded_for_the_alerts(
    client, session, label
):
    signer = issuing.signer_for(session)
    forged = signer.sign(issuing.code_data(BASE, None, "L-COPY", "HTXA-COPY-01", None))
    assert visit(client, forged.removeprefix(BASE)).status_code == 404
    assert visit(client, "/b/HTXA-COPY-02").status_code == 404  # unsigned: not recorded
    assert visit(client, forged.removeprefix(BASE).replace("COPY-01", "COPY-03")).status_code == 404
    [scan] = scans(session)
    assert (scan.verdict, scan.is_signature_valid) == ("unknown batch", True)
    assert (scan.batch_id, scan.label_code_id, scan.code_text) == (None, None, forged)


@pytest.mark.parametrize(
    "data",
    [
        LabelData(BASE, prefix="HTXCOPY", serial="R0001-00001"),
        LabelData(BASE, gtin="08934567000109", serial="R0001-00001"),
    ],
    ids=["prefix", "gtin"],
)
def test_a_pre_printed_code_signed_with_our_key_for_no_roll_is_recorded_for_the_alerts(
    client, session, label, data
):
    forged = issuing.signer_for(session).sign(data)
    assert visit(client, forged.removeprefix(BASE)).status_code == 404
    [scan] = scans(session)
    assert (scan.verdict, scan.is_signature_valid, scan.code_text) == (
        "unknown batch",
        True,
        forged,
    )


def test_a_unit_scanned_twice_tells_the_second_visitor(client, session, tenants, label):
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    path = unit.text.removeprefix(BASE)
    first = text_of(visit(client, path, language="en"))
    assert "This is the first time this code is scanned." in first
    second = visit(client, path, address="14.160.2.9", language="en")
    text = text_of(second)
    assert "This code was scanned 1 time before, first on" in text
    assert "may have been copied" in text
    assert 'href="/report?' in second.get_data(as_text=True)


def test_the_visitor_shares_the_place_of_their_own_scan_only(client, session, tenants, label):
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    markup = visit(client, unit.text.removeprefix(BASE)).get_data(as_text=True)
    scan_id, token = re.search(r'data-scan="(\d+)" data-token="([^"]+)"', markup).groups()
    forged = client.post(
        f"/scans/{int(scan_id) + 1}/position",
        json={"token": token, "latitude": 9.6, "longitude": 105.97},
    )
    assert forged.status_code == 422
    shared = client.post(
        f"/scans/{scan_id}/position",
        json={"token": token, "latitude": 9.60312, "longitude": 105.97381},
    )
    assert shared.status_code == 200
    [scan] = scans(session)
    assert (float(scan.latitude), float(scan.longitude)) == (9.6, 105.97)
    twice = client.post(
        f"/scans/{scan_id}/position", json={"token": token, "latitude": 10, "longitude": 106}
    )
    assert twice.status_code == 422
    assert client.post(f"/scans/{scan_id}/position", data="x").status_code == 422


def share_position(client, markup, latitude, longitude):
    scan_id, token = re.search(r'data-scan="(\d+)" data-token="([^"]+)"', markup).groups()
    shared = client.post(
        f"/scans/{scan_id}/position",
        json={"token": token, "latitude": latitude, "longitude": longitude},
    )
    assert shared.status_code == 200


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("vi", "Lần quét đầu tiên ở Thành phố Hà Nội."),
        ("en", "The first scan was in Thành phố Hà Nội."),
    ],
)
def test_a_later_visitor_learns_the_province_of_the_first_scan_never_its_position(
    client, session, tenants, label, language, sentence
):
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    path = unit.text.removeprefix(BASE)
    share_position(client, visit(client, path).get_data(as_text=True), 21.0312, 105.8519)
    later = visit(client, path, address="14.160.2.9", language=language)
    assert sentence in text_of(later)
    markup = later.get_data(as_text=True)
    for private in ("21.03", "21,03", "105.85", "105,85", "203.113.45", "Android"):
        assert private not in markup, private


def test_the_verify_answer_tells_nothing_of_the_scans(client, session, tenants, label):
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    share_position(
        client,
        visit(client, unit.text.removeprefix(BASE)).get_data(as_text=True),
        21.0312,
        105.8519,
    )
    answer = client.post("/api/v1/verify", json={"code": unit.text})
    assert answer.get_json()["valid"] is True
    body = answer.get_data(as_text=True)
    for private in (
        "21.03",
        "105.85",
        "203.113.45",
        "Android",
        "latitude",
        "longitude",
        "network",
        "user_agent",
        "scanned",
    ):
        assert private not in body, private


def test_a_consumer_reports_a_suspect_product(client, session, label):
    page = client.get(f"/report?code={label.code}&lang=en")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    empty = client.post("/report", data={"csrf_token": token, "code": label.code, "message": ""})
    assert empty.status_code == 422
    assert session.scalar(select(func.count()).select_from(Report)) == 0
    sent = client.post(
        "/report?lang=en",
        data={
            "csrf_token": token,
            "code": label.code,
            "scan": "",
            "message": "Bao bì khác hẳn, tem dán lệch",
            "contact": "0901 234 567",
        },
    )
    assert sent.status_code == 200
    assert "Thank you" in text_of(sent)
    session.expire_all()
    [report] = session.scalars(select(Report)).all()
    assert (report.code_text, report.contact) == (label.code, "0901 234 567")
    assert report.batch_id == label.batch.id


def test_a_report_without_the_csrf_token_is_refused(client, session, label):
    response = client.post("/report", data={"code": label.code, "message": "giả"})
    assert response.status_code in (400, 422)
    assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_visit_writes_once_in_the_transaction_that_read(client, session, label, app):
    """One extra write a visit, the scan's INSERT, in the reading transaction when nothing
    came in between (tests/test_db.py covers SQLite refusing it when something did)."""
    from sqlalchemy import event

    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        visit(client, label.path)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    # The visit's own transaction ends at its first RELEASE or COMMIT; the clone rules then
    # run in one of their own (trace.alerts.services.refresh_soon).
    ended = min(i for i, s in enumerate(statements) if s in ("RELEASE", "COMMIT"))
    visit_statements = statements[:ended]
    writes = [s for s in visit_statements if s in ("INSERT", "UPDATE", "DELETE")]
    assert writes == ["INSERT"], statements
    between = statements[statements.index("SELECT") : statements.index("INSERT")]
    assert not {"RELEASE", "COMMIT", "SAVEPOINT", "BEGIN"} & set(between), statements
