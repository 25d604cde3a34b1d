"""Verifying a scanned code: the one check behind the API, the CLI and the public page.

Offline (a key set and nothing else) a code can be valid, malformed, signed by an unknown
or a revoked key, or carry a bad signature. Online the platform also looks the code up
among those it issued: a code that verifies but was never issued names an "unknown batch"
(someone holds a copy of a key), and a code of a recalled batch is a "recalled batch".
A pre-printed roll code (``trace.rolls``) is "not activated" until a clerk activates it
onto a batch; from then on it is a unit code of that batch like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trace.batches.models import Batch, LabelCode
from trace.batches.services.issuing import issued_code
from trace.rolls.activation import roll_code_by_text
from trace.signing.codes import MalformedCode, ParsedCode, Verdict, parse_code, verify_signature
from trace.signing.services import key_set


@dataclass(frozen=True)
class Verification:
    """The verdict on one code, with what was read from it and, online, what it names."""

    verdict: Verdict
    text: str
    parsed: ParsedCode | None = None
    issued: LabelCode | None = None
    online: bool = True

    @property
    def is_valid(self) -> bool:
        return self.verdict.is_valid

    @property
    def batch(self) -> Batch | None:
        return self.issued.batch if self.issued is not None else None


def verify_offline(text: str, jwks: Mapping[str, Any]) -> Verification:
    """The check anyone holding the key set can make, with no network and no database."""
    return verify_parsed(text, parsed_or_none(text), jwks)


def parsed_or_none(text: str) -> ParsedCode | None:
    """The code read strictly, or None when the text is not one."""
    try:
        return parse_code(text)
    except MalformedCode:
        return None


def verify_parsed(text: str, parsed: ParsedCode | None, jwks: Mapping[str, Any]) -> Verification:
    """``verify_offline`` for a code already parsed (None: it did not parse)."""
    if parsed is None:
        return Verification(Verdict.MALFORMED_CODE, text, online=False)
    return Verification(verify_signature(parsed, jwks), text, parsed, online=False)


def verify_code(session: Session, text: str) -> Verification:
    """The full check: the signature against the platform's keys, then the issued code."""
    offline = verify_offline(text, key_set(session))
    if not offline.is_valid:
        return judged_online(offline, is_issued=False, is_recalled=False)
    issued = issued_code(session, text)
    parsed = offline.parsed
    is_preprinted = parsed is not None and parsed.data.is_preprinted
    if issued is None and is_preprinted and roll_code_by_text(session, text) is not None:
        return Verification(Verdict.NOT_ACTIVATED, text, parsed)
    is_recalled = issued is not None and issued.batch.is_recalled
    is_issued = issued is not None
    return judged_online(offline, is_issued=is_issued, is_recalled=is_recalled, issued=issued)


def judged_online(
    offline: Verification, *, is_issued: bool, is_recalled: bool, issued: LabelCode | None = None
) -> Verification:
    """The online verdict: an offline-valid code we never issued names an unknown batch
    (someone holds a copy of a key); one of a recalled batch is a recalled batch."""
    verdict = offline.verdict
    if offline.is_valid:
        if not is_issued:
            verdict = Verdict.UNKNOWN_BATCH
        elif is_recalled:
            verdict = Verdict.RECALLED_BATCH
    return Verification(verdict, offline.text, offline.parsed, issued if is_issued else None)
