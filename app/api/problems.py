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

from app.api.language import request_language
from app.domain.messages import CodedError, Message
from app.errors import PROBLEM_CODES, DomainError, clean_validation_msg, problem_type
from app.problem_texts import PROBLEM_TEXTS, problem_text
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
        "expired_api_key",
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

# The English titles, for the OpenAPI document's response descriptions.
_TITLES = {
    int(key.removeprefix("title.")): english
    for key, (_, english) in PROBLEM_TEXTS.items()
    if key.startswith("title.")
}


def problem_title(status: int) -> Message:
    """The title of a problem with this status, in both languages."""
    return problem_text(f"title.{status}" if status in _TITLES else "title.400")


def language_headers(language: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """`headers` plus the language of the answer's text and the fact that it depends on
    Accept-Language (so a cache keeps one answer per language)."""
    out = dict(headers or {})
    out["Content-Language"] = language
    vary = out.get("Vary")
    out["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    return out


def problem_body(
    *,
    status: int,
    code: str,
    detail: Message,
    language: str,
    base_url: str,
    request_id: str | None,
) -> dict[str, Any]:
    """The members every problem carries, its texts in `language`; `messages` holds `detail`
    in both languages for a screen that shows them side by side."""
    return {
        "type": problem_type(code, base_url),
        "title": problem_title(status).text(language),
        "status": status,
        "detail": detail.text(language),
        "code": code,
        "request_id": request_id,
        "messages": detail.as_dict(),
    }


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    detail: Message,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the request id, in the language the client asked for."""
    language = request_language(request)
    body = problem_body(
        status=status,
        code=code,
        detail=detail,
        language=language,
        base_url=_base_url(request),
        request_id=getattr(request.state, "request_id", None),
    )
    body.update(_localized(extra or {}, language))
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=language_headers(language, headers),
    )


def _localized(extra: dict[str, Any], language: str) -> dict[str, Any]:
    """`extra` with each field error's Message written in `language`."""
    errors = extra.get("errors")
    if not errors:
        return extra
    return {
        **extra,
        "errors": [
            {**e, "msg": e["msg"].text(language)} if isinstance(e.get("msg"), Message) else e
            for e in errors
        ],
    }


def _base_url(request: Request) -> str:
    settings = getattr(request.app.state, "settings", None)
    return str(getattr(settings, "public_base_url", ""))


def validation_errors(errors: Any, *, body: Any = None, route: Any = None) -> list[dict[str, Any]]:
    """Pydantic errors as `loc`, `type` and `msg` (a Message naming what to send; the input is
    never echoed back); a NIK or KK error also carries its `code` and `messages`."""
    out = []
    for e in errors:
        loc = list(e.get("loc", ()))
        kind = str(e.get("type", ""))
        cause = (e.get("ctx") or {}).get("error")
        item: dict[str, Any] = {"loc": loc, "type": kind}
        if isinstance(cause, CodedError):
            item["msg"] = cause.message
            item["code"] = cause.message.code
            item["messages"] = cause.message.as_dict()
        elif kind == "json_invalid":
            item["loc"] = loc[:1]
            item["msg"] = _json_invalid(e, body)
        elif kind == "missing" and loc == ["body"]:
            item["msg"] = _missing_body(route)
        else:
            item["msg"] = _pydantic_text(e, loc)
        out.append(item)
    return out


def _json_invalid(error: Any, body: Any) -> Message:
    position = error["loc"][1] if len(error.get("loc", ())) > 1 else 0
    text = body if isinstance(body, str) else ""
    position = position if isinstance(position, int) and 0 <= position <= len(text) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    reason = str((error.get("ctx") or {}).get("error", "JSON decode error"))
    return problem_text("pydantic.json_invalid", error=reason, line=line, column=column)


def _missing_body(route: Any) -> Message:
    field = getattr(route, "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    fields = getattr(model, "model_fields", {})
    required = [name for name, info in fields.items() if info.is_required()]
    return problem_text(
        "pydantic.missing_body",
        model=getattr(model, "__name__", "JSON"),
        fields=", ".join(required) or problem_text("thing.none"),
    )


def _pydantic_text(error: Any, loc: list[Any]) -> Message:
    kind = str(error.get("type", ""))
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if k != "error"}
    if kind == "missing":
        return problem_text("pydantic.missing", field=".".join(str(p) for p in loc))
    if f"pydantic.{kind}" in PROBLEM_TEXTS:
        try:
            return problem_text(f"pydantic.{kind}", **ctx)
        except (KeyError, IndexError, ValueError):
            pass
    # A rule of our own without a table entry (a plain ValueError), or a pydantic error type
    # the table does not name: pydantic's English sentence, in both languages.
    said = clean_validation_msg(str(error.get("msg", "")))
    return problem_text("pydantic.fallback", detail=said)


def install_problem_handlers(app: FastAPI) -> None:
    """Map domain errors, validation failures and the unexpected to problem+json."""
    for exc_class, handler in _HANDLERS:
        app.add_exception_handler(exc_class, handler)


async def _domain(request: Request, exc: DomainError) -> JSONResponse:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        detail=exc.message,
        extra=exc.extra,
        headers=exc.headers,
    )


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_errors(exc.errors(), body=exc.body, route=request.scope.get("route"))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or problem_text("where.request")
        detail = (
            problem_text(
                "validation_error.more", where=where, msg=first["msg"], more=len(errors) - 1
            )
            if len(errors) > 1
            else problem_text("validation_error.first", where=where, msg=first["msg"])
        )
    else:
        detail = problem_text("validation_error")
    return problem_response(
        request, status=422, code="validation_error", detail=detail, extra={"errors": errors}
    )


async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        code = "not_found"
        detail = problem_text("not_found.path", path=request.url.path[:200])
    elif exc.status_code == 405:
        code = "method_not_allowed"
        detail = problem_text("method_not_allowed", method=request.method[:20])
    else:
        code = "http_error"
        reason = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "")
        detail = problem_text("http_error", reason=reason)
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        detail=detail,
        headers=getattr(exc, "headers", None),
    )


async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
    log.warning("integrity conflict", extra={"error": type(exc.orig).__name__})
    return problem_response(request, status=409, code="conflict", detail=problem_text("conflict"))


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
        request, status=500, code="internal_error", detail=problem_text("internal_error")
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
        detail=problem_text("database_unavailable"),
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
