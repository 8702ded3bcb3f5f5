"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.schemas.keys import Health
from app.services.signer import days_left, expiry_warning

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    summary="Is the service ready",
    response_model=Health,
    responses={503: {"model": Health, "description": "A part is down"}},
)
async def health(request: Request) -> JSONResponse:
    """`ok` for each part that works; 503 when the database or the signer is not."""
    state = request.app.state
    try:
        async with state.async_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "unavailable"
    key = getattr(state, "signer", None)
    signer = "ok" if key is not None else "unavailable"
    left = days_left(key) if key is not None else None
    body = Health(
        status="ok" if database == signer == "ok" else "degraded",
        database=database,
        signer=signer,
        signer_certificate_expires=key.not_valid_after.date() if key is not None else None,
        signer_certificate_days_left=left,
        signer_certificate_warning=expiry_warning(key.not_valid_after, left)
        if key is not None and left is not None
        else None,
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=200 if body.status == "ok" else 503
    )
