"""Indicator 13.7: which key products of a commune are sold online (a marketplace link on
the product, or on one of its batches that is not recalled), beside 13.4's list."""

from __future__ import annotations

from datetime import date

from tests.factories import make_batch, make_cooperative, make_product, make_product_link
from tests.indicator.conftest import KE_SACH, TODAY, complete_batch
from tests.scan_fixtures import statements
from trace.batches.models import BatchStatus
from trace.db import utcnow
from trace.indicator.online import host_name
from trace.indicator.services import commune_evidence


def key_product(session, cooperative=None, **values):
    cooperative = cooperative or make_cooperative(session, commune_code=KE_SACH)
    return make_product(session, cooperative, is_key_product=True, **values)


def online_of(session, product):
    online = commune_evidence(session, KE_SACH, TODAY).online
    [row] = [row for row in online.products if row.product_id == product.id]
    return row


def test_a_product_wide_marketplace_link_counts(session):
    product = key_product(session)
    make_product_link(session, product, href="https://www.shopee.vn/gao-st25-i.1.2")

    row = online_of(session, product)

    assert row.is_sold_online
    assert row.hosts == ("shopee.vn",)
    [listing] = row.listings
    assert listing.href == "https://www.shopee.vn/gao-st25-i.1.2"
    assert listing.batch_code is None


def test_a_link_of_a_live_batch_counts_and_one_of_a_recalled_batch_does_not(session):
    live = key_product(session)
    batch = make_batch(session, live, lot="LIVE-01")
    make_product_link(session, live, href="https://postmart.vn/p/1", batch_id=batch.id)
    recalled = key_product(session)
    bad_batch = make_batch(
        session, recalled, status=BatchStatus.RECALLED, recalled_at=utcnow(), recall_reason="x"
    )
    make_product_link(session, recalled, href="https://voso.vn/p/2", batch_id=bad_batch.id)

    live_row = online_of(session, live)
    assert live_row.is_sold_online
    assert [listing.batch_code for listing in live_row.listings] == [batch.code]
    assert not online_of(session, recalled).is_sold_online


def test_links_of_other_types_do_not_count(session):
    product = key_product(session)
    make_product_link(
        session, product, href="https://example.vn/recipe", link_type="gs1:recipeInfo"
    )
    make_product_link(session, product, href="https://example.vn/pay", link_type="gs1:paymentLink")

    assert not online_of(session, product).is_sold_online


def test_hosts_are_named_once_in_the_cooperatives_order(session):
    product = key_product(session)
    batch = make_batch(session, product)
    make_product_link(session, product, href="https://tiki.vn/b", batch_id=batch.id, position=0)
    make_product_link(session, product, href="https://lazada.vn/a", position=2)
    make_product_link(session, product, href="https://37nghean.com/x", position=1)
    make_product_link(session, product, href="https://lazada.vn/c", position=3)

    row = online_of(session, product)

    # product-wide links first (every batch has them), then the batches' own
    assert row.hosts == ("37nghean.com", "lazada.vn", "tiki.vn")
    assert len(row.listings) == 4


def test_the_commune_counts_its_key_products_sold_online(session):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    sold = key_product(session, cooperative, name="Gạo ST25")
    key_product(session, cooperative, name="Bưởi năm roi")
    ordinary = make_product(session, cooperative, name="Chôm chôm")
    make_product_link(session, sold)
    make_product_link(session, ordinary)  # not a key product: neither counted nor listed

    online = commune_evidence(session, KE_SACH, TODAY).online

    assert [row.product_name for row in online.products] == ["Bưởi năm roi", "Gạo ST25"]
    assert online.sold_online_count == 1
    assert online.share == 0.5
    assert [row.product_name for row in online.not_sold_online] == ["Bưởi năm roi"]


def test_a_commune_without_key_products_has_no_share(session):
    online = commune_evidence(session, KE_SACH, TODAY).online
    assert online.products == ()
    assert online.share is None
    assert online.sold_online_count == 0


def test_host_names_read_as_a_person_names_the_marketplace():
    assert host_name("https://www.Shopee.vn/x?y=1") == "shopee.vn"
    assert host_name("https://user@voso.vn:8443/p") == "voso.vn"
    assert host_name("https://sub.postmart.vn/p") == "sub.postmart.vn"


def test_the_query_count_is_the_same_for_one_product_or_thirty(session, issuing_key):
    cooperatives = [make_cooperative(session, commune_code=KE_SACH) for _ in range(3)]

    def listed_key_product(number):
        product = key_product(session, cooperatives[number % 3])
        batch = make_batch(session, product, harvested_on=date(2026, 11, 1))
        make_product_link(session, product, href=f"https://shopee.vn/p/{product.id}")
        make_product_link(
            session, product, href=f"https://voso.vn/p/{product.id}", batch_id=batch.id
        )
        return product

    complete_batch(session, issuing_key, listed_key_product(0))
    session.expire_all()
    with statements(session) as for_one:
        commune_evidence(session, KE_SACH, TODAY)
    for number in range(1, 30):
        listed_key_product(number)
    session.expire_all()
    with statements(session) as for_thirty:
        evidence = commune_evidence(session, KE_SACH, TODAY)

    assert evidence.online.sold_online_count == 30
    assert len(for_thirty) == len(for_one)
    assert sum("product_links" in statement for statement in for_thirty) == 1
