"""The print page in a real browser on a phone, JavaScript off: preview, then download.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``printing-*.png``).
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app, new_staff, records_for, sign_in
from tests.labels.thermal import qr_texts, render_zpl
from trace.batches.services.batches import create_batch
from trace.db import db
from trace.registry.models import FarmingArea, Product

pytestmark = pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=False)


def registered_batch(live_server: LiveServer, cooperative_id: int) -> int:
    product_name, area_code = records_for(live_server, cooperative_id)

    def make() -> int:
        product = db.session.scalars(
            select(Product).where(
                Product.name == product_name, Product.cooperative_id == cooperative_id
            )
        ).one()
        product.ocop_stars = 4
        area = db.session.scalars(select(FarmingArea).where(FarmingArea.code == area_code)).one()
        values = {
            "cooperative_id": cooperative_id,
            "product_id": product.id,
            "farming_area_ids": [area.id],
            "harvested_on": date(2026, 11, 18),
            "packed_on": date(2026, 11, 19),
        }
        return create_batch(db.session, None, values).id

    return int(in_app(live_server, make))


def decoded(png: bytes) -> list[str]:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return [found.text for found in zxingcpp.read_barcodes(image)]


def test_staff_preview_a_roll_then_download_serialised_labels(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Gạo Trần Đề In Tem")
    batch_id = registered_batch(live_server, cooperative_id)
    sign_in(page, email)
    page.goto(f"/batches/{batch_id}")
    page.get_by_role("link", name="In tem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In tem")
    preview = page.get_by_role("img", name="Tờ đầu tiên như khi in ra")
    expect(preview).to_be_visible()
    page.wait_for_load_state("load")  # images included
    assert page.evaluate("document.querySelector('figure img').naturalWidth") > 0

    page.get_by_label("Cuộn tem nhiệt 50 × 30 mm").check()
    page.get_by_label("Số lượng tem").fill("3")
    page.get_by_role("button", name="Xem trước").click()
    expect(preview).to_be_visible()
    source = preview.get_attribute("src") or ""
    assert "layout=roll-50x30" in source
    image = page.request.get(source)
    assert image.ok
    assert image.headers["content-type"] == "image/png"
    [code] = decoded(image.body())
    assert re.search(r"/b/[^/?]+\?17=\d{6}&k=", code)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "printing-form-360.png"), full_page=True)

    page.get_by_label("Mỗi sản phẩm một mã (có số sê-ri)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-serial.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.viewport_size == PHONE


def test_without_javascript_the_custom_sizes_wait_in_a_closed_box_and_small_codes_are_named(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Tôm Cà Mau In Tem")
    batch_id = registered_batch(live_server, cooperative_id)
    sign_in(page, email)
    page.goto(f"/batches/{batch_id}/labels")
    expect(
        page.get_by_text("In đúng kích thước thực / 100%, không chọn “Vừa trang”")
    ).to_be_visible()
    width = page.get_by_label("Chiều rộng tem (mm)")
    expect(width).to_be_hidden()
    page.locator("#custom-size > summary").click()
    expect(width).to_be_visible()

    page.get_by_label("Cuộn tem nhiệt 40 × 25 mm").check()
    page.get_by_role("button", name="Xem trước").click()
    check = page.locator(".print-page__check")
    expect(check).to_contain_text("Mã QR quá nhỏ để điện thoại quét")
    expect(check).to_contain_text("roll-50x30")
    expect(page.get_by_label("Chiều rộng tem (mm)")).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "printing-small-codes-360.png"), full_page=True)


@pytest.mark.browser_context_args(locale="vi-VN", java_script_enabled=True)
def test_with_javascript_the_custom_sizes_show_only_for_the_custom_layout(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Mật Ong U Minh In Tem")
    batch_id = registered_batch(live_server, cooperative_id)
    sign_in(page, email)
    page.goto(f"/batches/{batch_id}/labels")
    sizes = page.locator("#custom-size")
    expect(sizes).to_be_hidden()
    page.get_by_label("Kích thước tự chọn").check()
    expect(sizes).to_be_visible()
    expect(page.get_by_label("Chiều rộng tem (mm)")).to_be_visible()
    page.get_by_label("Cuộn tem nhiệt 50 × 30 mm").check()
    expect(sizes).to_be_hidden()


def test_staff_download_a_zpl_job_for_a_300_dpi_zebra_printer(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    email, cooperative_id = new_staff(live_server, "HTX Gạo Trần Đề In Nhiệt")
    batch_id = registered_batch(live_server, cooperative_id)
    sign_in(page, email)
    page.goto(f"/batches/{batch_id}/labels")
    page.get_by_label("Lệnh in ZPL cho máy in tem nhiệt Zebra").check()
    page.get_by_role("button", name="Tải về").click()  # still an A4 sheet: refused, said why
    expect(page.get_by_text("TSPL và ZPL dành cho máy in tem nhiệt").first).to_be_visible()

    page.get_by_label("Cuộn tem nhiệt 40 × 25 mm").check()
    page.get_by_label("Số lượng tem").fill("2")
    page.get_by_label("Mỗi sản phẩm một mã (có số sê-ri)").check()
    page.get_by_label("300 dpi (12 điểm/mm)").check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "printing-thermal-360.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-serial.zpl")
    with open(download.path(), "rb") as job:
        images = render_zpl(job.read(), 40, 25, 300)
    texts = [text for image in images for text in qr_texts(image)]
    assert len(set(texts)) == 2
    assert all(re.search(r"/b/[^/?]+/[A-Z0-9]+\?", text) for text in texts)
    assert page.viewport_size == PHONE
