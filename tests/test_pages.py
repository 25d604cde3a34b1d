"""The server-rendered pages: language, layout, sign-in form, dashboard, error pages, catalogues."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template
from flask_babel import refresh

from tests.conftest import csrf_token_from, log_in
from tests.factories import (
    TEST_PASSWORD,
    make_batch,
    make_cooperative,
    make_farming_area,
    make_product,
    make_user,
)
from trace.auth.access import roles_required
from trace.auth.models import Role, User
from trace.common.communes import find_commune
from trace.config import PROJECT_ROOT
from trace.db import db
from trace.web.i18n import browser_language

TRANSLATIONS = PROJECT_ROOT / "trace" / "translations"
LANGUAGES = ("vi", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


class Html(HTMLParser):
    """Just enough of an HTML reader to find elements by attribute and read the text."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def find_all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            found
            for name, found in self.elements
            if name == tag and all(found.get(key) == value for key, value in wanted.items())
        ]

    def find(self, tag: str, **attrs: str) -> dict[str, str | None]:
        matches = self.find_all(tag, **attrs)
        assert len(matches) == 1, f"expected one <{tag} {attrs}>, found {len(matches)}"
        return matches[0]


def page(response: Any) -> Html:
    return Html(response.get_data(as_text=True))


def html_lang(response: Any) -> str | None:
    return page(response).find("html")["lang"]


def switch_links(html: Html) -> dict[str, str]:
    """The language switch: target language -> the path it brings the visitor back to."""
    links = {}
    for link in html.find_all("a"):
        target = urlsplit(link.get("href") or "")
        if target.path.startswith("/lang/"):
            links[target.path.removeprefix("/lang/")] = parse_qs(target.query)["next"][0]
    return links


# Language


def test_pages_are_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "vi"
    html = page(response)
    assert "Truy xuất nguồn gốc" in html.text
    assert "Đăng nhập" in html.text
    assert switch_links(html) == {"en": "/"}


@pytest.mark.parametrize(
    ("query", "headers", "cookie"),
    [
        ("?lang=en", {}, None),
        ("", {"Accept-Language": "en-US,en;q=0.9"}, None),
        ("", {}, "en"),
    ],
    ids=["query", "accept-language", "cookie"],
)
def test_english_on_request(client, query, headers, cookie):
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get("/" + query, headers=headers)
    assert html_lang(response) == "en"
    html = page(response)
    assert "Traceability" in html.text
    assert "Sign in" in html.text
    assert "Truy xuất nguồn gốc" not in html.text
    assert switch_links(html) == {"vi": "/"}


def test_vietnamese_accept_language_stays_vietnamese(client):
    response = client.get("/", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert html_lang(response) == "vi"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "en"),
        ("en;q=0.5,vi;q=0.9", "vi"),
        ("fr-FR", "vi"),
        ("", "vi"),
        ("*", "vi"),
        (";q=x,,;", "vi"),
    ],
)
def test_browser_language_is_our_best_match_or_vietnamese(header, language):
    assert browser_language(header) == language
    assert browser_language(header) == language  # kept, and the same the second time


def test_switching_language_remembers_it_and_returns_to_the_page(client):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert html_lang(client.get("/login")) == "en"
    assert html_lang(client.get("/")) == "en"
    client.get("/lang/vi?next=/")
    assert html_lang(client.get("/login")) == "vi"


def test_switch_link_keeps_the_query_but_not_lang(client):
    html = page(client.get("/login?next=/dashboard&lang=en"))
    assert switch_links(html) == {"vi": "/login?next=%2Fdashboard"}


def test_switch_link_returns_the_query_as_the_browser_sent_it(client):
    html = page(client.get("/login?s=a%2Bb-_~&k=%7E%2F"))
    assert switch_links(html) == {"en": "/login?s=a%2Bb-_~&k=%7E%2F"}


def test_switch_link_on_an_error_page_returns_to_it(client):
    assert switch_links(page(client.get("/khong-co-trang-nay"))) == {"en": "/khong-co-trang-nay"}


# Layout, security headers, assets


@pytest.mark.parametrize("path", ["/", "/login", "/does-not-exist"])
def test_security_headers_on_pages(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert headers["Content-Type"].startswith("text/html")


def test_layout_has_skip_link_main_landmark_and_own_assets(client):
    html = page(client.get("/"))
    assert html.find("a", class_="skip-link")["href"] == "#main"
    assert html.find("main")["id"] == "main"
    assert html.find("meta", name="viewport")["content"] == "width=device-width, initial-scale=1"
    stylesheets = [link["href"] for link in html.find_all("link", rel="stylesheet")]
    icons = [link["href"] for link in html.find_all("link", rel="icon")]
    images = [image["src"] for image in html.find_all("img")]
    for url in stylesheets + icons + images:
        assert url
        assert url.startswith("/static/"), url
        with client.get(url) as response:
            assert response.status_code == 200
    assert stylesheets == ["/static/css/site.css"]


def test_static_files_have_their_types(client):
    with client.get("/static/css/site.css") as css:
        assert css.headers["Content-Type"].startswith("text/css")
    with client.get("/static/favicon.svg") as icon:
        assert icon.headers["Content-Type"].startswith("image/svg+xml")


def test_stylesheet_loads_nothing_from_other_hosts(client):
    with client.get("/static/css/site.css") as response:
        css = response.get_data(as_text=True)
    assert "@import" not in css
    assert "url(" not in css
    assert "http" not in css


@pytest.fixture
def signed_in_operator(client, tenants):
    log_in(client, tenants.operator.email)
    return tenants.operator


def _rendered_pages(client) -> dict[str, str]:
    paths = ["/", "/?lang=en", "/login", "/dashboard", "/does-not-exist"]
    return {path: client.get(path).get_data(as_text=True) for path in paths}


def test_pages_have_no_inline_script_or_style(client, signed_in_operator):
    for path, markup in _rendered_pages(client).items():
        assert "<script" not in markup, path
        assert "<style" not in markup, path
        assert " style=" not in markup, path
        assert not re.search(r"\son[a-z]+=", markup), path


def test_home_explains_the_product_to_each_audience(client):
    text = page(client.get("/")).text
    for audience in ("Người tiêu dùng", "Hợp tác xã", "Quản lý thị trường", "Cán bộ xã"):
        assert audience in text
    assert "13.4" in text
    english = page(client.get("/?lang=en")).text
    for audience in ("Consumers", "Cooperatives", "Market inspectors", "Commune officers"):
        assert audience in english


def test_anonymous_header_offers_sign_in(client):
    html = page(client.get("/"))
    assert html.find_all("a", href="/login")
    assert not html.find_all("form", action="/logout")


def test_signed_in_header_shows_dashboard_email_and_sign_out_form(client, signed_in_operator):
    markup = client.get("/").get_data(as_text=True)
    html = Html(markup)
    assert html.find_all("a", href="/dashboard")
    assert signed_in_operator.email in html.text
    form = html.find("form", action="/logout")
    assert form["method"] == "post"
    assert csrf_token_from(markup)


def test_sign_out_shows_a_message_in_the_visitors_language(client, signed_in_operator):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "Bạn đã đăng xuất." in page(response).text
    assert client.get("/dashboard").status_code == 302


# Sign-in form


def test_login_form_has_labelled_fields_autocomplete_and_csrf(client):
    response = client.get("/login?next=/dashboard")
    markup = response.get_data(as_text=True)
    html = Html(markup)
    email = html.find("input", name="email")
    password = html.find("input", name="password")
    assert email["type"] == "email"
    assert email["autocomplete"] == "username"
    assert password["type"] == "password"
    assert password["autocomplete"] == "current-password"
    assert html.find("label", for_=email["id"])
    assert html.find("label", for_=password["id"])
    assert html.find("input", name="next")["value"] == "/dashboard"
    assert html.find("form", action="/login")["method"] == "post"
    assert csrf_token_from(markup)
    assert "Mật khẩu" in html.text


def test_login_without_csrf_token_is_refused_and_changes_nothing(client, tenants):
    user_id = tenants.staff_a.id
    response = client.post(
        "/login", data={"email": tenants.staff_a.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    html = page(response)
    assert html_lang(response) == "vi"
    assert "Không đọc được yêu cầu" in html.text
    assert "Traceback" not in html.text
    assert "CSRF" not in html.text
    assert client.get("/dashboard").status_code == 302
    assert _fresh_user(user_id).last_login_at is None


def _fresh_user(user_id: int) -> User:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def test_wrong_password_shows_the_error_next_to_the_field(client, tenants):
    response = log_in(client, tenants.staff_a.email, "not the password")
    assert response.status_code == 422
    html = page(response)
    password = html.find("input", name="password")
    assert password["aria-invalid"] == "true"
    error_id = password["aria-describedby"]
    assert html.find("ul", id=error_id)
    assert "Email hoặc mật khẩu không đúng." in html.text
    assert html.find("input", name="email")["value"] == tenants.staff_a.email
    assert html.find("input", name="password").get("value") in (None, "")


def test_empty_fields_are_named_in_english_too(client):
    token = csrf_token_from(client.get("/login?lang=en").get_data(as_text=True))
    response = client.post("/login?lang=en", data={"csrf_token": token})
    assert response.status_code == 422
    text = page(response).text
    assert "Enter your email." in text
    assert "Enter your password." in text
    assert html_lang(response) == "en"


# Dashboard


def test_dashboard_greets_cooperative_staff_with_their_role_and_counts(client, session, tenants):
    cooperative = tenants.cooperative_a  # already has one product and one farming area
    product = make_product(session, cooperative)
    area = make_farming_area(session, cooperative)
    for _ in range(3):
        make_batch(session, product, farming_areas=[area])
    log_in(client, tenants.staff_a.email)
    html = page(client.get("/dashboard"))
    assert "Cán bộ hợp tác xã" in html.text
    assert cooperative.name in html.text
    assert tenants.cooperative_b.name not in html.text
    assert find_commune(cooperative.commune_code).full_name in html.text
    markup = client.get("/dashboard").get_data(as_text=True)
    stats = re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", markup)
    assert stats == [("Sản phẩm", "2"), ("Vùng trồng", "2"), ("Lô hàng", "3")]


def test_dashboard_shows_the_commune_of_a_commune_officer(client, tenants):
    log_in(client, tenants.officer_a.email)
    text = page(client.get("/dashboard?lang=en")).text
    assert "Commune officer" in text
    assert "Your commune: Phường Sóc Trăng, Thành phố Cần Thơ" in text
    assert tenants.cooperative_a.name in text
    assert tenants.cooperative_b.name not in text


def test_operator_sees_every_cooperative(client, tenants):
    log_in(client, tenants.operator.email)
    text = page(client.get("/dashboard")).text
    assert "Quản trị nền tảng" in text
    assert tenants.cooperative_a.name in text
    assert tenants.cooperative_b.name in text


def test_dashboard_escapes_text_entered_by_users(client, session):
    cooperative = make_cooperative(session, name='HTX <script>alert("x")</script> & Co')
    user = make_user(session, Role.COOPERATIVE, cooperative=cooperative, display_name="<b>Lan</b>")
    log_in(client, user.email)
    markup = client.get("/dashboard").get_data(as_text=True)
    assert "<script>alert" not in markup
    assert "<b>Lan</b>" not in markup
    assert "HTX &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in markup
    assert "&lt;b&gt;Lan&lt;/b&gt;" in markup


def test_dashboard_times_are_shown_in_vietnam_time(client, session):
    cooperative = make_cooperative(session, updated_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
    user = make_user(session, Role.COOPERATIVE, cooperative=cooperative)
    log_in(client, user.email)
    text = page(client.get("/dashboard?lang=en")).text
    assert "March 2, 2026, 3:30 AM" in text  # 20:30 UTC is 03:30 the next day in Hà Nội
    assert "20:30" not in text


def test_dashboard_needs_sign_in(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


# Error pages


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("vi", "Không tìm thấy trang", "Chúng tôi không tìm thấy nội dung bạn cần."),
        ("en", "Page not found", "We could not find what you were looking for."),
    ],
)
def test_not_found_page_in_both_languages(client, lang, title, message):
    response = client.get(f"/khong-co/trang-nay?lang={lang}")
    assert response.status_code == 404
    assert html_lang(response) == lang
    html = page(response)
    assert title in html.text
    assert message in html.text
    assert html.find("h1")
    assert html.find_all("a", href="/")
    assert "Traceback" not in html.text


@pytest.fixture
def forbidden_route(app):
    """A page only operators may open, to see what everyone else gets."""

    @roles_required(Role.OPERATOR)
    def operators_only() -> str:
        return "operators only"

    app.add_url_rule("/test/operators-only", "operators_only", operators_only)
    return "/test/operators-only"


@pytest.mark.fresh_app  # adds a route
@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("vi", "Không có quyền truy cập", "Bạn không có quyền truy cập trang này."),
        ("en", "Access denied", "You do not have access to this page."),
    ],
)
def test_forbidden_page_in_both_languages(client, tenants, forbidden_route, lang, title, message):
    log_in(client, tenants.staff_a.email)
    response = client.get(f"{forbidden_route}?lang={lang}")
    assert response.status_code == 403
    assert html_lang(response) == lang
    text = page(response).text
    assert title in text
    assert message in text
    assert "operators only" not in text


@pytest.fixture
def failing_route(app):
    """A page that fails with an unexpected error carrying a secret in its message."""

    def explode() -> str:
        raise RuntimeError("secret <detail> from the database")

    app.add_url_rule("/test/failing", "failing", explode)
    return "/test/failing"


@pytest.mark.fresh_app  # adds a route
@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("vi", "Đã xảy ra sự cố", "Hệ thống gặp sự cố. Vui lòng thử lại sau."),
        ("en", "Something went wrong", "Something went wrong on our side. Please try again later."),
    ],
)
def test_server_error_page_shows_no_details(client, failing_route, lang, title, message, caplog):
    response = client.get(f"{failing_route}?lang={lang}")
    assert response.status_code == 500
    assert html_lang(response) == lang
    markup = response.get_data(as_text=True)
    text = Html(markup).text
    assert title in text
    assert message in text
    for leak in ("secret", "detail", "RuntimeError", "Traceback", "test_pages.py"):
        assert leak not in markup
    assert "Content-Security-Policy" in response.headers


