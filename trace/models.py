"""Imports every model so the metadata is complete (for Alembic and the tests)."""

from trace.alerts.models import Alert, AlertWatermark, UnitMark
from trace.audit.models import AuditRecord
from trace.auth.models import ApiToken, User
from trace.batches.models import Batch, Event, EventBatch, LabelCode
from trace.feedback.models import Report
from trace.inspections.models import Inspection
from trace.jobs.models import Job
from trace.people.models import AccountLink
from trace.registry.models import Certificate, Cooperative, FarmingArea, Product
from trace.registry.product_links import ProductLink
from trace.rolls.models import Roll, RollCode
from trace.scans.models import Scan
from trace.signing.models import IssuingKey
from trace.uploads.models import Upload

__all__ = [
    "AccountLink",
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
    "Job",
    "LabelCode",
    "Product",
    "ProductLink",
    "Report",
    "Roll",
    "RollCode",
    "Scan",
    "UnitMark",
    "Upload",
    "User",
]
