"""The holder's pas foto: upload (JPEG or PNG, normalised to a 3×4 JPEG), read, delete."""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.api.deps import Admin, CurrentKey, SessionDep, SettingsDep, Writer
from app.api.params import NikPath
from app.api.problems import problem_responses
from app.api.responses import model_response
from app.api.uploads import MULTIPART_MEDIA_TYPE, read_upload
from app.config import Settings
from app.documents.photo import Photo
from app.errors import PayloadTooLarge, problem_text
from app.models import ResidentPhoto
from app.schemas.photo import ResidentPhotoRead
from app.services import photos

router = APIRouter(tags=["residents"])

PHOTO_PATH = "/residents/{nik:nik}/photo"
PHOTO_MEDIA_TYPES = ("image/jpeg", "image/png")
# Personal data: never kept by a browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}
# Decoding a large PNG takes memory (up to 4 bytes a pixel): a few at a time per worker, so
# a burst of uploads queues instead of exhausting it.
_DECODE_SLOTS = threading.BoundedSemaphore(2)


def _decode(data: bytes, settings: Settings) -> Photo:
    with _DECODE_SLOTS:
        return photos.prepare_photo(data, settings=settings)


def _view(stored: ResidentPhoto, nik: str) -> ResidentPhotoRead:
    return ResidentPhotoRead(
        sha256=stored.sha256,
        width=stored.width,
        height=stored.height,
        size=len(stored.jpeg),
        updated_at=stored.updated_at,
        url=f"/api/v1/residents/{nik}/photo",
    )


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(problem_text("payload_too_large.photo", mb=limit / (1024 * 1024)))


@router.put(
    PHOTO_PATH,
    summary="Set or replace a resident's photo",
    response_model=ResidentPhotoRead,
    responses={
        201: {"description": "Photo stored (the resident had none)"},
        **problem_responses(401, 403, 404, 413, 415, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A JPEG or PNG photo of the holder, at most 5 MB (the "
            "`photo_max_bytes` setting), at least 150×200 pixels",
            "content": {
                **{
                    t: {"schema": {"type": "string", "format": "binary"}} for t in PHOTO_MEDIA_TYPES
                },
                MULTIPART_MEDIA_TYPE: {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def put_photo(
    nik: NikPath, request: Request, session: SessionDep, settings: SettingsDep, actor: Writer
) -> JSONResponse:
    """Store the photo as a 300×400 JPEG (centre-cropped to 3×4, re-encoded: EXIF such as GPS
    position and any other metadata is dropped). 201 when the resident had no photo, 200 when
    it replaces one. Letters already issued keep the photo they were signed with."""
    limit = settings.photo_max_bytes
    data = await read_upload(
        request,
        limit=limit,
        raw_types=PHOTO_MEDIA_TYPES,
        what=problem_text("thing.photo"),
        too_large=lambda: _too_large(limit),
    )
    photo = await run_in_threadpool(_decode, data, settings)

    def save(s: Session) -> tuple[ResidentPhotoRead, bool]:
        saved = photos.save_photo(s, nik=nik, photo=photo, actor=actor)
        return _view(saved.photo, nik), saved.created

    view, created = await session.run_sync(save)
    return model_response(
        view,
        status_code=201 if created else 200,
        headers={"ETag": f'"{photo.sha256}"', **NO_STORE},
    )


@router.get(
    PHOTO_PATH,
    summary="A resident's photo",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The stored 3×4 JPEG"},
        **problem_responses(401, 404, 422),
    },
)
async def get_photo(nik: NikPath, session: SessionDep, actor: CurrentKey) -> Response:
    """The stored JPEG (audited like any read of the resident); 404 `photo_not_found` when the
    resident has none."""

    def read(s: Session) -> tuple[bytes, str]:
        stored = photos.read_photo(s, nik=nik, actor=actor)
        return stored.jpeg, stored.sha256

    jpeg, sha256 = await session.run_sync(read)
    return Response(jpeg, media_type="image/jpeg", headers={"ETag": f'"{sha256}"', **NO_STORE})


@router.delete(
    PHOTO_PATH,
    summary="Delete a resident's photo",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_photo(nik: NikPath, session: SessionDep, actor: Admin) -> Response:
    """Remove the photo (administrators only). Issued letters keep theirs."""
    await session.run_sync(lambda s: photos.delete_photo(s, nik=nik, actor=actor))
    return Response(status_code=204)
