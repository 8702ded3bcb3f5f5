"""Office keys for the tests: PKCS#12 files with a chosen key type and validity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def office_p12(
    directory: Path,
    name: str,
    *,
    starts_days: int = -30,
    ends_days: int = 700,
    key: str = "ec",
) -> Path:
    """A self-signed office key, valid from `starts_days` to `ends_days` from now (negative:
    in the past), EC P-256 (`ec`), EC P-384 (`ec384`) or RSA-2048 (`rsa`)."""
    private = {
        "ec": lambda: ec.generate_private_key(ec.SECP256R1()),
        "ec384": lambda: ec.generate_private_key(ec.SECP384R1()),
        "rsa": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }[key]()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=starts_days))
        .not_valid_after(now + dt.timedelta(days=ends_days, hours=1))
        .sign(private, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name.replace(' ', '-')}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name.encode(), private, cert, None, serialization.NoEncryption()
        )
    )
    return path
