"""Marks that make later scans of a unit suspect: units reported sold (API), and a unit an
inspector withdrew from sale (an inspection); the clone rule then fires on later scans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.api.registry_helpers import caller, field_errors
from tests.inspections.test_services import NOW, refused, values_for
from tests.scan_fixtures import SCANNED_AT, scan_of
from trace.alerts.marks import report_sold
from trace.alerts.models import Alert, UnitMark
from trace.alerts.services import refresh_alerts
from trace.alerts.signals import AlertRule, MarkKind
from trace.audit.models import AuditRecord, AuditSubject
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.errors import InvalidInput
from trace.inspections.services import record_inspection


@pytest.fixture
def units(session, tenants, labelled) -> list[LabelCode]:
    issued = codes.issue_units(session, tenants.staff_a, labelled.batch.id, 3).units
    texts = [unit.text for unit in issued]
    return list(session.scalars(select(LabelCode).where(LabelCode.text.in_(texts))))


def marks(session) -> list[tuple[int, MarkKind]]:
    rows = session.execute(select(UnitMark.label_code_id, UnitMark.kind).order_by(UnitMark.id))
    return [tuple(row) for row in rows]


def alerts(session) -> list[tuple[AlertRule, int | None]]:
    refresh_alerts(session, now=SCANNED_AT + timedelta(days=30))
    return [tuple(row) for row in session.execute(select(Alert.rule, Alert.label_code_id))]


def test_units_reported_sold_then_scanned_after_the_grace_raise_an_alert(
    session, tenants, labelled, units
):
    first, second, _ = units
    report = report_sold(
        session, tenants.staff_a, labelled.batch.id, [first.serial, second.serial], now=SCANNED_AT
    )
    assert (report.marked, report.already_sold) == (2, 0)
    again = report_sold(session, tenants.staff_a, labelled.batch.id, [first.serial])
    assert (again.marked, again.already_sold) == (0, 1)
    assert sorted(marks(session)) == sorted([(first.id, MarkKind.SOLD), (second.id, MarkKind.SOLD)])
    scan_of(session, first, now=SCANNED_AT + timedelta(hours=5))  # the buyer, at home
    scan_of(session, second, now=SCANNED_AT + timedelta(days=9))  # a copy, in another shop
    assert alerts(session) == [(AlertRule.SCANNED_AFTER_MARK, second.id)]
    history = session.scalars(
        select(AuditRecord.changes)
        .where(AuditRecord.subject == AuditSubject.BATCH)
        .order_by(AuditRecord.id.desc())
        .limit(1)
    ).one()
    assert history == {"units_sold": [0, 2]}


@pytest.mark.parametrize(
    "serials_of",
    [
        lambda units: [],
        lambda units: [units[0].serial, "NOSUCHSERIAL"],  # one good, one unknown
        lambda units: [units[0].serial] * 2,
        lambda units: [None],
        lambda units: [f"S{number}" for number in range(1001)],
    ],
)
def test_a_bad_sold_report_marks_nothing(session, tenants, labelled, units, serials_of):
    with pytest.raises(InvalidInput) as refusal:
        report_sold(session, tenants.staff_a, labelled.batch.id, serials_of(units))
    assert "serials" in refusal.value.errors
    assert marks(session) == []


def test_the_api_reports_units_sold_for_its_own_batches_only(
    client, session, tenants, labelled, units
):
    url = f"/api/v1/batches/{labelled.batch.id}/units/sold"
    staff = caller(client, session, tenants.staff_a)
    answer = staff.post(url, json={"serials": [units[0].serial]})
    assert answer.status_code == 200
    assert answer.get_json() == {"marked": 1, "already_sold": 0}
    unknown = staff.post(url, json={"serials": ["ZZZZZZZZZZ"]})
    assert unknown.status_code == 422
    assert "serials" in field_errors(unknown)
    other = caller(client, session, tenants.staff_b).post(url, json={"serials": [units[1].serial]})
    assert other.status_code == 404
    inspector = caller(client, session, tenants.inspector).post(url, json={"serials": ["X"]})
    assert inspector.status_code == 403
    assert session.scalar(select(func.count()).select_from(UnitMark)) == 1


def test_an_inspector_withdraws_a_unit_and_a_later_scan_raises_an_alert(
    session, tenants, labelled, units
):
    unit = units[0]
    inspection = record_inspection(
        session, tenants.inspector, values_for(unit.text, withdraws_unit=True), now=NOW
    )
    assert marks(session) == [(unit.id, MarkKind.INSPECTED)]
    audit = session.scalars(
        select(AuditRecord).where(
            AuditRecord.subject == AuditSubject.INSPECTION, AuditRecord.subject_id == inspection.id
        )
    ).one()
    assert audit.changes["withdrawn_from_sale"] == [None, True]
    scan_of(session, unit, now=NOW + timedelta(days=1))
    refresh_alerts(session, now=NOW + timedelta(days=2))
    assert session.execute(select(Alert.rule, Alert.label_code_id)).all() == [
        (AlertRule.SCANNED_AFTER_MARK, unit.id)
    ]


def test_only_a_units_own_code_can_be_withdrawn(session, tenants, labelled, english):
    errors = refused(
        session, tenants.inspector, **values_for(labelled.code.text, withdraws_unit=True)
    )
    assert errors == {
        "withdraws_unit": ["Only an item's own code can be withdrawn: scan the code on the item."]
    }
    assert marks(session) == []
