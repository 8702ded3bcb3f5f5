"""SKK_SIGNER=bsre: letters signed through BSrE's esign-client gateway (a loopback stand-in
that signs with a test CA), its failures as problems a clerk understands, and no number used
by a letter that was not signed."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from app.config import Settings
from app.db import session_scope
from app.documents import bsre_signer
from app.documents.bsre_signer import _tiny_pdf
from app.documents.offline_qr import Outcome, check_qr_url
from app.documents.signing import SigningKeyError, verify_pdf
from app.errors import BadGateway, ServiceUnavailable
from app.main import create_app
from app.models import Letter, LetterReservation, SigningCertificate
from app.services import certificates
from app.services.signer import companion_key_path, load_bsre_signer, load_signer
from tests.api.test_key_rotation import _unsigned
from tests.factories import issue_http, register_http
from tests.qr_scan import needs_zbar, scan_pdf
from tests.signing.bsre_standin import STANDIN_NIK, STANDIN_PASSPHRASE, StandIn, running


@pytest.fixture(scope="module")
def gateway() -> Iterator[StandIn]:
    with running() as standin:
        yield standin


@pytest.fixture
def standin(gateway: StandIn) -> Iterator[StandIn]:
    """The module's stand-in, reset for each test."""
    gateway.passphrase, gateway.status, gateway.latency = STANDIN_PASSPHRASE, "ISSUE", 0.0
    gateway.failures.clear()
    yield gateway
    gateway.failures.clear()


def bsre_settings(settings: Settings, standin: StandIn, **changes: object) -> Settings:
    values = {
        "signer": "bsre",
        "bsre_url": standin.base_url,
        "bsre_user": standin.user,
        "bsre_password": standin.password,
        "bsre_nik": STANDIN_NIK,
        "bsre_passphrase": STANDIN_PASSPHRASE,
        "bsre_timeout_seconds": 2.0,
        **changes,
    }
    return Settings.model_validate(
        {**settings.model_dump(exclude={"bsre_password", "bsre_passphrase"}), **values}
    )


@pytest.fixture
def bsre(settings: Settings, standin: StandIn) -> Settings:
    return bsre_settings(settings, standin)


@pytest.fixture
def bsre_client(bsre: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(bsre), raise_server_exceptions=False) as client:
        yield client


def _letters(sessionmaker_) -> list[Letter]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return list(session.scalars(select(Letter).order_by(Letter.seq)))


# --- start ---------------------------------------------------------------------------------


def test_the_signer_learns_the_signatorys_certificate_at_start(bsre, standin) -> None:
    signer = load_signer(bsre)
    assert signer.certificate_sha256 == standin.signer.certificate_sha256
    assert signer.certificate_pem == standin.signer.certificate_pem
    assert signer.subject == "KEPALA DINAS (STAND-IN)"
    assert "Stand-in Balai Sertifikasi Elektronik" in signer.issuer
    assert signer.not_valid_after == standin.signer.not_valid_after
    assert signer.development is False
    # Raw signatures (audit checkpoints, the QR's JWS) by the companion key, not through BSrE.
    calls = standin.sign_calls
    assert signer.verify_bytes(b"checkpoint", signer.sign_bytes(b"checkpoint"))
    assert not signer.verify_bytes(b"checkpoint!", signer.sign_bytes(b"checkpoint"))
    assert standin.sign_calls == calls


def test_a_wrong_passphrase_stops_the_start_with_a_sentence_to_act_on(
    settings, standin, caplog
) -> None:
    wrong = bsre_settings(settings, standin, bsre_passphrase="salah-sekali")
    with caplog.at_level(logging.DEBUG, logger="app"), pytest.raises(SigningKeyError) as raised:
        create_app(wrong)
    assert "passphrase" in str(raised.value) and "SKK_BSRE_PASSPHRASE" in str(raised.value)
    assert "salah-sekali" not in str(raised.value) + caplog.text


def test_an_unknown_signatory_stops_the_start(settings, standin) -> None:
    other = bsre_settings(settings, standin, bsre_nik="5371044509900002")
    with pytest.raises(SigningKeyError) as raised:
        load_signer(other)
    assert "no active certificate" in str(raised.value)
    assert "5371044509900002" not in str(raised.value)
    assert "537104******0002" in str(raised.value)


def test_a_revoked_certificate_stops_the_start(bsre, standin) -> None:
    standin.status = "REVOKE"
    with pytest.raises(SigningKeyError, match="no active certificate"):
        load_signer(bsre)


def test_a_gateway_that_is_not_there_stops_the_start(settings, standin) -> None:
    nowhere = bsre_settings(settings, standin, bsre_url="http://127.0.0.1:9")
    with pytest.raises(SigningKeyError, match="cannot be reached"):
        load_signer(nowhere)


def test_wrong_gateway_credentials_stop_the_start(settings, standin) -> None:
    wrong = bsre_settings(settings, standin, bsre_password="not-it")
    with pytest.raises(SigningKeyError, match="SKK_BSRE_USER"):
        load_signer(wrong)


