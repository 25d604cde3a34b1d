"""Registry services: every rule they enforce, for every role, on SQLite and PostgreSQL.

Each refused input must name exactly the field at fault and leave the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from tests.factories import (
    DAI_TU,
    SOC_TRANG,
    make_certificate,
    make_cooperative,
    make_farming_area,
    make_product,
    make_upload,
)
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.common.pagination import MAX_PER_PAGE, ListQuery
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.registry.models import (
    CertificateScheme,
    Cooperative,
    FarmingArea,
    FarmingAreaKind,
    FarmingAreaStatus,
    Product,
)
from trace.registry.services import certificates, cooperatives, farming_areas, products
from trace.registry.validation import CertificateStatus, ValidityWarning
from trace.uploads.models import UploadPurpose

VINAMILK = "0300588569"
VIETTEL = "0100109106"
FIELD_RING = [[105.97, 9.60], [105.98, 9.60], [105.98, 9.61], [105.97, 9.61], [105.97, 9.60]]
OUTLINE = {"type": "Polygon", "coordinates": [FIELD_RING]}
TODAY = date(2026, 3, 1)


def cooperative_values(**changes: Any) -> dict[str, Any]:
    return {
        "name": " HTX Lúa gạo Hồ Quang Cua ",
        "tax_code": "1800158005",
        "code_prefix": "st25",
        "commune_code": SOC_TRANG,
        "street_address": "Ấp Phú Tân, Sóc Trăng",
        "phone": "0299 3851 234",
        "email": "HTX.ST25@Example.vn",
        **changes,
    }


def product_values(**changes: Any) -> dict[str, Any]:
    return {
        "name": " Gạo ST25 Hồ Quang Cua ",
        "category": "Lúa gạo",
        "unit": "túi 5 kg",
        "description": "Gạo thơm vụ Đông Xuân.",
        "gtin": "8934588012228",
        "brand": "ST25",
        "shelf_life_days": 365,
        **changes,
    }


def farming_area_values(**changes: Any) -> dict[str, Any]:
    return {
        "code": " vn-ctst-0101 ",
        "name": "Cánh đồng lớn ấp Phú Tân",
        "kind": "crop",
        "commune_code": SOC_TRANG,
        "latitude": "9,6031",
        "longitude": "105.974",
        "polygon": OUTLINE,
        "area_hectares": "12,5",
        "crops": "Lúa ST25",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        **changes,
    }


def certificate_values(**changes: Any) -> dict[str, Any]:
    return {
        "scheme": "vietgap",
        "number": " VG-25-01-94-0012 ",
        "issuer": "Trung tâm Chứng nhận Phù hợp (Quacert)",
        "valid_from": date(2025, 6, 1),
        "valid_to": date(2027, 5, 31),
        **changes,
    }


def count(session: Any, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def columns_of(session: Any, row: Any) -> dict[str, Any]:
    """A row's stored values, read back from the database."""
    session.flush()
    session.refresh(row)
    return {attr.key: attr.value for attr in inspect(row).attrs if attr.key in row.__table__.c}


def state_of(session: Any, target: Any) -> Any:
    """How many rows a table has, or what one row holds."""
    return count(session, target) if isinstance(target, type) else columns_of(session, target)


def cooperative_audit(session: Any, cooperative_id: int) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord)
            .where(
                AuditRecord.subject == AuditSubject.COOPERATIVE,
                AuditRecord.subject_id == cooperative_id,
            )
            .order_by(AuditRecord.id)
        )
    )


@contextmanager
def refused(session: Any, target: Any, fields: set[str]) -> Iterator[None]:
    """The block must raise InvalidInput naming exactly ``fields`` and leave ``target`` as it was.

    ``target`` is a model (no row may be added) or a row (none of its values may change).
    """
    before = state_of(session, target)
    with pytest.raises(InvalidInput) as error:
        yield
    assert set(error.value.errors) == fields
    assert all(error.value.errors.values()), "every refused field has a message"
    assert state_of(session, target) == before


# Cooperatives -------------------------------------------------------------------------------


def test_operator_registers_a_cooperative_with_normalised_values(session, tenants):
    cooperative = cooperatives.create_cooperative(
        session, tenants.operator, cooperative_values(tax_code="0300588569001", commune_code="5830")
    )
    assert cooperative.id is not None
    assert cooperative.name == "HTX Lúa gạo Hồ Quang Cua"
    assert cooperative.tax_code == "0300588569-001"
    assert cooperative.code_prefix == "ST25"
    assert cooperative.commune_code == DAI_TU
    assert cooperative.email == "htx.st25@example.vn"
    assert cooperative.archived_at is None


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("name", "H" * 201),
        ("tax_code", "0300588568"),  # wrong check digit
        ("tax_code", "030058856"),
        ("tax_code", "0300588569-000"),
        ("code_prefix", "S"),
        ("code_prefix", "ST25HQCUA"),
        ("code_prefix", "ST-25"),
        ("commune_code", "99999"),
        ("commune_code", "Sóc Trăng"),
        ("street_address", "Ấ" * 301),
        ("phone", "gọi Zalo"),
        ("phone", "0299"),
        ("email", "htx.st25.example.vn"),
        ("email", "htx st25@example.vn"),
        ("email", "h" * 250 + "@example.vn"),  # longer than an address can be
    ],
)
def test_cooperative_with_one_bad_field_is_refused_naming_it(session, tenants, field, bad_value):
    values = cooperative_values(**{field: bad_value})
    with refused(session, Cooperative, {field}):
        cooperatives.create_cooperative(session, tenants.operator, values)


@pytest.mark.parametrize("field", ["name", "tax_code", "code_prefix", "commune_code"])
def test_cooperative_without_a_required_field_is_refused(session, tenants, field):
    values = cooperative_values()
    del values[field]
    with refused(session, Cooperative, {field}):
        cooperatives.create_cooperative(session, tenants.operator, values)
    blank = cooperative_values(**{field: "  "})
    with refused(session, Cooperative, {field}):
        cooperatives.create_cooperative(session, tenants.operator, blank)


def test_cooperative_optional_fields_may_be_left_empty(session, tenants):
    values = cooperative_values(street_address="", phone="", email="")
    cooperative = cooperatives.create_cooperative(session, tenants.operator, values)
    assert (cooperative.street_address, cooperative.phone, cooperative.email) == ("", "", "")


