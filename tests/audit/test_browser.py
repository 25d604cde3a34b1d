"""Reading the audit records: filters, newest first, pages and chunked export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trace.audit import browser
from trace.audit.browser import AuditFilters
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.errors import AccessDenied


def _listed(session, tenants, **filters):
    """The timeline's records listed (``tenants`` also made a key, which is audited now)."""
    page = browser.list_records(session, tenants.operator, AuditFilters(**filters))
    return [
        record
        for record in page.items
        if record.recorded_at.year == 2026 and record.recorded_at.month == 11
    ]


def test_everything_newest_first(session, tenants, timeline):
    assert _listed(session, tenants) == [
        timeline.batch_recalled,
        timeline.cooperative_changed,
        timeline.batch_created,
        timeline.key_created,
    ]


def test_by_person_part_of_an_email_any_case(session, tenants, timeline):
    part = tenants.staff_a.email.split("@")[0].upper()
    assert _listed(session, tenants, person=part) == [
        timeline.batch_recalled,
        timeline.batch_created,
    ]
    assert _listed(session, tenants, person="command line") == [timeline.cooperative_changed]
    assert _listed(session, tenants, person="%") == []  # a wildcard is looked for, literally


def test_by_subject_and_its_id(session, tenants, timeline):
    assert _listed(session, tenants, subject=AuditSubject.KEY) == [timeline.key_created]
    both = _listed(session, tenants, subject=AuditSubject.BATCH, subject_id=42)
    assert both == [timeline.batch_recalled, timeline.batch_created]
    assert _listed(session, tenants, subject=AuditSubject.BATCH, subject_id=7) == []


def test_by_action(session, tenants, timeline):
    assert _listed(session, tenants, action=AuditAction.RECALLED) == [timeline.batch_recalled]


def test_by_days_in_vietnam_time(session, tenants, timeline):
    # 23:30 on the 2nd and 00:30 on the 3rd, Vietnam time, are both on the 2nd in UTC.
    assert _listed(session, tenants, date_to=date(2026, 11, 2)) == [
        timeline.batch_created,
        timeline.key_created,
    ]
    assert _listed(session, tenants, date_from=date(2026, 11, 3), date_to=date(2026, 11, 3)) == [
        timeline.cooperative_changed
    ]
    assert _listed(session, tenants, date_from=date(1, 1, 1), date_to=date(9999, 12, 31))


def test_pages_of_fifty(session, tenants):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Records of 2026-01-01 onwards: before any other the test database holds.
    for number in range(browser.PER_PAGE + 3):
        session.add(
            AuditRecord(
                recorded_at=start + timedelta(minutes=number),
                actor="command line",
                subject=AuditSubject.KEY,
                subject_id=number,
                action=AuditAction.CHANGED,
                changes={},
            )
        )
    session.flush()
    january = {"date_to": date(2026, 1, 31)}
    first = browser.list_records(session, tenants.operator, AuditFilters(**january))
    second = browser.list_records(session, tenants.operator, AuditFilters(page=2, **january))
    assert first.total == browser.PER_PAGE + 3
    assert first.page_count == 2
    assert [record.subject_id for record in second.items] == [2, 1, 0]
    assert first.items[0].subject_id == browser.PER_PAGE + 2


def test_export_reads_in_chunks_in_the_same_order(session, tenants, timeline):
    listed = browser.list_records(session, tenants.operator, AuditFilters()).items
    exported = list(browser.export_records(session, tenants.operator, AuditFilters(), chunk=1))
    assert len(exported) == 5
    assert [record.id for record in exported] == [record.id for record in listed]
    same_time = list(
        browser.export_records(
            session, tenants.operator, AuditFilters(subject=AuditSubject.BATCH), chunk=1
        )
    )
    assert len(same_time) == 2


@pytest.mark.parametrize("caller", ["staff_a", "inspector", "officer_a"])
def test_only_operators_browse(session, tenants, caller):
    user = tenants.user(caller)
    with pytest.raises(AccessDenied):
        browser.list_records(session, user, AuditFilters())
    with pytest.raises(AccessDenied):
        browser.export_records(session, user, AuditFilters())


def test_cooperative_names_of_a_page(session, tenants, timeline):
    names = browser.cooperative_names(session, [timeline.batch_created, timeline.key_created])
    assert names == {tenants.cooperative_a.id: tenants.cooperative_a.name}
