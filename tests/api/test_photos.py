"""The holder's photo over HTTP: upload, read, delete, access, audit; on the letter PDF and on
the public verification page of a valid letter only."""

from __future__ import annotations

import io
import re
import time
from datetime import date
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from reportlab.lib.units import mm

from app.config import Settings
from app.main import create_app
from tests.factories import OTHER_KELURAHAN, issue_http, register_http
from tests.photos import SECRET_TRAILER, jpeg_with_gps, png, png_bomb, png_bomb_header

RESIDENTS = "/api/v1/residents"


def _url(nik: str) -> str:
    return f"{RESIDENTS}/{nik}/photo"


def _put(
    client: TestClient, headers: dict[str, str], nik: str, data: bytes, kind: str = "image/jpeg"
) -> Any:
    return client.put(_url(nik), content=data, headers={**headers, "Content-Type": kind})


@pytest.fixture
def nik(client: TestClient, keys: Any) -> str:
    return register_http(client, keys.operator, birth_date=date(1990, 8, 1))["nik"]  # type: ignore[no-any-return]


def _actions(client: TestClient, keys: Any) -> list[str]:
    items = client.get("/api/v1/audit-events", params={"limit": 500}, headers=keys.auditor).json()[
        "items"
    ]
    return [e["action"] for e in items]


# --- upload ---------------------------------------------------------------------------


def test_a_jpeg_with_gps_comes_back_as_a_clean_3x4_jpeg(client, keys, nik) -> None:
    stored = _put(client, keys.operator, nik, jpeg_with_gps())
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert (body["width"], body["height"], body["media_type"]) == (300, 400, "image/jpeg")

    got = client.get(_url(nik), headers=keys.operator)
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["cache-control"] == "no-store"
    assert got.headers["etag"] == f'"{body["sha256"]}"'
    image = Image.open(io.BytesIO(got.content))
    assert image.size == (300, 400) and not image.getexif()
    assert b"Exif" not in got.content and SECRET_TRAILER not in got.content

    again = _put(client, keys.operator, nik, png(), "image/png")
    assert again.status_code == 200  # replaced, not created
    assert again.json()["sha256"] != body["sha256"]


def test_multipart_upload(client, keys, nik) -> None:
    response = client.put(
        _url(nik), files={"file": ("foto.png", png(), "image/png")}, headers=keys.operator
    )
    assert response.status_code == 201, response.text


def test_a_png_bomb_is_a_quick_4xx(client, keys, nik) -> None:
    for bomb in (png_bomb(), png_bomb_header()):
        started = time.perf_counter()
        response = _put(client, keys.operator, nik, bomb, "image/png")
        assert time.perf_counter() - started < 1.0
        assert response.status_code == 422
        assert response.json()["code"] == "photo_too_many_pixels"
    assert client.get(_url(nik), headers=keys.operator).status_code == 404


@pytest.mark.parametrize(
    ("data", "kind", "status", "code"),
    [
        (b"Ini bukan foto.\n", "text/plain", 415, "unsupported_media_type"),
        (b"Ini bukan foto.\n", "image/jpeg", 422, "not_a_photo"),
        (png(size=(90, 120)), "image/png", 422, "photo_too_small"),
        (jpeg_with_gps()[:3000], "image/jpeg", 422, "photo_damaged"),
        (png(), "application/json", 415, "unsupported_media_type"),
    ],
    ids=["text-file", "text-as-jpeg", "too-small", "truncated", "json-type"],
)
def test_what_is_not_a_photo_is_refused(client, keys, nik, data, kind, status, code) -> None:
    response = _put(client, keys.operator, nik, data, kind)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def test_a_body_over_the_limit_is_413_declared_or_chunked(settings: Settings, keys, nik) -> None:
    small = settings.model_copy(update={"photo_max_bytes": 64 * 1024})
    big = jpeg_with_gps() + bytes(100 * 1024)
    with TestClient(create_app(small), raise_server_exceptions=False) as client:
        declared = _put(client, keys.operator, nik, big)
        chunked = client.put(
            _url(nik),
            content=iter([big[:50_000], big[50_000:]]),
            headers={**keys.operator, "Content-Type": "image/jpeg"},
        )
    assert declared.status_code == 413 and chunked.status_code == 413


# --- who may do what, and the audit log -------------------------------------------------


def test_roles_and_kelurahan_scope(client, keys, nik) -> None:
    assert _put(client, keys.auditor, nik, png(), "image/png").status_code == 403
    assert _put(client, keys.other_kelurahan, nik, png(), "image/png").status_code == 404
    assert _put(client, keys.kelurahan, nik, png(), "image/png").status_code == 201
    assert client.get(_url(nik), headers=keys.other_kelurahan).status_code == 404
    for reader in (keys.auditor, keys.kelurahan, keys.admin):
        assert client.get(_url(nik), headers=reader).status_code == 200
    assert client.delete(_url(nik), headers=keys.operator).status_code == 403
    assert client.delete(_url(nik), headers=keys.kelurahan).status_code == 403
    assert client.delete(_url(nik), headers=keys.admin).status_code == 204
    assert client.get(_url(nik), headers=keys.admin).json()["code"] == "photo_not_found"
    assert client.delete(_url(nik), headers=keys.admin).status_code == 404
    assert client.get(_url(nik)).status_code == 401


def test_every_change_and_read_is_audited(client, keys, nik) -> None:
    _put(client, keys.operator, nik, png(), "image/png")
    client.get(_url(nik), headers=keys.operator)
    client.delete(_url(nik), headers=keys.admin)
    actions = _actions(client, keys)
    for action in ("resident.photo_set", "resident.photo_read", "resident.photo_deleted"):
        assert action in actions


# --- on the letter ----------------------------------------------------------------------


