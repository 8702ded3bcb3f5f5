"""The answers of the API, built from what the services return: the one place where a stored
resident or letter becomes its response model."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.config import Settings
from app.domain.messages import Message
from app.models import Letter, Resident
from app.request_context import chosen_language
from app.schemas.letter import DocumentRead, LetterRead, LetterStatus, SignatoryRead
from app.schemas.resident import ResidentRead
from app.services.letters import effective_status, verification_url
from app.services.regions import region_names
from app.services.residents import resident_wajib_ktp


def resident_read(
    session: Session, resident: Resident, warnings: list[Message] | None = None
) -> ResidentRead:
    """The API view of a stored resident."""
    names = region_names(session)
    return ResidentRead.model_validate(
        {
            **{c: getattr(resident, c) for c in _STORED_FIELDS},
            "kelurahan_name": names.get(resident.kelurahan_code, ""),
            "kecamatan_name": names.get(resident.kecamatan_code, ""),
            "wajib_ktp": resident_wajib_ktp(resident),
            # In the client's language (app.api.language); `warning_messages` has both.
            "warnings": [w.text(chosen_language.get() or "en") for w in warnings or []],
            "warning_messages": [{"code": w.code, "id": w.id, "en": w.en} for w in warnings or []],
        }
    )


_COMPUTED_FIELDS = {
    "kelurahan_name",
    "kecamatan_name",
    "wajib_ktp",
    "warnings",
    "warning_messages",
}
_STORED_FIELDS = tuple(f for f in ResidentRead.model_fields if f not in _COMPUTED_FIELDS)


def letter_read(letter: Letter, settings: Settings) -> LetterRead:
    """The API view of a letter."""
    status = effective_status(letter, settings.office_today())
    return LetterRead(
        id=letter.id,
        number=letter.number,
        resident_nik=letter.resident_nik,
        resident_name=letter.resident_name,
        kelurahan_code=letter.kelurahan_code,
        purpose=letter.purpose,
        issued_at=letter.issued_at,
        valid_from=letter.valid_from,
        valid_until=letter.valid_until,
        status=status,
        status_reason=letter.status_reason
        if status is not LetterStatus.expired
        else f"validity ended on {letter.valid_until.isoformat()}",
        signatory=SignatoryRead(
            name=letter.signatory_name, title=letter.signatory_title, nip=letter.signatory_nip
        ),
        verification_url=verification_url(settings, letter.verification_token),
        document=DocumentRead(
            sha256=letter.pdf_sha256,
            size=letter.pdf_size,
            url=f"/api/v1/letters/{letter.id}/pdf",
        ),
    )
