"""Public verification: the QR page, its JSON, PDF uploads, masking, rate limit, caching."""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen import canvas
from sqlalchemy import update

from app.api.ratelimit import SlidingWindowLimiter
from app.db import session_scope
from app.documents.render import INFO_KEY_LETTER_NUMBER, INFO_KEY_VERIFICATION_TOKEN
from app.documents.signing import LetterSigner, create_development_key
from app.domain.dates import format_date_id
from app.domain.masking import mask_nik
from app.main import create_app
from app.models import Letter
from app.web import HTML_SECURITY_HEADERS
from tests.documents.hostile import looping_prev, object_stream_bomb, xref_stream_bomb
from tests.factories import issue_http, register_http

RESIDENTS = "/api/v1/residents"
VERIFY = "/api/v1/verify"
BIRTH_DATE = date(1987, 11, 23)
ADDRESS = "JL. BUNGA MAWAR NO. 77"
BIRTH_PLACE = "ATAMBUA"
KK_NUMBER = "5371041503150003"


# --- helpers ------------------------------------------------------------------


def _resident(client, keys, **overrides: Any) -> dict:  # type: ignore[no-untyped-def]
    return register_http(
        client,
        keys.operator,
        birth_date=BIRTH_DATE,
        address=ADDRESS,
        birth_place=BIRTH_PLACE,
        **overrides,
    )


def _issue(client, keys, nik: str, **extra: Any) -> dict:  # type: ignore[no-untyped-def]
    response = issue_http(client, keys.operator, nik, **extra)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _token(letter: dict) -> str:
    return letter["verification_url"].rsplit("/", 1)[1]


def _pdf(client, keys, letter: dict) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(letter["document"]["url"], headers=keys.operator)
    assert response.status_code == 200
    return response.content


def _assert_no_personal_data(body: str, resident: dict) -> None:
    """Nothing of the resident but the name and the masked NIK."""
    assert resident["nik"] not in body
    assert mask_nik(resident["nik"]) in body
    assert KK_NUMBER not in body
    for shown in (BIRTH_DATE.isoformat(), format_date_id(BIRTH_DATE), f"{BIRTH_DATE:%d-%m-%Y}"):
        assert shown not in body
    assert ADDRESS not in body
    assert BIRTH_PLACE not in body


def _upload(client, data: bytes) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(VERIFY, content=data, headers={"Content-Type": "application/pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def _original_revision(signed: bytes) -> bytes:
    """The rendered letter before the signature's incremental update: an unsigned PDF."""
    end = signed.index(b"%%EOF") + len(b"%%EOF")
    return signed[: end + 1] if signed[end : end + 1] == b"\n" else signed[:end]


# --- statuses on the page and in JSON -----------------------------------------


def _expire(client, keys, sessionmaker_) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(Letter)
            .where(Letter.id == letter["id"])
            .values(valid_until=date.today() - timedelta(days=1))
        )
    return resident, letter


def _revoke(client, keys, sessionmaker_) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    revoked = client.post(
        f"/api/v1/letters/{letter['id']}/revoke",
        json={"reason": "Diterbitkan untuk penduduk yang salah"},
        headers=keys.operator,
    )
    assert revoked.status_code == 200
    return resident, letter


def _supersede(client, keys, sessionmaker_) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys)
    first = _issue(client, keys, resident["nik"])
    _issue(client, keys, resident["nik"], supersede=True, supersede_reason="Surat hilang")
    return resident, first


def _void(client, keys, sessionmaker_) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys, recording_status="card_shipped")
    letter = _issue(client, keys, resident["nik"])
    moved = client.post(
        f"{RESIDENTS}/{resident['nik']}/recording-events",
        json={"status": "card_issued"},
        headers=keys.operator,
    )
    assert moved.status_code == 201
    return resident, letter


def _valid(client, keys, sessionmaker_) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys)
    return resident, _issue(client, keys, resident["nik"])


Setup = Callable[..., tuple[dict, dict]]


