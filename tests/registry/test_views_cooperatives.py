"""Cooperative pages: operators add and archive; staff keep their own up to date."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import DAI_TU, SOC_TRANG, make_cooperative
from tests.registry.test_views_common import (
    assert_shows_error,
    control,
    selected_value,
    sign_in,
    submit,
    text_of,
)
from trace.audit.models import AuditRecord, AuditSubject
from trace.registry.models import Cooperative

GOOD = {
    "name": "HTX Nông nghiệp Đại Từ",
    "tax_code": "4600123459",
    "code_prefix": "daitu",
    "province": "19",
    "commune_code": DAI_TU,
    "street_address": "Tổ dân phố 5",
    "phone": "0208 3824 123",
    "email": "htx@example.vn",
}


def cooperative_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Cooperative))


@pytest.mark.parametrize("caller", ["operator", "inspector"])
def test_roles_reading_everything_list_every_cooperative(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    text = text_of(client.get("/cooperatives?lang=en"))
    assert tenants.cooperative_a.name in text
    assert tenants.cooperative_b.name in text
    assert ("Add a cooperative" in text) is (caller == "operator")


def test_staff_and_officers_list_only_what_they_may_read(client, tenants):
    sign_in(client, tenants.officer_a)
    text = text_of(client.get("/cooperatives"))
    assert tenants.cooperative_a.name in text
    assert tenants.cooperative_b.name not in text
    sign_in(client, tenants.staff_b)
    text = text_of(client.get("/cooperatives"))
    assert tenants.cooperative_b.name in text
    assert tenants.cooperative_a.name not in text


def test_my_cooperative_page_shows_every_field_and_its_records(client, session, tenants):
    cooperative = tenants.cooperative_a
    cooperative.street_address = "Ấp Tân Trung"
    cooperative.phone = "0299 3851 234"
    session.flush()
    sign_in(client, tenants.staff_a)
    response = client.get(f"/cooperatives/{cooperative.id}?lang=en")
    text = text_of(response)
    for expected in (
        "My cooperative",
        cooperative.tax_code,
        cooperative.code_prefix,
        "Phường Sóc Trăng, Thành phố Cần Thơ",
        "Ấp Tân Trung",
        "0299 3851 234",
    ):
        assert expected in text
    markup = response.get_data(as_text=True)
    assert f'href="/products?cooperative={cooperative.id}"' in markup
    assert f'href="/cooperatives/{cooperative.id}/edit"' in markup
    assert f'href="/cooperatives/{cooperative.id}/archive"' not in markup


def test_operator_adds_a_cooperative(client, session, tenants):
    sign_in(client, tenants.operator)
    page = client.get("/cooperatives/new?lang=en")
    assert csrf_token_from(page.get_data(as_text=True))
    assert control(page, "tax_code")["inputmode"] == "numeric"
    assert control(page, "phone")["type"] == "tel"
    response = submit(client, "/cooperatives/new?lang=en", GOOD)
    assert response.status_code == 302
    cooperative = session.scalar(select(Cooperative).where(Cooperative.tax_code == "4600123459"))
    assert cooperative.code_prefix == "DAITU"
    assert cooperative.commune_code == DAI_TU
    assert response.headers["Location"] == f"/cooperatives/{cooperative.id}"


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, session, tenants):
    before = cooperative_count(session)
    sign_in(client, tenants.operator)
    response = submit(
        client,
        "/cooperatives/new?lang=en",
        {
            **GOOD,
            "name": "",
            "tax_code": "4600123450",
            "code_prefix": tenants.cooperative_a.code_prefix,
            "commune_code": "",
            "phone": "call me",
            "email": "not-an-email",
        },
    )
    assert response.status_code == 422
    assert_shows_error(response, "name", "This field is required.")
    assert_shows_error(response, "tax_code", "check digit is wrong")
    assert_shows_error(response, "code_prefix", "Another cooperative already uses this prefix.")
    assert_shows_error(response, "commune_code", "Choose a commune from the official 2025 list.")
    assert_shows_error(response, "phone", "Enter a phone number")
    assert_shows_error(response, "email", "Enter a valid email address.")
    assert control(response, "phone")["value"] == "call me"
    assert cooperative_count(session) == before


def test_staff_change_their_cooperative_but_not_its_tax_code_prefix_or_commune(
    client, session, tenants
):
    cooperative = tenants.cooperative_a
    tax_code, prefix = cooperative.tax_code, cooperative.code_prefix
    sign_in(client, tenants.staff_a)
    page = client.get(f"/cooperatives/{cooperative.id}/edit?lang=en")
    markup = page.get_data(as_text=True)
    for name in ("tax_code", "code_prefix", "province", "commune_code", "show_communes"):
        assert f'name="{name}"' not in markup, name
    assert tax_code in text_of(page)
    assert "Phường Sóc Trăng" in text_of(page)
    assert "the label code prefix and the commune" in text_of(page)
    response = submit(
        client,
        f"/cooperatives/{cooperative.id}/edit",
        {
            "name": "HTX Trần Đề mới",
            "tax_code": "4600123459",
            "code_prefix": "HACK",
            "province": "19",
            "commune_code": DAI_TU,
            "phone": "0299 3851 234",
        },
    )
    assert response.status_code == 302
    session.refresh(cooperative)
    assert cooperative.name == "HTX Trần Đề mới"
    assert (cooperative.tax_code, cooperative.code_prefix) == (tax_code, prefix)
    assert cooperative.commune_code == SOC_TRANG


def test_an_operator_moves_a_cooperative_on_its_form_and_the_move_is_audited(
    client, session, tenants
):
    cooperative = tenants.cooperative_a
    cooperative.tax_code = GOOD["tax_code"]  # the factory's has no valid check digit
    session.flush()
    sign_in(client, tenants.operator)
    path = f"/cooperatives/{cooperative.id}/edit"
    assert selected_value(client.get(path), "commune_code") == SOC_TRANG
    response = submit(
        client,
        path,
        {
            "name": cooperative.name,
            "tax_code": cooperative.tax_code,
            "code_prefix": cooperative.code_prefix,
            "province": "19",
            "commune_code": DAI_TU,
        },
    )
    assert response.status_code == 302
    session.refresh(cooperative)
    assert cooperative.commune_code == DAI_TU
    changes = session.scalars(
        select(AuditRecord.changes).where(
            AuditRecord.subject == AuditSubject.COOPERATIVE,
            AuditRecord.subject_id == cooperative.id,
        )
    ).all()
    assert changes == [{"commune_code": [SOC_TRANG, DAI_TU]}]


def test_changing_the_province_reloads_its_communes(client, tenants):
    sign_in(client, tenants.operator)
    path = f"/cooperatives/{tenants.cooperative_a.id}/edit"
    response = submit(
        client,
        path,
        {"name": "HTX", "province": "19", "commune_code": SOC_TRANG, "show_communes": "1"},
    )
    assert response.status_code == 200
    assert "Xã Đại Từ" in response.get_data(as_text=True)
    assert control(response, "name")["value"] == "HTX"


def test_operator_archives_a_cooperative(client, session, tenants):
    sign_in(client, tenants.operator)
    # The message is worded when it is flashed, so archive in English to read it in English.
    response = submit(client, f"/cooperatives/{tenants.cooperative_b.id}/archive?lang=en", {})
    assert response.status_code == 302
    session.refresh(tenants.cooperative_b)
    assert tenants.cooperative_b.archived_at is not None
    assert "was archived." in text_of(client.get(response.headers["Location"] + "?lang=en"))
    assert tenants.cooperative_b.name not in text_of(client.get("/cooperatives"))


def test_archived_cooperatives_are_not_offered_for_new_records(client, session, tenants):
    archived = make_cooperative(session, name="HTX đã giải thể")
    archived.archived_at = archived.created_at
    session.flush()
    sign_in(client, tenants.operator)
    assert "HTX đã giải thể" not in client.get("/products/new").get_data(as_text=True)


def test_text_people_typed_is_escaped(client, session, tenants):
    cooperative = make_cooperative(session, name="HTX <script>x()</script>")
    sign_in(client, tenants.operator)
    for path in ("/cooperatives", f"/cooperatives/{cooperative.id}"):
        markup = client.get(path).get_data(as_text=True)
        assert "<script>x()" not in markup
        assert "HTX &lt;script&gt;x()" in markup


@pytest.mark.parametrize("caller", ["staff_a", "inspector", "officer_a"])
@pytest.mark.parametrize("path", ["/cooperatives/new", "/cooperatives/{id}/archive"])
def test_only_operators_add_and_archive(client, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.cooperative_a.id)
    assert client.get(url).status_code == 403
    assert client.post(url, data=GOOD).status_code in (400, 403)


@pytest.mark.parametrize("caller", ["inspector", "officer_a"])
def test_read_only_roles_may_not_edit(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    assert client.get(f"/cooperatives/{tenants.cooperative_a.id}/edit").status_code == 403


@pytest.mark.parametrize("path", ["/cooperatives/{id}", "/cooperatives/{id}/edit"])
def test_another_cooperative_gets_not_found(client, session, tenants, path):
    sign_in(client, tenants.staff_b)
    url = path.format(id=tenants.cooperative_a.id)
    assert client.get(url).status_code == 404
    if path.endswith("/edit"):
        token = csrf_token_from(client.get("/products/new").get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token, **GOOD}).status_code == 404
        session.refresh(tenants.cooperative_a)
        assert tenants.cooperative_a.name != GOOD["name"]


def test_officer_of_another_commune_gets_not_found(client, tenants):
    sign_in(client, tenants.officer_b)
    assert client.get(f"/cooperatives/{tenants.cooperative_a.id}").status_code == 404
