"""The grouped queries behind indicator 13.4: a fixed handful per report, whatever its size.

Each function takes the products' ids and answers one question for all of them at once,
so a commune with 30 key products and a province with 300 cost the same few statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from trace.alerts.signals import BOT_FAMILY
from trace.batches.models import Batch, LabelCode
from trace.inspections.models import Inspection
from trace.registry.models import (
    Certificate,
    Cooperative,
    FarmingArea,
    KeyProduct,
    Product,
    certificate_products,
)
from trace.scans.models import Scan


@dataclass(frozen=True)
class KeyProductRow:
    """A key product and its cooperative, as the report lists them."""

    product_id: int
    product_name: str
    ocop_stars: int | None
    cooperative_id: int
    cooperative_name: str


def key_product_communes(commune_codes: Collection[str]) -> Select[tuple[str, int]]:
    """(commune code, product id) for every product on one of the communes' lists of key
    products (the commune's decision, trace/registry/services/key_products.py), the product
    and its cooperative still live."""
    return (
        select(KeyProduct.commune_code, KeyProduct.product_id)
        .join(Product, Product.id == KeyProduct.product_id)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(
            KeyProduct.commune_code.in_(commune_codes),
            KeyProduct.removed_at.is_(None),
            Product.archived_at.is_(None),
            Cooperative.archived_at.is_(None),
        )
    )


def key_products(session: Session, product_ids: Collection[int]) -> list[KeyProductRow]:
    """The products with their cooperatives, by cooperative then product name."""
    if not product_ids:
        return []
    rows = session.execute(
        select(
            Product.id,
            Product.name,
            Product.ocop_stars,
            Cooperative.id,
            Cooperative.name,
        )
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(Product.id.in_(product_ids))
    ).all()
    # Sorted here, not in SQL: PostgreSQL's collation and SQLite's would disagree.
    found = [KeyProductRow(*row) for row in rows]
    return sorted(
        found,
        key=lambda row: (
            row.cooperative_name.casefold(),
            row.cooperative_id,
            row.product_name.casefold(),
            row.product_id,
        ),
    )


def latest_batch_codes(session: Session, product_ids: Collection[int]) -> dict[int, str]:
    """The text of each product's newest batch code: the URL of its latest public page."""
    if not product_ids:
        return {}
    newest_first = (
        select(
            Batch.product_id,
            LabelCode.text,
            func.row_number()
            .over(
                partition_by=Batch.product_id,
                order_by=(LabelCode.issued_at.desc(), LabelCode.id.desc()),
            )
            .label("position"),
        )
        .join(Batch, Batch.id == LabelCode.batch_id)
        .where(Batch.product_id.in_(product_ids), LabelCode.serial.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(newest_first.c.product_id, newest_first.c.text).where(newest_first.c.position == 1)
    ).all()
    return {row.product_id: row.text for row in rows}


def consumer_scans(
    session: Session, product_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Scans of the products' batches in the period, crawlers, link previews and inspectors'
    checks left out."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Batch.product_id, func.count(Scan.id).label("scans"))
        .join(Batch, Batch.id == Scan.batch_id)
        .where(
            Batch.product_id.in_(product_ids),
            Scan.user_agent_family != BOT_FAMILY,
            Scan.is_inspection.is_(False),
            Scan.scanned_at >= start,
            Scan.scanned_at < end,
        )
        .group_by(Batch.product_id)
    ).all()
    return {row.product_id: row.scans for row in rows}


def inspections(
    session: Session, product_ids: Collection[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Inspections of the products' batches in the period, whatever their outcome."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Batch.product_id, func.count(Inspection.id).label("inspections"))
        .join(Batch, Batch.id == Inspection.batch_id)
        .where(
            Batch.product_id.in_(product_ids),
            Inspection.inspected_at >= start,
            Inspection.inspected_at < end,
        )
        .group_by(Batch.product_id)
    ).all()
    return {row.product_id: row.inspections for row in rows}


def product_certificates(
    session: Session, product_ids: Collection[int]
) -> dict[int, list[Certificate]]:
    """The certificates covering each product: linked to it, or the one awarding its OCOP
    stars. Archived certificates are left out: archiving is how a cooperative retires one."""
    if not product_ids:
        return {}
    links = union(
        select(
            certificate_products.c.product_id.label("product_id"),
            certificate_products.c.certificate_id.label("certificate_id"),
        ).where(certificate_products.c.product_id.in_(product_ids)),
        select(Product.id, Product.ocop_certificate_id).where(
            Product.id.in_(product_ids), Product.ocop_certificate_id.is_not(None)
        ),
    ).subquery()
    rows = session.execute(
        select(links.c.product_id, Certificate)
        .join(Certificate, Certificate.id == links.c.certificate_id)
        .where(Certificate.archived_at.is_(None))
        .order_by(Certificate.scheme, Certificate.valid_to.desc(), Certificate.number)
    ).all()
    covering: dict[int, list[Certificate]] = defaultdict(list)
    for product_id, certificate in rows:
        covering[product_id].append(certificate)
    return covering


def communes_with_cooperatives(session: Session, commune_codes: Collection[str]) -> set[str]:
    """The communes where a live cooperative has its address or a live farming area."""
    addresses = select(Cooperative.commune_code.label("commune_code")).where(
        Cooperative.commune_code.in_(commune_codes), Cooperative.archived_at.is_(None)
    )
    areas = (
        select(FarmingArea.commune_code)
        .join(Cooperative, Cooperative.id == FarmingArea.cooperative_id)
        .where(
            FarmingArea.commune_code.in_(commune_codes),
            FarmingArea.archived_at.is_(None),
            Cooperative.archived_at.is_(None),
        )
    )
    return set(session.scalars(union(addresses, areas)).all())
