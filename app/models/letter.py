from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.db import Base
from app.domain.letters import LetterStatus
from app.models._types import StrEnumColumn, UtcDateTime, utcnow


class LetterCounter(Base):
    """The last sequence number handed out in a (series, year); locked while a letter is issued."""

    __tablename__ = "letter_counters"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class LetterReservation(Base):
    """A number of a (series, year) that is not a letter's: reserved for a letter being signed
    (`letter_id` set), or given back after a failed issue (`letter_id` NULL) for the next letter
    to take, lowest first. Every number up to the counter's `last_seq` is a letter's or here."""

    __tablename__ = "letter_reservations"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[str | None] = mapped_column(String(36), default=None)
    reserved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class Letter(Base):
    """An issued Surat Keterangan Kependudukan with its signed PDF, stored as issued."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_resident_id_status", "resident_id", "status"),
        Index("ix_letters_kelurahan_code_issued_at", "kelurahan_code", "issued_at"),
        Index("ix_letters_issued_at", "issued_at"),
        # Last line of defence for "one valid letter per resident at a time".
        Index(
            "uq_letters_one_valid_per_resident",
            "resident_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    resident_nik: Mapped[str] = mapped_column(String(16))
    resident_name: Mapped[str] = mapped_column(String(120))
    kelurahan_code: Mapped[str] = mapped_column(String(13))
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(300))
    wording: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    # Stored: valid, revoked, superseded, void. "expired" is derived from valid_until.
    status: Mapped[LetterStatus] = mapped_column(
        StrEnumColumn(LetterStatus, 12), default=LetterStatus.valid
    )
    status_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    superseded_by_id: Mapped[str | None] = mapped_column(String(36), default=None)
    signatory_name: Mapped[str] = mapped_column(String(120))
    signatory_title: Mapped[str] = mapped_column(String(200))
    signatory_nip: Mapped[str] = mapped_column(String(18))
    verification_token: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    issued_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), default=None)
    # The certificate the PDF was signed with (signing_certificates.sha256); NULL for letters
    # issued before the office kept its certificates.
    signing_certificate_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
