"""Language and time zone: Vietnamese first, English on request."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.support import NullTranslations
from flask import Blueprint, Flask, Response, g, has_request_context, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, format_date, format_datetime, get_locale, get_translations
from flask_login import user_logged_in
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response as BaseResponse

from trace.common.formats import local_day, local_moment, local_number
from trace.common.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES
from trace.common.urls import safe_next_path

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
_SIGNED_IN_LANGUAGE = "_trace_signed_in_language"  # a key of ``g``

blueprint = Blueprint("i18n", __name__)


# One object per language: Flask-Babel parses whatever the selector returns unless it is
# already a Locale, and would parse the same code again on every request.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    """``?lang=`` wins, then the visitor's saved choice, then their browser, then Vietnamese."""
    if not has_request_context():
        return _LOCALES[DEFAULT_LANGUAGE]
    for choice in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if choice in LANGUAGES:
            return _LOCALES[choice]
    return _LOCALES[browser_language(request.headers.get("Accept-Language", ""))]


@lru_cache(maxsize=256)
def browser_language(accept_language: str) -> str:
    """Our language a browser's Accept-Language header prefers, or Vietnamese.

    Kept per header: phones send a handful of distinct headers, each parsed only once.
    """
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(LANGUAGES) or DEFAULT_LANGUAGE


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
    app.jinja_env.filters["dateformat"] = day_format
    app.jinja_env.filters["datetimeformat"] = moment_format
    app.jinja_env.filters["numberformat"] = local_number
    user_logged_in.connect(_adopt_preferred_language, app)
    app.after_request(_remember_preferred_language)


def _adopt_preferred_language(app: Flask, user: Any, **extra: Any) -> None:
    """On sign-in, the language chosen on My account (if any) becomes the browser's choice.

    It is the language switch's cookie that is set, so the switch still changes the language
    for the rest of the visit, and the next sign-in brings the preference back.
    """
    language = getattr(user, "preferred_language", None)
    if language in LANGUAGES:
        setattr(g, _SIGNED_IN_LANGUAGE, language)


def _remember_preferred_language(response: Response) -> Response:
    language = g.pop(_SIGNED_IN_LANGUAGE, None)
    if language is not None:
        remember_language(response, language)
    return response


def remember_language(response: BaseResponse, code: str) -> None:
    """Keep the visitor's language in the switch's cookie for a year."""
    response.set_cookie(
        LANGUAGE_COOKIE, code, max_age=LANGUAGE_COOKIE_SECONDS, samesite="Lax", httponly=True
    )


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
    here = _this_page_without_lang()
    current = str(get_locale())
    return [
        (code, LANGUAGE_NAMES[code], url_for("i18n.set_language", code=code, next=here))
        for code in LANGUAGES
        if code != current
    ]


def _this_page_without_lang() -> str:
    """This page's path and query, less any ``lang``.

    The query comes back as the browser sent it, so a label's signature returns byte for
    byte, and is not decoded and encoded again on every page; only a query holding ``lang``
    is rebuilt.
    """
    query = request.query_string.decode("utf-8", "replace")
    if "lang" in request.args:
        kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
        query = urlencode(kept)
    return request.path + (f"?{query}" if query else "")


def day_format(value: date | None = None, format: str | None = None) -> str:
    """The ``dateformat`` filter: with no pattern, the house's day (``trace.common.formats``);
    with one, Flask-Babel's, a time first moved to Vietnam time as there."""
    if format is None and isinstance(value, date):
        return local_day(value)
    return str(format_date(value, format))


def moment_format(value: datetime | None = None, format: str | None = None) -> str:
    """The ``datetimeformat`` filter: with no pattern, the house's moment in Vietnam time;
    with one, Flask-Babel's."""
    if format is None and isinstance(value, datetime):
        return local_moment(value)
    return str(format_datetime(value, format))


@blueprint.get("/lang/<any(vi, en):code>")
def set_language(code: str) -> ResponseReturnValue:
    """Remember the visitor's language and take them back where they were; works without JS."""
    response = redirect(safe_next_path(request.args.get("next")))
    remember_language(response, code)
    return response
