"""What the public page shows for a label URL: the batch, its unit, the verdict, the facts.

Only public facts leave here: each statement names the columns the page may show, so no
quantity, staff, buyer or note can reach it. This is the busiest read of the platform (a
page per scan), so the statements are built once, run on the session's connection and
give plain rows: building ORM objects cost the page about three times as much.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Row, Table, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

from trace.batches.models import (
    Batch,
    BatchStatus,
    Event,
    EventBatch,
    EventType,
    LabelCode,
    batch_farming_areas,
)
from trace.batches.services.batches import CERTIFICATES_OF_BATCH, reference_day
from trace.common.clock import local_today
from trace.lookup.links import LinksOnPage, links_on_page
from trace.lookup.paths import LabelPath
from trace.registry.models import Cooperative, FarmingArea, Product
from trace.registry.validation import CertificateStatus, certificate_status
from trace.rolls.activation import roll_code_at
from trace.signing.codes import ParsedCode, Verdict
from trace.signing.models import IssuingKey
from trace.signing.services import public_jwk
from trace.verification.services import Verification, judged_online, parsed_or_none, verify_parsed

FactsT = TypeVar("FactsT")

# The steps a consumer is shown; inspections and recalls have their own places on the page.
PUBLIC_STEPS = (
    EventType.PLANTING,
    EventType.INPUT_APPLIED,
    EventType.HARVEST,
    EventType.PROCESSING,
    EventType.PACKING,
    EventType.SHIPPING,
    EventType.RECEIVING,
    EventType.INSPECTING,
)

# The key facts at the top of the page name this many farming areas and certificates, so
# that they fit a 360 x 740 phone's first screen (tests/browser/test_first_screen.py);
# the others are counted there and listed below. Certificates come first: each one's
# status is what a buyer checks, where one farming area already says where it was grown.
SUMMARY_AREAS = 2
SUMMARY_CERTIFICATES = 3


@dataclass(frozen=True)
class PublicBatch:
    """The batch's facts a consumer may read."""

    id: int
    code: str
    lot: str
    harvested_on: date | None
    packed_on: date | None
    expires_on: date | None
    status: BatchStatus
    recalled_at: datetime | None
    recall_reason: str
    created_at: datetime

    @property
    def is_recalled(self) -> bool:
        return self.status is BatchStatus.RECALLED


@dataclass(frozen=True)
class PublicProduct:
    id: int
    name: str
    gtin: str | None
    brand: str
    description: str
    ocop_stars: int | None
    image_upload_id: int | None


@dataclass(frozen=True)
class PublicCooperative:
    id: int
    name: str
    street_address: str
    commune_code: str
    phone: str
    email: str


@dataclass(frozen=True)
class PublicUnit:
    id: int
    serial: str


AREA_COLUMNS = (
    "id", "code", "name", "kind", "commune_code", "area_hectares", "crops", "latitude",
    "longitude",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "type", "occurred_at", "address", "input_kind", "input_name", "input_dose",
    "pre_harvest_interval_days",
)  # fmt: skip


def _labelled(table: Table, facts: type[Any]) -> list[Any]:
    """The table's columns a facts class names, labelled ``table__column``."""
    return [table.c[name].label(f"{table.name}__{name}") for name in _names(facts)]


def _facts(row: Row[Any], table: Table, facts: type[FactsT]) -> FactsT:
    """One table's part of a joined row, as its facts class."""
    mapping = row._mapping
    return facts(**{name: mapping[label] for name, label in _labels(table.name, facts)})


def _names(facts: type[Any]) -> tuple[str, ...]:
    return tuple(field.name for field in fields(facts))


_LABELS: dict[tuple[str, type[Any]], tuple[tuple[str, str], ...]] = {}


def _labels(table_name: str, facts: type[Any]) -> tuple[tuple[str, str], ...]:
    """Each field of the facts class and its column's label in the joined row (kept)."""
    labels = _LABELS.get((table_name, facts))
    if labels is None:
        labels = tuple((name, f"{table_name}__{name}") for name in _names(facts))
        _LABELS[(table_name, facts)] = labels
    return labels


