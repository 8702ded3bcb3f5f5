"""Reading a file upload: a raw body of an accepted media type, or the multipart field `file`,
counted as it arrives so a missing or false Content-Length cannot get past the limit."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from app.errors import (
    DomainError,
    InvalidInput,
    Message,
    PayloadTooLarge,
    UnsupportedMediaType,
    field_error,
    problem_text,
)

# Room for the multipart boundaries and part headers around a file of the maximum size.
MULTIPART_OVERHEAD = 64 * 1024
MULTIPART_MEDIA_TYPE = "multipart/form-data"


async def _bounded(
    stream: AsyncIterator[bytes], allowance: int, too_large: Callable[[], PayloadTooLarge]
) -> AsyncGenerator[bytes, None]:
    # Content-Length can be absent (chunked) or wrong: count what actually arrives.
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > allowance:
            raise too_large()
        yield chunk


async def read_upload(
    request: Request,
    *,
    limit: int,
    raw_types: tuple[str, ...],
    what: Message,
    too_large: Callable[[], PayloadTooLarge],
    headers: dict[str, str] | None = None,
) -> bytes:
    """The uploaded bytes: a raw body of one of `raw_types`, or the multipart field `file`.

    `what` names the file in messages ("the PDF"); `too_large` builds the 413.
    """
    headers = headers or {}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (*raw_types, MULTIPART_MEDIA_TYPE):
        raise UnsupportedMediaType(
            problem_text(
                "unsupported_media_type.upload",
                what=what,
                types=" | ".join(raw_types),
                multipart=MULTIPART_MEDIA_TYPE,
                got=media_type[:100] or problem_text("thing.no_content_type"),
            ),
            headers=headers,
        )
    allowance = limit if media_type in raw_types else limit + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise DomainError(
                problem_text("bad_content_length"), code="bad_content_length", headers=headers
            )
        if int(declared) > allowance:
            raise too_large()
    stream = _bounded(request.stream(), allowance, too_large)
    if media_type in raw_types:
        return b"".join([chunk async for chunk in stream])

    parser = MultiPartParser(request.headers, stream, max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise DomainError(
            problem_text("invalid_multipart", reason=exc.message),
            code="invalid_multipart",
            headers=headers,
        ) from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                problem_text("validation_error.file_missing", what=what),
                errors=[field_error(["body", "file"], problem_text("field.file_required"))],
                headers=headers,
            )
        data = await upload.read()
    finally:
        await form.close()
    if len(data) > limit:
        raise too_large()
    return data
