"""The demo cooperatives' product links: where some key products are sold online, and a
recipe, so the public pages show "Mua ở đâu" and indicator 13.7 counts something.

Gạo ST25 is on Postmart and Shopee, Chè đinh Tân Cương on Voso, the shrimp on Tiki; Gạo
ST24, Chè búp and Tôm khô are sold on no marketplace yet, so 13.7 counts fewer key products
than 13.4 does. Each link is added by its cooperative's staff through the service (so the
audit tells who); loading again finds a link by its product and address and adds nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.demo.data import (
    RICE_COOPERATIVE,
    RICE_ST25,
    SHRIMP,
    SHRIMP_COOPERATIVE,
    TEA_COOPERATIVE,
    TEA_DINH,
    CooperativeSeed,
)
from trace.registry.models import Cooperative, Product
from trace.registry.product_links import ProductLink
from trace.registry.services import product_links as service


@dataclass(frozen=True)
class LinkSeed:
    cooperative: CooperativeSeed
    staff_email: str
    product: str
    link_type: str
    href: str
    title_vi: str = ""
    title_en: str = ""


RICE_STAFF = "htx.st25@demo.truyxuat.vn"
TEA_STAFF = "htx.tancuong@demo.truyxuat.vn"
SHRIMP_STAFF = "htx.damdoi@demo.truyxuat.vn"

LINKS = (
    LinkSeed(
        RICE_COOPERATIVE,
        RICE_STAFF,
        RICE_ST25,
        "gs1:hasRetailers",
        "https://postmart.vn/gao-st25-lua-tom-tran-de",
        "Postmart: Gạo ST25 lúa - tôm",
        "Postmart: ST25 rice-shrimp rice",
    ),
    LinkSeed(
        RICE_COOPERATIVE,
        RICE_STAFF,
        RICE_ST25,
        "gs1:hasRetailers",
        "https://shopee.vn/gao-st25-lua-tom-htx-tran-de",
    ),
    LinkSeed(
        RICE_COOPERATIVE,
        RICE_STAFF,
        RICE_ST25,
        "gs1:recipeInfo",
        "https://www.dienmayxanh.com/vao-bep/cach-nau-com-gao-st25",
        "Cách nấu cơm gạo ST25 dẻo thơm",
        "How to cook ST25 rice",
    ),
    LinkSeed(
        TEA_COOPERATIVE,
        TEA_STAFF,
        TEA_DINH,
        "gs1:hasRetailers",
        "https://voso.vn/che-dinh-tan-cuong-thai-nguyen",
        "Voso: Chè đinh Tân Cương",
        "Voso: Tân Cương bud tea",
    ),
    LinkSeed(
        SHRIMP_COOPERATIVE,
        SHRIMP_STAFF,
        SHRIMP,
        "gs1:hasRetailers",
        "https://tiki.vn/tom-su-sinh-thai-dam-doi-ca-mau",
    ),
)


def load_product_links(session: Session, created: Counter[str]) -> None:
    for seed in LINKS:
        staff = session.scalar(select(User).where(User.email == seed.staff_email))
        product = session.scalar(
            select(Product)
            .join(Cooperative, Cooperative.id == Product.cooperative_id)
            .where(Cooperative.tax_code == seed.cooperative.tax_code, Product.name == seed.product)
        )
        if staff is None or product is None or _has_link(session, product.id, seed.href):
            continue
        values = {
            "link_type": seed.link_type,
            "href": seed.href,
            "title_vi": seed.title_vi,
            "title_en": seed.title_en,
        }
        service.add_link(session, staff, product.id, values)
        created["product_links"] += 1


def _has_link(session: Session, product_id: int, href: str) -> bool:
    found = session.scalar(
        select(ProductLink.id).where(ProductLink.product_id == product_id, ProductLink.href == href)
    )
    return found is not None
