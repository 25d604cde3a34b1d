"""Calling the registry API as one of the test tenants' users, and counting what is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.auth.services import issue_api_token


@dataclass
class ApiCaller:
    """One user's bearer token and the client to send it with."""

    client: FlaskClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(path, query_string=query, headers=self.headers)

    def post(self, path: str, json: Any = None) -> Any:
        return self.client.post(path, json=json if json is not None else {}, headers=self.headers)

    def patch(self, path: str, json: Any) -> Any:
        return self.client.patch(path, json=json, headers=self.headers)


def caller(client: FlaskClient, session: Session, user: User) -> ApiCaller:
    return ApiCaller(client=client, token=issue_api_token(session, user))


def count(session: Session, model: type[Any]) -> int:
    """Rows of ``model`` as the database holds them now (the requests' work included)."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def ids(response: Any) -> list[int]:
    """The ids on one page of a list, in order."""
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def field_errors(response: Any) -> dict[str, list[str]]:
    """The fields a 422 names; the body is the API's one error shape."""
    assert response.status_code == 422, (response.status_code, response.get_json())
    body = response.get_json()
    assert body["code"] == 422
    return dict(body["errors"])


TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def valid_tax_code(first_nine: str) -> str:
    """A tax code whose check digit is right, built on ``first_nine`` (bumped if needed)."""
    number = int(first_nine)
    while True:
        digits = f"{number:09d}"
        check = 10 - sum(int(d) * w for d, w in zip(digits, TAX_CODE_WEIGHTS, strict=True)) % 11
        if check < 10:
            return f"{digits}{check}"
        number += 1
