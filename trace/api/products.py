"""API: products of the cooperatives the caller may read; staff and operators change them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.pagination import list_query
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.common.schemas import OwnedListArgs
from trace.db import db
from trace.registry.models import Product
from trace.registry.schemas.products import (
    PRODUCT_EXAMPLE,
    ProductCreate,
    ProductOut,
    ProductPage,
    ProductUpdate,
)
from trace.registry.services import products as service

blueprint = Blueprint("api_products", __name__, description="Products, scoped to the caller")

ID = "<id:product_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)


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
