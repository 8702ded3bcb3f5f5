"""Audit log models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import examples


class AuditEventRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.AUDIT_EVENT]}
    )

    id: int
    occurred_at: datetime
    key_id: int | None
    role: str | None
    action: str
    target_type: str | None
    target: str | None
    request_id: str | None
    client_address: str | None
    details: dict[str, object]
    chain_seq: int | None = Field(
        description="Place in the hash chain; null for a second, until the entry is sealed"
    )
    prev_sha256: str | None
    sha256: str | None


class AuditCheckpointRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [examples.AUDIT_CHECKPOINT]}
    )

    line: int = Field(description="Line of the checkpoint file it was read from")
    seq: int = Field(description="The chain entry it signs (0: the empty chain)")
    sha256: str = Field(description="That entry's hash")
    time: str = Field(description="When it was signed (UTC, ISO 8601)")
    certificate_sha256: str = Field(description="SHA-256 fingerprint of the signing certificate")
    signature: str = Field(
        description="Base64 signature (ECDSA or RSA, SHA-256) over "
        '"skk-audit-checkpoint/1\\n" and the JSON of seq, sha256, time and '
        "certificate_sha256 (keys sorted, no spaces)"
    )
