"""Indicator 13.4: is each key product of a commune traced, and does the commune meet it?

The rule is stated once, in ``RULE``, for the pages and the exports to show; it rests on
the batches' Circular 02/2024 checklists (``trace.batches.services.completeness``), and
``batches_of_period`` and ``traced_products`` apply it. Where the key products come from
(``queries.key_product_communes``) is no part of the rule. A commune's evidence and a
province's overview both read the same grouped queries (``trace.indicator.queries``), so
neither costs a query per product or per commune.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import Session
from vietnam_provinces import Province, ProvinceCode, Ward

from trace.batches.models import Batch
from trace.batches.services.completeness import Completeness, Item, batch_completeness
from trace.common.clock import LOCAL_TIMEZONE, local_today
from trace.common.collation import vietnamese_sort_key
from trace.common.communes import Commune, find_commune, normalise_commune_code
from trace.errors import InvalidInput, NotFound
from trace.indicator import queries
from trace.indicator.online import OnlineSales, online_sales
from trace.registry.models import Certificate, CertificateScheme
from trace.registry.validation import CertificateStatus, add_months, certificate_status

RULE = _l(
    "A key product is traced when, in the 12 months up to the report's date, at least one "
    "of its batches is complete: it shows every item Circular 02/2024/TT-BKHCN asks for "
    "(product name and image, producer name and address, a harvest or processing step "
    "recorded, the production time, a signed traceability code, the expiry date, and a "
    "certificate valid on the batch's day). A batch belongs to the period by its harvest "
    "day, else its packing day, else its registration day. The commune meets indicator 13.4 "
    "when it has at least one key product and all of them are traced. Consumer scans and "
    "inspections of the period are shown as supporting evidence."
)
TRACING_WINDOW_MONTHS = 12
NO_RECENT_BATCH = _l("No batch in the last 12 months")


@dataclass(frozen=True)
class CertificateState:
    """A certificate covering a product, judged today."""

    number: str
    scheme: CertificateScheme
    status_today: CertificateStatus
    valid_to: date


@dataclass(frozen=True)
class ProductEvidence:
    """One key product's row of the report: its batches of the period and their evidence."""

    product_id: int
    product_name: str
    ocop_stars: int | None
    cooperative_id: int
    cooperative_name: str
    batch_count: int
    complete_batches: int
    labels_issued: int
    consumer_scans: int
    inspections: int
    certificates: tuple[CertificateState, ...]
    latest_code_url: str | None
    # The most complete batch of the period (the newest among equals) and what it lacks;
    # no batch when the product had none in the period.
    best_batch_code: str | None
    missing: tuple[Item, ...]

    @property
    def is_traced(self) -> bool:
        return self.complete_batches > 0


@dataclass(frozen=True)
class CommuneEvidence:
    """A commune's key products on a day (in Vietnam) and the indicator's verdict, with the
    same products' marketplace listings for indicator 13.7."""

    commune: Commune
    as_of: date
    products: tuple[ProductEvidence, ...]
    online: OnlineSales

    @property
    def traced_count(self) -> int:
        return sum(1 for product in self.products if product.is_traced)

    @property
    def share(self) -> float | None:
        """The share of key products traced, 0 to 1; None when the commune has none."""
        return self.traced_count / len(self.products) if self.products else None

    @property
    def meets_indicator(self) -> bool:
        return bool(self.products) and self.traced_count == len(self.products)

    @property
    def batch_count(self) -> int:
        return sum(product.batch_count for product in self.products)

    @property
    def complete_batches(self) -> int:
        return sum(product.complete_batches for product in self.products)

    @property
    def inspections(self) -> int:
        return sum(product.inspections for product in self.products)

    @property
    def labels_issued(self) -> int:
        return sum(product.labels_issued for product in self.products)

    @property
    def consumer_scans(self) -> int:
        return sum(product.consumer_scans for product in self.products)


