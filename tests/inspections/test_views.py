"""Inspection pages: the form (CSRF, photos, refusals), the list per role, CSV and report."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.factories import make_batch, make_product
from tests.registry.test_views_common import (
    assert_shows_error,
    control,
    field_errors,
    sign_in,
    submit,
    text_of,
)
from trace.inspections.models import Inspection, InspectionOutcome
from trace.inspections.services import record_inspection
from trace.uploads.models import UploadPurpose

NEW = "/inspections/new?lang=en"
PLACE = "Chợ Sóc Trăng, sạp 12"


def form_data(code: str, **changes):
    return {
        "code": code,
        "inspected_at": "2026-11-24T09:30",
        "place": PLACE,
        "province": "92",
        "commune_code": "31507",
        "outcome": "non_conforming",
        "notes": "Nhãn mờ, hết hạn.",
        **changes,
    }


def inspection_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Inspection)) or 0


def photo_file(name: str = "nhan.jpg") -> tuple[io.BytesIO, str]:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(output, "JPEG")
    output.seek(0)
    return output, name


def test_the_form_works_on_a_phone_without_javascript(client, tenants):
    sign_in(client, tenants.inspector)
    response = client.get(NEW)
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert 'name="csrf_token"' in markup
    assert "<script" not in markup
    assert control(response, "inspected_at")["type"] == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", control(response, "inspected_at")["value"])
    assert control(response, "photos")["type"] == "file"
    assert control(response, "outcome")["type"] == "radio"
    assert 'enctype="multipart/form-data"' in markup
    assert "Suspected counterfeit" in text_of(response)


def test_an_inspector_records_an_inspection_from_a_pasted_code_with_a_photo(
    client, session, tenants, labelled
):
    sign_in(client, tenants.inspector)
    response = submit(client, NEW, form_data(labelled.code.text, photos=[photo_file()]))
    assert response.status_code == 302, text_of(response)
    inspection = session.scalar(select(Inspection))
    assert response.headers["Location"] == f"/inspections/{inspection.id}"
    assert inspection.batch_id == labelled.batch.id
    assert inspection.inspected_at == datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
    assert (inspection.place, inspection.commune_code) == (PLACE, "31507")
    assert inspection.outcome is InspectionOutcome.NON_CONFORMING
    [photo] = inspection.photos
    assert (photo.purpose, photo.cooperative_id) == (
        UploadPurpose.EVENT_PHOTO,
        tenants.cooperative_a.id,
    )
    page = client.get(f"/inspections/{inspection.id}?lang=en")
    assert "Inspection of batch" in text_of(page)
    assert f'src="/files/{photo.storage_key}"' in page.get_data(as_text=True)
    assert "Non-conforming" in text_of(page)
    assert "Phường Sóc Trăng" in text_of(page)
    # The cooperative reads it, and may open the photo.
    sign_in(client, tenants.staff_a)
    fetched = client.get(f"/files/{photo.storage_key}")
    fetched.close()
    assert fetched.status_code == 200


def test_a_form_without_its_csrf_token_stores_nothing(client, session, tenants, labelled):
    sign_in(client, tenants.inspector)
    response = client.post(NEW, data=form_data(labelled.code.text))
    assert response.status_code == 400
    assert inspection_count(session) == 0


def test_bad_input_shows_each_message_at_its_field_and_stores_nothing(
    client, session, tenants, labelled
):
    sign_in(client, tenants.inspector)
    response = submit(
        client,
        NEW,
        form_data(
            "http://127.0.0.1:5000/b/NO-SUCH-LOT", place="", outcome="", photos=[photo_file()]
        ),
    )
    assert response.status_code == 422
    assert_shows_error(response, "code", "No batch on the platform has this code")
    assert_shows_error(response, "place", "Enter the market, shop or address")
    assert "Choose what you found." in field_errors(response, "outcome")
    assert "choose it again" in text_of(response)
    assert inspection_count(session) == 0


def test_a_refused_photo_is_named_and_nothing_is_stored(client, session, tenants, labelled):
    sign_in(client, tenants.inspector)
    not_an_image = (io.BytesIO(b"%PDF-1.4 not a photo"), "bien-ban.pdf")
    response = submit(client, NEW, form_data(labelled.code.text, photos=[not_an_image]))
    assert response.status_code == 422
    assert "bien-ban.pdf: Choose a JPEG, PNG or WebP image." in field_errors(response, "photos")
    assert inspection_count(session) == 0


def test_the_form_opened_for_a_batch_needs_no_code(client, session, tenants, labelled):
    sign_in(client, tenants.operator)
    path = f"/inspections/new?batch={labelled.batch.id}&lang=en"
    page = client.get(path)
    assert labelled.batch.code in text_of(page)
    assert control(page, "batch_id")["value"] == str(labelled.batch.id)
    response = submit(client, path, form_data("", batch_id=str(labelled.batch.id)))
    assert response.status_code == 302, text_of(response)
    assert session.scalar(select(Inspection)).batch_id == labelled.batch.id


def test_showing_a_provinces_communes_saves_nothing(client, session, tenants, labelled):
    sign_in(client, tenants.inspector)
    response = submit(
        client,
        NEW,
        form_data(labelled.code.text, province="19", commune_code="", show_communes="1"),
    )
    assert response.status_code == 200
    assert "Xã Đại Từ" in response.get_data(as_text=True)
    assert control(response, "place")["value"] == PLACE
    assert inspection_count(session) == 0


@pytest.mark.parametrize("caller", ["staff_a", "officer_a"])
def test_only_inspectors_and_operators_open_the_form(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    assert client.get(NEW).status_code == 403


@pytest.fixture
def recorded(session, tenants, labelled):
    """One inspection of A's batch (a name to escape in its place), one of a batch of B."""
    product_b = make_product(session, tenants.cooperative_b, name="Chè Tân Cương")
    batch_b = make_batch(session, product_b)
    of_a = record_inspection(
        session,
        tenants.inspector,
        {"code": labelled.code.text, "place": "Chợ <b>Bến Thành</b>", "outcome": "conforming"},
    )
    of_b = record_inspection(
        session,
        tenants.operator,
        {"batch_id": batch_b.id, "place": "Chợ Thái", "outcome": "suspected_counterfeit"},
    )
    return of_a, of_b