def test_bsre_without_its_settings_is_refused(settings) -> None:
    with pytest.raises(ValueError, match="SKK_BSRE_URL"):
        Settings.model_validate({**settings.model_dump(), "signer": "bsre"})


# --- issue ---------------------------------------------------------------------------------


def test_a_letter_signed_by_bsre_is_genuine_on_upload(bsre_client, keys, standin) -> None:
    resident = register_http(bsre_client, keys.operator)
    response = issue_http(bsre_client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter = response.json()
    pdf = bsre_client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator).content
    report = verify_pdf(pdf, trusted_certificates_sha256=[standin.signer.certificate_sha256])
    assert report.valid and report.letter_number == letter["number"]
    upload = bsre_client.post(
        "/api/v1/verify", content=pdf, headers={"Content-Type": "application/pdf"}
    )
    assert upload.status_code == 200, upload.text
    body = upload.json()
    assert body["outcome"] == "genuine", body
    assert body["signer_certificate_sha256"] == standin.signer.certificate_sha256


@needs_zbar
def test_a_bsre_letter_carries_an_offline_proof_by_the_companion_key(
    bsre_client, keys, standin, tmp_path: Path
) -> None:
    resident = register_http(bsre_client, keys.operator)
    response = issue_http(bsre_client, keys.operator, resident["nik"])
    assert response.status_code == 201, response.text
    letter = response.json()
    pdf = bsre_client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator).content
    (text,) = scan_pdf(pdf, tmp_path)
    assert text.startswith(letter["verification_url"] + "#")
    key_set = bsre_client.get("/.well-known/jwks.json").json()
    check = check_qr_url(text, key_set, today=date.fromisoformat(letter["valid_from"]))
    assert check.outcome is Outcome.valid, check
    signer = bsre_client.app.state.signer
    assert check.kid == signer.jws_certificate_sha256[:8] != signer.certificate_sha256[:8]
    assert signer.jws_certificate_pem == signer.companion_certificate_pem
    # Both keys are published: the BSrE certificate's and the companion's.
    assert {key["kid"] for key in key_set["keys"]} == {
        signer.certificate_sha256[:8],
        signer.jws_certificate_sha256[:8],
    }


def test_the_companion_key_is_recorded_for_qr_proofs_only(
    bsre_client, keys, standin, sessionmaker_
) -> None:
    signer = bsre_client.app.state.signer
    with session_scope(sessionmaker_) as session:
        rows = {row.sha256: row for row in session.scalars(select(SigningCertificate))}
        assert rows[signer.jws_certificate_sha256].qr_only is True
        assert rows[signer.certificate_sha256].qr_only is False
        assert certificates.known_fingerprints(session) == [signer.certificate_sha256]

    # A letter's content, token and all, signed with the companion key is not the office's.
    resident = register_http(bsre_client, keys.operator)
    letter = issue_http(bsre_client, keys.operator, resident["nik"]).json()
    genuine = bsre_client.get(f"/api/v1/letters/{letter['id']}/pdf", headers=keys.operator)
    forged = signer._companion.sign(_unsigned(genuine.content))
    upload = bsre_client.post(
        "/api/v1/verify", content=forged, headers={"Content-Type": "application/pdf"}
    )
    body = upload.json()
    assert body["outcome"] == "untrusted_signer", body
    assert body["genuine"] is False and body["letter"] is None
    assert body["signer_certificate_sha256"] == signer.jws_certificate_sha256


def test_keys_not_recorded_at_start_are_recorded_with_the_first_letter(
    bsre_client, keys, standin, sessionmaker_
) -> None:
    signer = bsre_client.app.state.signer
    with session_scope(sessionmaker_) as session:  # as if the database was not ready at start
        session.execute(delete(SigningCertificate))
    resident = register_http(bsre_client, keys.operator)
    assert issue_http(bsre_client, keys.operator, resident["nik"]).status_code == 201
    with session_scope(sessionmaker_) as session:
        rows = {row.sha256: row.qr_only for row in session.scalars(select(SigningCertificate))}
    assert rows == {signer.certificate_sha256: False, signer.jws_certificate_sha256: True}


def test_a_former_companion_key_signs_letters_once_it_is_the_signer(
    bsre, standin, sessionmaker_
) -> None:
    with TestClient(create_app(bsre), raise_server_exceptions=False) as client:
        companion = client.app.state.signer._companion
    local = bsre.model_copy(update={"signer": "pkcs12", "signing_p12": companion_key_path(bsre)})
    with TestClient(create_app(local), raise_server_exceptions=False):
        pass
    with session_scope(sessionmaker_) as session:
        row = certificates.find(session, companion.certificate_sha256)
        assert row is not None and row.qr_only is False
        assert companion.certificate_sha256 in certificates.known_fingerprints(session)


@pytest.mark.skipif(
    shutil.which("pdfsig") is None,
    reason="pdfsig (Debian poppler-utils) is not installed; .ci/run installs it",
)
def test_pdfsig_reads_the_bsre_signature(bsre, standin, tmp_path: Path) -> None:
    signer = load_signer(bsre)
    path = tmp_path / "letter.pdf"
    path.write_bytes(signer.sign(_one_page()))
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature #1" in result.stdout, result.stdout + result.stderr
    assert "KEPALA DINAS (STAND-IN)" in result.stdout
    assert "Total document signed" in result.stdout