def test_cooperative_errors_are_reported_all_at_once(session, tenants):
    values = cooperative_values(
        name="H" * 201, tax_code="123", code_prefix="?", commune_code="0", phone="x", email="y"
    )
    with refused(
        session, Cooperative, {"name", "tax_code", "code_prefix", "commune_code", "phone", "email"}
    ):
        cooperatives.create_cooperative(session, tenants.operator, values)


def test_cooperative_tax_code_and_prefix_are_unique(session, tenants):
    cooperatives.create_cooperative(
        session, tenants.operator, cooperative_values(tax_code=VINAMILK)
    )
    same_tax_code = cooperative_values(tax_code=f" {VINAMILK} ", code_prefix="VNM")
    with refused(session, Cooperative, {"tax_code"}):
        cooperatives.create_cooperative(session, tenants.operator, same_tax_code)
    taken_prefix = tenants.cooperative_a.code_prefix.lower()
    with refused(session, Cooperative, {"code_prefix"}):
        cooperatives.create_cooperative(
            session,
            tenants.operator,
            cooperative_values(tax_code=VIETTEL, code_prefix=taken_prefix),
        )
    branch = cooperative_values(tax_code=f"{VINAMILK}-002", code_prefix="VNM2")
    assert cooperatives.create_cooperative(session, tenants.operator, branch).tax_code.endswith(
        "-002"
    )


def test_cooperative_keeps_its_own_tax_code_and_prefix_on_update(session, tenants):
    cooperative = tenants.cooperative_a
    cooperative.tax_code = VIETTEL
    same = {"tax_code": VIETTEL, "code_prefix": cooperative.code_prefix.lower(), "name": "HTX A"}
    assert cooperatives.update_cooperative(session, tenants.staff_a, cooperative.id, same) is (
        cooperative
    )
    assert cooperative.name == "HTX A"
    taken = {"tax_code": VIETTEL}
    with refused(session, tenants.cooperative_b, {"tax_code"}):
        cooperatives.update_cooperative(session, tenants.operator, tenants.cooperative_b.id, taken)


@pytest.mark.parametrize("role", ["staff_a", "inspector", "officer_a"])
def test_only_operators_register_cooperatives(session, tenants, role):
    before = count(session, Cooperative)
    with pytest.raises(AccessDenied):
        cooperatives.create_cooperative(session, tenants.user(role), cooperative_values())
    assert count(session, Cooperative) == before


def test_staff_keep_their_cooperative_up_to_date(session, tenants):
    cooperative = tenants.cooperative_a
    tax_code, prefix = cooperative.tax_code, cooperative.code_prefix
    cooperatives.update_cooperative(
        session, tenants.staff_a, cooperative.id, {"phone": "+84 299 3851 234", "name": " HTX Mới "}
    )
    stored = columns_of(session, cooperative)
    assert (stored["phone"], stored["name"]) == ("+84 299 3851 234", "HTX Mới")
    assert (stored["tax_code"], stored["code_prefix"]) == (tax_code, prefix)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tax_code", VINAMILK),
        ("code_prefix", "NEW1"),
        # Another commune's officer would read its records, its indicator count its products.
        ("commune_code", DAI_TU),
        ("commune_code", "99999"),  # not a commune either: still the operator's to change
        ("commune_code", ""),
    ],
)
def test_staff_cannot_change_what_identifies_their_cooperative(session, tenants, field, value):
    cooperative = tenants.cooperative_a
    with refused(session, cooperative, {field}):
        cooperatives.update_cooperative(
            session, tenants.staff_a, cooperative.id, {field: value, "name": "HTX Mới"}
        )
    assert cooperative_audit(session, cooperative.id) == []


def test_staff_may_send_back_the_commune_their_cooperative_is_in(session, tenants):
    cooperative = tenants.cooperative_a
    same = {"commune_code": f" {SOC_TRANG} ", "tax_code": cooperative.tax_code, "name": "HTX"}
    cooperatives.update_cooperative(session, tenants.staff_a, cooperative.id, same)
    assert (cooperative.name, cooperative.commune_code) == ("HTX", SOC_TRANG)


def test_an_operator_moving_a_cooperative_leaves_an_audit_record(session, tenants):
    cooperative = tenants.cooperative_a
    changes = {"commune_code": DAI_TU, "tax_code": VINAMILK, "code_prefix": "tc01"}
    cooperatives.update_cooperative(session, tenants.operator, cooperative.id, changes)
    [record] = cooperative_audit(session, cooperative.id)
    assert (record.action, record.user_id, record.actor) == (
        AuditAction.CHANGED,
        tenants.operator.id,
        tenants.operator.email,
    )
    assert record.cooperative_id == cooperative.id
    assert record.changes["commune_code"] == [SOC_TRANG, DAI_TU]
    assert record.changes["code_prefix"][1] == "TC01"
    assert set(record.changes) == {"commune_code", "tax_code", "code_prefix"}


def test_registering_a_cooperative_is_audited_and_a_resend_is_not(session, tenants):
    cooperative = cooperatives.create_cooperative(session, tenants.operator, cooperative_values())
    [created] = cooperative_audit(session, cooperative.id)
    assert created.action is AuditAction.CREATED
    assert created.changes["commune_code"] == [None, SOC_TRANG]
    resend = {"commune_code": SOC_TRANG, "name": cooperative.name}
    cooperatives.update_cooperative(session, tenants.operator, cooperative.id, resend)
    assert len(cooperative_audit(session, cooperative.id)) == 1


def test_operator_changes_tax_code_and_prefix(session, tenants):
    cooperative = tenants.cooperative_b
    changes = {"tax_code": VINAMILK, "code_prefix": "tc01"}
    cooperatives.update_cooperative(session, tenants.operator, cooperative.id, changes)
    assert (cooperative.tax_code, cooperative.code_prefix) == (VINAMILK, "TC01")


