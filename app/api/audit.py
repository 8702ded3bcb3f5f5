"""The audit log, for admins and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from app.api.deps import AdminOrAuditor, SessionDep
from app.api.problems import problem_responses
from app.schemas.audit import AuditEventRead
from app.schemas.common import Page
from app.services import audit

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get(
    "/audit-events",
    summary="Read the audit log",
    response_model=Page[AuditEventRead],
    responses=problem_responses(401, 403, 422),
)
async def list_audit_events(
    session: SessionDep,
    _: AdminOrAuditor,
    action: Annotated[str | None, Query(examples=["letter.downloaded"])] = None,
    key_id: int | None = None,
    target: Annotated[
        str | None, Query(description="A letter number or a masked NIK (537104******0001)")
    ] = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[AuditEventRead]:
    """Entries newest first: every change, and every read of personal data by a key.
    Each entry carries the SHA-256 of the one before it (`skk audit verify` checks the chain)."""
    rows, next_cursor = await session.run_sync(
        audit.list_events,
        filters=audit.AuditFilters(
            action=action, key_id=key_id, target=target, since=since, until=until
        ),
        limit=limit,
        cursor=cursor,
    )
    return Page[AuditEventRead](
        items=[AuditEventRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )
