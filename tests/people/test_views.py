"""The people pages through the test client: lists, inviting, links, changes, isolation."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import csrf_token_from, log_in
from tests.factories import make_user
from trace.auth.models import Role, User
from trace.people import services
from trace.people.models import AccountLink

NEW_PASSWORD = "rice paddies under monsoon clouds"
LINK = re.compile(r"http://localhost/account/link/[A-Za-z0-9_-]+")


def _post(client, path: str, data: dict, form_path: str | None = None):
    token = csrf_token_from(client.get(form_path or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def _user_count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def test_operators_list_search_and_filter_people(client, session, tenants):
    make_user(session, Role.INSPECTOR, email="hoa.le@qltt.vn", display_name="Lê Thị Hoa")
    log_in(client, tenants.operator.email)
    page = client.get("/users").get_data(as_text=True)
    assert tenants.staff_a.email in page
    assert tenants.officer_b.email in page
    found = client.get("/users?q=HOA.LE").get_data(as_text=True)
    assert "hoa.le@qltt.vn" in found
    assert tenants.staff_a.email not in found
    staff = client.get(f"/users?role=cooperative&cooperative_id={tenants.cooperative_a.id}")
    text = staff.get_data(as_text=True)
    assert tenants.staff_a.email in text
    assert tenants.staff_b.email not in text
    officers = client.get(f"/users?commune={tenants.officer_a.commune_code}").get_data(as_text=True)
    assert tenants.officer_a.email in officers
    assert tenants.officer_b.email not in officers
    services.disable_person(session, tenants.operator, tenants.inspector)
    disabled = client.get("/users?status=disabled").get_data(as_text=True)
    assert tenants.inspector.email in disabled
    assert tenants.staff_a.email not in disabled
    # Nonsense filters are ignored, never a 500.
    assert client.get("/users?role=king&status=x&cooperative_id=abc&page=-3").status_code == 200


def test_the_list_is_paginated(client, session, tenants):
    for number in range(25):
        make_user(session, Role.INSPECTOR, email=f"page{number:02d}@example.vn")
    log_in(client, tenants.operator.email)
    first = client.get("/users?q=page").get_data(as_text=True)
    second = client.get("/users?q=page&page=2").get_data(as_text=True)
    assert "page00@example.vn" in first
    assert "page24@example.vn" not in first
    assert "page24@example.vn" in second
    assert 'rel="prev"' in second


def test_staff_see_only_their_own_cooperatives_people(client, tenants):
    log_in(client, tenants.staff_b.email)
    page = client.get("/users").get_data(as_text=True)
    assert tenants.staff_b.email in page
    assert tenants.staff_a.email not in page
    assert tenants.operator.email not in page
    # Asking for A's people by filter shows nothing of A.
    asked = client.get(f"/users?cooperative_id={tenants.cooperative_a.id}").get_data(as_text=True)
    assert tenants.staff_a.email not in asked
    assert client.get(f"/users/{tenants.staff_a.id}").status_code == 403


def test_an_operator_invites_and_the_invitee_sets_a_password(app, client, session, tenants):
    log_in(client, tenants.operator.email)
    response = _post(
        client,
        "/users/invite",
        {
            "email": "Minh.Tran@UBND.vn",
            "display_name": "Trần Văn Minh",
            "role": "commune_officer",
            "commune_code": tenants.officer_a.commune_code,
        },
    )
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    [url] = set(LINK.findall(response.get_data(as_text=True)))
    invitee = app.test_client()
    form = invitee.get(url)
    assert form.status_code == 200
    assert "minh.tran@ubnd.vn" in form.get_data(as_text=True)
    weak = invitee.post(
        url,
        data={
            "password": "123456789012",
            "password_again": "123456789012",
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
        },
    )
    assert weak.status_code == 422
    done = invitee.post(
        url,
        data={
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "csrf_token": csrf_token_from(form.get_data(as_text=True)),
        },
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/dashboard")
    assert invitee.get("/dashboard").status_code == 200
    assert log_in(app.test_client(), "minh.tran@ubnd.vn", NEW_PASSWORD).status_code == 302
    # Used once: the link is gone, with a page that says what to do.
    again = app.test_client().get(url)
    assert again.status_code == 410
    assert "liên hệ quản trị nền tảng" in again.get_data(as_text=True)


def test_an_invitation_with_mistakes_names_each_and_creates_no_one(client, session, tenants):
    log_in(client, tenants.operator.email)
    before = _user_count(session)
    response = _post(
        client,
        "/users/invite",
        {"email": "nope", "display_name": "", "role": "cooperative", "cooperative": ""},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#email"' in page
    assert 'href="#display_name"' in page
    assert 'href="#cooperative"' in page
    duplicate = _post(
        client,
        "/users/invite",
        {"email": tenants.staff_a.email, "display_name": "X", "role": "inspector"},
    )
    assert duplicate.status_code == 422
    assert 'href="#email"' in duplicate.get_data(as_text=True)
    assert _user_count(session) == before


def test_forms_without_a_csrf_token_change_nothing(client, session, tenants):
    log_in(client, tenants.operator.email)
    before = _user_count(session)
    response = client.post(
        "/users/invite", data={"email": "a@b.vn", "display_name": "A", "role": "inspector"}
    )
    assert response.status_code in (400, 422)
    assert _user_count(session) == before
    client.post(f"/users/{tenants.inspector.id}/disable")
    session.refresh(tenants.inspector)
    assert tenants.inspector.is_active


def test_staff_of_b_invite_into_b_whatever_they_send(client, session, tenants):
    log_in(client, tenants.staff_b.email)
    page = client.get("/users/invite").get_data(as_text=True)
    assert 'name="role"' not in page
    assert 'name="cooperative"' not in page
    response = _post(
        client,
        "/users/invite",
        {
            "email": "sneaky@example.vn",
            "display_name": "Sneaky",
            "role": "operator",
            "cooperative": tenants.cooperative_a.tax_code,
        },
    )
    assert response.status_code == 200
    # Staff cannot issue a new link themselves: the page sends them to their operator.
    assert "liên hệ quản trị nền tảng" in response.get_data(as_text=True)
    created = session.scalar(select(User).where(User.email == "sneaky@example.vn"))
    assert created.role is Role.COOPERATIVE
    assert created.cooperative_id == tenants.cooperative_b.id
    for path in (f"/users/{created.id}", "/users/import"):
        assert client.get(path).status_code == 403


def test_an_expired_link_says_so_and_the_operator_issues_a_fresh_one(app, client, session, tenants):
    issued = services.invite_person(
        session, tenants.operator, email="late@example.vn", display_name="Late", role="inspector"
    )
    issued.link.expires_at = issued.link.created_at - timedelta(minutes=1)
    session.flush()
    stale = app.test_client().get(f"/account/link/{issued.token}")
    assert stale.status_code == 410
    log_in(client, tenants.operator.email)
    person_page = client.get(f"/users/{issued.user.id}").get_data(as_text=True)
    assert "/invitation" in person_page
    fresh = _post(
        client, f"/users/{issued.user.id}/invitation", {}, form_path=f"/users/{issued.user.id}"
    )
    assert fresh.status_code == 200
    [url] = set(LINK.findall(fresh.get_data(as_text=True)))
    assert app.test_client().get(url).status_code == 200
    links_of_person = select(func.count()).where(AccountLink.user_id == issued.user.id)
    assert session.scalar(links_of_person) == 2


def test_a_reset_link_ends_the_sessions_once_used(app, client, session, tenants):
    person = tenants.inspector
    theirs = app.test_client()
    log_in(theirs, person.email)
    log_in(client, tenants.operator.email)
    response = _post(client, f"/users/{person.id}/reset-link", {}, form_path=f"/users/{person.id}")
    [url] = set(LINK.findall(response.get_data(as_text=True)))
    assert theirs.get("/dashboard").status_code == 200  # issuing alone ends nothing
    other = app.test_client()
    form = other.get(url).get_data(as_text=True)
    other.post(
        url,
        data={
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "csrf_token": csrf_token_from(form),
        },
    )
    assert theirs.get("/dashboard").status_code == 302


def test_changing_a_role_applies_at_once(app, client, session, tenants):
    person = tenants.staff_a
    theirs = app.test_client()
    log_in(theirs, person.email)
    log_in(client, tenants.operator.email)
    form = client.get(f"/users/{person.id}/role").get_data(as_text=True)
    assert f'selected value="{tenants.cooperative_a.tax_code}"' in form
    bad = _post(
        client,
        f"/users/{person.id}/role",
        {"role": "commune_officer", "cooperative": "", "commune_code": "abc"},
    )
    assert bad.status_code == 422
    assert 'href="#commune_code"' in bad.get_data(as_text=True)
    moved = _post(
        client,
        f"/users/{person.id}/role",
        {"role": "cooperative", "cooperative": tenants.cooperative_b.tax_code, "commune_code": ""},
    )
    assert moved.status_code == 302
    session.refresh(person)
    assert person.cooperative_id == tenants.cooperative_b.id
    assert theirs.get("/dashboard").status_code == 302


def test_disable_and_enable_through_the_pages(app, client, session, tenants):
    person = tenants.inspector
    theirs = app.test_client()
    log_in(theirs, person.email)
    log_in(client, tenants.operator.email)
    confirm = client.get(f"/users/{person.id}/disable")
    assert confirm.status_code == 200
    done = _post(client, f"/users/{person.id}/disable", {})
    assert done.status_code == 302
    assert theirs.get("/dashboard").status_code == 302
    assert log_in(app.test_client(), person.email).status_code == 422
    enabled = _post(client, f"/users/{person.id}/enable", {}, form_path=f"/users/{person.id}")
    assert enabled.status_code == 302
    assert log_in(app.test_client(), person.email).status_code == 302


def test_the_last_operator_stays(client, session, tenants):
    operator = tenants.operator
    log_in(client, operator.email)
    own = client.get(f"/users/{operator.id}").get_data(as_text=True)
    assert f"/users/{operator.id}/disable" not in own
    refused = _post(client, f"/users/{operator.id}/disable", {}, form_path=f"/users/{operator.id}")
    assert refused.status_code == 422
    demoted = _post(
        client,
        f"/users/{operator.id}/role",
        {"role": "inspector", "cooperative": "", "commune_code": ""},
    )
    assert demoted.status_code == 422
    session.refresh(operator)
    assert operator.role is Role.OPERATOR
    assert operator.is_active


def test_the_navigation_and_dashboard_lead_to_the_people(app, client, tenants):
    log_in(client, tenants.staff_a.email)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/users/invite"' in dashboard
    assert 'href="/users"' in dashboard
    inspector = app.test_client()
    log_in(inspector, tenants.inspector.email)
    assert 'href="/users"' not in inspector.get("/dashboard").get_data(as_text=True)
