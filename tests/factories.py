"""One-line factories for test data; every argument has a realistic default."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from trace.auth.models import Role, User
from trace.auth.passwords import hash_password
from trace.auth.services import create_user
from trace.batches.models import Batch, Event, EventBatch, EventBatchRole, EventType
from trace.common.clock import local_today
from trace.registry.models import (
    Certificate,
    CertificateScheme,
    Cooperative,
    FarmingArea,
    FarmingAreaKind,
    KeyProduct,
    KeyProductProposal,
    Product,
)
from trace.registry.product_links import ProductLink

TEST_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)

# Real 2025 communes: Phường Sóc Trăng (Cần Thơ) and Xã Đại Từ (Thái Nguyên).
SOC_TRANG = "31507"
DAI_TU = "05830"


def make_cooperative(session: Session, **values: Any) -> Cooperative:
    number = next(_sequence)
    cooperative = Cooperative(
        **{
            "name": f"HTX Thử nghiệm {number}",
            "tax_code": f"{2200000000 + number}",
            "code_prefix": f"T{number}",
            "commune_code": SOC_TRANG,
            **values,
        }
    )
    session.add(cooperative)
    session.flush()
    return cooperative


def make_product(
    session: Session, cooperative: Cooperative, is_key_product: bool = False, **values: Any
) -> Product:
    """A product; ``is_key_product`` puts it on the list of every commune where its
    cooperative is found now (address, live farming areas), as those communes' decision."""
    product = Product(
        **{"cooperative": cooperative, "name": f"Gạo ST25 {next(_sequence)}", **values}
    )
    session.add(product)
    session.flush()
    if is_key_product:
        communes = {cooperative.commune_code} | {
            area.commune_code for area in cooperative.farming_areas if area.archived_at is None
        }
        for commune_code in sorted(communes):
            make_key_product(session, product, commune_code)
        session.expire(product, ["is_key_product"])
    return product


def make_key_product(
    session: Session, product: Product, commune_code: str | None = None, **values: Any
) -> KeyProduct:
    """A product on a commune's list (its cooperative's commune unless named), by decision."""
    entry = KeyProduct(
        **{
            "commune_code": commune_code or product.cooperative.commune_code,
            "product_id": product.id,
            "decision_number": f"{next(_sequence)}/QĐ-UBND",
            "decided_on": date(2026, 3, 2),
            "note": "",
            "removal_reason": "",
            **values,
        }
    )
    session.add(entry)
    session.flush()
    return entry


def make_key_product_proposal(
    session: Session, product: Product, proposed_by: User, **values: Any
) -> KeyProductProposal:
    """A pending proposal of ``product`` to its cooperative's commune."""
    proposal = KeyProductProposal(
        **{
            "commune_code": product.cooperative.commune_code,
            "product_id": product.id,
            "proposed_by_id": proposed_by.id,
            "note": "",
            "decline_reason": "",
            **values,
        }
    )
    session.add(proposal)
    session.flush()
    return proposal


def make_farming_area(session: Session, cooperative: Cooperative, **values: Any) -> FarmingArea:
    area = FarmingArea(
        **{
            "cooperative": cooperative,
            "code": f"VN-STRG-{next(_sequence):04d}",
            "name": "Cánh đồng lớn",
            "kind": FarmingAreaKind.CROP,
            "commune_code": cooperative.commune_code,
            "latitude": Decimal("9.603"),
            "longitude": Decimal("105.974"),
            **values,
        }
    )
    session.add(area)
    session.flush()
    return area


# Before the earliest harvest a test records: a certificate made by default covers them all.
CERTIFIED_SINCE = date(2025, 6, 1)


