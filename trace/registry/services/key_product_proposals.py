"""A cooperative proposes one of its products as a key product of its commune; the
commune's officer confirms it (recording the decision) or declines it with a reason.

The cooperative sees the state of its proposals on each product's page. Every step writes
an audit record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import record_audit
from trace.auth.access import get_for_caller
from trace.auth.models import Role, User
from trace.common.field_errors import FieldErrors
from trace.db import utcnow
from trace.errors import AccessDenied, NotFound
from trace.registry.models import (
    KeyProduct,
    KeyProductProposal,
    KeyProductProposalState,
    Product,
)
from trace.registry.services.key_products import (
    NOTE_LIMIT,
    Decision,
    add_key_product,
    save_once,
)

PENDING = KeyProductProposalState.PENDING
WAITING = _l("This product already waits for the commune's answer.")


def propose(session: Session, user: User, product_id: int, note: str) -> KeyProductProposal:
    """Ask the cooperative's commune to list one of its own live products."""
    if user.role is not Role.COOPERATIVE:
        raise AccessDenied()
    product = get_for_caller(session, Product, product_id, user)
    commune_code = product.cooperative.commune_code
    errors = FieldErrors()
    text = errors.text("note", note, NOTE_LIMIT)
    if product.archived_at is not None or product.cooperative.archived_at is not None:
        errors.add("product_id", _l("An archived product cannot be proposed."))
    elif _is_listed(session, commune_code, product.id):
        errors.add("product_id", _l("The commune already lists this product as a key product."))
    elif latest_for_product(session, product.id, PENDING) is not None:
        errors.add("product_id", WAITING)
    errors.raise_if_any()
    proposal = KeyProductProposal(
        commune_code=commune_code,
        product_id=product.id,
        state=PENDING,
        note=text,
        proposed_by_id=user.id,
        decline_reason="",
    )
    save_once(session, proposal, "product_id", WAITING)
    changes = {"product_id": [None, product.id], "note": [None, text]}
    _audit(session, user, proposal, AuditAction.PROPOSED, changes)
    return proposal


def latest_for_product(
    session: Session, product_id: int, state: KeyProductProposalState | None = None
) -> KeyProductProposal | None:
    """The product's newest proposal (in ``state``, if given)."""
    statement = select(KeyProductProposal).where(KeyProductProposal.product_id == product_id)
    if state is not None:
        statement = statement.where(KeyProductProposal.state == state)
    return session.scalar(
        statement.order_by(KeyProductProposal.proposed_at.desc(), KeyProductProposal.id.desc())
    )


def pending(session: Session, commune_code: str) -> Sequence[KeyProductProposal]:
    """The proposals waiting for the commune's answer, oldest first."""
    return session.scalars(
        _proposals(commune_code)
        .where(KeyProductProposal.state == PENDING)
        .order_by(KeyProductProposal.proposed_at, KeyProductProposal.id)
    ).all()


def answered(session: Session, commune_code: str, limit: int = 20) -> Sequence[KeyProductProposal]:
    """The latest answers the commune gave, newest first."""
    return session.scalars(
        _proposals(commune_code)
        .where(KeyProductProposal.state != PENDING)
        .order_by(KeyProductProposal.answered_at.desc(), KeyProductProposal.id.desc())
        .limit(limit)
    ).all()


def pending_proposal(
    session: Session, commune_code: str, proposal_id: int, locked: bool = False
) -> KeyProductProposal:
    """A proposal to the commune still waiting; any other id is ``NotFound``. ``locked``, the
    row is held until the transaction ends (PostgreSQL): of two answers at once, the second
    finds it answered."""
    statement = _proposals(commune_code).where(
        KeyProductProposal.id == proposal_id, KeyProductProposal.state == PENDING
    )
    if locked:
        statement = statement.with_for_update(of=KeyProductProposal)
    proposal = session.scalar(statement)
    if proposal is None:
        raise NotFound(_l("This proposal does not exist or was answered already."))
    return proposal


def confirm(
    session: Session, user: User, commune_code: str, proposal_id: int, decision: Decision
) -> KeyProduct:
    """List the proposed product by the decision given; the listing answers the proposal."""
    proposal = pending_proposal(session, commune_code, proposal_id, locked=True)
    return add_key_product(session, user, commune_code, proposal.product_id, decision)


def decline(
    session: Session, user: User, commune_code: str, proposal_id: int, reason: str
) -> KeyProductProposal:
    """Turn a proposal down, saying why: the cooperative reads the reason."""
    proposal = pending_proposal(session, commune_code, proposal_id, locked=True)
    errors = FieldErrors()
    text = errors.text("decline_reason", reason, NOTE_LIMIT)
    if not text and "decline_reason" not in errors.errors:
        errors.add("decline_reason", _l("Say why the commune declines the proposal."))
    errors.raise_if_any()
    proposal.state = KeyProductProposalState.DECLINED
    proposal.decline_reason = text
    proposal.answered_by_id = user.id
    proposal.answered_at = utcnow()
    session.flush()
    changes = {"state": ["pending", "declined"], "decline_reason": [None, text]}
    _audit(session, user, proposal, AuditAction.DECLINED, changes)
    return proposal


def _is_listed(session: Session, commune_code: str, product_id: int) -> bool:
    return (
        session.scalar(
            select(KeyProduct.id).where(
                KeyProduct.commune_code == commune_code,
                KeyProduct.product_id == product_id,
                KeyProduct.removed_at.is_(None),
            )
        )
        is not None
    )


def _proposals(commune_code: str) -> Select[tuple[KeyProductProposal]]:
    return (
        select(KeyProductProposal)
        .where(KeyProductProposal.commune_code == commune_code)
        .options(joinedload(KeyProductProposal.product).joinedload(Product.cooperative))
    )


def _audit(
    session: Session,
    user: User,
    proposal: KeyProductProposal,
    action: AuditAction,
    changes: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        user,
        cooperative_id=proposal.product.cooperative_id,
        subject=AuditSubject.KEY_PRODUCT_PROPOSAL,
        subject_id=proposal.id,
        action=action,
        changes=changes,
    )
