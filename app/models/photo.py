from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.db import Base
from app.models._types import UtcDateTime, utcnow


class ResidentPhoto(Base):
    """A resident's current pas foto: a normalised 3×4 JPEG (no metadata) and its SHA-256."""

    __tablename__ = "resident_photos"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    jpeg: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), default=None)


class LetterPhoto(Base):
    """The photo a letter was signed with, copied at issue: replacing or deleting the
    resident's photo later never changes what the letter's verification page shows."""

    __tablename__ = "letter_photos"

    letter_id: Mapped[str] = mapped_column(ForeignKey("letters.id"), primary_key=True)
    jpeg: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
