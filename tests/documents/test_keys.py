"""Tests for creating the development key and loading PKCS#12 signing keys."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.documents.signing import (
    DEVELOPMENT_KEY_FILENAME,
    LetterSigner,
    SigningKeyError,
    create_development_key,
)


def _load_cert(path: Path) -> x509.Certificate:
    _key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), None)
    assert cert is not None
    return cert


def _self_signed(common_name: str = "Test") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def test_development_key_file(dev_key_path: Path) -> None:
    assert dev_key_path.name == DEVELOPMENT_KEY_FILENAME
    assert stat.S_IMODE(os.stat(dev_key_path).st_mode) == 0o600
    # No stray temporary files next to it.
    assert [p.name for p in dev_key_path.parent.iterdir()] == [DEVELOPMENT_KEY_FILENAME]


def test_development_certificate_profile(dev_key_path: Path) -> None:
    cert = _load_cert(dev_key_path)
    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert key_usage.critical
    assert key_usage.value.digital_signature
    assert key_usage.value.content_commitment  # nonRepudiation
    assert not key_usage.value.key_cert_sign
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.value.ca is False
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert public_key.curve.name == "secp256r1"
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3660)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "SKK development signing key (NOT VALID)"


def test_create_development_key_is_idempotent(tmp_path: Path) -> None:
    first = create_development_key(tmp_path)
    content = first.read_bytes()
    second = create_development_key(tmp_path)
    assert second == first
    assert second.read_bytes() == content


def test_create_development_key_makes_directory(tmp_path: Path) -> None:
    path = create_development_key(tmp_path / "nested" / "keys")
    assert path.exists()
    assert LetterSigner.from_pkcs12(path, None).subject


def test_configured_password_on_unprotected_file_is_accepted(dev_key_path: Path) -> None:
    assert LetterSigner.from_pkcs12(dev_key_path, "anything").certificate_sha256


def test_password_protected_key(tmp_path: Path) -> None:
    key, cert = _self_signed("Protected")
    path = tmp_path / "protected.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"k", key, cert, None, serialization.BestAvailableEncryption(b"rahasia")
        )
    )
    assert LetterSigner.from_pkcs12(path, "rahasia").subject == "Protected"
    with pytest.raises(SigningKeyError, match="Wrong password"):
        LetterSigner.from_pkcs12(path, "salah")
    with pytest.raises(SigningKeyError, match="no password is configured"):
        LetterSigner.from_pkcs12(path, None)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="does not exist"):
        LetterSigner.from_pkcs12(tmp_path / "nope.p12", None)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="is a directory"):
        LetterSigner.from_pkcs12(tmp_path, None)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files regardless of mode")
def test_unreadable_file(dev_key_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.p12"
    path.write_bytes(dev_key_path.read_bytes())
    path.chmod(0)
    with pytest.raises(SigningKeyError, match="cannot be read"):
        LetterSigner.from_pkcs12(path, None)


@pytest.mark.parametrize("content", [b"this is not a key", b"", b"\x30\x82\x01\x00garbage"])
def test_garbage_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.p12"
    path.write_bytes(content)
    with pytest.raises(SigningKeyError, match="not a PKCS#12"):
        LetterSigner.from_pkcs12(path, None)


def test_pkcs12_without_key(tmp_path: Path) -> None:
    _key, cert = _self_signed()
    path = tmp_path / "cert-only.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"c", None, None, [cert], serialization.NoEncryption()
        )
    )
    with pytest.raises(SigningKeyError, match="no private key"):
        LetterSigner.from_pkcs12(path, None)


def test_pkcs12_without_certificate(tmp_path: Path) -> None:
    key, _cert = _self_signed()
    path = tmp_path / "key-only.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"k", key, None, None, serialization.NoEncryption())
    )
    with pytest.raises(SigningKeyError, match="no certificate"):
        LetterSigner.from_pkcs12(path, None)
