"""The registry's pages: cooperatives, products, farming areas and certificates."""

from trace.registry.views import certificates, cooperatives, farming_areas, products
from trace.registry.views.common import blueprint

__all__ = ["blueprint", "certificates", "cooperatives", "farming_areas", "products"]
