"""The group commit of read entries: every entry stored, few commits, failures reported."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.db import make_async_engine
from app.models import AuditEvent
from app.read_log import ReadLogWriter
from app.services import audit
from tests.factories import nik_for, resident_payload


def entry(n: int) -> dict[str, object]:
    return audit.entry_values(actor=None, action="resident.read", target=f"reader {n}")


def test_concurrent_reads_share_commits_and_all_are_stored(settings, sessionmaker_) -> None:
    engine = make_async_engine(settings.database_url)
    commits: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _conn: commits.append(1))
    writer = ReadLogWriter(engine)

    async def hundred_requests() -> None:
        await asyncio.gather(*(writer.write([entry(n)]) for n in range(100)))
        await engine.dispose()

    asyncio.run(hundred_requests())
    with sessionmaker_() as session:
        targets = set(session.scalars(select(AuditEvent.target)))
        unsealed = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.chain_seq.is_(None))
        )
    assert targets == {f"reader {n}" for n in range(100)}
    assert unsealed == 100  # sealed into the chain later, like every entry
    assert 1 <= len(commits) < 100  # the first waits alone; the rest rode along


def test_a_failed_batch_fails_every_request_in_it() -> None:
    engine = make_async_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    writer = ReadLogWriter(engine)

    async def three_requests() -> list[BaseException | None]:
        return await asyncio.gather(
            *(writer.write([entry(n)]) for n in range(3)), return_exceptions=True
        )

    outcomes = asyncio.run(three_requests())
    assert all(isinstance(outcome, OperationalError) for outcome in outcomes)


def test_read_is_not_answered_when_it_cannot_be_logged(client, app, keys) -> None:
    nik = nik_for(date(1991, 2, 3), "perempuan")
    assert client.post(
        "/api/v1/residents", json=resident_payload(nik=nik), headers=keys.operator
    ).is_success
    app.state.read_log = ReadLogWriter(
        make_async_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    )
    response = client.get(f"/api/v1/residents/{nik}", headers=keys.operator)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert nik not in response.text


@pytest.mark.parametrize("path", ["/api/v1/residents?limit=5", "/api/v1/letters"])
def test_reads_through_the_api_are_logged_before_the_answer(client, keys, path) -> None:
    response = client.get(path, headers=keys.auditor)
    assert response.status_code == 200
    events = client.get("/api/v1/audit-events", headers=keys.auditor).json()["items"]
    request_id = response.headers["x-request-id"]
    assert any(e["request_id"] == request_id for e in events)
