"""Request id, one log line per request, and response headers every answer carries."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.masking import mask_text_niks
from app.services.audit import RequestContext, request_context

log = logging.getLogger("app.request")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID) and log method, path, status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        client = scope.get("client")
        token = request_context.set(
            RequestContext(request_id=request_id, client_address=client[0] if client else None)
        )
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            extra: dict[str, Any] = {
                "request_id": request_id,
                "method": scope["method"],
                # A NIK in the path (/residents/{nik}) is masked like everywhere else.
                "path": mask_text_niks(scope["path"]),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            principal = scope["state"].get("principal")
            if principal is not None:
                extra["key_id"] = principal.key_id
            log.info("request", extra=extra)
            request_context.reset(token)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if 0 < len(text) <= 64 and text.replace("-", "").isalnum():
                return text
    return None
