"""The inspectors' verify page in Chromium on a phone: without JavaScript (the server checks a
pasted code and a photo), and with it, online, then offline (the service worker's page, the
browser's own check, the queue), then online again (the queued checks are recorded).

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``verify-*.png``).
"""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlalchemy import select

from labels import LAYOUTS, LabelContent, render_png
from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, sign_in
from tests.browser.test_public_page import _recall, registered
from tests.factories import make_user
from trace.auth.models import Role
from trace.db import db
from trace.scans.models import Scan
from trace.signing.codes import Verdict


def new_inspector(live_server: LiveServer) -> str:
    email: str = in_app(live_server, lambda: make_user(db.session, Role.INSPECTOR).email)
    return email


def tampered(code: str) -> str:
    """The code with the first character of its signature changed."""
    at = code.index("&s=") + 3
    return code[:at] + ("B" if code[at] != "B" else "C") + code[at + 1 :]


def scans_of(live_server: LiveServer, code: str) -> list[tuple[Verdict, str]]:
    def read() -> list[tuple[Verdict, str]]:
        rows = db.session.execute(
            select(Scan.verdict, Scan.user_agent_family)
            .where(Scan.code_text == code)
            .order_by(Scan.scanned_at)
        )
        return [(verdict, family) for verdict, family in rows]

    result: list[tuple[Verdict, str]] = in_app(live_server, read)
    return result


def shot(page: Page, name: str) -> None:
    # The answer's element can be there before its stylesheets: measure the laid-out page.
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"verify-{name}-360.png"), full_page=True)


def check(page: Page, code: str) -> None:
    page.locator("textarea[name=code]").fill(code)
    page.locator(".verify-code-form button[type=submit]").click()


def test_without_javascript_the_server_checks_a_pasted_code_and_a_photo(
    browser, live_server: LiveServer, tmp_path: Path
) -> None:
    codes = registered(live_server, "HTX Kiểm tra không JS")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-US", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, new_inspector(live_server))
    page.goto("/verify")
    expect(page.locator(".verify-camera__start")).to_be_hidden()
    shot(page, "empty-nojs")

    check(page, codes["batch"])
    answer = page.locator(".verify-answer").first
    expect(answer).to_have_attribute("data-verdict", "valid")
    expect(answer).to_contain_text("Genuine label")
    expect(answer).to_contain_text("Gạo ST25 Trần Đề")
    expect(answer).to_contain_text("1 scan, the first on")
    shot(page, "genuine-nojs")

    label = tmp_path / "nhan.png"
    label.write_bytes(
        render_png(
            [LabelContent(code=codes["unit"], title="Gạo ST25")], LAYOUTS["roll-50x30"], dpi=300
        )
    )
    page.locator("input[name=photo]").set_input_files(str(label))
    page.locator(".verify-photo-form button[type=submit]").click()
    expect(page.locator(".verify-answer").first).to_contain_text("Genuine label")
    expect(page.locator(".verify-answer").first).to_contain_text("Serial")

    check(page, tampered(codes["batch"]))
    expect(page.locator(".verify-answer").first).to_have_attribute("data-verdict", "bad signature")
    shot(page, "tampered-nojs")
    context.close()