def _validity(valid_from: date | None, valid_to: date | None) -> dict[str, date]:
    """Dates valid on the day the tests run, whenever that is (a fixed end turned
    "expiring", then "expired", as time went by): from before every harvest the tests
    record (2026) to most of a year ahead, the side not given kept on the right side of
    the one given."""
    start = CERTIFIED_SINCE
    end = local_today() + timedelta(days=335)
    if valid_to is not None:
        start = min(start, valid_to - timedelta(days=1))
    if valid_from is not None:
        end = max(end, valid_from + timedelta(days=1))
    return {"valid_from": start, "valid_to": end}


def make_certificate(session: Session, cooperative: Cooperative, **values: Any) -> Certificate:
    certificate = Certificate(
        **{
            "cooperative": cooperative,
            "scheme": CertificateScheme.VIETGAP,
            "number": f"VietGAP-TT-{next(_sequence):05d}",
            "issuer": "Trung tâm Chứng nhận Phù hợp (Quacert)",
            **_validity(values.get("valid_from"), values.get("valid_to")),
            **values,
        }
    )
    session.add(certificate)
    session.flush()
    return certificate


def make_batch(session: Session, product: Product, **values: Any) -> Batch:
    """A batch of ``product`` straight into the database (no audit record: use the service
    where the test is about registering one). It gets a farming area of its cooperative."""
    lot = values.pop("lot", f"L{next(_sequence):05d}")
    if "farming_areas" not in values:
        values["farming_areas"] = [make_farming_area(session, product.cooperative)]
    batch = Batch(
        **{
            "cooperative_id": product.cooperative_id,
            "product": product,
            "lot": lot,
            "code": f"{product.cooperative.code_prefix}-{lot}",
            **values,
        }
    )
    session.add(batch)
    session.flush()
    return batch


def make_product_link(session: Session, product: Product, **values: Any) -> ProductLink:
    """A link of ``product`` (on Shopee by default) straight into the database, last."""
    link = ProductLink(
        **{
            "product_id": product.id,
            "link_type": "gs1:hasRetailers",
            "href": f"https://shopee.vn/item-{next(_sequence)}",
            "title_vi": "Shopee",
            "title_en": "Shopee",
            "position": next(_sequence),
            **values,
        }
    )
    session.add(link)
    session.flush()
    return link


def make_event(session: Session, batch: Batch, **values: Any) -> Event:
    """An event on ``batch`` straight into the database; packing at an address by default."""
    event = Event(
        **{
            "cooperative_id": batch.cooperative_id,
            "type": EventType.PACKING,
            "occurred_at": datetime(2026, 11, 18, 3, 0, tzinfo=UTC),
            "address": "Xưởng đóng gói",
            "links": [EventBatch(batch=batch, role=EventBatchRole.SUBJECT)],
            **values,
        }
    )
    session.add(event)
    session.flush()
    return event


def make_user(session: Session, role: Role, **values: Any) -> User:
    cooperative: Cooperative | None = values.pop("cooperative", None)
    return create_user(
        session,
        email=values.pop("email", f"user{next(_sequence)}@example.vn"),
        password=values.pop("password", TEST_PASSWORD),
        role=role,
        cooperative_tax_code=cooperative.tax_code if cooperative else None,
        **values,
    )


