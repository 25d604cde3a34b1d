"""API: /api/v1/batches/<id>/completeness — the Circular 02/2024 checklist of a batch."""

from __future__ import annotations

from datetime import date

from tests.api.registry_helpers import caller
from tests.factories import make_batch, make_event, make_upload
from trace.batches.models import EventType
from trace.batches.services.codes import batch_code

URL = "/api/v1/batches"


def test_a_registered_batch_says_what_it_still_lacks(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    body = {
        "product_id": tenants.product_a.id,
        "farming_area_ids": [tenants.farming_area_a.id],
        "harvested_on": "2026-11-18",
    }
    batch = api.post(URL, body).get_json()
    response = api.get(f"{URL}/{batch['id']}/completeness")
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert (found["batch_id"], found["is_complete"]) == (batch["id"], False)
    assert found["missing"] == [
        "product_image",
        "producer_address",
        "production_step",
        "shelf_life",
        "standards",
    ]
    by_item = {item["item"]: item for item in found["items"]}
    assert len(by_item) == 9
    assert by_item["production_time"] == {
        "item": "production_time",
        "label": "Thời gian sản xuất (ngày thu hoạch hoặc đóng gói)",
        "met": True,
        "action": None,
        "fix_url": None,
    }
    step = by_item["production_step"]
    assert step["met"] is False
    assert step["action"] == "Ghi nhận bước thu hoạch (hoặc chế biến) của lô này."
    assert step["fix_url"] == f"/batches/{batch['id']}/events/new?type=harvest"


def test_a_complete_batch_is_complete(client, session, tenants):
    product, cooperative = tenants.product_a, tenants.cooperative_a
    product.image_upload_id = make_upload(session, cooperative).id
    cooperative.street_address = "Ấp Giồng Chát"
    tenants.certificate_a.products = [product]
    batch = make_batch(
        session, product, harvested_on=date(2026, 11, 18), expires_on=date(2027, 5, 18)
    )
    make_event(session, batch, type=EventType.HARVEST)
    batch_code(session, tenants.staff_a, batch.id)
    found = caller(client, session, tenants.staff_a).get(f"{URL}/{batch.id}/completeness")
    assert found.get_json()["is_complete"] is True
    assert found.get_json()["missing"] == []


def test_another_tenants_batch_is_not_found(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    response = caller(client, session, tenants.staff_b).get(f"{URL}/{batch.id}/completeness")
    assert response.status_code == 404