def test_offline_the_browser_checks_codes_and_queues_them_until_the_network_is_back(
    browser, live_server: LiveServer
) -> None:
    codes = registered(live_server, "HTX Kiểm tra ngoại tuyến")
    recalled = registered(live_server, "HTX Thu hồi ngoại tuyến")
    in_app(live_server, lambda: _recall(int(recalled["batch_id"])))
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-US")
    page = context.new_page()
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    sign_in(page, new_inspector(live_server))

    page.goto("/verify")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    status = page.locator("#verify-status")
    expect(status).to_contain_text("Lists for checking offline: from")
    expect(status).to_contain_text("Checks waiting to be sent: 0")
    cached = page.evaluate(
        """async () => {
          const names = await caches.keys();
          const cache = await caches.open(names.find((name) => name.startsWith("trace-verify-")));
          return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
        }"""
    )
    assert {
        "/verify",
        "/verify/offline.json",
        "/static/js/label-verifier.js",
        "/static/js/verify-page.js",
    } <= set(cached)

    check(page, codes["batch"])  # online: the server answers, in place
    answer = page.locator(".verify-answer").first
    expect(answer).to_have_attribute("data-verdict", "valid")
    expect(answer).to_contain_text("Scans of this code")
    shot(page, "genuine-online")

    context.set_offline(True)
    expect(page.locator(".verify-status__network")).to_be_visible()
    check(page, codes["batch"])
    answer = page.locator(".verify-answer").first
    expect(answer).to_have_attribute("data-checked", "offline")
    expect(answer).to_have_attribute("data-verdict", "valid")
    expect(answer).to_contain_text("Checked offline, with the lists from")
    expect(answer).to_contain_text("whether the batch is registered or recalled was not checked")
    shot(page, "genuine-offline")

    check(page, tampered(codes["batch"]))
    expect(answer).to_have_attribute("data-verdict", "bad signature")
    expect(answer).to_contain_text("Forged or altered label")
    expect(answer).to_contain_text("Checked offline")
    shot(page, "tampered-offline")

    check(page, recalled["batch"])
    expect(answer).to_have_attribute("data-verdict", "recalled batch")
    expect(answer.locator(".recall-banner")).to_contain_text("dư lượng thuốc bảo vệ thực vật")
    expect(status).to_contain_text("Checks waiting to be sent: 3")
    shot(page, "recalled-offline")

    # The page itself comes from the service worker's cache, and the queue is still there.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a label")
    expect(status).to_contain_text("Checks waiting to be sent: 3")

    context.set_offline(False)
    expect(status).to_contain_text("Checks waiting to be sent: 0")
    expect(status).to_contain_text("Checks made offline, now sent and recorded: 3")
    shot(page, "back-online")
    assert [verdict for verdict, _ in scans_of(live_server, codes["batch"])] == [
        Verdict.VALID,
        Verdict.VALID,
    ]
    assert [verdict for verdict, _ in scans_of(live_server, tampered(codes["batch"]))] == [
        Verdict.BAD_SIGNATURE
    ]
    assert [verdict for verdict, _ in scans_of(live_server, recalled["batch"])] == [
        Verdict.RECALLED_BATCH
    ]
    errors = [message.text for message in console if message.type == "error"]
    assert errors == []
    context.close()


def test_with_javascript_a_photo_too_large_is_sent_smaller_and_answered_in_place(
    browser, live_server: LiveServer, tmp_path: Path
) -> None:
    codes = registered(live_server, "HTX Ảnh lớn")
    barcode = zxingcpp.create_barcode(codes["unit"], zxingcpp.BarcodeFormat.QRCode)
    label = Image.fromarray(barcode.to_image(scale=14)).convert("RGB")
    picture = Image.effect_noise((6000, 4500), 40).convert("RGB")  # a phone's full-size photo
    picture.paste(label.rotate(6, expand=True, fillcolor="white"), (2400, 1700))
    path = tmp_path / "IMG_20261124_0930.jpg"
    picture.save(path, "JPEG", quality=95)
    size = path.stat().st_size
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-US")
    page = context.new_page()
    sign_in(page, new_inspector(live_server))
    limit = live_server.app.config["TRACE_UPLOAD_MAX_BYTES"]
    live_server.app.config["TRACE_UPLOAD_MAX_BYTES"] = size - 1  # the original is refused
    try:
        page.goto("/verify")
        page.locator("input[name=photo]").set_input_files(str(path))
        page.locator(".verify-photo-form button[type=submit]").click()
        answer = page.locator(".verify-answer").first
        expect(answer).to_have_attribute("data-verdict", "valid")
        expect(answer).to_contain_text("Serial")
        assert page.url.endswith("/verify")  # answered in place, no new page
        shot(page, "photo-js")
    finally:
        live_server.app.config["TRACE_UPLOAD_MAX_BYTES"] = limit
    context.close()
