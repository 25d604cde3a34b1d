"""A GS1 resolver walks up: a label URL naming a lot this site does not know, under a GTIN
it does, shows the product on a cheap phone (360 x 740), JavaScript off, saying the lot is
not registered here, never a verdict, with the box to type the lot printed on the package.

Screenshots go to ``TRACE_SCREENSHOT_DIR`` (``public-walk-up.png``).
"""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, in_app
from tests.browser.test_public_page import path_of, registered, shot
from trace.batches.models import Batch
from trace.db import db
from trace.registry.models import Product

GTIN = "08934567000109"  # a GTIN of its own: the live server's database is shared


def test_an_unknown_lot_under_a_known_gtin_shows_the_product(
    browser, live_server: LiveServer
) -> None:
    label = registered(live_server, "HTX Đi lên Mỹ Xuyên")
    batch_code = path_of(label["batch"]).split("?")[0].removeprefix("/b/")

    def give_the_product_a_gtin() -> str:
        batch = db.session.scalars(select(Batch).where(Batch.code == batch_code)).one()
        product = db.session.get(Product, batch.product_id)
        assert product is not None
        product.gtin = GTIN
        db.session.commit()
        return batch.lot

    lot = in_app(live_server, give_the_product_a_gtin)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    # Typed in, without a query: redirected to the same URL's page in the phone's language.
    response = page.goto(f"/01/{GTIN}/10/KHONG-CO-LO")
    assert response is not None
    assert response.status == 200
    assert page.url == f"{live_server.url}/01/{GTIN}/10/KHONG-CO-LO?lang=vi"
    expect(page.get_by_text("không có lô nào mang số lô KHONG-CO-LO")).to_be_visible()
    expect(page.get_by_text("Tem thật")).to_have_count(0)
    box = page.get_by_label("Số lô in cạnh mã vạch")
    expect(box).to_be_visible()
    bounds = box.bounding_box()
    assert bounds is not None
    assert bounds["x"] + bounds["width"] <= PHONE["width"]
    shot(page, "walk-up")

    box.fill(lot)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gạo ST25")
    context.close()
