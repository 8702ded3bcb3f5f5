from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Identity, Index, Integer, String, insert, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models._types import UtcDateTime


class AuditEvent(Base):
    """One entry of the append-only audit log; each carries the SHA-256 of the one before."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_id", "action", "id"),
        Index("ix_audit_events_key_id_id", "key_id", "id"),
        # The sealer's work list: entries not yet in the chain.
        Index(
            "ix_audit_events_unsealed",
            "id",
            sqlite_where=text("chain_seq IS NULL"),
            postgresql_where=text("chain_seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    key_id: Mapped[int | None] = mapped_column(Integer, default=None)
    role: Mapped[str | None] = mapped_column(String(10), default=None)
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str | None] = mapped_column(String(20), default=None)
    # Masked where it is a person: a NIK appears here as 537104******0001.
    target: Mapped[str | None] = mapped_column(String(120), default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    client_address: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Written once, by the sealer, shortly after the entry is committed: its place in the
    # chain (gapless, 1, 2, 3...), the previous entry's hash and its own.
    chain_seq: Mapped[int | None] = mapped_column(Integer, unique=True, default=None)
    prev_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditChainHead(Base):
    """The last sealed entry of the chain; its row lock serialises the sealers."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_sha256: Mapped[str] = mapped_column(String(64))


class PublicHitCount(Base):
    """Verification page hits per day: counted, never attributed to anyone."""

    __tablename__ = "public_hit_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# A plain INSERT of entries: on the path of every audited request and of the read log's group
# commit, where building ORM objects would cost more than the write.
INSERT_AUDIT_EVENT = insert(AuditEvent.__table__)  # type: ignore[arg-type]
