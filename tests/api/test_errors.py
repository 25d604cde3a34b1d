"""The API answers every error as JSON {code, status, message, errors}, never HTML."""

from __future__ import annotations

import pytest
from flask_smorest import abort

from tests.factories import make_user
from trace.auth.models import Role
from trace.auth.services import issue_api_token
from trace.errors import InvalidInput


def _assert_json_error(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status
    assert body["message"]
    assert isinstance(body["errors"], dict)
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_missing_token_is_401_with_a_challenge(client):
    response = client.get("/api/v1/me")
    _assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "trc_x"])
def test_bad_tokens_are_401(client, header):
    _assert_json_error(client.get("/api/v1/me", headers={"Authorization": header}), 401)


def test_unknown_api_path_is_json_404(client):
    _assert_json_error(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_json_405_with_allow(client):
    response = client.delete("/api/v1/me")
    _assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_huge_ids_are_404_not_500(client, session):
    token = issue_api_token(session, make_user(session, Role.OPERATOR))
    response = client.get(
        "/api/v1/cooperatives/99999999999999999999",
        headers={"Authorization": f"Bearer {token}"},
    )
    _assert_json_error(response, 404)


@pytest.mark.fresh_app  # adds a route
def test_unexpected_errors_are_json_500_without_details(app):
    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/_boom")
    body = _assert_json_error(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert body["status"] == "Internal Server Error"


@pytest.mark.fresh_app  # adds a route
def test_field_errors_are_named(app):
    @app.get("/api/v1/_invalid")
    def invalid():
        raise InvalidInput(errors={"tax_code": ["Enter 10 or 13 digits."]})

    body = _assert_json_error(app.test_client().get("/api/v1/_invalid"), 422)
    assert body["errors"] == {"tax_code": ["Enter 10 or 13 digits."]}


@pytest.mark.fresh_app  # adds a route
def test_request_parsing_errors_are_keyed_by_field_not_location(app):
    @app.get("/api/v1/_abort")
    def aborted():
        # What webargs raises when a marshmallow schema refuses the request body.
        abort(422, messages={"json": {"name": ["Missing data for required field."]}})

    body = _assert_json_error(app.test_client().get("/api/v1/_abort"), 422)
    assert body["errors"] == {"name": ["Trường này là bắt buộc."]}


@pytest.mark.parametrize(
    ("accept_language", "message", "per_page", "page"),
    [
        (
            "vi",
            "Một số trường thông tin cần được sửa lại.",
            ["Phải lớn hơn hoặc bằng 1 và nhỏ hơn hoặc bằng 100."],
            ["Không phải là một số nguyên hợp lệ."],
        ),
        (
            "en-GB,en;q=0.9",
            "Some fields need to be corrected.",
            ["Must be greater than or equal to 1 and less than or equal to 100."],
            ["Not a valid integer."],
        ),
    ],
)
def test_marshmallows_messages_are_in_the_callers_language(
    client, session, accept_language, message, per_page, page
):
    """marshmallow writes English; the answer is in one language, its fields named as sent."""
    user = make_user(session, role=Role.OPERATOR)
    token = issue_api_token(session, user, "test")
    response = client.get(
        "/api/v1/batches?per_page=0&page=x",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": accept_language},
    )
    body = _assert_json_error(response, 422)
    assert body["message"] == message
    assert body["errors"] == {"per_page": per_page, "page": page}
