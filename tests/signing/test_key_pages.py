"""The signing keys pages: the keys commands' rules on the web, for operators only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_KEY_PASSPHRASE, csrf_token_from, log_in
from tests.factories import make_user
from trace.audit.models import AuditRecord, AuditSubject
from trace.auth.models import Role
from trace.config import PRODUCTION
from trace.db import db
from trace.signing import services as keys
from trace.signing.models import IssuingKey, KeyState
from trace.signing.services import PassphraseState


def _keys():
    db.session.expire_all()
    return db.session.scalars(select(IssuingKey).order_by(IssuingKey.id)).all()


def _key_audits(user_id=None):
    statement = select(AuditRecord).where(AuditRecord.subject == AuditSubject.KEY)
    if user_id is not None:
        statement = statement.where(AuditRecord.user_id == user_id)
    return db.session.scalars(statement.order_by(AuditRecord.id)).all()


def _post(client, path, data=None):
    token = csrf_token_from(client.get("/keys").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def test_key_states(session, tenants):
    old = keys.current_key(session)
    assert old.state is KeyState.CURRENT
    new = keys.rotate_key(session, TEST_KEY_PASSPHRASE.encode())
    assert (old.state, new.state) == (KeyState.RETIRED, KeyState.CURRENT)
    keys.revoke_key(session, old.kid, "lost")
    assert old.state is KeyState.REVOKED


def test_passphrase_states(session, app):
    config = dict(app.config)
    assert keys.passphrase_state(session, config) is PassphraseState.READY  # no key yet
    keys.create_key(session, TEST_KEY_PASSPHRASE.encode())
    assert keys.passphrase_state(session, config) is PassphraseState.READY
    wrong = {**config, "TRACE_KEY_PASSPHRASE": "another passphrase"}
    assert keys.passphrase_state(session, wrong) is PassphraseState.WRONG
    unset = {**config, "TRACE_KEY_PASSPHRASE": ""}
    assert keys.passphrase_state(session, unset) is PassphraseState.WRONG  # dev one, wrong too
    assert keys.passphrase_state(session, {**unset, "TRACE_ENV": PRODUCTION}) is (
        PassphraseState.MISSING
    )
    keys.revoke_key(session, keys.current_key(session).kid, "test")
    assert keys.passphrase_state(session, unset) is PassphraseState.DEVELOPMENT


def test_operators_see_every_key_but_never_a_private_one(client, tenants):
    retired = keys.current_key(db.session)
    keys.rotate_key(db.session, TEST_KEY_PASSPHRASE.encode())
    keys.revoke_key(db.session, retired.kid, "Máy chủ cũ bị mất")
    log_in(client, tenants.operator.email)
    page = client.get("/keys")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for key in _keys():
        assert key.kid in html
        assert key.public_key in html
        assert key.private_key_pem.splitlines()[1] not in html
    assert "PRIVATE KEY" not in html
    assert "Máy chủ cũ bị mất" in html
    assert "Đang ký tem mới" in html
    assert "Thay khóa: tạo khóa hiện hành mới" in html


@pytest.mark.parametrize("caller", ["staff_a", "inspector", "officer_a"])
def test_other_roles_are_refused(client, tenants, caller):
    log_in(client, tenants.user(caller).email)
    assert client.get("/keys").status_code == 403
    assert client.get(f"/keys/{keys.current_key(db.session).kid}/revoke").status_code == 403


def test_the_first_key_is_created_and_audited(client, session):
    operator = make_user(session, Role.OPERATOR)
    log_in(client, operator.email)
    assert "Tạo khóa đầu tiên" in client.get("/keys").get_data(as_text=True)
    response = _post(client, "/keys/create")
    assert response.status_code == 302
    [key] = _keys()
    assert key.is_current
    [record] = _key_audits(operator.id)
    assert record.changes["kid"] == [None, key.kid]
    assert key.kid in client.get("/keys").get_data(as_text=True)


def test_create_is_refused_while_a_key_is_current(client, tenants):
    log_in(client, tenants.operator.email)
    response = _post(client, "/keys/create")
    assert response.status_code == 302
    assert len(_keys()) == 1
    assert "keys rotate" in client.get("/keys").get_data(as_text=True)


def test_rotating_makes_a_new_current_key_and_keeps_the_old(client, tenants):
    old = keys.current_key(db.session).kid
    log_in(client, tenants.operator.email)
    response = _post(client, "/keys/rotate")
    assert response.status_code == 302
    states = {key.kid: key.state for key in _keys()}
    assert states.pop(old) is KeyState.RETIRED
    assert list(states.values()) == [KeyState.CURRENT]
    assert len(_key_audits(tenants.operator.id)) == 2  # the old one retired, the new one made


def test_rotating_needs_a_csrf_token(client, tenants):
    log_in(client, tenants.operator.email)
    assert client.post("/keys/rotate").status_code == 400
    assert len(_keys()) == 1


def test_revoking_asks_for_confirmation_and_a_reason(client, tenants):
    kid = keys.current_key(db.session).kid
    log_in(client, tenants.operator.email)
    confirm = client.get(f"/keys/{kid}/revoke")
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert f"Thu hồi khóa {kid}?" in html
    assert "Mọi mã tem do khóa này ký sẽ không còn xác minh được" in html
    assert "Đây là khóa hiện hành" in html
    assert _keys()[0].revoked_at is None  # asking changed nothing

    token = csrf_token_from(html)
    refused = client.post(f"/keys/{kid}/revoke", data={"reason": "   ", "csrf_token": token})
    assert refused.status_code == 422
    assert "Hãy nêu lý do thu hồi khóa." in refused.get_data(as_text=True)
    assert _keys()[0].revoked_at is None

    done = client.post(
        f"/keys/{kid}/revoke", data={"reason": "Lộ khóa khi sao lưu", "csrf_token": token}
    )
    assert done.status_code == 302
    [key] = _keys()
    assert key.state is KeyState.REVOKED
    assert key.revocation_reason == "Lộ khóa khi sao lưu"
    [*_, record] = _key_audits(tenants.operator.id)
    assert record.changes["revocation_reason"] == [None, "Lộ khóa khi sao lưu"]
    assert record.actor == tenants.operator.email
    after = client.get("/keys").get_data(as_text=True)
    assert "Hiện không có khóa nào ký tem mới" in after
    assert "Không có khóa nào ký tem mới" in after


def test_a_revoked_key_is_not_revoked_twice(client, tenants):
    kid = keys.current_key(db.session).kid
    keys.revoke_key(db.session, kid, "first")
    log_in(client, tenants.operator.email)
    assert client.get(f"/keys/{kid}/revoke").status_code == 302
    token = csrf_token_from(client.get("/keys").get_data(as_text=True))
    client.post(f"/keys/{kid}/revoke", data={"reason": "second", "csrf_token": token})
    assert _keys()[0].revocation_reason == "first"


@pytest.mark.parametrize("kid", ["AAAAAAAAAAA", "%00AAAAAAAAAA", "A" * 300, "é" * 11, "-"])
def test_an_unknown_key_is_not_found(client, tenants, kid):
    log_in(client, tenants.operator.email)
    assert client.get(f"/keys/{kid}/revoke").status_code == 404
    token = csrf_token_from(client.get("/keys").get_data(as_text=True))
    response = client.post(f"/keys/{kid}/revoke", data={"reason": "x", "csrf_token": token})
    assert response.status_code == 404


def test_a_missing_passphrase_is_said_plainly_and_nothing_is_made(app, client, tenants):
    app.config.update(TRACE_ENV=PRODUCTION, TRACE_KEY_PASSPHRASE="")
    log_in(client, tenants.operator.email)
    page = client.get("/keys")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chưa đặt cụm mật khẩu của khóa" in html
    assert 'action="/keys/rotate"' not in html
    token = csrf_token_from(html)
    response = client.post("/keys/rotate", data={"csrf_token": token})
    assert response.status_code == 302
    assert len(_keys()) == 1
    assert "TRACE_KEY_PASSPHRASE" in client.get("/keys").get_data(as_text=True)
    # Revoking needs no passphrase: a stolen key can still be stopped.
    kid = _keys()[0].kid
    client.post(f"/keys/{kid}/revoke", data={"reason": "stolen", "csrf_token": token})
    assert _keys()[0].state is KeyState.REVOKED


def test_a_wrong_passphrase_is_said_plainly(app, client, tenants):
    app.config["TRACE_KEY_PASSPHRASE"] = "not the one the key was made with"
    log_in(client, tenants.operator.email)
    html = client.get("/keys").get_data(as_text=True)
    assert "Không giải mã được khóa hiện hành" in html


def test_the_development_passphrase_is_flagged(app, client, session):
    app.config["TRACE_KEY_PASSPHRASE"] = ""
    operator = make_user(session, Role.OPERATOR)
    log_in(client, operator.email)
    html = client.get("/keys").get_data(as_text=True)
    assert "Đang dùng cụm mật khẩu phát triển" in html
    assert db.session.scalar(select(func.count()).select_from(IssuingKey)) == 0
