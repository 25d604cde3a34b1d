"""Product links kept by cooperatives: the rules of the service, on SQLite and PostgreSQL.

A refused input names the field at fault and leaves the links and the audit as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import make_batch, make_product, make_product_link
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.registry.product_links import ProductLink
from trace.registry.services import product_links as service


def link_values(**changes: Any) -> dict[str, Any]:
    return {
        "link_type": "gs1:hasRetailers",
        "href": "https://postmart.vn/gao-st25",
        "title_vi": "Gạo ST25 trên Postmart",
        "title_en": "ST25 rice on Postmart",
        **changes,
    }


def link_count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(ProductLink)) or 0


def audit_of(session: Any, link_id: int) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord)
            .where(
                AuditRecord.subject == AuditSubject.PRODUCT_LINK,
                AuditRecord.subject_id == link_id,
            )
            .order_by(AuditRecord.id)
        )
    )


def test_a_link_is_added_after_the_others_and_audited(session, tenants):
    product = tenants.product_a
    first = make_product_link(session, product, position=7)
    link = service.add_link(session, tenants.staff_a, product.id, link_values())
    assert link.position == 8
    assert (link.href, link.title_vi, link.batch_id) == (
        "https://postmart.vn/gao-st25",
        "Gạo ST25 trên Postmart",
        None,
    )
    assert [item.id for item in service.links_for(session, product.id, None)] == [first.id, link.id]
    (record,) = audit_of(session, link.id)
    assert record.action is AuditAction.CREATED
    assert record.cooperative_id == product.cooperative_id
    assert record.changes["href"] == [None, "https://postmart.vn/gao-st25"]


def test_links_for_a_batch_add_its_own_to_the_product_wide_ones_in_order(session, tenants):
    product = tenants.product_a
    batch, other_batch = make_batch(session, product), make_batch(session, product)
    wide = make_product_link(session, product, position=2)
    own = make_product_link(session, product, batch_id=batch.id, position=1)
    make_product_link(session, product, batch_id=other_batch.id, position=3)
    make_product_link(session, make_product(session, tenants.cooperative_a), position=0)
    assert service.links_for(session, product.id, batch.id) == [own, wide]
    assert service.links_for(session, product.id, None) == [wide]


def test_a_batch_link_needs_a_batch_of_that_product(session, tenants):
    other_product = make_product(session, tenants.cooperative_a)
    foreign_batch = make_batch(session, other_product)
    with pytest.raises(NotFound):
        service.add_link(
            session, tenants.staff_a, tenants.product_a.id, link_values(), foreign_batch.id
        )
    batch = make_batch(session, tenants.product_a)
    link = service.add_link(session, tenants.staff_a, tenants.product_a.id, link_values(), batch.id)
    assert link.batch_id == batch.id
    assert audit_of(session, link.id)[0].batch_id == batch.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("href", "http://postmart.vn/gao"),
        ("href", "ftp://postmart.vn/gao"),
        ("href", "javascript:alert(1)"),
        ("href", "https://shop:secret@postmart.vn/gao"),
        ("href", "https://postmart.vn@evil.example/gao"),
        ("href", "https://192.168.1.10/gao"),
        ("href", "https://[::1]/gao"),
        ("href", "https://localhost/gao"),
        ("href", "https://printer.local/gao"),
        ("href", "https://2130706433/gao"),
        ("href", "https://postmart.vn:99999/gao"),
        ("href", "https://postmart.vn/ga o"),
        ("href", "https://postmart.vn/" + "a" * 1000),
        ("href", ""),
        ("link_type", "gs1:nosuchtype"),
        ("link_type", "gs1:certificationInfo"),
        ("title_vi", "x" * 121),
        ("title_en", "x" * 121),
        ("title_vi", "Gạo\x00"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(session, tenants, field, value):
    before = link_count(session)
    values = link_values(**{field: value})
    with pytest.raises(InvalidInput) as caught:
        service.add_link(session, tenants.staff_a, tenants.product_a.id, values)
    assert list(caught.value.errors) == [field]
    assert link_count(session) == before


def test_a_title_is_needed_unless_the_marketplace_is_known(session, tenants):
    with pytest.raises(InvalidInput) as caught:
        service.add_link(
            session,
            tenants.staff_a,
            tenants.product_a.id,
            link_values(href="https://htx-st25.vn/mua", title_vi="", title_en=""),
        )
    assert list(caught.value.errors) == ["title_vi"]
    link = service.add_link(
        session,
        tenants.staff_a,
        tenants.product_a.id,
        link_values(href="https://WWW.Shopee.VN/gao-st25", title_vi="", title_en=""),
    )
    assert (link.href, link.title_vi, link.title_en) == (
        "https://www.shopee.vn/gao-st25",
        "Shopee",
        "Shopee",
    )


def test_a_vietnamese_host_name_is_kept_in_its_dns_form(session, tenants):
    link = service.add_link(
        session, tenants.staff_a, tenants.product_a.id, link_values(href="https://gạo.vn/st25")
    )
    assert link.href == "https://xn--go-f5s.vn/st25"


def test_a_product_keeps_a_limited_number_of_links(session, tenants):
    product = tenants.product_a
    for _ in range(service.MAX_LINKS_PER_PRODUCT):
        make_product_link(session, product)
    with pytest.raises(InvalidInput) as caught:
        service.add_link(session, tenants.staff_a, product.id, link_values())
    assert list(caught.value.errors) == ["href"]
    assert link_count(session) == service.MAX_LINKS_PER_PRODUCT


@pytest.mark.parametrize("user", ["staff_b", "officer_b"])
def test_another_tenants_product_and_links_are_missing(session, tenants, user):
    link = make_product_link(session, tenants.product_a)
    caller = tenants.user(user)
    with pytest.raises(NotFound):
        service.add_link(session, caller, tenants.product_a.id, link_values())
    with pytest.raises(NotFound):
        service.update_link(session, caller, link.id, link_values())
    with pytest.raises(NotFound):
        service.delete_link(session, caller, link.id)
    with pytest.raises(NotFound):
        service.move_link(session, caller, link.id, up=True)
    assert link_count(session) == 1


@pytest.mark.parametrize("user", ["inspector", "officer_a"])
def test_readers_may_not_change_links(session, tenants, user):
    link = make_product_link(session, tenants.product_a)
    caller = tenants.user(user)
    assert service.kept_links(session, caller, tenants.product_a.id) == [link]
    with pytest.raises(AccessDenied):
        service.add_link(session, caller, tenants.product_a.id, link_values())
    with pytest.raises(AccessDenied):
        service.delete_link(session, caller, link.id)


def test_operators_keep_any_cooperatives_links(session, tenants):
    link = service.add_link(session, tenants.operator, tenants.product_a.id, link_values())
    assert link.product_id == tenants.product_a.id


def test_a_change_is_audited_with_before_and_after(session, tenants):
    link = make_product_link(session, tenants.product_a)
    service.update_link(
        session,
        tenants.staff_a,
        link.id,
        link_values(link_type="gs1:recipeInfo", href="https://htx.vn/mon-ngon", title_vi="Món"),
    )
    (record,) = audit_of(session, link.id)
    assert record.action is AuditAction.CHANGED
    assert record.changes["link_type"] == ["gs1:hasRetailers", "gs1:recipeInfo"]
    assert "position" not in record.changes


def test_a_refused_change_leaves_the_link_as_it_was(session, tenants):
    link = make_product_link(session, tenants.product_a, href="https://tiki.vn/gao")
    with pytest.raises(InvalidInput):
        service.update_link(session, tenants.staff_a, link.id, link_values(href="http://tiki.vn/x"))
    session.refresh(link)
    assert link.href == "https://tiki.vn/gao"
    assert audit_of(session, link.id) == []


def test_moving_swaps_neighbours_at_the_same_level_only(session, tenants):
    product = tenants.product_a
    batch = make_batch(session, product)
    first = make_product_link(session, product, position=1)
    batch_link = make_product_link(session, product, batch_id=batch.id, position=2)
    second = make_product_link(session, product, position=3)
    service.move_link(session, tenants.staff_a, second.id, up=True)
    assert service.kept_links(session, tenants.staff_a, product.id) == [second, first]
    assert batch_link.position == 2
    assert len(audit_of(session, first.id)) == len(audit_of(session, second.id)) == 1
    service.move_link(session, tenants.staff_a, second.id, up=True)  # already first
    service.move_link(session, tenants.staff_a, batch_link.id, up=False)  # alone at its level
    assert [first.position, second.position, batch_link.position] == [3, 1, 2]
    assert len(audit_of(session, second.id)) == 1


def test_deleting_a_link_keeps_what_it_was_in_the_audit(session, tenants):
    link = make_product_link(session, tenants.product_a, href="https://voso.vn/gao")
    link_id = link.id
    service.delete_link(session, tenants.staff_a, link_id)
    assert session.get(ProductLink, link_id) is None
    (record,) = audit_of(session, link_id)
    assert record.action is AuditAction.REMOVED
    assert record.changes["href"] == ["https://voso.vn/gao", None]
