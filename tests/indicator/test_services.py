"""Indicator 13.4: the rule per product, which products a commune has, a province's numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.factories import (
    make_batch,
    make_certificate,
    make_cooperative,
    make_farming_area,
    make_product,
    make_user,
)
from tests.indicator.conftest import (
    CAN_THO,
    KE_SACH,
    RECENTLY,
    TODAY,
    TRAN_DE,
    complete_batch,
    issue_code,
    scan,
)
from tests.scan_fixtures import statements
from trace.auth.models import Role
from trace.batches.services.completeness import Item
from trace.common.clock import LOCAL_TIMEZONE
from trace.errors import InvalidInput, NotFound
from trace.indicator.services import (
    CommuneRow,
    commune_evidence,
    province_overview,
    sort_rows,
)
from trace.inspections.models import Inspection, InspectionOutcome
from trace.registry.models import CertificateScheme
from trace.registry.validation import CertificateStatus


def key_product(session, cooperative=None, **values):
    cooperative = cooperative or make_cooperative(session, commune_code=KE_SACH)
    return make_product(session, cooperative, is_key_product=True, **values)


def inspect(session, inspector, batch, when):
    session.add(
        Inspection(
            inspector_id=inspector.id,
            batch_id=batch.id,
            cooperative_id=batch.cooperative_id,
            inspected_at=when,
            place="Chợ Kế Sách",
            outcome=InspectionOutcome.CONFORMING,
        )
    )
    session.flush()


def evidence_of(session, product, today=TODAY):
    evidence = commune_evidence(session, KE_SACH, today=today)
    [row] = [row for row in evidence.products if row.product_id == product.id]
    return row


def test_a_product_with_a_complete_batch_of_the_period_is_traced(session, issuing_key):
    product = key_product(session, ocop_stars=None, name="Gạo ST25 Kế Sách")
    certificate = make_certificate(session, product.cooperative, products=[product])
    newest = complete_batch(session, issuing_key, product)
    make_batch(session, product, harvested_on=date(2026, 10, 20))  # incomplete
    make_batch(session, product, harvested_on=date(2024, 10, 20))  # before the period

    row = evidence_of(session, product)

    assert row.is_traced
    assert row.missing == ()
    assert row.best_batch_code == newest.batch.code
    assert (row.batch_count, row.complete_batches, row.labels_issued) == (2, 1, 1)
    assert row.product_name == "Gạo ST25 Kế Sách"
    assert row.cooperative_name == product.cooperative.name
    assert row.latest_code_url == newest.text
    [state] = row.certificates
    assert state.number == certificate.number
    assert state.scheme is CertificateScheme.VIETGAP
    assert state.status_today is CertificateStatus.VALID
    assert state.valid_to == certificate.valid_to


def test_a_product_with_only_an_incomplete_batch_is_not_traced(session, issuing_key):
    product = key_product(session)
    code = complete_batch(session, issuing_key, product)
    code.batch.expires_on = None
    session.flush()
    row = evidence_of(session, product)
    assert not row.is_traced
    assert row.missing == (Item.SHELF_LIFE,)
    assert row.best_batch_code == code.batch.code


def test_one_signed_batch_with_no_recorded_step_is_not_traced(session, issuing_key):
    """The rule this replaces counted a product traced on a signed code alone."""
    product = key_product(session)
    batch = make_batch(session, product, harvested_on=date(2026, 10, 1))
    issue_code(session, issuing_key, batch, RECENTLY)
    row = evidence_of(session, product)
    assert not row.is_traced
    assert Item.PRODUCTION_STEP in row.missing
    assert Item.SHELF_LIFE in row.missing


def test_the_most_complete_batch_names_what_is_missing(session, issuing_key):
    product = key_product(session)
    nearly = complete_batch(session, issuing_key, product, harvested_on=date(2026, 3, 1))
    nearly.batch.expires_on = None
    bare = make_batch(session, product, harvested_on=date(2026, 11, 1))
    session.flush()
    row = evidence_of(session, product)
    assert row.best_batch_code == nearly.batch.code  # one item missing beats six
    assert row.missing == (Item.SHELF_LIFE,)
    assert row.batch_count == 2
    assert bare.code != row.best_batch_code


def test_a_product_without_a_batch_misses_a_batch(session, issuing_key):
    row = evidence_of(session, key_product(session))
    assert not row.is_traced
    assert (row.best_batch_code, row.missing) == (None, ())
    assert row.latest_code_url is None
    assert (row.batch_count, row.labels_issued, row.consumer_scans, row.inspections) == (
        0,
        0,
        0,
        0,
    )


def test_a_complete_batch_older_than_twelve_months_does_not_count(session, issuing_key):
    product = key_product(session)
    code = complete_batch(session, issuing_key, product, harvested_on=date(2025, 11, 23))
    row = evidence_of(session, product)
    assert not row.is_traced
    assert (row.batch_count, row.best_batch_code) == (0, None)
    # Still the latest public page there is: evidence that it was traced once.
    assert row.latest_code_url == code.text


def test_the_period_starts_on_the_same_day_a_year_before(session, issuing_key):
    product = key_product(session)
    complete_batch(session, issuing_key, product, harvested_on=date(2025, 11, 24))
    assert evidence_of(session, product).is_traced
    assert not evidence_of(session, product, today=date(2026, 11, 25)).is_traced
    # A batch harvested after the report's date is not in its period either.
    assert not evidence_of(session, product, today=date(2025, 11, 23)).is_traced


def test_a_batch_without_dates_belongs_to_its_registration_day(session, issuing_key):
    product = key_product(session)
    batch = make_batch(session, product, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    make_batch(session, product, created_at=datetime(2025, 1, 1, tzinfo=UTC))
    row = evidence_of(session, product)
    assert (row.batch_count, row.best_batch_code) == (1, batch.code)
    assert Item.PRODUCTION_TIME in row.missing


def test_certificates_expired_today_leave_a_batch_complete_on_its_day(session, issuing_key):
    """Standards are judged on the batch's day; today's statuses are shown beside."""
    product = key_product(session)
    complete_batch(session, issuing_key, product)
    lapsed = make_certificate(
        session, product.cooperative, products=[product], valid_to=date(2026, 10, 31)
    )
    row = evidence_of(session, product)
    assert row.is_traced
    assert [state.status_today for state in row.certificates] == [CertificateStatus.EXPIRED]
    assert row.certificates[0].number == lapsed.number


def test_the_ocop_certificate_is_listed_and_archived_certificates_are_not(session, issuing_key):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    ocop = make_certificate(
        session,
        cooperative,
        scheme=CertificateScheme.OCOP,
        valid_from=date(2022, 1, 1),
        valid_to=date(2024, 12, 31),
    )
    product = key_product(session, cooperative, ocop_stars=4, ocop_certificate=ocop)
    make_certificate(
        session,
        cooperative,
        products=[product],
        valid_to=date(2026, 1, 1),
        archived_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    row = evidence_of(session, product)
    assert row.ocop_stars == 4
    assert [state.number for state in row.certificates] == [ocop.number]
    assert row.certificates[0].status_today is CertificateStatus.EXPIRED


def test_products_are_found_through_a_farming_area_in_the_commune(session, issuing_key):
    elsewhere = make_cooperative(session, commune_code=TRAN_DE)
    make_farming_area(session, elsewhere, commune_code=KE_SACH)
    product = key_product(session, elsewhere)
    assert [row.product_id for row in commune_evidence(session, KE_SACH, TODAY).products] == [
        product.id
    ]
    # The cooperative's own commune lists it too, once though it has an area there as well.
    make_farming_area(session, elsewhere, commune_code=TRAN_DE)
    assert [row.product_id for row in commune_evidence(session, TRAN_DE, TODAY).products] == [
        product.id
    ]


def test_archived_and_ordinary_products_and_archived_places_are_left_out(session, issuing_key):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    kept = key_product(session, cooperative, name="B kept")
    key_product(session, cooperative, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    make_product(session, cooperative, is_key_product=False)
    gone = make_cooperative(
        session, commune_code=KE_SACH, archived_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    key_product(session, gone)
    moved = make_cooperative(session, commune_code=TRAN_DE)
    make_farming_area(
        session, moved, commune_code=KE_SACH, archived_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    key_product(session, moved)
    evidence = commune_evidence(session, KE_SACH, TODAY)
    assert [row.product_id for row in evidence.products] == [kept.id]


def test_rows_are_sorted_by_cooperative_then_product(session, issuing_key):
    second = make_cooperative(session, commune_code=KE_SACH, name="HTX Thạnh Phú")
    first = make_cooperative(session, commune_code=KE_SACH, name="HTX An Lạc Thôn")
    for cooperative in (second, first):
        for name in ("Xoài", "Bưởi"):
            key_product(session, cooperative, name=name)
    rows = commune_evidence(session, KE_SACH, TODAY).products
    assert [(row.cooperative_name, row.product_name) for row in rows] == [
        ("HTX An Lạc Thôn", "Bưởi"),
        ("HTX An Lạc Thôn", "Xoài"),
        ("HTX Thạnh Phú", "Bưởi"),
        ("HTX Thạnh Phú", "Xoài"),
    ]


def test_consumer_scans_of_the_period_count_bots_and_inspectors_do_not(session, issuing_key):
    product = key_product(session)
    code = issue_code(session, issuing_key, make_batch(session, product), RECENTLY)
    other = issue_code(session, issuing_key, make_batch(session, key_product(session)), RECENTLY)
    scan(session, code)
    scan(session, code, family="Zalo")
    scan(session, code, family="Bot")
    scan(session, code, is_inspection=True)
    scan(session, other)
    scan(session, code).scanned_at = datetime(2025, 11, 23, 16, 59, tzinfo=UTC)  # 23:59 in VN
    scan(session, code).scanned_at = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # the 25th
    session.flush()
    assert evidence_of(session, product).consumer_scans == 2


def test_inspections_of_the_period_are_counted_per_product(session, issuing_key):
    inspector = make_user(session, Role.INSPECTOR)
    product = key_product(session)
    batch = make_batch(session, product)
    other = make_batch(session, key_product(session))
    for when, inspected in (
        (datetime(2026, 5, 1, tzinfo=UTC), batch),
        (datetime(2026, 11, 24, 10, tzinfo=UTC), batch),
        (datetime(2025, 11, 1, tzinfo=UTC), batch),  # before the period
        (datetime(2026, 5, 1, tzinfo=UTC), other),
    ):
        inspect(session, inspector, inspected, when)
    assert evidence_of(session, product).inspections == 2
    assert commune_evidence(session, KE_SACH, TODAY).inspections == 3


def test_the_commune_verdict_and_share(session, issuing_key):
    empty = commune_evidence(session, KE_SACH, TODAY)
    assert (empty.share, empty.meets_indicator, empty.traced_count) == (None, False, 0)
    assert empty.commune.code == KE_SACH
    assert empty.commune.province_code == CAN_THO
    assert empty.as_of == TODAY

    traced = key_product(session)
    complete_batch(session, issuing_key, traced)
    assert commune_evidence(session, KE_SACH, TODAY).meets_indicator
    key_product(session)
    evidence = commune_evidence(session, KE_SACH, TODAY)
    assert (evidence.traced_count, evidence.share, evidence.meets_indicator) == (1, 0.5, False)
    assert (evidence.batch_count, evidence.complete_batches, evidence.labels_issued) == (1, 1, 1)


def test_the_day_defaults_to_today_in_vietnam(session):
    assert commune_evidence(session, KE_SACH).as_of == datetime.now(LOCAL_TIMEZONE).date()


def test_unknown_and_malformed_commune_codes_are_refused(session):
    with pytest.raises(NotFound):
        commune_evidence(session, "99999")
    with pytest.raises(InvalidInput) as refused:
        commune_evidence(session, "Kế Sách")
    assert "commune" in refused.value.errors
    # Codes written without their leading zero are the official ones all the same.
    assert commune_evidence(session, "5830").commune.code == "05830"


def test_the_province_overview_counts_key_products_and_traced_ones(session, issuing_key):
    ke_sach = make_cooperative(session, commune_code=KE_SACH)
    make_farming_area(session, ke_sach, commune_code=TRAN_DE)
    traced = key_product(session, ke_sach)
    complete_batch(session, issuing_key, traced)
    # One signed batch with no recorded step no longer counts.
    untraced = key_product(session, ke_sach)
    signed_only = make_batch(session, untraced, harvested_on=date(2026, 10, 1))
    issue_code(session, issuing_key, signed_only, RECENTLY)
    # A cooperative with no key product still puts its commune on the list.
    make_cooperative(session, commune_code="31135")

    overview = province_overview(session, CAN_THO, TODAY)

    by_code = {row.commune_code: row for row in overview.rows}
    assert (overview.province_code, overview.as_of) == (CAN_THO, TODAY)
    assert overview.province_name == "Thành phố Cần Thơ"
    assert set(by_code) >= {KE_SACH, TRAN_DE, "31135"}
    assert (by_code[KE_SACH].key_products, by_code[KE_SACH].traced) == (2, 1)
    assert by_code[KE_SACH].share == 0.5
    assert by_code[KE_SACH].commune_name == "Xã Kế Sách"
    assert (by_code[TRAN_DE].key_products, by_code[TRAN_DE].traced) == (2, 1)
    assert (by_code["31135"].key_products, by_code["31135"].share) == (0, None)
    assert overview.communes_meeting_indicator == 0
    every = province_overview(session, CAN_THO, TODAY, include_all=True)
    assert len(every.rows) == 103
    assert every.key_products == overview.key_products


def test_unknown_and_malformed_province_codes_are_refused(session):
    with pytest.raises(NotFound):
        province_overview(session, "99")
    with pytest.raises(InvalidInput):
        province_overview(session, "Cần Thơ")


def test_rows_sort_by_name_share_or_key_products(session, issuing_key):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    make_farming_area(session, cooperative, commune_code=TRAN_DE)
    traced = key_product(session, cooperative)
    complete_batch(session, issuing_key, traced)
    other = make_cooperative(session, commune_code=TRAN_DE)
    key_product(session, other)
    make_cooperative(session, commune_code="31135")
    rows = [
        row
        for row in province_overview(session, CAN_THO, TODAY).rows
        if row.commune_code in (KE_SACH, TRAN_DE, "31135")
    ]

    def codes(ordered):
        return [row.commune_code for row in ordered]

    assert codes(sort_rows(rows, "name")) == ["31135", KE_SACH, TRAN_DE]
    assert codes(sort_rows(rows, "name", descending=True)) == [TRAN_DE, KE_SACH, "31135"]
    assert codes(sort_rows(rows, "share", descending=True)) == [KE_SACH, TRAN_DE, "31135"]
    assert codes(sort_rows(rows, "share")) == [TRAN_DE, KE_SACH, "31135"]
    assert codes(sort_rows(rows, "key_products", descending=True)) == [TRAN_DE, KE_SACH, "31135"]
    with pytest.raises(InvalidInput):
        sort_rows(rows, "size")  # type: ignore[arg-type]


def test_a_commune_of_thirty_products_takes_a_handful_of_queries(session, issuing_key):
    cooperatives = [make_cooperative(session, commune_code=KE_SACH) for _ in range(3)]
    for number in range(30):
        product = key_product(session, cooperatives[number % 3])
        make_certificate(session, product.cooperative, products=[product])
        code = complete_batch(session, issuing_key, product)
        make_batch(session, product, harvested_on=date(2026, 11, 1))
        scan(session, code)
    session.expire_all()
    with statements(session) as sent:
        evidence = commune_evidence(session, KE_SACH, TODAY)
    assert len(evidence.products) == 30
    assert evidence.meets_indicator
    assert evidence.batch_count == 60
    assert len(sent) <= 9  # 8 for 13.4, 1 for 13.7's marketplace listings
    with statements(session) as sent:
        province_overview(session, CAN_THO, TODAY)
    assert len(sent) <= 5


def test_communes_sort_in_vietnamese_alphabetical_order():
    rows = [
        CommuneRow("31001", "Xã Đông Thuận", 1, 1),
        CommuneRow("31002", "Xã Zơ Râm", 1, 1),
        CommuneRow("31003", "Xã Duyên Hà", 1, 1),
        CommuneRow("31004", "Xã Ân Phú", 1, 1),
        CommuneRow("31005", "Xã An Phú", 1, 1),
    ]

    names = [row.commune_name for row in sort_rows(rows, "name")]

    assert names == ["Xã An Phú", "Xã Ân Phú", "Xã Duyên Hà", "Xã Đông Thuận", "Xã Zơ Râm"]
