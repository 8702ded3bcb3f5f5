"""Certificates over time: after the office renews its key, letters signed with the old one
still verify (upload, QR page, JSON); a key the office never used, or one used outside its
certificate's validity, does not."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db import session_scope
from app.documents.offline_qr import Outcome, check_qr_url
from app.documents.signing import LetterSigner
from app.main import create_app
from app.models import Letter, SigningCertificate
from app.services import certificates
from tests.certificates import office_p12
from tests.factories import issue_http, register_http
from tests.qr_scan import needs_zbar, scan_pdf

VERIFY = "/api/v1/verify"


def _app_with(settings: Settings, p12: Path) -> Any:
    return create_app(settings.model_copy(update={"signing_p12": p12}))


def _issue(client: TestClient, keys: Any, birth_date: date) -> dict[str, Any]:
    resident = register_http(client, keys.operator, birth_date=birth_date)
    response = issue_http(client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter: dict[str, Any] = response.json()
    letter["pdf"] = client.get(letter["document"]["url"], headers=keys.operator).content
    return letter


def _upload(client: TestClient, data: bytes) -> dict[str, Any]:
    response = client.post(VERIFY, content=data, headers={"Content-Type": "application/pdf"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _fingerprint(p12: Path) -> str:
    return LetterSigner.from_pkcs12(p12, None).certificate_sha256


def _unsigned(signed: bytes) -> bytes:
    """The rendered letter before its signature's incremental update."""
    end = signed.index(b"%%EOF") + len(b"%%EOF")
    return signed[: end + 1] if signed[end : end + 1] == b"\n" else signed[:end]


def test_letters_of_the_old_and_the_new_key_both_verify(
    settings: Settings, keys: Any, sessionmaker_: Any, tmp_path: Path
) -> None:
    key_a = office_p12(tmp_path, "Disdukcapil Kupang 2025")
    key_b = office_p12(tmp_path, "Disdukcapil Kupang 2026")
    with TestClient(_app_with(settings, key_a)) as client:
        first = _issue(client, keys, date(1990, 8, 1))
    # The service restarts with the renewed key.
    with TestClient(_app_with(settings, key_b)) as client:
        second = _issue(client, keys, date(1991, 9, 2))
        for letter, key in ((first, key_a), (second, key_b)):
            upload = _upload(client, letter["pdf"])
            assert upload["outcome"] == "genuine", upload
            assert upload["genuine"] is True
            assert upload["signer_certificate_sha256"] == _fingerprint(key)
            assert upload["letter"]["signing_certificate"]["sha256"] == _fingerprint(key)
            token = letter["verification_url"].rsplit("/", 1)[1]
            answer = client.get(f"{VERIFY}/{token}").json()
            assert answer["status"] == "valid"
            assert answer["number"] == letter["number"]
            assert answer["signing_certificate"]["sha256"] == _fingerprint(key)
            assert answer["development_signing_key"] is False
            page = client.get(f"/v/{token}")
            assert page.status_code == 200
            assert letter["number"] in page.text

        # A key the office never used signs a real letter's content: not the office's.
        intruder = LetterSigner.from_pkcs12(office_p12(tmp_path, "Intruder"), None)
        forged = intruder.sign(_unsigned(first["pdf"]))
        upload = _upload(client, forged)
        assert upload["outcome"] == "untrusted_signer"
        assert upload["genuine"] is False
        assert upload["letter"] is None
        assert upload["letter_number"] is None

    with session_scope(sessionmaker_) as session:
        recorded = {c.sha256: c for c in certificates.list_certificates(session)}
        assert set(recorded) == {_fingerprint(key_a), _fingerprint(key_b)}
        assert all(c.first_used_at and c.last_used_at for c in recorded.values())
        stored = {
            number: sha256
            for number, sha256 in session.execute(
                select(Letter.number, Letter.signing_certificate_sha256)
            )
        }
    assert stored == {first["number"]: _fingerprint(key_a), second["number"]: _fingerprint(key_b)}


@needs_zbar
def test_after_a_renewal_the_key_set_checks_the_old_letters_qr_offline(
    settings: Settings, keys: Any, tmp_path: Path
) -> None:
    key_a = office_p12(tmp_path, "Disdukcapil Kupang 2025")
    key_b = office_p12(tmp_path, "Disdukcapil Kupang 2026")
    with TestClient(_app_with(settings, key_a)) as client:
        first = _issue(client, keys, date(1990, 8, 1))
    with TestClient(_app_with(settings, key_b)) as client:
        second = _issue(client, keys, date(1991, 9, 2))
        key_set = client.get("/.well-known/jwks.json").json()
    assert {k["kid"] for k in key_set["keys"]} == {_fingerprint(key_a)[:8], _fingerprint(key_b)[:8]}
    for letter, key in ((first, key_a), (second, key_b)):
        (text,) = scan_pdf(letter["pdf"], tmp_path)
        check = check_qr_url(text, key_set, today=date.fromisoformat(letter["valid_from"]))
        assert check.outcome is Outcome.valid, check
        assert check.kid == _fingerprint(key)[:8]
        assert check.claims["n"] == letter["number"]


