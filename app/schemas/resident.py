"""Resident request and response models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.messages import CodedError
from app.domain.recording import RecordingStatus
from app.problem_texts import problem_text
from app.schemas import examples
from app.schemas.common import (
    Address,
    BloodType,
    Citizenship,
    KelurahanCode,
    KkNumber,
    MaritalStatus,
    Nationality,
    Nik,
    Note,
    Occupation,
    PastDate,
    PersonName,
    PlaceName,
    Religion,
    ResidencyStatus,
    RtRw,
    Sex,
)

RESIDENT_EXAMPLE: dict[str, Any] = {
    "nik": "5371044108900001",
    "kk_number": "5371041503150003",
    "full_name": "MARIA YULIANA NDUN",
    "birth_place": "KUPANG",
    "birth_date": "1990-08-01",
    "sex": "perempuan",
    "blood_type": "O",
    "religion": "katolik",
    "marital_status": "kawin",
    "occupation": "GURU",
    "citizenship": "WNI",
    "has_itap": False,
    "address": "JL. W.J. LALAMENTIK NO. 12",
    "rt": "007",
    "rw": "003",
    "kelurahan_code": "53.71.04.1001",
    "residency_status": "active",
    "recording_status": "unregistered",
}


class _ResidentFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kk_number: KkNumber
    full_name: PersonName
    birth_place: PlaceName
    birth_date: PastDate
    sex: Sex
    blood_type: BloodType = BloodType.tidak_tahu
    religion: Religion
    marital_status: MaritalStatus
    occupation: Occupation
    citizenship: Citizenship = Citizenship.WNI
    has_itap: bool = Field(False, description="WNA only: holds a permanent stay permit (ITAP)")
    nationality: Nationality | None = None
    address: Address
    rt: RtRw
    rw: RtRw
    kelurahan_code: KelurahanCode
    residency_status: ResidencyStatus = ResidencyStatus.active


class ResidentCreate(_ResidentFields):
    """A new resident. `recording_status` is the status they already have (default unregistered)."""

    model_config = ConfigDict(json_schema_extra={"examples": [RESIDENT_EXAMPLE]})  # type: ignore[list-item]

    nik: Nik
    recording_status: RecordingStatus = RecordingStatus.unregistered

    @model_validator(mode="after")
    def _itap_only_for_wna(self) -> ResidentCreate:
        if self.has_itap and self.citizenship is Citizenship.WNI:
            raise CodedError(problem_text("validation_error.has_itap_wni"))
        if self.citizenship is Citizenship.WNI and self.nationality not in (None, "ID"):
            raise CodedError(problem_text("validation_error.nationality_wni"))
        return self


class ResidentUpdate(BaseModel):
    """A partial correction: only the fields sent change. NIK and recording status do not
    change here (recording status changes through recording-events)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"address": "JL. EL TARI NO. 5", "rt": "002"}]},
    )

    kk_number: KkNumber | None = None
    full_name: PersonName | None = None
    birth_place: PlaceName | None = None
    birth_date: PastDate | None = None
    sex: Sex | None = None
    blood_type: BloodType | None = None
    religion: Religion | None = None
    marital_status: MaritalStatus | None = None
    occupation: Occupation | None = None
    citizenship: Citizenship | None = None
    has_itap: bool | None = None
    nationality: Nationality | None = None
    address: Address | None = None
    rt: RtRw | None = None
    rw: RtRw | None = None
    kelurahan_code: KelurahanCode | None = None
    residency_status: ResidencyStatus | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Leaving a field out keeps it; null would erase a required fact, so it is refused.
        if isinstance(data, dict):
            nulls = sorted(k for k, v in data.items() if v is None)
            if nulls:
                raise CodedError(problem_text("field.no_nulls", fields=", ".join(nulls)))
        return data


class CodedMessage(BaseModel):
    """A message a clerk reads, with its stable code, in Indonesian and English."""

    code: str
    id: str
    en: str


class ResidentRead(BaseModel):
    """A resident as stored, with the computed fields."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.RESIDENT]}
    )

    nik: str
    kk_number: str
    full_name: str
    birth_place: str
    birth_date: date
    sex: Sex
    blood_type: BloodType
    religion: Religion
    marital_status: MaritalStatus
    occupation: str
    citizenship: Citizenship
    has_itap: bool
    nationality: str | None = None
    address: str
    rt: str
    rw: str
    kelurahan_code: str
    kelurahan_name: str
    kecamatan_code: str
    kecamatan_name: str
    residency_status: ResidencyStatus
    recording_status: RecordingStatus
    recording_status_at: datetime | None
    wajib_ktp: bool
    created_at: datetime
    updated_at: datetime
    warnings: list[str] = Field(
        default_factory=list,
        description="Things worth a second look that are not errors, e.g. a birth date that "
        "differs from the one in the NIK",
    )
    warning_messages: list[CodedMessage] = Field(
        default_factory=list,
        description="The same warnings with a stable code and the text in Indonesian (id) "
        "and English (en)",
    )


class RecordingEventCreate(BaseModel):
    """A recording status change; `occurred_at` defaults to now."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "status": "bio_captured",
                    "occurred_at": "2026-11-20T09:30:00+08:00",
                    "note": "Perekaman di kantor Disdukcapil",
                }
            ]
        },
    )

    status: RecordingStatus
    occurred_at: datetime | None = None
    note: Note | None = None


class RecordingEventRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.RECORDING_EVENT]}
    )

    status: RecordingStatus
    occurred_at: datetime
    note: str | None
    source: str
    recorded_at: datetime
