"""Language and time zone: Vietnamese first, English on request."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from flask import Blueprint, Flask, g, has_request_context, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale, get_translations

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
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
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda string: request_catalogue().ugettext(string),
        ngettext=lambda singular, plural, n: request_catalogue().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["other_languages"] = other_languages


def request_catalogue() -> NullTranslations:
    """The catalogue of the locale in force, looked up once a request and locale.

    Flask-Babel's own template callables look the catalogue up again for every string, at
    about a tenth of a millisecond per dozen strings; a page holds dozens. The locale object
    is compared by identity, so ``force_locale`` still switches the catalogue.
    """
    locale = get_locale()
    cached = g.get("_trace_catalogue") if has_request_context() else None
    if cached is not None and cached[0] is locale:
        return cached[1]
    catalogue = get_translations()
    if has_request_context():
        g._trace_catalogue = (locale, catalogue)
    return catalogue


def other_languages() -> list[tuple[str, str, str]]:
    """The language switch's links: (code, name, URL) for each language not in force.

    Each goes through /lang/<code>, which remembers the choice and comes back here with the
    query kept (a label's signature) but not a ``?lang=``, which would win over it.
    """
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    here = request.path + (f"?{urlencode(query)}" if query else "")
    current = str(get_locale())
    return [
        (code, LANGUAGE_NAMES[code], url_for("i18n.set_language", code=code, next=here))
        for code in LANGUAGES
        if code != current
    ]


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
