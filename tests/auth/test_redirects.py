"""Every ``next`` stays on this site: the language switch and sign-in, through the test client."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import csrf_token_from
from tests.factories import TEST_PASSWORD
from trace.common.urls import safe_next_path

# What an attacker sends, as the server reads it once the query is decoded. Browsers drop
# tabs and newlines from a URL and read "\" as "/": each of these leaves the site, or (a
# newline) broke the Location header into a 500.
HOSTILE_NEXTS = [
    "/\t/evil.example",
    "/\n/x",
    "/\r\n/x",
    "/ /evil.example",
    " //evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "//evil.example:443/x",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/%09/evil.example",
    "/%0a/x",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/\x00/x",
    "/\x7f/x",
    "",
]
# The raw query strings of the issue, sent exactly as an attacker's link holds them.
HOSTILE_QUERIES = ["next=/%09/evil.example", "next=/%0a/x", "next=/%0d%0a/x", "next=/%5c/evil"]
LOCAL_NEXTS = ["/dashboard", "/batches?page=2&q=c%C3%A0", "/01/08931234567893/21/ABC?s=x%2By"]


@pytest.mark.parametrize("target", HOSTILE_NEXTS)
def test_the_one_check_refuses_what_leaves_the_site(target):
    assert safe_next_path(target, "/home") == "/home"


@pytest.mark.parametrize("target", LOCAL_NEXTS)
def test_the_one_check_keeps_a_local_path_as_it_came(target):
    assert safe_next_path(target) == target


def test_a_path_with_letters_beyond_ascii_is_percent_encoded():
    assert safe_next_path("/batches?q=càphê") == "/batches?q=c%C3%A0ph%C3%AA"


@pytest.mark.parametrize("target", HOSTILE_NEXTS)
def test_language_switch_goes_home_instead(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_language_switch_refuses_the_raw_queries_of_the_issue(client, query):
    response = client.get(f"/lang/vi?{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", LOCAL_NEXTS)
def test_language_switch_returns_to_a_local_page(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == target


def _sign_in(client, email: str, target: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "next": target,
        },
    )


@pytest.mark.parametrize("target", HOSTILE_NEXTS)
def test_sign_in_goes_to_the_dashboard_instead(client, tenants, target):
    response = _sign_in(client, tenants.operator.email, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_sign_in_page_with_a_hostile_next_signs_in_to_the_dashboard(client, tenants, query):
    page = client.get(f"/login?{query}")
    assert page.status_code == 200
    markup = page.get_data(as_text=True)
    target = {
        "next=/%09/evil.example": "/\t/evil.example",
        "next=/%0a/x": "/\n/x",
        "next=/%0d%0a/x": "/\r\n/x",
        "next=/%5c/evil": "/\\evil",
    }[query]
    response = client.post(
        "/login",
        data={
            "email": tenants.operator.email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(markup),
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_follows_a_local_next(client, tenants):
    response = _sign_in(client, tenants.operator.email, "/batches?page=2")
    assert response.headers["Location"] == "/batches?page=2"


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _where_a_browser_goes(location: str) -> str:
    """The host a browser reaches from this Location: it drops tabs and newlines and reads
    a backslash as a slash (the WHATWG URL parser, for http URLs)."""
    cleaned = location.strip(_C0_AND_SPACE).translate({9: None, 10: None, 13: None})
    return urlsplit(urljoin("http://trace.test/lang/vi", cleaned.replace("\\", "/"))).netloc


PIECES = st.sampled_from(
    [
        "/",
        "//",
        "\\",
        "\t",
        "\n",
        "%09",
        "%0a",
        "%2f",
        "%5c",
        ":",
        "@",
        "evil.example",
        "https:",
        "javascript:",
        " ",
        "\u3000",
        "?",
        "#",
        "..",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=8).map("".join)))
def test_no_next_leaves_the_site_or_breaks_the_answer(client, target):
    response = client.get("/lang/vi", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert _where_a_browser_goes(location) == "trace.test"
    assert location.isascii()
    assert location.isprintable()
    assert " " not in location
