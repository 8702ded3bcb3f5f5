"""The office's signing certificates over time: recorded at start, trusted while valid.

The service records its current certificate the first time it starts with it; every letter
names the certificate it was signed with. After a renewal the old certificate stays here, so
its letters keep verifying (upload, QR page, JSON) and its key stays in the JWK Set that offline
verifiers cache.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from cryptography import x509
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db import dialect_insert, session_scope
from app.documents.offline_qr import (
    ProofNotVerified,
    UnsupportedKey,
    letter_claims,
    public_jwk,
    sign_jws,
)
from app.documents.signing import certificate_issuer, common_name
from app.domain.masking import mask_nik
from app.models import Letter, SigningCertificate
from app.models._types import utcnow

log = logging.getLogger("app.certificates")


class CertificateHolder(Protocol):
    certificate_sha256: str
    certificate_pem: bytes

    # The key of the QR's JWS: the signing certificate's own, or a companion's (BSrE).
    @property
    def jws_certificate_sha256(self) -> str: ...

    @property
    def jws_certificate_pem(self) -> bytes: ...

    subject: str
    issuer: str
    development: bool

    def sign_bytes(self, data: bytes) -> bytes: ...

    def sign_bytes_pss(self, data: bytes) -> bytes: ...


@dataclass(frozen=True)
class CertificateFacts:
    """What the table keeps of a certificate, read from its PEM."""

    sha256: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    certificate_pem: str
    development: bool
    qr_only: bool = False


def certificate_facts(signer: CertificateHolder) -> CertificateFacts:
    """The table's row for the signer's certificate."""
    cert = x509.load_pem_x509_certificate(signer.certificate_pem)
    return CertificateFacts(
        sha256=signer.certificate_sha256.lower(),
        subject=signer.subject,
        issuer=signer.issuer,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_pem=signer.certificate_pem.decode("ascii"),
        development=bool(signer.development),
    )


def jws_certificate_facts(signer: CertificateHolder) -> CertificateFacts:
    """The table's row for the key that signs the QR's proofs only (a companion key)."""
    cert = x509.load_pem_x509_certificate(signer.jws_certificate_pem)
    return CertificateFacts(
        sha256=signer.jws_certificate_sha256.lower(),
        subject=common_name(cert),
        issuer=certificate_issuer(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_pem=signer.jws_certificate_pem.decode("ascii"),
        development=False,
        qr_only=True,
    )


def register(session: Session, signer: CertificateHolder, *, now: datetime | None = None) -> None:
    """Record the signer's certificate unless it is known; safe when workers start together.
    A certificate known as a QR-only key (a former companion) signs letters from now on."""
    facts = certificate_facts(signer)
    _insert(session, facts, now=now)
    session.execute(
        update(SigningCertificate)
        .where(SigningCertificate.sha256 == facts.sha256, SigningCertificate.qr_only)
        .values(qr_only=False)
        .execution_options(synchronize_session=False)
    )


def register_jws(
    session: Session, signer: CertificateHolder, *, now: datetime | None = None
) -> None:
    """Record the key of the QR's proofs when it is not the signing certificate, as QR-only
    (a certificate already known as a letter signer stays one)."""
    if signer.jws_certificate_sha256.lower() != signer.certificate_sha256.lower():
        _insert(session, jws_certificate_facts(signer), now=now)


def _insert(session: Session, facts: CertificateFacts, *, now: datetime | None) -> None:
    session.execute(
        dialect_insert(session)(SigningCertificate)
        .values(
            sha256=facts.sha256,
            subject=facts.subject[:500],
            issuer=facts.issuer[:500],
            not_before=facts.not_before,
            not_after=facts.not_after,
            certificate_pem=facts.certificate_pem,
            development=facts.development,
            qr_only=facts.qr_only,
            registered_at=now or utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["sha256"])
    )


def register_at_start(make_session: sessionmaker[Session], signer: CertificateHolder) -> bool:
    """Record the current certificate when the service starts; False (logged) when the
    database cannot be written yet, e.g. before `skk init`: the first letter records it."""
    try:
        with session_scope(make_session) as session:
            register(session, signer)
            register_jws(session, signer)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        log.warning("the signing certificate could not be recorded at start: %s", reason)
        return False
    return True


def record_use(
    session: Session, letter: Letter, *, signer: CertificateHolder, now: datetime
) -> None:
    """Name the letter's signing certificate and move the certificate's last use to `now`."""
    sha256 = signer.certificate_sha256.lower()
    letter.signing_certificate_sha256 = sha256
    # Under the letter number's lock already: this row lock adds no waiting of its own.
    stamp = (
        update(SigningCertificate)
        .where(SigningCertificate.sha256 == sha256)
        .values(
            first_used_at=func.coalesce(SigningCertificate.first_used_at, now),
            last_used_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if session.execute(stamp).rowcount == 0:  # type: ignore[attr-defined]
        # Not recorded at start (the database was not ready then): record it now, and the
        # key of the QR's proofs with it (the JWK Set must offer it).
        register(session, signer, now=now)
        register_jws(session, signer, now=now)
        session.execute(stamp)


def qr_url(
    url: str,
    signer: CertificateHolder,
    *,
    number: str,
    holder: str,
    nik: str,
    issued_on: date,
    valid_until: date,
) -> str:
    """The verification URL with the offline proof (a JWS) in its fragment; the bare URL when
    the key has no JWS algorithm here (logged once per key)."""
    token = url.rpartition("/")[2]
    claims = letter_claims(
        number=number,
        holder=holder,
        nik_masked=mask_nik(nik),
        issued_on=issued_on,
        valid_until=valid_until,
        token=token,
    )
    try:
        return f"{url}#{sign_jws(signer, claims)}"
    except (UnsupportedKey, ProofNotVerified, NotImplementedError) as exc:
        # A signer that cannot sign raw bytes, or not verifiably, or a key with no JWS
        # algorithm here: the letter keeps its online QR.
        _warn_once(signer.jws_certificate_sha256, str(exc) or type(exc).__name__)
        return url


@functools.lru_cache(maxsize=8)
def _warn_once(sha256: str, message: str) -> None:
    log.warning("%s (certificate %s)", message, sha256[:16])


def list_certificates(session: Session) -> list[SigningCertificate]:
    """Every certificate the office has signed with, newest validity first."""
    return list(
        session.scalars(
            select(SigningCertificate).order_by(
                SigningCertificate.not_after.desc(), SigningCertificate.sha256
            )
        )
    )


def find(session: Session, sha256: str) -> SigningCertificate | None:
    """The recorded certificate with this fingerprint, or None."""
    return session.get(SigningCertificate, sha256.lower())


def known_fingerprints(session: Session) -> list[str]:
    """The fingerprints of every recorded certificate that signs letters (not QR-only)."""
    return list(
        session.scalars(select(SigningCertificate.sha256).where(~SigningCertificate.qr_only))
    )


def valid_at(certificate: SigningCertificate, moment: datetime) -> bool:
    """Whether `moment` lies within the certificate's validity."""
    return certificate.not_before <= moment <= certificate.not_after


def trusted_for(
    certificate: SigningCertificate | None,
    *,
    moments: Collection[datetime],
    recorded_sha256: str | None = None,
) -> bool:
    """Whether a recorded certificate vouches for a letter signed at every one of `moments`
    (the signature's own time, the letter's issued_at), and is the one the letter names; a
    QR-only key vouches for no PDF."""
    if certificate is None or certificate.qr_only:
        return False
    if recorded_sha256 is not None and recorded_sha256 != certificate.sha256:
        return False
    return all(valid_at(certificate, moment) for moment in moments)


def jwk_set(session: Session) -> dict[str, Any]:
    """The JWK Set of every recorded certificate (RFC 7517), newest first."""
    keys = []
    for certificate in list_certificates(session):
        try:
            keys.append(public_jwk(certificate.certificate_pem.encode("ascii"), certificate.sha256))
        except ValueError:
            log.warning("certificate %s has no JWK form; left out", certificate.sha256[:16])
    return {"keys": keys}
