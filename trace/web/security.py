"""Security headers sent with every response, and the client address behind trusted proxies."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from trace.config import PRODUCTION

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
}


STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# A signed-in person's pages stay out of every cache: the browser's too, where the back
# button (or the next person at a shared computer) would show them again after sign-out.
SIGNED_IN_CACHE_CONTROL = "private, no-store"


def add_security_headers(response: Response) -> Response:
    """Each header the view has not set itself. The names present are read once: a
    ``setdefault`` per header searched the whole list each time."""
    present = {name.lower() for name, _ in response.headers}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    is_production = current_app.config["TRACE_ENV"] == PRODUCTION
    if is_production and "strict-transport-security" not in present:
        response.headers.add("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if request.endpoint != "static" and _is_signed_in():
        response.headers["Cache-Control"] = SIGNED_IN_CACHE_CONTROL
    return response


def _is_signed_in() -> bool:
    """Whether the request came with a signed-in session or an API token, loading no user.

    Looking into the session marks it read (``Vary: Cookie``), so it is looked into only
    when the request brought a session cookie: answers to visitors without one, such as the
    public page's, keep their cache headers as they are.
    """
    if g.get("api_caller") is not None or "Authorization" in request.headers:
        return True
    has_cookie = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    return has_cookie and "_user_id" in session


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    proxies = app.config["TRACE_PROXY_COUNT"]
    if proxies:
        # The client's own address (rate limits, a scan's network) and scheme, as the
        # trusted proxies saw them; headers beyond those proxies are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
