"""The verify answer (README, "Label codes"): the same JSON from the API and from ``verify --json``.

``{"valid", "reason", "message", "checked", "code", "label", "batch", "unit"}`` (see
``trace.verification.schemas.VerificationOut``): ``reason``
is the verdict's fixed English value for programs, ``message`` says it in the reader's
language, ``label`` is what the code itself says, ``batch`` and ``unit`` what the
platform knows of the code it issued (online only, for a valid or recalled batch).
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.batches.models import Batch
from trace.common.communes import find_commune
from trace.signing.codes import LabelData, ParsedCode, Verdict
from trace.signing.services import rfc3339
from trace.verification.schemas import VerificationOut
from trace.verification.services import Verification

MESSAGES = {
    Verdict.VALID: _l("Genuine label: the platform issued this code and the batch is registered."),
    Verdict.MALFORMED_CODE: _l(
        "This is not a label code of the platform, or it was changed after it was printed."
    ),
    Verdict.UNKNOWN_KEY: _l(
        "The code was signed with a key the platform does not know: do not trust this label."
    ),
    Verdict.BAD_SIGNATURE: _l(
        "The signature does not match the code: the label may be forged or altered."
    ),
    Verdict.REVOKED_KEY: _l(
        "The code was signed with a key that has been revoked: do not trust this label."
    ),
    Verdict.UNKNOWN_BATCH: _l(
        "The signature checks, but the platform never issued this code: report the product "
        "to a market inspector."
    ),
    Verdict.RECALLED_BATCH: _l("This batch was recalled by its producer: do not use it."),
    Verdict.NOT_ACTIVATED: _l(
        "This code was printed in advance and has not been activated on a batch yet: it "
        "does not prove this product is genuine."
    ),
}
# The verdict as a title: the verify page's answers and every list of a code's scans.
VERDICT_TITLES = {
    Verdict.VALID: _l("Genuine label"),
    Verdict.MALFORMED_CODE: _l("Not a code of the platform"),
    Verdict.UNKNOWN_KEY: _l("Unknown signing key"),
    Verdict.BAD_SIGNATURE: _l("Forged or altered label"),
    Verdict.REVOKED_KEY: _l("Revoked signing key"),
    Verdict.UNKNOWN_BATCH: _l("Signed, but never issued"),
    Verdict.RECALLED_BATCH: _l("Recalled batch"),
    Verdict.NOT_ACTIVATED: _l("Not activated yet"),
}
OFFLINE_PREPRINTED = _l(
    "The signature is valid. This is a pre-printed code: whether it has been activated on a "
    "batch can only be checked online."
)
OFFLINE_VALID = _l(
    "The signature is valid. Checked offline: whether the batch is registered or recalled "
    "was not checked."
)


def verification_json(verification: Verification) -> dict[str, Any]:
    """The verify answer as JSON-ready values, exactly as the API sends it."""
    return dict(VerificationOut().dump(verification_answer(verification)))


def verification_answer(verification: Verification) -> dict[str, Any]:
    """The verify answer for one code, for ``VerificationOut`` to serialise."""
    verdict = verification.verdict
    parsed = verification.parsed
    issued = verification.issued
    offline_valid = verdict.is_valid and not verification.online
    return {
        "valid": verdict.is_valid,
        "reason": verdict.value,
        "message": str(_offline_message(parsed) if offline_valid else MESSAGES[verdict]),
        "checked": "online" if verification.online else "offline",
        "code": verification.text,
        "label": label_facts(parsed.data, parsed.kid) if parsed is not None else None,
        "batch": batch_facts(issued.batch) if issued is not None else None,
        "unit": (
            {"serial": issued.serial, "issued_at": rfc3339(issued.issued_at)}
            if issued is not None and issued.serial is not None
            else None
        ),
    }


def label_facts(data: LabelData, kid: str) -> dict[str, Any]:
    """What the code says of itself; trustworthy only when the answer is valid."""
    return {
        "base_url": data.base_url,
        "gtin": data.gtin,
        "lot": data.lot,
        "batch_code": data.batch_code,
        "serial": data.serial,
        "prefix": data.prefix,
        "expires_on": data.expires_on,
        "key_id": kid,
    }


def batch_facts(batch: Batch) -> dict[str, Any]:
    """The public facts of a batch: no ids, quantities or staff, as on the public page."""
    cooperative = batch.cooperative
    return {
        "code": batch.code,
        "lot": batch.lot,
        "product": {
            "name": batch.product.name,
            "gtin": batch.product.gtin,
            "brand": batch.product.brand,
            "ocop_stars": batch.product.ocop_stars,
        },
        "cooperative": {
            "name": cooperative.name,
            "address": cooperative.street_address,
            **_place(cooperative.commune_code),
        },
        "farming_areas": [
            {
                "code": area.code,
                "name": area.name,
                "kind": area.kind.value,
                **_place(area.commune_code),
            }
            for area in batch.farming_areas
        ],
        "harvested_on": batch.harvested_on,
        "packed_on": batch.packed_on,
        "expires_on": batch.expires_on,
        "status": batch.status,
        "recall_reason": batch.recall_reason or None,
        "recalled_at": rfc3339(batch.recalled_at) if batch.recalled_at else None,
    }


def _place(commune_code: str) -> dict[str, str | None]:
    commune = find_commune(commune_code)
    return {
        "commune_code": commune_code,
        "commune": commune.name if commune else None,
        "province": commune.province_name if commune else None,
    }


def _offline_message(parsed: ParsedCode | None) -> LazyString:
    """A valid signature checked offline: a roll code's activation is known online only."""
    if parsed is not None and parsed.data.is_preprinted:
        return OFFLINE_PREPRINTED
    return OFFLINE_VALID
