"""The public page on a cheap phone (360 x 740), with JavaScript off and on, as a buyer sees it.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``public-*.png``).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, new_staff, records_for
from trace.batches.services import codes
from trace.batches.services.batches import create_batch
from trace.batches.services.recall import recall_batch
from trace.db import db
from trace.registry.models import Certificate, CertificateScheme, Cooperative, FarmingArea, Product


def path_of(code: str) -> str:
    """The path and query of a label URL: what the browser asks the live server for."""
    parts = urlsplit(code)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def registered(live_server: LiveServer, name: str, *, expired: bool = False) -> dict[str, str]:
    """A cooperative, a product with a GTIN-less batch, its batch code and a unit code."""
    _email, cooperative_id = new_staff(live_server, name)
    product_name, area_code = records_for(live_server, cooperative_id)

    def make() -> dict[str, str]:
        product = db.session.scalars(
            select(Product).where(
                Product.name == product_name, Product.cooperative_id == cooperative_id
            )
        ).one()
        product.ocop_stars = 4
        product.description = "Gạo thơm trồng luân canh với tôm, canh tác theo VietGAP."
        area = db.session.scalars(select(FarmingArea).where(FarmingArea.code == area_code)).one()
        cooperative = db.session.get(Cooperative, cooperative_id)
        assert cooperative is not None
        cooperative.phone, cooperative.street_address = "0299 3851 234", "Ấp Tân Trung"
        if expired:
            old = Certificate(
                cooperative=cooperative,
                scheme=CertificateScheme.VIETGAP,
                number="VG-2023-0042",
                issuer="Quacert",
                valid_from=date(2023, 1, 1),
                valid_to=date(2025, 1, 1),
            )
            old.products = [product]
            db.session.add(old)
        batch = create_batch(
            db.session,
            None,
            {
                "cooperative_id": cooperative_id,
                "product_id": product.id,
                "farming_area_ids": [area.id],
                "harvested_on": date(2026, 11, 18),
                "packed_on": date(2026, 11, 19),
            },
        )
        unit = codes.issue_units(db.session, None, batch.id, 1).units[0]
        return {
            "batch": codes.batch_code(db.session, None, batch.id).text,
            "unit": unit.text,
            "batch_id": str(batch.id),
        }

    result: dict[str, str] = in_app(live_server, make)
    return result


def shot(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"public-{name}-360.png"), full_page=True)


@pytest.mark.parametrize("javascript", [False, True])
def test_a_buyer_sees_a_genuine_batch_then_a_unit_scanned_twice(
    browser, live_server: LiveServer, javascript: bool
) -> None:
    # A name of each run's own, as a cooperative would write it (the screenshots show it).
    place = "Lịch Hội Thượng" if javascript else "Trung Bình"
    codes_ = registered(live_server, f"HTX Lúa tôm {place}")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=javascript
    )
    page = context.new_page()
    suffix = "js" if javascript else "nojs"

    page.goto(path_of(codes_["batch"]))
    expect(page.get_by_role("status").first).to_contain_text("Tem thật")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gạo ST25 Trần Đề")
    expect(page.get_by_text("OCOP").first).to_be_visible()
    expect(page.get_by_text("Mã vùng trồng").first).to_be_visible()
    expect(page.get_by_role("link", name="Xem trên bản đồ")).to_be_visible()
    shot(page, f"genuine-{suffix}")

    page.goto(path_of(codes_["unit"]))
    expect(page.get_by_text("Đây là lần đầu tiên mã này được quét.")).to_be_visible()
    share = page.locator(".share-position")
    if javascript:
        expect(share).to_be_visible()
    else:
        expect(share).to_be_hidden()
    page.goto(path_of(codes_["unit"]))
    expect(page.get_by_text("Mã này đã được quét 1 lần trước đây")).to_be_visible()
    expect(page.get_by_role("link", name="Báo sản phẩm đáng ngờ")).to_be_visible()
    shot(page, f"unit-second-scan-{suffix}")
    page.get_by_role("link", name="Báo sản phẩm đáng ngờ").click()
    page.get_by_label("Có gì không ổn?").fill("Tem dán lệch, bao bì mỏng hơn thường lệ.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã gửi báo cáo")
    context.close()


def test_warnings_for_a_recall_an_expired_certificate_a_tampered_and_an_unknown_code(
    browser, live_server: LiveServer
) -> None:
    codes_ = registered(live_server, "HTX Cảnh báo", expired=True)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()

    page.goto(path_of(codes_["batch"]))
    expect(page.get_by_text("VG-2023-0042")).to_be_visible()
    expect(page.get_by_text("Đã hết hạn").first).to_be_visible()
    shot(page, "expired-certificate")

    page.goto(path_of(codes_["batch"]).replace("&k=", "&k=X"))
    expect(page.get_by_role("alert").first).to_contain_text("Không xác thực được tem này")
    shot(page, "tampered")

    page.goto("/b/KHONG-CO-LO-NAY")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã này chưa được đăng ký")
    shot(page, "unknown")

    in_app(live_server, lambda: _recall(int(codes_["batch_id"])))
    page.goto(path_of(codes_["batch"]))
    banner = page.locator(".recall-banner")
    expect(banner).to_contain_text("Lô hàng này đã bị thu hồi")
    expect(banner).to_contain_text("dư lượng thuốc bảo vệ thực vật")
    shot(page, "recalled")
    context.close()


def _recall(batch_id: int) -> None:
    from trace.auth.models import Role, User
    from trace.batches.models import Batch

    batch = db.session.get(Batch, batch_id)
    assert batch is not None
    staff = db.session.scalars(
        select(User).where(
            User.cooperative_id == batch.cooperative_id, User.role == Role.COOPERATIVE
        )
    ).first()
    recall_batch(
        db.session, staff, batch_id, "Phát hiện dư lượng thuốc bảo vệ thực vật vượt mức cho phép."
    )
