"""Domain errors: one hierarchy, turned into RFC 9457 problem+json by one handler."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An error a client can act on; `code` is stable and machine-readable."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra or {}
        self.headers = headers or {}


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidInput(DomainError):
    """422 with a list of field errors (`loc`, `msg`)."""

    status, code, title = 422, "validation_error", "Invalid input"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **kw: Any):
        super().__init__(detail, **kw)
        self.extra.setdefault("errors", errors or [])


class PreconditionFailed(DomainError):
    status, code, title = 412, "precondition_failed", "Precondition failed"


class Unauthorized(DomainError):
    status, code, title = 401, "unauthorized", "Unauthorized"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Forbidden"


class PayloadTooLarge(DomainError):
    status, code, title = 413, "payload_too_large", "Payload too large"


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class RateLimited(DomainError):
    status, code, title = 429, "rate_limited", "Too many requests"


class ServiceUnavailable(DomainError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


def field_error(loc: list[str | int], msg: str) -> dict[str, Any]:
    """One entry of a 422 `errors` list."""
    return {"loc": loc, "msg": msg}


def clean_validation_msg(msg: str) -> str:
    """A Pydantic error message without its "Value error, " prefix."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg
