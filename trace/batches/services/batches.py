"""Batches: register, list, change and recall them; the certificates that apply to one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, json_value, record_audit, snapshot
from trace.auth.access import ensure_can_write, get_for_caller, scope_to_caller
from trace.auth.models import User
from trace.batches import rules
from trace.batches.models import Batch, BatchStatus, batch_farming_areas
from trace.batches.services import issuing
from trace.batches.services.common import check_date, check_ids, check_quantity, own_farming_areas
from trace.common.clock import LOCAL_TIMEZONE, local_today
from trace.common.field_errors import FieldErrors, present
from trace.common.pagination import MAX_PER_PAGE, Page
from trace.errors import Conflict
from trace.registry.models import (
    Certificate,
    Cooperative,
    Product,
    certificate_farming_areas,
    certificate_products,
)
from trace.registry.services.certificates import status_on
from trace.registry.services.records import owning_cooperative_id
from trace.registry.validation import CertificateStatus

# What an audit record of a batch compares, before and after.
AUDITED_FIELDS = (
    "product_id",
    "lot",
    "code",
    "farming_areas",
    "harvested_on",
    "packed_on",
    "expires_on",
    "quantity",
    "unit",
    "status",
    "recall_reason",
)
CHANGEABLE_FIELDS = (
    "farming_area_ids",
    "harvested_on",
    "packed_on",
    "expires_on",
    "quantity",
    "unit",
)
VALID_STATUSES = frozenset({CertificateStatus.VALID, CertificateStatus.EXPIRING})
# Where ``preload_applied_certificates`` leaves a page's certificates in the session's info.
_PRELOADED_CERTIFICATES = "trace.batches.preloaded_certificates"


@dataclass
class BatchQuery:
    """What a caller may ask of the batch list."""

    search: str = ""
    status: BatchStatus | None = None
    product_id: int | None = None
    cooperative_id: int | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class AppliedCertificate:
    """A certificate whose scope covers a batch, judged on its harvest day and today."""

    certificate: Certificate
    status_at_harvest: CertificateStatus
    status_today: CertificateStatus

    @property
    def was_valid_at_harvest(self) -> bool:
        return self.status_at_harvest in VALID_STATUSES


def list_batches(session: Session, user: User, query: BatchQuery) -> Page[Batch]:
    """The batches the caller may read, newest first, filtered and paginated."""
    statement: Select[tuple[Batch]] = scope_to_caller(select(Batch), Batch, user)
    if query.status is not None:
        statement = statement.where(Batch.status == query.status)
    if query.product_id is not None:
        statement = statement.where(Batch.product_id == query.product_id)
    if query.cooperative_id is not None:
        statement = statement.where(Batch.cooperative_id == query.cooperative_id)
    if query.search.strip():
        search = query.search.strip().lower()
        statement = statement.join(Batch.product).where(
            or_(
                *(
                    func.lower(column).contains(search, autoescape=True)
                    for column in (Batch.code, Batch.lot, Product.name)
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    page = max(1, query.page)
    items = session.scalars(
        statement.order_by(Batch.created_at.desc(), Batch.id.desc())
        .options(
            joinedload(Batch.product).selectinload(Product.links),
            joinedload(Batch.cooperative),
            selectinload(Batch.farming_areas),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def get_batch(session: Session, user: User, batch_id: int) -> Batch:
    return get_for_caller(session, Batch, batch_id, user)


def get_batch_for_writing(session: Session, user: User, batch_id: int) -> Batch:
    """A batch the caller may change: 404 if they cannot see it, 403 if they may only read it."""
    batch = get_for_caller(session, Batch, batch_id, user)
    ensure_can_write(user, batch.cooperative_id)
    return batch


def create_batch(session: Session, user: User | None, values: Mapping[str, Any]) -> Batch:
    """Register a batch; the lot is generated and the expiry derived when not given.

    ``user`` is None only for the command line, which names the cooperative itself.
    """
    cooperative_id = (
        owning_cooperative_id(session, user, values.get("cooperative_id"))
        if user is not None
        else int(values["cooperative_id"])
    )
    cooperative = present(session.get(Cooperative, cooperative_id))
    errors = FieldErrors()
    product = _own_product(session, errors, values.get("product_id"), cooperative_id)
    area_ids = check_ids(errors, "farming_area_ids", values.get("farming_area_ids"))
    areas = own_farming_areas(session, errors, "farming_area_ids", area_ids, cooperative_id)
    if not area_ids:
        errors.add("farming_area_ids", _l("Choose at least one farming area."))
    dates = check_dates(errors, values)
    quantity = check_quantity(errors, "quantity", values.get("quantity"))
    unit = errors.text("unit", values.get("unit") or (product.unit if product else "kg"), 30)
    lot = _lot(session, errors, cooperative, product, values.get("lot"), dates)
    errors.raise_if_any()
    product, lot = present(product), present(lot)
    expires_on = dates["expires_on"] or rules.default_expiry(
        product.shelf_life_days, dates["packed_on"], dates["harvested_on"]
    )
    signer = issuing.signer_for(session)  # before any write: no key, no batch
    batch = Batch(
        cooperative_id=cooperative_id,
        product=product,
        lot=lot,
        code=rules.batch_code(cooperative.code_prefix, lot),
        farming_areas=list(areas),
        harvested_on=dates["harvested_on"],
        packed_on=dates["packed_on"],
        expires_on=expires_on,
        quantity=quantity,
        unit=unit or product.unit,
        status=BatchStatus.ACTIVE,
        recall_reason="",
    )
    session.add(batch)
    session.flush()
    audit_batch(session, user, batch, AuditAction.CREATED, {}, snapshot(batch, AUDITED_FIELDS))
    issuing.issue_batch_code(session, batch, signer)
    return batch


def update_batch(session: Session, user: User, batch_id: int, changes: Mapping[str, Any]) -> Batch:
    """Change the given facts of a batch; its product and lot stay, as labels carry them."""
    batch = get_batch_for_writing(session, user, batch_id)
    if batch.is_recalled:
        raise Conflict(_l("A recalled batch cannot be changed."))
    before = snapshot(batch, AUDITED_FIELDS)
    errors = FieldErrors()
    for name in ("product_id", "lot"):
        if name in changes and json_value(changes[name]) != before[name]:
            errors.add(name, _l("The product and lot of a batch cannot change: labels carry them."))
    given = {name: changes[name] for name in CHANGEABLE_FIELDS if name in changes}
    if "farming_area_ids" in given:
        keep = [area.id for area in batch.farming_areas]
        ids = check_ids(errors, "farming_area_ids", given["farming_area_ids"])
        if not ids:
            errors.add("farming_area_ids", _l("Choose at least one farming area."))
        areas = own_farming_areas(
            session, errors, "farming_area_ids", ids, batch.cooperative_id, keep
        )
    dates = check_dates(errors, {**_dates_of(batch), **given})
    quantity = check_quantity(errors, "quantity", given.get("quantity", batch.quantity))
    unit = errors.text("unit", given.get("unit", batch.unit), 30)
    errors.raise_if_any()
    if "farming_area_ids" in given:
        batch.farming_areas = list(areas)
    batch.harvested_on, batch.packed_on = dates["harvested_on"], dates["packed_on"]
    batch.expires_on = dates["expires_on"]
    batch.quantity, batch.unit = quantity, unit or batch.product.unit
    session.flush()
    after = snapshot(batch, AUDITED_FIELDS)
    if after != before:
        audit_batch(session, user, batch, AuditAction.CHANGED, before, after)
    if after["expires_on"] != before["expires_on"]:
        issuing.ensure_batch_code(session, batch)  # labels printed from now on carry it
    return batch


# The certificates covering a batch: its cooperative's, for its product or one of its areas.
# Built once and run with the batch's ids (the public page runs it on every visit).
CERTIFICATES_OF_BATCH = (
    select(Certificate)
    .where(
        Certificate.cooperative_id == bindparam("cooperative_id"),
        or_(
            Certificate.id.in_(
                select(certificate_products.c.certificate_id).where(
                    certificate_products.c.product_id == bindparam("product_id")
                )
            ),
            Certificate.id.in_(
                select(certificate_farming_areas.c.certificate_id)
                .join(
                    batch_farming_areas,
                    batch_farming_areas.c.farming_area_id
                    == certificate_farming_areas.c.farming_area_id,
                )
                .where(batch_farming_areas.c.batch_id == bindparam("batch_id"))
            ),
        ),
    )
    .order_by(Certificate.scheme, Certificate.valid_to.desc())
)


def applied_certificates(
    session: Session, batch: Batch, today: date | None = None
) -> list[AppliedCertificate]:
    """The cooperative's certificates covering the batch's product or one of its areas.

    Each is judged on the batch's harvest day (or packing day, or registration day), so a
    certificate that expired before the harvest never counts as valid for the batch.
    """
    certificates = session.scalars(
        CERTIFICATES_OF_BATCH,
        {
            "cooperative_id": batch.cooperative_id,
            "product_id": batch.product_id,
            "batch_id": batch.id,
        },
    ).all()
    harvest_day = reference_day(batch)
    today = today or local_today()
    return [
        AppliedCertificate(c, status_on(c, harvest_day), status_on(c, today)) for c in certificates
    ]


# The same, for many batches at once: each certificate with the batch it covers.
CERTIFICATES_OF_BATCHES = (
    select(Batch.id, Certificate)
    .join(Certificate, Certificate.cooperative_id == Batch.cooperative_id)
    .where(
        Batch.id.in_(bindparam("batch_ids", expanding=True)),
        or_(
            Certificate.id.in_(
                select(certificate_products.c.certificate_id).where(
                    certificate_products.c.product_id == Batch.product_id
                )
            ),
            Certificate.id.in_(
                select(certificate_farming_areas.c.certificate_id)
                .join(
                    batch_farming_areas,
                    batch_farming_areas.c.farming_area_id
                    == certificate_farming_areas.c.farming_area_id,
                )
                .where(batch_farming_areas.c.batch_id == Batch.id)
            ),
        ),
    )
    .order_by(Certificate.scheme, Certificate.valid_to.desc())
)


def preload_applied_certificates(session: Session, batches: Sequence[Batch]) -> None:
    """Find the certificates of a page of batches in one query, for
    ``preloaded_certificates`` to hand out instead of one query per batch."""
    found: dict[int, list[Certificate]] = {batch.id: [] for batch in batches}
    if found:
        for batch_id, certificate in session.execute(
            CERTIFICATES_OF_BATCHES, {"batch_ids": list(found)}
        ):
            found[batch_id].append(certificate)
    today = local_today()
    session.info[_PRELOADED_CERTIFICATES] = {
        batch.id: [
            AppliedCertificate(c, status_on(c, reference_day(batch)), status_on(c, today))
            for c in found[batch.id]
        ]
        for batch in batches
    }


def preloaded_certificates(session: Session, batch: Batch) -> list[AppliedCertificate]:
    """The batch's certificates as preloaded with its page (once), else as found now."""
    preloaded = session.info.get(_PRELOADED_CERTIFICATES, {}).pop(batch.id, None)
    return preloaded if preloaded is not None else applied_certificates(session, batch)


