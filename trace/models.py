"""Imports every model so the metadata is complete (for Alembic and the tests)."""

from trace.audit.models import AuditRecord
from trace.auth.models import ApiToken, User
from trace.batches.models import Batch, Event, EventBatch
from trace.inspection.alert_models import Alert, AlertWatermark, UnitMark
from trace.inspection.inspection_models import Inspection
from trace.inspection.models import Report, Scan
from trace.registry.models import Certificate, Cooperative, FarmingArea, Product
from trace.signing.models import IssuingKey, LabelCode
from trace.uploads.models import Upload

__all__ = [
    "Alert",
    "AlertWatermark",
    "ApiToken",
    "AuditRecord",
    "Batch",
    "Certificate",
    "Cooperative",
    "Event",
    "EventBatch",
    "FarmingArea",
    "Inspection",
    "IssuingKey",
    "LabelCode",
    "Product",
    "Report",
    "Scan",
    "UnitMark",
    "Upload",
    "User",
]
