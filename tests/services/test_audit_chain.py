"""The hash chain against someone who edits the table and recomputes hashes (issue 16), and
`verify_chain` on damaged rows: every break is a sentence, never a crash (issue 10)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from app.db import session_scope
from app.models import AuditEvent
from app.services import audit
from app.services.audit import GENESIS, entry_hash, seal_pending, verify_chain


def _entries(sessionmaker_, n: int = 10) -> None:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        for i in range(n):
            audit.record(
                session,
                actor=None,
                action="resident.read",
                target=f"target {i}",
                details={"residents": [f"r{i}"]},
            )
    with session_scope(sessionmaker_) as session:
        seal_pending(session)


def _tamper(engine: Engine, *statements: str, **params: object) -> None:
    """Run statements as someone who got past the append-only trigger (the table's owner)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            conn.execute(text(statement), params)


def _verify(sessionmaker_, **kwargs):  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return verify_chain(session, **kwargs)


def _fields(sessionmaker_, seq: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.chain_seq == seq)).one()
        return audit._hashed_fields(event)


def _row(sessionmaker_, seq: int) -> AuditEvent:  # type: ignore[no-untyped-def]
    with session_scope(sessionmaker_) as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.chain_seq == seq)).one()


def test_entry_hash_is_fixed_by_previous_hash_and_every_field() -> None:
    fields = {
        "id": 7,
        "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).isoformat(),
        "key_id": 3,
        "role": "admin",
        "action": "letter.issued",
        "target_type": "letter",
        "target": "474/0001/SKK/2026",
        "request_id": "r1",
        "client_address": "10.0.0.1",
        "details": {"purpose": "Bank"},
    }
    # A known answer: a change in what is hashed or how changes it.
    assert entry_hash("a" * 64, fields) == (
        "436ff5aee56a4b0094c07fe25f2e0706089f61b28a3db96c442e29babe9a4ade"
    )


def test_edited_details_are_detected(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET details = :d WHERE chain_seq = 4", d='{"x": 1}')
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 4
    assert report.problem == "entry 4 was changed"


def test_entry_rehashed_without_relinking_the_chain_is_detected(sessionmaker_, engine) -> None:
    """Edit entry 3, give it a correct new hash, and point entry 4 at it: entry 4's own hash
    still covers the old link, so the edit shows at entry 4."""
    _entries(sessionmaker_)
    fields = _fields(sessionmaker_, 3)
    fields["action"] = "resident.listed"
    new_sha = entry_hash(_row(sessionmaker_, 3).prev_sha256 or "", fields)
    _tamper(
        engine,
        "UPDATE audit_events SET action = 'resident.listed', sha256 = :s WHERE chain_seq = 3",
        "UPDATE audit_events SET prev_sha256 = :s WHERE chain_seq = 4",
        s=new_sha,
    )
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 4
    assert report.problem == "entry 4 was changed"


def test_broken_link_is_detected(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET prev_sha256 = :g WHERE chain_seq = 6", g="f" * 64)
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 6
    assert report.problem == "entry 6 does not follow the one before"


def test_cut_tail_is_detected_by_the_head(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "DELETE FROM audit_events WHERE chain_seq > 7")
    report = _verify(sessionmaker_)
    assert not report.intact
    assert report.problem is not None and "entries after 7 were removed" in report.problem


_REHASH = text("UPDATE audit_events SET prev_sha256 = :p, sha256 = :s WHERE chain_seq = :seq")


def _rehash_all(sessionmaker_, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """What an owner of the table can do: recompute every hash and the head after an edit."""
    with session_scope(sessionmaker_) as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)))
        seals, prev = [], GENESIS
        for row in rows:
            sha = entry_hash(prev, audit._hashed_fields(row))
            seals.append({"seq": row.chain_seq, "p": prev, "s": sha})
            prev = sha
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for seal in seals:
            conn.execute(
                _REHASH,
                seal,
            )
        conn.execute(
            text("UPDATE audit_chain_head SET last_seq = :n, last_sha256 = :s"),
            {"n": len(seals), "s": prev},
        )


def test_a_fully_rehashed_chain_verifies_without_an_anchor(sessionmaker_, engine) -> None:
    """Why checkpoints exist: inside the database alone a rewrite cannot be told."""
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET target = 'someone else' WHERE chain_seq = 2")
    _rehash_all(sessionmaker_, engine)
    assert _verify(sessionmaker_).intact


# --- damaged rows: a sentence, not a traceback ----------------------------------------------


def test_sealed_entry_without_a_hash_is_a_sentence(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET sha256 = NULL WHERE chain_seq = 5")
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 5
    assert report.problem == "entry 5 has no hash"


def test_garbage_hash_is_a_sentence(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET sha256 = 'not a hash' WHERE chain_seq = 2")
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 2
    assert report.problem == "entry 2 was changed"


def test_missing_head_is_a_sentence(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "DELETE FROM audit_chain_head")
    report = _verify(sessionmaker_)
    assert report.problem == "the chain head (audit_chain_head) is missing"


def test_head_beyond_the_chain_is_a_sentence(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_chain_head SET last_seq = 50")
    report = _verify(sessionmaker_)
    assert report.problem == "entries after 10 were removed (the chain head names entry 50)"


def test_head_behind_the_chain_is_a_sentence(sessionmaker_, engine) -> None:
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_chain_head SET last_seq = 8")
    report = _verify(sessionmaker_)
    assert report.problem == "the chain head names entry 8, but the chain goes on to entry 10"


def test_unsealed_entry_with_chain_columns_does_not_stop_sealing(sessionmaker_, engine) -> None:
    """A plain UPDATE that wrote a hash on an unsealed entry: reported, and later entries are
    still sealed."""
    _entries(sessionmaker_, 3)
    with session_scope(sessionmaker_) as session:
        audit.record(session, actor=None, action="resident.read", target="poisoned")
    _tamper(engine, "UPDATE audit_events SET sha256 = :g WHERE target = 'poisoned'", g="0" * 64)
    with session_scope(sessionmaker_) as session:
        audit.record(session, actor=None, action="resident.read", target="after")
    with session_scope(sessionmaker_) as session:
        assert seal_pending(session) == 1
    report = _verify(sessionmaker_)
    assert report.checked == 4
    assert report.problem is not None
    assert "was written outside the sealer" in report.problem


def test_non_json_details_are_a_sentence(sessionmaker_, engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's json column refuses text that is not JSON")
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET details = '{not json' WHERE chain_seq = 3")
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 3
    assert report.problem == "entry 3 cannot be read: its details are not JSON"


def test_garbage_time_is_a_sentence(sessionmaker_, engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's timestamp column refuses text that is not a time")
    _entries(sessionmaker_)
    _tamper(engine, "UPDATE audit_events SET occurred_at = 'yesterday' WHERE chain_seq = 7")
    report = _verify(sessionmaker_)
    assert report.first_broken_seq == 7
    assert report.problem == "entry 7 cannot be read: its time is not a time"


@pytest.mark.parametrize(
    "batch", [5000, 4, 5], ids=["one-batch", "twin-across-batches", "twin-inside"]
)
def test_duplicated_seq_is_a_sentence(sessionmaker_, engine, batch: int) -> None:
    """A second entry 4 is found wherever the batches of the walk happen to end (with a batch
    of four, the twin is the first row the next batch would fetch)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("dropping the unique constraint is shown on PostgreSQL")
    _entries(sessionmaker_)
    _tamper(
        engine,
        "ALTER TABLE audit_events DROP CONSTRAINT uq_audit_events_chain_seq",
        "UPDATE audit_events SET chain_seq = 4 WHERE chain_seq = 5",
    )
    try:
        report = _verify(sessionmaker_, batch=batch)
    finally:
        _tamper(
            engine,
            "DELETE FROM audit_events",
            "ALTER TABLE audit_events ADD CONSTRAINT uq_audit_events_chain_seq UNIQUE (chain_seq)",
        )
    assert report.first_broken_seq == 4
    assert report.problem == "entry 4 appears more than once"


@pytest.mark.parametrize("twin_of", [3, 4, 5])
def test_a_twin_at_a_batch_end_is_found_on_any_database(
    sessionmaker_, monkeypatch, twin_of
) -> None:
    """A table without its unique constraint returns an entry twice; wherever the twin falls
    (with batches of four: inside, at the end of the first, at the start of the second), the
    walk names it. The database is emulated: it answers the walk's query with the twin in
    chain order, which is what PostgreSQL does above once the constraint is dropped."""
    _entries(sessionmaker_)
    real = audit._sealed_rows

    def with_twin(session, *, from_seq: int, batch: int):  # type: ignore[no-untyped-def]
        rows = real(session, from_seq=from_seq, batch=1000)
        doubled = [
            copy for row in rows for copy in ([row, row] if row.chain_seq == twin_of else [row])
        ]
        return doubled[:batch]

    monkeypatch.setattr(audit, "_sealed_rows", with_twin)
    report = _verify(sessionmaker_, batch=4)
    assert report.first_broken_seq == twin_of
    assert report.problem == f"entry {twin_of} appears more than once"


def test_details_are_stored_as_json(sessionmaker_, engine) -> None:
    """The tamper helpers above write `details` as JSON text; make sure that is what the
    column holds on this backend (so the details test edits what the hash covers)."""
    _entries(sessionmaker_, 1)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT CAST(details AS TEXT) FROM audit_events")).scalar_one()
    assert json.loads(raw) == {"residents": ["r0"]}
