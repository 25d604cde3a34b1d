"""A commune's key products: the list its officers keep by decision, the cooperatives'
proposals, the audit records, and what indicator 13.4 counts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    DAI_TU,
    SOC_TRANG,
    make_cooperative,
    make_farming_area,
    make_key_product,
    make_key_product_proposal,
    make_product,
)
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.common.clock import local_today
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.indicator.services import commune_evidence, province_overview
from trace.registry.models import KeyProduct, KeyProductProposal, KeyProductProposalState
from trace.registry.services import key_product_proposals as proposals
from trace.registry.services import key_products as service
from trace.registry.services.key_products import Decision

DECISION = Decision(number="125/QĐ-UBND", decided_on=date(2026, 3, 2), note="Chương trình OCOP")


def audit_of(session, subject):
    return session.scalars(
        select(AuditRecord).where(AuditRecord.subject == subject).order_by(AuditRecord.id)
    ).all()


def add(session, tenants, product=None, decision=DECISION, user=None):
    return service.add_key_product(
        session, user or tenants.officer_a, SOC_TRANG, (product or tenants.product_a).id, decision
    )


# Who keeps which list


@pytest.mark.parametrize("caller", ["officer_a", "operator"])
def test_the_officer_of_the_commune_and_operators_keep_its_list(tenants, caller):
    commune = service.commune_for_caller(tenants.user(caller), "31507")
    assert (commune.code, commune.name) == (SOC_TRANG, "Phường Sóc Trăng")


@pytest.mark.parametrize(
    ("caller", "code", "error"),
    [
        ("officer_b", SOC_TRANG, NotFound),
        ("officer_a", DAI_TU, NotFound),
        ("operator", "99999", NotFound),
        ("operator", "abc", NotFound),
        ("staff_a", SOC_TRANG, AccessDenied),
        ("inspector", SOC_TRANG, AccessDenied),
    ],
)
def test_others_are_refused_or_told_nothing(tenants, caller, code, error):
    with pytest.raises(error):
        service.commune_for_caller(tenants.user(caller), code)


# Adding and removing


def test_an_officer_adds_a_product_by_decision_and_it_is_audited(session, tenants):
    entry = add(session, tenants)
    assert (entry.commune_code, entry.decision_number, entry.decided_on) == (
        SOC_TRANG,
        "125/QĐ-UBND",
        date(2026, 3, 2),
    )
    assert entry.added_by_id == tenants.officer_a.id
    session.expire_all()
    assert tenants.product_a.is_key_product is True
    assert service.listed(session, SOC_TRANG) == [entry]
    [record] = audit_of(session, AuditSubject.KEY_PRODUCT)
    assert (record.action, record.subject_id, record.user_id) == (
        AuditAction.CREATED,
        entry.id,
        tenants.officer_a.id,
    )
    assert record.cooperative_id == tenants.cooperative_a.id
    assert record.changes["decision_number"] == [None, "125/QĐ-UBND"]
    assert record.changes["decided_on"] == [None, "2026-03-02"]
    assert record.changes["product_id"] == [None, tenants.product_a.id]


@pytest.mark.parametrize(
    ("decision", "fields"),
    [
        (Decision(number="", decided_on=None), {"decision_number", "decided_on"}),
        (Decision(number="  ", decided_on="2026-13-40"), {"decision_number", "decided_on"}),
        (Decision(number="1/QĐ", decided_on=local_today() + timedelta(days=1)), {"decided_on"}),
        (Decision(number="x" * 61, decided_on=date(2026, 1, 1)), {"decision_number"}),
        (Decision(number="1/QĐ", decided_on=date(2026, 1, 1), note="n" * 301), {"note"}),
        (Decision(number="1/QĐ\x00", decided_on=date(2026, 1, 1)), {"decision_number"}),
    ],
)
def test_a_bad_decision_is_refused_naming_its_fields(session, tenants, decision, fields):
    with pytest.raises(InvalidInput) as refused:
        add(session, tenants, decision=decision)
    assert set(refused.value.errors) == fields
    assert session.scalars(select(KeyProduct)).all() == []
    assert audit_of(session, AuditSubject.KEY_PRODUCT) == []


def test_only_live_products_of_cooperatives_found_in_the_commune_may_be_listed(session, tenants):
    elsewhere = make_product(session, tenants.cooperative_b)
    archived = make_product(
        session, tenants.cooperative_a, archived_at=tenants.product_a.created_at
    )
    for product_id in (elsewhere.id, archived.id, 0, "abc", None):
        with pytest.raises(InvalidInput) as refused:
            service.add_key_product(session, tenants.officer_a, SOC_TRANG, product_id, DECISION)
        assert set(refused.value.errors) == {"product_id"}
    # A cooperative with a farming area in the commune counts as found there.
    make_farming_area(session, tenants.cooperative_b, commune_code=SOC_TRANG)
    assert add(session, tenants, product=elsewhere).product_id == elsewhere.id
    assert {p.id for p in service.commune_products(session, SOC_TRANG)} == {
        tenants.product_a.id,
        elsewhere.id,
    }


def test_a_product_is_listed_once_and_the_database_holds_it_too(session, tenants):
    add(session, tenants)
    with pytest.raises(InvalidInput) as refused:
        add(session, tenants)
    assert "product_id" in refused.value.errors
    # Two writers passing the check at once still cannot both list it.
    with pytest.raises(IntegrityError), session.begin_nested():
        make_key_product(session, tenants.product_a)


def test_an_entry_carried_over_from_the_old_tick_gets_its_decision(session, tenants):
    carried = make_key_product(session, tenants.product_a, decision_number="", decided_on=None)
    assert carried.awaits_decision
    entry = add(session, tenants)
    assert entry.id == carried.id
    assert (entry.decision_number, entry.awaits_decision) == ("125/QĐ-UBND", False)
    [record] = audit_of(session, AuditSubject.KEY_PRODUCT)
    assert record.action == AuditAction.CHANGED
    assert record.changes["decision_number"] == ["", "125/QĐ-UBND"]


def test_removal_keeps_the_entry_as_history_with_its_date_and_reason(session, tenants):
    entry = add(session, tenants)
    removed = service.remove_key_product(
        session, tenants.officer_a, SOC_TRANG, entry.id, "2026-06-01", "Thay bằng QĐ 88"
    )
    assert (removed.removed_on, removed.removal_reason) == (date(2026, 6, 1), "Thay bằng QĐ 88")
    assert removed.removed_by_id == tenants.officer_a.id
    session.expire_all()
    assert tenants.product_a.is_key_product is False
    assert service.listed(session, SOC_TRANG) == []
    assert service.removed(session, SOC_TRANG) == [entry]
    record = audit_of(session, AuditSubject.KEY_PRODUCT)[-1]
    assert record.action == AuditAction.REMOVED
    assert record.changes == {
        "removed_on": [None, "2026-06-01"],
        "removal_reason": [None, "Thay bằng QĐ 88"],
    }
    # Listed again later, by a new decision: a new entry, the old one still history.
    again = add(session, tenants, decision=Decision("90/QĐ-UBND", date(2026, 7, 1)))
    assert again.id != entry.id
    with pytest.raises(NotFound):
        service.remove_key_product(
            session, tenants.officer_a, SOC_TRANG, entry.id, "2026-08-01", "x"
        )


@pytest.mark.parametrize(
    ("removed_on", "reason", "fields"),
    [
        ("", "", {"removed_on", "removal_reason"}),
        ("2026-03-01", "Hết hiệu lực", {"removed_on"}),  # before the decision of 2 March
        (local_today() + timedelta(days=1), "Hết hiệu lực", {"removed_on"}),
        ("2026-06-01", "r" * 301, {"removal_reason"}),
    ],
)
def test_a_bad_removal_changes_nothing(session, tenants, removed_on, reason, fields):
    entry = add(session, tenants)
    with pytest.raises(InvalidInput) as refused:
        service.remove_key_product(
            session, tenants.officer_a, SOC_TRANG, entry.id, removed_on, reason
        )
    assert set(refused.value.errors) == fields
    assert entry.removed_at is None


def test_an_entry_of_another_commune_cannot_be_removed_through_this_one(session, tenants):
    other = make_key_product(session, make_product(session, tenants.cooperative_b), DAI_TU)
    with pytest.raises(NotFound):
        service.remove_key_product(
            session, tenants.officer_a, SOC_TRANG, other.id, "2026-06-01", "x"
        )


# Proposals


def test_staff_propose_their_product_and_the_officer_confirms_it(session, tenants):
    proposal = proposals.propose(session, tenants.staff_a, tenants.product_a.id, "OCOP 4 sao")
    assert (proposal.state, proposal.commune_code, proposal.note) == (
        KeyProductProposalState.PENDING,
        SOC_TRANG,
        "OCOP 4 sao",
    )
    assert proposals.pending(session, SOC_TRANG) == [proposal]
    assert proposals.pending(session, DAI_TU) == []
    entry = proposals.confirm(session, tenants.officer_a, SOC_TRANG, proposal.id, DECISION)
    assert (proposal.state, proposal.key_product_id) == (
        KeyProductProposalState.CONFIRMED,
        entry.id,
    )
    assert proposal.answered_by_id == tenants.officer_a.id
    assert proposals.latest_for_product(session, tenants.product_a.id) == proposal
    actions = [r.action for r in audit_of(session, AuditSubject.KEY_PRODUCT_PROPOSAL)]
    assert actions == [AuditAction.PROPOSED, AuditAction.CONFIRMED]
    assert [r.action for r in audit_of(session, AuditSubject.KEY_PRODUCT)] == [AuditAction.CREATED]


def test_a_confirmation_needs_a_decision_and_leaves_the_proposal_pending_without(session, tenants):
    proposal = proposals.propose(session, tenants.staff_a, tenants.product_a.id, "")
    with pytest.raises(InvalidInput) as refused:
        proposals.confirm(session, tenants.officer_a, SOC_TRANG, proposal.id, Decision("", None))
    assert set(refused.value.errors) == {"decision_number", "decided_on"}
    assert proposal.state == KeyProductProposalState.PENDING


def test_the_officer_declines_with_a_reason_the_cooperative_reads(session, tenants):
    proposal = proposals.propose(session, tenants.staff_a, tenants.product_a.id, "")
    with pytest.raises(InvalidInput) as refused:
        proposals.decline(session, tenants.officer_a, SOC_TRANG, proposal.id, "  ")
    assert set(refused.value.errors) == {"decline_reason"}
    proposals.decline(session, tenants.officer_a, SOC_TRANG, proposal.id, "Sản lượng còn nhỏ")
    assert (proposal.state, proposal.decline_reason) == (
        KeyProductProposalState.DECLINED,
        "Sản lượng còn nhỏ",
    )
    assert proposals.answered(session, SOC_TRANG) == [proposal]
    record = audit_of(session, AuditSubject.KEY_PRODUCT_PROPOSAL)[-1]
    assert record.action == AuditAction.DECLINED
    assert record.changes["decline_reason"] == [None, "Sản lượng còn nhỏ"]
    # Answered: neither answered again nor found through another commune.
    with pytest.raises(NotFound):
        proposals.decline(session, tenants.officer_a, SOC_TRANG, proposal.id, "x")
    # Declined, it may be proposed again.
    assert proposals.propose(session, tenants.staff_a, tenants.product_a.id, "").id != proposal.id


def test_a_proposal_is_answered_only_through_its_own_commune(session, tenants):
    proposal = make_key_product_proposal(session, tenants.product_a, tenants.staff_a)
    with pytest.raises(NotFound):
        proposals.decline(session, tenants.officer_b, DAI_TU, proposal.id, "x")
    with pytest.raises(NotFound):
        proposals.confirm(session, tenants.officer_b, DAI_TU, proposal.id, DECISION)


def test_listing_a_proposed_product_directly_confirms_its_proposal(session, tenants):
    proposal = make_key_product_proposal(session, tenants.product_a, tenants.staff_a)
    entry = add(session, tenants)
    assert (proposal.state, proposal.key_product_id) == (
        KeyProductProposalState.CONFIRMED,
        entry.id,
    )


def test_what_cannot_be_proposed(session, tenants):
    with pytest.raises(NotFound):  # another cooperative's product
        proposals.propose(session, tenants.staff_b, tenants.product_a.id, "")
    for caller in ("operator", "officer_a", "inspector"):
        with pytest.raises(AccessDenied):
            proposals.propose(session, tenants.user(caller), tenants.product_a.id, "")
    proposals.propose(session, tenants.staff_a, tenants.product_a.id, "")
    with pytest.raises(InvalidInput) as waiting:
        proposals.propose(session, tenants.staff_a, tenants.product_a.id, "")
    assert "product_id" in waiting.value.errors
    listed = make_product(session, tenants.cooperative_a, is_key_product=True)
    archived = make_product(session, tenants.cooperative_a, archived_at=listed.created_at)
    for product in (listed, archived):
        with pytest.raises(InvalidInput):
            proposals.propose(session, tenants.staff_a, product.id, "")
    with pytest.raises(InvalidInput) as too_long:
        proposals.propose(
            session, tenants.staff_a, make_product(session, tenants.cooperative_a).id, "n" * 301
        )
    assert set(too_long.value.errors) == {"note"}


def test_a_product_waits_on_one_proposal_at_a_time_in_the_database_too(session, tenants):
    make_key_product_proposal(session, tenants.product_a, tenants.staff_a)
    with pytest.raises(IntegrityError), session.begin_nested():
        make_key_product_proposal(session, tenants.product_a, tenants.staff_a)
    assert session.scalars(select(KeyProductProposal)).all() != []


# What indicator 13.4 counts


def test_the_indicator_counts_only_the_communes_list(session, tenants):
    neighbour = make_cooperative(session, commune_code=SOC_TRANG)
    not_listed = make_product(session, neighbour, name="Bưởi chưa chọn")
    removed = make_product(session, neighbour, name="Xoài đã bỏ")
    elsewhere = make_product(session, tenants.cooperative_b, name="Chè Đại Từ")
    entry = add(session, tenants)
    gone = add(session, tenants, product=removed)
    service.remove_key_product(session, tenants.officer_a, SOC_TRANG, gone.id, "2026-04-01", "x")
    make_key_product(session, elsewhere, DAI_TU)
    # Proposed but not confirmed: not counted either.
    make_key_product_proposal(session, not_listed, tenants.staff_a)

    evidence = commune_evidence(session, SOC_TRANG, date(2026, 12, 1))
    assert [row.product_id for row in evidence.products] == [entry.product_id]
    assert [row.product_id for row in commune_evidence(session, DAI_TU).products] == [elsewhere.id]
    by_code = {row.commune_code: row for row in province_overview(session, "92").rows}
    assert by_code[SOC_TRANG].key_products == 1


def test_an_archived_listed_product_is_not_counted(session, tenants):
    add(session, tenants)
    tenants.product_a.archived_at = tenants.product_a.created_at
    session.flush()
    assert commune_evidence(session, SOC_TRANG).products == ()
