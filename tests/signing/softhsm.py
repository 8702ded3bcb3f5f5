"""A SoftHSM2 token with the office's key and certificate (tests and bench/signing.py)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
TOKEN_LABEL = "skk-office"
KEY_LABEL = "skk-signing"
RSA_KEY_LABEL = "skk-signing-rsa"  # an RSA key beside it (PS256 proofs through the token)
USER_PIN = "246810"
SO_PIN = "13579111"


def softhsm_module() -> Path | None:
    """The SoftHSM2 PKCS#11 library, when the Debian package softhsm2 is installed."""
    for candidate in SOFTHSM_MODULES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


@dataclass(frozen=True)
class SoftHsmToken:
    module: Path
    conf: Path
    certificate: x509.Certificate

    def env(self) -> dict[str, str]:
        """The environment a child process needs to see this token."""
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}


def _office_certificate(key: CertificateIssuerPrivateKeyTypes) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kepala Dinas (token)")])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .sign(key, hashes.SHA256())
    )


def make_softhsm_token(root: Path) -> SoftHsmToken:
    """A fresh SoftHSM2 token in root holding an ECDSA P-256 key and its certificate (and an
    RSA one under RSA_KEY_LABEL).

    SoftHSM reads SOFTHSM2_CONF once per process, when the module is first loaded: the
    variable is set for the whole process, before anything loads it.
    """
    module = softhsm_module()
    assert module is not None, "SoftHSM2 (Debian softhsm2) is not installed"
    (root / "tokens").mkdir(parents=True)
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)

    def util(*args: str) -> None:
        subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, timeout=60)

    util("--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN)
    certificate = None
    keys: list[tuple[str, str, CertificateIssuerPrivateKeyTypes]] = [
        (KEY_LABEL, "01", ec.generate_private_key(ec.SECP256R1())),
        (RSA_KEY_LABEL, "02", rsa.generate_private_key(65537, 2048)),
    ]
    for label, key_id, key in keys:
        pem = root / "key.pem"
        pem.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        util(
            "--import",
            str(pem),
            "--token",
            TOKEN_LABEL,
            "--label",
            label,
            "--id",
            key_id,
            "--pin",
            USER_PIN,
        )
        pem.unlink()
        stored = _office_certificate(key)
        _store_certificate(module, stored, label=label, key_id=bytes.fromhex(key_id))
        certificate = certificate or stored
    assert certificate is not None
    return SoftHsmToken(module=module, conf=conf, certificate=certificate)


def _store_certificate(
    module: Path, certificate: x509.Certificate, *, label: str, key_id: bytes
) -> None:
    """Put the certificate on the token next to its key (same label and ID)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(str(module)).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: key_id,
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )
