"""A commune officer keeps the commune's key products on a phone, JavaScript off, in
Vietnamese: from the dashboard, adds a product with the decision's number and date, then
confirms a cooperative's proposal; the 13.4 page then counts both. Screenshots at 360 px go
to ``TRACE_SCREENSHOT_DIR``."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, sign_in
from tests.factories import (
    make_cooperative,
    make_key_product_proposal,
    make_product,
    make_user,
)
from trace.auth.models import Role
from trace.db import db

pytestmark = pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=False)

TA_AN_KHUONG = "32155"  # Xã Tạ An Khương, Cà Mau: no other browser test uses it


def commune_with_a_proposal(live_server: LiveServer) -> dict[str, str]:
    def make() -> dict[str, str]:
        farm = make_cooperative(
            db.session, commune_code=TA_AN_KHUONG, name="HTX Nuôi ong Tạ An Khương"
        )
        make_product(db.session, farm, name="Mật ong rừng tràm")
        proposed = make_product(db.session, farm, name="Sáp ong U Minh")
        staff = make_user(db.session, Role.COOPERATIVE, cooperative=farm)
        make_key_product_proposal(db.session, proposed, staff, note="Sản phẩm OCOP 3 sao")
        officer = make_user(db.session, Role.COMMUNE_OFFICER, commune_code=TA_AN_KHUONG)
        return {"officer": officer.email}

    result: dict[str, str] = in_app(live_server, make)
    return result


def capture(page: Page, name: str) -> None:
    """A full-page screenshot at 360 px, after checking nothing is wider than the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"key-products-{name}-360.png"), full_page=True)


def test_an_officer_adds_a_key_product_by_decision_and_confirms_a_proposal(
    page: Page, live_server: LiveServer
):
    data = commune_with_a_proposal(live_server)
    page.set_viewport_size(PHONE)
    sign_in(page, data["officer"])

    page.get_by_role("link", name="Sản phẩm chủ lực của xã: danh sách và đề xuất").click()
    expect(page.locator("h1")).to_contain_text("Xã Tạ An Khương")
    pending = page.locator(".record").filter(has_text="Sáp ong U Minh")
    expect(pending).to_contain_text("Sản phẩm OCOP 3 sao")
    capture(page, "list-before")

    # A decision number left out: the message sits at its field, nothing is added.
    page.locator("#product_id").select_option(label="Mật ong rừng tràm (HTX Nuôi ong Tạ An Khương)")
    page.get_by_label("Ngày quyết định").fill("2026-03-02")
    page.get_by_role("button", name="Đưa vào danh sách").click()
    expect(page.locator("#decision_number-error")).to_contain_text("Hãy nhập số quyết định")
    capture(page, "add-refused")

    page.get_by_label("Số quyết định").fill("45/QĐ-UBND")
    page.get_by_role("button", name="Đưa vào danh sách").click()
    expect(page.locator(".flash, [role=status], .notice").first).to_contain_text(
        "Mật ong rừng tràm"
    )
    listed = page.locator("#list-title").locator("xpath=../..")
    expect(listed).to_contain_text("Quyết định số 45/QĐ-UBND ngày 2 tháng 3, 2026")

    pending = page.locator(".record").filter(has_text="Sáp ong U Minh")
    pending.get_by_role("link", name="Xác nhận theo quyết định").click()
    expect(page.locator("h1")).to_contain_text("Sáp ong U Minh")
    page.get_by_label("Số quyết định").fill("46/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2026-03-09")
    capture(page, "confirm")
    page.get_by_role("button", name="Xác nhận và đưa vào danh sách").click()
    expect(page.get_by_text("Đề xuất đang chờ trả lời")).to_have_count(0)
    expect(listed).to_contain_text("Quyết định số 46/QĐ-UBND ngày 9 tháng 3, 2026")
    expect(page.locator("body")).to_contain_text("Xã đã xác nhận ngày")
    capture(page, "list-after")

    page.get_by_role("link", name="Chỉ tiêu 13.4").first.click()
    rows = page.locator(".indicator-row__product")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Sáp ong U Minh")).to_have_count(1)
    expect(rows.filter(has_text="Mật ong rừng tràm")).to_have_count(1)
