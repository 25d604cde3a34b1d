"""The key-product pages: the officer's list (add by decision, remove, answer proposals),
the cooperative's proposal from its product page; validation, CSRF and tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import (
    SOC_TRANG,
    make_cooperative,
    make_key_product,
    make_key_product_proposal,
    make_product,
)
from tests.registry.test_views_common import assert_shows_error, sign_in, submit, text_of
from trace.common.clock import local_today
from trace.registry.models import KeyProduct, KeyProductProposal, KeyProductProposalState

PAGE = f"/communes/{SOC_TRANG}/key-products"


def entries(session):
    session.expire_all()
    return session.scalars(select(KeyProduct).order_by(KeyProduct.id)).all()


def decision(product_id, number="125/QĐ-UBND", day="2026-03-02"):
    return {"product_id": str(product_id), "decision_number": number, "decided_on": day}


# The list


@pytest.mark.parametrize("caller", ["officer_a", "operator"])
def test_the_list_page_offers_the_communes_products_in_vietnamese(client, session, tenants, caller):
    neighbour = make_cooperative(session, commune_code=SOC_TRANG, name="HTX Mỹ")
    make_product(session, neighbour, name="Bưởi Năm Roi")
    make_product(session, tenants.cooperative_b, name="Chè Tân Cương")
    sign_in(client, tenants.user(caller))
    response = client.get(PAGE)
    assert response.status_code == 200
    text = text_of(response)
    assert "Sản phẩm chủ lực của xã" in text
    assert "Phường Sóc Trăng" in text
    assert "Số quyết định" in text
    assert "Bưởi Năm Roi (HTX Mỹ)" in text
    assert tenants.product_a.name in text
    assert "Chè Tân Cương" not in text
    assert 'name="csrf_token"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("caller", "status"), [("officer_b", 404), ("staff_a", 403)])
def test_others_cannot_open_or_change_the_list(client, session, tenants, caller, status):
    entry = make_key_product(session, tenants.product_a)
    proposal = make_key_product_proposal(
        session, make_product(session, tenants.cooperative_a), tenants.staff_a
    )
    sign_in(client, tenants.user(caller))
    for path in (
        PAGE,
        f"{PAGE}/{entry.id}/remove",
        f"{PAGE}/proposals/{proposal.id}/confirm",
        f"{PAGE}/proposals/{proposal.id}/decline",
    ):
        assert client.get(path).status_code == status, path
        assert client.post(path, data={}).status_code in (400, status), path
    assert entries(session)[0].removed_at is None
    assert proposal.state == KeyProductProposalState.PENDING


def test_the_officer_adds_a_key_product_with_the_decision(client, session, tenants):
    sign_in(client, tenants.officer_a)
    response = submit(client, PAGE + "?lang=en", decision(tenants.product_a.id))
    assert response.status_code == 302
    [entry] = entries(session)
    assert (entry.decision_number, entry.added_by_id) == ("125/QĐ-UBND", tenants.officer_a.id)
    shown = text_of(client.get(PAGE + "?lang=en"))
    assert f"“{tenants.product_a.name}” is a key product of the commune" in shown
    assert "Decision 125/QĐ-UBND of March 2, 2026" in shown
    product_page = text_of(client.get(f"/products/{tenants.product_a.id}?lang=en"))
    assert "decision 125/QĐ-UBND of March 2, 2026" in product_page


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, session, tenants):
    sign_in(client, tenants.officer_a)
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = submit(client, PAGE + "?lang=en", decision(tenants.product_a.id, "", tomorrow))
    assert response.status_code == 422
    assert_shows_error(response, "decision_number", "Enter the number of the commune's decision.")
    assert_shows_error(response, "decided_on", "The date cannot be in the future.")
    other = make_product(session, tenants.cooperative_b)
    response = submit(client, PAGE + "?lang=en", decision(other.id))
    assert response.status_code == 422
    assert "Please check the form" in text_of(response)
    assert entries(session) == []


def test_a_form_without_its_csrf_token_changes_nothing(client, session, tenants):
    sign_in(client, tenants.officer_a)
    response = client.post(PAGE, data=decision(tenants.product_a.id))
    assert response.status_code in (400, 422)
    assert entries(session) == []


def test_the_officer_removes_one_with_a_date_and_reason(client, session, tenants):
    entry = make_key_product(session, tenants.product_a)
    sign_in(client, tenants.officer_a)
    path = f"{PAGE}/{entry.id}/remove?lang=en"
    form = client.get(path)
    assert f'value="{local_today().isoformat()}"' in form.get_data(as_text=True)
    refused = submit(client, path, {"removed_on": "2026-06-01", "removal_reason": ""})
    assert refused.status_code == 422
    assert_shows_error(refused, "removal_reason", "Say why the product leaves the list.")
    done = submit(client, path, {"removed_on": "2026-06-01", "removal_reason": "Thay bằng QĐ 88"})
    assert done.status_code == 302
    [gone] = entries(session)
    assert (gone.removal_reason, gone.removed_by_id) == ("Thay bằng QĐ 88", tenants.officer_a.id)
    history = text_of(client.get(PAGE + "?lang=en"))
    assert "Removed on June 1, 2026: Thay bằng QĐ 88" in history
    assert client.get(path).status_code == 404


# Proposals


def test_staff_propose_from_the_product_page_and_see_the_state(client, session, tenants):
    sign_in(client, tenants.staff_a)
    path = f"/products/{tenants.product_a.id}?lang=en"
    page = client.get(path)
    assert "Propose to the commune" in text_of(page)
    propose = f"/products/{tenants.product_a.id}/propose-key-product?lang=en"
    response = submit(client, propose, {"note": "OCOP 4 sao"})
    assert response.status_code == 302
    shown = text_of(client.get(path))
    assert "waiting for the commune's answer" in shown
    assert "Propose to the commune" not in shown
    again = submit(client, propose, {"note": ""})
    assert again.status_code == 422
    assert "already waits for the commune's answer" in text_of(again)
    [proposal] = session.scalars(select(KeyProductProposal)).all()
    assert (proposal.note, proposal.proposed_by_id) == ("OCOP 4 sao", tenants.staff_a.id)


@pytest.mark.parametrize(("caller", "status"), [("staff_b", 404), ("operator", 403)])
def test_only_the_products_own_staff_propose_it(client, session, tenants, caller, status):
    sign_in(client, tenants.user(caller))
    path = f"/products/{tenants.product_a.id}/propose-key-product"
    assert client.get(path).status_code == status
    assert "Propose to the commune" not in text_of(client.get(f"/products/{tenants.product_a.id}"))
    assert session.scalars(select(KeyProductProposal)).all() == []


def test_the_officer_confirms_a_proposal_with_the_decision(client, session, tenants):
    proposal = make_key_product_proposal(session, tenants.product_a, tenants.staff_a, note="Xin")
    sign_in(client, tenants.officer_a)
    listing = text_of(client.get(PAGE + "?lang=en"))
    assert "Proposals waiting for your answer" in listing
    path = f"{PAGE}/proposals/{proposal.id}/confirm?lang=en"
    refused = submit(client, path, {"decision_number": "", "decided_on": "2026-03-02"})
    assert refused.status_code == 422
    done = submit(client, path, {"decision_number": "7/QĐ-UBND", "decided_on": "2026-03-02"})
    assert done.status_code == 302
    session.expire_all()
    assert proposal.state == KeyProductProposalState.CONFIRMED
    assert [e.decision_number for e in entries(session)] == ["7/QĐ-UBND"]
    assert client.get(path).status_code == 404
    sign_in(client, tenants.staff_a)
    product_page = text_of(client.get(f"/products/{tenants.product_a.id}?lang=en"))
    assert "Confirmed by the commune on" in product_page


def test_the_officer_declines_a_proposal_and_staff_read_why(client, session, tenants):
    proposal = make_key_product_proposal(session, tenants.product_a, tenants.staff_a)
    sign_in(client, tenants.officer_a)
    path = f"{PAGE}/proposals/{proposal.id}/decline?lang=en"
    assert submit(client, path, {"decline_reason": " "}).status_code == 422
    assert submit(client, path, {"decline_reason": "Sản lượng còn nhỏ"}).status_code == 302
    session.expire_all()
    assert proposal.state == KeyProductProposalState.DECLINED
    sign_in(client, tenants.staff_a)
    product_page = text_of(client.get(f"/products/{tenants.product_a.id}?lang=en"))
    assert "Sản lượng còn nhỏ" in product_page
    # Declined, it may be proposed again.
    assert "Propose to the commune" in product_page


# Ways in


def test_the_officers_dashboard_and_the_13_4_page_link_to_the_list(client, tenants):
    sign_in(client, tenants.officer_a)
    for path in ("/dashboard", f"/communes/{SOC_TRANG}/13.4"):
        assert f'href="{PAGE}"' in client.get(path).get_data(as_text=True), path


def test_names_are_escaped(client, session, tenants):
    product = make_product(session, tenants.cooperative_a, name="<script>alert(1)</script>")
    make_key_product(session, product, note="<b>x</b>")
    sign_in(client, tenants.officer_a)
    markup = client.get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;b&gt;x&lt;/b&gt;" in markup
