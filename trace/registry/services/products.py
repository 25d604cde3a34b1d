"""Products: what a cooperative sells."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trace.auth.access import get_for_caller, get_for_writing, list_for_caller
from trace.auth.models import User
from trace.common.field_errors import FieldErrors
from trace.common.pagination import ListQuery, Page
from trace.registry import validation
from trace.registry.models import Certificate, CertificateScheme, Product
from trace.registry.services.records import archive, owning_cooperative_id
from trace.uploads.models import UploadPurpose
from trace.uploads.services import chosen_upload_id

FIELDS = (
    "name",
    "code",
    "category",
    "unit",
    "description",
    "gtin",
    "brand",
    "ocop_stars",
    "ocop_certificate_id",
    "shelf_life_days",
    "image_upload_id",
)
TEXT_LIMITS = {"name": 200, "category": 100, "unit": 30, "brand": 120, "description": 5000}


def list_products(session: Session, user: User, query: ListQuery) -> Page[Product]:
    return list_for_caller(
        session,
        Product,
        user,
        query,
        search_columns=(Product.name, Product.category, Product.brand),
        order_by=(Product.name, Product.id),
        options=(selectinload(Product.image_upload), selectinload(Product.links)),
    )


def get_product(session: Session, user: User, product_id: int) -> Product:
    return get_for_caller(session, Product, product_id, user)


def create_product(session: Session, user: User, values: Mapping[str, Any]) -> Product:
    """Register a product for the caller's cooperative (or, for operators, the one named)."""
    product = Product(
        cooperative_id=owning_cooperative_id(session, user, values.get("cooperative_id")),
        name="",
        unit="kg",
    )
    _apply(session, product, {"unit": "kg", **values}, is_new=True)
    session.add(product)
    session.flush()
    return product


def update_product(
    session: Session, user: User, product_id: int, changes: Mapping[str, Any]
) -> Product:
    """Change the given fields of a product; fields not given stay as they are."""
    product = get_for_writing(session, Product, product_id, user)
    _apply(session, product, changes, is_new=False)
    session.flush()
    return product


def archive_product(session: Session, user: User, product_id: int) -> Product:
    product = get_for_writing(session, Product, product_id, user)
    archive(session, product)
    return product


def _apply(session: Session, product: Product, values: Mapping[str, Any], is_new: bool) -> None:
    """Validate every given field, then set them all, or raise listing every problem."""
    errors = FieldErrors()
    given = {name: values[name] for name in FIELDS if name in values}
    cleaned: dict[str, Any] = {}
    for name in ("name", "category", "unit", "brand", "description"):
        if name in given:
            cleaned[name] = errors.text(name, given[name], TEXT_LIMITS[name])
    if (is_new or "name" in given) and not cleaned.get("name"):
        errors.add("name", _l("Enter the product's name."))
    elif (
        "name" in cleaned
        and "name" not in errors.errors
        and _name_taken(session, product, cleaned["name"])
    ):
        errors.add("name", _l("Your cooperative already has a product with this name."))
    if "code" in given:
        cleaned["code"] = _code(session, errors, product, given["code"])
    if "gtin" in given:
        cleaned["gtin"] = _gtin(session, errors, product, given["gtin"])
    if "shelf_life_days" in given:
        cleaned["shelf_life_days"] = _shelf_life(errors, given["shelf_life_days"])
    if "image_upload_id" in given:
        cleaned["image_upload_id"] = chosen_upload_id(
            session,
            errors,
            "image_upload_id",
            given["image_upload_id"],
            product.cooperative_id,
            UploadPurpose.PRODUCT_IMAGE,
        )
    stars = given.get("ocop_stars", product.ocop_stars)
    certificate_id = given.get("ocop_certificate_id", product.ocop_certificate_id)
    if "ocop_stars" in given or "ocop_certificate_id" in given:
        cleaned["ocop_stars"], cleaned["ocop_certificate_id"] = _ocop(
            session, errors, product.cooperative_id, stars, certificate_id
        )
    errors.raise_if_any()
    for name, value in cleaned.items():
        setattr(product, name, value)


def _name_taken(session: Session, product: Product, name: str) -> bool:
    taken = session.scalar(
        select(Product.id).where(
            Product.cooperative_id == product.cooperative_id,
            Product.name == name,
            Product.id != product.id,
        )
    )
    return taken is not None


def _code(session: Session, errors: FieldErrors, product: Product, raw: Any) -> str | None:
    """The product's short code, upper-cased; unique within its cooperative; empty is none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        errors.add("code", _l("Enter the code as text."))
        return None
    code = errors.check("code", validation.product_code, raw)
    if code is None:
        return None
    taken = session.scalar(
        select(Product.id).where(
            Product.cooperative_id == product.cooperative_id,
            Product.code == code,
            Product.id != product.id,
        )
    )
    if taken is not None:
        errors.add("code", _l("Your cooperative already has a product with this code."))
    return code


def _gtin(session: Session, errors: FieldErrors, product: Product, raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    gtin = errors.check("gtin", validation.gtin, str(raw))
    if gtin is None:
        return None
    taken = session.scalar(select(Product.id).where(Product.gtin == gtin, Product.id != product.id))
    if taken is not None:
        errors.add("gtin", _l("Another product already has this GTIN."))
    return gtin


def _shelf_life(errors: FieldErrors, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= 3650:
        errors.add("shelf_life_days", _l("Enter a number of days from 1 to 3650."))
        return None
    return raw


def _ocop(
    session: Session,
    errors: FieldErrors,
    cooperative_id: int,
    stars: Any,
    certificate_id: Any,
) -> tuple[int | None, int | None]:
    """OCOP stars come from an OCOP certificate of the same cooperative, and only with one."""
    if stars in (None, ""):
        return None, None
    if stars not in (3, 4, 5):
        errors.add("ocop_stars", _l("OCOP products have 3, 4 or 5 stars."))
        return None, None
    certificate = session.get(Certificate, certificate_id) if certificate_id else None
    if (
        certificate is None
        or certificate.cooperative_id != cooperative_id
        or certificate.scheme is not CertificateScheme.OCOP
    ):
        errors.add("ocop_certificate_id", _l("Choose the OCOP certificate that awarded the stars."))
        return None, None
    return int(stars), certificate.id
