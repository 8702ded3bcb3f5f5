"""The audit log: every change, and every read of personal data by a key, hash-chained."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.domain.masking import mask_nik
from app.models import AuditChainHead, AuditEvent, PublicHitCount
from app.models._types import utcnow
from app.services.access import Principal
from app.services.pagination import IdPosition, decode_cursor, encode_cursor

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


_HASHED_COLUMNS = (
    "id",
    "occurred_at",
    "key_id",
    "role",
    "action",
    "target_type",
    "target",
    "request_id",
    "client_address",
    "details",
)


def _hashed_fields(row: Any) -> dict[str, Any]:
    """The fields an entry's hash covers, from an `AuditEvent` or a row of its columns."""
    fields = {name: getattr(row, name) for name in _HASHED_COLUMNS}
    fields["occurred_at"] = fields["occurred_at"].isoformat()
    fields["details"] = fields["details"] or {}
    return fields


INSERT_ENTRY = insert(AuditEvent.metadata.tables[AuditEvent.__tablename__])

# `Session.info` key: where a request session that writes its read entries itself (in a
# group commit, see `app.read_log`) collects them.
READ_LOG = "skk_read_log"


def entry_values(
    *,
    actor: Principal | None,
    action: str,
    target_type: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of a new, unsealed entry: now, who, what, and the request it came from."""
    context = request_context.get() or RequestContext()
    return {
        "occurred_at": utcnow(),
        "key_id": actor.key_id if actor else None,
        "role": actor.role.value if actor else None,
        "action": action,
        "target_type": target_type,
        "target": target,
        "request_id": context.request_id,
        "client_address": context.client_address,
        "details": details or {},
    }


def record(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    target_type: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    read: bool = False,
) -> None:
    """Append an entry in the caller's transaction (it is kept only if the change is).

    No lock is taken here: `seal_pending` links committed entries into the hash chain a
    moment later, so audited reads do not queue behind each other. A plain INSERT, not an
    ORM object: it is on the path of every audited request.

    `read=True` marks a read of personal data. In an API request its entry is handed to the
    request (`Session.info[READ_LOG]`), which writes it together with other requests' entries
    in one commit and answers only once it is stored: a read is never answered unlogged, and
    reads do not each pay a commit. Elsewhere it is inserted like any entry.
    """
    values = entry_values(
        actor=actor, action=action, target_type=target_type, target=target, details=details
    )
    pending = session.info.get(READ_LOG) if read else None
    if pending is None:
        session.execute(INSERT_ENTRY, values)
    else:
        pending.append(values)


def record_resident(
    session: Session,
    *,
    actor: Principal | None,
    action: str,
    nik: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append an entry about one resident, named by the masked NIK."""
    record(
        session,
        actor=actor,
        action=action,
        target_type="resident",
        target=resident_target(nik),
        details=details,
    )


def _locked_head(session: Session) -> AuditChainHead:
    session.execute(
        dialect_insert(session)(AuditChainHead)
        .values(id=1, last_seq=0, last_sha256=GENESIS)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    return session.execute(
        select(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def seal_pending(session: Session, *, batch: int = 5000) -> int:
    """Link committed, unsealed entries into the chain in id order; returns how many."""
    unsealed = select(AuditEvent.id).where(AuditEvent.chain_seq.is_(None)).limit(1)
    if session.scalar(unsealed) is None:
        return 0  # nothing to do: no write lock taken on an idle service
    head = _locked_head(session)
    # After the head lock: whatever another sealer sealed before us is visible by now.
    pending = session.execute(
        select(*(getattr(AuditEvent, name) for name in _HASHED_COLUMNS))
        .where(AuditEvent.chain_seq.is_(None))
        .order_by(AuditEvent.id)
        .limit(batch)
    ).all()
    seals = []
    seq, prev = head.last_seq, head.last_sha256
    for row in pending:
        seq, sha = seq + 1, entry_hash(prev, _hashed_fields(row))
        seals.append({"id": row.id, "chain_seq": seq, "prev_sha256": prev, "sha256": sha})
        prev = sha
    if seals:
        # One executemany UPDATE by primary key; the rows are not loaded as objects.
        session.execute(update(AuditEvent), seals)
        head.last_seq, head.last_sha256 = seq, prev
    session.flush()
    return len(pending)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    problem: str | None
    pending: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the sealed chain in order; name the first entry that was changed or removed."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.chain_seq >= expected_seq)
                .order_by(AuditEvent.chain_seq)
                .limit(batch)
            )
        )
        if not rows:
            break
        for event in rows:
            if event.chain_seq != expected_seq:
                return ChainReport(checked, expected_seq, f"entry {expected_seq} is missing")
            if event.prev_sha256 != expected_prev:
                return ChainReport(
                    checked, expected_seq, f"entry {expected_seq} does not follow the one before"
                )
            if entry_hash(expected_prev, _hashed_fields(event)) != event.sha256:
                return ChainReport(checked, expected_seq, f"entry {expected_seq} was changed")
            expected_prev, expected_seq, checked = event.sha256, expected_seq + 1, checked + 1
        session.expunge_all()
    head = session.get(AuditChainHead, 1)
    last = expected_seq - 1
    if head is not None and (head.last_seq != last or head.last_sha256 != expected_prev):
        return ChainReport(checked, expected_seq, f"entries after {last} were removed")
    pending = (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.chain_seq.is_(None))
        )
        or 0
    )
    return ChainReport(checked, None, None, pending=pending)


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
        query = query.where(AuditEvent.id < decode_cursor(cursor, IdPosition).id)
    rows = list(session.scalars(query))
    next_cursor = encode_cursor(id=rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


class HitCounter:
    """Verification hits per (day, endpoint), counted in memory and written in batches."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[date, str]] = Counter()
        self._lock = Lock()

    def count(self, endpoint: str) -> None:
        """Count one hit now; nothing about who asked is kept."""
        with self._lock:
            self._counts[(utcnow().date(), endpoint)] += 1

    def flush(self, session: Session) -> int:
        """Add the counts so far to the database."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        insert = dialect_insert(session)
        for (day, endpoint), n in counts.items():
            statement = insert(PublicHitCount).values(day=day, endpoint=endpoint, count=n)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["day", "endpoint"],
                    set_={"count": PublicHitCount.count + n},
                )
            )
        return sum(counts.values())


public_hits = HitCounter()
