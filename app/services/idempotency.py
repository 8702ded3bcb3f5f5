"""Idempotency-Key: a retried creating POST gets the first answer again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import InvalidInput, field_error, problem_text
from app.models import IdempotencyRecord
from app.services.access import Principal

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: str


def request_fingerprint(endpoint: str, body: bytes) -> str:
    """What makes two requests 'the same': the endpoint and the exact body."""
    return hashlib.sha256(endpoint.encode() + b"\0" + body).hexdigest()


def _check(record: IdempotencyRecord, fingerprint: str) -> Replay:
    if record.request_sha256 != fingerprint:
        raise InvalidInput(
            problem_text("idempotency_key_reused"),
            code="idempotency_key_reused",
            errors=[
                field_error(
                    ["header", "Idempotency-Key"], problem_text("field.used_for_other_request")
                )
            ],
        )
    return Replay(status_code=record.status_code, body=record.response_body)


def claim(
    session: Session, *, actor: Principal, key: str, endpoint: str, fingerprint: str
) -> Replay | IdempotencyRecord:
    """The earlier answer for this key, or a claimed record to fill in with the new answer.

    A concurrent request with the same key waits on the record's primary key until the
    first one commits, then replays its answer.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(
            problem_text("validation_error.idempotency_key_length", max=MAX_KEY_LENGTH),
            errors=[field_error(["header", "Idempotency-Key"], problem_text("field.bad_length"))],
        )
    key_id = actor.key_id or 0
    existing = session.get(IdempotencyRecord, (key_id, key))
    if existing is not None:
        return _check(existing, fingerprint)
    record = IdempotencyRecord(
        api_key_id=key_id,
        key=key,
        endpoint=endpoint,
        request_sha256=fingerprint,
        status_code=0,
        response_body="",
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # Someone else claimed it first and has committed by now.
        session.expunge_all()
        existing = session.get(IdempotencyRecord, (key_id, key), populate_existing=True)
        if existing is None:
            raise
        return _check(existing, fingerprint)
    return record


def complete(record: IdempotencyRecord, *, status_code: int, body: str) -> None:
    """Store the answer given, for replays."""
    record.status_code = status_code
    record.response_body = body


def purge_expired(session: Session, *, older_than: datetime) -> int:
    """Delete the answers stored before `older_than` (they hold personal data); how many."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < older_than)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
