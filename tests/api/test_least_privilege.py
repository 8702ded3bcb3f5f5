"""PostgreSQL: the service runs as a role that can add to the audit log and read it, never
change it; sealing goes through the owner's function (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.cli import initialise
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.housekeeping import Housekeeper
from app.main import create_app
from app.models import AuditEvent
from app.schemas.common import Role
from app.services import audit
from app.services.keys import create_key
from tests.factories import resident_payload


@pytest.fixture
def postgres(clean_db: Engine) -> Engine:
    if clean_db.dialect.name != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's")
    return clean_db


@pytest.fixture
def service_settings(postgres: Engine, data_dir: Path, tmp_path: Path) -> Iterator[Settings]:
    """Settings with two URLs; `skk init`'s initialise creates the service role from them."""
    owner_url = postgres.url.render_as_string(hide_password=False)
    role = f"skk_svc_{postgres.url.database}"
    # A password exercises CREATE ROLE ... PASSWORD (the test server trusts local users).
    service_url = postgres.url.set(username=role, password="svc-pass").render_as_string(
        hide_password=False
    )
    settings = Settings(
        database_url=service_url,
        migration_database_url=owner_url,
        data_dir=data_dir,
        audit_checkpoint_file=tmp_path / "checkpoints.jsonl",
        public_base_url="http://testserver",
        _env_file=None,  # type: ignore[call-arg]
    )
    try:
        initialise(settings)
        yield settings
    finally:
        with postgres.begin() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
                conn.execute(text(f'DROP OWNED BY "{role}"'))
                conn.execute(text(f'DROP ROLE "{role}"'))


@pytest.fixture
def service_engine(service_settings: Settings) -> Iterator[Engine]:
    engine = make_engine(service_settings.database_url)
    yield engine
    engine.dispose()


def _entries(engine: Engine, n: int) -> None:
    with session_scope(make_sessionmaker(engine)) as session:
        for i in range(n):
            audit.record(session, actor=None, action="resident.read", target=f"t{i}")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'x'",
        "UPDATE audit_events SET sha256 = repeat('0', 64) WHERE chain_seq IS NULL",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
        "UPDATE audit_chain_head SET last_seq = 0",
        "DELETE FROM audit_chain_head",
        "DROP TABLE audit_events",
        "SET session_replication_role = replica",
    ],
)
def test_service_role_cannot_rewrite_the_log(service_engine: Engine, statement: str) -> None:
    _entries(service_engine, 3)
    with service_engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM audit_events"))  # reading is allowed
    with pytest.raises(DBAPIError), service_engine.begin() as conn:
        conn.execute(text(statement))
    with service_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 3


def test_service_role_seals_only_through_the_function(service_engine: Engine) -> None:
    _entries(service_engine, 4)
    factory = make_sessionmaker(service_engine)
    with session_scope(factory) as session:
        assert audit.seal_pending(session) == 4
    _entries(service_engine, 2)
    with session_scope(factory) as session:
        assert audit.seal_pending(session) == 2
    with session_scope(factory) as session:
        report = audit.verify_chain(session)
    assert report.intact and report.checked == 6
    _entries(service_engine, 1)
    with session_scope(factory) as session:
        pending = session.scalar(select(AuditEvent.id).where(AuditEvent.chain_seq.is_(None)))
    # The function takes what it is given but only in order, and only onto unsealed entries.
    for seal, error in [
        ({"id": pending, "chain_seq": 9, "prev_sha256": "0" * 64, "sha256": "1" * 64}, "next"),
        (
            {"id": 1, "chain_seq": 7, "prev_sha256": report.last_sha256, "sha256": "1" * 64},
            "not waiting",
        ),
    ]:
        with pytest.raises(DBAPIError, match=error), service_engine.begin() as conn:
            conn.execute(
                text("SELECT seal_audit_events(CAST(:s AS jsonb))"), {"s": json.dumps([seal])}
            )
    # Turning the sealing switch on by hand does not give the service UPDATE.
    with pytest.raises(DBAPIError, match="permission denied"), service_engine.begin() as conn:
        conn.execute(text("SET LOCAL skk.sealing = 'on'"))
        conn.execute(text("UPDATE audit_events SET chain_seq = 7 WHERE chain_seq IS NULL"))


def test_owner_cannot_poison_sealing_with_a_plain_update(postgres: Engine) -> None:
    """Before: the trigger let any UPDATE write an unsealed entry's hash, once, and the sealer
    then failed on that entry for ever."""
    _entries(postgres, 2)
    for statement in (
        "UPDATE audit_events SET sha256 = 'garbage' WHERE chain_seq IS NULL",
        "UPDATE audit_events SET chain_seq = 5 WHERE chain_seq IS NULL",
        "UPDATE audit_events SET chain_seq = 1, prev_sha256 = repeat('0', 64), "
        "sha256 = repeat('1', 64) WHERE chain_seq IS NULL",
    ):
        with pytest.raises(DBAPIError, match="append-only"), postgres.begin() as conn:
            conn.execute(text(statement))
    with session_scope(make_sessionmaker(postgres)) as session:
        assert audit.seal_pending(session) == 2


def test_the_app_runs_as_the_service_role(service_settings: Settings) -> None:
    # A restart as the service alone (no migration URL) finds the schema at head.
    initialise(service_settings.model_copy(update={"migration_database_url": None}))
    app = create_app(service_settings)
    factory = make_sessionmaker(make_engine(service_settings.database_url))
    with session_scope(factory) as session:
        operator = create_key(session, name="op", role=Role.operator).secret
        auditor = create_key(session, name="au", role=Role.auditor).secret
    op = {"Authorization": f"Bearer {operator}"}
    au = {"Authorization": f"Bearer {auditor}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        body = resident_payload()
        nik = body["nik"]
        assert client.post("/api/v1/residents", json=body, headers=op).status_code == 201
        assert client.get(f"/api/v1/residents/{nik}", headers=op).status_code == 200
        patched = client.patch(f"/api/v1/residents/{nik}", json={"rt": "002"}, headers=op)
        assert patched.status_code == 200
        letter = client.post(
            f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"}, headers=op
        )
        assert letter.status_code == 201, letter.text
        assert client.get(letter.json()["document"]["url"], headers=op).status_code == 200
        Housekeeper(app.state.sessionmaker).run_once()
        events = client.get("/api/v1/audit-events", headers=au).json()["items"]
        assert events and all(e["chain_seq"] is not None for e in events)
        assert client.get("/api/v1/audit-checkpoints", headers=au).status_code == 200
    with session_scope(factory) as session:
        report = audit.verify_chain(session)
    assert report.intact and report.checked == len(events)
    factory.kw["bind"].dispose()
