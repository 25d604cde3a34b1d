"""Request ids (made here, or a trusted proxy's) echoed on every answer; in production one
JSON object per log line, naming the request by id, method and endpoint, never by path;
gunicorn's access log in the same form."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.bench.serving import production_gunicorn
from tests.conftest import base_config, make_test_app, migrate_to_head
from tests.web.conftest import free_port
from trace import gunicorn_config
from trace.web import logs

MADE_HERE = re.compile(r"[0-9a-f]{32}")
# What gunicorn's Logger reads of its settings when it is set up.
GUNICORN_DEFAULTS = {
    "loglevel": "info",
    "errorlog": "-",
    "accesslog": None,
    "capture_output": False,
    "syslog": False,
    "logconfig": None,
    "logconfig_dict": {},
    "logconfig_json": None,
    "disable_redirect_access_to_syslog": False,
}


def test_every_answer_carries_a_new_request_id(client):
    first, second = (client.get("/healthz").headers["X-Request-Id"] for _ in range(2))
    assert MADE_HERE.fullmatch(first)
    assert MADE_HERE.fullmatch(second)
    assert first != second
    assert MADE_HERE.fullmatch(client.get("/no-such-page").headers["X-Request-Id"])


def test_without_a_trusted_proxy_a_sent_id_is_ignored(client):
    answer = client.get("/healthz", headers={"X-Request-Id": "chosen-by-the-client"})
    assert MADE_HERE.fullmatch(answer.headers["X-Request-Id"])


@pytest.mark.fresh_app(TRACE_PROXY_COUNT=1)
def test_behind_a_proxy_its_id_is_kept(client):
    for given in ("0f3c9a2e-6b1d-4e7a-9c1b-2d4f6a8b0c1e", "a", "req:42.7_x-y", "Z" * 64):
        assert (
            client.get("/healthz", headers={"X-Request-Id": given}).headers["X-Request-Id"] == given
        )


@pytest.mark.fresh_app(TRACE_PROXY_COUNT=1)
@pytest.mark.parametrize(
    "given", ["Z" * 65, "two words", "-leading-dash", 'quote"d', "x%0Ay", "mã-số", "a/b", "{}"]
)
def test_behind_a_proxy_a_malformed_id_is_replaced(client, given):
    answer = client.get("/healthz", headers={"X-Request-Id": given})
    assert MADE_HERE.fullmatch(answer.headers["X-Request-Id"])


@pytest.fixture
def no_json_handler():
    """The root logger as a fresh process has it: without the JSON handler (restored after)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("trace").level
    root.handlers = [h for h in root.handlers if not isinstance(h, logs._JsonHandler)]
    yield root
    root.handlers, root.level = saved[0], saved[1]
    logging.getLogger("trace").setLevel(saved[2])


def _json_handlers(root: logging.Logger) -> list[logging.Handler]:
    return [handler for handler in root.handlers if isinstance(handler, logs._JsonHandler)]


def test_development_keeps_python_s_readable_logs(no_json_handler, tmp_path):
    make_test_app(base_config(f"sqlite:///{tmp_path / 'dev.db'}"))
    assert _json_handlers(no_json_handler) == []


def test_production_logs_one_json_object_per_line_with_the_request(
    no_json_handler, tmp_path, capsys
):
    # A database that cannot be opened: /readyz logs a warning while serving the request.
    url = f"sqlite:///{tmp_path / 'missing' / 'trace.db'}"
    app = make_test_app({**base_config(url), "TRACE_ENV": "production"})
    make_test_app({**base_config(url), "TRACE_ENV": "production"})  # a second app: one handler
    assert len(_json_handlers(no_json_handler)) == 1
    capsys.readouterr()
    answer = app.test_client().get("/readyz?code=01/08934567000017/10/LOT-SECRET")
    assert answer.status_code == 503
    [line] = [json.loads(text) for text in capsys.readouterr().err.splitlines()]
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "endpoint"}
    assert line["level"] == "WARNING"
    assert line["logger"] == "trace.web.readiness"
    assert line["message"].startswith("Not ready: the database cannot be reached")
    assert line["request_id"] == answer.headers["X-Request-Id"]
    assert (line["method"], line["endpoint"]) == ("GET", "site.readiness")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "LOT-SECRET" not in json.dumps(line)


def test_an_exception_is_one_line_too():
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        record = logging.LogRecord(
            "trace.x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )
    text = logs.JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed"
    assert line["exception"].startswith("Traceback")
    assert "ValueError: bad\nthing" in line["exception"]


def test_gunicorn_logs_json_and_never_a_label_s_path(tmp_path: Path, redis_url):
    database_url = f"sqlite:///{tmp_path / 'logs.db'}"
    migrate_to_head(database_url)
    port = free_port()
    settings = {
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": "json-logs-test-secret",
        "TRACE_REDIS_URL": redis_url,
    }
    log_path = tmp_path / "gunicorn.log"
    label_path = "/b/COOP-LOT-SECRET?s=SIGNATURE-SECRET"
    with production_gunicorn(settings, port, log_path):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{label_path}", timeout=30)
        except urllib.error.HTTPError as error:
            request_id = error.headers["X-Request-Id"]
            error.read()  # the whole answer, before gunicorn is stopped
            error.close()
    text = log_path.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert {line["logger"] for line in lines} >= {"gunicorn.error", "gunicorn.access"}
    [access] = [line for line in lines if line.get("request_id") == request_id]
    assert access["logger"] == "gunicorn.access"
    assert (access["method"], access["endpoint"], access["status"]) == (
        "GET",
        "lookup.label_page",
        404,
    )
    assert access["pid"] != os.getpid()
    assert access["duration_ms"] >= 0
    assert "SECRET" not in text


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.parametrize(
    ("message", "arguments", "logged"),
    [
        ("Error handling request %s %s", ("GET", "/b/X?s=SIG"), "Error handling request GET"),
        ("Error handling request %s", ("/b/X?s=SIG",), "Error handling request (path"),
        ("Worker failed %s", ("to boot",), "Worker failed to boot"),
    ],
)
def test_gunicorn_s_own_errors_leave_the_path_out(message, arguments, logged):
    recorder = _Recorder()
    logger = gunicorn_config.JsonLogger(SimpleNamespace(**GUNICORN_DEFAULTS))
    logger.error_log.addHandler(recorder)
    try:
        raise RuntimeError("while serving")
    except RuntimeError:
        logger.exception(message, *arguments)
    [text] = recorder.messages
    assert text.startswith(logged)
    assert "SIG" not in text
