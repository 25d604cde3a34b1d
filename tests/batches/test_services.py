"""Batch services: registering, listing, changing, certificates that apply; both databases.

Every refused input names the field at fault and leaves no batch, event or audit record.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.batches.conftest import HARVEST_DAY, batch_values, row_counts
from tests.factories import (
    make_batch,
    make_certificate,
    make_farming_area,
    make_product,
)
from tests.query_plans import query_plan
from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import batch_history
from trace.batches.models import BatchStatus
from trace.batches.services import batches
from trace.batches.services.batches import BatchQuery
from trace.batches.services.recall import recall_batch
from trace.common.clock import local_today
from trace.errors import AccessDenied, Conflict, InvalidInput, NotFound
from trace.registry.validation import CertificateStatus


def refused_fields(session, call) -> set[str]:
    before = row_counts(session)
    with pytest.raises(InvalidInput) as refused:
        call()
    assert row_counts(session) == before
    return set(refused.value.errors)


def test_registering_generates_the_lot_from_the_product_code_and_day(session, tenants):
    tenants.product_a.code = "ST25"
    first = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    second = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    assert (first.lot, second.lot) == ("ST25-261118-01", "ST25-261118-02")
    assert first.code == f"{tenants.cooperative_a.code_prefix}-ST25-261118-01"
    assert first.farming_areas == [tenants.farming_area_a]
    assert first.quantity == Decimal("1200.5")
    assert first.status is BatchStatus.ACTIVE


def test_without_a_product_code_the_lot_starts_with_a_word_of_the_name(session, tenants):
    product = make_product(session, tenants.cooperative_a, name="Chè búp Tân Cương")
    batch = batches.create_batch(
        session, tenants.staff_a, batch_values(tenants, product_id=product.id)
    )
    assert batch.lot == "CBTC-261118-01"


def test_a_batch_without_dates_takes_todays_lot_and_the_product_unit(session, tenants):
    tenants.product_a.unit = "túi"
    values = batch_values(tenants, harvested_on=None, packed_on=None, unit="")
    batch = batches.create_batch(session, tenants.staff_a, values)
    assert f"-{local_today():%y%m%d}-01" in batch.lot
    assert batch.unit == "túi"


def test_expiry_defaults_to_the_shelf_life_from_packing(session, tenants):
    tenants.product_a.shelf_life_days = 365
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    assert batch.expires_on == date(2026, 11, 19) + timedelta(days=365)
    given = batches.create_batch(
        session, tenants.staff_a, batch_values(tenants, expires_on=date(2027, 1, 1))
    )
    assert given.expires_on == date(2027, 1, 1)


def test_a_given_lot_is_kept_and_must_be_unique_within_the_cooperative(session, tenants):
    batches.create_batch(session, tenants.staff_a, batch_values(tenants, lot="A-01"))
    other_product = make_product(session, tenants.cooperative_a)
    fields = refused_fields(
        session,
        lambda: batches.create_batch(
            session, tenants.staff_a, batch_values(tenants, lot="A-01", product_id=other_product.id)
        ),
    )
    assert fields == {"lot"}
    product_b = make_product(session, tenants.cooperative_b)
    area_b = make_farming_area(session, tenants.cooperative_b)
    values = {"product_id": product_b.id, "farming_area_ids": [area_b.id], "lot": "A-01"}
    assert batches.create_batch(session, tenants.staff_b, values).lot == "A-01"


@pytest.mark.parametrize(
    "changes",
    [
        {"lot": "ST25 261118"},
        {"lot": "Lô-01"},
        {"lot": "x" * 21},
        {"lot": "a/b"},
        {"lot": 12},
        {"product_id": None},
        {"product_id": "1"},
        {"farming_area_ids": []},
        {"farming_area_ids": [999999]},
        {"farming_area_ids": "1"},
        {"harvested_on": "2026-11-18"},
        {"packed_on": date(2026, 11, 1)},
        {"expires_on": date(2026, 11, 19)},
        {"quantity": "0"},
        {"quantity": -5},
        {"quantity": "NaN"},
        {"quantity": "1.0001"},
        {"quantity": "abc"},
        {"quantity": True},
        {"unit": "k\x00g"},
    ],
)
def test_bad_values_are_refused_naming_their_field(session, tenants, changes):
    field = next(iter(changes))
    expected = {"packed_on" if field == "packed_on" else field}
    fields = refused_fields(
        session,
        lambda: batches.create_batch(session, tenants.staff_a, batch_values(tenants, **changes)),
    )
    assert fields == expected


def test_a_harvest_after_today_is_refused(session, tenants):
    """Tomorrow is taken when the test runs: a suite that crosses midnight keeps its meaning."""
    tomorrow = local_today() + timedelta(days=1)
    fields = refused_fields(
        session,
        lambda: batches.create_batch(
            session, tenants.staff_a, batch_values(tenants, harvested_on=tomorrow)
        ),
    )
    assert fields == {"harvested_on"}


def test_records_of_another_cooperative_cannot_be_used(session, tenants):
    product_b = make_product(session, tenants.cooperative_b)
    area_b = make_farming_area(session, tenants.cooperative_b)
    fields = refused_fields(
        session,
        lambda: batches.create_batch(
            session,
            tenants.staff_a,
            batch_values(tenants, product_id=product_b.id, farming_area_ids=[area_b.id]),
        ),
    )
    assert fields == {"product_id", "farming_area_ids"}


def test_archived_products_and_areas_take_no_new_batches(session, tenants):
    tenants.product_a.archived_at = tenants.product_a.created_at
    tenants.farming_area_a.archived_at = tenants.farming_area_a.created_at
    fields = refused_fields(
        session, lambda: batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    )
    assert fields == {"product_id", "farming_area_ids"}


def test_read_only_roles_cannot_register_and_operators_name_the_cooperative(session, tenants):
    for reader in (tenants.inspector, tenants.officer_a):
        with pytest.raises(AccessDenied):
            batches.create_batch(session, reader, batch_values(tenants))
    with pytest.raises(InvalidInput) as refused:
        batches.create_batch(session, tenants.operator, batch_values(tenants))
    assert set(refused.value.errors) == {"cooperative_id"}
    values = batch_values(tenants, cooperative_id=tenants.cooperative_a.id)
    assert batches.create_batch(session, tenants.operator, values).cooperative_id == (
        tenants.cooperative_a.id
    )


def test_staff_naming_another_cooperative_are_refused(session, tenants):
    values = batch_values(tenants, cooperative_id=tenants.cooperative_b.id)
    with pytest.raises(NotFound):
        batches.create_batch(session, tenants.staff_a, values)


def test_registering_writes_an_audit_record_with_the_values(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants, lot="L-1"))
    [record] = batch_history(session, batch.id)
    assert record.action is AuditAction.CREATED
    assert record.subject is AuditSubject.BATCH
    assert record.actor == tenants.staff_a.email
    assert record.user_id == tenants.staff_a.id
    assert record.changes["lot"] == [None, "L-1"]
    assert record.changes["quantity"] == [None, "1200.5"]
    assert record.changes["farming_areas"] == [None, [tenants.farming_area_a.code]]


def test_changing_a_batch_records_what_changed(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    second_area = make_farming_area(session, tenants.cooperative_a)
    batches.update_batch(
        session,
        tenants.staff_a,
        batch.id,
        {"quantity": "1000", "farming_area_ids": [tenants.farming_area_a.id, second_area.id]},
    )
    latest = batch_history(session, batch.id)[0]
    assert latest.action is AuditAction.CHANGED
    assert latest.changes == {
        "quantity": ["1200.5", "1000"],
        "farming_areas": [
            [tenants.farming_area_a.code],
            sorted([tenants.farming_area_a.code, second_area.code]),
        ],
    }
    batches.update_batch(session, tenants.staff_a, batch.id, {"quantity": "1000"})
    assert len(batch_history(session, batch.id)) == 2, "no change, no record"


def test_the_product_and_lot_of_a_batch_never_change(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    other = make_product(session, tenants.cooperative_a)
    fields = refused_fields(
        session,
        lambda: batches.update_batch(
            session, tenants.staff_a, batch.id, {"product_id": other.id, "lot": "NEW"}
        ),
    )
    assert fields == {"product_id", "lot"}
    batches.update_batch(session, tenants.staff_a, batch.id, {"lot": batch.lot})


def test_bad_changes_leave_the_batch_as_it_was(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    fields = refused_fields(
        session,
        lambda: batches.update_batch(
            session,
            tenants.staff_a,
            batch.id,
            {"harvested_on": date(2026, 11, 20), "quantity": "-1", "farming_area_ids": []},
        ),
    )
    assert fields == {"packed_on", "quantity", "farming_area_ids"}
    assert batch.harvested_on == HARVEST_DAY
    assert batch.quantity == Decimal("1200.5")


def test_another_tenant_cannot_see_or_change_a_batch(session, tenants):
    batch = make_batch(session, tenants.product_a)
    for outsider in (tenants.staff_b, tenants.officer_b):
        with pytest.raises(NotFound):
            batches.get_batch(session, outsider, batch.id)
    with pytest.raises(NotFound):
        batches.update_batch(session, tenants.staff_b, batch.id, {"quantity": 1})
    for reader in (tenants.inspector, tenants.officer_a):
        assert batches.get_batch(session, reader, batch.id) is batch
        with pytest.raises(AccessDenied):
            batches.update_batch(session, reader, batch.id, {"quantity": 1})


def test_a_recalled_batch_cannot_be_changed(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    recall_batch(session, tenants.staff_a, batch.id, "Dư lượng thuốc trừ sâu vượt ngưỡng")
    with pytest.raises(Conflict):
        batches.update_batch(session, tenants.staff_a, batch.id, {"quantity": 1})


def test_lists_are_scoped_searched_and_filtered(session, tenants):
    rice = make_batch(session, tenants.product_a, lot="ST25-A")
    recalled = make_batch(session, tenants.product_a, lot="ST25-B")
    recall_batch(session, tenants.staff_a, recalled.id, "Nhãn in sai")
    make_batch(session, make_product(session, tenants.cooperative_b), lot="ST25-C")

    def codes(user, **query) -> list[str]:
        return [b.lot for b in batches.list_batches(session, user, BatchQuery(**query)).items]

    assert sorted(codes(tenants.staff_a)) == ["ST25-A", "ST25-B"]
    assert sorted(codes(tenants.operator)) == ["ST25-A", "ST25-B", "ST25-C"]
    assert codes(tenants.staff_a, status=BatchStatus.RECALLED) == ["ST25-B"]
    assert codes(tenants.staff_a, search="st25-a") == ["ST25-A"]
    assert codes(tenants.staff_a, search=tenants.product_a.name[:6].lower()) != []
    assert codes(tenants.staff_a, search="%") == []
    assert codes(tenants.officer_b) == ["ST25-C"]
    assert rice.lot in codes(tenants.officer_a)
    assert "ST25-C" not in codes(tenants.officer_a)


def test_certificates_apply_by_product_or_area_and_are_judged_on_the_harvest_day(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    until_may_2027 = {"valid_from": date(2025, 6, 1), "valid_to": date(2027, 5, 31)}
    by_product = make_certificate(
        session, tenants.cooperative_a, products=[tenants.product_a], **until_may_2027
    )
    by_area = make_certificate(
        session, tenants.cooperative_a, farming_areas=[tenants.farming_area_a], **until_may_2027
    )
    expired_before_harvest = make_certificate(
        session,
        tenants.cooperative_a,
        products=[tenants.product_a],
        valid_from=date(2024, 1, 1),
        valid_to=HARVEST_DAY - timedelta(days=1),
    )
    make_certificate(session, tenants.cooperative_a)  # covers neither
    make_certificate(session, tenants.cooperative_b, valid_to=date(2030, 1, 1))
    applied = {
        a.certificate.id: a
        for a in batches.applied_certificates(session, batch, today=date(2026, 12, 1))
    }
    assert set(applied) == {by_product.id, by_area.id, expired_before_harvest.id}
    assert applied[by_product.id].was_valid_at_harvest
    assert applied[expired_before_harvest.id].status_at_harvest is CertificateStatus.EXPIRED
    assert not applied[expired_before_harvest.id].was_valid_at_harvest
    later = batches.applied_certificates(session, batch, today=date(2027, 6, 1))
    assert {a.status_today for a in later} == {CertificateStatus.EXPIRED}


def test_a_certificate_issued_after_the_harvest_does_not_cover_it(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    make_certificate(
        session, tenants.cooperative_a, products=[tenants.product_a], valid_from=date(2026, 11, 20)
    )
    [applied] = batches.applied_certificates(session, batch, today=date(2026, 12, 1))
    assert applied.status_at_harvest is CertificateStatus.NOT_YET_VALID
    assert applied.status_today is CertificateStatus.VALID


def test_a_batchs_certificates_are_found_through_indexes(session):
    """By product and by farming area, each link table is searched through an index of its
    own, not read whole (as SQLite did) or indexed anew on every page view."""
    details = query_plan(
        session.connection(),
        batches.CERTIFICATES_OF_BATCH,
        {"cooperative_id": 1, "product_id": 1, "batch_id": 1},
    )
    assert "ix_certificate_products_product_id" in details
    assert "ix_certificate_farming_areas_farming_area_id" in details
    assert "AUTOMATIC" not in details


def test_the_command_line_registers_without_a_user(session, tenants):
    values = batch_values(tenants, cooperative_id=tenants.cooperative_a.id)
    batch = batches.create_batch(session, None, values)
    [record] = batch_history(session, batch.id)
    assert (record.user_id, record.actor) == (None, "command line")
