"""SKK_ENV=production refuses to start with what would make its letters wrong: one sentence
for each reason (issue 13, safe production defaults)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from app.config import Settings
from app.documents.signing import LetterSigner, SigningKeyError
from app.services.signer import check_expiry, days_left, load_signer

READY = {
    "env": "production",
    "signing_p12": "office.p12",
    "public_base_url": "https://skk.kupangkota.go.id",
    "signatory_name": "Drs. YOHANES BERE, M.Si",
    "signatory_nip": "196805121990031004",
}


def _settings(**changes: object) -> Settings:
    return Settings(**{**READY, **changes}, _env_file=None)  # type: ignore[arg-type]


def test_a_ready_production_configuration_is_accepted() -> None:
    assert _settings().env == "production"


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"public_base_url": "http://localhost:8000"}, "SKK_PUBLIC_BASE_URL"),
        ({"public_base_url": "http://127.0.0.1:8000"}, "loopback or private"),
        ({"public_base_url": "http://192.168.1.20"}, "loopback or private"),
        ({"public_base_url": "http://10.0.0.5:8000"}, "loopback or private"),
        ({"signatory_name": "Drs. NAMA KEPALA DINAS, M.Si"}, "SKK_SIGNATORY_NAME"),
        ({"signatory_nip": "197001011990031001"}, "SKK_SIGNATORY_NIP"),
        ({"cors_origins": ["*"]}, "SKK_CORS_ORIGINS"),
        ({"signing_p12": None}, "SKK_SIGNING_P12"),
    ],
)
def test_production_refuses_each_unsafe_setting(changes: dict, sentence: str) -> None:
    with pytest.raises(ValidationError, match=sentence):
        _settings(**changes)


def test_every_reason_is_given_at_once() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(env="production", _env_file=None)  # type: ignore[call-arg]
    text = str(raised.value)
    for name in (
        "SKK_SIGNING_P12",
        "SKK_PUBLIC_BASE_URL",
        "SKK_SIGNATORY_NAME",
        "SKK_SIGNATORY_NIP",
    ):
        assert name in text


def test_development_allows_the_placeholders() -> None:
    assert Settings(_env_file=None).env == "development"  # type: ignore[call-arg]


def _office_key(tmp_path: Path, days: int) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Disdukcapil Kota Kupang")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=300))
        .not_valid_after(now + dt.timedelta(days=days, hours=1))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / f"office-{days}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"office", key, cert, None, serialization.NoEncryption()
        )
    )
    return path


def test_a_certificate_ending_within_30_days_stops_a_production_start(tmp_path: Path) -> None:
    soon = _settings(signing_p12=_office_key(tmp_path, 20), data_dir=tmp_path)
    with pytest.raises(SigningKeyError, match="ends on .* renew it"):
        load_signer(soon)
    later = _settings(signing_p12=_office_key(tmp_path, 200), data_dir=tmp_path)
    assert days_left(load_signer(later)) >= 199


def test_a_certificate_ending_within_90_days_is_a_warning(tmp_path: Path, caplog) -> None:
    signer = LetterSigner.from_pkcs12(_office_key(tmp_path, 60), None)
    with caplog.at_level(logging.WARNING, logger="app.signer"):
        check_expiry(signer, production=True)
    assert any("renew it soon" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app.signer"):
        check_expiry(LetterSigner.from_pkcs12(_office_key(tmp_path, 200), None), production=True)
    assert not caplog.records


def test_health_reports_the_certificate_expiry(client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["signer_certificate_days_left"] > 90
    assert dt.date.fromisoformat(body["signer_certificate_expires"]) > dt.date.today()


def test_the_command_says_its_version() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("skk, version ")


def test_a_key_sent_with_another_scheme_is_told_to_use_bearer(client) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Basic c2trOnh4eA=="})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "'Basic' scheme" in response.json()["detail"]
    assert "Bearer <key>" in response.json()["detail"]
