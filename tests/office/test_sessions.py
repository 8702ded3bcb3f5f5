"""Signing in to the office pages: the cookie, CSRF, idle timeout, sign-out, revoked keys."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db import session_scope
from app.main import create_app
from app.models import AuditEvent, Letter, OfficeSession
from app.models._types import utcnow
from app.office.web import HTML_SECURITY_HEADERS
from app.services.keys import revoke_key
from tests.factories import register_http
from tests.office.helpers import csrf_in, post, secret_of, sign_in


def _set_cookie(response) -> str:  # type: ignore[no-untyped-def]
    return "; ".join(v for k, v in response.headers.multi_items() if k == "set-cookie")


def test_the_cookie_holds_a_random_session_id_never_the_key(client, keys, sessionmaker_) -> None:
    form = client.get("/office/sign-in")
    response = client.post(
        "/office/sign-in",
        data={"api_key": secret_of(keys.operator), "csrf": csrf_in(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = _set_cookie(response)
    assert "skk_office=" in cookie
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/office" in lowered
    # Plain http in the test: no Secure flag (the browser would drop the cookie).
    assert "secure" not in lowered.replace("samesite=strict", "")
    assert secret_of(keys.operator) not in cookie
    session_id = client.cookies.get("skk_office")
    with session_scope(sessionmaker_) as session:
        stored = session.scalars(select(OfficeSession)).one()
        assert stored.session_sha256 == hashlib.sha256(session_id.encode()).hexdigest()
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "office.signed_in" in actions


def test_the_cookie_is_secure_when_the_service_is_served_over_https(settings, keys) -> None:
    app = create_app(settings.model_copy(update={"public_base_url": "https://skk.example.id"}))
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/office/sign-in")
        response = client.post(
            "/office/sign-in",
            data={"api_key": secret_of(keys.operator), "csrf": csrf_in(form.text)},
            follow_redirects=False,
        )
    assert response.status_code == 303
    assert "; secure" in _set_cookie(response).lower()


def test_an_unknown_key_is_refused_with_a_sentence_and_no_session(client, sessionmaker_) -> None:
    form = client.get("/office/sign-in")
    response = client.post(
        "/office/sign-in", data={"api_key": "skk_nonsense", "csrf": csrf_in(form.text)}
    )
    assert response.status_code == 401
    assert "Kunci API tidak dikenal." in response.text
    assert "skk_office=" not in _set_cookie(response)
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 0


def test_sign_in_without_the_form_token_is_refused(client, keys, sessionmaker_) -> None:
    client.get("/office/sign-in")
    response = client.post(
        "/office/sign-in", data={"api_key": secret_of(keys.operator), "csrf": "forged"}
    )
    assert response.status_code == 403
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 0


def test_pages_need_a_session(client) -> None:
    for url in ("/office/", "/office/letters", "/office/residents?q=ab"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/office/sign-in"


def test_pages_carry_the_public_pages_security_headers(client, keys) -> None:
    sign_in(client, keys.operator)
    for url in ("/office/", "/office/sign-in", "/office/letters", "/office/register"):
        response = client.get(url)
        for header, value in HTML_SECURITY_HEADERS.items():
            if url == "/office/sign-in" and header == "Content-Security-Policy":
                # The same policy, plus its own script file (tests/office/test_sign_in_qr.py).
                value += "; script-src 'self'"
            assert response.headers[header] == value, (url, header)
        if url != "/office/sign-in":
            assert "<script" not in response.text


def test_a_form_without_or_with_a_wrong_csrf_token_changes_nothing(
    client, keys, sessionmaker_
) -> None:
    nik = register_http(client, keys.operator)["nik"]
    sign_in(client, keys.operator)
    url = f"/office/residents/{nik}/letters"
    missing = client.post(url, data={"purpose": "Pembukaan rekening bank"})
    wrong = post(client, url, "not-the-token", purpose="Pembukaan rekening bank")
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "Formulir ditolak" in response.text
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(Letter)) == 0


def test_a_session_ends_after_the_idle_timeout(client, keys, settings, sessionmaker_) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, keys.operator)
        clock.shift(timedelta(minutes=settings.office_idle_minutes - 1))
        assert client.get("/office/", follow_redirects=False).status_code == 200
        # Each use restarts the idle clock.
        clock.shift(timedelta(minutes=settings.office_idle_minutes - 1))
        assert client.get("/office/", follow_redirects=False).status_code == 200
        clock.shift(timedelta(minutes=settings.office_idle_minutes + 1))
        ended = client.get("/office/", follow_redirects=False)
    assert ended.status_code == 303
    assert ended.headers["location"] == "/office/sign-in?ended=1"
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 0
    assert "Sesi Anda berakhir" in client.get("/office/sign-in?ended=1").text


def test_the_idle_timeout_is_a_setting(settings, keys) -> None:
    app = create_app(settings.model_copy(update={"office_idle_minutes": 2}))
    with TestClient(app) as client, time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, keys.operator)
        clock.shift(timedelta(minutes=3))
        assert client.get("/office/", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_for_good(client, keys, sessionmaker_) -> None:
    csrf = sign_in(client, keys.operator)
    session_id = client.cookies.get("skk_office")
    response = post(client, "/office/sign-out", csrf)
    assert response.status_code == 303
    assert response.headers["location"] == "/office/sign-in?out=1"
    # Replaying the old cookie does not bring the session back.
    client.cookies.set("skk_office", session_id, path="/office")
    assert client.get("/office/", follow_redirects=False).status_code == 303
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 0


def test_sign_out_needs_the_csrf_token(client, keys) -> None:
    sign_in(client, keys.operator)
    assert client.post("/office/sign-out", data={}).status_code == 403
    assert client.get("/office/", follow_redirects=False).status_code == 200


def test_a_revoked_key_ends_its_sessions(client, keys, sessionmaker_) -> None:
    sign_in(client, keys.operator)
    with session_scope(sessionmaker_) as session:
        key_id = session.scalars(select(OfficeSession.key_id)).one()
        revoke_key(session, key_id=key_id)
    assert client.get("/office/", follow_redirects=False).status_code == 303
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 0


def test_a_forged_cookie_is_no_session(client) -> None:
    client.cookies.set("skk_office", "x" * 5000, path="/office")
    assert client.get("/office/", follow_redirects=False).status_code == 303


def test_signing_in_clears_sessions_left_idle(client, keys, settings, sessionmaker_) -> None:
    with time_machine.travel(utcnow(), tick=False) as clock:
        sign_in(client, keys.operator)
        client.cookies.clear()
        clock.shift(timedelta(minutes=settings.office_idle_minutes + 1))
        sign_in(client, keys.kelurahan)
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(OfficeSession)) == 1
