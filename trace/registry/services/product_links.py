"""A product's links kept by its cooperative: which ones a page shows, and the rules for
adding, changing, reordering and deleting them (each change audited)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, column, func, or_, select, table
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, record_audit, snapshot
from trace.auth.access import get_for_caller, get_for_writing
from trace.auth.models import User
from trace.common.field_errors import FieldErrors
from trace.errors import InvalidInput, NotFound
from trace.registry.link_addresses import https_address
from trace.registry.link_types import LINK_TYPE_NAMES, marketplace_name
from trace.registry.models import Product
from trace.registry.product_links import TITLE_MAX_LENGTH, ProductLink

# The GS1 web vocabulary link types that say "the product is sold here" (indicator 13.7
# counts a key product with at least one). gs1:hasRetailers is the only one: the other
# buying terms (gs1:purchaseSuppliesOrAccessories, gs1:paymentLink) are not the product.
MARKETPLACE_LINK_TYPES: frozenset[str] = frozenset({"gs1:hasRetailers"})

# A product's links, its batches' own included: enough for every marketplace and a few
# pages more, few enough for the public page to stay short.
MAX_LINKS_PER_PRODUCT = 20

FIELDS = ("link_type", "href", "title_vi", "title_en")
AUDITED = ("product_id", "batch_id", *FIELDS, "position")

# Batches are a layer above the registry: a link's batch is checked on these columns only.
BATCHES = table("batches", column("id"), column("product_id"))


def links_for(session: Session, product_id: int, batch_id: int | None) -> list[ProductLink]:
    """The product-wide links and, given a batch, that batch's own, in position order."""
    scope: ColumnElement[bool] = ProductLink.batch_id.is_(None)
    if batch_id is not None:
        scope = or_(scope, ProductLink.batch_id == batch_id)
    statement = (
        select(ProductLink)
        .where(ProductLink.product_id == product_id, scope)
        .order_by(ProductLink.position, ProductLink.id)
    )
    return list(session.scalars(statement))


def all_links(session: Session, user: User, product_id: int) -> list[ProductLink]:
    """Every link of a product the caller may read, its batches' own included."""
    get_for_caller(session, Product, product_id, user)
    statement = (
        select(ProductLink)
        .where(ProductLink.product_id == product_id)
        .order_by(ProductLink.position, ProductLink.id)
    )
    return list(session.scalars(statement))


def kept_links(
    session: Session, user: User, product_id: int, batch_id: int | None = None
) -> list[ProductLink]:
    """The links kept at one level: the product's own (no batch), or one batch's."""
    get_for_caller(session, Product, product_id, user)
    statement = (
        select(ProductLink)
        .where(ProductLink.product_id == product_id, _at_level(batch_id))
        .order_by(ProductLink.position, ProductLink.id)
    )
    return list(session.scalars(statement))


def get_link(session: Session, user: User, link_id: int) -> ProductLink:
    """A link of a product the caller may read; any other is missing."""
    link = session.get(ProductLink, link_id)
    if link is None:
        raise NotFound()
    get_for_caller(session, Product, link.product_id, user)
    return link


def get_link_for_writing(session: Session, user: User, link_id: int) -> ProductLink:
    link = get_link(session, user, link_id)
    get_for_writing(session, Product, link.product_id, user)
    return link


def add_link(
    session: Session,
    user: User,
    product_id: int,
    values: Mapping[str, Any],
    batch_id: int | None = None,
) -> ProductLink:
    """Add a link after the product's others; with ``batch_id``, for that batch only."""
    get_for_writing(session, Product, product_id, user)
    if batch_id is not None and not _is_batch_of(session, batch_id, product_id):
        raise NotFound()
    checked = _checked(values)
    _lock_links_of(session, product_id)
    count = session.scalar(
        select(func.count()).select_from(ProductLink).where(ProductLink.product_id == product_id)
    )
    if (count or 0) >= MAX_LINKS_PER_PRODUCT:
        message = _l(
            "A product keeps at most %(count)d links: delete one before adding another.",
            count=MAX_LINKS_PER_PRODUCT,
        )
        raise InvalidInput(errors={"href": [str(message)]})
    last = session.scalar(
        select(func.max(ProductLink.position)).where(ProductLink.product_id == product_id)
    )
    link = ProductLink(
        product_id=product_id,
        batch_id=batch_id,
        position=(last or 0) + 1,
        **checked,
    )
    session.add(link)
    session.flush()
    _audit(session, user, link, AuditAction.CREATED, {}, snapshot(link, AUDITED))
    return link


def update_link(
    session: Session, user: User, link_id: int, values: Mapping[str, Any]
) -> ProductLink:
    """Change a link's kind, address and titles (all given, as the form sends them)."""
    link = get_link_for_writing(session, user, link_id)
    before = snapshot(link, AUDITED)
    for name, value in _checked(values).items():
        setattr(link, name, value)
    session.flush()
    _audit(session, user, link, AuditAction.CHANGED, before, snapshot(link, AUDITED))
    return link


def move_link(session: Session, user: User, link_id: int, *, up: bool) -> ProductLink:
    """Swap a link with its neighbour at the same level; at either end nothing changes."""
    link = get_link_for_writing(session, user, link_id)
    siblings = _locked_level(session, link.product_id, link.batch_id)
    if link not in siblings:
        raise NotFound()  # deleted by another writer since it was read
    index = siblings.index(link)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(siblings):
        return link
    other = siblings[other_index]
    # Positions are distinct within a product: each new link goes after the last.
    _place(session, user, {link: other.position, other: link.position})
    return link


