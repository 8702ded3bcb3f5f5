"""The audit log: every change, and every read of personal data by a key, hash-chained."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy import and_, func, or_, select, text, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from app.db import dialect_insert
from app.domain.masking import mask_nik
from app.models import AuditChainHead, AuditEvent, PublicHitCount
from app.models._types import utcnow
from app.models.audit_event import INSERT_AUDIT_EVENT
from app.request_context import RequestContext, request_context
from app.services.access import Principal
from app.services.pagination import IdPosition, decode_cursor, encode_cursor

GENESIS = "0" * 64


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
        session.execute(INSERT_AUDIT_EVENT, values)
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


# Waiting to be sealed: no chain column written yet. A row with some written by hand is
# left out (verify_chain names it) rather than blocking the sealing of every later entry.
_UNSEALED = and_(
    AuditEvent.chain_seq.is_(None), AuditEvent.prev_sha256.is_(None), AuditEvent.sha256.is_(None)
)


# Sealers on PostgreSQL queue on this transaction-level advisory lock (any role may take it),
# so two never compute from the same head.
_SEAL_LOCK = 0x534B4B5345414C  # "SKKSEAL"


def seal_pending(session: Session, *, batch: int = 5000) -> int:
    """Link committed, unsealed entries into the chain in id order; returns how many.

    On PostgreSQL the chain columns are written by `seal_audit_events` (migration 0006), a
    function running as the tables' owner: the service's role may not UPDATE the log.
    """
    unsealed = select(AuditEvent.id).where(_UNSEALED).limit(1)
    if session.scalar(unsealed) is None:
        return 0  # nothing to do: no write lock taken on an idle service
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK})
        row = session.execute(
            select(AuditChainHead.last_seq, AuditChainHead.last_sha256).where(
                AuditChainHead.id == 1
            )
        ).first()
        seq, prev = (row.last_seq, row.last_sha256) if row is not None else (0, GENESIS)
    else:
        head = _locked_head(session)
        seq, prev = head.last_seq, head.last_sha256
    # After the lock: whatever another sealer sealed before us is visible by now.
    pending = session.execute(
        select(*(getattr(AuditEvent, name) for name in _HASHED_COLUMNS))
        .where(_UNSEALED)
        .order_by(AuditEvent.id)
        .limit(batch)
    ).all()
    seals = []
    for row in pending:
        seq, sha = seq + 1, entry_hash(prev, _hashed_fields(row))
        seals.append({"id": row.id, "chain_seq": seq, "prev_sha256": prev, "sha256": sha})
        prev = sha
    if seals and postgres:
        session.execute(
            text("SELECT seal_audit_events(CAST(:seals AS jsonb))"), {"seals": json.dumps(seals)}
        )
    elif seals:
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
    # Where an intact chain ends: what a checkpoint signs.
    last_seq: int = 0
    last_sha256: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.problem is None


class ChainAnchor(Protocol):
    """A hash the chain must still hold at a place, kept outside the database (a checkpoint)."""

    @property
    def seq(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def label(self) -> str: ...


class _Unreadable(Exception):
    """A sealed row whose columns cannot be turned into the fields its hash covers."""


_RAW_COLUMNS = ("occurred_at", "details")


def _readers(session: Session) -> dict[str, Any]:
    """The column types' own result conversions, applied row by row so one bad row is a
    sentence instead of an exception that ends the whole walk."""
    dialect = session.get_bind().dialect
    table = AuditEvent.__table__
    return {
        name: table.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
        for name in _RAW_COLUMNS
    }


def _raw_fields(row: Any, readers: dict[str, Any]) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in _HASHED_COLUMNS}
    try:
        reader = readers["occurred_at"]
        moment = reader(values["occurred_at"]) if reader else values["occurred_at"]
        if not isinstance(moment, datetime):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise _Unreadable("its time is not a time") from exc
    try:
        reader = readers["details"]
        details = reader(values["details"]) if reader else values["details"]
        if not isinstance(details, dict | None):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise _Unreadable("its details are not JSON") from exc
    values["occurred_at"], values["details"] = moment, details
    return _hashed_fields(SimpleNamespace(**values))


def _sealed_rows(session: Session, *, from_seq: int, batch: int) -> list[Any]:
    # Time and details come back untouched by their types: `_raw_fields` converts them.
    columns = [
        type_coerce(getattr(AuditEvent, name), NullType()).label(name)
        if name in _RAW_COLUMNS
        else getattr(AuditEvent, name)
        for name in _HASHED_COLUMNS
    ]
    return list(
        session.execute(
            select(*columns, AuditEvent.chain_seq, AuditEvent.prev_sha256, AuditEvent.sha256)
            .where(AuditEvent.chain_seq >= from_seq)
            .order_by(AuditEvent.chain_seq)
            .limit(batch)
        )
    )


def consistent_snapshot(session: Session) -> None:
    """Read the whole walk and the head from one snapshot (PostgreSQL), so entries sealed by a
    worker meanwhile do not look like a head that ran ahead of the chain. Call it first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify_chain(
    session: Session,
    *,
    checkpoints: Sequence[ChainAnchor] = (),
    since: tuple[int, str] | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Walk the sealed chain in order; name the first entry that was changed or removed.

    Each checkpoint pins the hash of one entry, and through the links every entry before it:
    a chain rewritten and re-hashed, cut short or emptied fails at the first checkpoint it
    no longer matches. `since=(seq, sha256)` starts the walk at an entry known to be good.
    """
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    if since is not None and since[0] > 0:
        known = session.scalar(select(AuditEvent.sha256).where(AuditEvent.chain_seq == since[0]))
        if known != since[1]:
            return ChainReport(0, since[0], f"entry {since[0]} is gone or was changed")
        expected_prev, expected_seq = since[1], since[0] + 1
    anchors: dict[int, ChainAnchor] = {}
    for anchor in sorted(checkpoints, key=lambda a: a.seq):
        anchors.setdefault(anchor.seq, anchor)
    readers = _readers(session)

    def broken(seq: int | None, problem: str) -> ChainReport:
        return ChainReport(checked, seq, problem)

    # One row more than the batch: a twin of the batch's last entry is seen before the next
    # batch starts past its seq.
    while rows := _sealed_rows(session, from_seq=expected_seq, batch=batch + 1):
        for index, row in enumerate(rows[:batch]):
            seq = row.chain_seq
            twin = rows[index + 1].chain_seq == seq if index + 1 < len(rows) else False
            if seq < expected_seq or twin:
                return broken(seq, f"entry {seq} appears more than once")
            if seq != expected_seq:
                return broken(expected_seq, f"entry {expected_seq} is missing")
            if row.sha256 is None:
                return broken(seq, f"entry {seq} has no hash")
            if row.prev_sha256 != expected_prev:
                return broken(seq, f"entry {seq} does not follow the one before")
            try:
                fields = _raw_fields(row, readers)
            except _Unreadable as exc:
                return broken(seq, f"entry {seq} cannot be read: {exc}")
            if entry_hash(expected_prev, fields) != row.sha256:
                return broken(seq, f"entry {seq} was changed")
            pinned = anchors.get(seq)
            if pinned is not None and pinned.sha256 != row.sha256:
                return broken(seq, f"entry {seq} is not the one {pinned.label} signed")
            expected_prev, expected_seq, checked = row.sha256, seq + 1, checked + 1
    last = expected_seq - 1
    beyond = [a for s, a in anchors.items() if s > last]
    if beyond:
        return broken(
            beyond[0].seq,
            f"entry {beyond[0].seq}, signed by {beyond[0].label}, is gone "
            f"(the chain ends at entry {last})",
        )
    head = session.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_sha256).where(AuditChainHead.id == 1)
    ).first()
    if head is None and last > 0:
        return broken(None, "the chain head (audit_chain_head) is missing")
    if head is not None:
        if head.last_seq > last:
            return broken(
                last + 1,
                f"entries after {last} were removed (the chain head names entry {head.last_seq})",
            )
        if head.last_seq < last:
            return broken(
                head.last_seq + 1,
                f"the chain head names entry {head.last_seq}, but the chain goes on to "
                f"entry {last}",
            )
        if head.last_sha256 != expected_prev:
            return broken(last, f"the chain head does not hold the hash of entry {last}")
    stray = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.chain_seq.is_(None),
            or_(AuditEvent.sha256.is_not(None), AuditEvent.prev_sha256.is_not(None)),
        )
        .order_by(AuditEvent.id)
        .limit(1)
    )
    if stray is not None:
        return broken(
            None,
            f"the hash of the entry with id {stray} was written outside the sealer "
            "(it has no place in the chain)",
        )
    pending = session.scalar(select(func.count()).select_from(AuditEvent).where(_UNSEALED)) or 0
    return ChainReport(
        checked, None, None, pending=pending, last_seq=last, last_sha256=expected_prev
    )


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
