"""The audit log: every change, and every read of personal data by a key, hash-chained."""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain.masking import mask_nik
from app.models import AuditChainHead, AuditEvent, PublicHitCount
from app.models._types import utcnow
from app.services.access import Principal
from app.services.pagination import decode_cursor, encode_cursor

GENESIS = "0" * 64


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    client_address: str | None = None


# Set by the HTTP middleware; services read it without knowing about HTTP.
request_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def resident_target(nik: str) -> str:
    """How a resident is named in the log: the masked NIK."""
    return mask_nik(nik)


def mask_query(text: str) -> str:
    """A search text for the log: digits beyond the first six are hidden."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) > 6:
        return digits[:6] + "*" * (len(digits) - 6)
    return text


def entry_hash(prev_sha256: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_sha256}|{canonical}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "occurred_at": event.occurred_at.isoformat(),
        "key_id": event.key_id,
        "role": event.role,
        "action": event.action,
        "target_type": event.target_type,
        "target": event.target,
        "request_id": event.request_id,
        "client_address": event.client_address,
        "details": event.details or {},
    }


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    target_type: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an entry in the caller's transaction (it is kept only if the change is)."""
    head = session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        _create_head(session)
        head = session.execute(
            select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
        ).scalar_one()
    context = request_context.get() or RequestContext()
    event = AuditEvent(
        id=head.last_id + 1,
        occurred_at=utcnow(),
        key_id=actor.key_id if actor else None,
        role=actor.role.value if actor else None,
        action=action,
        target_type=target_type,
        target=target,
        request_id=context.request_id,
        client_address=context.client_address,
        details=details or {},
        prev_sha256=head.last_sha256,
    )
    event.sha256 = entry_hash(event.prev_sha256, _hashed_fields(event))
    session.add(event)
    head.last_id, head.last_sha256 = event.id, event.sha256
    session.flush()
    return event


def _insert_ignore(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _create_head(session: Session) -> None:
    session.execute(
        _insert_ignore(session)(AuditChainHead)
        .values(id=1, last_id=0, last_sha256=GENESIS)
        .on_conflict_do_nothing(index_elements=["id"])
    )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in order and name the first entry that was edited, removed or reordered."""
    expected_prev, expected_id, checked = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
        )
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                return ChainReport(checked, expected_id, f"entry {expected_id} is missing")
            if event.prev_sha256 != expected_prev:
                return ChainReport(
                    checked, event.id, f"entry {event.id} does not follow entry {event.id - 1}"
                )
            if entry_hash(event.prev_sha256, _hashed_fields(event)) != event.sha256:
                return ChainReport(checked, event.id, f"entry {event.id} was changed")
            expected_prev, expected_id, checked = event.sha256, event.id + 1, checked + 1
        last_id = rows[-1].id
        session.expunge_all()
    head = session.get(AuditChainHead, 1)
    if head is not None and (head.last_id != expected_id - 1 or head.last_sha256 != expected_prev):
        return ChainReport(checked, expected_id, f"entries after {expected_id - 1} were removed")
    return ChainReport(checked, None, None)


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    key_id: int | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(
    session: Session, *, filters: AuditFilters, limit: int, cursor: str | None
) -> tuple[list[AuditEvent], str | None]:
    """Entries newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit + 1)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.key_id is not None:
        query = query.where(AuditEvent.key_id == filters.key_id)
    if filters.target:
        query = query.where(AuditEvent.target == filters.target)
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.occurred_at < filters.until)
    if cursor:
        before = decode_cursor(cursor).get("id")
        if not isinstance(before, int):
            decode_cursor("!")
        query = query.where(AuditEvent.id < before)
    rows = list(session.scalars(query))
    next_cursor = encode_cursor(id=rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def count_public_hit(session: Session, *, endpoint: str, day: date | None = None) -> None:
    """Count a public verification hit for the day, without saying whose it was."""
    day = day or utcnow().date()
    insert = _insert_ignore(session)(PublicHitCount).values(day=day, endpoint=endpoint, count=1)
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["day", "endpoint"], set_={"count": PublicHitCount.count + 1}
        )
    )
