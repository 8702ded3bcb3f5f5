"""Letters: issue, list, read, download, revoke."""

from __future__ import annotations

import re
import threading
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.api.deps import CurrentKey, Issuer, SessionDep, SettingsDep, in_worker_thread
from app.api.idempotency import IDEMPOTENT, body_bytes, run_idempotent
from app.api.params import LetterIdPath, NikPath, NikQuery
from app.api.problems import problem_responses
from app.api.responses import model_response
from app.api.views import letter_read
from app.schemas.common import KelurahanCode, Page, SearchText
from app.schemas.letter import LetterCreate, LetterRead, LetterRevoke, LetterStatus
from app.services import letters
from app.services.letters import LetterFilters

router = APIRouter(tags=["letters"])

# SQLite has one writer, the issuing transaction: a worker issues one letter at a time, and
# its other issues wait here rather than on the database's lock. On PostgreSQL the number is
# reserved in a short transaction of its own, and letters are signed side by side (a remote
# signer answers in hundreds of milliseconds); each holds two of the synchronous engine's ten
# connections (app.db.make_engine), so a few at a time per worker.
_one_issue_at_a_time = threading.Lock()
ISSUES_AT_ONCE_PER_WORKER = 4
_issues_at_once = threading.BoundedSemaphore(ISSUES_AT_ONCE_PER_WORKER)

RawBody = Annotated[bytes, Depends(body_bytes)]


@router.post(
    "/residents/{nik:nik}/letters",
    summary="Issue a Surat Keterangan Kependudukan",
    status_code=201,
    response_model=LetterRead,
    responses={
        **problem_responses(
            401,
            403,
            404,
            409,
            422,
            502,
            503,
            codes=(
                "signer_passphrase_wrong",
                "signer_not_registered",
                "signer_certificate_expired",
                "signer_refused",
                "signer_bad_result",
                "signer_unavailable",
                "letter_number_expired",
                "other_kelurahan",
                "resident_not_found",
                "valid_letter_exists",
                "resident_not_active",
                "not_wajib_ktp",
                "card_already_issued",
                "recording_needs_follow_up",
                "letter_does_not_fit",
                "idempotency_key_reused",
            ),
        ),
    },
    openapi_extra=IDEMPOTENT,
)
async def issue_letter(
    nik: NikPath,
    body: LetterCreate,
    request: Request,
    raw: RawBody,
    session: SessionDep,
    settings: SettingsDep,
    actor: Issuer,
) -> JSONResponse:
    """Number, render, sign and store the letter; a failure stores nothing and uses no
    number. With `Idempotency-Key`, a retry returns the same letter."""
    signer = request.app.state.signer
    gate = _one_issue_at_a_time if settings.is_sqlite else _issues_at_once
    # A worker thread with a transaction of its own: pyHanko signs with asyncio.run, which
    # cannot run on the event loop.

    def issue(s: Session) -> JSONResponse:
        with gate:
            return run_idempotent(
                s,
                request,
                actor,
                raw,
                lambda s: letter_read(
                    letters.issue_letter(
                        s,
                        nik=nik,
                        purpose=body.purpose,
                        supersede=body.supersede,
                        supersede_reason=body.supersede_reason,
                        actor=actor,
                        settings=settings,
                        signer=signer,
                    ),
                    settings,
                ),
                headers=lambda r: {"Location": f"/api/v1/letters/{r['id']}"},
            )

    return await in_worker_thread(request, issue, after=session)


async def letter_filters(
    status: LetterStatus | None = None,
    kelurahan_code: Annotated[KelurahanCode | None, Query()] = None,
    kecamatan_code: Annotated[
        str | None, Query(pattern=r"^\d{2}\.\d{2}\.\d{2}$", examples=["53.71.04"])
    ] = None,
    nik: NikQuery = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    q: Annotated[
        SearchText | None,
        Query(
            description="The holder's name (any part, any case), the NIK's last digits, or a "
            "masked NIK as shown on letters and the QR page (`537104******0001`)",
            examples=["ndun"],
        ),
    ] = None,
    valid_until_from: Annotated[
        date | None, Query(description="Valid until this day or later")
    ] = None,
    valid_until_to: Annotated[
        date | None,
        Query(
            description="Valid until this day or earlier: with `status=valid` and "
            "`valid_until_from` today, the letters about to expire"
        ),
    ] = None,
) -> LetterFilters:
    """The list filters of the letters."""
    return LetterFilters(
        status=status,
        kelurahan_code=kelurahan_code,
        kecamatan_code=kecamatan_code,
        nik=nik,
        issued_from=issued_from,
        issued_to=issued_to,
        q=q,
        valid_until_from=valid_until_from,
        valid_until_to=valid_until_to,
    )


@router.get(
    "/letters",
    summary="List letters",
    response_model=Page[LetterRead],
    responses=problem_responses(401, 422, codes=("invalid_cursor",)),
)
async def list_letters(
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentKey,
    filters: Annotated[LetterFilters, Depends(letter_filters)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> JSONResponse:
    """Letters newest first; a kelurahan key sees its own kelurahan's only."""
    rows, next_cursor = await session.run_sync(
        letters.list_letters,
        filters=filters,
        limit=limit,
        cursor=cursor,
        actor=actor,
        today=settings.office_today(),
    )
    return model_response(
        Page[LetterRead](items=[letter_read(r, settings) for r in rows], next_cursor=next_cursor)
    )


@router.get(
    "/letters/{letter_id}",
    summary="Read a letter",
    response_model=LetterRead,
    responses=problem_responses(401, 404, codes=("letter_not_found",)),
)
async def get_letter(
    letter_id: LetterIdPath, session: SessionDep, settings: SettingsDep, actor: CurrentKey
) -> JSONResponse:
    """One letter with its status (expired is derived from the date)."""
    letter = await session.run_sync(letters.read_letter, letter_id=letter_id, actor=actor)
    return model_response(letter_read(letter, settings))


def _filename(number: str) -> str:
    return "SKK-" + re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-") + ".pdf"


@router.get(
    "/letters/{letter_id}/pdf",
    summary="Download the signed PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The signed PDF as issued"},
        304: {"description": "Not modified (If-None-Match)"},
        **problem_responses(401, 404, codes=("letter_not_found",)),
    },
)
async def download_pdf(
    letter_id: LetterIdPath,
    session: SessionDep,
    actor: CurrentKey,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The stored signed bytes exactly; `ETag` is their SHA-256."""
    letter, pdf = await session.run_sync(letters.letter_pdf, letter_id=letter_id, actor=actor)
    etag = f'"{letter.pdf_sha256}"'
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "ETag": etag,
            "Content-Disposition": f'attachment; filename="{_filename(letter.number)}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/letters/{letter_id}/revoke",
    summary="Revoke a letter",
    response_model=LetterRead,
    responses=problem_responses(
        401,
        403,
        404,
        409,
        422,
        codes=(
            "other_kelurahan",
            "letter_not_found",
            "letter_not_valid",
        ),
    ),
)
async def revoke_letter(
    letter_id: LetterIdPath,
    body: LetterRevoke,
    session: SessionDep,
    settings: SettingsDep,
    actor: Issuer,
) -> JSONResponse:
    """Operator or admin. The verification page shows REVOKED with the reason from now on."""
    letter = await session.run_sync(
        letters.revoke_letter,
        letter_id=letter_id,
        reason=body.reason,
        actor=actor,
        today=settings.office_today(),
    )
    return model_response(letter_read(letter, settings))
