"""The batch pages in a real browser on a phone, JavaScript off, used as a clerk would.

A staff member registers a batch, records its harvest and a shipment, then recalls it.
Screenshots at 360 px (and a few at 1280 px) go to ``TRACE_SCREENSHOT_DIR``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer
from tests.factories import (
    TEST_PASSWORD,
    make_certificate,
    make_cooperative,
    make_farming_area,
    make_product,
    make_user,
)
from trace.auth.models import Role
from trace.db import db
from trace.registry.models import Cooperative

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(os.environ.get("TRACE_SCREENSHOT_DIR", "/tmp/screens"))

pytestmark = pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)


@pytest.fixture
def console(page: Page) -> list[ConsoleMessage]:
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    return messages


@pytest.fixture(autouse=True)
def upload_dir(live_server: LiveServer, tmp_path: Path) -> Path:
    directory = tmp_path / "uploads"
    live_server.app.config["TRACE_UPLOAD_DIR"] = str(directory)
    return directory


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def in_app(live_server: LiveServer, make: Callable[[], Any]) -> Any:
    """Create test data on the live server's database and commit it."""
    with live_server.app.app_context():
        result = make()
        db.session.commit()
        return result


def new_staff(live_server: LiveServer, cooperative_name: str) -> tuple[str, int]:
    """A cooperative with one staff account: (email, cooperative id)."""

    def make() -> tuple[str, int]:
        cooperative = make_cooperative(db.session, name=cooperative_name)
        user = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        return user.email, cooperative.id

    result: tuple[str, int] = in_app(live_server, make)
    return result


def no_csp_violations(console: list[ConsoleMessage]) -> bool:
    return not [m.text for m in console if "Content Security Policy" in m.text]


def capture(page: Page, name: str, wide: bool = False) -> None:
    """A full-page screenshot, after checking that nothing is wider than the screen."""
    size = DESKTOP if wide else PHONE
    page.set_viewport_size(size)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= size["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"batches-{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def records_for(live_server: LiveServer, cooperative_id: int) -> tuple[str, str]:
    """A product with its shelf life, a farming area and a certificate: (product, area code)."""

    def make() -> tuple[str, str]:
        cooperative = db.session.get(Cooperative, cooperative_id)
        assert cooperative is not None
        product = make_product(
            db.session, cooperative, name="Gạo ST25 Trần Đề", code="ST25", shelf_life_days=365
        )
        area = make_farming_area(db.session, cooperative, name="Cánh đồng ấp Tân Trung")
        certificate = make_certificate(
            db.session, cooperative, valid_from=date(2025, 6, 1), valid_to=date(2027, 5, 31)
        )
        certificate.products = [product]
        return product.name, area.code

    result: tuple[str, str] = in_app(live_server, make)
    return result


def test_clerk_registers_a_batch_records_harvest_and_shipment_then_recalls_it(
    page: Page, live_server: LiveServer, console: list[ConsoleMessage]
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Lúa gạo Trần Đề")
    product_name, area_code = records_for(live_server, cooperative_id)
    sign_in(page, email)
    expect(page.get_by_role("link", name="Register a batch")).to_be_visible()
    capture(page, "dashboard")
    page.get_by_role("link", name="Batches", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Batches")
    capture(page, "empty")

    page.get_by_role("link", name="Register the first batch").click()
    page.get_by_label("Product").select_option(label=product_name)
    page.get_by_label(f"Cánh đồng ấp Tân Trung ({area_code})").check()
    page.get_by_label("Harvest date").fill("2026-11-18")
    page.get_by_label("Packing date").fill("2026-11-19")
    page.get_by_label("Quantity").fill("1200,5")
    capture(page, "form")
    page.get_by_role("button", name="Register the batch").click()

    expect(page).to_have_url(re.compile(r"/batches/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("registered")
    expect(page.get_by_text("ST25-261118-01").first).to_be_visible()
    expect(page.get_by_text("1,200.5 kg").first).to_be_visible()
    expect(page.get_by_text("November 19, 2027").first).to_be_visible()

    page.get_by_role("link", name="Record a harvest").click()
    expect(page.get_by_label("What happened?")).to_have_value("harvest")
    page.get_by_label("When").fill("2026-11-18T07:30")
    page.get_by_label("Quantity").fill("1200.5")
    page.get_by_label("Notes").fill("Gặt bằng máy, trời nắng.")
    capture(page, "event-form")
    page.get_by_role("button", name="Save the step").click()
    expect(page.get_by_role("status")).to_contain_text("Harvest recorded.")
    expect(page.get_by_text("November 18, 2026, 7:30 AM").first).to_be_visible()

    page.get_by_role("link", name="Record a shipment").click()
    page.get_by_label("Buyer, market or supplier").fill("Siêu thị Co.opmart Sóc Trăng")
    page.get_by_label("Or the address").fill("Kho HTX, ấp Tân Trung")
    page.get_by_label("Quantity").fill("600")
    page.get_by_role("button", name="Save the step").click()
    expect(page.get_by_role("status")).to_contain_text("Shipping to a buyer or market recorded.")
    expect(page.get_by_text("Shipped to Siêu thị Co.opmart Sóc Trăng")).to_be_visible()
    capture(page, "detail")
    capture(page, "detail", wide=True)

    page.get_by_role("link", name="Recall", exact=True).click()
    page.get_by_role("button", name="Yes, recall the batch").click()
    expect(page.get_by_text("Say why the batch is recalled.").first).to_be_visible()
    capture(page, "recall-form")
    page.get_by_label("Why is the batch recalled?").fill(
        "Dư lượng thuốc bảo vệ thực vật vượt mức cho phép."
    )
    page.get_by_role("button", name="Yes, recall the batch").click()

    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("This batch was recalled on")
    expect(banner).to_contain_text("Dư lượng thuốc bảo vệ thực vật vượt mức cho phép.")
    expect(page.get_by_role("link", name="Change")).to_have_count(0)
    capture(page, "recalled")

    page.get_by_role("link", name="See the full trace").click()
    expect(page.get_by_text("Siêu thị Co.opmart Sóc Trăng")).to_be_visible()
    capture(page, "trace")

    page.get_by_role("link", name="Batches", exact=True).click()
    expect(page.locator(".status--recalled").first).to_contain_text("Recalled")
    capture(page, "list")
    capture(page, "list", wide=True)
    assert no_csp_violations(console)


@pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=True)
def test_the_event_form_script_shows_only_the_parts_of_the_chosen_kind(
    page: Page, live_server: LiveServer, console: list[ConsoleMessage]
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Chè Tân Cương")
    records_for(live_server, cooperative_id)
    sign_in(page, email)
    page.goto("/batches/new")
    page.locator("#product_id").select_option(index=1)
    page.locator("input[name=farming_area_ids]").first.check()
    page.locator("#harvested_on").fill("2026-11-18")
    page.locator("form.registry-form button[type=submit].button").click()
    expect(page).to_have_url(re.compile(r"/batches/\d+$"))
    page.goto(page.url + "/events/new?type=input_applied")
    input_part = page.locator("[data-event-types=input_applied]")
    party_part = page.locator("[data-event-types='shipping receiving']")
    expect(input_part).to_be_visible()
    expect(party_part).to_be_hidden()
    page.locator("#type").select_option("shipping")
    expect(input_part).to_be_hidden()
    expect(party_part).to_be_visible()
    capture(page, "event-form-vi")
    assert no_csp_violations(console)