@pytest.mark.fresh_app  # adds a route
def test_server_error_page_leaves_the_account_out_of_the_header(
    client, failing_route, signed_in_operator
):
    markup = client.get(failing_route).get_data(as_text=True)
    assert signed_in_operator.email not in markup
    assert 'action="/logout"' not in markup


def test_rate_limited_page_explains_the_wait(client, tenants):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"email": tenants.operator.email, "password": "wrong guess", "csrf_token": token}
    statuses = [client.post("/login?lang=en", data=data).status_code for _ in range(11)]
    assert statuses[-1] == 429
    response = client.post("/login?lang=en", data=data)
    assert response.status_code == 429
    text = page(response).text
    assert "Too many attempts" in text
    assert "Wait a minute before trying again." in text


@pytest.mark.parametrize(
    ("status", "vi_title", "en_title"),
    [
        (400, "Không đọc được yêu cầu", "The request could not be read"),
        (405, "Thao tác không được phép", "Not allowed here"),
        (409, "Trùng với dữ liệu đã có", "This clashes with existing data"),
        (413, "Tệp tải lên quá lớn", "The upload is too large"),
        (418, "Không thể thực hiện yêu cầu", "The request could not be completed"),
        (422, "Cần sửa lại một số thông tin", "Some information needs correcting"),
        (503, "Hệ thống tạm thời gián đoạn", "Temporarily unavailable"),
    ],
)
def test_error_page_titles(app, status, vi_title, en_title):
    for lang, title in (("vi", vi_title), ("en", en_title)):
        with app.test_request_context(f"/?lang={lang}"):
            refresh()  # the test's app context has cached the previous language
            markup = render_template("errors/error.html", status=status, message="m", errors=None)
        assert title in Html(markup).text


