"""A batch's Circular 02/2024 checklist: each item detected missing, a complete batch, and
the same few statements for one batch or many."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import TEST_KEY_PASSPHRASE
from tests.factories import (
    make_batch,
    make_certificate,
    make_cooperative,
    make_event,
    make_farming_area,
    make_product,
    make_upload,
)
from tests.indicator.conftest import issue_code
from tests.scan_fixtures import statements
from trace.batches.models import Batch, EventBatch, EventBatchRole, EventType
from trace.batches.services.completeness import (
    Item,
    batch_completeness,
    completeness_of,
)
from trace.registry.models import CertificateScheme
from trace.signing import services as keys

HARVEST = date(2026, 10, 2)


@pytest.fixture
def key(session):
    return keys.create_key(session, TEST_KEY_PASSPHRASE.encode())


def complete_batch(session, key, **batch_values):
    """A batch with every item of the circular."""
    cooperative = make_cooperative(session, street_address="Ấp Giồng Chát")
    product = make_product(session, cooperative)
    product.image_upload_id = make_upload(session, cooperative).id
    certificate = make_certificate(session, cooperative, products=[product])
    values = {"harvested_on": HARVEST, "packed_on": HARVEST, "expires_on": date(2027, 4, 1)}
    batch = make_batch(session, product, **{**values, **batch_values})
    make_event(session, batch, type=EventType.HARVEST, farming_area=batch.farming_areas[0])
    issue_code(session, key, batch, datetime(2026, 10, 3, tzinfo=UTC))
    session.flush()
    return batch, certificate


def test_a_batch_with_every_item_is_complete(session, key):
    batch, certificate = complete_batch(session, key)
    found = completeness_of(session, batch.id)
    assert found.is_complete
    assert [check.item for check in found.checks] == list(Item)
    assert all(check.met and check.fix is None for check in found.checks)
    assert found.facts.valid_certificates == (certificate.number,)


def missing_after(session, batch) -> tuple[Item, ...]:
    session.flush()
    session.expire_all()
    return completeness_of(session, batch.id).missing


def test_a_product_without_an_image_misses_it(session, key):
    batch, _ = complete_batch(session, key)
    batch.product.image_upload_id = None
    assert missing_after(session, batch) == (Item.PRODUCT_IMAGE,)
    fix = completeness_of(session, batch.id).checks[1].fix
    assert (fix.endpoint, fix.arguments) == (
        "registry.edit_product",
        {"product_id": batch.product_id},
    )


def test_a_producer_without_a_street_address_misses_it(session, key):
    batch, _ = complete_batch(session, key)
    batch.cooperative.street_address = "  "
    assert missing_after(session, batch) == (Item.PRODUCER_ADDRESS,)
    [check] = [c for c in completeness_of(session, batch.id).checks if not c.met]
    assert check.fix.endpoint == "registry.edit_cooperative"
    assert check.fix.arguments == {"cooperative_id": batch.cooperative_id}


def test_a_batch_with_no_harvest_or_processing_step_misses_the_stages(session, key):
    batch, _ = complete_batch(session, key)
    [harvest] = [link.event for link in session.query(EventBatch).filter_by(batch_id=batch.id)]
    harvest.type = EventType.PACKING  # a packing step alone is not the production step
    assert missing_after(session, batch) == (Item.PRODUCTION_STEP,)
    [check] = [c for c in completeness_of(session, batch.id).checks if not c.met]
    assert (check.fix.endpoint, check.fix.arguments) == (
        "batches.new_event",
        {"batch_id": batch.id, "type": "harvest"},
    )


def test_the_output_of_processing_has_its_production_step(session, key):
    batch, _ = complete_batch(session, key)
    [link] = session.query(EventBatch).filter_by(batch_id=batch.id).all()
    link.event.type = EventType.PROCESSING
    link.role = EventBatchRole.OUTPUT
    assert missing_after(session, batch) == ()
    link.role = EventBatchRole.INPUT  # an input of someone else's processing is not
    assert missing_after(session, batch) == (Item.PRODUCTION_STEP,)


def test_a_batch_without_dates_misses_the_production_time(session, key):
    batch, _ = complete_batch(session, key)
    batch.harvested_on = batch.packed_on = None
    # Judged on its registration day (today), the certificate is still valid.
    assert missing_after(session, batch) == (Item.PRODUCTION_TIME,)


def test_a_packing_day_alone_is_a_production_time(session, key):
    batch, _ = complete_batch(session, key, harvested_on=None)
    assert missing_after(session, batch) == ()


def test_a_batch_without_label_codes_misses_the_traceability_code(session, key):
    cooperative = make_cooperative(session, street_address="Ấp 3")
    product = make_product(
        session, cooperative, image_upload_id=make_upload(session, cooperative).id
    )
    make_certificate(session, cooperative, products=[product])
    batch = make_batch(session, product, harvested_on=HARVEST, expires_on=date(2027, 1, 1))
    make_event(session, batch, type=EventType.HARVEST)
    assert missing_after(session, batch) == (Item.TRACEABILITY_CODE,)
    [check] = [c for c in completeness_of(session, batch.id).checks if not c.met]
    assert (check.fix.endpoint, check.fix.arguments) == ("printing.labels", {"batch_id": batch.id})


def test_a_batch_without_expiry_misses_the_shelf_life(session, key):
    batch, _ = complete_batch(session, key, expires_on=None)
    assert missing_after(session, batch) == (Item.SHELF_LIFE,)


@pytest.mark.parametrize(
    "certificate_values",
    [
        {"valid_from": date(2024, 1, 1), "valid_to": date(2025, 12, 31)},  # expired by then
        {"valid_from": date(2026, 11, 1), "valid_to": date(2028, 10, 31)},  # not yet valid
        {"revoked_at": datetime(2026, 11, 1, tzinfo=UTC)},
        {"archived_at": datetime(2026, 11, 1, tzinfo=UTC)},
    ],
)
def test_a_certificate_not_valid_on_the_batch_day_is_no_standard(session, key, certificate_values):
    batch, certificate = complete_batch(session, key)
    for name, value in certificate_values.items():
        setattr(certificate, name, value)
    assert missing_after(session, batch) == (Item.STANDARDS,)
    [check] = [c for c in completeness_of(session, batch.id).checks if not c.met]
    assert (check.fix.endpoint, check.fix.arguments) == ("registry.new_certificate", {})


def test_a_certificate_of_the_farming_area_or_the_ocop_award_is_a_standard(session, key):
    batch, certificate = complete_batch(session, key)
    certificate.products = []
    assert missing_after(session, batch) == (Item.STANDARDS,)
    certificate.farming_areas = list(batch.farming_areas)
    assert missing_after(session, batch) == ()
    certificate.farming_areas = []
    ocop = make_certificate(session, batch.cooperative, scheme=CertificateScheme.OCOP)
    batch.product.ocop_stars, batch.product.ocop_certificate_id = 4, ocop.id
    assert missing_after(session, batch) == ()
    assert completeness_of(session, batch.id).facts.valid_certificates == (ocop.number,)


def test_another_cooperatives_certificate_never_counts(session, key):
    batch, certificate = complete_batch(session, key)
    certificate.products = []
    other = make_cooperative(session)
    make_certificate(session, other, farming_areas=[make_farming_area(session, other)])
    assert missing_after(session, batch) == (Item.STANDARDS,)


def test_a_bare_batch_misses_everything_but_the_names(session, key):
    product = make_product(session, make_cooperative(session))
    batch = make_batch(session, product)
    assert missing_after(session, batch) == (
        Item.PRODUCT_IMAGE,
        Item.PRODUCER_ADDRESS,
        Item.PRODUCTION_STEP,
        Item.PRODUCTION_TIME,
        Item.TRACEABILITY_CODE,
        Item.SHELF_LIFE,
        Item.STANDARDS,
    )


def test_many_batches_cost_two_statements(session, key):
    batches = [complete_batch(session, key)[0] for _ in range(3)]
    bare = make_batch(session, make_product(session, make_cooperative(session)))
    ids = [batch.id for batch in [*batches, bare]]
    with statements(session) as sent:
        found = batch_completeness(session, Batch.id.in_(ids))
    assert len(sent) == 2
    assert [c.facts.batch_id for c in found] == ids
    assert [c.is_complete for c in found] == [True, True, True, False]
