"""Settings, read from environment variables in this one place.

Order of precedence: the defaults below, then the environment, then the mapping a test
hands to ``create_app``. Every public setting is named ``TRACE_*`` and documented in the
README; the Flask and extension settings are derived from them here.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from trace.signing.codes import is_base_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"

DEVELOPMENT = "development"
PRODUCTION = "production"

SETTINGS: dict[str, str | None] = {
    "TRACE_ENV": DEVELOPMENT,
    "TRACE_DATABASE_URL": None,
    "TRACE_SECRET_KEY": None,
    "TRACE_PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "TRACE_KEY_PASSPHRASE": None,
    "TRACE_REDIS_URL": None,
    # Failed sign-ins: per email from one address, and per address over every email. No
    # limit counts an email alone, or anyone could lock a person out by mistyping for them.
    "TRACE_LOGIN_RATE_LIMIT": "10 per minute",
    "TRACE_LOGIN_ADDRESS_RATE_LIMIT": "30 per minute",
    # A signed-in session left unused this long ends (the cookie expires after 12 hours).
    "TRACE_SESSION_IDLE_MINUTES": "120",
    # Per client address; an inspector's phone checks a few labels a minute at most.
    "TRACE_VERIFY_RATE_LIMIT": "60 per minute",
    "TRACE_SQLITE_BUSY_TIMEOUT_MS": "15000",
    # How many reverse proxies (nginx, a CDN) stand in front and set X-Forwarded-For and
    # X-Forwarded-Proto; 0 trusts no such header, so a client cannot forge its address.
    "TRACE_PROXY_COUNT": "0",
    "TRACE_UPLOAD_DIR": None,
    # The pg_dump that `backup` runs on PostgreSQL; by default one of the server's major
    # version found on PATH or in /usr/lib/postgresql/<major>/bin (Debian) is used.
    "TRACE_PG_DUMP": None,
    "TRACE_UPLOAD_MAX_BYTES": str(5 * 1024 * 1024),
    # Planting-area codes have no single national format: letters and digits in groups
    # joined by dashes (VN-STRG-0012, 52-VT-0001...), 3 to 40 characters.
    # The bearer token Prometheus sends to /metrics; unset, metrics are off and /metrics is a 404.
    "TRACE_METRICS_TOKEN": None,
    # Imports of more rows, and PDF label runs of more labels, run in the background as
    # jobs (the web answers at once with the job's page); smaller ones answer directly.
    "TRACE_JOB_THRESHOLD_ROWS": "1000",
    "TRACE_JOB_THRESHOLD_LABELS": "1000",
    "TRACE_PLANTING_AREA_CODE_PATTERN": r"^(?=.{3,40}$)[A-Z0-9]+(?:-[A-Z0-9]+)*$",
    # Mail for account links (invitations, password resets); without a host none is sent
    # and the operator passes each link on. TLS: starttls, ssl or none.
    "TRACE_SMTP_HOST": None,
    "TRACE_SMTP_PORT": "587",
    "TRACE_SMTP_USER": None,
    "TRACE_SMTP_PASSWORD": None,
    "TRACE_SMTP_SENDER": None,
    "TRACE_SMTP_TLS": "starttls",
}


METRICS_TOKEN_MIN_LENGTH = 32


class ConfigError(RuntimeError):
    """Raised at start-up when a setting is missing or malformed."""


def build_config(
    environ: Mapping[str, str],
    overrides: Mapping[str, Any] | None,
    instance_path: Path,
) -> dict[str, Any]:
    """Return the Flask configuration for the given environment and test overrides."""
    overrides = dict(overrides or {})
    settings: dict[str, Any] = {
        name: overrides.get(name, environ.get(name, default)) for name, default in SETTINGS.items()
    }
    if settings["TRACE_ENV"] not in (DEVELOPMENT, PRODUCTION):
        raise ConfigError(f"TRACE_ENV must be '{DEVELOPMENT}' or '{PRODUCTION}'")
    is_production = settings["TRACE_ENV"] == PRODUCTION
    if not settings["TRACE_DATABASE_URL"]:
        settings["TRACE_DATABASE_URL"] = f"sqlite:///{instance_path / 'trace.db'}"
    settings["TRACE_PUBLIC_BASE_URL"] = str(settings["TRACE_PUBLIC_BASE_URL"]).rstrip("/")
    if not is_base_url(settings["TRACE_PUBLIC_BASE_URL"]):
        raise ConfigError(
            "TRACE_PUBLIC_BASE_URL must be http(s)://host[:port][/path] with a lower-case host "
            "and no /01 or /b path segment (label codes start with it)"
        )
    if not settings["TRACE_UPLOAD_DIR"]:
        settings["TRACE_UPLOAD_DIR"] = str(instance_path / "uploads")
    settings["TRACE_UPLOAD_MAX_BYTES"] = int(settings["TRACE_UPLOAD_MAX_BYTES"])
    proxies = str(settings["TRACE_PROXY_COUNT"]).strip()
    if not proxies.isdigit() or int(proxies) > 5:
        raise ConfigError("TRACE_PROXY_COUNT must be a whole number from 0 to 5")
    settings["TRACE_PROXY_COUNT"] = int(proxies)
    idle_minutes = str(settings["TRACE_SESSION_IDLE_MINUTES"]).strip()
    if not idle_minutes.isdigit() or not 1 <= int(idle_minutes) <= 720:
        raise ConfigError("TRACE_SESSION_IDLE_MINUTES must be a whole number from 1 to 720")
    settings["TRACE_SESSION_IDLE_MINUTES"] = int(idle_minutes)
    settings["TRACE_METRICS_TOKEN"] = _metrics_token(settings["TRACE_METRICS_TOKEN"])
    _check_smtp(settings)
    for name in ("TRACE_JOB_THRESHOLD_ROWS", "TRACE_JOB_THRESHOLD_LABELS"):
        threshold = str(settings[name]).strip()
        if not threshold.isdigit() or int(threshold) < 1:
            raise ConfigError(f"{name} must be a whole number of at least 1")
        settings[name] = int(threshold)
    secret_key = settings["TRACE_SECRET_KEY"] or _development_secret_key(
        instance_path, is_production
    )

    config: dict[str, Any] = {
        **settings,
        "SECRET_KEY": secret_key,
        # Room for one upload and the form around it; each upload is checked on its own.
        "MAX_CONTENT_LENGTH": settings["TRACE_UPLOAD_MAX_BYTES"] + 1024 * 1024,
        "SESSION_COOKIE_NAME": "trace_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": is_production,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "RATELIMIT_STORAGE_URI": settings["TRACE_REDIS_URL"] or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": "trace",
        "API_TITLE": "Trace API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "PASSWORD_HASH_PARAMETERS": {},
        # A worker runs the clone rules after new scans at most this often (tests: always).
        "ALERT_REFRESH_SECONDS": 10.0,
        # The jobs' queue when there is no Redis (tests give each app a file of its own).
        "JOB_QUEUE_FILE": str(instance_path / "jobs-queue.db"),
    }
    config.update({key: value for key, value in overrides.items() if key not in SETTINGS})
    return config


def _check_smtp(settings: dict[str, Any]) -> None:
    port = str(settings["TRACE_SMTP_PORT"]).strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError("TRACE_SMTP_PORT must be a port number from 1 to 65535")
    settings["TRACE_SMTP_PORT"] = int(port)
    if settings["TRACE_SMTP_TLS"] not in ("starttls", "ssl", "none"):
        raise ConfigError("TRACE_SMTP_TLS must be 'starttls', 'ssl' or 'none'")
    if settings["TRACE_SMTP_HOST"] and not settings["TRACE_SMTP_SENDER"]:
        raise ConfigError("TRACE_SMTP_SENDER (the From address) is required with TRACE_SMTP_HOST")


def check_rate_limit_storage(environ: Mapping[str, str], workers: int) -> str | None:
    """Refuse production served by several worker processes that each count rate limits in
    their own memory; in development return the warning to give instead.

    Without a shared store, each worker lets the whole limit through: with 2 workers the
    sign-in limit of 10 a minute answered its first 429 at attempt 21.
    """
    if workers <= 1 or environ.get("TRACE_REDIS_URL"):
        return None
    message = (
        f"{workers} workers would each count rate limits (sign-in, verify) in their own "
        f"memory, letting up to {workers} times each limit through: set TRACE_REDIS_URL so "
        "that they count them together in Redis, or run 1 worker"
    )
    if environ.get("TRACE_ENV", SETTINGS["TRACE_ENV"]) == PRODUCTION:
        raise ConfigError(message)
    return message


def _metrics_token(value: str | None) -> str | None:
    """None (metrics off), or a token long enough not to be guessed: ``/metrics`` has no
    rate limit of its own."""
    token = (value or "").strip()
    if not token:
        return None
    if len(token) < METRICS_TOKEN_MIN_LENGTH or not token.isprintable() or " " in token:
        raise ConfigError(
            f"TRACE_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} printable "
            "characters without spaces (for instance: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')"
        )
    return token


def _development_secret_key(instance_path: Path, is_production: bool) -> str:
    """Keep one random key per development instance so sessions survive a restart."""
    if is_production:
        raise ConfigError("TRACE_SECRET_KEY is required when TRACE_ENV=production")
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    os.chmod(key_file, 0o600)
    return key
