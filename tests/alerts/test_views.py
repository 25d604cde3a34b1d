"""The clone alerts page: every alert for inspectors, a cooperative's own for its staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.alerts.test_services import HANOI, HO_CHI_MINH_CITY, positioned_scan
from tests.conftest import log_in
from tests.registry.test_views_common import text_of
from tests.scan_fixtures import SCANNED_AT
from trace.alerts.services import refresh_alerts
from trace.auth.services import issue_api_token
from trace.batches.models import LabelCode
from trace.batches.services import codes


@pytest.fixture
def copied_unit(session, app, tenants, labelled):
    """A unit of cooperative A's batch scanned in Hanoi, then in Ho Chi Minh City 20 min later."""
    [unit] = codes.issue_units(session, tenants.staff_a, labelled.batch.id, 1).units
    code = session.scalars(select(LabelCode).where(LabelCode.text == unit.text)).one()
    positioned_scan(session, app, code, SCANNED_AT, HANOI)
    positioned_scan(session, app, code, SCANNED_AT + timedelta(minutes=20), HO_CHI_MINH_CITY)
    refresh_alerts(session)  # as the scans' requests would have, once done
    session.commit()
    return code


def alerts_page(client, query=""):
    return client.get("/alerts?lang=en" + query)


def test_an_inspector_sees_the_alert_with_its_rule_and_facts(client, tenants, copied_unit):
    log_in(client, tenants.inspector.email)
    response = alerts_page(client)
    assert response.status_code == 200
    text = text_of(response)
    assert "1 alert" in text
    assert "Scanned in two provinces too quickly" in text
    assert "nobody travels that far that fast" in text
    assert copied_unit.text in text
    assert tenants.cooperative_a.name in text


def test_vietnamese_by_default(client, tenants, copied_unit):
    log_in(client, tenants.inspector.email)
    text = text_of(client.get("/alerts"))
    assert "Cảnh báo tem sao chép" in text
    assert "Quét ở hai tỉnh quá nhanh" in text


def test_the_filters_narrow_the_list(client, tenants, copied_unit):
    log_in(client, tenants.inspector.email)
    hcmc = alerts_page(client, "&province=79")
    assert "1 alert" in text_of(hcmc)
    hanoi = alerts_page(client, "&province=01")
    assert "No alert matches these filters." in text_of(hanoi)
    other = alerts_page(client, f"&cooperative={tenants.cooperative_b.id}")
    assert "No alert matches these filters." in text_of(other)
    ignored = alerts_page(client, "&province=XX&cooperative=abc&page=-1")
    assert ignored.status_code == 200
    assert "1 alert" in text_of(ignored)


def test_a_cooperative_sees_only_its_own_alerts(client, app, tenants, copied_unit):
    log_in(client, tenants.staff_a.email)
    assert "1 alert" in text_of(alerts_page(client))
    other_client = app.test_client()
    log_in(other_client, tenants.staff_b.email)
    other = alerts_page(other_client, f"&cooperative={tenants.cooperative_a.id}")
    assert other.status_code == 200
    assert "0 alerts" in text_of(other)
    assert copied_unit.text not in other.get_data(as_text=True)


@pytest.mark.parametrize("name", ["officer_a"])
def test_commune_officers_may_not_read_alerts(client, tenants, name):
    log_in(client, tenants.user(name).email)
    assert alerts_page(client).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/alerts")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_reading_the_alerts_writes_nothing(client, session, tenants, copied_unit):
    """The rules ran when the scans arrived; the page and the API only read."""
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    engine = session.get_bind()
    log_in(client, tenants.inspector.email)
    token = issue_api_token(session, tenants.inspector, "alerts")
    session.commit()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert "1 alert" in text_of(alerts_page(client))
        api = client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"})
        assert api.get_json()["total"] == 1
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    writes = {"INSERT", "UPDATE", "DELETE"} & set(statements)
    # A token's first use is recorded apart, after the answer: the only write.
    assert writes <= {"UPDATE"}, statements
    assert statements.count("UPDATE") <= 1, statements
