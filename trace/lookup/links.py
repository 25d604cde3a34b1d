"""The links a label's page shows, kept by its cooperative: "where to buy" first, then the
other kinds, each under its own heading, with the title in the reader's language.

Read with Core like the rest of the page (only the columns a visitor may see), in the
order the cooperative chose: the product's links and the batch's own, interleaved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select
from sqlalchemy.engine import Connection

from trace.lookup.linkset import ResolverLink
from trace.registry.link_types import link_type_name
from trace.registry.product_links import ProductLink
from trace.registry.services.product_links import MARKETPLACE_LINK_TYPES

_LINKS = (
    select(ProductLink.link_type, ProductLink.href, ProductLink.title_vi, ProductLink.title_en)
    .where(
        ProductLink.product_id == bindparam("product_id"),
        or_(ProductLink.batch_id.is_(None), ProductLink.batch_id == bindparam("batch_id")),
    )
    .order_by(ProductLink.position, ProductLink.id)
)


@dataclass(frozen=True)
class PublicLink:
    link_type: str
    href: str
    title_vi: str
    title_en: str

    def title(self, language: str) -> str:
        """The title in ``language``; the Vietnamese one when no English was given."""
        return self.title_en if language == "en" and self.title_en else self.title_vi


@dataclass(frozen=True)
class LinksOnPage:
    where_to_buy: list[PublicLink] = field(default_factory=list)
    # (the kind's name, its links), kinds in the order their first link comes.
    others: list[tuple[str, list[PublicLink]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.where_to_buy or self.others)


def links_on_page(connection: Connection, product_id: int, batch_id: int) -> LinksOnPage:
    """The links of a batch's page, grouped for it; kind names in the request's language."""
    rows = connection.execute(_LINKS, {"product_id": product_id, "batch_id": batch_id})
    where_to_buy: list[PublicLink] = []
    others: dict[str, list[PublicLink]] = {}
    for row in rows:
        link = PublicLink(row.link_type, row.href, row.title_vi, row.title_en)
        if link.link_type in MARKETPLACE_LINK_TYPES:
            where_to_buy.append(link)
        else:
            others.setdefault(link.link_type, []).append(link)
    return LinksOnPage(
        where_to_buy=where_to_buy,
        others=[(link_type_name(kind), links) for kind, links in others.items()],
    )


def resolver_links(
    connection: Connection,
    product_id: int,
    batch_id: int | None,
    language: str,
    *,
    is_recalled: bool = False,
) -> list[ResolverLink]:
    """The cooperative's links as the resolver lists them (a product's own when no batch is
    named): the GS1 term of each type, the title in the reader's language. A recalled
    batch is sold nowhere, as its page says: its "where to buy" links are left out."""
    rows = connection.execute(_LINKS, {"product_id": product_id, "batch_id": batch_id})
    return [
        ResolverLink(
            row.link_type.removeprefix("gs1:"),
            row.href,
            PublicLink(row.link_type, row.href, row.title_vi, row.title_en).title(language),
        )
        for row in rows
        if not (is_recalled and row.link_type in MARKETPLACE_LINK_TYPES)
    ]
