"""The Circular 02/2024 checklist on a batch's page, and the warning after a save."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tests.batches.test_views_batches import form_data
from tests.factories import make_batch, make_event, make_upload
from tests.registry.test_views_common import sign_in, submit, text_of
from trace.batches.models import Batch, EventType
from trace.batches.services.codes import batch_code


def checklist(response) -> dict[str, list[str]]:
    """The checklist's items by state ("met" or "missing"), each as its text."""
    markup = response.get_data(as_text=True)
    items: dict[str, list[str]] = {"met": [], "missing": []}
    for state, body in re.findall(
        r'<li class="circular-item circular-item--(met|missing)">(.*?)</li>', markup, re.DOTALL
    ):
        items[state].append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()))
    return items


def fix_links(response) -> list[str]:
    markup = response.get_data(as_text=True)
    return [
        html.unescape(href)
        for body in re.findall(r'<li class="circular-item[^"]*">(.*?)</li>', markup, re.DOTALL)
        for href in re.findall(r'href="([^"]+)"', body)
    ]


def test_a_bare_batch_lists_what_is_missing_with_a_link_to_fix_each(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    sign_in(client, tenants.staff_a)
    page = client.get(f"/batches/{batch.id}?lang=en")
    assert page.status_code == 200
    items = checklist(page)
    assert [text.split(" ", 1)[1] for text in items["met"]] == ["Product name", "Producer name"]
    assert len(items["missing"]) == 7
    assert items["missing"][0] == "Missing Product image Add a photo of the product. Add it"
    assert "7 items are still missing." in text_of(page)
    product, cooperative = tenants.product_a.id, tenants.cooperative_a.id
    assert fix_links(page) == [
        f"/products/{product}/edit",
        f"/cooperatives/{cooperative}/edit",
        f"/batches/{batch.id}/events/new?type=harvest",
        f"/batches/{batch.id}/edit",
        f"/batches/{batch.id}/labels",
        f"/batches/{batch.id}/edit",
        "/certificates/new",
    ]
    # Each link opens a page the cooperative's staff may use.
    for link in fix_links(page):
        assert client.get(link).status_code == 200, link


def test_a_complete_batch_is_ticked_in_vietnamese(client, session, tenants):
    product, cooperative = tenants.product_a, tenants.cooperative_a
    product.image_upload_id = make_upload(session, cooperative).id
    cooperative.street_address = "Ấp Giồng Chát"
    tenants.certificate_a.products = [product]
    batch = make_batch(
        session, product, harvested_on=date(2026, 11, 18), expires_on=date(2027, 5, 18)
    )
    make_event(session, batch, type=EventType.HARVEST)
    batch_code(session, tenants.staff_a, batch.id)
    sign_in(client, tenants.staff_a)
    page = client.get(f"/batches/{batch.id}")
    items = checklist(page)
    assert items["missing"] == []
    assert len(items["met"]) == 9
    assert all(text.startswith("Đã có ") for text in items["met"])
    assert "Đầy đủ: lô hàng đã có mọi thông tin Thông tư yêu cầu." in text_of(page)
    assert "Thông tin lô hàng phải có theo Thông tư 02/2024" in text_of(page)


def test_readers_who_cannot_write_see_what_is_missing_without_links(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    sign_in(client, tenants.inspector)
    page = client.get(f"/batches/{batch.id}?lang=en")
    assert len(checklist(page)["missing"]) == 7
    assert fix_links(page) == []
    assert "Add a photo of the product." in text_of(page)


def test_registering_warns_about_each_missing_item_and_still_saves(client, session, tenants):
    sign_in(client, tenants.staff_a)
    before = session.scalar(select(func.count()).select_from(Batch))
    response = submit(client, "/batches/new", form_data(tenants))
    assert response.status_code == 302
    assert session.scalar(select(func.count()).select_from(Batch)) == before + 1
    page = text_of(client.get(response.headers["Location"]))
    # The batch has its dates and its signed code; the product no photo nor shelf life, the
    # cooperative no street address, no step is recorded and no certificate covers it.
    assert (
        "Lô hàng còn thiếu thông tin theo Thông tư 02/2024: Ảnh sản phẩm; Địa chỉ cơ sở sản "
        "xuất; Công đoạn sản xuất, kinh doanh (đã ghi nhận bước thu hoạch hoặc chế biến); Hạn "
        "sử dụng (ngày hết hạn); Tiêu chuẩn áp dụng (chứng nhận còn hiệu lực vào ngày của lô)."
    ) in page


def test_editing_warns_until_nothing_is_missing(client, session, tenants):
    product, cooperative = tenants.product_a, tenants.cooperative_a
    product.image_upload_id = make_upload(session, cooperative).id
    cooperative.street_address = "Ấp 3"
    tenants.certificate_a.products = [product]
    batch = make_batch(session, product, harvested_on=date(2026, 11, 18))
    make_event(session, batch, type=EventType.HARVEST)
    batch_code(session, tenants.staff_a, batch.id)
    sign_in(client, tenants.staff_a)
    path = f"/batches/{batch.id}/edit?lang=en"
    area = [str(batch.farming_areas[0].id)]
    response = submit(client, path, {"harvested_on": "2026-11-18", "farming_area_ids": area})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert "Still missing for Circular 02/2024: Shelf life (expiry date)." in page

    changes = {"harvested_on": "2026-11-18", "expires_on": "2027-05-18", "farming_area_ids": area}
    response = submit(client, path, changes)
    page = text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert f"Changes to batch {batch.code} saved." in page
    assert "Still missing" not in page


def test_a_certificate_revoked_after_the_harvest_no_longer_counts(client, session, tenants):
    tenants.certificate_a.products = [tenants.product_a]
    tenants.certificate_a.revoked_at = datetime(2026, 11, 20, tzinfo=UTC)
    batch = make_batch(session, tenants.product_a, harvested_on=date(2026, 11, 18))
    sign_in(client, tenants.staff_a)
    missing = checklist(client.get(f"/batches/{batch.id}?lang=en"))["missing"]
    assert any(text.startswith("Missing Standards applied") for text in missing)
