"""Public verification: a letter by its QR token, and an uploaded PDF checked against the record.

Everything here answers anonymous callers, so it shows the holder's name and masked NIK and
nothing else of the resident; system-made reasons (void) are replaced by a neutral sentence
because they can say that the holder moved away or died.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.documents.sandbox import CheckLimits, SandboxBusy, verify_pdf_isolated
from app.documents.signing import (
    PROBLEM_LIMITS,
    PROBLEM_NOT_PDF,
    PROBLEM_UNSIGNED,
    PROBLEM_UNTRUSTED,
    SignatureReport,
)
from app.domain.dates import format_date_id
from app.domain.masking import mask_nik, mask_public_text
from app.errors import ServiceUnavailable, problem_text
from app.models import Letter, SigningCertificate
from app.models._types import utcnow
from app.schemas.letter import LetterStatus
from app.schemas.verification import (
    Issuer,
    LetterVerification,
    PublicCertificate,
    PublicDocument,
    PublicLetter,
    PublicSignatory,
    UploadedLetter,
    UploadOutcome,
    UploadVerification,
)
from app.services import certificates, photos
from app.services.letters import effective_status, verification_url

# Tokens are secrets.token_urlsafe output; anything else cannot exist, so no query is made.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

STATUS_LABELS: dict[LetterStatus, tuple[str, str]] = {
    LetterStatus.valid: ("BERLAKU", "VALID"),
    LetterStatus.expired: ("KEDALUWARSA", "EXPIRED"),
    LetterStatus.revoked: ("DICABUT", "REVOKED"),
    LetterStatus.superseded: ("DIGANTI", "SUPERSEDED"),
    LetterStatus.void: ("BATAL", "VOID"),
}

_SUPERSEDED_REASON = "Telah diganti dengan surat yang lebih baru (replaced by a newer letter)."
_VOID_REASON = (
    "Dibatalkan karena data kependudukan pemegang berubah, misalnya KTP-el sudah diterbitkan "
    "(the holder's population record changed, e.g. the e-KTP card was issued)."
)


@dataclass(frozen=True)
class Verdict:
    outcome: UploadOutcome
    id: str
    en: str


def status_label(status: LetterStatus) -> str:
    """'BERLAKU / VALID' and the like."""
    indonesian, english = STATUS_LABELS[status]
    return f"{indonesian} / {english}"


def public_reason(letter: Letter, status: LetterStatus) -> str | None:
    """The reason the public may read: the office's own words (numbers masked) only for a
    revocation."""
    if status is LetterStatus.expired:
        return (
            f"Masa berlaku berakhir pada {format_date_id(letter.valid_until)} "
            f"(validity ended on {letter.valid_until.isoformat()})."
        )
    if status is LetterStatus.revoked:
        # Typed by an operator: it may name a NIK or a phone number, which the public must not
        # read.
        return mask_public_text(letter.status_reason) if letter.status_reason else None
    if status is LetterStatus.superseded:
        return _SUPERSEDED_REASON
    if status is LetterStatus.void:
        return _VOID_REASON
    return None


# Built once: every scan of a letter's QR code runs it.
_BY_TOKEN = select(Letter).where(Letter.verification_token == bindparam("token"))


def find_letter_by_token(session: Session, token: str) -> Letter | None:
    """The letter a QR token points to, or None."""
    if not _TOKEN.match(token):
        return None
    return session.scalar(_BY_TOKEN, {"token": token})


def _letter_facts(
    letter: Letter,
    *,
    settings: Settings,
    development_key: bool,
    today: date | None,
    certificate: SigningCertificate | None = None,
) -> dict[str, Any]:
    status = effective_status(letter, today or settings.office_today())
    if certificate is not None:
        # The key that signed this letter says whether it is official, not today's key.
        development_key = certificate.development
    return {
        "status": status,
        "status_label": status_label(status),
        "status_reason": public_reason(letter, status),
        "number": letter.number,
        "issued_at": letter.issued_at,
        "valid_from": letter.valid_from,
        "valid_until": letter.valid_until,
        "resident_name": letter.resident_name,
        "resident_nik_masked": mask_nik(letter.resident_nik),
        "issuer": Issuer(
            government=settings.office_government,
            agency=settings.office_agency,
            city=settings.office_city,
        ),
        "signatory": PublicSignatory(name=letter.signatory_name, title=letter.signatory_title),
        "document": PublicDocument(sha256=letter.pdf_sha256, size=letter.pdf_size),
        "development_signing_key": development_key,
        "signing_certificate": PublicCertificate(
            sha256=certificate.sha256,
            subject=certificate.subject,
            issuer=certificate.issuer,
            not_before=certificate.not_before,
            not_after=certificate.not_after,
        )
        if certificate is not None
        else None,
    }


def letter_certificate(session: Session, letter: Letter) -> SigningCertificate | None:
    """The recorded certificate the letter was signed with, or None (older letters)."""
    if letter.signing_certificate_sha256 is None:
        return None
    return certificates.find(session, letter.signing_certificate_sha256)


def public_letter(
    letter: Letter,
    *,
    settings: Settings,
    development_key: bool,
    today: date | None = None,
    certificate: SigningCertificate | None = None,
) -> PublicLetter:
    """The public view of a letter: no birth date, no address, NIK masked."""
    return PublicLetter(
        **_letter_facts(
            letter,
            settings=settings,
            development_key=development_key,
            today=today,
            certificate=certificate,
        ),
        verification_url=verification_url(settings, letter.verification_token),
    )


def uploaded_letter(
    letter: Letter,
    *,
    settings: Settings,
    development_key: bool,
    today: date | None = None,
    certificate: SigningCertificate | None = None,
) -> UploadedLetter:
    """The public view of a letter for an upload check: as public_letter, without its QR link."""
    return UploadedLetter(
        **_letter_facts(
            letter,
            settings=settings,
            development_key=development_key,
            today=today,
            certificate=certificate,
        )
    )


def letter_verification(
    letter: Letter,
    *,
    settings: Settings,
    development_key: bool,
    now: datetime | None = None,
    session: Session | None = None,
) -> LetterVerification:
    """The answer to a QR scan, stamped with the time of the check; with `session`, the
    address of the holder's photo when the letter shows one (see `valid_letter_photo`)."""
    now = now or utcnow()
    today = settings.office_date(now)
    certificate = letter_certificate(session, letter) if session is not None else None
    view = public_letter(
        letter,
        settings=settings,
        development_key=development_key,
        today=today,
        certificate=certificate,
    )
    photo_url = None
    if (
        session is not None
        and view.status is LetterStatus.valid
        and photos.letter_photo_sha256(session, letter.id) is not None
    ):
        photo_url = letter_photo_url(settings, letter.verification_token)
    return LetterVerification(**view.model_dump(), checked_at=now, photo_url=photo_url)