@pytest.mark.parametrize(
    ("setup", "status", "label_id", "label_en", "reason"),
    [
        (_valid, "valid", "BERLAKU", "VALID", None),
        (_expire, "expired", "KEDALUWARSA", "EXPIRED", "Masa berlaku berakhir"),
        (_revoke, "revoked", "DICABUT", "REVOKED", "Diterbitkan untuk penduduk yang salah"),
        (_supersede, "superseded", "DIGANTI", "SUPERSEDED", "diganti dengan surat"),
        (_void, "void", "BATAL", "VOID", "KTP-el sudah diterbitkan"),
    ],
)
def test_every_status_on_the_page_and_in_json(
    client, keys, sessionmaker_, setup: Setup, status, label_id, label_en, reason
) -> None:
    resident, letter = setup(client, keys, sessionmaker_)
    token = _token(letter)

    page = client.get(f"/v/{token}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    banner = re.search(r'<section class="banner[^"]*"[^>]*>(.*?)</section>', html, re.S)
    assert banner is not None
    assert f'<p class="banner-status">{label_id}</p>' in banner.group(1)
    assert f'<p class="banner-en">{label_en}</p>' in banner.group(1)
    if reason:
        assert reason in banner.group(1)
    assert letter["number"] in html
    assert resident["full_name"] in html
    assert format_date_id(date.fromisoformat(letter["valid_from"])) in html
    valid_until = date.today() - timedelta(days=1) if status == "expired" else None
    valid_until = valid_until or date.fromisoformat(letter["valid_until"])
    assert format_date_id(valid_until) in html
    assert letter["signatory"]["name"] in html
    assert "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in html
    assert letter["document"]["sha256"] in html
    assert "<script" not in html.lower()
    _assert_no_personal_data(html, resident)

    response = client.get(f"{VERIFY}/{token}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == status
    assert body["status_label"] == f"{label_id} / {label_en}"
    assert body["number"] == letter["number"]
    assert body["resident_name"] == resident["full_name"]
    assert body["resident_nik_masked"] == mask_nik(resident["nik"])
    assert body["valid_until"] == valid_until.isoformat()
    assert body["document"]["sha256"] == letter["document"]["sha256"]
    assert body["signatory"] == {
        "name": letter["signatory"]["name"],
        "title": letter["signatory"]["title"],
    }
    assert body["checked_at"]
    if reason:
        assert reason.lower() in body["status_reason"].lower()
    else:
        assert body["status_reason"] is None
    _assert_no_personal_data(response.text, resident)


def test_page_carries_the_security_headers_and_the_development_warning(client, keys) -> None:
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    page = client.get(f"/v/{_token(letter)}")
    for name, value in HTML_SECURITY_HEADERS.items():
        assert value in page.headers.get_list(name), name
    # The test app signs with the development key: the page must say it is no official letter.
    assert "bukan surat resmi" in page.text
    assert client.get(f"{VERIFY}/{_token(letter)}").json()["development_signing_key"] is True


def test_void_page_does_not_say_why_the_holder_changed(client, keys) -> None:
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    patched = client.patch(
        f"{RESIDENTS}/{resident['nik']}",
        json={"residency_status": "deceased"},
        headers=keys.operator,
    )
    assert patched.status_code == 200
    body = client.get(f"{VERIFY}/{_token(letter)}").json()
    assert body["status"] == "void"
    page = client.get(f"/v/{_token(letter)}").text
    for text in (body["status_reason"], page):
        assert "deceased" not in text and "meninggal" not in text.lower()


@pytest.mark.parametrize(
    "token",
    ["unknownTokenAAAAAAAAAAAAAAAAAAAAA", "x", "a" * 200, "not%20a%20token", "5371041208900001"],
)
def test_unknown_token_is_404_on_page_and_json(client, token: str) -> None:
    page = client.get(f"/v/{token}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "TIDAK DITEMUKAN" in page.text and "NOT FOUND" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text.lower()

    response = client.get(f"{VERIFY}/{token}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "letter_not_found"
    assert response.headers["cache-control"] == "no-store"


# --- uploads -------------------------------------------------------------------


@pytest.fixture
def issued(client, keys) -> tuple[dict, dict, bytes]:  # type: ignore[no-untyped-def]
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    return resident, letter, _pdf(client, keys, letter)


def test_the_issued_pdf_is_genuine_raw_and_multipart(client, issued) -> None:
    resident, letter, pdf = issued
    raw = _upload(client, pdf)
    multipart = client.post(VERIFY, files={"file": ("whatever-name.pdf", pdf, "application/pdf")})
    assert multipart.status_code == 200, multipart.text
    for body in (raw, multipart.json()):
        assert body["outcome"] == "genuine"
        assert body["genuine"] is True
        assert body["signed"] and body["intact"] and body["covers_whole_file"]
        assert body["trusted_signer"] is True
        assert body["signed_at"] is not None
        assert body["signer_certificate_sha256"]
        assert body["problem"] is None
        assert body["letter_number"] == letter["number"]
        assert body["matches_issued_file"] is True
        assert body["file_sha256"] == letter["document"]["sha256"]
        assert body["status"] == "valid"
        assert body["letter"]["number"] == letter["number"]
        assert body["letter"]["resident_nik_masked"] == mask_nik(resident["nik"])
        assert letter["number"] in body["verdict"] and "berlaku" in body["verdict"]
        assert "\n" not in body["verdict"]
    _assert_no_personal_data(multipart.text, resident)


def test_a_revoked_letters_pdf_is_genuine_but_not_valid(client, keys, issued) -> None:
    _, letter, pdf = issued
    client.post(
        f"/api/v1/letters/{letter['id']}/revoke",
        json={"reason": "Salah cetak"},
        headers=keys.operator,
    )
    body = _upload(client, pdf)
    assert body["outcome"] == "genuine_not_valid"
    assert body["matches_issued_file"] is True
    assert body["status"] == "revoked"
    assert body["letter"]["status_reason"] == "Salah cetak"
    assert "DICABUT" in body["verdict"] and "REVOKED" in body["verdict_en"]


def test_one_changed_byte_inside_the_signed_range_is_tampered(client, issued) -> None:
    _, _, pdf = issued
    byte_range = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", pdf)
    assert byte_range is not None
    # A byte inside the first content stream: the file still parses, the digest no longer fits.
    position = pdf.index(b"stream") + 40
    assert position < int(byte_range.group(1))
    tampered = bytearray(pdf)
    tampered[position] ^= 0x01
    body = _upload(client, bytes(tampered))
    assert body["outcome"] == "tampered"
    assert body["signed"] is True and body["intact"] is False
    assert body["genuine"] is False
    assert body["letter"] is None and body["status"] is None
    assert "JANGAN DITERIMA" in body["verdict"]


def test_an_unsigned_pdf_is_reported_as_unsigned(client, issued) -> None:
    _, _, pdf = issued
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "SURAT KETERANGAN KEPENDUDUKAN (salinan)")
    page.save()
    for unsigned in (buffer.getvalue(), _original_revision(pdf)):
        body = _upload(client, unsigned)
        assert body["outcome"] == "unsigned"
        assert body["signed"] is False and body["genuine"] is False
        assert body["matches_issued_file"] is None
        assert "tanda tangan" in body["verdict"]


def test_a_pdf_signed_by_another_key_is_untrusted(client, issued, tmp_path: Path) -> None:
    _, letter, pdf = issued
    other = LetterSigner.from_pkcs12(
        create_development_key(tmp_path, common_name="Kantor Palsu"), None
    )
    # A forgery that carries the real letter's token must not borrow its status.
    forged = other.sign(_original_revision(pdf))
    body = _upload(client, forged)
    assert body["outcome"] == "untrusted_signer"
    assert body["signed"] is True and body["intact"] is True
    assert body["trusted_signer"] is False
    assert body["signer"] == "Kantor Palsu"
    assert body["genuine"] is False
    assert body["letter"] is None and body["status"] is None
    # The verdict alone: a foreign key's signature vouches for no letter number either.
    assert body["letter_number"] is None
    assert letter["number"] not in str(body)
    assert "JANGAN DITERIMA" in body["verdict"]


def test_a_certificate_listed_as_trusted_is_accepted(settings, keys, tmp_path: Path) -> None:
    other = LetterSigner.from_pkcs12(create_development_key(tmp_path), None)
    app = create_app(
        settings.model_copy(update={"trusted_certificates_sha256": [other.certificate_sha256]})
    )
    with TestClient(app) as client:
        resident = _resident(client, keys)
        letter = _issue(client, keys, resident["nik"])
        resigned = other.sign(_original_revision(_pdf(client, keys, letter)))
        body = _upload(client, resigned)
    assert body["trusted_signer"] is True
    # Signed by a trusted key, but not the bytes that were issued.
    assert body["outcome"] == "differs_from_issued"
    assert body["matches_issued_file"] is False
    assert body["genuine"] is False


@pytest.mark.parametrize("cut", [0.5, 0.98])
def test_a_truncated_pdf_is_damaged(client, issued, cut: float) -> None:
    _, _, pdf = issued
    body = _upload(client, pdf[: int(len(pdf) * cut)])
    assert body["outcome"] == "damaged"
    assert body["genuine"] is False
    assert "rusak" in body["verdict"]


@pytest.mark.parametrize(
    "data", [b"", b"hello, this is not a PDF", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100]
)
def test_a_file_that_is_not_a_pdf(client, data: bytes) -> None:
    body = _upload(client, data)
    assert body["outcome"] == "not_pdf"
    assert body["signed"] is False
    assert "bukan PDF" in body["verdict"]
    multipart = client.post(VERIFY, files={"file": ("letter.pdf", data, "application/pdf")})
    assert multipart.status_code == 200
    assert multipart.json()["outcome"] == "not_pdf"


def test_uploads_over_the_limit_are_413(client, settings) -> None:
    limit = settings.max_upload_bytes
    assert limit == 5 * 1024 * 1024
    too_big = b"%PDF-1.7\n" + b"0" * (limit - 8)
    assert len(too_big) == limit + 1

    raw = client.post(VERIFY, content=too_big, headers={"Content-Type": "application/pdf"})
    multipart = client.post(VERIFY, files={"file": ("big.pdf", too_big, "application/pdf")})

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for start in range(0, len(too_big), 256 * 1024):
            yield too_big[start : start + 256 * 1024]

    chunked = client.post(VERIFY, content=chunks(), headers={"Content-Type": "application/pdf"})
    assert "content-length" not in chunked.request.headers
    for response in (raw, multipart, chunked):
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "payload_too_large"
        assert response.headers["cache-control"] == "no-store"

    at_limit = client.post(
        VERIFY, content=too_big[:limit], headers={"Content-Type": "application/pdf"}
    )
    assert at_limit.status_code == 200
    assert at_limit.json()["outcome"] == "damaged"


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "image/png", None])
def test_other_content_types_are_415(client, issued, content_type: str | None) -> None:
    _, _, pdf = issued
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(VERIFY, content=pdf, headers=headers)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert response.headers["cache-control"] == "no-store"


def test_multipart_without_the_file_field_is_422(client) -> None:
    response = client.post(VERIFY, files={"document": ("a.pdf", b"%PDF-1.7", "application/pdf")})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]


# --- rate limit ------------------------------------------------------------------


@pytest.fixture
def limited_app(settings):  # type: ignore[no-untyped-def]
    return create_app(settings.model_copy(update={"public_rate_limit_per_minute": 3}))


def test_a_client_over_the_limit_gets_429_with_retry_after(limited_app, client) -> None:
    with TestClient(limited_app) as limited:
        for _ in range(3):
            assert limited.get(f"{VERIFY}/unknownTokenAAAAAAAAAAAA").status_code == 404
        refused = [
            limited.get(f"{VERIFY}/unknownTokenAAAAAAAAAAAA"),
            limited.post(VERIFY, content=b"%PDF-", headers={"Content-Type": "application/pdf"}),
        ]
        for response in refused:
            assert response.status_code == 429
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "rate_limited"
            assert 1 <= int(response.headers["retry-after"]) <= 60
            assert response.headers["cache-control"] == "no-store"
        page = limited.get("/v/unknownTokenAAAAAAAAAAAA")
        assert page.status_code == 429
        assert page.headers["content-type"].startswith("text/html")
        assert 1 <= int(page.headers["retry-after"]) <= 60
        assert "Too many requests" in page.text
        assert page.headers["cache-control"] == "no-store"
        # Authenticated endpoints are not counted.
        assert limited.get("/health").status_code == 200

    # Another address has its own allowance, and another app its own limiter.
    with TestClient(limited_app, client=("203.0.113.7", 40000)) as elsewhere:
        assert elsewhere.get(f"{VERIFY}/unknownTokenAAAAAAAAAAAA").status_code == 404
    for _ in range(5):
        assert client.get(f"{VERIFY}/unknownTokenAAAAAAAAAAAA").status_code == 404


def test_the_limiter_window_slides() -> None:
    now = [1000.0]
    limiter = SlidingWindowLimiter(2, clock=lambda: now[0])
    assert limiter.hit("a").allowed and limiter.hit("a").allowed
    refused = limiter.hit("a")
    assert not refused.allowed and refused.retry_after == 60
    assert limiter.hit("b").allowed
    now[0] += 30
    assert limiter.hit("a").retry_after == 30
    now[0] += 30.5  # the first two hits have left the window; refused ones never counted
    assert limiter.hit("a").allowed and limiter.hit("a").allowed
    assert not limiter.hit("a").allowed


def test_the_limiter_counts_exactly_under_threads() -> None:
    limiter = SlidingWindowLimiter(100)
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            decision = limiter.hit("same-address")
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 100 and len(allowed) == 400


def test_the_limiter_memory_is_bounded() -> None:
    now = [0.0]
    limiter = SlidingWindowLimiter(5, clock=lambda: now[0], max_keys=100)
    for i in range(1000):
        now[0] += 0.001
        assert limiter.hit(f"10.0.{i // 250}.{i % 250}").allowed
    assert len(limiter) <= 100


# --- OpenAPI -----------------------------------------------------------------------


def test_public_endpoints_declare_no_security(client) -> None:
    doc = client.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, item in doc["paths"].items()
        if path.startswith(("/v/", "/api/v1/verify", "/.well-known/"))
        for method, op in item.items()
    ]
    assert {(path, method) for path, method, _ in operations} == {
        ("/.well-known/jwks.json", "get"),
        ("/v/{token}", "get"),
        ("/v/{token}/photo.jpg", "get"),
        ("/api/v1/verify/{token}", "get"),
        ("/api/v1/verify", "post"),
    }
    for _, _, op in operations:
        assert "security" not in op
        assert op["tags"] == ["verification"]
        assert "429" in op["responses"]
    upload = doc["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data", "application/pdf"}