def reorder_links(
    session: Session,
    user: User,
    product_id: int,
    link_ids: Sequence[int],
    batch_id: int | None = None,
) -> list[ProductLink]:
    """Put the links of one level (the product's own, or one batch's) in the given order.

    ``link_ids`` must name each of that level's links once. The level keeps the positions
    it had, dealt out in the new order, so positions stay distinct within the product.
    """
    get_for_writing(session, Product, product_id, user)
    if batch_id is not None and not _is_batch_of(session, batch_id, product_id):
        raise NotFound()
    links = _locked_level(session, product_id, batch_id)
    _check_permutation(link_ids, [link.id for link in links])
    by_id = {link.id: link for link in links}
    positions = [link.position for link in links]
    _place(session, user, {by_id[link_id]: positions[i] for i, link_id in enumerate(link_ids)})
    return [by_id[link_id] for link_id in link_ids]


def delete_link(session: Session, user: User, link_id: int) -> ProductLink:
    """Delete a link; its audit record keeps what it was."""
    link = get_link_for_writing(session, user, link_id)
    _lock_links_of(session, link.product_id)  # a reorder under way names it: let it finish
    before = snapshot(link, AUDITED)
    _audit(session, user, link, AuditAction.REMOVED, before, dict.fromkeys(AUDITED))
    session.delete(link)
    session.flush()
    return link


def suggested_title(href: str) -> str | None:
    """The marketplace's name for an address on a marketplace we know."""
    try:
        host = urlsplit(href).hostname or ""
    except ValueError:
        return None
    return marketplace_name(host)


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every field checked at once; titles on a known marketplace default to its name."""
    errors = FieldErrors()
    link_type = str(values.get("link_type") or "").strip()
    if link_type not in LINK_TYPE_NAMES:
        errors.add("link_type", _l("Choose the kind of link from the list."))
    href = errors.check("href", https_address, values.get("href"))
    suggestion = suggested_title(href) if href else None
    title_vi = errors.text("title_vi", values.get("title_vi"), TITLE_MAX_LENGTH) or suggestion
    title_en = errors.text("title_en", values.get("title_en"), TITLE_MAX_LENGTH) or suggestion
    if not title_vi and href:
        errors.add("title_vi", _l("Give the link a title, such as the shop's name."))
    errors.raise_if_any()
    return {"link_type": link_type, "href": href, "title_vi": title_vi, "title_en": title_en or ""}


def _lock_links_of(session: Session, product_id: int) -> None:
    """Hold the product's row until the transaction ends, so that writers of its links take
    turns: two adds at 19 links would both pass the count, or take the same position, and
    two moves could each swap with a position the other just changed (PostgreSQL, READ
    COMMITTED; SQLite's writing requests are serialised from their start, ``trace.db``)."""
    session.execute(select(Product.id).where(Product.id == product_id).with_for_update()).all()


def _locked_level(session: Session, product_id: int, batch_id: int | None) -> list[ProductLink]:
    """One level's links as committed once the product is locked, not as first read."""
    _lock_links_of(session, product_id)
    statement = (
        select(ProductLink)
        .where(ProductLink.product_id == product_id, _at_level(batch_id))
        .order_by(ProductLink.position, ProductLink.id)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(statement))


def _check_permutation(given: Sequence[int], kept: Sequence[int]) -> None:
    """Refuse an order that repeats, leaves out or adds to the level's links."""
    errors = FieldErrors()
    repeated = sorted({link_id for link_id in given if given.count(link_id) > 1})
    unknown = sorted(set(given) - set(kept))
    missing = sorted(set(kept) - set(given))
    if repeated:
        errors.add("ids", _l("Name each link once; repeated: %(ids)s.", ids=_listed(repeated)))
    if unknown:
        errors.add("ids", _l("These are not links at this level: %(ids)s.", ids=_listed(unknown)))
    if missing:
        errors.add(
            "ids", _l("Name every link at this level; missing: %(ids)s.", ids=_listed(missing))
        )
    errors.raise_if_any()


def _listed(link_ids: Sequence[int]) -> str:
    return ", ".join(str(link_id) for link_id in link_ids)


def _place(session: Session, user: User, new_positions: Mapping[ProductLink, int]) -> None:
    """Give links new positions; each whose position changes is audited."""
    moved = [
        (link, snapshot(link, ("position",)), position)
        for link, position in new_positions.items()
        if link.position != position
    ]
    for link, _before, position in moved:
        link.position = position
    session.flush()
    for link, before, _position in moved:
        _audit(session, user, link, AuditAction.CHANGED, before, snapshot(link, ("position",)))


def _at_level(batch_id: int | None) -> ColumnElement[bool]:
    return ProductLink.batch_id.is_(None) if batch_id is None else ProductLink.batch_id == batch_id


def _is_batch_of(session: Session, batch_id: int, product_id: int) -> bool:
    found = session.execute(
        select(BATCHES.c.id).where(BATCHES.c.id == batch_id, BATCHES.c.product_id == product_id)
    ).first()
    return found is not None


def _audit(
    session: Session,
    user: User,
    link: ProductLink,
    action: AuditAction,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    product = session.get(Product, link.product_id)  # already loaded: the access check read it
    record_audit(
        session,
        user,
        cooperative_id=product.cooperative_id if product is not None else None,
        subject=AuditSubject.PRODUCT_LINK,
        subject_id=link.id,
        action=action,
        changes=differences(before, after),
        batch_id=link.batch_id,
    )