def letter_photo_url(settings: Settings, token: str) -> str:
    """Where the verification page's photo of a letter is served."""
    return f"{verification_url(settings, token)}/photo.jpg"


def valid_letter_photo(session: Session, token: str, *, settings: Settings) -> bytes | None:
    """The photo printed on the letter with this token, only while the letter is valid: the
    holder of a revoked, void or expired letter must not be shown to whoever has its QR."""
    letter = find_letter_by_token(session, token)
    if (
        letter is None
        or effective_status(letter, settings.office_today()) is not LetterStatus.valid
    ):
        return None
    return photos.letter_photo_bytes(session, letter.id)


def _identify(session: Session, report: SignatureReport) -> Letter | None:
    # Only content this office's key vouches for may name a letter, and only when nothing was
    # added after the signature: a forgery signed with another key can carry a real token, and
    # an update appended to a genuine letter can rewrite its /Info to name any other letter.
    if not report.valid:
        return None
    if report.verification_token:
        letter = find_letter_by_token(session, report.verification_token)
        if letter is not None:
            return letter
    if report.letter_number:
        return session.scalar(select(Letter).where(Letter.number == report.letter_number))
    return None


def _within_validity(
    session: Session,
    report: SignatureReport,
    letter: Letter | None,
    *,
    listed: Collection[str],
    office_certificate_sha256: str,
) -> tuple[SignatureReport, Letter | None]:
    """The report and letter, or an untrusted report naming no letter when the office's
    certificate signed outside its validity or is not the one the letter records.

    A certificate in the settings' hand-kept list is trusted as it is (it predates the
    table); a recorded one only for a signature made, by its timestamp (else its own time)
    and by the letter's issued_at, while it was valid: a key kept after its certificate ended
    cannot vouch for new files.
    """
    fingerprint = report.signer_certificate_sha256
    if not report.valid or fingerprint is None:
        return report, letter
    if fingerprint in {fp.lower().replace(":", "") for fp in listed}:
        return report, letter
    certificate = certificates.find(session, fingerprint)
    if certificate is None and fingerprint == office_certificate_sha256.lower():
        return report, letter  # today's key, not recorded yet (the database was not ready)
    # A TSA's timestamp says when the signature existed; the signing time is the signer's word.
    signed = report.timestamped_at or report.signed_at
    moments = [m for m in (signed, letter.issued_at if letter else None) if m]
    recorded = letter.signing_certificate_sha256 if letter is not None else None
    if certificates.trusted_for(certificate, moments=moments, recorded_sha256=recorded):
        return report, letter
    return replace(report, trusted=False, problem=PROBLEM_UNTRUSTED), None