# --- uploads that try to name another letter (issue 10, class 1) ---------------------------


def _rewrite_info(signed: bytes, number: str, token: str, *, in_place: bool) -> bytes:
    """Letter A's signed PDF with an incremental update after the signature that makes /Info
    name letter B: a new Info object, or the same object number rewritten in place."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    values = {
        generic.NameObject("/" + INFO_KEY_LETTER_NUMBER): generic.TextStringObject(number),
        generic.NameObject("/" + INFO_KEY_VERIFICATION_TOKEN): generic.TextStringObject(token),
    }
    if in_place:
        info_ref = writer.trailer_view.raw_get("/Info")
        assert isinstance(info_ref, generic.IndirectObject)
        info = info_ref.get_object()
        info.update(values)
        writer.mark_update(info_ref)
    else:
        writer.set_info(writer.add_object(generic.DictionaryObject(values)))
    out = io.BytesIO()
    writer.write(out)
    hostile = out.getvalue()
    assert hostile.startswith(signed) and len(hostile) > len(signed)
    return hostile


def _assert_no_letter_data(body: dict, resident: dict, letter: dict, raw: str) -> None:
    assert body["letter"] is None
    assert body["status"] is None
    assert body["matches_issued_file"] is None
    assert body["genuine"] is False
    assert resident["full_name"] not in raw
    assert mask_nik(resident["nik"]) not in raw
    assert _token(letter) not in raw
    assert letter["number"] not in raw


@pytest.mark.parametrize("in_place", [False, True], ids=["new-info", "info-in-place"])
def test_an_update_after_the_signature_cannot_name_another_letter(
    client, keys, in_place: bool
) -> None:
    holder_a = _resident(client, keys)
    letter_a = _issue(client, keys, holder_a["nik"])
    holder_b = _resident(client, keys)
    letter_b = _issue(client, keys, holder_b["nik"])
    hostile = _rewrite_info(
        _pdf(client, keys, letter_a), letter_b["number"], _token(letter_b), in_place=in_place
    )
    response = client.post(VERIFY, content=hostile, headers={"Content-Type": "application/pdf"})
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "modified_after_signing"
    assert "JANGAN DITERIMA" in body["verdict"]
    # Neither the letter named by the update nor the one really signed is shown: a file that
    # is not the issued one must not lend any letter's holder, status or QR link.
    _assert_no_letter_data(body, holder_b, letter_b, response.text)
    _assert_no_letter_data(body, holder_a, letter_a, response.text)
    assert body["letter_number"] is None
    assert "verification_url" not in response.text


def test_a_signed_pdf_whose_letter_is_named_only_in_a_later_revision(client, keys) -> None:
    holder = _resident(client, keys)
    letter = _issue(client, keys, holder["nik"])
    pdf = _pdf(client, keys, letter)
    # Sign the rendering with its identifying /Info entries removed, then add them back in an
    # update after the signature: the signature vouches for no letter at all.
    writer = IncrementalPdfFileWriter(io.BytesIO(_original_revision(pdf)))
    info_ref = writer.trailer_view.raw_get("/Info")
    info = info_ref.get_object()
    del info["/" + INFO_KEY_LETTER_NUMBER]
    del info["/" + INFO_KEY_VERIFICATION_TOKEN]
    writer.mark_update(info_ref)
    out = io.BytesIO()
    writer.write(out)
    signed_anonymous = client.app.state.signer.sign(out.getvalue())
    hostile = _rewrite_info(signed_anonymous, letter["number"], _token(letter), in_place=True)

    response = client.post(VERIFY, content=hostile, headers={"Content-Type": "application/pdf"})
    body = response.json()
    assert body["outcome"] == "modified_after_signing"
    _assert_no_letter_data(body, holder, letter, response.text)

    # Without the later update the signature is whole, but it names no letter.
    response = client.post(
        VERIFY, content=signed_anonymous, headers={"Content-Type": "application/pdf"}
    )
    body = response.json()
    assert body["outcome"] == "unknown_letter"
    _assert_no_letter_data(body, holder, letter, response.text)


def test_the_upload_answer_never_carries_a_verification_link(client, issued) -> None:
    _, letter, pdf = issued
    response = client.post(VERIFY, content=pdf, headers={"Content-Type": "application/pdf"})
    body = response.json()
    assert body["outcome"] == "genuine"
    assert "verification_url" not in body["letter"]
    assert _token(letter) not in response.text
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    upload_letter = schema["UploadVerification"]["properties"]["letter"]
    ref = next(s["$ref"] for s in upload_letter["anyOf"] if "$ref" in s)
    assert "verification_url" not in schema[ref.rsplit("/", 1)[1]]["properties"]


# --- uploads that stall or bloat the parser (issue 10, class 2) ----------------------------


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


@pytest.fixture
def quick_client(settings) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"upload_check_seconds": 3}))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    "build",
    [
        lambda pdf: looping_prev(pdf, self_loop=True),
        lambda pdf: looping_prev(pdf, self_loop=False),
        lambda pdf: xref_stream_bomb(1 << 30),
        lambda pdf: object_stream_bomb(1 << 30),
    ],
    ids=["prev-loop", "prev-cycle", "xref-stream-bomb", "object-stream-bomb"],
)
def test_a_pdf_that_stalls_or_bloats_the_parser_is_damaged_within_seconds(
    quick_client, keys, issued, build
) -> None:
    _, _, pdf = issued
    hostile = build(pdf)
    assert len(hostile) < 2 * 1024 * 1024
    rss_before = _rss_kb()
    started = time.monotonic()
    body = _upload(quick_client, hostile)
    elapsed = time.monotonic() - started
    assert body["outcome"] == "damaged"
    assert body["genuine"] is False and body["letter"] is None
    assert "batas waktu dan memori" in body["verdict"]
    assert "time and memory limits" in body["verdict_en"]
    assert elapsed < 3 + 3
    assert _rss_kb() - rss_before < 10 * 1024
    # The worker is still healthy: the next genuine upload is answered as before.
    assert _upload(quick_client, pdf)["outcome"] == "genuine"


# --- the revoke reason on the public page (issue 10, class 11) -----------------------------


def test_numbers_in_a_revoke_reason_are_masked_on_the_page_and_in_json(client, keys) -> None:
    resident = _resident(client, keys)
    letter = _issue(client, keys, resident["nik"])
    other_nik = "5371046505950002"
    reason = (
        f"Salah orang: seharusnya untuk NIK {other_nik[:4]}.{other_nik[4:8]}.{other_nik[8:12]}."
        f"{other_nik[12:]}, hubungi pemohon di 0812-3456-7890 atau +62 813 9876 5432"
    )
    revoked = client.post(
        f"/api/v1/letters/{letter['id']}/revoke", json={"reason": reason}, headers=keys.operator
    )
    assert revoked.status_code == 200
    page = client.get(f"/v/{_token(letter)}").text
    body = client.get(f"{VERIFY}/{_token(letter)}").json()
    upload = _upload(client, _pdf(client, keys, letter))
    assert upload["outcome"] == "genuine_not_valid"
    for shown in (page, body["status_reason"], upload["letter"]["status_reason"]):
        assert "Salah orang: seharusnya untuk NIK 537104******0002" in shown
        assert "****-****-****" in shown and "+** *** **** ****" in shown
        assert reason not in shown and "0812-3456-7890" not in shown
    for shown in (body["status_reason"], upload["letter"]["status_reason"]):
        digits = re.sub(r"[^0-9]", "", shown)
        for secret in (other_nik, "081234567890", "6281398765432", "650595"):
            assert secret not in digits
