"""Farming area pages: province then commune, the offline map, messages, who may do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import DAI_TU, SOC_TRANG, make_farming_area
from tests.registry.test_views_common import (
    OTHER_TENANT,
    READ_ONLY,
    assert_shows_error,
    control,
    field_errors,
    selected_value,
    sign_in,
    submit,
    text_of,
)
from trace.registry.models import FarmingArea, FarmingAreaKind, FarmingAreaStatus

GOOD = {
    "name": "Ao nuôi tôm ấp 3",
    "kind": "aquaculture",
    "code": "vn-ct-0042",
    "province": "92",
    "commune_code": SOC_TRANG,
    "latitude": "9,6031",
    "longitude": "105.9742",
    "crops": "Tôm thẻ chân trắng",
    "area_hectares": "2,5",
}


def area_count(session) -> int:
    return session.scalar(select(func.count()).select_from(FarmingArea))


@pytest.mark.parametrize("caller", ["operator", "staff_a", "inspector", "officer_a"])
def test_list_and_page_render_for_every_role_that_may_read(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    area = tenants.farming_area_a
    listing = client.get("/farming-areas?lang=en")
    assert listing.status_code == 200
    assert area.code in text_of(listing)
    assert "Phường Sóc Trăng, Thành phố Cần Thơ" in text_of(listing)
    assert client.get(f"/farming-areas/{area.id}").status_code == 200


def test_page_shows_the_area_in_plain_words_with_an_offline_map(client, session, tenants):
    ring = [[105.974, 9.603], [105.978, 9.603], [105.979, 9.607], [105.974, 9.603]]
    area = make_farming_area(
        session,
        tenants.cooperative_a,
        kind=FarmingAreaKind.AQUACULTURE,
        polygon={"type": "Polygon", "coordinates": [ring]},
        area_hectares=Decimal("12.50"),
        crops="Tôm sú",
        status=FarmingAreaStatus.SUSPENDED,
        valid_from=date(2025, 1, 1),
        valid_to=date(2027, 12, 31),
    )
    sign_in(client, tenants.staff_a)
    response = client.get(f"/farming-areas/{area.id}?lang=en")
    text = text_of(response)
    for expected in (
        "Aquaculture area (shrimp, fish)",
        area.code,
        "Phường Sóc Trăng, Thành phố Cần Thơ",
        "Tôm sú",
        "12.5 ha",  # the English decimal point
        "Suspended",
        "Latitude 9.603, longitude 105.974",
        "Outline: about",
    ):
        assert expected in text
    markup = response.get_data(as_text=True)
    assert markup.count('<svg class="locator"') == 1
    assert markup.count('<svg class="sketch"') == 1
    assert (
        'href="https://www.openstreetmap.org/?mlat=9.603000&amp;mlon=105.974000'
        '#map=15/9.603000/105.974000"' in markup
    )
    # Nothing on the page is loaded from another host: only the link points away.
    assert "<img" not in markup.split("<main")[1].split("</main>")[0]


def test_new_form_starts_at_the_cooperatives_commune(client, tenants):
    sign_in(client, tenants.staff_a)
    response = client.get("/farming-areas/new?lang=en")
    assert selected_value(response, "province") == "92"
    assert selected_value(response, "commune_code") == SOC_TRANG
    markup = response.get_data(as_text=True)
    assert "Phường Sóc Trăng" in markup
    assert "Xã Đại Từ" not in markup  # only the chosen province's communes are listed
    assert csrf_token_from(markup)
    for name in ("latitude", "longitude", "area_hectares"):
        assert control(response, name)["inputmode"] == "decimal"
    assert control(response, "kind")["type"] == "radio"


def test_choosing_another_province_lists_its_communes_and_keeps_what_was_typed(
    client, session, tenants
):
    before = area_count(session)
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/farming-areas/new?lang=en",
        {**GOOD, "province": "19", "show_communes": "Show its communes"},
    )
    assert response.status_code == 200
    assert area_count(session) == before
    assert selected_value(response, "province") == "19"
    assert not selected_value(response, "commune_code")  # Sóc Trăng is not in Thái Nguyên
    assert "Xã Đại Từ" in response.get_data(as_text=True)
    assert control(response, "name")["value"] == GOOD["name"]
    assert control(response, "latitude")["value"] == GOOD["latitude"]
    assert "Please check the form" not in text_of(response)


def test_staff_add_a_farming_area(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(client, "/farming-areas/new?lang=en", GOOD)
    assert response.status_code == 302
    area = session.scalar(select(FarmingArea).where(FarmingArea.code == "VN-CT-0042"))
    assert area is not None
    assert area.cooperative_id == tenants.cooperative_a.id
    assert area.kind is FarmingAreaKind.AQUACULTURE
    assert area.latitude == Decimal("9.603100")
    assert area.area_hectares == Decimal("2.50")
    assert area.status is FarmingAreaStatus.ACTIVE
    assert area.polygon is None
    assert response.headers["Location"] == f"/farming-areas/{area.id}"


def test_an_outline_is_saved_from_corners(client, session, tenants):
    sign_in(client, tenants.staff_a)
    outline = "9.603, 105.974\n9.603, 105.978\n9.607, 105.979"
    response = submit(client, "/farming-areas/new", {**GOOD, "outline": outline})
    assert response.status_code == 302
    area = session.scalar(select(FarmingArea).where(FarmingArea.code == "VN-CT-0042"))
    assert area.polygon["coordinates"][0][0] == area.polygon["coordinates"][0][-1]
    assert len(area.polygon["coordinates"][0]) == 4


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, session, tenants):
    before = area_count(session)
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/farming-areas/new?lang=en",
        {
            **GOOD,
            "name": "",
            "code": tenants.farming_area_a.code,
            "latitude": "abc",
            "longitude": "150",
            "area_hectares": "-3",
            "valid_from": "2026-05-01",
            "valid_to": "2026-01-01",
            "outline": "the north corner",
        },
    )
    assert response.status_code == 422
    assert_shows_error(response, "name", "This field is required.")
    assert_shows_error(response, "code", "This planting-area code is already registered.")
    assert_shows_error(response, "latitude", "Enter a number, such as 9.6031.")
    assert_shows_error(response, "longitude", "This place is outside Vietnam.")
    assert_shows_error(response, "area_hectares", "Enter the area in hectares, such as 12.5.")
    assert_shows_error(response, "valid_to", "The end date is before the start date.")
    assert_shows_error(response, "outline", "Write 3 or more corners")
    assert 'class="more" open' in response.get_data(as_text=True)
    assert control(response, "latitude")["value"] == "abc"
    assert area_count(session) == before


def test_a_commune_of_another_province_is_refused(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(
        client, "/farming-areas/new?lang=en", {**GOOD, "province": "92", "commune_code": DAI_TU}
    )
    assert response.status_code == 422
    assert "Choose a commune of the province you chose." in field_errors(response, "commune_code")


def test_a_code_not_as_issued_is_refused_at_the_code(client, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(client, "/farming-areas/new?lang=en", {**GOOD, "code": "mã ??"})
    assert response.status_code == 422
    assert_shows_error(response, "code", "Enter the code as issued")


def test_enter_in_a_text_box_saves_rather_than_reloading_communes(client, tenants):
    sign_in(client, tenants.staff_a)
    markup = client.get("/farming-areas/new").get_data(as_text=True)
    form = markup.split('<form class="card registry-form"')[1]
    first_button = form.split("<button", 1)[1]
    assert 'class="default-submit"' in first_button.split(">", 1)[0]
    assert form.index("default-submit") < form.index('name="show_communes"')


def test_edit_shows_the_stored_values_as_people_write_them(client, session, tenants):
    ring = [[105.974, 9.603], [105.978, 9.603], [105.979, 9.607], [105.974, 9.603]]
    area = make_farming_area(
        session,
        tenants.cooperative_a,
        polygon={"type": "Polygon", "coordinates": [ring]},
        area_hectares=Decimal("12.50"),
        valid_to=date(2027, 12, 31),
    )
    sign_in(client, tenants.staff_a)
    page = client.get(f"/farming-areas/{area.id}/edit")
    assert control(page, "latitude")["value"] == "9.603"
    assert control(page, "area_hectares")["value"] == "12.5"
    assert control(page, "valid_to")["value"] == "2027-12-31"
    assert selected_value(page, "commune_code") == SOC_TRANG
    assert "9.607, 105.979" in page.get_data(as_text=True)
    response = submit(
        client,
        f"/farming-areas/{area.id}/edit",
        {**GOOD, "code": area.code, "name": "Cánh đồng mới", "outline": ""},
    )
    assert response.status_code == 302
    session.refresh(area)
    assert area.name == "Cánh đồng mới"
    assert area.polygon is None


def test_edit_cannot_empty_required_fields(client, session, tenants):
    area = tenants.farming_area_a
    sign_in(client, tenants.staff_a)
    response = submit(
        client, f"/farming-areas/{area.id}/edit?lang=en", {**GOOD, "code": area.code, "name": ""}
    )
    assert response.status_code == 422
    assert_shows_error(response, "name", "This field is required.")
    session.refresh(area)
    assert area.name


def test_operator_chooses_the_cooperative_and_the_place(client, session, tenants):
    sign_in(client, tenants.operator)
    page = client.get("/farming-areas/new")
    assert not selected_value(page, "province")
    page = client.get(f"/farming-areas/new?cooperative={tenants.cooperative_b.id}")
    assert selected_value(page, "province") == "19"
    assert selected_value(page, "commune_code") == DAI_TU
    response = submit(
        client,
        "/farming-areas/new",
        {
            **GOOD,
            "cooperative_id": str(tenants.cooperative_b.id),
            "province": "19",
            "commune_code": DAI_TU,
            "latitude": "21.63",
            "longitude": "105.63",
        },
    )
    assert response.status_code == 302
    area = session.scalar(select(FarmingArea).where(FarmingArea.code == "VN-CT-0042"))
    assert (area.cooperative_id, area.commune_code) == (tenants.cooperative_b.id, DAI_TU)


def test_archive_hides_the_area(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(client, f"/farming-areas/{tenants.farming_area_a.id}/archive", {})
    assert response.status_code == 302
    session.refresh(tenants.farming_area_a)
    assert tenants.farming_area_a.archived_at is not None


def test_text_people_typed_is_escaped(client, session, tenants):
    area = make_farming_area(session, tenants.cooperative_a, name="<script>x()</script>")
    sign_in(client, tenants.staff_a)
    for path in ("/farming-areas", f"/farming-areas/{area.id}", f"/farming-areas/{area.id}/edit"):
        markup = client.get(path).get_data(as_text=True)
        assert "<script>x()" not in markup
        assert "&lt;script&gt;x()" in markup


@pytest.mark.parametrize("caller", READ_ONLY)
@pytest.mark.parametrize(
    "path", ["/farming-areas/new", "/farming-areas/{id}/edit", "/farming-areas/{id}/archive"]
)
def test_read_only_roles_may_not_write(client, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.farming_area_a.id)
    assert client.get(url).status_code == 403
    assert client.post(url, data=GOOD).status_code in (400, 403)


@pytest.mark.parametrize("caller", OTHER_TENANT)
@pytest.mark.parametrize(
    "path", ["/farming-areas/{id}", "/farming-areas/{id}/edit", "/farming-areas/{id}/archive"]
)
def test_another_cooperative_gets_not_found(client, session, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.farming_area_a.id)
    assert client.get(url).status_code == 404
    if path != "/farming-areas/{id}":
        token = csrf_token_from(client.get("/farming-areas/new").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token, **GOOD})
        assert response.status_code == 404
    session.refresh(tenants.farming_area_a)
    assert tenants.farming_area_a.archived_at is None
    assert tenants.farming_area_a.name != GOOD["name"]


def test_officer_of_another_commune_gets_not_found(client, tenants):
    sign_in(client, tenants.officer_b)
    assert client.get(f"/farming-areas/{tenants.farming_area_a.id}").status_code == 404
