"""The audit log: what is recorded, who may read it, and that tampering is detected."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db import session_scope
from app.domain.masking import mask_nik
from app.services.audit import seal_pending, verify_chain
from tests.factories import resident_payload

URL = "/api/v1/audit-events"


def _actions(client, keys) -> list[str]:  # type: ignore[no-untyped-def]
    items = client.get(URL, params={"limit": 500}, headers=keys.auditor).json()["items"]
    return [e["action"] for e in reversed(items)]


def _story(client, keys) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    body = resident_payload()
    nik = body["nik"]
    assert client.post("/api/v1/residents", json=body, headers=keys.operator).status_code == 201
    client.get(f"/api/v1/residents/{nik}", headers=keys.kelurahan)
    client.get("/api/v1/residents", params={"q": nik}, headers=keys.operator)
    client.patch(f"/api/v1/residents/{nik}", json={"rt": "001"}, headers=keys.operator)
    client.post(
        f"/api/v1/residents/{nik}/recording-events",
        json={"status": "bio_captured"},
        headers=keys.operator,
    )
    letter = client.post(
        f"/api/v1/residents/{nik}/letters", json={"purpose": "Bank"}, headers=keys.operator
    ).json()
    client.get(letter["document"]["url"], headers=keys.kelurahan)
    client.post(
        f"/api/v1/letters/{letter['id']}/revoke", json={"reason": "salah"}, headers=keys.operator
    )
    return nik, letter


def test_changes_and_reads_are_recorded_without_full_nik(client, keys) -> None:
    nik, letter = _story(client, keys)
    actions = _actions(client, keys)
    for expected in [
        "api_key.created",
        "resident.created",
        "resident.read",
        "resident.listed",
        "resident.updated",
        "recording_event.created",
        "letter.issued",
        "letter.downloaded",
        "letter.revoked",
    ]:
        assert expected in actions, expected
    page = client.get(URL, params={"limit": 500}, headers=keys.admin)
    assert nik not in page.text
    read = client.get(URL, params={"action": "resident.read"}, headers=keys.auditor).json()["items"]
    assert read[0]["target"] == mask_nik(nik)
    assert read[0]["role"] == "kelurahan"
    assert read[0]["request_id"]
    assert read[0]["client_address"]
    listed = client.get(URL, params={"action": "resident.listed"}, headers=keys.auditor).json()
    assert listed["items"][0]["details"]["residents"] == [mask_nik(nik)]
    download = client.get(
        URL, params={"target": letter["number"], "action": "letter.downloaded"}, headers=keys.admin
    ).json()["items"]
    assert len(download) == 1


def test_only_admin_and_auditor_read_the_log(client, keys) -> None:
    assert client.get(URL).status_code == 401
    for headers in (keys.operator, keys.kelurahan):
        assert client.get(URL, headers=headers).status_code == 403
    assert client.get(URL, headers=keys.admin).status_code == 200


def test_chain_is_intact_then_edit_is_detected(client, keys, sessionmaker_, engine) -> None:
    _story(client, keys)
    with session_scope(sessionmaker_) as session:
        seal_pending(session)
    with session_scope(sessionmaker_) as session:
        report = verify_chain(session)
    assert report.intact and report.checked > 10 and report.pending == 0
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("UPDATE audit_events SET action = 'resident.read' WHERE chain_seq = 5"))
    with session_scope(sessionmaker_) as session:
        report = verify_chain(session)
    assert report.first_broken_seq == 5
    assert "changed" in (report.problem or "")


def test_deleted_entry_is_detected(client, keys, sessionmaker_, engine) -> None:
    _story(client, keys)
    with session_scope(sessionmaker_) as session:
        seal_pending(session)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("DELETE FROM audit_events WHERE chain_seq = 3"))
    with session_scope(sessionmaker_) as session:
        report = verify_chain(session)
    assert report.first_broken_seq == 3
    assert "missing" in (report.problem or "")


def test_postgres_refuses_update_and_delete(client, keys, engine, sessionmaker_) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    _story(client, keys)
    with session_scope(sessionmaker_) as session:
        seal_pending(session)
    for statement in (
        "UPDATE audit_events SET action = 'x'",
        "UPDATE audit_events SET sha256 = repeat('0', 64) WHERE chain_seq = 1",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def test_verification_hits_are_counted_not_attributed(client, keys, sessionmaker_) -> None:
    from sqlalchemy import select

    from app.housekeeping import Housekeeper
    from app.models import AuditEvent, PublicHitCount

    nik, letter = _story(client, keys)
    token = letter["verification_url"].rsplit("/", 1)[1]
    Housekeeper(sessionmaker_).run_once()
    with session_scope(sessionmaker_) as session:
        before = session.scalar(
            select(PublicHitCount.count).where(PublicHitCount.endpoint == "verify_json")
        )
    for _ in range(3):
        assert client.get(f"/api/v1/verify/{token}").status_code == 200
    Housekeeper(sessionmaker_).run_once()
    with session_scope(sessionmaker_) as session:
        after = session.scalar(
            select(PublicHitCount.count).where(PublicHitCount.endpoint == "verify_json")
        )
        actions = session.scalars(select(AuditEvent.action)).all()
        unsealed = session.scalars(select(AuditEvent).where(AuditEvent.chain_seq.is_(None))).all()
    assert (after or 0) - (before or 0) == 3
    assert not any(a.startswith("verify") for a in actions)
    assert unsealed == []


def test_audit_filters_take_a_time_zone(client, keys) -> None:
    naive = client.get(URL, params={"since": "2026-01-01T00:00:00"}, headers=keys.auditor)
    assert naive.status_code == 422
    aware = client.get(URL, params={"since": "2026-01-01T00:00:00+08:00"}, headers=keys.auditor)
    assert aware.status_code == 200


def test_checkpoints_are_listed_for_admin_and_auditor(
    client, keys, settings, sessionmaker_, tmp_path
) -> None:
    from app.services.audit_checkpoints import write_checkpoint
    from app.services.signer import load_signer

    settings.audit_checkpoint_file = tmp_path / "checkpoints.jsonl"
    checkpoints_url = "/api/v1/audit-checkpoints"
    assert client.get(checkpoints_url, headers=keys.admin).json() == {
        "items": [],
        "next_cursor": None,
    }
    signer = load_signer(settings)
    for _ in range(3):
        client.get("/api/v1/me", headers=keys.admin)
        client.post("/api/v1/api-keys", json={"name": "x", "role": "auditor"}, headers=keys.admin)
        with session_scope(sessionmaker_) as session:
            seal_pending(session)
        with session_scope(sessionmaker_) as session:
            write_checkpoint(session, signer=signer, path=settings.checkpoint_path)
    assert client.get(checkpoints_url).status_code == 401
    assert client.get(checkpoints_url, headers=keys.operator).status_code == 403
    first = client.get(checkpoints_url, params={"limit": 2}, headers=keys.auditor).json()
    assert [c["line"] for c in first["items"]] == [1, 2]
    assert first["items"][0]["certificate_sha256"] == signer.certificate_sha256
    rest = client.get(
        checkpoints_url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=keys.admin
    ).json()
    assert [c["line"] for c in rest["items"]] == [3] and rest["next_cursor"] is None
    seqs = [c["seq"] for c in first["items"] + rest["items"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    lines = settings.checkpoint_path.read_text().splitlines()
    assert json.loads(lines[2]) == {k: v for k, v in rest["items"][0].items() if k != "line"}
    bad = client.get(checkpoints_url, params={"cursor": "nope"}, headers=keys.admin)
    assert bad.status_code == 422
