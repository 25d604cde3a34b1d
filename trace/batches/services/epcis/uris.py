"""The URIs the EPCIS export names things by, under ``{base}`` (``TRACE_PUBLIC_BASE_URL``),
stable for as long as the records exist:

- ``{base}/ns/epcis#`` our namespace (prefix ``trace``) for fields CBV does not define and
  for the two business steps it has no word for, ``planting`` and ``applying_input``;
- ``{base}/id/farming-areas/{id}`` a farming area (read point and business location of
  field work);
- ``{base}/id/cooperatives/{id}`` a cooperative (an owning party);
- ``{base}/id/cooperatives/{id}/places/{hash}`` a place known only by its address, and
  ``{base}/id/cooperatives/{id}/parties/{hash}`` a buyer or supplier known only by name:
  the hash is the first 16 hex digits of SHA-256 over the text, NFC-normalised, with
  spaces collapsed and case folded, so the same text always gives the same URI;
- ``{base}/id/certificates/{id}`` a certificate;
- ``urn:uuid:{uuid5}`` an event: UUID version 5 of ``{base}/id/events/{id}`` in the URL
  namespace, and for a lot commissioned by its registration, of
  ``{base}/id/batches/{id}/registration``. (EPCIS 2.0 also allows ``ni:///sha-256`` event
  hashes, but those promise the GS1 canonicalisation algorithm, which this export does not
  compute.)
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from trace.batches.models import Batch


@dataclass(frozen=True)
class Uris:
    """The URIs this export names things by (see the module docstring)."""

    base: str

    @property
    def namespace(self) -> str:
        return f"{self.base}/ns/epcis#"

    def lot(self, batch: Batch) -> str:
        if batch.product.gtin:
            return f"https://id.gs1.org/01/{batch.product.gtin}/10/{quote(batch.lot, safe='')}"
        return f"{self.base}/b/{quote(batch.code, safe='')}"

    def farming_area(self, area_id: int) -> str:
        return f"{self.base}/id/farming-areas/{area_id}"

    def cooperative(self, cooperative_id: int) -> str:
        return f"{self.base}/id/cooperatives/{cooperative_id}"

    def place(self, cooperative_id: int, address: str) -> str:
        return f"{self.cooperative(cooperative_id)}/places/{_text_hash(address)}"

    def party(self, cooperative_id: int, name: str) -> str:
        return f"{self.cooperative(cooperative_id)}/parties/{_text_hash(name)}"

    def certificate(self, certificate_id: int) -> str:
        return f"{self.base}/id/certificates/{certificate_id}"

    def event(self, event_id: int) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/id/events/{event_id}").urn

    def registration(self, batch_id: int) -> str:
        """The commissioning event of a lot known only by its registration."""
        name = f"{self.base}/id/batches/{batch_id}/registration"
        return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def _text_hash(text: str) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
