"""Letter request and response models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, model_validator

from app.domain.letters import LetterStatus
from app.domain.messages import CodedError
from app.problem_texts import problem_text
from app.schemas import examples
from app.schemas.common import Purpose, Reason

__all__ = [
    "DocumentRead",
    "LetterCreate",
    "LetterRead",
    "LetterRevoke",
    "LetterStatus",  # re-exported: it lives in app.domain.letters
    "SignatoryRead",
]


class LetterCreate(BaseModel):
    """What the clerk asks for. A resident with a valid letter needs `supersede` and a reason."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"purpose": "Pembukaan rekening bank"},
                {
                    "purpose": "Pendaftaran sekolah anak",
                    "supersede": True,
                    "supersede_reason": "Surat sebelumnya hilang",
                },
            ]
        },
    )

    # Printed on the signed letter: one clean line (a line break could add a false clause).
    purpose: Purpose
    supersede: bool = False
    supersede_reason: Reason | None = None

    @model_validator(mode="after")
    def _reason_with_supersede(self) -> LetterCreate:
        if self.supersede and not self.supersede_reason:
            raise CodedError(problem_text("field.supersede_reason_required"))
        return self


class LetterRevoke(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reason": "Diterbitkan untuk penduduk yang salah"}]},
    )

    reason: Reason


class SignatoryRead(BaseModel):
    name: str
    title: str
    nip: str


class DocumentRead(BaseModel):
    sha256: str
    size: int
    url: str


class LetterRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.LETTER]})

    id: str
    number: str
    resident_nik: str
    resident_name: str
    kelurahan_code: str
    purpose: str
    issued_at: datetime
    valid_from: date
    valid_until: date
    status: LetterStatus
    status_reason: str | None
    signatory: SignatoryRead
    verification_url: str
    document: DocumentRead
