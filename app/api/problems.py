"""Every error leaves as RFC 9457 problem+json, built here and nowhere else."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.messages import CodedError
from app.errors import PROBLEM_CODES, DomainError, clean_validation_msg, problem_type
from app.schemas.common import Problem

log = logging.getLogger("app.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Where problem_responses leaves an operation's own codes for app.api.openapi to turn into
# examples (and remove).
PROBLEM_CODES_KEY = "x-problem-codes"
# Codes any operation can answer with that status, whatever it does.
GENERIC_CODES = frozenset(
    {
        "missing_api_key",
        "invalid_api_key",
        "revoked_api_key",
        "role_not_allowed",
        "validation_error",
        "invalid_character",
        "payload_too_large",
        "unsupported_media_type",
        "rate_limited",
        "internal_error",
        "database_unavailable",
    }
)

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    502: "Bad gateway",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    detail: str,
    title: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the request id."""
    body: dict[str, Any] = {
        "type": problem_type(code, _base_url(request)),
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": getattr(request.state, "request_id", None),
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _base_url(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "public_base_url", ""))


def validation_errors(errors: Any) -> list[dict[str, Any]]:
    """Pydantic errors as `loc` and `msg` only (the input is never echoed back); a NIK or KK
    error also carries its `code` and `messages` ({"id", "en"}) for a clerk's screen."""
    out = []
    for e in errors:
        item: dict[str, Any] = {
            "loc": list(e.get("loc", ())),
            "msg": clean_validation_msg(str(e.get("msg", ""))),
        }
        cause = (e.get("ctx") or {}).get("error")
        if isinstance(cause, CodedError):
            item["code"] = cause.message.code
            item["messages"] = cause.message.as_dict()
        out.append(item)
    return out


def install_problem_handlers(app: FastAPI) -> None:
    """Map domain errors, validation failures and the unexpected to problem+json."""
    for exc_class, handler in _HANDLERS:
        app.add_exception_handler(exc_class, handler)


async def _domain(request: Request, exc: DomainError) -> JSONResponse:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        extra=exc.extra,
        headers=exc.headers,
    )


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_errors(exc.errors())
    first = errors[0] if errors else {"loc": [], "msg": "invalid input"}
    where = ".".join(str(p) for p in first["loc"][1:]) or "request"
    return problem_response(
        request,
        status=422,
        code="validation_error",
        detail=f"{where}: {first['msg']}"
        + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
        extra={"errors": errors},
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"there is no resource at {request.url.path}"
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        detail=detail,
        headers=getattr(exc, "headers", None),
    )


async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
    log.warning("integrity conflict", extra={"error": type(exc.orig).__name__})
    return problem_response(
        request,
        status=409,
        code="conflict",
        detail="the change conflicts with data stored at the same moment; try again",
    )


async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
    return _unavailable(request, exc)


async def _db_error(request: Request, exc: DBAPIError) -> JSONResponse:
    if exc.connection_invalidated:
        return _unavailable(request, exc)
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={"request_id": getattr(request.state, "request_id", None)},
    )
    return problem_response(
        request,
        status=500,
        code="internal_error",
        detail="an unexpected error occurred; quote the request_id when reporting it",
    )


# Starlette picks the handler of the nearest class in the exception's MRO.
_HANDLERS: tuple[tuple[type[Exception], Callable[..., Awaitable[JSONResponse]]], ...] = (
    (DomainError, _domain),
    (RequestValidationError, _validation),
    (StarletteHTTPException, _http),
    (IntegrityError, _integrity),
    (OperationalError, _db_down),
    (DBAPIError, _db_error),
    (Exception, _unexpected),
)


def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "database unavailable",
        extra={
            "request_id": getattr(request.state, "request_id", None),
            "error": type(exc).__name__,
        },
    )
    return problem_response(
        request,
        status=503,
        code="database_unavailable",
        detail="the database is not reachable right now; try again in a moment",
        headers={"Retry-After": "5"},
    )


def problem_responses(*statuses: int, codes: Iterable[str] = ()) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problems an endpoint can answer; `codes` names the
    operation's own codes (app.errors.PROBLEM_CODES), documented with an example each beside
    the codes any operation can answer with that status."""
    own = list(codes)
    unknown = [code for code in own if code not in PROBLEM_CODES]
    if unknown:
        raise KeyError(f"problem codes not in app.errors.PROBLEM_CODES: {unknown}")
    responses: dict[int | str, dict[str, Any]] = {
        status: {
            "model": Problem,
            "description": _TITLES.get(status, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
    if own:
        for status, response in responses.items():
            response[PROBLEM_CODES_KEY] = [c for c in own if PROBLEM_CODES[c].status == status]
    return responses


def problem_codes_markdown() -> str:
    """The README's error-code table, from PROBLEM_CODES (`python -m app.api.problems`)."""
    lines = ["| code | status | what it means | what to do |", "| --- | --- | --- | --- |"]
    for code, problem in sorted(PROBLEM_CODES.items(), key=lambda item: (item[1].status, item[0])):
        lines.append(f"| `{code}` | {problem.status} | {problem.meaning} | {problem.action} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(problem_codes_markdown(), end="")
