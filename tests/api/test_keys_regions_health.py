"""API keys, /me, regions, health and the OpenAPI document."""

from __future__ import annotations

from tests.factories import KELURAHAN


def test_me_reports_the_calling_key(client, keys) -> None:
    me = client.get("/api/v1/me", headers=keys.kelurahan)
    assert me.status_code == 200
    assert me.json()["role"] == "kelurahan"
    assert me.json()["kelurahan_code"] == KELURAHAN
    assert client.get("/api/v1/me").status_code == 401


def test_admin_creates_lists_and_revokes_keys(client, keys) -> None:
    created = client.post(
        "/api/v1/api-keys", json={"name": "Loket 2", "role": "operator"}, headers=keys.admin
    )
    assert created.status_code == 201
    secret = created.json()["key"]
    assert secret.startswith("skk_") and len(secret) >= 40
    new_headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=new_headers).json()["name"] == "Loket 2"

    listed = client.get("/api/v1/api-keys", headers=keys.admin).json()["items"]
    assert any(k["name"] == "Loket 2" for k in listed)
    assert all("key" not in k and "secret_sha256" not in k for k in listed)

    key_id = created.json()["id"]
    assert client.delete(f"/api/v1/api-keys/{key_id}", headers=keys.admin).status_code == 204
    revoked = client.get("/api/v1/me", headers=new_headers)
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "revoked_api_key"
    assert client.delete("/api/v1/api-keys/999999", headers=keys.admin).status_code == 404


def test_kelurahan_key_needs_a_real_kelurahan(client, keys) -> None:
    missing = client.post(
        "/api/v1/api-keys", json={"name": "x", "role": "kelurahan"}, headers=keys.admin
    )
    assert missing.status_code == 422 and missing.json()["code"] == "kelurahan_required"
    unknown = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "role": "kelurahan", "kelurahan_code": "53.71.04.9999"},
        headers=keys.admin,
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_kelurahan"
    stray = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "role": "operator", "kelurahan_code": KELURAHAN},
        headers=keys.admin,
    )
    assert stray.status_code == 422


def test_only_admin_manages_keys(client, keys) -> None:
    for headers in (keys.operator, keys.auditor, keys.kelurahan):
        assert client.get("/api/v1/api-keys", headers=headers).status_code == 403
        post = client.post("/api/v1/api-keys", json={"name": "x", "role": "admin"}, headers=headers)
        assert post.status_code == 403
        assert post.json()["code"] == "role_not_allowed"
        assert client.delete("/api/v1/api-keys/1", headers=headers).status_code == 403


def test_regions_by_level_and_parent(client, keys) -> None:
    kecamatan = client.get(
        "/api/v1/regions", params={"parent": "53.71", "level": "kecamatan"}, headers=keys.auditor
    ).json()["items"]
    assert [r["name"] for r in kecamatan] == [
        "Alak",
        "Maulafa",
        "Kelapa Lima",
        "Oebobo",
        "Kota Raja",
        "Kota Lama",
    ]
    kelurahan = client.get(
        "/api/v1/regions", params={"parent": "53.71.04", "limit": 500}, headers=keys.auditor
    ).json()["items"]
    assert len(kelurahan) == 7 and kelurahan[0]["code"] == KELURAHAN
    provinces = client.get(
        "/api/v1/regions", params={"level": "provinsi", "limit": 20}, headers=keys.auditor
    ).json()
    more = client.get(
        "/api/v1/regions",
        params={"level": "provinsi", "limit": 20, "cursor": provinces["next_cursor"]},
        headers=keys.auditor,
    ).json()
    assert len(provinces["items"]) + len(more["items"]) == 38
    assert (
        client.get("/api/v1/regions", params={"level": "planet"}, headers=keys.auditor).status_code
        == 422
    )
    assert client.get("/api/v1/regions").status_code == 401


def test_health(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "database", "signer")} == {
        "status": "ok",
        "database": "ok",
        "signer": "ok",
    }
    assert body["signer_certificate_days_left"] > 0


def test_health_503_when_database_is_gone(client, app) -> None:
    from app.db import make_async_engine

    app.state.async_engine = make_async_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_unknown_path_is_a_problem(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    assert response.headers["x-request-id"]


def test_openapi_declares_bearer_and_documents_every_operation(client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    # The public statistics page and the office's public keys need no key.
    public = {"/health", "/statistics", "/.well-known/jwks.json"}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert op.get("summary"), (method, path)
            assert op.get("tags"), (method, path)
            if path not in public and not path.startswith(("/v/", "/api/v1/verify")):
                assert "401" in op["responses"], (method, path)
                assert op.get("security"), (method, path)
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"]["$ref"].rsplit("/", 1)[-1]
                schema = doc["components"]["schemas"][ref]
                assert schema.get("examples"), f"{ref} has no example"
    assert client.get("/docs").status_code == 200


def test_errors_never_leak_internals(client, keys) -> None:
    response = client.post(
        "/api/v1/residents",
        content=b'{"nik": ',
        headers={**keys.operator, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()


def test_openapi_declares_errors_as_problem_json(client) -> None:
    """Found by the schemathesis pass: 422 was documented as FastAPI's own shape, and 400,
    413, 415 and 503 were not documented at all."""
    doc = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            assert "503" in responses, (method, path)
            if "422" in responses:
                assert list(responses["422"]["content"]) == ["application/problem+json"]
            if "requestBody" in op:
                for status in ("400", "413", "415"):
                    assert status in responses, (method, path, status)
    non_utf8 = client.post(
        "/api/v1/residents",
        content=b'{"full_name": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert non_utf8.status_code in (400, 401, 422)
