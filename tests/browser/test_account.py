"""My account in Chromium with JavaScript off: a token shown once and revoked, and the
language preference taking effect at the next sign-in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer
from tests.factories import TEST_PASSWORD, make_user
from trace.auth.models import Role
from trace.db import db

PHONE = {"width": 360, "height": 740}

pytestmark = pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=False)


@pytest.fixture
def console(page: Page) -> list[ConsoleMessage]:
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    return messages


def sign_in(page: Page, email: str, password_label: str = "Mật khẩu") -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label(password_label).fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()


def page_width(page: Page) -> Any:
    return page.evaluate("document.documentElement.scrollWidth")


def api_me_status(page: Page, token: str) -> int:
    response = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return response.status


def test_a_token_is_shown_once_then_revoked(
    page: Page, live_server: LiveServer, console: list[ConsoleMessage]
):
    email = live_server.cooperative_user("HTX Cà phê Cầu Đất")
    page.set_viewport_size(PHONE)
    sign_in(page, email)
    page.get_by_role("link", name=email).click()
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản của tôi")
    expect(page.get_by_text("Bạn chưa có mã API nào.")).to_be_visible()
    assert page_width(page) <= PHONE["width"]

    page.get_by_label("Mục đích sử dụng mã").fill("Bảng tính kho")
    page.get_by_role("button", name="Tạo mã").click()
    shown = page.get_by_label("Mã", exact=True)
    expect(shown).to_be_visible()
    token = shown.input_value()
    assert token.startswith("trc_")
    expect(page.get_by_text("chỉ hiển thị một lần này", exact=False)).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert api_me_status(page, token) == 200

    page.reload()
    expect(page.get_by_label("Mã", exact=True)).to_have_count(0)
    assert token not in page.content()
    row = page.get_by_role("row", name=re.compile("Bảng tính kho"))
    expect(row).to_contain_text(token[:12])
    assert page_width(page) <= PHONE["width"]

    row.get_by_role("link", name=re.compile("Thu hồi")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thu hồi mã “Bảng tính kho”?")
    assert page_width(page) <= PHONE["width"]
    assert api_me_status(page, token) == 200  # not yet: the page only asks
    page.get_by_role("button", name="Đồng ý, thu hồi").click()
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_role("status")).to_contain_text("Đã thu hồi mã “Bảng tính kho”")
    expect(page.get_by_text("Bạn chưa có mã API nào.")).to_be_visible()
    assert api_me_status(page, token) == 401
    assert [m.text for m in console if "Content Security Policy" in m.text] == []


def test_the_preferred_language_takes_effect_at_sign_in(
    browser: Browser, page: Page, live_server: LiveServer, base_url: str
):
    email = live_server.cooperative_user("HTX Bưởi Năm Roi")
    page.set_viewport_size(PHONE)
    sign_in(page, email)
    page.goto("/account")
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("status")).to_contain_text("Your details are saved.")
    expect(page.get_by_label("Your name")).to_have_value("Lê Thị Hoa")

    # Another phone, set to Vietnamese, that never chose a language here.
    other = browser.new_context(
        base_url=base_url, locale="vi-VN", java_script_enabled=False, viewport=PHONE
    )
    try:
        fresh = other.new_page()
        fresh.goto("/login")
        expect(fresh.locator("html")).to_have_attribute("lang", "vi")
        sign_in(fresh, email)
        expect(fresh).to_have_url(f"{live_server.url}/dashboard")
        expect(fresh.locator("html")).to_have_attribute("lang", "en")
        expect(fresh.get_by_role("heading", level=1)).to_have_text("Hello, Lê Thị Hoa")
        # The switch still works for the rest of the visit.
        fresh.get_by_role("link", name="Tiếng Việt").click()
        expect(fresh.locator("html")).to_have_attribute("lang", "vi")
        expect(fresh.get_by_role("heading", level=1)).to_have_text("Xin chào, Lê Thị Hoa")
    finally:
        other.close()


def test_operator_pages_fit_a_phone(page: Page, live_server: LiveServer):
    with live_server.app.app_context():
        operator = make_user(db.session, Role.OPERATOR)
        email = operator.email
        db.session.commit()
    page.set_viewport_size(PHONE)
    sign_in(page, email)
    page.get_by_role("link", name="Khóa ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khóa ký")
    expect(page.get_by_text("Đang ký tem mới")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    page.get_by_role("link", name=re.compile("^Thu hồi")).first.click()
    expect(page.get_by_text("Thu hồi khóa nghĩa là gì")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Đồng ý, thu hồi khóa này").click()
    expect(page.get_by_role("alert").first).to_contain_text("Hãy nêu lý do thu hồi khóa.")
    page.get_by_role("link", name="Không, quay lại").click()

    page.goto("/dashboard")
    page.get_by_role("link", name="Nhật ký thao tác").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhật ký thao tác")
    expect(page.get_by_text("Dòng lệnh trên máy chủ").first).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    page.get_by_label("Loại hồ sơ").select_option("key")
    page.get_by_role("button", name="Hiển thị").click()
    expect(page).to_have_url(re.compile(r"/audit\?.*subject=key"))
    assert page_width(page) <= PHONE["width"]
