"""The site in a real browser with JavaScript off: phone layout, language, sign-in, CSP."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import CSP_PROBE_PATH, LiveServer
from tests.factories import TEST_PASSWORD

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(os.environ.get("TRACE_SCREENSHOT_DIR", "/tmp/screens"))

# Every test runs with JavaScript disabled: the site must work fully without it.
no_javascript = pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=False)
pytestmark = no_javascript


@pytest.fixture
def console(page: Page) -> list[ConsoleMessage]:
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    return messages


@pytest.fixture
def requested_urls(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def csp_violations(console: list[ConsoleMessage]) -> list[str]:
    return [message.text for message in console if "Content Security Policy" in message.text]


def page_width(page: Page) -> Any:
    return page.evaluate("document.documentElement.scrollWidth")


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_home_on_a_phone_is_vietnamese_and_fits(page: Page, console: list[ConsoleMessage]):
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Biết rõ nông sản đến từ đâu")
    expect(page.get_by_role("link", name="English")).to_be_visible()
    expect(page.get_by_role("link", name="Đăng nhập").first).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert csp_violations(console) == []


def test_language_switch_goes_to_english_and_back(page: Page):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Biết rõ nông sản đến từ đâu")


def test_cooperative_signs_in_sees_the_dashboard_and_signs_out(
    page: Page, live_server: LiveServer, console: list[ConsoleMessage]
):
    email = live_server.cooperative_user("HTX Lúa gạo Trần Đề")
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("navigation", name="Tài khoản").get_by_role("link", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
    expect(page.get_by_text("Cán bộ hợp tác xã")).to_be_visible()
    expect(page.get_by_role("heading", name="HTX Lúa gạo Trần Đề")).to_be_visible()
    expect(page.get_by_text("Phường Sóc Trăng, Thành phố Cần Thơ")).to_be_visible()
    assert page_width(page) <= PHONE["width"]

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất.")
    page.goto("/dashboard")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2Fdashboard")
    expect(page.get_by_role("status")).to_have_text("Vui lòng đăng nhập để xem trang này.")
    assert csp_violations(console) == []


def test_wrong_password_shows_the_error_at_the_field(page: Page, live_server: LiveServer):
    email = live_server.cooperative_user("HTX Chè Tân Cương")
    page.set_viewport_size(PHONE)
    sign_in(page, email, "not the password")
    expect(page).to_have_url(f"{live_server.url}/login")
    password = page.get_by_label("Mật khẩu")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("Lỗi: Email hoặc mật khẩu không đúng.")
    expect(page.get_by_role("alert")).to_contain_text("Email hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Email")).to_have_value(email)
    expect(password).to_have_value("")


def test_skip_link_is_the_first_stop_for_keyboard_users(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#main")


def test_pages_break_no_content_security_rule_and_load_only_our_files(
    page: Page,
    live_server: LiveServer,
    console: list[ConsoleMessage],
    requested_urls: list[str],
):
    email = live_server.cooperative_user("HTX Tôm Đầm Dơi")
    for path in ("/", "/?lang=en", "/login", "/khong-co-trang-nay"):
        page.goto(path)
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    assert csp_violations(console) == []
    assert requested_urls
    assert all(url.startswith(live_server.url + "/") for url in requested_urls), requested_urls


def test_a_content_security_violation_would_be_noticed(page: Page, console: list[ConsoleMessage]):
    """The check above is only worth something if a violation shows up on the console."""
    page.goto(CSP_PROBE_PATH)
    expect(page.get_by_text("probe")).to_be_visible()
    assert csp_violations(console)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_screenshots(page: Page, live_server: LiveServer, viewport: dict[str, int]):
    """Screenshots of the main pages for people to look at, and a check that nothing overflows."""
    email = live_server.cooperative_user("Hợp tác xã Nông nghiệp Dịch vụ Thạnh Phú")
    live_server.cooperative_user("HTX Lúa gạo Trần Đề")
    page.set_viewport_size(viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = viewport["width"]

    def capture(name: str) -> None:
        assert page_width(page) <= width, f"{name} is wider than {width}px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)

    page.goto("/")
    capture("home")
    page.goto("/?lang=en")
    capture("home-en")
    page.goto("/login")
    capture("login")
    sign_in(page, email, "not the password")
    capture("login-error")
    page.goto("/khong-co-trang-nay")
    capture("404")
    sign_in(page, email)
    expect(page).to_have_url(f"{live_server.url}/dashboard")
    capture("dashboard")
