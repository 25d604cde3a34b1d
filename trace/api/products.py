"""API: products of the cooperatives the caller may read; staff and operators change them,
and keep their links (where to buy, recipes...)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.pagination import list_query
from trace.auth.access import get_for_writing
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.common.schemas import OwnedListArgs
from trace.db import db
from trace.errors import NotFound
from trace.registry.models import Product
from trace.registry.product_links import ProductLink
from trace.registry.schemas.product_links import (
    PRODUCT_LINK_EXAMPLE,
    PRODUCT_LINK_ORDER_EXAMPLE,
    ProductLinkCreate,
    ProductLinkOrder,
    ProductLinkOut,
    ProductLinkUpdate,
)
from trace.registry.schemas.products import (
    PRODUCT_EXAMPLE,
    ProductCreate,
    ProductOut,
    ProductPage,
    ProductUpdate,
)
from trace.registry.services import product_links
from trace.registry.services import products as service

blueprint = Blueprint("api_products", __name__, description="Products, scoped to the caller")

ID = "<id:product_id>"
LINK_ID = "<id:link_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)
View = TypeVar("View", bound=Callable[..., Any])


def writable_product(view: View) -> View:
    """Answer 404/403 for a product (and a link of it) the caller may not change before
    reading the body, so another tenant cannot learn from a 422 that the product exists."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        get_for_writing(db.session, Product, kwargs["product_id"], api_caller())
        if "link_id" in kwargs:
            link_of_product(kwargs["product_id"], kwargs["link_id"])
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


@blueprint.get("/products")
@blueprint.response(200, ProductPage)
@token_required()
@blueprint.arguments(OwnedListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_products(**args: Any) -> Page[Product]:
    """The products the caller may read, by name; archived ones only when asked."""
    return service.list_products(db.session, api_caller(), list_query(args))


@blueprint.post("/products")
@blueprint.response(201, ProductOut)
@token_required(*WRITERS)
@blueprint.arguments(ProductCreate, example=PRODUCT_EXAMPLE)
def create_product(values: dict[str, Any]) -> Product:
    """Add a product to the caller's cooperative (operators name the cooperative)."""
    return service.create_product(db.session, api_caller(), values)


@blueprint.get(f"/products/{ID}")
@blueprint.response(200, ProductOut)
@token_required()
def get_product(product_id: int) -> Product:
    """One product; another tenant's answers 404."""
    return service.get_product(db.session, api_caller(), product_id)


@blueprint.patch(f"/products/{ID}")
@blueprint.response(200, ProductOut)
@token_required(*WRITERS)
@blueprint.arguments(ProductUpdate)
def update_product(changes: dict[str, Any], product_id: int) -> Product:
    """Change the given fields; fields not given stay as they are."""
    return service.update_product(db.session, api_caller(), product_id, changes)


@blueprint.post(f"/products/{ID}/archive")
@blueprint.response(200, ProductOut)
@token_required(*WRITERS)
def archive_product(product_id: int) -> Product:
    """Hide a product from lists and new batches; its batches and labels stay."""
    return service.archive_product(db.session, api_caller(), product_id)


@blueprint.get(f"/products/{ID}/links")
@blueprint.response(200, ProductLinkOut(many=True))
@token_required()
def list_product_links(product_id: int) -> list[ProductLink]:
    """Every link of the product, its batches' own included (``batch_id``), in order."""
    return product_links.all_links(db.session, api_caller(), product_id)


@blueprint.post(f"/products/{ID}/links")
@blueprint.response(201, ProductLinkOut)
@token_required(*WRITERS)
@writable_product
@blueprint.arguments(ProductLinkCreate, example=PRODUCT_LINK_EXAMPLE)
def create_product_link(values: dict[str, Any], product_id: int) -> ProductLink:
    """Add a link after the others (at most 20 a product); https only, audited."""
    batch_id = values.pop("batch_id", None)
    return product_links.add_link(db.session, api_caller(), product_id, values, batch_id)


@blueprint.patch(f"/products/{ID}/links/{LINK_ID}")
@blueprint.response(200, ProductLinkOut)
@token_required(*WRITERS)
@writable_product
@blueprint.arguments(ProductLinkUpdate)
def update_product_link(changes: dict[str, Any], product_id: int, link_id: int) -> ProductLink:
    """Change the given fields of one of the product's links, checked as a new link is;
    fields not given stay as they are. Audited."""
    link = link_of_product(product_id, link_id)
    values = {name: getattr(link, name) for name in product_links.FIELDS} | changes
    return product_links.update_link(db.session, api_caller(), link_id, values)


@blueprint.put(f"/products/{ID}/links/order")
@blueprint.response(200, ProductLinkOut(many=True))
@token_required(*WRITERS)
@writable_product
@blueprint.arguments(ProductLinkOrder, example=PRODUCT_LINK_ORDER_EXAMPLE)
def order_product_links(order: dict[str, Any], product_id: int) -> list[ProductLink]:
    """Reorder the product's own links (or, with ``batch_id``, that batch's own): ``ids``
    names each of them once, first shown first. Answers them in their new order."""
    return product_links.reorder_links(
        db.session, api_caller(), product_id, order["ids"], order.get("batch_id")
    )


@blueprint.delete(f"/products/{ID}/links/{LINK_ID}")
@blueprint.response(204)
@token_required(*WRITERS)
def delete_product_link(product_id: int, link_id: int) -> None:
    """Delete one of the product's links; the audit keeps what it was."""
    link_of_product(product_id, link_id)
    product_links.delete_link(db.session, api_caller(), link_id)


def link_of_product(product_id: int, link_id: int) -> ProductLink:
    """A link the caller may read, of this product: any other answers 404."""
    link = product_links.get_link(db.session, api_caller(), link_id)
    if link.product_id != product_id:
        raise NotFound()
    return link
