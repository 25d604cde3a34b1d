"""Clone alerts in the database: marking units, refreshing from the scans, listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from tests import factories
from tests.scan_fixtures import SCANNED_AT, scan_of, statements
from trace.alerts.marks import mark_unit
from trace.alerts.models import Alert, AlertWatermark, UnitMark
from trace.alerts.services import alert_message, list_alerts, refresh_alerts
from trace.alerts.signals import AlertRule, MarkKind
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.errors import InvalidInput
from trace.scans.services import add_position, record_scan, scan_token
from trace.signing.codes import Verdict

LATER = SCANNED_AT + timedelta(days=30)
HANOI = ("21.03", "105.85")
HO_CHI_MINH_CITY = ("10.78", "106.70")
CURL = "curl/8.5.0"
FORGED = "http://127.0.0.1:5000/b/NOBODY-1?k=abc&s=" + "A" * 86


@dataclass
class Units:
    first: LabelCode
    second: LabelCode


@pytest.fixture
def units(session: Any, tenants: Any, labelled: Any) -> Units:
    """Two unit codes of the labelled batch (whose unit is kg)."""
    run = codes.issue_units(session, tenants.staff_a, labelled.batch.id, 2)
    texts = [unit.text for unit in run.units]
    query = select(LabelCode).where(LabelCode.text.in_(texts))
    found = {code.text: code for code in session.scalars(query)}
    return Units(first=found[texts[0]], second=found[texts[1]])


def positioned_scan(
    session: Any, app: Any, code: LabelCode, at: Any, place: tuple[str, str], **values: Any
) -> int:
    """A scan of ``code`` at ``at`` whose visitor then shared ``place`` through the page."""
    scan_id = scan_of(session, code, now=at, **values)
    position(session, app, scan_id, at, place)
    return scan_id


def position(session: Any, app: Any, scan_id: int, at: Any, place: tuple[str, str]) -> None:
    token = scan_token(scan_id, app.config["SECRET_KEY"])
    add_position(session, scan_id, token, place[0], place[1], at + timedelta(minutes=1))


def stored_alerts(session: Any) -> list[Alert]:
    return list(session.scalars(select(Alert).order_by(Alert.id)))


def unknown_batch_scan(session: Any, at: Any, **values: Any) -> int:
    arguments = {
        "code_text": FORGED,
        "verdict": Verdict.UNKNOWN_BATCH,
        "batch_id": None,
        "label_code_id": None,
        "remote_addr": "203.113.45.7",
        "user_agent": None,
        "now": at,
        **values,
    }
    return record_scan(session, **arguments)


def test_the_migration_leaves_one_watermark_row_at_the_start(session):
    watermarks = session.scalars(select(AlertWatermark)).all()
    assert [(row.id, row.last_scan_id, row.last_positioned_at) for row in watermarks] == [
        (1, 0, None)
    ]


def test_a_unit_code_in_two_far_provinces_within_an_hour_is_flagged(
    session, app, tenants, labelled, units, english
):
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    an_hour_later = SCANNED_AT + timedelta(hours=1)
    second = positioned_scan(session, app, units.first, an_hour_later, HO_CHI_MINH_CITY)
    assert refresh_alerts(session, LATER) == 1
    [alert] = stored_alerts(session)
    assert (alert.rule, alert.scan_id, alert.fired_at) == (
        AlertRule.IMPOSSIBLE_TRAVEL,
        second,
        SCANNED_AT + timedelta(hours=1),
    )
    assert (alert.label_code_id, alert.code_text, alert.batch_id) == (
        units.first.id,
        units.first.text,
        labelled.batch.id,
    )
    # The scan's own province, not the cooperative's (Cần Thơ).
    assert (alert.cooperative_id, alert.province_code) == (tenants.cooperative_a.id, "79")
    assert alert_message(alert).startswith(
        "Scanned in Thành phố Hồ Chí Minh at November 24, 2026, 10:30 AM, 1 h 0 min after a scan in"
        " Thành phố Hà Nội at November 24, 2026, 9:30 AM"
    )


def test_refreshing_twice_never_duplicates_even_when_everything_is_read_again(session, app, units):
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    positioned_scan(session, app, units.first, SCANNED_AT + timedelta(hours=1), HO_CHI_MINH_CITY)
    assert refresh_alerts(session, LATER) == 1
    assert refresh_alerts(session, LATER) == 0
    session.get(AlertWatermark, 1).last_scan_id = 0
    session.flush()
    assert refresh_alerts(session, LATER) == 0
    assert len(stored_alerts(session)) == 1


def test_a_refresh_with_nothing_new_is_one_query(session, app, units):
    scan_of(session, units.first)
    refresh_alerts(session, LATER)
    with statements(session) as sent:
        assert refresh_alerts(session, LATER) == 0
    assert len(sent) == 1


def test_the_watermark_moves_to_the_newest_scan_and_a_new_scan_is_judged_on_the_whole_history(
    session, app, units
):
    first = positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    assert refresh_alerts(session, LATER) == 0
    assert session.get(AlertWatermark, 1).last_scan_id == first
    an_hour_later = SCANNED_AT + timedelta(hours=1)
    second = positioned_scan(session, app, units.first, an_hour_later, HO_CHI_MINH_CITY)
    assert refresh_alerts(session, LATER) == 1
    assert session.get(AlertWatermark, 1).last_scan_id == second


def test_scans_after_the_clock_wait_for_a_later_refresh(session, app, units):
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    an_hour_later = SCANNED_AT + timedelta(hours=1)
    positioned_scan(session, app, units.first, an_hour_later, HO_CHI_MINH_CITY)
    assert refresh_alerts(session, SCANNED_AT + timedelta(minutes=30)) == 0
    assert refresh_alerts(session, an_hour_later) == 1


def test_a_database_without_the_watermark_row_gets_it_on_the_first_refresh(session):
    session.execute(delete(AlertWatermark))
    scan_id = unknown_batch_scan(session, SCANNED_AT)
    assert refresh_alerts(session, LATER) == 1
    assert session.get(AlertWatermark, 1).last_scan_id == scan_id


def test_a_position_shared_after_a_refresh_is_news(session, app, units):
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    later = SCANNED_AT + timedelta(hours=1)
    scan_id = scan_of(session, units.first, now=later)
    assert refresh_alerts(session, later) == 0
    position(session, app, scan_id, later, HO_CHI_MINH_CITY)
    assert refresh_alerts(session, later + timedelta(minutes=2)) == 1
    assert [alert.scan_id for alert in stored_alerts(session)] == [scan_id]


def test_a_unit_scanned_after_an_inspector_marked_it_is_flagged(session, units, tenants, english):
    mark = mark_unit(session, units.second.id, "inspected", tenants.inspector, SCANNED_AT, "Seized")
    assert (mark.kind, mark.marked_by_id, mark.note) == (
        MarkKind.INSPECTED,
        tenants.inspector.id,
        "Seized",
    )
    scan_of(session, units.second, now=SCANNED_AT - timedelta(minutes=5))
    after = scan_of(session, units.second, now=SCANNED_AT + timedelta(minutes=5))
    assert refresh_alerts(session, LATER) == 1
    [alert] = stored_alerts(session)
    assert (alert.rule, alert.scan_id) == (AlertRule.SCANNED_AFTER_MARK, after)
    assert alert_message(alert) == (
        "Scanned at November 24, 2026, 9:35 AM, after an inspector marked it at November"
        " 24, 2026, 9:30 AM."
    )


def test_a_sold_unit_scanned_by_its_buyer_is_not_flagged(session, units):
    mark_unit(session, units.second.id, MarkKind.SOLD, now=SCANNED_AT)
    scan_of(session, units.second, now=SCANNED_AT + timedelta(days=1))
    assert refresh_alerts(session, LATER) == 0


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("label_code_id", {"label_code_id": "batch code"}),
        ("label_code_id", {"label_code_id": 2_000_000_000}),
        ("kind", {"kind": "lost"}),
        ("note", {"note": "x" * 501}),
    ],
)
def test_a_mark_needs_a_unit_code_a_known_kind_and_a_short_note(
    session, units, labelled, field, values
):
    arguments = {"label_code_id": units.first.id, "kind": "sold", "note": "", **values}
    if arguments["label_code_id"] == "batch code":
        arguments["label_code_id"] = labelled.code.id
    with pytest.raises(InvalidInput) as raised:
        mark_unit(session, **arguments)
    assert list(raised.value.errors) == [field]
    assert session.scalar(select(func.count()).select_from(UnitMark)) == 0


def test_a_batch_code_scanned_more_times_than_its_unit_codes_is_flagged_once(
    session, tenants, labelled, units
):
    scan_ids = [
        scan_of(session, labelled.code, now=SCANNED_AT + timedelta(minutes=minute))
        for minute in range(4)
    ]
    assert refresh_alerts(session, LATER) == 1
    [alert] = stored_alerts(session)
    assert (alert.rule, alert.scan_id, alert.label_code_id) == (
        AlertRule.BATCH_OVERSCANNED,
        scan_ids[2],
        labelled.code.id,
    )
    # No position shared: the cooperative's province (Sóc Trăng is in Cần Thơ now).
    assert (alert.cooperative_id, alert.province_code) == (tenants.cooperative_a.id, "92")
    assert alert.reason_params["units"] == 2


def test_a_weighed_batch_without_unit_codes_is_never_overscanned(session, labelled):
    for minute in range(5):
        scan_of(session, labelled.code, now=SCANNED_AT + timedelta(minutes=minute))
    assert refresh_alerts(session, LATER) == 0


def test_a_validly_signed_code_of_no_batch_is_flagged_once(session):
    first = unknown_batch_scan(session, SCANNED_AT)
    unknown_batch_scan(session, SCANNED_AT + timedelta(hours=1))
    assert refresh_alerts(session, LATER) == 1
    unknown_batch_scan(session, SCANNED_AT + timedelta(hours=2))
    assert refresh_alerts(session, LATER) == 0
    [alert] = stored_alerts(session)
    assert (alert.rule, alert.scan_id, alert.code_text) == (AlertRule.UNKNOWN_BATCH, first, FORGED)
    assert (alert.batch_id, alert.cooperative_id, alert.province_code) == (None, None, None)


def test_bot_scans_never_count(session, app, units, labelled):
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    positioned_scan(
        session,
        app,
        units.first,
        SCANNED_AT + timedelta(hours=1),
        HO_CHI_MINH_CITY,
        user_agent=CURL,
    )
    for minute in range(3):
        scan_of(session, labelled.code, now=SCANNED_AT + timedelta(minutes=minute), user_agent=CURL)
    unknown_batch_scan(session, SCANNED_AT, user_agent=CURL)
    assert refresh_alerts(session, LATER) == 0


@pytest.fixture
def three_alerts(session, app, tenants, labelled, units) -> dict[str, Alert]:
    """An alert of cooperative A in Hồ Chí Minh City (travel), one of cooperative B in Thái
    Nguyên (its batch of one box scanned twice) and one of no cooperative (unknown batch)."""
    positioned_scan(session, app, units.first, SCANNED_AT, HANOI)
    positioned_scan(session, app, units.first, SCANNED_AT + timedelta(hours=1), HO_CHI_MINH_CITY)
    product_b = factories.make_product(session, tenants.cooperative_b)
    batch_b = factories.make_batch(session, product_b, quantity=Decimal(1), unit="hộp")
    code_b = codes.batch_code(session, None, batch_b.id)
    scan_of(session, code_b, now=SCANNED_AT + timedelta(hours=2))
    scan_of(session, code_b, now=SCANNED_AT + timedelta(hours=3))
    unknown_batch_scan(session, SCANNED_AT + timedelta(hours=4))
    assert refresh_alerts(session, LATER) == 3
    return {alert.rule.value: alert for alert in stored_alerts(session)}


def test_alerts_are_listed_newest_first(session, three_alerts):
    assert [alert.rule for alert in list_alerts(session)] == [
        AlertRule.UNKNOWN_BATCH,
        AlertRule.BATCH_OVERSCANNED,
        AlertRule.IMPOSSIBLE_TRAVEL,
    ]
    assert list_alerts(session, limit=1, offset=1) == [three_alerts["batch_overscanned"]]


def test_alerts_are_filtered_by_province_and_cooperative(session, tenants, three_alerts):
    travel, overscanned = three_alerts["impossible_travel"], three_alerts["batch_overscanned"]
    assert list_alerts(session, province_code="79") == [travel]
    assert list_alerts(session, province_code="19") == [overscanned]
    assert list_alerts(session, cooperative_id=tenants.cooperative_a.id) == [travel]
    assert list_alerts(session, cooperative_id=tenants.cooperative_b.id) == [overscanned]
    assert list_alerts(session, province_code="79", cooperative_id=tenants.cooperative_b.id) == []
