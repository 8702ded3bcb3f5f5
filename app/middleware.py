"""Request id, one log line per request, and response headers every answer carries."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.language import negotiate
from app.api.problems import language_headers, problem_body
from app.domain.masking import mask_text_niks
from app.domain.messages import Message as Text
from app.errors import problem_text
from app.proxies import TrustedProxies
from app.request_context import RequestContext, request_context

log = logging.getLogger("app.request")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID) and log method, path, status and duration."""

    def __init__(self, app: ASGIApp, *, trusted_proxies: TrustedProxies) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # base64url, not hex: a hex id can hold sixteen decimal digits in a row, which the
        # log masking would take for a NIK.
        request_id = _incoming_id(scope) or secrets.token_urlsafe(16)
        client_address = self.trusted_proxies.client_address(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_address"] = client_address
        token = request_context.set(
            RequestContext(request_id=request_id, client_address=client_address)
        )
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            extra: dict[str, Any] = {
                "request_id": request_id,
                "method": scope["method"],
                "path": loggable_path(scope["path"]),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            }
            principal = scope["state"].get("principal")
            if principal is not None:
                extra["key_id"] = principal.key_id
            log.info("request", extra=extra)
            request_context.reset(token)


# What a client may choose as its request id: short, plain ASCII, and no NIK in it.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# A verification token is a bearer secret for a letter's public page: the log keeps enough
# to tell requests apart, not enough to open the page.
_TOKEN_PATH = re.compile(r"^(/v/|/api/v1/verify/)([^/]{4})[^/]+")


def loggable_path(path: str) -> str:
    """The request path for the log: NIKs masked, verification tokens shortened."""
    return _TOKEN_PATH.sub(r"\1\2…", mask_text_niks(unquote(path)))


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(text) and mask_text_niks(text) == text:
                return text
            return None
    return None


class NulGuardMiddleware:
    """A NUL character in the path or query answers 422: no database stores one in text,
    and PostgreSQL refuses it with an error that would otherwise surface as a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
        ):
            await _problem(
                scope,
                send,
                422,
                "invalid_character",
                problem_text("invalid_character"),
            )
            return
        await self.app(scope, receive, send)


# Endpoints that take something else than a small JSON body, with limits of their own.
_OWN_BODY_RULES = ("/api/v1/residents/import", "/api/v1/verify")
# A resident's photo (JPEG, PNG or multipart), read by its handler with its own limit.
_OWN_BODY_PATHS = re.compile(r"^/api/v1/residents/[^/]+/photo$")


class JsonBodyMiddleware:
    """JSON endpoints: 415 for another content type, 413 above the size limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("POST", "PATCH", "PUT")
            or not scope["path"].startswith("/api/")
            or scope["path"].startswith(_OWN_BODY_RULES)
            or _OWN_BODY_PATHS.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _problem(scope, send, 413, "payload_too_large", self._too_large())
            return
        has_body = (length not in (None, "0")) or "transfer-encoding" in headers
        if has_body and not (content_type == "application/json" or content_type.endswith("+json")):
            await _problem(
                scope,
                send,
                415,
                "unsupported_media_type",
                problem_text(
                    "unsupported_media_type",
                    got=content_type[:100] or problem_text("thing.no_content_type"),
                ),
            )
            return
        # Read the whole (small) body here, whatever its framing: a chunked body has no
        # Content-Length to refuse up front, and a limit hit deep inside the framework's
        # body parsing would surface as a 400.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await _problem(scope, send, 413, "payload_too_large", self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> Text:
        return problem_text("payload_too_large", kib=self.max_bytes // 1024)


def _base_url(scope: Scope) -> str:
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    return str(getattr(settings, "public_base_url", ""))


async def _problem(scope: Scope, send: Send, status: int, code: str, detail: Text) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    language = negotiate(
        headers.get("accept-language"), str(getattr(settings, "default_language", "id"))
    )
    body = json.dumps(
        problem_body(
            status=status,
            code=code,
            detail=detail,
            language=language,
            base_url=_base_url(scope),
            request_id=scope.get("state", {}).get("request_id"),
        )
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *((k.lower().encode(), v.encode()) for k, v in language_headers(language).items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
