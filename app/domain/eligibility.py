"""Whether a Surat Keterangan Kependudukan may be issued, and how it is worded."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from app.domain.dates import format_date_id
from app.domain.people import ResidencyStatus
from app.domain.recording import FOLLOW_UP, RecordingStatus

__all__ = [
    "LetterRefusal",
    "LetterWording",
    "letter_refusal",
    "letter_wording",
    "refusal_message",
]


class LetterRefusal(StrEnum):
    """Why no letter may be issued, in the order the checks run."""

    resident_not_active = "resident_not_active"
    not_wajib_ktp = "not_wajib_ktp"
    card_already_issued = "card_already_issued"
    recording_needs_follow_up = "recording_needs_follow_up"


class LetterWording(StrEnum):
    """Which statement the letter makes about the e-KTP recording."""

    not_recorded = "not_recorded"
    in_process = "in_process"


def letter_refusal(
    *, residency_status: str, wajib_ktp: bool, recording_status: RecordingStatus
) -> LetterRefusal | None:
    """Return the first reason a letter may not be issued, or None if it may."""
    if residency_status != ResidencyStatus.active:
        return LetterRefusal.resident_not_active
    if not wajib_ktp:
        return LetterRefusal.not_wajib_ktp
    if recording_status is RecordingStatus.card_issued:
        return LetterRefusal.card_already_issued
    if recording_status in FOLLOW_UP:
        return LetterRefusal.recording_needs_follow_up
    return None


def letter_wording(status: RecordingStatus) -> LetterWording:
    """Return the letter's wording for an issuable recording status."""
    if status is RecordingStatus.unregistered:
        return LetterWording.not_recorded
    return LetterWording.in_process


_NO_LETTER = "surat keterangan tidak dapat diterbitkan."


def refusal_message(
    refusal: LetterRefusal,
    *,
    residency_status: str,
    recording_status_at: date | None,
    recording_status: RecordingStatus | None = None,
    foreign_without_itap: bool = False,
) -> str:
    """Return an Indonesian sentence a front-desk clerk can read to the resident."""
    since = f" pada {format_date_id(recording_status_at)}" if recording_status_at else ""
    if refusal is LetterRefusal.resident_not_active:
        if residency_status == ResidencyStatus.moved_out:
            return f"Penduduk ini sudah pindah dan tidak lagi terdaftar di sini; {_NO_LETTER}"
        if residency_status == ResidencyStatus.deceased:
            return f"Penduduk ini sudah meninggal dunia; {_NO_LETTER}"
        return f"Penduduk ini tidak berstatus aktif (status {residency_status}); {_NO_LETTER}"
    if refusal is LetterRefusal.not_wajib_ktp:
        if foreign_without_itap:
            return (
                "Penduduk ini WNA tanpa izin tinggal tetap sehingga tidak wajib KTP-el; "
                f"{_NO_LETTER}"
            )
        return (
            "Penduduk ini belum wajib KTP-el: belum berusia 17 tahun dan belum pernah kawin; "
            f"{_NO_LETTER}"
        )
    if refusal is LetterRefusal.card_already_issued:
        return f"Penduduk ini sudah menerima KTP-el{since}; surat keterangan tidak diperlukan."
    status = f"status {recording_status.value}" if recording_status else "status tindak lanjut"
    sejak = f" sejak {format_date_id(recording_status_at)}" if recording_status_at else ""
    return f"Perekaman KTP-el penduduk ini perlu ditindaklanjuti ({status}{sejak}); {_NO_LETTER}"
