"""Public verification: the QR page, the same facts as JSON, and a PDF upload check.

No authentication here: anyone holding a letter (a bank teller, a police officer) may ask.
Every answer is `Cache-Control: no-store` (a status can change at any moment) and counts
against the caller's address in the public rate limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.api.deps import SessionDep, SettingsDep, in_worker_thread
from app.api.problems import problem_responses
from app.api.ratelimit import Decision, check_public_rate
from app.api.uploads import MULTIPART_MEDIA_TYPE, read_upload
from app.config import Settings
from app.errors import (
    NotFound,
    PayloadTooLarge,
    RateLimited,
    problem_text,
)
from app.models._types import utcnow
from app.schemas.letter import LetterStatus
from app.schemas.verification import LetterVerification, UploadVerification
from app.services import audit, verification
from app.web import HTML_SECURITY_HEADERS, templates

router = APIRouter(tags=["verification"])
# The page a letter's QR code opens, outside /api/v1.
pages = APIRouter(tags=["verification"])

NO_STORE = {"Cache-Control": "no-store"}
PDF_MEDIA_TYPE = "application/pdf"

_RATE_LIMITED_PAGE = templates.env.from_string(
    """{% extends "_base.html" %}
{% block title %}Terlalu banyak permintaan / Too many requests{% endblock %}
{% block content %}
<section class="banner banner-warn" role="status">
  <p class="banner-status">TERLALU BANYAK PERMINTAAN</p>
  <p class="banner-en">Too many requests</p>
</section>
<p>Coba lagi dalam {{ retry_after }} detik.</p>
<p class="en">Please try again in {{ retry_after }} seconds.</p>
{% endblock %}"""
)

STATUS_CSS = {
    LetterStatus.valid: "banner-ok",
    LetterStatus.expired: "banner-warn",
    LetterStatus.superseded: "banner-warn",
    LetterStatus.revoked: "banner-bad",
    LetterStatus.void: "banner-bad",
}


def _rate_limited(decision: Decision) -> RateLimited:
    return RateLimited(
        problem_text("rate_limited.verify", seconds=decision.retry_after),
        headers={**NO_STORE, "Retry-After": str(decision.retry_after)},
    )


async def public_rate_limit(request: Request) -> None:
    """Refuse with 429 (problem+json) a client over the public limit."""
    decision = check_public_rate(request)
    if not decision.allowed:
        raise _rate_limited(decision)


PublicRateLimit = Depends(public_rate_limit)


def _development_key(request: Request) -> bool:
    return bool(request.app.state.signer.development)


def _verification(
    session: Session, token: str, settings: Settings, development_key: bool
) -> LetterVerification | None:
    """The public facts of the letter with this token, or None."""
    letter = verification.find_letter_by_token(session, token)
    if letter is None:
        return None
    return verification.letter_verification(
        letter, settings=settings, development_key=development_key, session=session
    )


@pages.get(
    "/v/{token}",
    summary="Verification page (the letter's QR code)",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "The letter's status page"},
        404: {"content": {"text/html": {}}, "description": "No letter has this code"},
        429: {"content": {"text/html": {}}, "description": "Too many requests (Retry-After)"},
    },
)
async def verification_page(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> HTMLResponse:
    """An HTML page for a phone: the letter's status, number, dates, holder and issuer."""
    decision = check_public_rate(request)
    if not decision.allowed:
        html = _RATE_LIMITED_PAGE.render(retry_after=decision.retry_after)
        return HTMLResponse(
            html,
            status_code=429,
            headers={**HTML_SECURITY_HEADERS, "Retry-After": str(decision.retry_after)},
        )
    audit.public_hits.count("verify_page")
    view = await session.run_sync(_verification, token, settings, _development_key(request))
    if view is None:
        return templates.TemplateResponse(
            request, "verification_not_found.html", status_code=404, headers=HTML_SECURITY_HEADERS
        )
    context: dict[str, Any] = {
        "letter": view,
        "status_id": verification.STATUS_LABELS[view.status][0],
        "status_en": verification.STATUS_LABELS[view.status][1],
        "status_css": STATUS_CSS[view.status],
    }
    return templates.TemplateResponse(
        request, "verification.html", context, headers=HTML_SECURITY_HEADERS
    )


