"""The audit log, for admins and auditors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import AwareDatetime

from app.api.deps import AdminOrAuditor, SessionDep, SettingsDep
from app.api.problems import problem_responses
from app.schemas.audit import AuditCheckpointRead, AuditEventRead
from app.schemas.common import Page
from app.services import audit, audit_checkpoints
from app.services.pagination import LinePosition, decode_cursor, encode_cursor

router = APIRouter(tags=["audit"])


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


@router.get(
    "/audit-checkpoints",
    summary="Read the signed checkpoints of the audit chain",
    response_model=Page[AuditCheckpointRead],
    responses=problem_responses(401, 403, 422),
)
async def list_audit_checkpoints(
    settings: SettingsDep,
    _: AdminOrAuditor,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> Page[AuditCheckpointRead]:
    """Oldest first: the chain head (entry, hash, time) signed with the office's key, one per
    `skk audit checkpoint` or housekeeping round. Keep a copy elsewhere: `skk audit verify
    --checkpoint-file COPY` then shows a log rewritten even with this host's file."""
    after = decode_cursor(cursor, LinePosition).line if cursor else 0
    # A file read: off the event loop.
    rows, next_line = await run_in_threadpool(
        audit_checkpoints.list_checkpoints, settings.checkpoint_path, limit=limit, cursor=after
    )
    return Page[AuditCheckpointRead](
        items=[AuditCheckpointRead.model_validate(r) for r in rows],
        next_cursor=encode_cursor(line=next_line) if next_line is not None else None,
    )
