"""Scans of label URLs: each opening of a label, with a coarse place; what inspectors read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow, value_enum
from trace.signing.codes import MAX_CODE_LENGTH, Verdict

NETWORK_MAX_LENGTH = 43  # an IPv6 address in full and "/128"
USER_AGENT_FAMILY_MAX_LENGTH = 40
# Two decimals of a degree: about 1 km, enough to tell a market from another province.
COORDINATE = Numeric(6, 2)


class Scan(Base):
    """One opening of a label URL: when, from which network, with what, and the verdict.

    Rows are inserted once by the public page and never rewritten; the only later change
    is the position the visitor may choose to share. A visitor's address is never stored,
    only its network (IPv4 /24, IPv6 /48), and a position only to 0.01 degree.
    """

    __tablename__ = "scans"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint(
            "(latitude IS NULL) = (positioned_at IS NULL)"
            " AND (longitude IS NULL) = (positioned_at IS NULL)",
            name="position_complete",
        ),
        # An inspector's history of a code we never issued is found by its exact text;
        # such scans are few, so only they are indexed (an issued code goes by its id).
        Index(
            "ix_scans_unissued_code_text",
            "code_text",
            sqlite_where=text("label_code_id IS NULL"),
            postgresql_where=text("label_code_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null when the code names no batch we know (malformed, forged, unknown key).
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="RESTRICT"), index=True
    )
    # The issued code this URL is, when it is one: the clone signals count per code.
    label_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("label_codes.id", ondelete="RESTRICT"), index=True
    )
    # The URL as scanned, without the page's own display parameters (such as ``lang``).
    code_text: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH))
    verdict: Mapped[Verdict] = mapped_column(value_enum(Verdict, "scan_verdict"))
    # The signature verifies against one of our keys (even a revoked one).
    is_signature_valid: Mapped[bool]
    network: Mapped[str] = mapped_column(String(NETWORK_MAX_LENGTH))
    latitude: Mapped[Decimal | None] = mapped_column(COORDINATE)
    longitude: Mapped[Decimal | None] = mapped_column(COORDINATE)
    positioned_at: Mapped[datetime | None]
    user_agent_family: Mapped[str] = mapped_column(String(USER_AGENT_FAMILY_MAX_LENGTH))
    # A market inspector's check (verify page), not a buyer's visit: buyers' counts and
    # the clone rules about buyers leave it out.
    is_inspection: Mapped[bool] = mapped_column(default=False, server_default=false())
