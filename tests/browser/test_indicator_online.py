"""Indicator 13.7 on a phone, JavaScript off: a commune officer reads, under 13.4, which key
products are sold online, follows a marketplace listing's host name, sees the ones with none,
and the same part in the print view. Screenshots at 360 px go to ``TRACE_SCREENSHOT_DIR``."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, capture, in_app, sign_in
from tests.factories import (
    make_batch,
    make_cooperative,
    make_product,
    make_product_link,
    make_user,
)
from trace.auth.models import Role
from trace.db import db

pytestmark = pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)

# A commune of Cần Thơ no other browser test uses: the live server keeps its data.
PHONG_DIEN = "31299"
SHOPEE = "https://shopee.vn/gao-st25-ke-sach-i.123456.7890123456"


def listed_commune(live_server: LiveServer) -> dict[str, str]:
    """Phong Điền's officer; rice listed on Shopee (product-wide) and Postmart (one batch),
    pomelo listed nowhere."""

    def make() -> dict[str, str]:
        farm = make_cooperative(db.session, commune_code=PHONG_DIEN, name="HTX Lúa gạo Phong Điền")
        rice = make_product(db.session, farm, name="Gạo ST25 Phong Điền", is_key_product=True)
        batch = make_batch(db.session, rice, lot="ST25-2611")
        make_product(db.session, farm, name="Bưởi Năm Roi", is_key_product=True)
        make_product_link(db.session, rice, href=SHOPEE)
        postmart = "https://postmart.vn/san-pham/gao-st25-ke-sach"
        make_product_link(db.session, rice, href=postmart, batch_id=batch.id)
        officer = make_user(db.session, Role.COMMUNE_OFFICER, commune_code=PHONG_DIEN)
        return {"officer": officer.email, "batch": batch.code}

    result: dict[str, str] = in_app(live_server, make)
    return result


def test_an_officer_reads_13_7_under_13_4_on_a_phone(page: Page, live_server: LiveServer):
    data = listed_commune(live_server)
    page.set_viewport_size(PHONE)
    sign_in(page, data["officer"])
    page.goto(f"/communes/{PHONG_DIEN}/13.4")

    online = page.locator(".indicator-online")
    expect(online.get_by_role("heading", level=2)).to_have_text("Key products sold online")
    expect(online).to_contain_text("1 of 2 key products sold online (50%)")
    expect(online).to_contain_text("A key product is sold online when")
    rice = online.locator(".indicator-online__product").filter(has_text="Gạo ST25 Phong Điền")
    expect(rice).to_contain_text("Sold online")
    expect(rice.get_by_role("link", name="shopee.vn")).to_have_attribute("href", SHOPEE)
    expect(rice).to_contain_text(f"postmart.vn (batch {data['batch']})")
    pomelo = online.locator(".indicator-online__product").filter(has_text="Bưởi Năm Roi")
    expect(pomelo).to_contain_text("No marketplace link yet")
    expect(online.locator(".indicator-online__missing")).to_have_text(
        "Not sold online yet: Bưởi Năm Roi"
    )
    # the host names are tap targets of at least 44 px on a phone
    box = rice.get_by_role("link", name="shopee.vn").bounding_box()
    assert box is not None
    assert box["height"] >= 44
    expect(online.get_by_role("link", name="Download the 13.7 CSV (Excel)")).to_be_visible()
    online.scroll_into_view_if_needed()
    capture(page, "indicator-online")
    capture(page, "indicator-online", wide=True)

    page.goto(f"/communes/{PHONG_DIEN}/13.4/print")
    part = page.locator(".evidence__online")
    expect(part).to_contain_text("Indicator 13.7: key products sold online")
    expect(part).to_contain_text("1 of 2 key products sold online (50%)")
    expect(part.locator("tbody tr")).to_have_count(2)
    capture(page, "indicator-online-print")