@dataclass(frozen=True)
class CommuneRow:
    """One commune in a province's overview."""

    commune_code: str
    commune_name: str
    key_products: int
    traced: int

    @property
    def share(self) -> float | None:
        return self.traced / self.key_products if self.key_products else None

    @property
    def meets_indicator(self) -> bool:
        return self.key_products > 0 and self.traced == self.key_products


@dataclass(frozen=True)
class ProvinceOverview:
    """A province's communes with their key products and how many are traced."""

    province_code: str
    province_name: str
    as_of: date
    rows: tuple[CommuneRow, ...]
    includes_all_communes: bool

    @property
    def key_products(self) -> int:
        return sum(row.key_products for row in self.rows)

    @property
    def traced(self) -> int:
        return sum(row.traced for row in self.rows)

    @property
    def communes_meeting_indicator(self) -> int:
        return sum(1 for row in self.rows if row.meets_indicator)


SortKey = Literal["name", "share", "key_products"]
SORT_KEYS: tuple[SortKey, ...] = ("name", "share", "key_products")


def commune_evidence(
    session: Session, commune_code: str, today: date | None = None
) -> CommuneEvidence:
    """The key products found in the commune, each judged by the rule, as of ``today``."""
    commune = _known_commune(commune_code)
    today = today or local_today()
    pairs = session.execute(queries.key_product_communes([commune.code])).all()
    product_ids = {product_id for _, product_id in pairs}
    rows = queries.key_products(session, product_ids)
    start, end = period(today)
    batches = batches_of_period(session, product_ids, today)
    latest = queries.latest_batch_codes(session, product_ids)
    scans = queries.consumer_scans(session, product_ids, start, end)
    inspections = queries.inspections(session, product_ids, start, end)
    certificates = queries.product_certificates(session, product_ids)
    products = []
    for row in rows:
        own = batches.get(row.product_id, [])
        best = most_complete(own)
        products.append(
            ProductEvidence(
                product_id=row.product_id,
                product_name=row.product_name,
                ocop_stars=row.ocop_stars,
                cooperative_id=row.cooperative_id,
                cooperative_name=row.cooperative_name,
                batch_count=len(own),
                complete_batches=sum(1 for batch in own if batch.is_complete),
                labels_issued=sum(batch.facts.labels_issued for batch in own),
                consumer_scans=scans.get(row.product_id, 0),
                inspections=inspections.get(row.product_id, 0),
                certificates=tuple(_state(c, today) for c in certificates.get(row.product_id, [])),
                latest_code_url=latest.get(row.product_id),
                best_batch_code=best.facts.batch_code if best else None,
                missing=best.missing if best else (),
            )
        )
    return CommuneEvidence(
        commune=commune,
        as_of=today,
        products=tuple(products),
        online=online_sales(session, rows),
    )


def batches_of_period(
    session: Session, product_ids: Collection[int], today: date
) -> dict[int, list[Completeness]]:
    """The checklists of the products' batches whose day falls in the period, by product."""
    if not product_ids:
        return {}
    first_day = first_day_of_period(today)
    start, end = period(today)
    known_day = func.coalesce(Batch.harvested_on, Batch.packed_on)
    in_period = or_(
        and_(known_day >= first_day, known_day <= today),
        and_(known_day.is_(None), Batch.created_at >= start, Batch.created_at < end),
    )
    found: dict[int, list[Completeness]] = defaultdict(list)
    matching = and_(Batch.product_id.in_(product_ids), in_period)
    for checklist in batch_completeness(session, matching):
        found[checklist.facts.product_id].append(checklist)
    return found


def most_complete(batches: Iterable[Completeness]) -> Completeness | None:
    """The batch missing the fewest items; among equals, the newest (by its day, then id)."""
    return min(
        batches,
        key=lambda batch: (
            len(batch.missing),
            -batch.facts.day.toordinal(),
            -batch.facts.batch_id,
        ),
        default=None,
    )


def first_day_of_period(today: date) -> date:
    """The same day a year before ``today``: the period's first day."""
    return add_months(today, -TRACING_WINDOW_MONTHS)


