"""The dashboard's overview: each cooperative the user may read, with its counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trace.auth.access import scope_to_caller
from trace.auth.models import User
from trace.batches.models import Batch
from trace.common.communes import Commune, find_commune
from trace.registry.models import Cooperative, FarmingArea, Product


@dataclass(frozen=True)
class CooperativeOverview:
    """One line of the dashboard: a cooperative and how much it has registered."""

    cooperative: Cooperative
    commune: Commune | None
    product_count: int
    farming_area_count: int
    batch_count: int


def cooperative_overviews(session: Session, user: User) -> list[CooperativeOverview]:
    """The cooperatives the user may read, each with its counts, in three grouped queries."""
    cooperatives = session.scalars(
        scope_to_caller(select(Cooperative).order_by(Cooperative.name), Cooperative, user)
    ).all()
    ids = [cooperative.id for cooperative in cooperatives]
    products = _count_by_cooperative(session, Product, ids)
    areas = _count_by_cooperative(session, FarmingArea, ids)
    batches = _count_by_cooperative(session, Batch, ids)
    return [
        CooperativeOverview(
            cooperative=cooperative,
            commune=find_commune(cooperative.commune_code),
            product_count=products.get(cooperative.id, 0),
            farming_area_count=areas.get(cooperative.id, 0),
            batch_count=batches.get(cooperative.id, 0),
        )
        for cooperative in cooperatives
    ]


def _count_by_cooperative(
    session: Session, model: type[Product] | type[FarmingArea] | type[Batch], ids: list[int]
) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(model.cooperative_id, func.count())
        .where(model.cooperative_id.in_(ids))
        .group_by(model.cooperative_id)
    )
    return dict(rows.tuples().all())
