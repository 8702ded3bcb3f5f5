"""Keys that expire: `expires_in_days` on creation, a 401 that says the key expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine


def _create(client, keys, **body):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/api-keys", json={"name": "Loket 3", "role": "operator", **body}, headers=keys.admin
    )


def test_a_key_with_expires_in_days_works_until_then_and_then_says_it_expired(client, keys) -> None:
    before = datetime.now(UTC)
    created = _create(client, keys, expires_in_days=30)
    assert created.status_code == 201, created.text
    expires_at = datetime.fromisoformat(created.json()["expires_at"])
    assert before + timedelta(days=30) <= expires_at <= datetime.now(UTC) + timedelta(days=30)
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    listed = client.get("/api/v1/api-keys", headers=keys.admin).json()["items"]
    assert [k["expires_at"] for k in listed if k["id"] == created.json()["id"]] == [
        created.json()["expires_at"]
    ]

    with time_machine.travel(expires_at - timedelta(minutes=1), tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    with time_machine.travel(expires_at + timedelta(seconds=1), tick=False):
        expired = client.get("/api/v1/me", headers=headers)
        # The other keys still work.
        assert client.get("/api/v1/me", headers=keys.operator).status_code == 200
    assert expired.status_code == 401
    problem = expired.json()
    assert problem["code"] == "expired_api_key"
    assert "expired" in problem["detail"] and expires_at.strftime("%Y-%m-%d") in problem["detail"]
    assert "not known" not in problem["detail"]


def test_a_key_without_expiry_keeps_working(client, keys) -> None:
    created = _create(client, keys)
    assert created.status_code == 201
    assert created.json()["expires_at"] is None
    headers = {"Authorization": f"Bearer {created.json()['key']}"}
    with time_machine.travel(datetime.now(UTC) + timedelta(days=3650), tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 200


@pytest.mark.parametrize("days", [0, -1, 3651, 10**12, "soon", 1.5])
def test_expires_in_days_out_of_range_is_a_422(client, keys, days: object) -> None:
    response = _create(client, keys, expires_in_days=days)
    assert response.status_code == 422, response.text
    assert any(e["loc"][-1] == "expires_in_days" for e in response.json()["errors"])


def test_the_openapi_document_describes_expires_in_days(client) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    field = schemas["ApiKeyCreate"]["properties"]["expires_in_days"]
    assert "days from now" in field["description"]
    assert "expires_at" in schemas["ApiKeyRead"]["properties"]
