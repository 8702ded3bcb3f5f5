from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models._types import UtcDateTime, utcnow


class ApiKey(Base):
    """An API key; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    prefix: Mapped[str] = mapped_column(String(12))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # None: the key does not expire (until revoked).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
