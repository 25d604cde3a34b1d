"""Recording scans and summing up a code's earlier ones."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.scan_fixtures import SCANNED_AT, scan_of, statements, stored_scan
from trace.db import utcnow
from trace.scans.models import Scan
from trace.scans.services import add_position, record_scan, scan_summary, scan_token
from trace.signing.codes import MAX_CODE_LENGTH, Verdict
from trace.verification.services import verify_code

ZALO_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Zalo iOS/471 ZaloTheme/light ZaloLanguage/vn"
)


def test_a_scan_of_a_real_code_stores_the_verdict_network_and_browser(session, labelled):
    checked = verify_code(session, labelled.code.text)
    scan_id = scan_of(
        session,
        labelled.code,
        verdict=checked.verdict,
        batch_id=checked.batch.id,
        label_code_id=checked.issued.id,
        remote_addr="2402:800:6371:1::99",
        user_agent=ZALO_IPHONE,
    )
    scan = stored_scan(session, scan_id)
    assert (scan.batch_id, scan.label_code_id, scan.code_text) == (
        labelled.batch.id,
        labelled.code.id,
        labelled.code.text,
    )
    assert (scan.verdict, scan.is_signature_valid) == (Verdict.VALID, True)
    assert (scan.network, scan.user_agent_family) == ("2402:800:6371::/48", "Zalo")
    assert scan.scanned_at == SCANNED_AT
    assert (scan.latitude, scan.longitude, scan.positioned_at) == (None, None, None)


def test_the_full_address_is_stored_nowhere(session, labelled):
    scan_id = scan_of(session, labelled.code, remote_addr="203.113.45.7")
    row = session.execute(select(Scan.__table__).where(Scan.id == scan_id)).one()
    assert "203.113.45.7" not in repr(tuple(row))
    assert stored_scan(session, scan_id).network == "203.113.45.0/24"


def test_a_scan_of_an_unknown_code_has_no_batch_and_no_code(session, tenants):
    text = "http://127.0.0.1:5000/b/NOPE-1?k=abc&s=" + "A" * 86
    scan_id = record_scan(
        session,
        code_text=text,
        verdict=verify_code(session, text).verdict,
        batch_id=None,
        label_code_id=None,
        remote_addr=None,
        user_agent=None,
    )
    scan = stored_scan(session, scan_id)
    assert (scan.code_text, scan.batch_id, scan.label_code_id) == (text, None, None)
    assert (scan.verdict, scan.is_signature_valid) == (Verdict.UNKNOWN_KEY, False)
    assert (scan.network, scan.user_agent_family) == ("unknown", "Other")


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdict_is_stored_by_value_and_says_whether_the_signature_held(
    session, labelled, verdict
):
    scan_id = scan_of(session, labelled.code, verdict=verdict)
    stored = session.execute(
        select(Scan.__table__.c.verdict, Scan.__table__.c.is_signature_valid).where(
            Scan.id == scan_id
        )
    ).one()
    signed_by_us = {
        Verdict.VALID,
        Verdict.REVOKED_KEY,
        Verdict.UNKNOWN_BATCH,
        Verdict.RECALLED_BATCH,
        Verdict.NOT_ACTIVATED,  # a pre-printed code: our signature, not activated yet
    }
    assert stored == (verdict, verdict in signed_by_us)
    raw = session.connection().exec_driver_sql(f"SELECT verdict FROM scans WHERE id = {scan_id}")
    assert raw.scalar() == verdict.value


def test_a_code_text_with_control_characters_or_too_long_is_cleaned_and_cut(session, labelled):
    text = "http://127.0.0.1:5000/b/X\x00\n-1" + "A" * 1000
    scan = stored_scan(session, scan_of(session, labelled.code, code_text=text))
    assert scan.code_text == ("http://127.0.0.1:5000/b/X-1" + "A" * 1000)[:MAX_CODE_LENGTH]
    assert len(scan.code_text) == MAX_CODE_LENGTH


def test_a_scan_without_a_time_is_stamped_now(session, labelled):
    before = utcnow()
    scan = stored_scan(session, scan_of(session, labelled.code, now=None))
    assert before <= scan.scanned_at <= utcnow()


def test_recording_a_scan_is_one_insert_and_nothing_else(session, tenants, labelled):
    session.flush()
    tenants.product_a.name = "Gạo ST25 (đổi tên, chưa ghi)"
    with statements(session) as sent:
        scan_id = scan_of(session, labelled.code)
    assert len(sent) == 1
    assert sent[0].lstrip().upper().startswith("INSERT INTO SCANS")
    assert tenants.product_a in session.dirty  # not flushed
    assert not any(isinstance(row, Scan) for row in session.identity_map.values())
    assert isinstance(scan_id, int)


def test_recording_a_scan_leaves_a_new_object_pending(session, tenants, labelled):
    session.flush()
    scan = Scan(
        code_text="pending",
        verdict=Verdict.VALID,
        is_signature_valid=True,
        network="unknown",
        user_agent_family="Other",
    )
    session.add(scan)
    with statements(session) as sent:
        scan_of(session, labelled.code)
    assert len(sent) == 1
    assert scan in session.new


def test_a_code_never_scanned_has_no_summary(session, labelled):
    assert scan_summary(session, labelled.code.id) is None


def test_the_first_scan_of_a_code_is_told_it_is_the_first(session, labelled):
    first = scan_of(session, labelled.code)
    assert scan_summary(session, labelled.code.id, before_scan_id=first) is None
    summary = scan_summary(session, labelled.code.id)
    assert (summary.first_scanned_at, summary.first_network, summary.count) == (
        SCANNED_AT,
        "203.113.45.0/24",
        1,
    )
    assert summary.first_position is None


def test_the_summary_gives_the_first_scan_and_leaves_out_the_current_one(session, labelled):
    first = scan_of(session, labelled.code, remote_addr="14.161.7.8")
    scan_of(session, labelled.code, remote_addr="1.52.3.4", now=SCANNED_AT + timedelta(days=1))
    scan_of(session, labelled.other_code, now=SCANNED_AT - timedelta(days=9))
    scan_of(session, labelled.code, label_code_id=None, batch_id=None)
    current = scan_of(
        session, labelled.code, remote_addr="113.160.1.1", now=SCANNED_AT + timedelta(days=2)
    )
    later = scan_of(session, labelled.code, now=SCANNED_AT + timedelta(days=3))
    summary = scan_summary(session, labelled.code.id, before_scan_id=current)
    assert (summary.first_scanned_at, summary.first_network, summary.count) == (
        SCANNED_AT,
        "14.161.7.0/24",
        2,
    )
    assert scan_summary(session, labelled.code.id, before_scan_id=later).count == 3
    assert scan_summary(session, labelled.code.id).count == 4
    assert scan_summary(session, labelled.other_code.id).count == 1
    assert first < current < later


def test_the_summary_carries_the_first_scans_position(session, app, labelled):
    first = scan_of(session, labelled.code)
    add_position(
        session,
        first,
        scan_token(first, app.secret_key),
        "9.6031",
        "105.9741",
        now=SCANNED_AT + timedelta(minutes=1),
    )
    current = scan_of(session, labelled.code)
    summary = scan_summary(session, labelled.code.id, before_scan_id=current)
    assert summary.first_position == (Decimal("9.60"), Decimal("105.97"))
    assert (summary.first_latitude, summary.first_longitude) == summary.first_position


def test_the_summary_is_one_query(session, labelled):
    for _ in range(3):
        current = scan_of(session, labelled.code)
    session.flush()
    with statements(session) as sent:
        summary = scan_summary(session, labelled.code.id, before_scan_id=current)
    assert len(sent) == 1
    assert summary.count == 2


def test_the_database_refuses_a_position_out_of_range_or_half_given(session, labelled):
    scan_id = scan_of(session, labelled.code)
    for values in (
        {"latitude": Decimal("91"), "longitude": Decimal("0"), "positioned_at": SCANNED_AT},
        {"latitude": Decimal("0"), "longitude": Decimal("-181"), "positioned_at": SCANNED_AT},
        {"latitude": Decimal("10"), "longitude": None, "positioned_at": SCANNED_AT},
        {"latitude": Decimal("10"), "longitude": Decimal("106"), "positioned_at": None},
    ):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(Scan.__table__.update().where(Scan.id == scan_id).values(**values))


def test_the_database_refuses_a_verdict_it_does_not_know(session, labelled):
    scan_id = scan_of(session, labelled.code)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.connection().exec_driver_sql(
            f"UPDATE scans SET verdict = 'looks fine' WHERE id = {scan_id}"
        )


def test_an_inspectors_check_is_no_earlier_scan_for_the_buyer(session, labelled):
    """The page tells a buyer how often the code was scanned before them: an inspector who
    checked the shelf is not a buyer, and would make a genuine label look copied."""
    scan_of(session, labelled.code, is_inspection=True)
    mine = scan_of(session, labelled.code)

    assert scan_summary(session, labelled.code.id, before_scan_id=mine) is None
    assert scan_summary(session, labelled.code.id).count == 1
