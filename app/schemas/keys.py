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
                },
            ]
        },
    )

    name: KeyName
    role: Role
    kelurahan_code: KelurahanCode | None = None


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
