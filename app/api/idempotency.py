"""Honour Idempotency-Key on creating POSTs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.api.responses import model_response
from app.domain.masking import mask_text_niks
from app.services import audit, idempotency
from app.services.access import Principal
from app.services.idempotency import MAX_KEY_LENGTH


async def body_bytes(request: Request) -> bytes:
    """The raw request body (Starlette caches it, so the handler's parsing is unaffected)."""
    return await request.body()


def _audit_replay(session: Session, actor: Principal, endpoint: str, answer: Any) -> None:
    """A replay hands back a stored answer, personal data included: a read like any other."""
    target_type = target = None
    if isinstance(answer, dict):
        if isinstance(answer.get("number"), str):
            target_type, target = "letter", answer["number"]
        elif isinstance(answer.get("nik"), str):
            target_type, target = "resident", audit.resident_target(answer["nik"])
    audit.record(
        session,
        actor=actor,
        action="idempotent.replayed",
        target_type=target_type,
        target=target,
        details={"endpoint": mask_text_niks(endpoint)},
        read=True,
    )


def run_idempotent(
    session: Session,
    request: Request,
    actor: Principal,
    raw_body: bytes,
    create: Callable[[Session], BaseModel],
    *,
    status_code: int = 201,
    headers: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> JSONResponse:
    """Run `create` once per Idempotency-Key; a retry with the same body gets the same answer.

    Synchronous, with the session first: handlers call it through `session.run_sync`.
    `headers` builds the answer's extra headers (Location) from its JSON body, so that a
    replay carries them too.
    """
    key = request.headers.get("idempotency-key")
    record = None
    if key is not None:
        endpoint = f"{request.method} {request.url.path}"
        fingerprint = idempotency.request_fingerprint(endpoint, raw_body)
        claimed = idempotency.claim(
            session, actor=actor, key=key, endpoint=endpoint, fingerprint=fingerprint
        )
        if isinstance(claimed, idempotency.Replay):
            # The same answer as the first time, Location included.
            answer = json.loads(claimed.body)
            _audit_replay(session, actor, endpoint, answer)
            replay_headers = headers(answer) if headers else {}
            return model_response(
                claimed.body,
                claimed.status_code,
                {**replay_headers, "Idempotent-Replayed": "true"},
            )
        record = claimed
    result = create(session)
    body = result.model_dump_json()
    if record is not None:
        idempotency.complete(record, status_code=status_code, body=body)
    return model_response(
        body, status_code, headers(result.model_dump(mode="json")) if headers else None
    )


# `openapi_extra` of an operation that honours Idempotency-Key (read in run_idempotent).
IDEMPOTENT: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            "description": "A key of your choosing, new for each new request: a retry with the "
            "same key and the same body gets the first answer again (`Idempotent-Replayed: "
            "true`); the same key with another body is refused (422 idempotency_key_reused).",
            "example": "3f1d2c4b-issue-0001",
        }
    ]
}
