"""API key models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import examples
from app.schemas.common import KelurahanCode, KeyName, Role


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Loket 1 Disdukcapil", "role": "operator"},
                {
                    "name": "Kelurahan Oebobo",
                    "role": "kelurahan",
                    "kelurahan_code": "53.71.04.1001",
                    "expires_in_days": 90,
                },
            ]
        },
    )

    name: KeyName
    role: Role
    kelurahan_code: KelurahanCode | None = None
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="The key stops working this many days from now (1 to 3650); "
        "leave it out for a key that works until it is revoked",
        examples=[90],
    )


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.API_KEY]}
    )

    id: int
    name: str
    role: Role
    kelurahan_code: str | None
    prefix: str = Field(description="The first characters of the key, to tell keys apart")
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = Field(
        default=None, description="When the key stops working; null: until it is revoked"
    )


class ApiKeyCreated(ApiKeyRead):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.API_KEY_CREATED]})

    key: str = Field(description="The secret key. It is shown this once and never again.")


class Me(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ME]})

    key_id: int | None
    name: str
    role: Role
    kelurahan_code: str | None


class RegionRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.REGION]}
    )

    code: str
    name: str
    level: str
    parent_code: str | None


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.HEALTH]})

    status: str
    database: str
    signer: str
    signer_certificate_expires: date | None = Field(
        default=None, description="The last day the signing certificate is valid"
    )
    signer_certificate_days_left: int | None = Field(
        default=None, description="Days until it ends: renew it well before (warned from 90)"
    )
    signer_certificate_warning: str | None = Field(
        default=None,
        description="Present when the signing certificate ends within 90 days (or has ended): "
        "what to do",
    )
