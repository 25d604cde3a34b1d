from __future__ import annotations

import pytest

from trace import create_app
from trace.config import ConfigError, build_config


def test_defaults_use_sqlite_in_the_instance_folder(tmp_path):
    config = build_config({}, None, tmp_path)
    assert config["TRACE_DATABASE_URL"] == f"sqlite:///{tmp_path / 'trace.db'}"
    assert config["TRACE_PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_development_keeps_one_generated_secret_key(tmp_path):
    first = build_config({}, None, tmp_path)["SECRET_KEY"]
    assert len(first) >= 40
    assert build_config({}, None, tmp_path)["SECRET_KEY"] == first


def test_production_requires_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="TRACE_SECRET_KEY"):
        build_config({"TRACE_ENV": "production"}, None, tmp_path)


def test_production_sends_secure_cookies(tmp_path):
    config = build_config({"TRACE_ENV": "production", "TRACE_SECRET_KEY": "s" * 40}, None, tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_environment_settings_are_read(tmp_path):
    config = build_config(
        {
            "TRACE_DATABASE_URL": "postgresql+psycopg://db/trace",
            "TRACE_REDIS_URL": "redis://127.0.0.1:6379/0",
            "TRACE_PUBLIC_BASE_URL": "https://truyxuat.example.vn/",
            "TRACE_SECRET_KEY": "k",
        },
        None,
        tmp_path,
    )
    assert config["TRACE_DATABASE_URL"] == "postgresql+psycopg://db/trace"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["TRACE_PUBLIC_BASE_URL"] == "https://truyxuat.example.vn"


def test_test_mapping_overrides_the_environment(tmp_path):
    config = build_config({"TRACE_SECRET_KEY": "from env"}, {"TRACE_SECRET_KEY": "mine"}, tmp_path)
    assert config["SECRET_KEY"] == "mine"


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        build_config({"TRACE_ENV": "staging"}, None, tmp_path)


def test_production_pages_send_hsts():
    app = create_app(
        {
            "TRACE_ENV": "production",
            "TRACE_SECRET_KEY": "x" * 40,
            "TRACE_DATABASE_URL": "sqlite://",
        }
    )
    response = app.test_client().get("/api/v1/openapi.json")
    assert "max-age" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "base_url",
    [
        "ftp://truyxuat.vn",
        "https://TruyXuat.vn",
        "https://truyxuat.vn/01",
        "truyxuat.vn",
        "https://truyxuat.vn/b/x",
        "https://truyxuat.vn/a b",
    ],
)
def test_a_base_url_codes_cannot_start_with_is_refused_at_start(base_url, tmp_path):
    with pytest.raises(ConfigError, match="TRACE_PUBLIC_BASE_URL"):
        build_config({"TRACE_PUBLIC_BASE_URL": base_url}, None, tmp_path)


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(tmp_path):
    from tests.conftest import base_config
    from trace.scans.services import network_of

    def seen_address(proxies):
        app = create_app(
            {**base_config(f"sqlite:///{tmp_path / 'proxy.db'}"), "TRACE_PROXY_COUNT": proxies}
        )
        app.add_url_rule("/who", "who", lambda: __import__("flask").request.remote_addr or "")
        response = app.test_client().get(
            "/who",
            headers={"X-Forwarded-For": "203.113.45.67"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        return response.get_data(as_text=True)

    assert seen_address("0") == "10.0.0.2"  # nobody is trusted: the header could be forged
    assert seen_address("1") == "203.113.45.67"
    assert network_of(seen_address("1")) == "203.113.45.0/24"
    with pytest.raises(ConfigError, match="TRACE_PROXY_COUNT"):
        build_config({"TRACE_PROXY_COUNT": "many"}, None, tmp_path)
