"""What the registry pages share: helpers for their tests, navigation, form reading, maps.

The other ``test_views_*`` modules import the helpers at the top of this one.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import csrf_token_from
from trace.auth.models import User
from trace.common.forms import plain_decimal, read_date, read_id, read_ids, read_int
from trace.common.place_choices import commune_choices, commune_in_province, province_choices
from trace.registry.forms.farming_areas import outline_text, read_outline
from trace.registry.views import maps

READ_ONLY = ["inspector", "officer_a"]
OTHER_TENANT = ["staff_b"]


def sign_in(client: Any, user: User) -> None:
    """Sign a user in directly: the sign-in form has tests of its own."""
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = str(user.id)
        browser_session["_fresh"] = True


def text_of(response: Any) -> str:
    markup = response.get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def submit(client: Any, path: str, data: dict[str, Any]) -> Any:
    """Open the form at ``path`` as a person would, then send it with its CSRF token."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def field_errors(response: Any, field_id: str) -> str:
    """The messages shown next to one field (its ``<ul id="...-error">``), as text."""
    markup = response.get_data(as_text=True)
    match = re.search(
        rf'<ul class="field__errors" id="{re.escape(field_id)}-error">(.*?)</ul>', markup, re.S
    )
    if match is None:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def control(response: Any, name: str) -> dict[str, str]:
    """The attributes of the input, select or textarea named ``name``."""
    markup = response.get_data(as_text=True)
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', markup)
    assert match, f"no control named {name}"
    tag = match.group(0)
    attributes = {
        key: html.unescape(value) for key, value in re.findall(r'([\w-]+)="([^"]*)"', tag)
    }
    attributes.update({flag: flag for flag in re.findall(r"\s(checked|selected|disabled)\b", tag)})
    return attributes


def selected_value(response: Any, name: str) -> str | None:
    markup = response.get_data(as_text=True)
    select = re.search(rf'<select\b[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', markup, re.S)
    assert select, f"no select named {name}"
    chosen = re.search(
        r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select.group(1)
    )
    return next((group for group in chosen.groups() if group is not None), None) if chosen else None


def assert_shows_error(response: Any, field_id: str, message: str) -> None:
    """The message sits next to the field, which says it is invalid and points to it."""
    assert message in field_errors(response, field_id), field_errors(response, field_id)
    attributes = control(response, field_id)
    if "type" not in attributes or attributes["type"] not in ("checkbox", "radio"):
        assert attributes.get("aria-invalid") == "true"
        assert f"{field_id}-error" in attributes.get("aria-describedby", "")


# Navigation and the dashboard


