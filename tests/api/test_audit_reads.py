"""Every read of personal data is audited, replays included; replay bodies do not live for ever
(issue 10, class 10)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.db import session_scope
from app.domain.masking import mask_nik
from app.housekeeping import Housekeeper
from app.models import IdempotencyRecord
from app.models._types import utcnow
from app.services.idempotency import purge_expired
from tests.factories import resident_payload

AUDIT = "/api/v1/audit-events"
RESIDENTS = "/api/v1/residents"


def _entries(client, keys, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    items = client.get(AUDIT, params={"limit": 500}, headers=keys.admin).json()["items"]
    return [e for e in items if e["action"] == action]


def test_reading_the_recording_history_is_audited(client, keys) -> None:
    nik = resident_payload()["nik"]
    client.post(RESIDENTS, json=resident_payload(nik=nik), headers=keys.operator)
    before = _entries(client, keys, "recording_event.listed")
    response = client.get(f"{RESIDENTS}/{nik}/recording-events", headers=keys.auditor)
    assert response.status_code == 200
    after = _entries(client, keys, "recording_event.listed")
    assert len(after) == len(before) + 1
    assert after[0]["target"] == mask_nik(nik)
    assert after[0]["role"] == "auditor"


def test_an_idempotent_replay_is_audited_as_a_read(client, keys) -> None:
    body = resident_payload()
    headers = {**keys.operator, "Idempotency-Key": "register-once-1"}
    first = client.post(RESIDENTS, json=body, headers=headers)
    replay = client.post(RESIDENTS, json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    replays = _entries(client, keys, "idempotent.replayed")
    assert len(replays) == 1
    assert replays[0]["target"] == mask_nik(body["nik"])
    assert body["nik"] not in str(replays[0])


def test_idempotency_records_are_purged_after_the_retention(
    client, keys, sessionmaker_, settings
) -> None:
    for n in range(3):
        client.post(
            RESIDENTS,
            json=resident_payload(),
            headers={**keys.operator, "Idempotency-Key": f"key-{n}"},
        )
    retention = timedelta(hours=settings.idempotency_retention_hours)
    with session_scope(sessionmaker_) as session:
        session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key.in_(["key-0", "key-1"]))
            .values(created_at=utcnow() - retention - timedelta(minutes=1))
        )
    Housekeeper(sessionmaker_, idempotency_retention=retention).run_once()
    with session_scope(sessionmaker_) as session:
        kept = list(session.scalars(select(IdempotencyRecord.key)))
        assert kept == ["key-2"]
        # Nothing more to purge: a second round deletes nothing.
        assert purge_expired(session, older_than=utcnow() - retention) == 0
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    # A retry after the purge is a new request, not a replay of a forgotten answer.
    retry = client.post(
        RESIDENTS,
        json=resident_payload(),
        headers={**keys.operator, "Idempotency-Key": "key-0"},
    )
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
