"""Residents and their e-KTP recording history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentKey, SessionDep, Writer
from app.api.idempotency import IDEMPOTENT, body_bytes, run_idempotent
from app.api.params import NikPath
from app.api.problems import problem_responses
from app.api.responses import model_response
from app.api.views import resident_read
from app.domain.recording import RecordingStatus
from app.schemas.common import KelurahanCode, Page, SearchText
from app.schemas.resident import (
    RecordingEventCreate,
    RecordingEventRead,
    ResidentCreate,
    ResidentRead,
    ResidentUpdate,
)
from app.services import residents
from app.services.residents import ResidentFilters

router = APIRouter(prefix="/residents", tags=["residents"])

RawBody = Annotated[bytes, Depends(body_bytes)]


async def resident_filters(
    kelurahan_code: Annotated[KelurahanCode | None, Query()] = None,
    kecamatan_code: Annotated[
        str | None, Query(pattern=r"^\d{2}\.\d{2}\.\d{2}$", examples=["53.71.04"])
    ] = None,
    recording_status: RecordingStatus | None = None,
    wajib_ktp: bool | None = None,
    q: Annotated[
        SearchText | None,
        Query(description="Name prefix, or NIK (or its first digits)"),
    ] = None,
) -> ResidentFilters:
    """The list filters shared by the list and the export."""
    return ResidentFilters(
        kelurahan_code=kelurahan_code,
        kecamatan_code=kecamatan_code,
        recording_status=recording_status,
        wajib_ktp=wajib_ktp,
        q=q,
    )


Filters = Annotated[ResidentFilters, Depends(resident_filters)]


def _answer(session: Session, saved: residents.Saved) -> ResidentRead:
    return resident_read(session, saved.resident, saved.warnings)


@router.post(
    "",
    summary="Register a resident",
    status_code=201,
    response_model=ResidentRead,
    responses=problem_responses(
        401,
        403,
        409,
        422,
        codes=(
            "other_kelurahan",
            "nik_exists",
            "nik_sex_mismatch",
            "unknown_kelurahan",
            "idempotency_key_reused",
        ),
    ),
    openapi_extra=IDEMPOTENT,
)
async def create_resident(
    body: ResidentCreate,
    request: Request,
    raw: RawBody,
    session: SessionDep,
    actor: Writer,
) -> JSONResponse:
    """Register a resident. The NIK is checked against the birth date and sex given; a date
    that differs from the NIK's is accepted with a warning, a sex that differs is refused."""
    return await session.run_sync(
        run_idempotent,
        request,
        actor,
        raw,
        lambda s: _answer(s, residents.create_resident(s, data=body, actor=actor)),
        # A new resident is version 1: its ETag is known without reading it back.
        headers=lambda r: {"Location": f"/api/v1/residents/{r['nik']}", "ETag": '"1"'},
    )


@router.get(
    "",
    summary="List residents",
    response_model=Page[ResidentRead],
    responses=problem_responses(401, 422, codes=("invalid_cursor",)),
)
async def list_residents(
    session: SessionDep,
    actor: CurrentKey,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> JSONResponse:
    """Residents in registration order; a kelurahan key sees its own kelurahan only."""

    def page(s: Session) -> Page[ResidentRead]:
        rows, next_cursor = residents.list_residents(
            s, filters=filters, limit=limit, cursor=cursor, actor=actor
        )
        return Page[ResidentRead](
            items=[resident_read(s, r) for r in rows], next_cursor=next_cursor
        )

    return model_response(await session.run_sync(page))


@router.get(
    "/{nik:nik}",
    summary="Read a resident",
    response_model=ResidentRead,
    responses=problem_responses(401, 404, 422, codes=("resident_not_found",)),
)
async def get_resident(nik: NikPath, session: SessionDep, actor: CurrentKey) -> JSONResponse:
    """One resident by NIK (separators allowed), with an `ETag` for a later `If-Match`."""

    def read(s: Session) -> tuple[ResidentRead, str]:
        resident = residents.read_resident(s, nik=nik, actor=actor)
        return resident_read(s, resident), residents.etag(resident)

    body, etag = await session.run_sync(read)
    return model_response(body, headers={"ETag": etag})


@router.patch(
    "/{nik:nik}",
    summary="Correct a resident",
    response_model=ResidentRead,
    responses=problem_responses(
        401,
        403,
        404,
        412,
        422,
        codes=(
            "other_kelurahan",
            "resident_not_found",
            "stale_resident",
            "nik_sex_mismatch",
            "unknown_kelurahan",
        ),
    ),
)
async def update_resident(
    nik: NikPath,
    body: ResidentUpdate,
    session: SessionDep,
    actor: Writer,
    if_match: Annotated[str | None, Header(description="The ETag you read")] = None,
) -> JSONResponse:
    """Change only the fields sent. With `If-Match`, a change made meanwhile answers 412.
    Moving out or dying voids the resident's valid letter."""

    def correct(s: Session) -> tuple[ResidentRead, str]:
        saved = residents.update_resident(
            s,
            nik=nik,
            changes=body.model_dump(exclude_unset=True),
            if_match=if_match,
            actor=actor,
        )
        return _answer(s, saved), residents.etag(saved.resident)

    result, etag = await session.run_sync(correct)
    return model_response(result, headers={"ETag": etag})


@router.post(
    "/{nik:nik}/recording-events",
    summary="Record a recording status change",
    status_code=201,
    response_model=RecordingEventRead,
    responses=problem_responses(
        401,
        403,
        404,
        409,
        422,
        codes=(
            "other_kelurahan",
            "resident_not_found",
            "recording_move_not_allowed",
            "event_out_of_order",
            "idempotency_key_reused",
        ),
    ),
    openapi_extra=IDEMPOTENT,
)
async def record_event(
    nik: NikPath,
    body: RecordingEventCreate,
    request: Request,
    raw: RawBody,
    session: SessionDep,
    actor: Writer,
) -> JSONResponse:
    """Move the resident along the recording pipeline. A refused move answers 409 with
    `allowed_next`. Reaching `card_issued` voids the resident's valid letter."""
    return await session.run_sync(
        run_idempotent,
        request,
        actor,
        raw,
        lambda s: RecordingEventRead.model_validate(
            residents.record_event(
                s,
                nik=nik,
                status=body.status,
                occurred_at=body.occurred_at,
                note=body.note,
                actor=actor,
            )
        ),
    )


@router.get(
    "/{nik:nik}/recording-events",
    summary="Recording history",
    response_model=Page[RecordingEventRead],
    responses=problem_responses(
        401,
        404,
        422,
        codes=(
            "resident_not_found",
            "invalid_cursor",
        ),
    ),
)
async def list_events(nik: NikPath, session: SessionDep, actor: CurrentKey) -> JSONResponse:
    """The resident's recording status changes, oldest first."""
    events = await session.run_sync(residents.list_events, nik=nik, actor=actor)
    return model_response(
        Page[RecordingEventRead](items=[RecordingEventRead.model_validate(e) for e in events])
    )
