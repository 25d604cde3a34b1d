"""One batch's events as an EPCIS 2.0 JSON-LD document, in the CBV 2.0 vocabulary.

A batch is a lot: a class of objects, not numbered instances, so it appears in
``quantityList`` (``inputQuantityList``/``outputQuantityList`` for processing) under a
class-level id, and never in an EPC list:

- a product with a GTIN: the GS1 Digital Link URI ``https://id.gs1.org/01/{gtin14}/10/{lot}``;
- without one: the platform's own label URI ``{base}/b/{batch code}``.

Every lot is commissioned once: by its harvest event, by the processing that made it, or,
when it has neither, by its registration (``commissioning.py``). The names of everything
else are in ``uris.py``.
"""

from trace.batches.services.epcis.document import EPCIS_CONTEXT, MEDIA_TYPE, epcis_document
from trace.batches.services.epcis.uris import Uris

__all__ = ["EPCIS_CONTEXT", "MEDIA_TYPE", "Uris", "epcis_document"]
