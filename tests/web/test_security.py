"""Cache headers: nothing shown to a signed-in person is kept by any cache, the browser's
included; anonymous answers keep their own headers, and static files stay cacheable."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import log_in
from tests.registry.test_views_common import sign_in, submit
from tests.test_access_grid import GRID, _request, _rules, _url_for
from trace.auth.services import issue_api_token

NO_STORE = "private, no-store"


@pytest.mark.parametrize("caller", ["operator", "staff_a", "inspector", "officer_a"])
def test_every_page_and_api_answer_to_a_signed_in_caller_is_stored_by_no_cache(
    app, session, tenants, caller
):
    """Every GET route, as the access grid calls it: a session for pages, a token for the API."""
    user = tenants.user(caller)
    stored = []
    tried = 0
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = _url_for(app, rule, tenants)
        response = _request(app.test_client(), session, "GET", path, GRID[rule.endpoint], user)
        response.close()
        tried += 1
        if response.headers.get("Cache-Control") != NO_STORE:
            cache_control = response.headers.get("Cache-Control")
            stored.append(f"GET {path}: {response.status_code} Cache-Control: {cache_control}")
    assert tried > 50
    assert not stored, "\n".join(stored)


def test_a_form_sent_back_to_be_corrected_and_the_sign_in_redirect_are_not_stored(
    client, session, tenants
):
    response = log_in(client, tenants.staff_a.email)
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == NO_STORE
    path = f"/cooperatives/{tenants.cooperative_a.id}/edit"
    corrected = submit(client, path, {"name": "", "email": "not an address"})
    assert corrected.status_code == 422
    assert corrected.headers["Cache-Control"] == NO_STORE


def label_path(labelled) -> str:
    parts = urlsplit(labelled.code.text)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_public_page_keeps_its_cache_headers_for_anonymous_visitors(client, labelled):
    response = client.get(label_path(labelled))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert response.headers["ETag"]
    jwks = client.get("/.well-known/jwks.json")
    assert "no-store" not in jwks.headers.get("Cache-Control", "")


def test_the_public_page_is_not_stored_for_a_signed_in_visitor(client, tenants, labelled):
    sign_in(client, tenants.inspector)
    response = client.get(label_path(labelled))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_STORE


def test_static_files_stay_cacheable_for_signed_in_people(client, tenants):
    sign_in(client, tenants.staff_a)
    response = client.get("/static/favicon.svg")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_an_api_token_answer_is_not_stored(client, session, tenants):
    token = issue_api_token(session, tenants.staff_a)
    response = client.get("/api/v1/batches", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_STORE