def test_a_recorded_key_used_after_its_certificate_ended_is_not_trusted(
    settings: Settings, keys: Any, tmp_path: Path
) -> None:
    # A development service starts (with a warning) on an ended certificate; what it signs
    # now is outside the certificate's validity, so no check may call it genuine.
    ended = office_p12(tmp_path, "Disdukcapil Kupang 2020", starts_days=-800, ends_days=-2)
    with TestClient(_app_with(settings, ended)) as client:
        letter = _issue(client, keys, date(1990, 8, 1))
        upload = _upload(client, letter["pdf"])
    assert upload["outcome"] == "untrusted_signer"
    assert upload["trusted_signer"] is False
    assert upload["letter"] is None


def test_a_letter_signed_with_another_recorded_key_than_it_names_is_not_trusted(
    settings: Settings, keys: Any, sessionmaker_: Any, tmp_path: Path
) -> None:
    key_a = office_p12(tmp_path, "Disdukcapil Kupang A")
    key_b = office_p12(tmp_path, "Disdukcapil Kupang B")
    with TestClient(_app_with(settings, key_a)) as client:
        letter = _issue(client, keys, date(1990, 8, 1))
    with TestClient(_app_with(settings, key_b)) as client:
        resigned = LetterSigner.from_pkcs12(key_b, None).sign(_unsigned(letter["pdf"]))
        upload = _upload(client, resigned)
    assert upload["outcome"] == "untrusted_signer"
    assert upload["letter"] is None


def test_the_hand_kept_list_still_trusts_a_certificate_from_before_the_table(
    settings: Settings, keys: Any, sessionmaker_: Any, tmp_path: Path
) -> None:
    old = office_p12(tmp_path, "Disdukcapil Kupang 2019", starts_days=-900, ends_days=-200)
    with TestClient(_app_with(settings, office_p12(tmp_path, "Now"))) as client:
        letter = _issue(client, keys, date(1990, 8, 1))
    resigned = LetterSigner.from_pkcs12(old, None).sign(_unsigned(letter["pdf"]))
    listed = settings.model_copy(update={"trusted_certificates_sha256": [_fingerprint(old)]})
    with TestClient(create_app(listed)) as client:
        upload = _upload(client, resigned)
    # Trusted (listed), then it differs from the issued file, as any re-signed copy would.
    assert upload["trusted_signer"] is True
    assert upload["outcome"] == "differs_from_issued"


def test_registration_is_idempotent_and_safe_when_workers_start_together(
    settings: Settings, sessionmaker_: Any, tmp_path: Path
) -> None:
    signer = LetterSigner.from_pkcs12(office_p12(tmp_path, "Disdukcapil"), None)
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def start() -> None:
        barrier.wait()
        results.append(certificates.register_at_start(sessionmaker_, signer))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    certificates.register_at_start(sessionmaker_, signer)
    assert results == [True] * 4
    with session_scope(sessionmaker_) as session:
        count = session.scalar(select(func.count()).select_from(SigningCertificate))
        row = session.get(SigningCertificate, signer.certificate_sha256)
    assert count == 1
    assert row is not None
    assert row.subject == "Disdukcapil"
    assert row.first_used_at is None  # started with, but no letter signed yet


def test_health_warns_within_90_days_of_the_certificate_end(
    settings: Settings, tmp_path: Path
) -> None:
    with TestClient(_app_with(settings, office_p12(tmp_path, "Soon", ends_days=60))) as client:
        body = client.get("/health").json()
    assert body["signer_certificate_days_left"] == 60
    assert "renew it" in body["signer_certificate_warning"]
    assert body["signer_certificate_expires"] in body["signer_certificate_warning"]
    with TestClient(_app_with(settings, office_p12(tmp_path, "Later", ends_days=400))) as client:
        body = client.get("/health").json()
    assert body["signer_certificate_warning"] is None


@pytest.mark.parametrize("ended", [True, False])
def test_health_says_an_ended_certificate_has_ended(
    settings: Settings, tmp_path: Path, ended: bool
) -> None:
    days = -3 if ended else 89
    p12 = office_p12(tmp_path, "Office", starts_days=-400, ends_days=days)
    with TestClient(_app_with(settings, p12)) as client:
        warning = client.get("/health").json()["signer_certificate_warning"]
    assert ("ended on" in warning) is ended