def test_cooperative_update_changes_only_the_given_fields(session, tenants):
    cooperative = tenants.cooperative_a
    before = columns_of(session, cooperative)
    cooperatives.update_cooperative(
        session, tenants.staff_a, cooperative.id, {"street_address": "Số 1 Lê Lợi"}
    )
    after = columns_of(session, cooperative)
    changed = {name for name in after if after[name] != before[name]}
    assert changed <= {"street_address", "updated_at"}
    assert after["street_address"] == "Số 1 Lê Lợi"


def test_cooperative_update_with_a_bad_field_changes_nothing(session, tenants):
    cooperative = tenants.cooperative_a
    with refused(session, cooperative, {"email"}):
        cooperatives.update_cooperative(
            session, tenants.staff_a, cooperative.id, {"name": "HTX Mới", "email": "not an address"}
        )


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("staff_b", NotFound),
        ("officer_b", NotFound),
        ("officer_a", AccessDenied),
        ("inspector", AccessDenied),
    ],
)
def test_others_cannot_update_a_cooperative(session, tenants, role, error):
    cooperative = tenants.cooperative_a
    before = columns_of(session, cooperative)
    with pytest.raises(error):
        cooperatives.update_cooperative(
            session, tenants.user(role), cooperative.id, {"name": "Đổi tên"}
        )
    assert columns_of(session, cooperative) == before


@pytest.mark.parametrize("role", ["staff_a", "staff_b", "officer_a", "inspector"])
def test_only_operators_archive_cooperatives(session, tenants, role):
    with pytest.raises(AccessDenied):
        cooperatives.archive_cooperative(session, tenants.user(role), tenants.cooperative_a.id)
    assert columns_of(session, tenants.cooperative_a)["archived_at"] is None


def test_archived_cooperative_is_hidden_unless_asked_for(session, tenants):
    archived = cooperatives.archive_cooperative(session, tenants.operator, tenants.cooperative_b.id)
    assert archived.archived_at is not None
    listed = cooperatives.list_cooperatives(session, tenants.operator, ListQuery())
    assert tenants.cooperative_b not in listed.items
    assert tenants.cooperative_a in listed.items
    everything = cooperatives.list_cooperatives(
        session, tenants.operator, ListQuery(include_archived=True)
    )
    assert tenants.cooperative_b in everything.items
    first_archived_at = archived.archived_at
    cooperatives.archive_cooperative(session, tenants.operator, tenants.cooperative_b.id)
    assert archived.archived_at == first_archived_at


@pytest.mark.parametrize(
    ("role", "sees_a", "sees_b"),
    [
        ("operator", True, True),
        ("inspector", True, True),
        ("staff_a", True, False),
        ("staff_b", False, True),
        ("officer_a", True, False),
        ("officer_b", False, True),
    ],
)
def test_each_role_lists_the_cooperatives_it_may_see(session, tenants, role, sees_a, sees_b):
    listed = cooperatives.list_cooperatives(session, tenants.user(role), ListQuery()).items
    assert (tenants.cooperative_a in listed, tenants.cooperative_b in listed) == (sees_a, sees_b)


def test_officers_see_every_cooperative_of_their_commune_only(session, tenants):
    neighbour = make_cooperative(session, commune_code=SOC_TRANG)
    listed = cooperatives.list_cooperatives(session, tenants.officer_a, ListQuery()).items
    assert set(listed) == {tenants.cooperative_a, neighbour}
    with pytest.raises(NotFound):
        cooperatives.get_cooperative(session, tenants.officer_a, tenants.cooperative_b.id)


def test_cooperatives_are_searched_by_name_and_tax_code(session, tenants):
    found = make_cooperative(session, name="HTX Chè Tân Cương", tax_code=VIETTEL)
    for search in ("tân cương", "CHÈ", "0100109", VIETTEL):
        page = cooperatives.list_cooperatives(session, tenants.operator, ListQuery(search=search))
        assert page.items == [found], search


# Products -----------------------------------------------------------------------------------


def test_staff_register_a_product_with_normalised_values(session, tenants):
    product = products.create_product(session, tenants.staff_a, product_values())
    stored = columns_of(session, product)
    assert stored["cooperative_id"] == tenants.cooperative_a.id
    assert stored["name"] == "Gạo ST25 Hồ Quang Cua"
    assert stored["gtin"] == "08934588012228"
    assert stored["shelf_life_days"] == 365
    assert stored["ocop_stars"] is None


def test_product_unit_defaults_to_kilograms(session, tenants):
    product = products.create_product(session, tenants.staff_a, {"name": "Gạo lứt"})
    assert (product.unit, product.gtin, product.category) == ("kg", None, "")


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "G" * 201),
        ("category", "c" * 101),
        ("unit", "u" * 31),
        ("brand", "b" * 121),
        ("description", "d" * 5001),
        ("gtin", "8934588012229"),  # wrong check digit
        ("gtin", "893458801222"),  # a GTIN-12 with a wrong check digit
        ("gtin", "89345880122"),
        ("gtin", "GTIN-8934588012228"),
        ("shelf_life_days", 0),
        ("shelf_life_days", -30),
        ("shelf_life_days", 3651),
        ("shelf_life_days", "365"),
        ("shelf_life_days", 36.5),
        ("shelf_life_days", True),
        ("ocop_stars", 2),
        ("ocop_stars", 6),
        ("ocop_stars", "4 sao"),
    ],
)
def test_product_with_one_bad_field_is_refused_naming_it(session, tenants, field, bad_value):
    values = product_values(**{field: bad_value})
    with refused(session, Product, {field}):
        products.create_product(session, tenants.staff_a, values)


def test_product_without_a_name_is_refused(session, tenants):
    values = product_values()
    del values["name"]
    with refused(session, Product, {"name"}):
        products.create_product(session, tenants.staff_a, values)


def test_product_errors_are_reported_all_at_once(session, tenants):
    values = product_values(name="", gtin="123", shelf_life_days=0, unit="u" * 31, ocop_stars=1)
    with refused(session, Product, {"name", "gtin", "shelf_life_days", "unit", "ocop_stars"}):
        products.create_product(session, tenants.staff_a, values)


def test_gtin_is_unique_across_cooperatives_whatever_its_length(session, tenants):
    products.create_product(session, tenants.staff_a, product_values(gtin="96385074"))
    for written in ("96385074", "00000096385074", "0000096385074"):
        with refused(session, Product, {"gtin"}):
            products.create_product(session, tenants.staff_b, product_values(gtin=written))


