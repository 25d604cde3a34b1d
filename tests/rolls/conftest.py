"""Rolls for the tests: a GTIN product of cooperative A, its batches, rolls printed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.factories import Tenants, make_batch, make_product
from trace.batches.models import Batch
from trace.jobs.models import Job, JobKind, JobState
from trace.jobs.running import run_job
from trace.registry.models import Product
from trace.rolls import services

GTIN = "08934567000017"
OTHER_GTIN = "08934567000024"


@dataclass(frozen=True)
class RollWorld:
    tenants: Tenants
    gtin_product: Product
    gtin_batch: Batch
    plain_batch: Batch
    other_gtin_batch: Batch
    batch_b: Batch


@pytest.fixture
def world(session, tenants) -> RollWorld:
    gtin_product = make_product(session, tenants.cooperative_a, gtin=GTIN, name="Gạo ST25 túi 5 kg")
    other = make_product(session, tenants.cooperative_a, gtin=OTHER_GTIN)
    product_b = make_product(session, tenants.cooperative_b)
    return RollWorld(
        tenants,
        gtin_product,
        make_batch(session, gtin_product),
        make_batch(session, tenants.product_a),
        make_batch(session, other),
        make_batch(session, product_b),
    )


def print_roll(session, user, target: str, count: int = 20):
    return services.create_roll(session, user, {"target": target, "count": str(count)})


def run_roll_job(app, session, queued) -> str:
    """Do the job a roll download was sent to (its 303), in this process; its public id."""
    assert queued.status_code == 303
    public_id = queued.headers["Location"].removeprefix("/jobs/")
    with app.app_context():
        run_job(public_id)
    job = session.scalars(select(Job).where(Job.public_id == public_id)).one()
    session.refresh(job)
    assert (job.state, job.kind) == (JobState.DONE, JobKind.ROLL_LABELS)
    return public_id
