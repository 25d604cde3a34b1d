"""The unknown-code page on a cheap phone (360 x 740), JavaScript off: the code typed in the
box, in lower case, leads to the batch's page; a wrong one says so with the box kept filled.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``public-unknown-*.png``).
"""

from __future__ import annotations

from urllib.parse import unquote

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE
from tests.browser.test_public_page import path_of, registered, shot


def test_a_buyer_types_the_printed_code_on_the_unknown_code_page(
    browser, live_server: LiveServer
) -> None:
    label = registered(live_server, "HTX Tra cứu Mỹ Xuyên")
    batch_path = path_of(label["batch"]).split("?")[0]
    batch_code = unquote(batch_path.removeprefix("/b/"))
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()

    response = page.goto("/b/KHONG-CO-MA-NAY")
    assert response is not None
    assert response.status == 404
    box = page.get_by_label("Mã trên tem")
    expect(box).to_be_visible()
    bounds = box.bounding_box()
    assert bounds is not None
    assert bounds["x"] >= 0
    assert bounds["x"] + bounds["width"] <= PHONE["width"]
    button = page.get_by_role("button", name="Tra cứu")
    button_bounds = button.bounding_box()
    assert button_bounds is not None
    assert button_bounds["x"] + button_bounds["width"] <= PHONE["width"]
    print(f"unknown-code page: box at y={bounds['y']:.0f}, button at y={button_bounds['y']:.0f}")
    shot(page, "unknown-code")

    box.fill(f"  {batch_code.lower()} ")
    button.click()
    page.wait_for_url(f"**{batch_path}?lang=vi")  # straight to the page: no second redirect
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gạo ST25 Trần Đề")
    # Typed, not scanned: the page never says the label is genuine.
    expect(page.get_by_text("Tem thật")).to_have_count(0)
    shot(page, "unknown-code-found")

    page.goto("/lookup")
    page.get_by_label("Mã trên tem").fill("ST25-KHONG-CO")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Không có lô hàng nào mang mã này")).to_be_visible()
    expect(page.get_by_label("Mã trên tem")).to_have_value("ST25-KHONG-CO")
    shot(page, "unknown-code-not-found")
    context.close()