def _verdict(
    report: SignatureReport, letter: Letter | None, matches: bool, status: LetterStatus | None
) -> Verdict:
    if report.problem == PROBLEM_LIMITS:
        return Verdict(
            UploadOutcome.damaged,
            "PDF ini tidak dapat diperiksa dalam batas waktu dan memori pemeriksaan, jadi "
            "jangan diterima; minta berkas aslinya atau pindai kode QR pada surat.",
            "This PDF could not be checked within the time and memory limits of the check, so "
            "do not accept it; ask for the original file or scan the letter's QR code.",
        )
    if not report.signed:
        if report.problem == PROBLEM_NOT_PDF:
            return Verdict(
                UploadOutcome.not_pdf,
                "Berkas ini bukan PDF, jadi bukan Surat Keterangan Kependudukan dari kantor ini.",
                "This file is not a PDF, so it is not a Surat Keterangan Kependudukan "
                "from this office.",
            )
        if report.problem == PROBLEM_UNSIGNED:
            return Verdict(
                UploadOutcome.unsigned,
                "PDF ini tidak bertanda tangan elektronik, jadi bukan berkas surat seperti yang "
                "diterbitkan; pindai kode QR pada surat untuk memeriksanya.",
                "This PDF has no digital signature, so it is not the file as issued; scan the "
                "letter's QR code to check it.",
            )
        return _damaged()
    if not report.intact:
        if report.signer_certificate_sha256 is None:  # the signature itself could not be read
            return _damaged()
        return Verdict(
            UploadOutcome.tampered,
            "JANGAN DITERIMA: isi PDF ini telah diubah setelah ditandatangani.",
            "DO NOT ACCEPT: this PDF was changed after it was signed.",
        )
    if not report.trusted:
        return Verdict(
            UploadOutcome.untrusted_signer,
            "JANGAN DITERIMA: PDF ini tidak ditandatangani dengan sertifikat kantor ini.",
            "DO NOT ACCEPT: this PDF was not signed with this office's certificate.",
        )
    if not report.covers_whole_file:
        return Verdict(
            UploadOutcome.modified_after_signing,
            "JANGAN DITERIMA: ada isi yang ditambahkan ke PDF ini setelah ditandatangani.",
            "DO NOT ACCEPT: content was added to this PDF after it was signed.",
        )
    if letter is None or status is None:
        return Verdict(
            UploadOutcome.unknown_letter,
            "Tanda tangan kantor ini utuh, tetapi surat yang disebut dalam berkas tidak ada "
            "dalam catatan kami; hubungi kantor penerbit.",
            "The office's signature is intact, but the letter this file names is not in our "
            "records; contact the issuing office.",
        )
    if not matches:
        return Verdict(
            UploadOutcome.differs_from_issued,
            f"JANGAN DITERIMA: berkas ini tidak sama dengan PDF surat {letter.number} "
            "yang diterbitkan.",
            f"DO NOT ACCEPT: this file differs from the issued PDF of letter {letter.number}.",
        )
    if status is LetterStatus.valid:
        return Verdict(
            UploadOutcome.genuine,
            f"Asli dan berlaku: surat {letter.number} diterbitkan kantor ini, tidak diubah, "
            f"dan berlaku sampai {format_date_id(letter.valid_until)}.",
            f"Genuine and valid: letter {letter.number} was issued by this office, is "
            f"unchanged, and is valid until {letter.valid_until.isoformat()}.",
        )
    indonesian, english = STATUS_LABELS[status]
    return Verdict(
        UploadOutcome.genuine_not_valid,
        f"Berkas asli surat {letter.number}, tetapi surat ini sudah tidak berlaku ({indonesian}).",
        f"Genuine file of letter {letter.number}, but the letter is no longer valid ({english}).",
    )


