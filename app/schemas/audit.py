"""Audit log models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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
