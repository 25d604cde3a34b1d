"""An inspector's check of codes: the verdict, the facts of the batch each names, the scan
each check leaves, and each code's scan history.

The verdict is ``verify_code``'s, the one check behind every surface. The facts are the
public page's (``trace.lookup.services``), read for the batch the code's path names even
when the label is not genuine: an inspector holding a forged label wants to know whose
batch it imitates. The three steps are separate so the history is read after the scans
are written, this check included. The request writes, so its transaction holds the write
lock from its start (``trace.db``): the reads and the writes are one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import record_audit
from trace.auth.models import User
from trace.lookup.paths import LabelPath, MalformedPath, read_path
from trace.lookup.services import FoundLabel, PublicLabel, find_label, public_label
from trace.scans.history import ScanLine, scans_of_codes
from trace.scans.services import record_scan
from trace.signing.codes import LabelData, Verdict
from trace.verification.answers import MESSAGES, VERDICT_TITLES
from trace.verification.services import Verification, verify_code

# Short names of the verdicts: an answer's title, and a scan's outcome in a history.
# How loud an answer is: a code that is not ours at all is a warning, any sign of a copy,
# a forgery or a recall an error.
VERDICT_TONES = {
    Verdict.VALID: "success",
    Verdict.MALFORMED_CODE: "warning",
    Verdict.UNKNOWN_KEY: "error",
    Verdict.BAD_SIGNATURE: "error",
    Verdict.REVOKED_KEY: "error",
    Verdict.UNKNOWN_BATCH: "error",
    Verdict.RECALLED_BATCH: "error",
    Verdict.NOT_ACTIVATED: "warning",
}


@dataclass(frozen=True)
class JudgedCode:
    """One code's verdict and what the platform knows of the batch its path names."""

    verification: Verification
    # None when the path names no batch we know (or the text is no label URL at all).
    found: FoundLabel | None
    # The facts shown on the page; None without ``found``, or when they were not asked for.
    label: PublicLabel | None = None

    @property
    def batch_id(self) -> int | None:
        return self.found.batch.id if self.found is not None else None

    @property
    def label_code_id(self) -> int | None:
        issued = self.verification.issued
        return issued.id if issued is not None else None


@dataclass(frozen=True)
class CodeCheck:
    """The verify page's answer for one code."""

    judged: JudgedCode
    scan_id: int
    history: list[ScanLine]

    @property
    def verification(self) -> Verification:
        return self.judged.verification

    @property
    def label(self) -> PublicLabel | None:
        return self.judged.label

    @property
    def verdict(self) -> Verdict:
        return self.verification.verdict

    @property
    def title(self) -> str:
        return str(VERDICT_TITLES[self.verdict])

    @property
    def message(self) -> str:
        return str(MESSAGES[self.verdict])

    @property
    def tone(self) -> str:
        return VERDICT_TONES[self.verdict]

    @property
    def code_says(self) -> LabelData | None:
        """What the code itself says; trustworthy only when the signature checks."""
        parsed = self.verification.parsed
        return parsed.data if parsed is not None else None

    @property
    def key_id(self) -> str | None:
        parsed = self.verification.parsed
        return parsed.kid if parsed is not None else None


def judge_codes(session: Session, texts: list[str], *, with_facts: bool = True) -> list[JudgedCode]:
    """Each code's verdict and the batch it names, with the page's facts if asked; reads only."""
    judged = []
    for text in texts:
        verification = verify_code(session, text)
        found = named_label(session, verification)
        label = None
        if found is not None and with_facts:
            label = public_label(session, found, text)
        judged.append(JudgedCode(verification, found, label))
    return judged


def named_label(session: Session, verification: Verification) -> FoundLabel | None:
    """The batch (and unit) the code's path names, when we know it, whatever the verdict."""
    path = _path_of(verification)
    return find_label(session, path, verification.text) if path is not None else None


def record_checks(
    session: Session,
    judged: list[JudgedCode],
    *,
    user: User,
    remote_addr: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> list[int]:
    """Store each check as a scan of its code, so it shows in the code's history, and
    audit it as the inspector's: who checked which code, when, with what verdict."""
    scan_ids = []
    for one in judged:
        verification = one.verification
        scan_id = record_scan(
            session,
            code_text=verification.text,
            verdict=verification.verdict,
            batch_id=one.batch_id,
            label_code_id=one.label_code_id,
            remote_addr=remote_addr,
            user_agent=user_agent,
            now=now,
            is_inspection=True,
        )
        record_audit(
            session,
            user,
            cooperative_id=one.found.cooperative.id if one.found is not None else None,
            subject=AuditSubject.SCAN,
            subject_id=scan_id,
            action=AuditAction.VERIFIED,
            changes={
                "code": [None, verification.text],
                "verdict": [None, verification.verdict.value],
            },
        )
        scan_ids.append(scan_id)
    return scan_ids


def with_history(
    session: Session, judged: list[JudgedCode], scan_ids: list[int]
) -> list[CodeCheck]:
    """The answers, each with its code's scans (the check just recorded first)."""
    scans = scans_of_codes(session, [one.verification.text for one in judged])
    return [
        CodeCheck(one, scan_id, scans[one.verification.text])
        for one, scan_id in zip(judged, scan_ids, strict=True)
    ]


def _path_of(verification: Verification) -> LabelPath | None:
    parsed = verification.parsed
    if parsed is not None:
        data = parsed.data
        return LabelPath(data.gtin, data.lot, data.batch_code, data.serial, data.prefix)
    # A malformed code may still name a batch by its path (a URL with a parameter added).
    try:
        return read_path(urlsplit(verification.text).path)
    except (MalformedPath, ValueError):
        return None
