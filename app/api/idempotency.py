"""Honour Idempotency-Key on creating POSTs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.api.responses import model_response
from app.services import idempotency
from app.services.access import Principal


async def body_bytes(request: Request) -> bytes:
    """The raw request body (Starlette caches it, so the handler's parsing is unaffected)."""
    return await request.body()


def run_idempotent(
    session: Session,
    request: Request,
    actor: Principal,
    raw_body: bytes,
    create: Callable[[Session], BaseModel],
    *,
    status_code: int = 201,
    headers: Callable[[BaseModel], dict[str, str]] | None = None,
) -> JSONResponse:
    """Run `create` once per Idempotency-Key; a retry with the same body gets the same answer.

    Synchronous, with the session first: handlers call it through `session.run_sync`.
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
            return model_response(
                claimed.body, claimed.status_code, {"Idempotent-Replayed": "true"}
            )
        record = claimed
    result = create(session)
    body = result.model_dump_json()
    if record is not None:
        idempotency.complete(record, status_code=status_code, body=body)
    return model_response(body, status_code, headers(result) if headers else None)
