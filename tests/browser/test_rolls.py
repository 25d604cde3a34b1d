"""Pre-printed rolls in Chromium on a 360 px phone: a clerk prints a roll, activates a range
on a batch by pasting a scanned code (no JavaScript), a consumer opens a code that is not
activated, and an inspector offline is told activation needs the online answer; a clerk
checks a roll's stickers for phones and downloads its TSPL job.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``rolls-*.png``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, new_staff, sign_in
from tests.browser.test_verify_offline import check, new_inspector
from tests.factories import make_batch, make_product
from tests.labels.thermal import parse_tspl, qr_texts
from trace.db import db
from trace.registry.models import Cooperative
from trace.rolls.models import RollCode

GTIN = "08934567000017"
THERMAL_GTIN = "08934567000116"  # no other browser test gives a product this one


def shot(page: Page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"rolls-{name}-360.png"), full_page=True)


def gtin_batch(live_server: LiveServer, cooperative_id: int, gtin: str = GTIN) -> int:
    def make() -> int:
        cooperative = db.session.get(Cooperative, cooperative_id)
        assert cooperative is not None
        product = make_product(db.session, cooperative, gtin=gtin, name="Gạo ST25 túi 5 kg")
        return make_batch(db.session, product).id

    batch_id: int = in_app(live_server, make)
    return batch_id


def codes_of_roll(live_server: LiveServer) -> list[str]:
    def read() -> list[str]:
        return list(db.session.scalars(select(RollCode.text).order_by(RollCode.id)))

    texts: list[str] = in_app(live_server, read)
    return texts


@pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)
def test_a_clerk_prints_a_roll_and_activates_a_range_on_a_phone(
    page: Page, live_server: LiveServer
):
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Cuộn mã")
    batch_id = gtin_batch(live_server, cooperative_id)
    sign_in(page, email)
    page.goto("/batches")
    page.get_by_role("link", name="Rolls of codes").click()
    page.get_by_role("link", name="Print a roll of codes").click()
    page.get_by_label("Printed for").select_option(label=f"Gạo ST25 túi 5 kg, GTIN {GTIN}")
    page.get_by_label("How many codes").fill("40")
    shot(page, "new")
    page.get_by_role("button", name="Create the roll").click()
    expect(page).to_have_url(re.compile(r"/rolls/\d+"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roll R0001")
    shot(page, "roll")

    codes = codes_of_roll(live_server)
    consumer = page.context.new_page()
    consumer.set_viewport_size(PHONE)
    consumer.goto(codes[0].split("://", 1)[1].partition("/")[2].join(["/", ""]))
    expect(consumer.get_by_role("heading", level=1)).to_have_text("This code is not activated yet")
    expect(consumer.locator("body")).not_to_contain_text("Genuine")
    shot(consumer, "not-activated")

    page.goto(f"/batches/{batch_id}")
    page.get_by_label("First serial").fill(codes[0])  # a scanned code, pasted whole
    page.get_by_label("Last serial").fill("R0001-00024")
    shot(page, "activate")
    page.get_by_role("button", name="Activate these codes").click()
    expect(page).to_have_url(re.compile(rf"/batches/{batch_id}"))
    expect(page.get_by_role("status")).to_contain_text("R0001-00001")
    page.get_by_label("First serial").fill("R0001-00020")
    page.get_by_label("Last serial").fill("R0001-00030")
    page.get_by_role("button", name="Activate these codes").click()
    expect(page.get_by_role("alert")).to_contain_text("R0001-00020 is already active")
    shot(page, "refused")

    consumer.reload()
    expect(consumer.locator("[data-verdict]").first).to_have_attribute("data-verdict", "valid")


def test_offline_an_inspector_is_told_activation_needs_the_network(
    browser, live_server: LiveServer
):
    email, cooperative_id = new_staff(live_server, "HTX Cuộn mã ngoại tuyến")

    def roll() -> str:
        from trace.auth.models import User
        from trace.rolls.services import create_roll, roll_codes

        user = db.session.scalars(select(User).where(User.email == email)).one()
        made = create_roll(db.session, user, {"target": f"prefix:{cooperative_id}", "count": 2})
        return roll_codes(db.session, made)[0].text

    text: str = in_app(live_server, roll)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-US")
    page = context.new_page()
    sign_in(page, new_inspector(live_server))
    page.goto("/verify")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("#verify-status")).to_contain_text("Lists for checking offline: from")
    context.set_offline(True)
    check(page, text)
    answer = page.locator(".verify-answer").first
    expect(answer).to_have_attribute("data-checked", "offline")
    expect(answer).to_contain_text("This is a pre-printed code")
    expect(answer).to_contain_text("can only be checked online")
    expect(answer).to_contain_text("Cooperative prefix")
    shot(page, "offline")
    context.set_offline(False)
    page.goto("/verify")
    check(page, text)
    expect(page.locator(".verify-answer").first).to_have_attribute("data-verdict", "not activated")
    context.close()


@pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)
def test_a_clerk_checks_a_rolls_stickers_then_downloads_a_tspl_job_on_a_phone(
    page: Page, live_server: LiveServer
):
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Cuộn mã in nhiệt")
    gtin_batch(live_server, cooperative_id, THERMAL_GTIN)
    sign_in(page, email)
    page.goto("/rolls/new")
    page.get_by_label("Printed for").select_option(label=f"Gạo ST25 túi 5 kg, GTIN {THERMAL_GTIN}")
    page.get_by_label("How many codes").fill("3")
    page.get_by_role("button", name="Create the roll").click()
    expect(page.get_by_role("status").last).to_contain_text("phones read them")

    page.get_by_label("Thermal roll, 40 × 25 mm").check()
    page.get_by_label("TSPL job for a thermal printer").check()
    page.get_by_role("button", name="Check these labels").click()
    check = page.locator(".print-page__check")
    expect(check).to_contain_text("QR codes too small for phones")
    expect(check).to_contain_text("Choose Thermal roll, 50 × 30 mm (roll-50x30) instead.")
    shot(page, "thermal-check")

    page.get_by_label("Thermal roll, 50 × 30 mm").check()
    page.get_by_label("A4 sheet, 3 × 8 stickers").check()
    page.get_by_role("button", name="Download").click()  # a sheet for a thermal printer
    expect(page.get_by_role("alert")).to_contain_text("TSPL and ZPL are for thermal label")
    page.get_by_label("Thermal roll, 50 × 30 mm").check()
    page.get_by_label("300 dpi (12 dots/mm)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"cuon-{THERMAL_GTIN}-R0001.tspl"
    with open(download.path(), "rb") as job:
        texts = [text for label in parse_tspl(job.read()).labels for text in qr_texts(label.image)]
    stored = [text for text in codes_of_roll(live_server) if f"/01/{THERMAL_GTIN}/" in text]
    assert len(stored) == 3
    assert texts == stored