class BatchDays(Protocol):
    """The days a batch is judged by: a Batch, or the public page's view of one."""

    @property
    def harvested_on(self) -> date | None: ...

    @property
    def packed_on(self) -> date | None: ...

    @property
    def created_at(self) -> datetime | None: ...


def reference_day(batch: BatchDays) -> date:
    """The day a batch's certificates must have been valid on."""
    return (
        batch.harvested_on
        or batch.packed_on
        or (
            batch.created_at.astimezone(LOCAL_TIMEZONE).date()
            if batch.created_at
            else local_today()
        )
    )


def _own_product(
    session: Session, errors: FieldErrors, raw: Any, cooperative_id: int
) -> Product | None:
    product = (
        session.get(Product, raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
    )
    if product is None or product.cooperative_id != cooperative_id or product.archived_at:
        errors.add("product_id", _l("Choose a product of the batch's cooperative."))
        return None
    return product


def _dates_of(batch: Batch) -> dict[str, Any]:
    return {
        "harvested_on": batch.harvested_on,
        "packed_on": batch.packed_on,
        "expires_on": batch.expires_on,
    }


def check_dates(errors: FieldErrors, values: Mapping[str, Any]) -> dict[str, Any]:
    """Harvest, packing and expiry dates, each checked, in that order."""
    harvested = check_date(errors, "harvested_on", values.get("harvested_on"))
    packed = check_date(errors, "packed_on", values.get("packed_on"))
    expires = check_date(errors, "expires_on", values.get("expires_on"), allow_future=True)
    if harvested and packed and packed < harvested:
        errors.add("packed_on", _l("Packing cannot come before the harvest."))
    start = packed or harvested
    if expires and start and expires <= start:
        errors.add("expires_on", _l("The expiry must come after packing and harvest."))
    return {"harvested_on": harvested, "packed_on": packed, "expires_on": expires}


def _lot(
    session: Session,
    errors: FieldErrors,
    cooperative: Cooperative,
    product: Product | None,
    raw: Any,
    dates: Mapping[str, date | None],
) -> str | None:
    """The lot given, checked and free; or the next free generated one."""
    if raw not in (None, "") and not isinstance(raw, str):
        errors.add("lot", _l("Enter the lot as text."))
        return None
    if raw:
        lot = errors.check("lot", rules.lot, raw)
        if lot is not None and lot_taken(session, cooperative, lot):
            errors.add("lot", _l("Your cooperative already has a batch with this lot."))
        return lot
    if product is None:
        return None
    day = dates.get("harvested_on") or dates.get("packed_on") or local_today()
    stem = rules.lot_stem(product.code, product.name)
    taken = set(
        session.scalars(
            select(Batch.lot).where(
                Batch.cooperative_id == cooperative.id,
                Batch.lot.startswith(f"{stem}-{day:%y%m%d}-", autoescape=True),
            )
        )
    )
    return errors.check("lot", rules.next_lot, stem, day, taken)


def lot_taken(session: Session, cooperative: Cooperative, lot: str) -> bool:
    """Whether the lot's batch code is in use: lots are unique within a cooperative."""
    code = rules.batch_code(cooperative.code_prefix, lot)
    return session.scalar(select(Batch.id).where(Batch.code == code)) is not None


def audit_batch(
    session: Session,
    user: User | None,
    batch: Batch,
    action: AuditAction,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        user,
        cooperative_id=batch.cooperative_id,
        subject=AuditSubject.BATCH,
        subject_id=batch.id,
        batch_id=batch.id,
        action=action,
        changes=differences(before, after),
    )