def period(today: date) -> tuple[datetime, datetime]:
    """The report's period as instants: from midnight in Vietnam on its first day to the end
    of ``today``."""
    return (
        datetime.combine(first_day_of_period(today), time.min, LOCAL_TIMEZONE),
        datetime.combine(today + timedelta(days=1), time.min, LOCAL_TIMEZONE),
    )


def province_overview(
    session: Session,
    province_code: str,
    today: date | None = None,
    include_all: bool = False,
) -> ProvinceOverview:
    """Each commune of the province with a cooperative or a key product (every commune with
    ``include_all``), its count of key products and how many are traced, by official code."""
    code, name = _known_province(province_code)
    today = today or local_today()
    communes = province_communes(code)
    pairs = session.execute(queries.key_product_communes(list(communes))).all()
    product_ids = {product_id for _, product_id in pairs}
    traced_ids = traced_products(session, product_ids, today)
    key_counts: dict[str, int] = defaultdict(int)
    traced_counts: dict[str, int] = defaultdict(int)
    for commune_code, product_id in pairs:
        key_counts[commune_code] += 1
        traced_counts[commune_code] += product_id in traced_ids
    shown = (
        set(communes)
        if include_all
        else (queries.communes_with_cooperatives(session, list(communes)) | set(key_counts))
    )
    rows = tuple(
        CommuneRow(
            commune_code,
            communes[commune_code],
            key_counts[commune_code],
            traced_counts[commune_code],
        )
        for commune_code in sorted(shown)
    )
    return ProvinceOverview(code, name, today, rows, include_all)


def traced_products(session: Session, product_ids: Collection[int], today: date) -> set[int]:
    """The products, among these, that the rule finds traced."""
    return {
        product_id
        for product_id, batches in batches_of_period(session, product_ids, today).items()
        if any(batch.is_complete for batch in batches)
    }


def sort_rows(
    rows: Sequence[CommuneRow], key: SortKey = "name", descending: bool = False
) -> list[CommuneRow]:
    """The rows in the order a reader asked for; communes without key products (no share)
    always come last, and ties keep the communes' names in order."""
    by_name = sorted(
        rows, key=lambda row: (vietnamese_sort_key(row.commune_name), row.commune_code)
    )
    if key == "name":
        return list(reversed(by_name)) if descending else by_name
    if key == "share":
        with_share = [row for row in by_name if row.share is not None]
        without = [row for row in by_name if row.share is None]
        ordered = sorted(with_share, key=lambda row: row.share or 0.0, reverse=descending)
        return ordered + without
    if key == "key_products":
        return sorted(by_name, key=lambda row: row.key_products, reverse=descending)
    raise InvalidInput(errors={"sort": [_l("Sort by name, share or key products.")]})


@cache
def province_communes(province_code: str) -> dict[str, str]:
    """The official codes and names of a province's communes, wards and special zones."""
    wards = Ward.iter_by_province(ProvinceCode(int(province_code)))
    return {f"{int(ward.code):05d}": ward.name for ward in wards}


def _state(certificate: Certificate, today: date) -> CertificateState:
    status = certificate_status(
        certificate.valid_from, certificate.valid_to, certificate.revoked_at is not None, today
    )
    return CertificateState(certificate.number, certificate.scheme, status, certificate.valid_to)


def _known_commune(raw: str) -> Commune:
    if normalise_commune_code(raw) is None:
        raise InvalidInput(errors={"commune": [_l("A commune code has up to five digits.")]})
    commune = find_commune(raw)
    if commune is None:
        raise NotFound(_l("No commune has this code in the official 2025 list."))
    return commune


def _known_province(raw: str) -> tuple[str, str]:
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 2:
        raise InvalidInput(errors={"province": [_l("A province code has one or two digits.")]})
    try:
        province = Province.from_code(ProvinceCode(int(text)))
    except ValueError:
        raise NotFound(_l("No province has this code in the official 2025 list.")) from None
    return f"{int(province.code):02d}", province.name
