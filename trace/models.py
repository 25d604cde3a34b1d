"""Imports every model so the metadata is complete (for Alembic and the tests)."""

from trace.auth.models import ApiToken, User
from trace.batches.models import Batch
from trace.registry.models import Certificate, Cooperative, FarmingArea, Product
from trace.uploads.models import Upload

__all__ = [
    "ApiToken",
    "Batch",
    "Certificate",
    "Cooperative",
    "FarmingArea",
    "Product",
    "Upload",
    "User",
]
