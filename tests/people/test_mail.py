"""Account links by mail, through a real SMTP server (aiosmtpd) listening on a local port."""

from __future__ import annotations

import email
import io
import re
import socket
from collections.abc import Iterator
from email import policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import csrf_token_from, log_in
from trace.config import ConfigError, build_config

SMTP_USER, SMTP_PASSWORD = "trace", "mail server secret"
LINK = re.compile(r"http://localhost/account/link/[A-Za-z0-9_-]+")


class Inbox:
    """What the server received: each mail as parsed, with who logged in to send it."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.logins: list[str] = []
        self.refused: set[str] = set()  # addresses the server answers 550 to

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: N802
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        accepted = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (SMTP_USER, SMTP_PASSWORD)
        if accepted:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=accepted)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    received = Inbox()
    port = _free_port()
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        authenticator=received.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    app.config.update(
        TRACE_SMTP_HOST="127.0.0.1",
        TRACE_SMTP_PORT=port,
        TRACE_SMTP_USER=SMTP_USER,
        TRACE_SMTP_PASSWORD=SMTP_PASSWORD,
        TRACE_SMTP_SENDER="Truy xuất <no-reply@trace.example.vn>",
        TRACE_SMTP_TLS="none",
    )
    try:
        yield received
    finally:
        controller.stop()


def _invite(client, tenants, email_address: str):
    log_in(client, tenants.operator.email)
    token = csrf_token_from(client.get("/users/invite").get_data(as_text=True))
    return client.post(
        "/users/invite",
        data={
            "email": email_address,
            "display_name": "Nguyễn Thị Lan",
            "role": "inspector",
            "csrf_token": token,
        },
    )


def test_an_invitation_is_mailed_in_vietnamese_then_english(client, tenants, inbox):
    response = _invite(client, tenants, "lan@example.vn")
    assert response.status_code == 200
    [shown] = set(LINK.findall(response.get_data(as_text=True)))
    assert "Thư có liên kết cũng đã được gửi đi." in response.get_data(as_text=True)
    [message] = inbox.messages
    assert inbox.logins == [SMTP_USER]
    assert message["To"] == "lan@example.vn"
    assert "no-reply@trace.example.vn" in message["From"]
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    vietnamese, english = body.split("----------")
    assert shown in vietnamese
    assert shown in english
    assert "Xin chào Nguyễn Thị Lan" in vietnamese
    assert "Lời mời tham gia" in message["Subject"]
    assert "Open this link to choose your password" in english
    assert "72" not in message["Subject"]  # the subject names the platform, not the time


def test_a_reset_link_is_mailed_too(client, session, tenants, inbox):
    log_in(client, tenants.operator.email)
    person = tenants.inspector
    token = csrf_token_from(client.get(f"/users/{person.id}").get_data(as_text=True))
    response = client.post(f"/users/{person.id}/reset-link", data={"csrf_token": token})
    [shown] = set(LINK.findall(response.get_data(as_text=True)))
    [message] = inbox.messages
    assert message["To"] == person.email
    assert shown in message.get_payload(decode=True).decode()
    assert "new password" in message.get_payload(decode=True).decode()


def test_a_mail_server_that_cannot_be_reached_leaves_the_link_on_the_page(app, client, tenants):
    app.config.update(
        TRACE_SMTP_HOST="127.0.0.1",
        TRACE_SMTP_PORT=_free_port(),  # nothing listens there
        TRACE_SMTP_SENDER="no-reply@trace.example.vn",
        TRACE_SMTP_TLS="none",
    )
    response = _invite(client, tenants, "unreachable@example.vn")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert LINK.search(page)
    assert 'class="notice notice--error"' in page


def test_without_smtp_settings_no_mail_is_tried(client, tenants):
    response = _invite(client, tenants, "nomail@example.vn")
    page = response.get_data(as_text=True)
    assert LINK.search(page)
    assert "notice--error" not in page


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"TRACE_SMTP_PORT": "smtp"}, "TRACE_SMTP_PORT"),
        ({"TRACE_SMTP_PORT": "70000"}, "TRACE_SMTP_PORT"),
        ({"TRACE_SMTP_TLS": "yes"}, "TRACE_SMTP_TLS"),
        ({"TRACE_SMTP_HOST": "mail.example.vn"}, "TRACE_SMTP_SENDER"),
    ],
)
def test_smtp_settings_are_checked_at_start_up(tmp_path, settings, named):
    with pytest.raises(ConfigError, match=named):
        build_config({"TRACE_SECRET_KEY": "k", **settings}, None, tmp_path)


def _upload(client, data: bytes):
    token = csrf_token_from(client.get("/users/import").get_data(as_text=True))
    return client.post(
        "/users/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "people.csv")},
        content_type="multipart/form-data",
    )


def test_a_bulk_file_mails_everyone_and_a_refused_address_is_reported(client, tenants, inbox):
    log_in(client, tenants.operator.email)
    rows = "".join(f"person{number}@example.vn,Người {number},inspector,\n" for number in range(3))
    header = "email,họ tên,vai trò,mã số thuế HTX hoặc mã xã\n"
    response = _upload(client, (header + rows).encode())
    assert response.status_code == 200
    assert sorted(message["To"] for message in inbox.messages) == [
        "person0@example.vn",
        "person1@example.vn",
        "person2@example.vn",
    ]
    assert "Đã gửi thư kèm liên kết cho cả 3 người" in response.get_data(as_text=True)
    inbox.refused.add("late1@example.vn")
    late = "".join(f"late{number}@example.vn,Người {number},inspector,\n" for number in range(3))
    partly = _upload(client, (header + late).encode())
    assert partly.status_code == 200
    assert "Chỉ gửi được 2 trên 3 thư" in partly.get_data(as_text=True)