def test_product_keeps_its_own_gtin_on_update(session, tenants):
    product = products.create_product(session, tenants.staff_a, product_values())
    products.update_product(session, tenants.staff_a, product.id, {"gtin": "8934588012228"})
    assert product.gtin == "08934588012228"
    products.update_product(session, tenants.staff_a, product.id, {"gtin": ""})
    assert columns_of(session, product)["gtin"] is None


def test_product_name_is_unique_within_its_cooperative(session, tenants):
    taken = tenants.product_a.name
    with refused(session, Product, {"name"}):
        products.create_product(
            session, tenants.staff_a, product_values(name=f" {taken} ", gtin=None)
        )
    other = products.create_product(session, tenants.staff_a, product_values(name="Gạo lứt"))
    with refused(session, other, {"name"}):
        products.update_product(session, tenants.staff_a, other.id, {"name": taken})
    elsewhere = products.create_product(session, tenants.staff_b, {"name": taken})
    assert elsewhere.cooperative_id == tenants.cooperative_b.id


def test_ocop_stars_come_from_the_cooperatives_own_ocop_certificate(session, tenants):
    ocop = make_certificate(session, tenants.cooperative_a, scheme=CertificateScheme.OCOP)
    values = product_values(ocop_stars=4, ocop_certificate_id=ocop.id)
    product = products.create_product(session, tenants.staff_a, values)
    assert (product.ocop_stars, product.ocop_certificate_id) == (4, ocop.id)
    products.update_product(session, tenants.staff_a, product.id, {"ocop_stars": 5})
    assert (product.ocop_stars, product.ocop_certificate_id) == (5, ocop.id)
    products.update_product(session, tenants.staff_a, product.id, {"ocop_stars": None})
    assert (product.ocop_stars, product.ocop_certificate_id) == (None, None)


@pytest.mark.parametrize("certificate", ["none", "missing", "vietgap_of_a", "ocop_of_b"])
def test_ocop_stars_without_a_fitting_ocop_certificate_are_refused(session, tenants, certificate):
    certificate_ids = {
        "none": None,
        "missing": 987654,
        "vietgap_of_a": tenants.certificate_a.id,
        "ocop_of_b": make_certificate(
            session, tenants.cooperative_b, scheme=CertificateScheme.OCOP
        ).id,
    }
    values = product_values(ocop_stars=3, ocop_certificate_id=certificate_ids[certificate])
    with refused(session, Product, {"ocop_certificate_id"}):
        products.create_product(session, tenants.staff_a, values)
    with refused(session, tenants.product_a, {"ocop_certificate_id"}):
        products.update_product(
            session,
            tenants.staff_a,
            tenants.product_a.id,
            {"ocop_stars": 3, "ocop_certificate_id": certificate_ids[certificate]},
        )


def test_product_update_changes_only_the_given_fields(session, tenants):
    product = products.create_product(session, tenants.staff_a, product_values())
    before = columns_of(session, product)
    products.update_product(session, tenants.staff_a, product.id, {"brand": "Hồ Quang Cua"})
    after = columns_of(session, product)
    assert {name for name in after if after[name] != before[name]} == {"brand"}


def test_product_update_with_a_bad_field_changes_nothing(session, tenants):
    with refused(session, tenants.product_a, {"gtin"}):
        products.update_product(
            session, tenants.staff_a, tenants.product_a.id, {"name": "Gạo mới", "gtin": "123"}
        )


# Farming areas ------------------------------------------------------------------------------


def test_staff_register_a_farming_area_with_normalised_values(session, tenants):
    area = farming_areas.create_farming_area(session, tenants.staff_a, farming_area_values())
    stored = columns_of(session, area)
    assert stored["cooperative_id"] == tenants.cooperative_a.id
    assert stored["code"] == "VN-CTST-0101"
    assert stored["kind"] is FarmingAreaKind.CROP
    assert stored["status"] is FarmingAreaStatus.ACTIVE
    assert stored["commune_code"] == SOC_TRANG
    assert (stored["latitude"], stored["longitude"]) == (Decimal("9.6031"), Decimal("105.974"))
    assert stored["polygon"] == OUTLINE
    assert stored["area_hectares"] == Decimal("12.50")
    assert (stored["valid_from"], stored["valid_to"]) == (date(2025, 1, 1), date(2027, 12, 31))


def test_farming_area_needs_no_outline_size_or_dates(session, tenants):
    values = farming_area_values(polygon=None, area_hectares="", valid_from=None, valid_to=None)
    area = farming_areas.create_farming_area(session, tenants.staff_a, values)
    stored = columns_of(session, area)
    assert [stored[name] for name in ("polygon", "area_hectares", "valid_from", "valid_to")] == [
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("code", "VN_CTST_0101"),
        ("code", "VN CTST 0101"),
        ("code", "VN"),
        ("code", "V" * 41),
        ("name", "N" * 201),
        ("kind", "forest"),
        ("kind", None),
        ("status", "closed"),
        ("commune_code", "99999"),
        ("latitude", "25.04"),  # Kunming
        ("latitude", "9°36'"),
        ("latitude", None),
        ("longitude", "120.98"),  # Manila
        ("longitude", "abc"),
        ("polygon", {"type": "Polygon", "coordinates": [FIELD_RING[:-1]]}),  # open ring
        ("polygon", {"type": "Polygon", "coordinates": [[[100.5, 13.7]] * 4]}),  # Bangkok
        ("polygon", {"type": "Point", "coordinates": [105.97, 9.6]}),
        ("polygon", [FIELD_RING]),
        ("area_hectares", "0"),
        ("area_hectares", "0,001"),
        ("area_hectares", "-3"),
        ("area_hectares", "mười"),
        ("area_hectares", "NaN"),
        ("area_hectares", "100000000"),
        ("crops", "c" * 201),
        ("valid_from", "2025-01-01"),  # text, not a date
        ("valid_to", date(2024, 12, 31)),  # before valid_from
    ],
)
def test_farming_area_with_one_bad_field_is_refused_naming_it(session, tenants, field, bad_value):
    values = farming_area_values(**{field: bad_value})
    with refused(session, FarmingArea, {field}):
        farming_areas.create_farming_area(session, tenants.staff_a, values)