@dataclass
class Tenants:
    """Two cooperatives, staff and an officer for each, the other roles, and records of A."""

    cooperative_a: Cooperative
    cooperative_b: Cooperative
    operator: User
    staff_a: User
    staff_b: User
    inspector: User
    officer_a: User
    officer_b: User
    product_a: Product
    farming_area_a: FarmingArea
    certificate_a: Certificate

    def user(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


def make_tenants(session: Session) -> Tenants:
    """The users are built directly, with one password hash and one flush: through
    ``create_user`` (two queries, a hash and a flush each) they took half the time of every
    test that uses the tenants. ``tests/auth`` covers ``create_user`` itself."""
    cooperative_a = make_cooperative(session, commune_code=SOC_TRANG)
    cooperative_b = make_cooperative(session, commune_code=DAI_TU)
    users = [
        _tenant_user(Role.OPERATOR),
        _tenant_user(Role.COOPERATIVE, cooperative=cooperative_a),
        _tenant_user(Role.COOPERATIVE, cooperative=cooperative_b),
        _tenant_user(Role.INSPECTOR),
        _tenant_user(Role.COMMUNE_OFFICER, commune_code=SOC_TRANG),
        _tenant_user(Role.COMMUNE_OFFICER, commune_code=DAI_TU),
    ]
    session.add_all(users)
    session.flush()
    operator, staff_a, staff_b, inspector, officer_a, officer_b = users
    return Tenants(
        cooperative_a=cooperative_a,
        cooperative_b=cooperative_b,
        operator=operator,
        staff_a=staff_a,
        staff_b=staff_b,
        inspector=inspector,
        officer_a=officer_a,
        officer_b=officer_b,
        product_a=make_product(session, cooperative_a),
        farming_area_a=make_farming_area(session, cooperative_a),
        # Fixed dates: the certificate tests judge its status on days around them.
        certificate_a=make_certificate(
            session, cooperative_a, valid_from=date(2025, 6, 1), valid_to=date(2027, 5, 31)
        ),
    )


def _tenant_user(role: Role, **values: Any) -> User:
    """A user as ``create_user`` would store it, signing in with ``TEST_PASSWORD``."""
    return User(
        email=f"user{next(_sequence)}@example.vn",
        display_name="",
        password_hash=hashed_test_password(),
        role=role,
        **values,
    )


_password_hashes: dict[tuple[tuple[str, Any], ...], str] = {}


def hashed_test_password() -> str:
    """``TEST_PASSWORD`` hashed once per set of hashing parameters (any salt verifies)."""
    parameters = tuple(sorted(current_app.config["PASSWORD_HASH_PARAMETERS"].items()))
    if parameters not in _password_hashes:
        _password_hashes[parameters] = hash_password(TEST_PASSWORD)
    return _password_hashes[parameters]


def make_upload(session: Session, cooperative: Cooperative, **values: Any) -> Any:
    """A stored upload (a small PNG unless ``data`` is given), file written and row flushed.

    The file goes to the app's ``TRACE_UPLOAD_DIR``; it is removed again when the test's
    session ends without committing.
    """
    import io

    from PIL import Image

    from trace.uploads.models import UploadPurpose
    from trace.uploads.services import store_upload

    data = values.pop("data", None)
    if data is None:
        output = io.BytesIO()
        Image.new("RGB", (40, 30), (30, 140, 60)).save(output, "PNG")
        data = output.getvalue()
    return store_upload(
        session,
        data=data,
        filename=values.pop("filename", "ảnh.png"),
        purpose=values.pop("purpose", UploadPurpose.PRODUCT_IMAGE),
        cooperative_id=cooperative.id,
    )


def make_job(session: Session, cooperative: Cooperative, user: User, **values: Any) -> Any:
    """A finished label run of ``cooperative`` started by ``user``, its download on disk
    (in the app's ``TRACE_UPLOAD_DIR``) until ``expires_at``, a day from now by default."""
    import secrets
    from datetime import timedelta

    from trace.jobs import files
    from trace.jobs.models import Job, JobKind, JobState

    now = datetime.now(UTC)
    job = Job(
        public_id=secrets.token_urlsafe(16),
        kind=values.pop("kind", JobKind.LABELS),
        state=values.pop("state", JobState.DONE),
        cooperative_id=cooperative.id,
        user_id=user.id,
        parameters=values.pop("parameters", {"language": "vi", "batch_id": 1, "options": {}}),
        done=values.pop("done", 24),
        total=values.pop("total", 24),
        result_name=values.pop("result_name", "tem-lo.pdf"),
        result_media_type=values.pop("result_media_type", "application/pdf"),
        started_at=now,
        finished_at=now,
        expires_at=values.pop("expires_at", now + timedelta(hours=24)),
        **values,
    )
    session.add(job)
    session.flush()
    path = files.result_path(job.public_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 a job's file")
    return job