@pytest.mark.parametrize(
    ("caller", "sees_a", "sees_b"),
    [
        ("inspector", True, True),
        ("operator", True, True),
        ("staff_a", True, False),
        ("staff_b", False, True),
    ],
)
def test_the_list_shows_each_role_what_it_may_read(
    client, tenants, recorded, caller, sees_a, sees_b
):
    of_a, of_b = recorded
    sign_in(client, tenants.user(caller))
    response = client.get("/inspections?lang=en")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert (f'href="/inspections/{of_a.id}"' in markup) is sees_a
    assert (f'href="/inspections/{of_b.id}"' in markup) is sees_b
    if sees_a:
        assert "Chợ &lt;b&gt;Bến Thành&lt;/b&gt;" in markup
    can_record = caller in ("inspector", "operator")
    assert ('href="/inspections/new"' in markup) is can_record


def test_commune_officers_read_no_inspection(client, tenants, recorded):
    sign_in(client, tenants.officer_a)
    for path in ("/inspections", "/inspections.csv", "/inspections/report"):
        assert client.get(path).status_code == 403
    assert client.get(f"/inspections/{recorded[0].id}").status_code == 403


def test_another_cooperatives_inspection_is_not_found(client, tenants, recorded):
    sign_in(client, tenants.staff_b)
    assert client.get(f"/inspections/{recorded[0].id}").status_code == 404