@pytest.mark.parametrize("field", ["code", "name", "kind", "commune_code", "latitude", "longitude"])
def test_farming_area_without_a_required_field_is_refused(session, tenants, field):
    values = farming_area_values()
    del values[field]
    with refused(session, FarmingArea, {field}):
        farming_areas.create_farming_area(session, tenants.staff_a, values)


def test_farming_area_errors_are_reported_all_at_once(session, tenants):
    values = farming_area_values(
        code="?",
        kind="forest",
        latitude="1",
        longitude="1",
        area_hectares="0",
        valid_to=date(2020, 1, 1),
    )
    with refused(
        session, FarmingArea, {"code", "kind", "latitude", "longitude", "area_hectares", "valid_to"}
    ):
        farming_areas.create_farming_area(session, tenants.staff_a, values)


def test_planting_area_code_is_unique_on_the_platform(session, tenants):
    taken = tenants.farming_area_a.code.lower()
    with refused(session, FarmingArea, {"code"}):
        farming_areas.create_farming_area(
            session, tenants.staff_b, farming_area_values(code=taken, commune_code=DAI_TU)
        )
    area = tenants.farming_area_a
    farming_areas.update_farming_area(session, tenants.staff_a, area.id, {"code": taken})
    assert area.code == taken.upper()


def test_planting_area_code_follows_the_configured_pattern(app, session, tenants):
    app.config["TRACE_PLANTING_AREA_CODE_PATTERN"] = r"^VN-[A-Z]{2,4}-\d{4}$"
    with refused(session, FarmingArea, {"code"}):
        farming_areas.create_farming_area(
            session, tenants.staff_a, farming_area_values(code="VN-CTST-101")
        )
    area = farming_areas.create_farming_area(
        session, tenants.staff_a, farming_area_values(code="vn-ctst-0101")
    )
    assert area.code == "VN-CTST-0101"


def test_farming_area_update_changes_only_the_given_fields(session, tenants):
    area = farming_areas.create_farming_area(session, tenants.staff_a, farming_area_values())
    before = columns_of(session, area)
    farming_areas.update_farming_area(
        session, tenants.staff_a, area.id, {"status": "suspended", "crops": "Lúa, tôm"}
    )
    after = columns_of(session, area)
    assert {name for name in after if after[name] != before[name]} == {"status", "crops"}
    assert after["status"] is FarmingAreaStatus.SUSPENDED


@pytest.mark.parametrize("cleared", [None, "", {}])
def test_farming_area_outline_can_be_removed(session, tenants, cleared):
    area = farming_areas.create_farming_area(session, tenants.staff_a, farming_area_values())
    farming_areas.update_farming_area(session, tenants.staff_a, area.id, {"polygon": cleared})
    assert columns_of(session, area)["polygon"] is None


def test_farming_area_dates_are_checked_against_the_stored_ones(session, tenants):
    area = farming_areas.create_farming_area(session, tenants.staff_a, farming_area_values())
    with refused(session, area, {"valid_to"}):
        farming_areas.update_farming_area(
            session, tenants.staff_a, area.id, {"valid_to": date(2024, 12, 31)}
        )
    farming_areas.update_farming_area(
        session, tenants.staff_a, area.id, {"valid_from": date(2026, 1, 1)}
    )
    assert area.valid_from == date(2026, 1, 1)


def test_farming_areas_are_filtered_by_kind_and_status(session, tenants):
    pond = make_farming_area(
        session, tenants.cooperative_a, code="VN-CTAQ-0001", kind=FarmingAreaKind.AQUACULTURE
    )
    withdrawn = make_farming_area(
        session, tenants.cooperative_a, code="VN-CTWD-0001", status=FarmingAreaStatus.WITHDRAWN
    )
    query = ListQuery()
    by_kind = farming_areas.list_farming_areas(
        session, tenants.staff_a, query, kind=FarmingAreaKind.AQUACULTURE
    )
    assert by_kind.items == [pond]
    by_status = farming_areas.list_farming_areas(
        session, tenants.staff_a, query, status=FarmingAreaStatus.WITHDRAWN
    )
    assert by_status.items == [withdrawn]


# Certificates -------------------------------------------------------------------------------


def test_staff_register_a_certificate_with_its_scope(session, tenants):
    values = certificate_values(
        product_ids=[tenants.product_a.id], farming_area_ids=[tenants.farming_area_a.id]
    )
    certificate = certificates.create_certificate(session, tenants.staff_a, values)
    stored = columns_of(session, certificate)
    assert stored["cooperative_id"] == tenants.cooperative_a.id
    assert stored["scheme"] is CertificateScheme.VIETGAP
    assert stored["number"] == "VG-25-01-94-0012"
    assert certificate.products == [tenants.product_a]
    assert certificate.farming_areas == [tenants.farming_area_a]
    assert tenants.product_a.certificates == [certificate]


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("scheme", "iso22000"),
        ("scheme", None),
        ("number", ""),
        ("number", "  "),
        ("number", "N" * 81),
        ("issuer", ""),
        ("issuer", "I" * 201),
        ("valid_from", "2025-06-01"),
        ("valid_from", None),
        ("valid_to", "31/05/2027"),
        ("valid_to", date(2025, 5, 31)),  # before valid_from
        ("product_ids", [987654]),
        ("farming_area_ids", [987654]),
    ],
)
def test_certificate_with_one_bad_field_is_refused_naming_it(session, tenants, field, bad_value):
    values = certificate_values(**{field: bad_value})
    with refused(session, certificates.Certificate, {field}):
        certificates.create_certificate(session, tenants.staff_a, values)


@pytest.mark.parametrize("field", ["scheme", "number", "issuer", "valid_from", "valid_to"])
def test_certificate_without_a_required_field_is_refused(session, tenants, field):
    values = certificate_values()
    del values[field]
    with refused(session, certificates.Certificate, {field}):
        certificates.create_certificate(session, tenants.staff_a, values)


def test_certificate_errors_are_reported_all_at_once(session, tenants):
    values = certificate_values(
        scheme="iso", number="", issuer="I" * 201, valid_from="hôm nay", product_ids=[987654]
    )
    with refused(
        session,
        certificates.Certificate,
        {"scheme", "number", "issuer", "valid_from", "product_ids"},
    ):
        certificates.create_certificate(session, tenants.staff_a, values)