@pytest.mark.parametrize("caller", ["operator", "staff_a", "inspector", "officer_a"])
def test_header_links_to_the_records_for_every_signed_in_role(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    markup = client.get("/dashboard?lang=en").get_data(as_text=True)
    nav = re.search(r'<nav class="registry-nav"(.*?)</nav>', markup, re.S)
    assert nav
    for path in ("/products", "/farming-areas", "/certificates"):
        assert f'href="{path}"' in nav.group(1)
    if caller == "staff_a":
        assert f'href="/cooperatives/{tenants.cooperative_a.id}"' in nav.group(1)
        assert "My cooperative" in nav.group(1)
    else:
        assert 'href="/cooperatives"' in nav.group(1)


def test_no_record_links_before_signing_in(client):
    assert "registry-nav" not in client.get("/").get_data(as_text=True)


def test_dashboard_offers_quick_actions_to_those_who_keep_records(client, tenants):
    sign_in(client, tenants.staff_a)
    markup = client.get("/dashboard?lang=en").get_data(as_text=True)
    for path in ("/products/new", "/farming-areas/new", "/certificates/new"):
        assert f'href="{path}"' in markup
    assert 'href="/cooperatives/new"' not in markup
    sign_in(client, tenants.operator)
    assert 'href="/cooperatives/new"' in client.get("/dashboard").get_data(as_text=True)
    sign_in(client, tenants.inspector)
    assert 'href="/products/new"' not in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/products", "/farming-areas", "/certificates", "/cooperatives"])
def test_lists_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/products", "/farming-areas", "/certificates", "/cooperatives"])
def test_lists_forgive_odd_query_values(client, tenants, path):
    sign_in(client, tenants.operator)
    for query in ("?page=abc", "?page=0", "?page=99999999999", "?cooperative=x", "?q=%25_%00"):
        assert client.get(path + query).status_code == 200, query


def test_registry_pages_have_no_inline_script_or_style(client, tenants):
    sign_in(client, tenants.staff_a)
    paths = [
        "/products",
        f"/products/{tenants.product_a.id}",
        "/products/new",
        f"/farming-areas/{tenants.farming_area_a.id}",
        "/farming-areas/new",
        f"/certificates/{tenants.certificate_a.id}",
        "/certificates/new",
        f"/cooperatives/{tenants.cooperative_a.id}/edit",
        f"/products/{tenants.product_a.id}/archive",
    ]
    for path in paths:
        markup = client.get(path).get_data(as_text=True)
        assert "<script" not in markup, path
        assert " style=" not in markup, path
        assert not re.search(r"\son[a-z]+=", markup), path
        assert "http://" not in markup.replace("http://www.w3.org", ""), path


# Reading what people type


def test_reading_typed_values():
    assert read_date("2026-03-01").isoformat() == "2026-03-01"
    assert read_date("01/03/2026") == "01/03/2026"  # left for the service to refuse
    assert read_date("  ") is None
    assert read_int("365") == 365
    assert read_int("12.5") == "12.5"
    assert read_int("99999999999") == "99999999999"
    assert read_id("") is None
    assert read_id("x") == -1
    assert read_ids(["3", "x", "4"]) == [3, -1, 4]
    assert plain_decimal(Decimal("12.50")) == "12.5"
    assert plain_decimal(Decimal("9.603000")) == "9.603"
    assert plain_decimal(Decimal("10")) == "10"
    assert plain_decimal(None) == ""


def test_outline_is_read_from_corners_one_a_line():
    polygon = read_outline("9.603, 105.974\n9.603 105.978\n\n9.607;105.979\n")
    assert polygon == {
        "type": "Polygon",
        "coordinates": [[[105.974, 9.603], [105.978, 9.603], [105.979, 9.607], [105.974, 9.603]]],
    }
    assert outline_text(polygon) == "9.603, 105.974\n9.603, 105.978\n9.607, 105.979"
    assert read_outline("9.603, 105.974\n9.604, 105.975") is None
    assert read_outline("north corner\n1, 2\n3, 4") is None
    assert outline_text(None) == ""


def test_provinces_then_communes():
    provinces = dict(province_choices())
    assert len(provinces) == 34
    assert provinces["92"] == "Thành phố Cần Thơ"
    communes = dict(commune_choices("92"))
    assert communes["31507"] == "Phường Sóc Trăng"
    assert commune_in_province("31507", "92")
    assert not commune_in_province("05830", "92")
    assert commune_choices("99") == ()
    assert commune_choices("abc") == ()


# Maps drawn offline


def test_locator_map_puts_the_pin_where_the_place_is():
    north = maps.locator_map(Decimal("21.6"), Decimal("105.6"))
    south = maps.locator_map(Decimal("9.6"), Decimal("105.9"))
    assert north.view_box == south.view_box
    assert north.pin_y < south.pin_y
    assert north.outline_path.startswith("M")
    assert north.outline_path.endswith("Z")
    island = maps.locator_map(Decimal("8.65"), Decimal("111.9"))
    assert float(island.view_box.split()[2]) > float(north.view_box.split()[2])
    assert 0 < island.pin_x < float(island.view_box.split()[2])


def test_outline_sketch_keeps_the_shape_and_says_the_size():
    ring = [
        [105.974, 9.603],
        [105.978, 9.603],
        [105.978, 9.607],
        [105.974, 9.607],
        [105.974, 9.603],
    ]
    sketch = maps.outline_sketch(
        {"type": "Polygon", "coordinates": [ring]}, Decimal("9.605"), Decimal("105.976")
    )
    assert sketch is not None
    assert sketch.pin_x == sketch.pin_y == 100.0  # the middle of the square
    assert 430 <= sketch.width_metres <= 445  # 0.004 degrees of longitude at 9.6 degrees north
    assert 440 <= sketch.height_metres <= 450
    assert maps.outline_sketch(None, Decimal("9.6"), Decimal("105.9")) is None


def test_openstreetmap_link():
    assert maps.openstreetmap_url(Decimal("9.6031"), Decimal("105.9742")) == (
        "https://www.openstreetmap.org/?mlat=9.603100&mlon=105.974200#map=15/9.603100/105.974200"
    )


# Odd input never makes a server error

ODD_VALUES = ["", " ", "x" * 5000, "-1", "1e999", "NaN", "０１２", "<b>", "9999-99-99", "a\x00b"]
FORMS = {
    "/products/new": [
        "name",
        "category",
        "unit",
        "gtin",
        "shelf_life_days",
        "ocop_stars",
        "ocop_certificate_id",
        "description",
    ],
    "/farming-areas/new": [
        "name",
        "kind",
        "code",
        "province",
        "commune_code",
        "latitude",
        "longitude",
        "area_hectares",
        "status",
        "valid_from",
        "outline",
    ],
    "/cooperatives/new": [
        "name",
        "tax_code",
        "code_prefix",
        "province",
        "commune_code",
        "street_address",
        "phone",
        "email",
    ],
    "/certificates/new": [
        "scheme",
        "number",
        "issuer",
        "valid_from",
        "valid_to",
        "product_ids",
        "farming_area_ids",
    ],
}


@pytest.mark.parametrize("path", [*FORMS, "/cooperatives/new"])
def test_odd_input_never_makes_a_server_error(client, tenants, path):
    sign_in(client, tenants.operator if path == "/cooperatives/new" else tenants.staff_a)
    for value in ODD_VALUES:
        response = submit(client, path, dict.fromkeys(FORMS[path], value))
        assert response.status_code in (302, 422), (value, response.status_code)