def _one_page() -> bytes:
    return _tiny_pdf()


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [(500, 503, "signer_unavailable"), ("garbage", 502, "signer_bad_result")],
)
def test_a_gateway_failing_mid_issue_leaves_no_letter_and_no_used_number(
    bsre_client, keys, standin, sessionmaker_, failure, status, code
) -> None:
    first = register_http(bsre_client, keys.operator)
    second = register_http(bsre_client, keys.operator)
    standin.failures.append(failure)
    failed = issue_http(bsre_client, keys.operator, first["nik"])
    assert failed.status_code == status, failed.text
    assert failed.json()["code"] == code
    assert _letters(sessionmaker_) == []
    ok = issue_http(bsre_client, keys.operator, second["nik"])
    assert ok.status_code == 201, ok.text
    assert "/0001/" in ok.json()["number"]
    with session_scope(sessionmaker_) as session:
        assert session.scalar(select(func.count()).select_from(LetterReservation)) == 0


def test_a_passphrase_changed_at_bsre_answers_502_with_our_code(
    bsre_client, keys, standin, sessionmaker_
) -> None:
    resident = register_http(bsre_client, keys.operator)
    standin.passphrase = "changed-by-the-signatory"
    response = issue_http(bsre_client, keys.operator, resident["nik"])
    assert response.status_code == 502, response.text
    body = response.json()
    assert body["code"] == "signer_passphrase_wrong"
    assert "passphrase" in body["detail"] and "SKK_BSRE_PASSPHRASE" in body["detail"]
    assert _letters(sessionmaker_) == []


def test_busy_answers_are_retried_but_a_timeout_is_not(bsre, standin) -> None:
    signer = load_signer(bsre)
    standin.failures.extend([503, 429])
    calls = standin.sign_calls
    assert verify_pdf(
        signer.sign(_one_page()), trusted_certificates_sha256=[signer.certificate_sha256]
    ).valid
    assert standin.sign_calls == calls + 3
    # Late: the gateway may have signed; asking again could sign the letter twice.
    standin.failures.append("slow")
    calls = standin.sign_calls
    with pytest.raises(ServiceUnavailable) as raised:
        signer.sign(_one_page())
    assert raised.value.code == "signer_unavailable"
    assert standin.sign_calls == calls + 1


def test_an_expired_certificate_is_named(bsre, standin) -> None:
    signer = load_signer(bsre)
    standin.status = "EXPIRED"
    with pytest.raises(BadGateway) as raised:
        signer.sign(_one_page())
    assert raised.value.code == "signer_certificate_expired"


def test_neither_nik_nor_passphrase_reach_the_log(bsre_client, keys, standin, caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="app"):
        resident = register_http(bsre_client, keys.operator)
        assert issue_http(bsre_client, keys.operator, resident["nik"]).status_code == 201
    assert STANDIN_NIK not in caplog.text
    assert STANDIN_PASSPHRASE not in caplog.text


# --- a gateway that misbehaves (no server: httpx's mock transport) ---------------------------


def _mock_signer(bsre: Settings, handler) -> object:  # type: ignore[no-untyped-def]
    """A connected signer whose later calls go to `handler`."""
    signer = load_bsre_signer(bsre)
    signer._client = httpx.Client(  # noqa: SLF001 - the transport is what this test replaces
        base_url="http://gateway.test", transport=httpx.MockTransport(handler)
    )
    return signer


def _answer(**json: object):  # type: ignore[no-untyped-def]
    return lambda request: httpx.Response(200, json=json)


@pytest.mark.parametrize(
    "handler",
    [
        lambda request: httpx.Response(200, content=b"<html>proxy login</html>"),
        _answer(file=["not base64 at all!"]),
        _answer(file=[]),
        _answer(file=["JVBERi0xLjcKJeLjz9MK"]),  # a PDF header and nothing else
    ],
    ids=["html", "bad-base64", "no-file", "not-our-letter"],
)
def test_a_gateway_answer_that_is_not_our_signed_letter_is_refused(bsre, standin, handler) -> None:
    signer = _mock_signer(bsre, handler)
    with pytest.raises(BadGateway) as raised:
        signer.sign(_one_page())  # type: ignore[attr-defined]
    assert raised.value.code == "signer_bad_result"


def test_a_gateway_gone_after_start_is_retried_then_503(bsre, standin, monkeypatch) -> None:
    monkeypatch.setattr(bsre_signer, "BACKOFF_SECONDS", 0.01)
    attempts = []

    def refused(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    signer = _mock_signer(bsre, refused)
    with pytest.raises(ServiceUnavailable) as raised:
        signer.sign(_one_page())  # type: ignore[attr-defined]
    assert raised.value.code == "signer_unavailable"
    assert len(attempts) == 1 + bsre_signer.RETRIES
    assert "try again" in raised.value.detail
