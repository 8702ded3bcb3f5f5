"""Garbage at the public edges answers 4xx, never a 500 (issue 10, classes 5, 8, 9, 11)."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator

import pytest

from app.config import Settings
from app.main import create_app
from tests.factories import resident_payload

RESIDENTS = "/api/v1/residents"


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


ODD_CURSORS = [
    {"id": {"id": 1}},
    {"id": [1, 2]},
    {"id": "1"},
    {"id": True},
    {"id": 10**30},
    {"id": -(10**30)},
    {"id": 1.5},
    {"code": {"a": 1}},
    {"issued_at": "2026-01-01T00:00:00", "id": "x"},
    {"issued_at": "2026-01-01T00:00:00+00:00", "id": {"a": 1}},
    {"issued_at": 12, "id": 3},
    {"issued_at": "9999-99-99", "id": "x"},
    [1, 2],
    "text",
    None,
]


@pytest.mark.parametrize(
    "path",
    [
        RESIDENTS,
        "/api/v1/letters",
        "/api/v1/audit-events",
        "/api/v1/regions",
        "/api/v1/audit-checkpoints",
    ],
)
@pytest.mark.parametrize("value", ODD_CURSORS, ids=lambda v: json.dumps(v)[:40])
def test_odd_cursors_are_422(client, keys, path: str, value: object) -> None:
    response = client.get(path, params={"cursor": _cursor(value)}, headers=keys.admin)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_cursor"


def test_a_huge_cursor_is_refused_before_it_is_decoded(client, keys) -> None:
    response = client.get(RESIDENTS, params={"cursor": "A" * 20_000}, headers=keys.admin)
    assert response.status_code in (414, 422, 431)


@pytest.mark.parametrize("as_of", ["0001-01-01", "1000-06-15", "1899-12-31"])
def test_ancient_as_of_is_422_on_page_and_api(client, keys, as_of: str) -> None:
    page = client.get("/statistics", params={"as_of": as_of})
    assert page.status_code == 422, page.text[:300]
    api = client.get("/api/v1/statistics/recording", params={"as_of": as_of}, headers=keys.auditor)
    assert api.status_code == 422, api.text[:300]
    assert "as_of" in api.json()["detail"]


def test_nul_bytes_in_query_text_are_422(client, keys) -> None:
    for params in ({"q": "AB\x00C"}, {"q": "5371\x00"}):
        response = client.get(RESIDENTS, params=params, headers=keys.operator)
        assert response.status_code == 422, response.text
    response = client.get("/api/v1/audit-events", params={"action": "a\x00"}, headers=keys.admin)
    assert response.status_code == 422


def test_nul_byte_in_a_path_is_4xx(client, keys) -> None:
    response = client.get(f"{RESIDENTS}/5371%00044108900001", headers=keys.operator)
    assert 400 <= response.status_code < 500


def test_chunked_body_over_the_json_limit_is_413(client, keys) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"full_name": "'
        for _ in range(40):
            yield b"A" * 65536
        yield b'"}'

    response = client.post(
        RESIDENTS,
        content=chunks(),
        headers={**keys.operator, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text[:300]
    assert response.json()["code"] == "payload_too_large"


# --- class 5: forwarded headers ------------------------------------------------------------


def _app(settings: Settings, **changes: object):  # type: ignore[no-untyped-def]
    return create_app(settings.model_copy(update=changes))


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings: Settings) -> None:
    from fastapi.testclient import TestClient

    app = _app(settings, public_rate_limit_per_minute=3)
    with TestClient(app, raise_server_exceptions=False) as c:
        answers = [
            c.get("/api/v1/verify/" + "A" * 22, headers={"X-Forwarded-For": f"10.0.0.{i}"})
            for i in range(6)
        ]
    # A rotating header does not buy a new allowance: the peer is the test client.
    assert [a.status_code for a in answers].count(429) == 3


def test_forwarded_for_from_a_trusted_proxy_is_used_and_validated(
    settings: Settings, keys, sessionmaker_
) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from app.db import session_scope
    from app.models import AuditEvent

    app = _app(settings, trusted_proxies=["10.9.0.0/16", "127.0.0.1"])
    nik = resident_payload()["nik"]
    with TestClient(app, raise_server_exceptions=False, client=("10.9.8.7", 4000)) as c:
        c.post(RESIDENTS, json=resident_payload(nik=nik), headers=keys.operator)
        good = c.get(
            f"{RESIDENTS}/{nik}",
            headers={**keys.operator, "X-Forwarded-For": "203.0.113.9, 127.0.0.1"},
        )
        bad = c.get(
            f"{RESIDENTS}/{nik}",
            headers={**keys.operator, "X-Forwarded-For": "x" * 500 + "<script>"},
        )
        long_id = c.get(f"{RESIDENTS}/{nik}", headers={**keys.operator, "X-Request-ID": "r" * 300})
    assert good.status_code == 200
    assert bad.status_code == 200  # a bad header never fails a request, nor its neighbours
    assert long_id.status_code == 200
    with session_scope(sessionmaker_) as session:
        addresses = list(
            session.scalars(
                select(AuditEvent.client_address).where(AuditEvent.action == "resident.read")
            )
        )
    assert "203.0.113.9" in addresses
    assert all(a is None or len(a) <= 45 for a in addresses)
    assert not any(a and "script" in a for a in addresses)


def test_trusted_proxies_setting_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        Settings(trusted_proxies=["not an address"], _env_file=None)  # type: ignore[call-arg]


# --- class 8: request ids and log masking --------------------------------------------------


@pytest.mark.parametrize(
    "request_id",
    ["5371044108900001", "5371-0441-0890-0001", "abc 5371044108900001", "é" * 10, "a\tb", "x"],
)
def test_unsafe_client_request_ids_are_replaced(client, request_id: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": request_id.encode()})
    answered = response.headers["x-request-id"]
    assert answered != request_id
    assert len(answered) >= 16  # a fresh id of our own


def test_a_safe_client_request_id_is_kept(client) -> None:
    response = client.get("/health", headers={"X-Request-ID": "req-2026-abc_DEF.1"})
    assert response.headers["x-request-id"] == "req-2026-abc_DEF.1"


def test_verification_tokens_are_shortened_in_logged_paths(client, caplog) -> None:
    token = "Zq3vK8pLm2Nx7Rt5Wy9Bc4Df"
    with caplog.at_level(logging.INFO, logger="app.request"):
        client.get(f"/api/v1/verify/{token}")
        client.get(f"/v/{token}")
    paths = [getattr(r, "path", "") for r in caplog.records if r.name == "app.request"]
    assert paths and all(token not in p for p in paths)
    assert any(p.startswith("/api/v1/verify/Zq3v") for p in paths)
    assert any(p.startswith("/v/Zq3v") for p in paths)


def test_an_unknown_query_parameter_on_a_list_is_422(client, keys) -> None:
    for path in (RESIDENTS, "/api/v1/letters", "/api/v1/regions", "/api/v1/audit-events"):
        response = client.get(path, params={"parent_code": "53.71"}, headers=keys.admin)
        assert response.status_code == 422, (path, response.text)
        problem = response.json()
        assert problem["code"] == "unknown_query_parameter"
        assert "parent_code" in problem["detail"] and "limit" in problem["detail"]
    # Declared parameters still work, aliases and dependencies' parameters included.
    ok = client.get("/api/v1/regions", params={"level": "provinsi", "limit": 2}, headers=keys.admin)
    assert ok.status_code == 200
    filtered = client.get(RESIDENTS, params={"kelurahan_code": "53.71.04.1001"}, headers=keys.admin)
    assert filtered.status_code == 200
