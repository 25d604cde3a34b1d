"""The batch pages: batches, their events, recall, trace, and spreadsheet import."""

from trace.batches.views import batches, events, importing, links
from trace.batches.views.common import blueprint

__all__ = ["batches", "blueprint", "events", "importing", "links"]
