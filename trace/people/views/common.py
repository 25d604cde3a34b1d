"""What the people pages share: the blueprint, a link's address, mailing links."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, current_app, url_for
from flask.typing import ResponseReturnValue

from trace.common.views import page_url
from trace.people.mail import MailNotSent, link_message, mail_settings, send_messages
from trace.people.services import IssuedLink

log = logging.getLogger(__name__)

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


def mail_links(issued: Sequence[IssuedLink]) -> str | None:
    """Mail each person their link when SMTP is set: "sent", "failed", or None (no SMTP).

    Sent before the request commits, on purpose: the page then says truthfully whether
    the mail left; were the commit to fail after, the mailed link would open nothing.
    """
    settings = mail_settings(current_app.config)
    if settings is None or not issued:
        return None
    messages = [link_message(settings, entry, link_url(entry.token)) for entry in issued]
    try:
        send_messages(settings, messages)
    except MailNotSent as error:
        log.warning("account link mail not sent: %s", error)
        return "failed"
    return "sent"
