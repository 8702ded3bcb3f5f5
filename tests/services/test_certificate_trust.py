"""Which recorded certificate vouches for a letter's PDF: a QR-only key (the companion beside
BSrE) never does, whatever its validity."""

from __future__ import annotations

from datetime import UTC, datetime

from app.models import SigningCertificate
from app.services.certificates import trusted_for

SIGNED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _certificate(*, qr_only: bool) -> SigningCertificate:
    return SigningCertificate(
        sha256="ab" * 32,
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        qr_only=qr_only,
    )


def test_a_letter_signing_certificate_vouches_within_its_validity() -> None:
    assert trusted_for(_certificate(qr_only=False), moments=[SIGNED])
    assert not trusted_for(_certificate(qr_only=False), moments=[datetime(2027, 1, 2, tzinfo=UTC)])


def test_a_qr_only_certificate_vouches_for_no_pdf() -> None:
    assert not trusted_for(_certificate(qr_only=True), moments=[SIGNED])
    assert not trusted_for(_certificate(qr_only=True), moments=[SIGNED], recorded_sha256="ab" * 32)