def test_error_page_lists_field_errors_escaped(app):
    errors = {"name": ["Too long <b>."], "areas": {"0": ["Unknown code."]}, "note": "Bad."}
    with app.test_request_context("/?lang=en"):
        refresh()
        markup = render_template("errors/error.html", status=422, message="Fix it", errors=errors)
    text = Html(markup).text
    assert "Too long <b>." in text
    assert "<b>." not in markup
    assert "0: Unknown code." in text
    assert "Bad." in text


# Catalogues


def _read_catalogue(lang: str) -> Any:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file)


def test_vietnamese_catalogue_is_complete_and_not_fuzzy():
    catalogue = _read_catalogue("vi")
    messages = [message for message in catalogue if message.id]
    assert messages
    untranslated = [
        message.id
        for message in messages
        if not (all(message.string) if message.pluralizable else message.string)
    ]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not catalogue.fuzzy
    assert not catalogue.obsolete


def test_vietnamese_translations_keep_every_placeholder():
    for message in _read_catalogue("vi"):
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, message.id


def _extracted_messages() -> set[str]:
    """What ``make extract-messages`` would find, extracted in process."""
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_catalogues_are_up_to_date_with_the_source():
    extracted = _extracted_messages()
    assert "Traceability" in extracted  # from the templates
    assert "The email or password is wrong." in extracted  # from trace/auth/views.py
    assert "Something went wrong on our side. Please try again later." in extracted
    for lang in LANGUAGES:
        catalogued = {
            message.id[0] if message.pluralizable else message.id
            for message in _read_catalogue(lang)
            if message.id
        }
        missing = sorted(extracted - catalogued)
        assert missing == [], f"{lang}: run `make extract-messages` and translate {missing}"


def test_every_language_has_a_catalogue():
    for lang in LANGUAGES:
        assert (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").is_file()


def test_babel_config_covers_python_and_templates():
    text = Path(PROJECT_ROOT / "babel.cfg").read_text()
    assert "[python: trace/**.py]" in text
    assert "[jinja2: templates/**.html]" in text
