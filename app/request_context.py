"""Who is asking, for the length of one request: set by the HTTP middleware, read by the
audit log without knowing about HTTP."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str | None = None
    client_address: str | None = None


request_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


# The language the client asked for (app.api.language), for texts built outside the handler.
chosen_language: ContextVar[str | None] = ContextVar("chosen_language", default=None)
