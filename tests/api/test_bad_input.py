"""Bad input gets a 4xx with a sentence, never a 500."""

from __future__ import annotations

from tests.factories import resident_payload

URL = "/api/v1/residents"


def test_oversized_json_body_is_413(client, keys) -> None:
    body = b'{"full_name": "' + b"A" * (2 * 1024 * 1024) + b'"}'
    response = client.post(
        URL, content=body, headers={**keys.operator, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_malformed_json_is_422(client, keys) -> None:
    response = client.post(
        URL, content=b'{"nik": "53', headers={**keys.operator, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]


def test_wrong_content_type_is_415(client, keys) -> None:
    response = client.post(
        URL,
        content=b"nik=5371044108900001",
        headers={**keys.operator, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_json_array_instead_of_object_is_422(client, keys) -> None:
    response = client.post(URL, json=[resident_payload()], headers=keys.operator)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"] and problem["errors"][0]["loc"][0] == "body"
    # Nothing was registered from the array's contents.
    assert client.get(URL, headers=keys.operator).json()["items"] == []


def test_arabic_indic_digits_in_a_nik_are_refused_clearly(client, keys) -> None:
    arabic = "".join(chr(0x0660 + int(d)) for d in "5371044108900001")
    response = client.post(URL, json=resident_payload(nik=arabic), headers=keys.operator)
    assert response.status_code == 422
    assert "0-9" in response.json()["errors"][0]["msg"]
    lookup = client.get(f"{URL}/{arabic}", headers=keys.operator)
    assert lookup.status_code == 422
    assert "0-9" in lookup.json()["detail"]


def test_absurd_query_values_are_422(client, keys) -> None:
    assert client.get(URL, params={"limit": 0}, headers=keys.operator).status_code == 422
    assert client.get(URL, params={"limit": 501}, headers=keys.operator).status_code == 422
    assert (
        client.get(URL, params={"recording_status": "x"}, headers=keys.operator).status_code == 422
    )
    response = client.get(URL, params={"kecamatan_code": "53.71"}, headers=keys.operator)
    assert response.status_code == 422
