"""What the people pages share: the blueprint, a link's address, mailing links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, url_for
from flask.typing import ResponseReturnValue

from trace.common.views import page_url
from trace.db import commit_before_mailing, db
from trace.people.mail import MailNotSent, link_message, mail_settings, send_messages
from trace.people.services import IssuedLink

blueprint = Blueprint("people", __name__)


@blueprint.after_request
def _not_stored(response: ResponseReturnValue) -> ResponseReturnValue:
    """Pages that show a link hold a secret: no cache keeps them."""
    response.headers["Cache-Control"] = "no-store"  # type: ignore[union-attr]
    return response


@blueprint.context_processor
def _template_helpers() -> dict[str, Any]:
    return {"page_url": page_url}


def link_url(token: str) -> str:
    return url_for("people.account_link", token=token, _external=True)


@dataclass(frozen=True)
class MailOutcome:
    """How many of the links left by mail, to tell the operator."""

    sent: int
    total: int


def mail_links(issued: Sequence[IssuedLink]) -> MailOutcome | None:
    """Mail each person their link when SMTP is set (None when it is not).

    The accounts are committed first (``commit_before_mailing``): a mailed link always
    opens an account, and the mail server's time is not spent holding the write lock.
    """
    settings = mail_settings(current_app.config)
    if settings is None or not issued:
        return None
    commit_before_mailing(db.session)
    messages = [link_message(settings, entry, link_url(entry.token)) for entry in issued]
    try:
        sent = send_messages(settings, messages)
    except MailNotSent:
        sent = 0
    return MailOutcome(sent=sent, total=len(messages))
