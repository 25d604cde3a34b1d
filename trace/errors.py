"""The exceptions our services raise, and the one place that turns errors into responses.

API routes (under ``/api/``) always answer JSON ``{"code", "status", "message", "errors"}``;
pages answer a friendly HTML page in the visitor's language. Neither ever shows a stack
trace or the text of an unexpected exception.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from types import MappingProxyType
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from trace.validation_messages import translated_errors

log = logging.getLogger(__name__)

FieldErrors = Mapping[str, list[str]]


class TraceError(Exception):
    """Base of every error our code raises on purpose; never shown as ``str(exc)``."""

    status = 400
    message: str | LazyString = _l("The request could not be processed.")
    headers: Mapping[str, str] = MappingProxyType({})

    def __init__(
        self, message: str | LazyString | None = None, errors: FieldErrors | None = None
    ) -> None:
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        self.errors: FieldErrors = errors or {}


class InvalidInput(TraceError):
    """Raised when input breaks a rule; ``errors`` names each field and what is wrong."""

    status = 422
    message = _l("Some fields need to be corrected.")


class AuthenticationRequired(TraceError):
    """Raised when a route needs a signed-in user or an API token and has none."""

    status = 401
    message = _l("Sign in or send a valid API token.")
    headers = MappingProxyType({"WWW-Authenticate": 'Bearer realm="trace"'})


class AccessDenied(TraceError):
    """Raised when the caller is known but their role may not do this."""

    status = 403
    message = _l("You do not have access to this page.")


class NotFound(TraceError):
    """Raised when a record does not exist or belongs to another tenant (we do not say which)."""

    status = 404
    message = _l("We could not find what you were looking for.")


class Conflict(TraceError):
    """Raised when the request clashes with existing data, such as a duplicate key."""

    status = 409
    message = _l("This conflicts with existing data.")


def wants_json() -> bool:
    """API routes and the well-known documents answer JSON; everything else HTML."""
    return request.path.startswith(("/api/", "/.well-known/"))


def error_response(
    status: int,
    message: str,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[Response | str, int, dict[str, str]]:
    """Render one error for the caller: JSON for the API, a page for people."""
    headers = dict(headers or {})
    errors = translated_errors(errors or {})
    if wants_json():
        payload: dict[str, Any] = {
            "code": status,
            "status": HTTPStatus(status).phrase,
            "message": message,
            "errors": dict(errors),
        }
        return jsonify(payload), status, headers
    page = render_template("errors/error.html", status=status, message=message, errors=errors)
    return page, status, headers


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(TraceError, _handle_trace_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)


def _handle_trace_error(error: TraceError) -> Any:
    return error_response(error.status, str(error.message), error.errors, error.headers)


def _handle_http_exception(error: HTTPException) -> Any:
    status = error.code or 500
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    data = getattr(error, "data", None) or {}
    errors = _flatten_locations(data.get("messages", {}))
    # webargs puts ``headers: None`` in the data of its 422s.
    headers.update(data.get("headers") or {})
    message = data.get("message") or _http_message(status)
    return error_response(status, str(message), errors, headers)


def _handle_unexpected(error: Exception) -> Any:
    # The route, not the path: a label's path is its code (web/logs.py says what is logged).
    rule = request.url_rule
    log.exception("unexpected error on %s %s", request.method, rule.rule if rule else "-")
    return error_response(500, str(_http_message(500)), None)


def _flatten_locations(messages: Mapping[str, Any]) -> dict[str, Any]:
    """webargs keys errors by location (``json``, ``query``); callers want them by field."""
    flat: dict[str, Any] = {}
    for location_errors in messages.values():
        if isinstance(location_errors, Mapping):
            flat.update(location_errors)
    return flat


_HTTP_MESSAGES: dict[int, str | LazyString] = {
    400: _l("The request was not understood. Please check it and try again."),
    401: AuthenticationRequired.message,
    403: AccessDenied.message,
    404: NotFound.message,
    405: _l("This address does not accept that method."),
    413: _l("The upload is too large."),
    415: _l("This content type is not supported."),
    422: InvalidInput.message,
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def _http_message(status: int) -> str | LazyString:
    if status in _HTTP_MESSAGES:
        return _HTTP_MESSAGES[status]
    if status >= 500:
        return _HTTP_MESSAGES[500]
    return _HTTP_MESSAGES[400]
