"""The password policy: 12 characters, not common, not the email or the name; wherever a
password is chosen (create_user, set-password, the change page)."""

from __future__ import annotations

import pytest
from flask_babel import refresh

from tests.factories import TEST_PASSWORD, make_user
from trace.auth import services
from trace.auth.models import Role
from trace.auth.password_policy import password_problem
from trace.errors import InvalidInput

EMAIL = "nguyen.lan@htx-caphe.vn"
NAME = "Nguyễn Thị Lan"

WEAK = [
    "aaaaaaaaaa",  # the issue's: 10 characters were enough
    "1234567890",
    "aaaaaaaaaaaa",
    "123456789012",
    "password1234",
    "qwertyuiop12",
    "abcdefghijkl",
    "Password1234!",
]
PERSONAL = [
    EMAIL,  # the issue's: the password equal to the email
    "NGUYEN.LAN-harvest-2026",
    "my name is nguyenthilan",
    "Nguyễn Thị Lan trồng lúa",
]
GOOD = [TEST_PASSWORD, "ngay mua lua chin tren dong", "Tr4ce labels, 2026!", "Thị trấn cà phê sữa"]


@pytest.mark.parametrize("password", WEAK)
def test_short_or_common_passwords_are_refused(app, password):
    assert password_problem(password, email=EMAIL, display_name=NAME) is not None


@pytest.mark.parametrize("password", PERSONAL)
def test_passwords_holding_the_email_or_name_are_refused(app, password):
    problem = password_problem(password, email=EMAIL, display_name=NAME)
    assert problem == "Mật khẩu không được chứa email hoặc tên của bạn."


@pytest.mark.parametrize("password", GOOD)
def test_long_uncommon_passwords_pass(app, password):
    assert password_problem(password, email=EMAIL, display_name=NAME) is None


def test_the_reason_is_in_the_users_language(app):
    with app.test_request_context("/?lang=en"):
        assert password_problem("short", email=EMAIL) == "Use at least 12 characters."
        assert "too common" in password_problem("123456789012", email=EMAIL)
    with app.test_request_context("/?lang=vi"):
        refresh()  # the test's app context keeps the locale first chosen
        assert password_problem("short", email=EMAIL) == "Dùng ít nhất 12 ký tự."
        assert "quá phổ biến" in password_problem("123456789012", email=EMAIL)


@pytest.mark.parametrize("password", ["1234567890", "aaaaaaaaaa", "thanhtra@example.vn"])
def test_create_user_applies_the_policy(session, password):
    with pytest.raises(InvalidInput) as error:
        services.create_user(
            session, email="thanhtra@example.vn", password=password, role="inspector"
        )
    assert set(error.value.errors) == {"password"}


def test_set_password_applies_the_policy_and_keeps_the_old_one(session):
    user = make_user(session, Role.OPERATOR, display_name="Trần Văn Bình")
    with pytest.raises(InvalidInput) as error:
        services.set_password(session, user, "tranvanbinh-2026")
    assert "password" in error.value.errors
    assert services.authenticate(session, user.email, TEST_PASSWORD) is user
