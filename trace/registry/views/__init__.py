"""The registry's pages: cooperatives, products, farming areas, certificates, and the
communes' key products."""

from trace.registry.views import (
    certificates,
    cooperatives,
    farming_areas,
    key_products,
    product_links,
    products,
)
from trace.registry.views.common import blueprint

__all__ = [
    "blueprint",
    "certificates",
    "cooperatives",
    "farming_areas",
    "key_products",
    "product_links",
    "products",
]