def test_certificate_number_is_unique_within_its_scheme(session, tenants):
    taken = tenants.certificate_a.number
    with refused(session, certificates.Certificate, {"number"}):
        certificates.create_certificate(
            session, tenants.staff_b, certificate_values(number=f" {taken} ")
        )
    organic = certificates.create_certificate(
        session, tenants.staff_a, certificate_values(scheme="organic", number=taken)
    )
    with refused(session, organic, {"number"}):
        certificates.update_certificate(session, tenants.staff_a, organic.id, {"scheme": "vietgap"})


@pytest.mark.parametrize("scope", ["product_ids", "farming_area_ids"])
def test_certificate_scope_names_only_the_same_cooperatives_records(session, tenants, scope):
    others = {
        "product_ids": make_product(session, tenants.cooperative_b).id,
        "farming_area_ids": make_farming_area(session, tenants.cooperative_b).id,
    }
    own = {"product_ids": tenants.product_a.id, "farming_area_ids": tenants.farming_area_a.id}
    values = certificate_values(**{scope: [own[scope], others[scope]]})
    with refused(session, certificates.Certificate, {scope}):
        certificates.create_certificate(session, tenants.staff_a, values)
    as_operator = certificate_values(
        cooperative_id=tenants.cooperative_b.id, **{scope: [own[scope]]}
    )
    with refused(session, certificates.Certificate, {scope}):
        certificates.create_certificate(session, tenants.operator, as_operator)
    certificate = tenants.certificate_a
    with pytest.raises(InvalidInput):
        certificates.update_certificate(
            session, tenants.staff_a, certificate.id, {scope: [others[scope]]}
        )
    assert certificate.products == []
    assert certificate.farming_areas == []


def test_certificate_scope_is_replaced_only_when_given(session, tenants):
    certificate = tenants.certificate_a
    second = make_product(session, tenants.cooperative_a)
    certificates.update_certificate(
        session, tenants.staff_a, certificate.id, {"product_ids": [tenants.product_a.id, second.id]}
    )
    certificates.update_certificate(session, tenants.staff_a, certificate.id, {"issuer": "NAFIQAD"})
    assert set(certificate.products) == {tenants.product_a, second}
    certificates.update_certificate(session, tenants.staff_a, certificate.id, {"product_ids": []})
    assert certificate.products == []


def test_certificate_update_changes_only_the_given_fields(session, tenants):
    certificate = tenants.certificate_a
    before = columns_of(session, certificate)
    certificates.update_certificate(
        session, tenants.staff_a, certificate.id, {"valid_to": date(2027, 1, 31)}
    )
    after = columns_of(session, certificate)
    assert {name for name in after if after[name] != before[name]} == {"valid_to"}


def test_certificate_dates_are_checked_against_the_stored_ones(session, tenants):
    certificate = tenants.certificate_a
    with refused(session, certificate, {"valid_to"}):
        certificates.update_certificate(
            session, tenants.staff_a, certificate.id, {"valid_from": date(2027, 6, 1)}
        )


def test_certificate_that_outlasts_its_scheme_is_saved_with_a_warning(session, tenants):
    values = certificate_values(valid_from=date(2025, 6, 1), valid_to=date(2028, 6, 1))
    certificate = certificates.create_certificate(session, tenants.staff_a, values)
    facts = certificates.describe(certificate, on=TODAY)
    assert facts.status is CertificateStatus.VALID
    assert facts.warning == ValidityWarning(scheme=CertificateScheme.VIETGAP, maximum_months=24)
    assert certificates.describe(tenants.certificate_a, on=TODAY).warning is None


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2025, 5, 31), CertificateStatus.NOT_YET_VALID),
        (date(2025, 6, 1), CertificateStatus.VALID),
        (date(2027, 4, 1), CertificateStatus.EXPIRING),
        (date(2027, 6, 1), CertificateStatus.EXPIRED),
    ],
)
def test_certificate_status_is_computed_for_the_day_asked(session, tenants, on, status):
    assert certificates.status_on(tenants.certificate_a, on) is status


def test_revoking_a_certificate_needs_a_reason(session, tenants):
    certificate = tenants.certificate_a
    for reason in ("", "   ", "l" * 301):
        with refused(session, certificate, {"revocation_reason"}):
            certificates.revoke_certificate(session, tenants.staff_a, certificate.id, reason)
    certificates.revoke_certificate(
        session, tenants.staff_a, certificate.id, " Không tái đánh giá đúng hạn "
    )
    stored = columns_of(session, certificate)
    assert stored["revoked_at"] is not None
    assert stored["revocation_reason"] == "Không tái đánh giá đúng hạn"
    assert certificates.status_on(certificate, TODAY) is CertificateStatus.REVOKED
    assert certificates.describe(certificate, on=date(2025, 5, 1)).status is (
        CertificateStatus.REVOKED
    )


def test_revoking_again_keeps_the_first_revocation_time(session, tenants):
    certificate = tenants.certificate_a
    certificates.revoke_certificate(session, tenants.staff_a, certificate.id, "Lý do 1")
    revoked_at = certificate.revoked_at
    certificates.revoke_certificate(session, tenants.operator, certificate.id, "Lý do 2")
    assert (certificate.revoked_at, certificate.revocation_reason) == (revoked_at, "Lý do 2")


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("staff_b", NotFound),
        ("officer_b", NotFound),
        ("officer_a", AccessDenied),
        ("inspector", AccessDenied),
    ],
)
def test_only_the_owner_or_an_operator_revokes(session, tenants, role, error):
    with pytest.raises(error):
        certificates.revoke_certificate(
            session, tenants.user(role), tenants.certificate_a.id, "Thu hồi"
        )
    assert columns_of(session, tenants.certificate_a)["revoked_at"] is None


