"""API keys and the calling key."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from app.api.deps import Admin, CurrentKey, SessionDep
from app.api.problems import problem_responses
from app.schemas.common import Page
from app.schemas.keys import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, Me
from app.services import keys

router = APIRouter(tags=["api keys"])


@router.get("/me", summary="Who am I", response_model=Me, responses=problem_responses(401))
async def me(principal: CurrentKey) -> Me:
    """The calling key's name, role and kelurahan."""
    return Me(
        key_id=principal.key_id,
        name=principal.name,
        role=principal.role,
        kelurahan_code=principal.kelurahan_code,
    )


@router.post(
    "/api-keys",
    summary="Create an API key",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=problem_responses(
        401,
        403,
        422,
        codes=(
            "kelurahan_required",
            "kelurahan_not_allowed",
            "unknown_kelurahan",
        ),
    ),
)
async def create_key(body: ApiKeyCreate, session: SessionDep, actor: Admin) -> ApiKeyCreated:
    """Admin only. The answer holds the secret key: it is shown this once. `Idempotency-Key`
    is not honoured here on purpose: replaying the answer would mean storing the secret.
    With `expires_in_days` the key stops working that many days from now (`expires_at`);
    a request with it after that is a 401 `expired_api_key`."""

    def create(s: Session) -> ApiKeyCreated:
        created = keys.create_key(
            s,
            name=body.name,
            role=body.role,
            kelurahan_code=body.kelurahan_code,
            expires_in=timedelta(days=body.expires_in_days) if body.expires_in_days else None,
            actor=actor,
        )
        return ApiKeyCreated(
            **ApiKeyRead.model_validate(created.key).model_dump(), key=created.secret
        )

    return await session.run_sync(create)


@router.get(
    "/api-keys",
    summary="List API keys",
    response_model=Page[ApiKeyRead],
    responses=problem_responses(401, 403),
)
async def list_keys(session: SessionDep, _: Admin) -> Page[ApiKeyRead]:
    """Admin only. Every key with its role; secrets are never shown again."""
    rows = await session.run_sync(keys.list_keys)
    return Page[ApiKeyRead](items=[ApiKeyRead.model_validate(k) for k in rows])


@router.delete(
    "/api-keys/{key_id}",
    summary="Revoke an API key",
    status_code=204,
    responses=problem_responses(401, 403, 404, codes=("api_key_not_found",)),
)
async def revoke_key(key_id: int, session: SessionDep, actor: Admin) -> Response:
    """Admin only. The key stops working at once."""
    await session.run_sync(keys.revoke_key, key_id=key_id, actor=actor)
    return Response(status_code=204)
