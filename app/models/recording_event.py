from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, column, desc
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models._types import UtcDateTime, utcnow


class RecordingEvent(Base):
    """One step of a resident's e-KTP recording history."""

    __tablename__ = "recording_events"
    __table_args__ = (
        Index("ix_recording_events_resident_id_occurred_at", "resident_id", "occurred_at"),
        # Each resident's latest event first (ties: the later id): the status on a past day
        # in one index-only pass (statistics).
        Index(
            "ix_recording_events_resident_latest",
            "resident_id",
            desc(column("occurred_at")),
            desc(column("id")),
            "status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    # Where the event came from: api, import or demo.
    source: Mapped[str] = mapped_column(String(10), default="api")
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), default=None)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
