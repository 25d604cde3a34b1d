"""Sending a person their account link by mail, when SMTP settings are given.

No mail server is assumed: the operator always sees the link to pass on, and a mail is a
convenience. The mail is in Vietnamese with the English below it, as the person's language
is not known before they first sign in.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from trace.common.formats import local_moment
from trace.people.models import LinkPurpose
from trace.people.services import IssuedLink

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
# Mails are sent within the request: past this, the rest are left for the operator to pass
# on, so that a slow server and a long file never cost the page that shows the links.
SENDING_SECONDS = 15.0


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    sender: str
    tls: str


class MailNotSent(RuntimeError):
    """Raised when the mail server refuses or cannot be reached; the link still holds."""


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The SMTP settings, or None when no mail server is configured."""
    if not config.get("TRACE_SMTP_HOST"):
        return None
    return MailSettings(
        host=config["TRACE_SMTP_HOST"],
        port=int(config["TRACE_SMTP_PORT"]),
        user=config.get("TRACE_SMTP_USER") or None,
        password=config.get("TRACE_SMTP_PASSWORD") or None,
        sender=config["TRACE_SMTP_SENDER"],
        tls=config["TRACE_SMTP_TLS"],
    )


def link_message(settings: MailSettings, issued: IssuedLink, url: str) -> EmailMessage:
    """The mail carrying one person's link: Vietnamese first, then English."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = issued.user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    subjects, texts = [], []
    for locale in ("vi", "en"):
        with force_locale(locale):
            subjects.append(_subject(issued.link.purpose))
            texts.append(_text(issued, url))
    message["Subject"] = " / ".join(subjects)
    message.set_content("\n\n----------\n\n".join(texts))
    return message


def _subject(purpose: LinkPurpose) -> str:
    if purpose is LinkPurpose.INVITE:
        return _("Your invitation to the traceability platform")
    return _("Set a new password for the traceability platform")


def _text(issued: IssuedLink, url: str) -> str:
    until = local_moment(issued.link.expires_at)
    if issued.link.purpose is LinkPurpose.INVITE:
        intro = _(
            "Hello %(name)s, an account on the traceability platform was made for you. "
            "Open this link to choose your password:",
            name=issued.user.display_name or issued.user.email,
        )
    else:
        intro = _(
            "Hello %(name)s, open this link to choose a new password for the traceability "
            "platform:",
            name=issued.user.display_name or issued.user.email,
        )
    outro = _(
        "The link works once, until %(until)s. If you did not expect this mail, ignore it.",
        until=until,
    )
    return f"{intro}\n\n{url}\n\n{outro}"


def send_messages(
    settings: MailSettings, messages: Sequence[EmailMessage], seconds: float = SENDING_SECONDS
) -> int:
    """Send the mails over one connection, for at most ``seconds``; how many were accepted.

    A recipient the server refuses is skipped; a connection that fails stops the sending.
    Raise ``MailNotSent`` when not one mail could be sent.
    """
    deadline = time.monotonic() + seconds
    sent = 0
    try:
        with _connect(settings) as server:
            if settings.user and settings.password:
                server.login(settings.user, settings.password)
            for message in messages:
                if time.monotonic() > deadline:
                    break
                try:
                    server.send_message(message)
                except smtplib.SMTPRecipientsRefused as refused:
                    log.warning("mail server refused %s", refused.recipients)
                    continue
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        log.warning("account link mail stopped after %d: %s", sent, error)
    if messages and not sent:
        raise MailNotSent()
    return sent


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.tls == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=SMTP_TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    if settings.tls == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server