@pages.get(
    "/v/{token}/photo.jpg",
    summary="The holder's photo on a valid letter's verification page",
    response_class=Response,
    dependencies=[PublicRateLimit],
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The photo printed on the letter"},
        **problem_responses(404, 429),
    },
)
async def verification_photo(token: str, session: SessionDep, settings: SettingsDep) -> Response:
    """The photo the letter was signed with, while the letter is valid; 404 otherwise (also
    for a revoked, void, superseded or expired letter)."""
    audit.public_hits.count("verify_photo")
    jpeg = await session.run_sync(verification.valid_letter_photo, token, settings=settings)
    if jpeg is None:
        raise NotFound(
            problem_text("photo_not_found.token"),
            code="photo_not_found",
            headers=NO_STORE,
        )
    return Response(jpeg, media_type="image/jpeg", headers=NO_STORE)


@router.get(
    "/verify/{token}",
    summary="Verify a letter by its QR code (JSON)",
    response_model=LetterVerification,
    dependencies=[PublicRateLimit],
    responses=problem_responses(404, 429, codes=("letter_not_found",)),
)
async def verify_token(
    token: str, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> LetterVerification:
    """The facts of the verification page as JSON, with the time of the check."""
    response.headers.update(NO_STORE)
    audit.public_hits.count("verify_json")
    view = await session.run_sync(_verification, token, settings, _development_key(request))
    if view is None:
        raise NotFound(
            problem_text("letter_not_found.token"),
            code="letter_not_found",
            headers=NO_STORE,
        )
    return view


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        problem_text("payload_too_large.pdf", mb=limit / (1024 * 1024)),
        headers=NO_STORE,
    )


async def _read_upload(request: Request, limit: int) -> bytes:
    """The uploaded PDF's bytes: a raw application/pdf body or the multipart field `file`."""
    return await read_upload(
        request,
        limit=limit,
        raw_types=(PDF_MEDIA_TYPE,),
        what=problem_text("thing.pdf"),
        too_large=lambda: _too_large(limit),
        headers=NO_STORE,
    )


@router.post(
    "/verify",
    summary="Verify an uploaded letter PDF",
    response_model=UploadVerification,
    dependencies=[PublicRateLimit],
    responses=problem_responses(
        400,
        413,
        415,
        422,
        429,
        503,
        codes=(
            "bad_content_length",
            "invalid_multipart",
            "upload_check_busy",
        ),
    ),
    openapi_extra={
        "requestBody": {
            # Not marked required: openapi-python-client 0.29 emits an unimported `Unset` for
            # a required body of several media types (its issue #1451); a missing body is a 400.
            "required": False,
            "description": "The PDF, at most 5 MB (the `max_upload_bytes` setting)",
            "content": {
                MULTIPART_MEDIA_TYPE: {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def verify_upload(
    request: Request,
    response: Response,
    settings: SettingsDep,
) -> UploadVerification:
    """Is the signature intact and this office's, which letter is it, is it the issued file,
    and what is the letter's status. A bad file is a 200 result with `outcome` and `verdict`."""
    response.headers.update(NO_STORE)
    data = await _read_upload(request, settings.max_upload_bytes)
    signer = request.app.state.signer

    def check(session: Session) -> UploadVerification:
        audit.public_hits.count("verify_upload")
        return verification.verify_upload(
            session,
            data=data,
            settings=settings,
            office_certificate_sha256=signer.certificate_sha256,
            development_key=bool(signer.development),
            now=utcnow(),
        )

    # pyHanko's sync API drives its own event loop: a worker thread.
    return await in_worker_thread(request, check)
