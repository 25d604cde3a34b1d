"""Language and time zone: Vietnamese first, English on request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, has_request_context, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANGUAGE_COOKIE = "lang"
LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

blueprint = Blueprint("i18n", __name__)


def select_locale() -> str:
    """``?lang=`` wins, then the visitor's saved choice, then their browser, then Vietnamese."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    for choice in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if choice in LANGUAGES:
            return choice
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def select_timezone() -> str:
    return "Asia/Ho_Chi_Minh"


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals["get_locale"] = get_locale


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as people in Vietnam read it."""
    return moment.astimezone(LOCAL_TIMEZONE)


def safe_next_path(target: str | None, fallback: str = "/") -> str:
    """Only follow redirects to a path on this site, never to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


@blueprint.get("/lang/<any(vi, en):code>")
def set_language(code: str) -> ResponseReturnValue:
    """Remember the visitor's language and take them back where they were; works without JS."""
    response = redirect(safe_next_path(request.args.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response
