"""Product links on a 360 px phone with JavaScript off: staff add, reorder and delete them
from the product's page; a buyer finds them under "Mua ở đâu" and their own headings.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``links-*.png``).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, sign_in
from tests.browser.test_public_page import path_of, registered
from trace.batches.models import Batch
from trace.db import db
from trace.registry.product_links import ProductLink


def fits(page: Page, name: str) -> None:
    """No sideways scrolling at 360 px; a full-page screenshot for people to look at."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"links-{name}-360.png"), full_page=True)


def staff_email_of(live_server: LiveServer, batch_id: int) -> tuple[str, int]:
    from trace.auth.models import Role, User

    def find() -> tuple[str, int]:
        batch = db.session.get(Batch, batch_id)
        assert batch is not None
        staff = db.session.scalars(
            select(User).where(
                User.cooperative_id == batch.cooperative_id, User.role == Role.COOPERATIVE
            )
        ).one()
        return staff.email, batch.product_id

    result: tuple[str, int] = in_app(live_server, find)
    return result


def add_link(page: Page, kind: str, href: str, title_vi: str = "", title_en: str = "") -> None:
    page.get_by_label("Loại liên kết").select_option(label=kind)
    page.get_by_label("Địa chỉ trang").fill(href)
    page.get_by_label("Tiêu đề tiếng Việt").fill(title_vi)
    page.get_by_label("Tiêu đề tiếng Anh").fill(title_en)
    page.get_by_role("button", name="Thêm liên kết này").click()


def test_staff_keep_links_and_a_buyer_finds_where_to_buy(browser, live_server: LiveServer):
    codes_ = registered(live_server, "HTX Liên kết Vĩnh Hải")
    email, product_id = staff_email_of(live_server, int(codes_["batch_id"]))
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, email)

    page.goto(f"/products/{product_id}")
    page.get_by_role("link", name="Quản lý liên kết").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Liên kết của sản phẩm")
    add_link(page, "Công thức nấu ăn", "https://htx-vinhhai.vn/com-tam", "Cơm tấm", "Broken rice")
    expect(page.get_by_text("Đã thêm liên kết.")).to_be_visible()
    # A bad address: the message at the field, nothing added.
    add_link(page, "Nơi bán: cửa hàng hoặc gian hàng trên sàn thương mại điện tử", "http://x.vn")
    expect(page.locator("#href-error")).to_contain_text("Chỉ nhận địa chỉ bắt đầu bằng https://.")
    fits(page, "refused")
    # A known marketplace needs no title.
    add_link(
        page,
        "Nơi bán: cửa hàng hoặc gian hàng trên sàn thương mại điện tử",
        "https://shopee.vn/gao-st25-vinh-hai",
    )
    expect(page.locator(".kept-link__title").nth(1)).to_have_text("Shopee")
    # The marketplace goes first.
    page.locator(".kept-link").nth(1).get_by_role("button", name="Đưa lên").click()
    expect(page.locator(".kept-link__title").first).to_have_text("Shopee")
    fits(page, "kept")

    buyer = context.new_page()
    buyer.goto(path_of(codes_["batch"]))
    where = buyer.locator("section", has=buyer.get_by_role("heading", name="Mua ở đâu"))
    shop = where.get_by_role("link", name="Shopee")
    expect(shop).to_be_visible()
    expect(shop).to_have_attribute("rel", "noopener noreferrer")
    expect(shop).to_have_attribute("href", "https://shopee.vn/gao-st25-vinh-hai")
    recipes = buyer.locator("section", has=buyer.get_by_role("heading", name="Công thức nấu ăn"))
    expect(recipes.get_by_role("link", name="Cơm tấm")).to_be_visible()
    box = shop.bounding_box()
    assert box is not None
    assert box["height"] >= 44, box  # a thumb can tap it
    buyer.locator("#buy-title").scroll_into_view_if_needed()
    fits(buyer, "public")
    # A phone set to English, with none of the staff's cookies.
    abroad = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-US", java_script_enabled=False
    )
    english = abroad.new_page()
    english.goto(path_of(codes_["batch"]))
    expect(english.get_by_role("heading", name="Where to buy")).to_be_visible()
    expect(english.get_by_role("link", name="Broken rice")).to_be_visible()
    abroad.close()

    # Deleting asks first.
    page.locator(".kept-link").nth(1).get_by_role("link", name="Xóa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cơm tấm")
    fits(page, "delete")
    page.get_by_role("button", name="Có, xóa").click()
    expect(page.get_by_text("Đã xóa liên kết.")).to_be_visible()

    def remaining() -> list[str]:
        links = db.session.scalars(select(ProductLink).where(ProductLink.product_id == product_id))
        return [link.title_vi for link in links]

    assert in_app(live_server, remaining) == ["Shopee"]
    assert re.search(r"/products/\d+/links$", page.url)
    context.close()