def _damaged() -> Verdict:
    return Verdict(
        UploadOutcome.damaged,
        "PDF ini terpotong atau rusak sehingga tanda tangannya tidak dapat diperiksa; minta "
        "berkas aslinya atau pindai kode QR pada surat.",
        "This PDF is truncated or damaged, so its signature cannot be checked; ask for the "
        "original file or scan the letter's QR code.",
    )


def verify_upload(
    session: Session,
    *,
    data: bytes,
    settings: Settings,
    office_certificate_sha256: str,
    development_key: bool,
    now: datetime | None = None,
) -> UploadVerification:
    """Check an uploaded PDF's signature, identify its letter, and compare it with the record.

    Synchronous: the PDF is parsed in a limited child process (app.documents.sandbox) and this
    waits for it, so run it in a worker thread, never on the event loop.  Raises
    ServiceUnavailable when every check slot stays busy.
    """
    now = now or utcnow()
    # Every certificate the office has signed with is a candidate; _within_validity then
    # keeps only a signature made while its certificate was valid.
    trusted: Collection[str] = [
        office_certificate_sha256,
        *certificates.known_fingerprints(session),
        *settings.trusted_certificates_sha256,
    ]
    limits = CheckLimits(
        seconds=settings.upload_check_seconds, memory_mb=settings.upload_check_memory_mb
    )
    try:
        report = verify_pdf_isolated(data, trusted_certificates_sha256=trusted, limits=limits)
    except SandboxBusy:
        raise ServiceUnavailable(
            problem_text("upload_check_busy"),
            code="upload_check_busy",
            headers={"Cache-Control": "no-store", "Retry-After": "30"},
        ) from None
    file_sha256 = hashlib.sha256(data).hexdigest()
    report, letter = _within_validity(
        session,
        report,
        _identify(session, report),
        listed=settings.trusted_certificates_sha256,
        office_certificate_sha256=office_certificate_sha256,
    )
    view = (
        uploaded_letter(
            letter,
            settings=settings,
            development_key=development_key,
            today=settings.office_date(now),
            certificate=letter_certificate(session, letter),
        )
        if letter is not None
        else None
    )
    matches = letter is not None and letter.pdf_sha256 == file_sha256
    status = view.status if view is not None else None
    verdict = _verdict(report, letter, matches, status)
    return UploadVerification(
        checked_at=now,
        outcome=verdict.outcome,
        verdict=verdict.id,
        verdict_en=verdict.en,
        genuine=matches and report.valid,
        file_sha256=file_sha256,
        file_size=len(data),
        signed=report.signed,
        covers_whole_file=report.covers_whole_file,
        intact=report.intact,
        trusted_signer=report.trusted,
        signer=report.signer_subject,
        signer_certificate_sha256=report.signer_certificate_sha256,
        signed_at=report.signed_at,
        problem=report.problem,
        # A file whose signature does not vouch for it names no letter, not even its number.
        letter_number=report.letter_number if report.valid else None,
        matches_issued_file=matches if letter is not None else None,
        status=status,
        letter=view,
    )
