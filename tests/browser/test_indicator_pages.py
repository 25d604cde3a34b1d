"""Indicator 13.4 on a phone, JavaScript off: a commune officer opens their commune's page from
the dashboard, reads the verdict and each key product, then the print view with its QR codes;
an operator opens a province from the dashboard's form and sorts its communes.

Kế Sách has two key products: rice, with a complete batch harvested ten days ago (Circular
02/2024's items: photo, address, harvest recorded, expiry, label, valid certificate), and
pomelo, with a batch but no photo, step, expiry or label, and a lapsed certificate.
Screenshots at 360 px go to ``TRACE_SCREENSHOT_DIR``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import SCREENSHOTS, capture, in_app, sign_in
from tests.factories import (
    make_batch,
    make_certificate,
    make_cooperative,
    make_event,
    make_product,
    make_upload,
    make_user,
)
from trace.auth.models import Role
from trace.batches.models import EventType
from trace.batches.services import codes
from trace.common.clock import local_today
from trace.db import db

pytestmark = pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)

KE_SACH = "31528"
TRAN_DE = "31673"


def ke_sach_officer(live_server: LiveServer) -> dict[str, str]:
    """The officer of Kế Sách, and its two key products (one traced, one not)."""

    def make() -> dict[str, str]:
        rice_farm = make_cooperative(db.session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
        fruit_farm = make_cooperative(
            db.session, commune_code=KE_SACH, name="HTX Trái cây Phong Nẫm"
        )
        rice_farm.street_address = "Ấp Phú Thạnh"
        staff = make_user(db.session, Role.COOPERATIVE, cooperative=rice_farm)
        rice = make_product(
            db.session, rice_farm, name="Gạo ST25 Kế Sách", is_key_product=True, ocop_stars=4
        )
        rice.image_upload_id = make_upload(db.session, rice_farm).id
        harvested_on = local_today() - timedelta(days=10)
        make_certificate(
            db.session,
            rice_farm,
            products=[rice],
            number="VG-ST25-01",
            valid_from=harvested_on - timedelta(days=30),
            valid_to=harvested_on + timedelta(days=700),
        )
        batch = make_batch(
            db.session,
            rice,
            harvested_on=harvested_on,
            expires_on=harvested_on + timedelta(days=365),
        )
        make_event(
            db.session,
            batch,
            type=EventType.HARVEST,
            occurred_at=datetime.combine(harvested_on, datetime.min.time(), UTC),
        )
        code = codes.batch_code(db.session, staff, batch.id)
        pomelo = make_product(db.session, fruit_farm, name="Bưởi Năm Roi", is_key_product=True)
        make_batch(db.session, pomelo)
        make_certificate(
            db.session,
            fruit_farm,
            products=[pomelo],
            number="VG-BUOI-09",
            valid_from=date(2023, 1, 1),
            valid_to=date(2024, 12, 31),
        )
        officer = make_user(db.session, Role.COMMUNE_OFFICER, commune_code=KE_SACH)
        return {"officer": officer.email, "code": code.text}

    result: dict[str, str] = in_app(live_server, make)
    return result


def test_an_officer_reads_the_verdict_and_prints_the_evidence(page: Page, live_server: LiveServer):
    data = ke_sach_officer(live_server)
    sign_in(page, data["officer"])

    page.get_by_role("link", name="Indicator 13.4: are our key products traced?").click()
    expect(page.locator("h1")).to_contain_text("Xã Kế Sách")
    verdict = page.locator(".indicator-verdict")
    expect(verdict).to_contain_text("The commune does not meet indicator 13.4 yet")
    expect(verdict).to_contain_text("1 of 2 key products traced (50%)")
    expect(verdict).to_contain_text("at least one of its batches is complete")
    rice = page.locator(".indicator-row").filter(has_text="Gạo ST25 Kế Sách")
    expect(rice).to_contain_text("Traced")
    expect(rice).to_contain_text("4-star OCOP")
    expect(rice).to_contain_text("VG-ST25-01")
    expect(rice.get_by_role("link", name="Open a sample public page")).to_have_attribute(
        "href", data["code"]
    )
    pomelo = page.locator(".indicator-row").filter(has_text="Bưởi Năm Roi")
    expect(pomelo).to_contain_text("Not traced")
    expect(pomelo).to_contain_text("Traceability code (labels issued)")
    expect(pomelo).to_contain_text("Production stages (a harvest or processing step recorded)")
    expect(pomelo).to_contain_text("Standards applied (a certificate valid on the batch's day)")
    expect(pomelo).to_contain_text("VG-BUOI-09")
    expect(pomelo).to_contain_text("Expired")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV (Excel)")).to_be_visible()
    capture(page, "indicator-commune")
    capture(page, "indicator-commune", wide=True)

    page.get_by_role("link", name="Printable report").click()
    expect(page.locator("h1")).to_have_text("Xã Kế Sách")
    expect(page.locator(".evidence__facts")).to_contain_text(KE_SACH)
    expect(page.locator(".evidence__verdict")).to_contain_text("1 of 2 key products traced")
    expect(page.locator(".evidence__total")).to_contain_text("1 of 2 key products traced")
    expect(page.locator("svg.evidence__qr")).to_have_count(1)
    qr_shot = SCREENSHOTS / "indicator-print-qr.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    capture(page, "indicator-print")
    capture(page, "indicator-print", wide=True)
    # At its printed size a module is under 2 px on screen, too few for a reliable reading:
    # the same drawing, enlarged, is decoded.
    qr = page.locator("svg.evidence__qr")
    qr.evaluate("svg => { svg.style.width = '480px'; svg.style.height = '480px'; }")
    qr.screenshot(path=str(qr_shot))
    [decoded] = zxingcpp.read_barcodes(Image.open(qr_shot))
    assert decoded.text == data["code"]  # the code opens the latest public page
    page.emulate_media(media="print")
    expect(page.locator(".evidence__back")).to_be_hidden()
    page.emulate_media(media="screen")


def test_an_operator_opens_a_province_and_sorts_its_communes(page: Page, live_server: LiveServer):
    def make() -> str:
        cooperative = make_cooperative(db.session, commune_code=TRAN_DE, name="HTX Hành tím")
        make_product(db.session, cooperative, name="Hành tím Vĩnh Châu", is_key_product=True)
        return make_user(db.session, Role.OPERATOR).email

    operator: str = in_app(live_server, make)
    sign_in(page, operator)
    capture(page, "indicator-operator-dashboard")

    page.get_by_label("Province").select_option(label="Thành phố Cần Thơ")
    page.get_by_role("button", name="Open").click()
    expect(page.locator("h1")).to_contain_text("Thành phố Cần Thơ")
    tran_de = page.locator(".indicator-row").filter(has_text="Xã Trần Đề")
    expect(tran_de).to_contain_text(TRAN_DE)
    expect(tran_de.locator("td").last).to_have_text("0%")  # its one key product has no batch
    capture(page, "indicator-province")
    page.get_by_role("link", name="Share traced").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Share traced")
    page.get_by_role("link", name="Xã Trần Đề").click()
    expect(page.locator("h1")).to_contain_text("Xã Trần Đề")
    expect(page.locator(".indicator-row").filter(has_text="Hành tím Vĩnh Châu")).to_contain_text(
        "No batch in the last 12 months"
    )
