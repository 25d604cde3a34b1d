"""My account: a person's own name, language and API tokens.

Every function here acts on the signed-in person's own account only: a token id that is
another person's is reported as missing, never as forbidden.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trace.auth.models import ApiToken, User
from trace.auth.services import new_api_token
from trace.auth.token_events import announce_created, announce_revoked
from trace.common.forms import CONTROL_CHARACTERS
from trace.common.languages import LANGUAGES
from trace.db import utcnow
from trace.errors import InvalidInput, NotFound

DISPLAY_NAME_MAX = 120
TOKEN_NAME_MAX = 100
# A person needs a few tokens (a phone app, a spreadsheet script, a partner's system); a
# bound keeps a runaway script from filling the table.
MAX_ACTIVE_TOKENS = 20


def update_profile(session: Session, user: User, display_name: str, language: str) -> None:
    """Set the person's name and preferred language; every problem named at its field."""
    name = " ".join(CONTROL_CHARACTERS.sub("", display_name).split())
    errors: dict[str, list[str]] = {}
    if len(name) > DISPLAY_NAME_MAX:
        errors["display_name"] = [str(_l("At most %(count)d characters.", count=DISPLAY_NAME_MAX))]
    if language not in LANGUAGES:
        errors["preferred_language"] = [str(_l("Choose Vietnamese or English."))]
    if errors:
        raise InvalidInput(errors=errors)
    user.display_name = name
    user.preferred_language = language
    session.flush()


def active_tokens(session: Session, user: User) -> Sequence[ApiToken]:
    """The person's tokens still in force, newest first."""
    return session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def create_token(session: Session, user: User, name: str) -> str:
    """A new token named by the person; returned once, never stored in the clear."""
    name = " ".join(CONTROL_CHARACTERS.sub("", name).split())
    if not name:
        raise InvalidInput(errors={"name": [str(_l("Say what the token is for."))]})
    if len(name) > TOKEN_NAME_MAX:
        message = _l("At most %(count)d characters.", count=TOKEN_NAME_MAX)
        raise InvalidInput(errors={"name": [str(message)]})
    count = session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if (count or 0) >= MAX_ACTIVE_TOKENS:
        message = _l(
            "You hold %(count)d tokens, the most allowed: revoke one you no longer use.",
            count=MAX_ACTIVE_TOKENS,
        )
        raise InvalidInput(errors={"name": [str(message)]})
    token, record = new_api_token(session, user, name)
    announce_created(session, user, record)
    return token


def own_active_token(session: Session, user: User, token_id: int) -> ApiToken:
    """One of the person's tokens still in force; any other id is ``NotFound``."""
    token = session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if token is None:
        raise NotFound(_l("This token does not exist or is revoked already."))
    return token


def revoke_own_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the person's tokens: the next API call carrying it is refused."""
    token = own_active_token(session, user, token_id)
    token.revoked_at = utcnow()
    session.flush()
    announce_revoked(session, user, token)
    return token
