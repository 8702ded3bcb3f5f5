"""A small in-process sliding-window rate limiter for the public (unauthenticated) endpoints.

One limiter per application, kept on `app.state`, so every app (and every test) counts on its
own. It counts per process: with several workers each allows the limit; that is acceptable for
a guard against scraping and floods, not a quota.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request

WINDOW_SECONDS = 60.0
# Bounds the memory a flood from many addresses can take; idle keys are swept first.
MAX_TRACKED_CLIENTS = 10_000

_create_lock = threading.Lock()


@dataclass(frozen=True)
class Decision:
    """Whether a request may pass; `retry_after` is whole seconds until it would."""

    allowed: bool
    retry_after: int
    remaining: int


class SlidingWindowLimiter:
    """At most `limit` requests per key in any `window` seconds; thread-safe."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_TRACKED_CLIENTS,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> Decision:
        """Count one request for `key` unless it is over the limit."""
        with self._lock:
            now = self._clock()
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._max_keys:
                    self._make_room(now)
                hits = self._hits[key] = deque()
            horizon = now - self.window
            while hits and hits[0] <= horizon:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = hits[0] + self.window - now
                return Decision(allowed=False, retry_after=max(1, math.ceil(wait)), remaining=0)
            hits.append(now)
            return Decision(allowed=True, retry_after=0, remaining=self.limit - len(hits))

    def _make_room(self, now: float) -> None:
        horizon = now - self.window
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= horizon]:
            del self._hits[key]
        # Still full of active clients: forget the oldest half rather than grow without end.
        if len(self._hits) >= self._max_keys:
            by_last_hit = sorted(self._hits, key=lambda k: self._hits[k][-1])
            for key in by_last_hit[: len(by_last_hit) // 2]:
                del self._hits[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)


def public_limiter(app: FastAPI) -> SlidingWindowLimiter:
    """The app's limiter for public endpoints, made on first use from its settings."""
    limiter: SlidingWindowLimiter | None = getattr(app.state, "public_rate_limiter", None)
    if limiter is None:
        with _create_lock:
            limiter = getattr(app.state, "public_rate_limiter", None)
            if limiter is None:
                limiter = SlidingWindowLimiter(app.state.settings.public_rate_limit_per_minute)
                app.state.public_rate_limiter = limiter
    return limiter


def client_address(request: Request) -> str:
    """The caller's address, as the request middleware resolved it (`app.proxies`)."""
    address = getattr(request.state, "client_address", None)
    if address:
        return str(address)
    return request.client.host if request.client else "unknown"


def check_public_rate(request: Request) -> Decision:
    """Count this request against its client's public allowance."""
    return public_limiter(request.app).hit(client_address(request))