def test_the_list_filters_and_forgives_odd_values(client, tenants, recorded):
    of_a, of_b = recorded
    sign_in(client, tenants.inspector)
    markup = client.get("/inspections?outcome=suspected_counterfeit").get_data(as_text=True)
    assert f'href="/inspections/{of_b.id}"' in markup
    assert f'href="/inspections/{of_a.id}"' not in markup
    by_cooperative = client.get(f"/inspections?cooperative={tenants.cooperative_a.id}")
    assert f'href="/inspections/{of_b.id}"' not in by_cooperative.get_data(as_text=True)
    assert "No inspection matches these filters." in text_of(
        client.get("/inspections?date_from=2099-01-01&lang=en")
    )
    for query in (
        "?page=abc",
        "?page=0",
        "?page=99999999999",
        "?cooperative=x",
        "?outcome=%00",
        "?date_from=31/12/2026",
        "?date_to=" + "9" * 50,
    ):
        assert client.get("/inspections" + query).status_code == 200, query


def csv_rows(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_csv_holds_the_rows_the_caller_may_read(client, tenants, labelled, recorded):
    sign_in(client, tenants.inspector)
    response = client.get("/inspections.csv?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="inspections-')
    rows = csv_rows(response)
    assert [row["Outcome"] for row in rows] == ["Suspected counterfeit", "Conforming"]
    assert rows[1]["Place"] == "Chợ <b>Bến Thành</b>"
    assert rows[1]["Batch code"] == labelled.batch.code
    assert rows[1]["Inspector"] == tenants.inspector.email
    assert rows[0]["Product"] == "Chè Tân Cương"
    sign_in(client, tenants.staff_a)
    assert [row["Batch code"] for row in csv_rows(client.get("/inspections.csv?lang=en"))] == [
        labelled.batch.code
    ]
    sign_in(client, tenants.inspector)
    only_b = csv_rows(client.get("/inspections.csv?lang=en&outcome=suspected_counterfeit"))
    assert [row["Place"] for row in only_b] == ["Chợ Thái"]


def test_the_report_prints_its_filters_rows_and_totals(client, tenants, recorded):
    sign_in(client, tenants.inspector)
    response = client.get(f"/inspections/report?lang=en&cooperative={tenants.cooperative_a.id}")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert 'href="/static/css/print-document.css"' in markup
    assert 'href="/static/css/inspection-report.css"' in markup
    assert "<script" not in markup
    assert "style=" not in markup
    text = text_of(response)
    assert "Inspection report" in text
    assert f"Cooperative {tenants.cooperative_a.name}" in text
    assert "Outcome All outcomes" in text
    assert "Conforming 1 Non-conforming 0 Suspected counterfeit 0 All inspections 1" in text
    assert "Chợ &lt;b&gt;Bến Thành&lt;/b&gt;" in markup
    assert "Chợ Thái" not in text


def test_a_cooperatives_report_names_the_cooperative(client, tenants, recorded):
    sign_in(client, tenants.staff_b)
    text = text_of(client.get("/inspections/report?lang=en&outcome=suspected_counterfeit"))
    assert f"Cooperative {tenants.cooperative_b.name}" in text
    assert "Outcome Suspected counterfeit" in text
    assert "All inspections 1" in text


def test_a_place_that_names_its_commune_is_shown_without_repeating_it(
    client, session, tenants, labelled
):
    inspection = record_inspection(
        session,
        tenants.inspector,
        {
            "code": labelled.code.text,
            "place": "Chợ Sóc Trăng, sạp 12, phường Sóc Trăng",
            "commune_code": "31507",  # Phường Sóc Trăng, Thành phố Cần Thơ
            "outcome": "conforming",
        },
    )
    session.commit()
    sign_in(client, tenants.inspector)
    for path in (f"/inspections/{inspection.id}?lang=en", "/inspections/report?lang=en"):
        text = text_of(client.get(path))
        assert "Chợ Sóc Trăng, sạp 12 Phường Sóc Trăng, Thành phố Cần Thơ" in text, path
        assert "phường Sóc Trăng" not in text, path
