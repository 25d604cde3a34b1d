"""Request ids, and in production logs as one JSON object per line.

Every request gets an id: the ``X-Request-Id`` a trusted proxy sent (only when
``TRACE_PROXY_COUNT`` is above 0, and only an id of at most 64 letters, digits and
``._:-``), else a new one. The response echoes it, and every log line written while
the request is served carries it, so that one complaint leads to its lines.

What a line says of a request: its id, its method and its endpoint's name
(``lookup.label_page``), never the path or the query string. A label's path is its code,
with the signature that makes a copy pass; invitation and password-reset links carry their
token in the path; searches carry names and email addresses in the query. An endpoint
name says which page was asked for without any of that.

In development the logs stay as Python writes them, for reading in a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request

from trace.config import PRODUCTION

REQUEST_ID_HEADER = "X-Request-Id"
_GIVEN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
UNMATCHED = "unmatched"  # the endpoint of a request no route took
# WSGI environ keys, for gunicorn's access log (it sees the environ, not Flask's request).
ENVIRON_REQUEST_ID = "trace.request_id"
ENVIRON_ENDPOINT = "trace.endpoint"
# Fields a line may carry beside the message, given with ``extra=`` or by RequestFields.
FIELDS = ("request_id", "method", "endpoint", "status", "duration_ms", "pid")


def init_app(app: Flask) -> None:
    app.before_request(_name_request)
    app.after_request(_echo_request_id)
    if app.config["TRACE_ENV"] == PRODUCTION:
        log_json_to_stderr()


def _name_request() -> None:
    # 32 hex digits, as a uuid4's; token_hex costs a quarter of uuid4().hex.
    request_id = _given_request_id() or secrets.token_hex(16)
    g.request_id = request_id
    request.environ[ENVIRON_REQUEST_ID] = request_id
    request.environ[ENVIRON_ENDPOINT] = _endpoint()


def _given_request_id() -> str | None:
    """The proxy's id, trusted only behind a proxy (else anyone could choose it), and only
    in a shape that cannot break a log line or fill it."""
    if not current_app.config["TRACE_PROXY_COUNT"]:
        return None
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _GIVEN_ID.fullmatch(given) else None


def _echo_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is not None:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _endpoint() -> str:
    rule = request.url_rule
    return rule.endpoint if rule is not None else UNMATCHED


class RequestFields(logging.Filter):
    """Adds the current request's id, method and endpoint to each record logged while it is
    served (a record that names its own keeps them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.__dict__.setdefault("request_id", g.get("request_id"))
            record.__dict__.setdefault("method", request.method)
            record.__dict__.setdefault("endpoint", _endpoint())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's
    fields when there is one, and the traceback of an exception as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _JsonHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written (as Python's last-resort
    handler does), and is recognised, so that ``log_json_to_stderr`` installs it once."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> Any:
        return sys.stderr


def log_json_to_stderr() -> None:
    """Send the app's logs (warnings and above from libraries) to stderr as JSON lines."""
    root = logging.getLogger()
    if any(isinstance(handler, _JsonHandler) for handler in root.handlers):
        return
    handler = _JsonHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestFields())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    logging.getLogger("trace").setLevel(logging.INFO)
