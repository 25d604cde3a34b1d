"""The inspectors' alerts and consumer reports on a phone, JavaScript off.

A unit code turns up in Hanoi and, 20 minutes later, in Ho Chi Minh City; a buyer reports
it. The inspector reads the alert, then the report with the code's scans, and marks it seen.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import capture, in_app, sign_in
from tests.factories import make_batch, make_cooperative, make_product, make_user
from trace.alerts.services import refresh_alerts
from trace.auth.models import Role
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.db import db, utcnow
from trace.feedback.services import file_report
from trace.scans.services import add_position, record_scan, scan_token
from trace.signing.codes import Verdict

pytestmark = pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)

PLACES = (("21.03", "105.85"), ("10.78", "106.70"))  # Hanoi, then Ho Chi Minh City


def copied_unit(live_server: LiveServer) -> dict[str, Any]:
    """An inspector, and a unit code scanned in two provinces 20 minutes apart, reported."""

    def make() -> dict[str, Any]:
        cooperative = make_cooperative(db.session, name="HTX Gạo Sóc Trăng")
        staff = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        batch = make_batch(db.session, make_product(db.session, cooperative, name="Gạo ST25"))
        [unit] = codes.issue_units(db.session, staff, batch.id, 1).units
        unit_id = db.session.scalars(select(LabelCode.id).where(LabelCode.text == unit.text)).one()
        first = utcnow() - timedelta(hours=1)
        for minutes, (latitude, longitude) in zip((0, 20), PLACES, strict=True):
            at = first + timedelta(minutes=minutes)
            scan_id = record_scan(
                db.session,
                code_text=unit.text,
                verdict=Verdict.VALID,
                batch_id=batch.id,
                label_code_id=unit_id,
                remote_addr="203.113.45.67",
                user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile",
                now=at,
            )
            token = scan_token(scan_id, live_server.app.config["SECRET_KEY"])
            add_position(db.session, scan_id, token, latitude, longitude, at)
        refresh_alerts(db.session)  # as the scans' requests would have, once done
        file_report(
            db.session,
            code_text=unit.text,
            message="The label looks printed at home.",
            contact="0912 345 678",
            batch_id=batch.id,
        )
        inspector = make_user(db.session, Role.INSPECTOR)
        return {"inspector": inspector.email, "code": unit.text, "batch": batch.code}

    result: dict[str, Any] = in_app(live_server, make)
    return result


def test_an_inspector_reads_the_alert_then_the_report_and_marks_it_seen(
    page: Page, live_server: LiveServer
):
    data = copied_unit(live_server)
    sign_in(page, data["inspector"])

    page.goto("/alerts")
    alert = page.locator(".alert-item").filter(has_text=data["code"])
    expect(alert).to_contain_text("Scanned in two provinces too quickly")
    expect(alert).to_contain_text("Thành phố Hồ Chí Minh")
    capture(page, "inspector-alerts")

    page.goto("/reports")
    report = page.locator(".report-item").filter(has_text="The label looks printed at home.")
    expect(report).to_contain_text(data["batch"])
    expect(report.locator(".scan-table tbody tr")).to_have_count(2)
    capture(page, "inspector-reports")
    report.get_by_role("button", name="Mark as seen").click()
    expect(page.locator(".flashes")).to_contain_text("Report marked as seen.")
    expect(page.locator(".report-item")).to_have_count(0)
    page.get_by_role("link", name="Seen").click()
    expect(page.locator(".report-item")).to_contain_text("The label looks printed at home.")
