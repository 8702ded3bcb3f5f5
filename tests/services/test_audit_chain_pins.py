"""What the chain hashes and seals, pinned exactly, and every sentence `verify_chain` gives an
auditor, each with the entry it names (issue 16: the mutation pass's survivors)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import TextClause

from app.db import session_scope
from app.models import AuditChainHead, AuditEvent
from app.services import audit
from app.services.audit import GENESIS, ChainReport, entry_hash, seal_pending
from tests.services.test_audit_chain import _entries, _tamper, _verify


def _row(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "id": 3,
        "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "key_id": None,
        "role": None,
        "action": "resident.read",
        "target_type": "resident",
        "target": "Döbereiner ñ 5301**********01",
        "request_id": None,
        "client_address": None,
        "details": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_hashed_fields_of_a_row_are_exactly_the_columns_with_time_as_text() -> None:
    assert audit._hashed_fields(_row()) == {
        "id": 3,
        "occurred_at": "2026-01-02T03:04:05+00:00",
        "key_id": None,
        "role": None,
        "action": "resident.read",
        "target_type": "resident",
        "target": "Döbereiner ñ 5301**********01",
        "request_id": None,
        "client_address": None,
        "details": {},
    }


def test_entry_hash_of_a_non_ascii_row_is_a_known_answer() -> None:
    """Another program recomputing the chain must get the same hash: the JSON is UTF-8, not
    \\u-escaped, and empty details hash as {}."""
    assert entry_hash("b" * 64, audit._hashed_fields(_row())) == (
        "30fd519d3d8ea3410b88802701f40a4ff252e2b5c683d751722a2aae39c5cd4d"
    )


# --- sealing ---------------------------------------------------------------------------------


def test_sealing_nothing_seals_nothing(sessionmaker_) -> None:
    with session_scope(sessionmaker_) as session:
        assert seal_pending(session) == 0


def test_sealing_in_batches_seals_a_batch_at_a_time(sessionmaker_) -> None:
    with session_scope(sessionmaker_) as session:
        for i in range(5):
            audit.record(session, actor=None, action="resident.read", target=f"t{i}")
    with session_scope(sessionmaker_) as session:
        assert seal_pending(session, batch=2) == 2
        assert seal_pending(session, batch=2) == 2
        assert seal_pending(session, batch=2) == 1
    assert _verify(sessionmaker_) == ChainReport(5, None, None, 0, 5, _head(sessionmaker_)[1])


def _head(sessionmaker_) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        rows = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_sha256)).all()
    assert len(rows) == 1  # one head, ever
    return rows[0].last_seq, rows[0].last_sha256


def test_a_long_lived_session_seals_from_the_current_head(sessionmaker_) -> None:
    """A session that sealed before reads the head again: others sealed meanwhile."""
    session = sessionmaker_()
    try:
        for _ in range(2):
            _entries(sessionmaker_, 2)
            audit.record(session, actor=None, action="resident.read", target="mine")
            session.commit()
            assert seal_pending(session) == 1
            session.commit()
    finally:
        session.close()
    assert _head(sessionmaker_)[0] == 6
    assert _verify(sessionmaker_).intact


_PG = postgresql.dialect()


def _sql(statement: Any) -> str:
    if isinstance(statement, TextClause):
        return statement.text
    compiled = statement.compile(dialect=_PG, compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())


class _PostgresSession:
    """Stands in for a PostgreSQL session: records what seal_pending sends."""

    def __init__(self, head: tuple[int, str] | None, pending: list[SimpleNamespace]) -> None:
        self.head, self.pending, self.sent = head, pending, []

    def get_bind(self) -> Any:
        return SimpleNamespace(dialect=_PG)

    def scalar(self, statement: Any) -> int:
        return self.pending[0].id

    def execute(self, statement: Any, params: Any = None) -> Any:
        sql = _sql(statement)
        self.sent.append((sql, params))
        if "FROM audit_chain_head" in sql:
            row = None
            if self.head is not None:
                row = SimpleNamespace(last_seq=self.head[0], last_sha256=self.head[1])
            return SimpleNamespace(first=lambda: row)
        return SimpleNamespace(all=lambda: self.pending)

    def flush(self) -> None:
        pass


_HEAD_SQL = (
    "SELECT audit_chain_head.last_seq, audit_chain_head.last_sha256 FROM audit_chain_head "
    "WHERE audit_chain_head.id = 1"
)
_PENDING_SQL = (
    "SELECT audit_events.id, audit_events.occurred_at, audit_events.key_id, audit_events.role, "
    "audit_events.action, audit_events.target_type, audit_events.target, "
    "audit_events.request_id, audit_events.client_address, audit_events.details "
    "FROM audit_events WHERE audit_events.chain_seq IS NULL AND audit_events.prev_sha256 IS "
    "NULL AND audit_events.sha256 IS NULL ORDER BY audit_events.id LIMIT 7"
)


@pytest.mark.parametrize("head", [None, (0, GENESIS), (41, "ab" * 32)])
def test_on_postgresql_the_seals_go_to_the_sealing_function_from_the_head(head) -> None:  # type: ignore[no-untyped-def]
    rows = [_row(id=10), _row(id=12, target="x", details={"a": 1})]
    session = _PostgresSession(head, rows)
    assert seal_pending(session, batch=7) == 2  # type: ignore[arg-type]
    seq, prev = head or (0, GENESIS)
    first = entry_hash(prev, audit._hashed_fields(rows[0]))
    second = entry_hash(first, audit._hashed_fields(rows[1]))
    seals = [
        {"id": 10, "chain_seq": seq + 1, "prev_sha256": prev, "sha256": first},
        {"id": 12, "chain_seq": seq + 2, "prev_sha256": first, "sha256": second},
    ]
    assert session.sent == [
        ("SELECT pg_advisory_xact_lock(:key)", {"key": audit._SEAL_LOCK}),
        (_HEAD_SQL, None),
        (_PENDING_SQL, None),
        ("SELECT seal_audit_events(CAST(:seals AS jsonb))", {"seals": json.dumps(seals)}),
    ]


# --- verify_chain's sentences ----------------------------------------------------------------

# (what was done, ChainReport fields but `checked`: first broken entry, problem)
_BREAKS = [
    (
        ["UPDATE audit_chain_head SET last_seq = 50"],
        10,
        11,
        "entries after 10 were removed (the chain head names entry 50)",
    ),
    (
        ["UPDATE audit_chain_head SET last_seq = 8"],
        10,
        9,
        "the chain head names entry 8, but the chain goes on to entry 10",
    ),
    (
        [f"UPDATE audit_chain_head SET last_sha256 = '{'e' * 64}'"],
        10,
        10,
        "the chain head does not hold the hash of entry 10",
    ),
    (
        ["DELETE FROM audit_chain_head"],
        10,
        None,
        "the chain head (audit_chain_head) is missing",
    ),
    (
        ["UPDATE audit_events SET details = '{\"x\": 1}' WHERE chain_seq = 4"],
        3,
        4,
        "entry 4 was changed",
    ),
    (
        [f"UPDATE audit_events SET prev_sha256 = '{'f' * 64}' WHERE chain_seq = 6"],
        5,
        6,
        "entry 6 does not follow the one before",
    ),
    (["UPDATE audit_events SET sha256 = NULL WHERE chain_seq = 5"], 4, 5, "entry 5 has no hash"),
    (["DELETE FROM audit_events WHERE chain_seq = 3"], 2, 3, "entry 3 is missing"),
]


@pytest.mark.parametrize(("statements", "checked", "seq", "problem"), _BREAKS)
def test_each_break_is_named_in_its_own_sentence(  # type: ignore[no-untyped-def]
    sessionmaker_, engine, statements, checked, seq, problem
) -> None:
    _entries(sessionmaker_)
    _tamper(engine, *statements)
    assert _verify(sessionmaker_) == ChainReport(checked, seq, problem)


def test_a_chain_of_one_entry_without_its_head_is_broken(sessionmaker_, engine) -> None:
    _entries(sessionmaker_, 1)
    _tamper(engine, "DELETE FROM audit_chain_head")
    assert _verify(sessionmaker_) == ChainReport(
        1, None, "the chain head (audit_chain_head) is missing"
    )


@pytest.mark.parametrize("column", ["sha256", "prev_sha256"])
def test_a_hash_written_on_an_unsealed_entry_is_named(sessionmaker_, engine, column) -> None:  # type: ignore[no-untyped-def]
    _entries(sessionmaker_, 2)
    with session_scope(sessionmaker_) as session:
        for target in ("first", "second"):
            audit.record(session, actor=None, action="resident.read", target=target)
        ids = session.scalars(
            select(AuditEvent.id).where(AuditEvent.chain_seq.is_(None)).order_by(AuditEvent.id)
        ).all()
    # The later entry is written first: the report names the lowest id all the same.
    for target in ("second", "first"):
        _tamper(
            engine, f"UPDATE audit_events SET {column} = :g WHERE target = :t", g="0" * 64, t=target
        )
    assert _verify(sessionmaker_) == ChainReport(
        2,
        None,
        f"the hash of the entry with id {ids[0]} was written outside the sealer "
        "(it has no place in the chain)",
    )


def test_an_intact_chain_counts_what_waits_to_be_sealed(sessionmaker_) -> None:
    _entries(sessionmaker_, 3)
    with session_scope(sessionmaker_) as session:
        for _ in range(2):
            audit.record(session, actor=None, action="resident.read")
    head = _head(sessionmaker_)
    assert _verify(sessionmaker_) == ChainReport(3, None, None, 2, 3, head[1])


def test_since_an_entry_that_was_changed(sessionmaker_, engine) -> None:
    _entries(sessionmaker_, 5)
    assert _verify(sessionmaker_, since=(3, "9" * 64)) == ChainReport(
        0, 3, "entry 3 is gone or was changed"
    )
    # Entry 1 is checked like any other.
    assert _verify(sessionmaker_, since=(1, "9" * 64)) == ChainReport(
        0, 1, "entry 1 is gone or was changed"
    )


def test_since_nothing_walks_the_whole_chain(sessionmaker_) -> None:
    _entries(sessionmaker_, 4)
    report = _verify(sessionmaker_, since=(0, GENESIS))
    assert (report.intact, report.checked, report.last_seq) == (True, 4, 4)


def _with_twin(monkeypatch, seq: int, *, forged_first: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Rows as a table without its unique constraint returns them: entry `seq` twice, a forged
    copy first."""
    real = audit._sealed_rows

    def twinned(session, *, from_seq: int, batch: int) -> list[Any]:  # type: ignore[no-untyped-def]
        rows = real(session, from_seq=from_seq, batch=batch)
        at = next(i for i, r in enumerate(rows) if r.chain_seq == seq)
        original = rows[at]
        forged = SimpleNamespace(**{**original._asdict(), "target": "someone else"})
        rows[at:at] = [forged] if forged_first else []
        return rows

    monkeypatch.setattr(audit, "_sealed_rows", twinned)


@pytest.mark.parametrize("seq", [4, 10])
def test_an_entry_that_appears_twice_is_named_whichever_comes_first(  # type: ignore[no-untyped-def]
    sessionmaker_, monkeypatch, seq
) -> None:
    _entries(sessionmaker_)
    _with_twin(monkeypatch, seq)
    assert _verify(sessionmaker_) == ChainReport(
        seq - 1, seq, f"entry {seq} appears more than once"
    )


def test_the_report_of_an_intact_chain_is_its_end(sessionmaker_) -> None:
    _entries(sessionmaker_, 2)
    report = _verify(sessionmaker_)
    assert replace(report, last_sha256="") == ChainReport(2, None, None, 0, 2, "")
    with session_scope(sessionmaker_) as session:
        count = session.scalar(select(func.count()).select_from(AuditEvent))
        raw = session.execute(text("SELECT sha256 FROM audit_events WHERE chain_seq = 2")).scalar()
    assert count == 2 and report.last_sha256 == raw
