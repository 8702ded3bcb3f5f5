"""Bulk transfer of residents: CSV import (SIAK exports) and streamed CSV export."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.api.deps import CurrentKey, SessionDep, SettingsDep, Writer, in_worker_thread
from app.api.problems import problem_responses
from app.api.residents import Filters
from app.errors import PayloadTooLarge, UnsupportedMediaType, problem_text
from app.schemas.importer import ImportMode, ImportReport
from app.services import exporter, importer

router = APIRouter(prefix="/residents", tags=["residents"])

# Spreadsheets and browsers label CSV in many ways; JSON or a form is surely a mistake.
_CSV_TYPES = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
}
_IN_MEMORY = 8 * 1024 * 1024

CSV_EXAMPLE = (
    "nik;kk_number;full_name;birth_place;birth_date;sex;blood_type;religion;marital_status;"
    "occupation;citizenship;has_itap;address;rt;rw;kelurahan_code;residency_status;"
    "recording_status\n"
    "5371044108900001;5371041503150003;MARIA YULIANA NDUN;KUPANG;01-08-1990;PEREMPUAN;O;"
    "KATOLIK;KAWIN;GURU;WNI;TIDAK;JL. W.J. LALAMENTIK NO. 12;007;003;53.71.04.1001;AKTIF;"
    "SUDAH REKAM\n"
)


async def csv_body(request: Request) -> AsyncIterator[IO[bytes]]:
    """The request body as a file, refused above settings.max_import_bytes (413)."""
    limit: int = request.app.state.settings.max_import_bytes
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type and media_type not in _CSV_TYPES:
        raise UnsupportedMediaType(
            problem_text("csv_expected", got=media_type[:100]),
            code="csv_expected",
        )
    too_large = PayloadTooLarge(
        problem_text("import_too_large", limit=limit),
        code="import_too_large",
    )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 (closed below)
    try:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]
    finally:
        spool.close()


CsvBody = Annotated[IO[bytes], Depends(csv_body)]


@router.post(
    "/import",
    summary="Import residents from CSV",
    response_model=ImportReport,
    responses=problem_responses(
        401,
        403,
        413,
        415,
        422,
        codes=(
            "import_too_large",
            "csv_expected",
            "not_utf8",
            "empty_file",
            "duplicate_column",
            "missing_column",
        ),
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A CSV file (UTF-8, optional BOM, `,` or `;` as delimiter) with the "
            "resident fields as columns; SIAK's labels and DD-MM-YYYY dates are accepted",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
        }
    },
)
async def import_residents(
    request: Request,
    body: CsvBody,
    session: SessionDep,
    settings: SettingsDep,
    actor: Writer,
    dry_run: Annotated[bool, Query(description="Validate and count; store nothing")] = False,
    mode: Annotated[
        ImportMode,
        Query(
            description="all_or_nothing: any rejected row stores nothing; partial: store "
            "the good rows"
        ),
    ] = ImportMode.all_or_nothing,
) -> ImportReport:
    """Upsert residents by NIK. Columns: the resident fields (nik ... recording_status) and an
    optional `recording_status_at` (ISO 8601; without an offset, the office's time zone). A
    row equal to the stored resident counts as `unchanged`, so a re-import changes nothing.
    A new or changed recording status goes into the history with source `import` (never
    back to unregistered). The answer is 200 with the report whenever the file could be
    read: check `committed` and `rejected_rows`. A kelurahan key imports only rows of its own
    kelurahan. Rows are stored in batches of 10,000, so a broken connection keeps whole
    batches and sending the file again completes it."""
    # Tens of seconds of work for a city's file: a worker thread, not the event loop.
    return await in_worker_thread(
        request,
        after=session,
        work=lambda s: importer.run_import(
            s,
            body,
            actor=actor,
            mode=mode,
            dry_run=dry_run,
            checkpoint=s.commit,
            office_zone=settings.office_zone,
        ),
    )


@router.get(
    "/export",
    summary="Export residents as CSV",
    response_class=StreamingResponse,
    response_model=None,
    responses={
        200: {
            "description": "CSV with the import's columns (export then import changes nothing)",
            "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}},
        },
        **problem_responses(401, 422, codes=("invalid_cursor",)),
    },
)
async def export_residents(
    request: Request, session: SessionDep, actor: CurrentKey, filters: Filters
) -> StreamingResponse:
    """All residents matching the list's filters, streamed in registration order; a kelurahan
    key gets its own kelurahan only. Audited."""
    await session.run_sync(exporter.record_export, filters=filters, actor=actor)
    return StreamingResponse(
        exporter.export_csv(request.app.state.sessionmaker, filters=filters, actor=actor),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="residents.csv"'},
    )