_BATCHES, _PRODUCTS = cast(Table, Batch.__table__), cast(Table, Product.__table__)
_COOPERATIVES, _AREAS = cast(Table, Cooperative.__table__), cast(Table, FarmingArea.__table__)
_UNIT, _ISSUED = aliased(LabelCode, name="unit"), aliased(LabelCode, name="issued")
_KEY = aliased(IssuingKey, name="signing_key")
# One row per label: the batch, its product and cooperative, the unit the path names (if
# any), the issued code with exactly the scanned text (if any) and the key whose id the
# code names (if any: the signature needs that key only, not the whole key set).
_LABEL = (
    select(
        *_labelled(_BATCHES, PublicBatch),
        *_labelled(_PRODUCTS, PublicProduct),
        *_labelled(_COOPERATIVES, PublicCooperative),
        _UNIT.id.label("unit_id"),
        _UNIT.serial.label("unit_serial"),
        _ISSUED.id.label("issued_id"),
        _KEY.kid.label("key_kid"),
        _KEY.public_key.label("key_public_key"),
        _KEY.revoked_at.label("key_revoked_at"),
    )
    .join(_PRODUCTS, _PRODUCTS.c.id == _BATCHES.c.product_id)
    .join(_COOPERATIVES, _COOPERATIVES.c.id == _BATCHES.c.cooperative_id)
    .outerjoin(_UNIT, and_(_UNIT.batch_id == _BATCHES.c.id, _UNIT.serial == bindparam("serial")))
    .outerjoin(_ISSUED, and_(_ISSUED.batch_id == _BATCHES.c.id, _ISSUED.text == bindparam("text")))
    .outerjoin(_KEY, _KEY.kid == bindparam("kid"))
)
_LABEL_BY_GTIN = _LABEL.where(
    _PRODUCTS.c.gtin == bindparam("gtin"), _BATCHES.c.lot == bindparam("lot")
)
_LABEL_BY_CODE = _LABEL.where(_BATCHES.c.code == bindparam("code"))
_LABEL_BY_ID = _LABEL.where(_BATCHES.c.id == bindparam("batch_id"))
_AREAS_OF_BATCH = (
    select(*(_AREAS.c[name] for name in AREA_COLUMNS))
    .join(batch_farming_areas, batch_farming_areas.c.farming_area_id == _AREAS.c.id)
    .where(batch_farming_areas.c.batch_id == bindparam("batch_id"))
    .order_by(_AREAS.c.code)
)
_PUBLIC_STEPS_OF_BATCH = (
    select(
        *(Event.__table__.c[name] for name in EVENT_COLUMNS),
        _AREAS.c.name.label("area_name"),
        _AREAS.c.code.label("area_code"),
    )
    .join(EventBatch, EventBatch.event_id == Event.id)
    .outerjoin(_AREAS, _AREAS.c.id == Event.farming_area_id)
    .where(
        EventBatch.batch_id == bindparam("batch_id"),
        # Not IN (...): its list would be expanded into the SQL again on every visit, a
        # third of this statement's cost.
        or_(*(Event.type == step for step in PUBLIC_STEPS)),
    )
    .order_by(Event.occurred_at, Event.id)
)


@dataclass(frozen=True)
class FoundLabel:
    """A label URL we know: its batch, product, cooperative, and unit when it names one."""

    batch: PublicBatch
    product: PublicProduct
    cooperative: PublicCooperative
    unit: PublicUnit | None
    # The issued code whose text is exactly the scanned one; None for a forged or altered
    # code, or a URL without a signature.
    issued_code_id: int | None
    # The scanned code as read (None when it does not parse or the URL has no signature)
    # and the key set it can be checked against: the key it names, if it is one of ours.
    code: ParsedCode | None = None
    key_set: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {"keys": []})


@dataclass(frozen=True)
class CertificateOnPage:
    """A certificate covering the batch, judged on its harvest day and today."""

    certificate: Row[Any]
    status_at_harvest: CertificateStatus
    status_today: CertificateStatus