def test_an_ocop_certificate_awarding_stars_stays_ocop(session, tenants):
    ocop = make_certificate(session, tenants.cooperative_a, scheme=CertificateScheme.OCOP)
    product = products.create_product(
        session, tenants.staff_a, product_values(ocop_stars=4, ocop_certificate_id=ocop.id)
    )
    with refused(session, ocop, {"scheme"}):
        certificates.update_certificate(session, tenants.staff_a, ocop.id, {"scheme": "vietgap"})
    products.update_product(session, tenants.staff_a, product.id, {"ocop_stars": None})
    certificates.update_certificate(session, tenants.staff_a, ocop.id, {"scheme": "vietgap"})
    assert ocop.scheme is CertificateScheme.VIETGAP


def test_certificates_are_filtered_by_scheme_and_latest_expiry_first(session, tenants):
    later = make_certificate(session, tenants.cooperative_a, valid_to=date(2028, 5, 31))
    ocop = make_certificate(
        session, tenants.cooperative_a, scheme=CertificateScheme.OCOP, valid_to=date(2027, 5, 31)
    )
    listed = certificates.list_certificates(session, tenants.staff_a, ListQuery()).items
    assert listed[0] is later
    only_ocop = certificates.list_certificates(
        session, tenants.staff_a, ListQuery(), scheme=CertificateScheme.OCOP
    )
    assert only_ocop.items == [ocop]


# What every record shares: who may write, archiving, lists -------------------------------

RECORDS = {
    "product": (
        products.create_product,
        products.update_product,
        products.archive_product,
        products.list_products,
        lambda tenants: tenants.product_a,
        {"brand": "Mới"},
        product_values,
    ),
    "farming_area": (
        farming_areas.create_farming_area,
        farming_areas.update_farming_area,
        farming_areas.archive_farming_area,
        farming_areas.list_farming_areas,
        lambda tenants: tenants.farming_area_a,
        {"crops": "Tôm"},
        farming_area_values,
    ),
    "certificate": (
        certificates.create_certificate,
        certificates.update_certificate,
        certificates.archive_certificate,
        certificates.list_certificates,
        lambda tenants: tenants.certificate_a,
        {"issuer": "Mới"},
        certificate_values,
    ),
}
MODELS = {"product": Product, "farming_area": FarmingArea, "certificate": certificates.Certificate}


def record_of(kind: str):
    create, update, archive, list_all, pick, change, values = RECORDS[kind]
    return create, update, archive, list_all, pick, change, values


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        ("staff_a", None),
        ("operator", None),
        ("staff_b", NotFound),
        ("officer_b", NotFound),
        ("officer_a", AccessDenied),
        ("inspector", AccessDenied),
    ],
)
def test_who_may_update_and_archive_a_record_of_a(session, tenants, kind, role, outcome):
    _, update, archive, _, pick, change, _ = record_of(kind)
    row = pick(tenants)
    user = tenants.user(role)
    if outcome is None:
        update(session, user, row.id, change)
        assert archive(session, user, row.id).archived_at is not None
        return
    before = columns_of(session, row)
    with pytest.raises(outcome):
        update(session, user, row.id, change)
    with pytest.raises(outcome):
        archive(session, user, row.id)
    assert columns_of(session, row) == before


@pytest.mark.parametrize("kind", RECORDS)
def test_staff_create_for_their_own_cooperative_only(session, tenants, kind):
    create, *_, values = record_of(kind)
    model = MODELS[kind]
    own = create(session, tenants.staff_a, values(cooperative_id=tenants.cooperative_a.id))
    assert own.cooperative_id == tenants.cooperative_a.id
    before = count(session, model)
    with pytest.raises(NotFound):
        create(session, tenants.staff_a, values(cooperative_id=tenants.cooperative_b.id))
    assert count(session, model) == before


@pytest.mark.parametrize("kind", RECORDS)
def test_operators_create_for_the_cooperative_they_name(session, tenants, kind):
    create, *_, values = record_of(kind)
    with refused(session, MODELS[kind], {"cooperative_id"}):
        create(session, tenants.operator, values())
    row = create(session, tenants.operator, values(cooperative_id=tenants.cooperative_b.id))
    assert row.cooperative_id == tenants.cooperative_b.id


@pytest.mark.parametrize("kind", RECORDS)
def test_operators_cannot_create_for_a_cooperative_that_does_not_exist(session, tenants, kind):
    create, *_, values = record_of(kind)
    with refused(session, MODELS[kind], {"cooperative_id"}):
        create(session, tenants.operator, values(cooperative_id=987654))


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize("role", ["inspector", "officer_a"])
@pytest.mark.parametrize("names_cooperative", [False, True])
def test_read_only_roles_cannot_create(session, tenants, kind, role, names_cooperative):
    create, *_, values = record_of(kind)
    given = values(cooperative_id=tenants.cooperative_a.id) if names_cooperative else values()
    before = count(session, MODELS[kind])
    with pytest.raises(AccessDenied):
        create(session, tenants.user(role), given)
    assert count(session, MODELS[kind]) == before


@pytest.mark.parametrize("kind", RECORDS)
def test_archived_record_is_hidden_unless_asked_for(session, tenants, kind):
    _, _, archive, list_all, pick, _, _ = record_of(kind)
    row = pick(tenants)
    assert row in list_all(session, tenants.staff_a, ListQuery()).items
    archive(session, tenants.staff_a, row.id)
    assert row not in list_all(session, tenants.staff_a, ListQuery()).items
    assert row in list_all(session, tenants.staff_a, ListQuery(include_archived=True)).items


@pytest.mark.parametrize("kind", RECORDS)
@pytest.mark.parametrize(
    ("role", "sees_a"),
    [
        ("operator", True),
        ("inspector", True),
        ("staff_a", True),
        ("officer_a", True),
        ("staff_b", False),
        ("officer_b", False),
    ],
)
def test_each_role_lists_the_records_it_may_see(session, tenants, kind, role, sees_a):
    *_, list_all, pick, _, _ = record_of(kind)
    listed = list_all(session, tenants.user(role), ListQuery()).items
    assert (pick(tenants) in listed) is sees_a


