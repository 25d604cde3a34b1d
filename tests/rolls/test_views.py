"""The roll pages, activation on the batch's page and through the API, and the public page
of a roll code before and after activation."""

from __future__ import annotations

import re

from sqlalchemy import select

from labels import LAYOUTS
from tests.conftest import csrf_token_from, log_in
from tests.labels.helpers import decode_by_label, pdf_text, rasterise
from tests.rolls.conftest import print_roll, run_roll_job
from trace.auth.services import issue_api_token
from trace.rolls import services
from trace.rolls.activation import activate_range
from trace.rolls.models import Roll, RollCode


def signed_in(client, user):
    log_in(client, user.email)
    return client


def post_form(client, page_path, path, data):
    token = csrf_token_from(client.get(page_path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_staff_print_a_roll_and_download_its_file_again(client, session, world, tmp_path):
    staff = world.tenants.staff_a
    signed_in(client, staff)
    page = client.get("/rolls/new").get_data(as_text=True)
    assert f'value="product:{world.gtin_product.id}"' in page
    assert f'value="prefix:{world.tenants.cooperative_a.id}"' in page
    assert f"prefix:{world.tenants.cooperative_b.id}" not in page
    answer = post_form(
        client,
        "/rolls/new",
        "/rolls/new",
        {"target": f"product:{world.gtin_product.id}", "count": "30", "layout": "a4-3x8"},
    )
    assert answer.status_code == 303
    roll = session.scalars(select(Roll)).one()
    assert answer.headers["Location"].endswith(f"/rolls/{roll.id}?layout=a4-3x8")
    detail = client.get(f"/rolls/{roll.id}").get_data(as_text=True)
    assert "R0001-00001" in detail
    assert "R0001-00030" in detail
    download = {"layout": "a4-3x8"}
    first = post_form(client, f"/rolls/{roll.id}", f"/rolls/{roll.id}/labels", download)
    again = post_form(client, f"/rolls/{roll.id}", f"/rolls/{roll.id}/labels", download)
    assert first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    # A full sticker sheet leaves no room for the 50 mm bar: the calibration page comes first.
    assert "50 mm" in pdf_text(first.data, tmp_path, page=1)
    sheet = LAYOUTS["a4-3x8"]
    page_two = decode_by_label(rasterise(first.data, tmp_path, 300, page=2), sheet, 300)
    texts = [code.text for code in services.roll_codes(session, roll)]
    assert page_two == texts[:24]
    page_three = decode_by_label(rasterise(first.data, tmp_path, 300, page=3), sheet, 300)
    assert page_three[:6] == texts[24:]
    assert len(session.scalars(select(RollCode)).all()) == 30  # a download issues nothing
    assert again.status_code == 200
    listed = client.get("/rolls").get_data(as_text=True)
    assert f"/rolls/{roll.id}" in listed


def test_a_bad_roll_request_names_its_fields_and_stores_nothing(client, session, world):
    signed_in(client, world.tenants.staff_a)
    answer = post_form(client, "/rolls/new", "/rolls/new", {"target": "", "count": "0"})
    assert answer.status_code == 422
    assert 'class="field field--invalid"' in answer.get_data(as_text=True)
    assert session.scalars(select(Roll)).all() == []


def test_another_cooperative_sees_no_roll_and_cannot_activate(client, session, world):
    roll = print_roll(session, world.tenants.staff_a, f"prefix:{world.tenants.cooperative_a.id}")
    session.commit()
    signed_in(client, world.tenants.staff_b)
    assert client.get(f"/rolls/{roll.id}").status_code == 404
    labels = post_form(client, "/rolls", f"/rolls/{roll.id}/labels", {"layout": "a4-3x8"})
    assert labels.status_code == 404
    assert f'/rolls/{roll.id}"' not in client.get("/rolls").get_data(as_text=True)
    answer = post_form(
        client,
        "/rolls/new",
        f"/batches/{world.plain_batch.id}/activate",
        {"first": "R0001-00001", "last": "R0001-00002"},
    )
    assert answer.status_code == 404
    assert (
        session.scalars(select(RollCode.batch_id).where(RollCode.batch_id.is_not(None))).all() == []
    )


def test_a_clerk_activates_a_range_on_the_batch_page_once(client, session, world):
    staff = world.tenants.staff_a
    roll = print_roll(session, staff, f"product:{world.gtin_product.id}", 10)
    last_code = services.roll_codes(session, roll)[4].text
    session.commit()
    signed_in(client, staff)
    batch_page = f"/batches/{world.gtin_batch.id}"
    page = client.get(batch_page).get_data(as_text=True)
    assert f'action="/batches/{world.gtin_batch.id}/activate"' in page
    data = {"first": "r0001-00001", "last": last_code}
    done = post_form(client, batch_page, f"/batches/{world.gtin_batch.id}/activate", data)
    assert done.status_code == 303
    shown = client.get(batch_page).get_data(as_text=True)
    assert "Đã kích hoạt 5 mã cho lô này: từ R0001-00001 đến R0001-00005." in shown
    assert "R0001-00001 – R0001-00005" in shown  # the batch's history
    again = post_form(client, batch_page, f"/batches/{world.gtin_batch.id}/activate", data)
    assert again.status_code == 409
    assert "R0001-00001" in again.get_data(as_text=True)
    active = session.scalars(select(RollCode).where(RollCode.batch_id.is_not(None))).all()
    assert len(active) == 5


def test_an_unreadable_range_is_sent_back_with_its_fields(client, session, world):
    signed_in(client, world.tenants.staff_a)
    path = f"/batches/{world.gtin_batch.id}/activate"
    answer = post_form(client, path, path, {"first": "abc", "last": ""})
    assert answer.status_code == 422
    assert answer.get_data(as_text=True).count("field--invalid") == 2


def test_the_api_activates_a_range_once_and_names_what_is_wrong(client, session, world):
    staff = world.tenants.staff_a
    roll = print_roll(session, staff, f"prefix:{world.tenants.cooperative_a.id}", 10)
    first_code = services.roll_codes(session, roll)[0].text
    token = issue_api_token(session, staff)
    other_token = issue_api_token(session, world.tenants.staff_b)
    session.commit()
    url = f"/api/v1/batches/{world.plain_batch.id}/activations"
    auth = {"Authorization": f"Bearer {token}"}
    body = {"first": first_code, "last": "R0001-00003"}
    done = client.post(url, json=body, headers=auth)
    assert (done.status_code, done.get_json()) == (
        201,
        {
            "batch_code": world.plain_batch.code,
            "roll": "R0001",
            "first": "R0001-00001",
            "last": "R0001-00003",
            "count": 3,
        },
    )
    twice = client.post(url, json=body, headers=auth)
    assert twice.status_code == 409
    assert "R0001-00001" in twice.get_json()["message"]
    crossing = client.post(url, json={"first": "R0001-00004", "last": "R0002-00001"}, headers=auth)
    assert crossing.status_code == 422
    assert "last" in str(crossing.get_json())
    assert client.post(url, json={"first": "R0001-00004"}, headers=auth).status_code == 422
    foreign = client.post(url, json=body, headers={"Authorization": f"Bearer {other_token}"})
    assert foreign.status_code == 404
    assert client.post(url, json=body).status_code == 401


def test_the_public_page_of_a_roll_code_says_not_activated_then_shows_its_batch(
    client, session, world
):
    staff = world.tenants.staff_a
    roll = print_roll(session, staff, f"product:{world.gtin_product.id}", 3)
    code = services.roll_codes(session, roll)[0].text
    session.commit()
    path = code.split("://", 1)[1].partition("/")[2]
    before = client.get(f"/{path}", headers={"Accept-Language": "en"})
    text = before.get_data(as_text=True)
    assert before.status_code == 200
    assert "This code is not activated yet" in text
    assert "Genuine" not in text
    assert "Gạo ST25 túi 5 kg" in text
    activate_range(session, staff, world.gtin_batch.id, "R0001-00001", "R0001-00003")
    session.commit()
    after = client.get(f"/{path}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'data-verdict="valid"', after)
    assert world.gtin_batch.lot in after


def test_a_roll_code_typed_in_the_code_box_leads_to_its_page(client, session, world):
    roll = print_roll(session, world.tenants.staff_a, f"product:{world.gtin_product.id}", 1)
    text = services.roll_codes(session, roll)[0].text
    session.commit()
    answer = client.get("/lookup", query_string={"code": text})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(text.split("://", 1)[1].partition("/")[2])


def test_a_large_roll_is_drawn_by_a_job_with_the_same_codes(app, client, session, world, tmp_path):
    app.config["TRACE_JOB_THRESHOLD_LABELS"] = 24
    roll = print_roll(session, world.tenants.staff_a, f"product:{world.gtin_product.id}", 30)
    texts = [code.text for code in services.roll_codes(session, roll)]
    session.commit()
    signed_in(client, world.tenants.staff_a)
    queued = post_form(
        client, f"/rolls/{roll.id}", f"/rolls/{roll.id}/labels", {"layout": "a4-3x8"}
    )
    public_id = run_roll_job(app, session, queued)
    pdf = client.get(f"/jobs/{public_id}/download")
    assert pdf.mimetype == "application/pdf"
    # Page 1 is the calibration page (a full sticker sheet has no room for the bar).
    page_two = decode_by_label(rasterise(pdf.data, tmp_path, 300, page=2), LAYOUTS["a4-3x8"], 300)
    assert page_two == texts[:24]
    assert client.get(f"/jobs/{public_id}", headers={"Accept-Language": "en"}).status_code == 200
