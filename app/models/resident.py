from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.domain.people import ResidencyStatus
from app.models._types import StrEnumColumn, UtcDateTime, utcnow


class Resident(Base):
    """A resident of the office's area, with their current e-KTP recording status."""

    __tablename__ = "residents"
    __table_args__ = (
        Index("ix_residents_kelurahan_code_id", "kelurahan_code", "id"),
        Index("ix_residents_kecamatan_code_id", "kecamatan_code", "id"),
        Index("ix_residents_recording_status", "recording_status"),
        # Covers the recording statistics: one index-only pass per request, already in
        # (kelurahan, status) order so SQLite groups without sorting.
        Index(
            "ix_residents_statistics",
            "residency_status",
            "kelurahan_code",
            "recording_status",
            "citizenship",
            "has_itap",
            "marital_status",
            "birth_date",
            "recording_status_at",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    kk_number: Mapped[str] = mapped_column(String(16), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    birth_place: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    blood_type: Mapped[str] = mapped_column(String(10))
    religion: Mapped[str] = mapped_column(String(12))
    marital_status: Mapped[str] = mapped_column(String(12))
    occupation: Mapped[str] = mapped_column(String(80))
    citizenship: Mapped[str] = mapped_column(String(3))
    has_itap: Mapped[bool] = mapped_column(Boolean, default=False)
    # ISO 3166-1 alpha-2; a WNA's nationality (required for a WNA registered through the API).
    nationality: Mapped[str | None] = mapped_column(String(2), default=None)
    address: Mapped[str] = mapped_column(String(200))
    rt: Mapped[str] = mapped_column(String(3))
    rw: Mapped[str] = mapped_column(String(3))
    kelurahan_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    # The kelurahan code's first three parts, kept as a column so kecamatan filters use an index.
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    residency_status: Mapped[ResidencyStatus] = mapped_column(
        StrEnumColumn(ResidencyStatus, 10), default=ResidencyStatus.active
    )
    recording_status: Mapped[str] = mapped_column(String(30), default="unregistered")
    recording_status_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