def test_operators_narrow_lists_to_one_cooperative(session, tenants):
    of_b = make_product(session, tenants.cooperative_b)
    page = products.list_products(
        session, tenants.operator, ListQuery(cooperative_id=tenants.cooperative_b.id)
    )
    assert page.items == [of_b]
    staff_asking_for_b = products.list_products(
        session, tenants.staff_a, ListQuery(cooperative_id=tenants.cooperative_b.id)
    )
    assert staff_asking_for_b.items == []


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("tân cương", {"Chè búp Tân Cương", "Chè móc câu Tân Cương"}),
        ("  MÓC câu ", {"Chè móc câu Tân Cương"}),
        ("trà xanh", {"Chè búp Tân Cương"}),  # brand
        ("thái nguyên", {"Chè móc câu Tân Cương"}),  # category
        ("100%", {"Mật ong 100% nguyên chất"}),  # % is a character, not a wildcard
        ("_", set()),  # and so is _
        ("không có", set()),
    ],
)
def test_products_are_searched_by_name_brand_and_category(session, tenants, search, expected):
    cooperative = tenants.cooperative_b
    make_product(session, cooperative, name="Chè búp Tân Cương", brand="trà xanh")
    make_product(session, cooperative, name="Chè móc câu Tân Cương", category="chè thái nguyên")
    make_product(session, cooperative, name="Mật ong 100% nguyên chất")
    make_product(session, cooperative, name="Mật ong 100 ngày")
    page = products.list_products(session, tenants.staff_b, ListQuery(search=search))
    assert {product.name for product in page.items} == expected
    assert page.total == len(expected)


def test_search_ignores_case_of_vietnamese_capitals(session, tenants):
    product = make_product(session, tenants.cooperative_b, name="ĐẶC SẢN Ốc Hương")
    for search in ("đặc sản", "ốc hương", "ĐẶC SẢN"):
        page = products.list_products(session, tenants.staff_b, ListQuery(search=search))
        assert page.items == [product], search


def test_farming_areas_and_certificates_are_searched_by_code_and_number(session, tenants):
    area = tenants.farming_area_a
    found = farming_areas.list_farming_areas(
        session, tenants.staff_a, ListQuery(search=area.code.lower())
    )
    assert found.items == [area]
    certificate = tenants.certificate_a
    found = certificates.list_certificates(
        session, tenants.staff_a, ListQuery(search=certificate.number[-5:])
    )
    assert found.items == [certificate]
    by_issuer = certificates.list_certificates(
        session, tenants.staff_a, ListQuery(search="quacert")
    )
    assert by_issuer.items == [certificate]


def test_lists_are_paginated(session, tenants):
    for number in range(24):
        make_product(session, tenants.cooperative_a, name=f"Sản phẩm {number:02d}")
    first = products.list_products(session, tenants.staff_a, ListQuery(per_page=10))
    assert (first.total, first.page_count, len(first.items)) == (25, 3, 10)
    last = products.list_products(session, tenants.staff_a, ListQuery(page=3, per_page=10))
    assert len(last.items) == 5
    seen = [
        product.id
        for page in (1, 2, 3)
        for product in products.list_products(
            session, tenants.staff_a, ListQuery(page=page, per_page=10)
        ).items
    ]
    assert len(set(seen)) == 25
    beyond = products.list_products(session, tenants.staff_a, ListQuery(page=9, per_page=10))
    assert (beyond.items, beyond.total) == ([], 25)


@pytest.mark.parametrize(
    ("asked_page", "asked_per_page", "page", "per_page"),
    [(1, 500, 1, MAX_PER_PAGE), (1, 101, 1, 100), (0, 0, 1, 1), (-3, -5, 1, 1), (2, 100, 2, 100)],
)
def test_page_and_page_size_are_kept_in_bounds(
    session, tenants, asked_page, asked_per_page, page, per_page
):
    listed = products.list_products(
        session, tenants.staff_a, ListQuery(page=asked_page, per_page=asked_per_page)
    )
    assert (listed.page, listed.per_page) == (page, per_page)


def test_an_empty_list_has_one_page(session, tenants):
    listed = products.list_products(session, tenants.staff_a, ListQuery(search="không có"))
    assert (listed.total, listed.page_count, list(listed.items)) == (0, 1, [])


@pytest.mark.parametrize("name", ["Gạo\x00ST25", "Gạo\x07", "Gạo\x7f"])
def test_control_characters_are_refused_not_stored(session, tenants, name):
    with pytest.raises(InvalidInput) as error:
        products.create_product(session, tenants.staff_a, {"name": name})
    assert set(error.value.errors) == {"name"}


def test_line_breaks_are_kept_in_descriptions(session, tenants):
    product = products.create_product(
        session, tenants.staff_a, {"name": "Gạo lứt", "description": "Dòng 1\nDòng 2\tcột"}
    )
    assert product.description == "Dòng 1\nDòng 2\tcột"


def test_control_characters_in_a_certificate_number_are_refused(session, tenants):
    with pytest.raises(InvalidInput) as error:
        certificates.create_certificate(
            session,
            tenants.staff_a,
            {
                "scheme": "vietgap",
                "number": "VG\x00-1",
                "issuer": "Quacert",
                "valid_from": date(2026, 1, 1),
                "valid_to": date(2027, 1, 1),
            },
        )
    assert set(error.value.errors) == {"number"}


def test_a_product_image_must_be_this_cooperatives_image_upload(session, tenants):
    own_image = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.PRODUCT_IMAGE)
    others_image = make_upload(session, tenants.cooperative_b, purpose=UploadPurpose.PRODUCT_IMAGE)
    own_logo = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.COOPERATIVE_LOGO)
    product = tenants.product_a
    for wrong in (others_image.id, own_logo.id, 2_000_000_000):
        with pytest.raises(InvalidInput) as error:
            products.update_product(
                session, tenants.staff_a, product.id, {"image_upload_id": wrong}
            )
        assert set(error.value.errors) == {"image_upload_id"}
        assert product.image_upload_id is None
    products.update_product(session, tenants.staff_a, product.id, {"image_upload_id": own_image.id})
    assert product.image_upload_id == own_image.id


def test_a_certificate_scan_must_be_this_cooperatives_scan(session, tenants):
    others_scan = make_upload(
        session, tenants.cooperative_b, purpose=UploadPurpose.CERTIFICATE_SCAN
    )
    with pytest.raises(InvalidInput) as error:
        certificates.update_certificate(
            session, tenants.staff_a, tenants.certificate_a.id, {"scan_upload_id": others_scan.id}
        )
    assert set(error.value.errors) == {"scan_upload_id"}