@dataclass(frozen=True)
class PublicLabel:
    """One label's page: what the URL names, the verdict, and the facts shown."""

    found: FoundLabel
    # None when the URL carries no signature (typed in, or a link shared without it).
    verification: Verification | None
    areas: list[Row[Any]]
    certificates: list[CertificateOnPage]
    steps: list[Row[Any]]
    today: date
    # The links the cooperative keeps for the product and this batch (trace/lookup/links.py).
    links: LinksOnPage = field(default_factory=LinksOnPage)

    @property
    def batch(self) -> PublicBatch:
        return self.found.batch

    @property
    def product(self) -> PublicProduct:
        return self.found.product

    @property
    def cooperative(self) -> PublicCooperative:
        return self.found.cooperative

    @property
    def unit(self) -> PublicUnit | None:
        return self.found.unit

    @property
    def summary_places(self) -> list[tuple[str, list[Row[Any]]]]:
        """The farming areas the key facts name, under their communes, in code order."""
        places: dict[str, list[Row[Any]]] = {}
        for area in self.areas[:SUMMARY_AREAS]:
            places.setdefault(area.commune_code, []).append(area)
        return list(places.items())

    @property
    def more_areas(self) -> int:
        """How many farming areas only the list below names."""
        return max(0, len(self.areas) - SUMMARY_AREAS)

    @property
    def summary_certificates(self) -> list[CertificateOnPage]:
        return self.certificates[:SUMMARY_CERTIFICATES]

    @property
    def more_certificates(self) -> int:
        return max(0, len(self.certificates) - SUMMARY_CERTIFICATES)

    @property
    def is_signed_by_us(self) -> bool:
        """The signature checks with a key of ours that is not revoked."""
        verdict = self.verification.verdict if self.verification else None
        return verdict in (Verdict.VALID, Verdict.RECALLED_BATCH)

    @property
    def is_genuine(self) -> bool:
        """A label we issued, of a batch that is not recalled: the green verdict."""
        return self.verification is not None and self.verification.is_valid


def find_label(
    session: Session, path: LabelPath, signed_text: str | None = None
) -> FoundLabel | None:
    """The batch (and issued unit) a path names, or None when we know no such label.

    ``signed_text`` is the scanned URL when it carries a signature: the issued code with
    exactly that text, and the key the code names, come back with the label in one query.
    """
    code = parsed_or_none(signed_text) if signed_text is not None else None
    values: dict[str, object] = {
        "serial": path.serial,
        "text": signed_text,
        "kid": code.kid if code else None,
    }
    connection = session.connection()
    if path.is_preprinted:
        # A roll code names its batch once activated; before, it names no label.
        roll_code = roll_code_at(session, path.gtin, path.prefix, path.serial or "")
        if roll_code is None or roll_code.batch_id is None:
            return None
        statement = _LABEL_BY_ID
        values |= {"batch_id": roll_code.batch_id}
    elif path.gtin is not None:
        statement = _LABEL_BY_GTIN
        values |= {"gtin": path.gtin, "lot": path.lot}
    else:
        statement = _LABEL_BY_CODE
        values |= {"code": path.batch_code}
    row = connection.execute(statement, values).first()
    if row is None or (path.serial is not None and row.unit_id is None):
        return None
    return FoundLabel(
        batch=_facts(row, _BATCHES, PublicBatch),
        product=_facts(row, _PRODUCTS, PublicProduct),
        cooperative=_facts(row, _COOPERATIVES, PublicCooperative),
        unit=PublicUnit(row.unit_id, row.unit_serial) if row.unit_id is not None else None,
        issued_code_id=row.issued_id,
        code=code,
        key_set={
            "keys": [public_jwk(row.key_kid, row.key_public_key, row.key_revoked_at)]
            if row.key_kid is not None
            else []
        },
    )


def public_label(session: Session, found: FoundLabel, signed_text: str | None) -> PublicLabel:
    """Everything the page shows, the verdict included."""
    connection = session.connection()
    batch = found.batch
    verification = None
    if signed_text is not None:
        offline = verify_parsed(signed_text, found.code, found.key_set)
        verification = judged_online(
            offline, is_issued=found.issued_code_id is not None, is_recalled=batch.is_recalled
        )
    today = local_today()
    harvest_day = reference_day(batch)
    ids = {"batch_id": batch.id}
    certificates = connection.execute(
        CERTIFICATES_OF_BATCH,
        {**ids, "cooperative_id": found.cooperative.id, "product_id": found.product.id},
    ).all()
    return PublicLabel(
        found=found,
        verification=verification,
        areas=list(connection.execute(_AREAS_OF_BATCH, ids).all()),
        certificates=[
            CertificateOnPage(
                certificate, _status_of(certificate, harvest_day), _status_of(certificate, today)
            )
            for certificate in certificates
        ],
        steps=list(connection.execute(_PUBLIC_STEPS_OF_BATCH, ids).all()),
        today=today,
        links=links_on_page(connection, found.product.id, batch.id),
    )


def _status_of(certificate: Row[Any], day: date) -> CertificateStatus:
    revoked = certificate.revoked_at is not None
    return certificate_status(certificate.valid_from, certificate.valid_to, revoked, day)