def _issue(client: TestClient, keys: Any, nik: str) -> dict[str, Any]:
    response = issue_http(client, keys.operator, nik)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _pdf(client: TestClient, keys: Any, letter: dict[str, Any]) -> pypdf.PdfReader:
    response = client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator)
    return pypdf.PdfReader(io.BytesIO(response.content))


# reportlab draws an image as "q <w> 0 0 <h> <x> <y> cm /<name> Do Q".
_PLACED = re.compile(rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/(\w+(?:\.\w+)*) Do")


def test_the_letter_prints_the_photo_in_a_3x4_box(client, keys, nik) -> None:
    _put(client, keys.operator, nik, jpeg_with_gps())
    reader = _pdf(client, keys, _issue(client, keys, nik))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    images = page.images
    assert len(images) == 1
    assert images[0].image is not None and images[0].image.size == (300, 400)
    placed = _PLACED.findall(page.get_contents().get_data())  # type: ignore[union-attr]
    assert len(placed) == 1
    width, height = float(placed[0][0]), float(placed[0][1])
    assert width == pytest.approx(30 * mm, abs=0.1) and height == pytest.approx(40 * mm, abs=0.1)


def test_without_a_photo_the_letter_has_no_image(client, keys, nik) -> None:
    assert len(_pdf(client, keys, _issue(client, keys, nik)).pages[0].images) == 0


def test_a_letter_needs_a_photo_when_the_office_says_so(settings: Settings, keys, nik) -> None:
    strict = settings.model_copy(update={"letter_requires_photo": True})
    with TestClient(create_app(strict), raise_server_exceptions=False) as client:
        refused = issue_http(client, keys.operator, nik)
        assert refused.status_code == 409 and refused.json()["code"] == "photo_required"
        _put(client, keys.operator, nik, png(), "image/png")
        assert issue_http(client, keys.operator, nik).status_code == 201


def test_photo_required_defaults_to_production_only() -> None:
    assert Settings(_env_file=None).requires_photo is False  # type: ignore[call-arg]
    production = Settings(
        env="production",
        signing_p12="office.p12",  # type: ignore[arg-type]
        public_base_url="https://skk.kupangkota.go.id",
        signatory_name="Drs. YOHANES BERE, M.Si",
        signatory_nip="196805121990031004",
        _env_file=None,  # type: ignore[call-arg]
    )
    assert production.requires_photo is True
    assert production.model_copy(update={"letter_requires_photo": False}).requires_photo is False


# --- on the verification page ----------------------------------------------------------


def _token(letter: dict[str, Any]) -> str:
    return letter["verification_url"].rsplit("/", 1)[1]  # type: ignore[no-any-return]


def test_a_valid_letter_shows_the_photo_it_was_signed_with(client, keys, nik) -> None:
    _put(client, keys.operator, nik, jpeg_with_gps())
    signed_with = client.get(_url(nik), headers=keys.operator).content
    letter = _issue(client, keys, nik)
    token = _token(letter)
    photo_url = f"http://testserver/v/{token}/photo.jpg"

    assert client.get(f"/api/v1/verify/{token}").json()["photo_url"] == photo_url
    page = client.get(f"/v/{token}")
    assert f'<img src="{photo_url}"' in page.text
    assert "img-src 'self'" in page.headers["content-security-policy"]
    photo = client.get(f"/v/{token}/photo.jpg")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "no-store"
    assert photo.content == signed_with

    # A new photo for the resident changes neither the letter's page nor its PDF.
    pdf_before = client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator).content
    _put(client, keys.operator, nik, jpeg_with_gps(colour="purple"))
    assert client.get(_url(nik), headers=keys.operator).content != signed_with
    assert client.get(f"/v/{token}/photo.jpg").content == signed_with
    client.delete(_url(nik), headers=keys.admin)
    assert client.get(f"/v/{token}/photo.jpg").content == signed_with
    assert (
        client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator).content
        == pdf_before
    )


def test_a_revoked_letter_shows_no_photo(client, keys, nik) -> None:
    _put(client, keys.operator, nik, jpeg_with_gps())
    letter = _issue(client, keys, nik)
    token = _token(letter)
    assert client.get(f"/v/{token}/photo.jpg").status_code == 200
    revoked = client.post(
        f"/api/v1/letters/{letter['id']}/revoke",
        json={"reason": "Salah orang"},
        headers=keys.operator,
    )
    assert revoked.status_code == 200
    assert client.get(f"/api/v1/verify/{token}").json()["photo_url"] is None
    assert "<img" not in client.get(f"/v/{token}").text
    gone = client.get(f"/v/{token}/photo.jpg")
    assert gone.status_code == 404 and gone.headers["cache-control"] == "no-store"


def test_a_void_letter_shows_no_photo(client, keys) -> None:
    nik = register_http(client, keys.operator, recording_status="card_shipped")["nik"]
    _put(client, keys.operator, nik, png(), "image/png")
    token = _token(_issue(client, keys, nik))
    moved = client.post(
        f"{RESIDENTS}/{nik}/recording-events", json={"status": "card_issued"}, headers=keys.operator
    )
    assert moved.status_code == 201
    assert client.get(f"/api/v1/verify/{token}").json()["photo_url"] is None
    assert client.get(f"/v/{token}/photo.jpg").status_code == 404


def test_no_photo_for_a_letter_without_one_or_an_unknown_token(client, keys, nik) -> None:
    token = _token(_issue(client, keys, nik))
    assert client.get(f"/api/v1/verify/{token}").json()["photo_url"] is None
    assert client.get(f"/v/{token}/photo.jpg").status_code == 404
    assert client.get("/v/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/photo.jpg").status_code == 404
    assert client.get(f"/v/{OTHER_KELURAHAN}/photo.jpg").status_code == 404
